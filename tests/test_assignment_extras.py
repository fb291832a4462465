"""Images with a hand-in (EXIF stripped), peer feedback, the supervisor's share link and rubrics.
Test names carry exif, peer, share or rubric, so ``pytest -k`` picks each group."""

from __future__ import annotations

import io
import json
import re
import sqlite3
from collections import Counter
from datetime import timedelta

import pytest
from PIL import Image, PngImagePlugin
from sqlalchemy import delete, select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from course.assignments.images import ImageError, clean_image
from course.assignments.peer_allocation import Pair, allocate
from course.content.rubrics import parse_rubric
from course.core.extensions import db
from course.models import AuditEvent, PeerReview, Submission, SubmissionImage, SupervisorShare, User, utcnow
from tests.conftest import csrf_token, sqlite_only
from tests.test_assignments import class_with_student, first_lesson


def gps_jpeg(size: tuple[int, int] = (2400, 1200)) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: (52.0, 22.0, 11.0), 3: "E", 4: (4.0, 53.0, 2.0)}
    out = io.BytesIO()
    Image.new("RGB", size, (180, 40, 40)).save(out, "JPEG", exif=exif)
    return out.getvalue()


def hand_in_with(auth, slug: str, text: str, files: list[tuple[bytes, str]]):
    """Hand in through the form, the body encoded here: the test client would spool a large one
    to a temporary file it never closes."""
    fields = MultiDict([("body", text), ("hand_in", "Inleveren"),
                        ("csrf_token", csrf_token(auth.client, "/account"))])
    for raw, name in files:
        fields.add("images", FileStorage(io.BytesIO(raw), filename=name, content_type="image/jpeg"))
    boundary, body = encode_multipart(fields)
    return auth.client.post(
        f"/assignments/{slug}", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )


def image_ids(app, student_id: int) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(
            select(SubmissionImage.id).join(Submission).where(Submission.student_id == student_id)
        ))  # fmt: skip


# --- images -------------------------------------------------------------------------------------


def test_exif_gps_jpeg_is_served_without_any_exif(app, auth, client):
    lesson = first_lesson(app)
    _, student_id = class_with_student(auth)
    raw = gps_jpeg()
    assert Image.open(io.BytesIO(raw)).getexif().get(0x8825)  # the fixture really holds GPS
    auth.login("sanne")
    response = hand_in_with(auth, lesson.slug, "Mijn profiel, met schermafbeelding.", [(raw, "foto.jpg")])
    assert response.status_code == 302
    page = client.get(f"/assignments/{lesson.slug}").get_data(as_text=True)
    assert "verborgen gegevens" in page  # the student is told why
    [image_id] = image_ids(app, student_id)
    served = client.get(f"/assignments/images/{image_id}")
    assert served.status_code == 200
    assert served.headers["Cache-Control"] == "private, no-store"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert served.headers["Content-Disposition"].startswith("inline; filename=afbeelding-1")
    picture = Image.open(io.BytesIO(served.data))
    assert picture.format == "JPEG" and not dict(picture.getexif())
    assert b"Exif" not in served.data and b"PhoneMaker" not in served.data
    assert max(picture.size) == 2000  # scaled down
    thumb = Image.open(io.BytesIO(client.get(f"/assignments/images/{image_id}/klein").data))
    assert max(thumb.size) <= 400


def test_exif_heic_from_an_iphone_becomes_jpeg_without_location():
    from pillow_heif import register_heif_opener

    register_heif_opener()
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (52.0, 22.0, 11.0)}
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (20, 90, 160)).save(out, "HEIF", exif=exif.tobytes())
    assert Image.open(io.BytesIO(out.getvalue())).getexif().get(0x8825)
    cleaned = clean_image(out.getvalue())
    picture = Image.open(io.BytesIO(cleaned.data))
    assert cleaned.mimetype == "image/jpeg" and picture.size == (640, 480) and not dict(picture.getexif())


def test_exif_png_keeps_no_text_chunks():
    info = PngImagePlugin.PngInfo()
    info.add_text("Location", "Stationsplein 1, Utrecht")
    out = io.BytesIO()
    Image.new("RGBA", (100, 80), (0, 0, 0, 0)).save(out, "PNG", pnginfo=info)
    cleaned = clean_image(out.getvalue())
    assert cleaned.mimetype == "image/png" and b"Utrecht" not in cleaned.data
    assert Image.open(io.BytesIO(cleaned.data)).mode == "RGBA"


