"""The ceiling for bench/load.py: a bare WSGI app that answers every request with a few bytes,
served by the same gunicorn settings (`gunicorn -w 2 bench.hello:app`)."""

from __future__ import annotations

BODY = b'<!doctype html><title>hello</title><input name="csrf_token" type="hidden" value="x">'


def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(BODY)))])
    return [BODY]
