"""Who may do what: one table over every endpoint of the app, for eight kinds of visitor.

Each test builds a small world of real objects (two classes with their teachers and students,
submitted quiz attempts, handed-in work, TPACK scans, two trainers' cohorts), fills the URL with
the objects of class A (its student S1, S1's attempt and submission, the owner's scan, the
trainer's cohort), sends the request as one role and compares the outcome with the table:

- ``ok``: 2xx, or a redirect that is not to the login page (a form shown again with errors is ok);
- ``login``: a redirect to /login;
- ``403`` / ``404``: refused; 404 wherever the object exists but is not the visitor's to see;
- ``400``: a request only a learning platform or identity provider makes (an LTI login or launch
  without what it needs, the return from the school's sign-in page without a sign-in under way).

The app has the school's identity provider configured (the real one on loopback, tests/oidc_support.py),
so "Inloggen met je schoolaccount" really sends a visitor there.

A POST carries a valid CSRF token and plausible form data, so a refusal is about rights, never
about a missing token. A new route that is not in the table fails ``test_every_route_is_in_the_table``.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient
from sqlalchemy import select

from course.accounts import passwords
from course.core.extensions import db
from course.models import Base, User

from .conftest import ON_POSTGRES, ROOT, Backend, csrf_token, make_test_app
from .oidc_support import CLIENT_SECRET, MISSING_NPM, OidcProvider, npm_missing_here
from .security_support import CHEAP_HASHER, NEW_PASSWORD, PASSWORD, USERS, World, build_world, log_in

ROLES = ("anonymous", "student", "other_student", "owner", "co_teacher", "other_teacher", "trainer", "admin", "former")

# student: S1, in class A. other_student: S2, in class B. owner: made class A. co_teacher: added to
# class A by the owner. other_teacher: made class B. trainer: the trainer role only (no teacher).
# former: the former teacher, who taught S1 last year in a class now archived; S1 is in two classes, and this
# teacher's reach ends at the work made in their own class.
# Objects in the URL always belong to class A, S1, the owner (scan) and the trainer (cohort).
MATRIX_TABLE = """
endpoint                    method anonymous student other_student owner co_teacher other_teacher trainer admin former
pages.index                 GET    login     ok      ok            ok    ok         ok            ok      ok    ok
pages.credits               GET    ok        ok      ok            ok    ok         ok            ok      ok    ok
pages.privacy               GET    ok        ok      ok            ok    ok         ok            ok      ok    ok
pages.staff_home            GET    login     ok      ok            ok    ok         ok            ok      ok    ok
health.healthz              GET    ok        ok      ok            ok    ok         ok            ok      ok    ok
auth.login                  GET    ok        ok      ok            ok    ok         ok            ok      ok    ok
auth.login                  POST   ok        ok      ok            ok    ok         ok            ok      ok    ok
auth.logout                 POST   login     login   login         login login      login         login   login login
auth.signup                 GET    ok        ok      ok            ok    ok         ok            ok      ok    ok
auth.signup                 POST   ok        ok      ok            ok    ok         ok            ok      ok    ok
oidc.login                  GET    ok        ok      ok            ok    ok         ok            ok      ok    ok
oidc.callback               GET    400       400     400           400   400        400           400     400   400
auth.account                GET    login     ok      ok            ok    ok         ok            ok      ok    ok
auth.change_password        GET    login     ok      ok            ok    ok         ok            ok      ok    ok
auth.change_password        POST   login     ok      ok            ok    ok         ok            ok      ok    ok
mydata.show                 GET    login     ok      ok            ok    ok         ok            ok      ok    ok
mydata.download             GET    login     ok      ok            ok    ok         ok            ok      ok    ok
admin.users                 GET    login     403     403           403   403        403           403     ok    403
admin.create_user           POST   login     403     403           403   403        403           403     ok    403
admin.audit                 GET    login     403     403           403   403        403           403     ok    403
admin.sign_in               GET    login     403     403           403   403        403           403     ok    403
admin.save_sign_in          POST   login     403     403           403   403        403           403     ok    403
admin.confirm_delete_user   GET    login     403     403           403   403        403           403     ok    403
admin.delete_user           POST   login     403     403           403   403        403           403     ok    403
admin.user                  GET    login     403     403           403   403        403           403     ok    403
admin.save_roles            POST   login     403     403           403   403        403           403     ok    403
admin.reset_password        POST   login     403     403           403   403        403           403     ok    403
admin.deactivate            POST   login     403     403           403   403        403           403     ok    403
admin.activate              POST   login     403     403           403   403        403           403     ok    403
admin_privacy.index         GET    login     403     403           403   403        403           403     ok    403
admin_privacy.bijsluiter    GET    login     403     403           403   403        403           403     ok    403
admin_privacy.bijsluiter_md GET    login     403     403           403   403        403           403     ok    403
admin_privacy.register      GET    login     403     403           403   403        403           403     ok    403
admin_privacy.register_md   GET    login     403     403           403   403        403           403     ok    403
admin_privacy.dpia          GET    login     403     403           403   403        403           403     ok    403
admin_privacy.dpia_md       GET    login     403     403           403   403        403           403     ok    403
student.dashboard           GET    login     ok      ok            403   403        403           403     403   403
student.join                POST   login     ok      ok            403   403        403           403     403   403
student.withdraw_move       POST   login     ok      ok            403   403        403           403     403   403
lessons.index               GET    login     ok      ok            ok    ok         ok            ok      ok    ok
lessons.competences         GET    login     ok      ok            ok    ok         ok            ok      ok    ok
lessons.show                GET    login     ok      ok            ok    ok         ok            ok      ok    ok
lessons.guide               GET    login     403     403           ok    ok         ok            ok      ok    ok
lessons.term_plan           GET    login     403     403           ok    ok         ok            ok      ok    ok
lessons.glossary            GET    login     ok      ok            ok    ok         ok            ok      ok    ok
lessons.mark_done           POST   login     ok      ok            ok    ok         ok            ok      ok    ok
lessons.undo_done           POST   login     ok      ok            ok    ok         ok            ok      ok    ok
lessons.media               GET    ok        ok      ok            ok    ok         ok            ok      ok    ok
lessons.material            GET    login     403     403           ok    ok         ok            ok      ok    ok
portable.cartridge          GET    login     403     403           ok    ok         ok            ok      ok    ok
portable.moodle_xml         GET    login     403     403           ok    ok         ok            ok      ok    ok
portable.moodle_xml_before_4_4 GET login     403     403           ok    ok         ok            ok      ok    ok
portable.gift               GET    login     403     403           ok    ok         ok            ok      ok    ok
assignments.write           GET    login     ok      ok            ok    ok         ok            ok      ok    ok
assignments.save            POST   login     ok      ok            ok    ok         ok            ok      ok    ok
assignments.version         GET    login     ok      404           404   404        404           404     404   404
assignments.queue           GET    login     403     403           ok    ok         404           403     ok    404
assignments.review          GET    login     403     403           ok    ok         404           403     ok    404
assignments.give_review     POST   login     403     403           ok    ok         404           403     ok    404
assignments.image           GET    login     ok      404           ok    ok         404           404     ok    404
peer.give                   GET    login     ok      404           404   404        404           404     404   404
peer.save                   POST   login     ok      404           404   404        404           404     404   404
peer.report                 POST   login     ok      404           404   404        404           404     404   404
peer.overview               GET    login     403     403           ok    ok         404           403     ok    404
peer.settings               POST   login     403     403           ok    ok         404           403     ok    404
peer.decide                 POST   login     403     403           ok    ok         404           403     ok    404
share.create                POST   login     ok      404           404   404        404           404     404   404
share.revoke                POST   login     ok      404           404   404        404           404     404   404
share.show                  GET    ok        ok      ok            ok    ok         ok            ok      ok    ok
share.comment               POST   ok        ok      ok            ok    ok         ok            ok      ok    ok
share.image                 GET    ok        ok      ok            ok    ok         ok            ok      ok    ok
quizzes.show                GET    login     ok      ok            ok    ok         ok            ok      ok    ok
quizzes.start               POST   login     ok      ok            ok    ok         ok            ok      ok    ok
quizzes.attempt             GET    login     ok      404           404   404        404           404     404   404
quizzes.submit              POST   login     ok      404           404   404        404           404     404   404
quizzes.save                POST   login     ok      404           404   404        404           404     404   404
quizzes.review_attempt      GET    login     ok      404           404   404        404           404     404   404
quizzes.class_questions     GET    login     403     403           ok    ok         404           403     ok    404
quizzes.void                POST   login     403     403           ok    ok         404           403     ok    404
quizzes.unvoid              POST   login     403     403           ok    ok         404           403     ok    404
classes.index               GET    login     403     403           ok    ok         ok            403     ok    ok
classes.create              POST   login     403     403           ok    ok         ok            403     ok    ok
classes.detail              GET    login     403     403           ok    ok         404           403     ok    404
classes.archive             POST   login     403     403           ok    ok         404           403     ok    404
classes.new_code            POST   login     403     403           ok    ok         404           403     ok    404
classes.add_co_teacher      POST   login     403     403           ok    ok         404           403     ok    404
classes.withdraw_invitation POST   login     403     403           ok    ok         404           403     ok    404
classes.answer_invitation   POST   login     403     403           404   404        ok            403     403   404
classes.remove_co_teacher   POST   login     403     403           ok    403        404           403     ok    404
classes.confirm_remove_student GET login     403     403           ok    ok         404           403     ok    404
classes.remove_student      POST   login     403     403           ok    ok         404           403     ok    404
classes.confirm_delete_student GET login     403     403           ok    ok         404           403     ok    404
classes.delete_student      POST   login     403     403           ok    ok         404           403     ok    404
classes.confirm_reset_password GET login     403     403           ok    ok         404           403     ok    404
classes.reset_password      POST   login     403     403           ok    ok         404           403     ok    404
classes.decide_move         POST   login     403     403           ok    ok         404           403     ok    404
gradebook.grid              GET    login     403     403           ok    ok         404           403     ok    404
gradebook.export_grid       GET    login     403     403           ok    ok         404           403     ok    404
gradebook.student           GET    login     403     403           ok    ok         404           403     ok    404
gradebook.attempt           GET    login     403     403           ok    ok         404           403     ok    404
gradebook.items             GET    login     403     403           ok    ok         404           403     ok    404
gradebook.export_items      GET    login     403     403           ok    ok         404           403     ok    404
gradebook.misconceptions    GET    login     403     403           ok    ok         404           403     ok    404
tpack.index                 GET    login     403     403           ok    ok         ok            ok      403   ok
tpack.start                 POST   login     403     403           ok    ok         ok            ok      403   ok
tpack.history               GET    login     403     403           ok    ok         ok            ok      403   ok
tpack.scan                  GET    login     403     403           ok    404        404           404     403   404
tpack.scan                  POST   login     403     403           ok    404        404           404     403   404
tpack.result                GET    login     403     403           ok    404        404           404     403   404
tpack.delete                POST   login     403     403           ok    404        404           404     403   404
trainer.index               GET    login     403     403           403   403        403           ok      ok    403
trainer.create              POST   login     403     403           403   403        403           ok      ok    403
trainer.reach               GET    login     403     403           403   403        403           ok      ok    403
trainer.cohort              GET    login     403     403           403   403        403           ok      ok    403
trainer.attendance          POST   login     403     403           403   403        403           ok      ok    403
trainer.export              GET    login     403     403           403   403        403           ok      ok    403
trainer.promote             POST   login     403     403           403   403        403           ok      ok    403
trainer.remove_member       POST   login     403     403           403   403        403           ok      ok    403
trainer.join                GET    login     403     403           ok    ok         ok            403     403   ok
trainer.join                POST   login     403     403           ok    ok         ok            403     403   ok
trainer.leave               POST   login     403     403           ok    ok         ok            403     403   ok
trainer.session             GET    login     403     403           ok    ok         ok            ok      ok    ok
trainer.material            GET    login     403     403           ok    ok         ok            ok      ok    ok
lti.login                   GET    400       400     400           400   400        400           400     400   400
lti.login                   POST   400       400     400           400   400        400           400     400   400
lti.launch                  POST   400       400     400           400   400        400           400     400   400
lti.jwks                    GET    ok        ok      ok            ok    ok         ok            ok      ok    ok
lti.continue_               POST   400       400     400           400   400        400           400     400   400
lti.deep_link               GET    login     403     403           404   404        404           403     403   404
lti.deep_link               POST   login     403     403           404   404        404           403     403   404
lti.fetch_roster            POST   login     403     403           404   404        404           403     404   404
lti.register                GET    404       404     404           404   404        404           404     404   404
lti.register_confirm        POST   400       400     400           400   400        400           400     400   400
lti.index                   GET    login     403     403           403   403        403           403     ok    403
lti.add_platform            POST   login     403     403           403   403        403           403     ok    403
lti.rotate_key              POST   login     403     403           403   403        403           403     ok    403
lti.new_invite              POST   login     403     403           403   403        403           403     ok    403
live.start                  POST   login     403     403           ok    ok         404           403     ok    404
live.control                GET    login     403     403           ok    ok         404           403     ok    404
live.board                  GET    login     403     403           ok    ok         404           403     ok    404
live.board_state            GET    login     403     403           ok    ok         404           403     ok    404
live.act                    POST   login     403     403           ok    ok         404           403     ok    404
live.join                   GET    login     ok      ok            ok    ok         ok            ok      ok    ok
live.join                   POST   login     ok      ok            ok    ok         ok            ok      ok    ok
live.room                   GET    login     ok      403           ok    ok         ok            ok      ok    ok
live.answer                 POST   login     ok      403           403   403        403           403     403   403
live.room_state             GET    ok        ok      ok            ok    ok         ok            ok      ok    ok
"""


def _parse(table: str) -> dict[tuple[str, str], dict[str, str]]:
    lines = [line.split() for line in table.strip().splitlines()]
    header, rows = lines[0], lines[1:]
    assert tuple(header[2:]) == ROLES, "the table's columns must be the roles, in order"
    matrix: dict[tuple[str, str], dict[str, str]] = {}
    for row in rows:
        assert len(row) == len(header), f"row {row[0]} has {len(row)} columns, not {len(header)}"
        key = (row[0], row[1])
        assert key not in matrix, f"{key} is in the table twice"
        assert set(row[2:]) <= {"ok", "login", "400", "403", "404"}, f"unknown outcome in {row}"
        matrix[key] = dict(zip(ROLES, row[2:], strict=True))
    return matrix


MATRIX = _parse(MATRIX_TABLE)
MEDIA_FILE = "matrix-test.png"
SCHOOL = "school"  # the identity provider in the URL of the school sign-in

def routes(app: Flask) -> set[tuple[str, str]]:
    """Every (endpoint, method) a visitor can call; HEAD and OPTIONS come with GET."""
    return {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in rule.methods or ()
        if method not in ("HEAD", "OPTIONS")
    }


# --- requests -----------------------------------------------------------------------------------


def slug_for(endpoint: str, world: World) -> str:
    blueprint = endpoint.split(".", 1)[0]
    if blueprint in ("quizzes", "gradebook"):
        return world.quiz_slug
    if blueprint == "trainer":
        return world.session_slug
    return world.lesson_slug


def url_values(endpoint: str, arguments: set[str], world: World, *, target: str = "own") -> dict[str, Any]:
    """The URL's parameters filled with class A's objects (``target="own"``), or with the same kind
    of object from the other side (``target="foreign"``: S2's work, the other teacher's scan, the
    other trainer's cohort) while the class in the URL stays class A."""
    student, teacher, trainer = ("student", "owner", "trainer") if target == "own" else (
        "other_student", "other_teacher", "other_trainer"
    )
    values: dict[str, Any] = {
        "class_id": world.class_a,
        "student_id": world.ids[student],
        "submission_id": world.submissions[student],
        "token": world.tokens[student],
        "question_id": world.question_id,
        "scan_id": world.scans[teacher],
        "cohort_id": world.cohorts[trainer],
        # The co-teacher of class A is also the member of the trainer's cohort; the other teacher is neither.
        "teacher_id": world.ids["co_teacher" if target == "own" else "other_teacher"],
        "user_id": world.ids["co_teacher" if target == "own" else "other_teacher"],
        "filename": MEDIA_FILE,
        "fmt": "csv",
        "invitation_id": world.invitations["own" if target == "own" else "foreign"],
        "move_id": world.moves["own" if target == "own" else "foreign"],
        "answer": "decline",
        "code": "not-a-registration-code",
        "decision": "decline",
        "session_id": world.live["session"],
        "room": world.live["room"],
        "action": "reveal",
        "name": SCHOOL,
        "size": "klein",
        "verdict": "verbergen",
        "material": "ontwerpblad",
        "handout": "08-rolkaarten-speeddaten",  # a staff-only lesson material
        **world.assignment_objects["own" if target == "own" else "foreign"],
    }
    if "slug" in arguments:
        values["slug"] = slug_for(endpoint, world)
    unknown = arguments - set(values) - {"slug"}
    assert not unknown, f"{endpoint}: no object for URL parameter(s) {sorted(unknown)}; add them to url_values"
    return {name: values[name] for name in arguments}


def form_data(endpoint: str, role: str, world: World) -> dict[str, Any]:
    """Plausible form data per POST endpoint; endpoints that are only a button need none."""
    username = USERS[role][0] if role in USERS else "sanne"
    forms: dict[str, dict[str, Any]] = {
        "auth.login": {"username": username, "password": "niet het goede wachtwoord"},
        "auth.signup": {
            "join_code": world.join_code_a,
            "display_name": "Nina Nieuw",
            "username": "nina",
            "password": NEW_PASSWORD,
            "password_confirm": NEW_PASSWORD,
        },
        "auth.change_password": {
            "current_password": PASSWORD,
            "password": NEW_PASSWORD,
            "password_confirm": NEW_PASSWORD,
        },
        "admin.create_user": {
            "display_name": "Dirk Docent",
            "username": "dirk",
            "is_teacher": "y",
            "password": NEW_PASSWORD,
            "password_confirm": NEW_PASSWORD,
        },
        "admin.save_roles": {"is_teacher": "y", "is_trainer": "y"},
        "student.join": {"join_code": world.join_code_b},
        "assignments.save": {"body": "Mijn concept.", "save": "Concept opslaan"},
        "assignments.give_review": {"status": "approved", "feedback": "Goed gedaan."},
        "classes.create": {"name": "MV3C", "school_year": "2026-2027"},
        "classes.add_co_teacher": {"username": USERS["other_teacher"][0]},
        "tpack.scan": {"save": "Tussentijds opslaan"},
        "trainer.create": {"name": "Groep winter", "starts_on": "2027-01-10", "ends_on": "2027-03-10"},
        "trainer.attendance": {},
        "trainer.join": {"invite_code": world.invite_code},
        "live.start": {"class_id": world.class_a, "lesson": world.lesson_slug},
        "live.join": {"code": world.live["room"]},
        "live.answer": {"position": 0, "choice": world.live["choice"]},
        "peer.save": {"top": "Duidelijk.", "tip": "Noem een voorbeeld."},
        "peer.settings": {"enabled": "y", "anonymous": "y"},
        "share.comment": {"name": "Mevrouw de Boer", "comment": "Mooi werk."},
    }
    return dict(forms.get(endpoint, {}))


def outcome(response) -> str:
    if 300 <= response.status_code < 400:
        return "login" if urlsplit(response.location).path == "/login" else "ok"
    if 200 <= response.status_code < 300:
        return "ok"
    return str(response.status_code)


def call(app: Flask, client: FlaskClient, world: World, endpoint: str, method: str, role: str, *, target: str = "own"):
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint and method in (r.methods or ()))
    with app.test_request_context():
        url = url_for(endpoint, **url_values(endpoint, set(rule.arguments), world, target=target))
    if method == "GET":
        return client.get(url)
    data = form_data(endpoint, role, world)
    data["csrf_token"] = csrf_token(client, "/login" if role == "anonymous" else "/account")
    return client.post(url, data=data)


