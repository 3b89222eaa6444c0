"""The daily status of a running allocation: its trading sub-account's figures at the close of a trading day,
entered by an administrator or read from a statement (CSV).

A status is consistent when total assets equal cash (available + frozen) plus market value within
``TOLERANCE`` (rounding in a broker's statement). A second status for the same day is a correction: it gets
the next revision and the earlier one is kept.

CSV statements have a header row naming the columns of ``CSV_COLUMNS`` (any order; ``note`` optional) and
amounts in yuan (``1050000.00``, ``-3,200.5``). ``parse_csv`` reads every row and reports each bad one
with its line number and reason; importing applies the file only when no row is bad (all or none).
Columns may also go by the Chinese names brokers' exports give them (``statement_columns``: 资产总值,
可用资金 …); only those of ``statement_columns.REQUIRED`` must be there, any other amount is 0 when its
column is absent, and a column no field has is ignored. ``parse_rows`` reads a statement already split
into cells (a workbook's sheet, see ``statement_files``) the same way.

A status that looks implausible is stored with its ``Flag`` and held (``Review``) for a second
administrator; only a status ``in_effect`` counts (``plausibility``, ``status_review``).

A statement imported is remembered as an ``ImportedStatement`` under its identity: the caller's id, or
``sha256:`` and the hash of its content (``statement_digest``: without a byte order mark, lines ended by
``\n``), so that importing it again stores nothing twice.
"""

from __future__ import annotations

import csv
import enum
import functools
import hashlib
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import TYPE_CHECKING, NamedTuple

import attrs

from p2pstock.core.allocation.allocations import Risk
from p2pstock.core.allocation.statement_columns import REQUIRED, field_of, names_of
from p2pstock.core.errors import InvalidInput, P2PStockError
from p2pstock.core.money import Money, MoneyError, parse_minor
from p2pstock.core.validation import check_text

if TYPE_CHECKING:
    from _csv import Reader

TOLERANCE = 100
"""Largest accepted gap, in minor units, between total assets and cash plus market value."""
MAX_ROWS = 100_000
MAX_NOTE = 200
AMOUNT_FIELDS = (
    "total_assets",
    "market_value",
    "cash_available",
    "cash_frozen",
    "cash_withdrawable",
    "daily_pnl",
    "floating_pnl",
)
CSV_COLUMNS = ("sub_account", "trade_date", *AMOUNT_FIELDS)
_SIGNED = frozenset({"daily_pnl", "floating_pnl"})


class Source(enum.StrEnum):
    MANUAL = "manual"
    CSV = "csv"


class Flag(enum.StrEnum):
    """Why a status looked implausible (``plausibility``): it waits for a second administrator."""

    JUMP = "jump"
    """Total assets moved by more than the product's ``implausible_move_pct`` since the previous status."""
    PNL_MISMATCH = "pnl_mismatch"
    """Total assets disagree with the previous day's plus the day's profit or loss."""


class Review(enum.StrEnum):
    """Where a status stands with the second administrator: only a status in effect (``NONE``, never
    flagged, or ``CONFIRMED``) tells its allocation's risk state and latest figures."""

    NONE = ""
    HELD = "held"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


@attrs.frozen
class Figures:
    """A sub-account's figures for one trading day, in minor units."""

    total_assets: int
    market_value: int
    cash_available: int
    cash_frozen: int = 0
    cash_withdrawable: int = 0
    daily_pnl: int = 0
    floating_pnl: int = 0
    note: str = ""

    def check(self) -> Figures:
        """Raise ``InvalidInput`` unless the figures are plausible together."""
        for name in AMOUNT_FIELDS:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise InvalidInput(
                    f"{name} must be an integer number of minor units", code="field_not_whole", field=name
                )
            if name not in _SIGNED and value < 0:
                raise InvalidInput(
                    f"{name.replace('_', ' ')} cannot be negative", code="field_negative", field=name
                )
        gap = self.total_assets - (self.cash_available + self.cash_frozen + self.market_value)
        if abs(gap) > TOLERANCE:
            raise InvalidInput(
                f"total assets {Money(self.total_assets)} differ from cash plus market value by {Money(gap)}",
                code="assets_mismatch",
                total=Money(self.total_assets),
                gap=Money(gap),
            )
        if self.cash_withdrawable > self.cash_available:
            raise InvalidInput(
                "withdrawable cash cannot exceed available cash", code="withdrawable_exceeds_available"
            )
        check_text(self.note, "note", MAX_NOTE)
        return self


