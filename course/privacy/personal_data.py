"""Privacy by design: what the app stores (one inventory that both the privacy statement and the
purge read, so they cannot drift), a person's data export, and deletion."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import Text, cast, delete, func, or_, select, update

from ..accounts.identity import Person
from ..core.audit import record
from ..core.extensions import db
from ..models import (
    AssignmentDraft,
    Attendance,
    AuditEvent,
    Cohort,
    CohortMember,
    Enrolment,
    ExternalIdentity,
    LessonProgress,
    LoginFailure,
    PeerReview,
    QuizAttempt,
    SchoolClass,
    Submission,
    SubmissionImage,
    SupervisorShare,
    TpackScan,
    User,
)
from .assignment_data import assignment_extras


@dataclass(frozen=True)
class DataCategory:
    """One kind of personal data: what, why, who sees it, how long, and what the purge does."""

    title: str
    what: str
    why: str
    who_sees: str
    kept: str
    on_purge: str  # "delete" or "keep"


def data_categories(retention_months: int) -> list[DataCategory]:
    after_archive = (
        f"Tot {retention_months} maanden nadat je klas is gearchiveerd. Daarna worden je account en al je werk "
        "verwijderd, tenzij je ook in een nieuwere klas zit."
    )
    return [
        DataCategory(
            "Je account",
            "Je naam zoals je die zelf invult of zoals je school die doorgeeft, je gebruikersnaam en je wachtwoord "
            "(alleen versleuteld: niemand kan het lezen; wie met het schoolaccount inlogt, heeft hier geen "
            "wachtwoord). Geen e-mailadres, geen geboortedatum, geen telefoonnummer.",
            "Zodat je kunt inloggen en je docent ziet wiens werk het is.",
            "Jij, je docenten en de beheerder van de school.",
            after_archive,
            "delete",
        ),
        DataCategory(
            "Koppeling met je leerplatform of schoolaccount",
            "Als je inlogt via het leerplatform van school of met je schoolaccount: welk platform of welke "
            "school het is, het nummer dat die jou geeft en wanneer je er voor het eerst en voor het laatst mee "
            "inlogde. Voor medewerkers ook het e-mailadres dat de beheerder invulde. Geen wachtwoord, geen "
            "e-mailadres van studenten. Wat je school verder meestuurt (zoals je groepen of je e-mailadres) "
            "gebruiken we alleen om te bepalen of je mag inloggen en of je docent bent; we bewaren het niet.",
            "Zodat je zonder apart wachtwoord inlogt en je werk bij jouw account komt.",
            "Jij en de beheerder van de school.",
            after_archive,
            "delete",
        ),
        DataCategory(
            "Je klassen",
            "In welke klas je zit en sinds wanneer.",
            "Zodat je docent jouw voortgang bij de juiste klas ziet.",
            "Jij en de docenten van die klas.",
            after_archive,
            "delete",
        ),
        DataCategory(
            "Je voortgang en je werk",
            "Welke lessen je af hebt, je opdrachten (concepten en elke ingeleverde versie) en de feedback "
            "van je docent.",
            "Zodat jij verder kunt waar je was en je docent je werk kan beoordelen.",
            "Jij en de docenten van je klas.",
            after_archive,
            "delete",
        ),
        DataCategory(
            "Afbeeldingen bij je opdrachten",
            "De afbeeldingen die je bij een versie inlevert (hoogstens drie), verkleind en opnieuw opgeslagen. "
            "Verborgen gegevens in de foto, zoals de plek en het toestel, halen we er meteen uit.",
            "Zodat je kunt laten zien wat je hebt gemaakt, zoals een schermafbeelding van je profiel.",
            "Jij, de docenten van je klas en, als peerfeedback aanstaat, de klasgenoten die feedback op je werk "
            "geven. Je praktijkopleider alleen als jij een link deelt.",
            after_archive,
            "delete",
        ),
        DataCategory(
            "Peerfeedback",
            "De feedback die je aan klasgenoten geeft en van hen krijgt: per criterium een niveau, één top en "
            "één tip, en of je een reactie hebt gemeld.",
            "Zodat je van elkaars werk leert, zoals in de les over feedback geven.",
            "Jij, de klasgenoot om wie het gaat en de docenten van je klas. Bij anonieme peerfeedback ziet je "
            "klasgenoot je naam niet.",
            after_archive,
            "delete",
        ),
        DataCategory(
            "Link voor je praktijkopleider",
            "Welke versie je deelde, wanneer, tot wanneer de link werkt, of je hem introk, en de ene reactie met "
            "naam die je praktijkopleider gaf. Het logboek noteert delen, bekijken en intrekken.",
            "Zodat je praktijkopleider je werk kan lezen zonder account, en jij en je docent zijn reactie lezen.",
            "Jij, de docenten van je klas, en wie de link heeft zolang hij werkt (hoogstens 14 dagen).",
            after_archive,
            "delete",
        ),
        DataCategory(
            "Je quizpogingen",
            "Je antwoorden, je score en wanneer je de quiz maakte, per poging.",
            "Voor je cijfer, je feedback per vraag, en zodat je docent ziet welke vragen lastig zijn.",
            "Jij en de docenten van je klas. In overzichten voor de klas tellen antwoorden alleen samen mee.",
            after_archive,
            "delete",
        ),
        DataCategory(
            "Live-les",
            "Tijdens een live-les: welk antwoord jij op de telefoon koos. Daarna alleen hoeveel studenten van "
            "de klas elk antwoord kozen, zonder namen.",
            "Zodat het bord de verdeling kan tonen en je je antwoord kunt veranderen tot de uitslag.",
            "Niemand ziet wie wat koos; het bord en je docent zien alleen aantallen.",
            "Je antwoord tot de live-les afloopt (uiterlijk na vier uur). De aantallen zolang de klas bestaat.",
            "delete",
        ),
        DataCategory(
            "TPACK-scan (alleen docenten)",
            "Je antwoorden op de zelfscan en je gemiddelde per domein.",
            "Voor je eigen groei als docent, nooit voor beoordeling.",
            "Alleen jij. Een trainer ziet alleen gemiddelden van een groep van minstens vijf mensen.",
            "Tot je ze zelf verwijdert of je account wordt verwijderd.",
            "keep",
        ),
        DataCategory(
            "Logboek",
            "Welke medewerker een wachtwoord herstelde, een cijfer aanpaste of gegevens verwijderde, en wanneer.",
            "Zodat achteraf na te gaan is wie iets aan cijfers of accounts veranderde.",
            "De beheerder van de school.",
            "Zolang de installatie bestaat; verwijzingen naar verwijderde studenten worden gewist.",
            "keep",
        ),
        DataCategory(
            "Mislukte inlogpogingen",
            "De gebruikersnaam en het netwerkadres van een mislukte inlogpoging of een verkeerde klascode, en "
            "bij een browser waarop je al eens inlogde de willekeurige code uit het apparaatcookie.",
            "Om het raden van wachtwoorden en codes af te remmen, zonder dat jij wordt buitengesloten.",
            "Niemand; de site gebruikt het alleen om te tellen.",
            "Een uur.",
            "delete",
        ),
    ]


# --- export ----------------------------------------------------------------------------------


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def export_user_data(user: Person) -> dict[str, Any]:
    """Everything the app holds about one person, in a form they can read and keep."""
    classes = db.session.execute(
        select(SchoolClass.name, SchoolClass.school_year, Enrolment.joined_at)
        .join(Enrolment, Enrolment.class_id == SchoolClass.id)
        .where(Enrolment.student_id == user.id)
    ).all()
    progress = db.session.scalars(select(LessonProgress).where(LessonProgress.student_id == user.id)).all()
    drafts = db.session.scalars(select(AssignmentDraft).where(AssignmentDraft.student_id == user.id)).all()
    submissions = db.session.scalars(
        select(Submission).where(Submission.student_id == user.id).order_by(Submission.lesson_slug, Submission.version)
    ).all()
    extras = assignment_extras(user.id, [s.id for s in submissions])
    attempts = db.session.scalars(
        select(QuizAttempt).where(QuizAttempt.user_id == user.id).order_by(QuizAttempt.started_at)
    ).all()
    scans = db.session.scalars(select(TpackScan).where(TpackScan.teacher_id == user.id)).all()
    cohorts = db.session.execute(
        select(Cohort.name, CohortMember.joined_at)
        .join(CohortMember, CohortMember.cohort_id == Cohort.id)
        .where(CohortMember.user_id == user.id)
    ).all()
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.object_type == "user", AuditEvent.object_id == user.id)
    ).all()
    linked = db.session.scalars(select(ExternalIdentity).where(ExternalIdentity.user_id == user.id)).all()
    email = db.session.scalar(select(User.email).where(User.id == user.id))
    return {
        "account": {
            "username": user.username,
            "display_name": user.display_name,
            "roles": user.roles,
            "created_at": _when(user.created_at),
            **({"email": email} if email else {}),
        },
        "linked_accounts": [
            {"kind": i.kind, "issuer": i.issuer, "subject": i.subject, "since": _when(i.created_at),
             "last_sign_in": _when(i.last_seen_at)}
            for i in linked
        ],
        "classes": [{"name": n, "school_year": y, "joined_at": _when(j)} for n, y, j in classes],
        "lessons_done": [
            {"lesson": p.lesson_slug, "done_at": _when(p.done_at)} for p in progress if p.done_at is not None
        ],
        "assignment_drafts": [
            {"lesson": d.lesson_slug, "text": d.body_text, "updated_at": _when(d.updated_at)} for d in drafts
        ],
        "submissions": [
            {
                "lesson": s.lesson_slug,
                "version": s.version,
                "text": s.body_text,
                "submitted_at": _when(s.submitted_at),
                "reviews": [
                    {"status": r.status, "feedback": r.feedback_text, "at": _when(r.created_at),
                     "rubric": extras["rubric"].get(r.id, {})}
                    for r in s.reviews
                ],
                "images": extras["images"].get(s.id, []),
            }
            for s in submissions
        ],
        "peer_feedback_given": extras["given"],
        "peer_feedback_received": extras["received"],
        "supervisor_links": extras["shares"],
        "quiz_attempts": [
            {
                "quiz": a.quiz_slug,
                "quiz_version": a.quiz_version,
                "started_at": _when(a.started_at),
                "submitted_at": _when(a.submitted_at),
                "score": str(a.score) if a.score is not None else None,
                "max_score": a.max_score,
                "answers": a.answers,
                "preview": a.is_preview,
            }
            for a in attempts
        ],
        "tpack_scans": [
            {
                "started_at": _when(s.started_at),
                "completed_at": _when(s.completed_at),
                "answers": {a.statement_id: a.value for a in s.answers},
            }
            for s in scans
        ],
        "cohorts": [{"name": n, "joined_at": _when(j)} for n, j in cohorts],
        "log_entries_about_you": [{"action": e.action, "by": e.actor_name, "at": _when(e.created_at)} for e in events],
    }


# --- deletion --------------------------------------------------------------------------------


def delete_user(user: User, actor: Person | None) -> None:
    """Remove a person and everything of theirs; the log keeps that it happened, not who it was."""
    user_id, username = user.id, user.username
    db.session.execute(
        update(AuditEvent)
        .where(AuditEvent.object_type == "user", AuditEvent.object_id == user_id)
        .values(object_id=None, details={})
    )
    # Details name students too: a removal by id, a regrade or void by username (per regraded attempt).
    mentions = or_(AuditEvent.action == "class.remove_student", cast(AuditEvent.details, Text).contains(username))
    for event in db.session.scalars(select(AuditEvent).where(mentions)):
        event.details = _forget(event.details, user_id, username)
    db.session.execute(
        update(AuditEvent).where(AuditEvent.actor_id == user_id).values(actor_id=None, actor_name="verwijderd account")
    )
    db.session.execute(delete(LoginFailure).where(LoginFailure.key == f"user:{username}"))
    # Rows that point at the user by foreign key go with the database's ON DELETE CASCADE;
    # they are deleted explicitly as well so the ORM session holds no stale objects.
    for model, column in (
        (Attendance, Attendance.user_id),
        (CohortMember, CohortMember.user_id),
        (LessonProgress, LessonProgress.student_id),
        (AssignmentDraft, AssignmentDraft.student_id),
        (ExternalIdentity, ExternalIdentity.user_id),
    ):
        db.session.execute(delete(model).where(column == user_id))
    own_work = select(Submission.id).where(Submission.student_id == user_id)
    db.session.execute(delete(SubmissionImage).where(SubmissionImage.submission_id.in_(own_work)))
    db.session.execute(
        delete(PeerReview).where(or_(PeerReview.reviewer_id == user_id, PeerReview.author_id == user_id))
    )
    db.session.execute(delete(SupervisorShare).where(SupervisorShare.student_id == user_id))
    for submission in db.session.scalars(select(Submission).where(Submission.student_id == user_id)):
        db.session.delete(submission)
    for attempt in db.session.scalars(select(QuizAttempt).where(QuizAttempt.user_id == user_id)):
        db.session.delete(attempt)
    for scan in db.session.scalars(select(TpackScan).where(TpackScan.teacher_id == user_id)):
        db.session.delete(scan)
    db.session.delete(user)
    record(actor, "user.delete", "user", None)
    db.session.commit()


def _forget(details: Any, user_id: int, username: str) -> Any:
    """``details`` without the person: their id dropped, their username replaced (other values stay)."""
    if isinstance(details, list):
        return [_forget(value, user_id, username) for value in details]
    if not isinstance(details, dict):
        return details
    kept = {}
    for key, value in details.items():
        if key in ("student_id", "user_id") and value == user_id:
            continue
        kept[key] = "verwijderd account" if key in ("student", "username") and value == username else (
            _forget(value, user_id, username)
        )
    return kept


# --- purge -----------------------------------------------------------------------------------


@dataclass
class PurgePlan:
    classes: list[SchoolClass]
    students_deleted: list[User]
    enrolments_removed: int

    def summary(self) -> dict[str, int]:
        return {
            "classes": len(self.classes),
            "students_deleted": len(self.students_deleted),
            "enrolments_removed": self.enrolments_removed,
        }


def plan_purge(archived_before: date) -> PurgePlan:
    cutoff = datetime.combine(archived_before, time.min, tzinfo=UTC)
    classes = list(
        db.session.scalars(
            select(SchoolClass).where(SchoolClass.archived_at.is_not(None), SchoolClass.archived_at < cutoff)
        )
    )
    class_ids = {c.id for c in classes}
    if not class_ids:
        return PurgePlan([], [], 0)
    enrolled = db.session.execute(
        select(Enrolment.student_id, func.count())
        .where(Enrolment.class_id.in_(class_ids))
        .group_by(Enrolment.student_id)
    ).all()
    totals = dict(
        db.session.execute(
            select(Enrolment.student_id, func.count())
            .where(Enrolment.student_id.in_([s for s, _ in enrolled]))
            .group_by(Enrolment.student_id)
        ).all()
    )
    only_old = [student_id for student_id, count in enrolled if totals.get(student_id) == count]
    students = list(db.session.scalars(select(User).where(User.id.in_(only_old), User.is_student)))
    removed = sum(count for student_id, count in enrolled if student_id not in {s.id for s in students})
    return PurgePlan(classes, students, removed)


def purge(plan: PurgePlan, actor: Person | None) -> None:
    """Delete the students who were only in the old classes, then the classes themselves (which
    takes the remaining enrolments, teacher links and voided questions with them)."""
    for student in plan.students_deleted:
        delete_user(student, actor)
    for school_class in plan.classes:
        db.session.delete(school_class)
    record(actor, "privacy.purge", "class", None, **plan.summary())
    db.session.commit()
