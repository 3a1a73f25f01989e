"""The catalogue of standards on a 360-px phone, in Chinese and in English: the catalogue, a refused form,
an import's preview with rows in error, new and changed, and its result fit the screen, and axe-core
finds no WCAG 2.1 A or AA violation on them (the demo walk, tests/browser/test_demo_phone.py, reaches
the catalogue and its forms by links; the preview and the result are reached only by uploading)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tests.conftest import translated_app
from tests.factories import TEST_PASSWORD, Factories
from tests.support.browser import PHONE, assert_accessible, assert_fits, serving, sign_in
from tests.support.translations import compiled_translations
from tests.test_standards_import import FOOT, NANNY, TEA, sheet
from training.extensions import db
from training.i18n import LANG_COOKIE

pytestmark = pytest.mark.browser

LONG = "中式烹调师（含面点、冷菜、热菜及宴席设计）"


@pytest.fixture
def server(database_url, tmp_path_factory):
    with translated_app(database_url, compiled_translations(tmp_path_factory)) as app:
        make = Factories()
        make.user("coordinator", username="city_standards")
        make.standard(occupation="茶艺师", level=5, valid_from=date(2026, 1, 1), yuan=Decimal("2500"), min_hours=64)
        make.standard(occupation=LONG, level=1, training_type="individual", valid_from=date(2024, 1, 1))
        db.session.commit()
        with serving(app) as url:
            yield url


def check(page) -> None:
    assert_fits(page)
    assert_accessible(page)


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_the_catalogue_its_form_and_an_import_read_on_a_phone(server, new_page, tmp_path, language):
    page = new_page(PHONE, bypass_csp=True)
    page.context.add_cookies([{"name": LANG_COOKIE, "value": language, "url": server}])
    sign_in(page, server, "city_standards", TEST_PASSWORD)
    page.goto(server + "/standards/")
    check(page)

    page.goto(server + "/standards/new")
    page.fill("input[name=occupation]", LONG)
    page.fill("input[name=yuan]", "-1")
    page.click(".standard-form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator(".invalid-feedback").count() >= 1
    check(page)

    rows_in_error = tmp_path / "陕西省2026年职业技能培训需求目录（第一批，含项目制与企业职工培训）.xlsx"
    wrong = [LONG, "六级", "学徒制", "四千五百元整", 0, "2026-02-30", None]
    rows_in_error.write_bytes(sheet(FOOT, NANNY, TEA, wrong))
    page.goto(server + "/standards/import")
    check(page)
    page.set_input_files("input[name=file]", str(rows_in_error))
    page.click(".standards-upload button[type=submit]")
    page.wait_for_load_state()
    assert page.locator(".import-errors").is_visible()
    assert page.locator(".import-create").is_visible() and page.locator(".import-update").is_visible()
    check(page)

    clean = tmp_path / "目录.xlsx"
    clean.write_bytes(sheet(FOOT, NANNY, TEA))
    page.goto(server + "/standards/import")
    page.set_input_files("input[name=file]", str(clean))
    page.click(".standards-upload button[type=submit]")
    page.wait_for_load_state()
    page.click(".import-commit button[type=submit]")
    page.wait_for_load_state()
    assert page.locator(".import-result").is_visible()
    check(page)
