"""The teacher's gradebook: the grid's numbers, sorting and the "achter" filter, links to attempts and
assignments, the student page, item analysis and misconceptions pages, access, and a query count
that does not grow with the class."""

from __future__ import annotations

import re
from decimal import ROUND_FLOOR, Decimal

import pytest

from course.core.content_store import catalog
from course.gradebook.grid import load_grid

from .gradebook_support import (
    add_co_teacher,
    all_but_first,
    body_rows,
    build_fixture_class,
    bulk_class,
    percentage,
    table_rows,
    take,
)
from .query_count import page_with_query_count
from .quiz_support import right_answers, text_of


def whole(value: Decimal) -> str:
    """A percentage as every page shows it: rounded down, so 90.9 reads 90% (a shown pass is reached)."""
    return f"{value.quantize(Decimal(1), rounding=ROUND_FLOOR)}%"


@pytest.fixture
def fixture_class(app, auth):
    return build_fixture_class(app, auth)


def grid_page(auth, class_id: int, query: str = "") -> str:
    """The grid as ``docent`` sees it (logs in on first use)."""
    if auth.client.get("/account").status_code != 200:
        auth.login("docent")
    response = auth.client.get(f"/teacher/gradebook/{class_id}{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


# -- the numbers ----------------------------------------------------------------------------------


def test_grid_numbers_match_the_work_computed_by_hand(app, auth, fixture_class):
    fx = fixture_class
    q1, q2 = fx.quizzes[fx.lessons[0].quiz], fx.quizzes[fx.lessons[1].quiz]
    anna_q2 = percentage(q2.max_score - q2.questions[0].points, q2.max_score)

    with app.app_context():
        grid = load_grid(fx.class_id, catalog())
    rows = {row.name: row for row in grid.rows}
    assert [row.name for row in grid.rows] == ["Anna", "Bram", "Chris", "Daan"]
    assert [rows[n].lessons_done for n in ("Anna", "Bram", "Chris", "Daan")] == [6, 6, 2, 5]
    assert rows["Anna"].average_percentage == (Decimal(100) + anna_q2) / 2
    assert rows["Bram"].average_percentage == Decimal(0)
    assert rows["Chris"].average_percentage is None
    assert [rows[n].approved for n in ("Anna", "Bram", "Chris", "Daan")] == [1, 0, 0, 0]
    anna = rows["Anna"].cells
    assert [anna[i].assignment for i in range(4)] == ["approved", "handed_in", "draft", None]
    assert anna[0].quiz.score == q1.max_score and anna[0].quiz.attempts_used == 1
    assert rows["Bram"].cells[1].quiz is None  # his preview attempt never counts
    # Lesson columns: how many done, and the median of the counting scores.
    assert [s.done for s in grid.summaries[:7]] == [4, 4, 3, 3, 3, 2, 0]
    assert grid.summaries[0].median_percentage == Decimal(50)  # Anna 100, Bram 0
    assert grid.summaries[1].median_percentage == anna_q2
    assert grid.median_done == Decimal("5.5")

    page = grid_page(auth, fx.class_id)
    by_name = body_rows(page)
    assert list(by_name) == ["Anna", "Bram", "Chris", "Daan"]
    anna_row = by_name["Anna"]
    assert "gelezen" in anna_row[1] and "goedgekeurd" in anna_row[1] and "100%" in anna_row[1]
    assert f"{q1.max_score} van {q1.max_score}, 1 poging" in anna_row[1]
    assert "Ingeleverd" in anna_row[2] and whole(anna_q2) in anna_row[2]
    assert "Concept" in anna_row[3]
    assert anna_row[7] == "– nog niets"  # an empty cell is a dash (and words for a screen reader)
    assert anna_row[-3:] == ["6 van 12", whole((Decimal(100) + anna_q2) / 2), "1"]
    assert by_name["Bram"][-3:] == ["6 van 12", "0%", "0"]
    assert by_name["Bram"][2] == "✓ gelezen"  # the preview is not shown
    assert by_name["Chris"][-3:] == ["2 van 12", "–", "0"]
    rows_all, _ = table_rows(page)
    # The class as a whole: two footer rows, each headed by what its numbers are.
    read, middle = rows_all[-2], rows_all[-1]
    assert read[0] == "Hele klas: gelezen" and middle[0] == "Hele klas: middelste quizscore"
    assert read[1] == "4 van 4" and middle[1] == "50%"
    assert read[6] == "2 van 4"


def test_grid_cells_are_short_with_a_legend_and_a_failing_score_said_in_words(app, auth, fixture_class):
    fx = fixture_class
    page = grid_page(auth, fx.class_id)
    text = text_of(page)
    assert "Zo lees je de tabel" in text and "quiz niet gehaald (in rood)" in text
    bram = body_rows(page)["Bram"]
    # Bram's blank quiz 1: red, a cross and the words, never the colour alone.
    assert re.search(r'class="chip score is-below"><span aria-hidden="true">✗ </span>', page)
    assert "0%, niet gehaald" in bram[1]
    assert bram[7] == "– nog niets"
    assert "De namen en de koppen blijven staan" in text
    region = re.search(r'<div class="table-wrap gradebook-wrap"[^>]*>', page).group(0)
    assert 'role="region"' in region and 'tabindex="0"' in region and "aria-labelledby" in region
    # Where no header can be pointed at (a tablet), the legend names every lesson by its number.
    key = re.search(r'<details class="lesson-key">.*?</details>', page, re.S).group(0)
    with app.app_context():
        lessons = list(catalog().lessons.values())
    assert all(f"Les {lesson.number}: {lesson.title}" in text_of(key) for lesson in lessons)


def test_gradebook_pages_say_median_in_plain_words():
    from pathlib import Path

    folder = Path(__file__).resolve().parents[1] / "course" / "templates" / "gradebook"
    assert [p.name for p in folder.glob("*.html") if "mediaan" in p.read_text(encoding="utf-8").lower()] == []


def test_behind_means_two_lessons_under_the_middle_or_a_failed_quiz():
    from types import SimpleNamespace

    from course.gradebook.grid import QuizCell, StudentRow, behind_reasons

    def row(done: int, *scores: int) -> StudentRow:
        """A student with ``done`` of 12 lessons done and a counting quiz per score (out of 100, pass 55)."""
        quizzes = [QuizCell("q", 1, None, Decimal(s), 100, Decimal(s), 55, "t") for s in scores]
        quizzes += [None] * (12 - len(quizzes))
        cells = [SimpleNamespace(done=i < done, quiz=quizzes[i]) for i in range(12)]
        return StudentRow(1, "Sam", "sam", cells, None)  # type: ignore[arg-type]

    assert behind_reasons(row(3), Decimal(6)) == ["3 lessen gelezen, het midden van de klas 6"]
    assert behind_reasons(row(4), Decimal(6)) == []  # exactly two under the middle is not behind yet
    assert behind_reasons(row(5, 54), Decimal("5.5")) == ["1 quiz niet gehaald"]
    assert behind_reasons(row(6, 55), Decimal(6)) == []  # the pass mark itself passes
    assert behind_reasons(row(0), None) == []  # no class to compare with


def test_cells_link_to_the_attempt_review_and_the_assignment(app, auth, fixture_class):
    fx = fixture_class
    page = grid_page(auth, fx.class_id)
    rows, links = table_rows(page)
    anna = next(i for i, row in enumerate(rows) if row[0].startswith("Anna"))
    attempt_url = f"/teacher/gradebook/{fx.class_id}/attempts/{fx.tokens['anna-1']}"
    review_url = f"/teacher/classes/{fx.class_id}/assignments/{fx.submissions['anna-1']}"
    assert attempt_url in links[anna][1] and review_url in links[anna][1]

    review = auth.client.get(attempt_url)
    assert review.status_code == 200
    text = text_of(review.get_data(as_text=True))
    q1 = fx.quizzes[fx.lessons[0].quiz]
    assert "Poging van Anna" in text and f"{q1.max_score} van {q1.max_score} punten" in text
    assert auth.client.get(review_url).status_code == 200


def test_sort_by_name_progress_and_score(app, auth, fixture_class):
    fx = fixture_class
    assert list(body_rows(grid_page(auth, fx.class_id, "?sort=name"))) == ["Anna", "Bram", "Chris", "Daan"]
    assert list(body_rows(grid_page(auth, fx.class_id, "?sort=progress"))) == ["Anna", "Bram", "Daan", "Chris"]
    # Highest average first; students without any quiz last, by name.
    assert list(body_rows(grid_page(auth, fx.class_id, "?sort=score"))) == ["Anna", "Bram", "Chris", "Daan"]
    # Nonsense in the query string is the default view, not an error.
    assert list(body_rows(grid_page(auth, fx.class_id, "?sort=%3Cscript%3E"))) == ["Anna", "Bram", "Chris", "Daan"]


def test_the_achter_filter_shows_who_is_behind(app, auth, fixture_class):
    fx = fixture_class
    q2 = fx.quizzes[fx.lessons[1].quiz]
    anna_below = percentage(q2.max_score - q2.questions[0].points, q2.max_score) < q2.policy.pass_percentage
    # Median done 5.5: Chris (2) is more than two lessons behind; Bram's counting quiz 1 is 0%.
    expected = (["Anna"] if anna_below else []) + ["Bram", "Chris"]
    page = grid_page(auth, fx.class_id, "?achter=y")
    assert list(body_rows(page)) == expected
    assert f"{len(expected)} van de 4 studenten lopen achter" in text_of(page)
    # Daan (5 done, no quiz) is not behind; the full grid marks the others.
    full = body_rows(grid_page(auth, fx.class_id))
    assert "achter" in full["Bram"][0] and "achter" not in full["Daan"][0]


def test_a_second_attempt_counts_by_the_quiz_policy(app, auth, fixture_class):
    fx = fixture_class
    q1 = fx.quizzes[fx.lessons[0].quiz]
    take(app, fx.ids["bram"], q1.slug, all_but_first(q1))
    # The first attempt scored 0%: "best" and "last" both pick the second one.
    assert q1.policy.counts in ("best", "last")
    second = percentage(q1.max_score - q1.questions[0].points, q1.max_score)
    with app.app_context():
        bram = next(r for r in load_grid(fx.class_id, catalog()).rows if r.name == "Bram")
    assert bram.cells[0].quiz.percentage == second
    assert bram.cells[0].quiz.attempts_used == 2
    assert f"{q1.max_score - q1.questions[0].points} van {q1.max_score}, 2 pogingen" in body_rows(
        grid_page(auth, fx.class_id))["Bram"][1]


def test_student_page_shows_progress_attempts_and_feedback_history(app, auth, fixture_class):
    fx = fixture_class
    auth.login("docent")
    response = auth.client.get(f"/teacher/gradebook/{fx.class_id}/students/{fx.ids['anna']}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    text = text_of(page)
    assert "Lessen gelezen 6 van 12" in text
    # Both attempts listed, each linking to its review.
    for token in ("anna-1", "anna-2"):
        assert f"/teacher/gradebook/{fx.class_id}/attempts/{fx.tokens[token]}" in page
    # The whole feedback history of assignment 1: both versions, both reviews, newest first.
    assert text.index("Versie 2") < text.index("Versie 1")
    assert "feedback 1.1" in text and "feedback 2.1" in text
    assert "Moet beter" in text and "Goedgekeurd" in text


def test_student_of_another_class_is_not_found(app, auth, fixture_class):
    fx = fixture_class
    other = auth.make_user("eva")
    auth.login("docent")
    assert auth.client.get(f"/teacher/gradebook/{fx.class_id}/students/{other}").status_code == 404


# -- item analysis and misconceptions -------------------------------------------------------------


def test_item_analysis_with_few_attempts_says_so(app, auth, fixture_class):
    fx = fixture_class
    q1 = fx.quizzes[fx.lessons[0].quiz]
    auth.login("docent")
    text = text_of(auth.client.get(f"/teacher/gradebook/{fx.class_id}/quizzes/{q1.slug}").get_data(as_text=True))
    assert "2 studenten hebben deze quiz gemaakt" in text
    assert "Minder dan 10 pogingen" in text
    assert "te weinig pogingen" in text


def test_item_analysis_marks_a_question_everyone_got_right_as_undefined(app, auth):
    auth.make_user("docent", "teacher")
    class_id, _ = auth.make_class("docent")
    with app.app_context():
        quiz = catalog().quizzes[next(iter(catalog().lessons.values())).quiz]
    first, second = quiz.questions[0], quiz.questions[1]
    for n in range(10):
        name = f"student{n}"
        user_id = auth.make_user(name)
        auth.enrol(name, class_id)
        answers = right_answers(quiz)
        if n % 2:  # half the class leaves everything but the first question blank
            answers = {first.id: answers[first.id]}
        take(app, user_id, quiz.slug, answers)
    auth.login("docent")
    page = auth.client.get(f"/teacher/gradebook/{class_id}/quizzes/{quiz.slug}").get_data(as_text=True)
    rows, _ = table_rows(page, "item-table")
    by_question = {row[0]: row for row in rows[1:]}
    assert by_question["Vraag 1"][3:] == ["1,00", "niet te bepalen"]
    assert by_question["Vraag 2"][3] == "0,50"
    # Everyone who got the rest right also got question 2 right: a perfect positive correlation.
    assert by_question["Vraag 2"][4] == "1,00"
    assert second.id  # the second question is analysed like any other
    assert "Minder dan 10 pogingen" not in text_of(page)


def test_most_chosen_wrong_option_shows_the_misconception_as_a_sentence_and_feedback(app, auth, fixture_class):
    fx = fixture_class
    with app.app_context():
        content = catalog()
        quiz = content.quizzes[fx.lessons[0].quiz]
        explanations = content.misconceptions
    question = next(q for q in quiz.questions if q.kind == "single")
    wrong = next(o for o in question.options if not o.correct and o.misconception)
    answers = right_answers(quiz)
    answers[question.id] = wrong.id
    take(app, fx.ids["chris"], quiz.slug, answers)
    auth.login("docent")
    page = auth.client.get(f"/teacher/gradebook/{fx.class_id}/quizzes/{quiz.slug}").get_data(as_text=True)
    section = text_of(page.split('id="fout-kop"', 1)[1].split("</section>", 1)[0])
    assert " ".join(wrong.text.split()) in section
    # The teacher reads the sentence, not the internal tag.
    assert explanations[wrong.misconception] in section and wrong.misconception not in section
    assert " ".join(wrong.feedback.split()) in section

    misconceptions = text_of(auth.client.get(f"/teacher/gradebook/{fx.class_id}/denkfouten").get_data(as_text=True))
    # Three students took this quiz (Anna, Bram, Chris); only Chris chose this tag, so 1 of 3 at most
    # (Bram's blank attempt chose nothing).
    assert explanations[wrong.misconception] in misconceptions
    assert re.search(rf"{re.escape(explanations[wrong.misconception])} 1 van 3 33%", misconceptions)
    assert wrong.misconception not in misconceptions
    # Three students are too few to act on, and the page says so in words.
    assert re.search(r"1 van 3 33% te weinig studenten om op te bouwen", misconceptions)


# -- access ---------------------------------------------------------------------------------------


def urls(fx) -> list[str]:
    base = f"/teacher/gradebook/{fx.class_id}"
    quiz = fx.lessons[0].quiz
    return [
        base,
        f"{base}?sort=score&achter=y",
        f"{base}/cijfers.csv",
        f"{base}/cijfers.xlsx",
        f"{base}/students/{fx.ids['anna']}",
        f"{base}/attempts/{fx.tokens['anna-1']}",
        f"{base}/quizzes/{quiz}",
        f"{base}/quizzes/{quiz}/itemanalyse.csv",
        f"{base}/quizzes/{quiz}/itemanalyse.xlsx",
        f"{base}/denkfouten",
    ]


def test_students_get_403_everywhere(app, auth, fixture_class):
    auth.login("anna")
    for url in urls(fixture_class):
        assert auth.client.get(url).status_code == 403, url


def test_another_teacher_gets_404_everywhere(app, auth, fixture_class):
    auth.make_user("collega", "teacher")
    auth.login("collega")
    for url in urls(fixture_class):
        assert auth.client.get(url).status_code == 404, url


@pytest.mark.parametrize("role", ["co-teacher", "admin"])
def test_co_teachers_and_admins_get_in(app, auth, fixture_class, role):
    if role == "admin":
        auth.make_user("beheer", "admin")
        auth.login("beheer")
    else:
        add_co_teacher(app, auth, "mede", fixture_class.class_id)
        auth.login("mede")
    for url in urls(fixture_class):
        assert auth.client.get(url).status_code == 200, url


def test_anonymous_visitors_are_sent_to_login(app, client, fixture_class):
    response = client.get(f"/teacher/gradebook/{fixture_class.class_id}")
    assert response.status_code == 302 and "/login" in response.location


def test_an_attempt_of_a_student_outside_the_class_is_not_found(app, auth, fixture_class):
    fx = fixture_class
    outsider = auth.make_user("olaf")
    quiz = fx.quizzes[fx.lessons[0].quiz]
    token = take(app, outsider, quiz.slug, {})
    auth.login("docent")
    assert auth.client.get(f"/teacher/gradebook/{fx.class_id}/attempts/{token}").status_code == 404
    assert auth.client.get(f"/teacher/gradebook/{fx.class_id}/quizzes/geen-quiz").status_code == 404


def test_the_class_page_links_to_the_gradebook(app, auth, fixture_class):
    auth.login("docent")
    page = auth.client.get(f"/teacher/classes/{fixture_class.class_id}").get_data(as_text=True)
    assert f'href="/teacher/gradebook/{fixture_class.class_id}"' in page


# -- scale ----------------------------------------------------------------------------------------


def count_grid_queries(app, auth, class_id: int) -> tuple[int, str]:
    return page_with_query_count(app, auth.client, f"/teacher/gradebook/{class_id}")


def test_the_grid_costs_the_same_queries_for_30_and_300_students(app, auth):
    teacher = auth.make_user("docent", "teacher")
    small = bulk_class(app, teacher, 30, "Klein")
    large = bulk_class(app, teacher, 300, "Groot")
    auth.login("docent")
    auth.client.get(f"/teacher/gradebook/{small}")  # warm up: nothing lazily loaded on the first request only
    small_count, small_page = count_grid_queries(app, auth, small)
    large_count, large_page = count_grid_queries(app, auth, large)
    assert len(body_rows(small_page)) == 30 and len(body_rows(large_page)) == 300
    assert "goedgekeurd" in large_page and "100%" in large_page  # the cells were really filled
    assert small_count == large_count
    assert small_count <= 10  # login, class, students, lessons done, drafts, submissions, standings
