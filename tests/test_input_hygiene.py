"""What people type and send, as an attacker or a careless copy-paste would: control and bidi
characters in names, formulas in spreadsheets, junk quiz answers, impossible dates and ids, and the
headers of every download."""

from __future__ import annotations

import csv
import io
import re

import pytest
from flask import Flask
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook
from sqlalchemy import func, select

from course.core.extensions import db
from course.core.text import clean_text, name_problem, spreadsheet_cell
from course.core.url_ids import MAX_ID, digits_up_to
from course.models import Cohort, QuizAttempt, SchoolClass, User

from .conftest import csrf_token
from .quiz_support import form_data, right_answers
from .security_support import NEW_PASSWORD, World, build_world, log_in

BAD_NAMES = {
    "control": "Sanne\x01",
    "nul": "Sa\x00nne",
    "c1": "Sanne\x9b",
    "bidi override": "\u202eennaS",
    "bidi isolate": "Sanne\u2066x\u2069",
    "only invisible": "\u200b\u200d\u2060",
}


@pytest.fixture
def world(app: Flask) -> World:
    return build_world(app)


def browser_of(app: Flask, role: str):
    client = app.test_client()
    log_in(client, role)
    return client


def post(client, url: str, data: dict, token_from: str = "/account"):
    return client.post(url, data={**data, "csrf_token": csrf_token(client, token_from)})


# --- names ----------------------------------------------------------------------------------------


def test_the_rule_itself():
    assert all(name_problem(value) for value in BAD_NAMES.values())
    for fine in ("Sanne de Vries", "Mohammed El Amrani", "Zoë", "محمد", "李明", "O'Neill-Kaya"):
        assert name_problem(fine) is None, fine


@pytest.mark.parametrize("bad", BAD_NAMES.values(), ids=BAD_NAMES.keys())
def test_every_name_field_refuses_invisible_and_direction_characters(app, world, bad):
    with app.app_context():
        classes_before = db.session.scalar(select(func.count()).select_from(SchoolClass))
        cohorts_before = db.session.scalar(select(func.count()).select_from(Cohort))
    visitor = app.test_client()
    signup = {
        "join_code": world.join_code_a,
        "display_name": bad,
        "username": "pim",
        "password": NEW_PASSWORD,
        "password_confirm": NEW_PASSWORD,
    }
    response = post(visitor, "/signup", signup, token_from="/signup")
    if "\x00" in bad:  # refused before any form: no page of the app ever sends one
        assert response.status_code == 400
        return
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Typ de naam opnieuw" in html or "zichtbare letters" in html
    assert 'value="pim"' in html  # what was typed is kept
    admin = browser_of(app, "admin")
    staff = {
        "display_name": bad,
        "username": "xander",
        "is_teacher": "y",
        "password": NEW_PASSWORD,
        "password_confirm": NEW_PASSWORD,
    }
    assert post(admin, "/admin/users", staff).status_code == 200
    owner = browser_of(app, "owner")
    assert post(owner, "/teacher/classes/", {"name": bad, "school_year": "2026-2027"}).status_code == 200
    trainer = browser_of(app, "trainer")
    cohort = {"name": bad, "starts_on": "2026-09-01", "ends_on": "2026-12-01"}
    assert post(trainer, "/trainer/", cohort).status_code == 200
    with app.app_context():
        assert db.session.scalar(select(User).where(User.username.in_(["pim", "xander"]))) is None
        assert db.session.scalar(select(func.count()).select_from(SchoolClass)) == classes_before
        assert db.session.scalar(select(func.count()).select_from(Cohort)) == cohorts_before


def test_names_are_stored_in_one_normal_form(app, world):
    visitor = app.test_client()
    decomposed = "Zoe\u0308  van   Dijk"  # e + combining diaeresis, and extra spaces
    signup = {
        "join_code": world.join_code_a,
        "display_name": decomposed,
        "username": "zoe",
        "password": NEW_PASSWORD,
        "password_confirm": NEW_PASSWORD,
    }
    assert post(visitor, "/signup", signup, token_from="/signup").status_code == 302
    with app.app_context():
        assert db.session.scalar(select(User.display_name).where(User.username == "zoe")) == "Zoë van Dijk"


