"""Allocations, their side requests, daily statuses and timelines on SQLite and PostgreSQL.

The allocation row keeps the lines of its product's alert ladder (``rung_lines``, highest first, comma
separated; empty without one) beside the warning line, so that a statement reads them with the rest of what
a status needs; each status row keeps where it left the allocation on that ladder and its top-up deadline.

An allocation is one row: the whole record as JSON plus the columns its queries filter on; ``save`` only
lands on the version it was read at. What the latest status tells of an allocation (``LATEST``, its risk
state included) is read from ``allocation_daily_status`` after the allocation rows (and after their locks,
so that it is current). Lists of keys (sub-accounts, ids) are looked up many at once, and lists of rows (a
statement's statuses, events) are written together (``SqlRepository._insert``). A duplicate key raises
``TransientConflict`` on both databases, as in memory: it means another transaction got there first.
"""

from __future__ import annotations

import functools
import operator
from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any

import attrs

from p2pstock.adapters.sql.repository import Row, SqlRepository, placeholders, refusing_duplicates
from p2pstock.adapters.sql.statements import positional
from p2pstock.core.allocation.allocations import (
    Allocation,
    Risk,
    Status,
    Watch,
    from_json,
    rewrite_json,
    to_json,
)
from p2pstock.core.allocation.ports import Event
from p2pstock.core.allocation.side_requests import SideRequest
from p2pstock.core.allocation.statuses import DailyStatus, Figures, Flag, ImportedStatement, Review, Source
from p2pstock.core.allocation.stress import Exposure
from p2pstock.core.errors import TransientConflict

# -- allocations

_ALLOCATION = (
    "id, customer_id, status, sub_account, deadline, next_fee_date, created_at, version, data, start_date, "
    "warning_line, liquidation_line, allocated, fees_unpaid, withdrawn_since_status, withdrawn_status_date, "
    "stake, implausible_move_pct, pnl_tolerance_pct, rung_lines"
)
_SELECT = "SELECT id, data, version, withdrawn_since_status, withdrawn_status_date FROM allocation"
_ADD = f"INSERT INTO allocation ({_ALLOCATION}) VALUES ({', '.join(':' + c.strip() for c in _ALLOCATION.split(','))})"
_SAVE = (
    "UPDATE allocation SET "
    + ", ".join(f"{c.strip()} = :{c.strip()}" for c in _ALLOCATION.split(",") if c.strip() != "id")
    + " WHERE id = :id AND version = :old_version"
)
_CHANGING = (
    "data",
    "next_fee_date",
    "fees_unpaid",
    "version",
    "withdrawn_since_status",
    "withdrawn_status_date",
)
_FIXED_COLUMNS = (
    "customer_id",
    "status",
    "sub_account",
    "deadline",
    "created_at",
    "start_date",
    "warning_line",
    "liquidation_line",
    "allocated",
    "stake",
)
"""The columns besides ``id`` that hold a field of the allocation by its own name, and that a fee period
leaves as they are."""
_SAVE_CHANGING = (
    f"UPDATE allocation SET {', '.join(f'{c} = ?' for c in _CHANGING)} WHERE id = ? AND version = ?"
)
"""``_SAVE`` of an allocation whose other columns are as read: an indexed column set, even to its own
value, costs SQLite an update of the index."""
_FIXED = operator.attrgetter(*_FIXED_COLUMNS)
_IN_EFFECT = "review IN ('', 'confirmed')"
"""A status in effect: never held for a second administrator, or confirmed (``DailyStatus.in_effect``)."""
_LATEST_OF_A = (
    "allocation_daily_status s ON s.allocation_id = a.id AND (s.trade_date, s.revision) = "
    "(SELECT t.trade_date, t.revision FROM allocation_daily_status t WHERE t.allocation_id = a.id "
    f"AND t.{_IN_EFFECT} ORDER BY t.trade_date DESC, t.revision DESC LIMIT 1)"
)
"""The latest status in effect of allocation ``a``: a step or two down the status key's index from the
allocation (a status held or rejected is passed over)."""
_LATEST = (
    "SELECT s.allocation_id, s.trade_date, s.total_assets, s.cash_withdrawable, s.risk_after, s.rung_after, "
    f"s.top_up_by FROM allocation a JOIN {_LATEST_OF_A} WHERE a.id {{in_keys}}"
)
_WATCH = (
    "SELECT a.id, a.customer_id, a.sub_account, a.status, a.start_date, a.warning_line, a.liquidation_line, "
    "a.allocated, a.fees_unpaid, s.trade_date, s.risk_after, a.stake, s.total_assets, a.implausible_move_pct, "
    "a.pnl_tolerance_pct, s.rung_after, s.top_up_by, a.rung_lines "
    f"FROM allocation a{{by_code}} LEFT JOIN {_LATEST_OF_A} WHERE a.status = 'in_progress' "
    "AND a.sub_account {in_keys}"
)
_DEADLINES_PASSED = (
    "SELECT a.id, a.data, a.version, a.withdrawn_since_status, a.withdrawn_status_date "
    f"FROM allocation a JOIN {_LATEST_OF_A} WHERE a.status = 'in_progress' AND s.top_up_by <= :at "
    "AND a.id > :after ORDER BY a.id LIMIT :limit"
)
"""The running allocations whose latest status in effect carries a top-up deadline that has come."""

