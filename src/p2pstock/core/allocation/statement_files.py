"""A statement as brokers' software exports it: the bytes of a CSV file in UTF-8 (with or without a byte
order mark) or in GBK / GB18030 (Chinese Windows), or an Excel workbook (.xlsx) — or text already decoded.

A file's kind is read from its content, not its name: a workbook is a ZIP archive (it begins
``PK\\x03\\x04``) and is read by the ``SheetReader`` the composition root gives (an adapter: core reads no
spreadsheet format itself) into rows of text cells, which ``statuses.parse_rows`` checks as it checks a
CSV's; an old binary workbook (.xls, an OLE2 file) is refused with its own reason; anything else is text
(``decode``). A file that cannot be read at all is refused as a whole, at line 1, and nothing is stored.

A statement's identity (``read_statement``'s digest) is the hash of its text for a CSV, whatever the
encoding it came in (``statement_digest``), and the hash of its bytes for a workbook.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from typing import Protocol

from p2pstock.core.allocation.statuses import (
    RowError,
    StatementRow,
    parse_csv,
    parse_rows,
    statement_digest,
)

XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

Read = tuple[str, list[StatementRow], list[RowError]]
"""A statement read: its digest, its well-formed rows, and the reason for each row refused."""


class SheetReader(Protocol):
    """Reads a workbook's statement sheet: its rows in order from the first (a blank row as no cells),
    each cell as text (a number as written in yuan, a date as ``2026-01-05``). Raises ``ValueError``
    when the content is no workbook it can read, at once or while its rows are read."""

    def __call__(self, content: bytes, /) -> Iterable[Sequence[str]]: ...


def decode(content: bytes) -> str | None:
    """The text of a CSV file: UTF-8 if it is valid UTF-8 (a byte order mark dropped), else GB18030 (a
    superset of GBK, what Chinese Windows exports in); ``None`` if it is neither.

    The order is safe because UTF-8 is strict and GB18030 is not: a multi-byte UTF-8 character is a lead
    byte 0xC2–0xF4 followed by exactly the right number of continuation bytes 0x80–0xBF, and Chinese text
    in GBK (two bytes, each 0x81–0xFE, the second often below 0x80) breaks that rule within a few
    characters, so a GBK file is practically never valid UTF-8. The other way round would be wrong:
    GB18030 accepts most byte sequences, UTF-8 ones included, and would turn a UTF-8 file into mojibake
    without an error. Plain ASCII is the same text in both.
    """
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("gb18030")
    except UnicodeDecodeError:
        return None


def read_statement(content: str | bytes, sheets: SheetReader | None = None) -> Read:
    """A statement's digest, rows and refused rows, whatever kind of file ``content`` is."""
    if isinstance(content, str):
        return statement_digest(content), *parse_csv(content)
    if content.startswith(XLSX_MAGIC):
        return hashlib.sha256(content).hexdigest(), *_workbook(content, sheets)
    if content.startswith(XLS_MAGIC):
        reason = "an .xls workbook cannot be read: save it as .xlsx or CSV"
        return _refused(content, RowError.refused(1, reason, "statement_xls_unsupported"))
    text = decode(content)
    if text is None:
        reason = "the file is neither UTF-8 nor GBK/GB18030 text nor an .xlsx workbook"
        return _refused(content, RowError.refused(1, reason, "statement_encoding_unknown"))
    return statement_digest(text), *parse_csv(text)


def _workbook(content: bytes, sheets: SheetReader | None) -> tuple[list[StatementRow], list[RowError]]:
    if sheets is None:
        reason = "this installation reads no .xlsx workbooks"
        return [], [RowError.refused(1, reason, "statement_xlsx_unsupported")]
    try:
        records = sheets(content)
    except ValueError as error:
        reason = f"the workbook cannot be read: {error}"
        return [], [RowError.refused(1, reason, "statement_unreadable")]
    return parse_rows(records)


def _refused(content: bytes, error: RowError) -> Read:
    return hashlib.sha256(content).hexdigest(), [], [error]