def test_assignment_text_loses_control_characters_but_keeps_its_lines(app, world):
    student = browser_of(app, "student")
    url = f"/assignments/{world.lesson_slug}"
    body = "Regel een\x07\r\nRegel twee\u202e met\ttab"
    assert post(student, url, {"body": body, "save": "Concept opslaan"}, token_from=url).status_code == 302
    page = student.get(url).get_data(as_text=True)
    assert "Regel een\r\nRegel twee met\ttab" in page or "Regel een\nRegel twee met\ttab" in page
    assert clean_text(body) == "Regel een\r\nRegel twee met\ttab"


def test_exports_strip_what_their_format_cannot_hold(app, world):
    """Names stored before this check existed (straight in the database) still export."""
    with app.app_context():
        student = db.session.get(User, world.ids["student"])
        student.display_name = "San\x01ne\x0b"  # (PostgreSQL cannot hold a NUL at all)
        db.session.commit()
    owner = browser_of(app, "owner")
    xlsx = owner.get(f"/teacher/gradebook/{world.class_a}/cijfers.xlsx")
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    assert "Sanne" in [row[0] for row in sheet.iter_rows(values_only=True)]
    text = owner.get(f"/teacher/gradebook/{world.class_a}/cijfers.csv").get_data(as_text=True)
    assert "\x0b" not in text and "\x01" not in text and "Sanne" in text


# --- spreadsheet formulas ---------------------------------------------------------------------------

FORMULAS = [
    "=1+1",
    "+31 6 1234",
    "-2+3",
    "@SUM(A1)",
    "\tx",
    ";calc",
    "|calc",
    "\uff1dHYPERLINK(1)",
    "  =1+1",
    "\u00a0=1",
]


@pytest.mark.parametrize("value", FORMULAS)
def test_no_cell_starts_a_formula(value):
    assert str(spreadsheet_cell(value)).startswith("'")


def test_harmless_text_and_numbers_pass_unchanged():
    assert spreadsheet_cell("Sanne") == "Sanne"
    assert spreadsheet_cell(-3) == -3
    assert spreadsheet_cell("e-mail") == "e-mail"


