"""Lesson pages as students and staff see them: content, preview, teacher guide, media, caching."""

from __future__ import annotations

import re
import shutil
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask import Blueprint, Flask
from markdown_it import MarkdownIt
from markupsafe import escape
from sqlalchemy import func, select

from course.core.content_store import catalog, guide_html, render_cache
from course.core.extensions import db
from course.lessons import lookup as lessons_module
from course.models import LessonProgress
from tests.conftest import ROOT, Auth, make_test_app

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs)))


def elements(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser.found


def assert_no_active_content(html: str) -> None:
    """What a browser would run: script elements, javascript: URLs, on* handlers. Text is fine."""
    found = elements(html)
    assert found, "no HTML parsed"
    for tag, attrs in found:
        assert tag not in {"script", "iframe", "object", "embed"}, tag
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            assert not (value or "").strip().lower().startswith(("javascript:", "data:", "vbscript:")), (tag, value)


def ordered_lessons(app: Flask) -> list:
    with app.app_context():
        return list(catalog().lessons.values())


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """The real content in a folder of its own, with a media folder, so tests may touch files."""
    target = tmp_path / "content"
    shutil.copytree(ROOT / "lessons", target / "lessons")
    shutil.copytree(ROOT / "quizzes", target / "quizzes")
    media = target / "lessons" / "media"
    media.mkdir(exist_ok=True)
    (media / "pixel.png").write_bytes(PNG)
    (media / "page.html").write_text("<script>alert(1)</script>", encoding="utf-8")
    (media / ".hidden.png").write_bytes(PNG)
    return target


@pytest.fixture
def copied(tmp_path: Path, backend, content_copy: Path):
    """An app (with its own client and auth helper) that reads the copied content."""
    application = make_test_app(
        tmp_path, backend, LESSONS_DIR=str(content_copy / "lessons"), QUIZZES_DIR=str(content_copy / "quizzes")
    )
    client = application.test_client()
    yield application, client, Auth(application, client)
    with application.app_context():
        db.session.remove()
        db.engine.dispose()
    backend.reset()


def test_lesson_page_shows_goals_body_assignment_and_neighbours(app, auth, client):
    lessons = ordered_lessons(app)
    lesson = lessons[1]
    auth.make_user("sanne")
    auth.login("sanne")
    html = client.get(f"/lessons/{lesson.slug}").get_data(as_text=True)
    assert f"<h1>Les {lesson.number}: {escape(lesson.title)}</h1>" in html
    goals_at = html.index("Wat je leert")
    for goal in lesson.goals:
        assert str(escape(goal)) in html
        assert html.index(str(escape(goal))) > goals_at
    assert 'id="openingscase"' in html  # the rendered body, with heading anchors
    assert html.index("Wat je leert") < html.index('id="openingscase"')  # goals on top
    assert str(escape(lesson.assignment.title)) in html
    assert f'href="/assignments/{lesson.slug}"' in html
    assert f'href="/lessons/{lessons[0].slug}" rel="prev"' in html
    assert f'href="/lessons/{lessons[2].slug}" rel="next"' in html
    assert "Ik heb deze les gelezen" in html
    assert "Voorbeeldweergave" not in html


def test_first_and_last_lesson_have_one_neighbour(app, auth, client):
    lessons = ordered_lessons(app)
    auth.make_user("sanne")
    auth.login("sanne")
    first = client.get(f"/lessons/{lessons[0].slug}").get_data(as_text=True)
    last = client.get(f"/lessons/{lessons[-1].slug}").get_data(as_text=True)
    assert 'rel="prev"' not in first and 'rel="next"' in first
    assert 'rel="next"' not in last and 'rel="prev"' in last


def test_lessons_need_a_login_and_unknown_lessons_are_404(app, auth, client):
    lesson = ordered_lessons(app)[0]
    response = client.get(f"/lessons/{lesson.slug}")
    assert response.status_code == 302 and "/login" in response.location
    auth.make_user("sanne")
    auth.login("sanne")
    assert client.get("/lessons/bestaat-niet").status_code == 404


def test_quiz_button_links_to_the_quiz_when_quizzes_exist(app, auth, client):
    lesson = ordered_lessons(app)[0]
    if "quizzes" not in app.blueprints:
        stub = Blueprint("quizzes", __name__, url_prefix="/quizzes")
        stub.add_url_rule("/<slug>", "show", lambda slug: slug)
        app.register_blueprint(stub)
    auth.make_user("sanne")
    auth.login("sanne")
    html = client.get(f"/lessons/{lesson.slug}").get_data(as_text=True)
    assert f'href="/quizzes/{lesson.quiz}"' in html


def test_no_quiz_link_while_quizzes_are_not_installed(app, auth, client, monkeypatch):
    lesson = ordered_lessons(app)[0]
    monkeypatch.setattr(lessons_module, "quizzes_available", lambda: False)
    auth.make_user("sanne")
    auth.login("sanne")
    html = client.get(f"/lessons/{lesson.slug}").get_data(as_text=True)
    assert "/quizzes/" not in html
    assert "De quiz over deze les komt hier binnenkort." in html


def test_mark_done_and_undo_are_posts(app, auth, client):
    lesson = ordered_lessons(app)[0]
    student_id = auth.make_user("sanne")
    auth.login("sanne")
    assert client.get(f"/lessons/{lesson.slug}/done").status_code == 405
    assert client.post(f"/lessons/{lesson.slug}/done").status_code == 400  # no CSRF token
    response = auth.post(f"/lessons/{lesson.slug}/done")
    assert response.status_code == 302
    html = client.get(response.location).get_data(as_text=True)
    assert "Je hebt deze les gelezen." in html and "Toch nog niet gelezen" in html
    auth.post(f"/lessons/{lesson.slug}/done")  # a double click
    with app.app_context():
        rows = db.session.scalars(select(LessonProgress).where(LessonProgress.student_id == student_id)).all()
        assert len(rows) == 1 and rows[0].done_at is not None
    auth.post(f"/lessons/{lesson.slug}/undo")
    html = client.get(f"/lessons/{lesson.slug}").get_data(as_text=True)
    assert "Ik heb deze les gelezen" in html
    with app.app_context():
        assert db.session.scalar(select(LessonProgress.done_at)) is None


@pytest.mark.parametrize("role", ["teacher", "trainer", "admin"])
def test_staff_preview_stores_nothing_and_says_so(app, auth, client, role):
    lesson = ordered_lessons(app)[0]
    auth.make_user("staff", role)
    auth.login("staff")
    html = client.get(f"/lessons/{lesson.slug}").get_data(as_text=True)
    assert "Voorbeeldweergave" in html
    assert "telt in geen enkel cijferoverzicht" in html
    assert f'href="/lessons/{lesson.slug}/guide"' in html
    response = auth.post(f"/lessons/{lesson.slug}/done", follow_redirects=True)
    assert "niet opgeslagen" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LessonProgress)) == 0


