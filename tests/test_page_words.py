"""Words of the Chinese pages that had one msgid for two meanings: a course's or an employer's
name is not a person's name (姓名). Read with the real catalog."""
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
def chinese(database_url, translation_directory):
    with translated_app(database_url, translation_directory) as app:
        client = app.test_client()
        AuthActions(client, Factories()).login("coordinator")
        yield client


def _headers_and_labels(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", text).strip() for text in re.findall(r"<(?:th|label)\b[^>]*>(.*?)</(?:th|label)>", html, re.S)]


@pytest.mark.parametrize("page, word", [
    ("/courses", "项目名称"),
    ("/courses/new", "项目名称"),
    ("/employers", "单位名称"),
    ("/employers/new", "单位名称"),
])
def test_a_course_or_employer_name_is_not_labelled_as_a_persons_name(chinese, page, word):
    make = Factories()
    make.course()
    make.employer()
    db.session.commit()

    html = chinese.get(page).get_data(as_text=True)

    words = _headers_and_labels(html)
    assert word in words
    assert "姓名" not in words
