"""Error pages with the real catalog: in Chinese by default, in English with the language cookie,
each saying what to do next; an over-size upload shows its own form again."""

from __future__ import annotations

import io

import pytest
from flask import abort
from sqlalchemy.exc import OperationalError

from tests.conftest import translated_app
from tests.factories import TEST_PASSWORD, Factories
from tests.support.translations import compiled_translations
from training.extensions import db


@pytest.fixture(scope="module")
def translation_directory(tmp_path_factory) -> str:
    return compiled_translations(tmp_path_factory)


def _fail(code: int):
    """A page that fails the way the app's own pages do, for the codes no page answers on demand."""
    if code == 503:
        raise OperationalError("SELECT 1", {}, Exception("the database is down"))
    if code == 500:
        raise RuntimeError("a bug")
    abort(code)


@pytest.fixture
def translated(database_url, translation_directory):
    with translated_app(database_url, translation_directory) as app:
        app.config["PROPAGATE_EXCEPTIONS"] = False  # a 500 reaches its page, as in production
        app.add_url_rule("/test-failure/<int:code>", "test_failure", _fail)
        yield app


@pytest.fixture
def county_coordinator(translated):
    client = translated.test_client()
    user = Factories().user(role="coordinator", county_code="610924")
    db.session.commit()
    response = client.submit("/login", {"username": user.username, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return client


def _csrf_failure(client):
    return client.post("/login", data={"username": "x", "password": "y"})  # no token


def _too_large(client):
    client.application.config["MAX_CONTENT_LENGTH"] = 1024
    return client.post("/login", data={"username": "x" * 4096, "password": "y"})


CASES = [
    # (how the page is reached, status, Chinese title, Chinese next step, English title)
    (lambda c: c.get("/test-failure/400"), 400, "请求有误", "刷新后再试一次", "Bad request"),
    (lambda c: c.get("/courses/new"), 403, "无权访问", "开通权限", "Not allowed"),
    (lambda c: c.get("/no-such-page"), 404, "找不到", "从首页重新进入", "Not found"),
    (lambda c: c.get("/logout"), 405, "此处不能这样操作", "用页面上的按钮操作", "Not allowed here"),
    (_too_large, 413, "文件太大", "换一个小一些的文件", "File too large"),
    (lambda c: c.get("/test-failure/429"), 429, "尝试次数太多", "请等几分钟再试", "Too many attempts"),
    (lambda c: c.get("/test-failure/500"), 500, "出错了", "告诉系统管理员出错的时间", "Something went wrong"),
    (_csrf_failure, 400, "表单已过期", "重新填写并提交", "The form expired"),
    (lambda c: c.get("/test-failure/503"), 503, "服务暂时不可用", "请过几分钟再试", "Service unavailable"),
]


@pytest.mark.parametrize(
    "reach, status, title, next_step, english",
    CASES,
    ids=["400", "403", "404", "405", "413", "429", "500", "csrf", "503"],
)
def test_every_error_page_is_chinese_and_says_what_to_do_next(
    county_coordinator, reach, status, title, next_step, english
):
    response = reach(county_coordinator)
    html = response.get_data(as_text=True)

    assert response.status_code == status
    assert f"{title} <small" in html
    assert "怎么办：" in html and next_step in html
    assert english not in html


@pytest.mark.parametrize(
    "reach, status, title, next_step, english",
    CASES,
    ids=["400", "403", "404", "405", "413", "429", "500", "csrf", "503"],
)
def test_every_error_page_is_english_with_the_language_cookie(
    county_coordinator, reach, status, title, next_step, english
):
    county_coordinator.set_cookie("jfw_lang", "en")
    response = reach(county_coordinator)
    html = response.get_data(as_text=True)

    assert response.status_code == status
    assert f"{english} <small" in html
    assert "What to do:" in html
    assert title not in html


def test_an_over_size_roster_shows_the_import_form_again_in_chinese_with_its_cohort_chosen(
    translated, county_coordinator
):
    make = Factories()
    cohort = make.cohort(status="open", code="ZY-BIG-01")
    db.session.commit()
    token = county_coordinator.csrf_token("/trainees/import/")
    translated.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    # A browser sends the fields in the form's order: the choices, then the file.
    response = county_coordinator.post(
        "/trainees/import/",
        content_type="multipart/form-data",
        data={
            "csrf_token": token,
            "county_code": "610924",
            "cohort_id": str(cohort.id),
            "file": (io.BytesIO(b"a,b\n" * 40_000), "roster.csv"),
        },
    )
    html = response.get_data(as_text=True)

    assert response.status_code == 413
    assert 'class="import-upload"' in html
    assert f'<option selected value="{cohort.id}">ZY-BIG-01' in html
    assert "文件超过了 64 KB 的上限。" in html
    assert "请把名册拆成几个小文件" in html


def test_an_over_size_seal_image_shows_the_seal_page_again_in_chinese(translated):
    client = translated.test_client()
    admin = Factories().user(role="admin")
    db.session.commit()
    client.submit("/login", {"username": admin.username, "password": TEST_PASSWORD})
    token = client.csrf_token("/admin/seal")
    translated.config["MAX_CONTENT_LENGTH"] = 256 * 1024
    response = client.post(
        "/admin/seal",
        content_type="multipart/form-data",
        data={
            "csrf_token": token,
            "image": (io.BytesIO(b"\x89PNG" + b"0" * 400 * 1024), "seal.png"),
        },
    )
    html = response.get_data(as_text=True)

    assert response.status_code == 413
    assert "文件超过了 256 KB 的上限。" in html
    assert "印章图片远小于 1 MB 就够了" in html
    assert 'enctype="multipart/form-data"' in html  # the upload form, not a bare error page
