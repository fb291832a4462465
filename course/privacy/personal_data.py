"""Privacy by design: what the app stores (one inventory that both the privacy statement and the
purge read, so they cannot drift), a person's data export, and deletion."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import Text, cast, delete, func, or_, select, update

from ..accounts.identity import Person
from ..core.audit import record
from ..core.config import MIN_TPACK_GROUP
from ..core.extensions import db
from ..models import (
    AssignmentDraft,
    Attendance,
    AuditEvent,
    ClassTeacher,
    Cohort,
    CohortMember,
    Enrolment,
    ExternalIdentity,
    LessonProgress,
    LoginFailure,
    PeerReview,
    QuizAttempt,
    Review,
    SchoolClass,
    Submission,
    SubmissionImage,
    SupervisorShare,
    TpackScan,
    User,
)
from .assignment_data import assignment_extras
from .cohort_figures_restart import restart_if_cohorts_counted, restart_if_person_counted


@dataclass(frozen=True)
class DataCategory:
    """One kind of personal data: what, why, who sees it, how long, and what the purge does; and,
    for the school's FG (register, bijsluiter, DPIA pre-scan), whose data it is, on what legal
    basis, who receives it, where it is stored, how it is protected and how it is deleted.
    A test requires every field of every category, so a new category cannot skip them."""

    title: str
    what: str
    why: str
    who_sees: str
    kept: str
    on_purge: str  # "delete" or "keep"
    data_subjects: str = ""
    legal_basis: str = ""  # a key of legal.LEGAL_BASES
    recipients: str = ""
    storage: str = ""
    security: str = ""
    deletion: str = ""


# The fields for the FG in formal Dutch; shared wording where categories share a mechanism.
STUDENTS_AND_STAFF = "Studenten en medewerkers (docenten, trainers, beheerders)."
DATABASE = "De database van de installatie (SQLite of PostgreSQL) op de server van de school of de hostingpartij."
BASELINE_SECURITY = (
    "Toegang alleen na inloggen; de server controleert bij elk verzoek de rol en de klas; HTTPS; "
    "CSRF-bescherming op elk formulier; geen scripts, lettertypen of trackers van andere partijen."
)
ACCOUNT_DELETION = (
    "Studenten: `flask privacy purge` (elk uur) na de bewaartermijn van gearchiveerde klassen. Iedereen: "
    "verwijdering door de beheerder (beheerpagina of `flask users delete`)."
)
PURGE_WITH_CLASS = "`flask privacy purge` (elk uur) verwijdert het met de klas na de bewaartermijn; en met het account."


def data_categories(
    retention_months: int,
    *,
    min_group: int = MIN_TPACK_GROUP,
    cohort_months: int = 24,
    backup_days: int = 30,
) -> list[DataCategory]:
    after_archive = (
        f"Tot {retention_months} maanden nadat je klas is gearchiveerd. Daarna worden je account en al je werk "
        "verwijderd, tenzij je ook in een nieuwere klas zit."
    )
    staff_account = (
        " Medewerkers: tot de beheerder je account verwijdert, bijvoorbeeld als je van school gaat. Dan gaan ook "
        "je TPACK-scans, je deelname aan groepen en je aanwezigheid weg."
    )
    return [
        DataCategory(
            "Je account",
            "Je naam zoals je die zelf invult of zoals je school die doorgeeft, je gebruikersnaam en je wachtwoord "
            "(alleen versleuteld: niemand kan het lezen; wie met het schoolaccount inlogt, heeft hier geen "
            "wachtwoord), en of de beheerder je account op slot heeft gezet en sinds wanneer. Geen e-mailadres, "
            "geen geboortedatum, geen telefoonnummer.",
            "Zodat je kunt inloggen en je docent ziet wiens werk het is.",
            "Jij, je docenten en de beheerder van de school.",
            after_archive + staff_account,
            "delete",
            data_subjects=STUDENTS_AND_STAFF,
            legal_basis="public_task",
            recipients="Docenten van de klas en beheerders van de school. Geen derden.",
            storage=DATABASE,
            security=BASELINE_SECURITY + " Wachtwoorden alleen als hash; raadpogingen worden afgeremd.",
            deletion=ACCOUNT_DELETION,
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
            data_subjects=STUDENTS_AND_STAFF,
            legal_basis="public_task",
            recipients="Beheerders van de school. Het leerplatform of de identiteitsdienst van de school levert "
                       "de gegevens aan.",
            storage=DATABASE,
            security=BASELINE_SECURITY + " Inloggen via LTI 1.3 of OpenID Connect met gecontroleerde handtekening.",
            deletion="Met het account (zie Je account).",
        ),
        DataCategory(
            "Je klassen",
            "In welke klas je zit en sinds wanneer.",
            "Zodat je docent jouw voortgang bij de juiste klas ziet.",
            "Jij en de docenten van die klas.",
            after_archive,
            "delete",
            data_subjects="Studenten.",
            legal_basis="public_task",
            recipients="Docenten van die klas; beheerders.",
            storage=DATABASE,
            security=BASELINE_SECURITY,
            deletion=PURGE_WITH_CLASS,
        ),
        DataCategory(
            "Je voortgang en je werk",
            "Welke lessen je af hebt, je opdrachten (concepten en elke ingeleverde versie) en de feedback "
            "van je docent.",
            "Zodat jij verder kunt waar je was en je docent je werk kan beoordelen.",
            "Jij en de docenten van je klas.",
            after_archive,
            "delete",
            data_subjects="Studenten; de feedback noemt de docent die hem schreef.",
            legal_basis="public_task",
            recipients="Docenten van de klas.",
            storage=DATABASE,
            security=BASELINE_SECURITY + " Tekst van studenten wordt opgeschoond (bleach) voordat hij wordt getoond.",
            deletion=PURGE_WITH_CLASS,
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
            data_subjects="Studenten; op een schermafbeelding kunnen ook anderen staan.",
            legal_basis="public_task",
            recipients="Docenten van de klas; klasgenoten die peerfeedback geven; de praktijkopleider met een "
                       "gedeelde link (alleen die versie).",
            storage=DATABASE + " De afbeeldingen staan in de database, niet los op schijf.",
            security=BASELINE_SECURITY + " Elk bestand wordt als afbeelding gecontroleerd en opnieuw opgeslagen "
                     "zonder EXIF (ook zonder GPS-locatie); alleen via een route die de rechten controleert, "
                     "met no-store.",
            deletion=PURGE_WITH_CLASS,
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
            data_subjects="Studenten (wie feedback geeft en wie hem krijgt).",
            legal_basis="public_task",
            recipients="De student om wie het gaat en de docenten van de klas; de naam van de gever alleen als "
                       "de docent niet voor anoniem koos.",
            storage=DATABASE,
            security=BASELINE_SECURITY + " Een gemelde reactie is verborgen tot de docent beslist.",
            deletion=PURGE_WITH_CLASS,
        ),
        DataCategory(
            "Link voor je praktijkopleider",
            "Welke versie je deelde, wanneer, tot wanneer de link werkt, of je hem introk, en de ene reactie met "
            "naam die je praktijkopleider gaf. Het logboek noteert delen, bekijken en intrekken.",
            "Zodat je praktijkopleider je werk kan lezen zonder account, en jij en je docent zijn reactie lezen.",
            "Jij, de docenten van je klas, en wie de link heeft zolang hij werkt (hoogstens 14 dagen).",
            after_archive,
            "delete",
            data_subjects="Studenten; de praktijkopleider (de naam bij de reactie).",
            legal_basis="public_task",
            recipients="De praktijkopleider die de link krijgt (alleen de gedeelde versie, hoogstens 14 dagen); "
                       "de student en de docenten van de klas.",
            storage=DATABASE,
            security=BASELINE_SECURITY + " De link is een HMAC onder de geheime sleutel: een kopie van de "
                     "database alleen opent niets. De student kan hem altijd intrekken.",
            deletion=PURGE_WITH_CLASS,
        ),
        DataCategory(
            "Je quizpogingen",
            "Je antwoorden, je score en wanneer je de quiz maakte, per poging.",
            "Voor je cijfer, je feedback per vraag, en zodat je docent ziet welke vragen lastig zijn.",
            "Jij en de docenten van je klas. In overzichten voor de klas tellen antwoorden alleen samen mee.",
            after_archive,
            "delete",
            data_subjects="Studenten (en medewerkers die een quiz als voorbeeld maken).",
            legal_basis="public_task",
            recipients="Docenten van de klas; klasoverzichten tonen alleen totalen. Wordt de quiz via het "
                       "leerplatform van de school (LTI) gemaakt, dan stuurt de app de score naar dat leerplatform.",
            storage=DATABASE,
            security=BASELINE_SECURITY,
            deletion=PURGE_WITH_CLASS,
        ),
        DataCategory(
            "Tussendoor opgeslagen quizantwoorden",
            "De antwoorden die je al hebt gekozen in een quiz die je nog niet hebt ingeleverd: bewaard als je op "
            "Tussendoor opslaan klikt, en terwijl je antwoordt als je browser JavaScript gebruikt.",
            "Zodat je antwoorden er nog staan als je de quiz verlaat en later verdergaat.",
            "Alleen jij. Je docent ziet ze niet; die ziet pas je antwoorden als je inlevert.",
            "Tot je de quiz inlevert: dan komen je ingeleverde antwoorden ervoor in de plaats. Lever je niet in, "
            "dan tot je account wordt verwijderd.",
            "delete",
            data_subjects="Studenten (en medewerkers die een quiz als voorbeeld maken).",
            legal_basis="public_task",
            recipients="Niemand anders dan de student zelf.",
            storage=DATABASE + " Bij de poging die nog open staat.",
            security=BASELINE_SECURITY + " Alleen de eigenaar van de poging kan ze lezen of veranderen.",
            deletion="Vervalt bij het inleveren van de poging; verder met de poging en het account "
                     "(zie Je quizpogingen).",
        ),
        DataCategory(
            "Live-les",
            "Tijdens een live-les: welk antwoord jij op de telefoon koos. Daarna alleen hoeveel studenten van "
            "de klas elk antwoord kozen, zonder namen.",
            "Zodat het bord de verdeling kan tonen en je je antwoord kunt veranderen tot de uitslag.",
            "Niemand ziet wie wat koos; het bord en je docent zien alleen aantallen.",
            "Je antwoord tot de live-les afloopt (uiterlijk vijf uur na de start). "
            "De aantallen zolang de klas bestaat.",
            "delete",
            data_subjects="Studenten.",
            legal_basis="public_task",
            recipients="Niemand per persoon; docent en bord zien alleen aantallen.",
            storage=DATABASE,
            security=BASELINE_SECURITY + " Het bord toont nooit wie wat antwoordde.",
            deletion="Antwoorden per persoon vervallen na afloop van de live-les (uiterlijk vijf uur na de start); de "
                     "aantallen gaan met de klas (`flask privacy purge`).",
        ),
        DataCategory(
            "TPACK-scan (alleen docenten)",
            "Je antwoorden op de zelfscan (ook ‘n.v.t.’ en, bij een nieuwe scan, je terugblik op je eerste scan), "
            "welke versie van de vragenlijst je invulde, en je gemiddelde per domein.",
            "Voor je eigen groei als docent, nooit voor beoordeling.",
            f"Alleen jij. Een trainer of beheerder ziet alleen gemiddelden van een groep van minstens {min_group} "
            "mensen, en alleen als die cijfers met minstens zoveel mensen verschillen van alle groepscijfers die "
            "eerder te zien waren. Er is geen lijst van wie de scan heeft gedaan.",
            "Tot je een scan zelf verwijdert (met de knop Scan verwijderen bij de uitslag) of je account wordt "
            "verwijderd.",
            "keep",
            data_subjects="Docenten (medewerkers) die de zelfscan vrijwillig invullen.",
            legal_basis="consent",
            recipients="Alleen de docent zelf. Trainers en beheerders zien uitsluitend groepsgemiddelden van "
                       f"minstens {min_group} personen.",
            storage=DATABASE,
            security=BASELINE_SECURITY + f" Groepscijfers pas vanaf {min_group} personen en alleen als ze met "
                                         "minstens zoveel personen verschillen van eerder zichtbare cijfers; "
                                         "na het verwijderen van een scan, deelname of account beginnen de "
                                         "groepscijfers opnieuw met alleen nieuwere scans; "
                                         "geen lijst van deelnemers.",
            deletion="Door de docent zelf (knop Scan verwijderen), of met het account door de beheerder.",
        ),
        DataCategory(
            "Groeidoel bij de TPACK-scan (alleen docenten)",
            "Eén kort groeidoel in je eigen woorden (hoogstens 300 tekens), als je dat bij een scan invult. Het "
            "mag leeg blijven.",
            "Zodat je bij je uitslag terugziet wat je wilde leren.",
            "Alleen jij. Geen trainer en geen beheerder ziet het, en het telt in geen enkel groepscijfer mee.",
            "Zolang de scan bestaat: het gaat weg als je de scan verwijdert (knop Scan verwijderen bij de uitslag) "
            "of als je account wordt verwijderd.",
            "keep",
            data_subjects="Docenten (medewerkers) die bij de zelfscan vrijwillig een groeidoel opschrijven.",
            legal_basis="consent",
            recipients="Alleen de docent zelf. Niet zichtbaar voor trainers of beheerders; niet in groepscijfers.",
            storage=DATABASE,
            security=BASELINE_SECURITY + " Alleen de eigen scanpagina's tonen het; geen enkele pagina of download "
                                         "voor trainers of beheerders leest het.",
            deletion="Met de scan door de docent zelf (knop Scan verwijderen), of met het account door de beheerder.",
        ),
        DataCategory(
            "Train-de-trainergroepen (alleen docenten)",
            "In welke groep je zit, sinds wanneer, en bij welke bijeenkomsten je was.",
            "Zodat de trainer het programma kan begeleiden.",
            "Jij, de trainer van de groep en de beheerder van de school.",
            f"Tot {cohort_months} maanden na de laatste bijeenkomst van de groep. Dan verwijdert de opschoning de "
            "groep met wie erin zat en wie er was. Stap je eerder zelf uit een groep, dan gaat ook je aanwezigheid "
            "weg.",
            "delete",
            data_subjects="Docenten die deelnemen aan een train-de-trainergroep, en hun trainer.",
            legal_basis="public_task",
            recipients="De trainer van de groep en beheerders.",
            storage=DATABASE,
            security=BASELINE_SECURITY,
            deletion=f"`flask privacy purge` (elk uur) verwijdert de groep {cohort_months} maanden na de "
                     "laatste bijeenkomst met leden en aanwezigheid; uitstappen wist de eigen aanwezigheid; met "
                     "het account.",
        ),
        DataCategory(
            "Klassen die je geeft (alleen docenten)",
            "Welke klassen je geeft, en of je de klas zelf maakte of erbij werd gezet door een collega.",
            "Zodat jij en je collega's het werk van jullie eigen studenten zien, en dat van niemand anders.",
            "Jij, de andere docenten van die klas en de beheerder van de school.",
            f"Tot de klas wordt opgeruimd ({retention_months} maanden na het archiveren) of je account wordt "
            "verwijderd.",
            "delete",
            data_subjects="Docenten.",
            legal_basis="public_task",
            recipients="De andere docenten van de klas en beheerders.",
            storage=DATABASE,
            security=BASELINE_SECURITY,
            deletion=PURGE_WITH_CLASS,
        ),
        DataCategory(
            "Feedback die je schrijft (alleen docenten)",
            "Je beoordeling en feedback bij het werk van een student, met je naam erbij, en cijfers die je "
            "aanpast.",
            "Zodat de student weet wat beter kan en wie dat zei.",
            "Jij, de andere docenten van de klas en de student.",
            "Zolang het werk van de student bestaat. Wordt jouw account verwijderd, dan blijft je feedback bij "
            "de student staan, zonder je naam.",
            "delete",
            data_subjects="Docenten (als schrijver) en studenten (over wiens werk het gaat).",
            legal_basis="public_task",
            recipients="De student en de docenten van de klas.",
            storage=DATABASE,
            security=BASELINE_SECURITY + " Feedback wordt opgeschoond (bleach) voordat hij wordt getoond.",
            deletion="Met het werk van de student (`flask privacy purge`); bij verwijdering van de docent blijft "
            "de feedback zonder naam staan.",
        ),
        DataCategory(
            "Trainer en bereik (alleen docenten)",
            "Of je trainer bent, wie je trainer maakte en wanneer, en het bereik van de groepen die je "
            "begeleidt: hoeveel groepen, docenten, nieuwe trainers, klassen en studenten. Alleen aantallen, "
            "geen namen van studenten.",
            "Zodat de school ziet hoe ver het programma reikt.",
            "Jij en de beheerder van de school.",
            "Zolang je trainer bent of groepen hebt. Het bereik wordt telkens opnieuw geteld uit de groepen en "
            "klassen; het wordt niet apart bewaard.",
            "keep",
            data_subjects="Trainers (medewerkers).",
            legal_basis="public_task",
            recipients="Beheerders.",
            storage=DATABASE,
            security=BASELINE_SECURITY + " Het bereik bestaat alleen uit aantallen, zonder namen van studenten.",
            deletion="Met het account door de beheerder; het bereik verdwijnt met de groepen (`flask privacy purge`).",
        ),
        DataCategory(
            "Logboek",
            "Welke medewerker een wachtwoord herstelde, een cijfer aanpaste, iemand uit een train-de-trainergroep "
            "haalde of gegevens verwijderde, en wanneer.",
            "Zodat achteraf na te gaan is wie iets aan cijfers of accounts veranderde.",
            "De beheerder van de school.",
            "Zolang de installatie bestaat; verwijzingen naar verwijderde accounts worden gewist.",
            "keep",
            data_subjects="Medewerkers die de handeling uitvoerden, en de studenten of medewerkers op wie de "
                          "handeling betrekking had.",
            legal_basis="public_task",
            recipients="Beheerders van de school.",
            storage=DATABASE,
            security=BASELINE_SECURITY + " Alleen beheerders kunnen het logboek lezen; niemand kan het in de "
                                         "app wijzigen.",
            deletion="Blijft bestaan; bij verwijdering van een account worden naam en verwijzingen in het "
                     "logboek gewist.",
        ),
        DataCategory(
            "Mislukte inlogpogingen",
            "De gebruikersnaam en het netwerkadres van een mislukte inlogpoging of een verkeerde klascode, en "
            "bij een browser waarop je al eens inlogde de willekeurige code uit het apparaatcookie.",
            "Om het raden van wachtwoorden en codes af te remmen, zonder dat jij wordt buitengesloten.",
            "Niemand; de site gebruikt het alleen om te tellen.",
            "Na een uur tellen ze niet meer mee. De opschoning draait elk uur en wist alles wat ouder is dan een "
            "uur, dus ze staan er hooguit twee uur.",
            "delete",
            data_subjects="Iedereen die probeert in te loggen of een klascode invult.",
            legal_basis="public_task",
            recipients="Niemand; alleen tellingen door de app.",
            storage=DATABASE + " Of Redis, als REDIS_URL is gezet.",
            security=BASELINE_SECURITY,
            deletion="`flask privacy purge` (elk uur) wist pogingen ouder dan een uur.",
        ),
        DataCategory(
            "Bezoekerslog van de webserver",
            "Standaard geen: de webserver houdt geen lijst bij van netwerkadressen en bezochte pagina's. Alleen "
            "fouten van de server worden gelogd, zonder netwerkadres.",
            "Zet de beheerder het bezoekerslog tijdelijk aan om een storing te zoeken, dan staat daarin je "
            "netwerkadres, welke pagina je opvroeg en wanneer.",
            "Alleen de beheerder van de server.",
            "Alleen als het aan staat, en dan hooguit 7 dagen.",
            "keep",
            data_subjects="Alle bezoekers, alleen als het bezoekerslog aan staat.",
            legal_basis="public_task",
            recipients="Beheerder van de server of de hostingpartij.",
            storage="Logbestanden op de server (gunicorn of de webserver ervoor).",
            security="Alleen leesbaar voor de beheerder van de server.",
            deletion="Logrotatie op de server, uiterlijk na 7 dagen (README).",
        ),
        DataCategory(
            "Reservekopieën",
            "Elke dag een kopie van alle gegevens hierboven.",
            "Zodat de school na een storing niets kwijt is.",
            "Alleen de beheerder van de server.",
            f"{backup_days} dagen. Wat verwijderd is, staat dus nog hooguit {backup_days} dagen in een "
            "reservekopie.",
            "keep",
            data_subjects=STUDENTS_AND_STAFF,
            legal_basis="public_task",
            recipients="Beheerder van de server of de hostingpartij.",
            storage="De back-upmap van de server (README); bij voorkeur een tweede schijf of locatie in de EU.",
            security="Alleen leesbaar voor de beheerder van de server; versleuteld opslaan als de kopie de "
                     "server verlaat.",
            deletion=f"Cron-regel in de README wist back-ups ouder dan {backup_days} dagen.",
        ),
    ]


def configured_categories(config: Mapping[str, Any]) -> list[DataCategory]:
    """The inventory with this installation's retention settings: what the statement, the FG's
    documents and the purge all read."""
    return data_categories(
        int(config["ARCHIVED_CLASS_RETENTION_MONTHS"]),
        min_group=int(config["TPACK_MIN_GROUP"]),
        cohort_months=int(config["COHORT_RETENTION_MONTHS"]),
        backup_days=int(config["BACKUP_RETENTION_DAYS"]),
    )


# --- export ----------------------------------------------------------------------------------


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def export_user_data(user: Person, *, staff: bool = True) -> dict[str, Any]:
    """Everything the app holds about one person, in a form they can read and keep. ``staff=False``
    leaves out the teacher's side, for the page that shows it in its own way (staff_overview.py)."""
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
    email, locked = db.session.execute(select(User.email, User.deactivated_at).where(User.id == user.id)).one()
    return {
        "account": {
            "username": user.username,
            "display_name": user.display_name,
            "roles": user.roles,
            "created_at": _when(user.created_at),
            **({"email": email} if email else {}),
            **({"locked_since": _when(locked)} if locked else {}),
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
                **({"saved_answers": a.saved_answers} if a.saved_answers else {}),
                "preview": a.is_preview,
            }
            for a in attempts
        ],
        "tpack_scans": [
            {
                "started_at": _when(s.started_at),
                "completed_at": _when(s.completed_at),
                "questionnaire_version": s.instrument_version,
                "answers": {a.statement_id: a.value for a in s.answers},
                "growth_goal": s.growth_goal,
            }
            for s in scans
        ],
        "cohorts": [{"name": n, "joined_at": _when(j)} for n, j in cohorts],
        "log_entries_about_you": [{"action": e.action, "by": e.actor_name, "at": _when(e.created_at)} for e in events],
        **(_staff_data(user) if staff else {}),
    }


