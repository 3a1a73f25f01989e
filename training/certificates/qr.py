"""Reading the QR code back out of a certificate PDF, as a phone camera would see the printout."""

from __future__ import annotations

import pypdfium2
import zxingcpp

RENDER_SCALE = 3  # 216 dpi: a 32 mm code is ~270 px, plenty for the decoder
QR_ONLY = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)


def qr_texts(pdf: bytes, scale: float = RENDER_SCALE) -> list[str]:
    """The text of every QR code on every page, in page order."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        texts = []
        for index in range(len(document)):
            page = document[index]
            image = page.render(scale=scale, grayscale=True).to_pil()
            texts += [code.text for code in zxingcpp.read_barcodes(image, formats=QR_ONLY)]
            page.close()
        return texts
    finally:
        document.close()
