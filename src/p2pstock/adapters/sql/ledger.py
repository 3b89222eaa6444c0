"""The ledger's storage on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence
from typing import Any

from p2pstock.adapters.sql import statements as sql
from p2pstock.core import trusted
from p2pstock.core.errors import TransientConflict
from p2pstock.core.ledger.accounts import Account, AccountFlags, Balances
from p2pstock.core.ledger.entries import Entry, EntryKind, Side
from p2pstock.core.ledger.ports import CodeTotal, DayRange, LedgerChanges, Period
from p2pstock.core.ledger.results import TransferResult
from p2pstock.core.ledger.transfers import Transfer, TransferFlags

Row = tuple[Any, ...]

IN_CHUNK = 500
"""Keys per ``IN`` list of a look-up (a batch of transfers looks up twice as many ids as it holds)."""


class SqlLedgerSession:
    """Runs the ledger's statements on the open transaction's driver cursor."""

    def __init__(self, cursor: Any, dialect: str) -> None:
        self._cursor = cursor
        self._dialect = dialect
        self._lock_suffix = " FOR UPDATE" if dialect == "postgresql" else ""

    # -- the write path ---------------------------------------------------------------------------------

    def lock_accounts(self, ids: Collection[str]) -> dict[str, Account]:
        rows = self._select_in(sql.FIND_ACCOUNTS + self._lock_suffix, "id", sorted(ids))
        return {row[0]: _account(row) for row in rows}

    def find_accounts(self, ids: Collection[str]) -> dict[str, Account]:
        return {row[0]: _account(row) for row in self._select_in(sql.FIND_ACCOUNTS, "id", list(ids))}

    def insert_accounts(self, accounts: Sequence[Account]) -> None:
        rows = [
            {
                "id": a.id,
                "currency": a.currency,
                "code": a.code,
                "flags": int(a.flags),
                "created_at": a.created_at,
            }
            for a in accounts
        ]
        self._executemany(sql.INSERT_ACCOUNT, rows)

    def find_transfers(self, ids: Collection[str]) -> dict[str, Transfer]:
        return {row[0]: _transfer(row) for row in self._select_in(sql.FIND_TRANSFERS, "id", list(ids))}

    def find_failures(self, ids: Collection[str]) -> dict[str, TransferResult]:
        rows = self._select_in(sql.FIND_FAILURES, "id", list(ids))
        return {row[0]: TransferResult(row[1]) for row in rows}

    def find_resolutions(self, pending_ids: Collection[str]) -> dict[str, Transfer]:
        rows = self._select_in(sql.FIND_TRANSFERS, "pending_id", list(pending_ids))
        return {row[7]: _transfer(row) for row in rows}

    def write(self, changes: LedgerChanges) -> None:
        if changes.accounts:
            updates = [_account_update(account, old) for account, old in changes.accounts]
            if self._executemany(sql.UPDATE_ACCOUNT, updates) != len(updates):
                raise TransientConflict("an account changed while it was locked")
        if changes.transfers:
            transfers = [_transfer_row(t, changes.day) for t in changes.transfers]
            self._insert("transfer", sql.TRANSFER_INSERTED, sql.INSERT_TRANSFER, transfers)
        if changes.entries:
            entries = [_entry_row(e) for e in changes.entries]
            self._insert("entry", sql.ENTRY_INSERTED, sql.INSERT_ENTRY, entries)
        if changes.failures:
            self._executemany(sql.INSERT_FAILURE, [{"id": i, "result": str(r)} for i, r in changes.failures])

    # -- reading ------------------------------------------------------------------------------------------

    def expired_pending(self, now: int, limit: int) -> list[Transfer]:
        return [_transfer(r) for r in self._fetch(sql.EXPIRED_PENDING, {"now": now, "limit": limit})]

    def open_holds(self, account_id: str, code_prefix: str = "") -> list[Transfer]:
        like = code_prefix.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%"
        return [_transfer(r) for r in self._fetch(sql.OPEN_HOLDS, {"account_id": account_id, "prefix": like})]

    def entries(self, account_id: str, start: int, end: int, after_seq: int, limit: int) -> list[Entry]:
        params = {"account_id": account_id, "after": after_seq, "start": start, "end": end, "limit": limit}
        return [_entry(r) for r in self._fetch(sql.ENTRIES, params)]

    def movements(self, account_id: str, start: int, end: int, before_seq: int, limit: int) -> list[Entry]:
        params = {"account_id": account_id, "before": before_seq, "start": start, "end": end, "limit": limit}
        return [_entry(r) for r in self._fetch(sql.MOVEMENTS, params)]

    def last_entry_before(self, account_id: str, moment: int) -> Entry | None:
        rows = self._fetch(sql.LAST_ENTRY_BEFORE, {"account_id": account_id, "moment": moment})
        return _entry(rows[0]) if rows else None

    def code_totals(self, period: Period, days: DayRange, account_id: str | None) -> list[CodeTotal]:
        width = 10 if period == "day" else 7
        if account_id:  # by time, which the entry index covers; the grouping is by the stored day
            params: dict[str, Any] = {"account_id": account_id, "start": days.start, "end": days.end}
            rows = self._fetch(sql.ACCOUNT_TOTALS.format(width=width), params)
        else:
            rows = self._fetch(
                sql.PLATFORM_TOTALS.format(width=width), {"start": days.first, "end": days.last}
            )
        return [CodeTotal(r[0], r[1], int(r[2]), int(r[3]), int(r[4])) for r in rows]

    def all_accounts(self) -> Iterable[Account]:
        return [_account(r) for r in self._fetch(sql.ALL_ACCOUNTS, {})]

    def all_transfers(self) -> Iterable[Transfer]:
        cursor = self._cursor.connection.cursor()  # its own cursor: the caller reads other things meanwhile
        cursor.execute(sql.for_dialect(sql.ALL_TRANSFERS, self._dialect), {})
        return _stream(cursor)

    def entry_sums(self) -> dict[str, tuple[Balances, Balances | None]]:
        sums = {r[0]: Balances(*(int(v) for v in r[1:])) for r in self._fetch(sql.ENTRY_SUMS, {})}
        last = {r[0]: Balances(*(int(v) for v in r[1:])) for r in self._fetch(sql.LAST_ENTRIES, {})}
        return {account: (total, last.get(account)) for account, total in sums.items()}

    # -- the cursor ----------------------------------------------------------------------------------------

    def _select_in(self, template: str, column: str, keys: list[str]) -> list[Row]:
        """Rows whose ``column`` is one of ``keys``: up to ``IN_CHUNK`` of them in one ``IN`` list (a text
        psycopg prepares once it recurs); more, on PostgreSQL, as one array (``= ANY``, planned for the keys
        at hand, as ``SqlRepository._in`` does), and on SQLite ``IN_CHUNK`` at a time: it finds a named
        parameter by scanning the statement's names, so one list of thousands costs quadratically."""
        if len(keys) > IN_CHUNK and self._dialect == "postgresql":
            statement = sql.for_dialect(sql.select_any(template, column), self._dialect)
            self._cursor.execute(statement, {"keys": keys}, prepare=False)
            return list(self._cursor.fetchall())
        rows: list[Row] = []
        for start in range(0, len(keys), IN_CHUNK):
            chunk = keys[start : start + IN_CHUNK]
            params = {f"k{i}": key for i, key in enumerate(chunk)}
            rows += self._fetch(sql.select_in(template, column, len(chunk)), params)
        return rows

    def _fetch(self, statement: str, params: dict[str, Any]) -> list[Row]:
        self._execute(statement, params)
        return list(self._cursor.fetchall())

    def _execute(self, statement: str, params: dict[str, Any]) -> None:
        self._cursor.execute(sql.for_dialect(statement, self._dialect), params)

    def _insert(self, table: str, columns: tuple[str, ...], insert: str, rows: list[Row]) -> None:
        """``rows`` (tuples in the order of ``columns``) into ``table``: with ``COPY`` on PostgreSQL from
        ``COPY_FROM`` rows, else ``insert`` (its parameters in the order of ``columns``) for each."""
        if self._dialect == "postgresql" and len(rows) >= sql.COPY_FROM:
            with self._cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        self._cursor.executemany(sql.positional_from_named(insert, self._dialect), rows)

    def _executemany(self, statement: str, rows: list[dict[str, Any]]) -> int:
        if not rows:
            return 0
        self._cursor.executemany(sql.for_dialect(statement, self._dialect), rows)
        return int(self._cursor.rowcount)


