"""The teacher's pages as a laptop and a phone show them, with the demo school (25 students, every
lesson, a final test): the gradebook fits a 1440 px laptop whole and keeps its header row in view,
"Mijn klassen" and the class page fit a 375 px phone, and a teacher without classes is told what to
do next.

The target for the grid: at 1440 x 900 the whole demo grid fits in its box (1,406 px wide), so there
is nothing to scroll sideways; at 1280 x 800 every lesson column and the final test are in view and
at most the last summary column needs a scroll. Before the compact cells the grid was 2,274 px wide.
"""

from __future__ import annotations

import re
import secrets
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from .support import LAPTOP, PASSWORD, PHONE, LiveServer, every_violation, log_in, make_user, run_axe, tab_to

pytestmark = pytest.mark.browser

WIDE_LAPTOP = {"width": 1440, "height": 900}
SIDEWAYS = "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"

# The grid's box and table, and the right edge of each header cell (lessons, final test, summaries).
GRID = """() => {
  const wrap = document.querySelector('.gradebook-wrap'), table = wrap.querySelector('table');
  const frame = wrap.getBoundingClientRect();
  return {table: table.getBoundingClientRect().width, box: wrap.clientWidth, scrollWidth: wrap.scrollWidth,
          frameRight: frame.left + wrap.clientWidth,
          heads: [...table.querySelectorAll('thead th')].map(th => [th.innerText.split('\\n')[0],
                                                                    th.getBoundingClientRect().right])};
}"""

# Where the header row is after the grid's box was scrolled down, and what lies on top there.
HEADER_IN_VIEW = """() => {
  const wrap = document.querySelector('.gradebook-wrap');
  wrap.scrollTop = wrap.scrollHeight;
  const head = wrap.querySelector('thead th:nth-child(2)'), box = head.getBoundingClientRect();
  const top = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
  return {scrolled: wrap.scrollTop, top: box.top, frameTop: wrap.getBoundingClientRect().top,
          onTop: head.contains(top)};
}"""

# How many lines a piece of text takes: one box per line.
LINES = """el => {
  const range = document.createRange();
  range.selectNodeContents(el);
  return range.getClientRects().length;
}"""


@dataclass(frozen=True)
class Demo:
    url: str
    class_id: int
    teacher: str
    password: str
    newcomer: str  # a teacher without classes
    newcomer_password: str


@pytest.fixture(scope="module")
def demo() -> Iterator[Demo]:
    """The demo school on an app and database of its own: its staff and TPACK scans would change
    what the other browser tests count."""
    from sqlalchemy import select

    from course import create_app
    from course.core.db import make_engine
    from course.core.extensions import db
    from course.core.migrate import upgrade
    from course.demo import school
    from course.models import SchoolClass

    with tempfile.TemporaryDirectory(prefix="demo-layout-") as folder:
        url = f"sqlite:///{Path(folder) / 'course.sqlite'}"
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        app: Flask = create_app({"SECRET_KEY": "browser-tests-demo", "DATABASE_URL": url})
        with app.app_context():
            school.load_demo()
            class_id = db.session.scalar(select(SchoolClass.id).where(SchoolClass.join_code == school.DEMO_JOIN_CODE))
        newcomer = f"nieuw-{secrets.token_hex(3)}"
        make_user(app, newcomer, "teacher", name="Nieuwe Docent")
        passwords = {username: password for username, _, password, _ in school.STAFF}
        server = LiveServer(app)
        server.start()
        try:
            yield Demo(server.url, class_id, "docent", passwords["docent"], newcomer, PASSWORD)
        finally:
            server.stop()
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


@pytest.fixture
def open_as(browser: Browser, demo: Demo) -> Iterator:
    contexts = []

    def make(viewport: dict[str, int], username: str | None = None, password: str | None = None) -> Page:
        context = browser.new_context(viewport=viewport, locale="nl-NL")
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        log_in(page, demo.url, username or demo.teacher, password or demo.password)
        return page

    yield make
    for context in contexts:
        context.close()


def no_sideways_scroll(page: Page) -> None:
    width, client = page.evaluate(SIDEWAYS)
    assert width <= client, f"{page.url}: {width} px wide on a {client} px screen"


# -- the gradebook on a laptop ----------------------------------------------------------------------


