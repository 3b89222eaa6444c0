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

A status that looks implausible (``plausibility``: a jump, or assets that disagree with the day before plus
the day's profit or loss) is stored held: it is not in effect — the risk state, the latest assets, the
alerts and the daily report stay with the status in effect before it — and the administrators who enter
statuses are told, until a second one confirms or rejects it (``status_review``). An import with such rows
is applied all the same and reports them as ``flagged``. "The latest status" above is always the latest in
effect.

Each status also says where it leaves its allocation on the product's alert ladder (``ladder``: the rung,
with the same hysteresis) and which top-up deadline is in force after it (``top_up_deadline``); a status
that takes a normal allocation down into a deeper rung alerts that rung's audience once (``alert_ladder``),
and the customer's warning alert names the deadline.
"""

from __future__ import annotations

import bisect
import json
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, date, datetime, tzinfo

import attrs

from p2pstock.core.allocation import daily_report
from p2pstock.core.allocation.alert_ladder import crossed, deepest, ladders, ring
from p2pstock.core.allocation.allocations import Allocation, Risk, Status, Watch
from p2pstock.core.allocation.calendar import CalendarUnknown, TradingCalendar
from p2pstock.core.allocation.desk import Desk
from p2pstock.core.allocation.plausibility import Sessions, flag_of, move_bp, percent_text
from p2pstock.core.allocation.ports import Event
from p2pstock.core.allocation.risk import next_risk, next_rung, ratio_bp, recovery_line
from p2pstock.core.allocation.statement_files import read_statement
from p2pstock.core.allocation.statuses import (
    DailyStatus,
    Figures,
    ImportedStatement,
    Review,
    RowError,
    Source,
)
from p2pstock.core.allocation.top_up_deadline import carried, next_open, shown
from p2pstock.core.backoffice import Tx
from p2pstock.core.errors import IdempotencyConflict, InvalidInput
from p2pstock.core.money import Money
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
    flagged: tuple[DailyStatus, ...] = ()
    """The rows stored held for a second administrator (``plausibility``), counted among ``applied``."""
    rungs: tuple[tuple[str, int, int], ...] = ()
    """The rungs of the alert ladder crossed down (``alert_ladder``): allocation, rung before, rung after."""

    @property
    def ok(self) -> bool:
        return not self.errors


class _Day(dict[date, str]):
    """What a status is checked against: the calendar and today, read once per call. ``when[day]`` is why
    no status can be taken for ``day`` ("" if one can), worked out once per day. ``now`` is the moment in
    the platform's time zone, from which a new top-up deadline is worked out (once, by ``opening``)."""

    def __init__(self, calendar: TradingCalendar, today: date, now: datetime) -> None:
        super().__init__()
        self.calendar = calendar
        self.today = today
        self.now = now
        self._open: int | None = None

    @classmethod
    def of(cls, desk: Desk, tx: Tx) -> _Day:
        return cls(desk.calendar(tx), desk.today(tx), desk.local(tx.now))

    @property
    def zone(self) -> tzinfo:
        return self.now.tzinfo or UTC

    def opening(self) -> int:
        """The next trading session's open: a top-up deadline set now (``top_up_deadline``)."""
        if self._open is None:
            self._open = next_open(self.calendar, self.now)
        return self._open

    def __missing__(self, day: date) -> str:
        verdict = self[day] = self._verdict(day)
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
    when = _Day.of(desk, tx)
    problem = _problem(when, allocation, day, 0)
    if problem:
        raise InvalidInput(problem.reason, code="status_day_refused", day=day)
    [status], crossings, rungs = _apply(tx, [(allocation, day, figures)], Source.MANUAL, admin.id, when)
    after = {"day": day.isoformat(), "assets": figures.total_assets, "crossings": crossings_named(crossings)}
    if rungs:
        after["rungs"] = rungs_named(rungs)
    if status.flag is not None:
        after["flag"] = status.flag.value
    tx.audit(admin.id, "allocation.status", allocation_id, after=after)
    return status


