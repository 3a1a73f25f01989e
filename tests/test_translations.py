"""The zh_CN catalog: complete, up to date with the sources, placeholders intact, and used.

Other tests run with BABEL_TRANSLATION_DIRECTORIES pointing nowhere (tests/conftest.py), so
they read English msgids; here an app is built with the real catalog.

When a test here fails because strings were added or changed, extract and update:

    .venv/bin/pybabel extract -F babel.cfg -k _l -k lazy_pgettext:1c,2 -o training/translations/messages.pot .
    .venv/bin/pybabel update -i training/translations/messages.pot -d training/translations

then translate the new entries of training/translations/zh_Hans_CN/LC_MESSAGES/messages.po.

The folder is zh_Hans_CN, not zh_CN: Flask-Babel parses the locale "zh_CN" with Babel, which
adds the likely script (Locale.parse("zh_CN") is zh_Hans_CN), and looks for that folder (or
"zh"); a zh_CN folder would never be read and the pages would stay in English.
"""

from __future__ import annotations

import io
import re

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from tests.conftest import translated_app
from tests.support.translations import PO, ROOT, compiled_translations
from tests.support.translations import load_catalog as _load

NAMED = re.compile(r"%\((\w+)\)[-#0 +]?\d*(?:\.\d+)?([diouxXeEfFgGcrs])")
BRACES = re.compile(r"\{[^{}]*\}")
TAG = re.compile(r"</?[a-zA-Z][^>]*>")


def _key(message) -> str:
    return message.id[0] if isinstance(message.id, (list, tuple)) else message.id


def _ids(message) -> tuple[str, ...]:
    return tuple(message.id) if isinstance(message.id, (list, tuple)) else (message.id,)


def _strings(message) -> tuple[str, ...]:
    return tuple(message.string) if isinstance(message.string, (list, tuple)) else (message.string,)


@pytest.fixture(scope="module")
def catalog():
    assert PO.exists(), f"no catalog at {PO.relative_to(ROOT)}"
    return _load(PO)


@pytest.fixture(scope="module")
def entries(catalog):
    return [m for m in catalog if m.id]


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> set[str]:
    """Every msgid in the current sources, extracted the way the README says."""
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    CommandLineInterface().run(
        [
            "pybabel",
            "-q",
            "extract",
            "-F",
            str(ROOT / "babel.cfg"),
            "-k",
            "_l",
            "-k",
            "lazy_pgettext:1c,2",
            "-o",
            str(pot),
            str(ROOT),
        ]
    )
    with pot.open("rb") as handle:
        return {_key(m) for m in read_po(handle) if m.id}


@pytest.fixture(scope="session")
def translation_directory(tmp_path_factory) -> str:
    return compiled_translations(tmp_path_factory)


def test_the_catalog_is_chinese_with_one_plural_form(catalog):
    assert str(catalog.locale).startswith("zh")
    assert catalog.num_plurals == 1
    assert "nplurals=1; plural=0;" in catalog.plural_forms


def test_every_msgid_has_a_translation_and_none_is_fuzzy(entries):
    assert entries, "the catalog is empty"
    untranslated = [_key(m) for m in entries if not all(s.strip() for s in _strings(m))]
    fuzzy = [_key(m) for m in entries if m.fuzzy]
    assert not untranslated, f"{len(untranslated)} msgids without a translation:\n" + "\n".join(untranslated)
    assert not fuzzy, f"{len(fuzzy)} fuzzy entries:\n" + "\n".join(fuzzy)


def test_the_catalog_covers_every_string_in_the_sources(entries, extracted):
    missing = sorted(extracted - {_key(m) for m in entries})
    assert not missing, (
        f"{len(missing)} msgids in the sources are not in {PO.relative_to(ROOT)} "
        "(extract, update and translate; see this file's docstring):\n" + "\n".join(missing)
    )


def test_placeholders_and_markup_are_kept(catalog, entries):
    problems = []
    for m in entries:
        ids = _ids(m)
        want_named = set().union(*(NAMED.findall(i) for i in ids))
        want_braces = set().union(*(BRACES.findall(i) for i in ids))
        want_tags = sorted(TAG.findall(ids[-1]))
        for s in _strings(m):
            if set(NAMED.findall(s)) != want_named:
                problems.append(f"{_key(m)!r}: placeholders {sorted(set(NAMED.findall(s)))} != {sorted(want_named)}")
            if set(BRACES.findall(s)) != want_braces:
                problems.append(f"{_key(m)!r}: braces {sorted(set(BRACES.findall(s)))} != {sorted(want_braces)}")
            if sorted(TAG.findall(s)) != want_tags:
                problems.append(f"{_key(m)!r}: markup {sorted(TAG.findall(s))} != {want_tags}")
            if "%" in s and "%" not in "".join(ids):
                problems.append(f"{_key(m)!r}: a '%' that the msgid has not")
    # Babel's own checks, the ones `pybabel compile` runs (python-format and friends).
    for message, errors in catalog.check():
        problems.extend(f"{_key(message)!r}: {error}" for error in errors)
    assert not problems, "\n".join(problems)


def test_the_catalog_compiles(catalog):
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    assert buffer.getvalue()


@pytest.fixture
def translated_client(database_url, translation_directory):
    with translated_app(database_url, translation_directory) as app:
        yield app.test_client()


def test_the_login_page_is_chinese_by_default(translated_client):
    html = translated_client.get("/login").get_data(as_text=True)
    assert 'lang="zh-CN"' in html
    assert "登录" in html
    assert "Sign in" not in html


def test_the_login_page_is_english_with_the_language_cookie(translated_client):
    translated_client.set_cookie("jfw_lang", "en")
    html = translated_client.get("/login").get_data(as_text=True)
    assert 'lang="en"' in html
    assert "Sign in" in html
    assert "登录" not in html


@pytest.mark.parametrize(
    "context, english, chinese",
    [
        ("check-in method", "Code", "签到码"),  # how a trainee checked in, beside 扫码
        ("audit", "Before", "变更前"),
        ("audit", "After", "变更后"),
        ("follow-up", "After", "回访节点"),  # 3 / 6 / 12 months after the start
        ("action", "Record", "登记"),
    ],
)
def test_a_word_with_two_meanings_is_translated_by_its_context(translated_client, context, english, chinese):
    from flask_babel import pgettext

    with translated_client.application.test_request_context():
        assert pgettext(context, english) == chinese
