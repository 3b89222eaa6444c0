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

import hashlib
import json
from collections.abc import Sequence
from datetime import date

import attrs

from p2pstock.core.allocation.allocations import Allocation, Risk, Status
from p2pstock.core.allocation.desk import Desk, summary
from p2pstock.core.allocation.ports import Event
from p2pstock.core.allocation.risk import RiskReading, read_risk
from p2pstock.core.allocation.statuses import DailyStatus, Figures, RowError, Source, StatementRow, parse_csv
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


def record(desk: Desk, tx: Tx, allocation_id: str, *, day: date, figures: Figures, by: str) -> DailyStatus:
    admin = tx.admin(by, Permission.ALLOCATION_DAILY_STATUS)
    allocation = desk.load(tx, allocation_id)
    problem = _problem(desk, tx, allocation, day, figures)
    if problem:
        raise InvalidInput(problem)
    status, _ = _apply(desk, tx, [(allocation, day, figures)], Source.MANUAL, admin.id)
    tx.audit(
        admin.id,
        "allocation.status",
        allocation_id,
        after={"day": day.isoformat(), "assets": figures.total_assets},
    )
    return status[0]


def import_statement(desk: Desk, tx: Tx, text: str, by: str) -> ImportReport:
    admin = tx.admin(by, Permission.ALLOCATION_DAILY_STATUS)
    rows, errors = parse_csv(text)
    running = tx.uow.allocations.by_sub_account(sorted({row.sub_account for row in rows}))
    accepted = []
    for row in rows:
        problem = _row_problem(desk, tx, running, row)
        if problem:
            errors.append(RowError(row.line, problem))
        else:
            accepted.append((running[row.sub_account], row.trade_date, row.figures))
    if errors:
        return ImportReport(0, tuple(sorted(errors, key=lambda e: e.line)))
    if not accepted:
        return ImportReport(0, (RowError(1, "the statement has no rows"),))
    _, changes = _apply(desk, tx, accepted, Source.CSV, admin.id)
    digest = hashlib.sha256(text.encode()).hexdigest()
    tx.audit(
        admin.id,
        "allocation.import",
        f"statement-{digest[:16]}",
        after={"rows": len(accepted), "sha256": digest},
    )
    return ImportReport(len(accepted), (), tuple(changes))


def _row_problem(desk: Desk, tx: Tx, running: dict[str, Allocation], row: StatementRow) -> str:
    allocation = running.get(row.sub_account)
    if allocation is None:
        return f"no running allocation uses sub-account {row.sub_account}"
    return _problem(desk, tx, allocation, row.trade_date, row.figures)


def _problem(desk: Desk, tx: Tx, allocation: Allocation, day: date, figures: Figures) -> str:
    if allocation.status is not Status.IN_PROGRESS or allocation.start_date is None:
        return f"allocation {allocation.id} is not running"
    try:
        figures.check()
    except InvalidInput as error:
        return str(error)
    if not desk.calendar(tx).is_trading_day(day):
        return f"{day} is not a trading day"
    if day > desk.today(tx):
        return f"{day} is in the future"
    if day < allocation.start_date:
        return f"{day} is before the allocation started ({allocation.start_date})"
    return ""


def _apply(
    desk: Desk, tx: Tx, rows: Sequence[tuple[Allocation, date, Figures]], source: Source, by: str
) -> tuple[list[DailyStatus], list[tuple[str, Risk, Risk]]]:
    revisions = tx.uow.daily_statuses.revisions([(a.id, day) for a, day, _ in rows])
    statuses, events, changes = [], [], []
    for allocation, day, figures in rows:
        current = desk.load(tx, allocation.id)
        latest = current.last_status_date is None or day >= current.last_status_date
        reading = _reading(current, figures.total_assets)
        revision = revisions.get((current.id, day), 0) + 1
        statuses.append(
            DailyStatus(
                current.id,
                day,
                revision,
                figures,
                source,
                by,
                tx.now,
                reading.ratio_bp,
                reading.before,
                reading.after,
            )
        )
        events.append(Event(current.id, tx.now, "status", by, _event_data(day, revision, figures, reading)))
        if latest:
            _follow(desk, tx, current, day=day, figures=figures, reading=reading, by=by)
            if reading.changed:
                changes.append((current.id, reading.before, reading.after))
                risk = json.dumps(
                    {"before": reading.before.value, "after": reading.after.value}, sort_keys=True
                )
                events.append(Event(current.id, tx.now, "risk", by, risk))
    tx.uow.daily_statuses.add(statuses)
    tx.uow.allocation_events.add(events)
    return statuses, changes


def _reading(allocation: Allocation, assets: int) -> RiskReading:
    return read_risk(
        allocation.risk,
        assets,
        warning_line=allocation.warning_line,
        liquidation_line=allocation.liquidation_line,
        allocated=allocation.allocated,
        unpaid_fees=allocation.fees_unpaid,
    )


def _follow(
    desk: Desk, tx: Tx, allocation: Allocation, *, day: date, figures: Figures, reading: RiskReading, by: str
) -> None:
    after = attrs.evolve(
        allocation,
        version=allocation.version + 1,
        last_assets=figures.total_assets,
        last_status_date=day,
        last_withdrawable=figures.cash_withdrawable,
        risk=reading.after,
    )
    tx.uow.allocations.save(after)
    if reading.changed:
        tx.audit(by, "allocation.risk", allocation.id, before=summary(allocation), after=summary(after))
        _alert(desk, tx, after, reading)


def _alert(desk: Desk, tx: Tx, allocation: Allocation, reading: RiskReading) -> None:
    key = ALERTS[reading.after]
    line = allocation.liquidation_line if reading.after is Risk.LIQUIDATION else allocation.warning_line
    values: dict[str, object] = {"id": allocation.id, "assets": Money(reading.total_assets)}
    if reading.after is not Risk.NORMAL:
        values["line"] = Money(line)
    customer = tx.uow.customers.get(allocation.customer_id)
    tx.tell(customer, key, **values)
    if customer is not None and customer.telegram_user_id is not None and customer.phone:
        tx.notify(Channel.SMS, customer.phone, key, customer.language, **values)
    desk.tell_staff(tx, Permission.ALLOCATION_DAILY_STATUS, f"{key}.staff", **values)


def _event_data(day: date, revision: int, figures: Figures, reading: RiskReading) -> str:
    return json.dumps(
        {
            "day": day.isoformat(),
            "revision": revision,
            "assets": figures.total_assets,
            "to_warning": reading.to_warning,
            "to_liquidation": reading.to_liquidation,
            "ratio_bp": reading.ratio_bp,
        },
        sort_keys=True,
    )
