"""The student's path through the module, and the rows that record it. No Flask in here.

Progress is only rows (lessons done, drafts, submissions, reviews, quiz attempts), so it survives
logging out; "where the student was" is derived from the newest of those rows, never stored on a
page view. Staff walk through lessons as a preview: nothing they do is stored (``counts_for``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..accounts.identity import Person
from ..classes.membership import active_class_id
from ..content.catalog import Catalog
from ..content.lesson_files import Lesson
from ..content.render import render_user_text
from ..core.audit import record
from ..core.driver_select import DriverSelect
from ..core.extensions import db
from ..models import (
    REVIEW_STATUSES,
    AssignmentDraft,
    LessonProgress,
    QuizAttempt,
    Review,
    RubricScore,
    Submission,
    User,
    utcnow,
)
from ..quizzes.results import QuizStanding, standings

# Reading a lesson: DONE means the student marked it read ("gelezen"), nothing more.
NOT_STARTED, BUSY, DONE = "not_started", "busy", "done"
STATUS_LABELS = {NOT_STARTED: "Nog niet begonnen", BUSY: "Bezig", DONE: "Gelezen"}
# The whole lesson: read, assignment handed in, quiz passed ("afgerond"); see ``is_finished``.
FINISHED = "finished"
STAGE_LABELS = {**STATUS_LABELS, FINISHED: "Afgerond"}
FINISHED_MEANS = "Afgerond: les gelezen, opdracht ingeleverd en quiz gehaald."
# A sign beside each label, so that no status is told by colour alone.
STAGE_ICONS = {NOT_STARTED: "○", BUSY: "◔", DONE: "◑", FINISHED: "✓"}

# Assignment states, in the order a student goes through them.
TODO, DRAFT, HANDED_IN, APPROVED, NEEDS_WORK = "todo", "draft", "handed_in", "approved", "needs_work"
ASSIGNMENT_LABELS = {
    TODO: "Nog niet gemaakt",
    DRAFT: "Concept",
    HANDED_IN: "Ingeleverd",
    APPROVED: "Goedgekeurd",
    NEEDS_WORK: "Moet beter",
}
OPEN_ASSIGNMENT = frozenset({TODO, DRAFT, NEEDS_WORK})
ASSIGNMENT_ICONS = {TODO: "○", DRAFT: "✎", HANDED_IN: "➜", APPROVED: "✓", NEEDS_WORK: "!"}
ASSIGNMENT_IN = frozenset({HANDED_IN, APPROVED})  # handed in and not sent back: counts as done
MAX_TEXT_LENGTH = 20_000


class ProgressError(Exception):
    """A rule was broken; ``field`` names the form field the Dutch message belongs to."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def counts_for(user: Person) -> bool:
    """Only students' work is stored; teachers, trainers and admins see a preview that leaves no rows."""
    return user.is_student and not user.is_staff


