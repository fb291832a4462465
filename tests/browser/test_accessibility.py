"""WCAG 2.1 AA in a real browser, on every page the journeys show, as a phone (375x812) and a
laptop (1280x800) show it: axe-core reports no violation at all, of any impact, the page does not
scroll sideways on a phone, Tab always shows where the focus is, the lesson page reflows at 200% zoom,
form errors are tied to their fields, and each page has its own title and one h1.

The pages are filled with work made through the app's own endpoints and services (a class with a
student who did lesson 1, TPACK scans, a trainer's cohorts), independent of the journeys; the last
test checks that every page a journey showed is in the list below.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from course.core.content_store import catalog

from ..conftest import Auth
from ..quiz_support import QuizClient, right_answers
from . import support
from .support import LAPTOP, PASSWORD, PHONE, every_violation, make_user, record_axe, run_axe

pytestmark = pytest.mark.browser

ANONYMOUS = ""


@dataclass(frozen=True)
class Spec:
    name: str
    who: str  # username, or ANONYMOUS
    path: str


@dataclass
class World:
    specs: list[Spec]
    student: str
    teacher: str
    lesson_slug: str
    quiz_slug: str
    open_attempt: str
    open_scan: int


def _world(app: Flask) -> World:
    """One of everything, made through the real endpoints (test client with CSRF) or services."""
    from course.accounts import rules as accounts
    from course.core.extensions import db
    from course.models import Submission, User
    from course.teacher_track import cohorts
    from course.teacher_track import scans as tpack

    with app.app_context():
        content = catalog()
    lesson = next(iter(content.lessons.values()))
    quiz = content.quizzes[lesson.quiz]

    teacher_id = make_user(app, "a11y-docent", "teacher", name="Docent Visser")
    student_id = make_user(app, "a11y-student", name="Lisa")
    with app.app_context():
        school_class = accounts.create_class(db.session.get(User, teacher_id), "MV3B", "2026-2027")
        accounts.enrol(school_class, db.session.get(User, student_id))
        db.session.commit()
        class_id = school_class.id

    student = Auth(app, app.test_client())
    assert student.login("a11y-student").status_code == 302
    lesson_url = f"/lessons/{lesson.slug}"
    assert student.post(f"{lesson_url}/done", token_from=lesson_url).status_code == 302
    write_url = f"/assignments/{lesson.slug}"
    essay = {"body": "Ik ben een **netwerker**.", "hand_in": "Inleveren"}
    handed = student.post(write_url, essay, token_from=write_url)
    assert handed.status_code == 302
    answers = right_answers(quiz)
    slip = next(q for q in quiz.questions if q.kind == "single")
    answers[slip.id] = next(o.id for o in slip.options if not o.correct)
    quizzes = QuizClient(student.client)
    token, _ = quizzes.take(quiz, answers)
    open_token = quizzes.start_token(quiz.slug)

    peer_task, share_path = _peer_and_share(app, school_class.id, lesson.slug, student_id, teacher_id)
    with app.app_context():
        submission_id = db.session.query(Submission.id).filter_by(student_id=student_id).scalar()
        instrument = catalog().tpack
        teacher = db.session.get(User, teacher_id)
        scan_ids = []
        for shift in (0, 2):
            scan = tpack.start_or_continue(teacher, instrument)
            given = {sid: 1 + (shift + n) % len(instrument.scale) for n, sid in enumerate(instrument.statement_ids)}
            tpack.save_answers(scan, instrument, given)
            tpack.complete_scan(scan, instrument)
            scan_ids.append(scan.id)
        open_scan = tpack.start_or_continue(teacher, instrument).id

    trainer_id = make_user(app, "a11y-trainer", "trainer", name="Trainer Smit")
    members = [make_user(app, f"a11y-collega{k}", "teacher", name=f"Collega {k}") for k in range(5)]
    with app.app_context():
        trainer = db.session.get(User, trainer_id)
        full = cohorts.create_cohort(trainer, "Team Zorg", date(2026, 9, 1), date(2026, 12, 15))
        empty = cohorts.create_cohort(trainer, "Team Techniek", date(2027, 2, 1), date(2027, 5, 15))
        db.session.commit()
        full_id, empty_id, code = full.id, empty.id, full.invite_code
        for k, member_id in enumerate(members):
            member = db.session.get(User, member_id)
            cohorts.join_cohort(member, code)
            db.session.commit()
            scan = tpack.start_or_continue(member, instrument)
            points = len(instrument.scale)
            given = {s: 1 + (k + n) % points for n, s in enumerate(instrument.statement_ids)}
            tpack.save_answers(scan, instrument, given)
            tpack.complete_scan(scan, instrument)
        cohorts.join_cohort(db.session.get(User, teacher_id), code)
        db.session.commit()

    s, t, tr = "a11y-student", "a11y-docent", "a11y-trainer"
    admin = "a11y-beheer"
    make_user(app, admin, "admin", name="Beheerder Bos")
    grid = f"/teacher/gradebook/{class_id}"
    specs = [
        Spec("inloggen", ANONYMOUS, "/login"),
        Spec("account maken", ANONYMOUS, "/signup"),
        Spec("privacy", ANONYMOUS, "/privacy"),
        Spec("bronnen", ANONYMOUS, "/credits"),
        Spec("student: mijn lessen", s, "/student/"),
        Spec("student: les 1", s, lesson_url),
        Spec("student: opdracht", s, write_url),
        Spec("student: quiz", s, f"/quizzes/{quiz.slug}"),
        Spec("student: quizvragen", s, f"/quizzes/{quiz.slug}/attempts/{open_token}"),
        Spec("student: quizuitslag", s, f"/quizzes/{quiz.slug}/attempts/{token}/review"),
        Spec("docent: mijn klassen", t, "/teacher/classes/"),
        Spec("docent: klas", t, f"/teacher/classes/{class_id}"),
        Spec("docent: cijferlijst", t, grid),
        Spec("docent: itemanalyse", t, f"{grid}/quizzes/{quiz.slug}"),
        Spec("docent: student", t, f"{grid}/students/{student_id}"),
        Spec("docent: student verwijderen", t, f"/teacher/classes/{class_id}/students/{student_id}/delete"),
        Spec("docent: poging", t, f"{grid}/attempts/{token}"),
        Spec("docent: denkfouten", t, f"{grid}/denkfouten"),
        Spec("docent: nakijken", t, f"/teacher/classes/{class_id}/assignments"),
        Spec("docent: beoordelen", t, f"/teacher/classes/{class_id}/assignments/{submission_id}"),
        Spec("docent: tpack", t, "/teacher/tpack/"),
        Spec("docent: tpack invullen", t, f"/teacher/tpack/scan/{open_scan}"),
        Spec("docent: tpack uitslag", t, f"/teacher/tpack/scan/{scan_ids[0]}/result"),
        Spec("docent: tpack vergelijken", t, "/teacher/tpack/history"),
        Spec("docent: meedoen", t, "/trainer/join"),
        Spec("trainer: start", tr, "/staff"),
        Spec("trainer: groepen", tr, "/trainer/"),
        Spec("trainer: groep", tr, f"/trainer/cohorts/{full_id}"),
        Spec("trainer: groep te klein", tr, f"/trainer/cohorts/{empty_id}"),
        Spec("trainer: bereik", tr, "/trainer/reach"),
        Spec("student: mijn gegevens", s, "/account/data/"),
        Spec("docent: mijn gegevens", t, "/account/data/"),
        Spec("beheer: medewerkers", admin, "/admin/users"),
        Spec("beheer: medewerker", admin, f"/admin/users/{teacher_id}"),
        Spec("beheer: logboek", admin, "/admin/audit"),
        Spec("beheer: privacydocumenten", admin, "/admin/privacy/"),
        Spec("beheer: dpia-voortoets", admin, "/admin/privacy/dpia"),
        Spec("student: peerfeedback geven", s, f"/assignments/peerfeedback/{peer_task}"),
        Spec("docent: peerfeedback", t, f"/teacher/classes/{class_id}/peerfeedback/{lesson.slug}"),
        Spec("praktijkopleider", ANONYMOUS, share_path),
        Spec("docent: lesmateriaal", t, "/lessons/materials/08-rolkaarten-speeddaten"),
    ]
    return World(specs, s, t, lesson.slug, quiz.slug, open_token, open_scan)


def _peer_and_share(app: Flask, class_id: int, slug: str, student_id: int, teacher_id: int) -> tuple[int, str]:
    """A classmate's work to give feedback on (peer feedback on), and the student's share link."""
    from course.accounts import rules as accounts
    from course.assignments import peer, share
    from course.core.extensions import db
    from course.lessons import progress
    from course.models import PeerReview, SchoolClass, Submission, User

    classmate_id = make_user(app, "a11y-klasgenoot", name="Mohammed")
    with app.app_context():
        accounts.enrol(db.session.get(SchoolClass, class_id), db.session.get(User, classmate_id))
        db.session.commit()
        progress.hand_in(classmate_id, slug, "Ik ben een **producer**: ik maak video's.")
        peer.switch(class_id, slug, True, True, db.session.get(User, teacher_id))
        task = db.session.query(PeerReview).filter_by(reviewer_id=student_id).first()
        student = db.session.get(User, student_id)
        made = share.create(student, db.session.query(Submission).filter_by(student_id=student_id).one())
        return task.id, f"/praktijk/{share.token(made, app.secret_key.encode())}"


# The names are fixed here so pytest can list the tests before the world exists.
PAGE_NAMES = [
    "inloggen", "account maken", "privacy", "bronnen",
    "student: mijn lessen", "student: les 1", "student: opdracht", "student: quiz", "student: quizvragen",
    "student: quizuitslag",
    "docent: mijn klassen", "docent: klas", "docent: cijferlijst", "docent: itemanalyse", "docent: student",
    "docent: student verwijderen",
    "docent: poging", "docent: denkfouten", "docent: nakijken", "docent: beoordelen", "docent: tpack",
    "docent: tpack invullen", "docent: tpack uitslag", "docent: tpack vergelijken", "docent: meedoen",
    "trainer: start", "trainer: groepen", "trainer: groep", "trainer: groep te klein", "trainer: bereik",
    "student: mijn gegevens", "docent: mijn gegevens", "beheer: medewerkers", "beheer: medewerker", "beheer: logboek",
    "beheer: privacydocumenten", "beheer: dpia-voortoets",
    "student: peerfeedback geven", "docent: peerfeedback", "praktijkopleider", "docent: lesmateriaal",
]


@pytest.fixture(scope="module")
def world(live_app: Flask) -> World:
    made = _world(live_app)
    assert [spec.name for spec in made.specs] == PAGE_NAMES
    return made


@pytest.fixture(scope="module")
def pages_as(browser: Browser, base_url: str, world: World) -> Iterator[Any]:
    """One logged-in page per person, kept for the module (logging in once is enough)."""
    opened: dict[str, Page] = {}
    contexts = []

    def page_for(who: str) -> Page:
        if who not in opened:
            context = browser.new_context(viewport=LAPTOP, locale="nl-NL")
            context.set_default_timeout(10_000)
            contexts.append(context)
            page = context.new_page()
            if who != ANONYMOUS:
                support.log_in(page, base_url, who, PASSWORD)
            opened[who] = page
        return opened[who]

    yield page_for
    for context in contexts:
        context.close()


def open_spec(pages_as: Any, base_url: str, world: World, name: str) -> Page:
    spec = next(s for s in world.specs if s.name == name)
    page = pages_as(spec.who)
    page.set_viewport_size(LAPTOP)
    response = page.goto(base_url + spec.path)
    assert response is not None and response.status == 200, f"{spec.path}: {response and response.status}"
    return page


FOCUS_STYLE = """el => {
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  const shadow = style.boxShadow && style.boxShadow !== 'none';
  return {visible: outline || shadow, what: el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + ' ' + (el.innerText || el.value || el.name || '').trim().slice(0, 40)};
}"""


def unfocused_stops(page: Page, stops: int = 25) -> list[str]:
    """Press Tab ``stops`` times from the top; every element that gets the focus must show it."""
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); }")
    missing = []
    for _ in range(stops):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement === document.body"):
            break
        state = page.evaluate(f"({FOCUS_STYLE})(document.activeElement)")
        if not state["visible"]:
            missing.append(state["what"])
    return missing


SIDEWAYS = "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_page_meets_wcag_21_aa_on_phone_and_laptop(pages_as, base_url, world, name):
    page = open_spec(pages_as, base_url, world, name)
    problems = []
    for label, size in (("1280x800", LAPTOP), ("375x812", PHONE)):
        page.set_viewport_size(size)
        violations = run_axe(page)
        record_axe(name, label, violations)
        problems += [f"[{label}] {line}" for line in every_violation(violations)]
    wide, visible = page.evaluate(SIDEWAYS)
    if wide > visible:
        problems.append(f"[375x812] the page scrolls sideways: {wide}px of content in {visible}px")
    page.set_viewport_size(LAPTOP)
    missing = unfocused_stops(page)
    if missing:
        problems.append(f"focus not visible on: {missing}")
    assert not problems, f"{name}:\n" + "\n".join(problems)


def test_every_page_has_its_own_title_and_one_h1(pages_as, base_url, world):
    titles: dict[str, str] = {}  # path -> title: one page seen by two roles keeps one title
    for spec in world.specs:
        page = open_spec(pages_as, base_url, world, spec.name)
        expect(page.locator("h1"), f"{spec.name} needs exactly one h1").to_have_count(1)
        title = page.title()
        assert title.strip() and not title.startswith(" ·"), f"{spec.name} has no title of its own: {title!r}"
        titles[spec.path] = title
    seen: dict[str, list[str]] = {}
    for path, title in titles.items():
        seen.setdefault(title, []).append(path)
    assert not {t: p for t, p in seen.items() if len(p) > 1}, "pages share a title"


def test_lesson_page_reflows_at_200_percent_zoom(pages_as, base_url, world):
    """A 1280px wide screen at 200% zoom is 640 CSS pixels wide: nothing may stick out sideways."""
    page = open_spec(pages_as, base_url, world, "student: les 1")
    page.set_viewport_size({"width": 640, "height": 400})
    wide, visible = page.evaluate(SIDEWAYS)
    assert wide <= visible, f"the lesson needs {wide}px at 200% zoom, the screen has {visible}px"
    page.set_viewport_size(LAPTOP)


def described_errors(page: Page) -> list[tuple[str, str]]:
    """(field id, the error text its aria-describedby points at) for every invalid field."""
    return page.evaluate("""() => [...document.querySelectorAll(
        '[aria-invalid="true"], .field-error input, .field-error select, .field-error textarea')]
      .map(el => [el.id || el.name, (el.getAttribute('aria-describedby') || '').split(/\\s+/)
        .map(id => document.getElementById(id)).filter(n => n && n.classList.contains('error-text'))
        .map(n => n.textContent.trim()).join(' ')])""")


def test_form_errors_are_announced_with_their_fields(pages_as, base_url, world, live_app):
    # Sign-up, sent empty: every field says what to do, and the summary is an alert.
    page = open_spec(pages_as, base_url, world, "account maken")
    page.get_by_role("button", name="Account maken").click()
    expect(page.get_by_role("alert")).to_contain_text("Controleer het formulier")
    errors = dict(described_errors(page))
    assert set(errors) >= {"join_code", "display_name", "username", "password", "password_confirm"}, errors
    assert all(errors.values()), f"fields without an error text in aria-describedby: {errors}"
    assert errors["join_code"] == "Vul de klascode in die je van je docent kreeg."
    violations = run_axe(page)
    record_axe("account maken (met fouten)", "1280x800", violations)
    assert not every_violation(violations), every_violation(violations)

    # The assignment, handed in empty.
    student = pages_as(world.student)
    student.goto(f"{base_url}/assignments/{world.lesson_slug}")
    student.get_by_label("Jouw uitwerking").fill("")
    student.get_by_role("button", name="Inleveren").click()
    assert dict(described_errors(student)).get("body", "").startswith("Je tekst is nog leeg"), described_errors(student)

    # An ordering question with two items in the same place: both selects point at the message.
    with live_app.app_context():
        quiz = catalog().quizzes[world.quiz_slug]
    ordering = next(q for q in quiz.questions if q.kind == "ordering")
    student.goto(f"{base_url}/quizzes/{quiz.slug}/attempts/{world.open_attempt}")
    box = student.locator(f"#vraag-{ordering.id}")
    for item in ordering.items:
        box.get_by_label(" ".join(item.text.split()), exact=True).select_option("1")
    student.get_by_role("button", name="Inleveren").click()
    expect(student.get_by_role("alert")).to_contain_text("Controleer je antwoorden")
    errors = dict(described_errors(student))
    names = {f"q-{ordering.id}.{item.id}" for item in ordering.items}
    assert names <= set(errors), errors
    assert all("dezelfde plaats" in errors[n] for n in names), errors

    # The TPACK scan finished with nothing answered: every statement is marked, its radios point at it.
    teacher = pages_as(world.teacher)
    teacher.goto(f"{base_url}/teacher/tpack/scan/{world.open_scan}")
    teacher.get_by_role("button", name="Afronden").click()
    expect(teacher.get_by_role("alert")).to_contain_text("Controleer het formulier")
    described = teacher.evaluate("""() => [
        ...document.querySelectorAll('fieldset.statement.field-error input[type=radio]')]
      .every(r => { const n = document.getElementById(r.getAttribute('aria-describedby') || '');
                    return n && n.classList.contains('error-text') && n.textContent.trim().length > 0; })""")
    assert described


def test_axe_looked_at_every_page_the_journeys_showed(world, live_server):
    if not support.VISITED:
        pytest.skip("the journeys did not run in this session")
    checked = {live_server.endpoint(live_server.url + spec.path) for spec in world.specs}
    missing = {endpoint: path for endpoint, path in support.VISITED.items() if endpoint not in checked}
    assert not missing, f"pages shown in a journey but not checked with axe: {missing}"


def content_pages(app: Flask) -> list[str]:
    with app.app_context():
        content = catalog()
        pages = [f"/lessons/{slug}" for slug in content.lessons]
        pages += [f"/lessons/{slug}/guide" for slug in content.lessons]
        pages += [f"/trainer/sessions/{session.slug}" for session in content.trainer_sessions]
        pages += [f"/trainer/materials/{material.slug}" for material in content.trainer_materials]
        pages += [f"/lessons/materials/{material.slug}" for material in content.lesson_materials]
    return pages


def test_every_lesson_guide_and_trainer_session_fits_a_phone(pages_as, base_url, world, live_app):
    """Content pages are written by authors, not templates: wide tables must scroll in their own
    box (reachable by keyboard) and nothing may push the page sideways."""
    page = pages_as("a11y-trainer")
    page.set_viewport_size(PHONE)
    problems = []
    for path in content_pages(live_app):
        response = page.goto(base_url + path)
        assert response is not None and response.status == 200, path
        problems += [f"{path}: {line}" for line in every_violation(run_axe(page))]
        wide, visible = page.evaluate(SIDEWAYS)
        if wide > visible:
            problems.append(f"{path}: the page scrolls sideways: {wide}px of content in {visible}px")
    page.set_viewport_size(LAPTOP)
    assert not problems, "\n".join(problems)
