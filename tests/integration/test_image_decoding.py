"""The Pillow image decoder behind core's ``ImageDecoder`` port: whole JPEG and PNG images pass; anything
that stops decoding, fails a PNG checksum, is another format than promised, or has more pixels than the
limit is refused with its reason."""

from __future__ import annotations

import io
import random
import zlib

import pytest
from PIL import Image, ImageFile

from p2pstock.adapters.images import PILLOW_MAX_PIXELS, PillowImages
from p2pstock.core.people.documents import ContentType, DocumentRefused
from sample_documents import jpeg, png


def refusal(decoder: PillowImages, content: bytes, content_type: ContentType) -> str:
    with pytest.raises(DocumentRefused) as refused:
        decoder.check(content, content_type)
    return refused.value.reason


def picture(width: int, height: int, format: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (10, 20, 30)).save(out, format=format)
    return out.getvalue()


def test_whole_images_decode() -> None:
    decoder = PillowImages()

    decoder.check(png("whole"), ContentType.PNG)
    decoder.check(jpeg("whole"), ContentType.JPEG)


def test_an_image_is_read_only_as_the_format_its_first_bytes_promised() -> None:
    assert refusal(PillowImages(), png(), ContentType.JPEG) == "image"
    assert refusal(PillowImages(), jpeg(), ContentType.PNG) == "image"
    assert refusal(PillowImages(), png(), ContentType.PDF) == "type"


def with_chunk_after_the_pixels(content: bytes, *, crc_flip: int) -> bytes:
    """``content`` (a PNG) with a text chunk between its last pixel data and IEND, its CRC off by
    ``crc_flip``."""
    end = content.rindex(b"IEND") - 4
    chunk = b"tEXt" + b"note\x00written after the pixels"
    crc = zlib.crc32(chunk) ^ crc_flip
    return (
        content[:end] + (len(chunk) - 4).to_bytes(4, "big") + chunk + crc.to_bytes(4, "big") + content[end:]
    )


@pytest.mark.parametrize("where", ["before", "after"])
def test_a_png_whose_chunk_fails_its_checksum_is_refused_before_or_after_the_pixels(where: str) -> None:
    if where == "before":
        content = bytearray(png("checksum"))
        content[content.index(b"tEXt") + 6] ^= 0x01  # the label changes; the chunk's CRC no longer matches
    else:
        PillowImages().check(with_chunk_after_the_pixels(png(), crc_flip=0), ContentType.PNG)
        content = bytearray(with_chunk_after_the_pixels(png(), crc_flip=1))  # decoding never reads it

    assert refusal(PillowImages(), bytes(content), ContentType.PNG) == "image"


@pytest.mark.parametrize("content_type", [ContentType.PNG, ContentType.JPEG], ids=["png", "jpeg"])
@pytest.mark.parametrize("kept", [0.3, 0.6, 0.9, 0.99])
def test_an_image_cut_anywhere_in_its_pixel_data_is_refused(content_type: ContentType, kept: float) -> None:
    noise = random.Random(7).randbytes(200 * 200 * 3)  # incompressible: the cut falls among the pixels
    out = io.BytesIO()
    Image.frombytes("RGB", (200, 200), noise).save(out, format=content_type.value.split("/")[1].upper())
    whole = out.getvalue()
    PillowImages().check(whole, content_type)

    assert refusal(PillowImages(), whole[: int(len(whole) * kept)], content_type) == "image"


def test_more_pixels_than_the_limit_are_refused_before_decoding() -> None:
    decoder = PillowImages(max_pixels=100 * 100)

    decoder.check(picture(100, 100, "PNG"), ContentType.PNG)
    assert refusal(decoder, picture(101, 100, "PNG"), ContentType.PNG) == "too_many_pixels"
    assert refusal(decoder, picture(100, 101, "JPEG"), ContentType.JPEG) == "too_many_pixels"


@pytest.mark.filterwarnings("error::PIL.Image.DecompressionBombWarning")
def test_pillows_bomb_warning_is_a_refusal_where_warnings_are_errors() -> None:
    out = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(out, format="PNG")

    assert refusal(PillowImages(), out.getvalue(), ContentType.PNG) == "too_many_pixels"


def test_the_limit_is_never_above_pillows_and_must_be_positive() -> None:
    assert PillowImages(10**12).max_pixels == PILLOW_MAX_PIXELS
    assert repr(PillowImages(500)) == "PillowImages(max_pixels=500)"
    for wrong in (0, -1, True, 1.5):
        with pytest.raises(ValueError, match="max_pixels"):
            PillowImages(wrong)  # type: ignore[arg-type]


def test_a_process_that_told_pillow_to_accept_truncated_images_cannot_check_uploads(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)

    with pytest.raises(RuntimeError, match="truncated"):
        PillowImages().check(png(), ContentType.PNG)
