"""The privacy statement meets AVG art. 13, and the FG's documents (bijsluiter, register entry,
DPIA pre-scan) are written from the same inventory, so none of them can miss a kind of data."""

import html as html_lib
import json
import re
from dataclasses import fields
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from course.core.audit import record
from course.core.extensions import db
from course.models import Attendance, Cohort, CohortMember, Review, Submission, User
from course.privacy.documents import DOCUMENTS, dpia_prescan
from course.privacy.legal import LEGAL_BASES, controller_from
from course.privacy.personal_data import DataCategory, data_categories

from .conftest import make_test_app

SCHOOL = {
    "PRIVACY_CONTROLLER": "Stichting ROC Voorbeeld, Schoolstraat 1, Utrecht",
    "PRIVACY_CONTACT": "privacy@roc-voorbeeld.nl",
    "PRIVACY_OFFICER": "Mr. A. Jansen, fg@roc-voorbeeld.nl",
}
FG_FIELDS = ("data_subjects", "legal_basis", "recipients", "storage", "security", "deletion")


def page_text(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))))


@pytest.fixture
def school_app(tmp_path, backend):
    application = make_test_app(tmp_path, backend, **SCHOOL, PRIVACY_HOSTING="Hosting BV")
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()
    backend.reset()


# --- the statement (art. 13) -----------------------------------------------------------------


def test_statement_names_the_school_board_its_privacy_contact_and_its_fg(school_app):
    text = page_text(school_app.test_client(), "/privacy")
    for value in SCHOOL.values():
        assert value in text
    assert "Hosting BV draait de site voor de school" in text
    assert "Nog niet ingevuld" not in text


def test_statement_tells_the_admin_what_to_set_while_the_school_is_unnamed(app, client):
    text = page_text(client, "/privacy")
    for key in SCHOOL:
        assert f"Nog niet ingevuld. Beheerder: zet {key} in instance/config.py" in text
    assert "De school draait de site zelf" in text


def test_statement_gives_each_category_its_legal_basis_and_explains_both(app, client):
    assert client.get("/privacy").get_data(as_text=True).count("<dt>Waarom mag dat</dt>") == len(data_categories(12))
    text = page_text(client, "/privacy")
    assert "AVG, artikel 6 lid 1 onder e" in text  # public task: students' learning data
    assert "AVG, artikel 6 lid 1 onder a en artikel 7 lid 3" in text  # consent: the TPACK scan
    tpack = text[text.index("TPACK-scan (alleen docenten)"):]
    assert tpack.index("Toestemming, die je altijd kunt intrekken") < tpack.index("Hoe lang")
    for basis in LEGAL_BASES.values():
        assert basis.plain in text


def test_statement_lists_every_right_objection_and_the_complaint(app, client):
    text = page_text(client, "/privacy")
    for article in ("15", "16", "17", "18", "20", "21"):
        assert f"(AVG, artikel {article})" in text
    assert "Bezwaar (AVG, artikel 21): Gebruikt de school je gegevens voor haar taak van algemeen belang" in text
    assert "zwaarder wegende reden" in text
    assert "Autoriteit Persoonsgegevens" in text
    assert "artikel 7 lid 3" in text and "binnen een maand" in text


def test_statement_sends_requests_to_the_school_not_to_the_teacher(app, client):
    text = page_text(client, "/privacy")
    assert "Stuur je verzoek naar de privacycontactpersoon van de school" in text
    assert "Vraag het je docent" not in text and "Vraag het niet aan je docent" in text


def test_statement_explains_automatic_grading_is_no_automated_decision_and_tpack_is_never_appraisal(app, client):
    text = page_text(client, "/privacy")
    assert "geen automatisch besluit zoals in artikel 22" in text
    assert "je docent ziet je antwoorden en kan je cijfer aanpassen" in text
    assert "nooit worden gebruikt om je als medewerker te beoordelen" in text


# --- the inventory carries what the FG needs --------------------------------------------------


def test_every_category_of_the_inventory_has_every_field_the_fg_needs():
    for category in data_categories(12):
        for name in FG_FIELDS:
            assert getattr(category, name).strip(), f"{category.title}: {name} is empty"
        assert category.legal_basis in LEGAL_BASES, f"{category.title}: unknown legal basis {category.legal_basis!r}"
    assert {f.name for f in fields(DataCategory)} >= set(FG_FIELDS)


def test_tpack_scan_rests_on_consent_and_students_learning_data_on_the_public_task():
    by_title = {category.title: category for category in data_categories(12)}
    assert by_title["TPACK-scan (alleen docenten)"].legal_basis == "consent"
    for title in ("Je voortgang en je werk", "Je quizpogingen", "Je klassen"):
        assert by_title[title].legal_basis == "public_task"


def test_teacher_track_and_a_teachers_own_traces_are_in_the_inventory():
    titles = [category.title for category in data_categories(12)]
    for title in ("Train-de-trainergroepen (alleen docenten)", "Trainer en bereik (alleen docenten)",
                  "Klassen die je geeft (alleen docenten)", "Feedback die je schrijft (alleen docenten)", "Logboek"):
        assert title in titles


