"""Downloads of the grid and the item analysis: CSV (UTF-8 with BOM, one value per cell) and XLSX
(header row, frozen panes), read back and compared with what the pages show."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime
from decimal import ROUND_FLOOR, Decimal

import pytest
from openpyxl import load_workbook

from course.core.templating import LOCAL_ZONE

from .gradebook_support import body_rows, build_fixture_class, percentage, table_rows


@pytest.fixture
def fx(app, auth):
    fixture = build_fixture_class(app, auth)
    auth.login("docent")
    return fixture


def today() -> str:
    return datetime.now(LOCAL_ZONE).date().isoformat()


def download(auth, url: str):
    response = auth.client.get(url)
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert response.headers["Cache-Control"] == "private, no-store"
    return response, disposition


def read_csv(data: bytes, delimiter: str = ";") -> list[list[str]]:
    """The Dutch CSV (semicolons, decimal commas) by default, read as text with the numbers in
    international form, so the checks below compare like with like."""
    assert data.startswith(b"\xef\xbb\xbf"), "no UTF-8 byte order mark"
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=delimiter))
    if delimiter == ";":
        rows = [[re.sub(r"^(-?\d+),(\d+)$", r"\1.\2", value) for value in row] for row in rows]
    return rows


def as_records(rows: list[list]) -> list[dict]:
    header, *body = rows
    return [dict(zip(header, row, strict=True)) for row in body]


def same(csv_value: str, xlsx_value) -> bool:
    """The CSV text and the spreadsheet cell hold the same value (numbers as numbers)."""
    if xlsx_value is None:
        return csv_value == ""
    if isinstance(xlsx_value, (int, float)):
        return Decimal(csv_value) == Decimal(str(xlsx_value))
    return csv_value == xlsx_value


# -- the grid -------------------------------------------------------------------------------------


def test_grid_csv_has_a_bom_and_one_value_per_cell(app, auth, fx):
    response, disposition = download(auth, f"/teacher/gradebook/{fx.class_id}/cijfers.csv")
    assert response.mimetype == "text/csv"
    assert f"filename=cijfers-MV2A-{today()}.csv" in disposition
    rows = read_csv(response.data)
    records = {r["Naam"]: r for r in as_records(rows)}
    assert list(records) == ["Anna", "Bram", "Chris", "Daan"]

    q1, q2 = fx.quizzes[fx.lessons[0].quiz], fx.quizzes[fx.lessons[1].quiz]
    anna, bram = records["Anna"], records["Bram"]
    assert (anna["Les 1 gelezen"], anna["Les 1 opdracht"]) == ("ja", "Goedgekeurd")
    assert (anna["Les 1 quiz score"], anna["Les 1 quiz max"], anna["Les 1 quiz %"], anna["Les 1 quiz pogingen"]) == (
        str(q1.max_score), str(q1.max_score), "100", "1",
    )
    anna_q2 = percentage(q2.max_score - q2.questions[0].points, q2.max_score)
    assert Decimal(anna["Les 2 quiz %"]) == anna_q2.quantize(Decimal(1), rounding=ROUND_FLOOR)
    assert Decimal(anna["Les 2 quiz score"]) == q2.max_score - q2.questions[0].points
    assert anna["Les 2 opdracht"] == "Ingeleverd" and anna["Les 3 opdracht"] == "Concept"
    average = (100 + anna_q2) / 2
    assert Decimal(anna["Gemiddelde quizscore %"]) == average.quantize(Decimal(1), rounding=ROUND_FLOOR)
    assert (anna["Lessen gelezen"], anna["Opdrachten goedgekeurd"]) == ("6", "1")
    # Bram's preview attempt on quiz 2 is nowhere; his quiz 1 is a real 0.
    assert (bram["Les 2 quiz score"], bram["Les 2 quiz pogingen"]) == ("", "0")
    assert (bram["Les 1 quiz score"], bram["Les 1 quiz %"], bram["Achter"]) == ("0", "0", "ja")
    # One value per cell: every score, max, percentage and count is a plain number or empty.
    numeric = [h for h in rows[0] if re.search(r"^(Les \d+ quiz|Eindtoets) (score|max|%|pogingen)$", h)]
    assert len(numeric) == 4 * len(fx.lessons) + 4  # the twelve lessons and the final quiz
    numeric += ["Lessen gelezen", "Gemiddelde quizscore %", "Opdrachten goedgekeurd"]
    for record in records.values():
        for column in numeric:
            assert re.fullmatch(r"-?\d+(\.\d+)?|", record[column]), (column, record[column])


def test_grid_csv_matches_the_page(app, auth, fx):
    page = auth.client.get(f"/teacher/gradebook/{fx.class_id}").get_data(as_text=True)
    shown = body_rows(page)
    response, _ = download(auth, f"/teacher/gradebook/{fx.class_id}/cijfers.csv")
    records = as_records(read_csv(response.data))
    assert [r["Naam"] for r in records] == list(shown)
    for record in records:
        cells = shown[record["Naam"]]
        assert cells[-3] == f"{record['Lessen gelezen']} van 12"
        assert cells[-1] == record["Opdrachten goedgekeurd"]
        average = record["Gemiddelde quizscore %"]
        assert cells[-2] == ("–" if average == "" else f"{average}%")


def test_grid_xlsx_has_header_frozen_panes_and_the_same_values(app, auth, fx):
    csv_rows = read_csv(download(auth, f"/teacher/gradebook/{fx.class_id}/cijfers.csv")[0].data)
    response, disposition = download(auth, f"/teacher/gradebook/{fx.class_id}/cijfers.xlsx")
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert f"filename=cijfers-MV2A-{today()}.xlsx" in disposition
    book = load_workbook(io.BytesIO(response.data))
    sheet = book.active
    assert sheet.freeze_panes == "B2"  # header row and name column stay in view
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == csv_rows[0]
    assert all(cell.font.bold for cell in sheet[1])
    assert len(rows) == len(csv_rows) == 5
    for xlsx_row, csv_row in zip(rows[1:], csv_rows[1:], strict=True):
        for x, c in zip(xlsx_row, csv_row, strict=True):
            assert same(c, x), (c, x)
    header = rows[0]
    anna = dict(zip(header, rows[1], strict=True))
    assert isinstance(anna["Les 1 quiz score"], (int, float)) and isinstance(anna["Lessen gelezen"], int)


def test_names_that_look_like_formulas_stay_text(app, auth, fx):
    auth.make_user("mallory", name="=HYPERLINK(\"http://x\",\"klik\")")
    auth.enrol("mallory", fx.class_id)
    records = as_records(read_csv(download(auth, f"/teacher/gradebook/{fx.class_id}/cijfers.csv")[0].data))
    assert "'=HYPERLINK(\"http://x\",\"klik\")" in [r["Naam"] for r in records]
    book = load_workbook(io.BytesIO(download(auth, f"/teacher/gradebook/{fx.class_id}/cijfers.xlsx")[0].data))
    cell = next(c for c in book.active["A"] if c.value and "HYPERLINK" in str(c.value))
    assert cell.data_type == "s"


# -- item analysis --------------------------------------------------------------------------------


def test_item_analysis_exports_match_the_page(app, auth, fx):
    quiz = fx.quizzes[fx.lessons[0].quiz]
    base = f"/teacher/gradebook/{fx.class_id}/quizzes/{quiz.slug}"
    page = auth.client.get(base).get_data(as_text=True)
    overview, _ = table_rows(page, "item-table")
    shown = {row[0]: row for row in overview[1:]}

    response, disposition = download(auth, f"{base}/itemanalyse.csv")
    assert f"filename=itemanalyse-{quiz.slug}-MV2A-{today()}.csv" in disposition
    choices = as_records(read_csv(response.data))
    expected_rows = sum(
        len(q.options) or len(q.pairs) or len(q.items) + 1 for q in quiz.questions  # ordering: items + the order
    )
    assert len(choices) == expected_rows
    for record in choices:
        row = shown[f"Vraag {record['Vraag']}"]
        assert row[3] == record["p-waarde"].replace(".", ",")
        assert record["Rir"] == "" and record["Rir toelichting"] == "te weinig pogingen"  # 2 attempts only
        assert row[4] == "te weinig pogingen"
    right = next(r for r in choices if r["Vraag"] == "1" and r["Goed"] == "ja")
    assert (right["Aantal"], right["Deel %"]) == ("1", "50")  # Anna chose it, Bram left it blank

    response, disposition = download(auth, f"{base}/itemanalyse.xlsx")
    assert f"filename=itemanalyse-{quiz.slug}-MV2A-{today()}.xlsx" in disposition
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Vragen", "Antwoorden"]
    questions = [list(r) for r in book["Vragen"].iter_rows(values_only=True)]
    assert questions[0][:6] == ["Vraag", "Vraag-id", "Soort", "Pogingen", "p-waarde", "Rir"]
    assert [r[1] for r in questions[1:]] == [q.id for q in quiz.questions]
    for row in questions[1:]:
        assert f"{Decimal(str(row[4])):.2f}".replace(".", ",") == shown[f"Vraag {row[0]}"][3]
    answers = [list(r) for r in book["Antwoorden"].iter_rows(values_only=True)]
    csv_rows = read_csv(download(auth, f"{base}/itemanalyse.csv")[0].data)
    assert answers[0] == csv_rows[0]
    for xlsx_row, csv_row in zip(answers[1:], csv_rows[1:], strict=True):
        for x, c in zip(xlsx_row, csv_row, strict=True):
            assert same(c, x), (c, x)
    for name in ("Vragen", "Antwoorden"):
        assert book[name].freeze_panes == "B2"
