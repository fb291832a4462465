"""The quiz loader: the good fixture loads into the model, every broken fixture gives exactly the
expected ``path:line: message`` lines, and no input at all can make the loader crash."""

from __future__ import annotations

import hashlib
import random
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from course.content.errors import Problem
from course.content.quiz_files import FALSE_ID, TRUE_ID, Policy, load_misconceptions, load_quizzes, option_order

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "quizzes"
GOOD = FIXTURES / "good"
BROKEN = FIXTURES / "broken"


@pytest.fixture(scope="module")
def tags() -> dict[str, str]:
    found, problems = load_misconceptions(GOOD / "misconceptions.yaml")
    assert problems == []
    return found


@pytest.fixture(scope="module")
def good(tags: dict[str, str]):
    quizzes, problems = load_quizzes(GOOD, tags)
    assert [str(p) for p in problems] == []
    return quizzes


# -- the good fixture -----------------------------------------------------------------------

def test_good_folder_loads_every_quiz_and_skips_other_yaml(good) -> None:
    assert list(good) == ["digitale-voetafdruk", "eindquiz"]  # tpack.yaml and misconceptions.yaml skipped


def test_quiz_fields(good) -> None:
    quiz = good["digitale-voetafdruk"]
    assert quiz.title == "Quiz — Je digitale voetafdruk"
    assert quiz.lesson == "digitale-voetafdruk" and not quiz.final
    assert quiz.policy == Policy(max_attempts=3, counts="best", show_answers=True, pass_percentage=55)
    assert [q.kind for q in quiz.questions] == ["single", "multiple", "truefalse", "ordering", "matching"]
    assert quiz.path == GOOD / "01-digitale-voetafdruk.yaml"
    assert quiz.version == hashlib.sha256(quiz.path.read_bytes()).hexdigest()[:16]
    assert quiz.max_score == 2 + 1 + 1 + 3 + 1
    assert quiz.question("q4") is quiz.questions[3] and quiz.question("zz") is None


def test_final_quiz_defaults(good) -> None:
    final = good["eindquiz"]
    assert final.final and final.lesson is None
    assert final.policy == Policy(max_attempts=None, counts="last", show_answers=False, pass_percentage=60)


def test_single_question(good) -> None:
    q1 = good["digitale-voetafdruk"].questions[0]
    assert (q1.id, q1.points, q1.line) == ("q1", 2, 10)
    assert q1.text == "Daan solliciteert bij een garage.\nWat doet Daan het best?"
    assert q1.feedback == "Werkgevers kijken vaak online."
    assert [(o.id, o.correct, o.misconception, o.line) for o in q1.options] == [
        ("a", True, None, 18),
        ("b", False, "denkt-werkgever-kijkt-niet", 22),
        ("c", False, "denkt-prive-is-onzichtbaar", 26),
    ]
    assert q1.options[2].text == "Hij gebruikt de naam {Daan#1} = anoniem"


def test_truefalse_is_normalised_to_two_options(good) -> None:
    q3 = good["digitale-voetafdruk"].questions[2]
    waar, niet_waar = q3.options
    assert (waar.id, waar.text, waar.correct) == (TRUE_ID, "Waar", False)
    assert (niet_waar.id, niet_waar.text, niet_waar.correct) == (FALSE_ID, "Niet waar", True)
    assert waar.feedback == "Helaas. Anderen kunnen hem al bewaard hebben."
    assert niet_waar.feedback == "Klopt. Een screenshot is zo gemaakt."
    assert waar.misconception == "denkt-verwijderen-is-weg" and niet_waar.misconception is None


def test_ordering_and_matching(good) -> None:
    q4, q5 = good["digitale-voetafdruk"].questions[3:]
    assert [i.id for i in q4.items] == ["zoeken", "bewaren", "beoordelen"]
    assert q4.misconception == "denkt-pitch-is-opsomming" and q4.options == ()
    assert [(p.id, p.right, p.misconception) for p in q5.pairs] == [
        ("foto", "Vraag eerst toestemming.", "denkt-openbaar-is-vrij-te-gebruiken"),
        ("account", "Volgers kunnen het nog delen.", "denkt-prive-is-onzichtbaar"),
    ]