@attrs.frozen
class DailyStatus:
    """A stored status, with what the platform derived from it."""

    allocation_id: str
    trade_date: date
    revision: int
    figures: Figures
    source: Source
    entered_by: str
    entered_at: int
    ratio_bp: int
    risk_before: Risk
    risk_after: Risk
    flag: Flag | None = None
    """Why it was held for a second administrator (``None``: it was plausible)."""
    review: Review = Review.NONE
    reviewed_by: str = ""
    """The second administrator who confirmed or rejected it."""
    compared_with: int | None = None
    """The total assets a flagged status was compared with: the previous status's, or B + stake."""
    rung_before: int = 0
    rung_after: int = 0
    """Where it found and left its allocation on the product's alert ladder (``ladder``; 0 above it)."""
    top_up_by: int | None = None
    """The top-up deadline in force after it (``top_up_deadline``): set when it took the allocation into the
    warning, carried while the allocation stays below the line, ``None`` once it is normal."""

    @property
    def in_effect(self) -> bool:
        """Whether it counts: never flagged, or confirmed by a second administrator."""
        return self.review is Review.NONE or self.review is Review.CONFIRMED

    @property
    def key(self) -> tuple[str, date, int]:
        return self.allocation_id, self.trade_date, self.revision


@attrs.frozen
class ImportedStatement:
    """A statement whose rows were stored: its identity, its content's hash, how many rows, by whom, when."""

    id: str
    sha256: str
    rows: int
    imported_by: str
    imported_at: int


def statement_digest(text: str) -> str:
    """The SHA-256 of a statement's content, whatever its byte order mark and line endings."""
    content = text.removeprefix("\ufeff").replace("\r\n", "\n")
    return hashlib.sha256(content.encode("utf-8", "surrogatepass")).hexdigest()


class StatementRow(NamedTuple):
    """One row of a CSV statement: a sub-account's figures for a day, and its line in the file (a named
    tuple: a statement makes one per row, and a tuple is built in half the time of a frozen attrs
    instance)."""

    line: int
    sub_account: str
    trade_date: date
    figures: Figures


@attrs.frozen
class RowError:
    """Why line ``line`` was refused: ``reason`` in English (for logs and embedders), and the stable
    ``code`` with the ``values`` its text shows, for a frontend to say it in the reader's language."""

    line: int
    reason: str
    code: str = ""
    values: tuple[tuple[str, object], ...] = ()

    @classmethod
    def refused(cls, line: int, reason: str, code: str, **values: object) -> RowError:
        return cls(line, reason, code, tuple(values.items()))

    @classmethod
    def of(cls, line: int, error: P2PStockError) -> RowError:
        """Line ``line`` refused for ``error``."""
        return cls(line, str(error), error.code, tuple(error.values.items()))

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


def parse_csv(text: str) -> tuple[list[StatementRow], list[RowError]]:
    """Every well-formed row of a statement, and the reason for each row that is not."""
    text = text.removeprefix("\ufeff")
    if any(mark in text for mark in _CSV_MARKS):
        return _read_csv(text)
    return _read_lines(text)


def parse_rows(records: Iterable[Sequence[str]]) -> tuple[list[StatementRow], list[RowError]]:
    """Every well-formed row of a statement given as rows of cells, numbered from 1 (a workbook's sheet:
    its first non-blank row is the header, cells past the header's last column are ignored), and the
    reason for each row that is not. A ``ValueError`` from ``records`` ends the statement there, refused
    as unreadable."""
    found = _Rows()
    columns: _Columns | None = None
    for line, record in _numbered(records, found.errors):
        if not any(record):
            continue
        if columns is None:
            try:
                columns = _Columns.of(list(record))
            except InvalidInput as error:
                return [], [RowError.of(line, error)]
        elif found.full(line):
            break
        else:
            found.read(columns, line, list(record[: columns.width]))
    return found.rows, found.errors


def _numbered(
    records: Iterable[Sequence[str]], errors: list[RowError]
) -> Iterator[tuple[int, Sequence[str]]]:
    line, rows = 0, iter(records)
    while True:
        try:
            record = next(rows)
        except StopIteration:
            return
        except ValueError as error:
            reason = f"the sheet cannot be read from here: {error}"
            errors.append(RowError.refused(line + 1, reason, "statement_unreadable"))
            return
        line += 1
        yield line, record


_CSV_MARKS = ('"', "\r", "\0")
"""What only the ``csv`` module reads right: quoted fields, carriage returns, NUL. A statement without
them is a line per row and a comma between fields, and is read line by line (``_read_lines``)."""


