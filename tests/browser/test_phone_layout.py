"""Layout checks at 375 x 812, where a phone shows what the code cannot: a quiz question lies wholly
inside its card, no element of a student page (nor of "Mijn gegevens", the dashboard and the admin
pages) sticks out past the screen's edge, card headings start at the top of their card, and
breadcrumbs have room and a size a finger can hit."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from course.core.content_store import catalog

from .support import PASSWORD, PHONE, log_in, make_user

pytestmark = pytest.mark.browser

SIDEWAYS = "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"

# For each fieldset: where its top border lies, and the box of its legend's text.
LEGENDS = """() => [...document.querySelectorAll('fieldset')].map(f => {
  const box = f.getBoundingClientRect(), border = parseFloat(getComputedStyle(f).borderTopWidth);
  const legend = f.querySelector(':scope > legend');
  const text = legend.getBoundingClientRect();
  return {id: f.id, borderBottom: box.top + border, left: box.left, right: box.right,
          textTop: text.top, textLeft: text.left, textRight: text.right, bottom: box.bottom, textBottom: text.bottom};
})"""

# The gap between a card's inner top edge and the top of its first heading.
CARD_HEADING_GAP = """selector => {
  const card = document.querySelector(selector), heading = card.querySelector(':scope > h2');
  const style = getComputedStyle(card);
  return heading.getBoundingClientRect().top - card.getBoundingClientRect().top
    - parseFloat(style.borderTopWidth) - parseFloat(style.paddingTop);
}"""


@dataclass(frozen=True)
class Setup:
    student: str
    teacher: str
    admin: str
    class_id: int
    quiz_slug: str
    token: str
    fresh_quiz: str  # a quiz the student has not started
    teacher_id: int


@pytest.fixture(scope="module")
def setup(live_app: Flask) -> Setup:
    from course.accounts import rules as accounts
    from course.core.extensions import db
    from course.models import LessonProgress, QuizAttempt, User, utcnow

    suffix = secrets.token_hex(3)
    student, teacher, admin = f"tel-student-{suffix}", f"tel-docent-{suffix}", f"tel-beheer-{suffix}"
    student_id = make_user(live_app, student, name="Fenna Telefoon")
    teacher_id = make_user(live_app, teacher, "teacher", name="Tom Docent")
    make_user(live_app, admin, "admin", name="Bea Beheer")
    with live_app.app_context():
        lesson, other = [lesson for lesson in catalog().lessons.values() if lesson.quiz][:2]
        quiz = catalog().quizzes[lesson.quiz]
        school_class = accounts.create_class(db.session.get(User, teacher_id), "MV1A", "2026-2027")
        accounts.enrol(school_class, db.session.get(User, student_id))
        token = secrets.token_hex(16)
        db.session.add(LessonProgress(student_id=student_id, lesson_slug=lesson.slug, done_at=utcnow()))
        db.session.add(QuizAttempt(
            user_id=student_id, quiz_slug=quiz.slug, quiz_version=quiz.version, class_id=school_class.id,
            token=token, seed=1, submitted_at=utcnow(), answers={}, score=Decimal("3.8"), max_score=11,
        ))  # fmt: skip
        db.session.commit()
        return Setup(student, teacher, admin, school_class.id, quiz.slug, token, other.quiz, teacher_id)


@pytest.fixture
def phone_as(new_page, base_url: str) -> Iterator:
    def make(username: str) -> Page:
        page = new_page(PHONE)
        log_in(page, base_url, username)
        return page

    yield make


def no_sideways_scroll(page: Page, url: str) -> None:
    page.goto(url)
    width, client = page.evaluate(SIDEWAYS)
    assert width <= client == 375, f"{url}: {width} px wide on a 375 px phone"


def test_quiz_question_text_lies_inside_its_card(phone_as, base_url, setup):
    page = phone_as(setup.student)
    page.goto(f"{base_url}/quizzes/{setup.fresh_quiz}")
    page.get_by_role("button", name="Start de quiz").click()
    page.locator("fieldset.question").first.wait_for()
    questions = [q for q in page.evaluate(LEGENDS) if q["id"].startswith("vraag-")]
    assert questions, "no questions on the quiz page"
    for q in questions:
        # The whole question, its first line too, lies below the card's top border and within its sides.
        assert q["textTop"] >= q["borderBottom"], q
        assert q["left"] <= q["textLeft"] and q["textRight"] <= q["right"], q
        assert q["textBottom"] <= q["bottom"], q
    width, client = page.evaluate(SIDEWAYS)
    assert width <= client


def test_my_data_fits_a_phone_and_reads_dutch(phone_as, base_url, setup):
    page = phone_as(setup.student)
    no_sideways_scroll(page, f"{base_url}/account/data/")
    text = page.locator("main").inner_text()
    assert "3,8 van 11" in text
    assert "T0" not in text and "+00:00" not in text  # no raw timestamps


def test_admin_pages_fit_a_phone(phone_as, base_url, setup):
    page = phone_as(setup.admin)
    for path in ("/admin/users", f"/admin/users/{setup.teacher_id}", "/admin/audit"):
        no_sideways_scroll(page, base_url + path)


def test_card_headings_start_at_the_top_of_their_card(phone_as, base_url, setup):
    student = phone_as(setup.student)
    student.goto(f"{base_url}/quizzes/{setup.quiz_slug}/attempts/{setup.token}/review")
    assert student.evaluate(CARD_HEADING_GAP, "section.score-card") <= 1
    teacher = phone_as(setup.teacher)
    teacher.goto(f"{base_url}/teacher/classes/{setup.class_id}")
    assert teacher.evaluate(CARD_HEADING_GAP, "section[aria-labelledby='code-kop']") <= 1


def test_breadcrumbs_have_room_below_the_header(phone_as, base_url, setup):
    page = phone_as(setup.admin)
    page.goto(f"{base_url}/admin/users/{setup.teacher_id}")
    link = page.locator(".breadcrumb a").first.bounding_box()
    header_bottom = page.evaluate("() => document.querySelector('header').getBoundingClientRect().bottom")
    assert link["height"] >= 24, link  # WCAG 2.2 target size (minimum)
    assert link["y"] - header_bottom >= 16, (link, header_bottom)


def test_dashboard_shows_every_lessons_work_on_a_phone(phone_as, base_url, setup, live_app):
    with live_app.app_context():
        lessons = list(catalog().lessons.values())
        read = next(lesson for lesson in lessons if lesson.quiz == setup.quiz_slug)
    page = phone_as(setup.student)
    no_sideways_scroll(page, f"{base_url}/student/")
    cards = page.locator(".lesson-card")
    expect(cards).to_have_count(len(lessons))
    for lesson, card in zip(lessons, cards.all(), strict=True):
        box = card.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 375, (lesson.slug, box)
        if lesson.assignment:
            expect(card.get_by_role("link", name="Nog niet gemaakt").first).to_be_visible()
        expect(card.locator("dt")).to_have_text(["Les", "Opdracht", "Quiz"])
    # Read with a failed quiz: "gelezen", not finished, and the score leads straight to a new attempt.
    card = page.locator(f"#les-{read.number}")
    expect(card.get_by_role("link", name="Gelezen")).to_be_visible()
    expect(card.get_by_role("link", name="34% nog niet gehaald")).to_be_visible()
    card.get_by_role("button", name="Probeer de quiz opnieuw").click()
    expect(page).to_have_url(re.compile(rf"/quizzes/{setup.quiz_slug}/attempts/[\w-]+$"))


NAME_IN_VIEW = """() => {
  const wrap = document.querySelector('.gradebook-wrap'), name = document.querySelector('tbody th.name-col');
  const box = name.getBoundingClientRect(), frame = wrap.getBoundingClientRect();
  const top = document.elementFromPoint(box.left + 8, box.top + box.height / 2);
  return {left: box.left, frameLeft: frame.left, onTop: name.contains(top), scrolled: wrap.scrollLeft};
}"""


def test_gradebook_keeps_the_names_in_view_when_scrolled_sideways(phone_as, base_url, setup):
    page = phone_as(setup.teacher)
    page.goto(f"{base_url}/teacher/gradebook/{setup.class_id}")
    region = page.get_by_role("region", name="Cijferlijst")
    region.focus()  # a keyboard user can scroll it too
    for _ in range(15):
        page.keyboard.press("ArrowRight")
    page.evaluate("() => { document.querySelector('.gradebook-wrap').scrollLeft += 800; }")
    seen = page.evaluate(NAME_IN_VIEW)
    assert seen["scrolled"] > 400, seen
    assert abs(seen["left"] - seen["frameLeft"]) <= 2 and seen["onTop"], seen


# Every element that sticks out past the right or left edge of the screen, unless it sits in a box
# that scrolls sideways on purpose (a wide table in .table-wrap) or is hidden from sight on purpose
# (.visually-hidden, the skip link until it has the focus).
STICKING_OUT = """() => {
  const width = document.documentElement.clientWidth, out = [];
  const scrollBox = el => { for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (['auto', 'scroll'].includes(getComputedStyle(p).overflowX)) return true; } return false; };
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height || el.closest('.visually-hidden, .skip-link')) continue;
    if ((box.right > width + 0.5 || box.left < -0.5) && !scrollBox(el)) {
      out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className ? '.' + el.className : '')
        + ` [${Math.round(box.left)}, ${Math.round(box.right)}] ` + (el.innerText || '').trim().slice(0, 40));
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, width, out: out.slice(0, 8)};
}"""

# The student pages no other phone check covers; {name} is filled in from the student's own work.
STUDENT_PAGES = [
    "/lessons/", "/lessons/competences", "/lessons/woordenlijst", "/account", "/account/password", "/live/join",
    "/assignments/versions/{own_version}", *[f"/lessons/{{lesson_{n}}}" for n in range(1, 13)],
]


@pytest.fixture(scope="module")
def busy_student(live_app: Flask, setup: Setup) -> dict[str, str]:
    """A second student of the class with a handed-in version that has the teacher's feedback (a long
    link in both, which must wrap); the path names of the twelve lessons."""
    from course.accounts import rules as accounts
    from course.core.extensions import db
    from course.lessons import progress
    from course.models import SchoolClass, User

    username = f"tel-druk-{secrets.token_hex(3)}"
    student_id = make_user(live_app, username, name="Daan Druk")
    with live_app.app_context():
        lessons = list(catalog().lessons.values())
        assert [lesson.number for lesson in lessons] == list(range(1, 13))
        accounts.enrol(db.session.get(SchoolClass, setup.class_id), db.session.get(User, student_id))
        db.session.commit()
        lesson = next(lesson for lesson in lessons if lesson.assignment)
        link = "https://www.voorbeeld.nl/" + "heel-lang-pad-zonder-spaties-" * 4
        submission = progress.hand_in(student_id, lesson.slug, f"Mijn profiel staat op {link} en is af.")
        progress.review(submission, setup.teacher_id, "needs_work", f"Goed begin. Kijk ook naar {link}")
        names = {f"lesson_{lesson.number}": lesson.slug for lesson in lessons}
        return {"username": username, "own_version": str(submission.id), **names}


@pytest.fixture(scope="module")
def student_phone(browser: Browser, base_url: str, busy_student: dict[str, str]) -> Iterator[Page]:
    """One phone, logged in once, for all the student pages below."""
    context = browser.new_context(viewport=PHONE, locale="nl-NL")
    context.set_default_timeout(10_000)
    page = context.new_page()
    log_in(page, base_url, busy_student["username"], PASSWORD)
    yield page
    context.close()


@pytest.mark.parametrize("path", STUDENT_PAGES)
def test_no_element_of_a_student_page_sticks_out_on_a_phone(student_phone, base_url, busy_student, path):
    url = base_url + path.format(**busy_student)
    response = student_phone.goto(url)
    assert response is not None and response.status == 200, f"{url}: {response and response.status}"
    seen = student_phone.evaluate(STICKING_OUT)
    assert seen["width"] == 375, seen
    assert seen["scrollWidth"] <= seen["width"] and not seen["out"], f"{url}: {seen}"
