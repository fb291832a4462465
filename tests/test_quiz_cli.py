"""`flask quizzes export-gift` and `flask quizzes regrade`, run through Flask's CLI runner."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from course import create_app
from course.accounts import rules as accounts
from course.core.content_store import catalog
from course.core.extensions import db
from course.models import AttemptItem, AuditEvent, QuizAttempt
from course.quizzes import attempts
from course.quizzes.gift import export_gift

from .conftest import ROOT, make_test_app
from .quiz_support import right_answers

SLUG = "wie-ben-jij-online"


def test_export_gift_prints_every_quiz(app, runner):
    result = runner.invoke(args=["quizzes", "export-gift"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        quizzes = catalog().quizzes
        assert result.output == export_gift(quizzes.values())
    for slug in quizzes:
        assert f"// quiz: {slug} (version" in result.output
    assert "// ordering exported as matching" in result.output


def test_export_gift_prints_one_quiz_by_slug(app, runner):
    result = runner.invoke(args=["quizzes", "export-gift", SLUG])
    assert result.exit_code == 0, result.output
    with app.app_context():
        quiz = catalog().quizzes[SLUG]
        assert result.output == export_gift([quiz])
    assert result.output.count("// quiz: ") == 1
    assert all(f"::{SLUG}/{q.id}::" in result.output for q in quiz.questions)


def test_export_gift_refuses_an_unknown_slug(runner):
    result = runner.invoke(args=["quizzes", "export-gift", "bestaat-niet"])
    assert result.exit_code != 0
    assert "unknown quiz slug 'bestaat-niet'" in result.output
    assert SLUG in result.output  # says which slugs do exist


@pytest.fixture
def quiz_copy(tmp_path: Path) -> Path:
    """The real quizzes in a folder this test may edit."""
    folder = tmp_path / "quizzes"
    shutil.copytree(ROOT / "quizzes", folder)
    return folder


def app_over(config: dict, quizzes_dir: Path):
    """A second app on the same database, as after a deploy with an edited quiz file."""
    return create_app({**config, "QUIZZES_DIR": str(quizzes_dir)})


def edit_points(folder: Path) -> None:
    """Give the first question of the quiz two more points: a new version with new scores."""
    path = next(folder.glob(f"*-{SLUG}.yaml"))
    text = path.read_text(encoding="utf-8")
    head, tail = text.split("questions:", 1)
    marker = "points: "
    start = tail.index(marker) + len(marker)
    end = tail.index("\n", start)
    tail = tail[:start] + str(int(tail[start:end]) + 2) + tail[end:]
    path.write_text(head + "questions:" + tail, encoding="utf-8")


def rows(app) -> list[tuple]:
    with app.app_context():
        found = [
            (a.id, a.score, a.max_score, a.quiz_version, a.answers, a.submitted_at)
            for a in db.session.scalars(select(QuizAttempt).order_by(QuizAttempt.id))
        ]
        found += [
            (i.id, i.attempt_id, i.question_id, i.score, i.max_score, i.chosen, i.misconceptions)
            for i in db.session.scalars(select(AttemptItem).order_by(AttemptItem.id))
        ]
        return found


@pytest.fixture
def graded(tmp_path, backend, quiz_copy):
    """An app on the copied quizzes with one full-marks attempt, then the quiz file edited."""
    first = make_test_app(tmp_path, backend, QUIZZES_DIR=str(quiz_copy))
    with first.app_context():
        quiz = catalog().quizzes[SLUG]
        sanne = accounts.create_user("sanne", "Sanne", "correct horse battery", roles=("student",))
        accounts.create_user("docent", "Docent", "correct horse battery", roles=("teacher",))
        db.session.commit()
        attempt = attempts.start_attempt(sanne, quiz, preview=False)
        attempts.submit_attempt(sanne.id, attempt.token, quiz, right_answers(quiz))
        old = (quiz.version, quiz.max_score, quiz.questions[0].points)
    edit_points(quiz_copy)
    second = app_over(dict(first.config), quiz_copy)
    with second.app_context():
        new = catalog().quizzes[SLUG]
        assert new.version != old[0] and new.questions[0].points == old[2] + 2
    yield second, old, new
    for application in (first, second):
        with application.app_context():
            db.session.remove()
            db.engine.dispose()
    backend.reset()


def test_regrade_dry_run_lists_old_and_new_and_changes_nothing(graded):
    app, (old_version, old_max, _), new = graded
    before = rows(app)
    result = app.test_cli_runner().invoke(args=["quizzes", "regrade", SLUG, "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "dry run, nothing changed" in result.output
    assert f"old {old_max}.0000/{old_max} (version {old_version})" in result.output
    assert f"new {new.max_score}.0000/{new.max_score} (version {new.version})" in result.output
    assert "1 would change" in result.output
    assert rows(app) == before
    with app.app_context():
        assert db.session.scalars(select(AuditEvent)).all() == []


def test_regrade_needs_a_teacher_or_admin_to_apply(graded):
    app, _, _ = graded
    before = rows(app)
    runner = app.test_cli_runner()
    missing = runner.invoke(args=["quizzes", "regrade", SLUG])
    assert missing.exit_code != 0 and "--by USERNAME is required" in missing.output
    student = runner.invoke(args=["quizzes", "regrade", SLUG, "--by", "sanne"])
    assert student.exit_code != 0 and "not a teacher or administrator" in student.output
    unknown = runner.invoke(args=["quizzes", "regrade", "bestaat-niet", "--by", "docent"])
    assert unknown.exit_code != 0 and "unknown quiz slug" in unknown.output
    assert rows(app) == before


def test_regrade_applies_new_scores_and_records_who_did_it(graded):
    app, (old_version, old_max, _), new = graded
    result = app.test_cli_runner().invoke(args=["quizzes", "regrade", SLUG, "--by", "docent"])
    assert result.exit_code == 0, result.output
    assert "applied by docent" in result.output and "1 changed" in result.output
    with app.app_context():
        attempt = db.session.scalar(select(QuizAttempt))
        assert (attempt.score, attempt.max_score, attempt.quiz_version) == (new.max_score, new.max_score, new.version)
        first = db.session.scalar(select(AttemptItem).where(AttemptItem.question_id == new.questions[0].id))
        assert first.score == first.max_score == new.questions[0].points
        [event] = db.session.scalars(select(AuditEvent)).all()
        assert event.action == "quiz.regrade" and event.actor_name == "docent"
        assert event.object_type == "quiz_attempt" and event.object_id == attempt.id
        assert event.details == {
            "quiz": SLUG,
            "attempt": attempt.id,
            "student": "sanne",
            "old_score": f"{old_max}.0000",
            "new_score": f"{new.max_score}.0000",
            "old_max": old_max,
            "new_max": new.max_score,
            "old_version": old_version,
            "new_version": new.version,
        }
        assert event.created_at is not None
