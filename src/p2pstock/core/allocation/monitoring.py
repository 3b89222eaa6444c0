"""Daily statuses of running allocations, entered one by one or imported from a statement, and what they
mean for risk.

A status is accepted for a running allocation on a trading day from its start up to today (Asia/Shanghai);
its figures must agree (``Figures.check``). The newest day's status sets the allocation's risk state (see
``risk``); a status for an earlier day, or a second one for the same day (a correction, kept beside the
first as the next revision), is stored and read in order. A correction is read from the state before its
day's first status. A change of risk state alerts the customer (bot, and SMS when the phone is verified)
and every risk officer who uses the bot — once per crossing.

What a status tells of its allocation (the latest day, its assets and withdrawable cash) is read from the
statuses themselves; the allocation keeps only its risk state, so a statement writes its status rows and
moves just the allocations whose state changed.

An import checks every row first. If any row is bad the statement is refused as a whole and nothing is
stored: the report lists each bad row's line number and reason. Otherwise every row is applied in one
transaction, which also remembers the statement under its identity (the caller's id, or its content hash).
A statement imported before — by a run whose process died just after its commit, or by another importer
at the same moment (importers take turns) — answers "already imported" and stores nothing.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Sequence
from datetime import date

import attrs

from p2pstock.core.allocation.allocations import Allocation, Risk, Status, Watch
from p2pstock.core.allocation.calendar import CalendarUnknown, TradingCalendar
from p2pstock.core.allocation.desk import Desk
from p2pstock.core.allocation.ports import Event
from p2pstock.core.allocation.risk import next_risk, ratio_bp
from p2pstock.core.allocation.statuses import (
    DailyStatus,
    Figures,
    ImportedStatement,
    RowError,
    Source,
    parse_csv,
    statement_digest,
)
from p2pstock.core.backoffice import Tx
from p2pstock.core.errors import IdempotencyConflict, InvalidInput
from p2pstock.core.money import Money
from p2pstock.core.people.customers import Customer
from p2pstock.core.people.permissions import Permission
from p2pstock.core.validation import check_id

ALERTS = {
    Risk.WARNING: "allocation.warning",
    Risk.LIQUIDATION: "allocation.liquidation",
    Risk.NORMAL: "allocation.recovered",
}


@attrs.frozen
class ImportReport:
    """What an import did: ``applied`` rows (0 when any row was bad), the bad rows, the state changes, and
    the statement stored — or, when ``already_imported``, the earlier import of the same statement (and
    nothing was stored)."""

    applied: int
    errors: tuple[RowError, ...]
    changes: tuple[tuple[str, Risk, Risk], ...] = ()
    statement: ImportedStatement | None = None
    already_imported: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


@attrs.define
class _Day:
    """What a status is checked against: the calendar and today, read once per call; each day's verdict
    worked out once."""

    calendar: TradingCalendar
    today: date
    verdicts: dict[date, str] = attrs.Factory(dict)

    @classmethod
    def of(cls, desk: Desk, tx: Tx) -> _Day:
        return cls(desk.calendar(tx), desk.today(tx))

    def problem(self, day: date) -> str:
        """Why no status can be taken for ``day`` ("" if one can)."""
        verdict = self.verdicts.get(day)
        if verdict is None:
            verdict = self.verdicts[day] = self._verdict(day)
        return verdict

    def _verdict(self, day: date) -> str:
        try:
            if not self.calendar.is_trading_day(day):
                return f"{day} is not a trading day"
        except CalendarUnknown as unknown:
            return str(unknown)
        if day > self.today:
            return f"{day} is in the future"
        return ""


def record(desk: Desk, tx: Tx, allocation_id: str, *, day: date, figures: Figures, by: str) -> DailyStatus:
    admin = tx.admin(by, Permission.ALLOCATION_DAILY_STATUS)
    tx.uow.daily_statuses.take_turn()
    allocation = Watch.of(desk.load(tx, allocation_id))
    figures.check()
    problem = _problem(_Day.of(desk, tx), allocation, day)
    if problem:
        raise InvalidInput(problem)
    [status], _ = _apply(tx, [(allocation, day, figures)], Source.MANUAL, admin.id)
    after = {"day": day.isoformat(), "assets": figures.total_assets}
    tx.audit(admin.id, "allocation.status", allocation_id, after=after)
    return status


def import_statement(desk: Desk, tx: Tx, text: str, by: str, statement_id: str | None = None) -> ImportReport:
    admin = tx.admin(by, Permission.ALLOCATION_DAILY_STATUS)
    digest = statement_digest(text)
    identity = f"sha256:{digest}" if statement_id is None else check_id(statement_id, "statement id")
    rows, errors = parse_csv(text)  # every row's figures are checked here
    tx.uow.daily_statuses.take_turn()
    earlier = tx.uow.daily_statuses.imported(identity, digest)
    if earlier is not None:
        if earlier.id == identity and earlier.sha256 != digest:
            raise IdempotencyConflict(f"statement {identity} was imported with other content")
        return ImportReport(0, (), statement=earlier, already_imported=True)
    running = tx.uow.allocations.watch(sorted({row.sub_account for row in rows}))
    when = _Day.of(desk, tx)
    accepted = []
    for row in rows:
        allocation = running.get(row.sub_account)
        if allocation is None:
            errors.append(RowError(row.line, f"no running allocation uses sub-account {row.sub_account}"))
        elif problem := _problem(when, allocation, row.trade_date):
            errors.append(RowError(row.line, problem))
        else:
            accepted.append((allocation, row.trade_date, row.figures))
    if errors:
        return ImportReport(0, tuple(sorted(errors, key=lambda e: e.line)))
    if not accepted:
        return ImportReport(0, (RowError(1, "the statement has no rows"),))
    _, changes = _apply(tx, accepted, Source.CSV, admin.id)
    statement = ImportedStatement(identity, digest, len(accepted), admin.id, tx.now)
    tx.uow.daily_statuses.remember(statement)
    after = {"rows": len(accepted), "sha256": digest, "statement": identity}
    tx.audit(admin.id, "allocation.import", f"statement-{digest[:16]}", after=after)
    return ImportReport(len(accepted), (), tuple(changes), statement)


def _problem(when: _Day, allocation: Watch, day: date) -> str:
    if allocation.status is not Status.IN_PROGRESS or allocation.start_date is None:
        return f"allocation {allocation.id} is not running"
    if problem := when.problem(day):
        return problem
    if day < allocation.start_date:
        return f"{day} is before the allocation started ({allocation.start_date})"
    return ""


@attrs.define
class _Track:
    """Where an allocation's statuses stand while new ones are read: its risk state, the newest status day
    at or after the first day read (``None``: an earlier one, or none), the risk before that day's first
    status, and the last revision of each day seen."""

    risk: Risk
    last_day: date | None = None
    day_start: Risk = Risk.NORMAL
    revisions: dict[date, int] = attrs.Factory(dict)

    def saw(self, status: DailyStatus) -> None:
        """Take in a stored status (given in order of day and revision)."""
        self.revisions[status.trade_date] = status.revision
        if self.last_day is None or status.trade_date > self.last_day:
            self.last_day, self.day_start = status.trade_date, status.risk_before

    def read(self, a: Watch, day: date, assets: int) -> tuple[int, Risk, Risk]:
        """The revision of a new status of ``a`` for ``day``, and the risk state before and after it: a
        newer day is read from the state the allocation is in, a correction of the newest day from the
        state before that day, and a status for an earlier day moves nothing."""
        revision = self.revisions.get(day, 0) + 1
        self.revisions[day] = revision
        before = self.risk
        if self.last_day is None or day > self.last_day:
            self.last_day, self.day_start = day, before
            self.risk = next_risk(before, assets, a.warning_line, a.liquidation_line)
        elif day == self.last_day:
            self.risk = next_risk(self.day_start, assets, a.warning_line, a.liquidation_line)
        return revision, before, self.risk


def _apply(
    tx: Tx, rows: Sequence[tuple[Watch, date, Figures]], source: Source, by: str
) -> tuple[list[DailyStatus], list[tuple[str, Risk, Risk]]]:
    """Store the statuses, move the risk state of the allocations whose state changed, and tell each
    change."""
    loaded = {a.id: a for a, _, _ in rows}
    tracks = {key: _Track(a.risk) for key, a in loaded.items()}
    first = min(day for _, day, _ in rows)
    for stored in tx.uow.daily_statuses.since(sorted(loaded), first):
        tracks[stored.allocation_id].saw(stored)
    statuses, crossings = [], []
    for a, day, figures in rows:
        revision, before, after = tracks[a.id].read(a, day, figures.total_assets)
        ratio = ratio_bp(figures.total_assets, a.allocated, a.fees_unpaid)
        status = DailyStatus(a.id, day, revision, figures, source, by, tx.now, ratio, before, after)
        statuses.append(status)
        if after is not before:
            crossings.append((a, status))
    tx.uow.daily_statuses.add(statuses)
    moved = [
        attrs.evolve(a, risk=tracks[key].risk, version=a.version + 1)
        for key, a in loaded.items()
        if tracks[key].risk is not a.risk
    ]
    tx.uow.allocations.set_risk(moved)
    if crossings:
        _tell_crossings(tx, crossings, by)
    return statuses, [(a.id, s.risk_before, s.risk_after) for a, s in crossings]


def _tell_crossings(tx: Tx, crossings: Sequence[tuple[Watch, DailyStatus]], by: str) -> None:
    """A timeline event, an audit record and the alerts for each change of risk state."""
    chats = tx.staff_chats(Permission.ALLOCATION_DAILY_STATUS)
    customers = tx.uow.customers.many(sorted({a.customer_id for a, _ in crossings}))
    events = []
    for allocation, status in crossings:
        day = status.trade_date.isoformat()
        before, after = status.risk_before.value, status.risk_after.value
        risk = {"before": before, "after": after, "day": day, "revision": status.revision}
        events.append(Event(allocation.id, tx.now, "risk", by, json.dumps(risk, sort_keys=True)))
        change = {"risk": after, "day": day, "assets": status.figures.total_assets}
        tx.audit(by, "allocation.risk", allocation.id, before={"risk": before}, after=change)
        _alert(tx, allocation, status, customers.get(allocation.customer_id), chats)
    tx.uow.allocation_events.add(events)


def _alert(
    tx: Tx, allocation: Watch, status: DailyStatus, customer: Customer | None, chats: Sequence[str]
) -> None:
    after = status.risk_after
    key = ALERTS[after]
    line = allocation.liquidation_line if after is Risk.LIQUIDATION else allocation.warning_line
    values: dict[str, object] = {"id": allocation.id, "assets": Money(status.figures.total_assets)}
    if after is not Risk.NORMAL:
        values["line"] = Money(line)
    tx.alert(customer, key, **values)
    tx.tell_staff(Permission.ALLOCATION_DAILY_STATUS, f"{key}.staff", chats=chats, **values)


def timeline_events(
    allocation: Allocation, stored: Sequence[Event], statuses: Sequence[DailyStatus]
) -> list[Event]:
    """The stored events with a line for each status among them. Statuses are not stored as events (their
    own table holds all a line shows): each comes just before the risk change it raised, or else after
    every event stored by its time. Lines stored as ``status`` events by earlier versions are left out."""
    kept = [e for e in stored if e.kind != "status"]
    times = [e.at for e in kept]
    raised = {_raised_by(e): i for i, e in enumerate(kept) if e.kind == "risk"}
    placed = [(2 * i + 1, e) for i, e in enumerate(kept)]
    for status in sorted(statuses, key=lambda s: s.entered_at):
        i = raised.get((status.trade_date.isoformat(), status.revision))
        place = 2 * i if i is not None else 2 * bisect.bisect_right(times, status.entered_at)
        event = Event(
            allocation.id, status.entered_at, "status", status.entered_by, _event_data(allocation, status)
        )
        placed.append((place, event))
    placed.sort(key=lambda pair: pair[0])
    return [event for _, event in placed]


def _raised_by(event: Event) -> tuple[object, object]:
    """The (day, revision) of the status that raised a ``risk`` event."""
    data = json.loads(event.data)
    return data.get("day"), data.get("revision")


def _event_data(allocation: Allocation, status: DailyStatus) -> str:
    assets = status.figures.total_assets
    return json.dumps(
        {
            "day": status.trade_date.isoformat(),
            "revision": status.revision,
            "assets": assets,
            "to_warning": assets - allocation.warning_line,
            "to_liquidation": assets - allocation.liquidation_line,
            "ratio_bp": status.ratio_bp,
        },
        sort_keys=True,
    )
