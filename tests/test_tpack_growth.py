"""The TPACK scan over time: the private growth goal, the look-back on a retake, and the break
when the questionnaire changes."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select

from course.core.content_store import catalog
from course.core.extensions import db
from course.models import TpackAnswer, TpackScan, utcnow

from .conftest import Auth
from .test_tpack import INDEX, complete_scan, form_data, instrument, pattern_answers, start_scan
from .test_trainer import as_user, csv_rows, give_scan, join, make_cohort, member_answers

GOAL = "Ik wil een videopitch-opdracht geven zonder dat iemand zijn account toont (doel-7Q)"
LOOK_BACK = "Als je terugkijkt: hoe goed kon je dit bij je eerste scan echt?"


def finish_with(auth: Auth, data: dict[str, str]) -> str:
    url = start_scan(auth)
    response = auth.post(url, data, token_from=url)
    assert response.status_code == 302 and response.location.endswith("/result")
    return response.location


def test_growth_goal_is_private_to_its_owner_and_goes_with_the_scan(app, auth, client):
    auth.make_user("coach", "trainer", name="Carla Coach")
    auth.make_user("beheer", "admin")
    auth.login("coach")
    cohort_id, code = make_cohort(auth)
    teacher_id = auth.make_user("devries", "teacher", name="Anna de Vries")
    join(app, "devries", code)
    owner = as_user(app, "devries")
    result = finish_with(owner, {**form_data(pattern_answers(app), "finish"), "growth_goal": GOAL})
    assert GOAL in owner.client.get(result).get_data(as_text=True)
    assert GOAL in owner.client.get("/account/data/").get_data(as_text=True)
    exported = json.loads(owner.client.get("/account/data/download.json").get_data(as_text=True))
    assert [s["growth_goal"] for s in exported["tpack_scans"]] == [GOAL]

    for k in range(5):  # enough colleagues for the group figures to show
        uid = auth.make_user(f"docent{k}", "teacher")
        join(app, f"docent{k}", code)
        give_scan(app, uid, member_answers(app, k))
    staff_pages = {
        "coach": [f"/trainer/cohorts/{cohort_id}", f"/trainer/cohorts/{cohort_id}/tpack.csv", "/trainer/"],
        "beheer": [
            f"/trainer/cohorts/{cohort_id}",
            f"/trainer/cohorts/{cohort_id}/tpack.csv",
            "/admin/users",
            f"/admin/users/{teacher_id}",
            "/admin/audit",
            "/admin/privacy/",
        ],
    }
    for username, pages in staff_pages.items():
        viewer = as_user(app, username)
        assert viewer.client.get(result).status_code in (403, 404)  # not theirs, or not a teacher at all
        for page in pages:
            response = viewer.client.get(page)
            assert response.status_code == 200, page
            assert "doel-7Q" not in response.get_data(as_text=True), page
    assert "te weinig deelnemers" not in as_user(app, "coach").client.get(
        f"/trainer/cohorts/{cohort_id}/tpack.csv"
    ).get_data(as_text=True)  # the figures were there to leak into

    owner.post(result.replace("/result", "/delete"), {}, token_from=result)
    with app.app_context():
        assert db.session.scalar(select(TpackScan).where(TpackScan.growth_goal.is_not(None))) is None
    assert "doel-7Q" not in owner.client.get("/account/data/download.json").get_data(as_text=True)


def test_a_too_long_growth_goal_is_refused_and_nothing_is_lost(app, auth, client):
    auth.make_user("devries", "teacher")
    auth.login("devries")
    url = start_scan(auth)
    answers = pattern_answers(app)
    response = auth.post(url, {**form_data(answers, "finish"), "growth_goal": "x" * 301}, token_from=url)
    assert response.status_code == 200
    assert "Houd je groeidoel kort: hoogstens 300 tekens." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(TpackScan)).completed_at is None


def test_retake_asks_to_look_back_and_explains_response_shift(app, auth, client):
    auth.make_user("devries", "teacher")
    auth.login("devries")
    first_scan = client.get(start_scan(auth)).get_data(as_text=True)
    assert LOOK_BACK not in first_scan and "response shift" not in first_scan
    high = {sid: 4 for sid in instrument(app).statement_ids}
    first = complete_scan(auth, high)
    assert "Terugblik op je eerste scan" not in client.get(first).get_data(as_text=True)

    retake = start_scan(auth)
    page = client.get(retake).get_data(as_text=True)
    assert LOOK_BACK in page and "response shift" in page
    assert "Na scholing scoren mensen zichzelf vaak lager dan ervoor" in page
    tk = instrument(app).domains[0]
    lower = {sid: 3 for sid in instrument(app).statement_ids}
    data = {**form_data(lower, "finish"), "terug_tk": "2"}
    response = auth.post(retake, data, token_from=retake)
    result = client.get(response.location).get_data(as_text=True)
    assert "Terugblik op je eerste scan" in result and "response shift" in result
    table = result[result.index('id="terugblik-tabel"') :]
    row = table[table.index(f"{tk.name} ({tk.id})") : table.index("</tr>", table.index(tk.name))]
    assert row.index("4,00") < row.index("2 (met hulp)") < row.index("3,00")
    with app.app_context():
        stored = db.session.scalar(select(TpackAnswer.value).where(TpackAnswer.statement_id == "lookback:TK"))
    assert stored == 2


def test_scans_of_an_earlier_questionnaire_are_kept_apart(app, auth, client):
    teacher_id = auth.make_user("devries", "teacher")
    auth.login("devries")
    with app.app_context():  # a scan from before the new questionnaire, on the old 1-5 agreement scale
        old = TpackScan(
            teacher_id=teacher_id,
            instrument_version="3f1c0a9b7d2e4c61",
            started_at=utcnow() - timedelta(days=90),
            completed_at=utcnow() - timedelta(days=90),
        )
        old.answers = [TpackAnswer(statement_id=sid, value=5) for sid in catalog().tpack.statement_ids]
        db.session.add(old)
        db.session.commit()
        old_id, since = old.id, catalog().tpack.since
    complete_scan(auth, pattern_answers(app))
    complete_scan(auth, pattern_answers(app, shift=1))
    history = client.get("/teacher/tpack/history").get_data(as_text=True)
    assert f"Nieuwe vragenlijst vanaf {since.day} dec {since.year}" in history
    assert history.count("<polygon") == 2  # the two new scans only
    assert "Scan 1," not in history.split('id="breuk-kop"')[1].split("</section>")[1]  # old scan not in the table
    assert "Verschil tussen je eerste en je laatste scan" in history  # between the two new ones
    old_result = client.get(f"/teacher/tpack/scan/{old_id}/result").get_data(as_text=True)
    assert "Gedaan met de oude vragenlijst" in old_result and "<polygon" not in old_result
    assert "5,00" not in old_result
    assert "oude vragenlijst" in client.get(INDEX).get_data(as_text=True)


def test_group_figures_count_only_scans_of_the_current_questionnaire_min_group(app, auth, client):
    auth.make_user("coach", "trainer")
    auth.login("coach")
    cohort_id, code = make_cohort(auth)
    for k in range(5):
        uid = auth.make_user(f"docent{k}", "teacher")
        join(app, f"docent{k}", code)
        give_scan(app, uid, member_answers(app, k))
        if k == 0:
            with app.app_context():  # someone else's scan is from the old questionnaire
                db.session.execute(
                    TpackScan.__table__.update()
                    .where(TpackScan.teacher_id == uid)
                    .values(instrument_version="3f1c0a9b7d2e4c61")
                )
                db.session.commit()
    rows = csv_rows(client.get(f"/trainer/cohorts/{cohort_id}/tpack.csv"))
    assert rows[-1][2:] == ["te weinig deelnemers", "te weinig deelnemers"]  # four current scans: too few