def test_exif_script_renamed_jpg_is_refused_and_text_kept(app, auth, client):
    lesson = first_lesson(app)
    _, student_id = class_with_student(auth)
    auth.login("sanne")
    script = b"<script>alert(document.cookie)</script>\n#!/bin/sh\nrm -rf /\n"
    response = hand_in_with(auth, lesson.slug, "Tekst die moet blijven staan.", [(script, "foto.jpg")])
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "geen afbeelding die we kunnen openen" in page
    assert "Tekst die moet blijven staan." in page
    with app.app_context():
        assert db.session.scalar(select(Submission.id).where(Submission.student_id == student_id)) is None


def test_exif_image_of_20_mb_is_refused(app, auth):
    lesson = first_lesson(app)
    class_with_student(auth)
    auth.login("sanne")
    big = gps_jpeg((200, 200)) + b"\0" * (20 * 1024 * 1024)
    response = hand_in_with(auth, lesson.slug, "Met een te grote foto.", [(big, "groot.jpg")])
    assert response.status_code == 200
    assert "hoogstens 10 MB" in response.get_data(as_text=True)
    with pytest.raises(ImageError):
        clean_image(big)


def test_exif_four_images_are_refused(app, auth):
    lesson = first_lesson(app)
    class_with_student(auth)
    auth.login("sanne")
    small = gps_jpeg((50, 50))
    response = hand_in_with(auth, lesson.slug, "Vier foto's.", [(small, f"{n}.jpg") for n in range(4)])
    assert "hoogstens 3 afbeeldingen" in response.get_data(as_text=True)


def test_exif_other_student_and_other_teacher_get_404_on_the_image(app, auth, client):
    lesson = first_lesson(app)
    class_id, student_id = class_with_student(auth)
    auth.make_user("ayoub")
    auth.enrol("ayoub", class_id)
    auth.make_user("jansen", "teacher")
    auth.make_class("jansen", "MV2B")
    auth.login("sanne")
    hand_in_with(auth, lesson.slug, "Met foto.", [(gps_jpeg((300, 300)), "a.png")])
    [image_id] = image_ids(app, student_id)
    auth.logout()
    for other in ("ayoub", "jansen"):
        auth.login(other)
        assert client.get(f"/assignments/images/{image_id}").status_code == 404
        auth.logout()
    auth.login("devries")  # the teacher of the class
    assert client.get(f"/assignments/images/{image_id}").status_code == 200


def test_exif_data_export_and_deletion_include_images(app, auth, client):
    lesson = first_lesson(app)
    _, student_id = class_with_student(auth)
    auth.login("sanne")
    hand_in_with(auth, lesson.slug, "Met foto.", [(gps_jpeg((300, 300)), "a.jpg")])
    from course.privacy.personal_data import delete_user, export_user_data

    with app.app_context():
        user = db.session.get(User, student_id)
        exported = export_user_data(user)
        [image] = exported["submissions"][0]["images"]
        assert image["mimetype"] == "image/jpeg" and len(image["data_base64"]) > 100
        json.dumps(exported)
    assert "Afbeeldingen: 1." in client.get("/account/data/").get_data(as_text=True)
    with app.app_context():
        user = db.session.get(User, student_id)
        delete_user(user, None)
        assert db.session.scalar(select(SubmissionImage.id)) is None


# --- rubrics ------------------------------------------------------------------------------------


def test_rubric_parsed_from_every_guide_with_an_assignment(app):
    from course.core.content_store import catalog

    with app.app_context():
        content = catalog()
        for slug, lesson in content.lessons.items():
            if lesson.assignment:
                rubric = content.rubrics[slug]
                assert len(rubric.levels) == 3 and len(rubric.criteria) >= 3


