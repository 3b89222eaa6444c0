"""The customer's statement of account as a PDF (fpdf2): a pure function of what it says and the font it is
printed with.

``render_statement_pdf(statement, font, face)`` lays out an A4 page: the title, the lines under it (the
customer, the period, the balances), a table of the movements whose heading row repeats on every page,
the lines after it (totals, a note, when it was made) and a page number at the foot of each page. Every
text comes in already in the reader's language (``fund_activity`` writes them).

The font is a TrueType/OpenType file — a ``.ttc`` collection too, ``face`` choosing which of its fonts
(fpdf2's ``collection_font_number``) — embedded as a subset. Chinese needs a CJK font; the caller writes
the statement in English when there is none (as the charts do). Without any font file the PDF's own
Helvetica prints Latin-1 only. A character the font cannot print becomes ``?`` rather than nothing.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import cast

import attrs
from fpdf import FPDF
from fpdf.enums import MethodReturnValue
from fpdf.fonts import TTFFont

FAMILY = "statement"
"""The name the font file is known by inside the PDF."""
CORE_FAMILY = "helvetica"
"""The font without a file (Latin-1 only)."""
COLUMN_WIDTHS = (34, 76, 30, 40)
"""Time, what, amount and state, in millimetres (180: A4 less 15 mm margins)."""
ALIGN = ("L", "L", "R", "L")
ROW_HEIGHT = 5.5
"""The height of a line of the table, in millimetres."""

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


class _Document(FPDF):
    """An A4 page with the statement's page number at its foot."""

    def __init__(self, page: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self._page_label = page

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(size=8)
        self.cell(0, 6, _printable(self, self._page_label.format(page=self.page_no())), align="C")


def render_statement_pdf(statement: Statement, font: Path | None, face: int = 0) -> bytes:
    """``statement`` as a PDF printed with face ``face`` of the font file ``font`` (None: Helvetica)."""
    pdf = _Document(statement.page)
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(auto=True, margin=18)
    _font(pdf, font, face)
    _metadata(pdf, statement)
    pdf.add_page()
    pdf.set_font(size=15)
    pdf.multi_cell(0, 9, _printable(pdf, statement.title), new_x="LMARGIN", new_y="NEXT")
    _lines(pdf, statement.heading)
    pdf.ln(3)
    _table(pdf, statement)
    pdf.ln(3)
    _lines(pdf, statement.closing)
    return bytes(pdf.output())


def _font(pdf: FPDF, font: Path | None, face: int) -> None:
    if font is None:
        pdf.set_font(CORE_FAMILY, size=10)
        return
    pdf.add_font(FAMILY, fname=font, collection_font_number=face)
    pdf.set_font(FAMILY, size=10)


def _metadata(pdf: FPDF, statement: Statement) -> None:
    pdf.set_title(_printable(pdf, statement.title))
    pdf.set_author(_printable(pdf, statement.author))
    pdf.set_creator("p2pstock")
    pdf.set_creation_date(statement.made)


def _lines(pdf: FPDF, lines: tuple[str, ...]) -> None:
    pdf.set_font(size=10)
    for line in lines:
        pdf.multi_cell(0, 6, _printable(pdf, line), new_x="LMARGIN", new_y="NEXT")


def _table(pdf: FPDF, statement: Statement) -> None:
    """The rows under the heading row, which starts every page they run onto (cells drawn one by one:
    fpdf2's ``table()`` takes seconds for a few thousand rows)."""
    if not statement.rows:
        _lines(pdf, (statement.empty,))
        return
    pdf.set_font(size=9)
    heading = _cells(pdf, statement.columns)
    _draw(pdf, heading, shaded=True)
    for row in statement.rows:
        cells = _cells(pdf, row)
        if pdf.will_page_break(ROW_HEIGHT * max(len(lines) for lines in cells)):
            pdf.add_page()
            _draw(pdf, heading, shaded=True)
        _draw(pdf, cells)


def _cells(pdf: FPDF, row: Row) -> list[list[str]]:
    """Each cell of ``row`` as the lines it takes in its column."""
    return [
        _wrapped(pdf, _printable(pdf, value), width) for value, width in zip(row, COLUMN_WIDTHS, strict=True)
    ]


def _draw(pdf: FPDF, cells: list[list[str]], *, shaded: bool = False) -> None:
    """One row of the table: each cell's lines in its column, a rule under it."""
    top, left, height = pdf.get_y(), pdf.l_margin, ROW_HEIGHT * max(len(lines) for lines in cells)
    if shaded:
        pdf.set_fill_color(230, 230, 230)
        pdf.rect(left, top, sum(COLUMN_WIDTHS), height, style="F")
    x = left
    for lines, width, align in zip(cells, COLUMN_WIDTHS, ALIGN, strict=True):
        for n, line in enumerate(lines):
            pdf.set_xy(x, top + n * ROW_HEIGHT)
            pdf.cell(width, ROW_HEIGHT, line, align=align)
        x += width
    pdf.set_draw_color(200, 200, 200)
    pdf.line(left, top + height, left + sum(COLUMN_WIDTHS), top + height)
    pdf.set_xy(left, top + height)


def _wrapped(pdf: FPDF, text: str, width: float) -> list[str]:
    """``text`` in the lines it takes in a column ``width`` wide (one, unless it is too wide)."""
    if pdf.get_string_width(text) <= width - 2 * pdf.c_margin:
        return [text]
    lines = pdf.multi_cell(width, ROW_HEIGHT, text, dry_run=True, output=MethodReturnValue.LINES)
    return [str(line) for line in cast("list[str]", lines)]


def _printable(pdf: FPDF, text: str) -> str:
    """``text`` with what the current font cannot print as ``?``."""
    font = pdf.current_font
    if isinstance(font, TTFFont):
        return "".join(char if char.isspace() or ord(char) in font.cmap else "?" for char in text)
    return "".join(char if ord(char) < 256 else "?" for char in text)
