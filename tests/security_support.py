"""The world the security tests work in: two classes with their people and work, the archived class
S1 was in last year with the work made there, two trainers' cohorts, TPACK scans, a co-teacher
invitation and a request to move class on each side; plus logging in as one of them and checks on
rendered HTML."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from urllib.parse import urlsplit

from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from course.accounts import rules as accounts
from course.classes import co_teachers, membership
from course.core.content_store import catalog
from course.core.extensions import db
from course.lessons import progress
from course.live import sessions as live_sessions
from course.models import ClassMove, ClassTeacher, CoTeacherInvitation, TpackAnswer, TpackScan, User, utcnow
from course.quizzes import attempts
from course.teacher_track import cohorts

from .assignment_world import build_assignment_objects
from .conftest import csrf_token
from .quiz_support import right_answers

# Hashing at the real cost takes most of a test that logs in; these tests are about rights, not hashes.
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)

PASSWORD = "correct horse battery"
NEW_PASSWORD = "een heel nieuw wachtwoord"

USERS = {
    "student": ("sanne", "Sanne", ("student",)),
    "other_student": ("sem", "Sem", ("student",)),
    "owner": ("eigenaar", "Eva Eigenaar", ("teacher",)),
    "co_teacher": ("collega", "Cas Collega", ("teacher",)),
    "other_teacher": ("andere", "Ali Andere", ("teacher",)),
    "trainer": ("trainer", "Tess Trainer", ("trainer",)),
    "other_trainer": ("trainer2", "Tom Trainer", ("trainer",)),
    "admin": ("beheer", "Bo Beheer", ("admin",)),
    "former": ("vorige", "Vera Vorige", ("teacher",)),
}



# --- the world ----------------------------------------------------------------------------------


@dataclass
class World:
    ids: dict[str, int]  # role -> user id
    class_a: int
    class_b: int
    join_code_a: str
    join_code_b: str
    quiz_slug: str
    question_id: str
    lesson_slug: str  # a lesson with an assignment
    session_slug: str  # a train-the-trainer session
    tokens: dict[str, str]  # "student" / "other_student" -> submitted attempt token
    submissions: dict[str, int]  # "student" / "other_student" -> submission id
    class_former: int  # archived; S1 was in it last year, taught by the former teacher
    former_work: tuple[str, int]  # S1's attempt token and submission id made in that class
    scans: dict[str, int]  # "owner" / "other_teacher" -> completed scan id
    cohorts: dict[str, int]  # "trainer" / "other_trainer" -> cohort id
    invite_code: str  # of the trainer's cohort
    invitations: dict[str, int]  # "own": class A invites the other teacher; "foreign": class B invites the owner
    moves: dict[str, int]  # "own": S1 asks to move from A to B; "foreign": S2 from B to A
    live: dict[str, object]  # class A's live lesson: its "session" id, "room" code, a "choice" for its first item
    # "own" / "foreign" -> image, peer task, peer feedback and share link objects (tests/assignment_world.py)
    assignment_objects: dict[str, dict[str, object]] = field(default_factory=dict)


def _completed_scan(teacher: User) -> int:
    instrument = catalog().tpack
    scan = TpackScan(teacher_id=teacher.id, instrument_version=instrument.version, completed_at=utcnow())
    scan.answers = [TpackAnswer(statement_id=sid, value=3) for sid in instrument.statement_ids]
    db.session.add(scan)
    db.session.commit()
    return scan.id


def build_world(app: Flask) -> World:
    with app.app_context():
        people = {
            role: accounts.create_user(username, name, PASSWORD, roles=roles)
            for role, (username, name, roles) in USERS.items()
        }
        db.session.commit()
        content = catalog()
        quiz = next(iter(content.quizzes.values()))
        lesson = next(lesson for lesson in content.lessons.values() if lesson.assignment)
        # Last year S1 was in the former teacher's class, made work there; the class is archived now.
        class_former = accounts.create_class(people["former"], "MV1A", "2025-2026")
        accounts.enrol(class_former, people["student"])
        db.session.commit()
        earlier = attempts.start_attempt(people["student"], quiz, preview=False)
        assert attempts.submit_attempt(people["student"].id, earlier.token, quiz, right_answers(quiz))
        former_submission = progress.hand_in(people["student"].id, lesson.slug, "Het werk van vorig jaar.")
        progress.review(former_submission, people["former"].id, "needs_work", "Feedback van vorig jaar.")
        former_work = (earlier.token, former_submission.id)
        accounts.archive_class(class_former)

        class_a = accounts.create_class(people["owner"], "MV2A", "2026-2027")
        class_a.teachers.append(ClassTeacher(teacher=people["co_teacher"], is_owner=False))
        accounts.enrol(class_a, people["student"])
        class_b = accounts.create_class(people["other_teacher"], "MV2B", "2026-2027")
        accounts.enrol(class_b, people["other_student"])
        db.session.commit()

        tokens, submissions = {}, {}
        for role in ("student", "other_student"):
            person = people[role]
            attempt = attempts.start_attempt(person, quiz, preview=False)
            assert attempts.submit_attempt(person.id, attempt.token, quiz, right_answers(quiz))
            tokens[role] = attempt.token
            submissions[role] = progress.hand_in(person.id, lesson.slug, f"Het werk van {person.display_name}.").id

        scans = {role: _completed_scan(people[role]) for role in ("owner", "other_teacher")}
        own = cohorts.create_cohort(people["trainer"], "Groep najaar", date(2026, 9, 1), date(2026, 12, 1))
        cohorts.join_cohort(people["co_teacher"], own.invite_code)
        theirs = cohorts.create_cohort(people["other_trainer"], "Groep voorjaar", date(2027, 2, 1), date(2027, 6, 1))
        co_teachers.invite(class_a, USERS["other_teacher"][0], people["owner"])
        co_teachers.invite(class_b, USERS["owner"][0], people["other_teacher"])
        assert membership.join(people["student"], class_b) == "requested"
        assert membership.join(people["other_student"], class_a) == "requested"
        invitations = {
            side: db.session.scalar(select(CoTeacherInvitation.id).where(CoTeacherInvitation.class_id == class_id))
            for side, class_id in (("own", class_a.id), ("foreign", class_b.id))
        }
        moves = {
            side: db.session.scalar(select(ClassMove.id).where(ClassMove.from_class_id == class_id))
            for side, class_id in (("own", class_a.id), ("foreign", class_b.id))
        }
        live_session = live_sessions.start(people["owner"].id, class_a.id, lesson.slug, content)
        first = live_sessions.resolve(content, lesson.slug, live_session.items[0])
        live = {"session": live_session.id, "room": live_session.room_code, "choice": first.options[0].id}
        assignment_objects = build_assignment_objects(app, people, class_a, lesson.slug, submissions)
        return World(
            ids={role: person.id for role, person in people.items()},
            class_a=class_a.id,
            class_b=class_b.id,
            join_code_a=class_a.join_code,
            join_code_b=class_b.join_code,
            quiz_slug=quiz.slug,
            question_id=quiz.questions[0].id,
            lesson_slug=lesson.slug,
            session_slug=min(content.trainer_sessions, key=lambda s: s.number).slug,
            tokens=tokens,
            submissions=submissions,
            scans=scans,
            cohorts={"trainer": own.id, "other_trainer": theirs.id},
            invite_code=own.invite_code,
            class_former=class_former.id,
            former_work=former_work,
            invitations=invitations,
            moves=moves,
            live=live,
            assignment_objects=assignment_objects,
        )



def log_in(client: FlaskClient, role: str) -> None:
    if role == "anonymous":
        return
    token = csrf_token(client, "/login")
    response = client.post("/login", data={"username": USERS[role][0], "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302, f"{role} could not log in"


# --- rendered HTML ------------------------------------------------------------------------------

URL_ATTRIBUTES = frozenset(
    {"href", "src", "action", "formaction", "srcset", "poster", "data", "xlink:href", "background", "cite"}
)
# Browsers drop ASCII tab and newline anywhere in a URL, and leading control characters and spaces.
_URL_NOISE = dict.fromkeys(range(0x21), None)
DANGEROUS_SCHEMES = ("javascript:", "data:", "vbscript:")
RUNNING_TAGS = frozenset({"script", "iframe", "frame", "object", "embed", "applet", "base"})


class _Tags(HTMLParser):
    """Every start tag with its attributes, as a browser would read them (entities decoded)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, [(name, value or "") for name, value in attrs]))


