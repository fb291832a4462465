"""The whole module as an IMS Common Cartridge 1.3 (``.imscc``), for a school's own platform.

What goes in, organised per lesson (docs/authoring.md, "Common Cartridge", for what is lost):

- each lesson as a web page (``web_resources/NN-slug.html``) with its goals, body and assignment,
  a small stylesheet and the media files it uses; links between lessons point at the other page;
- each teacher guide as a web page for instructors only (CC's ``intendedEndUserRole`` Instructor);
- each quiz as a QTI assessment (``qti.py``), under its lesson; the final quiz at the end.

With ``lti_base_url`` the lessons and quizzes are LTI links to this app instead (for schools that
use the LTI tool, docs/lti.md): the platform opens the page in the app, which grades and sends the
score back; the teacher guides stay in the cartridge as pages.

Pure: no Flask, no database; the zip is deterministic (fixed dates, sorted entries).
"""

from __future__ import annotations

import html
import zipfile
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

from lxml import etree

from ..content.catalog import Catalog
from ..content.lesson_files import Lesson, link_target
from ..content.quiz_files import Quiz
from ..content.render import render_markdown
from .qti import assessment_xml

CC_NS = "http://www.imsglobal.org/xsd/imsccv1p3/imscp_v1p1"
LOMM_NS = "http://ltsc.ieee.org/xsd/imsccv1p3/LOM/manifest"
LOMR_NS = "http://ltsc.ieee.org/xsd/imsccv1p3/LOM/resource"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
LTI_NS = "http://www.imsglobal.org/xsd/imslticc_v1p3"
BLTI_NS = "http://www.imsglobal.org/xsd/imsbasiclti_v1p0"
LTICP_NS = "http://www.imsglobal.org/xsd/imslticp_v1p0"
SCHEMA_LOCATIONS = (
    f"{CC_NS} http://www.imsglobal.org/profile/cc/ccv1p3/ccv1p3_imscp_v1p2_v1p0.xsd "
    f"{LOMM_NS} http://www.imsglobal.org/profile/cc/ccv1p3/LOM/ccv1p3_lommanifest_v1p0.xsd "
    f"{LOMR_NS} http://www.imsglobal.org/profile/cc/ccv1p3/LOM/ccv1p3_lomresource_v1p0.xsd"
)
ASSESSMENT_TYPE = "imsqti_xmlv1p2/imscc_xmlv1p3/assessment"
LTI_TYPE = "imsbasiclti_xmlv1p3"
ROLES_SOURCE = "IMSGLC_CC_Rolesv1p2"
COURSE_TITLE = "Personal Branding"
WEB = "web_resources"
STYLESHEET = f"{WEB}/stijl.css"
ZIP_DATE = (2026, 1, 1, 0, 0, 0)

CSS = """/* Lesson pages of the Personal Branding cartridge: readable on a phone and on a board. */
body { font-family: system-ui, sans-serif; line-height: 1.6; color: #1f2328; margin: 0 auto;
       max-width: 46rem; padding: 1rem; }
h1, h2, h3 { line-height: 1.25; }
img { max-width: 100%; height: auto; }
img[src$=".svg"] { width: 100%; max-width: 28rem; }
table { border-collapse: collapse; }
th, td { border: 1px solid #8c959f; padding: 0.25rem 0.5rem; text-align: left; }
.table-wrap { overflow-x: auto; }
.meta { color: #57606a; }
.assignment, .goals { border-left: 4px solid #0969da; padding-left: 1rem; }
"""


@dataclass
class _Package:
    files: dict[str, bytes] = field(default_factory=dict)
    media: set[str] = field(default_factory=set)  # file names below lessons/media/ that pages use


def build_cartridge(catalog: Catalog, *, lti_base_url: str | None = None) -> bytes:
    """The cartridge as the bytes of a zip file."""
    package = _Package()
    package.files[STYLESHEET] = CSS.encode("utf-8")
    manifest = _Manifest(lti_base_url)
    style = manifest.resource("stijl", "webcontent", [STYLESHEET])
    lessons = list(catalog.lessons.values())
    for lesson in lessons:
        folder = manifest.folder(f"les-{lesson.number:02d}", f"Les {lesson.number}: {lesson.title}")
        name = f"{lesson.number:02d}-{lesson.slug}"
        if lti_base_url:
            manifest.lti_link(folder, f"les-{lesson.number:02d}", f"Les {lesson.number}: {lesson.title}",
                              f"/lessons/{lesson.slug}", package)
        else:
            page = f"{WEB}/{name}.html"
            package.files[page] = _lesson_page(lesson, catalog, package)
            resource = manifest.resource(f"les-{lesson.number:02d}", "webcontent", [page], href=page, needs=[style])
            manifest.item(folder, resource, f"Les {lesson.number}: {lesson.title}")
        if lesson.guide is not None:
            page = f"{WEB}/{name}.docent.html"
            package.files[page] = _guide_page(lesson, catalog, package)
            resource = manifest.resource(f"gids-{lesson.number:02d}", "webcontent", [page], href=page, needs=[style],
                                         instructors_only=True)
            manifest.item(folder, resource, f"Docentenhandleiding bij les {lesson.number}")
        quiz = catalog.quiz_for(lesson)
        if quiz is not None:
            _add_quiz(manifest, folder, quiz, f"Quiz bij les {lesson.number}", package, lti_base_url)
    final = catalog.final_quiz
    if final is not None:
        folder = manifest.folder("eindtoets", " ".join(final.title.split()))
        _add_quiz(manifest, folder, final, " ".join(final.title.split()), package, lti_base_url)
    _add_media(manifest, catalog.lessons_dir, package)
    package.files["imsmanifest.xml"] = manifest.xml()
    return _zip(package.files)


