"""Cross-site scripting: a corpus of attacks typed into every place a person writes something,
then read back on every page that shows it. Nothing on those pages may run: no script element,
no on*= handler, no javascript: or data: URL in a link or image.

The texts go in through the real forms (assignment, feedback, class, sign-up, the administrator's
staff form, cohort), so whatever the forms do to the input is part of what is tested. Each page is
also checked to show the text, so a page that silently stopped showing it cannot pass by accident.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from course.core.extensions import db
from course.core.text import clean_text, name_problem
from course.models import Cohort, CoTeacherInvitation, SchoolClass, Submission, User

from .conftest import csrf_token
from .security_support import NEW_PASSWORD, World, build_world, executable_markup, log_in

# At most 80 characters each: they must also fit a name field.
CORPUS = [
    '<script>alert("xss")</script>',
    "<SCRIPT SRC=/static/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "'><body onload=alert(1)>",
    '" autofocus onfocus="alert(1)',
    "<svg><script>alert(1)</script></svg>",
    '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
    '<a href="javascript:alert(1)">klik</a>',
    '<a href="&#106;avascript:alert(1)">klik</a>',
    "[klik](javascript:alert(1))",
    "[klik](JaVaScRiPt:alert(1))",
    "[klik]( javascript:alert(1) )",
    "[klik](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![plaatje](javascript:alert(1))",
    "<javascript:alert(1)>",
    '<iframe src="data:text/html,<script>alert(1)</script>">',
    "<<script>script>alert(1)<</script>/script>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '<div onmouseover="alert(1)"',
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "<!--<img src=--><img src=x onerror=alert(1)//>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "\uff1cscript\uff1ealert(1)\uff1c/script\uff1e",  # fullwidth < and >
    "java\u200dscript:alert(1) <im\u200bg src=x onerror=alert(1)>",  # zero-width joiner and space
    "\u202egnp.exe <img src=x onerror=alert(1)>",  # right-to-left override
    "{{ 7*7 }} {% print 7*7 %} ${7*7}",  # template syntax stays text
]
assert all(len(" ".join(p.split())) <= 80 for p in CORPUS)

IDS = [f"{n:02d}-{re.sub(r'[^a-z0-9]+', '-', p.lower()).strip('-')[:30]}" for n, p in enumerate(CORPUS)]


def as_name(payload: str) -> str:
    """What a name field stores: whitespace runs collapsed, like the forms do."""
    return " ".join(payload.split())


def shown(page: str, text: str) -> bool:
    """True when ``text`` is on the page as text (escaped where needed)."""
    return text in html.unescape(page)


@pytest.fixture
def world(app: Flask) -> World:
    return build_world(app)


def post(client: FlaskClient, url: str, data: dict, token_from: str = "/account"):
    return client.post(url, data={**data, "csrf_token": csrf_token(client, token_from)})


def page(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    return response.get_data(as_text=True)


def check(pages: dict[str, str], expected: dict[str, list[str]]) -> None:
    """No page runs anything; every page shows what it is expected to show."""
    for url, body in pages.items():
        assert not executable_markup(body), f"{url}: {executable_markup(body)}"
        for text in expected.get(url, []):
            assert shown(body, text), f"{url} does not show {text!r}"


# --- student work and teacher feedback ----------------------------------------------------------


@pytest.mark.parametrize("payload", CORPUS, ids=IDS)
def test_assignment_text_and_feedback_never_run(app, world, payload):
    marker, feedback_marker = "Werk-merkteken", "Feedback-merkteken"
    student, teacher = app.test_client(), app.test_client()
    log_in(student, "student")
    log_in(teacher, "owner")
    write_url = f"/assignments/{world.lesson_slug}"
    body = f"{marker}\n\n{payload}\n\nEn in een zin: {payload} einde."
    response = post(student, write_url, {"body": body, "hand_in": "Inleveren"}, token_from=write_url)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    with app.app_context():
        submission_id = db.session.scalar(
            select(Submission.id)
            .where(Submission.student_id == world.ids["student"], Submission.lesson_slug == world.lesson_slug)
            .order_by(Submission.version.desc())
        )
    review_url = f"/teacher/classes/{world.class_a}/assignments/{submission_id}"
    feedback = f"{feedback_marker}\n\n{payload}"
    response = post(teacher, review_url, {"status": "needs_work", "feedback": feedback}, token_from=review_url)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    # A draft with the payload too: the write page shows it inside its textarea.
    response = post(student, write_url, {"body": payload, "save": "Concept opslaan"}, token_from=write_url)
    assert response.status_code == 302

    pages = {
        write_url: page(student, write_url),
        f"/assignments/versions/{submission_id}": page(student, f"/assignments/versions/{submission_id}"),
        "/account/data/": page(student, "/account/data/"),
        review_url: page(teacher, review_url),
        "queue": page(teacher, f"/teacher/classes/{world.class_a}/assignments"),
        "gradebook student": page(teacher, f"/teacher/gradebook/{world.class_a}/students/{world.ids['student']}"),
    }
    check(
        pages,
        {
            write_url: [feedback_marker, clean_text(payload).strip()],
            f"/assignments/versions/{submission_id}": [marker, feedback_marker],
            review_url: [marker, feedback_marker],
            "gradebook student": [marker, feedback_marker],
        },
    )


# --- names: students, staff, classes, cohorts ---------------------------------------------------


@dataclass
class Named:
    student_id: int
    teacher_id: int
    class_id: int
    cohort_id: int
    submission_id: int
    student_pages: dict[str, str] = field(default_factory=dict)


def push_names(app: Flask, world: World, payload: str) -> Named:
    """The payload as a student's name (sign-up), a teacher's name (admin form), a class name and
    a cohort name, each through its real form, with enough around them that every page shows them."""
    name = as_name(payload)
    visitor, admin, owner, trainer = (app.test_client() for _ in range(4))

    response = post(
        visitor,
        "/signup",
        {"join_code": world.join_code_a, "display_name": payload, "username": "pim",
         "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD},
        token_from="/signup",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    write_url = f"/assignments/{world.lesson_slug}"
    assert post(visitor, write_url, {"body": "Mijn werk.", "hand_in": "Inleveren"}).status_code == 302

    log_in(admin, "admin")
    response = post(
        admin,
        "/admin/users",
        {"display_name": payload, "username": "xander", "is_teacher": "y",
         "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:800]

    log_in(owner, "owner")
    assert post(owner, f"/teacher/classes/{world.class_a}/co-teachers", {"username": "xander"}).status_code == 302
    response = post(owner, "/teacher/classes/", {"name": payload, "school_year": "2026-2027"})
    assert response.status_code == 302, response.get_data(as_text=True)[:800]

    log_in(trainer, "trainer")
    response = post(trainer, "/trainer/", {"name": payload, "starts_on": "2026-09-01", "ends_on": "2026-12-01"})
    assert response.status_code == 302, response.get_data(as_text=True)[:800]

    with app.app_context():
        student_id = db.session.scalar(select(User.id).where(User.username == "pim"))
        teacher_id = db.session.scalar(select(User.id).where(User.username == "xander"))
        school_class = db.session.scalar(select(SchoolClass).where(SchoolClass.name == name))
        cohort = db.session.scalar(select(Cohort).where(Cohort.name == name))
        assert school_class is not None and cohort is not None, "the name was stored changed"
        submission_id = db.session.scalar(select(Submission.id).where(Submission.student_id == student_id))
        join_code, invite_code = school_class.join_code, cohort.invite_code
        named = Named(student_id, teacher_id, school_class.id, cohort.id, submission_id)

    assert post(visitor, "/student/join", {"join_code": join_code}).status_code == 302
    for url in ("/student/", "/account", "/account/data/"):  # before the reset below logs the student out
        named.student_pages[f"student {url}"] = page(visitor, url)
    teacher = app.test_client()
    token = csrf_token(teacher, "/login")
    teacher.post("/login", data={"username": "xander", "password": NEW_PASSWORD, "csrf_token": token})
    with app.app_context():
        invitation_id = db.session.scalar(
            select(CoTeacherInvitation.id).where(CoTeacherInvitation.username == "xander")
        )
    assert post(teacher, f"/teacher/classes/invitations/{invitation_id}/accept", {}).status_code == 302
    assert post(teacher, "/trainer/join", {"invite_code": invite_code}).status_code == 302
    # The named teacher resets the named student's password: the audit log shows both.
    url = f"/teacher/classes/{world.class_a}/students/{student_id}/reset-password"
    assert post(teacher, url, {}).status_code == 200
    return named


# Names with control or bidi characters are refused by the forms (tests/test_input_hygiene.py).
NAMES = [(p, i) for p, i in zip(CORPUS, IDS, strict=True) if name_problem(as_name(p)) is None]


@pytest.mark.parametrize("payload", [p for p, _ in NAMES], ids=[i for _, i in NAMES])
def test_names_never_run(app, world, payload):
    named = push_names(app, world, payload)
    name = as_name(payload)
    clients = {role: app.test_client() for role in ("owner", "admin", "trainer")}
    for role, client in clients.items():
        log_in(client, role)
    owner, admin, trainer = clients["owner"], clients["admin"], clients["trainer"]
    a, c = world.class_a, named.class_id
    quiz = world.quiz_slug
    pages = {
        "classes index": page(owner, "/teacher/classes/"),
        "class A": page(owner, f"/teacher/classes/{a}"),
        "class C": page(owner, f"/teacher/classes/{c}"),
        "grid A": page(owner, f"/teacher/gradebook/{a}"),
        "grid C": page(owner, f"/teacher/gradebook/{c}"),
        "gradebook student": page(owner, f"/teacher/gradebook/{a}/students/{named.student_id}"),
        "gradebook items C": page(owner, f"/teacher/gradebook/{c}/quizzes/{quiz}"),
        "misconceptions C": page(owner, f"/teacher/gradebook/{c}/denkfouten"),
        "queue A": page(owner, f"/teacher/classes/{a}/assignments"),
        "review": page(owner, f"/teacher/classes/{a}/assignments/{named.submission_id}"),
        "quiz intro": page(owner, f"/quizzes/{quiz}"),
        "quiz class C": page(owner, f"/quizzes/{quiz}/classes/{c}"),
        "admin users": page(admin, "/admin/users"),
        "audit": page(admin, "/admin/audit"),
        "trainer index": page(trainer, "/trainer/"),
        "cohort": page(trainer, f"/trainer/cohorts/{named.cohort_id}"),
        "reach": page(trainer, "/trainer/reach"),
    }
    teacher = app.test_client()
    token = csrf_token(teacher, "/login")
    teacher.post("/login", data={"username": "xander", "password": NEW_PASSWORD, "csrf_token": token})
    pages["cohorts joined"] = page(teacher, "/trainer/join")
    pages["teacher account"] = page(teacher, "/account")
    pages.update(named.student_pages)
    check(
        pages,
        {
            "student /student/": [name],  # the class name
            "student /account": [name],
            "student /account/data/": [name],
            "classes index": [name],
            "class A": [name],  # the student and the co-teacher
            "class C": [name],
            "grid A": [name],
            "grid C": [name],
            "gradebook student": [name],
            "gradebook items C": [name],
            "misconceptions C": [name],
            "queue A": [name],
            "review": [name],
            "quiz intro": [name],
            "quiz class C": [name],
            "admin users": [name],
            "audit": [name],
            "trainer index": [name],
            "cohort": [name],
            "cohorts joined": [name],
            "teacher account": [name],
        },
    )


def test_the_corpus_would_be_caught():
    """The checks themselves: each kind of attack is found when it is not escaped."""
    caught = [p for p in CORPUS if executable_markup(p)]
    for expected in ("<script>", "onerror=", "onload=", 'href="javascript:', "&#106;avascript", "<iframe", "<meta"):
        assert any(expected in p for p in caught), f"the check misses {expected}"
    assert executable_markup('<a href=" java\tscript:alert(1)">x</a>')
    assert executable_markup('<img srcset="data:image/svg+xml,x 1x">')
    assert not executable_markup("&lt;script&gt;alert(1)&lt;/script&gt; <a href=\"/lessons/\">ok</a>")
