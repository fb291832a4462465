"""Train the trainer through its real pages: cohorts, joining by code, attendance, promotion,
aggregates that never reveal one person, and the reach of the cascade."""

from __future__ import annotations

import csv
import io
import re
import shutil
from datetime import timedelta
from statistics import mean

import pytest
from sqlalchemy import select

from course.accounts import rules as accounts
from course.content.catalog import load_catalog
from course.core.content_store import catalog
from course.core.extensions import db
from course.models import Attendance, AuditEvent, Cohort, CohortMember, TpackAnswer, TpackScan, User, utcnow
from course.teacher_track.tpack_profile import format_mean

from .conftest import ROOT, Auth

INDEX = "/trainer/"
JOIN = "/trainer/join"
MEAN = re.compile(r"\d,\d\d")  # how a mean is shown anywhere in the app


def means_shown(page: str) -> set[str]:
    """Every mean on the page, outside the chart's coordinates (its text alternative counts)."""
    text = re.sub(r'points="[^"]*"|<(?:circle|rect|line|path|text)[^>]*>', "", page)
    return set(MEAN.findall(text))


def as_user(app, username: str) -> Auth:
    other = Auth(app, app.test_client())
    other.login(username)
    return other


def make_cohort(auth: Auth, name: str = "Team Economie") -> tuple[int, str]:
    response = auth.post(INDEX, {"name": name, "starts_on": "2026-09-01", "ends_on": "2026-12-15"}, token_from=INDEX)
    assert response.status_code == 302
    cohort_id = int(response.location.rsplit("/", 1)[1])
    with auth.app.app_context():
        return cohort_id, db.session.get(Cohort, cohort_id).invite_code


def join(app, username: str, code: str):
    member = as_user(app, username)
    return member.post(JOIN, {"invite_code": code}, token_from=JOIN)


def member_answers(app, k: int) -> dict[str, int]:
    """Member k's answers: the domain means differ between members and between domains, so a
    leak would show (a plain rotation of 1..4 would give every domain the same mean)."""
    with app.app_context():
        tpack = catalog().tpack
        return {
            s.id: 1 + (k + d) % 4 if j % 2 else 1 + (k * (d + 1)) % 4
            for d, domain in enumerate(tpack.domains)
            for j, s in enumerate(domain.statements)
        }


def give_scan(app, user_id: int, answers: dict[str, int], minutes_from_now: int = 1) -> None:
    """A completed scan, as the teacher would have made it on the TPACK pages."""
    with app.app_context():
        moment = utcnow() + timedelta(minutes=minutes_from_now)
        scan = TpackScan(
            teacher_id=user_id, instrument_version=catalog().tpack.version, started_at=moment, completed_at=moment
        )
        db.session.add(scan)
        db.session.flush()
        db.session.add_all(TpackAnswer(scan_id=scan.id, statement_id=sid, value=v) for sid, v in answers.items())
        db.session.commit()


def profile(app, answers: dict[str, int]) -> dict[str, float]:
    with app.app_context():
        return {d.id: mean(answers[s.id] for s in d.statements) for d in catalog().tpack.domains}


def csv_rows(response) -> list[list[str]]:
    assert response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig")), delimiter=";"))


@pytest.fixture
def trainer(auth: Auth) -> Auth:
    auth.make_user("coach", "trainer", name="Carla Coach")
    auth.login("coach")
    return auth


def cohort_with_scans(app, trainer: Auth, size: int) -> tuple[int, list[dict[str, float]]]:
    cohort_id, code = make_cohort(trainer)
    profiles = []
    for k in range(size):
        user_id = trainer.make_user(f"docent{k}", "teacher", name=f"Docent Nummer{k}")
        assert join(app, f"docent{k}", code).status_code == 302
        answers = member_answers(app, k)
        give_scan(app, user_id, answers)
        profiles.append(profile(app, answers))
    return cohort_id, profiles


def test_trainer_creates_a_cohort_with_an_invite_code(app, trainer, client):
    cohort_id, code = make_cohort(trainer)
    page = client.get(f"/trainer/cohorts/{cohort_id}").get_data(as_text=True)
    assert "Team Economie" in page and code in page and len(code) == 8
    for item in catalog_sessions(app):
        assert f'href="/trainer/sessions/{item.slug}"' in page
    # The same form sent twice does not make a second cohort.
    make_cohort(trainer)
    with app.app_context():
        assert db.session.query(Cohort).count() == 1


