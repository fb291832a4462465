"""Quiz attempts: start, submit, regrade and void, without Flask.

The rules that make grades trustworthy live here, so the web views and the CLI share them:

- at most one open attempt per person and quiz (a partial unique index guarantees it; a lost race
  reloads the winner's attempt);
- a submit is one conditional UPDATE on the attempt token, so a double click, a back-button resubmit
  or a second tab never stores a second graded result;
- a grade changes later only through a deliberate regrade or a voided question, and every such
  change is written to the audit log with the old and new score and quiz version.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, Update, bindparam, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from ..accounts.identity import Person
from ..classes.membership import active_class_id
from ..content.quiz_files import Question, Quiz
from ..core.extensions import db
from ..models import AttemptItem, AuditEvent, Enrolment, QuizAttempt, SchoolClass, User, VoidedQuestion, utcnow
from . import events
from .grading import AttemptResult, QuestionResult, grade_attempt, round_score


class AttemptError(Exception):
    """A refused action, with a Dutch message a student or teacher can act on."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def new_token() -> str:
    """Unguessable: the token is in the URL of the attempt and its review."""
    return secrets.token_urlsafe(32)


def new_seed() -> int:
    """Fits the Integer column on every database."""
    return secrets.randbelow(2**31 - 1)


# -- reading --------------------------------------------------------------------------------------


def open_attempt(user_id: int, quiz_slug: str) -> QuizAttempt | None:
    return db.session.scalar(
        select(QuizAttempt).where(
            QuizAttempt.user_id == user_id, QuizAttempt.quiz_slug == quiz_slug, QuizAttempt.submitted_at.is_(None)
        )
    )


def submitted_attempts(user_id: int, quiz_slug: str) -> list[QuizAttempt]:
    """The person's submitted attempts (previews included), oldest first."""
    return list(
        db.session.scalars(
            select(QuizAttempt)
            .where(
                QuizAttempt.user_id == user_id,
                QuizAttempt.quiz_slug == quiz_slug,
                QuizAttempt.submitted_at.is_not(None),
            )
            .order_by(QuizAttempt.submitted_at, QuizAttempt.id)
        )
    )


def attempts_used(user_id: int, quiz_slug: str) -> int:
    """Submitted attempts that count towards the limit; previews never do."""
    return db.session.scalar(
        select(func.count(QuizAttempt.id)).where(
            QuizAttempt.user_id == user_id,
            QuizAttempt.quiz_slug == quiz_slug,
            QuizAttempt.submitted_at.is_not(None),
            QuizAttempt.is_preview.is_(False),
        )
    ) or 0


# The statements a hand-in and its result page run, built once with parameters: building a
# statement and its cache key costs more of the app's CPU than the database needs to run it.
_QUIZ_SLUG = bindparam("quiz_slug")
_OWNED_WHERE = (
    QuizAttempt.token == bindparam("token"),
    QuizAttempt.user_id == bindparam("user_id"),
    QuizAttempt.quiz_slug == _QUIZ_SLUG,
)
_OWNED = select(QuizAttempt).where(*_OWNED_WHERE)
_VOIDED = select(VoidedQuestion.question_id).where(
    VoidedQuestion.class_id == bindparam("class_id"), VoidedQuestion.quiz_slug == _QUIZ_SLUG
)
_to_hand_in: dict[tuple[object, ...], Select[Any]] = {}


def owned_attempt(user_id: int, quiz_slug: str, token: str) -> QuizAttempt | None:
    """The attempt with this token, only when it is this person's attempt of this quiz."""
    return db.session.scalar(_OWNED, {"token": token, "user_id": user_id, "quiz_slug": quiz_slug})


@dataclass(frozen=True)
class HandIn:
    """An attempt about to be handed in, with what grading and storing it need to know."""

    attempt: QuizAttempt
    voided: frozenset[str]  # questions voided for the attempt's class
    heard: bool  # does any feature listen for this hand-in (quizzes.events)?


