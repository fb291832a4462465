"""The printable materials the teacher guides link to, and the guides' Differentiatie section with
the short route for a term with fewer weeks."""

from __future__ import annotations

import re

from course.content.lesson_files import guide_text
from course.core.content_store import catalog
from course.lessons.views import SHORT_ROUTE

from .conftest import Auth

MATERIAL_LINK = re.compile(r"\]\(materials/([a-z0-9-]+)\.md\)")


def guides(app) -> dict[int, str]:
    with app.app_context():
        return {lesson.number: guide_text(lesson) or "" for lesson in catalog().lessons.values()}


def test_every_material_a_guide_links_opens_for_staff_and_staff_only_ones_not_for_students(app, auth: Auth, client):
    with app.app_context():
        materials = {m.slug: m for m in catalog().lesson_materials}
        slugs = {lesson.number: lesson.slug for lesson in catalog().lessons.values()}
    linked = {number: set(MATERIAL_LINK.findall(text)) for number, text in guides(app).items()}
    assert all(linked.values()), f"guides without a material: {[n for n, s in linked.items() if not s]}"
    every = set().union(*linked.values())
    assert every <= set(materials), f"linked but missing: {sorted(every - set(materials))}"
    assert {m.for_students for m in materials.values()} == {True, False}

    auth.make_user("docent", "teacher")
    auth.make_user("sanne")
    auth.login("docent")
    for number, found in linked.items():
        guide_page = client.get(f"/lessons/{slugs[number]}/guide").get_data(as_text=True)
        for slug in found:
            assert f'href="/lessons/materials/{slug}"' in guide_page, (number, slug)
    for slug in every:
        page = client.get(f"/lessons/materials/{slug}")
        assert page.status_code == 200, slug
        assert f"<h1>{materials[slug].title}</h1>" in page.get_data(as_text=True)
    assert client.get("/lessons/materials/bestaat-niet").status_code == 404
    auth.logout()

    auth.login("sanne")
    for slug in every:
        expected = 200 if materials[slug].for_students else 403
        assert client.get(f"/lessons/materials/{slug}").status_code == expected, slug
    auth.logout()
    assert client.get("/lessons/materials/08-rolkaarten-speeddaten").status_code == 302


def test_course_check_names_the_guide_line_that_links_a_missing_material(app, runner, course_copy):
    lessons, quizzes = course_copy
    (lessons / "materials" / "08-rolkaarten-speeddaten.md").unlink()
    lines = (lessons / "08-netwerken.docent.md").read_text(encoding="utf-8").splitlines()
    line = next(i for i, text in enumerate(lines, 1) if "materials/08-rolkaarten-speeddaten.md" in text)
    app.config.update(LESSONS_DIR=str(lessons), QUIZZES_DIR=str(quizzes))
    output = runner.invoke(args=["course", "check"]).output
    assert (
        f"lessons/08-netwerken.docent.md:{line}: broken link: materials/08-rolkaarten-speeddaten.md does not exist"
        in output
    )


def test_every_guide_differentiates_and_says_whether_its_lesson_is_in_the_short_route(app):
    for number, text in guides(app).items():
        section = text.split("\n## Differentiatie\n", 1)
        assert len(section) == 2, f"guide {number} has no Differentiatie section"
        for label in ("**Niveau 2:**", "**Niveau 4:**", "**NT2-studenten:**", "**Korte route:**"):
            assert label in section[1], (number, label)
        stays = "**Korte route:** deze les blijft" in section[1]
        assert stays == (number in SHORT_ROUTE), number
        # One way of addressing the teacher throughout: je, never u.
        assert not re.search(r"\b(wat u doet|ziet u|uw)\b", text, re.IGNORECASE), number


def test_the_term_plan_shows_a_short_route_that_still_trains_every_citizenship_dimension(app, auth: Auth, client):
    with app.app_context():
        lessons = [lesson for lesson in catalog().lessons.values() if lesson.number in SHORT_ROUTE]
        citizenship = [c.id for c in catalog().competences.values() if c.group == "Burgerschap"]
    assert all(any(c in lesson.competences for lesson in lessons) for c in citizenship)
    auth.make_user("docent", "teacher")
    auth.login("docent")
    page = client.get("/lessons/plan").get_data(as_text=True)
    assert "Korte route" in page
    assert f"Week {len(SHORT_ROUTE)}: <a" in page and f"Week {len(SHORT_ROUTE) + 1}:" not in page
