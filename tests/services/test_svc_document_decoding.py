"""An uploaded document must be what its first bytes say: JPEG and PNG images decode in full (within
Pillow's decompression-bomb limit), a PDF has a header and ends with ``startxref`` and ``%%EOF``. Anything
else is refused with a reason a frontend can tell in the customer's language, and nothing is stored."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from p2pstock.bootstrap import App
from p2pstock.core.errors import InvalidInput
from p2pstock.core.people.documents import ContentType, DocumentRefused, sha256_of
from sample_documents import jpeg, pdf, png

HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff\xe0"


def bomb() -> bytes:
    """A PNG of 10,000 × 10,000 one-bit pixels: a few kilobytes that would decode to 100 million pixels,
    more than Pillow's decompression-bomb limit (about 89.5 million)."""
    out = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def alice(app: App) -> str:
    return app.customers.register(customer_id="alice", language="zh").id


def stored(app: App, content: bytes) -> bool:
    return app.customers.documents_store.exists(sha256_of(content))


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (PNG_MAGIC + HTML, "image"),
        (JPEG_MAGIC + HTML, "image"),
        (png("cut")[:60], "image"),
        (jpeg("cut")[: len(jpeg("cut")) // 2], "image"),
        (png()[:16] + b"\x00" * 64, "image"),
        (b"%PDF-1.7\n" + HTML, "pdf"),
        (pdf().replace(b"%%EOF", b""), "pdf"),
        (b"%PDF-" + HTML + b"\n%%EOF\n", "pdf"),
    ],
    ids=[
        "png-then-html",
        "jpeg-then-html",
        "truncated-png",
        "truncated-jpeg",
        "png-header-then-zeros",
        "pdf-header-then-html",
        "pdf-without-eof",
        "pdf-without-version-or-startxref",
    ],
)
def test_a_file_that_is_not_what_its_first_bytes_say_is_refused_and_nothing_is_stored(
    app: App, alice: str, content: bytes, reason: str
) -> None:
    with pytest.raises(DocumentRefused) as refused:
        app.customers.upload_document(alice, "id_card_front", content)

    assert refused.value.reason == reason
    assert isinstance(refused.value, InvalidInput)
    assert app.customers.documents(alice) == []
    assert not stored(app, content)


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_an_image_beyond_the_decompression_bomb_limit_is_refused_before_it_is_decoded(
    app: App, alice: str
) -> None:
    content = bomb()
    assert len(content) < 100_000

    with pytest.raises(DocumentRefused) as refused:
        app.customers.upload_document(alice, "id_card_front", content)

    assert refused.value.reason == "too_many_pixels"
    assert not stored(app, content)


@pytest.mark.parametrize(
    ("content", "content_type"),
    [(jpeg(), ContentType.JPEG), (png(), ContentType.PNG), (pdf(), ContentType.PDF)],
    ids=["jpeg", "png", "pdf"],
)
def test_a_whole_jpeg_png_or_pdf_is_accepted_and_stored(
    app: App, alice: str, content: bytes, content_type: ContentType
) -> None:
    document = app.customers.upload_document(alice, "id_card_front", content)

    assert document.content_type is content_type
    assert stored(app, content)


def test_the_old_refusals_carry_reasons_too(app: App, alice: str) -> None:
    reasons = []
    for content in (b"", b"GIF89a", b"%PDF-" + b"\x00" * (10 * 1024 * 1024)):
        with pytest.raises(DocumentRefused) as refused:
            app.customers.upload_document(alice, "other", content)
        reasons.append(refused.value.reason)

    assert reasons == ["empty", "type", "too_large"]