def normalise_text(text: str | None) -> str:
    """Same text, same bytes: browsers send CRLF, and trailing blank space is never meant."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").rstrip()


# --- the overview ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LessonState:
    lesson: Lesson
    status: str
    assignment_status: str | None  # None: the lesson has no assignment
    quiz: QuizStanding | None  # None: no quiz, or not taken yet
    last_activity: datetime | None

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def assignment_label(self) -> str | None:
        return ASSIGNMENT_LABELS[self.assignment_status] if self.assignment_status else None

    @property
    def finished(self) -> bool:
        return is_finished(self)

    @property
    def stage(self) -> str:
        """Reading status, or FINISHED once the assignment and quiz are done too."""
        return FINISHED if self.finished else self.status

    @property
    def stage_label(self) -> str:
        return STAGE_LABELS[self.stage]

    @property
    def stage_icon(self) -> str:
        return STAGE_ICONS[self.stage]

    @property
    def assignment_icon(self) -> str:
        return ASSIGNMENT_ICONS[self.assignment_status] if self.assignment_status else ""

    def page_key(self) -> tuple[object, ...]:
        """All of this state the lesson page shows: pages are cached per key (see page_cache)."""
        quiz = (self.quiz.percentage, self.quiz.passed) if self.quiz else None
        return (self.status, self.assignment_status, quiz)


def is_finished(state: LessonState) -> bool:
    """The one rule for "afgerond": the lesson is read ("gelezen"), its assignment (if any) is
    handed in or approved, and its quiz (if any) is passed. Read alone is not finished."""
    if state.status != DONE:
        return False
    if state.assignment_status is not None and state.assignment_status not in ASSIGNMENT_IN:
        return False
    return state.lesson.quiz is None or (state.quiz is not None and state.quiz.passed)


@dataclass(frozen=True)
class NextStep:
    kind: Literal["lesson", "assignment", "quiz", "final_quiz", "finished"]
    lesson: Lesson | None = None
    quiz_slug: str | None = None


@dataclass(frozen=True)
class Overview:
    lessons: list[LessonState]
    next_step: NextStep
    current: LessonState | None  # the lesson of the newest activity: where the student was
    final_quiz_slug: str | None
    final: QuizStanding | None

    @property
    def read_count(self) -> int:
        return sum(state.status == DONE for state in self.lessons)

    @property
    def finished_count(self) -> int:
        return sum(state.finished for state in self.lessons)

    @property
    def needs_work(self) -> list[LessonState]:
        return [state for state in self.lessons if state.assignment_status == NEEDS_WORK]

    def state(self, slug: str) -> LessonState | None:
        return next((s for s in self.lessons if s.lesson.slug == slug), None)


def overview(student_id: int, catalog: Catalog, *, quizzes_available: bool = True) -> Overview:
    """Every lesson's state and the one next step, in a fixed number of queries."""
    progress = {
        row.lesson_slug: row
        for row in db.session.scalars(select(LessonProgress).where(LessonProgress.student_id == student_id))
    }
    drafts = {
        row.lesson_slug: row
        for row in db.session.scalars(select(AssignmentDraft).where(AssignmentDraft.student_id == student_id))
    }
    latest: dict[str, Submission] = {}
    for submission in db.session.scalars(
        select(Submission)
        .where(Submission.student_id == student_id)
        .options(selectinload(Submission.reviews))
        .order_by(Submission.version)
    ):
        latest[submission.lesson_slug] = submission
    attempt_times: dict[str, datetime] = {}
    for slug, started, submitted in db.session.execute(
        select(QuizAttempt.quiz_slug, QuizAttempt.started_at, QuizAttempt.submitted_at).where(
            QuizAttempt.user_id == student_id, QuizAttempt.is_preview.is_(False)
        )
    ):
        moment = submitted or started
        attempt_times[slug] = max(attempt_times.get(slug, moment), moment)
    quiz_standings = {slug: standing for (_, slug), standing in standings([student_id], catalog).items()}

    states = []
    for lesson in catalog.lessons.values():
        row, draft, submission = progress.get(lesson.slug), drafts.get(lesson.slug), latest.get(lesson.slug)
        has_draft = draft is not None and bool(draft.body_text.strip())
        moments = [
            row.updated_at if row else None,
            draft.updated_at if has_draft and draft else None,
            submission.submitted_at if submission else None,
            attempt_times.get(lesson.quiz) if lesson.quiz else None,
        ]
        known = [m for m in moments if m is not None]
        if row is not None and row.done_at is not None:
            status = DONE
        elif known:
            status = BUSY  # a draft, a hand-in, a quiz attempt, or a "done" that was undone
        else:
            status = NOT_STARTED
        states.append(
            LessonState(
                lesson=lesson,
                status=status,
                assignment_status=_assignment_status(lesson, has_draft, submission),
                quiz=quiz_standings.get(lesson.quiz) if lesson.quiz else None,
                last_activity=max(known) if known else None,
            )
        )
    final_quiz = catalog.final_quiz
    final = quiz_standings.get(final_quiz.slug) if final_quiz else None
    current = max((s for s in states if s.last_activity), key=lambda s: s.last_activity, default=None)
    step = next_step(states, catalog, current, final, quizzes_available=quizzes_available)
    return Overview(states, step, current, final_quiz.slug if final_quiz else None, final)


