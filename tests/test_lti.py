"""LTI 1.3 against a platform that runs as a real HTTP server on loopback (tests/lti_platform.py).

The tool side runs in Flask's test client at https://localhost; everything the tool asks of the
platform (keys, tokens, scores, rosters, registration) goes over HTTP to the platform's server.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, func, select

from course.core.content_store import catalog
from course.core.extensions import db
from course.lti import platforms, services
from course.models import (
    ClassTeacher,
    Enrolment,
    ExternalIdentity,
    LtiMember,
    LtiPlatform,
    LtiScore,
    SchoolClass,
    User,
)

from .conftest import csrf_token
from .lti_platform import CLIENT_ID, DEPLOYMENT, INSTRUCTOR, LEARNER, Platform
from .quiz_support import QuizClient, form_data, right_answers

TOOL = "https://localhost"


@pytest.fixture
def platform(app: Flask) -> Iterator[Platform]:
    app.config["LTI_JWKS_COOLDOWN"] = 0.0
    served = Platform()
    with app.app_context():
        platforms.add_platform(**served.registration())
        served.tool_jwks = app.test_client().get("/lti/jwks.json", base_url=TOOL).get_json()
    services.forget_tokens()
    yield served
    served.close()


def browser(app: Flask) -> FlaskClient:
    return app.test_client()


def login(client: FlaskClient, platform: Platform, target: str = TOOL + "/lessons/") -> tuple[str, str]:
    response = client.get(
        "/lti/login",
        query_string={"iss": platform.issuer, "login_hint": "hint", "target_link_uri": target, "client_id": CLIENT_ID},
        base_url=TOOL,
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    query = parse_qs(urlsplit(response.location).query)
    return query["state"][0], query["nonce"][0]


def launch(client: FlaskClient, platform: Platform, *, target: str = TOOL + "/lessons/", state_nonce=None, **claims):
    state, nonce = state_nonce or login(client, platform, target)
    token = platform.id_token(nonce, target=target, **claims)
    return client.post("/lti/launch", data={"id_token": token, "state": state}, base_url=TOOL)


def teacher_opens_course(app: Flask, platform: Platform, **claims) -> FlaskClient:
    client = browser(app)
    response = launch(client, platform, sub="teacher-1", roles=[INSTRUCTOR], name="Mevrouw Jansen", **claims)
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    return client


def same_site_post(client: FlaskClient, path: str, data: dict, **kwargs):
    """A form on one of the tool's pages, posted: over https Flask-WTF also checks the Referer."""
    return client.post(path, data=data, base_url=TOOL, headers={"Referer": TOOL + path}, **kwargs)


