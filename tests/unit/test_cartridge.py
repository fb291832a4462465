"""The Common Cartridge: unpacked, every resource it names exists, the organisation follows the
lessons, teacher guides are for instructors only, the QTI assessments carry every question with its
points, and the special characters survive."""

from __future__ import annotations

import io
import re
import zipfile
from fractions import Fraction
from pathlib import Path

import pytest
from lxml import etree, html

from course.content.catalog import Catalog, load_catalog
from course.content.quiz_files import load_misconceptions, load_quizzes
from course.portable.cartridge import ASSESSMENT_TYPE, CC_NS, LOMR_NS, LTI_TYPE, build_cartridge
from course.portable.qti import QTI_NS, assessment_xml

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
NS = {"cc": CC_NS, "lomr": LOMR_NS, "q": QTI_NS}


@pytest.fixture(scope="module")
def course() -> Catalog:
    catalog = load_catalog(ROOT / "lessons", ROOT / "quizzes")
    assert catalog.problems == []
    return catalog


@pytest.fixture(scope="module")
def archive(course: Catalog) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(build_cartridge(course)))


def manifest(archive: zipfile.ZipFile) -> etree._Element:
    return etree.fromstring(archive.read("imsmanifest.xml"))


def test_the_manifest_comes_first_and_says_cc_1_3(archive: zipfile.ZipFile) -> None:
    assert archive.namelist()[0] == "imsmanifest.xml"
    root = manifest(archive)
    assert root.tag == f"{{{CC_NS}}}manifest"
    assert root.findtext("cc:metadata/cc:schema", namespaces=NS) == "IMS Common Cartridge"
    assert root.findtext("cc:metadata/cc:schemaversion", namespaces=NS) == "1.3.0"
    assert archive.testzip() is None


def test_every_file_the_manifest_names_is_in_the_package(archive: zipfile.ZipFile) -> None:
    root = manifest(archive)
    names = set(archive.namelist())
    files = [f.get("href") for f in root.iterfind(".//cc:resource/cc:file", NS)]
    assert files and all(f in names for f in files), sorted(set(files) - names)
    for resource in root.iterfind(".//cc:resource", NS):
        href = resource.get("href")
        if href:
            assert href in [f.get("href") for f in resource.iterfind("cc:file", NS)]
    assert names - {"imsmanifest.xml"} == set(files)  # and nothing unnamed rides along


def test_every_reference_points_at_a_resource(archive: zipfile.ZipFile) -> None:
    root = manifest(archive)
    identifiers = [r.get("identifier") for r in root.iterfind(".//cc:resource", NS)]
    assert len(identifiers) == len(set(identifiers))
    refs = [i.get("identifierref") for i in root.iterfind(".//cc:item[@identifierref]", NS)]
    refs += [d.get("identifierref") for d in root.iterfind(".//cc:dependency", NS)]
    assert refs and set(refs) <= set(identifiers)


def test_organised_per_lesson_with_the_final_quiz_last(archive: zipfile.ZipFile, course: Catalog) -> None:
    root = manifest(archive)
    organization = root.find("cc:organizations/cc:organization", NS)
    assert organization.get("structure") == "rooted-hierarchy"
    folders = organization.findall("cc:item/cc:item", NS)
    titles = [f.findtext("cc:title", namespaces=NS) for f in folders]
    lessons = list(course.lessons.values())
    assert titles[:12] == [f"Les {lesson.number}: {lesson.title}" for lesson in lessons]
    assert titles[12] == " ".join(course.final_quiz.title.split())
    for folder, lesson in zip(folders, lessons, strict=False):
        inside = [i.findtext("cc:title", namespaces=NS) for i in folder.findall("cc:item", NS)]
        assert inside == [f"Les {lesson.number}: {lesson.title}", f"Docentenhandleiding bij les {lesson.number}",
                          f"Quiz bij les {lesson.number}"]


