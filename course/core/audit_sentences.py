"""The audit log read aloud: each event as a Dutch sentence, with links to what it concerns.

The log stores ids and a few details; this module looks up the names as they are now (a deleted
account or class keeps its sentence, without a link) and builds the sentence from parts, so the
template escapes every name and only the links are markup.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from flask import url_for
from sqlalchemy import select
from werkzeug.routing import BuildError

from ..models import AuditEvent, Cohort, PeerReview, SchoolClass, Submission, SupervisorShare, User
from .audit import describe_action
from .content_store import catalog
from .extensions import db
from .numbers import decimal_comma

ROLE_NAMES = {"student": "student", "teacher": "docent", "trainer": "trainer", "admin": "beheerder"}
REVIEW_WORDS = {"approved": "goedgekeurd", "needs_work": "teruggegeven: moet beter"}
PURGE_WORDS = {
    "classes": "klassen",
    "students_deleted": "studenten verwijderd",
    "enrolments_removed": "inschrijvingen opgeheven",
}


@dataclass(frozen=True)
class Part:
    text: str
    url: str | None = None


Sentence = list[Part]


def _link(endpoint: str, **values: Any) -> str | None:
    try:
        return url_for(endpoint, **values)
    except BuildError:  # the feature is not part of this app
        return None


def _list(words: Sequence[str]) -> str:
    words = [w for w in words if w]
    if len(words) < 2:
        return "".join(words)
    return ", ".join(words[:-1]) + " en " + words[-1]


def roles_text(roles: Iterable[str]) -> str:
    return _list([ROLE_NAMES.get(role, role) for role in roles]) or "geen rol"


class _Lookups:
    """Names for every user, class, submission, cohort, peer comment and share link the events mention,
    in at most six queries.

    With ``private_to`` set, only that person and their classes and cohorts are named: other people
    become "een student" or "iemand", and nothing is a link (for a person reading their own entries)."""

    def __init__(self, events: Sequence[AuditEvent], private_to: int | None = None) -> None:
        self.private_to = private_to
        user_ids: set[int] = set()
        class_ids: set[int] = set()
        submission_ids: set[int] = set()
        cohort_ids: set[int] = set()
        peer_ids: set[int] = set()
        share_ids: set[int] = set()
        for event in events:
            details = event.details or {}
            if event.object_type == "user" and event.object_id:
                user_ids.add(event.object_id)
            if event.object_type in ("class", "school_class") and event.object_id:
                class_ids.add(event.object_id)
            if event.object_type == "submission" and event.object_id:
                submission_ids.add(event.object_id)
            if event.object_type == "peer_review" and event.object_id:
                peer_ids.add(event.object_id)
            if event.object_type == "supervisor_share" and event.object_id:
                share_ids.add(event.object_id)
            for key in ("student_id",):
                if isinstance(details.get(key), int):
                    user_ids.add(details[key])
            if isinstance(details.get("to_class_id"), int):
                class_ids.add(details["to_class_id"])
            if isinstance(details.get("cohort_id"), int):
                cohort_ids.add(details["cohort_id"])
        self.submissions = {
            row.id: row for row in db.session.execute(
                select(Submission.id, Submission.class_id, Submission.student_id, Submission.lesson_slug)
                .where(Submission.id.in_(submission_ids))
            )
        } if submission_ids else {}
        self.peer_reviews = {
            row.id: row for row in db.session.execute(
                select(PeerReview.id, PeerReview.class_id, PeerReview.lesson_slug, PeerReview.author_id)
                .where(PeerReview.id.in_(peer_ids))
            )
        } if peer_ids else {}
        # A share link stands for one version of a student's work: the lesson, the version, the class.
        self.shares = {
            row.id: row for row in db.session.execute(
                select(SupervisorShare.id, SupervisorShare.submission_id, Submission.class_id,
                       Submission.student_id, Submission.lesson_slug, Submission.version)
                .join(Submission, Submission.id == SupervisorShare.submission_id)
                .where(SupervisorShare.id.in_(share_ids))
            )
        } if share_ids else {}
        class_ids |= {row.class_id for row in self.submissions.values() if row.class_id}
        class_ids |= {row.class_id for row in self.peer_reviews.values()}
        class_ids |= {row.class_id for row in self.shares.values() if row.class_id}
        user_ids |= {row.author_id for row in self.peer_reviews.values()}
        user_ids |= {row.student_id for row in self.shares.values()}
        self.users = dict(db.session.execute(
            select(User.id, User.display_name).where(User.id.in_(user_ids))
        ).tuples().all()) if user_ids else {}
        self.classes = dict(db.session.execute(
            select(SchoolClass.id, SchoolClass.name).where(SchoolClass.id.in_(class_ids))
        ).tuples().all()) if class_ids else {}
        self.cohorts = dict(db.session.execute(
            select(Cohort.id, Cohort.name).where(Cohort.id.in_(cohort_ids))
        ).tuples().all()) if cohort_ids else {}

    def link(self, endpoint: str, **values: Any) -> str | None:
        return None if self.private_to is not None else _link(endpoint, **values)

    def user(self, user_id: Any, fallback: str = "een verwijderd account") -> Part:
        if self.private_to is not None and user_id != self.private_to:
            return Part(fallback if fallback.startswith("een student") else "iemand")
        if isinstance(user_id, int) and user_id in self.users:
            return Part(self.users[user_id], self.link("admin.user", user_id=user_id))
        return Part(fallback)

    def named(self, name: Any, generic: str) -> str:
        """A name the log keeps in its details (a username), or the generic word in private mode."""
        return generic if self.private_to is not None or not name else str(name)

    def school_class(self, class_id: Any) -> Part:
        if isinstance(class_id, int) and class_id in self.classes:
            return Part(f"klas {self.classes[class_id]}", self.link("classes.detail", class_id=class_id))
        return Part("een klas die niet meer bestaat")

    def submission(self, submission_id: Any, class_id: Any, text: str) -> Part:
        """Words for a handed-in version, linked to the teacher's review page while its class exists."""
        if isinstance(submission_id, int) and class_id in self.classes:
            return Part(text, self.link("assignments.review", class_id=class_id, submission_id=submission_id))
        return Part(text)

    def peer_page(self, class_id: Any, slug: Any, text: str) -> Part:
        """Words for a lesson's peer feedback, linked to the teacher's overview while the class exists."""
        if class_id in self.classes and isinstance(slug, str):
            return Part(text, self.link("peer.overview", class_id=class_id, slug=slug))
        return Part(text)

    def cohort(self, cohort_id: Any) -> Part:
        if isinstance(cohort_id, int) and cohort_id in self.cohorts:
            return Part(f"de groep {self.cohorts[cohort_id]}", self.link("trainer.cohort", cohort_id=cohort_id))
        return Part("een groep die niet meer bestaat")


