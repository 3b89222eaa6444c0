"""The SQL the ledger runs, written once for SQLite and PostgreSQL with ``:name`` parameters.

Statements are plain text, prepared once per dialect and executed on the driver's cursor: on the hot path
(every transfer) building statements per call costs more than the database itself (see bench/README.md).
"""

from __future__ import annotations

import functools
import re

ACCOUNT_COLUMNS = "id, currency, code, flags, debits_pending, debits_posted, credits_pending, credits_posted, version, created_at"
TRANSFER_COLUMNS = (
    "id, debit_account_id, credit_account_id, amount, code, currency, flags, pending_id, timeout, reference, "
    "ts, expires_at"
)
ENTRY_COLUMNS = (
    "seq, transfer_id, account_id, ts, day, code, kind, side, amount, reference, "
    "d_dp, d_dpo, d_cp, d_cpo, a_dp, a_dpo, a_cp, a_cpo"
)

INSERT_ACCOUNT = (
    "INSERT INTO account (id, currency, code, flags, debits_pending, debits_posted, credits_pending, credits_posted, "
    "version, created_at) VALUES (:id, :currency, :code, :flags, 0, 0, 0, 0, 0, :created_at)"
)
UPDATE_ACCOUNT = (
    "UPDATE account SET debits_pending = :dp, debits_posted = :dpo, credits_pending = :cp, credits_posted = :cpo, "
    "version = :version WHERE id = :id AND version = :old_version"
)
INSERT_TRANSFER = (
    "INSERT INTO transfer (id, debit_account_id, credit_account_id, amount, code, currency, flags, pending_id, "
    "timeout, reference, ts, expires_at, day) VALUES (:id, :debit, :credit, :amount, :code, :currency, :flags, "
    ":pending_id, :timeout, :reference, :ts, :expires_at, :day)"
)
INSERT_ENTRY = (
    "INSERT INTO entry (transfer_id, account_id, ts, day, code, kind, side, amount, reference, "
    "d_dp, d_dpo, d_cp, d_cpo, a_dp, a_dpo, a_cp, a_cpo) VALUES (:transfer_id, :account_id, :ts, :day, :code, "
    ":kind, :side, :amount, :reference, :d_dp, :d_dpo, :d_cp, :d_cpo, :a_dp, :a_dpo, :a_cp, :a_cpo)"
)
TRANSFER_INSERTED = (
    "id",
    "debit_account_id",
    "credit_account_id",
    "amount",
    "code",
    "currency",
    "flags",
    "pending_id",
    "timeout",
    "reference",
    "ts",
    "expires_at",
    "day",
)
"""The columns ``INSERT_TRANSFER`` writes, in its order (rows written in bulk are tuples in this order)."""
ENTRY_INSERTED = (
    "transfer_id",
    "account_id",
    "ts",
    "day",
    "code",
    "kind",
    "side",
    "amount",
    "reference",
    "d_dp",
    "d_dpo",
    "d_cp",
    "d_cpo",
    "a_dp",
    "a_dpo",
    "a_cp",
    "a_cpo",
)
"""The columns ``INSERT_ENTRY`` writes, in its order."""
COPY_FROM = 64
"""Rows of one table from which a batch's transfers and entries go in with ``COPY`` on PostgreSQL: one
statement for all of them, against one per row for ``executemany`` (which psycopg pipelines); below it
``COPY``'s extra round trip costs more than it saves."""
INSERT_FAILURE = "INSERT INTO failed_transfer (id, result) VALUES (:id, :result)"