# --- fixtures -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def lessons_with_media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the real lessons with one media file, so the media route has something to serve."""
    folder = tmp_path_factory.mktemp("content") / "lessons"
    shutil.copytree(ROOT / "lessons", folder)
    (folder / "media").mkdir(exist_ok=True)
    (folder / "media" / MEDIA_FILE).write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(32))
    return folder


@pytest.fixture(scope="module")
def world_template(
    tmp_path_factory: pytest.TempPathFactory, backend: Backend, lessons_with_media: Path
) -> tuple[Path | str, World]:
    """The world is built once; every test still starts from a fresh copy of it: on SQLite a copy
    of the database file, on PostgreSQL its rows put back into the emptied tables."""
    folder = tmp_path_factory.mktemp("world")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(passwords, "_hasher", CHEAP_HASHER)
        application = make_test_app(folder, backend, LESSONS_DIR=str(lessons_with_media))
        backend.share_engine(application)
        built = build_world(application)
        backend.release(application)
    if backend.template is None:
        schema = backend.snapshot("world")
        backend.reset()
        return schema, built
    database = folder / "course.sqlite"
    with closing(sqlite3.connect(database)) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # everything in the one file we copy
    return database, built


@pytest.fixture(scope="module")
def school_sign_in(request: pytest.FixtureRequest) -> list[dict[str, Any]]:
    """The school's identity provider for the app; none only where npm is missing outside CI (the
    school sign-in rows then skip, saying why; every other row still runs)."""
    if npm_missing_here():
        return []
    provider: OidcProvider = request.getfixturevalue("oidc_provider")
    return [{"name": SCHOOL, "issuer": provider.issuer, "client_id": "course-app", "client_secret": CLIENT_SECRET}]


