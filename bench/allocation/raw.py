"""The raw-driver baseline: a day's status rows inserted straight on sqlite3 / psycopg, the way the library
inserts rows in bulk.

What any implementation of the import must do at the least: write one row per allocation into
``allocation_daily_status`` (the library's own table, in a copy of the same database), in one
transaction::

    BEGIN IMMEDIATE                                       (SQLite)
    INSERT INTO allocation_daily_status (…17 columns…) VALUES (?, …)      -- executemany, one row each
    COMMIT

    COPY allocation_daily_status (…17 columns…) FROM STDIN               (PostgreSQL, psycopg's copy)
    COMMIT

The rows are the very rows the library stores for the statement (the benchmark checks that afterwards),
built before the clock starts: the baseline does not read the CSV, look up the allocations, judge the
figures or risk, move the allocations on, keep their timelines, audit or queue alerts.

A second, wider baseline (``write_bulk``, for information) writes every row the library's import writes,
with those rows prepared beforehand and written as the library writes them: the status rows (which carry
each allocation's risk state: nothing else is written per allocation); the audit record (with the
trail's head moved on), the queued alerts and the statement remembered as imported, as a run of the
library on another copy of the database wrote them.
It leaves out the reads and all of the library's Python work.

A third side (``read_statement``, then ``write_bulk`` with the sub-accounts looked up first, for
information) is the floor of any import written in Python: it reads each line of the CSV text with one
regular expression (the columns in their usual order, no quoting) into a sub-account, a day and seven
amounts in fen, checking only that assets equal cash plus market value; it looks the sub-accounts up (an
import must refuse unknown ones and needs each allocation's lines, and its risk state: that of its latest
status); and it writes what raw+ writes. It
works out no risk and builds no row itself, and it reports nothing about bad rows beyond raising.

The fee job's baseline (``charge_fees``) moves the same money as the library's fee job: one transfer per
allocation, its period's fee from the customer's wallet to fee income, with the library's transfer ids,
amounts and references, stored as the ledger stores them (a transfer row, two entry rows with the balances
after, the accounts' balances and versions moved on), all in one transaction::

    BEGIN IMMEDIATE                                                  (SQLite)
    SELECT … FROM account WHERE id IN (…) ORDER BY id [FOR UPDATE]   -- the wallets and fee income
    UPDATE account SET … WHERE id = ? AND version = ?                -- executemany, rowcount checked
    INSERT INTO transfer (…)  or  COPY transfer (…) FROM STDIN        -- SQLite / PostgreSQL
    INSERT INTO entry (…)     or  COPY entry (…) FROM STDIN
    COMMIT

It checks each wallet's limit (no overdraft) in plain Python and leaves out everything else the library
does: reading and locking the allocations, the look-up that makes a transfer id idempotent (the unique key
would refuse a repeated one anyway), the allocation rows, their timeline events and audit records.

A wider fee baseline (``charge_fees`` with ``extra``, for information) also writes, in the same
transaction, what else the fee job writes, as a library run wrote it: each allocation's changed columns
(``UPDATE allocation SET data = ?, next_fee_date = ?, fees_unpaid = ?, version = ? WHERE id = ? AND
version = ?``, one ``executemany``), the ``fee`` events, the audit records (with the trail's head moved
on) and each customer's fee digest.

The floor of a fee job written in Python (``fee_floor``, for information) does, in one transaction, the
least any fee job must do to leave the same rows, with the allocation stored as JSON text and the audit
trail hash-chained: it reads the due allocations' rows (locked on PostgreSQL) and the audit head; for each
allocation it decodes the text, moves its period, fees paid and next fee date on, encodes it again, builds
the fee transfer, the event's JSON and the audit record (two JSON states, the JSON of the record, its
SHA-256, chained from the head); it looks up each allocation's last event number; then it writes what raw+
writes. It works out no calendar (each next fee date is taken from a library run) and renders no digest
(the customers' fee digests are a library run's), takes every fee from the wallet (a wallet that cannot
cover it raises) and builds no objects beyond dicts and tuples.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from p2pstock.adapters.sql.database import BUSY_TIMEOUT_MS
from p2pstock.adapters.sql.statements import ENTRY_INSERTED, TRANSFER_INSERTED

COLUMNS = (
    "allocation_id",
    "trade_date",
    "revision",
    "total_assets",
    "market_value",
    "cash_available",
    "cash_frozen",
    "cash_withdrawable",
    "daily_pnl",
    "floating_pnl",
    "note",
    "source",
    "entered_by",
    "entered_at",
    "ratio_bp",
    "risk_before",
    "risk_after",
)
"""The columns of ``allocation_daily_status`` (revision 0006), in the order the library writes them."""

_RUNNING = (
    "a.id, a.sub_account, a.status, a.start_date, a.warning_line, a.liquidation_line, a.allocated, "
    "a.fees_unpaid, s.trade_date, s.risk_after"
)
"""What an import must know of each allocation a row names, at the least (its risk state, and the day of
its latest status, from that status)."""
_LATEST = (
    "LEFT JOIN allocation_daily_status s ON s.allocation_id = a.id AND (s.trade_date, s.revision) = "
    "(SELECT t.trade_date, t.revision FROM allocation_daily_status t WHERE t.allocation_id = a.id "
    "ORDER BY t.trade_date DESC, t.revision DESC LIMIT 1)"
)

StatusRow = tuple[Any, ...]
EventRow = tuple[Any, ...]
"""(allocation_id, seq, at, kind, actor, data): the fee job's events."""
EVENT_COLUMNS = ("allocation_id", "seq", "at", "kind", "actor", "data")
AUDIT_COLUMNS = ("seq", "at", "actor", "action", "target", "before", "after", "previous_hash", "hash", "seal")
STATEMENT_COLUMNS = ("id", "sha256", "row_count", "imported_by", "imported_at")
"""The columns of ``allocation_statement`` (revision 0012): the statement remembered as imported."""
NOTIFICATION_COLUMNS = (
    "id",
    "channel",
    "recipient",
    "text",
    "created_at",
    "status",
    "attempts",
    "next_attempt_at",
    "last_error",
)


