"""Error pages in the user's language, each saying what happened and what to do next; a failed
request never leaves a half-done transaction.

The texts are marked with lazy_gettext where they are written, so pybabel extracts them (a
`_(title)` on a variable extracts nothing and left the pages in English). An upload over the
size limit shows its own form again, with what was chosen, where a view registered one
(`when_too_large`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import NamedTuple

from flask import Flask, current_app, g, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.http import parse_options_header
from werkzeug.sansio.multipart import NEED_DATA, Data, Field, File, MultipartDecoder

from training.extensions import db, login_manager

log = logging.getLogger(__name__)


class ErrorText(NamedTuple):
    title: object
    message: object
    next_step: object


MESSAGES = {
    400: ErrorText(
        _l("Bad request"),
        _l("The page could not understand what was sent."),
        _l("Go back, reload the page and try again."),
    ),
    403: ErrorText(
        _l("Not allowed"),
        _l("Your account may not open this page."),
        _l("If your work needs it, ask the city's coordinator or the administrator for access."),
    ),
    404: ErrorText(
        _l("Not found"),
        _l("This page does not exist, or you may not see it."),
        _l("Check the address, or start again from the home page."),
    ),
    405: ErrorText(
        _l("Not allowed here"),
        _l("This action is not available on this page."),
        _l("Go back to the page you came from and use its buttons."),
    ),
    413: ErrorText(
        _l("File too large"),
        _l("The file is larger than the limit of %(size)s."),
        _l("Choose a smaller file and try again."),
    ),
    429: ErrorText(
        _l("Too many attempts"),
        _l("Too many attempts. Please wait a few minutes and try again."),
        _l("Wait a few minutes, then try again."),
    ),
    500: ErrorText(
        _l("Something went wrong"),
        _l("The server made an error. Nothing was saved."),
        _l("Try again in a minute. If it happens again, tell the administrator when it happened."),
    ),
    503: ErrorText(
        _l("Service unavailable"),
        _l("The database cannot be reached right now. Nothing was saved."),
        _l("Try again in a few minutes."),
    ),
}
CSRF_FAILURE = ErrorText(
    _l("The form expired"),
    _l("The form expired or was sent from elsewhere."),
    _l("Go back, reload the page, fill in the form again and send it."),
)

# endpoint -> a function that renders its form again from the fields posted ahead of the file
_too_large_pages: dict[str, Callable[[MultiDict], object]] = {}


def when_too_large(endpoint: str):
    """Register the page that shows `endpoint`'s form again when its upload is over the size limit."""

    def register_page(render: Callable[[MultiDict], object]):
        _too_large_pages[endpoint] = render
        return render

    return register_page


def upload_limit() -> str:
    """The upload limit as a person reads it: 10 MB (or 64 KB)."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    return f"{limit // 2**20} MB" if limit >= 2**20 else f"{limit // 2**10} KB"


def too_large_message(next_step: object) -> str:
    """What a form shows on its file field when the upload was over the limit, then what to do."""
    return f"{str(MESSAGES[413].message) % {'size': upload_limit()}} {next_step}"


def fields_ahead_of_files(environ, head_bytes: int = 64 * 1024) -> MultiDict:
    """The fields a refused multipart body carries ahead of its first file, read from its first bytes.

    Werkzeug refuses an over-size body before reading any of it, so the form's choices are lost
    unless read here; a browser sends the parts in the form's order, so a form that puts its
    choices before the file input gets them back. Only the head is read, never the file.
    """
    mimetype, options = parse_options_header(environ.get("CONTENT_TYPE", ""))
    length = int(environ.get("CONTENT_LENGTH") or 0)
    # Without a length (chunked) the parser has read part of the body already, and a read past
    # the end of a body would wait on the socket: then nothing is read.
    if mimetype != "multipart/form-data" or not options.get("boundary") or not length:
        return MultiDict()
    decoder = MultipartDecoder(options["boundary"].encode("latin-1"), max_form_memory_size=head_bytes)
    decoder.receive_data(environ["wsgi.input"].read(min(head_bytes, length)))
    fields: MultiDict = MultiDict()
    name, value = None, b""
    try:
        while (event := decoder.next_event()) is not NEED_DATA:
            if isinstance(event, File):
                break
            if isinstance(event, Field):
                name, value = event.name, b""
            elif isinstance(event, Data) and name is not None:
                value += event.data
                if not event.more_data:
                    fields.add(name, value.decode("utf-8", "replace"))
                    name = None
    except ValueError:  # a malformed head: the fields read so far
        pass
    return fields


def render_error(code: int, detail: str | None = None, text: ErrorText | None = None):
    text = text or MESSAGES[code]
    message = detail or str(text.message) % ({"size": upload_limit()} if code == 413 else {})
    if request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json":
        return {"error": str(text.title), "message": message}, code
    return render_template(
        "errors/error.html", code=code, title=text.title, message=message, next_step=text.next_step
    ), code


def too_many_attempts(error):
    if request.endpoint == "auth.login":
        from training.auth.forms import LoginForm

        page = render_template("auth/login.html", form=LoginForm(), throttled=str(MESSAGES[429].message))
        return page, 429
    return render_error(429)


def too_large(error):
    page = _too_large_pages.get(request.endpoint or "")
    if page is None or request.method != "POST":
        return render_error(413)
    fields = fields_ahead_of_files(request.environ)
    # The body stays unread: the page's other forms must see an empty one, not raise 413 again.
    request.__dict__.update(form=ImmutableMultiDict(), files=ImmutableMultiDict())
    return page(fields), 413


def register(app: Flask) -> None:
    app.register_error_handler(429, too_many_attempts)
    app.register_error_handler(413, too_large)
    for code in (400, 403, 404, 405):
        app.register_error_handler(code, lambda error, code=code: render_error(code))

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(400, text=CSRF_FAILURE)

    @app.errorhandler(OperationalError)
    def database_unavailable(error):
        db.session.rollback()
        g._login_user = login_manager.anonymous_user()  # the page must not ask the database who is signed in
        log.error("database unavailable: %s", type(error.orig).__name__)
        return render_error(503)

    @app.errorhandler(500)
    def server_error(error):
        db.session.rollback()
        original = getattr(error, "original_exception", None)
        if isinstance(original, DBAPIError) and original.connection_invalidated:
            return render_error(503)
        return render_error(500)
