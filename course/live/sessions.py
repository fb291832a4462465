"""A live lesson from start to end. No Flask in here.

The teacher starts a session for a class and a lesson; the items are the lesson's statements,
then its quiz questions of the kinds a phone answers with one tap (single choice, true/false) or a
few (multiple response). Students of the class answer the current item and may change their answer
until the teacher reveals the spread. Every change the board or a phone must follow bumps
``version``. When the session ends, only the totals per option stay with the class; the answers,
which name who gave them, are deleted. A session left open stops counting after ``MAX_AGE``; the
next start or the hourly `privacy purge` ends it (reading a page changes nothing).
"""

from __future__ import annotations

import secrets
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Integer, and_, bindparam, delete, func, select, text, update
from sqlalchemy.engine import Engine

from ..content.catalog import Catalog
from ..core.driver_select import DriverSelect
from ..core.extensions import db
from ..models import Enrolment, LiveAnswer, LiveSession, LiveTotal, utcnow

ROOM_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # nothing that reads as another on a projector
ROOM_LENGTH = 6
MAX_AGE = timedelta(hours=4)
QUESTION_KINDS = ("single", "truefalse", "multiple")


class LiveError(Exception):
    """Why an action cannot be done now, in Dutch for the person who tried."""


MOVED_ON = "De klas is al bij een andere stelling. Kijk op het bord."
REVEALED = "De uitslag is al getoond. Je kunt niet meer kiezen bij deze stelling."


@dataclass(frozen=True)
class Option:
    id: str
    text: str
    explanation: str
    correct: bool | None = None  # quiz questions have a right answer; statements do not
    misconception: str | None = None


@dataclass(frozen=True)
class Item:
    key: str
    text: str
    options: tuple[Option, ...]
    multiple: bool
    discussion: str | None


def item_keys(catalog: Catalog, lesson_slug: str) -> list[str]:
    keys = []
    moment = catalog.live.get(lesson_slug)
    if moment is not None:
        keys += [f"statement:{statement.id}" for statement in moment.statements]
    lesson = catalog.lessons.get(lesson_slug)
    quiz = catalog.quiz_for(lesson) if lesson else None
    if quiz is not None:
        keys += [f"question:{quiz.slug}:{q.id}" for q in quiz.questions if q.kind in QUESTION_KINDS]
    return keys


def resolve(catalog: Catalog, lesson_slug: str, key: str) -> Item | None:
    """The item a key names in the content as it is now (None when an edit removed it)."""
    kind, _, rest = key.partition(":")
    if kind == "statement":
        moment = catalog.live.get(lesson_slug)
        statement = next((s for s in moment.statements if s.id == rest), None) if moment else None
        if statement is None:
            return None
        options = tuple(Option(o.id, o.text, o.explanation, None, o.misconception) for o in statement.options)
        return Item(key, statement.text, options, False, statement.discussion)
    if kind == "question":
        quiz_slug, _, question_id = rest.partition(":")
        quiz = catalog.quizzes.get(quiz_slug)
        question = quiz.question(question_id) if quiz else None
        if question is None or question.kind not in QUESTION_KINDS:
            return None
        options = tuple(Option(o.id, o.text, o.feedback, o.correct, o.misconception) for o in question.options)
        return Item(key, question.text, options, question.kind == "multiple", None)
    return None


# --- sessions -----------------------------------------------------------------------------------


def _room_code() -> str:
    while True:
        code = "".join(secrets.choice(ROOM_ALPHABET) for _ in range(ROOM_LENGTH))
        taken = db.session.scalar(
            select(LiveSession.id).where(LiveSession.room_code == code, LiveSession.ended_at.is_(None))
        )
        if taken is None:
            return code


def start(teacher_id: int, class_id: int, lesson_slug: str, catalog: Catalog) -> LiveSession:
    keys = item_keys(catalog, lesson_slug)
    if not keys:
        raise LiveError("Deze les heeft geen stellingen of quizvragen voor een live-les.")
    end_stale(catalog)
    for running_now in db.session.scalars(
        select(LiveSession).where(LiveSession.class_id == class_id, LiveSession.ended_at.is_(None))
    ):
        end(running_now, catalog)  # one live lesson per class at a time: the new one replaces the old
    session = LiveSession(
        class_id=class_id, teacher_id=teacher_id, lesson_slug=lesson_slug, room_code=_room_code(), items=keys
    )
    db.session.add(session)
    db.session.commit()
    return session


def running(session: LiveSession | None) -> LiveSession | None:
    """The session if it still runs. One left open past ``MAX_AGE`` no longer counts; it is ended
    (its answers deleted) by the next start or by `privacy purge`, never by a page being read."""
    if session is None or session.ended_at is not None or session.started_at < utcnow() - MAX_AGE:
        return None
    return session


