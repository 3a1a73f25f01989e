"""Uploaded images (the seal, the scan of a certificate, the photo of a contract): a PNG or JPEG
decoded whole and turned upright, so that what is kept is re-encoded from its pixels alone.

A cut-off file is refused by its structure, not by what Pillow makes of it: WeasyPrint sets
Pillow's LOAD_TRUNCATED_IMAGES for the whole process when it is imported, and then Pillow
decodes half a photo without a word and paints the rest grey. So a PNG must reach its IEND
chunk with every chunk's CRC right, and a JPEG its end-of-image marker.
"""

from __future__ import annotations

import io
import logging
import warnings
import zlib

from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

log = logging.getLogger(__name__)

# At most this many pixels before decoding (a phone's photo has 12 to 50 million).
MAX_PIXELS = 60_000_000
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class UnreadableImage(ValueError):
    """Not a whole PNG or JPEG that can be kept; str(error) says why, in the user's language."""


def decode_image(data: bytes) -> tuple[Image.Image, str]:
    """The image decoded whole and upright (its EXIF orientation applied), and its format: PNG or JPEG."""
    if not _whole(data):
        raise UnreadableImage(_("This image is cut off or damaged: upload the whole file again."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format not in ("PNG", "JPEG"):
                    raise UnreadableImage(_("This image is not a JPEG or PNG image."))
                if image.width * image.height > MAX_PIXELS:
                    raise _too_many_pixels()
                image.load()
                return ImageOps.exif_transpose(image), image.format
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise _too_many_pixels() from None
    except UnreadableImage:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        log.info("image refused: %s", error)
        raise UnreadableImage(_("This image is damaged and cannot be read.")) from error


def _too_many_pixels() -> UnreadableImage:
    return UnreadableImage(
        _(
            "This image has more than %(million)d million pixels; take the photo again at a normal size.",
            million=MAX_PIXELS // 1_000_000,
        )
    )


def _whole(data: bytes) -> bool:
    """False for a PNG or a JPEG cut off or damaged; Pillow judges anything else."""
    if data.startswith(PNG_SIGNATURE):
        return png_is_whole(data)
    if data.startswith(b"\xff\xd8"):
        return jpeg_is_whole(data)
    return True


def png_is_whole(data: bytes) -> bool:
    """Every chunk complete with its CRC right, up to IEND (what follows IEND is never read)."""
    if not data.startswith(PNG_SIGNATURE):
        return False
    position = len(PNG_SIGNATURE)
    while position + 12 <= len(data):
        length = int.from_bytes(data[position : position + 4], "big")
        end = position + 12 + length
        if end > len(data):
            return False
        chunk = data[position + 4 : end - 4]  # its type and its data, which the CRC covers
        if zlib.crc32(chunk) != int.from_bytes(data[end - 4 : end], "big"):
            return False
        if chunk[:4] == b"IEND":
            return True
        position = end
    return False


def jpeg_is_whole(data: bytes) -> bool:
    """The markers followed from the start of the image to its end (EOI); what follows is never read."""
    if not data.startswith(b"\xff\xd8"):
        return False
    position, size = 2, len(data)
    while position + 2 <= size:
        if data[position] != 0xFF:
            return False
        marker = data[position + 1]
        if marker == 0xFF:  # a fill byte before a marker
            position += 1
        elif marker == 0xD9:  # EOI
            return True
        elif 0xD0 <= marker <= 0xD7 or marker == 0x01:  # markers without a length
            position += 2
        elif position + 4 > size:
            return False
        else:
            position += 2 + int.from_bytes(data[position + 2 : position + 4], "big")
            if marker == 0xDA:  # start of scan: its coded data runs to the next real marker
                position = _end_of_scan(data, position)
    return False


def _end_of_scan(data: bytes, position: int) -> int:
    """Where the coded data of a scan ends: the first 0xFF not followed by 0x00 (a stuffed byte) or RSTn."""
    while (position := data.find(b"\xff", position)) != -1 and position + 1 < len(data):
        following = data[position + 1]
        if following != 0x00 and not 0xD0 <= following <= 0xD7:
            return position
        position += 2
    return len(data)
