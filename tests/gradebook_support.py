"""A small class with known work, for the gradebook tests; expected numbers come from the loaded
quizzes (points, pass marks, policies), never hard-coded."""

from __future__ import annotations

import html
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any

from flask import Flask
from sqlalchemy import insert

from course.classes.membership import active_class_id
from course.content.quiz_files import Quiz
from course.core.content_store import catalog
from course.core.extensions import db
from course.models import (
    AssignmentDraft,
    AttemptItem,
    ClassTeacher,
    Enrolment,
    LessonProgress,
    QuizAttempt,
    Review,
    Submission,
    User,
    utcnow,
)
from course.quizzes import attempts

from .quiz_support import right_answers


def take(app: Flask, user_id: int, quiz_slug: str, answers: dict[str, Any], *, preview: bool = False) -> str:
    """Start and submit an attempt through course.attempts (real grading); returns its token."""
    with app.app_context():
        quiz = catalog().quizzes[quiz_slug]
        user = db.session.get(User, user_id)
        attempt = attempts.start_attempt(user, quiz, preview=preview)
        token = attempt.token
        assert attempts.submit_attempt(user_id, token, quiz, answers)
        return token


def all_but_first(quiz: Quiz) -> dict[str, Any]:
    """Right answers to every question except the first, which is left blank."""
    answers = right_answers(quiz)
    answers.pop(quiz.questions[0].id)
    return answers


def percentage(score: Decimal | int, max_score: int) -> Decimal:
    return Decimal(score) * 100 / max_score


def mark_done(app: Flask, user_id: int, lessons: list) -> None:
    with app.app_context():
        db.session.add_all(
            LessonProgress(student_id=user_id, lesson_slug=lesson.slug, done_at=utcnow()) for lesson in lessons
        )
        db.session.commit()


def hand_in(app: Flask, user_id: int, slug: str, reviews: list[list[str]], teacher_id: int) -> int:
    """One submission per entry of ``reviews`` (its review statuses, oldest first); returns the
    id of the newest version."""
    with app.app_context():
        newest = 0
        for version, statuses in enumerate(reviews, start=1):
            moment = utcnow() + timedelta(minutes=version)
            submission = Submission(
                student_id=user_id, lesson_slug=slug, version=version, body_text=f"versie {version}",
                body_html=f"<p>versie {version}</p>", submitted_at=moment, class_id=active_class_id(user_id),
            )
            db.session.add(submission)
            db.session.flush()
            for n, status in enumerate(statuses, start=1):
                db.session.add(Review(
                    submission_id=submission.id, teacher_id=teacher_id, status=status,
                    feedback_text=f"feedback {version}.{n}", feedback_html=f"<p>feedback {version}.{n}</p>",
                    created_at=moment + timedelta(seconds=n),
                ))
            newest = submission.id
        db.session.commit()
        return newest


def draft(app: Flask, user_id: int, slug: str) -> None:
    with app.app_context():
        db.session.add(AssignmentDraft(
            student_id=user_id, lesson_slug=slug, body_text="half af", class_id=active_class_id(user_id)
        ))
        db.session.commit()


@dataclass
class FixtureClass:
    class_id: int
    ids: dict[str, int]
    tokens: dict[str, str]
    submissions: dict[str, int]
    lessons: list
    quizzes: dict[str, Quiz]


def build_fixture_class(app: Flask, auth) -> FixtureClass:
    """MV2A, taught by ``docent``, with four students:

    - Anna: lessons 1-6 done; quiz 1 all right; quiz 2 all right but the first question blank;
      assignment 1 approved (v1 needs work, v2 approved), assignment 2 handed in, assignment 3 a draft.
    - Bram: lessons 1-6 done; quiz 1 blank (0%); a preview attempt on quiz 2 (never counts).
    - Chris: lessons 1-2 done, nothing else.
    - Daan: lessons 1-5 done, nothing else.
    """
    teacher = auth.make_user("docent", "teacher")
    ids = {name: auth.make_user(name, name=name.title()) for name in ("anna", "bram", "chris", "daan")}
    class_id, _ = auth.make_class("docent")
    for name in ids:
        auth.enrol(name, class_id)
    with app.app_context():
        lessons = list(catalog().lessons.values())
        quizzes = dict(catalog().quizzes)
    q1, q2 = quizzes[lessons[0].quiz], quizzes[lessons[1].quiz]
    mark_done(app, ids["anna"], lessons[:6])
    mark_done(app, ids["bram"], lessons[:6])
    mark_done(app, ids["chris"], lessons[:2])
    mark_done(app, ids["daan"], lessons[:5])
    tokens = {
        "anna-1": take(app, ids["anna"], q1.slug, right_answers(q1)),
        "anna-2": take(app, ids["anna"], q2.slug, all_but_first(q2)),
        "bram-1": take(app, ids["bram"], q1.slug, {}),
    }
    with app.app_context():
        # Bram cannot make a preview through the site (he is no staff): store one as a teacher would.
        db.session.add(QuizAttempt(
            user_id=ids["bram"], quiz_slug=q2.slug, quiz_version=q2.version, token=secrets.token_hex(16), seed=1,
            is_preview=True, submitted_at=utcnow(), score=Decimal(q2.max_score), max_score=q2.max_score,
        ))
        db.session.commit()
    submissions = {
        "anna-1": hand_in(app, ids["anna"], lessons[0].slug, [["needs_work"], ["approved"]], teacher),
        "anna-2": hand_in(app, ids["anna"], lessons[1].slug, [[]], teacher),
    }
    draft(app, ids["anna"], lessons[2].slug)
    return FixtureClass(class_id, ids, tokens, submissions, lessons, quizzes)