def import_statement(
    desk: Desk, tx: Tx, text: str | bytes, by: str, statement_id: str | None = None
) -> ImportReport:
    admin = tx.admin(by, Permission.ALLOCATION_DAILY_STATUS)
    digest, rows, errors = read_statement(text, desk.sheets)  # every row's figures are checked here
    identity = f"sha256:{digest}" if statement_id is None else check_id(statement_id, "statement id")
    tx.uow.daily_statuses.take_turn()
    earlier = tx.uow.daily_statuses.imported(identity, digest)
    if earlier is not None:
        if earlier.id == identity and earlier.sha256 != digest:
            raise IdempotencyConflict(
                f"statement {identity} was imported with other content",
                code="statement_reused",
                statement=identity,
            )
        return ImportReport(0, (), statement=earlier, already_imported=True)
    running = tx.uow.allocations.watch(sorted({row.sub_account for row in rows}))
    when = _Day.of(desk, tx)
    accepted = []
    for row in rows:
        allocation = running.get(row.sub_account)
        if allocation is None:
            reason = f"no running allocation uses sub-account {row.sub_account}"
            errors.append(
                RowError.refused(row.line, reason, "sub_account_unknown", sub_account=row.sub_account)
            )
        elif problem := _problem(when, allocation, row.trade_date, row.line):
            errors.append(problem)
        else:
            accepted.append((allocation, row.trade_date, row.figures))
    if errors:
        return ImportReport(0, tuple(sorted(errors, key=lambda e: e.line)))
    if not accepted:
        return ImportReport(0, (RowError.refused(1, "the statement has no rows", "statement_empty"),))
    statuses, crossings, rungs = _apply(tx, accepted, Source.CSV, admin.id, when)
    flagged = tuple(s for s in statuses if s.flag is not None)
    statement = ImportedStatement(identity, digest, len(accepted), admin.id, tx.now)
    tx.uow.daily_statuses.remember(statement)
    after = {
        "rows": len(accepted),
        "sha256": digest,
        "statement": identity,
        "crossings": crossings_named(crossings),
        "flagged": len(flagged),
    }
    if rungs:
        after["rungs"] = rungs_named(rungs)
    tx.audit(admin.id, "allocation.import", f"statement-{digest[:16]}", after=after)
    changes = tuple((a.id, s.risk_before, s.risk_after) for a, s in crossings)
    crossed_down = tuple((a.id, s.rung_before, s.rung_after) for a, s in rungs)
    return ImportReport(len(accepted), (), changes, statement, flagged=flagged, rungs=crossed_down)


def _problem(when: _Day, allocation: Watch, day: date, line: int) -> RowError | None:
    """Why line ``line``'s status of ``allocation`` for ``day`` is refused, if it is."""
    if allocation.status is not Status.IN_PROGRESS or allocation.start_date is None:
        reason = f"allocation {allocation.id} is not running"
        return RowError.refused(line, reason, "allocation_not_running", id=allocation.id)
    if problem := when[day]:
        return RowError.refused(line, problem, "status_day_refused", day=day)
    if day < allocation.start_date:
        reason = f"{day} is before the allocation started ({allocation.start_date})"
        return RowError.refused(line, reason, "status_before_start", day=day, start=allocation.start_date)
    return None


@attrs.define
class _Track:
    """Where an allocation's statuses stand while new ones are read: its risk state, rung and top-up
    deadline, the newest status day at or after the first day read (``None``: an earlier one, or none), the
    risk and rung before that day's first status, the last revision of each day seen, and the total assets
    of each day known (its latest status in effect; what a new status is checked against). Statuses not in
    effect count for revisions alone."""

    risk: Risk
    rung: int = 0
    top_up_by: int | None = None
    last_day: date | None = None
    day_start: Risk = Risk.NORMAL
    day_rung: int = 0
    revisions: dict[date, int] = attrs.Factory(dict)
    assets: dict[date, int] = attrs.Factory(dict)

    def saw(self, status: DailyStatus) -> None:
        """Take in a stored status (given in order of day and revision)."""
        self.revisions[status.trade_date] = status.revision
        if not status.in_effect:
            return
        self.assets[status.trade_date] = status.figures.total_assets
        if self.last_day is None or status.trade_date > self.last_day:
            self.last_day, self.day_start = status.trade_date, status.risk_before
            self.day_rung = status.rung_before

    def previous(self, day: date) -> tuple[date | None, int | None]:
        """The latest day before ``day`` whose assets are known, and those assets."""
        earlier = max((known for known in self.assets if known < day), default=None)
        return earlier, None if earlier is None else self.assets[earlier]

    def read(self, a: Watch, day: date, assets: int, *, held: bool) -> tuple[int, Risk, Risk, int, int]:
        """The revision of a new status of ``a`` for ``day``, the risk state before and after it, and the
        rung before and after it: a newer day is read from where the allocation stands, a correction of
        the newest day from where it stood before that day, and a status for an earlier day — or one
        ``held`` — moves nothing."""
        revision = self.revisions.get(day, 0) + 1
        self.revisions[day] = revision
        before, rung = self.risk, self.rung
        if held:
            return revision, before, before, rung, rung
        self.assets[day] = assets
        if self.last_day is None or day > self.last_day:
            self.last_day, self.day_start, self.day_rung = day, before, rung
            self.risk = next_risk(before, assets, a.warning_line, a.liquidation_line)
            self.rung = next_rung(rung, assets, a.rung_lines)
        elif day == self.last_day:
            self.risk = next_risk(self.day_start, assets, a.warning_line, a.liquidation_line)
            self.rung = next_rung(self.day_rung, assets, a.rung_lines)
        return revision, before, self.risk, rung, self.rung