def catalog_sessions(app):
    with app.app_context():
        return list(catalog().trainer_sessions)


def test_cohort_form_errors_are_dutch_and_keep_the_input(trainer):
    html = trainer.post(
        INDEX, {"name": "Groep B", "starts_on": "2026-12-01", "ends_on": "1-9-2026"}, token_from=INDEX
    ).get_data(as_text=True)
    assert "Schrijf de datum als jaar-maand-dag" in html
    assert 'value="Groep B"' in html and 'value="1-9-2026"' in html
    html = trainer.post(
        INDEX, {"name": "Groep B", "starts_on": "2026-12-01", "ends_on": "2026-09-01"}, token_from=INDEX
    ).get_data(as_text=True)
    assert "De laatste bijeenkomst kan niet voor de eerste liggen" in html


def test_teacher_joins_with_the_code(app, trainer, client):
    cohort_id, code = make_cohort(trainer)
    trainer.make_user("devries", "teacher", name="Anna de Vries")
    member = as_user(app, "devries")
    response = member.post(JOIN, {"invite_code": code.lower()}, token_from=JOIN)
    assert response.status_code == 302
    assert "Team Economie" in member.client.get(JOIN).get_data(as_text=True)
    assert "Anna de Vries" in client.get(f"/trainer/cohorts/{cohort_id}").get_data(as_text=True)
    # Joining twice keeps one membership.
    member.post(JOIN, {"invite_code": code}, token_from=JOIN)
    with app.app_context():
        assert db.session.query(CohortMember).count() == 1


def test_wrong_code_gives_a_dutch_error_and_keeps_the_input(app, trainer):
    make_cohort(trainer)
    trainer.make_user("devries", "teacher")
    html = join(app, "devries", "ZZZZ9999").get_data(as_text=True)
    assert "Deze uitnodigingscode bestaat niet. Controleer de code of vraag je trainer." in html
    assert 'value="ZZZZ9999"' in html
    assert 'aria-describedby="invite_code-hint invite_code-error"' in html


def test_only_teachers_join(app, trainer):
    _, code = make_cohort(trainer)
    trainer.make_user("student-lisa", "student")
    assert join(app, "student-lisa", code).status_code == 403


def test_attendance_is_saved_per_session(app, trainer, client):
    cohort_id, code = make_cohort(trainer)
    ids = []
    for name in ("anna", "bram"):
        ids.append(trainer.make_user(name, "teacher"))
        join(app, name, code)
    first, second = catalog_sessions(app)[:2]
    url = f"/trainer/cohorts/{cohort_id}"
    present = [f"{first.slug}:{ids[0]}", f"{first.slug}:{ids[1]}", f"{second.slug}:{ids[0]}"]
    assert trainer.post(f"{url}/attendance", {"present": present}, token_from=url).status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert page.count("checked") == 3
    # Unticking removes, ticking again does not store twice.
    trainer.post(f"{url}/attendance", {"present": present[:1]}, token_from=url)
    trainer.post(f"{url}/attendance", {"present": present[:1]}, token_from=url)
    with app.app_context():
        rows = db.session.execute(select(Attendance.session_slug, Attendance.user_id)).all()
    assert [tuple(r) for r in rows] == [(first.slug, ids[0])]


def test_trainer_makes_a_member_a_trainer(app, trainer, client):
    cohort_id, code = make_cohort(trainer)
    user_id = trainer.make_user("devries", "teacher", name="Anna de Vries")
    join(app, "devries", code)
    url = f"/trainer/cohorts/{cohort_id}"
    assert trainer.post(f"{url}/members/{user_id}/promote", token_from=url).status_code == 302
    trainer.post(f"{url}/members/{user_id}/promote", token_from=url)  # a second click changes nothing
    with app.app_context():
        assert db.session.get(User, user_id).is_trainer
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "user.promote_trainer")).all()
        assert len(events) == 1
        assert events[0].object_id == user_id and events[0].actor_name == "Carla Coach"
    # The new trainer can start a cohort of their own.
    assert as_user(app, "devries").client.get(INDEX).status_code == 200


