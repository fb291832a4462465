"""The attempt service without the web: one open attempt, one graded submit, regrade and void."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import func, select

from course.core.content_store import catalog
from course.core.extensions import db
from course.models import AttemptItem, AuditEvent, QuizAttempt, SchoolClass, User
from course.quizzes import attempts
from course.quizzes.grading import grade_attempt, round_score

from .quiz_support import first_of_kind, right_answers, wrong_option

SLUG = "wie-ben-jij-online"


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield catalog().quizzes[SLUG]


def user(auth, username: str, *roles: str) -> User:
    db.session.commit()  # the auth helper writes in its own app context: end our transaction first
    user_id = auth.make_user(username, *(roles or ("student",)))
    return db.session.get(User, user_id)


def in_class(auth, teacher: str, *students: str) -> SchoolClass:
    db.session.commit()
    class_id, _ = auth.make_class(teacher)
    for name in students:
        auth.enrol(name, class_id)
    return db.session.get(SchoolClass, class_id)


def count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def test_start_reuses_the_open_attempt_and_survives_a_lost_race(auth, ctx, monkeypatch):
    quiz = ctx
    sanne = user(auth, "sanne")
    first = attempts.start_attempt(sanne, quiz, preview=False)
    assert attempts.start_attempt(sanne, quiz, preview=False).token == first.token

    # Another request created the open attempt between our check and our insert: the unique
    # index refuses the second one and we hand back the winner's attempt.
    real = attempts.open_attempt
    calls = []

    def blind_first_time(user_id: int, slug: str):
        calls.append(slug)
        return None if len(calls) == 1 else real(user_id, slug)

    monkeypatch.setattr(attempts, "open_attempt", blind_first_time)
    again = attempts.start_attempt(sanne, quiz, preview=False)
    assert again.token == first.token and len(calls) == 2
    assert count(QuizAttempt) == 1


def test_a_token_is_graded_once(auth, ctx):
    quiz = ctx
    sanne = user(auth, "sanne")
    attempt = attempts.start_attempt(sanne, quiz, preview=False)
    assert attempts.submit_attempt(sanne.id, attempt.token, quiz, right_answers(quiz)) is True
    question = first_of_kind(quiz, "single")
    worse = {**right_answers(quiz), question.id: wrong_option(question).id}
    assert attempts.submit_attempt(sanne.id, attempt.token, quiz, worse) is False
    db.session.expire_all()
    stored = db.session.scalar(select(QuizAttempt))
    assert stored.score == quiz.max_score and stored.answers == right_answers(quiz)
    assert count(AttemptItem) == len(quiz.questions)


def test_someone_elses_token_does_not_submit(auth, ctx):
    quiz = ctx
    sanne, daan = user(auth, "sanne"), user(auth, "daan")
    attempt = attempts.start_attempt(sanne, quiz, preview=False)
    assert attempts.submit_attempt(daan.id, attempt.token, quiz, right_answers(quiz)) is False
    assert attempts.owned_attempt(daan.id, quiz.slug, attempt.token) is None
    assert count(AttemptItem) == 0


def test_items_keep_choices_and_misconceptions_of_wrong_answers(auth, ctx):
    quiz = ctx
    sanne = user(auth, "sanne")
    single, matching, ordering = (first_of_kind(quiz, k) for k in ("single", "matching", "ordering"))
    wrong = wrong_option(single)
    first, second = matching.pairs[0], matching.pairs[1]
    items = [i.id for i in ordering.items]
    answers = {
        **right_answers(quiz),
        single.id: wrong.id,
        matching.id: {**{p.id: p.id for p in matching.pairs}, first.id: second.id, second.id: first.id},
        ordering.id: [items[1], items[0], *items[2:]],
    }
    attempt = attempts.start_attempt(sanne, quiz, preview=False)
    attempts.submit_attempt(sanne.id, attempt.token, quiz, answers)
    rows = {i.question_id: i for i in db.session.scalars(select(AttemptItem))}
    assert rows[single.id].chosen == [wrong.id] and rows[single.id].misconceptions == [wrong.misconception]
    assert sorted(rows[matching.id].chosen) == sorted([first.id, second.id])
    assert rows[matching.id].misconceptions == sorted({first.misconception, second.misconception})
    assert rows[ordering.id].chosen == [items[1], items[0]]
    assert rows[ordering.id].misconceptions == [ordering.misconception]
    assert 0 < rows[ordering.id].score < ordering.points
    assert [rows[q.id].position for q in quiz.questions] == list(range(1, len(quiz.questions) + 1))


def test_a_quiz_changed_after_the_start_is_graded_and_stored_under_the_new_version(auth, ctx):
    quiz = ctx
    sanne = user(auth, "sanne")
    attempt = attempts.start_attempt(sanne, quiz, preview=False)
    question = quiz.questions[0]
    changed = replace(quiz, version="nieuwe-versie", questions=(replace(question, points=5), *quiz.questions[1:]))
    attempts.submit_attempt(sanne.id, attempt.token, changed, right_answers(quiz))
    db.session.expire_all()
    stored = db.session.get(QuizAttempt, attempt.id)
    assert stored.quiz_version == "nieuwe-versie"
    assert stored.score == stored.max_score == changed.max_score == quiz.max_score + 4


def test_the_limit_counts_submitted_attempts_but_never_previews(auth, ctx):
    quiz = ctx
    limit = quiz.policy.max_attempts
    sanne, docent = user(auth, "sanne"), user(auth, "docent", "teacher")
    for person, preview in ((sanne, False), (docent, True)):
        for _ in range(limit):
            attempt = attempts.start_attempt(person, quiz, preview=preview)
            attempts.submit_attempt(person.id, attempt.token, quiz, {})
    with pytest.raises(attempts.AttemptError, match=f"alle {limit} pogingen"):
        attempts.start_attempt(sanne, quiz, preview=False)
    assert attempts.start_attempt(docent, quiz, preview=True).is_preview
    assert attempts.attempts_used(sanne.id, quiz.slug) == limit
    assert attempts.attempts_used(docent.id, quiz.slug) == 0


def submitted(auth, quiz, username: str, answers: dict) -> QuizAttempt:
    person = db.session.scalar(select(User).where(User.username == username)) or user(auth, username)
    attempt = attempts.start_attempt(person, quiz, preview=False)
    attempts.submit_attempt(person.id, attempt.token, quiz, answers)
    return attempt


def snapshot() -> list[tuple]:
    db.session.expire_all()
    rows = [(a.id, a.score, a.max_score, a.quiz_version, a.answers) for a in db.session.scalars(select(QuizAttempt))]
    items = [(i.id, i.attempt_id, i.question_id, i.score, i.max_score, i.chosen, i.misconceptions)
             for i in db.session.scalars(select(AttemptItem).order_by(AttemptItem.id))]
    return rows + items


def test_regrade_plan_changes_nothing_and_apply_records_who(auth, ctx):
    quiz = ctx
    docent = user(auth, "docent", "teacher")
    attempt = submitted(auth, quiz, "sanne", right_answers(quiz))
    question = quiz.questions[0]
    heavier = replace(question, points=question.points + 2)
    changed = replace(quiz, version="v2", questions=(heavier, *quiz.questions[1:]))

    before = snapshot()
    [plan] = attempts.plan_regrade(changed)
    assert (plan.old_score, plan.new_score) == (quiz.max_score, quiz.max_score + 2)
    assert (plan.old_version, plan.new_version) == (quiz.version, "v2") and plan.changed
    assert snapshot() == before and count(AuditEvent) == 0

    with pytest.raises(attempts.AttemptError):
        attempts.apply_regrade(changed, user(auth, "daan"))
    attempts.apply_regrade(changed, docent)
    db.session.expire_all()
    stored = db.session.get(QuizAttempt, attempt.id)
    assert (stored.score, stored.max_score, stored.quiz_version) == (quiz.max_score + 2, quiz.max_score + 2, "v2")
    item = db.session.scalar(select(AttemptItem).where(AttemptItem.question_id == question.id))
    assert item.max_score == question.points + 2
    assert count(AttemptItem) == len(quiz.questions)
    event = db.session.scalar(select(AuditEvent))
    assert (event.action, event.actor_id, event.object_id) == ("quiz.regrade", docent.id, attempt.id)
    assert event.details["old_version"] == quiz.version and event.details["new_score"] == str(stored.score)

    # Nothing left to change: a second run writes no new events.
    attempts.apply_regrade(changed, docent)
    assert count(AuditEvent) == 1


def test_void_gives_the_class_the_points_and_unvoid_takes_them_back(auth, ctx):
    quiz = ctx
    docent = user(auth, "docent", "teacher")
    question = first_of_kind(quiz, "multiple")
    answers = {**right_answers(quiz), question.id: [wrong_option(question).id]}
    user(auth, "sanne")
    school_class = in_class(auth, "docent", "sanne")
    inside = submitted(auth, quiz, "sanne", answers)
    outside = submitted(auth, quiz, "daan", answers)
    low = round_score(grade_attempt(quiz, answers).score)
    assert low < quiz.max_score

    changes = attempts.void_question(docent, school_class, quiz, question.id)
    assert [c.attempt_id for c in changes] == [inside.id]
    db.session.expire_all()
    assert db.session.get(QuizAttempt, inside.id).score == quiz.max_score
    assert db.session.get(QuizAttempt, outside.id).score == low
    item = db.session.scalar(
        select(AttemptItem).where(AttemptItem.attempt_id == inside.id, AttemptItem.question_id == question.id)
    )
    assert item.score == question.points and item.misconceptions == []
    with pytest.raises(attempts.AttemptError):
        attempts.void_question(docent, school_class, quiz, question.id)

    # A later attempt of a student in the class gets the points straight away.
    later = submitted(auth, quiz, "sanne", answers)
    db.session.expire_all()
    assert db.session.get(QuizAttempt, later.id).score == quiz.max_score

    attempts.unvoid_question(docent, school_class, quiz, question.id)
    db.session.expire_all()
    assert {db.session.get(QuizAttempt, a.id).score for a in (inside, later, outside)} == {low}
    actions = list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    assert actions == ["quiz.void", "quiz.unvoid"]
