"""Words of the Chinese pages, read with the real catalog: a course's or an employer's name is not
a person's name (姓名); a trainee is told in classes, not tenths of hours, what is still missing."""

from __future__ import annotations

import re

import pytest

from tests.conftest import AuthActions, translated_app
from tests.factories import Factories
from tests.support.translations import compiled_translations
from training.extensions import db


@pytest.fixture(scope="module")
def translation_directory(tmp_path_factory) -> str:
    return compiled_translations(tmp_path_factory)


@pytest.fixture
def translated_client(database_url, translation_directory):
    with translated_app(database_url, translation_directory) as app:
        yield app.test_client()


@pytest.fixture
def chinese(translated_client):
    AuthActions(translated_client, Factories()).login("coordinator")
    return translated_client


def _headers_and_labels(html: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", text).strip()
        for text in re.findall(r"<(?:th|label)\b[^>]*>(.*?)</(?:th|label)>", html, re.S)
    ]


@pytest.mark.parametrize(
    "page, word",
    [
        ("/courses", "项目名称"),
        ("/courses/new", "项目名称"),
        ("/employers", "单位名称"),
        ("/employers/new", "单位名称"),
    ],
)
def test_a_course_or_employer_name_is_not_labelled_as_a_persons_name(chinese, page, word):
    make = Factories()
    make.course()
    make.employer()
    db.session.commit()

    html = chinese.get(page).get_data(as_text=True)

    words = _headers_and_labels(html)
    assert word in words
    assert "姓名" not in words


def test_a_trainee_short_of_a_fraction_of_an_hour_reads_one_more_class(translated_client):
    from tests.support.me import in_class

    # 78 % of 10 classes of 4 hours is 31.2 hours; 28 attended read "还要上 3.2 课时": one more class.
    setup = in_class(Factories(), held=8, to_come=2, marks=["present"] * 7 + [None], min_pct=78)
    AuthActions(translated_client, Factories()).login(setup.user)

    html = translated_client.get("/me").get_data(as_text=True)

    assert '还差 <span class="missing-classes">1</span> 节课才够。' in html
    assert "课时才够" not in html
