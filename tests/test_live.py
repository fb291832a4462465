"""The live lesson: a teacher's board, students answering on their phones, and what is kept after."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, update

from course import create_app
from course.content.statements import load_statements
from course.core.content_store import catalog
from course.core.extensions import db
from course.live import sessions
from course.models import LiveAnswer, LiveSession, LiveTotal

from .conftest import csrf_token, sqlite_only
from .security_support import USERS, World, build_world, log_in


@pytest.fixture
def world(app: Flask) -> World:
    return build_world(app)


def as_role(app: Flask, role: str) -> FlaskClient:
    client = app.test_client()
    log_in(client, role)
    return client


def post(client: FlaskClient, url: str, data: dict | None = None, token_from: str = "/account"):
    return client.post(url, data={**(data or {}), "csrf_token": csrf_token(client, token_from)})


def start_live(app: Flask, world: World, teacher: FlaskClient) -> LiveSession:
    response = post(teacher, "/live/start", {"class_id": world.class_a, "lesson": world.lesson_slug})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    with app.app_context():
        session = db.session.scalar(select(LiveSession).order_by(LiveSession.id.desc()))
        db.session.expunge(session)
        return session


def live_state(app: Flask, session_id: int) -> LiveSession:
    with app.app_context():
        session = db.session.get(LiveSession, session_id)
        db.session.expunge(session)
        return session


def first_options(app: Flask, session: LiveSession) -> list[str]:
    with app.app_context():
        item = sessions.resolve(catalog(), session.lesson_slug, session.items[session.position])
        return [option.id for option in item.options]


def vote(student: FlaskClient, code: str, position: int, choice: str):
    return post(
        student, f"/live/r/{code}/answer", {"position": position, "choice": choice}, token_from=f"/live/r/{code}"
    )


def test_live_start_join_answer_change_reveal_next_and_end(app, world):
    teacher = as_role(app, "owner")
    session = start_live(app, world, teacher)
    board = teacher.get(f"/live/{session.id}/board").get_data(as_text=True)
    assert session.room_code in board and "<svg" in board and "QR-code" in board
    assert '<noscript><meta http-equiv="refresh"' in board
    student = as_role(app, "student")
    assert "Live in de klas" in student.get("/student/").get_data(as_text=True)  # the dashboard banner
    joined = post(student, "/live/join", {"code": session.room_code.lower()}, token_from="/live/join")
    assert joined.status_code == 302 and joined.location.endswith(f"/live/r/{session.room_code}")
    options = first_options(app, session)
    assert vote(student, session.room_code, 0, options[0]).status_code == 302
    assert vote(student, session.room_code, 0, options[1]).status_code == 302  # changed before the reveal
    with app.app_context():
        assert list(db.session.scalars(select(LiveAnswer.choice))) == [[options[1]]]
    control = teacher.get(f"/live/{session.id}").get_data(as_text=True)
    assert re.search(r'id="live-answered">1<', control)
    assert post(teacher, f"/live/{session.id}/reveal").status_code == 302
    revealed = teacher.get(f"/live/{session.id}/board").get_data(as_text=True)
    assert "Uitslag in getallen" in revealed and "live-chart" in revealed
    assert vote(student, session.room_code, 0, options[0]).status_code == 409  # after the reveal: too late
    assert post(teacher, f"/live/{session.id}/next").status_code == 302
    assert live_state(app, session.id).position == 1
    page = student.get(f"/live/r/{session.room_code}").get_data(as_text=True)
    assert "Stelling 2 van" in page
    assert post(teacher, f"/live/{session.id}/back").status_code == 302
    assert post(teacher, f"/live/{session.id}/end").status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LiveAnswer)) == 0  # nothing per student is left
        totals = db.session.execute(select(LiveTotal.item, LiveTotal.option_id, LiveTotal.count)).all()
        assert totals == [(session.items[0], options[1], 1)]
    assert student.get(f"/live/r/{session.room_code}").status_code == 404  # ended


def test_live_join_by_the_qr_url(app, world):
    teacher = as_role(app, "owner")
    session = start_live(app, world, teacher)
    student = app.test_client()
    response = student.get(f"/live/r/{session.room_code}")
    assert response.status_code == 302 and "/login" in response.location  # signs in first, then comes back
    log_in(student, "student")
    assert "Live-les" in student.get(f"/live/r/{session.room_code}").get_data(as_text=True)


def test_live_a_student_of_another_class_is_refused(app, world):
    session = start_live(app, world, as_role(app, "owner"))
    stranger = as_role(app, "other_student")
    assert stranger.get(f"/live/r/{session.room_code}").status_code == 403
    assert vote(stranger, session.room_code, 0, "agree").status_code in (400, 403)
    assert as_role(app, "other_teacher").get(f"/live/{session.id}/board").status_code == 404


def test_live_answers_are_shown_as_counts_never_with_names(app, world):
    teacher = as_role(app, "owner")
    session = start_live(app, world, teacher)
    student = as_role(app, "student")
    vote(student, session.room_code, 0, first_options(app, session)[0])
    post(teacher, f"/live/{session.id}/reveal")
    for page in (teacher.get(f"/live/{session.id}/board"), teacher.get(f"/live/{session.id}")):
        html = page.get_data(as_text=True)
        assert USERS["student"][1] not in html and USERS["student"][0] not in html


def test_live_an_unknown_option_is_not_stored(app, world):
    session = start_live(app, world, as_role(app, "owner"))
    student = as_role(app, "student")
    assert vote(student, session.room_code, 0, "bestaat-niet").status_code == 409
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LiveAnswer)) == 0


def test_live_a_vote_that_crosses_the_reveal_is_refused(app, world, monkeypatch):
    """The vote is checked before its write; a reveal in between still makes it too late."""
    teacher = as_role(app, "owner")
    session = start_live(app, world, teacher)
    student = as_role(app, "student")
    checked_choice = sessions.checked_choice

    def reveal_right_after_the_check(*args):
        choice = checked_choice(*args)
        with db.engine.begin() as other_worker:
            other_worker.execute(update(LiveSession).where(LiveSession.id == session.id).values(revealed=True))
        return choice

    monkeypatch.setattr(sessions, "checked_choice", reveal_right_after_the_check)
    response = vote(student, session.room_code, 0, first_options(app, session)[0])
    assert response.status_code == 409
    assert "De uitslag is al getoond" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LiveAnswer)) == 0


def test_live_state_document_answers_304_while_nothing_changed(app, world):
    teacher = as_role(app, "owner")
    session = start_live(app, world, teacher)
    phone = app.test_client()
    first = phone.get(f"/live/r/{session.room_code}/state.json")
    assert first.status_code == 200 and first.get_json() == {"v": session.version, "e": False}
    etag = first.headers["ETag"]
    assert phone.get(f"/live/r/{session.room_code}/state.json", headers={"If-None-Match": etag}).status_code == 304
    post(teacher, f"/live/{session.id}/reveal")
    changed = phone.get(f"/live/r/{session.room_code}/state.json", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.get_json()["v"] == session.version + 1


def test_live_poll_fast_path_answers_exactly_as_the_view(app, world):
    """The poll is answered before Flask; a phone cannot tell it from the view that backs it."""
    from werkzeug.test import Client

    session = start_live(app, world, as_role(app, "owner"))
    fast, reference = app.test_client(), Client(app.wsgi_app.wsgi_app)  # the view, without the fast path
    url = f"/live/r/{session.room_code.lower()}/state.json"
    for headers in ({}, {"If-None-Match": fast.get(url).headers["ETag"]}):
        got, expected = fast.get(url, headers=headers), reference.get(url, headers=headers)
        assert (got.status_code, got.get_data()) == (expected.status_code, expected.get_data())
        # The view's session machinery adds "Vary: Cookie"; the state does not depend on a cookie.
        assert dict(got.headers) == {k: v for k, v in expected.headers.items() if k != "Vary"}
    assert app.test_client().get("/live/r/ZZZZZZ/state.json").status_code == 404  # left to the view
    assert app.test_client().post(url).status_code == 405


def test_live_two_workers_see_the_same_state(app, world):
    """A second app on the same database, as another gunicorn worker or server would be."""
    teacher = as_role(app, "owner")
    session = start_live(app, world, teacher)
    other = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": app.config["SECRET_KEY"],
            "DATABASE_URL": app.config["DATABASE_URL"],
            "LESSONS_DIR": app.config["LESSONS_DIR"],
        }
    )
    phone = other.test_client()
    log_in(phone, "student")
    options = first_options(app, session)
    assert vote(phone, session.room_code, 0, options[0]).status_code == 302  # answered through the other worker
    assert re.search(r'id="live-answered">1<', teacher.get(f"/live/{session.id}").get_data(as_text=True))
    post(teacher, f"/live/{session.id}/reveal")
    assert "De uitslag staat op het bord" in phone.get(f"/live/r/{session.room_code}").get_data(as_text=True)
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


def test_live_totals_show_in_the_gradebook_apart_from_quizzes(app, world):
    teacher = as_role(app, "owner")
    with app.app_context():
        moment = catalog().live[world.lesson_slug]
    tagged = next(((i, s, o) for i, s in enumerate(moment.statements) for o in s.options if o.misconception), None)
    if tagged is None:
        pytest.skip("this lesson's statements carry no misconception tag")
    position, _, option = tagged
    session = start_live(app, world, teacher)
    for _ in range(position):
        post(teacher, f"/live/{session.id}/next")
    vote(as_role(app, "student"), session.room_code, position, option.id)
    post(teacher, f"/live/{session.id}/end")
    page = teacher.get(f"/teacher/gradebook/{world.class_a}/denkfouten").get_data(as_text=True)
    assert "Uit de live-les" in page
    with app.app_context():
        label = catalog().misconceptions[option.misconception]
    assert label in page.split("Uit de live-les", 1)[1]


def test_live_a_session_left_open_stops_and_the_hourly_purge_deletes_its_answers(app, world):
    teacher = as_role(app, "owner")
    session = start_live(app, world, teacher)
    student = as_role(app, "student")
    assert vote(student, session.room_code, 0, first_options(app, session)[0]).status_code in (302, 303)
    with app.app_context():
        stored = db.session.get(LiveSession, session.id)
        stored.started_at = stored.started_at - sessions.MAX_AGE
        db.session.commit()
    # Past its age the room takes nobody, and reading pages changes nothing (no state change on GET).
    assert student.get(f"/live/r/{session.room_code}").status_code == 404
    assert "Live in de klas" not in student.get("/student/").get_data(as_text=True)
    assert live_state(app, session.id).ended_at is None
    dry = app.test_cli_runner().invoke(args=["privacy", "purge", "--dry-run"])
    assert "Live lessons left open for over four hours, ended and their answers deleted: 1" in dry.output
    assert live_state(app, session.id).ended_at is None
    done = app.test_cli_runner().invoke(args=["privacy", "purge"])
    assert done.exit_code == 0, done.output
    assert live_state(app, session.id).ended_at is not None
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LiveAnswer)) == 0


# --- the statements' rules ---------------------------------------------------------------------

GOOD = """moment: "Na de openingscase."
statements:
  - id: een
    kind: agree
    text: "Stelling een."
    options:
      - {id: agree, text: Eens, explanation: "Uitleg."}
      - {id: disagree, text: Oneens, explanation: "Uitleg.", misconception: denkt-x}
      - {id: unsure, text: Weet ik niet, explanation: "Uitleg."}
    discussion: "Waarom?"
  - id: twee
    kind: choice
    text: "Stelling twee."
    options:
      - {id: a, text: "A", explanation: "Uitleg."}
      - {id: b, text: "B", explanation: "Uitleg."}
    discussion: "Waarom?"
  - id: drie
    kind: choice
    text: "Stelling drie."
    options:
      - {id: a, text: "A", explanation: "Uitleg."}
      - {id: b, text: "B", explanation: "Uitleg."}
    discussion: "Waarom?"
