"""The log as an administrator reads it: each entry a Dutch sentence with links to what it
concerns, never internal names such as "submission 5" or "status: needs_work"."""

from __future__ import annotations

import re

from course.accounts import rules as accounts
from course.core.audit import record
from course.core.content_store import catalog
from course.core.extensions import db
from course.lessons import progress
from course.models import SchoolClass, Submission, User, utcnow


def _text(html: str) -> str:
    inline = re.sub(r"</?a\b[^>]*>", "", html)
    return " ".join(re.sub(r"<[^>]+>", " ", inline).split())


def test_entries_are_dutch_sentences_with_links(app, auth, client):
    admin_id = auth.make_user("beheer", "admin", name="Bea Beheer")
    teacher_id = auth.make_user("docent", "teacher", name="Dirk Docent")
    class_id, _ = auth.make_class("docent", "MV2A")
    student_id = auth.make_user("sanne", name="Sanne")
    auth.enrol("sanne", class_id)
    with app.app_context():
        lesson = next(iter(catalog().lessons.values()))
        submission = Submission(student_id=student_id, lesson_slug=lesson.slug, version=1, body_text="tekst",
                                body_html="<p>tekst</p>", submitted_at=utcnow(), class_id=class_id)
        db.session.add(submission)
        db.session.commit()
        submission_id = submission.id
        progress.review(submission, teacher_id, "needs_work", "Maak het concreter.")
        accounts.reset_password(db.session.get(User, student_id), db.session.get(User, teacher_id))
        accounts.remove_from_class(db.session.get(SchoolClass, class_id), db.session.get(User, student_id),
                                   db.session.get(User, teacher_id))
        record(db.session.get(User, admin_id), "user.roles", "user", teacher_id, old=["teacher"],
               roles=["teacher", "trainer"])
        db.session.commit()

    auth.login("beheer")
    html = client.get("/admin/audit").get_data(as_text=True)
    text = _text(html)
    assert (f"Dirk Docent beoordeelde de opdracht van les {lesson.number} ({lesson.title}) van Sanne: "
            "teruggegeven: moet beter.") in text
    assert "Dirk Docent gaf Sanne een nieuw tijdelijk wachtwoord." in text
    assert "Dirk Docent haalde Sanne uit klas MV2A." in text
    assert "Bea Beheer wijzigde de rollen van Dirk Docent van docent in docent en trainer." in text
    assert f'href="/teacher/classes/{class_id}/assignments/{submission_id}"' in html
    assert f'href="/teacher/classes/{class_id}">klas MV2A</a>' in html
    assert f'href="/admin/users/{student_id}">Sanne</a>' in html
    for internal in ("submission", "needs_work", "student_id", "status:", "user.roles"):
        assert internal not in text, internal


def test_a_deleted_account_keeps_its_sentence_without_a_link(app, auth, client):
    auth.make_user("beheer", "admin", name="Bea Beheer")
    with app.app_context():
        record(None, "user.password_reset", "user", 999)
        db.session.commit()
    auth.login("beheer")
    html = client.get("/admin/audit").get_data(as_text=True)
    assert "systeem (opdrachtregel) gaf een verwijderd account een nieuw tijdelijk wachtwoord." in _text(html)
    assert "/admin/users/999" not in html


def test_names_in_sentences_are_escaped(app, auth, client):
    auth.make_user("beheer", "admin")
    evil_id = auth.make_user("evil", "teacher", name="<script>x</script>")
    with app.app_context():
        record(None, "user.deactivate", "user", evil_id)
        db.session.commit()
    auth.login("beheer")
    html = client.get("/admin/audit").get_data(as_text=True)
    assert "<script>x</script>" not in html and "&lt;script&gt;" in html