Crossing = tuple[Watch, DailyStatus]
"""A status that changed its allocation's risk state (``risk_before`` → ``risk_after``), or took it down
into a deeper rung (``rung_before`` → ``rung_after``)."""


def _apply(
    tx: Tx, rows: Sequence[tuple[Watch, date, Figures]], source: Source, by: str, when: _Day
) -> tuple[list[DailyStatus], list[Crossing], list[Crossing]]:
    """Store the statuses (which carry each allocation's risk state, rung and top-up deadline from now on,
    but for those held as implausible) and alert each change of risk state and each rung crossed."""
    tracks = _tracks(tx, rows)
    sessions = Sessions(when.calendar)
    statuses, crossings, rungs, now = [], [], [], tx.now
    for a, day, figures in rows:
        assets = figures.total_assets
        track = tracks.get(a.id) if tracks else None
        # the one new status of an allocation without a track is for a day after its latest
        on, previous = (a.last_status_date, a.last_assets) if track is None else track.previous(day)
        compared = a.allocated + a.stake if previous is None else previous
        day_before = sessions.follows(on, day)
        flag = flag_of(figures, compared, day_before=day_before, move_pct=a.move_pct, pnl_pct=a.pnl_pct)
        if track is None:
            revision, before, after, deadline = 1, a.risk, a.risk, a.top_up_by
            rung = rung_after = a.rung
            if flag is None:
                after = next_risk(before, assets, a.warning_line, a.liquidation_line)
                if a.rung_lines:
                    rung_after = next_rung(rung, assets, a.rung_lines)
        else:
            revision, before, after, rung, rung_after = track.read(a, day, assets, held=flag is not None)
            deadline = track.top_up_by
        if deadline is not None or after is not Risk.NORMAL:
            deadline = carried(deadline, before, after, when.opening)
            if track is not None:
                track.top_up_by = deadline
        ratio = ratio_bp(assets, a.allocated, a.fees_unpaid)
        status = DailyStatus(a.id, day, revision, figures, source, by, now, ratio, before, after)
        if rung or rung_after or deadline is not None:
            status = attrs.evolve(status, rung_before=rung, rung_after=rung_after, top_up_by=deadline)
        if flag is not None:
            status = attrs.evolve(status, flag=flag, review=Review.HELD, compared_with=compared)
        statuses.append(status)
        if after is not before:
            crossings.append((a, status))
        elif rung_after > rung and after is Risk.NORMAL:  # ``alert_ladder.crossed``
            rungs.append((a, status))
    tx.uow.daily_statuses.add(statuses)
    if crossings or rungs:
        alert_crossings(tx, crossings, rungs, zone=when.zone)
    read = [(a, status) for (a, _, _), status in zip(rows, statuses, strict=True)]
    daily_report.tell(tx, [(a, status) for a, status in read if status.in_effect])
    tell_held(tx, [status for status in statuses if status.flag is not None])
    return statuses, crossings, rungs


