"""Daily statuses of running allocations, entered one by one or imported from a statement, and what they
mean for risk.

A status is accepted for a running allocation on a trading day from its start up to today (Asia/Shanghai);
its figures must agree (``Figures.check``). The newest day's status sets the allocation's assets and risk
state (see ``risk``); a status for an earlier day, or a second one for the same day (a correction, kept
beside the first as the next revision), is stored and read in order. A change of risk state alerts the
customer (bot, and SMS when the phone is verified) and every risk officer who uses the bot — once per
crossing.

An import checks every row first. If any row is bad the statement is refused as a whole and nothing is
stored: the report lists each bad row's line number and reason. Otherwise every row is applied in one
transaction.
"""

from __future__ import annotations

import bisect
import hashlib
import json
from collections.abc import Sequence
from datetime import date

import attrs

from p2pstock.core.allocation.allocations import Allocation, Risk, Status, Watch
from p2pstock.core.allocation.calendar import CalendarUnknown, TradingCalendar
from p2pstock.core.allocation.desk import Desk
from p2pstock.core.allocation.ports import Event
from p2pstock.core.allocation.risk import RiskReading, read_risk
from p2pstock.core.allocation.statuses import DailyStatus, Figures, RowError, Source, parse_csv
from p2pstock.core.backoffice import Tx
from p2pstock.core.errors import InvalidInput
from p2pstock.core.money import Money
from p2pstock.core.notifications import Channel
from p2pstock.core.people.permissions import Permission

ALERTS = {
    Risk.WARNING: "allocation.warning",
    Risk.LIQUIDATION: "allocation.liquidation",
    Risk.NORMAL: "allocation.recovered",
}


