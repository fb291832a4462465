"""Lesson pages are rendered once per state and reused: nobody may see anything of someone else."""

from __future__ import annotations

from flask.testing import FlaskClient

from course.core.content_store import catalog
from tests.conftest import CSRF_PATTERN, Auth
from tests.test_lessons import content_copy, copied  # noqa: F401 (fixtures)


def tokens_in(html: str) -> set[str]:
    return {a or b for a, b in CSRF_PATTERN.findall(html)}


def first_lesson_slug(app) -> str:
    with app.app_context():
        return next(iter(catalog().lessons))


def second_person(app, auth: Auth, username: str, *roles: str) -> tuple[FlaskClient, Auth]:
    """Another person, logged in on a browser of their own."""
    client = app.test_client()
    other = Auth(app, client)
    auth.make_user(username, *roles)
    other.login(username)
    return client, other


def test_each_student_sees_their_own_state_on_a_cached_page(app, auth, client):
    slug = first_lesson_slug(app)
    auth.make_user("sanne")
    auth.login("sanne")
    other_client, other = second_person(app, auth, "ahmed")
    assert "Ik heb deze les gelezen" in other_client.get(f"/lessons/{slug}").get_data(as_text=True)

    auth.post(f"/lessons/{slug}/done")
    mine = client.get(f"/lessons/{slug}").get_data(as_text=True)
    theirs = other_client.get(f"/lessons/{slug}").get_data(as_text=True)
    assert "Je hebt deze les gelezen." in mine
    assert "Je hebt deze les gelezen." not in theirs and "Ik heb deze les gelezen" in theirs


def test_a_cached_page_carries_the_viewers_own_csrf_token(app, auth, client):
    slug = first_lesson_slug(app)
    auth.make_user("sanne")
    auth.login("sanne")
    other_client, _ = second_person(app, auth, "ahmed")
    mine = tokens_in(client.get(f"/lessons/{slug}").get_data(as_text=True))
    theirs = tokens_in(other_client.get(f"/lessons/{slug}").get_data(as_text=True))  # same state: a cache hit
    assert len(mine) == 1 and len(theirs) == 1
    assert mine != theirs
    assert "\x00" not in other_client.get(f"/lessons/{slug}").get_data(as_text=True)

    # The token on the cached page works for its viewer, and only for them.
    (token,) = theirs
    assert other_client.post(f"/lessons/{slug}/done", data={"csrf_token": token}).status_code == 302
    assert client.post(f"/lessons/{slug}/done", data={"csrf_token": token}).status_code == 400


def test_a_flash_message_shows_once_on_a_cached_page(app, auth, client):
    slug = first_lesson_slug(app)
    auth.make_user("sanne")
    auth.login("sanne")
    client.get(f"/lessons/{slug}")
    response = auth.post(f"/lessons/{slug}/done", token_from=f"/lessons/{slug}")
    after = client.get(response.location).get_data(as_text=True)
    assert "staat op gelezen" in after
    again = client.get(f"/lessons/{slug}").get_data(as_text=True)
    assert "staat op gelezen" not in again and "Je hebt deze les gelezen." in again


def test_staff_and_students_get_their_own_version_of_the_page(app, auth, client):
    slug = first_lesson_slug(app)
    auth.make_user("sanne")
    auth.login("sanne")
    student_page = client.get(f"/lessons/{slug}").get_data(as_text=True)
    teacher_client, _ = second_person(app, auth, "docent", "teacher")
    teacher_page = teacher_client.get(f"/lessons/{slug}").get_data(as_text=True)
    assert "Voorbeeldweergave" in teacher_page and "Mijn klassen" in teacher_page
    assert "Voorbeeldweergave" not in student_page and "Mijn klassen" not in student_page


def test_an_edited_lesson_shows_once_the_app_looked_at_the_files(copied):  # noqa: F811 (the fixture)
    """A kept page is dropped when the content reloads, also when only the front matter changed
    (the title is not part of a page's key)."""
    app, client, auth = copied
    app.config["CONTENT_CHECK_SECONDS"] = 0
    slug = first_lesson_slug(app)
    auth.make_user("sanne")
    auth.login("sanne")
    with app.app_context():
        lesson = catalog().lessons[slug]
    before = client.get(f"/lessons/{slug}").get_data(as_text=True)
    assert "(herzien)" not in before
    text = lesson.path.read_text(encoding="utf-8")
    lesson.path.write_text(text.replace(f"title: {lesson.title}", f"title: {lesson.title} (herzien)"), encoding="utf-8")
    assert f"{lesson.title} (herzien)" in client.get(f"/lessons/{slug}").get_data(as_text=True)


def test_links_follow_the_mount_point_of_each_request(app, auth, client):
    """A school may serve the course under a path such as /pb: links must carry it, even on a
    page that was served without it before."""
    slug = first_lesson_slug(app)
    auth.make_user("sanne")
    auth.login("sanne")
    plain = client.get(f"/lessons/{slug}").get_data(as_text=True)
    mounted = client.get(f"/lessons/{slug}", environ_overrides={"SCRIPT_NAME": "/pb"}).get_data(as_text=True)
    assert 'href="/student/"' in plain
    assert 'href="/pb/student/"' in mounted and 'href="/student/"' not in mounted


def test_a_page_with_a_real_token_in_it_is_never_reused(app, auth, client, monkeypatch):
    """Should a cached template ever sign a token itself (a form field, a new macro), that page
    is served but not kept, so the next student cannot receive it."""
    from flask_wtf.csrf import generate_csrf

    from course.core import page_cache

    slug = first_lesson_slug(app)
    monkeypatch.setattr(page_cache, "page_csrf_token", generate_csrf)
    app.jinja_env.globals["csrf_token"] = generate_csrf
    auth.make_user("sanne")
    auth.login("sanne")
    other_client, _ = second_person(app, auth, "ahmed")
    mine = tokens_in(client.get(f"/lessons/{slug}").get_data(as_text=True))
    theirs = tokens_in(other_client.get(f"/lessons/{slug}").get_data(as_text=True))
    assert mine and theirs and not mine & theirs
    assert app.extensions["course.core.page_cache"] == {}
