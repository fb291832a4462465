"""The grid and the item analysis as files the school can use: CSV and XLSX. No Flask in here.

One value per cell (score, maximum and percentage each in their own column), numbers as numbers,
so a spreadsheet can sort and sum them, rounded as the pages show them (whole percentages rounded
down, scores to two decimals). CSV is UTF-8 with a byte order mark, so Excel reads the accents in
names right. The CSV a Dutch teacher double-clicks is what Excel and LibreOffice set to Dutch
expect: separated by semicolons, with decimal commas. The variant for other programs uses commas
and decimal points.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from openpyxl import Workbook
from openpyxl.styles import Font

from ..core.numbers import whole_percent
from ..core.text import spreadsheet_cell, xml_safe
from .analysis import QuizAnalysis
from .grid import Grid, QuizCell, StudentRow, rounded

if TYPE_CHECKING:  # the rows come from the database; this module only lays them out
    from .assignment_columns import AssignmentExtras

Cell = str | int | Decimal | None
Table = tuple[list[str], list[list[Cell]]]

BOM = "\ufeff"
# A text starting with one of these is a formula to a spreadsheet; student names are user input.
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIMETYPE = "text/csv"  # Flask adds "; charset=utf-8"


def file_name(kind: str, class_name: str, day: date, extension: str, extra: str = "") -> str:
    """``cijfers-MV2A-2026-11-28.xlsx``: safe characters only, readable in a download folder."""
    parts = [kind, _safe(extra), _safe(class_name) or "klas", day.isoformat()]
    return "-".join(p for p in parts if p) + f".{extension}"


def _safe(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", plain).strip("-")


def _number(value: Decimal | None) -> Decimal | None:
    """At most two decimals and no trailing zeros (7.8667 -> 7.87, 18.5000 -> 18.5), as the page shows it."""
    if value is None:
        return None
    value = rounded(value, 2)
    return value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()


# -- the grid -------------------------------------------------------------------------------------


def _quiz_cells(cell: QuizCell | None, has_quiz: bool) -> list[Cell]:
    if not has_quiz:
        return [None, None, None, None]
    if cell is None:
        return [None, None, None, 0]
    return [_number(cell.score), cell.max_score, whole_percent(cell.percentage), cell.attempts_used]


def grid_table(grid: Grid, rows: Sequence[StudentRow]) -> Table:
    header = ["Naam", "Gebruikersnaam"]
    for lesson in grid.lessons:
        label = f"Les {lesson.number}"
        header += [f"{label} gelezen", f"{label} opdracht", f"{label} quiz score", f"{label} quiz max",
                   f"{label} quiz %", f"{label} quiz pogingen"]
    if grid.final_quiz is not None:
        header += ["Eindtoets score", "Eindtoets max", "Eindtoets %", "Eindtoets pogingen"]
    header += ["Lessen gelezen", "Gemiddelde quizscore %", "Opdrachten goedgekeurd", "Achter"]
    body: list[list[Cell]] = []
    for row in rows:
        values: list[Cell] = [row.name, row.username]
        for cell in row.cells:
            values += ["ja" if cell.done else "nee", cell.assignment_label if cell.has_assignment else None]
            values += _quiz_cells(cell.quiz, cell.lesson.quiz is not None)
        if grid.final_quiz is not None:
            values += _quiz_cells(row.final, True)
        values += [row.lessons_done, whole_percent(row.average_percentage), row.approved, "ja" if row.behind else "nee"]
        body.append(values)
    return header, body


# -- item analysis --------------------------------------------------------------------------------


def _stat(value: float | None) -> Decimal | None:
    return None if value is None else rounded(Decimal(str(value)), 2)


def discrimination_note(too_few: bool, value: float | None) -> str:
    if too_few:
        return "te weinig pogingen"
    return "niet te bepalen" if value is None else ""


def question_table(analysis: QuizAnalysis) -> Table:
    header = ["Vraag", "Vraag-id", "Soort", "Pogingen", "p-waarde", "Rir", "Rir toelichting", "Vervallen",
              "Meest gekozen fout antwoord", "Aantal", "Denkfout"]
    body: list[list[Cell]] = []
    for item in analysis.items:
        wrong = item.wrong_choices[0] if item.wrong_choices else None
        body.append([
            item.number, item.question.id, item.question.kind, item.attempts, _stat(item.facility),
            _stat(item.discrimination), discrimination_note(item.too_few, item.discrimination),
            "ja" if item.voided else "nee",
            wrong.text if wrong else None, wrong.count if wrong else None, wrong.misconception if wrong else None,
        ])
    return header, body


def choice_table(analysis: QuizAnalysis) -> Table:
    """One row per answer option (per pair or item for matching and ordering), with the stats of
    its question repeated, so the file sorts and filters on its own."""
    header = ["Vraag", "Vraag-id", "Soort", "Pogingen", "p-waarde", "Rir", "Rir toelichting", "Keuze-id",
              "Keuze", "Goed", "Aantal", "Deel %", "Denkfout", "Uitleg denkfout"]
    body: list[list[Cell]] = []
    for item in analysis.items:
        for choice in item.choices:
            body.append([
                item.number, item.question.id, item.question.kind, item.attempts, _stat(item.facility),
                _stat(item.discrimination), discrimination_note(item.too_few, item.discrimination),
                choice.choice_id, choice.text, "ja" if choice.correct else "nee", choice.count,
                whole_percent(choice.share * 100), choice.misconception, choice.explanation,
            ])
    return header, body


# -- writers --------------------------------------------------------------------------------------


def _text(value: Cell, decimal_mark: str) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return str(spreadsheet_cell(value))
    if isinstance(value, Decimal):
        return f"{value:f}".replace(".", decimal_mark)
    return str(value)


def to_csv(table: Table, *, dutch: bool = True) -> bytes:
    """``dutch``: semicolons and decimal commas, for Excel and LibreOffice set to Dutch; otherwise
    commas and decimal points, for programs that expect the international form."""
    header, body = table
    delimiter, decimal_mark = (";", ",") if dutch else (",", ".")
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([_text(h, decimal_mark) for h in header])
    for row in body:
        writer.writerow([_text(v, decimal_mark) for v in row])
    return (BOM + out.getvalue()).encode("utf-8")


def _xlsx_value(value: Cell) -> object:
    if isinstance(value, Decimal):
        return float(value)
    return xml_safe(value) if isinstance(value, str) else value


def _sheet_title(title: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", "-", title)[:31] or "Blad"


def to_xlsx(sheets: Sequence[tuple[str, Table]]) -> bytes:
    """One sheet per table: bold header row, header and first column frozen, numbers as numbers."""
    book = Workbook()
    book.remove(book.active)
    for title, (header, body) in sheets:
        sheet = book.create_sheet(_sheet_title(xml_safe(title)))
        sheet.append([xml_safe(h) for h in header])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for values in body:
            sheet.append([_xlsx_value(v) for v in values])
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                # openpyxl reads "=..." as a formula; a name is never one.
                if isinstance(cell.value, str):
                    cell.data_type = "s"
        sheet.freeze_panes = "B2"
        for column, name in enumerate(header, start=1):
            sheet.column_dimensions[sheet.cell(1, column).column_letter].width = max(10, min(40, len(name) + 2))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# -- rubric levels and peer feedback, appended after the grid's own columns ------------------------


def with_assignment_columns(table: Table, grid: Grid, rows: Sequence[StudentRow], extras: AssignmentExtras) -> Table:
    """Per assignment: the rubric levels of the newest review ("criterion: level; ...") and how many
    peer feedbacks the student gave and received. Rows are in the same order as ``rows``."""
    header, body = table
    lessons = [lesson for lesson in grid.lessons if lesson.assignment is not None]
    header = header + [
        column for lesson in lessons for column in (
            f"Les {lesson.number} rubric", f"Les {lesson.number} peerfeedback gegeven",
            f"Les {lesson.number} peerfeedback ontvangen",
        )
    ]  # fmt: skip
    new_body = []
    for values, row in zip(body, rows, strict=True):
        added: list[Cell] = []
        for lesson in lessons:
            key = (row.student_id, lesson.slug)
            levels = extras.rubric.get(key)
            added += ["; ".join(f"{c}: {lvl}" for c, lvl in levels.items()) if levels else None,
                      extras.given[key], extras.received[key]]
        new_body.append(values + added)
    return header, new_body
