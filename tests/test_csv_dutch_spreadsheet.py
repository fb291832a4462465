"""The grade CSV opens right in a spreadsheet set to Dutch: separated by semicolons, with decimal
commas, scores rounded as the gradebook page shows them. Read back by LibreOffice Calc itself
(headless, Dutch locale; Debian package libreoffice-calc-nogui) and by a plain parser doing what
a Dutch spreadsheet does. The variant for other programs uses commas and decimal points."""

from __future__ import annotations

import csv
import io
import os
import secrets
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from course.core.content_store import catalog
from course.core.extensions import db
from course.models import QuizAttempt, utcnow

SOFFICE = shutil.which("soffice")
# LibreOffice's CSV import options: separator ';' (59), quote '"' (34), UTF-8 (76), from row 1,
# default column types, numbers read in the Dutch locale (1043, nl-NL) -- or ',' (44) and en-US (1033).
DUTCH_IMPORT = "CSV:59,34,76,1,,1043"
ENGLISH_IMPORT = "CSV:44,34,76,1,,1033"


@pytest.fixture
def grades(app, auth) -> tuple[int, int]:
    """A class where Sanne has 7.8667 of 11 (71.5 %) on the first quiz; returns (class id, lesson number)."""
    auth.make_user("docent", "teacher")
    class_id, _ = auth.make_class("docent")
    student_id = auth.make_user("sanne", name="Sanne de Vries-Çelik")
    auth.enrol("sanne", class_id)
    with app.app_context():
        lesson = next(lesson for lesson in catalog().lessons.values() if lesson.quiz)
        quiz = catalog().quizzes[lesson.quiz]
        db.session.add(QuizAttempt(
            user_id=student_id, quiz_slug=quiz.slug, quiz_version=quiz.version, class_id=class_id,
            token=secrets.token_hex(16), seed=1, submitted_at=utcnow(), answers={}, score=Decimal("7.8667"),
            max_score=11,
        ))  # fmt: skip
        db.session.commit()
    auth.login("docent")
    return class_id, lesson.number


def _download(client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return response.data


def test_the_csv_a_teacher_double_clicks_is_dutch(client, grades):
    class_id, number = grades
    data = _download(client, f"/teacher/gradebook/{class_id}/cijfers.csv")
    text = data.decode("utf-8-sig")
    # What a Dutch spreadsheet does: split on semicolons, read a comma as the decimal mark.
    header, row = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))[:2]
    values = dict(zip(header, row, strict=True))
    assert values["Naam"] == "Sanne de Vries-Çelik"
    assert values[f"Les {number} quiz score"] == "7,87"  # as the page shows it, not 7.8667
    assert values[f"Les {number} quiz max"] == "11"
    assert values[f"Les {number} quiz %"] == "71"  # the page's whole percentage
    assert values["Gemiddelde quizscore %"] == "71"
    assert "7.8667" not in text and "7.87" not in text


def test_the_variant_for_other_programs_uses_commas_and_points(client, grades):
    class_id, number = grades
    text = _download(client, f"/teacher/gradebook/{class_id}/cijfers.csv?variant=internationaal").decode("utf-8-sig")
    header, row = list(csv.reader(io.StringIO(text, newline=""), delimiter=","))[:2]
    values = dict(zip(header, row, strict=True))
    assert values[f"Les {number} quiz score"] == "7.87" and values[f"Les {number} quiz %"] == "71"
    assert ";" not in text.splitlines()[0]


def _libreoffice_reads(data: bytes, import_options: str, tmp_path: Path) -> list[tuple]:
    """The rows of ``data`` as LibreOffice Calc reads them with ``import_options``, saved as XLSX
    and read back cell by cell: numbers stay numbers only when Calc understood them as numbers."""
    if SOFFICE is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice is missing: apt-get install --no-install-recommends libreoffice-calc-nogui")
        pytest.skip("LibreOffice Calc not installed (apt-get install --no-install-recommends libreoffice-calc-nogui)")
    source = tmp_path / "cijfers.csv"
    source.write_bytes(data)
    out = tmp_path / "out"
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", f"--infilter={import_options}",
         "--convert-to", "xlsx", "--outdir", str(out), str(source)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    sheet = load_workbook(out / "cijfers.xlsx").active
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def test_libreoffice_in_dutch_reads_scores_as_numbers(client, grades, tmp_path):
    class_id, number = grades
    rows = _libreoffice_reads(_download(client, f"/teacher/gradebook/{class_id}/cijfers.csv"), DUTCH_IMPORT, tmp_path)
    values = dict(zip(rows[0], rows[1], strict=True))
    assert values["Naam"] == "Sanne de Vries-Çelik"
    assert values[f"Les {number} quiz score"] == pytest.approx(7.87)
    assert values[f"Les {number} quiz %"] == 71 and values[f"Les {number} quiz max"] == 11
    assert values["Gemiddelde quizscore %"] == 71


def test_libreoffice_in_dutch_would_misread_the_old_format(tmp_path):
    """The check above can fail: a decimal point, read in Dutch, is not a number."""
    old = "\ufeffNaam;Les 1 quiz %\r\nSanne;63.6\r\n".encode()
    rows = _libreoffice_reads(old, DUTCH_IMPORT, tmp_path)
    assert not isinstance(rows[1][1], float) or rows[1][1] != pytest.approx(63.6)


def test_libreoffice_in_english_reads_the_variant(client, grades, tmp_path):
    class_id, number = grades
    data = _download(client, f"/teacher/gradebook/{class_id}/cijfers.csv?variant=internationaal")
    rows = _libreoffice_reads(data, ENGLISH_IMPORT, tmp_path)
    values = dict(zip(rows[0], rows[1], strict=True))
    assert values[f"Les {number} quiz score"] == pytest.approx(7.87) and values[f"Les {number} quiz %"] == 71
