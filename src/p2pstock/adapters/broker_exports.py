"""Brokers' statement exports as Excel workbooks (.xlsx), read with openpyxl into the rows of text cells
core's statement import checks (``core.allocation.statement_files.SheetReader``).

The workbook is opened read-only with cached values (what Excel last showed, not formulas); the sheet read
is the first one named like a statement (对账单, 资金, 资产, statement …), else the first sheet. Cells become
text: a number as written (an integer as is, a float at its shortest ``repr`` — Excel stores amounts as
binary doubles, so ``1234.56`` comes back as the double nearest it and its ``repr`` is ``'1234.56'`` again;
a double that is not within a millionth of a fen's multiple is passed on in full and refused by core as
an amount with too many decimals), a date as ``2026-01-05``, an empty cell as ``""``. Core turns text
into fen exactly, never through a float.
"""

from __future__ import annotations

import io
import math
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.workbook.workbook import Workbook

STATEMENT_SHEETS = ("对账单", "资金", "资产", "statement")
"""Words in the name of a sheet that holds the statement (compared in lower case)."""
_FEN = Decimal("0.01")
_CLOSE = Decimal("0.000001")


def xlsx_rows(content: bytes) -> Iterator[list[str]]:
    """The rows of a workbook's statement sheet as text cells, from row 1 (a blank row as ``[]``, trailing
    blank cells dropped); ``ValueError`` when ``content`` is no workbook openpyxl can read."""
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as error:
        raise ValueError(f"not an .xlsx workbook ({type(error).__name__})") from None
    return _rows(book)


def _rows(book: Workbook) -> Iterator[list[str]]:
    try:
        names = book.sheetnames
        if not names:
            return
        name = next((n for n in names if any(w in n.lower() for w in STATEMENT_SHEETS)), names[0])
        sheet = book[name]
        for values in sheet.iter_rows(min_row=1, min_col=1, values_only=True):
            cells = [_text(value) for value in values]
            while cells and not cells[-1]:
                cells.pop()
            yield cells
    except (zipfile.BadZipFile, KeyError, OSError, TypeError, AttributeError) as error:
        raise ValueError(f"the workbook is damaged ({type(error).__name__})") from None
    finally:
        book.close()


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return _float_text(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _float_text(value: float) -> str:
    """A stored double as the decimal it stands for: ``1234.56`` for the double nearest 1234.56."""
    if not math.isfinite(value):
        return repr(value)
    if value.is_integer():
        return str(int(value))
    exact = Decimal(repr(value))
    fen = exact.quantize(_FEN)
    return format(fen if abs(exact - fen) < _CLOSE else exact, "f")
