"""Journey 6: a student signs in with the school account on the provider's own page, lands on the
dashboard and joins the class with its code; in a real browser, against the real OpenID Connect
provider on loopback. The login page with the school button and the page of a refused sign-in
pass the same accessibility checks as every other page.

The site here is an app of its own (the school's provider configured), on a port chosen before the
provider starts, so the provider knows the address to send people back to.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from ..oidc_support import ACCOUNTS, CLIENT_SECRET, SCHOOL_DOMAIN, OidcProvider, client_entry, closed_port
from . import support
from .support import LAPTOP, PHONE, every_violation, make_user, record_axe, run_axe, shoot, text_of

pytestmark = pytest.mark.browser

STUDENT = "student-sanne"


@pytest.fixture(scope="module")
def school_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[support.LiveServer, OidcProvider]]:
    from course import create_app
    from course.core.db import make_engine
    from course.core.extensions import db
    from course.core.migrate import upgrade

    from ..oidc_support import running_provider

    port = closed_port()
    site = f"http://127.0.0.1:{port}"
    with running_provider([client_entry("course-app", [f"{site}/oidc/school/callback"])], ACCOUNTS) as provider:
        url = f"sqlite:///{tmp_path_factory.mktemp('oidc-browser-db') / 'course.sqlite'}"
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        app: Flask = create_app({
            "SECRET_KEY": "browser-tests-oidc",
            "DATABASE_URL": url,
            "OIDC_PROVIDERS": [{"name": "school", "issuer": provider.issuer, "client_id": "course-app",
                                "client_secret": CLIENT_SECRET, "allow": {"hd": [SCHOOL_DOMAIN]},
                                "teachers": {"groups": ["docenten"]}}],
        })
        server = support.LiveServer(app, port)
        server.start()
        yield server, provider
        server.stop()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def page(browser: Browser, school_site: tuple[support.LiveServer, OidcProvider]) -> Iterator[Page]:
    context = browser.new_context(viewport=LAPTOP, locale="nl-NL")
    context.set_default_timeout(10_000)
    errors: list[str] = []
    opened = context.new_page()
    opened.on("response", lambda r: r.status >= 500 and errors.append(f"{r.status} {r.request.method} {r.url}"))
    yield opened
    context.close()
    assert not errors, f"a server answered with an error: {errors}"


def axe_problems(page: Page, name: str) -> list[str]:
    problems = []
    for label, size in (("1280x800", LAPTOP), ("375x812", PHONE)):
        page.set_viewport_size(size)
        violations = run_axe(page)
        record_axe(name, label, violations)
        problems += [f"[{label}] {line}" for line in every_violation(violations)]
    page.set_viewport_size(LAPTOP)
    return problems


def test_journey_6_oidc_student_signs_in_with_the_school_account_and_joins_the_class(page, school_site):
    server, provider = school_site
    teacher = "docent-oidc"
    make_user(server.app, teacher, "teacher")
    from course.accounts import rules as accounts
    from course.core.extensions import db

    with server.app.app_context():
        school_class = accounts.create_class(accounts.find_user(teacher), "MV2A", "2026-2027")
        code = school_class.join_code
        db.session.commit()

    page.goto(server.url + "/login")
    school_button = page.get_by_role("link", name="Inloggen met je schoolaccount")
    expect(school_button).to_be_visible()
    expect(page.get_by_role("heading", name="Met gebruikersnaam en wachtwoord")).to_be_visible()
    assert not axe_problems(page, "inloggen met schoolaccount")
    shoot(page, "oidc-1-inloggen")

    school_button.click()
    page.wait_for_url(provider.issuer + "/**")  # the provider's own sign-in page
    page.get_by_placeholder("Enter any login").fill(STUDENT)
    page.get_by_placeholder("and password").fill("het wachtwoord van school")
    page.get_by_role("button", name="Sign-in").click()

    page.wait_for_url(server.url + "/student/")
    expect(page.get_by_role("heading", name="Hoi Sanne de Vries")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Je account is klaar. Vul nu bij Mijn klassen de klascode in")
    assert "Je zit nog niet in een klas" in text_of(page)
    shoot(page, "oidc-2-eerste-keer")

    page.get_by_label("Klascode").fill(code)
    page.get_by_role("button", name="Aanmelden bij de klas").click()
    expect(page.get_by_role("status")).to_contain_text("Je zit nu in MV2A")

    page.get_by_role("button", name="Uitloggen").click()
    expect(page.get_by_role("heading", name="Inloggen", exact=True)).to_be_visible()
    # Signed in at the provider still: the school button brings the same student straight back.
    page.get_by_role("link", name="Inloggen met je schoolaccount").click()
    page.wait_for_url(server.url + "/student/")
    expect(page.get_by_role("heading", name="Hoi Sanne de Vries")).to_be_visible()
    assert "MV2A" in text_of(page)


def test_oidc_refused_sign_in_page_is_clear_and_accessible(page, school_site):
    server, _ = school_site
    response = page.goto(server.url + "/oidc/school/callback?code=een-code&state=niet-van-deze-browser")
    assert response is not None and response.status == 400
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggen met je schoolaccount lukte niet")
    assert "begon in een ander venster of een andere browser" in text_of(page)
    expect(page.get_by_role("link", name="Opnieuw proberen")).to_have_attribute("href", "/oidc/school/login")
    assert not axe_problems(page, "inloggen met schoolaccount mislukt")
    shoot(page, "oidc-3-mislukt")


def test_oidc_admin_sees_the_provider_answer_and_switches_off_student_passwords(page, school_site):
    server, provider = school_site
    make_user(server.app, "beheer-oidc", "admin")
    support.log_in(page, server.url, "beheer-oidc")
    page.goto(server.url + "/admin/sign-in")
    card = page.locator("section.card", has=page.get_by_role("heading", name="Inloggen met je schoolaccount"))
    expect(card).to_contain_text(provider.issuer)
    expect(card).to_contain_text(f"{server.url}/oidc/school/callback")
    expect(card).to_contain_text("Ja. De configuratie klopt.")
    assert not axe_problems(page, "beheer: inloggen met schoolaccount")
    shoot(page, "oidc-4-beheer")

    page.get_by_label("Studenten mogen ook met gebruikersnaam en wachtwoord inloggen").uncheck()
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("status")).to_contain_text("alleen met hun schoolaccount inloggen")
    page.get_by_role("button", name="Uitloggen").click()
    expect(page.get_by_text("Alleen voor medewerkers. Studenten loggen in met hun schoolaccount")).to_be_visible()
