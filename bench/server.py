"""A real server for load tests and benchmarks: a fresh database with classes of students, and
gunicorn serving it on a free port of this machine."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import requests
from sqlalchemy import insert

ROOT = Path(__file__).resolve().parent.parent
STUDENT_PASSWORD = "bench student wachtwoord"
TEACHER_PASSWORD = "bench docent wachtwoord"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Seeded:
    database_url: str
    teacher: str
    class_id: int
    students: list[str] = field(default_factory=list)


def seed(database_url: str, students: int, *, prefix: str = "s") -> Seeded:
    """Migrate the database and add one teacher and one class of ``students`` (fast bulk insert:
    every student shares one precomputed password hash)."""
    from course import create_app
    from course.accounts.passwords import hash_password
    from course.core.extensions import db
    from course.core.migrate import upgrade
    from course.models import ClassTeacher, Enrolment, SchoolClass, User

    app = create_app({"TESTING": True, "SECRET_KEY": "seed", "DATABASE_URL": database_url})
    with app.app_context():
        upgrade(db.engine)
        student_hash = hash_password(STUDENT_PASSWORD)
        teacher = User(
            username=f"{prefix}-docent",
            display_name="Bench docent",
            password_hash=hash_password(TEACHER_PASSWORD),
            is_teacher=True,
        )
        school_class = SchoolClass(
            name=f"Bench {prefix}", school_year="2026-2027", join_code=f"B{prefix.upper()}{students}"[:16]
        )
        db.session.add_all([teacher, school_class])
        db.session.flush()
        db.session.add(ClassTeacher(class_id=school_class.id, teacher_id=teacher.id, is_owner=True))
        names = [f"{prefix}{n:04d}" for n in range(1, students + 1)]
        db.session.execute(
            insert(User),
            [
                {"username": n, "display_name": f"Student {n}", "password_hash": student_hash, "is_student": True}
                for n in names
            ],
        )
        ids = (
            db.session.execute(User.__table__.select().with_only_columns(User.id).where(User.username.in_(names)))
            .scalars()
            .all()
        )
        db.session.execute(insert(Enrolment), [{"class_id": school_class.id, "student_id": i} for i in ids])
        db.session.commit()
        result = Seeded(database_url, teacher.username, school_class.id, names)
        db.session.remove()
        db.engine.dispose()
    return result


@contextmanager
def temporary_sqlite() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="course-bench-") as folder:
        yield f"sqlite:///{folder}/course.sqlite"


@dataclass
class Server:
    """A running gunicorn: its base URL and its master process."""

    base: str
    process: subprocess.Popen[str]

    def worker_pids(self) -> list[int]:
        """The master's worker processes right now (Linux: read from /proc)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]


@contextmanager
def gunicorn(database_url: str, workers: int = 2, extra_env: dict[str, str] | None = None) -> Iterator[str]:
    """Serve wsgi:app with gunicorn.conf.py; yields the base URL and stops the server after."""
    with gunicorn_server(database_url, workers, extra_env) as server:
        yield server.base


@contextmanager
def gunicorn_server(
    database_url: str, workers: int = 2, extra_env: dict[str, str] | None = None
) -> Iterator[Server]:
    """Like ``gunicorn``, yielding the server itself, for tests that do things to its workers."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "bench-secret",
        "PORT": str(port),
        "WEB_CONCURRENCY": str(workers),
        "ACCESS_LOG": "",  # keep the terminal quiet
        "LOG_LEVEL": "warning",
        **(extra_env or {}),
    }
    env.pop("TEST_DATABASE_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, process)
        yield Server(base, process)
    finally:
        _stop(process)
        if process.stderr is not None:
            process.stderr.close()


def _stop(process: subprocess.Popen[str]) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _wait_until_up(base: str, process: subprocess.Popen[str], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn stopped: {process.stderr.read() if process.stderr else ''}")
        try:
            with requests.get(f"{base}/healthz", timeout=1) as response:
                if response.status_code == 200:
                    return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer /healthz in time")