@pytest.fixture
def app(
    tmp_path: Path,
    backend: Backend,
    lessons_with_media: Path,
    world_template: tuple[Path | str, World],
    school_sign_in: list[dict[str, Any]],
) -> Iterator[Flask]:
    overrides: dict[str, Any] = {"LESSONS_DIR": str(lessons_with_media), "OIDC_PROVIDERS": school_sign_in}
    saved = world_template[0]
    if isinstance(saved, Path):
        database = tmp_path / "world.sqlite"
        shutil.copyfile(saved, database)
        overrides["DATABASE_URL"] = f"sqlite:///{database}"
    application = make_test_app(tmp_path, backend, **overrides)
    backend.share_engine(application)
    if not isinstance(saved, Path):
        backend.restore(saved)
    yield application
    backend.release(application)
    backend.reset()


@pytest.fixture
def world(app: Flask, world_template: tuple[Path | str, World]) -> World:
    return world_template[1]


# --- tests --------------------------------------------------------------------------------------


def test_every_route_is_in_the_table(app):
    present = routes(app)
    missing = sorted(present - set(MATRIX))
    stale = sorted(set(MATRIX) - present)
    assert not missing, f"routes without a row in MATRIX_TABLE (add one per method): {missing}"
    assert not stale, f"rows in MATRIX_TABLE for routes that no longer exist: {stale}"


