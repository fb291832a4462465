"""`make screenshots`: the pictures in the README, taken from the real app with the demo data.

Starts the app on a fresh SQLite database in a temporary folder, loads the demo school, and lets
headless Chromium (Debian's, never downloaded) show four pages: the student dashboard and a quiz
review on a phone, the teacher's gradebook and the TPACK radar on a laptop. The PNGs go to
docs/screenshots/, reduced to 256 colours so the repository stays small.

Run: .venv/bin/python -m tests.browser.screenshots [output folder]
"""

from __future__ import annotations

import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from PIL import Image
from playwright.sync_api import Browser, Page, sync_playwright

from . import support

OUTPUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
MAX_HEIGHT = 1800  # a full phone page is cut here: the top of a page shows what matters


@dataclass(frozen=True)
class Shot:
    file: str
    who: str
    password: str
    path: str
    viewport: dict[str, int]
    region: tuple[str, str] | None = None  # CSS selectors: only the page from the first to the second


def _app(folder: Path) -> Flask:
    from course import create_app
    from course.core.db import make_engine
    from course.core.migrate import upgrade

    url = f"sqlite:///{folder / 'course.sqlite'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return create_app({"SECRET_KEY": "screenshots", "DATABASE_URL": url})


def _shots(app: Flask) -> list[Shot]:
    """Load the demo school and pick the pages to show from what it holds."""
    from sqlalchemy import select

    from course.core.extensions import db
    from course.demo import school
    from course.models import QuizAttempt, SchoolClass, TpackScan, User

    with app.app_context():
        school.load_demo()
        student = db.session.scalar(select(User).where(User.username == school.student_username(1)))
        teacher = db.session.scalar(select(User).where(User.username == "docent"))
        class_id = db.session.scalar(select(SchoolClass.id).where(SchoolClass.join_code == school.DEMO_JOIN_CODE))
        attempt = db.session.scalar(
            select(QuizAttempt)
            .where(QuizAttempt.user_id == student.id, QuizAttempt.submitted_at.is_not(None))
            .order_by(QuizAttempt.id)
        )
        scan_id = db.session.scalar(
            select(TpackScan.id).where(TpackScan.teacher_id == teacher.id, TpackScan.completed_at.is_not(None))
        )
        passwords = {username: password for username, _, password, _ in school.STAFF}
        review = f"/quizzes/{attempt.quiz_slug}/attempts/{attempt.token}/review"
        return [
            Shot("student-dashboard-phone.png", student.username, school.STUDENT_PASSWORD, "/student/", support.PHONE),
            Shot("quiz-review-phone.png", student.username, school.STUDENT_PASSWORD, review, support.PHONE),
            Shot(
                "gradebook-laptop.png", "docent", passwords["docent"], f"/teacher/gradebook/{class_id}", support.LAPTOP
            ),
            Shot(
                "tpack-radar.png",
                "docent",
                passwords["docent"],
                f"/teacher/tpack/scan/{scan_id}/result",
                support.LAPTOP,
                region=("main h1", ".radar-figure"),
            ),
        ]


def _take(browser: Browser, base_url: str, shot: Shot, folder: Path) -> Path:
    context = browser.new_context(viewport=shot.viewport, locale="nl-NL", device_scale_factor=1)
    try:
        page: Page = context.new_page()
        support.log_in(page, base_url, shot.who, shot.password)
        response = page.goto(base_url + shot.path)
        assert response is not None and response.status == 200, f"{shot.path}: {response and response.status}"
        target = folder / shot.file
        if shot.region:
            clip = _between(page, *shot.region)
        else:
            height = min(page.evaluate("() => document.documentElement.scrollHeight"), MAX_HEIGHT)
            clip = {"x": 0, "y": 0, "width": shot.viewport["width"], "height": max(height, shot.viewport["height"])}
        page.screenshot(path=str(target), full_page=True, clip=clip)
    finally:
        context.close()
    _shrink(target)
    return target


def _between(page: Page, first: str, last: str, margin: int = 24) -> dict[str, float]:
    """The part of the page from the top of ``first`` to the bottom of ``last``, as wide as main."""
    top, bottom, main = (page.locator(selector).first.bounding_box() for selector in (first, last, "main"))
    assert top and bottom and main, f"{first} or {last} is not on the page"
    y = max(top["y"] - margin, 0)
    return {"x": main["x"], "y": y, "width": main["width"], "height": bottom["y"] + bottom["height"] + margin - y}


def _shrink(png: Path) -> None:
    """256 colours are plenty for an interface: the file gets several times smaller."""
    with Image.open(png) as image:
        reduced = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    reduced.save(png, optimize=True)


def main(argv: list[str]) -> int:
    if not support.CHROMIUM.exists():
        print(support.MISSING_CHROMIUM, file=sys.stderr)
        return 1
    folder = Path(argv[0]) if argv else OUTPUT
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="screenshots-") as temp:
        app = _app(Path(temp))
        shots = _shots(app)
        server = support.LiveServer(app)
        server.start()
        try:
            with sync_playwright() as driver:
                browser = driver.chromium.launch(
                    executable_path=str(support.CHROMIUM), headless=True, args=support.LAUNCH_ARGS
                )
                for shot in shots:
                    made = _take(browser, server.url, shot, folder)
                    print(f"{made} ({made.stat().st_size // 1024} kB)")
                browser.close()
        finally:
            server.stop()
            _dispose(app)
    return 0


def _dispose(app: Flask) -> None:
    from course.core.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