def test_peer_feedback_and_share_link_events_are_sentences_with_links(app, auth, client):
    from course.assignments import peer, share

    auth.make_user("beheer", "admin", name="Bea Beheer")
    teacher_id = auth.make_user("docent", "teacher", name="Dirk Docent")
    class_id, _ = auth.make_class("docent", "MV2A")
    sanne_id = auth.make_user("sanne", name="Sanne")
    kevin_id = auth.make_user("kevin", name="Kevin")
    for name in ("sanne", "kevin"):
        auth.enrol(name, class_id)
    with app.app_context():
        lesson = next(item for item in catalog().lessons.values() if item.assignment)
        teacher = db.session.get(User, teacher_id)
        work = {who: progress.hand_in(who, lesson.slug, f"Het werk van {who}.") for who in (sanne_id, kevin_id)}
        peer.switch(class_id, lesson.slug, True, True, teacher)
        task = next(row for row in peer.for_class(class_id, lesson.slug) if row.author_id == sanne_id)
        peer.give(task, {}, "Goed begin.", "Meer voorbeelden.")
        feedback_id = task.id
        peer.report(sanne_id, feedback_id)
        peer.decide(class_id, feedback_id, False, teacher)
        peer.decide(class_id, feedback_id, True, teacher)
        peer.switch(class_id, lesson.slug, False, True, teacher)
        made = share.create(db.session.get(User, sanne_id), work[sanne_id])
        share.record_view(made)
        share.comment(made, "Petra Praktijk", "Mooi werk.")
        share.revoke(db.session.get(User, sanne_id), made.id)
        submission_id = work[sanne_id].id

    auth.login("beheer")
    html = client.get("/admin/audit").get_data(as_text=True)
    text = _text(html)
    les = f"les {lesson.number} ({lesson.title})"
    version = f"versie 1 van de opdracht van {les}"
    for sentence in (
        f"Dirk Docent zette peerfeedback bij {les} voor klas MV2A aan (anoniem): studenten geven elkaar feedback.",
        f"Dirk Docent zette peerfeedback bij {les} voor klas MV2A uit.",
        f"Sanne meldde een reactie van een klasgenoot bij {les} in klas MV2A als kwetsend; "
        "de reactie werd verborgen tot de docent zou beslissen.",
        f"Dirk Docent verborg een reactie van een klasgenoot bij {les} op het werk van Sanne in klas MV2A: "
        "de student zag de reactie niet meer.",
        f"Dirk Docent toonde een reactie van een klasgenoot bij {les} op het werk van Sanne in klas MV2A weer: "
        "de student zag de reactie weer.",
        f"Sanne maakte een link voor de praktijkopleider naar {version}.",
        f"De praktijkopleider opende via de link {version} van Sanne.",
        f"De praktijkopleider gaf via de link een reactie op {version} van Sanne.",
        f"Sanne trok de link voor de praktijkopleider naar {version} in.",
    ):
        assert sentence in text, sentence
    peer_link = f'href="/teacher/classes/{class_id}/peerfeedback/{lesson.slug}"'
    assert html.count(peer_link) == 5  # each peer event links to the class's peer feedback page
    assert html.count(f'href="/teacher/classes/{class_id}/assignments/{submission_id}">{version}</a>') == 4
    assert html.count(f'href="/admin/users/{sanne_id}">Sanne</a>') >= 7
    assert f'href="/teacher/classes/{class_id}">klas MV2A</a>' in html
    for internal in ("peer.", "share.", "peer_review", "supervisor_share", "(via deellink):"):
        assert internal not in text, internal


def test_an_empty_log_says_what_will_appear_there(app, auth, client):
    auth.make_user("beheer", "admin")
    auth.login("beheer")
    html = client.get("/admin/audit").get_data(as_text=True)
    assert 'class="empty-state"' in html
    assert "Nog niets vastgelegd" in html and "een nieuw wachtwoord" in html
    filtered = client.get("/admin/audit?action=peer.hide").get_data(as_text=True)
    assert "Nog niets van deze soort vastgelegd" in filtered and "Reactie van een klasgenoot verborgen" in filtered
    assert 'href="/admin/audit">Toon alles</a>' in filtered
