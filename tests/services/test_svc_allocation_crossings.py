"""What an import tells of the crossings it finds: every customer alerted on each change, the risk officers
told once (a digest, in as many messages as the bot needs), one audit record naming each crossing — and the
risk state and its timeline lines read from the statuses, agreeing with what the allocation's row and its
``risk`` events said when they were stored (a property: any order of days, corrections and statements)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta

import attrs
import pytest
from allocation_world import (
    CL,
    DAILY,
    DEPOSIT,
    RISK_FUND,
    WL,
    B,
    assert_books_hold,
    credit,
    event_data,
    figures,
    move_to,
    open_platform,
    running,
    shanghai_day,
    verified_customer,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from p2pstock.adapters.clock import ManualClock
from p2pstock.bootstrap import App
from p2pstock.core.allocation.allocations import Allocation, Risk
from p2pstock.core.allocation.ports import Event
from p2pstock.core.allocation.risk import next_risk
from p2pstock.core.notifications import DIGEST_CHARS, Channel, digest_messages

HEADER = (
    "sub_account,trade_date,total_assets,market_value,cash_available,cash_frozen,cash_withdrawable,"
    "daily_pnl,floating_pnl,note\n"
)
OFFICERS = {"risk-1": 9001, "risk-2": 9002}
MONDAY = date(2026, 1, 5)
"""The allocations of the examples start on the platform's first day, with the clock."""


@pytest.fixture(autouse=True)
def platform(app: App) -> Iterator[None]:
    open_platform(app)
    verified_customer(app)
    for officer, chat in OFFICERS.items():
        app.staff.enrol_by_operator(officer, ["risk_officer"], telegram_user_id=chat)
    yield
    assert_books_hold(app)


def row(sub_account: str, day: date, assets: int, note: str = "") -> str:
    cash = assets // 5
    amounts = f"{assets / 100:.2f},{(assets - cash) / 100:.2f},{cash / 100:.2f}"
    return f"{sub_account},{day},{amounts},0,0,0,0,{note}\n"


def messages_to(app: App, chat: int) -> list[str]:
    sent = app.office.read(lambda tx: tx.uow.outbox.of_recipient(str(chat), 1000))
    return [n.text for n in reversed(sent)]


def audit_records(app: App, action: str) -> list[dict[str, object]]:
    records = app.office.read(lambda tx: tx.uow.audit.records(0, 10_000))
    return [json.loads(r.after) for r in records if r.action == action]


def several_running(app: App, count: int) -> list[Allocation]:
    return [running(app, sub_account=f"S-{n}") for n in range(count)]


# -- who is told


def test_an_import_alerts_every_customer_and_tells_each_risk_officer_one_digest_naming_every_crossing(
    app: App,
) -> None:
    allocations = several_running(app, 3)
    statement = HEADER + "".join(
        row(a.sub_account or "", MONDAY, assets)
        for a, assets in zip(allocations, (WL - 1, CL - 1, WL + 900_000), strict=True)
    )

    report = app.allocations.import_statement(statement, by="risk-1")

    assert [change[1:] for change in report.changes] == [
        (Risk.NORMAL, Risk.WARNING),
        (Risk.NORMAL, Risk.LIQUIDATION),
    ]
    customer = app.office.read(lambda tx: tx.uow.outbox.of_recipient("7001", 100))
    texts = {n.text for n in customer}
    assert any(allocations[0].id in t and "warning line" in t for t in texts)
    assert any(allocations[1].id in t and "liquidation line" in t for t in texts)
    sms = app.office.read(lambda tx: tx.uow.outbox.of_recipient("+8613800138000", 100))
    assert len([n for n in sms if n.channel is Channel.SMS]) == 2
    for chat in OFFICERS.values():
        [digest] = messages_to(app, chat)
        assert digest.splitlines()[0] == "风险变化 2 项："
        assert f"警戒：配资 {allocations[0].id} " in digest
        assert f"平仓：配资 {allocations[1].id} " in digest
        assert allocations[2].id not in digest


