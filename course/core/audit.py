"""Recording grade-affecting and account actions: who did what, to what, when."""

from __future__ import annotations

from typing import Any, Protocol

from ..models import AuditEvent
from .extensions import db


class Actor(Protocol):
    """Who did it: a signed-in user or an account record; the log keeps the name as it was then."""

    @property
    def id(self) -> int: ...

    @property
    def display_name(self) -> str: ...


ACTION_LABELS = {
    "user.password_reset": "Wachtwoord opnieuw ingesteld",
    "user.delete": "Account en gegevens verwijderd",
    "user.create": "Account aangemaakt",
    "user.promote_trainer": "Trainer gemaakt",
    "cohort.remove_member": "Uit een train-de-trainergroep gehaald",
    "user.roles": "Rollen gewijzigd",
    "user.deactivate": "Account op slot gezet",
    "user.activate": "Account van slot gehaald",
    "user.school_account_linked": "Schoolaccount gekoppeld aan een account van een medewerker",
    "user.school_account_created": "Docentaccount gemaakt bij de eerste inlog met het schoolaccount",
    "site.student_passwords": "Inloggen met wachtwoord voor studenten aan- of uitgezet",
    "class.remove_student": "Student uit klas gehaald",
    "class.move_approved": "Overstap naar andere klas goedgekeurd",
    "class.move_declined": "Overstap naar andere klas afgewezen",
    "class.invite_co_teacher": "Collega uitgenodigd als mededocent",
    "class.co_teacher_joined": "Uitnodiging als mededocent geaccepteerd",
    "class.co_teacher_declined": "Uitnodiging als mededocent afgewezen",
    "quiz.regrade": "Quiz opnieuw nagekeken",
    "quiz.void": "Vraag laten vervallen",
    "quiz.unvoid": "Vervallen vraag teruggezet",
    "assignment.review": "Opdracht beoordeeld",
    "privacy.purge": "Oude klassen opgeruimd",
    "lti.registration_invite": "Koppellink voor een leerplatform gemaakt",
    "lti.platform_registered": "Leerplatform gekoppeld",
    "lti.course_linked": "Cursus op het leerplatform aan een klas gekoppeld",
    "peer.switch": "Peerfeedback aan- of uitgezet",
    "peer.report": "Reactie van een klasgenoot gemeld",
    "peer.hide": "Reactie van een klasgenoot verborgen",
    "peer.show": "Reactie van een klasgenoot weer getoond",
    "share.create": "Opdracht gedeeld met de praktijkopleider",
    "share.view": "Gedeelde opdracht bekeken via de link",
    "share.comment": "Praktijkopleider heeft gereageerd",
    "share.revoke": "Link voor de praktijkopleider ingetrokken",
}


def describe_action(action: str) -> str:
    """The Dutch name of an action; an action this version does not know keeps its code."""
    return ACTION_LABELS.get(action, action)


def record(
    actor: Actor | None, action: str, object_type: str, object_id: int | None = None, **details: Any
) -> AuditEvent:
    """Add an event to the current transaction; it is stored when the caller commits."""
    event = AuditEvent(
        actor_id=actor.id if actor is not None else None,
        actor_name=actor.display_name if actor is not None else "systeem (opdrachtregel)",
        action=action,
        object_type=object_type,
        object_id=object_id,
        details=details,
    )
    db.session.add(event)
    return event
