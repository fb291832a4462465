"""`make run` in a fresh copy of the project: it migrates, loads the demo data once and serves with
gunicorn on PORT, without Flask's development-server warning. The copy uses this test run's
virtual environment (VENV=...), so the check costs seconds rather than a fresh install."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from bench.server import free_port

from .conftest import ROOT, sqlite_only

pytestmark = [pytest.mark.slow, sqlite_only]


def _fresh_copy(target: Path) -> Path:
    """The files git tracks, as a clone has them: no instance folder, no database, no venv."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True).stdout
    for name in filter(None, listed.decode().split("\0")):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_serves_with_gunicorn_without_a_development_warning(tmp_path):
    project = _fresh_copy(tmp_path / "project")
    port = free_port()
    venv = Path(sys.prefix)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "DATABASE_URL", "TEST_DATABASE"))}
    log = tmp_path / "make-run.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            ["make", "run", f"PORT={port}", f"VENV={venv}"], cwd=project, env=env, stdout=out,
            stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 240
            status = None
            while time.monotonic() < deadline and server.poll() is None:
                try:
                    status = requests.get(f"http://127.0.0.1:{port}/login", timeout=5).status_code
                    break
                except requests.ConnectionError:
                    time.sleep(0.5)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=60)
    output = log.read_text(errors="replace")
    assert status == 200, output
    assert f"Listening at: http://127.0.0.1:{port}" in output and "gunicorn" in output
    assert "development server" not in output.lower()
    assert "Demo data loaded." in output
    assert (project / "instance" / ".demo-loaded").exists()
