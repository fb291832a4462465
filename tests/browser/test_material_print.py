"""A lesson material on paper: saved as PDF by Chromium, with only the material on it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .support import log_in, make_user

pytestmark = pytest.mark.browser

MATERIAL = "/lessons/materials/08-rolkaarten-speeddaten"


def test_a_teacher_prints_a_material_without_the_menu(new_page, base_url, live_app):
    make_user(live_app, "print-docent", "teacher")
    page = new_page()
    log_in(page, base_url, "print-docent")
    page.goto(base_url + MATERIAL)
    menu = page.get_by_role("navigation", name="Hoofdmenu")
    expect(menu).to_be_visible()

    page.emulate_media(media="print")
    expect(menu).to_be_hidden()
    expect(page.locator(".site-footer")).to_be_hidden()
    expect(page.get_by_role("button", name="Uitloggen")).to_be_hidden()
    expect(page.get_by_role("heading", level=1, name="Rolkaarten speeddaten")).to_be_visible()
    expect(page.get_by_text("Chef-kok in een hotelrestaurant")).to_be_visible()

    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    assert pdf.startswith(b"%PDF-") and len(pdf) > 5_000
    # The material breaks to a new sheet twice (a horizontal rule): cards 1-3, cards 4-6, the strip.
    assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == 3
