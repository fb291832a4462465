"""Students as HTTP clients: log in, read a lesson, take a quiz, all through the real pages."""

from __future__ import annotations

import http.client
import random
import re
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlencode, urlsplit

import requests

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def csrf(html: str) -> str:
    match = CSRF.search(html)
    if not match:
        raise RuntimeError("no CSRF token on the page")
    return match.group(1) or match.group(2)


class Student:
    def __init__(self, base: str, username: str, password: str) -> None:
        self.base = base
        self.username = username
        self.password = password
        self.http = requests.Session()

    def login_form(self) -> dict[str, str]:
        page = self.http.get(f"{self.base}/login", timeout=30).text
        return {"username": self.username, "password": self.password, "csrf_token": csrf(page)}

    def post_login(self, form: dict[str, str]) -> requests.Response:
        return self.http.post(f"{self.base}/login", data=form, allow_redirects=False, timeout=60)

    def post_login_timed(self, form: dict[str, str]) -> int:
        """The login post of a timed round: the status code, sent with ``post_form``."""
        return post_form(f"{self.base}/login", form, self.http)

    def login(self) -> None:
        response = self.post_login(self.login_form())
        if response.status_code != 302:
            raise RuntimeError(f"login of {self.username} failed: {response.status_code}")

    def start_quiz(self, slug: str) -> tuple[str, str]:
        """Returns (attempt token, CSRF token of the attempt page)."""
        page = self.http.get(f"{self.base}/quizzes/{slug}", timeout=30).text
        response = self.http.post(
            f"{self.base}/quizzes/{slug}/start", data={"csrf_token": csrf(page)}, allow_redirects=False, timeout=30
        )
        match = re.search(rf"/quizzes/{slug}/attempts/([^/?#]+)$", response.headers.get("Location", ""))
        if response.status_code != 302 or not match:
            raise RuntimeError(f"start failed for {self.username}: {response.status_code}")
        token = match.group(1)
        attempt_page = self.http.get(f"{self.base}/quizzes/{slug}/attempts/{token}", timeout=30).text
        return token, csrf(attempt_page)

    def submit(self, slug: str, token: str, form: dict[str, Any]) -> requests.Response:
        return self.http.post(
            f"{self.base}/quizzes/{slug}/attempts/{token}", data=form, allow_redirects=False, timeout=60
        )

    def submit_timed(self, slug: str, token: str, form: dict[str, Any]) -> int:
        """Hand in the answers in a timed round: the status code, sent with ``post_form``."""
        return post_form(f"{self.base}/quizzes/{slug}/attempts/{token}", form, self.http)


def post_form(url: str, form: Mapping[str, Any], browser: requests.Session) -> int:
    """POST a form with the browser's cookies and User-Agent, through http.client; returns the
    status code. For requests fired all at once and timed: requests spends about 2 ms of CPU on a
    call, and thirty of those on the two cores the server also runs on would be counted as the
    server's time."""
    parts = urlsplit(url)
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": "; ".join(f"{cookie.name}={cookie.value}" for cookie in browser.cookies),
        "User-Agent": str(browser.headers["User-Agent"]),
    }
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=60)
    try:
        connection.request("POST", parts.path, body=urlencode(form, doseq=True), headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def post_form_and_follow(url: str, form: Mapping[str, Any], browser: requests.Session) -> int:
    """``post_form``, then GET the page it redirects to on the same connection with the cookies the
    POST set, as a browser does; returns the status of the page the student ends on."""
    parts = urlsplit(url)
    cookies = {cookie.name: cookie.value for cookie in browser.cookies}
    agent = str(browser.headers["User-Agent"])
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=60)

    def send(method: str, path: str, body: str | None = None) -> http.client.HTTPResponse:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()), "User-Agent": agent}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        for header in response.msg.get_all("Set-Cookie") or []:
            jar = SimpleCookie(header)
            cookies.update({name: morsel.value for name, morsel in jar.items()})
        return response

    try:
        response = send("POST", parts.path, urlencode(form, doseq=True))
        location = response.getheader("Location")
        if response.status not in (301, 302, 303) or not location:
            return response.status
        return send("GET", urlsplit(location).path).status
    finally:
        connection.close()