@attrs.define
class _Rows:
    """The rows read so far, and the reasons the others were refused."""

    rows: list[StatementRow] = attrs.Factory(list)
    errors: list[RowError] = attrs.Factory(list)
    seen: dict[tuple[str, date], int] = attrs.Factory(dict)

    def full(self, line: int) -> bool:
        """Whether ``line`` is past the last a statement may hold (refused, and the reading stops)."""
        if line > MAX_ROWS + 1:
            reason = f"a statement holds at most {MAX_ROWS} rows"
            self.errors.append(RowError.refused(line, reason, "statement_too_long", most=MAX_ROWS))
            return True
        return False

    def add(self, row: StatementRow) -> None:
        key = (row.sub_account, row.trade_date)
        if key in self.seen:
            first = self.seen[key]
            reason = f"repeats line {first} (same sub-account and day)"
            self.errors.append(RowError.refused(row.line, reason, "row_repeats", first=first))
        else:
            self.seen[key] = row.line
            self.rows.append(row)

    def read(self, columns: _Columns, line: int, record: list[str]) -> None:
        try:
            self.add(columns.row(line, record))
        except InvalidInput as error:
            self.errors.append(RowError.of(line, error))

    def lines(self, columns: _Columns, text: str, line: int) -> int | None:
        """Read each line of ``text`` (numbered from ``line``; blank ones skipped) field by field: the
        number of the line after them, or ``None`` once the statement is full."""
        for number, each in enumerate(text.split("\n"), start=line):
            if each:
                if self.full(number):
                    return None
                self.read(columns, number, each.split(","))
        return line + text.count("\n")


def _read_csv(text: str) -> tuple[list[StatementRow], list[RowError]]:
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader, [])
        columns = _Columns.of(header)
    except csv.Error as error:
        return [], [RowError.refused(1, f"the header cannot be read: {error}", "header_unreadable")]
    except InvalidInput as error:
        return [], [RowError.of(1, error)]
    found = _Rows()
    for record in _records(reader, found.errors):
        if found.full(reader.line_num):
            break
        found.read(columns, reader.line_num, record)
    return found.rows, found.errors


def _read_lines(text: str) -> tuple[list[StatementRow], list[RowError]]:
    """A statement without quotes or carriage returns: each line split at its commas, as the ``csv`` module
    would. The lines in the usual shape are found by one regular expression over the whole text
    (``_PLAIN_ROWS``, read by ``_plain_row``); any line between them is read field by field."""
    header, _, body = text.partition("\n")
    try:
        columns = _Columns.of(header.split(","))
    except InvalidInput as error:
        return [], [RowError.of(1, error)]
    plain = _PLAIN_ROWS.get(columns.header)
    found = _Rows()
    line, at = 2, 0  # the number of the next line, and where it begins in ``body``
    for match in () if plain is None else plain.finditer(body):
        if match.start() != at:
            after = found.lines(columns, body[at : match.start()], line)
            if after is None:
                return found.rows, found.errors
            line = after
        if found.full(line):
            return found.rows, found.errors
        row = _plain_row(line, match)
        if row is None:
            found.read(columns, line, match[0].split(","))
        else:
            found.add(row)
        line, at = line + 1, match.end() + 1
    found.lines(columns, body[at:], line)
    return found.rows, found.errors


_YUAN = r"[0-9]{1,12}\.[0-9]{2}"
_PLAIN_ROW = (
    r"^([!-+\--~]+),([0-9]{4}-[0-9]{2}-[0-9]{2}),"  # a sub-account of printable ASCII, a day
    rf"((?:{_YUAN},){{5}}(?:-?{_YUAN},)-?{_YUAN})"  # five amounts, then the two profits (signed)
)
_PLAIN_ROWS = {
    CSV_COLUMNS: re.compile(_PLAIN_ROW + "()$", re.MULTILINE),
    (*CSV_COLUMNS, "note"): re.compile(_PLAIN_ROW + ",([^,\n]*)$", re.MULTILINE),
}
"""The usual shape of a row, for the columns in their usual order: amounts in yuan with two decimals; the
fourth group is the note (empty without the column). A match is one whole line."""


def _plain_row(line: int, match: re.Match[str]) -> StatementRow | None:
    """The row a line in the usual shape holds, if its figures are plausible; ``None`` sends the line to
    ``_Columns.row``, which reads any shape and says what is wrong."""
    code, day_text, amounts, note = match.groups()
    assets, market, available, frozen, withdrawable, daily, floating = map(
        int, amounts.replace(".", "").split(",")
    )
    if note:
        note = note.strip()
        if len(note) > MAX_NOTE or not note.isprintable():  # ``check_text`` refuses only unprintables
            return None
    if abs(assets - available - frozen - market) > TOLERANCE or withdrawable > available:
        return None
    try:
        day = _day(day_text)
    except ValueError:
        return None
    figures = Figures(assets, market, available, frozen, withdrawable, daily, floating, note)
    return StatementRow(line, code, day, figures)


