"""Demo activity beyond lesson progress: quiz attempts for part of the demo class, and a
train-the-trainer cohort whose members took the TPACK scan, so every page has something to show."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from ..accounts import rules as accounts
from ..content.quiz_files import Question, Quiz
from ..core.content_store import catalog
from ..core.extensions import db
from ..lessons import progress
from ..models import Enrolment, SchoolClass, TpackAnswer, TpackScan, User, utcnow
from ..quizzes import attempts
from ..quizzes.grading import right_answer
from ..teacher_track import cohorts

COLLEAGUE_PASSWORD = "collega-demo-2026"
COLLEAGUES = ("collega1", "collega2", "collega3", "collega4")
QUIZ_LESSONS = 3  # the demo class took the quizzes of the first three lessons


def add_quiz_attempts(school_class: SchoolClass) -> None:
    rng = random.Random(2026)  # the same demo every time
    students = db.session.scalars(
        select(User)
        .join(Enrolment, Enrolment.student_id == User.id)
        .where(Enrolment.class_id == school_class.id)
        .order_by(User.username)
    ).all()
    lessons = list(catalog().lessons.values())[:QUIZ_LESSONS]
    for position, student in enumerate(students[:18]):
        skill = 0.45 + 0.5 * (position % 6) / 5  # from often wrong to nearly always right
        for lesson in lessons:
            quiz = catalog().quizzes.get(lesson.quiz or "")
            if quiz is None:
                continue
            attempt = attempts.start_attempt(student, quiz, preview=False)
            attempts.submit_attempt(student.id, attempt.token, quiz, _answers(quiz, skill, rng))


def _answers(quiz: Quiz, skill: float, rng: random.Random) -> dict[str, Any]:
    return {q.id: right_answer(q) if rng.random() < skill else _wrong(q, rng) for q in quiz.questions}


def _wrong(question: Question, rng: random.Random) -> Any:
    if question.kind in ("single", "truefalse"):
        return rng.choice([o.id for o in question.options if not o.correct])
    if question.kind == "multiple":
        wrong = [o.id for o in question.options if not o.correct]
        return [o.id for o in question.options if o.correct][:1] + rng.sample(wrong, 1)
    if question.kind == "ordering":
        order = [i.id for i in question.items]
        order[0], order[1] = order[1], order[0]
        return order
    ids = [p.id for p in question.pairs]
    return {ids[0]: ids[1], ids[1]: ids[0], **{i: i for i in ids[2:]}}


def add_teacher_track(school_class: SchoolClass) -> None:
    trainer = accounts.find_user("trainer")
    teacher = accounts.find_user("docent")
    if trainer is None or teacher is None or catalog().tpack is None:
        return
    members = [teacher]
    for number, username in enumerate(COLLEAGUES, start=1):
        members.append(
            accounts.find_user(username)
            or accounts.create_user(username, f"Collega {number}", COLLEAGUE_PASSWORD, roles=("teacher",))
        )
    db.session.commit()
    today = date.today()
    cohort = cohorts.create_cohort(
        trainer, "Demo train-de-trainer", today - timedelta(days=14), today + timedelta(days=60)
    )
    rng = random.Random(7)
    instrument = catalog().tpack
    for member in members:
        cohorts.join_cohort(member, cohort.invite_code)
        scan = TpackScan(teacher_id=member.id, instrument_version=instrument.version, completed_at=utcnow())
        scan.answers = [TpackAnswer(statement_id=sid, value=rng.randint(1, 4)) for sid in instrument.statement_ids]
        db.session.add(scan)
    db.session.commit()


_DEMO_TEXT = (
    "Voor de opdracht **{title}** heb ik dit gedaan:\n\n"
    "- Ik heb eerst opgeschreven wat ik al wist.\n"
    "- Daarna heb ik het uitgeprobeerd met mijn eigen account.\n\n"
    "Wat ik ervan leer: je kunt zelf bepalen wat anderen over je zien."
)
_DEMO_BETTER = "\n\nNa de feedback: ik heb per keuze uitgelegd waarom ik die maak."
# Per demo student (in username order): lessons done, then per lesson what happened to the work.
_DEMO_PLAN: tuple[tuple[int, tuple[str, ...]], ...] = (
    (4, ("approved", "resubmitted", "handed_in", "draft")),
    (3, ("needs_work", "handed_in", "draft")),
    (2, ("handed_in", "draft")),
    (1, ("draft",)),
    (1, ()),
    (0, ("draft",)),
)


def add_lesson_progress(school_class: SchoolClass) -> None:
    """A little progress in the demo class, so dashboards, the queue and reviews show something."""
    lessons = [lesson for lesson in catalog().lessons.values() if lesson.assignment]
    students = sorted((e.student for e in school_class.enrolments), key=lambda s: s.username)
    teacher = next((t.teacher for t in school_class.teachers if t.is_owner), None)
    start = utcnow() - timedelta(days=5)
    for offset, (student, (done, work)) in enumerate(zip(students, _DEMO_PLAN, strict=False)):
        for lesson in lessons[:done]:
            progress.mark_done(student.id, lesson.slug)
        for index, (lesson, what) in enumerate(zip(lessons, work, strict=False)):
            text = _DEMO_TEXT.format(title=lesson.assignment.title if lesson.assignment else lesson.title)
            if what == "draft":
                progress.save_draft(student.id, lesson.slug, text)
                continue
            submission = progress.hand_in(student.id, lesson.slug, text)
            submission.submitted_at = start + timedelta(hours=index * 20 + offset)
            if what in ("approved", "needs_work", "resubmitted") and teacher is not None:
                status = "approved" if what == "approved" else "needs_work"
                feedback = (
                    "Duidelijk en eerlijk opgeschreven. Goedgekeurd!"
                    if status == "approved"
                    else "Je noemt wat je doet, maar niet waarom. Schrijf bij elke keuze één zin waarom."
                )
                made = progress.review(submission, teacher.id, status, feedback)
                if made is not None:
                    made.created_at = submission.submitted_at + timedelta(hours=3)
            if what == "resubmitted":
                again = progress.hand_in(student.id, lesson.slug, text + _DEMO_BETTER)
                again.submitted_at = submission.submitted_at + timedelta(hours=8)
    db.session.commit()
