"""The rules of the TPACK instrument file, each shown by a fixture that breaks exactly one of them
and reported as ``path:line: message``."""

from __future__ import annotations

from pathlib import Path

import pytest

from course.content.tpack_instrument import load_instrument

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
BROKEN = FIXTURES / "quizzes" / "tpack-broken"
ROOT = Path(__file__).resolve().parents[2]

ONE_SCALE = (
    "the instrument has exactly one scale, the top-level 'scale'; a domain's level is the scale point nearest to "
    "its mean"
)
EXPECTED = {
    "second-scale": f"quizzes/tpack-broken/second-scale.yaml:25: 'scale' in domain: {ONE_SCALE}",
    "scale-twice": "quizzes/tpack-broken/scale-twice.yaml:6: duplicate key 'scale': it appears more than once here, "
    "keep one",
    "bands": f"quizzes/tpack-broken/bands.yaml:6: 'bands' in instrument: {ONE_SCALE}",
    "agreement-scale": "quizzes/tpack-broken/agreement-scale.yaml:4: 'scale' must list 4 labels, from 'cannot yet' to "
    "'can teach a colleague'",
    "item-in-two-domains": "quizzes/tpack-broken/item-in-two-domains.yaml:36: statement 'tk2' is in domain TK "
    "(line 14) and in domain CK: every statement belongs to exactly one domain",
    "duplicate-id": "quizzes/tpack-broken/duplicate-id.yaml:100: duplicate statement id 'tpk1' (first on line 91)",
    "missing-advice": "quizzes/tpack-broken/missing-advice.yaml:49: statement pk3: 'advice' is required and must "
    "be text",
    "no-version": "quizzes/tpack-broken/no-version.yaml:2: 'version' is required: a short quoted text such as \"2\"; "
    "raise it when statements or scale change",
}


def test_the_good_fixture_and_the_real_instrument_load() -> None:
    good, problems = load_instrument(FIXTURES / "quizzes" / "good" / "tpack.yaml", FIXTURES)
    assert problems == [] and good is not None and good.item_count == 28
    real, problems = load_instrument(ROOT / "quizzes" / "tpack.yaml", ROOT)
    assert problems == [] and real is not None
    assert all(s.advice for d in real.domains for s in d.statements)  # advice for every statement
    assert len(real.scale) == 4 and real.not_applicable == "N.v.t."


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_broken_instrument_says_what_is_wrong_where(name: str) -> None:
    instrument, problems = load_instrument(BROKEN / f"{name}.yaml", FIXTURES)
    assert instrument is None
    assert [str(p) for p in problems] == [EXPECTED[name]]


def test_every_broken_instrument_fixture_has_an_expectation() -> None:
    assert {path.stem for path in BROKEN.glob("*.yaml")} == set(EXPECTED)