FeeTransfer = tuple[str, str, int, str]
"""(transfer id, wallet account, amount, allocation id): one fee, from the wallet to fee income."""
_RISK = (
    "coalesce((SELECT s.risk_after FROM allocation_daily_status s WHERE s.allocation_id = allocation.id "
    "ORDER BY s.trade_date DESC, s.revision DESC LIMIT 1), 'normal')"
)
"""An allocation's risk state: its latest status's (revision 0014), normal before the first."""
_LAST_SEQ = "SELECT allocation_id, max(seq) FROM allocation_event WHERE allocation_id {in_keys} GROUP BY 1"
_NO_OVERDRAFT = 1
"""``AccountFlags.DEBITS_MUST_NOT_EXCEED_CREDITS``"""


@dataclass(frozen=True)
class FeeExtra:
    """What a fee job writes beside its transfers, read back from a run of the library: the allocations'
    changed columns (data, next fee date, fees unpaid, version, id, old version), the events, the audit
    records, the audit head (seq, hash) it left, and the customers' fee digests."""

    allocations: list[tuple[Any, ...]]
    events: list[EventRow]
    audit: list[tuple[Any, ...]]
    head: tuple[int, str]
    notifications: list[tuple[Any, ...]]


@dataclass(frozen=True)
class Extra:
    """The audit record, alerts and statement row an import wrote, read back from a run of the library,
    and the audit head (seq, hash) it left."""

    audit: list[tuple[Any, ...]]
    notifications: list[tuple[Any, ...]]
    head: tuple[int, str]
    statements: list[tuple[Any, ...]]


