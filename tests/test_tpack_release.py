"""No viewer can work out one teacher's TPACK means or change by subtracting figures they can see:
between two cohorts (10 x Nu2 - 9 x Nu1) or between Begin and Nu (5 x (Nu - Begin)), as a
trainer and as an admin who sees every cohort."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from course.core.content_store import catalog
from course.core.extensions import db
from course.models import Cohort, TpackAnswer, TpackScan, User, utcnow

from .conftest import Auth
from .test_trainer import JOIN, as_user, figures, give_scan, join, make_cohort, member_answers, profile

TOO_FEW = "te weinig deelnemers"


def shown(client, cohort_id: int) -> tuple[dict[str, float] | None, dict[str, float] | None, int, int]:
    """Begin and Nu means as numbers (None when withheld) and how many people each counts."""
    table = figures(client, cohort_id)
    counts = table.pop("deelnemers")
    columns = []
    for index in (0, 1):
        cells = {domain: row[index] for domain, row in table.items()}
        columns.append(None if TOO_FEW in cells.values() else {d: float(v.replace(",", ".")) for d, v in cells.items()})
    return columns[0], columns[1], *(0 if c == TOO_FEW else int(c) for c in counts)


def recovers(worked_out: dict[str, float], target: dict[str, float]) -> bool:
    """Within the rounding of two shown means (two decimals, times at most ten)."""
    return all(abs(worked_out[d] - target[d]) < 0.11 for d in target)


def code_of(app, cohort_id: int) -> str:
    with app.app_context():
        return db.session.get(Cohort, cohort_id).invite_code


def user_id(app, username: str) -> int:
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.username == username))


EXTREME = 4  # the newcomer answers the top of the scale everywhere: no group mean of the others comes close by chance


@pytest.fixture
def coach(auth: Auth) -> Auth:
    auth.make_user("coach", "trainer", name="Carla Coach")
    auth.login("coach")
    return auth


def scan_at(app, uid: int, answers: dict[str, int], moment: datetime) -> None:
    with app.app_context():
        scan = TpackScan(teacher_id=uid, instrument_version=catalog().tpack.version, started_at=moment,
                         completed_at=moment)
        db.session.add(scan)
        db.session.flush()
        db.session.add_all(TpackAnswer(scan_id=scan.id, statement_id=sid, value=v) for sid, v in answers.items())
        db.session.commit()


def nine_colleagues(app, auth: Auth, code: str) -> None:
    moment = utcnow() + timedelta(minutes=1)
    for k in range(9):
        uid = auth.make_user(f"docent{k}", "teacher")
        join(app, f"docent{k}", code)
        scan_at(app, uid, member_answers(app, k), moment)  # all at one moment: the figures show nine


def newcomer(app, auth: Auth, codes: list[str]) -> dict[str, float]:
    uid = auth.make_user("nieuwkomer", "teacher")
    for code in codes:
        join(app, "nieuwkomer", code)
    with app.app_context():
        answers = {sid: EXTREME for sid in catalog().tpack.statement_ids}
    give_scan(app, uid, answers, minutes_from_now=5)
    return profile(app, answers)


def assert_cohort_difference_hides(client, first: int, second: int, target: dict[str, float]) -> None:
    _, now_1, _, n_1 = shown(client, first)
    _, now_2, _, n_2 = shown(client, second)
    assert now_1 is not None  # the first cohort's figures are there to attack
    if now_2 is None:
        return  # withheld: nothing to subtract
    worked_out = {d: 10 * now_2[d] - 9 * now_1[d] for d in target}
    assert not recovers(worked_out, target)
    assert n_2 - n_1 != 1 or now_2 == now_1  # never one person between two shown sets


def test_leak_second_cohort_with_one_newcomer_hides_the_newcomer_from_the_trainer(app, coach, client):
    first, code_1 = make_cohort(coach, "Team Economie")
    nine_colleagues(app, coach, code_1)
    assert shown(client, first)[3] == 9  # the trainer has noted these figures
    second, code_2 = make_cohort(coach, "Team Economie, tweede ronde")
    for k in range(9):
        join(app, f"docent{k}", code_2)
    target = newcomer(app, coach, [code_2])
    assert_cohort_difference_hides(client, first, second, target)


def test_leak_cohorts_of_two_trainers_hide_the_newcomer_from_the_admin(app, auth, client):
    auth.make_user("coach", "trainer")
    auth.make_user("coach2", "trainer")
    auth.make_user("beheer", "admin")
    first, code_1 = make_cohort(as_user(app, "coach"), "Groep A")
    second, code_2 = make_cohort(as_user(app, "coach2"), "Groep B")
    moment = utcnow() + timedelta(minutes=1)
    for k in range(9):
        uid = auth.make_user(f"docent{k}", "teacher")
        join(app, f"docent{k}", code_1)
        join(app, f"docent{k}", code_2)
        scan_at(app, uid, member_answers(app, k), moment)
    target = newcomer(app, auth, [code_2])
    second_trainer = as_user(app, "coach2")
    assert shown(second_trainer.client, second)[3] in (9, 10)  # a trainer who sees one cohort sees figures
    auth.login("beheer")
    assert_cohort_difference_hides(client, first, second, target)


def begin_and_now_attack(app, auth: Auth, code: str) -> dict[str, float]:
    """One member scans twice before the group reaches five; four colleagues then scan once."""
    first_scan, second_scan = member_answers(app, 1), {sid: EXTREME for sid in member_answers(app, 1)}
    uid = auth.make_user("vroeg", "teacher")
    join(app, "vroeg", code)
    give_scan(app, uid, first_scan, minutes_from_now=1)
    give_scan(app, uid, second_scan, minutes_from_now=2)
    for k in range(4):
        other = auth.make_user(f"docent{k}", "teacher")
        join(app, f"docent{k}", code)
        give_scan(app, other, member_answers(app, k + 2), minutes_from_now=3 + k)
    before, after = profile(app, first_scan), profile(app, second_scan)
    return {d: after[d] - before[d] for d in before}


def assert_begin_and_now_hide(client, cohort_id: int, change: dict[str, float]) -> None:
    begin, now, n_begin, n_now = shown(client, cohort_id)
    assert begin is not None and n_begin == 5  # Begin is there to attack
    if now is not None:
        worked_out = {d: 5 * (now[d] - begin[d]) for d in change}
        assert not recovers(worked_out, change)


def test_leak_begin_and_now_hide_one_members_change_from_the_trainer(app, coach, client):
    cohort_id, code = make_cohort(coach)
    change = begin_and_now_attack(app, coach, code)
    assert_begin_and_now_hide(client, cohort_id, change)


def test_leak_begin_and_now_hide_one_members_change_from_the_admin(app, auth, client):
    auth.make_user("coach", "trainer")
    auth.make_user("beheer", "admin")
    cohort_id, code = make_cohort(as_user(app, "coach"))
    change = begin_and_now_attack(app, auth, code)
    auth.login("beheer")
    assert_begin_and_now_hide(client, cohort_id, change)


def test_leak_now_moves_on_once_enough_people_differ_from_everything_shown(app, coach, client):
    """The rule withholds, but not for ever: five changed scans release Nu again."""
    cohort_id, code = make_cohort(coach)
    begin_and_now_attack(app, coach, code)
    assert shown(client, cohort_id)[1] is None
    for k in range(4):
        give_scan(app, user_id(app, f"docent{k}"), member_answers(app, k + 7), minutes_from_now=20 + k)
    begin, now, _, n_now = shown(client, cohort_id)
    assert now is not None and n_now == 5 and now != begin


def test_leak_trainer_sees_no_counter_of_who_scanned(app, coach, client):
    cohort_id, code = make_cohort(coach)
    begin_and_now_attack(app, coach, code)
    page = client.get(f"/trainer/cohorts/{cohort_id}").get_data(as_text=True)
    assert "nog niet meegeteld" not in page and "heeft een scan" not in page


@pytest.mark.parametrize("value", [4, 1, 0, "5", True])
def test_min_group_below_five_or_not_a_number_is_refused_at_start_up(tmp_path, backend, value):
    from course.core.config import ConfigError

    from .conftest import make_test_app

    with pytest.raises(ConfigError, match="TPACK_MIN_GROUP .* at least 5"):
        make_test_app(tmp_path, backend, TPACK_MIN_GROUP=value)


def test_min_group_in_force_is_stated_on_the_privacy_page(tmp_path, backend):
    from .conftest import make_test_app

    application = make_test_app(tmp_path, backend, TPACK_MIN_GROUP=7)
    html = application.test_client().get("/privacy").get_data(as_text=True)
    assert "een groep van minstens 7" in html and "minstens 5" not in html
    with application.app_context():
        db.engine.dispose()


# --- deletions: figures recomputed without someone must not be set against remembered ones -------


def six_with_one_leaving(app, auth: Auth, code: str) -> dict[str, float]:
    """Five colleagues and one member with extreme answers, all at one moment: the trainer sees six."""
    moment = utcnow() + timedelta(minutes=1)
    for k in range(5):
        uid = auth.make_user(f"docent{k}", "teacher")
        join(app, f"docent{k}", code)
        scan_at(app, uid, member_answers(app, k), moment)
    uid = auth.make_user("vertrekker", "teacher")
    join(app, "vertrekker", code)
    with app.app_context():
        answers = {sid: EXTREME for sid in catalog().tpack.statement_ids}
    scan_at(app, uid, answers, moment)
    return profile(app, answers)


def scan_ids_of(app, username: str) -> list[int]:
    with app.app_context():
        uid = db.session.scalar(select(User.id).where(User.username == username))
        return list(db.session.scalars(select(TpackScan.id).where(TpackScan.teacher_id == uid).order_by(TpackScan.id)))


def assert_deletion_hides(client, cohort_id: int, before: dict[str, float], target: dict[str, float]) -> None:
    """6 x before - 5 x after would be the one who left; after the deletion no figure allows it."""
    begin, now, _, _ = shown(client, cohort_id)
    for after in (begin, now):
        if after is not None:
            assert not recovers({d: 6 * before[d] - 5 * after[d] for d in target}, target)


def assert_figures_return_after_five_new_scans(app, client, cohort_id: int) -> None:
    """The restart withholds, but not for ever: five scans made after it are shown again."""
    for k in range(5):
        give_scan(app, user_id(app, f"docent{k}"), member_answers(app, k + 3), minutes_from_now=30 + k)
    begin, now, n_begin, n_now = shown(client, cohort_id)
    assert begin is not None and now is not None and n_begin == n_now == 5


def leave_by_scan_deletion(app, auth: Auth, cohort_id: int) -> None:
    member = as_user(app, "vertrekker")
    (scan_id,) = scan_ids_of(app, "vertrekker")
    assert member.post(f"/teacher/tpack/scan/{scan_id}/delete", token_from="/teacher/tpack/").status_code == 302


def leave_on_ones_own(app, auth: Auth, cohort_id: int) -> None:
    member = as_user(app, "vertrekker")
    assert member.post(f"/trainer/cohorts/{cohort_id}/leave", token_from=JOIN).status_code == 302


def removal_by_the_trainer(app, auth: Auth, cohort_id: int) -> None:
    url = f"/trainer/cohorts/{cohort_id}"
    assert auth.post(f"{url}/members/{user_id(app, 'vertrekker')}/remove", token_from=url).status_code == 302


@pytest.mark.parametrize(
    "deletion", [leave_by_scan_deletion, leave_on_ones_own, removal_by_the_trainer], ids=lambda f: f.__name__
)
def test_leak_figures_after_a_deletion_hide_who_left_from_the_trainer(app, coach, client, deletion):
    cohort_id, code = make_cohort(coach)
    target = six_with_one_leaving(app, coach, code)
    _, before, _, n_before = shown(client, cohort_id)
    assert before is not None and n_before == 6  # the trainer has noted these figures
    deletion(app, coach, cohort_id)
    assert_deletion_hides(client, cohort_id, before, target)
    assert_figures_return_after_five_new_scans(app, client, cohort_id)


def test_leak_figures_after_a_staff_deletion_hide_who_left_from_the_admin(app, auth, client):
    auth.make_user("coach", "trainer")
    auth.make_user("beheer", "admin")
    cohort_id, code = make_cohort(as_user(app, "coach"))
    target = six_with_one_leaving(app, auth, code)
    auth.login("beheer")
    _, before, _, n_before = shown(client, cohort_id)
    assert before is not None and n_before == 6
    url = f"/admin/users/{user_id(app, 'vertrekker')}/delete"
    assert auth.post(url, token_from=url).status_code == 302
    assert user_id(app, "vertrekker") is None
    assert_deletion_hides(client, cohort_id, before, target)
    assert_figures_return_after_five_new_scans(app, client, cohort_id)


def test_leak_deleting_a_second_scan_does_not_show_the_change_from_the_first(app, coach, client):
    """Nu would fall back to the member's first scan: 6 x (before - after) is their change."""
    cohort_id, code = make_cohort(coach)
    first = profile(app, member_answers(app, 9))
    # the member's first scan is from before joining; the second lands with the colleagues' scans
    give_scan(app, coach.make_user("vertrekker", "teacher"), member_answers(app, 9), minutes_from_now=-5)
    moment = utcnow() + timedelta(minutes=1)
    for k in range(5):
        uid = coach.make_user(f"docent{k}", "teacher")
        join(app, f"docent{k}", code)
        scan_at(app, uid, member_answers(app, k), moment)
    join(app, "vertrekker", code)
    with app.app_context():
        extreme = {sid: EXTREME for sid in catalog().tpack.statement_ids}
    scan_at(app, user_id(app, "vertrekker"), extreme, moment)
    change = {d: profile(app, extreme)[d] - first[d] for d in first}
    _, before, _, n_before = shown(client, cohort_id)
    assert before is not None and n_before == 6
    member = as_user(app, "vertrekker")
    latest = scan_ids_of(app, "vertrekker")[-1]
    assert member.post(f"/teacher/tpack/scan/{latest}/delete", token_from="/teacher/tpack/").status_code == 302
    _, after, _, _ = shown(client, cohort_id)
    if after is not None:
        assert not recovers({d: 6 * (before[d] - after[d]) for d in change}, change)