def _lesson(slug: Any) -> str:
    lesson = catalog().lessons.get(slug) if isinstance(slug, str) else None
    return f"les {lesson.number} ({lesson.title})" if lesson else f"les {slug}"


def _quiz(slug: Any) -> str:
    quiz = catalog().quizzes.get(slug) if isinstance(slug, str) else None
    return f"de quiz ‘{quiz.title}’" if quiz else f"de quiz {slug}"


def _points(value: Any) -> str:
    return "geen score" if value is None else decimal_comma(str(value))


def _sentence(event: AuditEvent, look: _Lookups) -> Sentence:  # noqa: C901 - one branch per kind of event
    actor = Part(event.actor_name)
    details: dict[str, Any] = event.details or {}
    action, target = event.action, event.object_id
    if action == "user.password_reset":
        return [actor, Part(" gaf "), look.user(target), Part(" een nieuw tijdelijk wachtwoord.")]
    if action == "user.create":
        return [actor, Part(" maakte een account voor "), look.user(target),
                Part(f" met de rol {roles_text(details.get('roles', []))}.")]
    if action == "user.roles":
        before = roles_text(details.get("old", []))
        return [actor, Part(" wijzigde de rollen van "), look.user(target),
                Part(f" van {before} in {roles_text(details.get('roles', []))}.")]
    if action == "user.deactivate":
        return [actor, Part(" zette het account van "), look.user(target), Part(" op slot: inloggen kan niet meer.")]
    if action == "user.activate":
        return [actor, Part(" haalde het account van "), look.user(target), Part(" van slot: inloggen kan weer.")]
    if action == "user.delete":
        return [actor, Part(" verwijderde een account met alle gegevens ervan.")]
    if action == "user.promote_trainer":
        return [actor, Part(" maakte "), look.user(target), Part(" trainer.")]
    if action == "cohort.remove_member":
        return [actor, Part(" haalde "), look.user(target), Part(" uit "), look.cohort(details.get("cohort_id")),
                Part(". Ook de aanwezigheid is verwijderd.")]
    if action == "user.school_account_linked":
        return [look.user(target), Part(" koppelde bij het inloggen het schoolaccount aan dit account.")]
    if action == "user.school_account_created":
        return [Part("Bij de eerste keer inloggen met het schoolaccount kreeg "), look.user(target),
                Part(f" een account met de rol {roles_text(details.get('roles', []))}.")]
    if action == "site.student_passwords":
        state = "mogen studenten ook met een wachtwoord inloggen" if details.get("allowed") else \
            "loggen studenten alleen met hun schoolaccount in"
        return [actor, Part(" veranderde "), Part("het inloggen", look.link("admin.sign_in")), Part(f": nu {state}.")]
    if action == "class.remove_student":
        return [actor, Part(" haalde "), look.user(details.get("student_id"), "een student"), Part(" uit "),
                look.school_class(target), Part(".")]
    if action in ("class.move_approved", "class.move_declined"):
        verb = "keurde goed" if action == "class.move_approved" else "wees af"
        return [actor, Part(f" {verb}: de overstap van "), look.user(details.get("student_id"), "een student"),
                Part(" van "), look.school_class(target), Part(" naar "),
                look.school_class(details.get("to_class_id")), Part(".")]
    if action == "class.invite_co_teacher":
        return [actor, Part(f" nodigde {look.named(details.get('username'), 'een collega')} uit als mededocent van "),
                look.school_class(target), Part(".")]
    if action == "class.co_teacher_joined":
        return [actor, Part(" werd mededocent van "), look.school_class(target), Part(".")]
    if action == "class.co_teacher_declined":
        return [actor, Part(" sloeg de uitnodiging als mededocent van "), look.school_class(target), Part(" af.")]
    if action == "quiz.regrade":
        student = look.named(details.get("student"), "een student")
        return [actor, Part(f" keek {_quiz(details.get('quiz'))} opnieuw na. De score van "
                            f"{student} ging van {_points(details.get('old_score'))} "
                            f"van {details.get('old_max')} naar {_points(details.get('new_score'))} "
                            f"van {details.get('new_max')}.")]
    if action in ("quiz.void", "quiz.unvoid"):
        verb = "liet vraag {q} van {quiz} vervallen" if action == "quiz.void" else "zette vraag {q} van {quiz} terug"
        regraded = len(details.get("regraded", []))
        quiz_link = look.link("gradebook.items", class_id=target, slug=details.get("quiz")) \
            if target in look.classes else None
        what = verb.format(q=details.get("question"), quiz=_quiz(details.get("quiz")))
        return [actor, Part(" "), Part(what, quiz_link),
                Part(" voor "), look.school_class(target),
                Part(f". {regraded} {'poging kreeg' if regraded == 1 else 'pogingen kregen'} een nieuwe score.")]
    if action == "assignment.review":
        found = look.submissions.get(target)
        link = look.link("assignments.review", class_id=found.class_id, submission_id=target) \
            if found is not None and found.class_id in look.classes else None
        verdict = REVIEW_WORDS.get(details.get("status"), str(details.get("status")))
        return [actor, Part(" beoordeelde "), Part(f"de opdracht van {_lesson(details.get('lesson'))}", link),
                Part(" van "), look.user(details.get("student_id"), "een student"), Part(f": {verdict}.")]
    if action == "privacy.purge":
        counts = [f"{details[key]} {word}" for key, word in PURGE_WORDS.items() if details.get(key)]
        return [actor, Part(" ruimde de gegevens van oude klassen op" + (f": {_list(counts)}." if counts else "."))]
    if action == "lti.registration_invite":
        return [actor, Part(" maakte een koppellink voor een leerplatform.")]
    if action == "lti.platform_registered":
        return [Part(f"Het leerplatform {details.get('issuer', '')} is gekoppeld.")]
    if action == "lti.course_linked":
        return [actor, Part(f" koppelde een cursus in {details.get('platform', 'het leerplatform')} aan "),
                look.school_class(target), Part(".")]
    if action.startswith("peer."):
        return _peer_sentence(event, look)
    if action.startswith("share."):
        return _share_sentence(event, look)
    return [actor, Part(f": {describe_action(action)}.")]