def _lesson_state_query() -> Select:
    """One statement for every scalar a lesson page needs, built once with bound parameters:
    building a statement this size costs more than running it."""
    student, slug, quiz = bindparam("student_id"), bindparam("lesson_slug"), bindparam("quiz_slug")
    mine_progress = (LessonProgress.student_id == student, LessonProgress.lesson_slug == slug)
    mine_draft = (AssignmentDraft.student_id == student, AssignmentDraft.lesson_slug == slug)
    mine_submission = (Submission.student_id == student, Submission.lesson_slug == slug)
    latest_submission = select(Submission.id).where(*mine_submission).order_by(Submission.version.desc()).limit(1)
    return select(
        select(LessonProgress.done_at).where(*mine_progress).scalar_subquery(),
        select(LessonProgress.updated_at).where(*mine_progress).scalar_subquery(),
        select(AssignmentDraft.updated_at)
        .where(*mine_draft, func.length(AssignmentDraft.body_text) > 0)
        .scalar_subquery(),
        select(func.max(Submission.submitted_at)).where(*mine_submission).scalar_subquery(),
        select(Review.status)
        .where(Review.submission_id == latest_submission.scalar_subquery())
        .order_by(Review.created_at.desc(), Review.id.desc())
        .limit(1)
        .scalar_subquery(),
        select(func.max(func.coalesce(QuizAttempt.submitted_at, QuizAttempt.started_at)))
        .where(QuizAttempt.user_id == student, QuizAttempt.quiz_slug == quiz, QuizAttempt.is_preview.is_(False))
        .scalar_subquery(),
    )


_LESSON_STATE = DriverSelect(_lesson_state_query())


def lesson_state(student_id: int, lesson: Lesson, catalog: Catalog) -> LessonState:
    """One lesson's state for its page: the same rules as ``overview``, in one small query (plus
    one for the quiz score once the quiz was taken). A lesson page is the most-read page."""
    params = {"student_id": student_id, "lesson_slug": lesson.slug, "quiz_slug": lesson.quiz or ""}
    row = _LESSON_STATE.first(params)
    assert row is not None  # a SELECT of scalar subqueries always gives one row
    done_at, progress_at, draft_at, submitted_at, review_status, attempt_at = row
    known = [m for m in (progress_at, draft_at, submitted_at, attempt_at) if m is not None]
    if done_at is not None:
        status = DONE
    elif known:
        status = BUSY
    else:
        status = NOT_STARTED
    if lesson.assignment is None:
        assignment = None
    elif submitted_at is not None:
        assignment = review_status or HANDED_IN
    else:
        assignment = DRAFT if draft_at is not None else TODO
    quiz = None
    if lesson.quiz and attempt_at is not None:
        quiz = standings([student_id], catalog, only_quiz=lesson.quiz).get((student_id, lesson.quiz))
    return LessonState(lesson, status, assignment, quiz, max(known) if known else None)


def _assignment_status(lesson: Lesson, has_draft: bool, submission: Submission | None) -> str | None:
    if lesson.assignment is None:
        return None
    if submission is not None:
        review = submission.latest_review
        return HANDED_IN if review is None else review.status
    return DRAFT if has_draft else TODO


def _quiz_open(standing: QuizStanding | None) -> bool:
    """Not passed yet and still an attempt left (a quiz you can no longer take is no next step)."""
    if standing is None:
        return True
    return not standing.passed and standing.attempts_left != 0