def add_co_teacher(app: Flask, auth, username: str, class_id: int) -> None:
    teacher_id = auth.make_user(username, "teacher")
    with app.app_context():
        db.session.add(ClassTeacher(class_id=class_id, teacher_id=teacher_id, is_owner=False))
        db.session.commit()


# -- a big class, straight into the tables --------------------------------------------------------


def bulk_class(app: Flask, teacher_id: int, size: int, name: str) -> int:
    """A class of ``size`` students who did every lesson, assignment and quiz: rows inserted in
    bulk (no password hashing, no HTTP), so a class of 300 takes a moment, not minutes."""
    from course.accounts import rules as accounts

    with app.app_context():
        school_class = accounts.create_class(db.session.get(User, teacher_id), name, "2026-2027")
        class_id = school_class.id
        content = catalog()
        lessons = list(content.lessons.values())
        now = utcnow()
        users = [
            {"username": f"{name.lower()}-{n}", "display_name": f"Student {n:04d}", "password_hash": "x",
             "is_student": True, "session_version": 1, "created_at": now}
            for n in range(size)
        ]
        user_ids = list(db.session.scalars(insert(User).returning(User.id), users))
        enrolments = [{"class_id": class_id, "student_id": u, "joined_at": now} for u in user_ids]
        db.session.execute(insert(Enrolment), enrolments)
        db.session.execute(insert(LessonProgress), [
            {"student_id": u, "lesson_slug": lesson.slug, "done_at": now, "updated_at": now}
            for u in user_ids for lesson in lessons
        ])
        db.session.execute(insert(AssignmentDraft), [
            {"student_id": u, "lesson_slug": lesson.slug, "body_text": "tekst", "updated_at": now, "class_id": class_id}
            for u in user_ids for lesson in lessons if lesson.assignment
        ])
        submission_ids = list(db.session.scalars(insert(Submission).returning(Submission.id), [
            {"student_id": u, "lesson_slug": lesson.slug, "version": 1, "body_text": "t", "body_html": "<p>t</p>",
             "submitted_at": now, "class_id": class_id}
            for u in user_ids for lesson in lessons if lesson.assignment
        ]))
        db.session.execute(insert(Review), [
            {"submission_id": s, "teacher_id": teacher_id, "status": "approved" if s % 2 else "needs_work",
             "feedback_text": "", "feedback_html": "", "created_at": now}
            for s in submission_ids
        ])
        for quiz in content.quizzes.values():
            attempt_ids = list(db.session.scalars(insert(QuizAttempt).returning(QuizAttempt.id), [
                {"user_id": u, "quiz_slug": quiz.slug, "quiz_version": quiz.version, "token": secrets.token_hex(16),
                 "seed": 1, "is_preview": False, "started_at": now, "submitted_at": now,
                 "score": Decimal(quiz.max_score), "max_score": quiz.max_score, "class_id": class_id}
                for u in user_ids
            ]))
            db.session.execute(insert(AttemptItem), [
                {"attempt_id": a, "question_id": q.id, "position": p, "score": Decimal(q.points),
                 "max_score": q.points, "chosen": [], "misconceptions": []}
                for a in attempt_ids for p, q in enumerate(quiz.questions, start=1)
            ])
        db.session.commit()
        return class_id


# -- reading pages --------------------------------------------------------------------------------


class _Table(HTMLParser):
    """Rows of the first table with the given class, each a list of cell texts (th and td)."""

    def __init__(self, css_class: str) -> None:
        super().__init__()
        self.css_class = css_class
        self.depth = 0  # >0 while inside the wanted table
        self.rows: list[list[str]] = []
        self.links: list[list[list[str]]] = []
        self.cell: list[str] | None = None
        self.cell_links: list[str] = []
        self.section = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "table":
            if self.depth:
                self.depth += 1
            elif self.css_class in (values.get("class") or "").split() and not self.rows:
                self.depth = 1
        if not self.depth:
            return
        if tag in ("thead", "tbody", "tfoot"):
            self.section = tag
        elif tag == "tr":
            self.rows.append([])
            self.links.append([])
        elif tag in ("th", "td"):
            self.cell, self.cell_links = [], []
        elif tag == "a" and self.cell is not None:
            self.cell_links.append(values.get("href") or "")

    def handle_endtag(self, tag: str) -> None:
        if not self.depth:
            return
        if tag == "table":
            self.depth -= 1
        elif tag in ("th", "td") and self.cell is not None:
            self.rows[-1].append(" ".join(html.unescape("".join(self.cell)).split()))
            self.links[-1].append(self.cell_links)
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.depth and self.cell is not None:
            self.cell.append(data)


def table_rows(page: str, css_class: str = "gradebook") -> tuple[list[list[str]], list[list[list[str]]]]:
    parser = _Table(css_class)
    parser.feed(page)
    return parser.rows, parser.links


def body_rows(page: str) -> dict[str, list[str]]:
    """Student name -> cell texts, for the body rows of the grid (header and footer left out)."""
    rows, _ = table_rows(page)
    names = re.findall(r'<th scope="row" class="name-col">\s*<a [^>]*>([^<]+)</a>', page)
    by_name = {}
    for row in rows:
        label = row[0].replace(" achter", "").strip() if row else ""
        if label in names:
            by_name[label] = row
    return by_name
