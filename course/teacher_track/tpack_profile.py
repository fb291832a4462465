"""TPACK profile arithmetic: domain means, levels, low items, change and cohort aggregates.

Pure functions without Flask or a database, so the numbers a teacher or trainer sees can be
checked by hand in unit tests. A mean is only ever taken over statements answered on the scale:
"n.v.t." and unanswered statements do not count, and a domain without such answers has no mean
(None), never a zero that would look like a low score.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ..content.tpack_instrument import SCALE_POINTS, Instrument, Statement
from .radar import Series, radar_svg, style_description

DomainMeans = dict[str, float | None]

LOW_ANSWERS = (1, 2)  # "kan ik nog niet" and "met hulp": these statements get their advice
MAX_ADVICE = 5  # a handful of next steps, not one for every statement


def _valid(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= SCALE_POINTS


def domain_means(instrument: Instrument, answers: Mapping[str, int]) -> DomainMeans:
    """Mean answer per domain, over the statements of the current instrument that were answered."""
    means: DomainMeans = {}
    for domain in instrument.domains:
        values = [answers[s.id] for s in domain.statements if _valid(answers.get(s.id))]
        means[domain.id] = sum(values) / len(values) if values else None
    return means


def domain_levels(instrument: Instrument, means: Mapping[str, float | None]) -> dict[str, int | None]:
    """Per domain the scale point nearest to its mean (halfway goes down); None where there is no mean."""
    levels: dict[str, int | None] = {}
    for domain in instrument.domains:
        mean = means.get(domain.id)
        levels[domain.id] = None if mean is None else instrument.level(mean)
    return levels


@dataclass(frozen=True)
class LowItem:
    domain_id: str
    statement: Statement
    value: int


def low_items(instrument: Instrument, answers: Mapping[str, int]) -> list[LowItem]:
    """Statements answered "kan ik nog niet" or "met hulp", most urgent first: the lower answer
    first; among equal answers one statement per domain in turn, the basic domains (TK, CK, PK)
    before the combined ones, so a handful of steps is spread over domains."""
    found = [
        (answers[s.id], statement_index, domain_index, LowItem(domain.id, s, answers[s.id]))
        for domain_index, domain in enumerate(instrument.domains)
        for statement_index, s in enumerate(domain.statements)
        if _valid(answers.get(s.id)) and answers[s.id] in LOW_ANSWERS
    ]
    return [item for *_, item in sorted(found, key=lambda f: f[:3])]


def advice_by_domain(instrument: Instrument, items: list[LowItem], limit: int = MAX_ADVICE) -> dict[str, list[LowItem]]:
    """The first ``limit`` low items, grouped per domain in the instrument's order."""
    chosen = items[:limit]
    return {
        d.id: [item for item in chosen if item.domain_id == d.id]
        for d in instrument.domains
        if any(item.domain_id == d.id for item in chosen)
    }


def domain_change(
    domain_ids: Iterable[str], before: Mapping[str, float | None], after: Mapping[str, float | None]
) -> DomainMeans:
    """``after - before`` per domain; None where either scan has no mean for it."""
    change: DomainMeans = {}
    for domain_id in domain_ids:
        old, new = before.get(domain_id), after.get(domain_id)
        change[domain_id] = None if old is None or new is None else new - old
    return change


def cohort_aggregate(
    domain_ids: Iterable[str], profiles: Sequence[Mapping[str, float | None]], min_group: int
) -> DomainMeans | None:
    """Mean of the members' domain means, or None when fewer than ``min_group`` people took part.

    Every person weighs the same. A domain that fewer than ``min_group`` people have a mean for
    gets None as well, so no single answer can be read back from a small group.
    """
    min_group = max(1, min_group)
    if len(profiles) < min_group:
        return None
    aggregate: DomainMeans = {}
    for domain_id in domain_ids:
        values = [v for p in profiles if (v := p.get(domain_id)) is not None]
        aggregate[domain_id] = sum(values) / len(values) if len(values) >= min_group else None
    return aggregate


def format_mean(value: float | None) -> str:
    """Dutch notation with two decimals: 3.4 -> "3,40"; no mean -> an en dash."""
    if value is None:
        return "–"
    return f"{value:.2f}".replace(".", ",")


def format_change(value: float | None) -> str:
    """A signed Dutch number: +0,40, −0,20 or 0,00."""
    if value is None:
        return "–"
    rounded = round(value, 2)
    if rounded == 0:
        return "0,00"
    sign = "+" if rounded > 0 else "−"
    return sign + f"{abs(rounded):.2f}".replace(".", ",")


def profile_chart(instrument: Instrument, series: list[Series], *, title: str, chart_id: str, intro: str) -> str:
    """The radar chart with every number also in its text alternative (the SVG's desc)."""
    lines = []
    for index, line in enumerate(series):
        numbers = ", ".join(
            f"{domain.name} {format_mean(value)}" for domain, value in zip(instrument.domains, line.values, strict=True)
        )
        lines.append(f"{line.label} ({style_description(index)}): {numbers}.")
    axes = [d.id for d in instrument.domains]
    return radar_svg(
        axes,
        series,
        title=title,
        description=f"{intro} {' '.join(lines)}",
        chart_id=chart_id,
        scale_max=len(instrument.scale),
    )
