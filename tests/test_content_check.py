"""`flask --app wsgi course check` and the app's refusal to start on broken content, on a copy of
the real course with deliberate mistakes: gunicorn, `flask run` (and so `make run`) stop with every
problem listed once and no traceback."""

import json
import os
import shutil
import subprocess
import sys

import pytest

from bench.server import free_port
from course import create_app
from course.content.catalog import load_catalog
from course.content.errors import ContentError

from .conftest import FIXTURES, ROOT


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
    summary_line = (
        lesson.read_text(encoding="utf-8")
        .splitlines()
        .index(next(line for line in lesson.read_text(encoding="utf-8").splitlines() if line.startswith("sumary:")))
        + 1
    )
    return summary_line


def is_warning(line: str) -> bool:
    """A fact checked more than a year ago warns in `course check`; it never stops the app."""
    return ": warning: " in line


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


def test_an_unquoted_text_cut_short_by_a_hash_is_an_error_with_its_line(app, runner, course_copy):
    """` #fyp` starts a YAML comment: the option would silently end at "zoals"."""
    lessons, quizzes = course_copy
    shutil.copy(FIXTURES / "content" / "inline-comment" / "quizzes" / "06-twitter-x.yaml", quizzes)
    app.config.update(LESSONS_DIR=str(lessons), QUIZZES_DIR=str(quizzes))
    result = runner.invoke(args=["course", "check"])
    assert result.exit_code == 1
    assert result.output.splitlines()[:-1] == [
        "quizzes/06-twitter-x.yaml:139: '#fyp en #viral.' is read as a YAML comment and dropped from the text: "
        "zet de tekst tussen aanhalingstekens"
    ]


def test_comments_on_their_own_line_and_after_quoted_text_are_fine(tmp_path):
    from course.content.yaml_comments import inline_comment_problems

    text = '# uitleg\ntext: "zoals #fyp"  # klopt\nblock: |\n  zoals #fyp\nlist:\n  - een # twee\n'
    assert [(p.line, p.message.split("'")[1]) for p in inline_comment_problems(text, "x.yaml")] == [(6, "# twee")]


def test_a_broken_glossary_and_a_lesson_without_de_kern_fail_the_check_with_their_lines(app, runner, course_copy):
    lessons, quizzes = course_copy
    shutil.copy(FIXTURES / "content" / "broken-glossary" / "lessons" / "woordenlijst.yaml", lessons)
    lesson = lessons / "08-netwerken.md"
    text = lesson.read_text(encoding="utf-8")
    lesson.write_text(text.replace("## De kern", "## Kort gezegd", 1), encoding="utf-8")
    heading_line = text.splitlines().index("## De kern") + 1
    app.config.update(LESSONS_DIR=str(lessons), QUIZZES_DIR=str(quizzes))
    result = runner.invoke(args=["course", "check"])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert "lessons/woordenlijst.yaml:6: missing 'explanation': every word needs a term and an explanation" in lines
    assert "lessons/woordenlijst.yaml:9: duplicate term 'Phishing' (also on line 3)" in lines
    missing = f"lessons/08-netwerken.md:{heading_line - 1}: '## De kern' is missing"
    assert any(line.startswith(missing) for line in lines)


def test_front_matter_of_a_lesson_is_checked_with_the_file_line(app, runner, course_copy):
    lessons, quizzes = course_copy
    lesson = lessons / "06-twitter-x.md"
    lines = lesson.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines) if line.startswith("summary:"))
    lines[number] = "summary: Je volgt vakmensen en gebruikt hashtags zoals #zorg goed."
    lesson.write_text("\n".join(lines) + "\n", encoding="utf-8")
    app.config.update(LESSONS_DIR=str(lessons), QUIZZES_DIR=str(quizzes))
    output = runner.invoke(args=["course", "check"]).output
    assert f"lessons/06-twitter-x.md:{number + 1}: '#zorg goed.' is read as a YAML comment" in output


def test_the_real_quiz_keeps_the_whole_hashtag_option():
    quiz = next(q for q in load_catalog(ROOT / "lessons", ROOT / "quizzes").quizzes.values() if q.slug == "twitter-x")
    texts = [option.text for question in quiz.questions for option in question.options]
    assert "Ze zet er vijftien populaire hashtags onder, zoals #fyp en #viral." in texts


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
    assert len(as_json["errors"]) == len([line for line in lines[:-1] if not is_warning(line)])


def test_the_app_refuses_to_start_on_broken_content_with_the_same_messages(app, runner, course_copy, tmp_path):
    lessons, quizzes = course_copy
    break_course(lessons, quizzes)
    app.config.update(LESSONS_DIR=str(lessons), QUIZZES_DIR=str(quizzes))
    output = runner.invoke(args=["course", "check"]).output.strip().splitlines()[:-1]
    reported = [line for line in output if not is_warning(line)]
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


# -- the real entry points, as an administrator starts them -----------------------------------


def run_entry_point(command: list[str], lessons, quizzes, tmp_path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "LESSONS_DIR": str(lessons),
        "QUIZZES_DIR": str(quizzes),
        "DATABASE_URL": f"sqlite:///{tmp_path}/course.sqlite",
        "SECRET_KEY": "entry-point-test",
    }
    env.pop("TEST_DATABASE_URL", None)
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture
def broken_course(course_copy, tmp_path):
    lessons, quizzes = course_copy
    break_course(lessons, quizzes)
    checked = run_entry_point(
        [sys.executable, "-m", "flask", "--app", "wsgi", "course", "check"], lessons, quizzes, tmp_path
    )
    problems = [line for line in checked.stdout.strip().splitlines()[:-1] if not is_warning(line)]
    assert checked.returncode == 1 and len(problems) >= 3
    return lessons, quizzes, problems


@pytest.mark.parametrize(
    "server",
    [
        pytest.param(["-m", "flask", "--app", "wsgi", "run", "--port", "{port}"], id="flask run"),
        pytest.param(
            ["-m", "gunicorn", "-c", "gunicorn.conf.py", "--bind", "127.0.0.1:{port}", "wsgi:app"], id="gunicorn"
        ),
    ],
)
def test_servers_refuse_broken_content_listing_each_problem_once(broken_course, tmp_path, server):
    lessons, quizzes, problems = broken_course
    command = [sys.executable, *(part.format(port=free_port()) for part in server)]
    refused = run_entry_point(command, lessons, quizzes, tmp_path)
    output = refused.stdout + refused.stderr
    assert refused.returncode == 1, output
    assert "Traceback" not in output and "ContentError" not in output
    for problem in problems:
        assert output.count(problem) == 1, (problem, output)
    assert f"The app does not start: the course content has {len(problems)} problems (above)." in output
    assert "course check" in output.splitlines()[-1]


def test_course_check_lists_each_problem_once_and_other_commands_stay_quiet(broken_course, tmp_path):
    lessons, quizzes, problems = broken_course
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    checked = run_entry_point([*flask, "course", "check"], lessons, quizzes, tmp_path)
    output = checked.stdout + checked.stderr
    assert all(output.count(problem) == 1 for problem in problems), output
    upgraded = run_entry_point([*flask, "db", "upgrade"], lessons, quizzes, tmp_path)  # what `make run` does first
    assert upgraded.returncode == 0 and "Database at revision" in upgraded.stdout
    assert not any(problem in upgraded.stdout + upgraded.stderr for problem in problems)