def _cases() -> list[tuple[str, str, str]]:
    every = [(endpoint, method, role) for (endpoint, method) in sorted(MATRIX) for role in ROLES]
    if not ON_POSTGRES:
        return every
    # The SQLite pass checks every cell. Rights are decided in Python, the same on both databases;
    # what can differ is each route's own queries, so this pass runs them on PostgreSQL as every
    # role a route lets in and as one signed-in role it refuses, for a third of the time.
    chosen = []
    for endpoint, method in sorted(MATRIX):
        row = MATRIX[(endpoint, method)]
        allowed = [role for role in ROLES if row[role] == "ok"]
        refused = [role for role in ROLES if row[role] != "ok" and role != "anonymous"][:1]
        chosen += [(endpoint, method, role) for role in allowed + (refused or ["anonymous"])]
    return chosen


CASES = _cases()


@pytest.mark.parametrize(("endpoint", "method", "role"), CASES, ids=[f"{e}-{m}-{r}" for e, m, r in CASES])
def test_authorization(app, client, world, school_sign_in, endpoint, method, role):
    if endpoint.startswith("oidc.") and not school_sign_in:
        pytest.skip(MISSING_NPM)
    log_in(client, role)
    response = call(app, client, world, endpoint, method, role)
    response.close()  # file downloads hold the file open until closed
    expected = MATRIX[(endpoint, method)][role]
    assert outcome(response) == expected, (
        f"{method} {endpoint} as {role}: expected {expected}, got {response.status_code} "
        f"{response.location or ''}"
    )


