"""One word for a learner: mbo says "student", never "leerling". Every page, every interface string
in the code, the teacher guides, the TPACK items and the trainer sessions use it."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WRONG_WORD = re.compile(r"leerling", re.IGNORECASE)


def texts() -> list[Path]:
    course = [p for p in (ROOT / "course").rglob("*") if p.suffix in {".html", ".py", ".txt", ".md", ".js"}]
    guides = sorted((ROOT / "lessons").glob("*.docent.md"))
    trainer = sorted((ROOT / "lessons" / "trainer").rglob("*.md"))
    return sorted(course) + guides + trainer + [ROOT / "quizzes" / "tpack.yaml"]


def test_no_page_guide_or_tpack_item_says_leerling():
    files = texts()
    assert any(p.suffix == ".html" for p in files) and any(p.name.endswith(".docent.md") for p in files)
    found = [
        f'{path.relative_to(ROOT)}:{number}: says "{match.group(0)}"; use "student"'
        for path in files
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if (match := WRONG_WORD.search(line))
    ]
    assert found == []