@functools.lru_cache(maxsize=64)
def _day(text: str) -> date:
    """A statement's day (its rows mostly share one)."""
    return date.fromisoformat(text)


def _records(reader: Reader, errors: list[RowError]) -> Iterator[list[str]]:
    """The reader's non-blank records; a line the CSV reader cannot read ends the file with its error."""
    try:
        for record in reader:
            if record:
                yield record
    except csv.Error as error:
        errors.append(RowError.refused(reader.line_num, f"unreadable CSV: {error}", "csv_unreadable"))


class _Columns:
    """Where each column of ``CSV_COLUMNS`` (and ``note``) is in a statement's header."""

    def __init__(self, header: list[str]) -> None:
        self.header = tuple(header)
        self.width = len(header)
        self.sub_account = header.index("sub_account")
        self.trade_date = header.index("trade_date")
        self.amounts = [(name, header.index(name) if name in header else None) for name in AMOUNT_FIELDS]
        self.note = header.index("note") if "note" in header else None

    @classmethod
    def of(cls, header: list[str]) -> _Columns:
        """The columns of ``header`` (p2pstock's names, or brokers' Chinese ones); ``InvalidInput`` if it
        lacks one of ``REQUIRED``."""
        if not all(name in header for name in CSV_COLUMNS):
            header = _fields(header)
            missing = [name for name in REQUIRED if name not in header]
            if missing:
                raise InvalidInput(
                    f"the header lacks {', '.join(missing)}; accepted names: {names_of(missing)}",
                    code="header_missing",
                    fields=", ".join(missing),
                )
        return cls(header)

    def row(self, line: int, record: list[str]) -> StatementRow:
        if len(record) > self.width:
            raise InvalidInput("the row has more fields than the header", code="row_too_long")
        record += [""] * (self.width - len(record))
        sub_account = record[self.sub_account].strip()
        if not sub_account:
            raise InvalidInput("sub_account is empty", code="sub_account_empty")
        try:
            day = _trade_day(record[self.trade_date].strip())
        except ValueError:
            raise InvalidInput(
                "trade_date must be a date such as 2026-01-05", code="trade_date_invalid"
            ) from None
        assets, market, available, frozen, withdrawable, daily, floating = (
            0 if at is None else _amount(name, record[at]) for name, at in self.amounts
        )
        note = "" if self.note is None else record[self.note].strip()
        figures = Figures(assets, market, available, frozen, withdrawable, daily, floating, note)
        return StatementRow(line, sub_account, day, figures.check())


def _fields(header: list[str]) -> list[str]:
    """Each column's field ("" for a column the import ignores); of two columns for one field, the one
    under its more usual name (可用资金 before 资金余额)."""
    best: dict[str, tuple[int, int]] = {}  # field → (rank of its name, column)
    for at, cell in enumerate(header):
        field, rank = field_of(cell)
        if field and (field not in best or rank < best[field][0]):
            best[field] = (rank, at)
    fields = [""] * len(header)
    for field, (_, at) in best.items():
        fields[at] = field
    return fields


_DAY = re.compile(r"([0-9]{4})\s*[-/.年]\s*([0-9]{1,2})\s*[-/.月]\s*([0-9]{1,2})\s*日?")


def _trade_day(text: str) -> date:
    """A day as statements write it: ``2026-01-05``, ``20260105``, ``2026/1/5``, ``2026年1月5日``."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        match = _DAY.fullmatch(text)
        if match is None:
            raise
        return date(*map(int, match.groups()))


_PLAIN_YUAN = re.compile(r"(-?)([0-9]{1,12})(?:\.([0-9]{1,2}))?")
"""A statement's usual amount (``58000.5``, ``-3200.00``): read here; any other shape goes through
``parse_minor``, which knows grouping, full-width digits and the reasons an amount is refused."""


def _amount(name: str, text: str) -> int:
    plain = _PLAIN_YUAN.fullmatch(text)
    if plain is not None and (not plain[1] or name in _SIGNED):
        fen = int(plain[2]) * 100 + int((plain[3] or "0").ljust(2, "0"))
        return -fen if plain[1] else fen
    if not text.strip():
        if name in ("total_assets", "market_value", "cash_available"):
            raise InvalidInput(f"{name} is empty", code="field_empty", field=name)
        return 0
    try:
        return parse_minor(text, allow_zero=True, allow_negative=name in _SIGNED)
    except MoneyError as error:
        raise InvalidInput(f"{name}: {error}", code="field_amount_invalid", field=name) from None
