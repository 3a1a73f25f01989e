"""Tests under tests/browser drive Debian's Chromium; the fixtures live in tests/support/browser.py."""

import pytest

from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, DESKTOP, PHONE, assert_fits, sign_in  # noqa: F401  (the browser tests import them from here)


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