def test_only_members_can_be_promoted(app, trainer):
    cohort_id, _ = make_cohort(trainer)
    outsider = trainer.make_user("buiten", "teacher")
    url = f"/trainer/cohorts/{cohort_id}"
    assert trainer.post(f"{url}/members/{outsider}/promote", token_from=url).status_code == 404
    with app.app_context():
        assert not db.session.get(User, outsider).is_trainer


def test_another_trainer_gets_404_on_someone_elses_cohort(app, trainer):
    cohort_id, code = make_cohort(trainer)
    member = trainer.make_user("devries", "teacher")
    join(app, "devries", code)
    trainer.make_user("andere", "trainer")
    other = as_user(app, "andere")
    url = f"/trainer/cohorts/{cohort_id}"
    assert other.client.get(url).status_code == 404
    assert other.client.get(f"{url}/tpack.csv").status_code == 404
    assert other.post(f"{url}/attendance", {"present": []}, token_from=INDEX).status_code == 404
    assert other.post(f"{url}/members/{member}/promote", token_from=INDEX).status_code == 404
    assert "Team Economie" not in other.client.get(INDEX).get_data(as_text=True)
    # An administrator sees every cohort.
    trainer.make_user("beheer", "admin")
    assert as_user(app, "beheer").client.get(url).status_code == 200


def test_teachers_cannot_reach_the_trainer_pages(app, trainer):
    cohort_id, _ = make_cohort(trainer)
    trainer.make_user("devries", "teacher")
    teacher = as_user(app, "devries")
    for url in (INDEX, f"/trainer/cohorts/{cohort_id}", f"/trainer/cohorts/{cohort_id}/tpack.csv", "/trainer/reach"):
        assert teacher.client.get(url).status_code == 403


def test_four_members_with_a_scan_show_no_numbers(app, trainer, client):
    cohort_id, profiles = cohort_with_scans(app, trainer, 4)
    page = client.get(f"/trainer/cohorts/{cohort_id}").get_data(as_text=True)
    assert "te weinig deelnemers" in page
    assert not means_shown(page)
    assert "<polygon" not in page
    rows = csv_rows(client.get(f"/trainer/cohorts/{cohort_id}/tpack.csv"))
    assert rows[0] == ["domein", "naam", "begin", "nu"]
    body = [cell for row in rows[1:] for cell in row[2:]]
    assert body and all(cell == "te weinig deelnemers" for cell in body)
    assert not any(re.search(r"\d", cell) for row in rows for cell in row)


def test_five_members_with_a_scan_show_the_group_means(app, trainer, client):
    cohort_id, profiles = cohort_with_scans(app, trainer, 5)
    page = client.get(f"/trainer/cohorts/{cohort_id}").get_data(as_text=True)
    expected = {d: mean(p[d] for p in profiles) for d in profiles[0]}
    for value in expected.values():
        assert format_mean(value) in page
    assert page.count("<polygon") == 2  # the group at the start and now; no line per person
    assert means_shown(page) == {format_mean(v) for v in expected.values()}  # no one's own mean slips in
    rows = csv_rows(client.get(f"/trainer/cohorts/{cohort_id}/tpack.csv"))
    by_domain = {row[0]: row for row in rows[1:]}
    for domain_id, value in expected.items():
        assert by_domain[domain_id][2:] == [format_mean(value), format_mean(value)]
    assert by_domain["deelnemers"][2:] == ["5", "5"]
    assert not any("Nummer" in cell or "docent" in cell for row in rows for cell in row)  # no names


def test_start_is_the_first_scan_after_joining_and_now_the_latest(app, trainer, client):
    cohort_id, code = make_cohort(trainer)
    starts, nows = [], []
    for k in range(5):
        user_id = trainer.make_user(f"docent{k}", "teacher")
        give_scan(app, user_id, member_answers(app, 9), minutes_from_now=-60)  # before joining: not the start
        join(app, f"docent{k}", code)
        first, later = member_answers(app, k), member_answers(app, k + 2)
        give_scan(app, user_id, first, minutes_from_now=1)
        give_scan(app, user_id, later, minutes_from_now=2)
        starts.append(profile(app, first))
        nows.append(profile(app, later))
    rows = csv_rows(client.get(f"/trainer/cohorts/{cohort_id}/tpack.csv"))
    by_domain = {row[0]: row for row in rows[1:]}
    for domain_id in starts[0]:
        assert by_domain[domain_id][2] == format_mean(mean(p[domain_id] for p in starts))
        assert by_domain[domain_id][3] == format_mean(mean(p[domain_id] for p in nows))