def test_rubric_errors_name_file_and_line():
    text = "# Gids\n\n## Beoordeling\n\n| Criterium | Laag | Hoog |\n|---|---|---|\n| Toon | Vaag. |\n"
    rubric, problems = parse_rubric(text, "lessons/05-x.docent.md")
    assert rubric is None
    assert [str(p) for p in problems] == ["lessons/05-x.docent.md:7: this rubric row has 2 cells; the header has 3"]
    _, problems = parse_rubric("## Beoordeling\n\nGeen tabel.\n", "lessons/05-x.docent.md")
    assert str(problems[0]) == "lessons/05-x.docent.md:1: '## Beoordeling' has no rubric table under it"


def test_rubric_levels_are_stored_shown_and_exported(app, auth, client):
    lesson = first_lesson(app)
    class_id, student_id = class_with_student(auth)
    auth.login("sanne")
    hand_in_with(auth, lesson.slug, "Mijn werk.", [])
    page = client.get(f"/assignments/{lesson.slug}").get_data(as_text=True)
    assert "Zo wordt je opdracht beoordeeld" in page
    auth.logout()
    auth.login("devries")
    with app.app_context():
        from course.core.content_store import catalog

        rubric = catalog().rubrics[lesson.slug]
        submission_id = db.session.scalar(select(Submission.id).where(Submission.student_id == student_id))
    form_page = client.get(f"/teacher/classes/{class_id}/assignments/{submission_id}").get_data(as_text=True)
    assert rubric.criteria[0].name in form_page
    response = auth.post(
        f"/teacher/classes/{class_id}/assignments/{submission_id}",
        {"status": "approved", "feedback": "Goed.", "level_1": rubric.levels[2], "level_2": rubric.levels[1]},
    )
    assert response.status_code == 302
    from course.lessons.progress import rubric_levels

    with app.app_context():
        review_id = db.session.get(Submission, submission_id).reviews[-1].id
        assert rubric_levels(review_id) == {rubric.criteria[0].name: rubric.levels[2],
                                            rubric.criteria[1].name: rubric.levels[1]}
    again = client.get(f"/teacher/classes/{class_id}/assignments/{submission_id}").get_data(as_text=True)
    chosen = re.escape(rubric.levels[2])
    assert re.search(rf'checked[^>]*value="{chosen}"|value="{chosen}"[^>]*checked', again)  # the levels come back
    csv_text = client.get(f"/teacher/gradebook/{class_id}/cijfers.csv").data.decode("utf-8-sig")
    header, row = csv_text.splitlines()[:2]
    assert f"Les {lesson.number} rubric" in header
    assert f"{rubric.criteria[0].name}: {rubric.levels[2]}" in row
    auth.logout()
    auth.login("sanne")
    assert rubric.levels[2].capitalize() in client.get(f"/assignments/{lesson.slug}").get_data(as_text=True)


# --- peer feedback ------------------------------------------------------------------------------


@pytest.mark.parametrize("size", range(2, 32))
def test_peer_allocation_is_balanced_and_never_own_work(size):
    authors = list(range(100, 100 + size))
    expected = min(2, size - 1)
    for pairs in (allocate(authors, []), _one_by_one(authors)):
        given = Counter(p.reviewer for p in pairs)
        received = Counter(p.author for p in pairs)
        assert all(p.reviewer != p.author for p in pairs)
        assert len({(p.reviewer, p.author) for p in pairs}) == len(pairs)
        assert all(given[a] == expected for a in authors)
        assert max(received[a] for a in authors) - min(received[a] for a in authors) <= 1


def _one_by_one(authors: list[int]) -> list[Pair]:
    pairs: list[Pair] = []
    for count in range(1, len(authors) + 1):
        pairs = allocate(authors[:count], pairs)
    return pairs


def test_peer_allocation_never_moves_given_feedback():
    pairs = allocate([1, 2, 3], [])
    locked = [Pair(p.reviewer, p.author, locked=True) for p in pairs]
    after = allocate([1, 2, 3, 4], locked)
    assert all(p in after for p in locked)


