"""TPACK profile arithmetic: domain means, bands, change and cohort aggregates.

Pure functions without Flask or a database, so the numbers a teacher or trainer sees can be
checked by hand in unit tests. A mean is only ever taken over statements that were answered:
a domain without answers has no mean (None), never a zero that would look like a low score.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from ..content.tpack_instrument import SCALE_POINTS, Instrument
from .radar import Series, radar_svg, style_description

DomainMeans = dict[str, float | None]

BAND_LABELS = {"develop": "Om te ontwikkelen", "growing": "Groeiend", "strength": "Sterk"}


def _valid(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= SCALE_POINTS


def domain_means(instrument: Instrument, answers: Mapping[str, int]) -> DomainMeans:
    """Mean answer per domain, over the statements of the current instrument that were answered."""
    means: DomainMeans = {}
    for domain in instrument.domains:
        values = [answers[s.id] for s in domain.statements if _valid(answers.get(s.id))]
        means[domain.id] = sum(values) / len(values) if values else None
    return means


def domain_bands(instrument: Instrument, means: Mapping[str, float | None]) -> dict[str, str | None]:
    """The advice band (develop, growing, strength) per domain; None where there is no mean."""
    bands: dict[str, str | None] = {}
    for domain in instrument.domains:
        mean = means.get(domain.id)
        bands[domain.id] = None if mean is None else instrument.band(mean)
    return bands


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
    return radar_svg(axes, series, title=title, description=f"{intro} {' '.join(lines)}", chart_id=chart_id)
