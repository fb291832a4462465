"""`flask --app wsgi course check` and the app's refusal to start on broken content, on a copy of
the real course with deliberate mistakes."""

import json
import shutil

import pytest

from course import create_app
from course.content.errors import ContentError

from .conftest import ROOT


@pytest.fixture
def course_copy(tmp_path):
    lessons, quizzes = tmp_path / "lessons", tmp_path / "quizzes"
    shutil.copytree(ROOT / "lessons", lessons)
    shutil.copytree(ROOT / "quizzes", quizzes)
    return lessons, quizzes


def break_course(lessons, quizzes):
    """Three mistakes an author really makes: a typo in a front-matter key, a lesson linking to a
    quiz file that was renamed, and a quiz option without feedback."""
    lesson = lessons / "02-digitale-voetafdruk.md"
    lesson.write_text(lesson.read_text(encoding="utf-8").replace("\nsummary:", "\nsumary:", 1), encoding="utf-8")
    (quizzes / "03-privacy-instellingen.yaml").rename(quizzes / "03-privacy-instelingen.yaml")
    quiz = quizzes / "05-linkedin.yaml"
    lines = quiz.read_text(encoding="utf-8").splitlines()
    index = next(i for i, line in enumerate(lines) if line.strip().startswith("feedback:") and i > 20)
    del lines[index]
    quiz.write_text("\n".join(lines) + "\n", encoding="utf-8")
    summary_line = lesson.read_text(encoding="utf-8").splitlines().index(
        next(line for line in lesson.read_text(encoding="utf-8").splitlines() if line.startswith("sumary:"))
    ) + 1
    return summary_line


def test_the_real_course_checks_clean(runner):
    result = runner.invoke(args=["course", "check"])
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("no errors")


def test_json_gives_the_counts(runner):
    result = runner.invoke(args=["course", "check", "--json"])
    data = json.loads(result.output)
    assert data["lessons"] == 12 and data["errors"] == []
    assert data["questions"] >= 87 and data["quizzes"] >= 13
    assert data["tpack_items"] >= 28 and data["trainer_sessions"] >= 4


def test_every_mistake_is_reported_with_its_file_and_line(app, runner, course_copy):
    lessons, quizzes = course_copy
    summary_line = break_course(lessons, quizzes)
    app.config.update(LESSONS_DIR=str(lessons), QUIZZES_DIR=str(quizzes))
    result = runner.invoke(args=["course", "check"])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert f"lessons/02-digitale-voetafdruk.md:{summary_line}: unknown key 'sumary'" in "\n".join(lines)
    assert any(line.startswith("lessons/02-digitale-voetafdruk.md:") and "summary" in line for line in lines)
    assert any(line.startswith("quizzes/03-privacy-instelingen.yaml:") for line in lines)
    assert any(line.startswith("quizzes/05-linkedin.yaml:") and "feedback" in line for line in lines)
    assert lines[-1].endswith("error(s)") and not lines[-1].endswith(" 0 error(s)")
    as_json = json.loads(runner.invoke(args=["course", "check", "--json"]).output)
    assert len(as_json["errors"]) == len(lines) - 1


def test_the_app_refuses_to_start_on_broken_content_with_the_same_messages(app, runner, course_copy, tmp_path):
    lessons, quizzes = course_copy
    break_course(lessons, quizzes)
    app.config.update(LESSONS_DIR=str(lessons), QUIZZES_DIR=str(quizzes))
    reported = runner.invoke(args=["course", "check"]).output.strip().splitlines()[:-1]
    with pytest.raises(ContentError) as refused:
        create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "x",
                "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite",
                "LESSONS_DIR": str(lessons),
                "QUIZZES_DIR": str(quizzes),
            }
        )
    assert [str(p) for p in refused.value.problems] == reported
