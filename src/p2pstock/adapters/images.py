"""Uploaded images decoded in full with Pillow: core's ``ImageDecoder`` port.

An image is opened as the one format its first bytes showed (a PNG is never read by the JPEG decoder or
the other way round), its size is checked against the decompression-bomb limit before a pixel is
decoded, and then every pixel is decoded: a file that starts like an image and goes on as something else
(HTML, a script, zeros), or stops halfway, does not decode and is refused. A PNG's chunks are checked
against their CRCs too. Pillow's own switch for accepting truncated images is never consulted: the
decoder reads the whole file or refuses it.
"""

from __future__ import annotations

import io

from PIL import Image, ImageFile

from p2pstock.core.people.documents import ContentType, DocumentRefused

PILLOW_MAX_PIXELS = 89_478_485
"""Pillow's default decompression-bomb limit (``Image.MAX_IMAGE_PIXELS``): about 89.5 million pixels,
beyond any photograph of a document."""

_FORMATS = {ContentType.JPEG: "JPEG", ContentType.PNG: "PNG"}


class PillowImages:
    """Decodes JPEG and PNG images; ``max_pixels`` (at most Pillow's limit) bounds width × height."""

    def __init__(self, max_pixels: int = PILLOW_MAX_PIXELS) -> None:
        if isinstance(max_pixels, bool) or not isinstance(max_pixels, int) or max_pixels <= 0:
            raise ValueError("max_pixels must be a positive whole number")
        self.max_pixels = min(max_pixels, PILLOW_MAX_PIXELS)

    def __repr__(self) -> str:
        return f"PillowImages(max_pixels={self.max_pixels})"

    def check(self, content: bytes, content_type: ContentType) -> None:
        name = _FORMATS.get(content_type)
        if name is None:
            raise DocumentRefused("type", f"{content_type} is not an image this decoder reads")
        if ImageFile.LOAD_TRUNCATED_IMAGES:
            raise RuntimeError("Pillow was told to accept truncated images; uploads cannot be checked")
        try:
            self._decode(content, name)
        except DocumentRefused:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            # Pillow warns beyond its limit (an error where warnings are errors) and refuses beyond twice it
            raise DocumentRefused("too_many_pixels", "the image has too many pixels") from None
        except Exception:  # anything a decoder raises on untrusted bytes means: not a readable image
            raise DocumentRefused("image", f"the file is not a readable {name} image") from None

    def _decode(self, content: bytes, name: str) -> None:
        with Image.open(io.BytesIO(content), formats=[name]) as image:
            width, height = image.size
            if width * height > self.max_pixels:
                raise DocumentRefused("too_many_pixels", "the image has too many pixels")
            image.load()
        if name == "PNG":
            with Image.open(io.BytesIO(content), formats=[name]) as image:
                image.verify()  # every chunk's CRC, up to IEND
