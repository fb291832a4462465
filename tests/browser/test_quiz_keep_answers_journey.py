"""Without JavaScript a student saves quiz answers, leaves, finds them back, and hands in after the
page asked about the open questions. With JavaScript answers are saved as they change. Both on a
phone (375x812), where most students take the quiz, and on a laptop (1280x800)."""

from __future__ import annotations

import secrets

import pytest
from flask import Flask
from playwright.sync_api import Browser, expect

from course.core.content_store import catalog

from .support import SIZES, log_in, make_user

pytestmark = pytest.mark.browser

SIDEWAYS = "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"


@pytest.mark.parametrize("size", list(SIZES))
def test_answers_survive_leaving_and_open_questions_are_confirmed_without_javascript(
    browser: Browser, new_page, live_app: Flask, base_url: str, size: str
):
    viewport = SIZES[size]
    username = f"zonder-js-{secrets.token_hex(3)}"
    make_user(live_app, username, name="Noor Zonder")
    make_user(live_app, f"met-{username}", name="Mees Met")
    with live_app.app_context():
        quiz = next(catalog().quizzes[lesson.quiz] for lesson in catalog().lessons.values() if lesson.quiz)
    single = next(q for q in quiz.questions if q.kind in ("single", "truefalse"))
    chosen = " ".join(next(o for o in single.options if o.correct).text.split())

    context = browser.new_context(viewport=viewport, locale="nl-NL", java_script_enabled=False)
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        log_in(page, base_url, username)
        page.goto(f"{base_url}/quizzes/{quiz.slug}")
        page.get_by_role("button", name="Start de quiz").click()
        page.locator(f"#vraag-{single.id}").get_by_label(chosen, exact=True).check()
        page.get_by_role("button", name="Tussendoor opslaan").click()
        expect(page.locator(".flashes")).to_contain_text("Je antwoorden zijn opgeslagen")

        page.goto(f"{base_url}/")  # away, and back through the quiz's own page
        page.goto(f"{base_url}/quizzes/{quiz.slug}")
        page.get_by_role("link", name="Ga verder met je poging").click()
        expect(page.locator(f"#vraag-{single.id}").get_by_label(chosen, exact=True)).to_be_checked()

        page.get_by_role("button", name="Inleveren").click()
        open_count = len(quiz.questions) - 1
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Je hebt {open_count} vragen open. Toch inleveren?")
        expect(page.locator(".open-questions a")).to_have_count(open_count)
        wide, visible = page.evaluate(SIDEWAYS)
        assert wide <= visible == viewport["width"], f"the question asked before handing in is {wide} px wide"
        page.get_by_role("button", name="Toch inleveren").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Zo ging je poging")
    finally:
        context.close()

    # Where JavaScript runs, a choice is saved as it changes: opening the page anew brings it back
    # (a new visit, not a reload, which could restore the form from the browser's memory).
    page = new_page(viewport)
    log_in(page, base_url, f"met-{username}")
    page.goto(f"{base_url}/quizzes/{quiz.slug}")
    page.get_by_role("button", name="Start de quiz").click()
    # The form is on screen before its script has run; a student's first tap comes later than that.
    page.wait_for_load_state("load")
    page.locator(f"#vraag-{single.id}").get_by_label(chosen, exact=True).check()
    expect(page.locator("#save-status")).to_have_text("Je antwoorden zijn opgeslagen. Er is nog niets ingeleverd.")
    page.goto(page.url)
    expect(page.locator(f"#vraag-{single.id}").get_by_label(chosen, exact=True)).to_be_checked()

