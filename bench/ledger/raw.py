"""The raw-driver baseline: the ledger's own SQL text, issued straight on sqlite3 / psycopg.

Each operation sends the statements ``SqlLedgerSession`` sends for it, in the same order and with the same
transaction boundaries (traced from the library with ``sqlite3.Connection.set_trace_callback`` and
``psycopg.pq.PGconn.trace``):

    BEGIN IMMEDIATE (SQLite) / BEGIN (psycopg, implicit on the first statement)
    [post only]  SELECT transfer WHERE id IN (:pending_id)                  -- the pending transfer
    SELECT account WHERE id IN (…) ORDER BY id [FOR UPDATE]                 -- lock, in id order
    SELECT transfer WHERE id IN (…)                                         -- ids that already exist
    [post only]  SELECT transfer WHERE pending_id IN (:pending_id)          -- resolutions
    SELECT failed_transfer WHERE id IN (…)                                  -- remembered failures
    UPDATE account … WHERE id = :id AND version = :old_version   (executemany, one row per account)
    INSERT INTO transfer …                                       (executemany)
    INSERT INTO entry …                                          (executemany, two rows per transfer)
    COMMIT

On PostgreSQL a batch's transfers and entries go in with ``COPY transfer / entry (…) FROM STDIN`` instead,
from ``statements.COPY_FROM`` rows of a table, as the library writes them.

The SQL text comes from ``p2pstock.adapters.sql.statements`` (``select_in``, ``select_any`` and
``for_dialect``), so it is literally the library's, and so is the way keys are split: ``IN`` lists of up to
``IN_CHUNK`` keys, and above that one ``= ANY`` array on PostgreSQL. What the baseline leaves out is
everything else: no SQLAlchemy connection pool, no attrs objects, no rule engine. New balances are computed
inline in plain Python, and only the checks that keep the result a valid ledger are made (no overdraft,
nothing already there, versions matched).
"""

from __future__ import annotations

import re
import sqlite3
import time
from datetime import UTC, datetime
from typing import Any

from p2pstock.adapters.sql import statements as sql
from p2pstock.adapters.sql.database import BUSY_TIMEOUT_MS
from p2pstock.adapters.sql.ledger import IN_CHUNK

LINKED, PENDING, POST_PENDING = 1, 2, 4
NO_OVERDRAFT = 1  # AccountFlags.DEBITS_MUST_NOT_EXCEED_CREDITS
_DAY = 86_400_000_000

_TRANSFER_PARAMS = re.findall(r"(?<![:\w]):(\w+)", sql.INSERT_TRANSFER)
_ENTRY_PARAMS = re.findall(r"(?<![:\w]):(\w+)", sql.INSERT_ENTRY)
"""The parameters of the library's inserts, in the order of their columns."""

Move = tuple[str, str, str, int, int]
"""A transfer request for the baseline: (id, debit account, credit account, amount, flags)."""


class BaselineError(RuntimeError):
    """The baseline met a state the benchmark never creates (its workloads always succeed)."""