def _staff_data(user: Person) -> dict[str, Any]:
    """A teacher's side: the classes taught, the feedback written, the teacher track and the log
    entries of what they did. Feedback leaves out the student's name (their data, not yours)."""
    teaching = db.session.execute(
        select(SchoolClass.name, SchoolClass.school_year, ClassTeacher.is_owner)
        .join(ClassTeacher, ClassTeacher.class_id == SchoolClass.id)
        .where(ClassTeacher.teacher_id == user.id)
        .order_by(SchoolClass.school_year, SchoolClass.name)
    ).all()
    feedback = db.session.execute(
        select(Submission.lesson_slug, Review.status, Review.feedback_text, Review.created_at)
        .join(Submission, Submission.id == Review.submission_id)
        .where(Review.teacher_id == user.id)
        .order_by(Review.created_at)
    ).all()
    attendance = db.session.execute(
        select(Cohort.name, Attendance.session_slug, Attendance.recorded_at)
        .join(Cohort, Cohort.id == Attendance.cohort_id)
        .where(Attendance.user_id == user.id)
        .order_by(Attendance.recorded_at)
    ).all()
    led = db.session.execute(
        select(Cohort.name, Cohort.starts_on, Cohort.ends_on).where(Cohort.trainer_id == user.id).order_by(Cohort.id)
    ).all()
    done = db.session.scalars(
        select(AuditEvent).where(AuditEvent.actor_id == user.id).order_by(AuditEvent.created_at)
    ).all()
    return {
        "classes_you_teach": [{"name": n, "school_year": y, "made_by_you": bool(o)} for n, y, o in teaching],
        "feedback_you_wrote": [
            {"lesson": lesson, "status": status, "feedback": text, "at": _when(at)}
            for lesson, status, text, at in feedback
        ],
        "attendance": [{"cohort": c, "session": slug, "recorded_at": _when(at)} for c, slug, at in attendance],
        "trainer": {
            "is_trainer": bool(getattr(user, "is_trainer", False)),
            "cohorts_you_lead": [
                {"name": n, "starts_on": s.isoformat() if s else None, "ends_on": e.isoformat() if e else None}
                for n, s, e in led
            ],
        },
        "log_entries_by_you": [
            {"action": e.action, "on": e.object_type, "at": _when(e.created_at)} for e in done
        ],
    }