def by_code(code: str) -> LiveSession | None:
    code = "".join(ch for ch in (code or "").upper() if ch.isalnum())[:ROOM_LENGTH]
    return running(
        db.session.scalar(
            select(LiveSession).where(LiveSession.room_code == code, LiveSession.ended_at.is_(None)).limit(1)
        )
    )


def for_student(student_id: int) -> LiveSession | None:
    """A live lesson running in one of the student's classes, for the banner on the dashboard."""
    return running(
        db.session.scalar(
            select(LiveSession)
            .join(Enrolment, Enrolment.class_id == LiveSession.class_id)
            .where(Enrolment.student_id == student_id, LiveSession.ended_at.is_(None))
            .order_by(LiveSession.started_at.desc())
            .limit(1)
        )
    )


@dataclass(frozen=True)
class Seat:
    """A running room as one person sees it: is the person in the room's class, and what did
    they choose for the item on the board."""

    session: LiveSession
    member: bool
    chosen: list[str]


# Built once: a class answering at once loads this sixty times in a few seconds, and building
# the statement costs about as much as running it.
_SEAT = (
    select(LiveSession, Enrolment.id, LiveAnswer.choice)
    .outerjoin(
        Enrolment, and_(Enrolment.class_id == LiveSession.class_id, Enrolment.student_id == bindparam("user_id"))
    )
    .outerjoin(
        LiveAnswer,
        and_(
            LiveAnswer.session_id == LiveSession.id,
            LiveAnswer.position == LiveSession.position,
            LiveAnswer.user_id == bindparam("user_id"),
        ),
    )
    .where(LiveSession.room_code == bindparam("code"), LiveSession.ended_at.is_(None))
    .limit(1)
)


def seat(code: str, user_id: int) -> Seat | None:
    """The running session of a room code with the person's membership and answer, in one query."""
    code = "".join(ch for ch in (code or "").upper() if ch.isalnum())[:ROOM_LENGTH]
    row = db.session.execute(_SEAT, {"code": code, "user_id": user_id}).first()
    if row is None or running(row[0]) is None:
        return None
    return Seat(row[0], row[1] is not None, list(row[2] or []))


# Built once: every phone polls this every two seconds, and building the statement costs more than
# running it. A plain connection (no ORM session) keeps the poll close to /healthz.
_STATE_VERSION = (
    select(LiveSession.id, LiveSession.version, LiveSession.ended_at)
    .where(LiveSession.room_code == bindparam("code"))
    .order_by(LiveSession.id.desc())
    .limit(1)
)


# On the driver's cursor: SQLAlchemy's execution path costs several times the indexed read itself.
_STATE_VERSION_READ = DriverSelect(_STATE_VERSION)


def state_version(code: str, engine: Engine | None = None) -> tuple[int, int, bool] | None:
    """(session id, version, ended) for a room code: the one cheap read every poll makes."""
    with (engine or db.engine).connect() as connection:
        row = _STATE_VERSION_READ.first_on(connection, {"code": code})
    return (row[0], row[1], row[2] is not None) if row else None


def state_tag(session_id: int, version: int) -> str:
    """The ETag of a phone's state document: changes exactly when what the phone shows may change."""
    return f"r{session_id}-{version}"


def _bump(session: LiveSession, **values: object) -> None:
    db.session.execute(
        update(LiveSession).where(LiveSession.id == session.id).values(version=LiveSession.version + 1, **values)
    )
    db.session.commit()
    db.session.refresh(session)


def closed_reason(session: LiveSession, position: int) -> str | None:
    """Why the session takes no answer for ``position`` now, or None while it does."""
    if session.ended_at is not None or position != session.position:
        return MOVED_ON
    return REVEALED if session.revealed else None


def checked_choice(session: LiveSession, position: int, choice: list[str], item: Item) -> list[str]:
    """The choice as it will be stored, or why the session does not take it now."""
    reason = closed_reason(session, position)
    if reason is not None:
        raise LiveError(reason)
    known = {option.id for option in item.options}
    choice = list(dict.fromkeys(c for c in choice if c in known))
    if not choice or (len(choice) > 1 and not item.multiple):
        raise LiveError("Kies een van de antwoorden.")
    return choice


def store_answer(session_id: int, student_id: int, position: int, choice: list[str]) -> bool:
    """Store or replace a checked answer in one statement, only while the session is still at
    ``position``, unrevealed and running: the check read the session before this transaction, and
    the teacher may have moved on since (then False). On SQLite this transaction is all a vote
    holds the write lock for, so thirty phones answering at once barely wait for each other."""
    statement = _STORE_ANSWER_LOCKED if db.session.get_bind().dialect.name == "postgresql" else _STORE_ANSWER
    stored = db.session.execute(
        statement,
        {"session_id": session_id, "position": position, "user_id": student_id, "choice": choice, "now": utcnow()},
    ).rowcount
    db.session.commit()
    return bool(stored)


