"""The live lesson in Chromium: the teacher puts the board up, three students answer on their
phones, the teacher reveals the spread, and the phones follow the board by themselves."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from playwright.sync_api import expect

from .support import LAPTOP, PHONE, every_violation, log_in, make_user, record_axe, run_axe, shoot

pytestmark = pytest.mark.browser

TEACHER, STUDENTS = "live-docent", ("live-sanne", "live-ayoub", "live-esra")


def _class_with_students(app: Flask) -> int:
    from course.accounts import rules as accounts
    from course.core.extensions import db
    from course.models import SchoolClass, User

    make_user(app, TEACHER, "teacher", name="Meneer Live")
    for username in STUDENTS:
        make_user(app, username, name=username.split("-")[1].title())
    with app.app_context():
        teacher = db.session.query(User).filter_by(username=TEACHER).one()
        school_class = accounts.create_class(teacher, "Live 2B", "2026-2027")
        for username in STUDENTS:
            accounts.enrol(school_class, db.session.query(User).filter_by(username=username).one())
        db.session.commit()
        return db.session.get(SchoolClass, school_class.id).id


def test_live_board_three_phones_and_a_reveal(live_app, base_url, new_page):
    class_id = _class_with_students(live_app)
    teacher = new_page(LAPTOP)
    log_in(teacher, base_url, TEACHER)
    teacher.goto(f"{base_url}/teacher/classes/{class_id}")
    teacher.get_by_label("Live-les: kies de les").select_option(index=1)
    teacher.get_by_role("button", name="Live starten").click()
    expect(teacher.get_by_role("heading", level=1)).to_contain_text("Live-les")
    room = teacher.locator(".room-code").first.inner_text().strip()
    board = new_page(LAPTOP)
    log_in(board, base_url, TEACHER)
    board.goto(teacher.url + "/board")
    expect(board.locator(".board-code")).to_have_text(room)
    expect(board.locator(".board-qr svg")).to_be_visible()

    phones = []
    for number, username in enumerate(STUDENTS):
        phone = new_page(PHONE)
        log_in(phone, base_url, username)
        expect(phone.get_by_text("Live in de klas")).to_be_visible()  # the banner on the dashboard
        if number == 0:
            phone.get_by_role("link", name="Doe mee").click()
        else:
            phone.goto(f"{base_url}/live/join")
            phone.get_by_label("Code van het bord").fill(room.lower())
            phone.get_by_role("button", name="Doe mee").click()
        options = phone.locator("button.live-option")
        expect(options.first).to_be_visible()
        options.nth(number % options.count()).click()
        expect(phone.get_by_role("status")).to_contain_text("Je koos")
        phones.append(phone)
    violations = run_axe(phones[0])
    record_axe("live: student", "375x812", violations)
    assert not every_violation(violations), every_violation(violations)

    expect(board.locator("#live-answered")).to_have_text("3", timeout=8_000)  # the board counts by polling
    teacher.get_by_role("button", name="Toon uitslag").click()
    for phone in phones:  # each phone follows the board within a few seconds, without a tap
        expect(phone.get_by_text("De uitslag staat op het bord")).to_be_visible(timeout=8_000)
    expect(board.get_by_text("Uitslag in getallen")).to_be_visible(timeout=8_000)
    counts = [int(cell) for cell in board.locator(".board-table td").all_inner_texts()]
    assert sum(counts) == 3
    shoot(board, "live-bord")
    violations = run_axe(board)
    record_axe("live: bord", "1280x800", violations)
    assert not every_violation(violations), every_violation(violations)
    assert re.search(r"Stelling 1 van \d+", board.locator(".board-progress").inner_text())