def test_a_single_crossing_is_told_to_the_risk_officers_as_itself(app: App) -> None:
    [allocation] = several_running(app, 1)

    app.allocations.import_statement(HEADER + row("S-0", MONDAY, WL - 1), by="risk-1")

    [message] = messages_to(app, OFFICERS["risk-1"])
    assert message.startswith(f"警戒：配资 {allocation.id} ")


def test_a_long_digest_is_sent_in_numbered_messages_the_bot_can_carry_and_names_each_line_once() -> None:
    lines = [f"警戒：配资 alloc-{n:05d} 总资产 ¥54,000.00，警戒线 ¥55,000.00。" for n in range(500)]

    parts = digest_messages("allocation.risk_digest.staff", "zh", lines)

    assert len(parts) > 1
    assert all(len(part) <= DIGEST_CHARS <= 4096 for part in parts)
    assert [part.splitlines()[0] for part in parts] == [
        f"风险变化 500 项（第 {n}/{len(parts)} 条）：" for n in range(1, len(parts) + 1)
    ]
    assert [line for part in parts for line in part.splitlines()[1:]] == lines


# -- what the audit trail and the timeline keep


def test_one_audit_record_of_the_import_names_each_crossing(app: App) -> None:
    allocations = several_running(app, 3)
    statement = HEADER + "".join(row(a.sub_account or "", MONDAY, WL - 1) for a in allocations[:2])
    statement += row("S-2", MONDAY, WL + 900_000)

    app.allocations.import_statement(statement, by="risk-1")

    [record] = audit_records(app, "allocation.import")
    assert record["rows"] == 3
    assert record["crossings"] == [
        {
            "allocation": a.id,
            "day": "2026-01-05",
            "revision": 1,
            "before": "normal",
            "after": "warning",
            "assets": WL - 1,
        }
        for a in allocations[:2]
    ]
    assert audit_records(app, "allocation.risk") == []


def test_a_status_entered_by_hand_names_its_crossing_in_its_own_audit_record(app: App) -> None:
    [allocation] = several_running(app, 1)

    app.allocations.record_status(allocation.id, MONDAY, figures(CL), by="risk-1")

    [record] = audit_records(app, "allocation.status")
    assert record["crossings"] == [
        {
            "allocation": allocation.id,
            "day": "2026-01-05",
            "revision": 1,
            "before": "normal",
            "after": "liquidation",
            "assets": CL,
        }
    ]


def test_no_event_is_stored_for_a_crossing_and_the_timeline_tells_it_from_the_status(app: App) -> None:
    [allocation] = several_running(app, 1)

    app.allocations.import_statement(HEADER + row("S-0", MONDAY, WL - 1), by="risk-1")

    stored = app.office.read(lambda tx: tx.uow.allocation_events.of_allocation(allocation.id))
    assert "risk" not in [e.kind for e in stored]
    assert event_data(app, allocation, "risk") == [
        {"before": "normal", "after": "warning", "day": "2026-01-05", "revision": 1}
    ]


def test_a_risk_event_stored_by_an_earlier_version_is_not_told_twice(app: App) -> None:
    [allocation] = several_running(app, 1)
    app.allocations.record_status(allocation.id, MONDAY, figures(WL - 1), by="risk-1")
    told = '{"after": "warning", "before": "normal", "day": "2026-01-05", "revision": 1}'
    legacy = Event(allocation.id, 1, "risk", "risk-1", told)
    app.office.run(lambda tx: tx.uow.allocation_events.add([legacy]))

    assert len(event_data(app, allocation, "risk")) == 1


# -- the risk state read from the statuses agrees with the rows stored before


