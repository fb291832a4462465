"""Random and malformed content must come back as problems, never as a traceback.

tests/unit already fuzzes the lesson loader, the quiz loader and grading with made-up quizzes.
This file covers the rest: the TPACK instrument, the misconceptions file, the whole catalog on a
folder with random files in it, and grading (through the quiz form, as the web app does) of the
real quizzes with random answers.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from course.content.catalog import Catalog, load_catalog
from course.content.errors import Problem
from course.content.quiz_files import load_misconceptions
from course.content.tpack_instrument import Instrument, load_instrument
from course.quizzes.forms import quiz_form
from course.quizzes.grading import grade_attempt

ROOT = Path(__file__).resolve().parent.parent
REAL_TPACK = ROOT / "quizzes" / "tpack.yaml"
REAL_MISCONCEPTIONS = ROOT / "quizzes" / "misconceptions.yaml"
GOOD_LESSONS = ROOT / "tests" / "fixtures" / "lessons" / "good"
GOOD_QUIZZES = ROOT / "tests" / "fixtures" / "quizzes" / "good"

FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])

TPACK_KEYS = ["scale", "bands", "develop", "growing", "domains", "id", "name", "explanation", "statements",
              "text", "advice", "strength", "TK", "CK", "PK", "PCK", "TCK", "TPK", "TPACK", "tk1", "x"]
yaml_keys = st.sampled_from(TPACK_KEYS) | st.text(max_size=6)
yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 10) | st.floats() | st.text(max_size=10) | st.sampled_from(TPACK_KEYS),
    lambda inner: st.lists(inner, max_size=8) | st.dictionaries(yaml_keys, inner, max_size=6),
    max_leaves=40,
)
nasty_text = st.text() | st.binary().map(lambda b: b.decode("latin-1")) | st.sampled_from(
    ["", "---", "- - - -", "[" * 2000, "{a: 1, a: 2}", "? [a]\n: b\n", "x: !!python/object:os.system ls\n",
     "a: &a [*a]\n", "\ufeffscale: []\n", "\x00", "domains:\n  - *nope\n", "bands: {develop: .nan, growing: .inf}\n"]
)


@contextmanager
def folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as tmp:
        yield Path(tmp)


def assert_well_formed(problems: list[Problem]) -> None:
    """Every problem can be printed as path:line: message, pointing at a file in the content."""
    for problem in problems:
        assert isinstance(problem, Problem)
        assert problem.line >= 1
        assert not Path(problem.path).is_absolute() and "\\" not in problem.path
        assert problem.message and "\n" not in problem.message


def mutated(data: st.DataObject, tree: Any) -> Any:
    """Replace or delete one node of a parsed YAML tree: the mistakes authors make by accident."""
    node, parent, key = tree, None, None
    for _ in range(data.draw(st.integers(1, 7))):
        if not isinstance(node, dict | list) or not node:
            break
        children = list(node.items()) if isinstance(node, dict) else list(enumerate(node))
        parent, (key, node) = node, data.draw(st.sampled_from(children))
    if parent is None:
        return data.draw(yaml_values)
    if data.draw(st.booleans()):
        del parent[key]
    else:
        parent[key] = data.draw(yaml_values)
    return tree


def dump(tree: Any) -> str:
    return yaml.safe_dump(tree, allow_unicode=True, sort_keys=False)


# --- the TPACK instrument -----------------------------------------------------------------------


def load_tpack_text(content: str | bytes) -> tuple[Instrument | None, list[Problem]]:
    with folder() as base:
        path = base / "quizzes" / "tpack.yaml"
        path.parent.mkdir()
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", errors="surrogatepass")
        instrument, problems = load_instrument(path, base)
    assert_well_formed(problems)
    assert (instrument is None) == bool(problems), "an instrument comes back exactly when there are no problems"
    assert all(p.path == "quizzes/tpack.yaml" for p in problems)
    return instrument, problems


def test_the_real_instrument_loads():
    instrument, problems = load_tpack_text(REAL_TPACK.read_bytes())
    assert not problems and instrument is not None and len(instrument.domains) == 7


def test_a_control_character_in_the_instrument_is_a_problem_on_its_line():
    # Found by the fuzzer below: the YAML reader refused it before parsing and the loader crashed.
    _, problems = load_tpack_text("scale: [a, b, c, d, e]\nbands:\n  develop: 2\x1f\n")
    assert [(p.line, p.message) for p in problems] == [(3, "invalid YAML: character #x001f is not allowed here")]


def test_a_newline_in_a_quoted_value_stays_on_one_line():
    # Also found by fuzzing: a tag with a newline made a message of two lines.
    _, problems = load_tags_text('"a\\nb": uitleg\n')
    assert [str(p) for p in problems] == ["quizzes/misconceptions.yaml:1: misconception tag 'a\\nb' must be "
                                          "lowercase words joined by '-'"]


@FUZZ
@given(nasty_text)
def test_random_text_as_instrument_is_a_problem(text):
    load_tpack_text(text)


@FUZZ
@given(st.binary(max_size=400))
def test_random_bytes_as_instrument_are_a_problem(data):
    load_tpack_text(data)


@FUZZ
@given(yaml_values)
def test_any_yaml_structure_as_instrument_is_a_problem(tree):
    load_tpack_text(dump(tree))


@FUZZ
@given(st.data())
def test_damaged_real_instrument_is_reported_not_raised(data):
    tree = mutated(data, yaml.safe_load(REAL_TPACK.read_text(encoding="utf-8")))
    instrument, _ = load_tpack_text(dump(tree))
    if instrument is not None:  # whatever still loads is complete enough for the scan pages
        assert len(instrument.domains) == 7 and len(instrument.scale) == 4
        assert all(domain.statements for domain in instrument.domains)


# --- the misconceptions file --------------------------------------------------------------------


def load_tags_text(content: str | bytes) -> tuple[dict[str, str], list[Problem]]:
    with folder() as base:
        path = base / "quizzes" / "misconceptions.yaml"
        path.parent.mkdir()
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", errors="surrogatepass")
        tags, problems = load_misconceptions(path)
    assert_well_formed(problems)
    assert all(isinstance(tag, str) and isinstance(text, str) and text for tag, text in tags.items())
    return tags, problems


@FUZZ
@given(nasty_text | st.binary(max_size=300))
def test_random_misconceptions_file_is_a_problem(content):
    load_tags_text(content)


@FUZZ
@given(st.dictionaries(st.text(max_size=20) | st.integers() | st.none(), yaml_values, max_size=8) | yaml_values)
def test_any_structure_as_misconceptions_file_is_a_problem(tree):
    tags, problems = load_tags_text(dump(tree))
    if not isinstance(tree, dict):
        assert problems and not tags


@FUZZ
@given(st.data())
def test_damaged_real_misconceptions_file(data):
    tree = mutated(data, yaml.safe_load(REAL_MISCONCEPTIONS.read_text(encoding="utf-8")))
    tags, _ = load_tags_text(dump(tree))
    for tag, text in tags.items():  # only what the file really says, never something made up
        assert isinstance(tree, dict) and tree[tag].strip() == text


# --- the whole catalog --------------------------------------------------------------------------

FILE_NAMES = st.sampled_from(
    [
        "lessons/01-wie-ben-jij.md", "lessons/01-wie-ben-jij.docent.md", "lessons/03-nieuw.md",
        "lessons/03-nieuw.docent.md", "lessons/competences.yaml", "lessons/trainer/01-module-als-student.md",
        "lessons/trainer/02-nieuw.md", "lessons/media/logo.png", "lessons/media/x.md", "lessons/notes.txt",
        "quizzes/01-digitale-voetafdruk.yaml", "quizzes/02-nieuw.yaml", "quizzes/99-eindquiz.yaml",
        "quizzes/misconceptions.yaml", "quizzes/tpack.yaml", "quizzes/README.md", "quizzes/x.yaml",
    ]
)


@st.composite
def file_contents(draw: st.DrawFn, base: dict[str, bytes]) -> bytes | None:
    """New content for a file: random, a damaged copy of one of the good files, or None (a folder
    where a file should be)."""
    kind = draw(st.sampled_from(["text", "bytes", "damaged", "other", "folder", "empty"]))
    if kind == "text":
        return draw(nasty_text).encode("utf-8", errors="surrogatepass")
    if kind == "bytes":
        return draw(st.binary(max_size=300))
    if kind == "empty":
        return b""
    if kind == "folder":
        return None
    original = base[draw(st.sampled_from(sorted(base)))]
    if kind == "other":
        return original  # a lesson where a quiz should be, and so on
    cut = draw(st.integers(0, len(original)))
    insert = draw(st.sampled_from([b"", b"\n  - ", b": :", b"---\n", b"\t", b"\x00", b"\xff", b"{{", b"&a *a"]))
    return original[:cut] + insert + original[cut + draw(st.integers(0, 40)):]


def good_content() -> dict[str, bytes]:
    """The small good fixture content, with the real instrument: every file relative to the folder."""
    files = {}
    for name, source in (("lessons", GOOD_LESSONS), ("quizzes", GOOD_QUIZZES)):
        for path in source.rglob("*"):
            if path.is_file():
                files[f"{name}/{path.relative_to(source).as_posix()}"] = path.read_bytes()
    files["quizzes/tpack.yaml"] = REAL_TPACK.read_bytes()
    return files


BASE = good_content()


def load_folder(files: dict[str, bytes | None]) -> Catalog:
    with folder() as base:
        for name, content in files.items():
            path = base / name
            if path.exists() and path.is_dir():
                shutil.rmtree(path)
            path.parent.mkdir(parents=True, exist_ok=True)
            if content is None:
                path.mkdir(exist_ok=True)
            else:
                path.write_bytes(content)
        for name in ("lessons", "quizzes"):
            (base / name).mkdir(exist_ok=True)
        catalog = load_catalog(base / "lessons", base / "quizzes")
    assert_well_formed(catalog.problems)
    assert catalog.problems == sorted(set(catalog.problems))
    return catalog


def test_the_base_content_loads():
    catalog = load_folder(dict(BASE))
    assert isinstance(catalog.tpack, Instrument)
    assert catalog.lessons and catalog.quizzes and catalog.misconceptions


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_catalog_with_random_files_reports_problems_and_never_raises(data):
    files: dict[str, bytes | None] = dict(BASE)
    for _ in range(data.draw(st.integers(1, 4))):
        files[data.draw(FILE_NAMES)] = data.draw(file_contents(BASE))
    for name in data.draw(st.lists(st.sampled_from(sorted(BASE)), max_size=3)):
        files.pop(name, None)  # and a few files gone
    catalog = load_folder(files)
    for quiz in catalog.quizzes.values():  # what loaded is whole: every question can be graded
        assert quiz.questions
        grade_attempt(quiz, {})
    for lesson in catalog.lessons.values():
        assert lesson.slug and lesson.title


# --- grading the real quizzes with random answers -----------------------------------------------

REAL = load_catalog(ROOT / "lessons", ROOT / "quizzes")
REAL_QUIZZES = sorted(REAL.quizzes.values(), key=lambda q: q.slug)

json_garbage = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=8), inner, max_size=5),
    max_leaves=12,
)


def ids_of(quiz) -> list[str]:
    found = []
    for q in quiz.questions:
        found += [q.id, *(o.id for o in q.options), *(i.id for i in q.items), *(p.id for p in q.pairs)]
    return found


@FUZZ
@given(st.sampled_from(REAL_QUIZZES), st.data())
def test_random_answers_to_the_real_quizzes_never_raise(quiz, data):
    known = st.sampled_from(ids_of(quiz))
    values = json_garbage | known | st.lists(known, max_size=6) | st.dictionaries(known, known | json_garbage)
    answers = data.draw(st.dictionaries(known | st.text(max_size=6), values, max_size=len(quiz.questions) + 2))
    voided = set(data.draw(st.lists(st.sampled_from([q.id for q in quiz.questions]), max_size=2)))
    result = grade_attempt(quiz, answers, voided)
    assert isinstance(result.score, Fraction)
    assert 0 <= result.score <= result.max_score == quiz.max_score


@pytest.fixture(scope="module")
def form_app(tmp_path_factory):
    """An app only for building forms in a request context; it never touches its database."""
    from course import create_app

    folder = tmp_path_factory.mktemp("forms")
    return create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": f"sqlite:///{folder}/unused.sqlite",
                       "WTF_CSRF_ENABLED": False})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(REAL_QUIZZES), st.integers(0, 2**31), st.data())
def test_random_form_posts_to_the_real_quizzes_never_raise(form_app, quiz, seed, data):
    """What a browser (or someone with curl) can send: any field names the form uses, any values."""
    names = []
    for q in quiz.questions:
        names.append(f"q-{q.id}")
        names += [f"q-{q.id}.{part.id}" for part in (*q.items, *q.pairs)]
    name = st.sampled_from(names) | st.text(max_size=10)
    places = st.sampled_from(["1", "2", "0", "-1", "99", "", " 3 "])
    value = st.sampled_from(ids_of(quiz)) | places | st.text(max_size=8)
    fields = data.draw(st.lists(st.tuples(name, value), max_size=3 * len(names)))
    with form_app.test_request_context(method="POST", data=MultiDict(fields)):
        form = quiz_form(quiz, seed)
        if form.validate():
            result = grade_attempt(quiz, form.answers())
            assert 0 <= result.score <= result.max_score
        else:
            assert form.errors or form.question_errors
