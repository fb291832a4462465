"""WCAG 2.1 AA on the quiz pages that only a POST shows, so the GET page list in
test_accessibility.py cannot reach them: the quiz after "Tussendoor opslaan" (with its message)
and the page that asks about open questions before handing in. JavaScript is on, as for most
students; both pages are checked as a phone (375x812) and a laptop (1280x800) show them."""

from __future__ import annotations

import secrets

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from course.core.content_store import catalog

from .support import LAPTOP, PHONE, log_in, make_user, record_axe, run_axe

pytestmark = pytest.mark.browser

SIDEWAYS = "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"


def problems_on_both_widths(page: Page, name: str) -> list[str]:
    """Every axe violation (any impact) and any sideways scrolling, as a phone and a laptop."""
    problems = []
    for label, size in (("1280x800", LAPTOP), ("375x812", PHONE)):
        page.set_viewport_size(size)
        violations = run_axe(page)
        record_axe(name, label, violations)
        problems += [f"[{label}] {v['impact']} {v['id']} ({v['help']}): " + "; ".join(v["nodes"]) for v in violations]
        wide, visible = page.evaluate(SIDEWAYS)
        if wide > visible:
            problems.append(f"[{label}] the page scrolls sideways: {wide}px of content in {visible}px")
    page.set_viewport_size(LAPTOP)
    return problems


def test_saved_quiz_and_open_questions_page_meet_wcag_21_aa(new_page, live_app: Flask, base_url: str):
    username = f"bevestig-{secrets.token_hex(3)}"
    make_user(live_app, username, name="Sem")
    with live_app.app_context():
        quiz = next(catalog().quizzes[lesson.quiz] for lesson in catalog().lessons.values() if lesson.quiz)
    single = next(q for q in quiz.questions if q.kind in ("single", "truefalse"))
    chosen = " ".join(next(o for o in single.options if o.correct).text.split())

    page = new_page()
    log_in(page, base_url, username)
    page.goto(f"{base_url}/quizzes/{quiz.slug}")
    page.get_by_role("button", name="Start de quiz").click()
    attempt_title = page.title()
    page.locator(f"#vraag-{single.id}").get_by_label(chosen, exact=True).check()
    page.get_by_role("button", name="Tussendoor opslaan").click()
    expect(page.locator(".flashes")).to_contain_text("Je antwoorden zijn opgeslagen")
    problems = problems_on_both_widths(page, "student: quiz opgeslagen")
    assert not problems, "\n".join(problems)

    page.get_by_role("button", name="Inleveren").click()
    open_count = len(quiz.questions) - 1
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Je hebt {open_count} vragen open. Toch inleveren?")
    expect(page.locator("h1")).to_have_count(1)
    title = page.title()
    assert title.strip() and not title.startswith(" ·") and title != attempt_title, title
    problems = problems_on_both_widths(page, "student: toch inleveren?")
    assert not problems, "\n".join(problems)

    # Each open question is a link to that question on the quiz page: following it scrolls there,
    # and the next Tab lands inside that question (where a keyboard user wants to go on).
    links = page.locator(".open-questions a")
    expect(links).to_have_count(open_count)
    hrefs = links.evaluate_all("links => links.map(a => a.getAttribute('href'))")
    open_ids = [q.id for q in quiz.questions if q.id != single.id]
    assert [h.rsplit("#", 1)[1] for h in hrefs] == [f"vraag-{qid}" for qid in open_ids], hrefs
    last = open_ids[-1]
    links.last.focus()
    page.keyboard.press("Enter")
    question = page.locator(f"#vraag-{last}")
    expect(question).to_be_in_viewport()
    page.keyboard.press("Tab")
    assert page.evaluate("id => document.getElementById(id).contains(document.activeElement)", f"vraag-{last}")
    expect(page.locator(f"#vraag-{single.id}").get_by_label(chosen, exact=True)).to_be_checked()
