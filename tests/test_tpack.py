"""The TPACK self-assessment through its real pages: saving halfway, finishing, retaking,
and nobody but the teacher seeing the result."""

from __future__ import annotations

import json
import re
import threading
import time
from statistics import mean

import pytest
from sqlalchemy import select

from course.core.content_store import catalog, markdown_html
from course.core.extensions import db
from course.models import TpackAnswer, TpackScan
from course.teacher_track.tpack_profile import format_change, format_mean

from .conftest import Auth

START = "/teacher/tpack/start"
INDEX = "/teacher/tpack/"


def instrument(app):
    with app.app_context():
        return catalog().tpack


def pattern_answers(app, shift: int = 0) -> dict[str, int]:
    """An answer for every statement: 1..4 in turn, so each domain has its own mean."""
    ids = instrument(app).statement_ids
    return {sid: 1 + (index + shift) % 4 for index, sid in enumerate(ids)}


def form_data(answers: dict[str, int], button: str) -> dict[str, str]:
    data = {f"a_{sid}": str(value) for sid, value in answers.items()}
    data[button] = "1"
    return data


def start_scan(auth: Auth) -> str:
    response = auth.post(START, token_from=INDEX)
    assert response.status_code == 302
    return response.location


def complete_scan(auth: Auth, answers: dict[str, int]) -> str:
    url = start_scan(auth)
    response = auth.post(url, form_data(answers, "finish"), token_from=url)
    assert response.status_code == 302 and response.location.endswith("/result")
    return response.location


def expected_means(app, answers: dict[str, int]) -> dict[str, float]:
    return {d.id: mean(answers[s.id] for s in d.statements) for d in instrument(app).domains}


def checked_values(html: str) -> dict[str, str]:
    found = {}
    for tag in re.findall(r"<input[^>]*type=\"radio\"[^>]*>", html):
        if " checked" in tag:
            found[re.search(r'name="a_([^"]+)"', tag).group(1)] = re.search(r'value="(\d)"', tag).group(1)
    return found


@pytest.fixture
def teacher(auth: Auth) -> int:
    user_id = auth.make_user("devries", "teacher", name="Anna de Vries")
    auth.login("devries")
    return user_id


