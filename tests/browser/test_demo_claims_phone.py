"""The demo's paid claim on a 360-px phone, in Chinese and in English: its page (the steps, the
objections and their outcomes, the review line by line, the payment), its documents and its public
notice fit the screen and axe-core finds no WCAG 2.1 A or AA violation on them. The walk of
test_demo_phone.py reaches one claim page of each account, the draft; this one reads the other."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.conftest import translated_app
from tests.support.browser import PHONE, assert_accessible, assert_fits, serving, sign_in
from tests.support.translations import compiled_translations
from training import demo
from training.claims.notice import token_for
from training.demo_claims import PAID_CLASS
from training.extensions import db
from training.i18n import LANG_COOKIE
from training.models import Claim, Cohort


@pytest.fixture
def demo_server(database_url, tmp_path_factory):
    with translated_app(database_url, compiled_translations(tmp_path_factory)) as app:
        passwords = {username: password for username, _role, password in demo.seed()}
        db.session.commit()
        claim_id = db.session.scalar(select(Claim.id).join(Cohort).where(Cohort.code == PAID_CLASS))
        notice = f"/claims/notice/{token_for(app.config['SECRET_KEY'], claim_id)}"
        with serving(app) as url:
            yield url, passwords["demo_reviewer"], claim_id, notice


def _check(page, url: str, path: str, html_lang: str) -> None:
    response = page.goto(url + path)
    assert response.ok, f"{path}: {response.status}"
    assert page.locator("html").get_attribute("lang") == html_lang
    assert_fits(page)
    assert_accessible(page)


@pytest.mark.parametrize(("language", "html_lang"), [("zh_CN", "zh-CN"), ("en", "en")])
def test_the_paid_demo_claim_its_documents_and_its_public_notice_fit_a_phone(
    demo_server, new_page, language, html_lang
):
    url, password, claim_id, notice = demo_server
    cookie = {"name": LANG_COOKIE, "value": language, "url": url}
    reviewer = new_page(PHONE, bypass_csp=True)  # axe is injected into every page
    reviewer.context.add_cookies([cookie])
    sign_in(reviewer, url, "demo_reviewer", password)
    public = new_page(PHONE, bypass_csp=True)
    public.context.add_cookies([cookie])

    _check(reviewer, url, f"/claims/{claim_id}", html_lang)
    assert reviewer.locator(".objection-outcome").count() == 2
    _check(reviewer, url, f"/claims/{claim_id}/documents", html_lang)
    _check(public, url, notice, html_lang)