def _stream(cursor: Any) -> Iterator[Transfer]:
    try:
        while rows := cursor.fetchmany(1000):
            yield from (_transfer(r) for r in rows)
    finally:
        cursor.close()


def _account(row: Row) -> Account:
    balances = Balances(row[4], row[5], row[6], row[7])
    return trusted.build(Account, row[0], row[1], row[2], AccountFlags(row[3]), balances, row[8], row[9])


def _account_update(account: Account, old_version: int) -> dict[str, Any]:
    b = account.balances
    return {
        "id": account.id,
        "dp": b.debits_pending,
        "dpo": b.debits_posted,
        "cp": b.credits_pending,
        "cpo": b.credits_posted,
        "version": account.version,
        "old_version": old_version,
    }


def _transfer(row: Row) -> Transfer:
    flags, pending_id = TransferFlags(row[6]), row[7] or ""
    return trusted.build(Transfer, *row[:6], flags, pending_id, *row[8:12])


def _transfer_row(t: Transfer, day: str) -> Row:
    """The values of ``INSERT_TRANSFER``, in ``TRANSFER_INSERTED`` order."""
    return (
        t.id,
        t.debit_account_id,
        t.credit_account_id,
        t.amount,
        t.code,
        t.currency,
        int(t.flags),
        t.pending_id or None,
        t.timeout,
        t.reference,
        t.timestamp,
        t.expires_at,
        day,
    )


def _entry(row: Row) -> Entry:
    return Entry(
        seq=row[0],
        transfer_id=row[1],
        account_id=row[2],
        timestamp=row[3],
        day=row[4],
        code=row[5],
        kind=EntryKind(row[6]),
        side=Side(row[7]),
        amount=row[8],
        reference=row[9],
        delta=Balances(row[10], row[11], row[12], row[13]),
        after=Balances(row[14], row[15], row[16], row[17]),
    )


def _entry_row(e: Entry) -> Row:
    """The values of ``INSERT_ENTRY``, in ``ENTRY_INSERTED`` order."""
    d, a = e.delta, e.after
    return (
        e.transfer_id,
        e.account_id,
        e.timestamp,
        e.day,
        e.code,
        str(e.kind),
        str(e.side),
        e.amount,
        e.reference,
        d.debits_pending,
        d.debits_posted,
        d.credits_pending,
        d.credits_posted,
        a.debits_pending,
        a.debits_posted,
        a.credits_pending,
        a.credits_posted,
    )