@attrs.frozen
class ImportReport:
    """What an import did: ``applied`` rows (0 when any row was bad), the bad rows, and the state changes."""

    applied: int
    errors: tuple[RowError, ...]
    changes: tuple[tuple[str, Risk, Risk], ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors


@attrs.frozen
class _Day:
    """What a status is checked against: the calendar and today, read once per call."""

    calendar: TradingCalendar
    today: date

    @classmethod
    def of(cls, desk: Desk, tx: Tx) -> _Day:
        return cls(desk.calendar(tx), desk.today(tx))


def record(desk: Desk, tx: Tx, allocation_id: str, *, day: date, figures: Figures, by: str) -> DailyStatus:
    admin = tx.admin(by, Permission.ALLOCATION_DAILY_STATUS)
    allocation = Watch.of(desk.load(tx, allocation_id))
    figures.check()
    problem = _problem(_Day.of(desk, tx), allocation, day)
    if problem:
        raise InvalidInput(problem)
    [status], _ = _apply(desk, tx, [(allocation, day, figures)], Source.MANUAL, admin.id)
    after = {"day": day.isoformat(), "assets": figures.total_assets}
    tx.audit(admin.id, "allocation.status", allocation_id, after=after)
    return status


def import_statement(desk: Desk, tx: Tx, text: str, by: str) -> ImportReport:
    admin = tx.admin(by, Permission.ALLOCATION_DAILY_STATUS)
    rows, errors = parse_csv(text)  # every row's figures are checked here
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
    _, changes = _apply(desk, tx, accepted, Source.CSV, admin.id)
    digest = hashlib.sha256(text.encode()).hexdigest()
    after = {"rows": len(accepted), "sha256": digest}
    tx.audit(admin.id, "allocation.import", f"statement-{digest[:16]}", after=after)
    return ImportReport(len(accepted), (), tuple(changes))


def _problem(when: _Day, allocation: Watch, day: date) -> str:
    if allocation.status is not Status.IN_PROGRESS or allocation.start_date is None:
        return f"allocation {allocation.id} is not running"
    try:
        if not when.calendar.is_trading_day(day):
            return f"{day} is not a trading day"
    except CalendarUnknown as unknown:
        return str(unknown)
    if day > when.today:
        return f"{day} is in the future"
    if day < allocation.start_date:
        return f"{day} is before the allocation started ({allocation.start_date})"
    return ""


def _apply(
    desk: Desk, tx: Tx, rows: Sequence[tuple[Watch, date, Figures]], source: Source, by: str
) -> tuple[list[DailyStatus], list[tuple[str, Risk, Risk]]]:
    """Store the statuses; the newest day's moves its allocation (saved once, whatever the rows)."""
    revisions = tx.uow.daily_statuses.revisions([(a.id, day) for a, day, _ in rows])
    loaded = {a.id: a for a, _, _ in rows}
    current = dict(loaded)
    statuses, events, crossings = [], [], []
    for allocation, day, figures in rows:
        a = current[allocation.id]
        reading = _reading(a, day, figures.total_assets)
        revision = revisions.get((a.id, day), 0) + 1
        ratio, before, after = reading.ratio_bp, reading.before, reading.after
        statuses.append(DailyStatus(a.id, day, revision, figures, source, by, tx.now, ratio, before, after))
        if _applies(a, day):
            current[a.id] = _followed(a, day, figures, reading, version=loaded[a.id].version + 1)
            if reading.changed:
                crossings.append((a.id, reading))
                risk = {
                    "before": before.value,
                    "after": after.value,
                    "day": day.isoformat(),
                    "revision": revision,
                }
                events.append(Event(a.id, tx.now, "risk", by, json.dumps(risk, sort_keys=True)))
    moved = [after for key, after in current.items() if after is not loaded[key]]
    tx.uow.allocations.follow(moved)
    tx.uow.daily_statuses.add(statuses)
    tx.uow.allocation_events.add(events)
    saved = {a.id: a for a in moved}
    chats = tx.staff_chats(Permission.ALLOCATION_DAILY_STATUS) if crossings else []
    for allocation_id, reading in crossings:
        tx.audit(
            by,
            "allocation.risk",
            allocation_id,
            before=_state(loaded[allocation_id]),
            after=_state(saved[allocation_id]),
        )
        _alert(tx, saved[allocation_id], reading, chats)
    return statuses, [(key, reading.before, reading.after) for key, reading in crossings]


def _state(watch: Watch) -> dict[str, object]:
    """What the audit trail keeps of a risk change."""
    return {"risk": watch.risk.value, "last_assets": watch.last_assets, "day": str(watch.last_status_date)}


def _applies(allocation: Watch, day: date) -> bool:
    """Whether a status for ``day`` moves the allocation: the newest day, or a correction of it."""
    return allocation.last_status_date is None or day >= allocation.last_status_date


def _followed(allocation: Watch, day: date, figures: Figures, reading: RiskReading, *, version: int) -> Watch:
    a = allocation
    new_day = a.last_status_date is None or day > a.last_status_date
    return attrs.evolve(
        a,
        version=version,
        last_assets=figures.total_assets,
        last_status_date=day,
        last_withdrawable=figures.cash_withdrawable,
        risk=reading.after,
        risk_before_day=a.risk if new_day else a.risk_before_day,
        withdrawn_since_status=0 if new_day else a.withdrawn_since_status,
    )


def _reading(allocation: Watch, day: date, assets: int) -> RiskReading:
    """The reading of ``assets`` on ``day``: a correction of the latest day starts from the state before
    that day; a late status for an earlier day is kept but moves nothing."""
    a = allocation
    correction = a.last_status_date == day
    reading = read_risk(
        a.risk_before_day if correction else a.risk,
        assets,
        warning_line=a.warning_line,
        liquidation_line=a.liquidation_line,
        allocated=a.allocated,
        unpaid_fees=a.fees_unpaid,
    )
    if correction:
        return attrs.evolve(reading, before=a.risk)  # the change is from the state the allocation is in
    return reading if _applies(a, day) else attrs.evolve(reading, after=reading.before)


def _alert(tx: Tx, allocation: Watch, reading: RiskReading, chats: Sequence[str]) -> None:
    key = ALERTS[reading.after]
    line = allocation.liquidation_line if reading.after is Risk.LIQUIDATION else allocation.warning_line
    values: dict[str, object] = {"id": allocation.id, "assets": Money(reading.total_assets)}
    if reading.after is not Risk.NORMAL:
        values["line"] = Money(line)
    customer = tx.uow.customers.get(allocation.customer_id)
    tx.tell(customer, key, **values)
    if customer is not None and customer.telegram_user_id is not None and customer.phone:
        tx.notify(Channel.SMS, customer.phone, key, customer.language, **values)
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