class RawLedger:
    """Transfers on one DB-API connection, with the library's statements."""

    def __init__(self, connection: Any, dialect: str) -> None:
        self.connection = connection
        self.dialect = dialect
        self._cursor = connection.cursor()
        self._begin = "BEGIN IMMEDIATE" if dialect == "sqlite" else None  # psycopg begins by itself
        self._lock = sql.FIND_ACCOUNTS + (" FOR UPDATE" if dialect == "postgresql" else "")
        self._texts: dict[tuple[str, str, int], str] = {}
        self._update = sql.for_dialect(sql.UPDATE_ACCOUNT, dialect)
        self._insert_transfer = sql.for_dialect(sql.INSERT_TRANSFER, dialect)
        self._insert_entry = sql.for_dialect(sql.INSERT_ENTRY, dialect)
        self._day_number, self._day = -1, ""

    @classmethod
    def sqlite(cls, path: str, synchronous: str = "FULL") -> RawLedger:
        """The same connection settings as ``p2pstock.adapters.sql.database`` gives SQLite."""
        connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000)
        connection.isolation_level = None
        for pragma in ("journal_mode=WAL", f"synchronous={synchronous}", f"busy_timeout={BUSY_TIMEOUT_MS}"):
            connection.execute(f"PRAGMA {pragma}")
        connection.execute("PRAGMA foreign_keys=ON")
        return cls(connection, "sqlite")

    @classmethod
    def postgres(cls, conninfo: str) -> RawLedger:
        import psycopg  # noqa: PLC0415 - optional dependency, only for the PostgreSQL run

        return cls(psycopg.connect(conninfo), "postgresql")

    def close(self) -> None:
        self._cursor.close()
        self.connection.close()

    # -- the operations ---------------------------------------------------------------------------------

    def move(self, requests: list[Move]) -> None:
        """Single-phase or pending transfers (linked or not) in one transaction, like ``create_transfers``."""
        now, day = self._now()
        try:
            if self._begin:
                self._cursor.execute(self._begin)
            ids = [r[0] for r in requests]
            account_ids = sorted({i for r in requests for i in (r[1], r[2])})
            accounts = self._lock_accounts(account_ids)
            if self._select("id", sql.FIND_TRANSFERS, ids) or self._select("id", sql.FIND_FAILURES, ids):
                raise BaselineError("a transfer id is already taken")
            transfers: list[dict[str, Any]] = []
            entries: list[dict[str, Any]] = []
            for tid, debit_id, credit_id, amount, flags in requests:
                debit, credit = accounts[debit_id], accounts[credit_id]
                if flags & PENDING:
                    debit[0] += amount
                    credit[2] += amount
                    kind, d_delta, c_delta = "pending", (amount, 0, 0, 0), (0, 0, amount, 0)
                else:
                    debit[1] += amount
                    credit[3] += amount
                    kind, d_delta, c_delta = "posted", (0, amount, 0, 0), (0, 0, 0, amount)
                _check_limit(debit_id, debit)
                _check_limit(credit_id, credit)
                debit[4] += 1
                credit[4] += 1
                transfer = {
                    "id": tid,
                    "debit": debit_id,
                    "credit": credit_id,
                    "amount": amount,
                    "code": "p2p",
                    "currency": debit[7],
                    "flags": flags,
                    "pending_id": None,
                    "timeout": 0,
                    "reference": "",
                    "ts": now,
                    "expires_at": None,
                    "day": day,
                }
                transfers.append(transfer)
                entries.append(_entry(transfer, kind, "debit", d_delta, debit))
                entries.append(_entry(transfer, kind, "credit", c_delta, credit))
            self._write(accounts, transfers, entries)
            self.connection.commit()
        except BaseException:
            self.connection.rollback()
            raise

    def post(self, tid: str, pending_id: str) -> None:
        """Post all of a pending transfer in its own transaction (``create_transfer(Transfer.post(…))``)."""
        now, day = self._now()
        try:
            if self._begin:
                self._cursor.execute(self._begin)
            found = self._select("id", sql.FIND_TRANSFERS, [pending_id])
            if not found or not found[0][6] & PENDING:
                raise BaselineError(f"no pending transfer {pending_id}")
            _, debit_id, credit_id, held, code, currency, _, _, _, reference, _, _ = found[0]
            accounts = self._lock_accounts(sorted((debit_id, credit_id)))
            if (
                self._select("id", sql.FIND_TRANSFERS, [tid])
                or self._select("pending_id", sql.FIND_TRANSFERS, [pending_id])
                or self._select("id", sql.FIND_FAILURES, [tid])
            ):
                raise BaselineError(f"transfer {tid} exists or {pending_id} is resolved")
            debit, credit = accounts[debit_id], accounts[credit_id]
            debit[0] -= held
            debit[1] += held
            credit[2] -= held
            credit[3] += held
            _check_limit(debit_id, debit)
            _check_limit(credit_id, credit)
            debit[4] += 1
            credit[4] += 1
            transfer = {
                "id": tid,
                "debit": debit_id,
                "credit": credit_id,
                "amount": held,
                "code": code,
                "currency": currency,
                "flags": POST_PENDING,
                "pending_id": pending_id,
                "timeout": 0,
                "reference": reference,
                "ts": now,
                "expires_at": None,
                "day": day,
            }
            entries = [
                _entry(transfer, "post", "debit", (-held, held, 0, 0), debit),
                _entry(transfer, "post", "credit", (0, 0, -held, held), credit),
            ]
            self._write(accounts, [transfer], entries)
            self.connection.commit()
        except BaseException:
            self.connection.rollback()
            raise

    # -- checks (outside the timed runs) ------------------------------------------------------------------

    def totals(self) -> tuple[int, tuple[int, int, int, int], list[str]]:
        """The number of transfers, the sums of the four account totals, and what does not add up."""
        cursor = self.connection.cursor()
        problems: list[str] = []
        cursor.execute("SELECT count(*) FROM transfer")
        count = int(cursor.fetchone()[0])
        cursor.execute(
            "SELECT sum(debits_pending), sum(debits_posted), sum(credits_pending), sum(credits_posted) "
            "FROM account"
        )
        dp, dpo, cp, cpo = (int(v) for v in cursor.fetchone())
        if dp != cp or dpo != cpo:
            problems.append(f"accounts do not balance: pending {dp} vs {cp}, posted {dpo} vs {cpo}")
        cursor.execute(
            "SELECT a.id FROM account a LEFT JOIN (SELECT account_id, sum(d_dp) AS dp, sum(d_dpo) AS dpo, "
            "sum(d_cp) AS cp, sum(d_cpo) AS cpo FROM entry GROUP BY account_id) e ON e.account_id = a.id "
            "WHERE coalesce(e.dp, 0) <> a.debits_pending OR coalesce(e.dpo, 0) <> a.debits_posted "
            "OR coalesce(e.cp, 0) <> a.credits_pending OR coalesce(e.cpo, 0) <> a.credits_posted"
        )
        problems.extend(
            f"account {row[0]}: entries do not add up to its balances" for row in cursor.fetchall()
        )
        cursor.execute("SELECT count(*) FROM entry")
        if int(cursor.fetchone()[0]) != 2 * count:
            problems.append("not two entries per transfer")
        self.connection.rollback()
        cursor.close()
        return count, (dp, dpo, cp, cpo), problems

    # -- the statements -----------------------------------------------------------------------------------

    def _lock_accounts(self, ids: list[str]) -> dict[str, list[Any]]:
        """Balances as mutable lists: [dp, dpo, cp, cpo, version, loaded version, flags, currency]."""
        rows = self._select("id", self._lock, ids)
        if len(rows) != len(ids):
            raise BaselineError("an account is missing")
        return {r[0]: [r[4], r[5], r[6], r[7], r[8], r[8], r[3], r[1]] for r in rows}

    def _select(self, column: str, template: str, keys: list[str]) -> list[Any]:
        """As ``SqlLedgerSession._select_in``: lists of up to ``IN_CHUNK`` keys; more, one array on
        PostgreSQL."""
        if len(keys) > IN_CHUNK and self.dialect == "postgresql":
            text = sql.for_dialect(sql.select_any(template, column), self.dialect)
            self._cursor.execute(text, {"keys": keys}, prepare=False)
            return self._cursor.fetchall()
        rows: list[Any] = []
        for start in range(0, len(keys), IN_CHUNK):
            chunk = keys[start : start + IN_CHUNK]
            text = self._texts.get((template, column, len(chunk)))
            if text is None:
                text = sql.for_dialect(sql.select_in(template, column, len(chunk)), self.dialect)
                self._texts[template, column, len(chunk)] = text
            self._cursor.execute(text, {f"k{i}": key for i, key in enumerate(chunk)})
            rows += self._cursor.fetchall()
        return rows

    def _write(
        self, accounts: dict[str, list[Any]], transfers: list[dict[str, Any]], entries: list[dict[str, Any]]
    ) -> None:
        updates = [
            {"id": i, "dp": a[0], "dpo": a[1], "cp": a[2], "cpo": a[3], "version": a[4], "old_version": a[5]}
            for i, a in accounts.items()
            if a[4] != a[5]
        ]
        self._cursor.executemany(self._update, updates)
        if self._cursor.rowcount != len(updates):
            raise BaselineError("an account changed while it was locked")
        self._insert("transfer", sql.TRANSFER_INSERTED, self._insert_transfer, _TRANSFER_PARAMS, transfers)
        self._insert("entry", sql.ENTRY_INSERTED, self._insert_entry, _ENTRY_PARAMS, entries)

    def _insert(
        self,
        table: str,
        columns: tuple[str, ...],
        insert: str,
        params: list[str],
        rows: list[dict[str, Any]],
    ) -> None:
        """As ``SqlLedgerSession`` inserts them: ``COPY`` on PostgreSQL from ``COPY_FROM`` rows."""
        if self.dialect == "postgresql" and len(rows) >= sql.COPY_FROM:
            with self._cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row([row[name] for name in params])
            return
        self._cursor.executemany(insert, rows)

    def _now(self) -> tuple[int, str]:
        now = time.time_ns() // 1000
        if now // _DAY != self._day_number:
            self._day_number = now // _DAY
            self._day = datetime.fromtimestamp(now // 1_000_000, UTC).date().isoformat()
        return now, self._day


def _check_limit(account_id: str, a: list[Any]) -> None:
    if a[6] & NO_OVERDRAFT and a[0] + a[1] > a[3]:
        raise BaselineError(f"account {account_id} would be overdrawn")


def _entry(
    transfer: dict[str, Any], kind: str, side: str, delta: tuple[int, int, int, int], after: list[Any]
) -> dict[str, Any]:
    """An entry row: the transfer's fields, the change to the account and its balances after it."""
    return {
        "transfer_id": transfer["id"],
        "account_id": transfer[side],
        "ts": transfer["ts"],
        "day": transfer["day"],
        "code": transfer["code"],
        "kind": kind,
        "side": side,
        "amount": transfer["amount"],
        "reference": transfer["reference"],
        "d_dp": delta[0],
        "d_dpo": delta[1],
        "d_cp": delta[2],
        "d_cpo": delta[3],
        "a_dp": after[0],
        "a_dpo": after[1],
        "a_cp": after[2],
        "a_cpo": after[3],
    }
