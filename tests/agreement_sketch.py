"""A stand-in for the PDF printer of the lending agreements in the tests that are not about agreements.

Printing an agreement embeds a CJK font, which fontTools parses and subsets each time: about a third of a
second a loan or a purchase, and the suite disburses hundreds of loans. ``Sketch`` answers the same
agreement with the same bytes at once (its fields as text), so issuing, hashing, storing and handing out
an agreement still run as in production; the tests of the agreements themselves take the
``printed_agreements`` fixture, which puts the real ``PdfAgreementPrinter`` back.
"""

from __future__ import annotations

from p2pstock.core.agreements import Agreement


class Sketch:
    def print(self, agreement: Agreement) -> bytes:
        return b"%PDF-sketch\n" + repr(agreement).encode()
