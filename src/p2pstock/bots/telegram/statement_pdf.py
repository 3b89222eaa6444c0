"""The customer's statement of account as a PDF (fpdf2): a pure function of what it says and the font it is
printed with.

``render_statement_pdf(statement, font, face)`` lays out an A4 page: the title, the lines under it (the
customer, the period, the balances), a table of the movements whose heading row repeats on every page,
the lines after it (totals, a note, when it was made) and a page number at the foot of each page. Every
text comes in already in the reader's language (``fund_activity`` writes them).

The font is a TrueType/OpenType file (``p2pstock.printing`` lays the page out). Chinese needs a CJK font;
the caller writes the statement in English when there is none (as the charts do).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import attrs

from p2pstock.printing import Columns, Document, table

WIDTHS = (34.0, 76.0, 30.0, 40.0)
"""Time, what, amount and state, in millimetres (180: A4 less 15 mm margins)."""
ALIGN = ("L", "L", "R", "L")

Row = tuple[str, str, str, str]
"""A line of the table: time, what it was, the amount, its state."""


@attrs.frozen
class Statement:
    """What a statement says, in its reader's language: ``title``; the lines under it (``heading``); the
    table's ``columns`` and ``rows`` (``empty`` said instead of a table without rows); the lines after it
    (``closing``); ``page`` with ``{page}`` for each page's number; and when it was made (``made``, also
    the PDF's creation date, so the same statement gives the same bytes)."""

    title: str
    heading: tuple[str, ...]
    columns: Row
    rows: tuple[Row, ...]
    closing: tuple[str, ...]
    empty: str
    page: str
    made: datetime
    author: str = "p2pstock"


def render_statement_pdf(statement: Statement, font: Path | None, face: int = 0) -> bytes:
    """``statement`` as a PDF printed with face ``face`` of the font file ``font`` (None: Helvetica)."""
    pdf = Document(statement.page, font, face)
    pdf.describe(statement.title, statement.author, statement.made)
    pdf.add_page()
    pdf.lines((statement.title,), size=15, height=9)
    pdf.lines(statement.heading)
    pdf.ln(3)
    if statement.rows:
        table(pdf, Columns(statement.columns, WIDTHS, ALIGN), statement.rows)
    else:
        pdf.lines((statement.empty,))
    pdf.ln(3)
    pdf.lines(statement.closing)
    return bytes(pdf.output())
