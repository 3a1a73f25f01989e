"""Language choice: zh_CN by default, English on request, remembered in a cookie and on the account."""

from __future__ import annotations

from functools import cache

from babel import Locale
from flask import Flask, current_app, has_request_context, request
from flask_login import current_user

LANG_COOKIE = "jfw_lang"


def select_locale() -> Locale:
    languages = current_app.config["LANGUAGES"]
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    if not has_request_context():  # command line and worker: the default language
        return _locale(default)
    chosen = request.cookies.get(LANG_COOKIE)
    if not chosen and current_user and current_user.is_authenticated:
        chosen = current_user.locale
    return _locale(chosen if chosen in languages else default)


@cache
def _locale(code: str) -> Locale:
    """Parsed once per language: parsing searches Babel's list of every locale, on each request otherwise."""
    return Locale.parse(code)


def select_timezone() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def register(app: Flask) -> None:
    from flask_babel import get_locale

    from training.identity import mask_id_number, mask_name, mask_phone, mask_phones_in
    from training.labels import template_labels
    from training.web import asks_for_nobody

    app.context_processor(template_labels)
    app.add_template_filter(mask_id_number, "mask_id")
    app.add_template_filter(mask_name, "mask_name")
    app.add_template_filter(mask_phone, "mask_phone")
    app.add_template_filter(mask_phones_in, "mask_phones")

    @app.before_request
    def settle_locale() -> None:
        # Chosen while the user is loaded: after a view's commit has expired the user, asking for
        # their language (a flashed message) would cost a statement.
        if not asks_for_nobody():
            get_locale()

    @app.context_processor
    def language_context():
        english = get_locale().language == "en"
        return {"current_locale": "en" if english else "zh_CN", "html_lang": "en" if english else "zh-CN"}