def attempt_to_hand_in(user_id: int, quiz_slug: str, token: str) -> HandIn | None:
    """Like ``owned_attempt``, with the questions voided for its class and whether any feature
    listens for its hand-in (a platform grade column for its class), read in the same statement."""
    listening = events.listeners()
    statement = _to_hand_in.get(listening)
    if statement is None:
        _to_hand_in.clear()
        statement = _to_hand_in[listening] = _with_voided(events.interest(_QUIZ_SLUG, QuizAttempt.class_id))
    rows = _owned_rows(statement, user_id, quiz_slug, token)
    return HandIn(rows[0][0], _voided_in(rows), bool(rows[0][2])) if rows else None


def attempt_with_voided(user_id: int, quiz_slug: str, token: str) -> tuple[QuizAttempt, frozenset[str]] | None:
    """``owned_attempt`` and the questions voided for its class (for its review), in one statement."""
    rows = _owned_rows(_OWNED_WITH_VOIDED, user_id, quiz_slug, token)
    return (rows[0][0], _voided_in(rows)) if rows else None


def _with_voided(*extra: Any) -> Select[Any]:
    """Rows of the owner's attempt, a question voided for its class and ``extra`` columns: one row
    per voided question, or one row when there is none."""
    return (
        select(QuizAttempt, VoidedQuestion.question_id, *extra)
        .outerjoin(
            VoidedQuestion,
            (VoidedQuestion.class_id == QuizAttempt.class_id) & (VoidedQuestion.quiz_slug == QuizAttempt.quiz_slug),
        )
        .where(*_OWNED_WHERE)
    )


_OWNED_WITH_VOIDED = _with_voided()


def _owned_rows(statement: Select[Any], user_id: int, quiz_slug: str, token: str) -> list[Any]:
    return list(db.session.execute(statement, {"token": token, "user_id": user_id, "quiz_slug": quiz_slug}))


def _voided_in(rows: list[Any]) -> frozenset[str]:
    return frozenset(row[1] for row in rows if row[1] is not None)


def voided_question_ids(class_id: int | None, quiz_slug: str) -> frozenset[str]:
    """Questions voided for the class an attempt was made in: only its attempts get those points."""
    if class_id is None:
        return frozenset()
    return frozenset(db.session.scalars(_VOIDED, {"class_id": class_id, "quiz_slug": quiz_slug}))


def voided_in_class(class_id: int, quiz_slug: str) -> set[str]:
    return set(
        db.session.scalars(
            select(VoidedQuestion.question_id).where(
                VoidedQuestion.class_id == class_id, VoidedQuestion.quiz_slug == quiz_slug
            )
        )
    )


def class_attempts(class_id: int, quiz_slug: str) -> list[QuizAttempt]:
    """Submitted attempts made in this class by its students, oldest first."""
    return list(
        db.session.scalars(
            select(QuizAttempt)
            .join(Enrolment, Enrolment.student_id == QuizAttempt.user_id)
            .where(
                Enrolment.class_id == class_id,
                QuizAttempt.class_id == class_id,
                QuizAttempt.quiz_slug == quiz_slug,
                QuizAttempt.submitted_at.is_not(None),
            )
            .order_by(QuizAttempt.submitted_at, QuizAttempt.id)
        )
    )


# -- start and submit -----------------------------------------------------------------------------


def start_attempt(user: Person, quiz: Quiz, preview: bool) -> QuizAttempt:
    """The one open attempt of this person on this quiz, created when there is none.

    A second tab or a double click gets the same attempt back. Previews (staff trying a quiz)
    have no limit and never count.
    """
    existing = open_attempt(user.id, quiz.slug)
    if existing is not None:
        return existing
    limit = quiz.policy.max_attempts
    if not preview and limit is not None and attempts_used(user.id, quiz.slug) >= limit:
        raise AttemptError(
            f"Je hebt alle {limit} pogingen voor deze quiz al gebruikt. Je kunt hem niet nog een keer maken. "
            "Bekijk hieronder wat je bij je pogingen goed en fout had."
        )
    attempt = QuizAttempt(
        user_id=user.id,
        quiz_slug=quiz.slug,
        quiz_version=quiz.version,
        class_id=None if preview else active_class_id(user.id),
        token=new_token(),
        seed=new_seed(),
        is_preview=preview,
    )
    db.session.add(attempt)
    try:
        db.session.commit()
    except IntegrityError:
        # Another request started this quiz at the same moment; the index let only one through.
        db.session.rollback()
        existing = open_attempt(user.id, quiz.slug)
        if existing is None:
            raise
        return existing
    return attempt