# A student's own objects (image, feedback task, feedback received, share link), asked about by S1.
STUDENT_FOREIGN = {"assignments.image", "peer.give", "peer.save", "peer.report", "share.revoke"}

# Endpoints whose URL names an object besides class A. Asked by someone who may see class A (its
# owner), the trainer who has a cohort, or S1, about an object that is not theirs: always 404.
FOREIGN = sorted(
    (endpoint, method)
    for (endpoint, method) in MATRIX
    if endpoint
    in {
        "assignments.version",
        "assignments.review",
        "assignments.give_review",
        "quizzes.attempt",
        "quizzes.submit",
        "quizzes.save",
        "quizzes.review_attempt",
        "classes.remove_co_teacher",
        "classes.confirm_remove_student",
        "classes.remove_student",
        "classes.confirm_delete_student",
        "classes.delete_student",
        "classes.confirm_reset_password",
        "classes.reset_password",
        "classes.decide_move",
        "classes.withdraw_invitation",
        "gradebook.student",
        "gradebook.attempt",
        "tpack.scan",
        "tpack.result",
        "tpack.delete",
        "trainer.cohort",
        "trainer.attendance",
        "trainer.export",
        "trainer.promote",
        "trainer.remove_member",
        *STUDENT_FOREIGN,
    }
)


