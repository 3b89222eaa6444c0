"""Documents a customer uploads for identity verification, kept by the hash of their bytes.

Only JPEG, PNG and PDF are accepted, recognised by their first bytes (:func:`sniff`); the file name
and extension a caller declares are never trusted. The rest of the file must be what those bytes
promise (:func:`check_whole`): an image must decode in full — through the :class:`ImageDecoder` port, as
decoding needs an imaging library core does not import — and a PDF must have a sane structure (a
``%PDF-x.y`` header, ``startxref`` and ``%%EOF`` at its end). A refusal is a :class:`DocumentRefused` whose
``reason`` names what is wrong, for a frontend to tell in the customer's language. A document is stored
once per content: its SHA-256 is its address, so storing the same bytes again yields the same
:class:`StoredDocument`.
"""

from __future__ import annotations

import enum
import hashlib
import re
from typing import Protocol

import attrs

from p2pstock.core.errors import AlreadyDecided, InvalidInput

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
"""Largest document accepted, in bytes."""

_SHA256 = re.compile(r"[0-9a-f]{64}")


class DocumentKind(enum.StrEnum):
    """What a document shows."""

    ID_CARD_FRONT = "id_card_front"
    ID_CARD_BACK = "id_card_back"
    HOUSE_CERTIFICATE = "house_certificate"
    BANK_STATEMENT = "bank_statement"
    OTHER = "other"


class ContentType(enum.StrEnum):
    """The media types a document may have."""

    JPEG = "image/jpeg"
    PNG = "image/png"
    PDF = "application/pdf"


_MAGIC: tuple[tuple[bytes, ContentType], ...] = (
    (b"\xff\xd8\xff", ContentType.JPEG),
    (b"\x89PNG\r\n\x1a\n", ContentType.PNG),
    (b"%PDF-", ContentType.PDF),
)


class DocumentRefused(InvalidInput):
    """An upload that is not an acceptable document; ``reason`` is one of ``REASONS``."""

    code = "document_refused"

    REASONS = ("empty", "too_large", "type", "image", "too_many_pixels", "pdf")

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class ImageDecoder(Protocol):
    """Decodes a JPEG or PNG image in full (an imaging library, wired by the composition root)."""

    def check(self, content: bytes, content_type: ContentType) -> None:
        """Return if ``content`` decodes in full as ``content_type``; else raise ``DocumentRefused`` with
        the reason ``image`` (it does not decode) or ``too_many_pixels`` (beyond the decoder's limit on
        decompression bombs)."""
        ...


def sniff(content: bytes) -> ContentType:
    """The content type of ``content`` judged by its first bytes; anything else raises ``DocumentRefused``."""
    for magic, content_type in _MAGIC:
        if content.startswith(magic):
            return content_type
    raise DocumentRefused("type", "only JPEG, PNG and PDF files are accepted")


def check_size(content: bytes) -> int:
    """The size of ``content``, refusing an empty document or one over :data:`MAX_DOCUMENT_BYTES`."""
    if not content:
        raise DocumentRefused("empty", "the file is empty")
    if len(content) > MAX_DOCUMENT_BYTES:
        raise DocumentRefused("too_large", f"a file may be at most {MAX_DOCUMENT_BYTES // (1024 * 1024)} MiB")
    return len(content)


_PDF_HEADER = re.compile(rb"%PDF-[12]\.[0-9][\r\n]")
_PDF_TAIL_BYTES = 1024
"""How far from the end ``%%EOF`` may be (readers look within the last kilobyte)."""


def check_pdf(content: bytes) -> None:
    """A PDF's skeleton: the ``%PDF-x.y`` header line, and ``startxref`` then ``%%EOF`` at its end (a
    reader finds the document from there). Its objects are not parsed."""
    tail = content[-_PDF_TAIL_BYTES:].rstrip(b"\x00\t\n\f\r ")
    if not _PDF_HEADER.match(content) or not tail.endswith(b"%%EOF") or b"startxref" not in tail:
        raise DocumentRefused("pdf", "the PDF is damaged or not a PDF")


def check_whole(content: bytes, images: ImageDecoder) -> StoredDocument:
    """The record for ``content`` once it proved to be a whole document of the type its first bytes
    show: an image decoded by ``images``, a PDF's skeleton checked here (``DocumentRefused`` if not)."""
    record = StoredDocument.of(content)
    if record.content_type is ContentType.PDF:
        check_pdf(content)
    else:
        images.check(content, record.content_type)
    return record


def check_sha256(value: object) -> str:
    """A document address: 64 lowercase hexadecimal digits (nothing that could name another path)."""
    if not isinstance(value, str) or not _SHA256.fullmatch(value):
        raise InvalidInput(
            f"a document hash must be 64 lowercase hex digits (got {value!r:.80})",
            code="document_hash_invalid",
        )
    return value


def sha256_of(content: bytes) -> str:
    """The hex SHA-256 of ``content``."""
    return hashlib.sha256(content).hexdigest()


@attrs.frozen
class StoredDocument:
    """A document's record: its address (``sha256``), its ``size`` in bytes and its ``content_type``."""

    sha256: str = attrs.field(validator=lambda _i, _a, v: check_sha256(v))
    size: int
    content_type: ContentType = attrs.field(converter=ContentType)

    @classmethod
    def of(cls, content: bytes) -> StoredDocument:
        """The record for ``content``, after checking its size and type (``InvalidInput`` if refused)."""
        if not isinstance(content, bytes):
            raise InvalidInput("a document must be bytes", code="wrong_type")
        size = check_size(content)
        return cls(sha256=sha256_of(content), size=size, content_type=sniff(content))


class DocumentStore(Protocol):
    """Where document bytes are kept, addressed by their SHA-256."""

    def put(self, content: bytes) -> StoredDocument:
        """Check and keep ``content``; the same bytes always give the same record and one copy."""
        ...

    def get(self, sha256: str) -> bytes:
        """The bytes stored under ``sha256``; ``NotFound`` if absent, ``InvalidInput`` if malformed."""
        ...

    def exists(self, sha256: str) -> bool:
        """Whether bytes are stored under ``sha256`` (``InvalidInput`` if malformed)."""
        ...


REQUIRED_FOR_IDENTITY: frozenset[DocumentKind] = frozenset(
    {DocumentKind.ID_CARD_FRONT, DocumentKind.ID_CARD_BACK}
)
"""The documents that must be accepted before a customer's identity can be verified."""


class ReviewStatus(enum.StrEnum):
    """Where a document's review stands."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


@attrs.frozen
class CustomerDocument:
    """One upload by one customer: what it shows, where its bytes are, and its review.

    ``id`` is chosen by the service; times are microseconds since the epoch.
    """

    id: str
    customer_id: str
    kind: DocumentKind = attrs.field(converter=DocumentKind)
    sha256: str = attrs.field(validator=lambda _i, _a, v: check_sha256(v))
    content_type: ContentType = attrs.field(converter=ContentType)
    size: int
    uploaded_at: int
    status: ReviewStatus = attrs.field(default=ReviewStatus.PENDING, converter=ReviewStatus)
    reviewed_by: str = ""
    reviewed_at: int | None = None
    reason: str = ""

    def reviewed(self, status: ReviewStatus, *, by: str, at: int, reason: str = "") -> CustomerDocument:
        """The document after a reviewer's decision; only a pending document can be reviewed."""
        if self.status is not ReviewStatus.PENDING:
            raise AlreadyDecided(f"this document was already {self.status.value}", code="document_decided")
        return attrs.evolve(self, status=status, reviewed_by=by, reviewed_at=at, reason=reason)