def submit_attempt(user_id: int, token: str, quiz: Quiz, answers: Mapping[str, Any]) -> bool:
    """Grade and store the answers; False when this token was submitted before (nothing changes)."""
    class_id = db.session.scalar(select(QuizAttempt.class_id).where(QuizAttempt.token == token))
    return store_submission(user_id, token, quiz, answers, grade_submission(class_id, quiz, answers))


def grade_submission(
    class_id: int | None, quiz: Quiz, answers: Mapping[str, Any], voided: frozenset[str] | None = None
) -> AttemptResult:
    """The grade of these answers in the attempt's class (questions voided there count for nothing;
    ``voided``: those questions when read already, see ``attempt_to_hand_in``).
    Only reads: a web request grades before it takes SQLite's write lock."""
    if voided is None:
        voided = voided_question_ids(class_id, quiz.slug)
    return grade_attempt(quiz, answers, voided)


_HAND_IN: Update = (
    update(QuizAttempt)
    .where(
        QuizAttempt.token == bindparam("attempt_token"),
        QuizAttempt.user_id == bindparam("owner_id"),
        QuizAttempt.submitted_at.is_(None),
    )
    # Parameter names differ from the columns': SQLAlchemy keeps those for itself.
    .values(
        submitted_at=bindparam("now"),
        answers=bindparam("given_answers"),
        score=bindparam("graded_score"),
        max_score=bindparam("graded_max"),
        quiz_version=bindparam("graded_version"),
        saved_answers=None,  # the submitted answers take their place
    )
    .returning(QuizAttempt.id, QuizAttempt.class_id)
)
_ITEMS = insert(AttemptItem.__table__)


def store_submission(
    user_id: int, token: str, quiz: Quiz, answers: Mapping[str, Any], result: AttemptResult, heard: bool = True
) -> bool:
    """Store graded answers; False when this token was submitted before (nothing changes).

    ``quiz`` is the version the student had on screen and the file holds now (the submit view
    makes sure of both; docs/authoring.md); it is stored with the grade, also when the attempt was
    started on an earlier version. ``heard``: False when ``attempt_to_hand_in`` found that no
    feature listens for this hand-in; then none is told.
    """
    # One conditional UPDATE decides whether this is the first submit; RETURNING hands back what
    # the items need, so no second look at the row.
    stored = db.session.execute(
        _HAND_IN,
        {
            "attempt_token": token,
            "owner_id": user_id,
            "now": utcnow(),
            "given_answers": dict(answers),
            "graded_score": round_score(result.score),
            "graded_max": result.max_score,
            "graded_version": quiz.version,
        },
        execution_options={"synchronize_session": False},
    ).first()
    if stored is None:
        db.session.rollback()
        return False
    attempt_id, class_id = stored
    # All items in one INSERT, straight to the table: the ORM's unit of work, and even its bulk
    # insert, would cost more here than the statement itself.
    db.session.execute(_ITEMS, item_values(attempt_id, quiz, result))
    db.session.commit()
    if heard:
        events.announce(quiz.slug, [(user_id, class_id)])
    return True


def save_answers(user_id: int, token: str, saved: Mapping[str, Any]) -> bool:
    """Keep the choices on screen with the owner's open attempt; False when it is not open (any more).

    Only the owner's token matches, and a submitted attempt is never changed: a save that arrives
    after the submit (a slow autosave) does nothing.
    """
    changed = db.session.execute(
        update(QuizAttempt)
        .where(QuizAttempt.token == token, QuizAttempt.user_id == user_id, QuizAttempt.submitted_at.is_(None))
        .values(saved_answers=dict(saved) or None),
        execution_options={"synchronize_session": False},
    ).rowcount
    db.session.commit()
    return bool(changed)