def test_misconceptions_file(tags: dict[str, str]) -> None:
    assert tags["denkt-verwijderen-is-weg"] == "Denkt dat iets weg is zodra je het verwijdert."
    assert len(tags) == 5


# -- every validator rule -------------------------------------------------------------------

EXPECTED: dict[str, list[str]] = {
    "invalid-yaml": ["invalid-yaml/01-basis.yaml:11: invalid YAML: mapping values are not allowed here"],
    "empty-file": ["empty-file/01-basis.yaml:1: the file is empty: a quiz needs slug, title, policy and questions"],
    "not-a-mapping": ["not-a-mapping/01-basis.yaml:1: a quiz file must be a mapping (key: value lines), not a list"],
    "yml-extension": ["yml-extension/01-basis.yml:1: quiz files end in .yaml, not .yml: rename the file"],
    "unknown-key-quiz": [
        "unknown-key-quiz/01-basis.yaml:8: unknown key 'auteur' in quiz"
        " (allowed: slug, title, lesson, final, policy, questions)",
    ],
    "unknown-key-policy": [
        "unknown-key-policy/01-basis.yaml:8: unknown key 'attempts' in policy"
        " (allowed: max_attempts, counts, show_answers, pass_percentage)",
    ],
    "unknown-key-question": [
        "unknown-key-question/01-basis.yaml:12: unknown key 'hint' in single question"
        " (allowed: id, kind, text, points, feedback, options)",
    ],
    "unknown-key-for-kind": [
        "unknown-key-for-kind/01-basis.yaml:16: unknown key 'items' in truefalse question"
        " (allowed: id, kind, text, points, feedback, answer, feedback_true, feedback_false, misconception)",
    ],
    "unknown-key-option": [
        "unknown-key-option/01-basis.yaml:17: unknown key 'uitleg' in option"
        " (allowed: id, text, correct, feedback, misconception)",
    ],
    "unknown-key-item": ["unknown-key-item/01-basis.yaml:17: unknown key 'correct' in item (allowed: id, text)"],
    "unknown-key-pair": [
        "unknown-key-pair/01-basis.yaml:18: unknown key 'points' in pair"
        " (allowed: id, left, right, feedback, misconception)",
    ],
    "missing-key-quiz": [
        "missing-key-quiz/01-basis.yaml:2: missing required key 'questions' in quiz",
        "missing-key-quiz/01-basis.yaml:2: missing required key 'title' in quiz",
    ],
    "missing-key-question": [
        "missing-key-question/01-basis.yaml:9: missing required key 'kind' in question",
        "missing-key-question/01-basis.yaml:9: missing required key 'text' in question",
        "missing-key-question/01-basis.yaml:15: missing required key 'id' in single question",
        "missing-key-question/01-basis.yaml:15: missing required key 'text' in single question",
    ],
    "missing-key-option": [
        "missing-key-option/01-basis.yaml:13: missing required key 'text' in option",
        "missing-key-option/01-basis.yaml:16: missing required key 'id' in option",
    ],
    "missing-lesson": [
        "missing-lesson/01-basis.yaml:1: missing required key 'lesson' in quiz"
        " (only the final quiz, with final: true, has none)",
    ],
    "unknown-kind": [
        "unknown-kind/01-basis.yaml:10: unknown kind 'essay'"
        " (use one of: single, multiple, truefalse, ordering, matching)",
    ],
    "duplicate-key": [
        "duplicate-key/01-basis.yaml:20: duplicate key 'feedback': it appears more than once here, keep one",
    ],
    "no-correct-option": [
        "no-correct-option/01-basis.yaml:12: no correct option: mark exactly one option with correct: true",
        "no-correct-option/01-basis.yaml:24: no correct option: mark every right option with correct: true",
    ],
    "single-two-correct": [
        "single-two-correct/01-basis.yaml:20: a single question has exactly one correct option, not 2"
        ": mark only one, or use kind: multiple for tick-all-that-apply",
    ],
    "too-few-options": ["too-few-options/01-basis.yaml:12: a single question needs at least two options"],
    "correct-with-misconception": [
        "correct-with-misconception/01-basis.yaml:17: a correct option takes no misconception tag:"
        " remove 'misconception' here (only wrong options have one)",
    ],
    "duplicate-question-id": [
        "duplicate-question-id/01-basis.yaml:21: duplicate question id 'q1' (also on line 9): give each its own id"
    ],
    "duplicate-option-id": [
        "duplicate-option-id/01-basis.yaml:17: duplicate option id 'a' (also on line 13): give each its own id"
    ],
    "duplicate-item-id": [
        "duplicate-item-id/01-basis.yaml:17: duplicate item id 'een' (also on line 15): give each its own id"
    ],
    "duplicate-pair-id": [
        "duplicate-pair-id/01-basis.yaml:18: duplicate pair id 'p1' (also on line 13): give each its own id"
    ],
    "duplicate-slug": [
        "duplicate-slug/02-basis.yaml:1: duplicate quiz slug 'basis' (also in duplicate-slug/01-basis.yaml):"
        " give each quiz its own slug",
    ],
    "file-name": [
        "file-name/02-anders.yaml:1: file name '02-anders.yaml' does not match slug 'iets-anders':"
        " name it NN-iets-anders.yaml",
        "file-name/basis.yaml:1: file name 'basis.yaml' does not match slug 'basis': name it NN-basis.yaml",
    ],
    "invalid-slug": ["invalid-slug/01-basis.yaml:1: slug 'Basis Quiz' must be lowercase words joined by '-'"],
    "final-quiz": [
        "final-quiz/05-eind.yaml:3: the final quiz belongs to no lesson: leave 'lesson' out",
        "final-quiz/05-eind.yaml:8: the file name of the final quiz must start with 99-, not '05-'",
        "final-quiz/99-basis.yaml:1: file name 99-... is for the final quiz: add final: true or renumber",
    ],
    "ordering-too-few-items": [
        "ordering-too-few-items/01-basis.yaml:14: an ordering question needs at least two items",
    ],
    "matching-too-few-pairs": [
        "matching-too-few-pairs/01-basis.yaml:12: a matching question needs at least two pairs",
    ],
    "matching-unequal-sides": [
        "matching-unequal-sides/01-basis.yaml:20: right text 'vraag  toestemming.' is also the right text of"
        " pair 'p1': every right text in a question must be different",
        "matching-unequal-sides/01-basis.yaml:23: missing required key 'right' in pair",
    ],
    "missing-feedback": [
        "missing-feedback/01-basis.yaml:17: missing required key 'feedback' in option",
        "missing-feedback/01-basis.yaml:20: missing required key 'feedback_false' in truefalse question",
        "missing-feedback/01-basis.yaml:26: missing required key 'feedback' in ordering question",
        "missing-feedback/01-basis.yaml:39: missing required key 'feedback' in pair",
    ],
    "missing-misconception": [
        "missing-misconception/01-basis.yaml:17: wrong option 'b' needs a misconception tag:"
        " add 'misconception' with a tag from misconceptions.yaml",
        "missing-misconception/01-basis.yaml:20: missing required key 'misconception' in truefalse question",
        "missing-misconception/01-basis.yaml:26: missing required key 'misconception' in ordering question",
        "missing-misconception/01-basis.yaml:39: missing required key 'misconception' in pair",
    ],
    "unknown-misconception": [
        "unknown-misconception/01-basis.yaml:20:"
        " misconception tag 'denkt-dat-niemand-kijkt' is not in misconceptions.yaml"
        " (check the spelling, or add it there)",
    ],
    "points-invalid": [
        "points-invalid/01-basis.yaml:11: points must be a whole number of 1 or more, not 0",
        "points-invalid/01-basis.yaml:24: points must be a whole number of 1 or more, not 1.5",
        "points-invalid/01-basis.yaml:37: points must be a whole number of 1 or more, not 'twee'",
        "points-invalid/01-basis.yaml:50: points must be a whole number of 1 or more, not true",
    ],
    "policy-invalid": [
        "policy-invalid/01-basis.yaml:5: max_attempts must be a whole number of 1 or more"
        " (leave it out for unlimited), not 0",
        "policy-invalid/01-basis.yaml:6: counts must be 'best' or 'last', not 'gemiddeld'",
        "policy-invalid/01-basis.yaml:7: show_answers must be true or false, not 'ja'",
        "policy-invalid/01-basis.yaml:8: pass_percentage must be a whole number from 0 to 100, not 120",
    ],
    "policy-missing": [
        "policy-missing/01-basis.yaml:1: missing required key 'policy' in quiz",
        "policy-missing/02-half.yaml:5: missing required key 'counts' in policy",
        "policy-missing/02-half.yaml:5: missing required key 'pass_percentage' in policy",
        "policy-missing/02-half.yaml:5: missing required key 'show_answers' in policy",
        "policy-missing/03-lijst.yaml:4: policy must be a mapping (key: value lines), not a list",
    ],
    "no-questions": ["no-questions/01-basis.yaml:8: the quiz has no questions: add at least one under 'questions'"],
    "wrong-types": [
        "wrong-types/01-basis.yaml:9: a question must be a mapping (key: value lines),"
        " not 'Wat is een digitale voetafdruk?'",
        "wrong-types/01-basis.yaml:10: id 2 in single question must be made of letters, digits, '-' and '_'"
        " (put it in quotes)",
        "wrong-types/01-basis.yaml:12: 'text' in single question must be text, not 42 (put it in quotes)",
        "wrong-types/01-basis.yaml:13: 'options' in single question must be a list, not a mapping",
        "wrong-types/01-basis.yaml:19: 'feedback' in multiple question is empty (write it or leave the key out)",
        "wrong-types/01-basis.yaml:21: an option must be a mapping (key: value lines), not 'Ja'",
        "wrong-types/01-basis.yaml:24: 'correct' in option must be true or false, not 'ja'",
        "wrong-types/01-basis.yaml:25: 'feedback' in option must be text, not a list (put it in quotes)",
        "wrong-types/01-basis.yaml:26: misconception in option must be a tag from misconceptions.yaml, not a list",
        "wrong-types/01-basis.yaml:30: 'answer' in truefalse question must be true or false, not 'waar'",
        "wrong-types/01-basis.yaml:35: unknown kind a list"
        " (use one of: single, multiple, truefalse, ordering, matching)",
    ],
    "misconceptions-file": [
        "misconceptions-file/misconceptions.yaml:2:"
        " misconception tag 'Denkt Fout' must be lowercase words joined by '-'",
        "misconceptions-file/misconceptions.yaml:3: misconception tag 'denkt-leeg' needs a short explanation as text",
        "misconceptions-file/misconceptions.yaml:4: misconception tag 'denkt-lijst' needs a short explanation as text",
    ],
}