_EXPOSURES = (
    "SELECT a.id, a.customer_id, a.sub_account, a.allocated, a.warning_line, a.liquidation_line, a.fees_unpaid, "
    "coalesce({risk_fund}, 0), s.trade_date, s.total_assets, s.market_value FROM allocation a "
    f"LEFT JOIN {_LATEST_OF_A} WHERE a.status = 'in_progress' ORDER BY a.id"
)
"""What a stress view needs of every running allocation: its risk fund hold's amount read from its text
(``"holds":{"risk_fund":[transfer id, amount]}``) by the database, not by decoding the text here."""
_RISK_FUND = {
    "sqlite": "json_extract(a.data, '$.holds.risk_fund[1]')",
    "postgresql": "(a.data::json -> 'holds' -> 'risk_fund' ->> 1)::bigint",
}
_RUNNING_ON = " WHERE status = 'in_progress' AND sub_account {in_keys}"
_BY_CODE = " INDEXED BY uq_allocation_sub_account"
"""SQLite, without statistics, prefers an index on ``status`` (guessed at ten rows a value) to a lookup
per code; on 10,000 running allocations that read every one of them once per list of codes."""
_OF_CUSTOMER = f"{_SELECT} WHERE customer_id = :customer_id ORDER BY created_at DESC, id DESC"
_FEES_DUE = (
    f"{_SELECT} WHERE status = 'in_progress' AND next_fee_date IS NOT NULL AND next_fee_date <= :day "
    "AND id > :after ORDER BY id LIMIT :limit"
)
_UNPAID_PAST = (
    f"{_SELECT} WHERE status IN ('applied', 'partially_paid') AND deadline <= :deadline "
    "ORDER BY deadline, id LIMIT :limit"
)


def _allocation_row(allocation: Allocation) -> dict[str, Any]:
    return {
        "id": allocation.id,
        "customer_id": allocation.customer_id,
        "status": allocation.status.value,
        "sub_account": allocation.sub_account,
        "deadline": allocation.deadline,
        "next_fee_date": _day(allocation.next_fee_date),
        "created_at": allocation.created_at,
        "version": allocation.version,
        "data": to_json(allocation),
        "start_date": _day(allocation.start_date),
        "warning_line": allocation.warning_line,
        "liquidation_line": allocation.liquidation_line,
        "allocated": allocation.allocated,
        "fees_unpaid": allocation.fees_unpaid,
        "withdrawn_since_status": allocation.withdrawn_since_status,
        "withdrawn_status_date": _day(allocation.last_status_date),
        "stake": allocation.stake,
        "implausible_move_pct": allocation.product.implausible_move_pct,
        "pnl_tolerance_pct": allocation.product.pnl_tolerance_pct,
        "rung_lines": ",".join(map(str, allocation.rung_lines)),
    }


