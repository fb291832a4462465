"""An administrator looks after staff: a new password, other roles, an account locked and
unlocked, on the admin pages and with `flask --app wsgi users`; every change in the log."""

from __future__ import annotations

import re

from sqlalchemy import select

from course.core.extensions import db
from course.models import AuditEvent, User

from .conftest import csrf_token

PASSWORD = "correct horse battery"


def _user(app, username: str) -> User:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        db.session.expunge(user)
        return user


def _actions(app) -> list[tuple[str, str]]:
    with app.app_context():
        return [(e.action, e.actor_name) for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def _asked_for_a_new_password(client) -> bool:
    response = client.get("/teacher/classes/")
    return response.status_code == 302 and response.location.endswith("/account/password")


# -- the command line -------------------------------------------------------------------------------


def test_cli_sets_a_password_the_teacher_replaces_at_the_next_sign_in(app, auth, runner, client):
    auth.make_user("bakker", "teacher")
    result = runner.invoke(args=["users", "set-password", "bakker"], input="een nieuw lang wachtwoord\n")
    assert result.exit_code == 0, result.output
    assert "New password set for bakker" in result.output
    assert _user(app, "bakker").must_change_password
    assert auth.login("bakker").status_code == 200  # the old password no longer works
    assert auth.login("bakker", "een nieuw lang wachtwoord").status_code == 302
    assert _asked_for_a_new_password(client)
    assert _actions(app) == [("user.password_reset", "systeem (opdrachtregel)")]


def test_cli_refuses_a_weak_password_and_an_unknown_account(auth, runner):
    auth.make_user("bakker", "teacher")
    weak = runner.invoke(args=["users", "set-password", "bakker"], input="kort\n")
    assert weak.exit_code != 0 and "minstens 10 tekens" in weak.output
    unknown = runner.invoke(args=["users", "set-password", "niemand"], input="een nieuw lang wachtwoord\n")
    assert unknown.exit_code != 0 and "no account with username 'niemand'" in unknown.output


def test_cli_sets_roles(app, auth, runner):
    auth.make_user("bakker", "teacher")
    auth.make_user("beheer", "admin")
    result = runner.invoke(args=["users", "set-roles", "bakker", "--role", "trainer", "--role", "admin"])
    assert result.exit_code == 0, result.output
    assert "bakker now has the roles: trainer, admin" in result.output
    user = _user(app, "bakker")
    assert (user.is_teacher, user.is_trainer, user.is_admin) == (False, True, True)
    assert ("user.roles", "systeem (opdrachtregel)") in _actions(app)


def test_cli_never_leaves_the_school_without_an_administrator(app, auth, runner):
    auth.make_user("beheer", "admin")
    result = runner.invoke(args=["users", "set-roles", "beheer", "--role", "teacher"])
    assert result.exit_code != 0 and "enige beheerder" in result.output
    assert _user(app, "beheer").is_admin
    locked = runner.invoke(args=["users", "deactivate", "beheer"])
    assert locked.exit_code != 0 and "enige beheerder" in locked.output
    assert _actions(app) == []


def test_cli_roles_are_for_staff_accounts(auth, runner):
    auth.make_user("sanne", "student")
    result = runner.invoke(args=["users", "set-roles", "sanne", "--role", "teacher"])
    assert result.exit_code != 0 and "studentaccount" in result.output


def test_cli_deactivate_locks_out_and_activate_lets_back_in(app, auth, runner, client):
    auth.make_user("bakker", "teacher")
    auth.login("bakker")
    assert client.get("/teacher/classes/").status_code == 200
    result = runner.invoke(args=["users", "deactivate", "bakker"])
    assert result.exit_code == 0 and "bakker is locked" in result.output
    # The open session ends, and signing in again is refused with a word on whom to ask.
    assert client.get("/teacher/classes/").status_code == 302
    response = auth.login("bakker")
    page = response.get_data(as_text=True)
    assert response.status_code == 403 and "staat op slot" in page and "beheerder" in page
    result = runner.invoke(args=["users", "activate", "bakker"])
    assert result.exit_code == 0 and "bakker can sign in again" in result.output
    assert auth.login("bakker").status_code == 302
    assert [a for a, _ in _actions(app)] == ["user.deactivate", "user.activate"]


# -- the admin pages ------------------------------------------------------------------------------


def _admin_with_teacher(auth) -> int:
    auth.make_user("beheer", "admin", name="Bea Beheer")
    teacher_id = auth.make_user("bakker", "teacher", name="Bert Bakker")
    auth.login("beheer")
    return teacher_id


def test_staff_list_links_to_each_account(auth, client):
    teacher_id = _admin_with_teacher(auth)
    page = client.get("/admin/users").get_data(as_text=True)
    assert f'href="/admin/users/{teacher_id}">Bert Bakker</a>' in page


def test_admin_resets_a_teachers_password(app, auth, client):
    teacher_id = _admin_with_teacher(auth)
    url = f"/admin/users/{teacher_id}"
    response = auth.post(f"{url}/password", token_from=url)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Nieuw tijdelijk wachtwoord" in page
    temporary = re.search(r'<code class="big-code">([a-z0-9-]+)</code>', page).group(1)
    auth.logout()
    assert auth.login("bakker", temporary).status_code == 302
    assert _asked_for_a_new_password(client)
    assert ("user.password_reset", "Bea Beheer") in _actions(app)


def test_admin_changes_roles_and_the_form_keeps_a_refused_choice(app, auth, client):
    teacher_id = _admin_with_teacher(auth)
    url = f"/admin/users/{teacher_id}"
    response = auth.post(f"{url}/roles", {"is_teacher": "y", "is_trainer": "y"}, token_from=url)
    assert response.status_code == 302
    assert "docent en trainer" in client.get(url).get_data(as_text=True)
    user = _user(app, "bakker")
    assert user.is_teacher and user.is_trainer and not user.is_admin
    response = auth.post(f"{url}/roles", {}, token_from=url)  # no role at all
    assert response.status_code == 422 and "Kies minstens één rol" in response.get_data(as_text=True)
    assert _user(app, "bakker").is_teacher


def test_admin_cannot_drop_their_own_admin_role_or_lock_themselves(app, auth, client):
    _admin_with_teacher(auth)
    own_id = _user(app, "beheer").id
    url = f"/admin/users/{own_id}"
    response = auth.post(f"{url}/roles", {"is_teacher": "y"}, token_from=url)
    assert response.status_code == 422 and "jezelf geen beheerder af" in response.get_data(as_text=True)
    response = auth.post(f"{url}/lock", token_from=url, follow_redirects=True)
    assert "eigen account niet op slot" in response.get_data(as_text=True)
    assert _user(app, "beheer").deactivated_at is None


def test_admin_locks_and_unlocks_a_teacher(app, auth, client):
    teacher_id = _admin_with_teacher(auth)
    url = f"/admin/users/{teacher_id}"
    page = auth.post(f"{url}/lock", token_from=url, follow_redirects=True).get_data(as_text=True)
    assert "staat op slot" in page and "Account van slot halen" in page
    assert "op slot" in client.get("/admin/users").get_data(as_text=True)
    page = auth.post(f"{url}/unlock", token_from=url, follow_redirects=True).get_data(as_text=True)
    assert "kan weer inloggen" in page
    assert _user(app, "bakker").deactivated_at is None


def test_admin_actions_need_the_csrf_token(auth, client):
    teacher_id = _admin_with_teacher(auth)
    for action in ("password", "lock", "unlock", "roles"):
        assert client.post(f"/admin/users/{teacher_id}/{action}").status_code == 400


def test_login_page_tells_staff_whom_to_ask(client):
    page = client.get("/login").get_data(as_text=True)
    assert "docent of trainer" in page and "beheerder van deze site" in page


def test_a_deactivated_student_cannot_sign_in_either(app, auth, client):
    auth.make_user("beheer", "admin")
    student_id = auth.make_user("sanne", "student")
    auth.login("beheer")
    url = f"/admin/users/{student_id}"
    auth.post(f"{url}/lock", token_from=url)
    auth.logout()
    assert auth.login("sanne").status_code == 403
    assert csrf_token(client, "/login")


# -- where staff start -------------------------------------------------------------------------------


def test_a_trainer_without_classes_starts_at_train_de_trainer(auth):
    auth.make_user("trainer", "trainer", "teacher")
    response = auth.login("trainer")
    assert response.status_code == 302 and response.location == "/trainer/"


def test_a_trainer_who_teaches_a_class_starts_at_the_classes(auth):
    auth.make_user("trainer", "trainer", "teacher")
    auth.make_class("trainer")
    response = auth.login("trainer")
    assert response.location == "/teacher/classes/"


def test_a_teacher_without_classes_still_starts_at_the_classes(auth):
    auth.make_user("docent", "teacher")
    assert auth.login("docent").location == "/teacher/classes/"
