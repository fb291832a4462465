"""Every lesson shows at least one drawing from lessons/media/: described for screen readers and
served as an image that can run nothing."""

from __future__ import annotations

from course.core.content_store import catalog
from course.lessons.views import SVG_POLICY
from tests.test_lessons import elements


def test_every_lesson_shows_a_described_drawing_the_app_serves(app, auth, client):
    auth.make_user("sanne")
    auth.login("sanne")
    with app.app_context():
        slugs = list(catalog().lessons)
    assert len(slugs) == 12
    for slug in slugs:
        page = client.get(f"/lessons/{slug}")
        assert page.status_code == 200, slug
        drawings = [
            attrs
            for tag, attrs in elements(page.get_data(as_text=True))
            if tag == "img" and (attrs.get("src") or "").startswith("/lessons/media/")
        ]
        assert drawings, f"{slug} shows no drawing"
        for attrs in drawings:
            assert (attrs.get("alt") or "").strip(), f"{slug}: {attrs['src']} has no alt text"
            image = client.get(attrs["src"])
            assert image.status_code == 200, attrs["src"]
            assert image.mimetype == "image/svg+xml"
            assert image.headers["Content-Security-Policy"] == SVG_POLICY
            image.close()


def test_a_drawing_is_an_image_for_visitors_too_but_never_a_page(client):
    """The route serves media without a login (as before), but an SVG opened on its own gets a
    sandbox: no script, no other host, no framing."""
    response = client.get("/lessons/media/04-mag-ik-dit-posten.svg")
    assert response.status_code == 200
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "sandbox" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    response.close()