def figures(client, cohort_id: int) -> dict[str, list[str]]:
    rows = csv_rows(client.get(f"/trainer/cohorts/{cohort_id}/tpack.csv"))
    return {row[0]: row[2:] for row in rows[1:]}


def test_leak_one_newcomer_cannot_be_worked_out_from_the_change_in_the_means(app, trainer, client):
    cohort_id, profiles = cohort_with_scans(app, trainer, 5)
    before = figures(client, cohort_id)
    with app.app_context():
        code = db.session.get(Cohort, cohort_id).invite_code
    newcomer = trainer.make_user("nieuwkomer", "teacher")
    join(app, "nieuwkomer", code)
    give_scan(app, newcomer, member_answers(app, 7), minutes_from_now=5)

    assert figures(client, cohort_id) == before  # the sixth scan alone moves nothing
    page = client.get(f"/trainer/cohorts/{cohort_id}").get_data(as_text=True)
    assert "Nieuwe scans, nog niet meegeteld" not in page  # taking part is voluntary: no counter of who did

    for k in range(8, 12):  # four more: five new scans, the figures move on all at once
        user_id = trainer.make_user(f"extra{k}", "teacher")
        join(app, f"extra{k}", code)
        answers = member_answers(app, k)
        give_scan(app, user_id, answers, minutes_from_now=10 + k)
        profiles.append(profile(app, answers))
    profiles.insert(5, profile(app, member_answers(app, 7)))
    after = figures(client, cohort_id)
    assert after["deelnemers"] == ["10", "10"]
    for domain_id in profiles[0]:
        assert after[domain_id][1] == format_mean(mean(p[domain_id] for p in profiles))


def test_one_member_scanning_again_leaves_the_now_column_as_it_was(app, trainer, client):
    cohort_id, _ = cohort_with_scans(app, trainer, 5)
    before = figures(client, cohort_id)
    with app.app_context():
        member = db.session.scalar(select(User.id).where(User.username == "docent0"))
    give_scan(app, member, member_answers(app, 3), minutes_from_now=30)
    assert figures(client, cohort_id) == before


def test_a_trainer_never_reaches_a_members_own_result(app, auth):
    auth.make_user("coach", "trainer", "teacher")
    trainer = as_user(app, "coach")
    _, code = make_cohort(trainer)
    auth.make_user("devries", "teacher")
    join(app, "devries", code)
    member = as_user(app, "devries")
    url = member.post("/teacher/tpack/start", token_from="/teacher/tpack/").location
    answers = {f"a_{sid}": "4" for sid in member_answers(app, 0)}
    result = member.post(url, {**answers, "finish": "1"}, token_from=url).location
    assert trainer.client.get(result).status_code == 404
    assert trainer.client.get(url).status_code == 404


def test_sessions_are_readable_by_teachers_and_trainers(app, trainer, client):
    sessions = catalog_sessions(app)
    page = client.get(f"/trainer/sessions/{sessions[0].slug}").get_data(as_text=True)
    assert sessions[0].title in page and sessions[0].goals[0] in page and sessions[0].materials[0] in page
    assert f'href="/trainer/sessions/{sessions[1].slug}"' in page
    trainer.make_user("devries", "teacher")
    assert as_user(app, "devries").client.get(f"/trainer/sessions/{sessions[-1].slug}").status_code == 200
    trainer.make_user("student-lisa", "student")
    assert as_user(app, "student-lisa").client.get(f"/trainer/sessions/{sessions[0].slug}").status_code == 403
    assert client.get("/trainer/sessions/bestaat-niet").status_code == 404


