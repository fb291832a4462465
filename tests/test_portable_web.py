"""Teachers take the course to their own platform: the lessons overview offers the cartridge, the
Moodle XML (new and older Moodle) and GIFT under "Gebruik in je eigen leerplatform"; students see
none of it and cannot fetch the files; `course export-cartridge` writes the same package."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from lxml import etree

from course.core.content_store import catalog
from course.portable.cartridge import build_cartridge

DOWNLOADS = {
    "/lessons/export/personal-branding.imscc": "application/zip",
    "/lessons/export/personal-branding-moodle.xml": "application/xml; charset=utf-8",
    "/lessons/export/personal-branding-moodle-oud.xml": "application/xml; charset=utf-8",
    "/lessons/export/personal-branding.gift": "text/plain; charset=utf-8",
}


def test_teachers_find_the_downloads_with_a_word_on_where_each_goes(auth):
    auth.make_user("docent", "teacher")
    auth.login("docent")
    page = auth.client.get("/lessons/").get_data(as_text=True)
    assert '<h2 id="eigen-platform-kop">Gebruik in je eigen leerplatform</h2>' in page
    links = re.findall(r'<a href="(/lessons/export/[^"]+)" download>', page)
    assert sorted(links) == sorted(DOWNLOADS)
    assert "Canvas, Brightspace, itslearning of Moodle" in page  # the cartridge
    assert "vragenbank van je Moodle-cursus" in page  # the Moodle XML


def test_students_see_no_downloads_and_cannot_fetch_them(auth):
    auth.make_user("sanne")
    auth.login("sanne")
    assert "Gebruik in je eigen leerplatform" not in auth.client.get("/lessons/").get_data(as_text=True)
    for url in DOWNLOADS:
        assert auth.client.get(url).status_code == 403


def test_each_download_is_a_private_attachment_of_the_right_kind(app, auth):
    auth.make_user("docent", "teacher")
    auth.login("docent")
    for url, mimetype in DOWNLOADS.items():
        response = auth.client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Content-Type"] == mimetype
        assert response.headers["Content-Disposition"] == f"attachment; filename={url.rsplit('/', 1)[1]}"
        assert response.headers["Cache-Control"] == "private, no-store"
    cartridge = auth.client.get("/lessons/export/personal-branding.imscc").data
    with app.app_context():
        assert cartridge == build_cartridge(catalog())
    assert zipfile.ZipFile(io.BytesIO(cartridge)).namelist()[0] == "imsmanifest.xml"
    old = etree.fromstring(auth.client.get("/lessons/export/personal-branding-moodle-oud.xml").data)
    new = etree.fromstring(auth.client.get("/lessons/export/personal-branding-moodle.xml").data)
    assert old.find("question[@type='ordering']") is None and new.find("question[@type='ordering']") is not None


def test_export_cartridge_command_writes_the_package(app, runner, tmp_path: Path):
    path = tmp_path / "module.imscc"
    result = runner.invoke(args=["course", "export-cartridge", str(path)])
    assert result.exit_code == 0, result.output
    assert "12 lessons" in result.output
    with app.app_context():
        assert path.read_bytes() == build_cartridge(catalog())


def test_export_cartridge_command_with_lti_links(runner, tmp_path: Path):
    path = tmp_path / "module-lti.imscc"
    result = runner.invoke(args=["course", "export-cartridge", str(path), "--lti", "https://branding.school.nl"])
    assert result.exit_code == 0, result.output
    names = zipfile.ZipFile(path).namelist()
    assert "lti-les-01.xml" in names and not any(n.startswith("quiz-") for n in names)


def test_export_cartridge_command_refuses_a_wrong_name_or_address(runner, tmp_path: Path):
    result = runner.invoke(args=["course", "export-cartridge", str(tmp_path / "module.zip")])
    assert result.exit_code != 0 and "must end in .imscc" in result.output
    result = runner.invoke(args=["course", "export-cartridge", str(tmp_path / "m.imscc"), "--lti", "branding"])
    assert result.exit_code != 0 and "https://" in result.output
    assert not (tmp_path / "m.imscc").exists()


def test_a_quiz_moodle_cannot_weigh_gives_a_message_not_an_error(auth, monkeypatch):
    from course.portable import views
    from course.quizzes.moodle_xml import ExportError

    def refuse(*_args, **_kwargs):
        raise ExportError("question 'q1': 11 right options")

    monkeypatch.setattr(views, "export_moodle_xml", refuse)
    auth.make_user("docent", "teacher")
    auth.login("docent")
    response = auth.client.get("/lessons/export/personal-branding-moodle.xml", follow_redirects=True)
    assert response.status_code == 200 and response.request.path == "/lessons/"
    assert "passen nu niet in Moodle XML" in response.get_data(as_text=True)