def next_step(
    states: list[LessonState],
    catalog: Catalog,
    current: LessonState | None,
    final: QuizStanding | None,
    *,
    quizzes_available: bool = True,
) -> NextStep:
    """Carry on where the student was; otherwise: first lesson not done -> read it; a done lesson
    whose assignment is open -> that; a lesson quiz not passed -> take it; all done -> final quiz."""

    def quiz_step(state: LessonState) -> NextStep | None:
        slug = state.lesson.quiz
        if quizzes_available and slug in catalog.quizzes and _quiz_open(state.quiz):
            return NextStep("quiz", state.lesson, slug)
        return None

    def open_step(state: LessonState) -> NextStep | None:
        if state.status != DONE:
            return NextStep("lesson", state.lesson)
        if state.assignment_status in OPEN_ASSIGNMENT:
            return NextStep("assignment", state.lesson)
        return quiz_step(state)

    if current is not None and (step := open_step(current)) is not None:
        return step
    for state in states:
        if state.status != DONE:
            return NextStep("lesson", state.lesson)
    for state in states:
        if state.assignment_status in OPEN_ASSIGNMENT:
            return NextStep("assignment", state.lesson)
    for state in states:
        if (step := quiz_step(state)) is not None:
            return step
    final_quiz = catalog.final_quiz
    if final_quiz is not None and quizzes_available and _quiz_open(final):
        return NextStep("final_quiz", None, final_quiz.slug)
    return NextStep("finished")


# --- lessons done -------------------------------------------------------------------------


def mark_done(student_id: int, slug: str, done: bool = True) -> None:
    """Idempotent: a double click, or a second tab, leaves one row with one "done" moment."""
    row = db.session.scalar(
        select(LessonProgress).where(LessonProgress.student_id == student_id, LessonProgress.lesson_slug == slug)
    )
    if row is None:
        if not done:
            return
        db.session.add(LessonProgress(student_id=student_id, lesson_slug=slug, done_at=utcnow()))
    elif done and row.done_at is None:
        row.done_at = utcnow()
    elif not done and row.done_at is not None:
        row.done_at = None
    else:
        return
    try:
        db.session.commit()
    except IntegrityError:
        # Another request stored the same row a moment earlier (PostgreSQL has no write lock up front).
        db.session.rollback()


# --- assignments ----------------------------------------------------------------------------


def draft_for(student_id: int, slug: str) -> AssignmentDraft | None:
    return db.session.scalar(
        select(AssignmentDraft).where(AssignmentDraft.student_id == student_id, AssignmentDraft.lesson_slug == slug)
    )


def submissions_for(student_id: int, slug: str) -> list[Submission]:
    """Every version handed in, oldest first, with its reviews."""
    return list(
        db.session.scalars(
            select(Submission)
            .where(Submission.student_id == student_id, Submission.lesson_slug == slug)
            .options(selectinload(Submission.reviews))
            .order_by(Submission.version)
        )
    )


def _checked(text: str) -> str:
    text = normalise_text(text)
    if len(text) > MAX_TEXT_LENGTH:
        raise ProgressError("body", f"Je tekst is te lang. Gebruik hoogstens {MAX_TEXT_LENGTH} tekens.")
    return text


def _put_draft(student_id: int, slug: str, text: str, class_id: int | None) -> AssignmentDraft:
    """Set the draft text in the current transaction (the caller commits)."""
    draft = draft_for(student_id, slug)
    if draft is None:
        draft = AssignmentDraft(student_id=student_id, lesson_slug=slug, body_text=text, class_id=class_id)
        db.session.add(draft)
    else:
        if draft.body_text != text:
            draft.body_text = text
        if draft.class_id != class_id:
            draft.class_id = class_id
    return draft


def save_draft(student_id: int, slug: str, text: str) -> AssignmentDraft:
    text = _checked(text)
    class_id = active_class_id(student_id)
    draft = _put_draft(student_id, slug, text, class_id)
    try:
        db.session.commit()
    except IntegrityError:
        # A second tab made the first draft a moment earlier (PostgreSQL): write into that one.
        db.session.rollback()
        draft = _put_draft(student_id, slug, text, class_id)
        db.session.commit()
    return draft