def _guide_paragraphs(app: Flask, lesson) -> list[str]:
    with app.test_request_context():
        html = guide_html(lesson)
    assert html, f"lesson {lesson.slug} has no teacher guide"
    paragraphs = [unescape(re.sub(r"<[^>]+>", "", p)) for p in re.findall(r"<p>(.*?)</p>", html, re.S)]
    return [p for p in paragraphs if len(p) > 40]


def _visible_text(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", html))


def test_teacher_guide_is_for_staff_only(app, auth, client):
    lessons = ordered_lessons(app)
    auth.make_user("docent", "teacher")
    auth.make_user("sanne")
    auth.login("docent")
    for lesson in lessons:
        paragraphs = _guide_paragraphs(app, lesson)
        guide_page = _visible_text(client.get(f"/lessons/{lesson.slug}/guide").get_data(as_text=True))
        assert all(p in guide_page for p in paragraphs)
    auth.logout()
    auth.login("sanne")
    for lesson in lessons:
        page = _visible_text(client.get(f"/lessons/{lesson.slug}").get_data(as_text=True))
        assert not any(p in page for p in _guide_paragraphs(app, lesson)), lesson.slug
        assert "Docentenhandleiding" not in page
        assert client.get(f"/lessons/{lesson.slug}/guide").status_code == 403
    assert "/guide" not in client.get("/lessons/").get_data(as_text=True)


def test_competence_page_says_which_lesson_trains_what(app, auth, client):
    auth.make_user("sanne")
    auth.login("sanne")
    html = client.get("/lessons/competences").get_data(as_text=True)
    with app.app_context():
        cat = catalog()
        for competence in cat.competences.values():
            assert str(escape(competence.name)) in html
            section = html.split(f'id="{competence.id}"', 1)[1].split("</li>", 1)[0]
            for lesson in cat.lessons.values():
                linked = f'href="/lessons/{lesson.slug}"' in section
                assert linked == (competence.id in lesson.competences), (competence.id, lesson.slug)


def test_competence_page_shows_the_burgerschap_fit(app, auth, client):
    """Each of the four citizenship dimensions in at least two lessons, critical thinking in three."""
    auth.make_user("sanne")
    auth.login("sanne")
    html = client.get("/lessons/competences").get_data(as_text=True)
    dimensions = ["bu-politiek-juridisch", "bu-economisch", "bu-sociaal-maatschappelijk", "bu-vitaal"]
    for competence_id, least in [*((d, 2) for d in dimensions), ("bu-kritisch-denken", 3)]:
        section = html.split(f'id="{competence_id}"', 1)[1].split("</li>", 1)[0]
        shown = int(re.search(r"\((\d+) lessen?\)", section).group(1))
        linked = section.count('href="/lessons/')
        assert shown == linked >= least, competence_id
    assert "kritisch denken in minstens drie" in html


def test_teacher_term_plan_names_the_evidence_for_each_week(app, auth, client):
    auth.make_user("docent", "teacher")
    auth.login("docent")
    assert 'href="/lessons/plan"' in client.get("/lessons/").get_data(as_text=True)
    html = client.get("/lessons/plan").get_data(as_text=True)
    rows = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0].count("<tr>")
    assert rows == 12
    with app.app_context():
        cat = catalog()
        for lesson in cat.lessons.values():
            assert str(escape(lesson.assignment.title)) in html
    assert "Kritisch denken</strong>" in html and "lessen 2, 6, 7" in html
    assert "nog in geen enkele les" not in html