def foreign_asker(endpoint: str) -> str:
    if endpoint.startswith("trainer."):
        return "trainer"
    if endpoint.startswith("quizzes.") or endpoint == "assignments.version" or endpoint in STUDENT_FOREIGN:
        return "student"
    return "owner"


@pytest.mark.parametrize(("endpoint", "method"), FOREIGN, ids=[f"{e}-{m}" for e, m in FOREIGN])
def test_objects_of_others_are_not_found(app, client, world, endpoint, method):
    """Class A in the URL with S2's work, the other teacher's scan or the other trainer's cohort."""
    role = foreign_asker(endpoint)
    log_in(client, role)
    response = call(app, client, world, endpoint, method, role, target="foreign")
    assert response.status_code == 404, f"{method} {endpoint} as {role} on another's object: {response.status_code}"


def test_refused_changes_leave_the_objects_alone(app, client, world):
    """A 404 on a POST must come before the change: the other teacher's delete leaves S1 in place."""
    log_in(client, "other_teacher")
    for endpoint in ("classes.delete_student", "classes.remove_student", "classes.reset_password"):
        assert call(app, client, world, endpoint, "POST", "other_teacher").status_code == 404
    with app.app_context():
        student = db.session.get(User, world.ids["student"])
        assert student is not None and student.session_version == 1
        assert db.session.scalar(select(User.id).where(User.username == "sanne")) == student.id