def _peer_sentence(event: AuditEvent, look: _Lookups) -> Sentence:
    """Peer feedback: switched on or off for a class, a comment reported by its reader, hidden or shown."""
    actor = Part(event.actor_name)
    details: dict[str, Any] = event.details or {}
    if event.action == "peer.switch":
        slug, class_id = details.get("lesson"), event.object_id
        if details.get("enabled"):
            how = "anoniem" if details.get("anonymous") else "met namen"
            state = f" aan ({how}): studenten geven elkaar feedback."
        else:
            state = " uit."
        return [actor, Part(" zette "), look.peer_page(class_id, slug, f"peerfeedback bij {_lesson(slug)}"),
                Part(" voor "), look.school_class(class_id), Part(state)]
    row = look.peer_reviews.get(event.object_id)
    slug = row.lesson_slug if row is not None else details.get("lesson")
    class_id = row.class_id if row is not None else None
    comment = look.peer_page(class_id, slug, f"een reactie van een klasgenoot bij {_lesson(slug)}")
    place: Sentence = [Part(" in "), look.school_class(class_id)] if row is not None else []
    if event.action == "peer.report":
        return [look.user(event.actor_id, event.actor_name), Part(" meldde "), comment, *place,
                Part(" als kwetsend; de reactie werd verborgen tot de docent zou beslissen.")]
    author: Sentence = [Part(" op het werk van "), look.user(row.author_id, "een student")] if row is not None else []
    if event.action == "peer.hide":
        return [actor, Part(" verborg "), comment, *author, *place, Part(": de student zag de reactie niet meer.")]
    if event.action == "peer.show":
        return [actor, Part(" toonde "), comment, *author, *place, Part(" weer: de student zag de reactie weer.")]
    return [actor, Part(f": {describe_action(event.action)}.")]


