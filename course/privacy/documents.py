"""What a school's FG asks for, written from the same inventory as the privacy statement and the
purge: a privacybijsluiter (the Privacyconvenant Onderwijs format), an entry for the register of
processing activities (AVG art. 30) and a DPIA pre-scan (AVG art. 35). Each is Markdown, so the
admin page and the download show the same text."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from .legal import LEGAL_BASES, Controller
from .personal_data import DataCategory

APP_NAME = "Personal Branding (lesmodule, cijferlijst, docententraject en LTI-tool)"


@dataclass(frozen=True)
class Document:
    slug: str
    title: str
    summary: str
    write: Callable[[list[DataCategory], Controller, date], str]


def _who(controller: Controller) -> list[str]:
    settings = (controller.controller, controller.contact, controller.officer)
    return [
        *(f"- **{setting.label}:** {setting.value or '*' + setting.placeholder + '*'}" for setting in settings),
        f"- **Verwerker (hosting):** {hosting(controller)}",
    ]


def hosting(controller: Controller) -> str:
    if controller.hosting:
        return (f"{controller.hosting}. Deze partij host de app in opdracht van het schoolbestuur; daarvoor is een "
                "verwerkersovereenkomst nodig (AVG art. 28).")
    return "Geen: het schoolbestuur host de app zelf (instelling PRIVACY_HOSTING is leeg)."


def _basis(category: DataCategory) -> str:
    basis = LEGAL_BASES[category.legal_basis]
    return f"{basis.formal} ({basis.article})"


def _header(title: str, controller: Controller, today: date) -> list[str]:
    lines = [f"# {title}", "", f"{APP_NAME}. Opgesteld uit de privacy-inventaris van de app op "
             f"{today.isoformat()}.", ""]
    if controller.missing:
        keys = ", ".join(setting.key for setting in controller.missing)
        lines += [f"> Nog niet compleet: vul {keys} in instance/config.py in (zie de README).", ""]
    return lines


def bijsluiter(categories: list[DataCategory], controller: Controller, today: date) -> str:
    lines = _header("Privacybijsluiter", controller, today)
    lines += [
        "Opgesteld volgens de opzet van de privacybijsluiter bij het Privacyconvenant Onderwijs.", "",
        "## 1. Partijen", "", *_who(controller), "",
        "## 2. Het product", "",
        "Een webapplicatie voor het mbo: twaalf lessen Personal Branding met opdrachten en quizzen, een "
        "cijferlijst voor docenten, een professionaliseringstraject voor docenten (TPACK-zelfscan en "
        "train-de-trainergroepen) en een koppeling met de elektronische leeromgeving (LTI 1.3).", "",
        "## 3. Persoonsgegevens, doelen en bewaartermijnen", "",
    ]
    for category in categories:
        lines += [
            f"### {category.title}", "",
            f"- **Betrokkenen:** {category.data_subjects}",
            f"- **Gegevens:** {category.what}",
            f"- **Doel:** {category.why}",
            f"- **Grondslag:** {_basis(category)}",
            f"- **Ontvangers:** {category.recipients}",
            f"- **Bewaartermijn:** {category.kept}",
            f"- **Verwijdering:** {category.deletion}",
            "",
        ]
    lines += [
        "## 4. Opslag en subverwerkers", "",
        *(f"- **{category.title}:** {category.storage}" for category in categories), "",
        f"Hosting: {hosting(controller)} Er zijn geen andere subverwerkers. Quizscores gaan alleen terug naar het "
        "leerplatform van de school zelf (LTI 1.3), als de quiz daar is gekoppeld. De app laadt niets van andere "
        "websites (geen CDN, lettertypen, advertenties of analyse).", "",
        "## 5. Beveiliging", "",
        *(f"- **{category.title}:** {category.security}" for category in categories), "",
        "## 6. Rechten van betrokkenen", "",
        "Iedere gebruiker ziet en downloadt de eigen gegevens zelf (Mijn gegevens, AVG art. 15 en 20). Verzoeken "
        "om verbetering, verwijdering, beperking of bezwaar (art. 16, 17, 18 en 21) gaan naar de "
        "privacycontactpersoon van de school; de beheerder voert ze uit met de beheerpagina of de "
        "opdrachtregel (`flask users delete`).", "",
        "## 7. Datalekken", "",
        "Het schoolbestuur meldt een datalek zo nodig binnen 72 uur aan de Autoriteit Persoonsgegevens "
        "(AVG art. 33) en informeert betrokkenen bij een hoog risico (art. 34). Een hostingpartij meldt een "
        "lek zonder onredelijke vertraging aan het schoolbestuur (art. 33 lid 2).", "",
    ]
    return "\n".join(lines)


def register_entry(categories: list[DataCategory], controller: Controller, today: date) -> str:
    lines = _header("Verwerkingsregister: vermelding (AVG art. 30 lid 1)", controller, today)
    lines += [
        "## a. Verwerkingsverantwoordelijke en functionaris gegevensbescherming", "", *_who(controller), "",
        "## b. Doeleinden", "",
        "Het verzorgen van onderwijs in de module Personal Branding (lessen, opdrachten, quizzen, feedback en "
        "cijfers), de professionalisering van docenten (vrijwillige TPACK-zelfscan en train-de-trainergroepen), "
        "en de beveiliging en verantwoording van de app.", "",
        "## c. Categorieën van betrokkenen en van persoonsgegevens", "",
    ]
    for category in categories:
        lines += [
            f"### {category.title}", "",
            f"- **Betrokkenen:** {category.data_subjects}",
            f"- **Persoonsgegevens:** {category.what}",
            f"- **Doel:** {category.why}",
            f"- **Grondslag:** {_basis(category)}",
            f"- **Ontvangers (d):** {category.recipients}",
            f"- **Bewaartermijn (f):** {category.kept}",
            f"- **Wijze van verwijderen:** {category.deletion}",
            f"- **Opslaglocatie:** {category.storage}",
            f"- **Beveiligingsmaatregelen (g):** {category.security}",
            "",
        ]
    lines += [
        "## e. Doorgifte naar derde landen", "",
        "De app geeft geen gegevens door buiten de Europese Economische Ruimte. Bij hosting door een andere "
        "partij: leg vast waar die de gegevens opslaat.", "",
        "## Bijzondere persoonsgegevens", "",
        "De app vraagt niet naar bijzondere persoonsgegevens (AVG art. 9) en verwerkt geen BSN (UAVG art. 46). "
        "Studenten kunnen in hun eigen opdrachtteksten zelf zulke gegevens opschrijven; docenten wijzen hen "
        "daarop.", "",
    ]
    return "\n".join(lines)


DPIA_CRITERIA = (
    ("Evaluatie of scoring", "Ja: quizscores van studenten en de TPACK-zelfscan van docenten."),
    ("Geautomatiseerde besluitvorming met rechtsgevolg (art. 22)",
     "Nee: de app kijkt meerkeuzevragen automatisch na, maar de docent ziet de antwoorden, kan het cijfer "
     "aanpassen, en besluiten over studievoortgang en diploma neemt de school."),
    ("Stelselmatige monitoring", "Beperkt: aanwezigheid bij bijeenkomsten en het bereik van trainers."),
    ("Gevoelige gegevens", "Nee, niet gevraagd; wel vrije tekst in opdrachten en feedback."),
    ("Grootschalige verwerking", "Nee: één school, een module."),
    ("Koppelen van gegevensverzamelingen", "Beperkt: inloggen via het leerplatform (LTI) of het schoolaccount."),
    ("Kwetsbare betrokkenen", "Ja: studenten, onder wie minderjarigen, en medewerkers tegenover hun werkgever."),
    ("Nieuwe technologie", "Nee."),
    ("Verhindert de uitoefening van een recht of dienst", "Nee."),
)

DPIA_RISKS = (
    ("Minderjarige studenten",
     "Veel mbo-studenten zijn jonger dan 18. Zij overzien minder goed wat er met hun gegevens gebeurt. "
     "Bestaande maatregelen: gegevensminimalisatie (geen e-mailadres, geboortedatum of telefoonnummer), "
     "zichtbaarheid alleen voor de docenten van de klas, een privacyverklaring op B1-niveau, export van de "
     "eigen gegevens en opschoning na de bewaartermijn. De app vraagt studenten nergens om toestemming; de "
     "grondslag is de onderwijstaak, dus toestemming van ouders van studenten onder 16 (UAVG art. 5) is niet "
     "aan de orde."),
    ("Zelfbeoordeling door medewerkers (TPACK-scan)",
     "Een zelfscan van docenten kan, als een leidinggevende hem ziet, gaan meewegen in beoordeling of "
     "loopbaan. Dan is de toestemming niet meer vrij. Bestaande maatregelen: deelname is vrijwillig, alleen "
     "de docent ziet de eigen scan, trainers en beheerders zien alleen groepsgemiddelden van een minimale "
     "groep, er is geen lijst van deelnemers, de docent kan een scan altijd verwijderen. Het schoolbestuur "
     "belooft in de privacyverklaring dat TPACK-uitslagen nooit voor beoordeling worden gebruikt. Leg die "
     "toezegging vast in een regeling en vraag daarvoor instemming van de ondernemingsraad: WOR art. 27 lid 1 "
     "sub k (verwerking en bescherming van persoonsgegevens van medewerkers) en sub l (voorzieningen die "
     "geschikt zijn voor controle op aanwezigheid, gedrag of prestaties, zoals de aanwezigheid bij "
     "bijeenkomsten en het bereik van trainers)."),
    ("Locatiegegevens in afbeeldingen",
     "Foto's van telefoons bevatten vaak in hun metadata (EXIF) de plaats waar ze zijn gemaakt, bijvoorbeeld "
     "het huis van een student. Zodra studenten of docenten afbeeldingen kunnen uploaden, moet de app die "
     "metadata bij het uploaden verwijderen en mogen afbeeldingen alleen zichtbaar zijn voor wie het werk "
     "mag zien. Controleer dat voordat die functie wordt gebruikt."),
    ("Vrije tekst in opdrachten en feedback",
     "Studenten schrijven over zichzelf (Personal Branding); daarin kunnen gevoelige gegevens staan. "
     "Bestaande maatregelen: alleen de docenten van de klas lezen het, opschoning met de klas."),
)


def dpia_prescan(categories: list[DataCategory], controller: Controller, today: date) -> str:
    lines = _header("DPIA-voortoets (AVG art. 35)", controller, today)
    lines += [
        "Deze voortoets helpt de FG te beoordelen of een volledige gegevensbeschermingseffectbeoordeling "
        "(DPIA) nodig is. Hij vervangt die DPIA niet. Het schoolbestuur vraagt het advies van de FG "
        "(art. 35 lid 2).", "",
        "## Verantwoordelijken", "", *_who(controller), "",
        "## Criteria voor een hoog risico", "",
        *(f"- **{name}:** {answer}" for name, answer in DPIA_CRITERIA), "",
        "Twee criteria zijn van toepassing (evaluatie en kwetsbare betrokkenen). Volgens de richtsnoeren van de "
        "Europese toezichthouders is een DPIA dan in de meeste gevallen nodig. Advies: voer een DPIA uit, "
        "in elk geval voor de TPACK-scan.", "",
        "## Risico's", "",
    ]
    for name, text in DPIA_RISKS:
        lines += [f"### {name}", "", text, ""]
    lines += ["## Verwerkingen in de app", ""]
    for category in categories:
        lines += [
            f"### {category.title}", "",
            f"- **Betrokkenen:** {category.data_subjects}",
            f"- **Grondslag:** {_basis(category)}",
            f"- **Wie ziet het:** {category.recipients}",
            f"- **Maatregelen:** {category.security}",
            f"- **Bewaren en verwijderen:** {category.kept} {category.deletion}",
            "",
        ]
    return "\n".join(lines)


DOCUMENTS = (
    Document("bijsluiter", "Privacybijsluiter", "Volgens het Privacyconvenant Onderwijs: gegevens, doelen, "
             "bewaartermijnen, opslag, beveiliging en rechten.", bijsluiter),
    Document("register", "Verwerkingsregister", "Een vermelding voor het register van verwerkingen (AVG art. 30).",
             register_entry),
    Document("dpia", "DPIA-voortoets", "Criteria en risico's: is een volledige DPIA nodig (AVG art. 35)?",
             dpia_prescan),
)