def snapshot(app: Flask) -> dict[str, list]:
    """Every row of every table, to compare before and after."""
    with app.app_context():
        return {
            table.name: [tuple(row) for row in db.session.execute(table.select().order_by(*table.primary_key))]
            for table in Base.metadata.sorted_tables
        }


GETS = sorted(endpoint for endpoint, method in MATRIX if method == "GET")
POSTS = sorted(endpoint for endpoint, method in MATRIX if method == "POST")


@pytest.mark.parametrize("role", ["student", "owner", "trainer", "admin"])
def test_get_requests_change_nothing(app, client, world, role):
    log_in(client, role)
    before = snapshot(app)
    for endpoint in GETS:
        call(app, client, world, endpoint, "GET", role).close()
    after = snapshot(app)
    # The one write a GET makes: the audit log notes that the supervisor's link was opened.
    views = [row for row in after["audit_events"] if row[3] == "share.view"]
    assert len(views) == 1
    after["audit_events"] = [row for row in after["audit_events"] if row[3] != "share.view"]
    assert after == before


def test_every_post_needs_the_csrf_token(app, client, world):
    log_in(client, "owner")
    before = snapshot(app)
    for endpoint in POSTS:
        rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint and "POST" in (r.methods or ()))
        with app.test_request_context():
            url = url_for(endpoint, **url_values(endpoint, set(rule.arguments), world))
        response = client.post(url, data=form_data(endpoint, "owner", world))
        assert response.status_code == 400, f"{endpoint} accepted a POST without a CSRF token"
    assert snapshot(app) == before