def _share_sentence(event: AuditEvent, look: _Lookups) -> Sentence:
    """A link for the supervisor (praktijkopleider): made or revoked by the student, opened, commented on."""
    details: dict[str, Any] = event.details or {}
    row = look.shares.get(event.object_id)
    student = look.user(row.student_id if row is not None else details.get("student_id"), "een student")
    if row is not None:
        work = look.submission(row.submission_id, row.class_id,
                               f"versie {row.version} van de opdracht van {_lesson(row.lesson_slug)}")
    elif details.get("lesson"):
        work = Part(f"versie {details.get('version', '?')} van de opdracht van {_lesson(details.get('lesson'))}")
    else:
        work = Part("een opdracht die niet meer bestaat")
    if event.action == "share.create":
        return [student, Part(" maakte een link voor de praktijkopleider naar "), work, Part(".")]
    if event.action == "share.view":
        return [Part("De praktijkopleider opende via de link "), work, Part(" van "), student, Part(".")]
    if event.action == "share.comment":
        return [Part("De praktijkopleider gaf via de link een reactie op "), work, Part(" van "), student,
                Part(".")]
    if event.action == "share.revoke":
        return [student, Part(" trok de link voor de praktijkopleider naar "), work,
                Part(" in. De link werkt niet meer.")]
    return [Part(event.actor_name), Part(f": {describe_action(event.action)}.")]


def sentences(events: Sequence[AuditEvent], private_to: int | None = None) -> list[Sentence]:
    look = _Lookups(events, private_to)
    return [_sentence(event, look) for event in events]