# Written out because SQLAlchemy does not cache the compiled form of its dialect-specific upserts,
# and compiling it costs more than running it.
_STORE_ANSWER_SQL = (
    "INSERT INTO live_answers (session_id, position, user_id, choice, answered_at) "
    "SELECT :session_id, :position, :user_id, :choice, :now "
    "WHERE EXISTS (SELECT 1 FROM live_sessions WHERE live_sessions.id = :session_id "
    "AND live_sessions.position = :position AND NOT live_sessions.revealed AND live_sessions.ended_at IS NULL"
    "{lock}) "
    "ON CONFLICT (session_id, position, user_id) "
    "DO UPDATE SET choice = excluded.choice, answered_at = excluded.answered_at"
)
_STORE_ANSWER_PARAMETERS = (
    bindparam("session_id", type_=Integer()),
    bindparam("position", type_=Integer()),
    bindparam("user_id", type_=Integer()),
    bindparam("choice", type_=LiveAnswer.__table__.c.choice.type),
    bindparam("now", type_=LiveAnswer.__table__.c.answered_at.type),
)
# SQLite: the vote's write transaction already excludes the teacher's. PostgreSQL: the check
# shares the session's row lock, so a reveal, a next or an end in flight is waited for and the
# check then reads the row as it was committed; an answer can never land after the end has
# counted and deleted the answers.
_STORE_ANSWER = text(_STORE_ANSWER_SQL.format(lock="")).bindparams(*_STORE_ANSWER_PARAMETERS)
_STORE_ANSWER_LOCKED = text(_STORE_ANSWER_SQL.format(lock=" FOR SHARE")).bindparams(*_STORE_ANSWER_PARAMETERS)


def answered(session: LiveSession) -> int:
    return int(
        db.session.scalar(
            select(func.count())
            .select_from(LiveAnswer)
            .where(LiveAnswer.session_id == session.id, LiveAnswer.position == session.position)
        )
        or 0
    )


def spread(session: LiveSession, position: int | None = None) -> Counter[str]:
    """How many chose each option of an item (a student with several choices counts for each)."""
    counts: Counter[str] = Counter()
    for (choice,) in db.session.execute(
        select(LiveAnswer.choice).where(
            LiveAnswer.session_id == session.id,
            LiveAnswer.position == (session.position if position is None else position),
        )
    ):
        counts.update(choice or [])
    return counts


def reveal(session: LiveSession) -> None:
    if not session.revealed:
        _bump(session, revealed=True)


def step(session: LiveSession, delta: int) -> None:
    target = session.position + delta
    if not 0 <= target < len(session.items):
        raise LiveError("Er is geen stelling meer in die richting.")
    _bump(session, position=target, revealed=False)


def end(session: LiveSession, catalog: Catalog) -> None:
    """Keep the totals per option for the class; delete every answer, and with it who gave it."""
    # Lock the session's row first (PostgreSQL; SQLite's write transaction does this already): a
    # vote in flight then either lands before the answers are counted or sees the end.
    db.session.execute(select(LiveSession.id).where(LiveSession.id == session.id).with_for_update())
    db.session.refresh(session)
    if session.ended_at is not None:
        return
    for position, key in enumerate(session.items):
        counts = spread(session, position)
        item = resolve(catalog, session.lesson_slug, key)
        tags = {o.id: o.misconception for o in item.options} if item else {}
        for option_id, count in counts.items():
            db.session.add(
                LiveTotal(
                    class_id=session.class_id,
                    lesson_slug=session.lesson_slug,
                    item=key,
                    option_id=option_id,
                    count=count,
                    misconception=tags.get(option_id),
                )
            )
    db.session.execute(delete(LiveAnswer).where(LiveAnswer.session_id == session.id))
    _bump(session, ended_at=utcnow())


def end_stale(catalog: Catalog, dry_run: bool = False) -> int:
    """End the sessions left open past ``MAX_AGE``; how many there were."""
    stale = list(
        db.session.scalars(
            select(LiveSession).where(LiveSession.ended_at.is_(None), LiveSession.started_at < utcnow() - MAX_AGE)
        )
    )
    if not dry_run:
        for session in stale:
            end(session, catalog)
    return len(stale)


def misconception_totals(class_id: int) -> Counter[str]:
    """Per misconception tag, how many answers in the class's live lessons pointed at it."""
    totals: Counter[str] = Counter()
    for tag, count in db.session.execute(
        select(LiveTotal.misconception, func.sum(LiveTotal.count))
        .where(LiveTotal.class_id == class_id, LiveTotal.misconception.is_not(None))
        .group_by(LiveTotal.misconception)
    ):
        totals[tag] = int(count)
    return totals