class RawStatuses:
    """One DB-API connection, with the same settings the library gives its connections."""

    def __init__(self, connection: Any, dialect: str) -> None:
        self.connection = connection
        self.dialect = dialect
        mark = "?" if dialect == "sqlite" else "%s"
        self._head = f"UPDATE audit_head SET seq = {mark}, hash = {mark} WHERE id = 1"
        indexed = " INDEXED BY uq_allocation_sub_account" if dialect == "sqlite" else ""
        where = "WHERE a.status = 'in_progress' AND a.sub_account "
        self._lookup = f"SELECT {_RUNNING} FROM allocation a{indexed} {_LATEST} {where}"

    @classmethod
    def sqlite(cls, path: str, synchronous: str = "FULL") -> RawStatuses:
        """The settings ``p2pstock.adapters.sql.database`` gives SQLite: WAL, ``synchronous``, busy
        timeout, foreign keys; transactions begun explicitly."""
        connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000)
        connection.isolation_level = None
        for pragma in ("journal_mode=WAL", f"synchronous={synchronous}", f"busy_timeout={BUSY_TIMEOUT_MS}"):
            connection.execute(f"PRAGMA {pragma}")
        connection.execute("PRAGMA foreign_keys=ON")
        return cls(connection, "sqlite")

    @classmethod
    def postgres(cls, conninfo: str) -> RawStatuses:
        import psycopg  # noqa: PLC0415 - optional dependency, only for the PostgreSQL run

        return cls(psycopg.connect(conninfo), "postgresql")

    def insert(self, rows: list[StatusRow]) -> None:
        """All ``rows`` in one transaction."""
        with self._transaction() as cursor:
            self._insert_rows(cursor, "allocation_daily_status", COLUMNS, rows)

    def write_bulk(self, rows: list[StatusRow], extra: Extra, *, look_up: list[str] | None = None) -> int:
        """Every row the import writes, in one transaction; first, with ``look_up``, the running
        allocations on those sub-account codes (the number found is answered)."""
        with self._transaction() as cursor:
            found = self._look_up(cursor, look_up) if look_up is not None else 0
            self._write_import(cursor, rows, extra)
        return found

    def import_built(self, read: list[ReadRow], extra: Extra, *, now: int, actor: str) -> list[StatusRow]:
        """The floor with its status rows worked out (``status_rows``), not taken from a library run: the
        running allocations looked up, the rows built, then every row raw+ writes; the rows written."""
        with self._transaction() as cursor:
            rows = status_rows(read, self._running(cursor, [code for code, _, _, _ in read]), now, actor)
            self._write_import(cursor, rows, extra)
        return rows

    def _write_import(self, cursor: Any, rows: list[StatusRow], extra: Extra) -> None:
        """The status rows, then what else the import writes, on the open transaction."""
        self._insert_rows(cursor, "allocation_daily_status", COLUMNS, rows)
        cursor.execute(self._head, extra.head)
        self._insert_rows(cursor, "audit_record", AUDIT_COLUMNS, extra.audit)
        self._insert_rows(cursor, "notification", NOTIFICATION_COLUMNS, extra.notifications)
        self._insert_rows(cursor, "allocation_statement", STATEMENT_COLUMNS, extra.statements)

    def charge_fees(
        self,
        fees: list[FeeTransfer],
        *,
        income: str,
        code: str,
        now: int,
        day: str,
        extra: FeeExtra | None = None,
    ) -> None:
        """Every transfer of ``fees`` (wallet → ``income``) in one transaction, stored as the ledger stores
        it; a wallet that cannot cover its fee raises (and nothing is written). With ``extra``, the rest of
        what the fee job writes too."""
        with self._transaction() as cursor:
            self._fee_transfers(cursor, fees, income=income, code=code, now=now, day=day)
            if extra is not None:
                mark = "?" if self.dialect == "sqlite" else "%s"
                update = (
                    f"UPDATE allocation SET data = {mark}, next_fee_date = {mark}, fees_unpaid = {mark}, "
                    f"version = {mark} WHERE id = {mark} AND version = {mark}"
                )
                cursor.executemany(update, extra.allocations)
                if cursor.rowcount != len(extra.allocations):
                    raise RuntimeError(f"{cursor.rowcount} of {len(extra.allocations)} allocations updated")
                self._insert_rows(cursor, "allocation_event", EVENT_COLUMNS, extra.events)
                cursor.execute(self._head, extra.head)
                self._insert_rows(cursor, "audit_record", AUDIT_COLUMNS, extra.audit)
                self._insert_rows(cursor, "notification", NOTIFICATION_COLUMNS, extra.notifications)

    def fee_floor(
        self,
        *,
        day: str,
        now: int,
        income: str,
        code: str,
        next_dates: dict[str, str],
        notifications: list[tuple[Any, ...]],
    ) -> int:
        """The least a Python fee job does for the allocations due on ``day`` (see the module's docstring),
        the customers' fee digests taken from a library run; how many allocations it charged."""
        lock = "" if self.dialect == "sqlite" else " FOR UPDATE"
        mark = "?" if self.dialect == "sqlite" else "%s"
        with self._transaction() as cursor:
            cursor.execute(
                f"SELECT id, customer_id, data, version, {_RISK} FROM allocation "
                "WHERE status = 'in_progress' AND next_fee_date IS NOT NULL "
                f"AND next_fee_date <= {mark} ORDER BY id{lock}",
                (day,),
            )
            rows = cursor.fetchall()
            cursor.execute(f"SELECT seq, hash FROM audit_head WHERE id = 1{lock}")
            seq, previous = cursor.fetchone()
            fees, updates, events, audit = [], [], [], []
            for allocation_id, customer, data, version, risk in rows:
                stored = json.loads(data)
                before = _summary(stored, risk)
                period, fee = stored["periods_charged"] + 1, stored["fee_per_period"]
                stored["periods_charged"] = period
                stored["fees_paid"] += fee
                stored["next_fee_date"] = next_date = next_dates[allocation_id]
                text = json.dumps(stored, separators=(",", ":"), ensure_ascii=False)
                updates.append((text, next_date, stored["fees_unpaid"], version + 1, allocation_id, version))
                fees.append(
                    (f"alloc:{allocation_id}:fee{period}", f"wallet:CNY:{customer}", fee, allocation_id)
                )
                moved = {"period": period, "day": day, "from_wallet": fee, "from_risk_fund": 0, "unpaid": 0}
                events.append([allocation_id, 0, now, "fee", "system", json.dumps(moved, sort_keys=True)])
                seq += 1
                record = {
                    "seq": seq,
                    "at": now,
                    "actor": "system",
                    "action": "allocation.fee",
                    "target": allocation_id,
                    "before": _canonical(before),
                    "after": _canonical(_summary(stored, risk)),
                    "previous_hash": previous,
                }
                digest = hashlib.sha256(_canonical(record).encode()).hexdigest()
                audit.append((*record.values(), digest, ""))
                previous = digest
            last = dict(self._rows_in(cursor, _LAST_SEQ, [row[0] for row in rows]))
            for event in events:
                event[1] = last.get(event[0], 0) + 1
            self._fee_transfers(cursor, fees, income=income, code=code, now=now, day=day)
            update = (
                f"UPDATE allocation SET data = {mark}, next_fee_date = {mark}, fees_unpaid = {mark}, "
                f"version = {mark} WHERE id = {mark} AND version = {mark}"
            )
            cursor.executemany(update, updates)
            self._insert_rows(cursor, "allocation_event", EVENT_COLUMNS, [tuple(e) for e in events])
            cursor.execute(self._head, (seq, previous))
            self._insert_rows(cursor, "audit_record", AUDIT_COLUMNS, audit)
            self._insert_rows(cursor, "notification", NOTIFICATION_COLUMNS, notifications)
        return len(rows)

    def _rows_in(self, cursor: Any, template: str, keys: list[str]) -> list[Any]:
        """Rows of ``template`` (its ``{in_keys}``) for many keys: 400 a query on SQLite, all at once on
        PostgreSQL, as the library looks them up."""
        if self.dialect != "sqlite":
            cursor.execute(template.format(in_keys="= ANY(%s)"), (keys,))
            return list(cursor.fetchall())
        rows: list[Any] = []
        for start in range(0, len(keys), 400):
            chunk = keys[start : start + 400]
            cursor.execute(template.format(in_keys=f"IN ({', '.join('?' for _ in chunk)})"), chunk)
            rows += cursor.fetchall()
        return rows

    def _fee_transfers(
        self, cursor: Any, fees: list[FeeTransfer], *, income: str, code: str, now: int, day: str
    ) -> None:
        """The fee transfers, their entries and the accounts' balances, on the open transaction."""
        accounts = self._lock_accounts(cursor, sorted({wallet for _, wallet, _, _ in fees} | {income}))
        versions = {account: balances[5] for account, balances in accounts.items()}
        transfers, entries = [], []
        credit = accounts[income]
        for transfer_id, wallet, amount, reference in fees:
            debit = accounts[wallet]
            if debit[4] & _NO_OVERDRAFT and debit[0] + debit[1] + amount > debit[3]:
                raise RuntimeError(f"{wallet} cannot cover {amount}")
            debit[1] += amount
            credit[3] += amount
            debit[5] += 1
            credit[5] += 1
            row = (transfer_id, wallet, income, amount, code, debit[6], 0, None, 0, reference, now)
            transfers.append((*row, None, day))
            common = (transfer_id, wallet, now, day, code, "posted", "debit", amount, reference)
            entries.append((*common, 0, amount, 0, 0, *debit[:4]))
            common = (transfer_id, income, now, day, code, "posted", "credit", amount, reference)
            entries.append((*common, 0, 0, 0, amount, *credit[:4]))
        mark = "?" if self.dialect == "sqlite" else "%s"
        update = (
            f"UPDATE account SET debits_pending = {mark}, debits_posted = {mark}, "
            f"credits_pending = {mark}, credits_posted = {mark}, version = {mark} "
            f"WHERE id = {mark} AND version = {mark}"
        )
        rows = [(*b[:4], b[5], account, versions[account]) for account, b in accounts.items()]
        cursor.executemany(update, rows)
        if cursor.rowcount != len(rows):
            raise RuntimeError(f"{cursor.rowcount} of {len(rows)} accounts updated")
        self._insert_rows(cursor, "transfer", TRANSFER_INSERTED, transfers)
        self._insert_rows(cursor, "entry", ENTRY_INSERTED, entries)

    def _lock_accounts(self, cursor: Any, ids: list[str]) -> dict[str, list[Any]]:
        """[debits pending, debits posted, credits pending, credits posted, flags, version, currency] of
        each account, locked (PostgreSQL) in id order, 500 ids a query on SQLite."""
        select = (
            "SELECT id, debits_pending, debits_posted, credits_pending, credits_posted, flags, version, "
            "currency FROM account WHERE id "
        )
        if self.dialect != "sqlite":
            cursor.execute(select + "= ANY(%s) ORDER BY id FOR UPDATE", (ids,))
            rows = cursor.fetchall()
        else:
            rows = []
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                cursor.execute(select + f"IN ({', '.join('?' for _ in chunk)}) ORDER BY id", chunk)
                rows += cursor.fetchall()
        if len(rows) != len(ids):
            raise RuntimeError(f"{len(rows)} of {len(ids)} accounts found")
        return {row[0]: list(row[1:]) for row in rows}

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[Any]:
        cursor = self.connection.cursor()
        try:
            if self.dialect == "sqlite":
                cursor.execute("BEGIN IMMEDIATE")
            yield cursor
            self.connection.commit()
        except BaseException:
            self.connection.rollback()
            raise
        finally:
            cursor.close()

    def _insert_rows(
        self, cursor: Any, table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]
    ) -> None:
        """As the library inserts rows in bulk: ``COPY`` on PostgreSQL, one ``executemany`` on SQLite."""
        if self.dialect == "sqlite":
            marks = ", ".join("?" for _ in columns)
            cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)
            return
        with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    def _look_up(self, cursor: Any, codes: list[str]) -> int:
        return len(self._running(cursor, codes))

    def _running(self, cursor: Any, codes: list[str]) -> list[Any]:
        """The running allocations on ``codes`` (``_RUNNING``), as the library looks them up: 400 codes a
        query on SQLite (on the index the library uses), all at once on PostgreSQL."""
        if self.dialect != "sqlite":
            cursor.execute(self._lookup + "= ANY(%s)", (codes,))
            return list(cursor.fetchall())
        found: list[Any] = []
        for start in range(0, len(codes), 400):
            chunk = codes[start : start + 400]
            cursor.execute(self._lookup + f"IN ({', '.join('?' for _ in chunk)})", chunk)
            found += cursor.fetchall()
        return found

    def rows(self, statement: str, *params: object) -> list[tuple[Any, ...]]:
        """Every row of a query, read in its own transaction (``?`` placeholders, on either database)."""
        cursor = self.connection.cursor()
        if self.dialect != "sqlite":
            statement = statement.replace("?", "%s")
        cursor.execute(statement, params)
        found = [tuple(row) for row in cursor.fetchall()]
        self.connection.rollback()
        cursor.close()
        return found

    def day(self, trade_date: str) -> list[StatusRow]:
        """The stored rows of ``trade_date``, by allocation and revision (for the checks)."""
        return self.rows(
            f"SELECT {', '.join(COLUMNS)} FROM allocation_daily_status WHERE trade_date = ? "
            "ORDER BY allocation_id, revision",
            trade_date,
        )

    def scalar(self, statement: str, *params: object) -> Any:
        """One value, read in its own transaction."""
        return self.rows(statement, *params)[0][0]

    def close(self) -> None:
        self.connection.close()


