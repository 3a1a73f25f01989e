"""Each demo account, on a 360-px phone, in Chinese and in English, with the demo data `make run`
loads: every kind of page it reaches by following links from its home page fits the screen, and
no table squeezes its text to a few characters a line (Chinese may break after any character, so
the English msgids the other tests read hide such layouts; English words may not, and overflow),
and axe-core finds no WCAG 2.1 A or AA violation on it, of any impact (tests/support/browser.py)."""

from __future__ import annotations

import re

import pytest

from tests.conftest import translated_app
from tests.support.browser import PHONE, assert_accessible, assert_fits, serving, sign_in
from tests.support.translations import compiled_translations
from training import demo
from training.extensions import db
from training.i18n import LANG_COOKIE

NOT_PAGES = ("/logout", "/language", "/static/", ".pdf", ".xlsx", ".csv", ".json", ".zip", "/export", "/download")
ACCOUNTS = ["demo_admin", "demo_city", "demo_reviewer", "demo_coord_baihe", "demo_trainer_baihe", "demo_trainee2"]


@pytest.fixture
def demo_server(database_url, tmp_path_factory):
    with translated_app(database_url, compiled_translations(tmp_path_factory)) as app:
        passwords = {username: password for username, _role, password in demo.seed()}
        db.session.commit()
        with serving(app) as url:
            yield url, passwords


def kind_of(path: str) -> str:
    """/cohorts/12/scores and /cohorts/3/scores are one kind of page."""
    return re.sub(r"\d+", "N", path.split("?")[0])


@pytest.mark.parametrize("username", ACCOUNTS)
@pytest.mark.parametrize(("language", "html_lang"), [("zh_CN", "zh-CN"), ("en", "en")])
def test_every_page_a_demo_account_reaches_fits_a_phone(demo_server, new_page, username, language, html_lang):
    url, passwords = demo_server
    page = new_page(PHONE, bypass_csp=True)  # axe is injected into every page
    page.context.add_cookies([{"name": LANG_COOKIE, "value": language, "url": url}])
    sign_in(page, url, username, passwords[username])
    seen, to_visit = set(), ["/"]
    while to_visit:
        path = to_visit.pop(0)
        if kind_of(path) in seen:
            continue
        seen.add(kind_of(path))
        response = page.goto(url + path)
        assert response.ok, f"{path}: {response.status}"
        if "text/html" not in response.headers.get("content-type", ""):
            continue
        assert page.locator("html").get_attribute("lang") == html_lang
        assert_fits(page)
        assert_accessible(page)
        for link in page.eval_on_selector_all("a[href^='/']", "links => links.map(a => a.getAttribute('href'))"):
            link = link.split("#")[0]
            if link and not any(part in link for part in NOT_PAGES) and kind_of(link) not in seen:
                to_visit.append(link)
    assert len(seen) >= 3, seen