def test_teacher_guides_are_for_instructors_only(archive: zipfile.ZipFile, course: Catalog) -> None:
    root = manifest(archive)
    guides = [r for r in root.iterfind(".//cc:resource", NS) if r.get("identifier").startswith("res-gids-")]
    assert len(guides) == sum(1 for lesson in course.lessons.values() if lesson.guide)
    for guide in guides:
        role = guide.find("cc:metadata/lomr:lom/lomr:educational/lomr:intendedEndUserRole", NS)
        assert role.findtext("lomr:value", namespaces=NS) == "Instructor"
    lessons = [r for r in root.iterfind(".//cc:resource", NS) if r.get("identifier").startswith("res-les-")]
    assert len(lessons) == 12 and all(r.find("cc:metadata", NS) is None for r in lessons)


def test_lesson_pages_are_whole_dutch_pages_with_the_stylesheet(archive: zipfile.ZipFile, course: Catalog) -> None:
    for lesson in course.lessons.values():
        page = archive.read(f"web_resources/{lesson.number:02d}-{lesson.slug}.html").decode("utf-8")
        assert page.startswith("<!DOCTYPE html>") and '<html lang="nl">' in page
        assert '<link rel="stylesheet" href="stijl.css">' in page
        tree = html.document_fromstring(page)
        assert tree.findtext(".//h1") == f"Les {lesson.number}: {lesson.title}"
        assert all(goal in tree.text_content() for goal in lesson.goals)
        if lesson.assignment:
            assert f"Opdracht: {lesson.assignment.title}" in tree.text_content()
        for link in tree.iterfind(".//a"):  # links to other lessons stay inside the cartridge
            href = link.get("href", "")
            if not href.startswith(("http://", "https://", "mailto:", "#")):
                assert f"web_resources/{href.split('#')[0]}" in archive.namelist(), href
        assert "<script" not in page
    assert b"body {" in archive.read("web_resources/stijl.css")


def test_media_a_lesson_uses_travel_with_it() -> None:
    catalog = load_catalog(FIXTURES / "lessons" / "good", FIXTURES / "quizzes" / "good")
    package = zipfile.ZipFile(io.BytesIO(build_cartridge(catalog)))
    assert package.read("web_resources/media/logo.png") == (FIXTURES / "lessons/good/media/logo.png").read_bytes()
    pages = [n for n in package.namelist() if n.endswith(".html")]
    assert any(b'src="media/logo.png"' in package.read(n) for n in pages)


def test_the_lesson_drawings_travel_with_the_course(archive: zipfile.ZipFile) -> None:
    drawings = sorted((ROOT / "lessons" / "media").glob("*.svg"))
    assert drawings
    for path in drawings:
        assert archive.read(f"web_resources/media/{path.name}") == path.read_bytes()


def test_every_quiz_is_a_qti_assessment_with_its_points(archive: zipfile.ZipFile, course: Catalog) -> None:
    root = manifest(archive)
    assessments = [r for r in root.iterfind(".//cc:resource", NS) if r.get("type") == ASSESSMENT_TYPE]
    assert len(assessments) == len(course.quizzes) == 13
    for resource in assessments:
        slug = resource.get("identifier").removeprefix("res-quiz-")
        quiz = course.quizzes[slug]
        qti = etree.fromstring(archive.read(resource.find("cc:file", NS).get("href")))
        assert qti.tag == f"{{{QTI_NS}}}questestinterop"
        fields = {f.findtext("q:fieldlabel", namespaces=NS): f.findtext("q:fieldentry", namespaces=NS)
                  for f in qti.iterfind("q:assessment/q:qtimetadata/q:qtimetadatafield", NS)}
        assert fields["cc_profile"] == "cc.exam.v0p1"
        items = qti.findall(".//q:item", NS)
        weights = [Fraction(i.findtext(".//q:qtimetadatafield[q:fieldlabel='cc_weighting']/q:fieldentry",
                                       namespaces=NS)) for i in items]
        assert abs(sum(weights) - quiz.max_score) < Fraction(1, 100), slug
        expected = sum(len(q.pairs) or len(q.items) or 1 for q in quiz.questions)
        assert len(items) == expected


