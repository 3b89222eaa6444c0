"""Laying out PDFs with fpdf2 — the customer's statement, the loan and transfer agreements: an A4 document
with a page label at each foot, a font file embedded (a ``.ttc`` collection's ``face`` chosen), lines of
text, and tables whose heading row starts every page they run onto.

Tables are drawn cell by cell (fpdf2's ``table()`` takes seconds for a few thousand rows). A character the
font cannot print becomes ``?`` rather than nothing. Without a font file the PDF's own Helvetica prints
Latin-1 only.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import cast

import attrs
from fpdf import FPDF
from fpdf.enums import MethodReturnValue
from fpdf.fonts import TTFFont

FAMILY = "text"
"""The name the font file is known by inside the PDF."""
CORE_FAMILY = "helvetica"
ROW_HEIGHT = 5.5
"""The height of a line of a table, in millimetres."""


class Document(FPDF):
    """An A4 page, 15 mm margins, with ``page`` (``{page}`` for its number) at its foot."""

    def __init__(self, page: str, font: Path | None, face: int = 0) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self._page_label = page
        self.set_margins(15, 15, 15)
        self.set_auto_page_break(auto=True, margin=18)
        if font is None:
            self.set_font(CORE_FAMILY, size=10)
        else:
            self.add_font(FAMILY, fname=font, collection_font_number=face)
            self.set_font(FAMILY, size=10)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(size=8)
        self.cell(0, 6, printable(self, self._page_label.format(page=self.page_no())), align="C")

    def describe(self, title: str, author: str, made: datetime) -> None:
        """The PDF's title, author and creation date (fixed, so the same content gives the same bytes)."""
        self.set_title(printable(self, title))
        self.set_author(printable(self, author))
        self.set_creator("p2pstock")
        self.set_creation_date(made)

    def lines(self, lines: Sequence[str], *, size: float = 10, height: float = 6) -> None:
        self.set_font(size=size)
        for line in lines:
            self.multi_cell(0, height, printable(self, line), new_x="LMARGIN", new_y="NEXT")


@attrs.frozen
class Columns:
    """A table's heading, each column's width in millimetres and alignment (``L``/``R``/``C``)."""

    heading: tuple[str, ...]
    widths: tuple[float, ...]
    align: tuple[str, ...]


def table(pdf: FPDF, columns: Columns, rows: Sequence[Sequence[str]], *, size: float = 9) -> None:
    """``rows`` under the heading row, which starts every page they run onto."""
    pdf.set_font(size=size)
    heading = _cells(pdf, columns, columns.heading)
    _draw(pdf, columns, heading, shaded=True)
    for row in rows:
        cells = _cells(pdf, columns, row)
        if pdf.will_page_break(ROW_HEIGHT * max(len(lines) for lines in cells)):
            pdf.add_page()
            _draw(pdf, columns, heading, shaded=True)
        _draw(pdf, columns, cells)


def _cells(pdf: FPDF, columns: Columns, row: Sequence[str]) -> list[list[str]]:
    """Each cell of ``row`` as the lines it takes in its column."""
    return [
        _wrapped(pdf, printable(pdf, value), width) for value, width in zip(row, columns.widths, strict=True)
    ]


def _draw(pdf: FPDF, columns: Columns, cells: list[list[str]], *, shaded: bool = False) -> None:
    """One row of a table: each cell's lines in its column, a rule under it."""
    top, left, height = pdf.get_y(), pdf.l_margin, ROW_HEIGHT * max(len(lines) for lines in cells)
    width = sum(columns.widths)
    if shaded:
        pdf.set_fill_color(230, 230, 230)
        pdf.rect(left, top, width, height, style="F")
    x = left
    for lines, column, align in zip(cells, columns.widths, columns.align, strict=True):
        for n, line in enumerate(lines):
            pdf.set_xy(x, top + n * ROW_HEIGHT)
            pdf.cell(column, ROW_HEIGHT, line, align=align)
        x += column
    pdf.set_draw_color(200, 200, 200)
    pdf.line(left, top + height, left + width, top + height)
    pdf.set_xy(left, top + height)


def _wrapped(pdf: FPDF, text: str, width: float) -> list[str]:
    """``text`` in the lines it takes in a column ``width`` wide (one, unless it is too wide)."""
    if pdf.get_string_width(text) <= width - 2 * pdf.c_margin:
        return [text]
    lines = pdf.multi_cell(width, ROW_HEIGHT, text, dry_run=True, output=MethodReturnValue.LINES)
    return [str(line) for line in cast("list[str]", lines)]


def printable(pdf: FPDF, text: str) -> str:
    """``text`` with what the current font cannot print as ``?``."""
    font = pdf.current_font
    if isinstance(font, TTFFont):
        return "".join(char if char.isspace() or ord(char) in font.cmap else "?" for char in text)
    return "".join(char if ord(char) < 256 else "?" for char in text)
