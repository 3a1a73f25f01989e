"""The import pages fit a 360-px phone and a 1280-px desktop without sideways scrolling."""

from __future__ import annotations

import threading

import pytest

from tests.factories import TEST_PASSWORD
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, DESKTOP, PHONE, assert_fits, sign_in
from tests.support.import_sheets import person, workbook
from training.extensions import db
from training.models import CohortStatus

pytestmark = pytest.mark.browser


def in_a_thread_of_its_own(drive) -> None:
    """Playwright's sync API runs one instance per thread, and the session's browser fixture may hold ours."""
    failures = []

    def run():
        try:
            drive()
        except BaseException as failure:  # handed back to the test
            failures.append(failure)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(180)
    assert not thread.is_alive(), "the browser did not finish"
    if failures:
        raise failures[0]


@pytest.fixture
def roster(make, tmp_path):
    coordinator = make.user("coordinator", county_code="610924", username="coord_import_layout")
    registered = make.trainee(name="欧阳秀英", phone="13900000009")
    make.cohort(status=CohortStatus.OPEN, site_name="紫阳县蒿坪镇金川社区新社区工厂（二期）三楼培训教室")
    db.session.commit()
    people = [
        person(name="司马春花", village="紫阳县蒿坪镇金川社区移民搬迁安置小区"),
        person(phone="555", county="北京市"),
        person(id_number="6.10924E+17"),
        person(id_number=registered.id_number, name="欧阳秀英", phone="13900000010", categories=""),
    ]
    path = tmp_path / "紫阳县2026年第一期足部修护师培训花名册（蒿坪镇金川社区新社区工厂）.xlsx"
    path.write_bytes(workbook(people))
    return coordinator, path


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_upload_preview_and_result_fit_the_screen(live_server, roster, viewport, tmp_path):
    from playwright.sync_api import sync_playwright

    coordinator, path = roster
    username = coordinator.username  # read here: the browser's thread has no app context

    def drive():
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_context(viewport=viewport, locale="zh-CN").new_page()
            errors = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            sign_in(page, live_server, username, TEST_PASSWORD)
            page.goto(live_server + "/trainees/import/")
            assert_fits(page)
            page.set_input_files("input[name=file]", str(path))
            page.click(".import-upload button[type=submit]")
            page.wait_for_load_state()
            assert page.locator(".import-errors").is_visible()
            assert_fits(page)
            page.screenshot(path=tmp_path / f"preview-{viewport['width']}.png", full_page=True)
            page.click(".import-commit button[type=submit]")
            page.wait_for_load_state()
            assert page.locator(".import-result").is_visible()
            assert_fits(page)
            browser.close()
            assert errors == []

    in_a_thread_of_its_own(drive)