def test_leak_a_purged_cohort_does_not_release_a_set_one_person_away_from_it(app, coach, client):
    """Cohort B is cohort A without one person, so B stays withheld; once A is purged, B's
    figures set against A's remembered ones would give that person's means."""
    from course.privacy.personal_data import PurgePlan, purge

    first, code_1 = make_cohort(coach, "Groep A")
    target = six_with_one_leaving(app, coach, code_1)
    _, before, _, _ = shown(client, first)
    second, code_2 = make_cohort(coach, "Groep B")
    for k in range(5):
        join(app, f"docent{k}", code_2)
    assert shown(client, second)[1] is None  # one person away from what the trainer saw
    with app.app_context():
        purge(PurgePlan([], [], 0, cohorts=[db.session.get(Cohort, first)]), actor=None)
    assert_deletion_hides(client, second, before, target)


def test_leak_nothing_restarts_when_the_one_who_left_never_counted(app, coach, client):
    """Leaving without a completed scan changes no figure, so the figures stay."""
    cohort_id, code = make_cohort(coach)
    six_with_one_leaving(app, coach, code)
    coach.make_user("kijker", "teacher")
    join(app, "kijker", code)
    before = shown(client, cohort_id)
    assert as_user(app, "kijker").post(f"/trainer/cohorts/{cohort_id}/leave", token_from=JOIN).status_code == 302
    assert shown(client, cohort_id) == before


