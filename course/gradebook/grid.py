"""The class grid: every student against every lesson and the final quiz, in a fixed number of queries.

Rows are loaded per kind for the whole class at once (students, lessons done, drafts, latest
submissions with their reviews, quiz standings), never per student or per cell, so a class of 1,000
costs the same number of statements as a class of 3. No Flask in here.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from sqlalchemy import Select, and_, func, select

from ..content.catalog import Catalog
from ..content.lesson_files import Lesson
from ..content.quiz_files import Quiz
from ..core.extensions import db
from ..core.numbers import decimal_comma
from ..models import AssignmentDraft, Enrolment, LessonProgress, Review, Submission, User
from ..quizzes.results import QuizStanding, standings

APPROVED, NEEDS_WORK, HANDED_IN, DRAFT = "approved", "needs_work", "handed_in", "draft"
ASSIGNMENT_LABELS = {
    APPROVED: "Goedgekeurd",
    NEEDS_WORK: "Moet beter",
    HANDED_IN: "Ingeleverd",
    DRAFT: "Concept",
    None: "Nog niet gemaakt",
}
# The grid's cell: one short word per state keeps a column narrow (the legend explains them); a screen
# reader hears the whole state, which holds the short word (label in name).
ASSIGNMENT_WORDS = {APPROVED: "goed", NEEDS_WORK: "beter", HANDED_IN: "wacht", DRAFT: "bezig"}
ASSIGNMENT_SPOKEN = {
    APPROVED: "goed, goedgekeurd",
    NEEDS_WORK: "Moet beter",
    HANDED_IN: "Ingeleverd, wacht op jouw feedback",
    DRAFT: "Concept, de student is nog bezig",
}
SORTS = ("name", "progress", "score")
Sort = Literal["name", "progress", "score"]
BEHIND_MARGIN = 2  # lessons behind the class median before a student counts as behind


def rounded(value: Decimal | None, places: int = 0) -> Decimal | None:
    """Half up, as a Dutch teacher rounds: 54.5 -> 55."""
    if value is None:
        return None
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class QuizCell:
    """The counting attempt of one student on one quiz, or how it stands when there is none."""

    quiz_slug: str
    attempts_used: int
    max_attempts: int | None
    score: Decimal | None
    max_score: int | None
    percentage: Decimal | None
    pass_percentage: int
    token: str | None  # of the counting attempt, for the link to its review

    @property
    def passed(self) -> bool:
        return self.percentage is not None and self.percentage >= self.pass_percentage

    @property
    def below_pass(self) -> bool:
        return self.percentage is not None and self.percentage < self.pass_percentage

    @classmethod
    def from_standing(cls, standing: QuizStanding) -> QuizCell:
        counting = standing.counting
        return cls(
            quiz_slug=standing.quiz_slug,
            attempts_used=standing.attempts_used,
            max_attempts=standing.max_attempts,
            score=counting.score if counting else None,
            max_score=counting.max_score if counting else None,
            percentage=standing.percentage,
            pass_percentage=standing.pass_percentage,
            token=counting.token if counting else None,
        )


@dataclass(frozen=True)
class LessonCell:
    lesson: Lesson
    done: bool
    has_assignment: bool
    assignment: str | None  # approved, needs_work, handed_in, draft or None
    submission_id: int | None  # the latest handed-in version, for the link to it
    quiz: QuizCell | None  # None: the lesson has no quiz, or the student has not taken it

    @property
    def assignment_label(self) -> str:
        return ASSIGNMENT_LABELS[self.assignment]

    @property
    def assignment_word(self) -> str:
        return ASSIGNMENT_WORDS[self.assignment] if self.assignment else ""

    @property
    def assignment_spoken(self) -> str:
        return ASSIGNMENT_SPOKEN[self.assignment] if self.assignment else ""


@dataclass
class StudentRow:
    student_id: int
    name: str
    username: str
    cells: list[LessonCell]
    final: QuizCell | None
    behind_reasons: list[str] = field(default_factory=list)

    @property
    def behind(self) -> bool:
        return bool(self.behind_reasons)

    @property
    def lessons_done(self) -> int:
        return sum(cell.done for cell in self.cells)

    @property
    def quizzes(self) -> list[QuizCell]:
        """Every quiz taken, the final quiz included."""
        taken = [cell.quiz for cell in self.cells if cell.quiz is not None]
        return taken + ([self.final] if self.final is not None else [])

    @property
    def average_percentage(self) -> Decimal | None:
        """The mean percentage of the quizzes taken; quizzes not taken do not count as zero."""
        values = [q.percentage for q in self.quizzes if q.percentage is not None]
        return sum(values, Decimal(0)) / len(values) if values else None

    @property
    def approved(self) -> int:
        return sum(cell.assignment == APPROVED for cell in self.cells)

    @property
    def below_pass(self) -> bool:
        return any(q.below_pass for q in self.quizzes)


@dataclass(frozen=True)
class ColumnSummary:
    done: int
    quiz_takers: int
    median_percentage: Decimal | None


@dataclass
class Grid:
    lessons: list[Lesson]
    final_quiz: Quiz | None
    rows: list[StudentRow]
    summaries: list[ColumnSummary]
    final_summary: ColumnSummary | None
    median_done: Decimal | None
    student_count: int
    quizzes: dict[str, Quiz] = field(default_factory=dict)


# -- loading --------------------------------------------------------------------------------------


def _students_of(class_id: int) -> Select[tuple[int]]:
    return select(Enrolment.student_id).where(Enrolment.class_id == class_id)


def load_students(class_id: int, only: int | None = None) -> list[tuple[int, str, str]]:
    query = (
        select(User.id, User.display_name, User.username)
        .join(Enrolment, Enrolment.student_id == User.id)
        .where(Enrolment.class_id == class_id)
        .order_by(func.lower(User.display_name), User.id)
    )
    if only is not None:
        query = query.where(User.id == only)
    return [tuple(row) for row in db.session.execute(query)]  # type: ignore[misc]


def load_done(class_id: int, only: int | None = None) -> set[tuple[int, str]]:
    query = select(LessonProgress.student_id, LessonProgress.lesson_slug).where(
        LessonProgress.done_at.is_not(None), LessonProgress.student_id.in_(_students_of(class_id))
    )
    if only is not None:
        query = query.where(LessonProgress.student_id == only)
    return {(sid, slug) for sid, slug in db.session.execute(query)}


def load_drafts(class_id: int, only: int | None = None) -> set[tuple[int, str]]:
    """Drafts with text in them (drafts are stored trimmed, so an empty one is "")."""
    query = select(AssignmentDraft.student_id, AssignmentDraft.lesson_slug).where(
        AssignmentDraft.body_text != "",
        AssignmentDraft.class_id == class_id,
        AssignmentDraft.student_id.in_(_students_of(class_id)),
    )
    if only is not None:
        query = query.where(AssignmentDraft.student_id == only)
    return {(sid, slug) for sid, slug in db.session.execute(query)}


def load_latest_submissions(class_id: int, only: int | None = None) -> dict[tuple[int, str], tuple[int, str]]:
    """(student, lesson) -> (id of the newest version, its status), in one query with its reviews."""
    latest = (
        select(Submission.student_id, Submission.lesson_slug, func.max(Submission.version).label("version"))
        .where(Submission.class_id == class_id, Submission.student_id.in_(_students_of(class_id)))
        .group_by(Submission.student_id, Submission.lesson_slug)
        .subquery()
    )
    query = (
        select(Submission.id, Submission.student_id, Submission.lesson_slug, Review.status)
        .join(
            latest,
            and_(
                latest.c.student_id == Submission.student_id,
                latest.c.lesson_slug == Submission.lesson_slug,
                latest.c.version == Submission.version,
            ),
        )
        .outerjoin(Review, Review.submission_id == Submission.id)
        .where(Submission.class_id == class_id)
        .order_by(Submission.id, Review.created_at, Review.id)
    )
    if only is not None:
        query = query.where(Submission.student_id == only)
    found: dict[tuple[int, str], tuple[int, str]] = {}
    for submission_id, student_id, slug, status in db.session.execute(query):
        # Rows come oldest review first: the last one seen is the latest review.
        found[(student_id, slug)] = (submission_id, status or HANDED_IN)
    return found


def load_grid(class_id: int, catalog: Catalog, only: int | None = None) -> Grid:
    """Five queries, whatever the class size (``only``: one student's row, same queries)."""
    students = load_students(class_id, only)
    done = load_done(class_id, only)
    drafts = load_drafts(class_id, only)
    submissions = load_latest_submissions(class_id, only)
    quiz_standings = standings([sid for sid, _, _ in students], catalog, class_id=class_id) if students else {}
    return build_grid(catalog, students, done, drafts, submissions, quiz_standings)


# -- building -------------------------------------------------------------------------------------


def assignment_status(
    has_draft: bool, latest: tuple[int, str] | None
) -> tuple[str | None, int | None]:
    """Latest version's latest review, or handed in without review, or a draft, or nothing."""
    if latest is not None:
        return latest[1], latest[0]
    return (DRAFT if has_draft else None), None


def build_grid(
    catalog: Catalog,
    students: Iterable[tuple[int, str, str]],
    done: set[tuple[int, str]],
    drafts: set[tuple[int, str]],
    submissions: dict[tuple[int, str], tuple[int, str]],
    quiz_standings: dict[tuple[int, str], QuizStanding],
) -> Grid:
    lessons = list(catalog.lessons.values())
    final_quiz = catalog.final_quiz
    rows = []
    for student_id, name, username in students:
        cells = []
        for lesson in lessons:
            status, submission_id = (None, None)
            if lesson.assignment is not None:
                status, submission_id = assignment_status(
                    (student_id, lesson.slug) in drafts, submissions.get((student_id, lesson.slug))
                )
            standing = quiz_standings.get((student_id, lesson.quiz)) if lesson.quiz else None
            cells.append(
                LessonCell(
                    lesson=lesson,
                    done=(student_id, lesson.slug) in done,
                    has_assignment=lesson.assignment is not None,
                    assignment=status,
                    submission_id=submission_id,
                    quiz=QuizCell.from_standing(standing) if standing else None,
                )
            )
        final = quiz_standings.get((student_id, final_quiz.slug)) if final_quiz else None
        rows.append(StudentRow(student_id, name, username, cells, QuizCell.from_standing(final) if final else None))

    median_done = _median([Decimal(row.lessons_done) for row in rows])
    for row in rows:
        row.behind_reasons = behind_reasons(row, median_done)
    summaries = [summarise([row.cells[i].done for row in rows], [row.cells[i].quiz for row in rows])
                 for i in range(len(lessons))]
    final_summary = summarise([], [row.final for row in rows]) if final_quiz else None
    return Grid(
        lessons=lessons,
        final_quiz=final_quiz,
        rows=rows,
        summaries=summaries,
        final_summary=final_summary,
        median_done=median_done,
        student_count=len(rows),
        quizzes=dict(catalog.quizzes),
    )


def _median(values: list[Decimal]) -> Decimal | None:
    return statistics.median(values) if values else None


def summarise(done: list[bool], quizzes: list[QuizCell | None]) -> ColumnSummary:
    percentages = [q.percentage for q in quizzes if q is not None and q.percentage is not None]
    return ColumnSummary(done=sum(done), quiz_takers=len(percentages), median_percentage=_median(percentages))


def behind_reasons(row: StudentRow, median_done: Decimal | None) -> list[str]:
    """Why a student is behind, in the teacher's words; empty when they are not. Behind means more
    than two lessons fewer done than the middle of the class (the median), or a counting quiz under
    its pass mark: both are things a teacher can act on this week."""
    reasons = []
    if median_done is not None and row.lessons_done < median_done - BEHIND_MARGIN:
        reasons.append(
            f"{row.lessons_done} {'les' if row.lessons_done == 1 else 'lessen'} gelezen, "
            f"het midden van de klas {decimal_comma(median_done)}"
        )
    failed = sum(q.below_pass for q in row.quizzes)
    if failed:
        reasons.append(f"{failed} {'quiz' if failed == 1 else 'quizzen'} niet gehaald")
    return reasons


def arrange(grid: Grid, sort: str = "name", behind_only: bool = False) -> list[StudentRow]:
    """The rows to show: sorted by name, progress (most lessons done first) or score (highest
    average first, no score last), optionally only the students who are behind."""
    rows = [row for row in grid.rows if row.behind] if behind_only else list(grid.rows)

    def by_name(row: StudentRow) -> tuple[str, int]:
        return (row.name.casefold(), row.student_id)

    rows.sort(key=by_name)
    if sort == "progress":
        rows.sort(key=lambda row: -row.lessons_done)
    elif sort == "score":
        rows.sort(key=lambda row: (row.average_percentage is None, -(row.average_percentage or 0)))
    return rows