def test_reach_counts_teachers_classes_and_students(app, trainer, client):
    cohort_id, code = make_cohort(trainer)
    ids = {}
    for name in ("anna", "bram"):
        ids[name] = trainer.make_user(name, "teacher", name=name.title())
        join(app, name, code)
    url = f"/trainer/cohorts/{cohort_id}"
    trainer.post(f"{url}/members/{ids['bram']}/promote", token_from=url)
    active_id, _ = trainer.make_class("anna", "MV2A")
    archived_id, _ = trainer.make_class("anna", "MV1A", "2025-2026")
    for k in range(3):
        trainer.make_user(f"student{k}", "student")
        trainer.enrol(f"student{k}", active_id)
    trainer.make_user("oud", "student")
    trainer.enrol("oud", archived_id)
    with app.app_context():
        from course.models import SchoolClass

        accounts.archive_class(db.session.get(SchoolClass, archived_id))
        accounts.add_co_teacher(db.session.get(SchoolClass, active_id), "bram")  # shared class counts once
    trainer.make_user("andere", "trainer", name="Andere Trainer")

    other = as_user(app, "andere")
    _, other_code = make_cohort(other, "Team Zorg")
    join(app, "anna", other_code)  # anna is in both groups: counted once in the totals
    trainer.make_user("cees", "teacher", name="Cees")
    join(app, "cees", other_code)

    page = client.get("/trainer/reach").get_data(as_text=True)
    # the trainer's own groups only: cohorts, teachers reached, of whom new trainers, classes now, students now
    assert reach_figures(page) == ["1", "2", "1", "1", "3"]
    assert "Andere Trainer" not in page and "Carla Coach" not in page

    trainer.make_user("beheer", "admin")
    admin_page = as_user(app, "beheer").client.get("/trainer/reach").get_data(as_text=True)
    # trainers (bram is one now), cohorts, teachers (anna once), new trainers, classes, students
    assert reach_figures(admin_page) == ["3", "2", "3", "1", "1", "3"]


def reach_figures(page: str) -> list[str]:
    return re.findall(r'<td class="number">(\d+)</td>', page)


def test_reach_ranks_no_named_trainer(app, trainer, client):
    """Totals only: no trainer's name, no column or row per trainer that could be sorted into a ranking."""
    for name, display in (("andere", "Andere Trainer"), ("derde", "Derde Trainer")):
        trainer.make_user(name, "trainer", name=display)
        make_cohort(as_user(app, name), f"Groep van {display}")
    trainer.make_user("beheer", "admin")
    page = as_user(app, "beheer").client.get("/trainer/reach").get_data(as_text=True)
    main = page.split('id="inhoud"', 1)[1]
    for display in ("Carla Coach", "Andere Trainer", "Derde Trainer"):
        assert display not in main
    assert "<thead" not in main and 'scope="col"' not in main
    assert reach_figures(page)[:2] == ["3", "2"]


# --- printable materials, the programme's own steps, the criteria for becoming a trainer -------

MATERIALS = ("ontwerpblad", "kijkwijzer", "rolkaarten", "lesson-study", "uitrolplan")


def test_every_handout_has_a_page_linked_from_its_sessions(app, trainer, client):
    with app.app_context():
        materials = {m.slug: m for m in catalog().trainer_materials}
        sessions = {s.number: s for s in catalog().trainer_sessions}
    assert set(MATERIALS) <= set(materials)
    for slug in MATERIALS:
        material = materials[slug]
        page = client.get(f"/trainer/materials/{slug}").get_data(as_text=True)
        assert f"<h1>{material.title}</h1>" in page and ("<table>" in page or "<h2" in page)
        for number in material.sessions:
            session_page = client.get(f"/trainer/sessions/{sessions[number].slug}").get_data(as_text=True)
            assert f'href="/trainer/materials/{slug}"' in session_page
            assert f'href="/trainer/sessions/{sessions[number].slug}"' in page
    ontwerpblad = client.get("/trainer/materials/ontwerpblad").get_data(as_text=True)
    assert "Risico voor privacy" in ontwerpblad and "Ayoub" in ontwerpblad
    assert client.get("/trainer/materials/bestaat-niet").status_code == 404