def test_lesson_index_lists_every_lesson(app, auth, client):
    lessons = ordered_lessons(app)
    auth.make_user("sanne")
    auth.login("sanne")
    html = client.get("/lessons/").get_data(as_text=True)
    for lesson in lessons:
        assert f'href="/lessons/{lesson.slug}"' in html


# --- glossary -----------------------------------------------------------------------------------

GLOSSARY_LINK = re.compile(r'<a href="/lessons/woordenlijst#(term-[a-z0-9-]+)" class="term">')


def test_glossary_lists_every_word_alphabetically_with_an_anchor(app, auth, client):
    auth.make_user("sanne")
    auth.login("sanne")
    assert 'href="/lessons/woordenlijst"' in client.get("/lessons/").get_data(as_text=True)
    html = client.get("/lessons/woordenlijst").get_data(as_text=True)
    shown = re.findall(r'<dt id="(term-[a-z0-9-]+)">([^<]+)</dt>', html)
    with app.app_context():
        terms = catalog().glossary.terms
    assert [anchor for anchor, _ in shown] == [term.anchor for term in terms]
    words = [unescape(word).casefold() for _, word in shown]
    assert words == sorted(words) and len(words) >= 35
    assert "Auteurswet, art. 21" in html


def test_a_lesson_links_each_glossary_word_once_at_its_first_use(app, auth, client):
    auth.make_user("sanne")
    auth.login("sanne")
    glossary = client.get("/lessons/woordenlijst").get_data(as_text=True)
    for lesson in ordered_lessons(app):
        html = client.get(f"/lessons/{lesson.slug}").get_data(as_text=True)
        anchors = GLOSSARY_LINK.findall(html)
        assert anchors, lesson.slug
        assert len(anchors) == len(set(anchors)), lesson.slug
        assert all(f'id="{anchor}"' in glossary for anchor in anchors)
    html = client.get("/lessons/privacy-instellingen").get_data(as_text=True)
    kern = html.split('id="de-kern"', 1)[1].split("<h2", 1)[0]
    assert '#term-tweestapsverificatie" class="term">tweestapsverificatie</a>' in kern
    assert html.count('#term-phishing"') == 1
    # "## Reacties, shaming en portretrecht": the heading stays plain, the text below it links
    html = client.get("/lessons/facebook-instagram-tiktok").get_data(as_text=True)
    heading = re.search(r"<h2 [^>]*>Reacties, (.*?)</h2>", html)
    assert heading and heading.group(1) == "shaming en portretrecht"
    assert "#term-shaming" in html.split(heading.group(0), 1)[1]


