"""The facts register (lessons/facts.yaml): every law article the module names is in it with a source
and a check date, `course check` fails on an article it lacks and warns about old checks, and the
teacher guide shows when each fact of its lesson was checked."""

import datetime as dt
import json
import re
import shutil

import pytest

from course.content.facts import article_mentions, check_facts, load_register

from .conftest import FIXTURES, ROOT

CONTENT = FIXTURES / "content"
TODAY = dt.date(2026, 12, 2)


def test_every_article_the_module_names_is_in_the_register_with_its_files():
    errors, _ = check_facts(ROOT / "lessons", ROOT / "quizzes", dt.date.today())
    assert [str(e) for e in errors] == []
    register, problems = load_register(ROOT / "lessons" / "facts.yaml")
    assert problems == [] and register is not None
    keys = register.article_keys()
    for needed in [("Sr", "254ba"), ("Sr", "285d"), ("AVG", "8"), ("UAVG", "5"), ("BW", "7:457"), ("AVG", "21")]:
        assert needed in keys, needed
    assert all(fact.sources and fact.used_in for fact in register.facts)
    assert {"youtube-verborgen", "linkedin-ai-training", "meta-ai-training"} <= {f.id for f in register.facts}


def test_the_old_number_139h_only_appears_next_to_254ba():
    content = ("lessons/**/*.md", "lessons/*.yaml", "quizzes/*.yaml")
    for path in (path for pattern in content for path in ROOT.glob(pattern)):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if "139h" in line:
                assert "254ba" in line, f"{path.name}:{number}"
            assert "Niet vermeld" not in line and "niet vermeld" not in line, f"{path.name}:{number}"


def test_an_article_missing_from_the_register_fails_the_check_with_its_line(app, runner, course_copy):
    lessons, quizzes = course_copy
    shutil.copy(CONTENT / "unknown-article" / "lessons" / "01-wie-ben-jij-online.docent.md", lessons)
    app.config.update(LESSONS_DIR=str(lessons), QUIZZES_DIR=str(quizzes))
    result = runner.invoke(args=["course", "check"])
    assert result.exit_code == 1
    assert (
        "lessons/01-wie-ben-jij-online.docent.md:53: art. 999z Sr is not in lessons/facts.yaml: "
        "add it with its source and the date you checked it"
    ) in result.output.splitlines()


def test_a_check_older_than_a_year_is_a_warning_not_an_error(app, runner, course_copy):
    lessons, quizzes = course_copy
    register = lessons / "facts.yaml"
    text = register.read_text(encoding="utf-8")
    register.write_text(text.replace("checked: 2026-12-02", "checked: 2024-01-15", 1), encoding="utf-8")
    line = next(i for i, row in enumerate(text.splitlines(), 1) if row.startswith("  - id: "))
    app.config.update(LESSONS_DIR=str(lessons), QUIZZES_DIR=str(quizzes))
    result = runner.invoke(args=["course", "check", "--json"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["errors"] == []
    assert data["warnings"] == [
        f"lessons/facts.yaml:{line}: warning: fact 'sr-254ba' was last checked on 2024-01-15: check it again"
    ]


def test_the_register_check_on_a_small_fixture():
    errors, warnings = check_facts(CONTENT / "register" / "lessons", CONTENT / "register" / "quizzes", TODAY)
    hint = "is not in lessons/facts.yaml: add it with its source and the date you checked it"
    assert sorted(str(e) for e in errors) == [
        f"lessons/01-les.md:5: art. 261 Sr {hint}",
        f"lessons/01-les.md:5: art. 262 Sr {hint}",
        f"quizzes/01-les.yaml:2: art. 21 Auteurswet {hint}",
    ]
    assert [str(w) for w in warnings] == [
        "lessons/facts.yaml:15: fact 'youtube-verborgen' was last checked on 2025-06-30: check it again"
    ]


def test_a_broken_register_says_what_is_wrong_where():
    errors, _ = check_facts(CONTENT / "broken-register" / "lessons", CONTENT / "broken-register" / "quizzes", TODAY)
    assert sorted(str(e) for e in errors) == [
        "lessons/facts.yaml:12: law must be one of AVG, Auteurswet, BW, Grondwet, Sr, Sv, Tw, UAVG",
        "lessons/facts.yaml:17: a source url must start with https://",
        "lessons/facts.yaml:19: checked must be a date like 2026-12-02",
        "lessons/facts.yaml:7: sources must be a list with at least one source",
    ]


def test_a_file_that_names_an_article_must_be_in_its_used_in(tmp_path):
    lessons = tmp_path / "lessons"
    shutil.copytree(CONTENT / "register" / "lessons", lessons)
    (lessons / "02-les.md").write_text("Schelden kan belediging zijn (art. 266 Sr).\n", encoding="utf-8")
    errors, _ = check_facts(lessons, tmp_path / "quizzes", TODAY)
    assert "lessons/facts.yaml:3: fact 'sr-266': add 'lessons/02-les.md' to used_in, it names this article" in [
        str(e) for e in errors
    ]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("strafbaar (art. 254ba Sr, tot juli 2024: 139h).", [("Sr", "254ba")]),
        ("(artikel 254ba Wetboek van\n   Strafrecht)", [("Sr", "254ba")]),
        ("- AVG art. 8 en UAVG art. 5 (onder 16 jaar), AVG art. 21.", [("AVG", "8"), ("UAVG", "5"), ("AVG", "21")]),
        (
            "Auteurswet, artikel 19 tot en met 21 (portretrecht).",
            [("Auteurswet", "19"), ("Auteurswet", "20"), ("Auteurswet", "21")],
        ),
        (
            "inzage (art. 15 AVG), verbetering (art. 16) en bezwaar (art. 21);",
            [("AVG", "15"), ("AVG", "16"), ("AVG", "21")],
        ),
        ("WGBO, art. 7:457 BW en art. 7:611 Burgerlijk Wetboek", [("BW", "7:457"), ("BW", "7:611")]),
        ("- AVG art. 12.\n- LinkedIn Gebruikersovereenkomst, art. 2.1: 16 jaar.", [("AVG", "12")]),
        ("Telecommunicatiewet, art. 11.7a (cookies)", [("Tw", "11.7a")]),
        ("artikel 12 lid 3 AVG", [("AVG", "12")]),
    ],
)
def test_articles_are_found_with_their_law(text, found):
    assert [(m.law, m.article) for m in article_mentions(text, "x.md")] == found


def test_the_teacher_guide_shows_when_each_fact_was_checked_and_its_source(auth, client):
    auth.make_user("docent", "teacher")
    auth.login("docent")
    page = client.get("/lessons/linkedin/guide").get_data(as_text=True)
    section = page.split("Feiten in deze les en hun bronnen")[1].split("</section>")[0]
    assert re.search(r"Gecontroleerd op \d{1,2} [a-z]{3} 20\d\d\.", section)
    assert "uitzetten werkt alleen voor later" in section  # the LinkedIn AI-training fact
    assert "Security.nl): <span class=\"fact-url\">https://www.security.nl/posting/905970</span>" in section
    assert "href=" not in section  # sources as text: the app links to no other host
    assert "Let op: Alleen gecontroleerd tegen secundaire bronnen" in section
    assert "Portretrecht" not in section  # only the facts this lesson uses


def test_students_do_not_get_the_guide_with_its_facts(auth, client):
    auth.make_user("sanne", "student")
    auth.login("sanne")
    response = client.get("/lessons/linkedin/guide")
    assert response.status_code == 403
    assert "Gecontroleerd op" not in response.get_data(as_text=True)
