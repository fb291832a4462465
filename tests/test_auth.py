import pytest

from course.core.extensions import db
from course.models import Enrolment, User

from .conftest import Auth, csrf_token, make_test_app, sqlite_only, write_lock_is_free


def signup(client, code, username="sanne", password="een lange zin van mij", confirm=None, name="Sanne"):
    token = csrf_token(client, "/signup")
    return client.post(
        "/signup",
        data={
            "join_code": code,
            "display_name": name,
            "username": username,
            "password": password,
            "password_confirm": confirm if confirm is not None else password,
            "csrf_token": token,
        },
    )


def test_signup_with_a_valid_code_lands_the_student_in_the_class(app, client, auth):
    auth.make_user("docent", "teacher")
    class_id, code = auth.make_class("docent")
    response = signup(client, code.lower())  # codes are case-insensitive
    assert response.status_code == 302
    assert response.location.endswith("/student/")
    page = client.get("/student/").get_data(as_text=True)
    assert "MV2A" in page
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.username == "sanne")) if hasattr(db, "select") else None
        from sqlalchemy import select

        user = db.session.scalar(select(User).where(User.username == "sanne"))
        assert user.is_student and not user.is_teacher
        assert db.session.scalar(select(Enrolment.class_id).where(Enrolment.student_id == user.id)) == class_id


def test_signup_with_a_wrong_code_keeps_what_was_typed(client, auth):
    auth.make_user("docent", "teacher")
    auth.make_class("docent")
    response = signup(client, "NOPE1234", username="ayoub", name="Ayoub")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Deze klascode bestaat niet" in html
    assert 'value="ayoub"' in html and 'value="Ayoub"' in html
    assert 'aria-invalid="true"' in html


def test_signup_with_an_archived_class_code_is_refused(app, client, auth):
    from course.accounts import rules as accounts
    from course.models import SchoolClass

    auth.make_user("docent", "teacher")
    class_id, code = auth.make_class("docent")
    with app.app_context():
        accounts.archive_class(db.session.get(SchoolClass, class_id))
    html = signup(client, code).get_data(as_text=True)
    assert "Deze klas is afgesloten" in html


def test_signup_refuses_a_taken_username_short_and_common_passwords(client, auth):
    auth.make_user("docent", "teacher")
    _, code = auth.make_class("docent")
    assert "al bezet" in signup(client, code, username="docent").get_data(as_text=True)
    assert "minstens 10 tekens" in signup(client, code, password="kort").get_data(as_text=True)
    assert "veelgebruikte" in signup(client, code, password="1234567890").get_data(as_text=True)
    assert "niet gelijk" in signup(client, code, confirm="iets anders dan dit").get_data(as_text=True)


def test_login_and_logout(client, auth):
    auth.make_user("priya", "student")
    response = auth.login("Priya ")  # case and spaces do not matter
    assert response.status_code == 302
    assert client.get("/student/").status_code == 200
    auth.logout()
    response = client.get("/student/")
    assert response.status_code == 302 and "/login" in response.location


def test_wrong_password_gives_one_message_for_both_mistakes(client, auth):
    auth.make_user("priya", "student")
    wrong_password = auth.login("priya", "not her password").get_data(as_text=True)
    unknown_user = auth.login("nobody", "not her password").get_data(as_text=True)
    message = "Deze combinatie van gebruikersnaam en wachtwoord klopt niet."
    assert message in wrong_password and message in unknown_user


def test_login_only_redirects_within_the_site(client, auth):
    auth.make_user("priya", "student")
    token = csrf_token(client, "/login")
    response = client.post(
        "/login?next=https://evil.example/steal",
        data={"username": "priya", "password": "correct horse battery", "csrf_token": token},
    )
    assert response.location.endswith("/student/")


def test_logout_is_not_possible_with_get(client, auth):
    auth.make_user("priya", "student")
    auth.login("priya")
    assert client.get("/logout").status_code == 405
    assert client.get("/student/").status_code == 200