def count(app: Flask, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


# --- login initiation and launch --------------------------------------------------------------


def test_lti_login_initiation_sends_the_browser_to_the_platform_with_state_nonce_and_redirect_uri(app, platform):
    client = browser(app)
    response = client.get(
        "/lti/login",
        query_string={"iss": platform.issuer, "login_hint": "42", "target_link_uri": TOOL + "/lessons/",
                      "lti_message_hint": "m7"},
        base_url=TOOL,
    )
    assert response.status_code == 302
    location = urlsplit(response.location)
    assert f"{location.scheme}://{location.netloc}{location.path}" == platform.url + "/auth"
    query = {k: v[0] for k, v in parse_qs(location.query).items()}
    assert query["redirect_uri"] == TOOL + "/lti/launch"
    assert query["client_id"] == CLIENT_ID and query["login_hint"] == "42" and query["lti_message_hint"] == "m7"
    assert query["response_type"] == "id_token" and query["response_mode"] == "form_post" and query["scope"] == "openid"
    assert len(query["state"]) > 30 and len(query["nonce"]) > 30
    cookie = response.headers.get("Set-Cookie", "")
    assert "lti_state=" in cookie and "SameSite=None" in cookie and "Secure" in cookie and "Partitioned" in cookie


def test_lti_teacher_launch_makes_the_class_and_a_second_teacher_teaches_it_too(app, platform):
    teacher_opens_course(app, platform)
    other = browser(app)
    assert launch(other, platform, sub="teacher-2", roles=[INSTRUCTOR], name="Meneer Bakker").status_code == 302
    with app.app_context():
        school_class = db.session.scalar(select(SchoolClass))
        assert school_class.name == "MV2A Burgerschap"
        teachers = {(t.teacher.display_name, t.is_owner) for t in school_class.teachers}
        assert teachers == {("Mevrouw Jansen", True), ("Meneer Bakker", False)}
        assert all(t.teacher.password_hash == "!" for t in school_class.teachers)  # no password here
        assert not any(t.teacher.is_admin for t in school_class.teachers)


def test_lti_student_launch_lands_on_the_target_page_and_joins_the_class(app, platform):
    teacher_opens_course(app, platform)
    student = browser(app)
    quiz = next(iter(app.extensions["course.core.content_store"].catalog.quizzes))
    response = launch(student, platform, target=f"{TOOL}/quizzes/{quiz}")
    assert response.status_code == 302 and response.location == f"/quizzes/{quiz}"
    assert student.get(f"/quizzes/{quiz}", base_url=TOOL).status_code == 200
    with app.app_context():
        user = db.session.scalar(select(User).where(User.display_name == "Sanne de Vries"))
        assert user.is_student and not user.is_teacher and user.email is None
        assert db.session.scalar(select(Enrolment).where(Enrolment.student_id == user.id)) is not None
        identity = db.session.scalar(select(ExternalIdentity).where(ExternalIdentity.user_id == user.id))
        assert (identity.kind, identity.issuer, identity.subject) == ("lti", platform.issuer, "student-1")


def test_lti_a_student_before_any_teacher_is_told_to_wait(app, platform):
    response = launch(browser(app), platform)
    assert response.status_code == 409
    assert "Je docent moet deze cursus eerst één keer openen" in response.get_data(as_text=True)
    assert count(app, SchoolClass) == 0


def test_lti_a_platform_administrator_gets_no_rights_here(app, platform):
    admin_role = "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator"
    response = launch(browser(app), platform, sub="admin-1", roles=[admin_role])
    assert response.status_code == 403
    assert count(app, User) == 0


def _sign_with_another_key(platform: Platform):
    from .lti_platform import _rsa_key

    _, pem, _ = _rsa_key()
    return {"key": (platform.kid, pem)}


REJECTIONS = {
    "bad signature": (lambda p: _sign_with_another_key(p), 400),
    "wrong audience": (lambda p: {"overrides": {"aud": "some-other-tool"}}, 400),
    "expired": (lambda p: {"lifetime": -3600}, 400),
    "unknown deployment": (lambda p: {"overrides": {"https://purl.imsglobal.org/spec/lti/claim/deployment_id": "x"}},
                           403),
    "wrong version": (lambda p: {"overrides": {"https://purl.imsglobal.org/spec/lti/claim/version": "1.1"}}, 400),
    "target on another host": (lambda p: {"overrides": {
        "https://purl.imsglobal.org/spec/lti/claim/target_link_uri": "https://evil.example/lessons/"}}, 400),
}


@pytest.mark.parametrize("case", REJECTIONS, ids=REJECTIONS)
def test_lti_every_failed_check_is_refused_with_a_dutch_page_and_creates_nothing(app, platform, case, caplog):
    kwargs, status = REJECTIONS[case]
    users_before = count(app, User)
    with caplog.at_level("WARNING"):
        response = launch(browser(app), platform, roles=[INSTRUCTOR], sub="teacher-9", **kwargs(platform))
    assert response.status_code == status
    html = response.get_data(as_text=True)
    assert '<html lang="nl">' in html and "Openen lukt niet" in html
    assert count(app, User) == users_before and count(app, SchoolClass) == 0
    assert any("lti launch refused: check=" in record.message for record in caplog.records)


def test_lti_a_replayed_nonce_is_refused(app, platform):
    client = browser(app)
    state, nonce = login(client, platform)
    old = platform.id_token(nonce, roles=[INSTRUCTOR], sub="teacher-1")
    assert client.post("/lti/launch", data={"id_token": old, "state": state}, base_url=TOOL).status_code == 302
    fresh_state, _ = login(client, platform)  # a new login, the old token: its nonce is not this state's
    response = client.post("/lti/launch", data={"id_token": old, "state": fresh_state}, base_url=TOOL)
    assert response.status_code == 400 and "al eens gebruikt" in response.get_data(as_text=True)


def test_lti_the_same_id_token_posted_again_is_refused(app, platform):
    client = browser(app)
    state, nonce = login(client, platform)
    token = platform.id_token(nonce, roles=[INSTRUCTOR], sub="teacher-1")
    assert client.post("/lti/launch", data={"id_token": token, "state": state}, base_url=TOOL).status_code == 302
    again = client.post("/lti/launch", data={"id_token": token, "state": state}, base_url=TOOL)
    assert again.status_code == 400


def test_lti_a_wrong_state_is_refused(app, platform):
    client = browser(app)
    _, nonce = login(client, platform)
    token = platform.id_token(nonce, roles=[INSTRUCTOR], sub="teacher-1")
    response = client.post("/lti/launch", data={"id_token": token, "state": "made-up-state"}, base_url=TOOL)
    assert response.status_code == 400
    # The state of another browser, while this one carries its own state cookie, is refused too.
    other = browser(app)
    other_state, _ = login(other, platform)
    response = client.post("/lti/launch", data={"id_token": token, "state": other_state}, base_url=TOOL)
    assert response.status_code == 400 and "andere browser" in response.get_data(as_text=True)


def test_lti_a_new_platform_key_is_fetched_when_the_launch_names_it(app, platform):
    teacher_opens_course(app, platform)
    platform.rotate_key()
    assert launch(browser(app), platform, sub="teacher-2", roles=[INSTRUCTOR]).status_code == 302


def test_lti_registered_platforms_may_frame_the_app_and_nobody_else(app, platform):
    page = browser(app).get("/login", base_url=TOOL)
    policy = page.headers["Content-Security-Policy"]
    assert f"frame-ancestors {platform.url}" in policy
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "X-Frame-Options" not in page.headers


# --- deep linking --------------------------------------------------------------------------------


def test_lti_deep_linking_round_trip_returns_signed_links_with_a_grade_column_per_quiz(app, platform):
    client = browser(app)
    response = launch(client, platform, sub="teacher-1", roles=[INSTRUCTOR], message_type="LtiDeepLinkingRequest",
                      target=TOOL + "/lti/deep-link")
    assert response.status_code == 302 and response.location == "/lti/deep-link"
    page = client.get("/lti/deep-link", base_url=TOOL).get_data(as_text=True)
    with app.app_context():
        content = catalog()
        lesson = next(iter(content.lessons.values()))
        quiz = content.quizzes[lesson.quiz]
    token = csrf_token(client, TOOL + "/lti/deep-link")
    response = same_site_post(client, "/lti/deep-link", {
        "items": [f"lesson:{lesson.slug}", f"quiz:{quiz.slug}"], "csrf_token": token})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'action="{platform.url}/deep-link-return"' in html
    assert f"form-action 'self' {platform.url}" in response.headers["Content-Security-Policy"]
    returned = re.search(r'name="JWT" value="([^"]+)"', html).group(1)
    jwks = client.get("/lti/jwks.json", base_url=TOOL).get_json()
    header = jwt.get_unverified_header(returned)
    key = next(k for k in jwks["keys"] if k["kid"] == header["kid"])
    claims = jwt.decode(returned, jwt.PyJWK(key).key, algorithms=["RS256"], audience=platform.issuer)
    assert claims["iss"] == CLIENT_ID
    assert claims["https://purl.imsglobal.org/spec/lti/claim/message_type"] == "LtiDeepLinkingResponse"
    assert claims["https://purl.imsglobal.org/spec/lti/claim/deployment_id"] == DEPLOYMENT
    assert claims["https://purl.imsglobal.org/spec/lti-dl/claim/data"] == "platform-data-42"
    items = claims["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"]
    assert [item["url"] for item in items] == [f"{TOOL}/lessons/{lesson.slug}", f"{TOOL}/quizzes/{quiz.slug}"]
    assert "lineItem" not in items[0]
    assert items[1]["lineItem"] == {"scoreMaximum": quiz.max_score, "label": items[1]["title"],
                                    "resourceId": quiz.slug, "tag": "quiz"}
    assert f'value="lesson:{lesson.slug}"' in page and f'value="quiz:{quiz.slug}"' in page


# --- grades back ------------------------------------------------------------------------------------


def _student_takes_quiz(app: Flask, platform: Platform, answers_for=right_answers):
    with app.app_context():
        content = catalog()
        quiz = content.quizzes[next(iter(content.lessons.values())).quiz]
    student = browser(app)
    response = launch(student, platform, target=f"{TOOL}/quizzes/{quiz.slug}", lineitem=platform.lineitem_url(),
                      resource_link_id="quiz-link")
    assert response.status_code == 302
    taker = QuizClient(_Tool(student))
    token = taker.start_token(quiz.slug)
    response = taker.submit(quiz.slug, token, form_data(quiz, answers_for(quiz)))
    assert response.status_code == 302
    response.close()  # the score goes after the response
    return quiz, token


def test_lti_a_grade_column_added_after_a_hand_in_gets_the_next_hand_in(app, platform):
    """Without a grade column for the quiz in the class, a hand-in asks nothing about the platform
    after it is stored; once the platform has the column, the next hand-in goes there at once."""
    teacher_opens_course(app, platform)
    with app.app_context():
        quiz = catalog().quizzes[next(iter(catalog().lessons.values())).quiz]
        engine = db.engine
    student = browser(app)
    assert launch(student, platform).status_code == 302  # through a lesson link: no grade column
    taker = QuizClient(_Tool(student))
    token = taker.start_token(quiz.slug)
    statements: list[str] = []

    def seen(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        taker.submit(quiz.slug, token, form_data(quiz, right_answers(quiz))).close()
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    # The one look at the platform's grade columns is part of reading the attempt.
    asked = [s for s in statements if "lti_resource_links" in s]
    assert len(asked) == 1 and "quiz_attempts" in asked[0]
    assert platform.recorded.scores == []
    response = launch(student, platform, target=f"{TOOL}/quizzes/{quiz.slug}", lineitem=platform.lineitem_url(),
                      resource_link_id="quiz-link")
    assert response.status_code == 302
    token = taker.start_token(quiz.slug)
    response = taker.submit(quiz.slug, token, form_data(quiz, right_answers(quiz)))
    assert response.status_code == 302
    response.close()  # the score goes after the response
    [score] = platform.recorded.scores
    assert score["userId"] == "student-1" and score["scoreGiven"] == quiz.max_score


class _Tool:
    """The test client at https://localhost, for helpers that take relative URLs."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def get(self, url: str, **kwargs):
        return self.client.get(url, base_url=TOOL, **kwargs)

    def post(self, url: str, **kwargs):
        return self.client.post(url, base_url=TOOL, headers={"Referer": TOOL + url}, **kwargs)


def test_lti_a_submitted_quiz_sends_its_score_to_the_platform(app, platform):
    teacher_opens_course(app, platform)
    quiz, _ = _student_takes_quiz(app, platform)
    [score] = platform.recorded.scores
    assert score["userId"] == "student-1"
    assert score["scoreGiven"] == quiz.max_score and score["scoreMaximum"] == quiz.max_score
    assert score["activityProgress"] == "Completed" and score["gradingProgress"] == "FullyGraded"
    assert score["_lineitem"] == "/lineitems/1" and score["_query"] == "course=course-1"
    assert score["_content_type"] == "application/vnd.ims.lis.v1.score+json"
    assert platform.recorded.token_requests[0]["scope"] == services.SCORE_SCOPE
    with app.app_context():
        row = db.session.scalar(select(LtiScore))
        assert row.status == "sent" and row.sent_score == quiz.max_score


def test_lti_a_void_and_a_regrade_send_the_new_score(app, platform, runner):
    teacher = teacher_opens_course(app, platform)

    def one_wrong(quiz):
        answers = right_answers(quiz)
        question = next(q for q in quiz.questions if q.kind in ("single", "truefalse"))
        answers[question.id] = next(o.id for o in question.options if not o.correct)
        return answers

    quiz, _ = _student_takes_quiz(app, platform, one_wrong)
    first = platform.recorded.scores[-1]["scoreGiven"]
    assert first < quiz.max_score
    question = next(q for q in quiz.questions if q.kind in ("single", "truefalse"))
    with app.app_context():
        class_id = db.session.scalar(select(SchoolClass.id))
    url = f"/quizzes/{quiz.slug}/classes/{class_id}/questions/{question.id}/void"
    token = csrf_token(teacher, f"{TOOL}/quizzes/{quiz.slug}/classes/{class_id}")
    response = same_site_post(teacher, url, {"csrf_token": token})
    assert response.status_code == 302
    response.close()
    assert platform.recorded.scores[-1]["scoreGiven"] == quiz.max_score
    # A regrade from the command line sends too (no request: sent straight away).
    same_site_post(teacher, url.replace("/void", "/unvoid"), {"csrf_token": token}).close()
    assert platform.recorded.scores[-1]["scoreGiven"] == first
    result = runner.invoke(args=["quizzes", "regrade", quiz.slug, "--by", _teacher_username(app)])
    assert result.exit_code == 0, result.output
    assert len(platform.recorded.scores) == 3  # nothing changed in the regrade: nothing more sent


def _teacher_username(app: Flask) -> str:
    with app.app_context():
        return db.session.scalar(select(User.username).join(ClassTeacher, ClassTeacher.teacher_id == User.id))


def test_lti_a_platform_that_is_down_gets_the_score_exactly_once_when_it_is_back(app, platform, runner):
    teacher_opens_course(app, platform)
    platform.down = True
    quiz, _ = _student_takes_quiz(app, platform)
    assert platform.recorded.scores == []
    with app.app_context():
        row = db.session.scalar(select(LtiScore))
        assert row.status == "pending" and row.tries == 1 and row.last_error
        row.next_try_at = row.next_try_at.replace(year=2000)  # the back-off has passed
        db.session.commit()
    assert "0 sent, 1 not sent" in runner.invoke(args=["lti", "send-scores"]).output
    platform.down = False
    with app.app_context():
        row = db.session.scalar(select(LtiScore))
        row.next_try_at = row.next_try_at.replace(year=2000)
        db.session.commit()
    assert "1 sent, 0 not sent" in runner.invoke(args=["lti", "send-scores"]).output
    assert "0 sent, 0 not sent" in runner.invoke(args=["lti", "send-scores"]).output
    assert len(platform.recorded.scores) == 1 and platform.recorded.scores[0]["scoreGiven"] == quiz.max_score
    teacher = browser(app)
    launch(teacher, platform, sub="teacher-1", roles=[INSTRUCTOR])
    with app.app_context():
        class_id = db.session.scalar(select(SchoolClass.id))
    assert "leerplatform heeft laatste cijfer" in teacher.get(f"/teacher/gradebook/{class_id}", base_url=TOOL).get_data(
        as_text=True)


# --- roster ---------------------------------------------------------------------------------------


def _member(sub: str, name: str, role: str) -> dict:
    return {"user_id": sub, "name": name, "roles": [role], "status": "Active"}


def test_lti_the_roster_comes_in_over_two_pages_and_who_left_is_marked_not_deleted(app, platform):
    teacher = teacher_opens_course(app, platform)
    platform.roster = [
        _member("teacher-1", "Mevrouw Jansen", INSTRUCTOR),
        _member("s-1", "Ayoub", LEARNER),
        _member("s-2", "Lotte", LEARNER),
    ]
    with app.app_context():
        class_id = db.session.scalar(select(SchoolClass.id))
    page = teacher.get(f"/teacher/classes/{class_id}", base_url=TOOL).get_data(as_text=True)
    assert "Klaslijst ophalen" in page
    token = csrf_token(teacher, f"{TOOL}/teacher/classes/{class_id}")
    response = same_site_post(teacher, f"/lti/classes/{class_id}/roster", {"csrf_token": token}, follow_redirects=True)
    assert "2 studenten en 1 docenten" in response.get_data(as_text=True)
    assert platform.recorded.roster_requests == 2  # two pages
    platform.roster = platform.roster[:2]  # Lotte left the course
    response = same_site_post(teacher, f"/lti/classes/{class_id}/roster", {"csrf_token": token}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "1 niet meer in het leerplatform" in html
    assert re.search(r"Lotte</a>\s*<span class=\"muted\">\(niet meer in het leerplatform\)", html)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Enrolment)) == 2  # nobody removed
        assert db.session.scalar(select(func.count()).select_from(LtiMember).where(LtiMember.status == "left")) == 1


# --- dynamic registration ----------------------------------------------------------------------


def test_lti_dynamic_registration_registers_the_tool_at_the_platform_once(app, platform, auth):
    auth.make_user("beheerder", "admin")
    admin = browser(app)
    token = csrf_token(admin, TOOL + "/login")
    same_site_post(admin, "/login", {"username": "beheerder", "password": "correct horse battery", "csrf_token": token})
    token = csrf_token(admin, TOOL + "/lti/")
    page = same_site_post(admin, "/lti/register-invites", {"csrf_token": token}).get_data(as_text=True)
    invite = re.search(r"Registratielink: <code>([^<]+)</code>", page).group(1)
    config = platform.url + "/.well-known/openid-configuration"
    platform_window = browser(app)
    path = urlsplit(invite).path
    shown = platform_window.get(path, query_string={"openid_configuration": config,
                                                    "registration_token": "registration-token-1"}, base_url=TOOL)
    assert shown.status_code == 200 and f"frame-ancestors {platform.url}" in shown.headers["Content-Security-Policy"]
    form = {"openid_configuration": config, "registration_token": "registration-token-1"}
    done = platform_window.post(path, data=form, base_url=TOOL)
    assert done.status_code == 200 and "is gekoppeld" in done.get_data(as_text=True)
    [sent] = platform.recorded.registrations
    assert sent["initiate_login_uri"] == TOOL + "/lti/login" and sent["redirect_uris"] == [TOOL + "/lti/launch"]
    assert sent["jwks_uri"] == TOOL + "/lti/jwks.json"
    assert {m["type"] for m in sent["https://purl.imsglobal.org/spec/lti-tool-configuration"]["messages"]} == {
        "LtiResourceLinkRequest", "LtiDeepLinkingRequest"}
    with app.app_context():
        registered = db.session.scalar(select(LtiPlatform).where(LtiPlatform.client_id == "dynamic-client-7"))
        assert [d.deployment_id for d in registered.deployments] == ["dynamic-deployment-1"]
    again = platform_window.post(path, data=form, base_url=TOOL)
    assert again.status_code == 400 and len(platform.recorded.registrations) == 1


# --- the frame that keeps no cookie ------------------------------------------------------------------


def test_lti_a_frame_without_cookies_continues_in_a_new_window_with_a_token_that_works_once(app, platform):
    teacher_opens_course(app, platform)
    frame = browser(app)
    state, nonce = login(frame, platform, TOOL + "/lessons/")
    cookieless = browser(app)  # the launch comes back without the state cookie: the frame keeps none
    token = platform.id_token(nonce, target=TOOL + "/lessons/")
    response = cookieless.post("/lti/launch", data={"id_token": token, "state": state}, base_url=TOOL)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Open in een nieuw venster" in html and 'target="_blank"' in html
    handoff = re.search(r'name="token" value="([^"]+)"', html).group(1)
    window = browser(app)
    first = window.post("/lti/continue", data={"token": handoff}, base_url=TOOL)
    assert first.status_code == 302 and first.location == "/lessons/"
    assert window.get("/lessons/", base_url=TOOL).status_code == 200
    second = browser(app).post("/lti/continue", data={"token": handoff}, base_url=TOOL)
    assert second.status_code == 400 and "verlopen of al gebruikt" in second.get_data(as_text=True)


def test_lti_a_launch_in_a_frame_keeps_its_session_in_a_partitioned_cookie(app, platform):
    client = browser(app)
    state, nonce = login(client, platform)
    token = platform.id_token(nonce, roles=[INSTRUCTOR], sub="teacher-1")
    response = client.post("/lti/launch", data={"id_token": token, "state": state}, base_url=TOOL,
                           headers={"Sec-Fetch-Dest": "iframe"})
    cookies = response.headers.getlist("Set-Cookie")
    embedded = next(c for c in cookies if c.startswith("embedded_session="))
    assert "SameSite=None" in embedded and "Secure" in embedded and "Partitioned" in embedded
    assert not any(c.startswith("session=") for c in cookies)
    page = client.get("/lessons/", base_url=TOOL, headers={"Sec-Fetch-Dest": "iframe"}).get_data(as_text=True)
    assert "Open in een nieuw venster" in page


def test_lti_the_normal_session_cookie_stays_lax(app, platform):
    client = browser(app)
    response = launch(client, platform, sub="teacher-1", roles=[INSTRUCTOR])
    session_cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "SameSite=Lax" in session_cookie


# --- privacy --------------------------------------------------------------------------------------


def test_lti_a_students_own_data_shows_the_platform_link(app, platform):
    teacher_opens_course(app, platform)
    student = browser(app)
    launch(student, platform)
    data = student.get("/account/data/download.json", base_url=TOOL).get_json()
    [linked] = data["linked_accounts"]
    assert (linked["kind"], linked["issuer"], linked["subject"]) == ("lti", platform.issuer, "student-1")
    assert "email" not in data["account"]
