import re

from sqlalchemy import select

from course.core.extensions import db
from course.models import Enrolment, SchoolClass, User


def setup_two_teachers(auth):
    auth.make_user("devries", "teacher")
    auth.make_user("bakker", "teacher")
    own_id, _ = auth.make_class("devries", "MV2A")
    other_id, _ = auth.make_class("bakker", "ICT1B")
    return own_id, other_id


def test_teacher_creates_a_class_and_gets_a_join_code(app, auth, client):
    auth.make_user("devries", "teacher")
    auth.login("devries")
    response = auth.post("/teacher/classes/", {"name": "MV2A", "school_year": "2026-2027"})
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    with app.app_context():
        school_class = db.session.scalar(select(SchoolClass))
    assert school_class.name == "MV2A"
    assert len(school_class.join_code) == 8
    assert school_class.join_code in page


def test_a_teacher_without_classes_gets_a_friendly_next_step_and_then_a_card_per_class(auth, client):
    auth.make_user("devries", "teacher")
    auth.login("devries")
    empty = client.get("/teacher/classes/").get_data(as_text=True)
    assert 'class="empty-state"' in empty and "Je hebt nog geen klassen." in empty
    assert 'href="#nieuwe-klas"' in empty and 'id="nieuwe-klas"' in empty  # the next step is on the page
    auth.post("/teacher/classes/", {"name": "MV2A", "school_year": "2026-2027"})
    listed = client.get("/teacher/classes/").get_data(as_text=True)
    assert "empty-state" not in listed
    card = re.search(r'<li class="card class-card">.*?</li>', listed, re.S).group(0)
    assert ">MV2A</a>" in card and '<dd class="nowrap">2026-2027</dd>' in card


def test_invalid_class_form_keeps_what_was_typed(auth):
    auth.make_user("devries", "teacher")
    auth.login("devries")
    html = auth.post("/teacher/classes/", {"name": "MV2A", "school_year": "2026/27"}).get_data(as_text=True)
    assert "Schrijf het schooljaar als 2026-2027." in html
    assert 'value="MV2A"' in html and 'value="2026/27"' in html


def test_teacher_cannot_see_or_change_another_teachers_class(auth, client):
    own_id, other_id = setup_two_teachers(auth)
    auth.login("devries")
    assert client.get(f"/teacher/classes/{own_id}").status_code == 200
    assert client.get(f"/teacher/classes/{other_id}").status_code == 404
    assert auth.post(f"/teacher/classes/{other_id}/archive").status_code == 404
    assert auth.post(f"/teacher/classes/{other_id}/co-teachers", {"username": "devries"}).status_code == 404
    listing = client.get("/teacher/classes/").get_data(as_text=True)
    assert "MV2A" in listing and "ICT1B" not in listing


def test_a_colleague_teaches_the_class_only_after_accepting_the_invitation(auth, client):
    own_id, _ = setup_two_teachers(auth)
    auth.login("devries")
    assert auth.post(f"/teacher/classes/{own_id}/co-teachers", {"username": "bakker"}).status_code == 302
    auth.logout()
    auth.login("bakker")
    assert client.get(f"/teacher/classes/{own_id}").status_code == 404
    index = client.get("/teacher/classes/").get_data(as_text=True)
    assert "vraagt je om mededocent te worden van" in index
    accept = re.search(r'action="(/teacher/classes/invitations/\d+/accept)"', index).group(1)
    assert auth.post(accept, token_from="/teacher/classes/").status_code == 302
    assert client.get(f"/teacher/classes/{own_id}").status_code == 200


def test_inviting_says_the_same_whether_or_not_the_username_is_a_teacher(auth):
    own_id, _ = setup_two_teachers(auth)
    auth.make_user("priya", "student")
    auth.login("devries")
    messages = []
    for username in ("bakker", "priya", "bestaat-niet"):
        response = auth.post(f"/teacher/classes/{own_id}/co-teachers", {"username": username}, follow_redirects=True)
        html = response.get_data(as_text=True)
        messages.append(re.search(r"Uitnodiging klaar voor [^.]+\.([^<]+)", html).group(1))
    assert len(set(messages)) == 1


def test_archiving_a_class_blocks_new_signups(app, auth, client):
    own_id, _ = setup_two_teachers(auth)
    auth.login("devries")
    auth.post(f"/teacher/classes/{own_id}/archive")
    with app.app_context():
        assert db.session.get(SchoolClass, own_id).is_archived


def test_teacher_removes_a_student_from_the_class(app, auth):
    own_id, _ = setup_two_teachers(auth)
    student_id = auth.make_user("ayoub", "student")
    auth.enrol("ayoub", own_id)
    auth.login("devries")
    assert auth.post(f"/teacher/classes/{own_id}/students/{student_id}/remove").status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Enrolment).where(Enrolment.student_id == student_id)) is None
        assert db.session.get(User, student_id) is not None  # the account stays


def test_teacher_resets_a_forgotten_password(app, auth):
    own_id, _ = setup_two_teachers(auth)
    student_id = auth.make_user("ayoub", "student")
    auth.enrol("ayoub", own_id)
    auth.login("devries")
    html = auth.post(f"/teacher/classes/{own_id}/students/{student_id}/reset-password").get_data(as_text=True)
    import re

    temporary = re.search(r'class="big-code">([^<]+)<', html).group(1)
    auth.logout()
    assert auth.login("ayoub", temporary).status_code == 302


def test_teacher_cannot_reset_the_password_of_a_student_in_another_class(auth):
    own_id, other_id = setup_two_teachers(auth)
    student_id = auth.make_user("ayoub", "student")
    auth.enrol("ayoub", other_id)
    auth.login("devries")
    assert auth.post(f"/teacher/classes/{own_id}/students/{student_id}/reset-password").status_code == 404


def test_admin_sees_every_class(auth, client):
    own_id, other_id = setup_two_teachers(auth)
    auth.make_user("beheer", "admin")
    auth.login("beheer")
    assert client.get(f"/teacher/classes/{other_id}").status_code == 200


def test_student_joins_a_second_class_with_a_code(auth, client):
    auth.make_user("devries", "teacher")
    _, code = auth.make_class("devries", "MV2A")
    _, code2 = auth.make_class("devries", "Keuzedeel")
    auth.make_user("esra", "student")
    auth.login("esra")
    assert auth.post("/student/join", {"join_code": code2}).status_code == 302
    assert "Keuzedeel" in client.get("/student/").get_data(as_text=True)


def test_admin_adds_a_teacher_and_trainer(app, auth, client):
    auth.make_user("beheer", "admin")
    auth.login("beheer")
    response = auth.post(
        "/admin/users",
        {
            "display_name": "Meneer Bakker",
            "username": "bakker",
            "is_teacher": "y",
            "is_trainer": "y",
            "password": "een lang wachtwoord",
            "password_confirm": "een lang wachtwoord",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "bakker"))
        assert user.is_teacher and user.is_trainer and not user.is_admin
        from course.models import AuditEvent

        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.create"))
        assert event.object_id == user.id and event.details["roles"] == ["teacher", "trainer"]


def test_admin_form_needs_a_role(auth):
    auth.make_user("beheer", "admin")
    auth.login("beheer")
    html = auth.post(
        "/admin/users",
        {
            "display_name": "X",
            "username": "xander",
            "password": "een lang wachtwoord",
            "password_confirm": "een lang wachtwoord",
        },
    ).get_data(as_text=True)
    assert "Kies minstens één rol." in html
