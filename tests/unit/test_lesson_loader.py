"""Lesson loading: good content loads, every broken rule gives its exact path:line: message."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from course.content.lesson_files import (
    Assignment,
    LinkTarget,
    guide_text,
    lesson_body,
    lesson_link_target,
    link_target,
    load_competences,
    load_lessons,
    load_trainer_sessions,
    media_link_target,
    trainer_body,
)
from course.content.render import render_markdown

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "lessons"
GOOD = FIXTURES / "good"
BROKEN = FIXTURES / "broken"
COMPETENCES = {"mw-vinden"}


def problems_in(rule: str, quiz_slugs: set[str] | None = None) -> list[str]:
    _, problems = load_lessons(BROKEN / rule, COMPETENCES, quiz_slugs)
    return [str(p) for p in problems]


# --- good content ------------------------------------------------------------------------------


def test_good_folder_loads_without_problems() -> None:
    competences, problems = load_competences(GOOD / "competences.yaml")
    assert problems == []
    assert list(competences) == ["mw-vinden", "mw-reflecteren", "bu-kritisch-denken"]
    assert competences["bu-kritisch-denken"].group == "Burgerschap"
    lessons, problems = load_lessons(GOOD, set(competences), {"wie-ben-jij"})
    assert problems == []
    assert list(lessons) == ["wie-ben-jij", "digitale-voetafdruk"]


def test_good_lesson_fields() -> None:
    lessons, _ = load_lessons(GOOD, {"mw-vinden", "mw-reflecteren", "bu-kritisch-denken"}, None)
    first, second = lessons["wie-ben-jij"], lessons["digitale-voetafdruk"]
    assert (first.number, first.title, first.duration, first.quiz) == (
        1,
        "Wie ben jij online?",
        50,
        "wie-ben-jij",
    )
    assert first.goals == (
        "Je kunt uitleggen wat personal branding is.",
        "Je kunt twee voorbeelden geven.",
    )
    assert first.competences == ("mw-vinden", "mw-reflecteren")
    assert first.assignment is None
    assert first.guide_path == GOOD / "01-wie-ben-jij.docent.md"
    assert second.guide_path is None and second.quiz is None
    assert second.assignment == Assignment(
        title="Mijn zoekrapport",
        instructions="Zoek jezelf op met **drie** zoekmethoden.",
        deliverable="Een rapport van 150 tot 250 woorden.",
    )


def test_body_line_is_the_file_line_after_the_front_matter() -> None:
    lessons, _ = load_lessons(GOOD, {"mw-vinden", "mw-reflecteren", "bu-kritisch-denken"}, None)
    for lesson in lessons.values():
        lines = lesson.path.read_text(encoding="utf-8").split("\n")
        assert lines[lesson.body_line - 2] == "---"
        body = lesson_body(lesson)
        assert body.split("\n")[0] == lines[lesson.body_line - 1]
        assert "## Openingscase" in body and "number:" not in body


def test_guide_text() -> None:
    lessons, _ = load_lessons(GOOD, {"mw-vinden", "mw-reflecteren", "bu-kritisch-denken"}, None)
    guide = guide_text(lessons["wie-ben-jij"])
    assert guide is not None and guide.startswith("## Lesverloop (50 minuten)")
    assert guide_text(lessons["digitale-voetafdruk"]) is None


def test_good_trainer_session() -> None:
    sessions, problems = load_trainer_sessions(GOOD / "trainer")
    assert problems == []
    [session] = sessions
    assert (session.number, session.slug, session.duration) == (1, "module-als-student", 120)
    assert session.materials == ("Laptop per deelnemer",)
    assert trainer_body(session).startswith("## Tijdschema")


def test_good_lesson_renders_with_link_targets() -> None:
    lessons, _ = load_lessons(GOOD, {"mw-vinden", "mw-reflecteren", "bu-kritisch-denken"}, None)

    def resolve(href: str) -> str | None:
        target = link_target(href)
        if target is None:
            return None
        if target.kind == "media":
            return f"/media/{target.name}"
        anchor = f"#{target.anchor}" if target.anchor else ""
        return f"/lessen/{target.name}{anchor}" if target.name in lessons else None

    html = render_markdown(lesson_body(lessons["wie-ben-jij"]), resolve)
    assert '<a href="/lessen/digitale-voetafdruk#activiteit">les 2</a>' in html
    assert '<img src="/media/logo.png" alt="Het logo van de module">' in html
    assert 'rel="noopener noreferrer"' in html


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("03-privacy-instellingen.md", LinkTarget("lesson", "privacy-instellingen", None, 3)),
        ("03-privacy-instellingen.md#stap-2", LinkTarget("lesson", "privacy-instellingen", "stap-2", 3)),
        ("media/logo.png", LinkTarget("media", "logo.png")),
        ("media/video/uitleg%20kort.mp4", LinkTarget("media", "video/uitleg kort.mp4")),
        ("3-privacy.md", None),
        ("03-Privacy.md", None),
        ("03-privacy.docent.md", None),
        ("media/../competences.yaml", None),
        ("media/.verborgen", None),
        ("media/", None),
        ("../lessons/03-x.md", None),
        ("https://example.nl/03-x.md", None),
    ],
)
def test_link_target(href: str, expected: LinkTarget | None) -> None:
    assert link_target(href) == expected


def test_lesson_and_media_link_target_helpers() -> None:
    assert lesson_link_target("03-privacy.md#x") == "privacy"
    assert lesson_link_target("media/a.png") is None
    assert media_link_target("media/a.png") == "a.png"
    assert media_link_target("03-privacy.md") is None


# --- broken content: one folder per rule ----------------------------------------------------

LESSON_KEYS = "number, slug, title, summary, goals, duration, competences, quiz, assignment"
CASES: dict[str, list[str]] = {
    "invalid-yaml": ["invalid-yaml/01-les.md:4: invalid YAML: mapping values are not allowed here"],
    "yaml-bad-date": ["yaml-bad-date/01-les.md:2: invalid YAML: day is out of range for month"],
    "missing-front-matter": [
        "missing-front-matter/01-les.md:1: missing front matter: the file must start with a line '---'"
    ],
    "unclosed-front-matter": [
        "unclosed-front-matter/01-les.md:1: front matter is not closed: add a line '---' after the last key"
    ],
    "empty-front-matter": [
        "empty-front-matter/01-les.md:1: front matter is empty: write the keys between the two '---' lines"
    ],
    "front-matter-not-mapping": [
        "front-matter-not-mapping/01-les.md:2: front matter must be a mapping of keys to values"
    ],
    "missing-key": [
        "missing-key/01-les.md:2: missing required key 'summary'",
        "missing-key/01-les.md:2: missing required key 'title'",
    ],
    "unknown-key": [f"unknown-key/01-les.md:9: unknown key 'auteur' (allowed: {LESSON_KEYS})"],
    "wrong-types": [
        "wrong-types/01-les.md:2: 'number' must be a whole number from 1 to 99",
        "wrong-types/01-les.md:4: 'title' must be text, and not empty",
        "wrong-types/01-les.md:6: 'goals' must be a list of texts",
        "wrong-types/01-les.md:7: 'duration' must be a whole number of minutes",
        "wrong-types/01-les.md:8: 'competences' must be a list of texts",
        "wrong-types/02-twee.md:2: 'number' must be a whole number from 1 to 99",
        "wrong-types/02-twee.md:3: 'slug' must be lowercase words joined by '-'",
        "wrong-types/02-twee.md:5: 'summary' must be text, and not empty",
        "wrong-types/02-twee.md:8: 'goals' must be a list of texts",
        "wrong-types/02-twee.md:9: 'duration' must be a whole number of minutes",
        "wrong-types/02-twee.md:10: 'competences' must not be empty",
    ],
    "bad-assignment": [
        "bad-assignment/01-les.md:10: missing required key 'assignment.deliverable'",
        "bad-assignment/01-les.md:10: missing required key 'assignment.instructions'",
        "bad-assignment/01-les.md:11: unknown key 'assignment.extra'"
        " (allowed: assignment.title, assignment.instructions, assignment.deliverable)",
    ],
    "duplicate-number": [
        "duplicate-number/01-les.md:2: duplicate number 1 (also in duplicate-number/01-ander.md)"
    ],
    "duplicate-slug": ["duplicate-slug/02-les.md:3: duplicate slug 'les' (also in duplicate-slug/01-les.md)"],
    "file-name": [
        "file-name/03-verkeerd.md:1: file name does not match number and slug: name it 01-les.md",
        "file-name/1-kort.md:1: file name must look like NN-slug.md",
        "file-name/1-kort.md:1: missing front matter: the file must start with a line '---'",
    ],
    "unknown-quiz": [
        "unknown-quiz/01-les.md:9: quiz 'bestaat-niet' does not exist in quizzes/ (check the slug, or leave 'quiz' out)"
    ],
    "unknown-competence": [
        "unknown-competence/01-les.md:10: unknown competence 'mw-toveren' (not in competences.yaml)"
    ],
    "broken-lesson-link": [
        "broken-lesson-link/01-les.md:13: broken link: 05-bestaat-niet.md does not exist",
        "broken-lesson-link/01-les.md:14: broken link: 'notities.txt' is not a lesson file"
        " (NN-slug.md) or a file in media/",
    ],
    "missing-material": [
        "missing-material/01-les.docent.md:6: broken link: materials/01-rolkaarten.md does not exist"
    ],
    "broken-media-link": [
        "broken-media-link/01-les.md:12: broken link: media/werkblad.pdf does not exist",
        "broken-media-link/01-les.md:14: broken link: 'media/../competences.yaml' is not a lesson"
        " file (NN-slug.md) or a file in media/",
    ],
    "missing-image": [
        "missing-image/01-les.md:12: missing media: media/weg.png does not exist",
        "missing-image/01-les.md:14: image must be a file in media/, not 'https://example.com/foto.png'",
    ],
    "bad-media": [
        "bad-media/01-les.md:12: image without alt text: write what 'media/kwaad.svg' shows between ![ and ]",
        "bad-media/01-les.md:14: missing media: media/weg.svg does not exist",
        "bad-media/media/entiteit.svg:1: a DOCTYPE is not allowed in an SVG (leave it out)",
        "bad-media/media/kapot.svg:2: the SVG is not valid XML: mismatched tag",
        "bad-media/media/kwaad.svg:1: event attribute 'onload' is not allowed in an SVG",
        "bad-media/media/kwaad.svg:1: the SVG needs a <title> that says what it shows",
        "bad-media/media/kwaad.svg:2: <script> is not allowed in an SVG: it runs code or loads another document",
        "bad-media/media/kwaad.svg:3: external reference 'https://example.com/foto.png' is not allowed:"
        " link only to '#id' inside the SVG",
        "bad-media/media/kwaad.svg:4: url() may point only at '#id' inside the SVG",
    ],
    "raw-html": [
        "raw-html/01-les.md:12: raw HTML is not allowed",
        "raw-html/01-les.md:16: raw HTML is not allowed",
        "raw-html/01-les.md:18: raw HTML is not allowed",
    ],
    "bad-link-scheme": [
        "bad-link-scheme/01-les.md:12: link not allowed: 'javascript:alert(1)'"
        " (use https://, mailto:, a lesson or media/)",
        "bad-link-scheme/01-les.md:14: link not allowed: 'data:text/html,hoi'"
        " (use https://, mailto:, a lesson or media/)",
        "bad-link-scheme/01-les.md:14: link not allowed: 'ftp://example.com/a'"
        " (use https://, mailto:, a lesson or media/)",
    ],
    "orphan-guide": [
        "orphan-guide/02-weg.docent.md:1: teacher guide without a lesson: 02-weg.md does not exist"
    ],
    "invalid-utf8": ["invalid-utf8/01-les.md:10: the file is not UTF-8 text: save it as UTF-8"],
}


@pytest.mark.parametrize("rule", sorted(CASES))
def test_broken_rule_reports_exact_problem(rule: str) -> None:
    assert problems_in(rule, quiz_slugs={"les"}) == CASES[rule]


def test_every_broken_folder_has_a_test() -> None:
    tested = set(CASES) | {"bad-competences", "trainer-broken"}
    assert {p.name for p in BROKEN.iterdir()} == tested


def test_quiz_check_is_skipped_without_quiz_slugs() -> None:
    assert problems_in("unknown-quiz", quiz_slugs=None) == []


def test_lessons_with_only_link_problems_still_load() -> None:
    lessons, problems = load_lessons(BROKEN / "broken-lesson-link", COMPETENCES, None)
    assert list(lessons) == ["les"] and problems


def test_duplicate_keeps_the_first_file() -> None:
    lessons, _ = load_lessons(BROKEN / "duplicate-number", COMPETENCES, None)
    assert list(lessons) == ["ander"]


def test_bad_competences() -> None:
    competences, problems = load_competences(BROKEN / "bad-competences" / "competences.yaml")
    assert list(competences) == ["mw-vinden"]
    assert [str(p) for p in problems] == [
        "bad-competences/competences.yaml:5: duplicate competence id 'mw-vinden' (also on line 1)",
        "bad-competences/competences.yaml:9: 'id' must be lowercase words joined by '-'",
        "bad-competences/competences.yaml:13: unknown key 'kleur' (allowed: id, name, group, description)",
        "bad-competences/competences.yaml:14: missing required key 'description'",
        "bad-competences/competences.yaml:17: a competence must be a mapping with id, name,"
        " group, description",
    ]


def test_broken_trainer_sessions() -> None:
    sessions, problems = load_trainer_sessions(BROKEN / "trainer-broken" / "trainer")
    assert sessions == []
    assert [str(p) for p in problems] == [
        "trainer-broken/trainer/01-sessie.md:2: missing required key 'materials'",
        "trainer-broken/trainer/01-sessie.md:10: broken link: 05-bestaat-niet.md does not exist",
        "trainer-broken/trainer/01-sessie.md:10: raw HTML is not allowed",
        "trainer-broken/trainer/02-dubbel.md:1: file name does not match number and slug:"
        " name it 01-dubbel.md",
        "trainer-broken/trainer/02-dubbel.md:2: duplicate number 1"
        " (also in trainer-broken/trainer/01-sessie.md)",
    ]


def test_missing_folders_and_files_are_problems(tmp_path: Path) -> None:
    assert [str(p) for p in load_lessons(tmp_path / "lessons", set(), None)[1]] == [
        "lessons:1: lessons folder does not exist"
    ]
    assert [str(p) for p in load_trainer_sessions(tmp_path / "lessons" / "trainer")[1]] == [
        "lessons/trainer:1: trainer folder does not exist"
    ]
    _, problems = load_competences(tmp_path / "lessons" / "competences.yaml")
    assert [p.path for p in problems] == ["lessons/competences.yaml"]
    assert problems[0].message.startswith("cannot read file")


def test_paths_are_relative_to_the_folders_parent(tmp_path: Path) -> None:
    folder = tmp_path / "lessons"
    shutil.copytree(BROKEN / "unknown-key", folder)
    _, problems = load_lessons(folder, COMPETENCES, None)
    assert [str(p) for p in problems] == [f"lessons/01-les.md:9: unknown key 'auteur' (allowed: {LESSON_KEYS})"]


def test_non_lesson_files_are_ignored(tmp_path: Path) -> None:
    folder = tmp_path / "lessons"
    shutil.copytree(GOOD, folder)
    (folder / "notes.txt").write_text("geen les", encoding="utf-8")
    (folder / ".01-wie-ben-jij.md.swp").write_text("swap", encoding="utf-8")
    (folder / "concepten").mkdir()
    (folder / "concepten" / "03-x.md").write_text("kladje", encoding="utf-8")
    lessons, problems = load_lessons(folder, {"mw-vinden", "mw-reflecteren", "bu-kritisch-denken"}, None)
    assert problems == [] and len(lessons) == 2


# --- malformed input never raises ----------------------------------------------------------

FRONT_KEYS = [
    "number", "slug", "title", "summary", "goals", "duration", "competences", "quiz",
    "assignment", "extra",
]  # fmt: skip
yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers(-200, 200) | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=10,
)
front_matter = st.dictionaries(st.sampled_from(FRONT_KEYS), yaml_values, max_size=10)
markdown_bits = st.lists(
    st.sampled_from(
        [
            "## Kop\n", "[a](05-x.md)", "[b](media/x.png)", "![c](media/)", "<b>", "<!--",
            "[d](javascript:x)", "| a |\n|---|\n| [e](01-les.md) |\n", "\n", "---\n", "`code`",
            "[f]: 01-les.md\n[f]\n", "<https://x.nl>", "> ", "- ", "\r\n", "\x00", "\ufeff",
        ]
    )
    | st.text(max_size=10),
    max_size=12,
).map("".join)
any_text = st.text() | st.sampled_from(["---", "---\n", "---\n---", "---\n: :\n---\n"])
NO_RAISE = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _check_lines(problems, folder: Path) -> None:
    for problem in problems:
        assert problem.line >= 1
        assert not Path(problem.path).is_absolute()
        assert "\n" not in problem.message


def _write(path: Path, content: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", errors="surrogatepass")


@NO_RAISE
@given(text=any_text | st.binary().map(lambda b: b.decode("latin-1")))
def test_random_text_as_lesson_never_raises(tmp_path: Path, text: str) -> None:
    folder = tmp_path / "lessons"
    _write(folder / "01-les.md", text)
    lessons, problems = load_lessons(folder, COMPETENCES, {"les"})
    _check_lines(problems, folder)
    for lesson in lessons.values():
        render_markdown(lesson_body(lesson), lambda href: None)


@NO_RAISE
@given(data=st.binary())
def test_random_bytes_never_raise(tmp_path: Path, data: bytes) -> None:
    folder = tmp_path / "lessons"
    _write(folder / "01-les.md", data)
    _write(folder / "01-les.docent.md", data)
    _write(folder / "competences.yaml", data)
    _write(folder / "trainer" / "01-sessie.md", data)
    _check_lines(load_lessons(folder, COMPETENCES, None)[1], folder)
    _check_lines(load_competences(folder / "competences.yaml")[1], folder)
    _check_lines(load_trainer_sessions(folder / "trainer")[1], folder)


@NO_RAISE
@given(front=front_matter, body=markdown_bits, name=st.sampled_from(["01-les.md", "x.md", "99-a-b.md"]))
def test_random_front_matter_and_body_never_raise(
    tmp_path: Path, front: dict, body: str, name: str
) -> None:
    folder = tmp_path / "lessons"
    if folder.exists():
        shutil.rmtree(folder)
    text = "---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\n" + body
    _write(folder / name, text)
    _write(folder / "trainer" / name, text)
    lessons, problems = load_lessons(folder, COMPETENCES, {"les"})
    _check_lines(problems, folder)
    _check_lines(load_trainer_sessions(folder / "trainer")[1], folder)
    for lesson in lessons.values():
        render_markdown(lesson_body(lesson))


@NO_RAISE
@given(text=any_text, items=st.lists(st.dictionaries(st.text(max_size=12), yaml_values), max_size=4))
def test_random_competences_never_raise(tmp_path: Path, text: str, items: list) -> None:
    path = tmp_path / "lessons" / "competences.yaml"
    _write(path, text)
    _check_lines(load_competences(path)[1], path.parent)
    _write(path, yaml.safe_dump(items, allow_unicode=True))
    _check_lines(load_competences(path)[1], path.parent)
