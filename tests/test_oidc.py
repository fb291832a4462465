"""Signing in with the school account, against a real OpenID Connect provider on loopback.

Every sign-in goes the whole way: the app's redirect, the provider's own sign-in page, the code
exchanged at the provider's token endpoint with PKCE, the ID token checked against the provider's
keys. Tests that tamper do so where an attacker could: on the way to the provider or on the way back.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from course.accounts.passwords import NO_PASSWORD
from course.core.extensions import db
from course.models import AuditEvent, Enrolment, ExternalIdentity, SiteSetting, User

from .conftest import Backend, csrf_token, make_test_app
from .oidc_support import (
    CLIENT_SECRET,
    SCHOOL_DOMAIN,
    TENANT,
    OidcProvider,
    closed_port,
    query_of,
    sign_in,
    with_query,
)


def school_providers(issuer: str, down_port: int) -> list[dict[str, object]]:
    """The school as an administrator would configure it, and four ways for it to go wrong."""
    school = {
        "name": "school",
        "issuer": issuer,
        "client_id": "course-app",
        "client_secret": CLIENT_SECRET,
        "allow": {"hd": [SCHOOL_DOMAIN], "tid": [TENANT]},
        "teachers": {"groups": ["docenten"]},
    }
    return [
        school,
        {**school, "name": "andere-app", "label": "Test: token voor een andere app", "client_id": "audience-app"},
        {**school, "name": "verlopen", "label": "Test: verlopen token", "client_id": "expired-app"},
        # The discovery document there names 127.0.0.1: not the issuer configured here.
        {**school, "name": "verkeerde-issuer", "label": "Test: verkeerde issuer",
         "issuer": issuer.replace("127.0.0.1", "localhost")},
        {**school, "name": "plat", "label": "Test: plat", "issuer": f"http://127.0.0.1:{down_port}"},
    ]


@pytest.fixture
def app(tmp_path: Path, backend: Backend, oidc_provider: OidcProvider) -> Iterator[Flask]:
    application = make_test_app(tmp_path, backend, OIDC_PROVIDERS=school_providers(oidc_provider.issuer, closed_port()))
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()
    backend.reset()


def counts(app: Flask) -> tuple[int, int]:
    """(accounts, links to school accounts)."""
    with app.app_context():
        return (db.session.scalar(select(func.count()).select_from(User)),
                db.session.scalar(select(func.count()).select_from(ExternalIdentity)))


def account_of(app: Flask, subject: str) -> User | None:
    with app.app_context():
        return db.session.scalar(
            select(User).join(ExternalIdentity, ExternalIdentity.user_id == User.id)
            .where(ExternalIdentity.subject == subject)
        )


def text(response) -> str:
    return " ".join(response.get_data(as_text=True).split())


def refusal_logged(caplog: pytest.LogCaptureFixture, reason: str) -> bool:
    return any("school sign-in" in r.getMessage() and reason in r.getMessage() and r.levelno == logging.WARNING
               for r in caplog.records)


# --- first and later sign-ins ---------------------------------------------------------------------


def test_oidc_login_page_offers_the_school_account_first(client):
    page = text(client.get("/login"))
    assert 'href="/oidc/school/login"' in page
    assert "Inloggen met je schoolaccount" in page
    assert page.index("Met je schoolaccount") < page.index("Met gebruikersnaam en wachtwoord")


def test_oidc_login_page_without_providers_has_no_school_button(tmp_path, backend):
    plain = make_test_app(tmp_path, backend)
    try:
        page = text(plain.test_client().get("/login"))
        assert "/oidc/" not in page and "schoolaccount" not in page
    finally:
        with plain.app_context():
            db.session.remove()
            db.engine.dispose()


def test_oidc_first_sign_in_of_a_student_makes_an_account_that_joins_with_the_class_code(
    app, client, auth, oidc_provider
):
    auth.make_user("mentor", "teacher")
    class_id, code = auth.make_class("mentor")

    start = client.get("/oidc/school/login")
    request = query_of(start.location)
    assert start.location.startswith(oidc_provider.issuer + "/auth")
    assert request["code_challenge_method"] == "S256" and request["code_challenge"]
    assert request["state"] and request["nonce"] and request["client_id"] == "course-app"

    response = sign_in(client, oidc_provider, "student-sanne")
    assert response.status_code == 302 and response.location == "/student/"
    dashboard = text(client.get("/student/"))
    assert "Hoi Sanne de Vries" in dashboard
    assert "Je zit nog niet in een klas" in dashboard

    student = account_of(app, "student-sanne")
    assert student is not None and student.is_student and not student.is_staff
    assert student.password_hash == NO_PASSWORD and student.email is None
    assert student.username == "sanne.de.vries"
    with app.app_context():
        link = db.session.scalar(select(ExternalIdentity).where(ExternalIdentity.user_id == student.id))
        assert (link.kind, link.issuer, link.subject) == ("oidc", oidc_provider.issuer, "student-sanne")

    joined = auth.post("/student/join", {"join_code": code}, token_from="/student/")
    assert joined.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Enrolment.class_id).where(Enrolment.student_id == student.id)) == class_id

    # No password opens this account: the username with any password is refused.
    auth.logout()
    assert auth.login("sanne.de.vries", "").status_code == 200
    assert auth.login("sanne.de.vries", NO_PASSWORD).status_code == 200


def test_oidc_later_sign_in_finds_the_same_account(app, client, auth, oidc_provider):
    sign_in(client, oidc_provider, "student-sanne")
    first = account_of(app, "student-sanne")
    with app.app_context():
        seen = db.session.scalar(select(ExternalIdentity.last_seen_at))
    auth.logout()
    assert client.get("/student/").status_code == 302  # logged out of the app

    again = sign_in(client, oidc_provider, "student-sanne")
    assert again.status_code == 302 and again.location == "/student/"
    assert account_of(app, "student-sanne").id == first.id
    assert counts(app) == (1, 1)
    with app.app_context():
        assert db.session.scalar(select(ExternalIdentity.last_seen_at)) >= seen
    assert "Hoi Sanne de Vries" in text(client.get("/student/"))


def test_oidc_first_sign_in_of_a_teacher_by_group_claim(app, client, oidc_provider):
    response = sign_in(client, oidc_provider, "docent-jansen")
    assert response.status_code == 302 and response.location == "/teacher/classes/"
    teacher = account_of(app, "docent-jansen")
    assert teacher.is_teacher and not teacher.is_student and not teacher.is_admin
    assert teacher.email is None  # the address is only kept when an administrator set it
    assert client.get("/teacher/classes/").status_code == 200
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.school_account_created"))
        assert event.object_id == teacher.id


def test_oidc_links_a_staff_account_the_admin_made_when_the_email_is_verified(app, client, auth, oidc_provider):
    auth.make_user("beheer", "admin")
    auth.login("beheer")
    made = auth.post("/admin/users", {"display_name": "Mevrouw Jansen", "username": "jansen", "is_teacher": "y",
                                      "email": "jansen@school.nl", "password": "een wachtwoord voor nood",
                                      "password_confirm": "een wachtwoord voor nood"}, token_from="/admin/users")
    assert made.status_code == 302
    auth.make_class("jansen", "MV2B")
    auth.logout()

    response = sign_in(client, oidc_provider, "docent-jansen")  # the provider says Jansen@School.nl, verified
    assert response.status_code == 302 and response.location == "/teacher/classes/"
    assert "MV2B" in text(client.get("/teacher/classes/"))
    linked = account_of(app, "docent-jansen")
    assert linked.username == "jansen"
    assert counts(app) == (2, 1)  # the administrator and Jansen: nothing new made
    with app.app_context():
        assert db.session.scalar(select(AuditEvent.object_id).where(
            AuditEvent.action == "user.school_account_linked")) == linked.id
    # The break-glass password still works for staff.
    auth.logout()
    assert auth.login("jansen", "een wachtwoord voor nood").status_code == 302


def test_oidc_an_unverified_email_never_links_to_an_existing_account(app, client, auth, oidc_provider, caplog):
    pieters = auth.make_user("pieters", "teacher", name="Piet Pieters")
    with app.app_context():
        db.session.get(User, pieters).email = "pieters@school.nl"
        db.session.commit()

    response = sign_in(client, oidc_provider, "docent-onbevestigd")  # same address, email_verified false
    assert response.status_code == 302
    newcomer = account_of(app, "docent-onbevestigd")
    assert newcomer.id != pieters and newcomer.username != "pieters"
    assert newcomer.is_student  # not in the teachers' group, and the address proves nothing
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(ExternalIdentity.user_id == pieters)) == 0


# --- refused sign-ins: each with a message, a 4xx, a log line, and nothing made ------------------


def test_oidc_wrong_state_is_refused_and_a_callback_works_only_once(app, client, oidc_provider, caplog):
    caplog.set_level(logging.WARNING)
    forged = sign_in(client, oidc_provider, "student-sanne", change_return=lambda url: with_query(url, state="x" * 20))
    assert forged.status_code == 400
    assert "Het inloggen duurde te lang, of het begon in een ander venster" in text(forged)
    assert refusal_logged(caplog, "bad_state")
    assert counts(app) == (0, 0)

    # The right state, but from another browser (an attacker's code planted in a victim's browser).
    returned: list[str] = []
    sign_in(client, oidc_provider, "student-sanne", change_return=lambda url: returned.append(url) or url)
    elsewhere = client.application.test_client().get(returned[0].removeprefix("http://localhost"))
    assert elsewhere.status_code == 400
    # Used once already: the same way back a second time is refused too.
    assert client.get(returned[0].removeprefix("http://localhost")).status_code == 400
    assert counts(app) == (1, 1)


def test_oidc_wrong_nonce_is_refused(app, client, oidc_provider, caplog):
    caplog.set_level(logging.WARNING)
    response = sign_in(client, oidc_provider, "student-sanne",
                       change_request=lambda url: with_query(url, nonce="a-nonce-from-elsewhere"))
    assert response.status_code == 400
    assert "hoorde niet bij dit inloggen" in text(response)
    assert refusal_logged(caplog, "bad_nonce")
    assert counts(app) == (0, 0)


def test_oidc_token_for_another_audience_is_refused(app, client, oidc_provider, caplog):
    caplog.set_level(logging.WARNING)
    response = sign_in(client, oidc_provider, "student-sanne", name="andere-app")
    assert response.status_code == 400
    assert "voor een andere website bedoeld" in text(response)
    assert refusal_logged(caplog, "wrong_audience")
    assert counts(app) == (0, 0)


def test_oidc_expired_token_is_refused(app, client, oidc_provider, caplog):
    caplog.set_level(logging.WARNING)
    response = sign_in(client, oidc_provider, "student-sanne", name="verlopen")
    assert response.status_code == 400
    assert "was al verlopen" in text(response)
    assert refusal_logged(caplog, "expired_token")
    assert counts(app) == (0, 0)


@pytest.mark.parametrize("login", ["andere-school", "ander-tenant"], ids=["other-domain", "other-tenant"])
def test_oidc_disallowed_domain_or_tenant_is_refused(app, client, oidc_provider, caplog, login):
    caplog.set_level(logging.WARNING)
    response = sign_in(client, oidc_provider, login)
    assert response.status_code == 403
    assert "Met dit account kun je hier niet inloggen" in text(response)
    assert refusal_logged(caplog, "not_allowed")
    assert counts(app) == (0, 0)
    assert client.get("/student/").status_code == 302  # not signed in


def test_oidc_cancelled_sign_in_is_explained(app, client, oidc_provider, caplog):
    caplog.set_level(logging.WARNING)
    response = sign_in(client, oidc_provider, "student-sanne", cancel=True)
    assert response.status_code == 403
    page = text(response)
    assert "Je hebt het inloggen met je schoolaccount afgebroken" in page
    assert 'href="/oidc/school/login">Opnieuw proberen' in page
    assert refusal_logged(caplog, "cancelled")
    assert counts(app) == (0, 0)


def test_oidc_provider_that_is_down_is_explained(app, client, caplog):
    caplog.set_level(logging.WARNING)
    response = client.get("/oidc/plat/login")
    assert response.status_code == 424
    assert "Het inlogsysteem van je school reageert nu niet" in text(response)
    assert refusal_logged(caplog, "provider_down")
    back = client.get("/oidc/plat/callback?code=abc&state=def")
    assert back.status_code == 424
    assert counts(app) == (0, 0)


def test_oidc_provider_that_goes_down_during_sign_in(caplog, tmp_path, backend):
    """Discovery answered when the person left; the token endpoint does not when they come back."""
    from .oidc_support import APP_URL, client_entry, running_provider

    brief_app = None
    try:
        with running_provider([client_entry("course-app", [f"{APP_URL}/oidc/school/callback"])]) as brief:
            brief_app = make_test_app(tmp_path, backend, OIDC_PROVIDERS=school_providers(brief.issuer, 1)[:1])
            brief_client = brief_app.test_client()
            back = brief.sign_in(brief_client.get("/oidc/school/login").location, "student-sanne",
                                 f"{APP_URL}/oidc/school/callback")
        caplog.set_level(logging.WARNING)
        response = brief_client.get(back.removeprefix(APP_URL))
        assert response.status_code == 424
        assert "reageert nu niet" in text(response)
        assert refusal_logged(caplog, "provider_down")
        assert counts(brief_app) == (0, 0)
    finally:
        if brief_app is not None:
            with brief_app.app_context():
                db.session.remove()
                db.engine.dispose()
        backend.reset()


@pytest.mark.parametrize("ask_userinfo", [True, False], ids=["userinfo-asked", "userinfo-not-asked"])
def test_oidc_claims_only_at_userinfo_as_surfconext_gives_them(tmp_path, backend, ask_userinfo):
    """SURFconext puts the name and affiliation behind the userinfo endpoint, not in the ID token."""
    from .oidc_support import APP_URL, client_entry, running_provider

    surf_app = None
    try:
        with running_provider([client_entry("course-app", [f"{APP_URL}/oidc/surf/callback"])],
                              claims_at_userinfo_only=True) as surf:
            surf_app = make_test_app(tmp_path, backend, OIDC_PROVIDERS=[{
                "name": "surf", "issuer": surf.issuer, "client_id": "course-app", "client_secret": CLIENT_SECRET,
                "allow": {"hd": [SCHOOL_DOMAIN]}, "teachers": {"groups": ["docenten"]}, "userinfo": ask_userinfo,
            }])
            response = sign_in(surf_app.test_client(), surf, "docent-jansen", name="surf")
        if ask_userinfo:
            assert response.status_code == 302 and response.location == "/teacher/classes/"
            teacher = account_of(surf_app, "docent-jansen")
            assert teacher.is_teacher and teacher.display_name == "Mevrouw Jansen"
        else:  # without userinfo the ID token holds no domain: nobody passes the allow rule
            assert response.status_code == 403
            assert counts(surf_app) == (0, 0)
    finally:
        if surf_app is not None:
            with surf_app.app_context():
                db.session.remove()
                db.engine.dispose()
        backend.reset()


def test_oidc_unknown_issuer_is_refused(app, client, oidc_provider, caplog):
    caplog.set_level(logging.WARNING)
    # Configured with one address, while the provider's discovery document names another.
    misconfigured = client.get("/oidc/verkeerde-issuer/login")
    assert misconfigured.status_code == 424
    assert "nog niet goed ingesteld" in text(misconfigured)
    assert refusal_logged(caplog, "provider_misconfigured")
    # The way back names another issuer than the one the person was sent to (a mix-up attack).
    mixed_up = sign_in(client, oidc_provider, "student-sanne",
                       change_return=lambda url: with_query(url, iss="https://login.example.org/other"))
    assert mixed_up.status_code == 403
    assert "een school of dienst die deze site niet kent" in text(mixed_up)
    assert refusal_logged(caplog, "unknown_issuer")
    # A provider the site does not know at all.
    unknown = client.get("/oidc/onbekend/login")
    assert unknown.status_code == 404
    assert "Deze manier van inloggen kent deze site niet" in text(unknown)
    assert counts(app) == (0, 0)


def test_oidc_no_name_from_the_school_makes_no_account(app, client, oidc_provider, caplog):
    caplog.set_level(logging.WARNING)
    response = sign_in(client, oidc_provider, "naamloos")
    assert response.status_code == 403
    assert "Je school geeft je naam niet door" in text(response)
    assert refusal_logged(caplog, "no_name")
    assert counts(app) == (0, 0)


# --- passwords where they still make sense ------------------------------------------------------


def test_oidc_admin_switches_off_password_sign_in_for_students(app, client, auth, oidc_provider):
    auth.make_user("sem", "student", name="Sem")
    auth.make_user("docent", "teacher")
    auth.make_user("beheer", "admin")
    assert auth.login("sem").status_code == 302
    auth.logout()

    auth.login("beheer")
    page = text(client.get("/admin/sign-in"))
    assert "Studenten mogen ook met gebruikersnaam en wachtwoord inloggen" in page
    saved = auth.post("/admin/sign-in", {}, token_from="/admin/sign-in")  # the box unticked
    assert saved.status_code == 302
    assert "alleen met hun schoolaccount" in text(client.get("/admin/sign-in"))
    with app.app_context():
        assert db.session.get(SiteSetting, "student_password_sign_in").value == "off"
        assert db.session.scalar(select(AuditEvent.details).where(AuditEvent.action == "site.student_passwords")) == {
            "allowed": False}
    auth.logout()

    login_page = text(client.get("/login"))
    assert "Alleen voor medewerkers. Studenten loggen in met hun schoolaccount" in login_page
    assert "Maak een account met je klascode" not in login_page
    refused = auth.login("sem")
    assert refused.status_code == 403
    assert "Studenten loggen in met hun schoolaccount, niet met een wachtwoord" in text(refused)
    assert client.get("/student/").status_code == 302  # not signed in
    wrong = auth.login("sem", "not the password at all")  # a wrong password says what it always says
    assert wrong.status_code == 200 and "klopt niet" in text(wrong)
    assert client.get("/signup").status_code == 200
    assert "Je hoeft hier geen account te maken" in text(client.get("/signup"))
    token = csrf_token(client, "/login")
    assert client.post("/signup", data={"csrf_token": token}).status_code == 403

    assert auth.login("docent").status_code == 302  # staff keep their password
    auth.logout()
    assert auth.login("beheer").status_code == 302
    auth.logout()
    assert sign_in(client, oidc_provider, "student-sanne").location == "/student/"  # students use the school


def test_oidc_password_switch_needs_a_configured_provider(tmp_path, backend):
    plain = make_test_app(tmp_path, backend)
    try:
        from .conftest import Auth

        auth = Auth(plain, plain.test_client())
        auth.make_user("beheer", "admin")
        auth.make_user("sem", "student")
        auth.login("beheer")
        assert "Zodra een schoolaccount is ingesteld" in text(auth.client.get("/admin/sign-in"))
        response = auth.post("/admin/sign-in", {}, token_from="/admin/sign-in")
        assert response.status_code == 200 and "Stel eerst inloggen met het schoolaccount in" in text(response)
        with plain.app_context():
            assert db.session.get(SiteSetting, "student_password_sign_in") is None
        auth.logout()
        assert auth.login("sem").status_code == 302
    finally:
        with plain.app_context():
            db.session.remove()
            db.engine.dispose()


def test_oidc_account_without_password_offers_no_password_change(app, client, auth, oidc_provider):
    sign_in(client, oidc_provider, "student-sanne")
    account = text(client.get("/account"))
    assert "Met je schoolaccount" in account
    assert "Wachtwoord wijzigen" not in account
    response = client.get("/account/password")
    assert response.status_code == 302 and response.location == "/account"


def test_oidc_logout_ends_the_app_session(client, auth, oidc_provider):
    sign_in(client, oidc_provider, "docent-jansen")
    assert client.get("/teacher/classes/").status_code == 200
    assert auth.logout().location == "/login"
    assert "Logde je in met je schoolaccount op een computer van school? Sluit dan ook de browser." in text(
        client.get("/login"))
    assert client.get("/teacher/classes/").status_code == 302


# --- the administrator's view, privacy -----------------------------------------------------------


def test_oidc_admin_page_shows_providers_and_whether_discovery_answers(client, auth, oidc_provider):
    auth.make_user("beheer", "admin")
    auth.login("beheer")
    response = client.get("/admin/sign-in")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    sections = {section.split("</h2>")[0].split(">")[-1]: section for section in page.split('<section')[1:]}
    school = sections["Inloggen met je schoolaccount"]
    assert oidc_provider.issuer in school and "http://localhost/oidc/school/callback" in school
    assert "<strong>Ja.</strong> De configuratie klopt." in school
    assert "<strong>Nee.</strong> Geen antwoord" in sections["Test: plat"]
    assert "<strong>Nee.</strong> Antwoordt, maar noemt als issuer" in sections["Test: verkeerde issuer"]
    assert CLIENT_SECRET not in page


def test_oidc_admin_sets_a_staff_email_and_cli_takes_one(app, client, auth, runner):
    auth.make_user("beheer", "admin")
    auth.login("beheer")
    form = {"display_name": "Karim Docent", "username": "karim", "is_teacher": "y", "email": "  Karim@School.NL ",
            "password": "een wachtwoord voor nood", "password_confirm": "een wachtwoord voor nood"}
    assert auth.post("/admin/users", form, token_from="/admin/users").status_code == 302
    assert "wacht op eerste inlog (karim@school.nl)" in text(client.get("/admin/users"))
    again = auth.post("/admin/users", {**form, "username": "karim2"}, token_from="/admin/users")
    assert "Dit e-mailadres hoort al bij een ander account." in text(again)
    typo = auth.post("/admin/users", {**form, "username": "karim3", "email": "karim-at-school"},
                     token_from="/admin/users")
    assert "Dit is geen e-mailadres" in text(typo)

    made = runner.invoke(args=["users", "create", "--role", "teacher", "--email", "Lies@School.nl", "lies"],
                         input="een wachtwoord voor nood\n")
    assert made.exit_code == 0, made.output
    assert runner.invoke(args=["users", "create", "--role", "teacher", "--email", "geen-adres", "lies2"],
                         input="een wachtwoord voor nood\n").exit_code == 2
    with app.app_context():
        assert db.session.scalar(select(User.email).where(User.username == "karim")) == "karim@school.nl"
        assert db.session.scalar(select(User.email).where(User.username == "lies")) == "lies@school.nl"
        assert db.session.scalar(select(func.count()).where(User.username.in_(["karim2", "karim3", "lies2"]))) == 0


def test_oidc_link_shows_in_the_data_export_and_goes_with_the_account(app, client, auth, oidc_provider):
    sign_in(client, oidc_provider, "student-sanne")
    export = json.loads(client.get("/account/data/download.json").get_data(as_text=True))
    assert [(link["kind"], link["issuer"], link["subject"]) for link in export["linked_accounts"]] == [
        ("oidc", oidc_provider.issuer, "student-sanne")]
    assert "email" not in export["account"]
    assert "student-sanne" in text(client.get("/account/data/"))
    student = account_of(app, "student-sanne")
    auth.logout()

    auth.make_user("mentor", "teacher")
    class_id, _ = auth.make_class("mentor")
    auth.enrol(student.username, class_id)
    auth.login("mentor")
    deleted = auth.post(f"/teacher/classes/{class_id}/students/{student.id}/delete")
    assert deleted.status_code == 302
    assert counts(app) == (1, 0)  # only the teacher left, and no link
    auth.logout()

    again = sign_in(client, oidc_provider, "student-sanne")  # a fresh start, not the deleted account
    assert again.location == "/student/"
    assert account_of(app, "student-sanne").id != student.id


def test_oidc_app_refuses_to_start_with_a_broken_provider_config(tmp_path, backend):
    from course import create_app
    from course.oidc.providers import ProviderConfigError

    broken = [{"name": "school", "issuer": "http://login.school.nl", "client_id": "course-app"}]
    with pytest.raises(ProviderConfigError) as refused:
        create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": backend.database_url(tmp_path),
                    "OIDC_PROVIDERS": broken})
    assert refused.value.problems == [
        "OIDC_PROVIDERS[0] (school): client_secret is missing",
        "OIDC_PROVIDERS[0] (school): issuer must be an https:// address (http:// only on this machine), "
        "not 'http://login.school.nl'",
    ]
