"""Guessing passwords and codes, as an attacker behind a school's one public address would try it.

Everyone in a school shares one address, and classmates know each other's usernames: guessing must
be slowed down without keeping the rest of the school, or the account's owner, out.
"""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from course.accounts import throttle

from .conftest import csrf_token

SCHOOL = "203.0.113.10"  # the school's one public address
PASSWORD = "correct horse battery"


def browser(app: Flask, address: str = SCHOOL) -> FlaskClient:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def log_in(client: FlaskClient, username: str, password: str = PASSWORD):
    token = csrf_token(client, "/login")
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token})


def log_out(client: FlaskClient) -> None:
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})


def test_thirty_students_sign_in_behind_one_address_while_a_classmate_is_attacked(app, auth):
    auth.make_user("sanne24", "student")
    students = [f"student{n:02d}" for n in range(30)]
    for username in students:
        auth.make_user(username, "student")
    attacker = browser(app)
    for guess in range(40):
        log_in(attacker, "sanne24", f"gok-{guess}")
    assert log_in(attacker, "sanne24").status_code == 429  # the attacker's browser stays slowed down
    for username in students:
        assert log_in(browser(app), username).status_code == 302, username


def test_made_up_usernames_from_the_school_do_not_slow_down_anyone_else(app, auth):
    auth.make_user("docent", "teacher")
    auth.make_user("sanne", "student")
    attacker = browser(app)
    for n in range(30):
        log_in(attacker, f"bestaat-niet-{n}", "gok")
    assert log_in(browser(app), "docent").status_code == 302
    assert log_in(browser(app), "sanne").status_code == 302


def test_a_locked_account_still_signs_in_from_its_known_browser(app, auth):
    auth.make_user("sanne24", "student")
    own = browser(app)
    assert log_in(own, "sanne24").status_code == 302
    log_out(own)
    attacker = browser(app)
    for guess in range(10):
        log_in(attacker, "SANNE24 ", f"gok-{guess}")
    assert log_in(browser(app), "sanne24").status_code == 429  # any other browser waits
    assert log_in(own, "sanne24").status_code == 302  # the owner's browser does not


def test_a_known_browser_that_guesses_is_slowed_down_on_its_own(app, auth):
    auth.make_user("lotte", "student")
    own = browser(app)
    assert log_in(own, "lotte").status_code == 302
    log_out(own)
    for guess in range(5):
        assert log_in(own, "lotte", f"gok-{guess}").status_code == 200
    response = log_in(own, "lotte")
    assert response.status_code == 429
    assert "Te veel mislukte pogingen" in response.get_data(as_text=True)
    assert log_in(browser(app, "198.51.100.3"), "lotte").status_code == 302  # her phone, elsewhere


def test_a_forged_device_cookie_counts_as_an_unknown_browser(app, auth):
    auth.make_user("lotte", "student")
    attacker = browser(app)
    attacker.set_cookie("device", "eyJub3QiOiJzaWduZWQifQ.forged")
    for guess in range(5):
        log_in(attacker, "lotte", f"gok-{guess}")
    assert log_in(browser(app), "lotte").status_code == 429


def test_an_address_that_fails_on_many_accounts_is_slowed_down_but_known_browsers_are_not(app, auth):
    auth.make_user("docent", "teacher")
    own = browser(app)
    assert log_in(own, "docent").status_code == 302
    log_out(own)
    sprayer = browser(app)
    for n in range(throttle.ADDRESS_RULE.free_failures + 1):
        log_in(sprayer, f"account-{n}", "Welkom2026!")
    assert log_in(browser(app), "docent").status_code == 429  # a new browser at the school waits
    assert log_in(own, "docent").status_code == 302
    assert log_in(browser(app, "198.51.100.3"), "docent").status_code == 302  # from home


def test_guessing_the_current_password_when_changing_it_is_slowed_down(app, auth):
    auth.make_user("esra", "student")
    auth.login("esra")
    url = "/account/password"
    for guess in range(5):
        response = auth.post(url, {"current_password": f"gok-{guess}", "password": "een nieuw lang wachtwoord",
                                   "password_confirm": "een nieuw lang wachtwoord"}, token_from=url)
        assert response.status_code == 200
    response = auth.post(url, {"current_password": PASSWORD, "password": "een nieuw lang wachtwoord",
                               "password_confirm": "een nieuw lang wachtwoord"}, token_from=url)
    assert response.status_code == 429
    assert "Te veel verkeerde pogingen" in response.get_data(as_text=True)


def _signup(client: FlaskClient, code: str, username: str):
    token = csrf_token(client, "/signup")
    data = {"join_code": code, "display_name": "Daan", "username": username,
            "password": "een lang wachtwoord", "password_confirm": "een lang wachtwoord", "csrf_token": token}
    return client.post("/signup", data=data)


def test_guessing_class_codes_at_sign_up_is_slowed_down_per_session(app, auth):
    auth.make_user("docent", "teacher")
    _, code = auth.make_class("docent")
    guesser = browser(app)
    for n in range(throttle.FORM_SESSION_RULE.free_failures):
        assert _signup(guesser, f"GOK{n:05d}", f"daan{n}").status_code == 200
    response = _signup(guesser, code, "daan")
    assert response.status_code == 429
    assert "Te veel pogingen achter elkaar" in response.get_data(as_text=True)
    assert _signup(browser(app), code, "daan").status_code == 302  # a classmate at the same school


def test_guessing_codes_from_new_sessions_is_slowed_down_per_address(app, auth):
    auth.make_user("docent", "teacher")
    _, code = auth.make_class("docent")
    for n in range(throttle.FORM_ADDRESS_RULE.free_failures):
        _signup(browser(app), f"GOK{n:05d}", f"daan{n}")
    assert _signup(browser(app), code, "daan").status_code == 429
    assert _signup(browser(app, "198.51.100.3"), code, "daan").status_code == 302


def test_probing_usernames_at_sign_up_counts_as_guessing(app, auth):
    auth.make_user("docent", "teacher")
    _, code = auth.make_class("docent")
    guesser = browser(app)
    for _ in range(throttle.FORM_SESSION_RULE.free_failures):
        response = _signup(guesser, code, "docent")
        assert "Deze gebruikersnaam is al bezet" in response.get_data(as_text=True)
    assert _signup(guesser, code, "docent").status_code == 429


def test_guessing_codes_to_join_a_class_is_slowed_down(app, auth):
    auth.make_user("docent", "teacher")
    _, code = auth.make_class("docent")
    auth.make_user("kevin", "student")
    auth.login("kevin")
    for n in range(throttle.FORM_SESSION_RULE.free_failures):
        assert auth.post("/student/join", {"join_code": f"GOK{n:05d}"}, token_from="/student/").status_code == 200
    response = auth.post("/student/join", {"join_code": code}, token_from="/student/")
    assert response.status_code == 429
    assert "Te veel pogingen achter elkaar" in response.get_data(as_text=True)


def test_guessing_invite_codes_of_a_trainer_group_is_slowed_down(app, auth):
    auth.make_user("collega", "teacher")
    auth.login("collega")
    for n in range(throttle.FORM_SESSION_RULE.free_failures):
        assert auth.post("/trainer/join", {"invite_code": f"GOK{n:05d}"}, token_from="/trainer/join").status_code == 200
    response = auth.post("/trainer/join", {"invite_code": "GOK99999"}, token_from="/trainer/join")
    assert response.status_code == 429