def item_values(attempt_id: int, quiz: Quiz, result: AttemptResult) -> list[dict[str, Any]]:
    """One attempt_items row per question, as plain column values."""
    rows = []
    for position, question in enumerate(quiz.questions, start=1):
        outcome = result.per_question[question.id]
        rows.append(
            {
                "attempt_id": attempt_id,
                "question_id": question.id,
                "position": position,
                "score": round_score(outcome.score),
                "max_score": outcome.max,
                "chosen": stored_choices(question, outcome),
                "misconceptions": sorted({tag for tag in outcome.wrong.values() if tag}),
            }
        )
    return rows


def item_rows(attempt_id: int, quiz: Quiz, result: AttemptResult) -> list[AttemptItem]:
    return [AttemptItem(**values) for values in item_values(attempt_id, quiz, result)]


def stored_choices(question: Question, outcome: QuestionResult) -> list[str]:
    """What item analysis counts: the chosen options, or for ordering and matching the wrongly
    placed items and wrongly matched pairs (see the AttemptItem model)."""
    if question.kind == "ordering":
        right = [item.id for item in question.items]
        return [item_id for n, item_id in enumerate(outcome.chosen) if n >= len(right) or right[n] != item_id]
    if question.kind == "matching":
        return list(outcome.wrong)
    return list(outcome.chosen)


# -- regrade and void -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RegradeChange:
    """One submitted attempt graded again under the current quiz."""

    attempt_id: int
    username: str
    is_preview: bool
    old_score: Decimal | None
    new_score: Decimal
    old_max: int | None
    new_max: int
    old_version: str
    new_version: str

    @property
    def changed(self) -> bool:
        return (self.old_score, self.old_max, self.old_version) != (self.new_score, self.new_max, self.new_version)

    def details(self, quiz_slug: str) -> dict[str, Any]:
        return {
            "quiz": quiz_slug,
            "attempt": self.attempt_id,
            "student": self.username,
            "old_score": None if self.old_score is None else str(self.old_score),
            "new_score": str(self.new_score),
            "old_max": self.old_max,
            "new_max": self.new_max,
            "old_version": self.old_version,
            "new_version": self.new_version,
        }


def _regrade(quiz: Quiz, attempts: Sequence[QuizAttempt]) -> list[tuple[QuizAttempt, AttemptResult, RegradeChange]]:
    user_ids = {a.user_id for a in attempts}
    usernames = dict(db.session.execute(select(User.id, User.username).where(User.id.in_(user_ids))).tuples().all())
    voided: dict[int | None, frozenset[str]] = {}
    plans = []
    for attempt in attempts:
        if attempt.class_id not in voided:
            voided[attempt.class_id] = voided_question_ids(attempt.class_id, quiz.slug)
        result = grade_attempt(quiz, attempt.answers or {}, voided[attempt.class_id])
        change = RegradeChange(
            attempt_id=attempt.id,
            username=usernames.get(attempt.user_id, "?"),
            is_preview=attempt.is_preview,
            old_score=attempt.score,
            new_score=round_score(result.score),
            old_max=attempt.max_score,
            new_max=result.max_score,
            old_version=attempt.quiz_version,
            new_version=quiz.version,
        )
        plans.append((attempt, result, change))
    return plans


def all_submitted(quiz_slug: str) -> list[QuizAttempt]:
    return list(
        db.session.scalars(
            select(QuizAttempt)
            .where(QuizAttempt.quiz_slug == quiz_slug, QuizAttempt.submitted_at.is_not(None))
            .order_by(QuizAttempt.submitted_at, QuizAttempt.id)
        )
    )


def plan_regrade(quiz: Quiz, attempts: Sequence[QuizAttempt] | None = None) -> list[RegradeChange]:
    """Old and new score of every submitted attempt under the current quiz; changes nothing."""
    return [change for _, _, change in _regrade(quiz, all_submitted(quiz.slug) if attempts is None else attempts)]


