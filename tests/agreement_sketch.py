"""A stand-in for the PDF printer of the agreements in the tests that are not about agreements, and a
document store whose files were changed after they were written (``ChangedFiles``).

Printing an agreement embeds a CJK font, which fontTools parses and subsets each time: about a third of a
second a loan or a purchase, and the suite disburses hundreds of loans. ``Sketch`` answers the same
agreement with the same bytes at once (its fields as text), so issuing, hashing, storing and handing out
an agreement still run as in production; the tests of the agreements themselves take the
``printed_agreements`` fixture, which puts the real ``PdfAgreementPrinter`` back.
"""

from __future__ import annotations

from p2pstock.core.agreements import Agreement
from p2pstock.core.people.documents import StoredDocument


class Sketch:
    def print(self, agreement: Agreement) -> bytes:
        return b"%PDF-sketch\n" + repr(agreement).encode()


class ChangedFiles:
    """A document store whose files were changed after they were written."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    def put(self, content: bytes) -> StoredDocument:
        record = StoredDocument.of(content)
        self.files[record.sha256] = content
        return record

    def get(self, sha256: str) -> bytes:
        return self.files[sha256] + b"\n% a line added after it was issued\n"

    def exists(self, sha256: str) -> bool:
        return sha256 in self.files
