"""Several app servers behind nginx on one machine, as docs/deployment.md describes them.

``two_servers`` starts Redis (the one at ``TEST_REDIS_URL``, else a private ``redis-server``), two
gunicorn servers on free loopback ports sharing one ``SECRET_KEY``, database and copy of the
content, and nginx from Debian's packages with the site block of docs/deployment.md (only its
addresses replaced), balancing round robin. nginx runs as an ordinary process with its own
configuration, logs and temporary files in a temporary folder; as root it runs as ``nobody``.
"""

from __future__ import annotations

import os
import pwd
import re
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor, wait
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests

from .server import ROOT, Server, free_port, gunicorn_server

NGINX = "/usr/sbin/nginx"
DEPLOYMENT_DOC = ROOT / "docs" / "deployment.md"
MISSING_NGINX = (
    "nginx is not installed (/usr/sbin/nginx): the several-servers test needs Debian's nginx. "
    "Install it with: apt-get install -y nginx"
)

MISSING_REDIS = (
    "redis-server is not installed: the several-servers test needs Redis. Install it with: "
    "apt-get install -y redis-server (or set TEST_REDIS_URL to a Redis that may be used)"
)


def redis_available() -> bool:
    return bool(os.environ.get("TEST_REDIS_URL", "").strip() or shutil.which("redis-server"))


@dataclass
class Cluster:
    base: str  # through nginx
    servers: list[Server]  # each app server directly
    content: Path  # the content folder both servers read (lessons/, quizzes/)
    access_log: Path  # nginx's log: one line per request with the upstream that answered
    redis_url: str
    database_url: str


def site_block(doc: Path = DEPLOYMENT_DOC) -> str:
    """The ```nginx block of the deployment guide."""
    match = re.search(r"```nginx\n(.*?)```", doc.read_text(encoding="utf-8"), re.S)
    if not match:
        raise RuntimeError(f"{doc}: no ```nginx block found")
    return match.group(1)


def local_site(site: str, upstreams: list[int], port: int) -> str:
    """The guide's site with its upstream servers and listen address replaced by local ones."""
    lines = re.findall(r"^\s*server \S+:\d+(.*);$", site, re.M)
    if not lines:
        raise RuntimeError("the nginx site has no upstream server lines")
    options = lines[0]
    servers = "".join(f"    server 127.0.0.1:{p}{options};\n" for p in upstreams)
    site = re.sub(r"(?:^\s*server \S+:\d+.*;\n)+", servers, site, count=1, flags=re.M)
    site, listens = re.subn(r"^(\s*)listen 80;$", rf"\1listen 127.0.0.1:{port};", site, flags=re.M)
    if listens != 1:
        raise RuntimeError("the nginx site should have one `listen 80;` line")
    return site


def nginx_conf(folder: Path, site: str) -> str:
    """A whole nginx.conf around the site that keeps every file nginx writes in ``folder``."""
    return f"""daemon off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    log_format upstreams '$upstream_addr $status $request_method $uri';
    access_log {folder}/access.log upstreams;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
{site}
}}
"""


@contextmanager
def nginx(upstreams: list[int]) -> Iterator[tuple[str, Path]]:
    """nginx balancing over ``upstreams``; yields its base URL and its access log."""
    if not os.path.exists(NGINX):
        raise FileNotFoundError(MISSING_NGINX)
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="course-nginx-") as name:
        folder = Path(name)
        conf = folder / "nginx.conf"
        conf.write_text(nginx_conf(folder, local_site(site_block(), upstreams, port)), encoding="utf-8")
        as_user = {}
        if os.geteuid() == 0:  # never keep root for a test's web server
            nobody = pwd.getpwnam("nobody")
            os.chown(folder, nobody.pw_uid, nobody.pw_gid)
            as_user = {"user": nobody.pw_uid, "group": nobody.pw_gid, "extra_groups": []}
        test = subprocess.run(
            [NGINX, "-t", "-q", "-p", str(folder), "-e", str(folder / "error.log"), "-c", str(conf)],
            capture_output=True, text=True, **as_user,
        )
        if test.returncode != 0:
            raise RuntimeError(f"nginx refused the configuration:\n{test.stderr}")
        process = subprocess.Popen(
            [NGINX, "-p", str(folder), "-e", str(folder / "error.log"), "-c", str(conf)],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True, **as_user,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_for(base, process)
            yield base, folder / "access.log"
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGQUIT)  # finish the requests under way, then stop
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
            if process.stderr is not None:
                process.stderr.close()


def _wait_for(base: str, process: subprocess.Popen[str], timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"nginx stopped: {process.stderr.read() if process.stderr else ''}")
        try:
            if requests.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise RuntimeError("nginx did not answer /healthz in time")


def _redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_timeout=0.5).ping())
    except redis.RedisError:
        return False


@contextmanager
def redis_server() -> Iterator[str]:
    """``TEST_REDIS_URL`` when set, else a private redis-server on a free port, without files."""
    configured = os.environ.get("TEST_REDIS_URL", "").strip()
    if configured:
        if not _redis_answers(configured):
            raise RuntimeError(f"TEST_REDIS_URL={configured} does not answer")
        yield configured
        return
    binary = shutil.which("redis-server")
    if binary is None:
        raise FileNotFoundError(MISSING_REDIS)
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        for _ in range(100):
            if _redis_answers(url):
                break
            time.sleep(0.05)
        else:
            raise RuntimeError("redis-server did not start")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def _start_together(stack: ExitStack, servers: list[AbstractContextManager[Server]]) -> list[Server]:
    """Start the servers at the same time (each loads the app and the content for seconds); every
    one that started is stopped with ``stack``, also when another failed to start."""
    with ThreadPoolExecutor(max_workers=len(servers)) as pool:
        futures = [pool.submit(server.__enter__) for server in servers]
        wait(futures)
    for server, future in zip(servers, futures, strict=True):
        if future.exception() is None:
            stack.push(server.__exit__)
    return [future.result() for future in futures]


@contextmanager
def two_servers(database_url: str, workers: int = 2) -> Iterator[Cluster]:
    """The whole setup; the database must be migrated already (``bench.server.seed`` does that)."""
    with ExitStack() as stack:
        redis_url = stack.enter_context(redis_server())
        content = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="course-content-")))
        shutil.copytree(ROOT / "lessons", content / "lessons")
        shutil.copytree(ROOT / "quizzes", content / "quizzes")
        shared = {
            "SECRET_KEY": secrets.token_hex(32),
            "REDIS_URL": redis_url,
            "LESSONS_DIR": str(content / "lessons"),
            "QUIZZES_DIR": str(content / "quizzes"),
            "TRUSTED_PROXY_COUNT": "1",
        }
        servers = _start_together(stack, [gunicorn_server(database_url, workers, shared) for _ in range(2)])
        ports = [int(server.base.rsplit(":", 1)[1]) for server in servers]
        base, access_log = stack.enter_context(nginx(ports))
        yield Cluster(base, servers, content, access_log, redis_url, database_url)