def _apply(quiz: Quiz, attempts: Sequence[QuizAttempt]) -> list[RegradeChange]:
    """Store new grades and items for the attempts whose grade or version changes (no commit)."""
    changes = []
    for attempt, result, change in _regrade(quiz, attempts):
        changes.append(change)
        if not change.changed:
            continue
        attempt.score = change.new_score
        attempt.max_score = change.new_max
        attempt.quiz_version = change.new_version
        # Delete first in its own statement: the unit of work would insert before deleting and
        # trip the (attempt, question) unique constraint.
        db.session.execute(delete(AttemptItem).where(AttemptItem.attempt_id == attempt.id))
        db.session.expire(attempt, ["items"])
        db.session.add_all(item_rows(attempt.id, quiz, result))
    db.session.flush()
    return changes


def _audit(actor: Person, action: str, object_type: str, object_id: int | None, details: dict[str, Any]) -> None:
    db.session.add(
        AuditEvent(
            actor_id=actor.id,
            actor_name=actor.username,
            action=action,
            object_type=object_type,
            object_id=object_id,
            details=details,
        )
    )


def can_regrade(user: Person | None) -> bool:
    return user is not None and (user.is_teacher or user.is_admin)


def apply_regrade(quiz: Quiz, actor: Person) -> list[RegradeChange]:
    """Regrade every submitted attempt under the current quiz; one audit event per changed attempt."""
    if not can_regrade(actor):
        raise AttemptError(f"{actor.username} is geen docent of beheerder en mag niet opnieuw nakijken.")
    attempts = all_submitted(quiz.slug)
    changes = _apply(quiz, attempts)
    for change in changes:
        if change.changed:
            _audit(actor, "quiz.regrade", "quiz_attempt", change.attempt_id, change.details(quiz.slug))
    db.session.commit()
    events.announce(quiz.slug, _students_changed(attempts, changes))
    return changes


def _students_changed(attempts: Sequence[QuizAttempt], changes: Sequence[RegradeChange]) -> set[tuple[int, int | None]]:
    changed = {change.attempt_id for change in changes if change.changed}
    return {(a.user_id, a.class_id) for a in attempts if a.id in changed and not a.is_preview}


def void_question(actor: Person, school_class: SchoolClass, quiz: Quiz, question_id: str) -> list[RegradeChange]:
    """Take a question out of the quiz for one class: the class's attempts get its points."""
    return _set_void(actor, school_class, quiz, question_id, voided=True)


def unvoid_question(actor: Person, school_class: SchoolClass, quiz: Quiz, question_id: str) -> list[RegradeChange]:
    """Undo a void: the class's attempts are graded on the question again."""
    return _set_void(actor, school_class, quiz, question_id, voided=False)


def _set_void(
    actor: User, school_class: SchoolClass, quiz: Quiz, question_id: str, voided: bool
) -> list[RegradeChange]:
    if quiz.question(question_id) is None:
        raise AttemptError("Deze vraag staat niet (meer) in de quiz.")
    row = db.session.scalar(
        select(VoidedQuestion).where(
            VoidedQuestion.class_id == school_class.id,
            VoidedQuestion.quiz_slug == quiz.slug,
            VoidedQuestion.question_id == question_id,
        )
    )
    if voided and row is not None:
        raise AttemptError("Deze vraag is al vervallen voor deze klas.")
    if not voided and row is None:
        raise AttemptError("Deze vraag is niet vervallen voor deze klas.")
    if voided:
        db.session.add(
            VoidedQuestion(class_id=school_class.id, quiz_slug=quiz.slug, question_id=question_id, voided_by=actor.id)
        )
    else:
        db.session.delete(row)
    db.session.flush()
    # Graded under the current quiz, like the regrade command; the audit event keeps both versions.
    attempts = class_attempts(school_class.id, quiz.slug)
    changes = _apply(quiz, attempts)
    _audit(
        actor,
        "quiz.void" if voided else "quiz.unvoid",
        "school_class",
        school_class.id,
        {
            "quiz": quiz.slug,
            "question": question_id,
            "class": school_class.name,
            "regraded": [change.details(quiz.slug) for change in changes if change.changed],
        },
    )
    db.session.commit()
    events.announce(quiz.slug, _students_changed(attempts, changes))
    return changes