def tags_of(html: str) -> list[tuple[str, list[tuple[str, str]]]]:
    parser = _Tags()
    parser.feed(html)
    parser.close()
    return parser.tags


def url_values(name: str, value: str) -> list[str]:
    if name == "srcset":
        return [part.strip().split(" ")[0] for part in value.split(",") if part.strip()]
    return [value]


def executable_markup(html: str) -> list[str]:
    """What a browser could run from this page: script-like tags, on*= handlers, javascript: or
    data: URLs, a meta refresh. Empty when there is nothing."""
    found = []
    for tag, attrs in tags_of(html):
        if tag in RUNNING_TAGS:
            found.append(f"<{tag}> element")
        if tag == "meta" and any(n == "http-equiv" and v.lower() == "refresh" for n, v in attrs):
            found.append("<meta http-equiv=refresh>")
        for name, value in attrs:
            if name.startswith("on"):
                found.append(f"<{tag} {name}=...> event handler")
            if name in URL_ATTRIBUTES:
                for url in url_values(name, value):
                    plain = url.translate(_URL_NOISE).lower()
                    if plain.startswith(DANGEROUS_SCHEMES):
                        found.append(f"<{tag} {name}={url!r}>")
    return found


def inline_code(html: str) -> list[str]:
    """Inline script, <style> blocks, style= and on*= attributes: a strict CSP refuses them."""
    found = []
    for tag, attrs in tags_of(html):
        names = {name for name, _ in attrs}
        if tag == "script" and "src" not in names:
            found.append("inline <script>")
        if tag == "style":
            found.append("<style> element")
        found += [f"<{tag} {name}=...>" for name in names if name == "style" or name.startswith("on")]
    return found


def other_hosts(html: str, own_host: str = "localhost") -> list[str]:
    """Hosts other than the app's that a src, href, action (or the like) on the page points at."""
    found = []
    for tag, attrs in tags_of(html):
        for name, value in attrs:
            if name not in URL_ATTRIBUTES:
                continue
            for url in url_values(name, value):
                host = urlsplit(url.strip()).hostname
                if host and host != own_host:
                    found.append(f"<{tag} {name}={url!r}>")
    return found