_AMOUNT = r"(-?)([0-9]{1,12})\.([0-9]{2})"
_LINE = re.compile(rf"([^,\"]+),([0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}),{','.join([_AMOUNT] * 7)},([^,\"]*)")


ReadRow = tuple[str, date, list[int], str]
"""(sub-account, day, the seven amounts in fen, note): a statement row as ``read_statement`` reads it."""


def read_statement(text: str) -> list[ReadRow]:
    """The least a Python import must do to read a statement of ``CSV_COLUMNS`` (and ``note``) in their
    order, amounts with two decimals: each row's sub-account, day and seven amounts in fen, assets checked
    against cash plus market value."""
    lines = text.split("\n")
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        if not line:
            continue
        match = _LINE.fullmatch(line)
        if match is None:
            raise ValueError(f"line {number}: not a statement row")
        fields = match.groups()
        amounts = []
        for sign, whole, fraction in zip(fields[2:23:3], fields[3:23:3], fields[4:23:3], strict=True):
            fen = int(whole) * 100 + int(fraction)
            amounts.append(-fen if sign else fen)
        if abs(amounts[0] - amounts[1] - amounts[2] - amounts[3]) > 100:
            raise ValueError(f"line {number}: assets differ from cash plus market value")
        rows.append((fields[0], date.fromisoformat(fields[1]), amounts, fields[-1]))
    return rows


