"""The one place that renders PDFs: certificate pages from a Jinja template through WeasyPrint.

Rendering is the hot path, and most of one write_pdf() is spent subsetting the CJK
font; so a batch is laid out as one document and split into one file per page, each
file a complete PDF of its own. Resources come only from our static folder (and data:
URIs): WeasyPrint never reaches the network or the rest of the file system.
"""
from __future__ import annotations

import base64
import io
import mimetypes
import re
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import segno
from flask import current_app, render_template
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DictionaryObject, NameObject
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse
from werkzeug.security import safe_join

# Relative URLs in the template resolve against this; `.invalid` never resolves (RFC 2606).
ORIGIN = "https://jinfanwan.invalid"
TEMPLATE = "certificates/certificate.html"
_NAME = re.compile(rb"/([A-Za-z0-9_.+-]+)")


class ResourceRefused(ValueError):
    """The certificate template asked for something that is not one of our static files."""


class StaticFilesOnly(URLFetcher):
    """Serves ORIGIN/static/… from the static folder and decodes data: URIs; refuses the rest."""

    def __init__(self, static_folder: str | Path):
        super().__init__(allowed_protocols=("https", "data"), allow_redirects=False, fail_on_errors=True)
        self.static_folder = str(static_folder)

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        if url.startswith("data:"):
            return _data_uri(url)
        parts = urllib.parse.urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != ORIGIN or not parts.path.startswith("/static/"):
            raise ResourceRefused(f"refused to fetch {url[:200]}")
        path = safe_join(self.static_folder, urllib.parse.unquote(parts.path.removeprefix("/static/")))
        if path is None or not Path(path).is_file():
            raise ResourceRefused(f"no static file for {url[:200]}")
        mimetype = mimetypes.guess_type(path)[0] or "application/octet-stream"
        return URLFetcherResponse(url, Path(path).read_bytes(), {"Content-Type": mimetype})


def _data_uri(url: str) -> URLFetcherResponse:
    header, _, payload = url[len("data:"):].partition(",")
    mimetype, *params = header.split(";")
    body = base64.b64decode(payload) if "base64" in params else urllib.parse.unquote_to_bytes(payload)
    return URLFetcherResponse(url[:64], body, {"Content-Type": mimetype or "text/plain"})


@dataclass(frozen=True)
class CertificatePage:
    """Everything one certificate page prints, already in the words it prints them."""

    serial: str
    name: str
    masked_id: str
    course: str
    occupation: str
    level: str
    hours: int
    start_date: str
    end_date: str
    site: str
    issuer: str
    issued_on: str
    verify_url: str

    @property
    def qr_src(self) -> str:
        # A 1-bit PNG: WeasyPrint draws an SVG path of a QR code at ~20 ms a page, an image at ~0.
        return segno.make(self.verify_url, error="m", micro=False).png_data_uri(scale=4, border=2)


def static_url(filename: str) -> str:
    return f"{ORIGIN}/static/{filename}"


def certificates_html(pages: Sequence[CertificatePage], seal_src: str) -> str:
    """The HTML of a batch: one A4 landscape page per certificate (needs an app context)."""
    return render_template(TEMPLATE, pages=pages, seal_src=seal_src, static_url=static_url)


def write_pdf(html: str) -> bytes:
    """The PDF of `html`; raises ResourceRefused if it asks for anything but our static files."""
    fetcher = StaticFilesOnly(current_app.static_folder)
    try:
        return HTML(string=html, base_url=ORIGIN + "/", url_fetcher=fetcher).write_pdf()
    except FatalURLFetchingError as error:  # a BaseException: turn it into an ordinary failure
        raise ResourceRefused(str(error.__cause__ or error)) from None


def _keep_own_resources(page) -> None:
    """WeasyPrint gives all pages one resources dictionary; give this page only what it draws."""
    resources = page["/Resources"]
    xobjects = resources.get("/XObject")
    if not xobjects:
        return
    used = {"/" + name.decode("latin-1") for name in _NAME.findall(page.get_contents().get_data())}
    own = DictionaryObject({key: value for key, value in resources.items() if key != "/XObject"})
    own[NameObject("/XObject")] = DictionaryObject({k: v for k, v in xobjects.items() if k in used})
    page[NameObject("/Resources")] = own


def split_pages(pdf: bytes, titles: Sequence[str] = ()) -> list[bytes]:
    """One complete PDF per page of `pdf`, each carrying only the resources its page uses."""
    reader = PdfReader(io.BytesIO(pdf))
    files = []
    for number, page in enumerate(reader.pages):
        _keep_own_resources(page)
        writer = PdfWriter()
        writer.add_page(page)
        if number < len(titles):
            writer.add_metadata({"/Title": titles[number], "/Producer": "Jinfanwan"})
        buffer = io.BytesIO()
        writer.write(buffer)
        files.append(buffer.getvalue())
    return files


def render_batch(pages: Sequence[CertificatePage], seal_src: str) -> list[bytes]:
    """One PDF file per certificate, laid out together: the batch shares one font subset."""
    if not pages:
        return []
    pdf = write_pdf(certificates_html(pages, seal_src))
    return split_pages(pdf, [f"结业证书 {page.serial}" for page in pages])


def render_one(page: CertificatePage, seal_src: str) -> bytes:
    """One certificate, one write_pdf(): the slow path, kept as the benchmark's baseline."""
    return write_pdf(certificates_html([page], seal_src))