def _tracks(tx: Tx, rows: Sequence[tuple[Watch, date, Figures]]) -> dict[str, _Track]:
    """Where the statuses stand of the allocations that need more than their risk state to read their new
    ones: those with several new rows, and those with one for the day of their latest status or earlier (a
    correction, a day filled in late) or for a day that holds a status not in effect (held or rejected),
    which also need the statuses stored since that day — read for them alone — and the one in effect
    before it. Any other allocation's one new status is the first of a later day."""
    behind: dict[str, date] = {}
    unsettled = tx.uow.daily_statuses.out_of_effect()
    for a, day, _ in rows:
        last = a.last_status_date
        if (last is not None and day <= last) or (a.id in unsettled and day <= unsettled[a.id]):
            behind[a.id] = min(day, behind.get(a.id, day))
    ids = [a.id for a, _, _ in rows]
    several = set() if len(set(ids)) == len(ids) else {i for i, n in Counter(ids).items() if n > 1}
    if not several and not behind:
        return {}
    tracks: dict[str, _Track] = {}
    for a, _, _ in rows:
        if (a.id in several or a.id in behind) and a.id not in tracks:
            tracks[a.id] = track = _Track(a.risk, a.rung, a.top_up_by)
            if a.last_status_date is not None and a.last_assets is not None:
                track.assets[a.last_status_date] = a.last_assets
    if behind:
        since = min(behind.values())
        reached = {a.id for a, _, _ in rows if a.last_status_date is not None and a.last_status_date >= since}
        for before in tx.uow.daily_statuses.latest_before(sorted(reached & behind.keys()), since):
            tracks[before.allocation_id].assets[before.trade_date] = before.figures.total_assets
        for stored in tx.uow.daily_statuses.since(sorted(behind), since):
            tracks[stored.allocation_id].saw(stored)
    return tracks


def crossings_named(crossings: Sequence[Crossing]) -> list[dict[str, object]]:
    """What the audit record of the statuses keeps of each change of risk state they made."""
    return [
        {
            "allocation": a.id,
            "day": s.trade_date.isoformat(),
            "revision": s.revision,
            "before": s.risk_before.value,
            "after": s.risk_after.value,
            "assets": s.figures.total_assets,
        }
        for a, s in crossings
    ]


def rungs_named(rungs: Sequence[Crossing]) -> list[dict[str, object]]:
    """What the audit record of the statuses keeps of each rung of the alert ladder they crossed down."""
    return [
        {
            "allocation": a.id,
            "day": s.trade_date.isoformat(),
            "revision": s.revision,
            "before": s.rung_before,
            "after": s.rung_after,
            "assets": s.figures.total_assets,
        }
        for a, s in rungs
    ]


def alert_crossings(
    tx: Tx, crossings: Sequence[Crossing], rungs: Sequence[Crossing] = (), *, zone: tzinfo = UTC
) -> None:
    """Alert each customer of each change (bot and SMS) and of each rung crossed they hear of
    (``alert_ladder``), and tell every risk officer who uses the bot once: the change itself, or one digest
    of all of them. Deadlines are shown in ``zone``, the platform's time zone."""
    customers = tx.uow.customers.many(sorted({a.customer_id for a, _ in (*crossings, *rungs)}))
    told = []
    for allocation, status in crossings:
        key, values = _alert(allocation, status, zone, tx.now)
        tx.alert(customers.get(allocation.customer_id), key, **values)
        told.append((f"{key}.staff", values))
    if rungs:
        told += ring(tx, rungs, ladders(tx, [a for a, _ in rungs]), customers)
    tx.tell_staff_news(Permission.ALLOCATION_DAILY_STATUS, told, "allocation.risk_digest.staff")


HELD, HELD_LINE, HELD_DIGEST = (
    "allocation.status_held.staff",
    "allocation.status_held_line.staff",
    "allocation.held_digest.staff",
)


def tell_held(tx: Tx, held: Sequence[DailyStatus]) -> None:
    """Tell every administrator who enters statuses and uses the bot of the statuses held for a second
    one: the status itself, or one digest of all of them."""
    told = [(HELD, held_values(status)) for status in held]
    tx.tell_staff_news(Permission.ALLOCATION_DAILY_STATUS, told, HELD_DIGEST, line=HELD_LINE)


def held_values(status: DailyStatus) -> dict[str, object]:
    """What the texts of a held status show: the allocation, the day, why, and the move."""
    previous, assets = status.compared_with or 0, status.figures.total_assets
    return {
        "id": status.allocation_id,
        "day": status.trade_date.isoformat(),
        "flag": status.flag,
        "previous": Money(previous),
        "assets": Money(assets),
        "move": percent_text(move_bp(previous, assets)),
    }