def peer_class(app, auth, client, anonymous: bool):
    lesson = first_lesson(app)
    class_id, _ = class_with_student(auth)
    for name, full in (("ayoub", "Ayoub Bakker"), ("priya", "Priya Sharma")):
        auth.make_user(name, name=full)
        auth.enrol(name, class_id)
    auth.login("devries")
    data = {"enabled": "y", "submit": "Opslaan"} | ({"anonymous": "y"} if anonymous else {})
    assert auth.post(f"/teacher/classes/{class_id}/peerfeedback/{lesson.slug}", data).status_code == 302
    auth.logout()
    for name in ("sanne", "ayoub", "priya"):
        auth.login(name)
        hand_in_with(auth, lesson.slug, f"Het werk van {name}.", [])
        auth.logout()
    return lesson, class_id


def task_of(app, username: str) -> PeerReview:
    with app.app_context():
        reviewer = db.session.scalar(select(User.id).where(User.username == username))
        task = db.session.scalars(select(PeerReview).where(PeerReview.reviewer_id == reviewer)).first()
        db.session.expunge(task)
        return task


def give_feedback(app, auth, lesson, task: PeerReview, top: str, tip: str):
    from course.core.content_store import catalog

    with app.app_context():
        rubric = catalog().rubrics[lesson.slug]
    levels = {f"level_{i}": rubric.levels[1] for i in range(1, len(rubric.criteria) + 1)}
    return auth.post(f"/assignments/peerfeedback/{task.id}", {"top": top, "tip": tip, **levels})


def test_peer_anonymous_hides_names_in_the_html(app, auth, client):
    lesson, _ = peer_class(app, auth, client, anonymous=True)
    task = task_of(app, "sanne")
    auth.login("sanne")
    page = client.get(f"/assignments/peerfeedback/{task.id}").get_data(as_text=True)
    assert re.search(r"Het werk van (ayoub|priya)\.", page)
    assert "Ayoub Bakker" not in page and "Priya Sharma" not in page
    assert give_feedback(app, auth, lesson, task, "Sterke opening.", "Noem je opleiding.").status_code == 302
    auth.logout()
    with app.app_context():
        author = db.session.get(User, task.author_id).username
    auth.login(author)
    page = client.get(f"/assignments/{lesson.slug}").get_data(as_text=True)
    assert "Sterke opening." in page and "Sanne" not in page.split("Feedback van klasgenoten")[1]


def test_peer_named_shows_author_and_reviewer(app, auth, client):
    lesson, _ = peer_class(app, auth, client, anonymous=False)
    task = task_of(app, "sanne")
    with app.app_context():
        author = db.session.get(User, task.author_id)
        name, username = author.display_name, author.username
    auth.login("sanne")
    assert name in client.get(f"/assignments/peerfeedback/{task.id}").get_data(as_text=True)
    give_feedback(app, auth, lesson, task, "Sterke opening.", "Noem je opleiding.")
    auth.logout()
    auth.login(username)
    received = client.get(f"/assignments/{lesson.slug}").get_data(as_text=True).split("Feedback van klasgenoten")[1]
    assert "<strong>Sanne</strong>" in received


def test_peer_task_of_another_student_is_404(app, auth, client):
    peer_class(app, auth, client, anonymous=True)
    task = task_of(app, "ayoub")
    auth.login("sanne")
    assert client.get(f"/assignments/peerfeedback/{task.id}").status_code == 404


def test_peer_report_hides_comment_until_teacher_decides(app, auth, client):
    lesson, class_id = peer_class(app, auth, client, anonymous=True)
    task = task_of(app, "sanne")
    auth.login("sanne")
    give_feedback(app, auth, lesson, task, "Mooi.", "Jij bent echt dom.")
    auth.logout()
    with app.app_context():
        author = db.session.get(User, task.author_id).username
    auth.login(author)
    assert "Jij bent echt dom." in client.get(f"/assignments/{lesson.slug}").get_data(as_text=True)
    assert auth.post(f"/assignments/peerfeedback/ontvangen/{task.id}/melden").status_code == 302
    assert "Jij bent echt dom." not in client.get(f"/assignments/{lesson.slug}").get_data(as_text=True)
    auth.logout()
    auth.login("devries")
    overview = client.get(f"/teacher/classes/{class_id}/peerfeedback/{lesson.slug}").get_data(as_text=True)
    assert "Gemeld, verborgen" in overview and "Jij bent echt dom." in overview
    url = f"/teacher/classes/{class_id}/peerfeedback/{lesson.slug}/{task.id}/verbergen"
    assert auth.post(url).status_code == 302
    with app.app_context():
        assert db.session.get(PeerReview, task.id).state == "hidden"
        assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "peer.report")) is not None
    csv_text = client.get(f"/teacher/gradebook/{class_id}/cijfers.csv").data.decode("utf-8-sig")
    assert f"Les {lesson.number} peerfeedback gegeven" in csv_text.splitlines()[0]
    student_page = client.get(f"/teacher/gradebook/{class_id}/students/{task.reviewer_id}").get_data(as_text=True)
    assert "Peerfeedback: 1 gegeven, 0 ontvangen." in student_page