# --- the documents ----------------------------------------------------------------------------


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda d: d.slug)
def test_each_document_lists_every_category_with_its_fg_fields(document):
    categories = data_categories(12)
    text = document.write(categories, controller_from(SCHOOL), date(2026, 12, 1))
    for category in categories:
        assert f"### {category.title}\n" in text, f"{document.slug} misses {category.title}"
        assert category.data_subjects in text
        assert LEGAL_BASES[category.legal_basis].article in text
    assert SCHOOL["PRIVACY_OFFICER"] in text


def test_a_new_category_shows_up_in_every_document():
    extra = DataCategory("Afbeeldingen", "Foto's bij opdrachten.", "Voor het portfolio.", "De docenten.",
                         "Met de klas.", "delete", data_subjects="Studenten.", legal_basis="public_task",
                         recipients="Docenten.", storage="Map op de server.", security="Alleen na inloggen.",
                         deletion="Met de klas.")
    for document in DOCUMENTS:
        assert "### Afbeeldingen\n" in document.write([*data_categories(12), extra], controller_from({}), date.today())


def test_dpia_prescan_names_the_risks_and_the_works_council():
    text = dpia_prescan(data_categories(12), controller_from({}), date.today())
    assert "### Minderjarige studenten" in text
    assert "### Zelfbeoordeling door medewerkers (TPACK-scan)" in text
    assert "### Locatiegegevens in afbeeldingen" in text and "EXIF" in text
    assert "WOR art. 27 lid 1 sub k" in text
    assert "Nog niet compleet: vul PRIVACY_CONTROLLER, PRIVACY_CONTACT, PRIVACY_OFFICER" in text


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda d: d.slug)
def test_admin_reads_each_document_and_downloads_it_as_markdown(school_app, document):
    from .conftest import Auth

    client = school_app.test_client()
    auth = Auth(school_app, client)
    auth.make_user("beheer", "admin")
    auth.login("beheer")
    index = page_text(client, "/admin/privacy/")
    assert document.title in index and "Nog in te vullen" not in index
    page = page_text(client, f"/admin/privacy/{document.slug}")
    for category in data_categories(12):
        assert category.title in page
    response = client.get(f"/admin/privacy/{document.slug}.md")
    assert response.status_code == 200
    assert response.mimetype == "text/markdown"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "Hosting BV" in response.get_data(as_text=True)


def test_admin_index_lists_the_settings_still_to_fill_in(app, auth, client):
    auth.make_user("beheer", "admin")
    auth.login("beheer")
    text = page_text(client, "/admin/privacy/")
    assert "Nog in te vullen" in text
    for key in SCHOOL:
        assert key in text


# --- the own-data export of a teacher ---------------------------------------------------------


def test_teacher_export_holds_classes_feedback_teacher_track_and_log_entries(app, auth, client):
    auth.make_user("devries", "teacher", "trainer")
    class_id, _ = auth.make_class("devries", "MV2A")
    student = auth.make_user("sanne", "student")
    auth.enrol("sanne", class_id)
    with app.app_context():
        teacher = db.session.scalar(select(User).where(User.username == "devries"))
        submission = Submission(student_id=student, lesson_slug="linkedin", version=1, body_text="x", body_html="x")
        submission.reviews.append(Review(teacher_id=teacher.id, status="approved", feedback_text="Sterk begin."))
        cohort = Cohort(name="Groep 1", trainer_id=teacher.id, starts_on=date(2026, 9, 1))
        db.session.add_all([submission, cohort])
        db.session.flush()
        db.session.add(CohortMember(cohort_id=cohort.id, user_id=teacher.id))
        db.session.add(Attendance(cohort_id=cohort.id, session_slug="sessie-1", user_id=teacher.id,
                                  recorded_at=datetime(2026, 9, 1, 10, tzinfo=UTC)))
        record(teacher, "class.remove_student", "class", class_id, student_id=student)
        db.session.commit()
    auth.login("devries")
    data = json.loads(client.get("/account/data/download.json").get_data(as_text=True))
    assert data["classes_you_teach"] == [{"name": "MV2A", "school_year": "2026-2027", "made_by_you": True}]
    assert data["feedback_you_wrote"][0]["feedback"] == "Sterk begin."
    assert "sanne" not in json.dumps(data["feedback_you_wrote"])  # the student's name is hers, not yours
    assert data["attendance"] == [{"cohort": "Groep 1", "session": "sessie-1",
                                   "recorded_at": "2026-09-01T10:00:00+00:00"}]
    assert data["trainer"]["is_trainer"] is True
    assert data["trainer"]["cohorts_you_lead"][0]["name"] == "Groep 1"
    assert data["cohorts"][0]["name"] == "Groep 1"
    assert [(e["action"], e["on"]) for e in data["log_entries_by_you"]] == [("class.remove_student", "class")]