# --- deletion --------------------------------------------------------------------------------


def delete_user(user: User, actor: Person | None) -> None:
    """Remove a person and everything of theirs; the log keeps that it happened, not who it was."""
    user_id, username = user.id, user.username
    restart_if_person_counted(user_id)
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
    # Train-the-trainer cohorts whose last session is past the retention period: they go with
    # their memberships and attendance.
    cohorts: list[Cohort] = field(default_factory=list)

    def summary(self) -> dict[str, int]:
        return {
            "classes": len(self.classes),
            "students_deleted": len(self.students_deleted),
            "enrolments_removed": self.enrolments_removed,
            "cohorts": len(self.cohorts),
        }


def plan_purge(archived_before: date, cohorts_ended_before: date | None = None) -> PurgePlan:
    plan = _plan_classes(archived_before)
    if cohorts_ended_before is not None:
        plan.cohorts = expired_cohorts(cohorts_ended_before)
    return plan


def expired_cohorts(ended_before: date) -> list[Cohort]:
    """Cohorts whose last session (or, without dates, their creation) lies before the date."""
    created_before = datetime.combine(ended_before, time.min, tzinfo=UTC)
    return list(
        db.session.scalars(
            select(Cohort)
            .where(
                or_(
                    Cohort.ends_on < ended_before,
                    (Cohort.ends_on.is_(None)) & (Cohort.created_at < created_before),
                )
            )
            .order_by(Cohort.id)
        )
    )


def _plan_classes(archived_before: date) -> PurgePlan:
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
    takes the remaining enrolments, teacher links and voided questions with them), then the
    expired cohorts with their memberships and attendance."""
    for student in plan.students_deleted:
        delete_user(student, actor)
    for school_class in plan.classes:
        db.session.delete(school_class)
    restart_if_cohorts_counted([cohort.id for cohort in plan.cohorts])
    for cohort in plan.cohorts:
        db.session.execute(delete(Attendance).where(Attendance.cohort_id == cohort.id))
        db.session.delete(cohort)  # its members go with it (cascade)
    record(actor, "privacy.purge", "class", None, **plan.summary())
    db.session.commit()
