"""Reading what a page shows: the text of elements by class, field values, the page language."""

from __future__ import annotations

import re
from html.parser import HTMLParser

_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _ClassText(HTMLParser):
    """Collects the text of every element carrying a CSS class."""

    def __init__(self, css_class: str):
        super().__init__()
        self.css_class, self.depth, self.found, self.current = css_class, 0, [], []

    def handle_starttag(self, tag, attrs):
        if tag in _VOID:
            return
        if self.depth:
            self.depth += 1
        elif self.css_class in (dict(attrs).get("class") or "").split():
            self.depth, self.current = 1, []

    def handle_endtag(self, tag):
        if tag in _VOID or not self.depth:
            return
        self.depth -= 1
        if not self.depth:
            self.found.append(" ".join("".join(self.current).split()))

    def handle_data(self, data):
        if self.depth:
            self.current.append(data)


def texts(html: str, css_class: str) -> list[str]:
    """The whitespace-normalised text of each element with this class, in page order."""
    parser = _ClassText(css_class)
    parser.feed(html)
    return parser.found


def errors(html: str) -> list[str]:
    """Field errors and form-level error alerts."""
    return texts(html, "invalid-feedback") + texts(html, "alert-danger")


def html_lang(html: str) -> str:
    match = re.search(r'<html lang="([^"]+)"', html)
    assert match, "no <html lang> on the page"
    return match.group(1)


def input_value(html: str, name: str) -> str | None:
    """The value attribute of the input with this name (None when absent or empty)."""
    tag = re.search(rf'<input[^>]*\bname="{re.escape(name)}"[^>]*>', html)
    assert tag, f"no input {name!r} on the page"
    value = re.search(r'\bvalue="([^"]*)"', tag.group(0))
    return value.group(1) if value else None


def cards(html: str) -> list[str]:
    """The text of each card (the counters of the home pages)."""
    return texts(html, "card-body")
