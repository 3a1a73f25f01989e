"""The load mix bench/load.py drives with locust: trainees reading /me, trainers saving a roster,
the public verifying a certificate, each simulated person thinking 1–3 s between requests.

The accounts, sessions and certificates come from the JSON file named by JFW_LOAD_DATA
(written by bench/load.py). With JFW_LOAD_MODE=hello the same mix asks a bare WSGI app
(bench/hello.py) the same URLs: the ceiling of gunicorn and locust on this machine.
Loopback only: bench/load.py refuses any other host.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re

from locust import between, events, task
from locust.contrib.fasthttp import FastHttpUser

DATA: dict = {}
if os.environ.get("JFW_LOAD_DATA"):
    with open(os.environ["JFW_LOAD_DATA"]) as handle:
        DATA = json.load(handle)
HELLO = os.environ.get("JFW_LOAD_MODE") == "hello"
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
LINE = re.compile(r'name="version-(\d+)" value="(\d+)"')
WAS = re.compile(r'name="was-(\d+)" value="(\w*)"')
_trainees = itertools.cycle(DATA.get("trainees", ["-"]))
_rosters = itertools.cycle(DATA.get("rosters", [["-", 0]]))


@events.test_start.add_listener
def _loopback_only(environment, **kwargs):
    host = environment.host or ""
    if not re.match(r"^http://(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?/?$", host):
        raise SystemExit(f"refusing to load {host!r}: loopback addresses only")


class Person(FastHttpUser):
    wait_time = between(1, 3)

    def on_start(self):
        if HELLO:
            return
        self.role = random.choices(["trainee", "trainer", "public"], weights=DATA["weights"])[0]
        if self.role == "trainee":
            self._sign_in(next(_trainees))
        elif self.role == "trainer":
            username, self.session_id = next(_rosters)
            self._sign_in(username)

    def _sign_in(self, username: str) -> None:
        page = self.client.get("/login", name="sign in (page)")
        token = CSRF.search(page.text).group(1)
        with self.client.post(
            "/login",
            data={"csrf_token": token, "username": username, "password": DATA["password"]},
            name="sign in",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"sign-in refused for {username}: {response.status_code}")

    @task
    def one_request(self):
        role = self.role if not HELLO else random.choices(["trainee", "trainer", "public"], weights=DATA["weights"])[0]
        {"trainee": self.my_page, "trainer": self.roster_save, "public": self.verify}[role]()

    def my_page(self):
        with self.client.get("/me", name="trainee GET /me", allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"/me answered {response.status_code}")

    def roster_save(self):
        url = f"/sessions/{getattr(self, 'session_id', 0)}/roster"
        page = self.client.get(url, name="trainer GET roster")
        if HELLO:
            self.client.post(url, data={"x": "1"}, name="trainer POST roster")
            return
        token = CSRF.search(page.text).group(1)
        was = dict(WAS.findall(page.text))
        form = {"csrf_token": token}
        for enrollment, version in LINE.findall(page.text):
            form[f"version-{enrollment}"] = version
            form[f"was-{enrollment}"] = was.get(enrollment, "")
            form[f"mark-{enrollment}"] = random.choice(["present", "present", "present", "late", "absent"])
        with self.client.post(
            url, data=form, name="trainer POST roster", allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 302:  # a conflict is a redirect with a warning, not an error
                response.failure(f"roster save answered {response.status_code}")

    def verify(self):
        serial, token = random.choice(DATA.get("certificates", [["-", "-"]]))
        with self.client.get(
            f"/verify/{serial}?t={token}", name="public GET /verify/<serial>", catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"verification answered {response.status_code}")