def _add_quiz(manifest: _Manifest, folder: etree._Element, quiz: Quiz, title: str, package: _Package,
              lti_base_url: str | None) -> None:
    ident = f"quiz-{quiz.slug}"
    if lti_base_url:
        manifest.lti_link(folder, ident, title, f"/quizzes/{quiz.slug}", package)
        return
    path = f"{ident}/assessment.xml"
    package.files[path] = assessment_xml(quiz, title, _quiz_markdown)
    resource = manifest.resource(ident, ASSESSMENT_TYPE, [path])
    manifest.item(folder, resource, title)


def _add_media(manifest: _Manifest, lessons_dir: Path, package: _Package) -> None:
    if not package.media:
        return
    paths = []
    for name in sorted(package.media):
        source = lessons_dir / "media" / name
        path = f"{WEB}/media/{name}"
        package.files[path] = source.read_bytes()
        paths.append(path)
    media = manifest.resource("media", "webcontent", paths)
    for resource in manifest.resources:
        if resource.get("type") == "webcontent" and resource.get("href"):
            manifest._sub(resource, "dependency", identifierref=media)


def _quiz_markdown(text: str) -> str:
    """Quiz texts: a relative link would point into the app, so it stays text."""
    return render_markdown(text, lambda _href: None) if text else ""


# --- pages ------------------------------------------------------------------------------------


def _resolver(catalog: Catalog, package: _Package):
    """Relative links inside the cartridge: lessons to their page, media into web_resources/media."""

    def resolve(href: str) -> str | None:
        target = link_target(href)
        if target is None or target.kind == "material":  # staff handouts stay in the app
            return None
        if target.kind == "media":
            if not (catalog.lessons_dir / "media" / target.name).is_file():
                return None
            package.media.add(target.name)
            return f"media/{target.name}"
        lesson = catalog.lessons.get(target.name)
        if lesson is None:
            return None
        page = f"{lesson.number:02d}-{lesson.slug}.html"
        return f"{page}#{target.anchor}" if target.anchor else page

    return resolve


def _page(title: str, body: str) -> bytes:
    return (
        "<!DOCTYPE html>\n"
        '<html lang="nl">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n"
        '<link rel="stylesheet" href="stijl.css">\n</head>\n'
        f"<body>\n<main>\n<h1>{html.escape(title)}</h1>\n{body}</main>\n</body>\n</html>\n"
    ).encode()


def _lesson_page(lesson: Lesson, catalog: Catalog, package: _Package) -> bytes:
    resolve = _resolver(catalog, package)
    goals = "".join(f"<li>{html.escape(goal)}</li>" for goal in lesson.goals)
    parts = [
        f'<p class="meta">{lesson.duration} minuten</p>\n',
        f"<p>{html.escape(lesson.summary)}</p>\n",
        f'<section class="goals">\n<h2>Wat je leert</h2>\n<ul>{goals}</ul>\n</section>\n',
        render_markdown(lesson.body, resolve),
    ]
    if lesson.assignment is not None:
        assignment = lesson.assignment
        parts.append(
            f'<section class="assignment">\n<h2>Opdracht: {html.escape(assignment.title)}</h2>\n'
            f"{render_markdown(assignment.instructions, resolve)}"
            f"<p><strong>Inleveren:</strong> {html.escape(assignment.deliverable)}</p>\n</section>\n"
        )
    return _page(f"Les {lesson.number}: {lesson.title}", "".join(parts))


def _guide_page(lesson: Lesson, catalog: Catalog, package: _Package) -> bytes:
    body = render_markdown(lesson.guide or "", _resolver(catalog, package))
    return _page(f"Docentenhandleiding bij les {lesson.number}: {lesson.title}", body)


# --- manifest ---------------------------------------------------------------------------------