def test_save_halfway_then_finish(app, auth, client, teacher):
    answers = pattern_answers(app)
    ids = list(answers)
    first_half = {sid: answers[sid] for sid in ids[: len(ids) // 2]}
    url = start_scan(auth)

    response = auth.post(url, form_data(first_half, "save"), token_from=url)
    assert response.status_code == 302
    with app.app_context():
        scan = db.session.scalar(select(TpackScan))
        assert scan.completed_at is None
        assert db.session.query(TpackAnswer).count() == len(first_half)
    index = client.get(INDEX).get_data(as_text=True)
    assert f"Je hebt {len(first_half)} van de {len(ids)} stellingen beantwoord" in index

    # Coming back: the first half is still filled in; a second start does not begin a new scan.
    assert start_scan(auth) == url
    assert checked_values(client.get(url).get_data(as_text=True)) == {k: str(v) for k, v in first_half.items()}

    rest = {sid: answers[sid] for sid in ids[len(ids) // 2 :]}
    response = auth.post(url, form_data(rest, "finish"), token_from=url)
    assert response.status_code == 302
    result = client.get(response.location).get_data(as_text=True)
    for domain_id, value in expected_means(app, answers).items():
        assert format_mean(value) in result, domain_id
    assert result.count("<polygon") == 1
    assert "Geen andere docent, geen trainer en geen beheerder" in result
    assert "niet om je te beoordelen" in result
    with app.app_context():
        assert db.session.scalar(select(TpackScan)).completed_at is not None


def test_result_gives_advice_only_for_low_statements_a_handful_at_a_time(app, auth, client, teacher):
    tpack = instrument(app)
    answers = {sid: 3 for sid in tpack.statement_ids}
    tk, ck, combined = tpack.domains[0].statements, tpack.domains[1].statements, tpack.domains[6].statements
    answers[combined[0].id] = 1  # "kan ik nog niet": first, though its domain comes last
    answers[tk[0].id] = answers[tk[1].id] = answers[tk[3].id] = answers[ck[0].id] = answers[ck[1].id] = 2
    answers[tk[2].id] = 4
    result = client.get(complete_scan(auth, answers)).get_data(as_text=True)
    with app.test_request_context():
        shown = {s.id for s in (*combined, *tk, *ck) if markdown_html(s.advice) in result}
    # five at most: the "kan ik nog niet" one, then "met hulp" one statement per domain in turn
    assert shown == {combined[0].id, tk[0].id, ck[0].id, tk[1].id, ck[1].id}
    assert "Er is nog 1 andere stelling met zo’n antwoord" in result  # tk[3]
    assert markdown_html_of(app, tk[2].advice) not in result  # answered high: no advice
    assert result.index(f">{tpack.domains[0].name}</h3>") < result.index(f">{tpack.domains[6].name}</h3>")
    # Advice links to trainer material become the app's own session pages.
    assert "trainer/" in combined[0].advice and 'href="/trainer/sessions/' in advice_section(result)


def markdown_html_of(app, text: str) -> str:
    with app.test_request_context():
        return markdown_html(text)


def advice_section(html: str) -> str:
    return html[html.index('id="advies-kop"') : html.index('id="verwijderen-kop"')]


def test_the_level_is_the_answer_given_with_its_basis_stated(app, auth, client, teacher):
    # Under the old agreement scale "Neutraal" throughout gave "Groeiend"; now "met hulp"
    # throughout is "Met hulp" in every domain, and the page says how a level is found.
    tpack = instrument(app)
    result = client.get(complete_scan(auth, {sid: 2 for sid in tpack.statement_ids})).get_data(as_text=True)
    table = result[result.index('id="uitslag-tabel"') : result.index("</table>", result.index('id="uitslag-tabel"'))]
    assert table.count("<td>Met hulp</td>") == len(tpack.domains)
    assert "Groeiend" not in result and "Neutraal" not in result
    assert "het punt van de schaal dat het dichtst bij dat gemiddelde ligt" in result
    assert "precies tussen twee punten, dan kiezen we het lagere" in result


def test_not_applicable_is_left_out_of_the_means(app, auth, client, teacher):
    tpack = instrument(app)
    answers = {sid: 4 for sid in tpack.statement_ids}
    first, second = tpack.domains[0], tpack.domains[1]
    answers[first.statements[0].id] = 0  # n.v.t. next to 4s: the mean stays 4,00
    for statement in second.statements:  # n.v.t. throughout: no mean and no level
        answers[statement.id] = 0
    result = client.get(complete_scan(auth, answers)).get_data(as_text=True)
    rows = re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</th>\s*<td class=\"number\">(.*?)</td>\s*<td>(.*?)</td>", result)
    by_name = {name: (mean_shown, level) for name, mean_shown, level in rows}
    assert by_name[f"{first.name} ({first.id})"] == ("4,00", "Kan het een collega leren")
    assert by_name[f"{second.name} ({second.id})"] == ("–", "Geen niveau: niets op de schaal beantwoord")


def test_finishing_with_a_missing_answer_keeps_the_others(app, auth, client, teacher):
    answers = pattern_answers(app)
    missing = list(answers)[7]
    del answers[missing]
    url = start_scan(auth)
    response = auth.post(url, form_data(answers, "finish"), token_from=url)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    number = instrument(app).statement_ids.index(missing) + 1
    assert f"Stelling {number}: Kies een antwoord bij deze stelling." in html
    assert f'id="a_{missing}-error"' in html
    assert checked_values(html) == {k: str(v) for k, v in answers.items()}
    with app.app_context():
        assert db.session.scalar(select(TpackScan)).completed_at is None
        assert db.session.query(TpackAnswer).count() == len(answers)  # kept, not lost


def test_a_value_off_the_scale_is_refused(app, auth, teacher):
    url = start_scan(auth)
    first = instrument(app).statement_ids[0]
    html = auth.post(url, {f"a_{first}": "9", "save": "1"}, token_from=url).get_data(as_text=True)
    assert "Kies een van de antwoorden die er staan." in html
    with app.app_context():
        assert db.session.query(TpackAnswer).count() == 0


def test_finishing_twice_stores_once(app, auth, teacher):
    answers = pattern_answers(app)
    url = start_scan(auth)
    first = auth.post(url, form_data(answers, "finish"), token_from=url)
    second = auth.post(url, form_data(pattern_answers(app, shift=2), "finish"), token_from=INDEX)
    assert second.status_code == 302 and second.location == first.location
    with app.app_context():
        assert db.session.query(TpackScan).count() == 1
        stored = dict(db.session.execute(select(TpackAnswer.statement_id, TpackAnswer.value)).tuples().all())
    assert stored == answers


def test_a_second_finish_that_read_the_scan_while_it_was_open_changes_nothing(app, auth, teacher):
    """Two "Afronden" clicks at the same moment can both find the scan open. The one that stores
    second reaches the storing after the first completed the scan: it must leave the completed scan
    (its answers, and its moment, which cohort figures read) as it was."""
    from course.teacher_track import scans

    answers = pattern_answers(app)
    complete_scan(auth, answers)
    with app.app_context():
        tpack = instrument(app)
        scan = db.session.scalar(select(TpackScan))
        completed = scan.completed_at
        assert not scans.save_answers(scan, tpack, pattern_answers(app, shift=2))
        scans.complete_scan(db.session.get(TpackScan, scan.id), tpack)
        db.session.remove()
        stored = dict(db.session.execute(select(TpackAnswer.statement_id, TpackAnswer.value)).tuples().all())
        assert stored == answers
        assert db.session.scalar(select(TpackScan.completed_at)) == completed


def test_two_finishes_at_the_same_moment_complete_once_with_the_first_clicks_answers(app, auth, teacher):
    """The first click saves and completes in one transaction; a second click that arrives between
    the two waits for it, then finds the scan completed and stores nothing."""
    from course.teacher_track import scans

    first, second = pattern_answers(app), pattern_answers(app, shift=2)
    start_scan(auth)
    tpack = instrument(app)
    with app.app_context():
        scan_id = db.session.scalar(select(TpackScan.id))
    saved_first = threading.Event()
    outcome: dict[str, object] = {}

    def first_click() -> None:
        with app.app_context():
            scans.save_answers(db.session.get(TpackScan, scan_id), tpack, first, commit=False)
            saved_first.set()
            time.sleep(0.5)  # the second click arrives now
            scans.complete_scan(db.session.get(TpackScan, scan_id), tpack)
            db.session.remove()

    def second_click() -> None:
        assert saved_first.wait(10)
        with app.app_context():
            outcome["stored"] = scans.save_answers(db.session.get(TpackScan, scan_id), tpack, second)
            db.session.remove()

    clicks = [threading.Thread(target=first_click), threading.Thread(target=second_click)]
    for click in clicks:
        click.start()
    for click in clicks:
        click.join(30)
    assert outcome == {"stored": False}
    with app.app_context():
        stored = dict(db.session.execute(select(TpackAnswer.statement_id, TpackAnswer.value)).tuples().all())
        assert stored == first
        assert db.session.scalar(select(TpackScan.completed_at)) is not None


def test_retake_creates_a_new_scan_and_history_shows_the_change(app, auth, client, teacher):
    before, after = pattern_answers(app), pattern_answers(app, shift=2)
    first = complete_scan(auth, before)
    second = complete_scan(auth, after)
    assert first != second
    history = client.get("/teacher/tpack/history").get_data(as_text=True)
    assert history.count("<polygon") == 2
    old, new = expected_means(app, before), expected_means(app, after)
    for domain_id in old:
        assert format_change(new[domain_id] - old[domain_id]) in history
    assert "Verschil tussen je eerste en je laatste scan" in history


def test_another_teacher_cannot_see_or_change_a_scan(app, auth, client, teacher):
    result = complete_scan(auth, pattern_answers(app))
    open_url = start_scan(auth)
    auth.make_user("bakker", "teacher")
    auth.make_user("trainer", "trainer", "teacher")
    auth.make_user("beheer", "admin", "teacher")
    for username in ("bakker", "trainer", "beheer"):
        other = Auth(app, app.test_client())
        other.login(username)
        assert other.client.get(result).status_code == 404
        assert other.client.get(open_url).status_code == 404
        response = other.post(open_url, form_data(pattern_answers(app), "finish"), token_from=INDEX)
        assert response.status_code == 404
        history = other.client.get("/teacher/tpack/history").get_data(as_text=True)
        assert "<polygon" not in history
    with app.app_context():
        assert db.session.query(TpackScan).filter(TpackScan.completed_at.is_not(None)).count() == 1


@pytest.mark.parametrize("roles", [("student",), ("admin",)])
def test_only_teachers_and_trainers_take_the_scan(auth, client, roles):
    auth.make_user("iemand", *roles)
    auth.login("iemand")
    assert client.get(INDEX).status_code == 403


def test_a_trainer_without_teacher_role_can_take_the_scan(app, auth, client):
    auth.make_user("coach", "trainer")
    auth.login("coach")
    page = client.get(INDEX).get_data(as_text=True)
    assert "TPACK-scan" in page
    client.get(complete_scan(auth, pattern_answers(app)))
    assert 'href="/teacher/tpack/"' in client.get("/staff").get_data(as_text=True)


def test_course_check_counts_the_teacher_track(runner):
    result = runner.invoke(args=["course", "check", "--json"])
    counts = json.loads(result.output)
    assert counts["tpack_items"] >= 28
    assert counts["trainer_sessions"] >= 4
