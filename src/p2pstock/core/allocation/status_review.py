"""The second administrator's decision on a daily status held as implausible (``plausibility``).

Administrators holding ``allocation.daily_status`` list the statuses held, oldest first. Another one of
them than the administrator who entered or imported a status (``same_administrator`` otherwise) decides it:

- **confirm** (its allocation still running): the status takes effect as if it were entered now. For a day
  after the latest status in effect it moves the risk state from the state the allocation is in; as the
  newest revision of that latest day, from the state before the day (a correction); a status older than
  the latest in effect (a later day, or a later revision of its day, came meanwhile) moves nothing. A
  change of risk state alerts the customer and the risk officers as any status does — once per crossing
  — and so does a rung of the alert ladder crossed down (``alert_ladder``); a warning sets its top-up
  deadline from the moment of the confirmation (``top_up_deadline``). The customer's daily report follows
  when it is the newest day.
- **reject**, with a reason: the status stays in the history, marked rejected, and never counts; a
  correction may be entered for its day.

Either is a timeline event (``status_confirmed`` / ``status_rejected``, for staff) and an audit record.
Deciders take turns with anyone entering statuses, so a status is decided once.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import NamedTuple

import attrs

from p2pstock.core.allocation import daily_report
from p2pstock.core.allocation.alert_ladder import crossed
from p2pstock.core.allocation.allocations import Allocation, Risk, Status, Watch
from p2pstock.core.allocation.desk import Desk
from p2pstock.core.allocation.monitoring import alert_crossings
from p2pstock.core.allocation.risk import next_risk, next_rung
from p2pstock.core.allocation.statuses import DailyStatus, Review
from p2pstock.core.allocation.top_up_deadline import carried, next_open
from p2pstock.core.backoffice import Tx
from p2pstock.core.errors import AlreadyDecided, NotFound
from p2pstock.core.people.four_eyes import MakerCannotCheck
from p2pstock.core.people.permissions import Permission
from p2pstock.core.validation import check_reason

REVIEW_EVENTS = frozenset({"status_confirmed", "status_rejected"})
"""The timeline events of the decisions: staff read them; a customer never saw the status held."""


def held(tx: Tx, by: str, limit: int) -> list[DailyStatus]:
    tx.admin(by, Permission.ALLOCATION_DAILY_STATUS)
    return tx.uow.daily_statuses.held(limit)


def confirm(desk: Desk, tx: Tx, allocation_id: str, *, day: date, revision: int, by: str) -> DailyStatus:
    admin = tx.admin(by, Permission.ALLOCATION_DAILY_STATUS)
    tx.uow.daily_statuses.take_turn()
    allocation = desk.load(tx, allocation_id)
    status, others = _held(tx, allocation_id, day, revision, admin.id)
    allocation.require(Status.IN_PROGRESS)
    effect = _effect(allocation, status, others)
    before, after = effect.risk_before, effect.risk_after
    deadline = None  # one that is not the newest is never read for its deadline
    if effect.newest:
        opening = lambda: next_open(desk.calendar(tx), desk.local(tx.now))  # noqa: E731 - asked at most once
        deadline = carried(allocation.top_up_by, before, after, opening)
    confirmed = attrs.evolve(
        status,
        review=Review.CONFIRMED,
        reviewed_by=admin.id,
        risk_before=before,
        risk_after=after,
        rung_before=effect.rung_before,
        rung_after=effect.rung_after,
        top_up_by=deadline,
    )
    tx.uow.daily_statuses.reviewed(confirmed)
    watch = Watch.of(allocation)
    if effect.newest:
        daily_report.tell(tx, [(watch, confirmed)])
    changed: dict[str, object] = {"before": before.value, "after": after.value} if after is not before else {}
    rung = not changed and crossed(confirmed)
    if rung:
        changed["rung"] = confirmed.rung_after
    if changed:
        crossing = [(watch, confirmed)]
        alert_crossings(tx, [] if rung else crossing, crossing if rung else [], zone=desk.timezone)
    _decided(desk, tx, confirmed, "status_confirmed", **changed)
    return confirmed


def reject(
    desk: Desk, tx: Tx, allocation_id: str, *, day: date, revision: int, by: str, reason: str
) -> DailyStatus:
    admin = tx.admin(by, Permission.ALLOCATION_DAILY_STATUS)
    why = check_reason(reason)
    tx.uow.daily_statuses.take_turn()
    desk.load(tx, allocation_id)
    status, _ = _held(tx, allocation_id, day, revision, admin.id)
    rejected = attrs.evolve(status, review=Review.REJECTED, reviewed_by=admin.id)
    tx.uow.daily_statuses.reviewed(rejected)
    _decided(desk, tx, rejected, "status_rejected", reason=why)
    return rejected


def _held(
    tx: Tx, allocation_id: str, day: date, revision: int, by: str
) -> tuple[DailyStatus, list[DailyStatus]]:
    """The status held of ``allocation_id`` for ``day`` at ``revision`` that ``by`` may decide, and the
    allocation's other statuses (by day and revision)."""
    history = tx.uow.daily_statuses.history(allocation_id)
    status = next((s for s in history if s.trade_date == day and s.revision == revision), None)
    if status is None:
        raise NotFound(
            f"allocation {allocation_id} has no status of {day} at revision {revision}",
            code="status_not_found",
            allocation=allocation_id,
            day=day,
            revision=revision,
        )
    if status.review is not Review.HELD:
        raise AlreadyDecided(
            f"the status of {day} (revision {revision}) is not waiting for a second administrator",
            code="status_not_held",
            day=day,
            revision=revision,
        )
    if status.entered_by == by:
        raise MakerCannotCheck(
            "the administrator who entered or imported a status cannot decide it", code="same_administrator"
        )
    return status, [s for s in history if s is not status]


class _Effect(NamedTuple):
    risk_before: Risk
    risk_after: Risk
    rung_before: int
    rung_after: int
    newest: bool


def _effect(a: Allocation, status: DailyStatus, others: Sequence[DailyStatus]) -> _Effect:
    """The risk state and the rung before and after ``status`` taking effect now, and whether it is the
    newest status in effect. One that is not moves nothing: it keeps where its day started from (what a
    correction of the day is read from), or where the allocation stands if it is alone on its day."""
    in_effect = [s for s in others if s.in_effect]
    latest = in_effect[-1] if in_effect else None
    first = next((s for s in in_effect if s.trade_date == status.trade_date), None)
    day_start, day_rung = (a.risk, a.rung) if first is None else (first.risk_before, first.rung_before)
    if latest is None or status.trade_date > latest.trade_date:
        start, rung = a.risk, a.rung
    elif status.trade_date == latest.trade_date and status.revision > latest.revision:
        start, rung = day_start, day_rung
    else:
        return _Effect(day_start, day_start, day_rung, day_rung, False)
    assets = status.figures.total_assets
    after = next_risk(start, assets, a.warning_line, a.liquidation_line)
    return _Effect(a.risk, after, a.rung, next_rung(rung, assets, a.rung_lines), True)


def _decided(desk: Desk, tx: Tx, status: DailyStatus, kind: str, **data: object) -> None:
    """The decision on the timeline and in the audit trail."""
    what = {
        "day": status.trade_date.isoformat(),
        "revision": status.revision,
        "flag": status.flag.value if status.flag else "",
        "assets": status.figures.total_assets,
        "entered_by": status.entered_by,
    }
    desk.event(tx, status.allocation_id, kind, status.reviewed_by, **what, **data)
    tx.audit(status.reviewed_by, f"allocation.{kind}", status.allocation_id, after={**what, **data})
