"""The export commands as a school's administrator runs them: `quizzes export-moodle-xml`, and
`course check` reporting what an export cannot carry."""

from __future__ import annotations

import shutil
from pathlib import Path

from lxml import etree

from course.core.content_store import catalog
from course.quizzes.moodle_xml import export_moodle_xml

from .conftest import ROOT

SLUG = "wie-ben-jij-online"


def test_export_moodle_xml_prints_every_quiz(app, runner):
    result = runner.invoke(args=["quizzes", "export-moodle-xml"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert result.output.encode("utf-8") == export_moodle_xml(catalog().quizzes.values())
    root = etree.fromstring(result.output.encode("utf-8"))
    assert len(root.findall("question[@type='category']")) == 13
    assert len(root.findall("question[@type='ordering']")) == 15


def test_export_moodle_xml_one_quiz_and_the_fallback_for_older_moodle(app, runner):
    result = runner.invoke(args=["quizzes", "export-moodle-xml", SLUG, "--ordering-as-matching"])
    assert result.exit_code == 0, result.output
    root = etree.fromstring(result.output.encode("utf-8"))
    assert len(root.findall("question[@type='category']")) == 1
    assert root.find("question[@type='ordering']") is None
    with app.app_context():
        quiz = catalog().quizzes[SLUG]
    names = [q.findtext("name/text") for q in root.findall("question") if q.get("type") != "category"]
    assert names == [q.id for q in quiz.questions]


def test_export_moodle_xml_refuses_an_unknown_slug(runner):
    result = runner.invoke(args=["quizzes", "export-moodle-xml", "bestaat-niet"])
    assert result.exit_code != 0
    assert "unknown quiz slug 'bestaat-niet'" in result.output


def test_course_check_reports_an_export_hazard_with_its_line(app, runner, tmp_path: Path):
    lessons, quizzes = tmp_path / "lessons", tmp_path / "quizzes"
    shutil.copytree(ROOT / "lessons", lessons)
    shutil.copytree(ROOT / "quizzes", quizzes)
    path = quizzes / "01-wie-ben-jij-online.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    number = next(n for n, line in enumerate(lines, start=1) if line.strip().startswith("right:"))
    indent = lines[number - 1][: len(lines[number - 1]) - len(lines[number - 1].lstrip())]
    lines[number - 1] = f"{indent}right: Instellingen -> Privacy"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    app.config.update(LESSONS_DIR=str(lessons), QUIZZES_DIR=str(quizzes))
    result = runner.invoke(args=["course", "check"])
    assert result.exit_code == 1
    assert f"quizzes/01-wie-ben-jij-online.yaml:{number}: pair " in result.output
    assert "has '->' in its right text" in result.output
    assert result.output.strip().endswith("1 error(s)")