"""

BROKEN = {
    "too few": (GOOD.split("  - id: twee")[0], "3 tot 6 stellingen"),
    "agree options": (
        GOOD.replace("{id: unsure, text: Weet ik niet", "{id: maybe, text: Misschien"),
        "precies de antwoorden agree",
    ),
    "one choice option": (
        GOOD.replace(
            '      - {id: b, text: "B", explanation: "Uitleg."}\n    discussion: "Waarom?"\n  - id: drie',
            '    discussion: "Waarom?"\n  - id: drie',
        ),
        "2 tot 4 antwoorden",
    ),
    "unknown tag": (GOOD.replace("denkt-x", "denkt-onbekend"), "staat niet in quizzes/misconceptions.yaml"),
    "no explanation": (
        GOOD.replace('{id: a, text: "A", explanation: "Uitleg."}', '{id: a, text: "A"}', 1),
        "mist 'explanation'",
    ),
    "no moment": (GOOD.replace('moment: "Na de openingscase."\n', ""), "'moment' ontbreekt"),
    "duplicate id": (GOOD.replace("id: drie", "id: twee"), "komt twee keer voor"),
    "unknown key": (
        GOOD.replace('discussion: "Waarom?"\n  - id: twee', 'discussion: "Waarom?"\n    extra: 1\n  - id: twee'),
        "onbekende sleutel 'extra'",
    ),
    "kind": (GOOD.replace("kind: choice", "kind: poll", 1), "'kind' is agree"),
}


def _load(tmp_path: Path, text: str | None) -> list[str]:
    folder = tmp_path / "lessons"
    folder.mkdir()
    if text is not None:
        (folder / "01-les.stellingen.yaml").write_text(text, encoding="utf-8")
    _, problems = load_statements(folder, {"les"}, {"denkt-x": "uitleg"})
    return [str(problem) for problem in problems]


def test_live_statements_good_file_loads(tmp_path):
    assert _load(tmp_path, GOOD) == []


@pytest.mark.parametrize("case", BROKEN, ids=BROKEN)
def test_live_statement_rules_give_a_path_line_message(tmp_path, case):
    text, expected = BROKEN[case]
    problems = _load(tmp_path, text)
    assert problems and all(re.match(r"lessons/01-les\.stellingen\.yaml:\d+: ", p) for p in problems)
    assert any(expected in p for p in problems), problems


def test_live_a_lesson_without_statements_is_a_problem(tmp_path):
    assert any("heeft nog geen stellingen" in p for p in _load(tmp_path, None))


@sqlite_only  # SQLite calls a missing table an OperationalError, as it does a locked or lost file
def test_live_poll_during_a_database_error_gets_the_error_page_not_a_crash(app, client):
    """The poll's fast path reads on the driver's cursor; a database error there must reach the
    app's own error page (503 with the security headers), as every other page's would."""
    from sqlalchemy import text

    with app.app_context(), db.engine.begin() as connection:
        connection.execute(text("ALTER TABLE live_sessions RENAME TO live_sessions_away"))
    try:
        response = client.get("/live/r/ABCDEF/state.json")
        assert response.status_code == 503
        assert "Content-Security-Policy" in response.headers
    finally:
        with app.app_context(), db.engine.begin() as connection:
            connection.execute(text("ALTER TABLE live_sessions_away RENAME TO live_sessions"))
