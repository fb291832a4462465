"""Five journeys in a real browser, each checked on what the person sees on the screen.

Expected texts and numbers come from the loaded lessons, quizzes and TPACK instrument. The class
the students join is made by a teacher through the class page (``ensure_class``); journey 3 looks
at the work of the student from journey 1 and runs that journey first when it has not run yet.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from pathlib import Path
from statistics import mean
from typing import Any

import pytest
from flask import Flask
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from course.classes.school_year import current_school_year
from course.content.quiz_files import Question, Quiz
from course.content.tpack_instrument import Instrument
from course.core.content_store import Catalog, catalog
from course.quizzes.forms import format_points
from course.teacher_track.tpack_profile import advice_by_domain, domain_means, format_mean, low_items

from ..quiz_support import right_answers
from .support import LAPTOP, PHONE, focused, log_in, make_user, shoot, tab_to, tab_until, text_of

pytestmark = pytest.mark.browser

TEACHER = "docent-jansen"
CLASS_NAME = "MV2A"


@pytest.fixture(scope="module")
def content(live_app: Flask) -> Catalog:
    with live_app.app_context():
        return catalog()


@pytest.fixture(scope="module")
def state() -> dict[str, Any]:
    """What one journey leaves for the next (the class, the student of journey 1)."""
    return {}


@dataclass
class ClassMade:
    name: str
    code: str


@dataclass
class StudentWork:
    name: str
    username: str
    essay: str
    score: Decimal
    wrong_choice: str


# -- helpers on the loaded content ----------------------------------------------------------------


def first_lesson(content: Catalog):
    return next(iter(content.lessons.values()))


def exact_percentage(score: Decimal, max_score: int) -> Decimal:
    return score * 100 / max_score


def whole(value: Decimal, rounding: str) -> int:
    return int(value.quantize(Decimal(1), rounding=rounding))


def collapse(text: str) -> str:
    return " ".join(text.split())


def answer_with_pointer(page: Page, quiz: Quiz, answers: dict[str, Any]) -> None:
    for q in quiz.questions:
        box = page.locator(f"#vraag-{q.id}")
        answer = answers[q.id]
        if q.kind in ("single", "truefalse"):
            text = next(o.text for o in q.options if o.id == answer)
            box.get_by_label(collapse(text), exact=True).check()
        elif q.kind == "multiple":
            for option in q.options:
                if option.id in answer:
                    box.get_by_label(collapse(option.text), exact=True).check()
        elif q.kind == "ordering":
            for place, item_id in enumerate(answer, start=1):
                text = next(i.text for i in q.items if i.id == item_id)
                box.get_by_label(collapse(text), exact=True).select_option(str(place))
        else:
            for pair in q.pairs:
                box.get_by_label(collapse(pair.left), exact=True).select_option(answer[pair.id])


FOCUSED = "el => ({tag: el.tagName, name: el.name || '', value: el.value || '', text: (el.innerText || '').trim()})"


def answer_with_keyboard(page: Page, quiz: Quiz, answers: dict[str, Any]) -> None:
    """Tab from the top of the page; answer each control where the focus lands: Space for radio
    buttons and checkboxes, arrow keys within a radio group and a select. Stops on Inleveren."""
    fields: dict[str, tuple[Question, str | None]] = {}
    for q in quiz.questions:
        if q.kind in ("single", "truefalse", "multiple"):
            fields[f"q-{q.id}"] = (q, None)
        elif q.kind == "ordering":
            fields.update({f"q-{q.id}.{item.id}": (q, item.id) for item in q.items})
        else:
            fields.update({f"q-{q.id}.{pair.id}": (q, pair.id) for pair in q.pairs})
    reached: set[str] = set()
    for _ in range(400):
        page.keyboard.press("Tab")
        element = focused(page, FOCUSED)
        if element["tag"] == "BUTTON" and element["text"] == "Inleveren":
            break
        if element["name"] not in fields:
            continue
        question, part = fields[element["name"]]
        reached.add(element["name"])
        answer = answers[question.id]
        if question.kind in ("single", "truefalse"):
            page.keyboard.press("Space")
            for _ in range(len(question.options)):
                if focused(page) == answer:
                    break
                page.keyboard.press("ArrowDown")
            assert focused(page) == answer and focused(page, "el => el.checked")
        elif question.kind == "multiple":
            if element["value"] in answer:
                page.keyboard.press("Space")
                assert focused(page, "el => el.checked")
        elif question.kind == "ordering":
            place = answer.index(part) + 1
            for _ in range(place):
                page.keyboard.press("ArrowDown")
            assert focused(page) == str(place), f"{element['name']}: {focused(page)!r} instead of place {place}"
        else:
            for _ in range(len(question.pairs) + 1):
                if focused(page) == answer[part]:
                    break
                page.keyboard.press("ArrowDown")
            assert focused(page) == answer[part]
    else:
        raise AssertionError("Tab never reached the Inleveren button")
    assert reached == set(fields), f"never reached by Tab: {sorted(set(fields) - reached)}"


def review_says_right(page: Page, quiz: Quiz, wrong: frozenset[str] = frozenset()) -> None:
    for number, q in enumerate(quiz.questions, start=1):
        verdict = "Fout" if q.id in wrong else "Goed"
        expect(page.locator(f"#vraag-{q.id}-kop")).to_contain_text(f"Vraag {number}: {verdict}")


# -- the class the students join ------------------------------------------------------------------


def ensure_class(state: dict[str, Any], new_page, base_url: str, live_app: Flask) -> ClassMade:
    """A teacher creates the class on the class page and reads the join code off the screen."""
    if "class" in state:
        return state["class"]
    make_user(live_app, TEACHER, "teacher", name="Mevrouw Jansen")
    page = new_page(LAPTOP)
    log_in(page, base_url, TEACHER)
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn klassen")
    expect(page.get_by_text("Je hebt nog geen klassen.")).to_be_visible()
    page.get_by_label("Naam van de klas").fill(CLASS_NAME)
    page.get_by_label("Schooljaar").fill(current_school_year())
    page.get_by_role("button", name="Klas aanmaken").click()
    expect(page.get_by_role("status")).to_contain_text(f"Klas {CLASS_NAME} is aangemaakt")
    code = page.locator(".join-code code").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9-]{4,}", code), code
    shoot(page, "docent-klas")
    state["class"] = ClassMade(CLASS_NAME, code)
    return state["class"]


# -- journey 1: a student on a phone, from sign-up to the updated dashboard -----------------------


def student_journey(state: dict[str, Any], new_page, base_url: str, live_app: Flask, content: Catalog) -> StudentWork:
    made = ensure_class(state, new_page, base_url, live_app)
    lesson = first_lesson(content)
    quiz = content.quizzes[lesson.quiz]
    page = new_page(PHONE)

    page.goto(base_url + "/")
    page.get_by_role("link", name="Maak een account met je klascode").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Account maken")
    page.get_by_label("Klascode").fill(made.code.lower())
    page.get_by_label("Naam zoals je klas en docent die zien").fill("Sanne")
    page.get_by_label("Gebruikersnaam").fill("sanne17")
    page.get_by_label("Wachtwoord", exact=True).fill("correct horse battery")
    page.get_by_label("Herhaal het wachtwoord").fill("correct horse battery")
    page.get_by_role("button", name="Account maken").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Hoi Sanne")
    expect(page.locator(".flashes")).to_contain_text("Welkom, Sanne! Je zit nu in je klas.")
    expect(page.locator(".progress-line")).to_contain_text(
        f"0 van de {len(content.lessons)} lessen afgerond, 0 gelezen"
    )
    expect(page.locator("#klassen-kop + ul")).to_contain_text(made.name)
    shoot(page, "student-start")

    page.get_by_role("link", name=f"Lees les {lesson.number}: {lesson.title}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Les {lesson.number}: {lesson.title}")
    expect(page.locator("section.goals")).to_contain_text(collapse(lesson.goals[0]))
    shoot(page, "les-1")
    page.get_by_role("button", name="Ik heb deze les gelezen").click()
    expect(page.locator(".flashes")).to_contain_text(f"Les {lesson.number} staat op gelezen. Goed bezig!")
    expect(page.locator("#les-afronden")).to_contain_text("Je hebt deze les gelezen.")

    page.get_by_role("link", name="Schrijf je opdracht").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Opdracht: {lesson.assignment.title}")
    essay = "Ik ben vooral een **netwerker**: ik zit in veel groepsapps.\n\nWie mij googelt, vindt mijn sportclub."
    page.get_by_label("Jouw uitwerking").fill(essay)
    page.get_by_role("button", name="Inleveren").click()
    expect(page.locator(".flashes")).to_contain_text("Ingeleverd als versie 1. Je docent krijgt hem te zien.")
    expect(page.locator("#status-kop + p")).to_contain_text("Versie 1 is ingeleverd")
    expect(page.locator(".versions .student-text strong")).to_have_text("netwerker")  # the markdown shows as bold text
    shoot(page, "student-opdracht")

    page.get_by_role("link", name=f"Les {lesson.number}: {lesson.title}").click()
    page.get_by_role("link", name="Maak de quiz over deze les").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(quiz.title)
    expect(page.locator(".quiz-rules")).to_contain_text(f"De quiz heeft {len(quiz.questions)} vragen.")
    page.get_by_role("button", name="Start de quiz").click()
    shoot(page, "quiz-vragen")

    # Everything right except the first single-choice question, where a wrong option is chosen.
    answers = right_answers(quiz)
    slip = next(q for q in quiz.questions if q.kind == "single")
    wrong = next(o for o in slip.options if not o.correct)
    answers[slip.id] = wrong.id
    answer_with_pointer(page, quiz, answers)
    page.get_by_role("button", name="Inleveren").click()

    score = Decimal(quiz.max_score - slip.points)
    floor_percent = whole(exact_percentage(score, quiz.max_score), ROUND_FLOOR)
    expect(page.get_by_role("heading", level=1)).to_have_text("Zo ging je poging")
    expect(page.locator(".total-score")).to_have_text(
        f"{format_points(score)} van {quiz.max_score} punten ({floor_percent}%)"
    )
    review_says_right(page, quiz, wrong=frozenset({slip.id}))
    slip_box = page.locator(f"section:has(#vraag-{slip.id}-kop)")
    expect(slip_box.locator("li.chosen")).to_contain_text("Jij koos dit. Dit is niet goed.")
    expect(slip_box.locator("li.chosen .feedback").first).to_contain_text(collapse(wrong.feedback).split(". ")[0])
    expect(slip_box.locator("li.is-answer")).to_contain_text("Dit is het goede antwoord.")
    ordering = next(q for q in quiz.questions if q.kind == "ordering")
    order_box = page.locator(f"section:has(#vraag-{ordering.id}-kop)")
    your_order = order_box.locator("ol.review-order").first.locator("li")
    expect(your_order).to_have_text([collapse(i.text) for i in ordering.items])
    shoot(page, "quiz-uitslag")

    page.get_by_role("link", name="Mijn lessen").click()
    passed = floor_percent >= quiz.policy.pass_percentage
    # Read, handed in and passed: "afgerond"; read with a quiz still to pass: only "gelezen".
    finished = 1 if passed else 0
    expect(page.locator(".progress-line")).to_contain_text(
        f"{finished} van de {len(content.lessons)} lessen afgerond, 1 gelezen"
    )
    card = page.locator(".lesson-card").filter(has=page.get_by_role("link", name=lesson.title))
    expect(card).to_contain_text("Afgerond" if passed else "Gelezen")
    expect(card).to_contain_text("Ingeleverd")
    expect(card).to_contain_text(f"{floor_percent}% {'gehaald' if passed else 'nog niet gehaald'}")
    shoot(page, "student-dashboard")

    work = StudentWork("Sanne", "sanne17", essay, score, collapse(wrong.text))
    state["journey1"] = work
    return work


def test_journey_1_student_signs_up_reads_hands_in_takes_the_quiz(state, new_page, base_url, live_app, content):
    student_journey(state, new_page, base_url, live_app, content)


# -- journey 2: the same with the keyboard alone ---------------------------------------------------


def test_journey_2_the_same_with_the_keyboard_alone(state, new_page, base_url, live_app, content):
    made = ensure_class(state, new_page, base_url, live_app)
    lesson = first_lesson(content)
    quiz = content.quizzes[lesson.quiz]
    assert any(q.kind == "ordering" for q in quiz.questions), "the keyboard journey needs an ordering question"
    page = new_page(LAPTOP)
    keys = page.keyboard

    page.goto(base_url + "/signup")
    tab_to(page, page.get_by_label("Klascode"))
    keys.type(made.code)
    for field_id, text in (
        ("display_name", "Mo"),
        ("username", "mo-keyboard"),
        ("password", "correct horse battery"),
        ("password_confirm", "correct horse battery"),
    ):
        keys.press("Tab")  # the fields follow each other in the focus order, hints in between are skipped
        assert focused(page, "el => el.id") == field_id
        keys.type(text)
    keys.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hoi Mo")

    keys.press("Tab")
    assert focused(page, "el => el.textContent") == "Naar de inhoud", "the first Tab reaches the skip link"
    tab_to(page, page.get_by_role("link", name=f"Lees les {lesson.number}: {lesson.title}"))
    keys.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Les {lesson.number}: {lesson.title}")
    tab_to(page, page.get_by_role("button", name="Ik heb deze les gelezen"), limit=400)
    keys.press("Space")
    expect(page.locator(".flashes")).to_contain_text(f"Les {lesson.number} staat op gelezen.")

    tab_to(page, page.get_by_role("link", name="Schrijf je opdracht"), limit=400)
    keys.press("Enter")
    tab_to(page, page.get_by_label("Jouw uitwerking"), limit=400)
    keys.type("Ik ben een gamer en een producer.")
    keys.press("Tab")
    assert focused(page, "el => el.type") == "file"  # images are optional: the keyboard passes by
    keys.press("Tab")
    assert focused(page, "el => el.value") == "Concept opslaan"
    keys.press("Tab")
    assert focused(page, "el => el.value") == "Inleveren"
    keys.press("Enter")
    expect(page.locator(".flashes")).to_contain_text("Ingeleverd als versie 1.")

    tab_to(page, page.get_by_role("link", name=f"Les {lesson.number}: {lesson.title}"))
    keys.press("Enter")
    tab_to(page, page.get_by_role("link", name="Maak de quiz over deze les"), limit=400)
    keys.press("Enter")
    tab_to(page, page.get_by_role("button", name="Start de quiz"))
    keys.press("Space")
    expect(page.locator(".quiz-form")).to_be_visible()

    answer_with_keyboard(page, quiz, right_answers(quiz))
    keys.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Zo ging je poging")
    expect(page.locator(".total-score")).to_have_text(f"{quiz.max_score} van {quiz.max_score} punten (100%)")
    review_says_right(page, quiz)
    shoot(page, "quiz-uitslag-toetsenbord")

    tab_until(page, "el => el.textContent === 'Mijn lessen'", what="the Mijn lessen link")
    keys.press("Enter")
    expect(page.locator(".progress-line")).to_contain_text(
        f"1 van de {len(content.lessons)} lessen afgerond, 1 gelezen"
    )
    card = page.locator(".lesson-card").filter(has=page.get_by_role("link", name=lesson.title))
    expect(card).to_contain_text("Afgerond")
    expect(card).to_contain_text("100% gehaald")


# -- journey 3: the teacher's side ----------------------------------------------------------------


def test_journey_3_teacher_grid_item_analysis_feedback_and_downloads(state, new_page, base_url, live_app, content):
    made = ensure_class(state, new_page, base_url, live_app)
    work: StudentWork = state.get("journey1") or student_journey(state, new_page, base_url, live_app, content)
    lesson = first_lesson(content)
    quiz = content.quizzes[lesson.quiz]
    exact = exact_percentage(work.score, quiz.max_score)
    page = new_page(LAPTOP)

    log_in(page, base_url, TEACHER)
    class_card = page.locator(".class-card").filter(has=page.get_by_role("link", name=made.name))
    expect(class_card).to_contain_text(made.code)
    class_card.get_by_role("link", name=made.name).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(made.name)
    expect(page.locator("section:has(#studenten-kop)")).to_contain_text(work.username)

    page.get_by_role("link", name="Cijferlijst").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Cijferlijst {made.name}")
    row = page.locator("table.gradebook tbody tr").filter(has=page.get_by_role("link", name=work.name, exact=True))
    first_cell = row.locator("td").first
    expect(first_cell).to_contain_text("gelezen")
    expect(first_cell).to_contain_text("wacht")
    expect(first_cell).to_contain_text(f"{whole(exact, ROUND_FLOOR)}%")
    expect(row.locator("td.num").first).to_have_text(f"1 van {len(content.lessons)}")
    shoot(page, "docent-cijferlijst")

    page.get_by_role("link", name=f"Les {lesson.number}: {quiz.title}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Itemanalyse: {quiz.title}")
    expect(page.locator("main")).to_contain_text("deze quiz gemaakt")
    expect(page.locator("section:has(#fout-kop)")).to_contain_text(work.wrong_choice)
    shoot(page, "docent-itemanalyse")

    page.get_by_role("link", name=made.name).first.click()
    page.get_by_role("link", name="Opdrachten nakijken").click()
    queue_row = page.locator("section:has(#wachtrij-kop) tbody tr").filter(has_text=work.name)
    expect(queue_row).to_contain_text(lesson.assignment.title)
    queue_row.get_by_role("link", name=work.name).click()
    expect(page.locator(".student-text strong")).to_have_text("netwerker")
    shoot(page, "docent-nakijken")
    feedback = "Sterk: je noemt je sportclub. Schrijf er nog bij wat je daar zelf aan wilt veranderen."
    page.get_by_label("Goedgekeurd").check()
    page.get_by_label("Feedback voor de student").fill(feedback)
    page.get_by_role("button", name=re.compile(r"^Opslaan")).click()
    expect(page.locator(".flashes")).to_contain_text("Opgeslagen: goedgekeurd.")

    student = new_page(PHONE)
    log_in(student, base_url, work.username)
    student.goto(f"{base_url}/assignments/{lesson.slug}")
    expect(student.locator("section:has(#status-kop) .feedback")).to_contain_text(feedback)
    expect(student.locator("#status-kop + p")).to_contain_text("Je docent heeft je opdracht goedgekeurd.")

    page.goto(base_url + "/teacher/classes/")
    page.get_by_role("link", name=made.name).click()
    page.get_by_role("link", name="Cijferlijst").click()
    expect(row.locator("td").first).to_contain_text("goedgekeurd")

    with page.expect_download() as xlsx_download:
        page.get_by_role("link", name="Download cijferlijst als Excel-bestand (.xlsx)").click()
    assert xlsx_download.value.suggested_filename.endswith(".xlsx")
    book = load_workbook(io.BytesIO(Path(xlsx_download.value.path()).read_bytes()))
    sheet = book.worksheets[0]
    header, *body = [list(r) for r in sheet.iter_rows(values_only=True)]
    mine = dict(zip(header, next(r for r in body if r[1] == work.username), strict=True))
    assert mine["Naam"] == work.name
    assert mine["Les 1 gelezen"] == "ja"
    assert mine["Les 1 opdracht"] == "Goedgekeurd"
    assert Decimal(str(mine["Les 1 quiz score"])) == Decimal(format_points(work.score).replace(",", "."))
    assert mine["Les 1 quiz max"] == quiz.max_score
    assert mine["Les 1 quiz %"] == whole(exact, ROUND_FLOOR)
    assert mine["Lessen gelezen"] == 1

    with page.expect_download() as csv_download:
        page.get_by_role("link", name="Download cijferlijst als CSV").click()
    text = Path(csv_download.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))  # the Dutch CSV
    mine_csv = next(r for r in rows if r["Gebruikersnaam"] == work.username)
    assert mine_csv["Naam"] == work.name
    assert mine_csv["Les 1 opdracht"] == "Goedgekeurd"
    assert mine_csv["Les 1 quiz %"] == str(whole(exact, ROUND_FLOOR))
    assert {r["Gebruikersnaam"] for r in rows} >= {work.username}


# -- journey 4: a teacher's own TPACK scan, twice ---------------------------------------------------


def scan_answers(instrument: Instrument, shift: int) -> dict[str, int]:
    """Different per statement and per domain, so a mix-up between domains shows in the means."""
    return {
        s.id: 1 + (shift + d + j) % len(instrument.scale)
        for d, domain in enumerate(instrument.domains)
        for j, s in enumerate(domain.statements)
    }


def fill_scan(page: Page, instrument: Instrument, answers: dict[str, int]) -> None:
    for domain in instrument.domains:
        for statement in domain.statements:
            group = page.locator(f"fieldset.statement#a_{statement.id}")
            group.get_by_label(instrument.scale[answers[statement.id] - 1], exact=True).check()


def domain_header(page: Page, name: str):
    return page.get_by_role("rowheader", name=re.compile(re.escape(name)))


def expect_means(page: Page, instrument: Instrument, answers: dict[str, int]) -> None:
    means = domain_means(instrument, answers)
    for domain in instrument.domains:
        row = page.get_by_role("row").filter(has=domain_header(page, domain.name))
        expect(row.locator("td").first).to_have_text(format_mean(means[domain.id]))


def test_journey_4_teacher_takes_the_tpack_scan_and_a_retake(new_page, base_url, live_app, content):
    instrument = content.tpack
    assert isinstance(instrument, Instrument)
    make_user(live_app, "docent-tpack", "teacher", name="Meneer Bakker")
    page = new_page(LAPTOP)
    log_in(page, base_url, "docent-tpack")
    page.get_by_role("link", name="TPACK-scan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("TPACK-scan")
    expect(page.get_by_text("Je hebt nog geen scan afgerond.")).to_be_visible()
    shoot(page, "tpack-start")

    first, second = scan_answers(instrument, 0), scan_answers(instrument, 2)
    page.get_by_role("button", name="Scan beginnen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("TPACK-scan invullen")
    fill_scan(page, instrument, first)
    shoot(page, "tpack-invullen")
    page.get_by_role("button", name="Afronden").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Jouw TPACK-uitslag")
    expect(page.locator(".flashes")).to_contain_text("Je scan is afgerond.")
    expect(page.locator("svg.radar g.radar-series")).to_have_count(1)
    expect_means(page, instrument, first)
    advice = page.locator("section:has(#advies-kop) section.advice h3")  # only domains with low statements
    expect(advice).to_have_count(len(advice_by_domain(instrument, low_items(instrument, first))))
    expect(page.locator("section:has(#advies-kop) section.advice li")).to_have_count(5)
    shoot(page, "tpack-uitslag")

    page.get_by_role("link", name="Terug naar de TPACK-scan").click()
    page.get_by_role("button", name="Nieuwe scan beginnen").click()
    expect(page.locator("#terugblik")).to_contain_text("Als je terugkijkt")
    fill_scan(page, instrument, second)
    page.get_by_role("button", name="Afronden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jouw TPACK-uitslag")
    expect(page.locator("main")).to_contain_text("Scan 2, afgerond op")
    expect_means(page, instrument, second)

    page.get_by_role("link", name="Vergelijk met je andere scans").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Je TPACK-scans vergelijken")
    expect(page.locator("svg.radar g.radar-series")).to_have_count(2)
    expect(page.locator("svg.radar polygon")).to_have_count(2)
    change = page.locator("section:has(#groei-kop) li")
    expect(change).to_have_count(len(instrument.domains))
    shoot(page, "tpack-vergelijken")


# -- journey 5: a trainer's cohort, hidden until five have scanned ---------------------------------


def scan_through_services(live_app: Flask, user_id: int, answers: dict[str, int]) -> None:
    from course.core.extensions import db
    from course.models import User
    from course.teacher_track import scans as tpack

    with live_app.app_context():
        user = db.session.get(User, user_id)
        instrument = catalog().tpack
        scan = tpack.start_or_continue(user, instrument)
        tpack.save_answers(scan, instrument, answers)
        tpack.complete_scan(scan, instrument)


def join_through_services(live_app: Flask, user_id: int, code: str) -> None:
    from course.core.extensions import db
    from course.models import User
    from course.teacher_track import cohorts

    with live_app.app_context():
        cohorts.join_cohort(db.session.get(User, user_id), code)
        db.session.commit()


MEAN = re.compile(r"\d,\d\d")


def test_journey_5_trainer_sees_cohort_means_only_from_five_scans(new_page, base_url, live_app, content):
    instrument = content.tpack
    minimum = int(live_app.config["TPACK_MIN_GROUP"])
    assert minimum == 5
    make_user(live_app, "trainer-de-vries", "trainer", name="Trainer De Vries")
    members = [make_user(live_app, f"collega{k}", "teacher", name=f"Collega {k}") for k in range(minimum)]
    answers = [scan_answers(instrument, k) for k in range(minimum)]

    page = new_page(LAPTOP)
    log_in(page, base_url, "trainer-de-vries")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Train de trainer").click()
    page.get_by_label("Naam van de groep").fill("Team Economie najaar")
    page.get_by_label("Eerste bijeenkomst").fill("2026-09-01")
    page.get_by_label("Laatste bijeenkomst").fill("2026-12-15")
    page.get_by_role("button", name="Groep aanmaken").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Team Economie najaar")
    code = page.locator(".join-code code").inner_text().strip()
    tpack_box = page.locator("section:has(#tpack-kop)")
    expect(tpack_box).to_contain_text("te weinig deelnemers")
    shoot(page, "trainer-groep-leeg")

    # The first colleague joins on the join page, as the trainer told the group; the others the same way
    # through the app's services, to keep the suite quick.
    colleague = new_page(PHONE)
    log_in(colleague, base_url, "collega0")
    colleague.get_by_role("link", name="TPACK-scan").click()
    colleague.get_by_role("link", name="Meld je aan bij je groep").click()
    colleague.get_by_label("Uitnodigingscode").fill(code.lower())
    colleague.get_by_role("button", name="Aanmelden").click()
    expect(colleague.locator(".flashes")).to_contain_text("Je doet nu mee met Team Economie najaar.")
    for user_id in members[1:]:
        join_through_services(live_app, user_id, code)

    for k, user_id in enumerate(members):
        scan_through_services(live_app, user_id, answers[k])
        page.reload()
        if k + 1 < minimum:
            expect(tpack_box).to_contain_text("te weinig deelnemers")
            assert not MEAN.search(tpack_box.locator("table").inner_text()), f"means shown with {k + 1} scans"
            expect(page.locator("svg.radar")).to_have_count(0)

    expect(page.locator("svg.radar g.radar-series")).to_have_count(2)  # begin and now
    profiles = [domain_means(instrument, a) for a in answers]
    for domain in instrument.domains:
        expected = format_mean(mean(p[domain.id] for p in profiles))
        row = tpack_box.get_by_role("row").filter(has=domain_header(page, domain.name))
        expect(row.locator("td")).to_have_text([expected, expected])
    counts = tpack_box.get_by_role("row").filter(has_text="Deelnemers in de cijfers").locator("td")
    expect(counts).to_have_text([str(minimum), str(minimum)])
    assert "te weinig deelnemers" not in text_of(page)
    shoot(page, "trainer-groep-gemiddelden")
