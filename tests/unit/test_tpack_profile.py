"""TPACK arithmetic checked against numbers worked out by hand."""

from __future__ import annotations

from datetime import date

import pytest

from course.content.tpack_instrument import DOMAIN_ORDER, Domain, Instrument, Statement
from course.teacher_track.tpack_profile import (
    advice_by_domain,
    cohort_aggregate,
    domain_change,
    domain_levels,
    domain_means,
    format_change,
    format_mean,
    low_items,
)


def make_instrument() -> Instrument:
    """Seven domains with three statements each: tk1..tk3, ck1..ck3, and so on."""
    domains = tuple(
        Domain(
            domain_id,
            f"Domein {domain_id}",
            "Uitleg.",
            tuple(Statement(f"{domain_id.lower()}{n}", f"Ik kan {n}.", f"Advies {n}.") for n in (1, 2, 3)),
        )
        for domain_id in DOMAIN_ORDER
    )
    scale = ("Kan ik nog niet", "Met hulp", "Zelfstandig", "Kan het een collega leren")
    return Instrument("test", date(2026, 12, 2), scale, "N.v.t.", domains)


INSTRUMENT = make_instrument()

# A fixture set of answers, with the means worked out by hand below. 0 is "n.v.t.".
ANSWERS = {
    "tk1": 4, "tk2": 4, "tk3": 3,      # TK: (4 + 4 + 3) / 3 = 3.667
    "ck1": 2, "ck2": 0, "ck3": 3,      # CK: n.v.t. does not count: (2 + 3) / 2 = 2.5
    "pk1": 0, "pk2": 0, "pk3": 0,      # PK: n.v.t. throughout -> no mean
    "pck1": 1, "pck2": 1, "pck3": 2,   # PCK: 4 / 3 = 1.333...
    "tck1": 4, "tck2": 4, "tck3": 4,   # TCK: 4.0
    "tpk1": 3, "tpk2": 5, "tpk3": 9,   # TPK: 5 and 9 are not on the scale: only 3 counts -> 3.0
    "tpack1": 2, "tpack2": True,       # TPACK: True is not an answer: 2.0
    "unknown": 1,                      # not in the instrument: ignored
}  # fmt: skip


def test_domain_means_by_hand_leave_out_not_applicable() -> None:
    means = domain_means(INSTRUMENT, ANSWERS)
    assert means["TK"] == pytest.approx(11 / 3)
    assert means["CK"] == pytest.approx(2.5)
    assert means["PK"] is None
    assert means["PCK"] == pytest.approx(4 / 3)
    assert means["TCK"] == pytest.approx(4.0)
    assert means["TPK"] == pytest.approx(3.0)
    assert means["TPACK"] == pytest.approx(2.0)
    assert list(means) == list(DOMAIN_ORDER)


def test_the_level_is_the_nearest_scale_point_and_halfway_goes_down() -> None:
    levels = domain_levels(INSTRUMENT, domain_means(INSTRUMENT, ANSWERS))
    assert levels == {"TK": 4, "CK": 2, "PK": None, "PCK": 1, "TCK": 4, "TPK": 3, "TPACK": 2}
    edges = domain_levels(INSTRUMENT, {"TK": 1.5, "CK": 1.51, "PK": 3.49, "PCK": 3.5, "TCK": 1.0})
    assert [edges[d] for d in ("TK", "CK", "PK", "PCK", "TCK")] == [1, 2, 3, 3, 1]


def test_met_hulp_throughout_is_met_hulp_with_no_other_label() -> None:
    # The old agreement scale turned "Neutraal" everywhere into "Groeiend"; now the level is
    # the answer itself, so no label appears that the teacher did not give.
    answers = {sid: 2 for d in INSTRUMENT.domains for sid in (s.id for s in d.statements)}
    assert set(domain_levels(INSTRUMENT, domain_means(INSTRUMENT, answers)).values()) == {2}


def test_low_items_most_urgent_first_and_at_most_a_handful() -> None:
    items = low_items(INSTRUMENT, ANSWERS)
    # "kan ik nog niet" (1) before "met hulp" (2); within one answer one statement per domain in
    # turn (the first statements of CK and TPACK before the third of PCK).
    assert [(i.statement.id, i.value) for i in items] == [
        ("pck1", 1),
        ("pck2", 1),
        ("ck1", 2),
        ("tpack1", 2),
        ("pck3", 2),
    ]
    grouped = advice_by_domain(INSTRUMENT, items, limit=4)
    assert list(grouped) == ["CK", "PCK", "TPACK"]  # the instrument's order; pck3 fell outside the four
    assert [i.statement.advice for i in grouped["PCK"]] == ["Advies 1.", "Advies 2."]


def test_change_between_two_scans() -> None:
    before = {"TK": 2.0, "CK": 3.5, "PK": None}
    after = {"TK": 3.25, "CK": 3.0, "PK": 4.0}
    change = domain_change(["TK", "CK", "PK", "PCK"], before, after)
    assert change["TK"] == pytest.approx(1.25)
    assert change["CK"] == pytest.approx(-0.5)
    assert change["PK"] is None  # no mean at the start: no change to report
    assert change["PCK"] is None


def test_cohort_aggregate_needs_the_minimum_group() -> None:
    profiles = [{"TK": float(v), "CK": 2.0} for v in (1, 2, 3, 4)]
    assert cohort_aggregate(["TK", "CK"], profiles, min_group=5) is None
    profiles.append({"TK": 5.0, "CK": 4.5})
    aggregate = cohort_aggregate(["TK", "CK"], profiles, min_group=5)
    assert aggregate is not None
    assert aggregate["TK"] == pytest.approx(3.0)  # (1 + 2 + 3 + 4 + 5) / 5
    assert aggregate["CK"] == pytest.approx(2.5)  # (2 * 4 + 4.5) / 5


def test_a_domain_answered_by_too_few_people_stays_hidden() -> None:
    profiles = [{"TK": 3.0, "CK": None} for _ in range(4)] + [{"TK": 4.0, "CK": 5.0}]
    aggregate = cohort_aggregate(["TK", "CK"], profiles, min_group=5)
    assert aggregate == {"TK": pytest.approx(3.2), "CK": None}


def test_every_person_weighs_the_same() -> None:
    # A mean of the members' means, not of all answers pooled.
    aggregate = cohort_aggregate(["TK"], [{"TK": 1.0}, {"TK": 5.0}], min_group=2)
    assert aggregate == {"TK": pytest.approx(3.0)}


def test_a_minimum_below_one_counts_as_one() -> None:
    assert cohort_aggregate(["TK"], [], min_group=0) is None
    assert cohort_aggregate(["TK"], [{"TK": 2.0}], min_group=0) == {"TK": 2.0}


@pytest.mark.parametrize(("value", "shown"), [(3.4, "3,40"), (4 / 3, "1,33"), (5, "5,00"), (None, "–")])
def test_means_are_shown_the_dutch_way(value: float | None, shown: str) -> None:
    assert format_mean(value) == shown


@pytest.mark.parametrize(
    ("value", "shown"), [(0.4, "+0,40"), (-0.2, "−0,20"), (0.001, "0,00"), (-0.004, "0,00"), (None, "–")]
)
def test_change_is_signed(value: float | None, shown: str) -> None:
    assert format_change(value) == shown