def check_folder(folder: Path, good_tags: dict[str, str]) -> tuple[dict, list[Problem]]:
    """Like the app: the folder's own misconceptions.yaml if it has one, else the good list."""
    problems: list[Problem] = []
    tags = good_tags
    if (folder / "misconceptions.yaml").exists():
        tags, problems = load_misconceptions(folder / "misconceptions.yaml")
    quizzes, quiz_problems = load_quizzes(folder, tags)
    return quizzes, problems + quiz_problems


@pytest.mark.parametrize("rule", sorted(EXPECTED))
def test_broken_fixture_reports_exactly(rule: str, tags: dict[str, str]) -> None:
    quizzes, problems = check_folder(BROKEN / rule, tags)
    assert [str(p) for p in problems] == EXPECTED[rule]
    files_with_problems = {p.path for p in problems}
    assert all(f"{rule}/{q.path.name}" not in files_with_problems for q in quizzes.values())


def test_every_broken_fixture_has_expectations() -> None:
    folders = sorted(p.name for p in BROKEN.iterdir() if p.is_dir())
    assert folders == sorted([*EXPECTED, "odd-yaml-key"])


def test_list_as_key_is_invalid_yaml_not_a_crash(tags: dict[str, str]) -> None:
    """The wording comes from yamlsource.load_yaml, so only its shape is pinned here."""
    quizzes, problems = check_folder(BROKEN / "odd-yaml-key", tags)
    assert quizzes == {} and len(problems) == 1
    assert problems[0].path == "odd-yaml-key/01-basis.yaml" and problems[0].line == 1
    assert problems[0].message.startswith("invalid YAML: ")