def test_the_demo_gradebook_fits_a_1440_laptop_whole(open_as, demo):
    page = open_as(WIDE_LAPTOP)
    page.goto(f"{demo.url}/teacher/gradebook/{demo.class_id}")
    grid = page.evaluate(GRID)
    assert grid["scrollWidth"] <= grid["box"] <= 1406, grid  # nothing to scroll sideways
    assert grid["table"] <= 1406, grid
    assert every_violation(run_axe(page)) == []


def test_a_1280_laptop_shows_every_lesson_column_of_the_demo_gradebook(open_as, demo):
    page = open_as(LAPTOP)
    page.goto(f"{demo.url}/teacher/gradebook/{demo.class_id}")
    grid = page.evaluate(GRID)
    lessons = [(label, right) for label, right in grid["heads"] if label.startswith("Les") or label.startswith("Eind")]
    assert len(lessons) >= 12, grid["heads"]
    hidden = [label for label, right in lessons if right > grid["frameRight"] + 1]
    assert not hidden, f"out of view at 1280 px: {hidden} ({grid['table']} px wide in a {grid['box']} px box)"


def test_the_gradebook_header_row_stays_in_view_when_scrolled_down(open_as, demo):
    page = open_as(LAPTOP)
    page.goto(f"{demo.url}/teacher/gradebook/{demo.class_id}")
    seen = page.evaluate(HEADER_IN_VIEW)
    assert seen["scrolled"] > 300, seen  # 25 students: the box really scrolled
    assert abs(seen["top"] - seen["frameTop"]) <= 2 and seen["onTop"], seen


def test_a_lesson_header_shows_its_title_on_keyboard_focus(open_as, demo):
    page = open_as(LAPTOP)
    page.goto(f"{demo.url}/teacher/gradebook/{demo.class_id}")
    head = page.locator(".gradebook thead .col-head").first
    title = head.locator(".col-title")
    assert title.bounding_box()["width"] <= 1  # hidden until asked for
    # A screen reader hears the number and the title.
    expect(head).to_have_accessible_name(re.compile(rf"^Les\s1\s*:\s*{re.escape(title.text_content().strip())}\s*$"))
    tab_to(page, head)
    box = title.bounding_box()
    assert box and box["width"] > 20 and box["height"] > 10, box
    assert title.text_content().strip()


# -- teacher pages on a phone -----------------------------------------------------------------------


def test_my_classes_fits_a_phone_with_the_year_on_one_line_and_the_code_whole(open_as, demo):
    page = open_as(PHONE)
    page.goto(f"{demo.url}/teacher/classes/")
    no_sideways_scroll(page)
    card = page.locator(".class-card").first
    expect(card).to_contain_text("DEMO2026")
    year = card.locator("dd").first
    expect(year).to_have_text(re.compile(r"^\d{4}-\d{4}$"))
    assert year.evaluate(LINES) == 1, "the school year wraps"
    code = card.locator(".class-code")
    box, card_box = code.bounding_box(), card.bounding_box()
    assert box and card_box and box["x"] >= 0 and box["x"] + box["width"] <= min(card_box["x"] + card_box["width"], 375)
    assert code.evaluate("el => el.scrollWidth <= el.clientWidth + 1"), "the class code is cut off"
    assert code.evaluate(LINES) == 1


def test_a_teacher_without_classes_is_told_what_to_do_next(open_as, demo):
    page = open_as(PHONE, demo.newcomer, demo.newcomer_password)
    page.goto(f"{demo.url}/teacher/classes/")
    empty = page.locator(".empty-state")
    expect(empty).to_contain_text("Je hebt nog geen klassen.")
    empty.get_by_role("link", name="Naar Nieuwe klas").click()
    expect(page.get_by_label("Naam van de klas")).to_be_visible()
    no_sideways_scroll(page)
    assert every_violation(run_axe(page)) == []


def test_the_class_page_shows_every_column_of_the_student_list_on_a_phone(open_as, demo):
    page = open_as(PHONE)
    page.goto(f"{demo.url}/teacher/classes/{demo.class_id}")
    no_sideways_scroll(page)
    table = page.locator("table.students")
    wrap = page.locator(".table-wrap:has(table.students)")
    assert wrap.evaluate("el => el.scrollWidth <= el.clientWidth"), "the student list scrolls sideways"
    header = table.get_by_role("columnheader", name="Lessen gelezen")
    box = header.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 375, box
    first = table.locator("tbody tr").first
    expect(first.locator("td")).to_contain_text("van 12")
    expect(first.locator("th code")).to_be_visible()  # the username is still there, under the name