def test_handouts_are_for_staff_only(app, trainer, client):
    trainer.make_user("devries", "teacher")
    assert as_user(app, "devries").client.get("/trainer/materials/kijkwijzer").status_code == 200
    trainer.make_user("leerling", "student")
    assert as_user(app, "leerling").client.get("/trainer/materials/kijkwijzer").status_code == 403
    assert app.test_client().get("/trainer/materials/kijkwijzer").status_code in (302, 401)


def test_print_stylesheet_leaves_only_the_handout(app, trainer, client):
    page = client.get("/trainer/materials/uitrolplan").get_data(as_text=True)
    assert 'class="wrap printable"' in page and "css/print.css" in page
    css = (ROOT / "course" / "static" / "css" / "print.css").read_text(encoding="utf-8")
    print_rules = css.split("@media print", 1)[1]
    hidden = print_rules.split("{", 2)[1]
    for selector in (".site-header", ".site-footer", ".skip-link", ".screen-only"):
        assert selector in hidden
    assert "display: none" in print_rules.split("}", 1)[0]
    # the links back to the sessions and the print hint are screen-only; the header holds the menu
    assert re.search(r'<nav aria-label="Sessies[^"]*" class="breadcrumb screen-only">', page)
    assert page.index('<header class="site-header">') < page.index('aria-label="Hoofdmenu"') < page.index("</header>")


def test_session_one_joins_the_group_before_the_first_scan(app):
    with app.app_context():
        sessions = catalog().trainer_sessions
    first, second, third, fourth = (s.body for s in sessions[:4])
    assert "uitnodigingscode" in first and "Begin" in first
    assert first.index("**Aanmelden in de groep.**") < first.index("**Les 1.**")
    assert "uitnodigingscode" in second  # latecomers join before the scan
    assert "## Opdracht tot sessie 4: een kleine lesson study" in third and "werk van drie studenten" in third
    assert "**Lesson study.**" in fourth
    assert "Maken een cohort aan" not in fourth and "Alleen een trainer maakt een groep aan" in fourth


def criteria() -> list[str]:
    """The criteria as the app shows them (one template), without their closing ; or ."""
    template = (ROOT / "course" / "templates" / "trainer" / "_criteria.html").read_text(encoding="utf-8")
    return [item.rstrip(";.") for item in re.findall(r"<li>(.*?)</li>", template)]


def test_the_criteria_for_becoming_a_trainer_are_shown_where_it_is_done_and_in_the_programme(app, trainer, client):
    items = criteria()
    assert len(items) == 5
    with app.app_context():
        session_four = catalog().trainer_sessions[3].body
    for item in items:
        assert item in session_four
    cohort_id, code = make_cohort(trainer)
    trainer.make_user("anna", "teacher", name="Anna")
    join(app, "anna", code)
    cohort_page = client.get(f"/trainer/cohorts/{cohort_id}").get_data(as_text=True)
    trainer.make_user("beheer", "admin")
    admin = as_user(app, "beheer")
    with app.app_context():
        anna_id = db.session.scalar(select(User.id).where(User.username == "anna"))
    admin_page = admin.client.get(f"/admin/users/{anna_id}").get_data(as_text=True)
    for page in (cohort_page, admin_page):
        for item in items:
            assert item in page


def test_a_broken_handout_is_reported_with_file_and_line(tmp_path):
    lessons = tmp_path / "lessons"
    shutil.copytree(ROOT / "lessons", lessons)
    shutil.copytree(ROOT / "quizzes", tmp_path / "quizzes")
    (lessons / "trainer" / "materials" / "spiekbriefje.md").write_text(
        "---\nslug: spiekbrief\ntitle: Spiekbriefje\nsessions: [2]\n---\nTekst\n", encoding="utf-8"
    )
    (lessons / "trainer" / "materials" / "checklist.md").write_text(
        "---\nslug: checklist\ntitle: Checklist\nsessions: [2, 9]\n---\nTekst\n", encoding="utf-8"
    )
    found = [str(p) for p in load_catalog(lessons, tmp_path / "quizzes").problems]
    wrong_name = "file name does not match the slug: name it spiekbrief.md"
    assert f"lessons/trainer/materials/spiekbriefje.md:2: {wrong_name}" in found
    assert "lessons/trainer/materials/checklist.md:4: session 9 does not exist (sessions: 1, 2, 3, 4)" in found