def _changing_row(read: Allocation, allocation: Allocation, text: str | None) -> Row:
    """The values of ``_SAVE_CHANGING`` for ``allocation``, ``read`` from ``text`` (if known)."""
    return (
        to_json(allocation) if text is None else rewrite_json(text, read, allocation),
        _day(allocation.next_fee_date),
        allocation.fees_unpaid,
        allocation.version,
        allocation.withdrawn_since_status,
        _day(allocation.last_status_date),
        allocation.id,
        read.version,
    )


def _read(row: Row, latest: Row | None) -> Allocation:
    """An allocation from a row of ``_SELECT`` and its row of ``_LATEST`` (``None``: no status yet)."""
    _, data, version, withdrawn, withdrawn_on = row
    day = None if latest is None else latest[1]
    return from_json(
        data,
        version=version,
        risk=Risk.NORMAL if latest is None else _RISKS[latest[4]],
        rung=0 if latest is None else latest[5],
        top_up_by=None if latest is None else latest[6],
        withdrawn_since_status=withdrawn if withdrawn_on == day else 0,
        last_status_date=_date(day),
        last_assets=None if latest is None else latest[2],
        last_withdrawable=0 if latest is None else latest[3],
    )


def _exposure(*row: Any) -> Exposure:
    """An ``Exposure`` from a row of ``_EXPOSURES`` (its trade day is text)."""
    return Exposure._make((*row[:8], _date(row[8]), *row[9:]))


def _watch(row: Row) -> Watch:
    (id_, customer, code, status, start, warning, liquidation, allocated, unpaid, last_day, risk, stake) = (
        row[:12]
    )
    last_assets, move_pct, pnl_pct, rung, top_up_by, lines = row[12:]
    return Watch(
        id_,
        customer,
        code,
        _STATUSES[status],
        _date(start),
        warning,
        liquidation,
        allocated,
        unpaid,
        _date(last_day),
        Risk.NORMAL if risk is None else _RISKS[risk],
        stake,
        last_assets,
        move_pct,
        pnl_pct,
        rung or 0,
        top_up_by,
        _lines(lines) if lines else (),
    )


@functools.lru_cache(maxsize=4096)
def _lines(text: str) -> tuple[int, ...]:
    """The rung lines as the allocation row keeps them."""
    return tuple(int(line) for line in text.split(","))


_STATUSES = {status.value: status for status in Status}
_RISKS = {risk.value: risk for risk in Risk}


@functools.lru_cache(maxsize=4096)
def _date(text: str | None) -> date | None:
    """A stored ISO day (a statement's allocations mostly share a few)."""
    return None if text is None else date.fromisoformat(text)


