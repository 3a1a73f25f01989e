"""An over-size roster, sent by a real browser: the import form comes back with its choices."""

from __future__ import annotations

import pytest

from tests.factories import TEST_PASSWORD
from tests.support.browser import PHONE, sign_in
from training.extensions import db
from training.models import CohortStatus

pytestmark = pytest.mark.browser


def test_an_over_size_roster_returns_to_the_import_form_with_its_cohort_chosen(
    app, live_server, make, browser, tmp_path
):
    coordinator = make.user("coordinator", county_code="610924", username="coord_upload_limit")
    cohort = make.cohort(status=CohortStatus.OPEN, code="ZY-LIMIT-01")
    db.session.commit()
    app.config["MAX_CONTENT_LENGTH"] = 256 * 1024
    roster = tmp_path / "roster.csv"
    roster.write_bytes(b"name,id\n" * 80_000)  # 640 KB

    # Not new_page: Chromium logs the 413 itself as a console error, which is this test's point.
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page, errors = context.new_page(), []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(page, live_server, coordinator.username, TEST_PASSWORD)
    page.goto(live_server + "/trainees/import/")
    page.select_option("select[name=cohort_id]", str(cohort.id))
    page.set_input_files("input[name=file]", str(roster))
    page.click(".import-upload button[type=submit]")
    page.wait_for_load_state()
    chosen, message = page.input_value("select[name=cohort_id]"), page.locator(".import-upload .invalid-feedback")
    message = message.inner_text() if message.count() else ""
    context.close()

    assert chosen == str(cohort.id)
    assert "256 KB" in message
    assert errors == []