def hand_in(
    student_id: int, slug: str, text: str, attach: Callable[[Submission], None] | None = None
) -> Submission:
    """Store a new version, rendered and sanitised once, here. The same text twice is refused, so a
    double click never makes two versions; the version number is unique, so neither do two at once.
    ``attach`` adds rows that belong to the version (its images) in the same transaction."""
    text = _checked(text)
    if not text:
        raise ProgressError("body", "Je tekst is nog leeg. Schrijf eerst je opdracht en lever dan in.")
    # Every read before the draft is added: a query after it would flush it early, outside the
    # try below that turns two tabs handing in at once into one version.
    class_id = active_class_id(student_id)
    versions = submissions_for(student_id, slug)
    last = versions[-1] if versions else None
    if last is not None:
        review = last.latest_review
        if review is not None and review.status == "approved":
            raise ProgressError("body", "Je opdracht is al goedgekeurd. Je hoeft niets meer in te leveren.")
        if last.body_text == text:
            if review is None:
                raise ProgressError("body", "Je hebt precies deze tekst al ingeleverd. Je docent gaat hem bekijken.")
            raise ProgressError("body", "Deze tekst heb je al ingeleverd. Pas hem eerst aan met de feedback.")
    _put_draft(student_id, slug, text, class_id)
    submission = Submission(
        student_id=student_id,
        lesson_slug=slug,
        class_id=class_id,
        version=(last.version + 1) if last else 1,
        body_text=text,
        body_html=render_user_text(text),
    )
    db.session.add(submission)
    if attach is not None:
        db.session.flush()
        attach(submission)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise ProgressError("body", "Deze versie is net al ingeleverd.") from None
    return submission


def review(
    submission: Submission, teacher_id: int, status: str, feedback: str, levels: dict[str, str] | None = None
) -> Review | None:
    """Add a review to the newest version, with the rubric level chosen per criterion. Returns None
    when the same review is already there (a double click), so it is stored once."""
    if status not in REVIEW_STATUSES:
        raise ProgressError("status", "Kies of de opdracht goed is of beter moet.")
    feedback = normalise_text(feedback)
    if status == "needs_work" and not feedback:
        raise ProgressError("feedback", "Schrijf erbij wat de student moet verbeteren.")
    if len(feedback) > MAX_TEXT_LENGTH:
        raise ProgressError("feedback", f"Gebruik hoogstens {MAX_TEXT_LENGTH} tekens.")
    # Reviews of one submission wait for each other (PostgreSQL; SQLite writers already queue).
    db.session.execute(select(Submission.id).where(Submission.id == submission.id).with_for_update())
    db.session.expire(submission, ["reviews"])
    newest = db.session.scalar(
        select(func.max(Submission.version)).where(
            Submission.student_id == submission.student_id, Submission.lesson_slug == submission.lesson_slug
        )
    )
    if newest != submission.version:
        raise ProgressError("status", "De student heeft intussen een nieuwere versie ingeleverd. Beoordeel die.")
    last = submission.latest_review
    if last is not None and last.status == status and last.feedback_text == feedback:
        if (rubric_levels(last.id) or {}) == (levels or {}):
            return None
    result = Review(
        submission=submission,
        teacher_id=teacher_id,
        status=status,
        feedback_text=feedback,
        feedback_html=render_user_text(feedback) if feedback else "",
    )
    db.session.add(result)
    if levels:
        db.session.add(RubricScore(review=result, levels=levels))
    # Status and feedback affect a grade: the log says who gave which status when (not the text).
    record(
        db.session.get(User, teacher_id),
        "assignment.review",
        "submission",
        submission.id,
        status=status,
        student_id=submission.student_id,
        lesson=submission.lesson_slug,
    )
    db.session.commit()
    return result


def rubric_levels(review_id: int) -> dict[str, str] | None:
    """The rubric levels a teacher chose with one review (criterion -> level)."""
    return db.session.scalar(select(RubricScore.levels).where(RubricScore.review_id == review_id))


def own_submission(student_id: int, submission_id: int) -> Submission | None:
    return db.session.scalar(
        select(Submission).where(Submission.id == submission_id, Submission.student_id == student_id)
    )