_UNRESOLVED = "NOT EXISTS (SELECT 1 FROM transfer r WHERE r.pending_id = t.id)"
EXPIRED_PENDING = (
    f"SELECT {TRANSFER_COLUMNS} FROM transfer t WHERE t.expires_at IS NOT NULL AND t.expires_at <= :now "
    f"AND {_UNRESOLVED} ORDER BY t.expires_at LIMIT :limit"
)
OPEN_HOLDS = (
    f"SELECT {TRANSFER_COLUMNS} FROM transfer t WHERE t.debit_account_id = :account_id AND (t.flags & 2) <> 0 "
    f"AND t.code LIKE :prefix ESCAPE '!' AND {_UNRESOLVED} ORDER BY t.seq"
)
ENTRIES = (
    f"SELECT {ENTRY_COLUMNS} FROM entry WHERE account_id = :account_id AND seq > :after "
    "AND ts >= :start AND ts < :end ORDER BY seq LIMIT :limit"
)
MOVEMENTS = (
    f"SELECT {ENTRY_COLUMNS} FROM entry WHERE account_id = :account_id AND seq < :before "
    "AND ts >= :start AND ts < :end AND kind IN ('posted', 'pending') ORDER BY seq DESC LIMIT :limit"
)
LAST_ENTRY_BEFORE = f"SELECT {ENTRY_COLUMNS} FROM entry WHERE account_id = :account_id AND ts < :moment ORDER BY ts DESC, seq DESC LIMIT 1"
_NOT_POSTED_FLAGS = 2 | 8 | 16  # pending, void, expire
PLATFORM_TOTALS = (
    "SELECT substr(day, 1, {width}), code, count(*), sum(amount), sum(amount) FROM transfer "
    f"WHERE day >= :start AND day <= :end AND (flags & {_NOT_POSTED_FLAGS}) = 0 GROUP BY 1, 2 ORDER BY 1, 2"
)
ACCOUNT_TOTALS = (
    "SELECT substr(day, 1, {width}), code, count(*), "
    "sum(CASE WHEN side = 'debit' THEN amount ELSE 0 END), sum(CASE WHEN side = 'credit' THEN amount ELSE 0 END) "
    "FROM entry WHERE account_id = :account_id AND ts >= :start AND ts < :end AND kind IN ('posted', 'post') "
    "GROUP BY 1, 2 ORDER BY 1, 2"
)
ALL_ACCOUNTS = f"SELECT {ACCOUNT_COLUMNS} FROM account ORDER BY id"
ALL_TRANSFERS = f"SELECT {TRANSFER_COLUMNS} FROM transfer ORDER BY seq"
ENTRY_SUMS = "SELECT account_id, sum(d_dp), sum(d_dpo), sum(d_cp), sum(d_cpo) FROM entry GROUP BY account_id"
LAST_ENTRIES = (
    "SELECT e.account_id, e.a_dp, e.a_dpo, e.a_cp, e.a_cpo FROM entry e "
    "JOIN (SELECT account_id, max(seq) AS seq FROM entry GROUP BY account_id) last ON e.seq = last.seq"
)


@functools.cache
def select_in(template: str, column: str, count: int) -> str:
    """``template`` with ``{where}`` replaced by ``column IN (:k0, …)`` for ``count`` keys."""
    keys = ", ".join(f":k{i}" for i in range(count))
    return template.format(where=f"{column} IN ({keys})")


@functools.cache
def select_any(template: str, column: str) -> str:
    """``template`` with ``{where}`` replaced by ``column = ANY(:keys)``: every key in one array parameter
    (PostgreSQL), one statement however many keys there are."""
    return template.format(where=f"{column} = ANY(:keys)")


FIND_ACCOUNTS = f"SELECT {ACCOUNT_COLUMNS} FROM account WHERE {{where}} ORDER BY id"
FIND_TRANSFERS = f"SELECT {TRANSFER_COLUMNS} FROM transfer WHERE {{where}}"
FIND_FAILURES = "SELECT id, result FROM failed_transfer WHERE {where}"

_NAMED = re.compile(r"(?<![:\w]):(\w+)")


@functools.cache
def for_dialect(sql: str, dialect: str) -> str:
    """SQL with ``:name`` parameters turned into the driver's style (psycopg uses ``%(name)s``)."""
    if dialect == "sqlite":
        return sql
    return _NAMED.sub(r"%(\1)s", sql.replace("%", "%%"))


@functools.cache
def positional_from_named(sql: str, dialect: str) -> str:
    """SQL with ``:name`` parameters turned into positional ones in the driver's style, for rows bound as
    tuples in the order the names appear."""
    return positional(_NAMED.sub("?", sql), dialect)


@functools.cache
def positional(sql: str, dialect: str) -> str:
    """SQL with ``?`` parameters in the driver's style (psycopg uses ``%s``): for rows of many values written
    at once, which bind faster as tuples than as mappings."""
    if dialect == "sqlite":
        return sql
    return sql.replace("%", "%%").replace("?", "%s")
