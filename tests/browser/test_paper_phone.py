"""A trainer on a 360-px phone, in Chinese, downloads today's sign-in sheet from the session's roster."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime, timedelta

import pytest

from tests.conftest import translated_app
from tests.factories import TEST_PASSWORD, Factories
from tests.support.browser import PHONE, assert_fits, serving, sign_in
from tests.support.translations import compiled_translations
from training.extensions import db
from training.identity import mask_id_number

pytestmark = pytest.mark.browser


@pytest.fixture
def server(database_url, tmp_path_factory):
    with translated_app(database_url, compiled_translations(tmp_path_factory)) as app:
        make = Factories()
        trainer = make.user("trainer", username="teacher_wang", display_name="王老师")
        cohort = make.cohort(trainers=[trainer], site_name="紫阳县蒿坪镇金川社区新社区工厂（二期）")
        session = make.session(cohort, starts_at=datetime.now(UTC) - timedelta(minutes=20), topic="足部修护：修甲")
        trainees = [make.enrollment(cohort=cohort, trainee=make.trainee(name=f"欧阳秀英{n}")).trainee for n in range(5)]
        db.session.commit()
        with serving(app) as url:
            yield url, session.id, [(t.name, mask_id_number(t.id_number), t.id_number) for t in trainees]


def test_a_trainer_downloads_the_sign_in_sheet_from_the_roster_on_a_phone(server, new_page, tmp_path):
    url, session_id, trainees = server
    page = new_page(PHONE)
    sign_in(page, url, "teacher_wang", TEST_PASSWORD)
    page.goto(f"{url}/")
    page.locator(".session-item", has_text="足部修护").get_by_role("link", name="点名表").click()
    page.wait_for_load_state()
    link = page.get_by_role("link", name="下载签到表打印（PDF）")
    assert link.is_visible() and link.bounding_box()["height"] >= 40
    assert_fits(page)

    with page.expect_download() as download:
        link.click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)

    assert saved.name.startswith("签到表-") and saved.suffix == ".pdf"
    text = subprocess.run(["pdftotext", "-layout", str(saved), "-"], capture_output=True, text=True, check=True).stdout
    for name, masked, full in trainees:
        assert name in text and masked in text and full not in text
    assert "签到签名" in text and "王老师" in text