def test_leak_a_trainer_made_admin_sees_the_same_figures_as_before(app, auth, client):
    """An admin sees every cohort. Were figures released per viewer, a trainer's promotion would
    replay other trainers' cohorts into their history and could release a set one person away from
    one they noted as trainer. The release is the same for every viewer, so nothing moves."""
    auth.make_user("coach", "trainer")
    auth.make_user("collega-trainer", "trainer")
    other_cohort, other_code = make_cohort(as_user(app, "collega-trainer"), "Groep nul")
    moment = utcnow() + timedelta(minutes=1)
    for k, name in enumerate(("x1", "x2", "a1", "a2", "a3")):
        auth.make_user(name, "teacher")
        join(app, name, other_code)
        scan_at(app, user_id(app, name), member_answers(app, k), moment)
    coach = as_user(app, "coach")
    own_cohort, own_code = make_cohort(coach, "Groep een")
    for name in ("a1", "a2", "a3"):
        join(app, name, own_code)
    for k, name in enumerate(("y1", "y2")):
        auth.make_user(name, "teacher")
        join(app, name, own_code)
        scan_at(app, user_id(app, name), member_answers(app, 5 + k), moment + timedelta(minutes=1))
    auth.make_user("p", "teacher")
    join(app, "p", own_code)
    with app.app_context():
        extreme = {sid: EXTREME for sid in catalog().tpack.statement_ids}
    scan_at(app, user_id(app, "p"), extreme, moment + timedelta(minutes=2))
    as_trainer = shown(coach.client, own_cohort)
    with app.app_context():
        db.session.get(User, user_id(app, "coach")).is_admin = True
        db.session.commit()
    assert shown(coach.client, own_cohort) == as_trainer
    assert shown(coach.client, other_cohort)[1] is not None  # the admin does see the other cohort