class _Manifest:
    def __init__(self, lti_base_url: str | None) -> None:
        self.lti_base_url = lti_base_url.rstrip("/") if lti_base_url else None
        self.root = etree.Element(f"{{{CC_NS}}}manifest", nsmap={None: CC_NS, "lomm": LOMM_NS, "lomr": LOMR_NS,
                                                                  "xsi": XSI_NS})
        self.root.set("identifier", "personal-branding")
        self.root.set(f"{{{XSI_NS}}}schemaLocation", SCHEMA_LOCATIONS)
        self._metadata()
        organizations = self._sub(self.root, "organizations")
        organization = self._sub(organizations, "organization", identifier="organisatie",
                                 structure="rooted-hierarchy")
        self.top = self._sub(organization, "item", identifier="module")
        self.resources = self._sub(self.root, "resources")
        self.count = 0

    @staticmethod
    def _sub(parent: etree._Element, tag: str, text: str | None = None, ns: str = CC_NS,
             **attributes: str) -> etree._Element:
        element = etree.SubElement(parent, f"{{{ns}}}{tag}", attributes)
        if text is not None:
            element.text = text
        return element

    def _metadata(self) -> None:
        metadata = self._sub(self.root, "metadata")
        self._sub(metadata, "schema", "IMS Common Cartridge")
        self._sub(metadata, "schemaversion", "1.3.0")
        lom = self._sub(metadata, "lom", ns=LOMM_NS)
        general = self._sub(lom, "general", ns=LOMM_NS)
        title = self._sub(general, "title", ns=LOMM_NS)
        self._sub(title, "string", COURSE_TITLE, ns=LOMM_NS, language="nl")
        self._sub(general, "language", "nl", ns=LOMM_NS)
        description = self._sub(general, "description", ns=LOMM_NS)
        text = "Twaalf lessen mediawijsheid voor het mbo, met docentenhandleidingen en quizzen."
        self._sub(description, "string", text, ns=LOMM_NS, language="nl")

    def folder(self, identifier: str, title: str) -> etree._Element:
        item = self._sub(self.top, "item", identifier=f"item-{identifier}")
        self._sub(item, "title", title)
        return item

    def item(self, folder: etree._Element, resource: str, title: str) -> None:
        item = self._sub(folder, "item", identifier=f"item-{resource}", identifierref=resource)
        self._sub(item, "title", title)

    def resource(self, identifier: str, kind: str, files: list[str], *, href: str | None = None,
                 needs: list[str] = (), instructors_only: bool = False) -> str:
        ident = f"res-{identifier}"
        attributes = {"identifier": ident, "type": kind}
        if href:
            attributes["href"] = href
        resource = self._sub(self.resources, "resource", **attributes)
        if instructors_only:
            metadata = self._sub(resource, "metadata")
            lom = self._sub(metadata, "lom", ns=LOMR_NS)
            educational = self._sub(lom, "educational", ns=LOMR_NS)
            role = self._sub(educational, "intendedEndUserRole", ns=LOMR_NS)
            self._sub(role, "source", ROLES_SOURCE, ns=LOMR_NS)
            self._sub(role, "value", "Instructor", ns=LOMR_NS)
        for path in files:
            self._sub(resource, "file", href=path)
        for other in needs:
            self._sub(resource, "dependency", identifierref=other)
        return ident

    def lti_link(self, folder: etree._Element, identifier: str, title: str, path: str, package: _Package) -> None:
        file = f"lti-{identifier}.xml"
        package.files[file] = _lti_link_xml(title, f"{self.lti_base_url}{path}")
        resource = self.resource(identifier, LTI_TYPE, [file])
        self.item(folder, resource, title)

    def xml(self) -> bytes:
        return etree.tostring(self.root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _lti_link_xml(title: str, url: str) -> bytes:
    root = etree.Element(f"{{{LTI_NS}}}cartridge_basiclti_link", nsmap={None: LTI_NS, "blti": BLTI_NS,
                                                                         "lticp": LTICP_NS})
    etree.SubElement(root, f"{{{BLTI_NS}}}title").text = title
    etree.SubElement(root, f"{{{BLTI_NS}}}launch_url").text = url
    if url.startswith("https://"):
        etree.SubElement(root, f"{{{BLTI_NS}}}secure_launch_url").text = url
    vendor = etree.SubElement(root, f"{{{BLTI_NS}}}vendor")
    etree.SubElement(vendor, f"{{{LTICP_NS}}}code").text = "personal-branding"
    etree.SubElement(vendor, f"{{{LTICP_NS}}}name").text = COURSE_TITLE
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in ["imsmanifest.xml", *sorted(n for n in files if n != "imsmanifest.xml")]:
            info = zipfile.ZipInfo(name, ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[name])
    return buffer.getvalue()
