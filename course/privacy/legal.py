"""The legal frame of the privacy statement and the documents for the school's FG: who is the
controller (settings), on what basis each kind of data is processed, and which rights people have.

Kept apart from the inventory so the statement, the supplier documents and the tests read one
wording of each basis and each right."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class LegalBasis:
    key: str
    short: str  # B1, one line per category on the statement
    plain: str  # B1, for the statement
    formal: str  # for the register and the bijsluiter
    article: str


PUBLIC_TASK = LegalBasis(
    "public_task",
    "Taak van algemeen belang: onderwijs geven (AVG, artikel 6 lid 1 onder e).",
    "De school geeft onderwijs; dat is een taak van algemeen belang. Daarvoor zijn deze gegevens nodig. "
    "Je hoeft er geen toestemming voor te geven, maar je mag wel bezwaar maken.",
    "Vervulling van een taak van algemeen belang: het verzorgen van onderwijs (Wet educatie en "
    "beroepsonderwijs) en de beveiliging en verantwoording die daarbij horen (AVG art. 5 lid 2 en art. 32).",
    "AVG art. 6 lid 1 onder e",
)
CONSENT = LegalBasis(
    "consent",
    "Toestemming, die je altijd kunt intrekken (AVG, artikel 6 lid 1 onder a en artikel 7 lid 3).",
    "Alleen als je dat zelf wilt: je geeft toestemming door de scan in te vullen. Je mag die toestemming "
    "altijd weer intrekken door je scan te verwijderen. Wat eerder met je scan gebeurde, blijft wel "
    "toegestaan.",
    "Toestemming van de docent, vrij gegeven door de scan in te vullen; intrekken kan op elk moment door "
    "de scan te verwijderen, zonder gevolgen voor de rechtmatigheid van de verwerking daarvoor "
    "(AVG art. 7 lid 3).",
    "AVG art. 6 lid 1 onder a",
)
LEGAL_BASES = {basis.key: basis for basis in (PUBLIC_TASK, CONSENT)}


@dataclass(frozen=True)
class Right:
    article: str
    name: str
    plain: str  # B1; "{contact}" is where requests go


RIGHTS = (
    Right("15", "Inzage",
          "Je mag zien welke gegevens we over je bewaren, waarom en hoe lang. Vraag je het de school, dan "
          "krijg je een kopie."),
    Right("16", "Verbetering",
          "Klopt er iets niet, bijvoorbeeld je naam? Dan mag je vragen om het te verbeteren."),
    Right("17", "Verwijdering",
          "Je mag vragen om gegevens te verwijderen als ze niet meer nodig zijn, als je je toestemming "
          "intrekt of als je bezwaar maakt en de school geen goede reden heeft om ze te houden. De beheerder "
          "kan je account met al je werk verwijderen. Werk dat de school nog nodig heeft voor je cijfer, mag "
          "ze zolang bewaren."),
    Right("18", "Beperking",
          "Denk je dat iets niet klopt, of heb je bezwaar gemaakt? Dan mag je vragen dat de school je "
          "gegevens niet gebruikt, alleen bewaart, tot dat is uitgezocht."),
    Right("20", "Overdragen",
          "Je TPACK-scan mag je meenemen naar een andere organisatie: je krijgt hem als bestand (JSON) bij "
          "Mijn gegevens. Dit recht geldt voor gegevens die je met toestemming gaf. Voor je schoolwerk geldt "
          "het niet, omdat de school dat als taak van algemeen belang doet. Toch kun je ook dat downloaden."),
    Right("21", "Bezwaar",
          "Gebruikt de school je gegevens voor haar taak van algemeen belang? Dat staat hierboven bij elk soort "
          "gegevens, onder Waarom mag dat. Dan mag je bezwaar maken vanwege je eigen situatie. Bijvoorbeeld "
          "als je naam in een klas zichtbaar is en dat voor jou niet veilig is. De school moet dan stoppen, "
          "tenzij ze een zwaarder wegende reden heeft om door te gaan. Die reden moet ze je uitleggen."),
)

COMPLAINT = (
    "Ben je het niet eens met hoe de school met je gegevens omgaat? Praat er eerst over met de "
    "privacycontactpersoon of de functionaris gegevensbescherming van de school. Je mag ook een klacht "
    "indienen bij de Autoriteit Persoonsgegevens (autoriteitpersoonsgegevens.nl; AVG, artikel 77)."
)


@dataclass(frozen=True)
class Setting:
    key: str
    label: str
    value: str
    placeholder: str  # what the statement says while the school has not set it

    @property
    def is_set(self) -> bool:
        return bool(self.value)


@dataclass(frozen=True)
class Controller:
    """The school's own facts for art. 13 and art. 30, from instance/config.py."""

    controller: Setting
    contact: Setting
    officer: Setting
    hosting: str  # a processor that hosts the app, or "" when the school hosts it itself

    @property
    def missing(self) -> list[Setting]:
        return [setting for setting in (self.controller, self.contact, self.officer) if not setting.is_set]


def _missing(key: str, what: str) -> str:
    return f"Nog niet ingevuld. Beheerder: zet {key} in instance/config.py ({what}); zie de README."


def controller_from(config: Mapping[str, object]) -> Controller:
    def text(key: str) -> str:
        return str(config.get(key) or "").strip()

    return Controller(
        Setting("PRIVACY_CONTROLLER", "Verantwoordelijk", text("PRIVACY_CONTROLLER"),
                _missing("PRIVACY_CONTROLLER", "de naam en het adres van het schoolbestuur")),
        Setting("PRIVACY_CONTACT", "Privacycontactpersoon", text("PRIVACY_CONTACT"),
                _missing("PRIVACY_CONTACT", "wie vragen over privacy beantwoordt, met e-mailadres")),
        Setting("PRIVACY_OFFICER", "Functionaris gegevensbescherming (FG)", text("PRIVACY_OFFICER"),
                _missing("PRIVACY_OFFICER", "de naam en het e-mailadres van de FG van het schoolbestuur")),
        text("PRIVACY_HOSTING"),
    )