def test_first_of_duplicate_slugs_still_loads(tags: dict[str, str]) -> None:
    quizzes, _ = check_folder(BROKEN / "duplicate-slug", tags)
    assert quizzes["basis"].path.name == "01-basis.yaml"


def test_paths_are_relative_to_the_folders_parent(tags: dict[str, str]) -> None:
    _, problems = load_quizzes(BROKEN / "empty-file", tags)
    assert problems[0].path == "empty-file/01-basis.yaml"


def test_missing_files_and_folders_are_problems_not_crashes(tmp_path: Path) -> None:
    tags, problems = load_misconceptions(tmp_path / "quizzes" / "misconceptions.yaml")
    assert tags == {} and problems[0].path == "quizzes/misconceptions.yaml"
    assert problems[0].message.startswith("cannot read file")
    quizzes, problems = load_quizzes(tmp_path / "nowhere", {})
    assert quizzes == {} and problems[0].path == "nowhere"


def test_non_utf8_file_is_a_problem(tmp_path: Path) -> None:
    (tmp_path / "01-x.yaml").write_bytes(b"slug: \xff\xfe\n")
    _, problems = load_quizzes(tmp_path, {})
    assert [p.message for p in problems] == ["the file is not UTF-8 text: save it as UTF-8"]


# -- option order -----------------------------------------------------------------------------