# --- the supervisor's share link ----------------------------------------------------------------


def make_share(app, auth, client, lesson) -> tuple[str, int]:
    auth.login("sanne")
    hand_in_with(auth, lesson.slug, "Versie een voor de praktijk.", [(gps_jpeg((300, 300)), "a.jpg")])
    with app.app_context():
        submission_id = db.session.scalar(select(Submission.id).where(Submission.version == 1))
    assert auth.post(f"/assignments/versions/{submission_id}/delen").status_code == 302
    page = client.get(f"/assignments/{lesson.slug}").get_data(as_text=True)
    link = re.search(r'value="http://localhost(/praktijk/[^"]+)"', page).group(1)
    auth.logout()
    return link, submission_id


def test_share_link_shows_that_version_only_and_takes_one_comment(app, auth, client):
    lesson = first_lesson(app)
    class_with_student(auth)
    link, _ = make_share(app, auth, client, lesson)
    auth.login("sanne")
    auth.post(f"/assignments/{lesson.slug}", {"body": "Versie twee, later.", "hand_in": "Inleveren"})
    auth.logout()
    page = client.get(link)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Versie een voor de praktijk." in html and "Versie twee, later." not in html
    assert "Personal Branding" in html
    assert page.headers["Cache-Control"] == "no-store"
    assert not re.search(r'(src|href)="https?://(?!localhost)', html)  # nothing from other hosts
    image_src = re.search(r'src="(/praktijk/[^"]+/afbeelding/\d+)"', html).group(1)
    assert client.get(image_src).status_code == 200
    token = csrf_token(client, link)
    data = {"name": "Mevrouw de Boer", "comment": "Sterk profiel, laat het zien!", "csrf_token": token}
    assert client.post(link, data=data).status_code == 302
    assert client.post(link, data=data | {"comment": "Nog een keer"}).status_code == 302
    with app.app_context():
        [share] = db.session.scalars(select(SupervisorShare)).all()
        assert share.comment_text == "Sterk profiel, laat het zien!"
        actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"share.create", "share.view", "share.comment"} <= actions
    auth.login("sanne")
    assert "Mevrouw de Boer" in client.get(f"/assignments/{lesson.slug}").get_data(as_text=True)
    auth.logout()
    auth.login("devries")
    with app.app_context():
        first = db.session.scalar(select(Submission).where(Submission.version == 1))
        class_id = first.class_id
    assert "Mevrouw de Boer" in client.get(f"/teacher/classes/{class_id}/assignments/{first.id}").get_data(as_text=True)


def test_share_scope_no_other_assignment_image_or_student(app, auth, client):
    lesson = first_lesson(app)
    _, student_id = class_with_student(auth)
    link, submission_id = make_share(app, auth, client, lesson)
    auth.login("sanne")
    other = next(slug for slug in _assignment_slugs(app) if slug != lesson.slug)
    hand_in_with(auth, other, "Ander werk.", [(gps_jpeg((300, 300)), "b.jpg")])
    auth.logout()
    with app.app_context():
        other_image = db.session.scalar(
            select(SubmissionImage.id).join(Submission).where(Submission.lesson_slug == other)
        )
    assert client.get(f"{link}/afbeelding/{other_image}").status_code == 404
    assert "Ander werk." not in client.get(link).get_data(as_text=True)
    broken = link[:-1] + ("0" if link[-1] != "0" else "1")
    assert client.get(broken).status_code == 404
    assert client.get(f"/assignments/images/{other_image}").status_code in (302, 404)  # not signed in