# --- media --------------------------------------------------------------------------------------


def test_media_files_are_served_with_cache_headers(copied):
    app, client, _ = copied
    response = client.get("/lessons/media/pixel.png")
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert response.data == PNG
    assert "public" in response.headers["Cache-Control"]
    assert "max-age=86400" in response.headers["Cache-Control"]
    etag = response.headers["ETag"]
    response.close()
    again = client.get("/lessons/media/pixel.png", headers={"If-None-Match": etag})
    assert again.status_code == 304
    again.close()


@pytest.mark.parametrize(
    "url",
    [
        "/lessons/media/../01-wie-ben-jij-online.md",
        "/lessons/media/%2e%2e/01-wie-ben-jij-online.md",
        "/lessons/media/..%2f01-wie-ben-jij-online.md",
        "/lessons/media/..%5c01-wie-ben-jij-online.md",
        "/lessons/media/sub/../../01-wie-ben-jij-online.md",
        "/lessons/media/../../quizzes/01-wie-ben-jij-online.yaml",
        "/lessons/media/.hidden.png",
        "/lessons/media/page.html",
        "/lessons/media/niet-er.png",
    ],
)
def test_media_route_refuses_everything_outside_media(copied, content_copy, url):
    app, client, _ = copied
    assert (content_copy / "lessons" / "01-wie-ben-jij-online.md").is_file()  # a real target to reach
    response = client.get(url)
    assert response.status_code == 404
    assert b"number:" not in response.data and b"<script>" not in response.data
    response.close()


# --- rendering: cached by file version, nothing unsafe reaches the page ---------------------


def test_a_warm_lesson_page_does_no_markdown_work_until_the_content_changes(copied, monkeypatch):
    app, client, auth = copied
    app.config["CONTENT_CHECK_SECONDS"] = 0  # look at the files before every request
    auth.make_user("sanne")
    auth.login("sanne")
    lesson = ordered_lessons(app)[2]
    parses = []
    original = MarkdownIt.parse

    def counting_parse(self, *args, **kwargs):
        parses.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(MarkdownIt, "parse", counting_parse)
    first = client.get(f"/lessons/{lesson.slug}").get_data(as_text=True)
    parses.clear()
    second = client.get(f"/lessons/{lesson.slug}").get_data(as_text=True)
    assert parses == []
    assert first.split("<main", 1)[1] == second.split("<main", 1)[1]

    edited = lesson.path.read_text(encoding="utf-8") + "\nEen nieuwe alinea van de auteur.\n"
    lesson.path.write_text(edited, encoding="utf-8")
    third = client.get(f"/lessons/{lesson.slug}").get_data(as_text=True)
    assert parses
    assert "Een nieuwe alinea van de auteur." in third


def test_render_cache_counts_through_the_catalog(copied):
    app, _, _ = copied
    lesson = ordered_lessons(app)[0]
    from course.core.content_store import lesson_html

    with app.test_request_context():
        before = render_cache().misses
        lesson_html(lesson)
        lesson_html(lesson)
        assert render_cache().misses == before + 1


def test_script_and_javascript_links_in_a_lesson_never_reach_the_page(tmp_path, backend, content_copy):
    path = next((content_copy / "lessons").glob("01-*.md"))
    path.write_text(
        path.read_text(encoding="utf-8")
        + '\n\n<script>alert("les")</script>\n\n[klik hier](javascript:alert(1))\n\n'
        + '<img src="x" onerror="alert(2)">\n',
        encoding="utf-8",
    )
    application = make_test_app(
        tmp_path,
        backend,
        LESSONS_DIR=str(content_copy / "lessons"),
        QUIZZES_DIR=str(content_copy / "quizzes"),
        CHECK_CONTENT_ON_START=False,
    )
    client = application.test_client()
    auth = Auth(application, client)
    auth.make_user("sanne")
    auth.login("sanne")
    html = client.get("/lessons/" + path.stem[3:]).get_data(as_text=True)
    assert_no_active_content(html)
    assert "klik hier" in html  # the text stays, the link goes
    with application.app_context():
        db.session.remove()
        db.engine.dispose()
    backend.reset()
