"""Rendering: only our static files reach WeasyPrint; a batch splits into files that stand alone."""

from __future__ import annotations

import io
import subprocess

import pypdf
import pytest

from training.certificates import pdf, qr


def page(n: int, name: str = "王秀英") -> pdf.CertificatePage:
    serial = f"AK-2026-610924-{n:05d}"
    return pdf.CertificatePage(
        serial=serial,
        name=name,
        masked_id="610924********2528",
        course="母婴护理员（五级）",
        occupation="母婴护理员",
        level="五级/初级工",
        hours=96,
        start_date="2026年3月1日",
        end_date="2026年3月20日",
        site="白河县宋家镇安置社区培训室",
        issuer="安康市人力资源和社会保障局",
        issued_on="2026年4月1日",
        verify_url=f"http://127.0.0.1:5000/verify/{serial}?t=tok{n:019d}",
    )


@pytest.fixture
def fetcher(app):
    return pdf.StaticFilesOnly(app.static_folder)


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://example.com/logo.png",
        "https://example.com/static/css/certificate-print.css",
        "https://jinfanwan.invalid/etc/passwd",
        "https://jinfanwan.invalid/static/../../../../etc/passwd",
        "https://jinfanwan.invalid/static/%2e%2e/%2e%2e/training/config.py",
        "ftp://jinfanwan.invalid/static/css/certificate-print.css",
    ],
)
def test_the_url_fetcher_refuses_anything_but_our_static_files(fetcher, url):
    with pytest.raises(ValueError):
        fetcher.fetch(url)


def test_the_url_fetcher_serves_a_static_file_and_a_data_uri(fetcher):
    css = fetcher.fetch(pdf.static_url("css/certificate-print.css"))
    data = fetcher.fetch("data:text/plain;base64,5a6J5bq3")

    assert b"@page" in css.read() and css.content_type == "text/css"
    assert data.read().decode() == "安康"


def test_a_page_that_asks_for_a_local_file_is_not_rendered(app):
    html = '<html><body><img src="file:///etc/passwd"><p>王</p></body></html>'

    with app.test_request_context(), pytest.raises(pdf.ResourceRefused, match="file:///etc/passwd"):
        pdf.write_pdf(html)


def test_each_file_split_from_a_batch_stands_alone(app):
    names = ["王秀英", "李桂兰", "欧阳娜娜", "张玉梅", "陈静", "杨丽"]
    pages = [page(n, name) for n, name in enumerate(names, start=1)]

    with app.test_request_context():
        files = pdf.render_batch(pages, seal_src=None)

    assert len(files) == len(pages)
    for certificate, data in zip(pages, files, strict=True):
        assert len(data) < 300 * 1024
        reader = pypdf.PdfReader(io.BytesIO(data), strict=True)
        assert len(reader.pages) == 1 and reader.metadata.title == f"结业证书 {certificate.serial}"
        poppler = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True)
        assert poppler.stderr == b"" and certificate.name in poppler.stdout.decode()
        text = reader.pages[0].extract_text()
        assert certificate.name in text and certificate.serial in text
        assert qr.qr_texts(data) == [certificate.verify_url]
        images = reader.pages[0]["/Resources"]["/XObject"]
        assert len(images) <= 3  # its own QR code and the seal, not the whole batch's


@pytest.fixture
def render_pool(app):
    """Two layout processes for batches of 20 pages or more, stopped after the test."""
    app.config["CERTIFICATE_RENDER_PROCESSES"] = 2
    yield
    pdf.shutdown_render_pool()


def test_a_large_batch_is_laid_out_by_the_pool_and_comes_back_in_order(app, render_pool):
    pages = [page(n, f"王{'秀英桂兰玉梅'[n % 6]}{n}") for n in range(1, 2 * pdf.MIN_PAGES_PER_PART + 4)]

    with app.test_request_context():
        files = pdf.render_batch(pages, seal_src=None)

    assert pdf._pool is not None, "the batch was not handed to the pool"
    assert len(files) == len(pages)
    for certificate, data in zip(pages, files, strict=True):
        reader = pypdf.PdfReader(io.BytesIO(data), strict=True)
        assert len(reader.pages) == 1 and reader.metadata.title == f"结业证书 {certificate.serial}"
        assert certificate.name in reader.pages[0].extract_text()
    assert qr.qr_texts(files[-1]) == [pages[-1].verify_url]


def test_a_part_refused_in_a_pool_process_fails_the_whole_batch(app, render_pool):
    pages = [page(n) for n in range(1, 2 * pdf.MIN_PAGES_PER_PART + 1)]

    with app.test_request_context(), pytest.raises(pdf.ResourceRefused, match="file:///etc/passwd"):
        pdf.render_batch(pages, seal_src="file:///etc/passwd")


def test_a_certificate_page_is_a4_landscape(app):
    with app.test_request_context():
        [data] = pdf.render_batch([page(1)], seal_src=None)

    box = pypdf.PdfReader(io.BytesIO(data)).pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (297, 210)
