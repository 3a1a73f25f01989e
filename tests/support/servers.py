"""Real app servers for tests: a free loopback port, a browser with its own cookie jar that talks
to any of them, and waiting for a server to answer /healthz."""

from __future__ import annotations

import http.cookiejar
import re
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Browser:
    """One browser: one cookie jar, whichever server it talks to; redirects are not followed."""

    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), self._NoRedirect)

    def request(self, url: str, data: dict | None = None) -> tuple[int, dict, bytes]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(urllib.request.Request(url, data=body), timeout=60) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def csrf_token(self, page: str) -> str:
        _, _, html = self.request(page)
        return CSRF.search(html.decode()).group(1)

    def form(self, page: str, target: str, data: dict) -> tuple[int, dict, bytes]:
        return self.request(target, {**data, "csrf_token": self.csrf_token(page)})


def wait_healthy(server: str, processes, timeout: float = 60, log: Path | None = None) -> None:
    """Wait for /healthz; fail, with the end of `log` if given, when a process dies or time runs out."""
    tail = (lambda: "\n" + log.read_text()[-2000:]) if log else (lambda: "")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in processes):
            pytest.fail(f"a server or worker died at start{tail()}")
        try:
            with urllib.request.urlopen(f"{server}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"{server} never answered /healthz{tail()}")