def _alert(allocation: Watch, status: DailyStatus, zone: tzinfo, now: int) -> tuple[str, dict[str, object]]:
    """The template of a change of risk state, and its values: a warning names its top-up deadline while
    it is still to come."""
    after = status.risk_after
    line = allocation.liquidation_line if after is Risk.LIQUIDATION else allocation.warning_line
    values: dict[str, object] = {"id": allocation.id, "assets": Money(status.figures.total_assets)}
    if after is not Risk.NORMAL:
        values["line"] = Money(line)
    if after is Risk.WARNING and status.top_up_by is not None and status.top_up_by > now:
        target = Money(recovery_line(allocation.warning_line))
        values |= {"by": shown(status.top_up_by, zone), "target": target}
        return "allocation.warning_by", values
    return ALERTS[after], values


def timeline_events(
    allocation: Allocation,
    stored: Sequence[Event],
    statuses: Sequence[DailyStatus],
    *,
    zone: tzinfo = UTC,
    customer: bool = False,
) -> list[Event]:
    """The stored events with a line for each status among them, after a status that changed the risk
    state a ``risk`` line for the change, and after one that took the allocation down into a deeper rung of
    its alert ladder a ``rung`` line (to the ``customer``, only for a rung the customer hears of). None of
    them is stored as an event (the status table holds all they show): a status comes after every event
    stored by its time. Lines stored as ``status`` events by earlier versions are left out, and so are
    ``risk`` events stored for a status (revision 0014 removes them). Deadlines are shown in ``zone``."""
    changes = {_day_revision(s): s for s in statuses if s.risk_before is not s.risk_after}
    kept = [e for e in stored if e.kind != "status" and not (e.kind == "risk" and _raised_by(e) in changes)]
    times = [e.at for e in kept]
    placed = [(2 * i + 1, e) for i, e in enumerate(kept)]
    for status in sorted(statuses, key=lambda s: s.entered_at):
        place = 2 * bisect.bisect_right(times, status.entered_at)
        line = _event_data(allocation, status, zone)
        placed.append((place, Event(allocation.id, status.entered_at, "status", status.entered_by, line)))
        if status.risk_before is not status.risk_after:
            change = risk_change(status)
            placed.append((place, Event(allocation.id, status.entered_at, "risk", status.entered_by, change)))
        elif status.in_effect and crossed(status):
            rung = deepest(allocation.product.rungs, status, customer=True) if customer else status.rung_after
            if rung is not None:
                data = _rung_data(allocation, status, rung)
                event = Event(allocation.id, status.entered_at, "rung", status.entered_by, data)
                placed.append((place, event))
    placed.sort(key=lambda pair: pair[0])
    return [event for _, event in placed]


def risk_change(status: DailyStatus) -> str:
    """The data of the ``risk`` line of a status that changed the risk state (as such events were stored
    before revision 0014)."""
    day, revision = _day_revision(status)
    change = {"before": status.risk_before.value, "after": status.risk_after.value, "day": day}
    return json.dumps({**change, "revision": revision}, sort_keys=True)


def _day_revision(status: DailyStatus) -> tuple[object, object]:
    return status.trade_date.isoformat(), status.revision


def _raised_by(event: Event) -> tuple[object, object]:
    """The (day, revision) of the status that raised a ``risk`` event."""
    data = json.loads(event.data)
    return data.get("day"), data.get("revision")


def _rung_data(allocation: Allocation, status: DailyStatus, rung: int) -> str:
    """The data of the ``rung`` line of a status that took the allocation down into rung ``rung``."""
    line = allocation.rung_lines[rung - 1] if rung <= len(allocation.rung_lines) else 0
    day, revision = _day_revision(status)
    return json.dumps({"day": day, "revision": revision, "rung": rung, "line": line}, sort_keys=True)


def _event_data(allocation: Allocation, status: DailyStatus, zone: tzinfo = UTC) -> str:
    assets = status.figures.total_assets
    data: dict[str, object] = {
        "day": status.trade_date.isoformat(),
        "revision": status.revision,
        "assets": assets,
        "to_warning": assets - allocation.warning_line,
        "to_liquidation": assets - allocation.liquidation_line,
        "ratio_bp": status.ratio_bp,
    }
    if status.flag is not None:  # held for a second administrator: why, and where it stands
        data |= {"flag": status.flag.value, "review": status.review.value, "previous": status.compared_with}
    elif status.rung_after:  # on its product's alert ladder
        data["rung"] = status.rung_after
    if status.top_up_by is not None and status.in_effect:
        data["top_up_by"] = shown(status.top_up_by, zone)
    return json.dumps(data, sort_keys=True)