def test_formula_names_reach_every_export_as_text(app, world):
    with app.app_context():
        db.session.get(User, world.ids["student"]).display_name = ';=HYPERLINK("x")'
        db.session.commit()
    owner = browser_of(app, "owner")
    for url, delimiter in ((f"/teacher/gradebook/{world.class_a}/cijfers.csv", ";"),
                           (f"/teacher/gradebook/{world.class_a}/cijfers.csv?variant=internationaal", ",")):
        rows = list(csv.reader(io.StringIO(owner.get(url).get_data(as_text=True)), delimiter=delimiter))
        names = [row[0] for row in rows[1:]]
        assert ";=HYPERLINK" not in names and '\';=HYPERLINK("x")' in names, url
    xlsx = owner.get(f"/teacher/gradebook/{world.class_a}/cijfers.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    cell = next(c for row in sheet.iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value)
    assert cell.data_type == "s"


# --- quiz answers ---------------------------------------------------------------------------------


def _start(app, world):
    student = browser_of(app, "student")
    page = student.get(f"/quizzes/{world.quiz_slug}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = student.post(f"/quizzes/{world.quiz_slug}/start", data={"csrf_token": token})
    return student, response.location.rsplit("/", 1)[1]


@pytest.mark.parametrize(
    "junk",
    [
        {"q-bestaat-niet": "a"},
        "unknown option",
        "long value",
    ],
    ids=["unknown question", "unknown option", "long value"],
)
def test_junk_answers_are_refused_and_never_stored(app, world, junk):
    from course.core.content_store import catalog

    with app.app_context():
        quiz = catalog().quizzes[world.quiz_slug]
    student, token = _start(app, world)
    data = form_data(quiz, right_answers(quiz))
    question = next(q for q in quiz.questions if q.kind in ("single", "truefalse"))
    if junk == "unknown option":
        data[f"q-{question.id}"] = "zz"
    elif junk == "long value":
        data[f"q-{question.id}"] = "x" * 200_000
    else:
        data.update(junk)
    page = student.get(f"/quizzes/{world.quiz_slug}/attempts/{token}").get_data(as_text=True)
    data["csrf_token"] = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = student.post(f"/quizzes/{world.quiz_slug}/attempts/{token}", data=data)
    with app.app_context():
        stored = db.session.scalar(select(QuizAttempt).where(QuizAttempt.token == token))
    if junk == {"q-bestaat-niet": "a"}:
        assert response.status_code == 302  # an extra field is ignored ...
        assert set(stored.answers) <= {q.id for q in quiz.questions}  # ... and not stored
    else:
        assert response.status_code == 200
        assert "Dit antwoord hoort niet bij deze vraag" in response.get_data(as_text=True)
        assert stored.submitted_at is None and stored.answers is None


# --- dates and years --------------------------------------------------------------------------------


@pytest.mark.parametrize("year", ["２０２６-２０２７", "0000-0001", "1999-2000", "2100-2101", "2026-2028"])
def test_implausible_school_years_are_refused(app, world, year):
    owner = browser_of(app, "owner")
    response = post(owner, "/teacher/classes/", {"name": "MV9Z", "school_year": year})
    assert response.status_code == 200
    assert "schooljaar" in response.get_data(as_text=True).lower()
    with app.app_context():
        assert db.session.scalar(select(SchoolClass).where(SchoolClass.name == "MV9Z")) is None


@pytest.mark.parametrize(("starts", "ends"), [("0001-01-01", "0001-02-01"), ("2026-09-01", "9999-12-31")])
def test_cohort_dates_far_from_now_are_refused(app, world, starts, ends):
    trainer = browser_of(app, "trainer")
    response = post(trainer, "/trainer/", {"name": "Groep oud", "starts_on": starts, "ends_on": ends})
    assert response.status_code == 200
    assert "Kies een datum tussen" in response.get_data(as_text=True)


# --- ids --------------------------------------------------------------------------------------------


def test_every_route_with_an_id_answers_404_to_an_id_too_big_for_the_database(app, world):
    owner, admin = browser_of(app, "owner"), browser_of(app, "admin")
    checked = 0
    for rule in app.url_map.iter_rules():
        ids = [name for name in rule.arguments if name.endswith("_id")]
        if not ids:
            continue
        path = rule.rule
        for name in rule.arguments:
            value = (
                str(2**64)
                if name.endswith("_id")
                else {"fmt": "csv", "answer": "accept", "decision": "approve"}.get(name, "x")
            )
            path = re.sub(rf"<(?:[^:<>]+:)?{name}>", value, path)
            path = re.sub(rf"<any\([^)]*\):{name}>", value, path)
        for client in (owner, admin):
            if "GET" in rule.methods:
                assert client.get(path).status_code == 404, path
            if "POST" in rule.methods:
                assert post(client, path, {}).status_code == 404, path
        checked += 1
    assert checked >= 14
    assert str(MAX_ID) == "2147483647"


# --- download headers ---------------------------------------------------------------------------------


def test_every_personal_or_class_download_is_private_and_never_stored(app, world):
    owner, trainer, student = browser_of(app, "owner"), browser_of(app, "trainer"), browser_of(app, "student")
    downloads = [
        (owner, f"/teacher/gradebook/{world.class_a}/cijfers.csv"),
        (owner, f"/teacher/gradebook/{world.class_a}/cijfers.xlsx"),
        (owner, f"/teacher/gradebook/{world.class_a}/quizzes/{world.quiz_slug}/itemanalyse.csv"),
        (owner, f"/teacher/gradebook/{world.class_a}/quizzes/{world.quiz_slug}/itemanalyse.xlsx"),
        (trainer, f"/trainer/cohorts/{world.cohorts['trainer']}/tpack.csv"),
        (student, "/account/data/download.json"),
    ]
    for client, url in downloads:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "private, no-store", url
        assert "Expires" not in response.headers and "Last-Modified" not in response.headers, url
        assert response.headers["Content-Disposition"].startswith("attachment"), url
        assert response.headers["X-Content-Type-Options"] == "nosniff", url


@given(st.integers(min_value=-(2**70), max_value=2**70))
def test_the_id_pattern_takes_exactly_the_ids_the_database_holds(number):
    pattern = re.compile(digits_up_to(MAX_ID) + r"\Z")
    assert bool(pattern.match(str(number))) == (1 <= number <= MAX_ID)
    assert not pattern.match(f"0{number}")  # no leading zeros: one id, one URL


@pytest.mark.parametrize("field", ["username", "password"])
def test_a_nul_character_anywhere_is_a_400_not_a_crash(app, world, field):
    visitor = app.test_client()
    data = {"username": "sanne", "password": "iets", field: "sa\x00nne"}
    assert post(visitor, "/login", data, token_from="/login").status_code == 400
    assert visitor.get("/lessons/?q=%00").status_code == 400
