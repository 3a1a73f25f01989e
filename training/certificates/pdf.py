"""The one place that renders PDFs: certificate pages from a Jinja template through WeasyPrint.

Rendering is the hot path, and most of a one-page write_pdf() is the cost of a document
(fonts loaded and subset: ~60 ms here), not of its page (~8 ms); so a batch is laid out
as one document and split into one file per page, each a complete PDF of its own
(pdfsplit.py). Layout is single-threaded Python: a large batch is cut into parts that
processes of a pool lay out side by side, one core each (CERTIFICATE_RENDER_PROCESSES).
Resources come only from our static folder (and data: URIs): WeasyPrint never reaches the
network or the rest of the file system.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import gc
import math
import mimetypes
import multiprocessing
import os
import select
import struct
import threading
import time
import urllib.parse
import zlib
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

import jinja2
import segno
from flask import current_app
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse
from werkzeug.security import safe_join

from training.certificates.pdfsplit import split_pages

# Relative URLs in the template resolve against this; `.invalid` never resolves (RFC 2606).
ORIGIN = "https://jinfanwan.invalid"
TEMPLATE = "certificates/certificate.html"
# Below this many pages a part is not worth a process of its own: a document's fixed cost
# (~60 ms) is about as much as laying out seven pages.
MIN_PAGES_PER_PART = 10
# A pool process is replaced after this many parts, so whatever layout leaks stays bounded.
PARTS_PER_PROCESS = 50
# A fixed QR mask: the standard allows any of the eight, and choosing the "best" one costs
# segno ~5 ms a code, more than laying out the rest of the page.
MASK = 0


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
    header, _, payload = url[len("data:") :].partition(",")
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
        # One pixel per module, drawn unsmoothed (image-rendering: pixelated): WeasyPrint draws
        # the SVG path of a QR code in ~20 ms a page, an image in next to nothing.
        matrix = segno.make(self.verify_url, error="m", micro=False, mask=MASK).matrix
        return "data:image/png;base64," + base64.b64encode(qr_png(matrix)).decode("ascii")


def qr_png(matrix: Sequence[Sequence[int]], border: int = 2) -> bytes:
    """A 1-bit greyscale PNG of a QR matrix (1 = dark), one pixel per module, with a quiet zone."""
    size = len(matrix) + 2 * border
    padding = (-size) % 8

    def row(bits: str) -> bytes:
        return b"\x00" + int(bits + "1" * padding, 2).to_bytes((size + padding) // 8, "big")

    quiet = row("1" * size)
    rows = (
        [quiet] * border
        + [row("1" * border + "".join("0" if m else "1" for m in line) + "1" * border) for line in matrix]
        + [quiet] * border
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", size, size, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + chunk(b"IEND", b"")
    )


def static_url(filename: str) -> str:
    return f"{ORIGIN}/static/{filename}"


@dataclass(frozen=True)
class Folders:
    """Where a render process finds the certificate template and the static files it may read."""

    templates: str
    static: str

    @classmethod
    def of_app(cls) -> Folders:
        templates, static = current_app.template_folder, current_app.static_folder
        assert templates is not None and static is not None  # the app keeps Flask's default folders
        return cls(str(Path(current_app.root_path) / templates), static)


@functools.lru_cache(maxsize=4)
def _certificate_template(template_folder: str) -> jinja2.Template:
    # A plain autoescaping environment: a render process has no app, and the template needs none.
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(template_folder), autoescape=True, auto_reload=False
    )
    return environment.get_template(TEMPLATE)


def certificates_html(pages: Sequence[CertificatePage], seal_src: str | None, folders: Folders | None = None) -> str:
    """The HTML of a batch: one A4 landscape page per certificate (without `folders`: the app's).

    seal_src: the uploaded seal as a data: URI, or None for the neutral placeholder."""
    template = _certificate_template((folders or Folders.of_app()).templates)
    return template.render(pages=pages, seal_src=seal_src, static_url=static_url)


@contextlib.contextmanager
def _cyclic_gc_paused():
    """Layout allocates millions of small objects; the collector rescanning them all, again and
    again as the document grows, costs more than collecting once at the end."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def write_pdf(html: str) -> bytes:
    """The PDF of `html`; raises ResourceRefused if it asks for anything but our static files."""
    return _write_pdf(html, Folders.of_app().static)


def _write_pdf(html: str, static_folder: str) -> bytes:
    fetcher = StaticFilesOnly(static_folder)
    try:
        with _cyclic_gc_paused():
            return HTML(string=html, base_url=ORIGIN + "/", url_fetcher=fetcher).write_pdf()
    except FatalURLFetchingError as error:  # a BaseException: turn it into an ordinary failure
        raise ResourceRefused(str(error.__cause__ or error)) from None


def _render_part(pages: Sequence[CertificatePage], seal_src: str | None, folders: Folders) -> list[bytes]:
    """One PDF per page, laid out as one document: all a pool process does (QR codes, HTML, layout)."""
    pdf = _write_pdf(certificates_html(pages, seal_src, folders), folders.static)
    return split_pages(pdf, [f"结业证书 {page.serial}" for page in pages])


def render_batch(pages: Sequence[CertificatePage], seal_src: str | None) -> list[bytes]:
    """One PDF file per certificate, laid out together: each part of the batch shares one font subset.

    A batch big enough is cut into parts laid out at once by the render pool; the files come
    back in the order of `pages`. Needs an app context (the folders and the settings)."""
    if not pages:
        return []
    folders = Folders.of_app()
    processes = current_app.config["CERTIFICATE_RENDER_PROCESSES"]
    parts = min(processes, len(pages) // MIN_PAGES_PER_PART)
    if parts <= 1 or multiprocessing.current_process().daemon:
        # A daemonic process (a `huey_consumer -k process` worker) may not start processes. Threads
        # of one process lay out one at a time: nothing promises that Pango and fontconfig, under
        # WeasyPrint, take two layouts at once.
        with _inline_layout:
            return _render_part(pages, seal_src, folders)
    size = math.ceil(len(pages) / parts)
    pool = _render_pool(processes)
    futures = [
        pool.submit(_render_part, pages[start : start + size], seal_src, folders)
        for start in range(0, len(pages), size)
    ]
    try:
        return [data for future in futures for data in future.result()]
    except BrokenProcessPool:  # a process died (out of memory, killed): the next batch gets a new pool
        _discard_pool(pool)
        raise
    finally:
        for future in futures:  # after a failed part, the others are not worth waiting for
            future.cancel()


_inline_layout = threading.Lock()
_pool: ProcessPoolExecutor | None = None
_pool_lock = threading.Lock()


def _render_pool(processes: int) -> ProcessPoolExecutor:
    """This process's render pool, made on first use and kept (threads of a worker share it).
    Its processes come from a forkserver: forking a worker that runs threads could copy a lock
    some other thread holds."""
    global _pool
    with _pool_lock:
        if _pool is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload([__name__])
            _pool = ProcessPoolExecutor(
                processes,
                mp_context=context,
                max_tasks_per_child=PARTS_PER_PROCESS,
                initializer=_end_with,
                initargs=(os.getpid(),),
            )
        return _pool


def _end_with(worker_pid: int) -> None:
    """A pool process ends as soon as the worker that started it does: a worker killed in the
    middle of a batch leaves no layout process behind. Linux tells through a pidfd; elsewhere
    (or where pidfd_open is refused) the process asks every second whether the worker lives."""
    try:
        worker = os.pidfd_open(worker_pid)
    except (AttributeError, OSError):
        worker = None

    def watch() -> None:
        if worker is not None:
            select.select([worker], [], [])
        else:
            while _alive(worker_pid):
                time.sleep(1)
        os._exit(1)

    threading.Thread(target=watch, name="end-with-worker", daemon=True).start()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, under another user
        return True
    return True


def shutdown_render_pool() -> None:
    """Stop this process's render pool, if it has one (the next batch makes a new one)."""
    global _pool
    with _pool_lock:
        pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)


def _discard_pool(pool: ProcessPoolExecutor) -> None:
    global _pool
    with _pool_lock:
        if _pool is pool:
            _pool = None
    pool.shutdown(wait=False, cancel_futures=True)


def render_one(page: CertificatePage, seal_src: str | None) -> bytes:
    """One certificate, one write_pdf(): the slow path, kept as the benchmark's baseline."""
    return write_pdf(certificates_html([page], seal_src))