def test_qti_items_grade_the_right_answers(course: Catalog) -> None:
    quiz = course.quizzes["wie-ben-jij-online"]
    qti = etree.fromstring(assessment_xml(quiz, "Quiz", lambda text: f"<p>{text}</p>"))
    for question in quiz.questions:
        if question.kind not in ("single", "multiple", "truefalse"):
            continue
        item = qti.find(f".//q:item[@ident='q-{question.id}']", NS)
        scoring = item.find("q:resprocessing/q:respcondition[@continue='No']", NS)
        wanted = {f"q-{question.id}-{o.id}" for o in question.options if o.correct}
        if question.kind == "multiple":
            both = scoring.find("q:conditionvar/q:and", NS)
            assert {v.text for v in both.findall("q:varequal", NS)} == wanted
            assert {v.text for v in both.findall("q:not/q:varequal", NS)} == {
                f"q-{question.id}-{o.id}" for o in question.options if not o.correct}
        else:
            assert {v.text for v in scoring.findall("q:conditionvar/q:varequal", NS)} == wanted
        feedback = {f.get("ident") for f in item.findall("q:itemfeedback", NS)}
        assert {f"q-{question.id}-{o.id}_fb" for o in question.options} <= feedback


def test_lti_variant_links_lessons_and_quizzes_to_the_app(course: Catalog) -> None:
    package = zipfile.ZipFile(io.BytesIO(build_cartridge(course, lti_base_url="https://branding.school.nl/")))
    root = manifest(package)
    links = [r for r in root.iterfind(".//cc:resource", NS) if r.get("type") == LTI_TYPE]
    assert len(links) == 12 + 13
    urls = set()
    for link in links:
        xml = etree.fromstring(package.read(link.find("cc:file", NS).get("href")))
        urls.add(xml.findtext("{http://www.imsglobal.org/xsd/imsbasiclti_v1p0}launch_url"))
    assert "https://branding.school.nl/lessons/linkedin" in urls
    assert "https://branding.school.nl/quizzes/eindtoets" in urls
    assert not any(n.startswith("quiz-") for n in package.namelist())
    assert sum(1 for n in package.namelist() if n.endswith(".docent.html")) == 12  # guides stay pages


def test_the_package_is_the_same_every_time(course: Catalog) -> None:
    assert build_cartridge(course) == build_cartridge(course)


def test_special_characters_survive_in_qti() -> None:
    folder = FIXTURES / "quizzes" / "round-trip"
    tags, _ = load_misconceptions(folder / "misconceptions.yaml")
    quiz = load_quizzes(folder, tags)[0]["tekens"]
    from course.content.render import render_markdown

    qti = etree.fromstring(assessment_xml(quiz, quiz.title, render_markdown))
    assert qti.find("q:assessment", NS).get("title") == quiz.title

    def text(mattext: etree._Element) -> str:
        return html.fragment_fromstring(mattext.text, create_parent="div").text_content().strip()

    stems = [text(i.find("q:presentation/q:material/q:mattext", NS)) for i in qti.iterfind(".//q:item", NS)]
    assert stems[0] == quiz.questions[0].text.strip()
    labels = [text(m) for m in qti.iterfind(".//q:item[@ident='q-enkel']//q:response_label//q:mattext", NS)]
    assert labels == [o.text.strip() for o in quiz.questions[0].options]


@pytest.mark.parametrize("lti", [None, "https://branding.school.nl"])
def test_profile_rules_of_the_manifest(course: Catalog, lti: str | None) -> None:
    """Rules of the CC content-packaging profile: one organization, a top item without a title and
    titled items below it, no href on assessments and LTI links (one descriptor file each), only
    known resource types, and identifiers that are valid XML ids."""
    root = manifest(zipfile.ZipFile(io.BytesIO(build_cartridge(course, lti_base_url=lti))))
    assert len(root.findall("cc:organizations/cc:organization", NS)) == 1
    top = root.find("cc:organizations/cc:organization/cc:item", NS)
    assert top.find("cc:title", NS) is None
    for item in top.iterfind(".//cc:item", NS):
        assert item.findtext("cc:title", namespaces=NS).strip()
    for resource in root.iterfind(".//cc:resource", NS):
        kind = resource.get("type")
        assert kind in {"webcontent", ASSESSMENT_TYPE, LTI_TYPE}
        if kind != "webcontent":
            assert resource.get("href") is None and len(resource.findall("cc:file", NS)) == 1
    identifiers = [e.get("identifier") for e in root.iter() if e.get("identifier")]
    assert len(identifiers) == len(set(identifiers))
    assert all(re.fullmatch(r"[A-Za-z_][\w.-]*", i) for i in identifiers)