def test_option_order_is_a_stable_permutation(good) -> None:
    for question in good["digitale-voetafdruk"].questions:
        ids = option_order(question, 1234)
        assert option_order(question, 1234) == ids
        expected = {"ordering": question.items, "matching": question.pairs}.get(question.kind, question.options)
        assert sorted(ids) == sorted(x.id for x in expected)


def test_option_order_depends_on_seed_not_on_global_rng(good) -> None:
    q1 = good["digitale-voetafdruk"].questions[0]
    random.seed(1)
    state = random.getstate()
    orders = {tuple(option_order(q1, seed)) for seed in range(50)}
    assert random.getstate() == state
    assert len(orders) > 1


def test_truefalse_keeps_waar_first(good) -> None:
    q3 = good["digitale-voetafdruk"].questions[2]
    assert all(option_order(q3, seed) == [TRUE_ID, FALSE_ID] for seed in range(20))


def test_ordering_is_never_shown_solved(good) -> None:
    q4 = good["digitale-voetafdruk"].questions[3]
    solved = [i.id for i in q4.items]
    assert all(option_order(q4, seed) != solved for seed in range(200))


# -- robustness ---------------------------------------------------------------------------------

KEYS = st.sampled_from([
    "slug", "title", "lesson", "final", "policy", "questions", "id", "kind", "text", "points", "feedback",
    "options", "correct", "misconception", "answer", "feedback_true", "feedback_false", "items", "pairs",
    "left", "right", "counts", "show_answers", "pass_percentage", "max_attempts", "single", "x",
])
yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 200) | st.floats(allow_nan=False) | st.text(max_size=8) | KEYS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=6),
    max_leaves=30,
)


def load_text(text: str, name: str = "01-basis.yaml") -> list[Problem]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "quizzes"
        folder.mkdir()
        (folder / name).write_text(text, encoding="utf-8")
        quizzes, problems = load_quizzes(folder, {"denkt-x": "X"})
    assert all(isinstance(p, Problem) and p.line >= 1 and p.path == f"quizzes/{name}" for p in problems)
    assert bool(quizzes) != bool(problems)
    return problems


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(yaml_values)
def test_any_yaml_structure_never_crashes_the_loader(data: object) -> None:
    load_text(yaml.safe_dump(data, allow_unicode=True))


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_damaged_good_quiz_never_crashes_the_loader(data: st.DataObject) -> None:
    """Replace one node of the real fixture by something random: what authors do by accident."""
    tree = yaml.safe_load((GOOD / "01-digitale-voetafdruk.yaml").read_text(encoding="utf-8"))
    node, parent, key = tree, None, None
    for _ in range(data.draw(st.integers(1, 6))):
        if not isinstance(node, (dict, list)) or not node:
            break
        children = list(node.items()) if isinstance(node, dict) else list(enumerate(node))
        parent, (key, node) = node, data.draw(st.sampled_from(children))
    if parent is not None and data.draw(st.booleans()):
        del parent[key]
    elif parent is not None:
        parent[key] = data.draw(yaml_values)
    load_text(yaml.safe_dump(tree, allow_unicode=True, sort_keys=False))


@settings(max_examples=100)
@given(st.text(max_size=200))
def test_any_text_never_crashes_the_loader(text: str) -> None:
    load_text(text)