def status_rows(read: list[ReadRow], running: list[Any], now: int, actor: str) -> list[StatusRow]:
    """The least an import works out for the rows it writes: each row's allocation (an unknown
    sub-account refused), its risk ratio and its risk state after the reading, with the hysteresis of
    ``p2pstock.core.allocation.risk`` written out on plain strings; sorted by allocation, as the library
    writes them. Each day is the first status of its day (revision 1): a day already imported raises."""
    by_code = {row[1]: row for row in running}
    rows = []
    for code, day, amounts, note in read:
        found = by_code.get(code)
        if found is None:
            raise ValueError(f"no running allocation on {code}")
        allocation_id, _, _, _, warning, liquidation, allocated, unpaid, latest, before = found
        text_day = day.isoformat()
        if latest is not None and latest >= text_day:
            raise ValueError(f"{code}: {text_day} is not after its latest status")
        before = before or "normal"
        assets = amounts[0]
        ratio = assets * 10_000 // max(allocated + unpaid, 1)
        after = _next_risk(before, assets, warning, liquidation)
        rows.append((allocation_id, text_day, 1, *amounts, note, "csv", actor, now, ratio, before, after))
    rows.sort()
    return rows


def _next_risk(before: str, assets: int, warning: int, liquidation: int) -> str:
    """``risk.next_risk`` on the stored names (two per cent above a line to leave the state below it)."""
    if assets <= liquidation or (before == "liquidation" and assets * 100 <= liquidation * 102):
        return "liquidation"
    if assets <= warning or (before != "normal" and assets * 100 <= warning * 102):
        return "warning"
    return "normal"


def _summary(stored: dict[str, Any], risk: str) -> dict[str, object]:
    """What the audit trail keeps of an allocation (``desk.summary``), from its stored text."""
    holds = stored["holds"]
    return {
        "status": stored["status"],
        "risk": risk,
        "paid": sum(amount for _, amount in holds.values()),
        "risk_fund": holds["risk_fund"][1] if "risk_fund" in holds else 0,
        "top_ups": sum(amount for _, amount in stored["top_up_holds"]),
        "fees_unpaid": stored["fees_unpaid"],
        "overdue": stored["overdue"],
        "sub_account": stored["sub_account"],
        "term": stored["term"],
    }


def _canonical(value: dict[str, object]) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