@attrs.define
class OldRows:
    """What an allocation's row and its ``risk`` events held before revision 0014, for statuses stored
    one after another: the row's risk state moved by each, and an event for each change."""

    risk: Risk = Risk.NORMAL
    first_of_day: dict[date, Risk] = attrs.Factory(dict)
    revisions: dict[date, int] = attrs.Factory(dict)
    events: list[dict[str, object]] = attrs.Factory(list)

    def store(self, day: date, assets: int) -> None:
        revision = self.revisions.get(day, 0) + 1
        latest = max(self.revisions, default=None)
        before = self.risk
        if latest is None or day > latest:
            self.risk = next_risk(before, assets, WL, CL)
        elif day == latest:
            self.risk = next_risk(self.first_of_day[day], assets, WL, CL)
        self.revisions[day] = revision
        self.first_of_day.setdefault(day, before)
        if self.risk is not before:
            self.events.append(
                {"before": before.value, "after": self.risk.value, "day": str(day), "revision": revision}
            )


ASSETS = st.sampled_from(
    [
        CL - 1,
        CL,
        CL * 102 // 100,
        CL * 102 // 100 + 1,
        WL - 1,
        WL,
        WL * 102 // 100,
        WL * 102 // 100 + 1,
        B * 2,
    ]
)
DAYS = st.integers(min_value=0, max_value=2)
"""The first three trading days of the allocation, by number (each example's allocation starts after the
last one's: the clock only moves forward, and the calendar is known for a year)."""
ENTRY = st.one_of(
    st.tuples(st.just("hand"), st.lists(st.tuples(DAYS, ASSETS), min_size=1, max_size=1)),
    st.tuples(
        st.just("statement"),
        st.lists(st.tuples(DAYS, ASSETS), min_size=1, max_size=3, unique_by=lambda e: e[0]),
    ),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(entries=st.lists(ENTRY, min_size=1, max_size=6))
def test_the_risk_state_read_from_the_statuses_is_what_the_stored_rows_said(
    app: App, clock: ManualClock, entries: list[tuple[str, list[tuple[int, int]]]]
) -> None:
    app.products.define(attrs.evolve(DAILY, implausible_move_pct=0), by="root")  # every status takes effect
    n = len(app.allocations.of_customer("alice"))
    calendar = app.office.read(app.allocations.desk.calendar)
    start = calendar.next_trading_day(shanghai_day(clock) + timedelta(days=1))
    days = calendar.trading_days(start, start + timedelta(days=30))[:3]
    move_to(clock, start, 10)
    app.capital.fund(B, reference=f"property-{n}", by="finance-1")
    credit(app, "alice", DEPOSIT + RISK_FUND, f"property-{n}")
    allocation = running(app, sub_account=f"P-{n}", term=20)
    move_to(clock, days[-1], 17)
    old = OldRows()
    for step, (how, statuses) in enumerate(entries):
        clock.advance(minutes=1)
        if how == "hand":
            [(day, assets)] = statuses
            app.allocations.record_status(allocation.id, days[day], figures(assets), by="risk-1")
        else:
            rows = [row(f"P-{n}", days[day], assets, f"step {step}") for day, assets in statuses]
            assert app.allocations.import_statement(HEADER + "".join(rows), by="risk-1").applied == len(rows)
        for day, assets in statuses:
            old.store(days[day], assets)
        assert app.allocations.get(allocation.id, customer_id="alice").risk is old.risk
        [watched] = app.office.read(lambda tx: tx.uow.allocations.watch([f"P-{n}"])).values()
        assert watched.risk is old.risk

    assert event_data(app, allocation, "risk") == old.events


def test_notification_ids_are_unique_and_grow_with_time(app: App, clock: ManualClock) -> None:
    several_running(app, 3)
    earlier = app.office.read(lambda tx: tx.uow.outbox.due(tx.now, 1000))
    clock.advance(minutes=1)
    statement = HEADER + "".join(row(f"S-{n}", MONDAY, WL - 1) for n in range(3))

    app.allocations.import_statement(statement, by="risk-1")

    queued = [n for n in app.office.read(lambda tx: tx.uow.outbox.due(tx.now, 1000)) if n not in earlier]
    ids = [n.id for n in sorted(queued, key=lambda n: n.created_at)]
    assert len(ids) == len(set(ids)) == 3 * 2 + len(OFFICERS) + 1  # and the customer's daily report
    assert min(ids) > max(n.id for n in earlier)
