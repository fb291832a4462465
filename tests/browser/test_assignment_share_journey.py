"""On a phone: a student hands in with a screenshot, gives peer feedback on a classmate's work and
shares the assignment with the internship supervisor, who comments without an account."""

from __future__ import annotations

import io

import pytest
from flask import Flask
from PIL import Image
from playwright.sync_api import expect

from .support import LAPTOP, PHONE, log_in, make_user, shoot

pytestmark = pytest.mark.browser

TEACHER, STUDENT, CLASSMATE = "peer-docent", "peer-lotte", "peer-daan"


def _screenshot_with_location() -> bytes:
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (51.0, 26.0, 0.0), 3: "E", 4: (5.0, 28.0, 0.0)}
    out = io.BytesIO()
    Image.new("RGB", (1170, 2532), (230, 240, 250)).save(out, "JPEG", exif=exif)
    return out.getvalue()


def _class_with_peer_feedback(app: Flask) -> tuple[int, str]:
    from course.accounts import rules as accounts
    from course.assignments import peer
    from course.core.content_store import catalog
    from course.core.extensions import db
    from course.lessons import progress
    from course.models import SubmissionImage, User

    make_user(app, TEACHER, "teacher", name="Mevrouw Peer")
    make_user(app, STUDENT, name="Lotte")
    make_user(app, CLASSMATE, name="Daan de Vries")
    with app.app_context():
        lesson = next(lesson for lesson in catalog().lessons.values() if lesson.assignment)
        teacher = db.session.query(User).filter_by(username=TEACHER).one()
        school_class = accounts.create_class(teacher, "Peer 3C", "2026-2027")
        for username in (STUDENT, CLASSMATE):
            accounts.enrol(school_class, db.session.query(User).filter_by(username=username).one())
        db.session.commit()
        peer.switch(school_class.id, lesson.slug, True, True, teacher)
        daan = db.session.query(User).filter_by(username=CLASSMATE).one()
        peer.after_hand_in(progress.hand_in(daan.id, lesson.slug, "Daan: student ICT, zoekt een BBL-plek."))
        assert db.session.query(SubmissionImage).count() == 0
        return school_class.id, lesson.slug


def test_phone_hand_in_screenshot_peer_feedback_and_share_with_supervisor(live_app, base_url, new_page):
    class_id, slug = _class_with_peer_feedback(live_app)
    phone = new_page(PHONE)
    log_in(phone, base_url, STUDENT)
    phone.goto(f"{base_url}/assignments/{slug}")
    expect(phone.get_by_text("Zo wordt je opdracht beoordeeld")).to_be_visible()
    phone.get_by_label("Jouw uitwerking").fill("Lotte: student zorg, op zoek naar een stage in de wijkzorg.")
    phone.get_by_label("Afbeeldingen (mag leeg blijven)").set_input_files(
        [{"name": "IMG_2041.jpg", "mimeType": "image/jpeg", "buffer": _screenshot_with_location()}]
    )
    phone.get_by_role("button", name="Inleveren").click()
    expect(phone.get_by_text("De verborgen gegevens (zoals de plek) zijn uit je afbeeldingen gehaald.")).to_be_visible()
    thumbnail = phone.locator(".submission-images img").first
    expect(thumbnail).to_be_visible()
    assert phone.evaluate("img => img.naturalWidth > 0", thumbnail.element_handle())
    shoot(phone, "assignment-with-screenshot")

    phone.get_by_role("link", name="Werk 1").click()
    expect(phone.get_by_text("Daan: student ICT, zoekt een BBL-plek.")).to_be_visible()
    expect(phone.get_by_text("Daan de Vries")).to_have_count(0)  # anonymous
    for group in phone.locator("fieldset .radio-group").all():
        group.get_by_role("radio").nth(1).check()
    phone.get_by_label("Top: wat is goed?").fill("Je noemt meteen wat je zoekt.")
    phone.get_by_label("Tip: wat kan beter?").fill("Noem één vak waar je goed in bent.")
    phone.get_by_role("button", name="Feedback versturen").click()
    expect(phone.get_by_text("Je feedback is verstuurd.")).to_be_visible()

    phone.get_by_role("button", name="Link maken voor versie 1").click()
    expect(phone.get_by_text("Je link is klaar.")).to_be_visible()
    link = phone.locator(".share-list input").first.input_value()
    assert "/praktijk/" in link

    supervisor = new_page(PHONE)
    supervisor.goto(link)
    expect(supervisor.get_by_role("heading", name="Waarom krijgt u deze link?")).to_be_visible()
    expect(supervisor.get_by_text("Lotte: student zorg")).to_be_visible()
    expect(supervisor.locator(".submission-images img")).to_have_count(1)
    supervisor.get_by_label("Uw naam").fill("Mevrouw Jansen")
    supervisor.get_by_label("Uw reactie voor de student").fill("Duidelijk profiel. Noem ook je BHV-diploma.")
    supervisor.get_by_role("button", name="Reactie versturen").click()
    expect(supervisor.get_by_text("De student en de docent lezen uw reactie.")).to_be_visible()
    shoot(supervisor, "supervisor-share")

    phone.reload()
    expect(phone.get_by_text("Noem ook je BHV-diploma.")).to_be_visible()
    teacher = new_page(LAPTOP)
    log_in(teacher, base_url, TEACHER)
    teacher.goto(f"{base_url}/teacher/classes/{class_id}/assignments")
    teacher.get_by_role("link", name="Lotte").first.click()
    expect(teacher.get_by_text("Noem ook je BHV-diploma.")).to_be_visible()
    expect(teacher.locator(".submission-images img")).to_have_count(1)
    teacher.goto(f"{base_url}/teacher/classes/{class_id}/peerfeedback/{slug}")
    row = teacher.get_by_role("row").filter(has_text="Je noemt meteen wat je zoekt.")
    expect(row).to_contain_text("Lotte")  # the teacher sees who wrote it, also when anonymous
    expect(row).to_contain_text("Daan de Vries")

    phone.get_by_role("button", name="Link intrekken").click()
    expect(phone.get_by_text("De link werkt niet meer.")).to_be_visible()
    response = supervisor.goto(link)
    assert response is not None and response.status == 404