def at_once(count: int, action: Callable[[int], Any], spread: float = 0.0) -> list[tuple[float, Any]]:
    """Run ``action(i)`` for i in range(count) in as many threads, released together by a barrier
    (each after its own random wait within ``spread`` seconds, when given); returns (seconds taken,
    result) per call."""
    barrier = threading.Barrier(count)
    waits = [random.uniform(0, spread) for _ in range(count)]

    def run(i: int) -> tuple[float, Any]:
        barrier.wait()
        if waits[i]:
            time.sleep(waits[i])
        started = time.perf_counter()
        try:
            result = action(i)
        except Exception as err:  # a failed call is a result the caller must see, not a crash
            result = err
        return time.perf_counter() - started, result

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def requests_per_second(
    make_request: Callable[[requests.Session], requests.Response], seconds: float, threads: int = 4, expect: int = 200
) -> float:
    """Closed-loop throughput: ``threads`` keep-alive clients, each sending as fast as answers come.
    An answer other than ``expect`` counts as a failure."""
    stop = time.perf_counter() + seconds
    counts = [0] * threads
    failures = [0] * threads

    def loop(i: int, session: requests.Session) -> None:
        while time.perf_counter() < stop:
            if make_request(session).status_code == expect:
                counts[i] += 1
            else:
                failures[i] += 1

    sessions = [requests.Session() for _ in range(threads)]
    workers = [threading.Thread(target=loop, args=(i, sessions[i])) for i in range(threads)]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    if sum(failures):
        raise RuntimeError(f"{sum(failures)} requests failed during the throughput run")
    return sum(counts) / elapsed


def wrk_requests_per_second(
    url: str,
    seconds: float,
    cookie: str | None = None,
    connections: int = 8,
    user_agent: str | None = None,
    headers: dict[str, str] | None = None,
) -> float:
    """Throughput measured by wrk (a C load generator): the client costs far less CPU than the
    server, so the figure is the server's, not Python's."""
    import subprocess

    command = ["wrk", "-t2", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--latency", url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    if user_agent:
        command[1:1] = ["-H", f"User-Agent: {user_agent}"]
    for name, value in (headers or {}).items():
        command[1:1] = ["-H", f"{name}: {value}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    match = re.search(r"Requests/sec:\s+([\d.]+)", output)
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    if not match:
        raise RuntimeError(f"could not read wrk output:\n{output}")
    if non_2xx:
        raise RuntimeError(f"{non_2xx.group(1)} requests failed during the throughput run")
    return float(match.group(1))


def submit_and_review(url: str, form: Mapping[str, Any], browser: requests.Session) -> tuple[int, int]:
    """POST the answers, then GET the result page the answer points to, as a browser does: on one
    keep-alive connection, with the cookies the POST set. Returns both status codes."""
    parts = urlsplit(url)
    cookies = {cookie.name: cookie.value for cookie in browser.cookies}
    agent = str(browser.headers["User-Agent"])
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=60)

    def headers() -> dict[str, str]:
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()), "User-Agent": agent}

    try:
        connection.request(
            "POST", parts.path, body=urlencode(form, doseq=True),
            headers={**headers(), "Content-Type": "application/x-www-form-urlencoded"},
        )
        response = connection.getresponse()
        response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            cookies[name.strip()] = rest.split(";", 1)[0]
        location = response.headers.get("Location")
        if response.status != 302 or not location:
            return response.status, 0
        connection.request("GET", urlsplit(location).path, headers=headers())
        page = connection.getresponse()
        page.read()
        return response.status, page.status
    finally:
        connection.close()