def _assignment_slugs(app) -> list[str]:
    from course.core.content_store import catalog

    with app.app_context():
        return [slug for slug, lesson in catalog().lessons.items() if lesson.assignment]


def test_share_link_expires_after_14_days_and_can_be_revoked(app, auth, client):
    lesson = first_lesson(app)
    class_with_student(auth)
    link, _ = make_share(app, auth, client, lesson)
    with app.app_context():
        share = db.session.scalars(select(SupervisorShare)).one()
        assert timedelta(days=13, hours=23) < share.expires_at - share.created_at <= timedelta(days=14)
        share.expires_at = share.created_at - timedelta(seconds=1)
        db.session.commit()
    assert client.get(link).status_code == 404
    link, _ = _new_share(app, auth, client, lesson)
    assert client.get(link).status_code == 200
    auth.login("sanne")
    share_id = int(link.rsplit("/", 1)[1].split("-")[0])
    assert auth.post(f"/assignments/deellinks/{share_id}/intrekken").status_code == 302
    auth.logout()
    assert client.get(link).status_code == 404
    with app.app_context():
        assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "share.revoke")) is not None


def _new_share(app, auth, client, lesson) -> tuple[str, int]:
    auth.login("sanne")
    with app.app_context():
        submission_id = db.session.scalar(select(Submission.id).where(Submission.version == 1))
    auth.post(f"/assignments/versions/{submission_id}/delen")
    page = client.get(f"/assignments/{lesson.slug}").get_data(as_text=True)
    link = re.search(r'value="http://localhost(/praktijk/[^"]+)"', page).group(1)
    auth.logout()
    return link, submission_id


def test_share_of_another_students_version_is_404(app, auth, client):
    lesson = first_lesson(app)
    class_id, _ = class_with_student(auth)
    auth.make_user("ayoub")
    auth.enrol("ayoub", class_id)
    auth.login("sanne")
    hand_in_with(auth, lesson.slug, "Van Sanne.", [])
    auth.logout()
    with app.app_context():
        submission_id = db.session.scalar(select(Submission.id))
    auth.login("ayoub")
    assert auth.post(f"/assignments/versions/{submission_id}/delen").status_code == 404


@sqlite_only
def test_exif_cleaned_images_survive_backup_and_restore(app, auth, client, runner, tmp_path):
    lesson = first_lesson(app)
    _, student_id = class_with_student(auth)
    auth.login("sanne")
    hand_in_with(auth, lesson.slug, "Met foto.", [(gps_jpeg((300, 300)), "a.jpg")])
    with app.app_context():
        stored = db.session.scalar(select(SubmissionImage.data))
    backup = tmp_path / "backup.sqlite"
    assert runner.invoke(args=["backup", str(backup)]).exit_code == 0
    with sqlite3.connect(backup) as copy:
        assert copy.execute("SELECT data FROM submission_images").fetchall() == [(stored,)]
    with app.app_context():
        db.session.execute(delete(SubmissionImage))
        db.session.commit()
    assert runner.invoke(args=["restore", str(backup), "--yes"]).exit_code == 0
    [image_id] = image_ids(app, student_id)
    assert client.get(f"/assignments/images/{image_id}").data == stored


def test_exif_purge_of_an_old_class_removes_images_peer_feedback_and_links(app, auth, client):
    from datetime import date

    from course.models import PeerSetting, SchoolClass
    from course.privacy.personal_data import plan_purge, purge

    lesson, class_id = peer_class(app, auth, client, anonymous=True)
    auth.login("sanne")
    hand_in_with(auth, lesson.slug, "Tweede versie met foto.", [(gps_jpeg((300, 300)), "a.jpg")])
    with app.app_context():
        submission_id = db.session.scalar(select(Submission.id).where(Submission.body_text.like("Tweede%")))
    auth.post(f"/assignments/versions/{submission_id}/delen")
    with app.app_context():
        school_class = db.session.get(SchoolClass, class_id)
        school_class.archived_at = utcnow() - timedelta(days=800)
        db.session.commit()
        purge(plan_purge(date.today()), None)
        for model in (SubmissionImage, PeerReview, PeerSetting, SupervisorShare, Submission):
            assert db.session.scalar(select(model.id)) is None, model.__name__