def _day(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


class SqlAllocations(SqlRepository):
    def __init__(self, cursor: Any, dialect: str) -> None:
        super().__init__(cursor, dialect)
        self._texts: dict[str, tuple[Allocation, str]] = {}
        """Each allocation ``fees_due`` read in this transaction, and its text (which ``save_all``
        rewrites rather than encoding the allocation again)."""

    def get(self, allocation_id: str, *, lock: bool = False) -> Allocation | None:
        rows = self._allocations(f"{_SELECT} WHERE id = :id{self._for_update(lock)}", {"id": allocation_id})
        return rows[0] if rows else None

    def add(self, allocation: Allocation) -> None:
        with refusing_duplicates(f"allocation {allocation.id} or its sub-account"):
            self._run(_ADD, _allocation_row(allocation))

    def save(self, allocation: Allocation) -> None:
        params = {**_allocation_row(allocation), "old_version": allocation.version - 1}
        with refusing_duplicates(f"a running allocation on sub-account {allocation.sub_account}"):
            changed = int(self._run(_SAVE, params).rowcount)
        if changed != 1:
            raise TransientConflict(f"allocation {allocation.id} changed meanwhile")

    def save_all(self, changed: Sequence[tuple[Allocation, Allocation]]) -> None:
        wide: list[dict[str, Any]] = []
        narrow: list[Row] = []
        for read, saved in changed:
            if _FIXED(read) == _FIXED(saved) and read.product is saved.product:
                narrow.append(_changing_row(read, saved, self._text_of(read)))
            else:
                wide.append({**_allocation_row(saved), "old_version": read.version})
        if wide:
            with refusing_duplicates("a running allocation on one of these sub-accounts"):
                self._executemany(_SAVE, wide)
            self._saved(len(wide))
        if narrow:
            self._cursor.executemany(positional(_SAVE_CHANGING, self._dialect), narrow)
            self._saved(len(narrow))

    def _text_of(self, allocation: Allocation) -> str | None:
        """The text ``allocation`` was read from, if ``fees_due`` read it in this transaction."""
        known = self._texts.get(allocation.id)
        return known[1] if known is not None and known[0] is allocation else None

    def _saved(self, rows: int) -> None:
        """Whether the last ``executemany`` updated all its ``rows`` (each at the version it was read at)."""
        if int(self._cursor.rowcount) != rows:
            raise TransientConflict("an allocation changed meanwhile")

    def watch(self, codes: list[str]) -> dict[str, Watch]:
        select = _WATCH.format(by_code="" if self._postgresql else _BY_CODE, in_keys="{in_keys}")
        return {row[2]: _watch(row) for row in self._in(select, sorted(set(codes)))}  # by sub-account

    def by_sub_account(self, codes: list[str]) -> dict[str, Allocation]:
        found = self._with_latest(self._running_on(_SELECT, codes))
        return {a.sub_account: a for a in found if a.sub_account is not None}

    def of_customer(self, customer_id: str) -> list[Allocation]:
        return self._allocations(_OF_CUSTOMER, {"customer_id": customer_id})

    def in_status(self, statuses: list[Status], limit: int, *, after: str = "") -> list[Allocation]:
        if not statuses:
            return []
        keys, params = placeholders("s", sorted({Status(s).value for s in statuses}))
        statement = f"{_SELECT} WHERE status IN ({keys}) AND id > :after ORDER BY id LIMIT :limit"
        return self._allocations(statement, {**params, "after": after, "limit": limit})

    def fees_due(self, day: date, limit: int, *, after: str = "") -> list[Allocation]:
        params = {"day": day.isoformat(), "after": after, "limit": limit}
        rows = self._rows(_FEES_DUE + self._for_update(True), params)
        found = self._with_latest(rows)
        self._texts.update((a.id, (a, row[1])) for a, row in zip(found, rows, strict=True))
        return found

    def unpaid_past(self, deadline: int, limit: int) -> list[Allocation]:
        return self._allocations(_UNPAID_PAST, {"deadline": deadline, "limit": limit})

    def deadlines_passed(self, at: int, limit: int, *, after: str = "") -> list[Allocation]:
        return self._allocations(_DEADLINES_PASSED, {"at": at, "after": after, "limit": limit})

    def exposures(self) -> list[Exposure]:
        statement = _EXPOSURES.format(risk_fund=_RISK_FUND["postgresql" if self._postgresql else "sqlite"])
        return [_exposure(*row) for row in self._rows(statement, {})]

    def _running_on(self, select: str, codes: list[str]) -> list[Row]:
        """The rows ``select`` reads of the running allocations on these sub-account codes."""
        by_code = "" if self._postgresql else _BY_CODE
        return self._in(f"{select}{by_code}{_RUNNING_ON}", sorted(set(codes)))

    def _allocations(self, statement: str, params: dict[str, Any]) -> list[Allocation]:
        """The allocations ``statement`` selects (and locks, if it says so), in its order."""
        return self._with_latest(self._rows(statement, params))

    def _with_latest(self, rows: list[Row]) -> list[Allocation]:
        latest = {row[0]: row for row in self._in(_LATEST, [row[0] for row in rows])}
        return [_read(row, latest.get(row[0])) for row in rows]


# -- side requests

_REQUEST = (
    "id, allocation_id, customer_id, kind, amount, periods, hold_id, requested_at, status, decided_by, "
    "decided_at, reason"
)
_SELECT_REQUEST = f"SELECT {_REQUEST} FROM allocation_side_request"
_ADD_REQUEST = (
    f"INSERT INTO allocation_side_request ({_REQUEST}) VALUES (:id, :allocation_id, :customer_id, :kind, "
    ":amount, :periods, :hold_id, :requested_at, :status, :decided_by, :decided_at, :reason)"
)
_SAVE_REQUEST = (
    "UPDATE allocation_side_request SET allocation_id = :allocation_id, customer_id = :customer_id, "
    "kind = :kind, amount = :amount, periods = :periods, hold_id = :hold_id, requested_at = :requested_at, "
    "status = :status, decided_by = :decided_by, decided_at = :decided_at, reason = :reason WHERE id = :id"
)


def _request_row(r: SideRequest) -> dict[str, Any]:
    return {
        "id": r.id,
        "allocation_id": r.allocation_id,
        "customer_id": r.customer_id,
        "kind": r.kind.value,
        "amount": r.amount,
        "periods": r.periods,
        "hold_id": r.hold_id,
        "requested_at": r.requested_at,
        "status": r.status.value,
        "decided_by": r.decided_by,
        "decided_at": r.decided_at,
        "reason": r.reason,
    }


def _request(row: Row) -> SideRequest:
    return SideRequest(
        id=row[0],
        allocation_id=row[1],
        customer_id=row[2],
        kind=row[3],
        amount=row[4],
        periods=row[5],
        hold_id=row[6],
        requested_at=row[7],
        status=row[8],
        decided_by=row[9],
        decided_at=row[10],
        reason=row[11],
    )


class SqlSideRequests(SqlRepository):
    def get(self, request_id: str, *, lock: bool = False) -> SideRequest | None:
        row = self._first(f"{_SELECT_REQUEST} WHERE id = :id{self._for_update(lock)}", {"id": request_id})
        return None if row is None else _request(row)

    def add(self, request: SideRequest) -> None:
        with refusing_duplicates(f"request {request.id}"):
            self._run(_ADD_REQUEST, _request_row(request))

    def save(self, request: SideRequest) -> None:
        self._change(_SAVE_REQUEST, _request_row(request), "side request")

    def of_allocation(self, allocation_id: str) -> list[SideRequest]:
        statement = f"{_SELECT_REQUEST} WHERE allocation_id = :allocation_id ORDER BY requested_at, id"
        return [_request(row) for row in self._rows(statement, {"allocation_id": allocation_id})]

    def pending(self, limit: int) -> list[SideRequest]:
        statement = f"{_SELECT_REQUEST} WHERE status = 'pending' ORDER BY requested_at, id LIMIT :limit"
        return [_request(row) for row in self._rows(statement, {"limit": limit})]


# -- daily statuses

_FIGURES = "total_assets, market_value, cash_available, cash_frozen, cash_withdrawable, daily_pnl, floating_pnl, note"
_STATUS = (
    f"allocation_id, trade_date, revision, {_FIGURES}, source, entered_by, entered_at, ratio_bp, risk_before, "
    "risk_after, flag, review, reviewed_by, compared_with, rung_before, rung_after, top_up_by"
)
_STATUS_COLUMNS = tuple(name.strip() for name in _STATUS.split(","))
_HISTORY = (
    f"SELECT {_STATUS} FROM allocation_daily_status WHERE allocation_id = :allocation_id "
    "ORDER BY trade_date, revision"
)


def _status_row(s: DailyStatus) -> Row:
    f = s.figures
    return (
        s.allocation_id,
        s.trade_date.isoformat(),
        s.revision,
        f.total_assets,
        f.market_value,
        f.cash_available,
        f.cash_frozen,
        f.cash_withdrawable,
        f.daily_pnl,
        f.floating_pnl,
        f.note,
        _TEXT[s.source],
        s.entered_by,
        s.entered_at,
        s.ratio_bp,
        _TEXT[s.risk_before],
        _TEXT[s.risk_after],
        "" if s.flag is None else _TEXT[s.flag],
        _TEXT[s.review],
        s.reviewed_by,
        s.compared_with,
        s.rung_before,
        s.rung_after,
        s.top_up_by,
    )


_TEXT: dict[Risk | Source | Flag | Review, str] = {
    member: member.value for member in (*Risk, *Source, *Flag, *Review)
}
"""Stored text of the risk states and sources (``.value`` is a property: slow on a statement's rows)."""


def _status(row: Row) -> DailyStatus:
    return DailyStatus(
        allocation_id=row[0],
        trade_date=date.fromisoformat(row[1]),
        revision=row[2],
        figures=Figures(*row[3:11]),
        source=Source(row[11]),
        entered_by=row[12],
        entered_at=row[13],
        ratio_bp=row[14],
        risk_before=Risk(row[15]),
        risk_after=Risk(row[16]),
        flag=Flag(row[17]) if row[17] else None,
        review=Review(row[18]),
        reviewed_by=row[19],
        compared_with=row[20],
        rung_before=row[21],
        rung_after=row[22],
        top_up_by=row[23],
    )


_SINCE = f"SELECT {_STATUS} FROM allocation_daily_status WHERE trade_date >= ? AND allocation_id {{in_keys}}"


class SqlDailyStatuses(SqlRepository):
    def take_turn(self) -> None:
        if self._postgresql:  # a SQLite writer holds the whole database from BEGIN IMMEDIATE
            self._run("SELECT id FROM allocation_status_turn WHERE id = 1 FOR UPDATE", {})

    def add(self, statuses: list[DailyStatus]) -> None:
        with refusing_duplicates("that revision of the day's status"):
            self._insert("allocation_daily_status", _STATUS_COLUMNS, [_status_row(s) for s in statuses])

    def since(self, allocation_ids: list[str], day: date) -> list[DailyStatus]:
        rows = self._in(_SINCE, sorted(set(allocation_ids)), day.isoformat())
        return [_status(row) for row in sorted(rows, key=lambda row: (row[0], row[1], row[2]))]

    def history(self, allocation_id: str) -> list[DailyStatus]:
        return [_status(row) for row in self._rows(_HISTORY, {"allocation_id": allocation_id})]

    def imported(self, statement_id: str, sha256: str) -> ImportedStatement | None:
        rows = self._rows(_IMPORTED, {"id": statement_id, "sha256": sha256})
        row = next((r for r in rows if r[0] == statement_id), rows[0] if rows else None)
        return None if row is None else ImportedStatement(*row)

    def remember(self, statement: ImportedStatement) -> None:
        with refusing_duplicates(f"statement {statement.id}"):
            self._insert("allocation_statement", _STATEMENT_COLUMNS, [attrs.astuple(statement)])

    def latest_before(self, allocation_ids: list[str], day: date) -> list[DailyStatus]:
        rows = self._in(_LATEST_BEFORE, sorted(set(allocation_ids)), day.isoformat())
        return [_status(row) for row in sorted(rows)]

    def out_of_effect(self) -> dict[str, date]:
        return {
            allocation_id: date.fromisoformat(day) for allocation_id, day in self._rows(_OUT_OF_EFFECT, {})
        }

    def held(self, limit: int) -> list[DailyStatus]:
        return [_status(row) for row in self._rows(_HELD, {"limit": limit})]

    def reviewed(self, status: DailyStatus) -> None:
        params = {
            "review": _TEXT[status.review],
            "reviewed_by": status.reviewed_by,
            "risk_before": _TEXT[status.risk_before],
            "risk_after": _TEXT[status.risk_after],
            "rung_before": status.rung_before,
            "rung_after": status.rung_after,
            "top_up_by": status.top_up_by,
            "allocation_id": status.allocation_id,
            "trade_date": status.trade_date.isoformat(),
            "revision": status.revision,
        }
        if int(self._run(_REVIEWED, params).rowcount) != 1:
            raise TransientConflict("that status was decided meanwhile")


_NOT_IN_EFFECT = "review IN ('held', 'rejected')"
"""A status held for a second administrator, or rejected (the partial index ``ix_status_not_in_effect``)."""
_LATEST_BEFORE = (
    f"SELECT {', '.join('s.' + c for c in _STATUS_COLUMNS)} FROM allocation a JOIN allocation_daily_status s "
    "ON s.allocation_id = a.id AND (s.trade_date, s.revision) = (SELECT t.trade_date, t.revision "
    f"FROM allocation_daily_status t WHERE t.allocation_id = a.id AND t.trade_date < ? AND t.{_IN_EFFECT} "
    "ORDER BY t.trade_date DESC, t.revision DESC LIMIT 1) WHERE a.id {in_keys}"
)
_OUT_OF_EFFECT = (
    f"SELECT allocation_id, max(trade_date) FROM allocation_daily_status WHERE {_NOT_IN_EFFECT} "
    "GROUP BY allocation_id"
)
_HELD = (
    f"SELECT {_STATUS} FROM allocation_daily_status WHERE {_NOT_IN_EFFECT} AND review = 'held' "
    "ORDER BY entered_at, allocation_id, trade_date, revision LIMIT :limit"
)
_REVIEWED = (
    "UPDATE allocation_daily_status SET review = :review, reviewed_by = :reviewed_by, "
    "risk_before = :risk_before, risk_after = :risk_after, rung_before = :rung_before, "
    "rung_after = :rung_after, top_up_by = :top_up_by WHERE allocation_id = :allocation_id "
    "AND trade_date = :trade_date AND revision = :revision AND review = 'held'"
)


_STATEMENT_COLUMNS = ("id", "sha256", "row_count", "imported_by", "imported_at")
_IMPORTED = (
    f"SELECT {', '.join(_STATEMENT_COLUMNS)} FROM allocation_statement WHERE id = :id OR sha256 = :sha256"
)


# -- events

_EVENT_COLUMNS = ("allocation_id", "seq", "at", "kind", "actor", "data")
_EVENTS = (
    "SELECT allocation_id, at, kind, actor, data, seq FROM allocation_event "
    "WHERE allocation_id = :allocation_id ORDER BY seq"
)


class SqlEvents(SqlRepository):
    def add(self, events: list[Event]) -> None:
        if not events:
            return
        last = self._last_seqs(sorted({e.allocation_id for e in events}))
        rows = []
        for event in events:
            last[event.allocation_id] += 1
            seq = last[event.allocation_id]
            rows.append((event.allocation_id, seq, event.at, event.kind, event.actor, event.data))
        with refusing_duplicates("an event with that sequence number"):
            self._insert("allocation_event", _EVENT_COLUMNS, rows)

    def of_allocation(self, allocation_id: str) -> list[Event]:
        rows = self._rows(_EVENTS, {"allocation_id": allocation_id})
        return [Event(*row) for row in rows]

    def _last_seqs(self, allocation_ids: list[str]) -> defaultdict[str, int]:
        statement = (
            "SELECT allocation_id, max(seq) FROM allocation_event WHERE allocation_id {in_keys} "
            "GROUP BY allocation_id"
        )
        last: defaultdict[str, int] = defaultdict(int)
        last.update({allocation_id: int(seq) for allocation_id, seq in self._in(statement, allocation_ids)})
        return last
