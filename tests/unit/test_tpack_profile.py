"""TPACK arithmetic checked against numbers worked out by hand."""

from __future__ import annotations

import pytest

from course.content.tpack_instrument import DOMAIN_ORDER, Domain, Instrument, Statement
from course.teacher_track.tpack_profile import (
    cohort_aggregate,
    domain_bands,
    domain_change,
    domain_means,
    format_change,
    format_mean,
)

ADVICE = {"develop": "a", "growing": "b", "strength": "c"}


def make_instrument() -> Instrument:
    """Seven domains with three statements each: tk1..tk3, ck1..ck3, and so on."""
    domains = tuple(
        Domain(
            domain_id,
            f"Domein {domain_id}",
            "Uitleg.",
            tuple(Statement(f"{domain_id.lower()}{n}", f"Ik kan {n}.") for n in (1, 2, 3)),
            ADVICE,
        )
        for domain_id in DOMAIN_ORDER
    )
    scale = ("Helemaal mee oneens", "Mee oneens", "Neutraal", "Mee eens", "Helemaal mee eens")
    return Instrument(scale, 2.5, 3.75, domains, "test")


INSTRUMENT = make_instrument()

# A fixture set of answers, with the means worked out by hand below.
ANSWERS = {
    "tk1": 4, "tk2": 5, "tk3": 3,      # TK: (4 + 5 + 3) / 3 = 4.0
    "ck1": 2, "ck3": 3,                # CK: only two answered: (2 + 3) / 2 = 2.5
    # PK: nothing answered -> no mean
    "pck1": 1, "pck2": 1, "pck3": 2,   # PCK: 4 / 3 = 1.333...
    "tck1": 5, "tck2": 5, "tck3": 5,   # TCK: 5.0
    "tpk1": 3, "tpk2": 0, "tpk3": 9,   # TPK: 0 and 9 are not on the scale: only 3 counts -> 3.0
    "tpack1": 4, "tpack2": True,       # TPACK: True is not an answer: 4.0
    "unknown": 1,                      # not in the instrument: ignored
}  # fmt: skip


def test_domain_means_by_hand() -> None:
    means = domain_means(INSTRUMENT, ANSWERS)
    assert means["TK"] == pytest.approx(4.0)
    assert means["CK"] == pytest.approx(2.5)
    assert means["PK"] is None
    assert means["PCK"] == pytest.approx(4 / 3)
    assert means["TCK"] == pytest.approx(5.0)
    assert means["TPK"] == pytest.approx(3.0)
    assert means["TPACK"] == pytest.approx(4.0)
    assert list(means) == list(DOMAIN_ORDER)


def test_bands_follow_the_instrument_thresholds() -> None:
    bands = domain_bands(INSTRUMENT, domain_means(INSTRUMENT, ANSWERS))
    assert bands == {
        "TK": "strength",  # 4.0 >= 3.75
        "CK": "growing",  # 2.5 is the first value of growing
        "PK": None,
        "PCK": "develop",
        "TCK": "strength",
        "TPK": "growing",
        "TPACK": "strength",
    }
    edges = domain_bands(INSTRUMENT, {"TK": 2.49, "CK": 3.74, "PK": 3.75})
    assert (edges["TK"], edges["CK"], edges["PK"]) == ("develop", "growing", "strength")


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