def test_change_password_ends_other_sessions(app, auth):
    auth.make_user("daan", "student")
    other_device = app.test_client()
    token = csrf_token(other_device, "/login")
    other_device.post("/login", data={"username": "daan", "password": "correct horse battery", "csrf_token": token})
    assert other_device.get("/student/").status_code == 200

    auth.login("daan")
    response = auth.post(
        "/account/password",
        {
            "current_password": "correct horse battery",
            "password": "nieuw wachtwoord 2026",
            "password_confirm": "nieuw wachtwoord 2026",
        },
    )
    assert response.status_code == 302
    assert auth.client.get("/student/").status_code == 200  # this device stays logged in
    assert other_device.get("/student/").status_code == 302  # the other one is logged out
    auth.logout()
    assert auth.login("daan", "nieuw wachtwoord 2026").status_code == 302


def test_change_password_with_wrong_current_password(auth):
    auth.make_user("daan", "student")
    auth.login("daan")
    html = auth.post(
        "/account/password",
        {"current_password": "fout", "password": "nieuw wachtwoord 2026", "password_confirm": "nieuw wachtwoord 2026"},
    ).get_data(as_text=True)
    assert "Je huidige wachtwoord klopt niet." in html


def test_post_without_csrf_token_is_rejected(client, auth):
    auth.make_user("priya", "student")
    response = client.post("/login", data={"username": "priya", "password": "correct horse battery"})
    assert response.status_code == 400
    assert "formulier was verlopen" in response.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/teacher/classes/", "/admin/users"])
def test_a_student_gets_403_on_staff_pages(client, auth, url):
    auth.make_user("priya", "student")
    auth.login("priya")
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", ["/student/", "/teacher/classes/", "/admin/users", "/account"])
def test_anonymous_visitors_are_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/login" in response.location


@pytest.mark.real_password_hash
def test_passwords_are_hashed_with_argon2id_at_an_owasp_minimum(app, auth):
    from sqlalchemy import select

    auth.make_user("priya", "student")
    with app.app_context():
        stored = db.session.scalar(select(User.password_hash).where(User.username == "priya"))
    assert stored.startswith("$argon2id$v=19$m=7168,t=5,p=1$")


@pytest.mark.real_password_hash
def test_a_hash_with_older_settings_is_upgraded_at_the_next_login(app, auth, client):
    from argon2 import PasswordHasher
    from sqlalchemy import select, update

    auth.make_user("priya", "student")
    older = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1).hash("correct horse battery")
    with app.app_context():
        db.session.execute(update(User).where(User.username == "priya").values(password_hash=older))
        db.session.commit()
    assert auth.login("priya").status_code == 302
    assert client.get("/student/").status_code == 200
    with app.app_context():
        stored = db.session.scalar(select(User.password_hash).where(User.username == "priya"))
    assert stored.startswith("$argon2id$v=19$m=7168,t=5,p=1$")
    auth.logout()
    assert auth.login("priya").status_code == 302  # the upgraded hash still takes the same password


@sqlite_only
def test_a_class_logging_in_never_waits_for_the_write_lock(tmp_path, backend):
    """A right password writes nothing: logins go ahead while another request holds the lock."""
    import sqlite3

    app = make_test_app(tmp_path, backend, SQLITE_BUSY_TIMEOUT_MS=100)
    client = app.test_client()
    helper = Auth(app, client)
    helper.make_user("mohammed", "student")
    path = app.config["DATABASE_URL"][len("sqlite:///") :]
    writer = sqlite3.connect(path, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        assert helper.login("mohammed").status_code == 302
        assert client.get("/student/").status_code == 200
    finally:
        writer.execute("ROLLBACK")
        writer.close()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@sqlite_only
def test_password_hashing_holds_no_database_lock(app, auth, monkeypatch):
    """Thirty students logging in at once must not queue behind each other's hashing."""
    from course.accounts import rules

    auth.make_user("mohammed", "student")
    real_verify = rules.verify_password
    seen = []

    def verify_while_checking_the_lock(password_hash, password):
        seen.append(write_lock_is_free(app))
        return real_verify(password_hash, password)

    monkeypatch.setattr(rules, "verify_password", verify_while_checking_the_lock)
    assert auth.login("mohammed").status_code == 302
    assert seen == [True]


def test_logout_ends_the_session_even_for_a_copied_cookie(app, auth, client):
    auth.make_user("esra", "student")
    auth.login("esra")
    cookie = client.get_cookie("session").value
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    assert thief.get("/student/").status_code == 200
    auth.logout()
    response = thief.get("/student/")
    assert response.status_code == 302 and "/login" in response.location
