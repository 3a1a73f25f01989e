"""Browser fixtures (a pytest plugin loaded by tests/conftest.py, so any test may use them):
the app served on a loopback port from a thread, driven by Debian's Chromium through Playwright."""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
# axe-core, installed by scripts/install-node.sh (make test); injected from this file, so the
# check needs no network. Pages forbid inline scripts: a checked page's context bypasses its CSP.
AXE = Path(__file__).resolve().parents[2] / ".node" / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.1 A and AA. Every violation fails, whatever axe rates its impact.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def live_server(app):
    """The test app served on 127.0.0.1 in a thread; yields its base URL."""
    with serving(app) as url:
        yield url


@contextlib.contextmanager
def serving(app) -> Iterator[str]:
    """`app` served on 127.0.0.1 in a thread while the block runs; gives its base URL."""
    app.config.update(SERVER_NAME=None)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian's chromium is not installed (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser, tmp_path):
    """new_page(viewport) → a page in a fresh context; JavaScript errors fail the test."""
    contexts, errors = [], []

    def make(viewport=DESKTOP, **options):
        context = browser.new_context(viewport=viewport, locale="zh-CN", **options)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        return page

    yield make
    for context in contexts:
        context.close()
    assert not errors, f"errors in the browser console: {errors}"


def sign_in(page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()


SQUEEZED_CELLS = """
    Array.from(document.querySelectorAll("td, th"))
        .filter(cell => {  // a narrow cell whose own text runs to more than four lines
            const style = getComputedStyle(cell);
            const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.5;
            const text = document.createRange();
            text.selectNodeContents(cell);
            return cell.offsetParent !== null && cell.getBoundingClientRect().width < 80
                && text.getBoundingClientRect().height > 4 * line;
        })
        .map(cell => cell.textContent.trim().slice(0, 30))
"""


def assert_fits(page) -> None:
    """No horizontal scrolling: the page is as wide as the screen; and no table column is squeezed
    to a few characters a line (Chinese text may break after any character, so a table too wide
    for a phone narrows the columns of text first)."""
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"{page.url} is {overflow}px wider than the {page.viewport_size['width']}px screen"
    squeezed = page.evaluate(SQUEEZED_CELLS)
    assert not squeezed, f"{page.url}: table cells squeezed to a few characters a line: {squeezed[:5]}"


def assert_accessible(page) -> None:
    """axe-core finds no WCAG 2.1 A or AA violation on the page as it stands (needs bypass_csp=True)."""
    if not AXE.exists():
        pytest.fail(f"axe-core is not installed at {AXE} (make test installs it: scripts/install-node.sh)")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=AXE)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", AXE_TAGS
    )
    found = [
        f"{v['id']} ({v['impact']}): {v['help']}: {[n['target'] for n in v['nodes'][:3]]}" for v in result["violations"]
    ]
    assert not found, f"{page.url}: accessibility violations: {found}"
