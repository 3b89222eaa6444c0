"""The graded alert ladder and the top-up deadline: a product's rungs above the warning line alert their
audience once per crossing down (with the lines' hysteresis), in the reader's language and with the rung's
own message when it has one; a warning sets a deadline at the next trading day's open, which the customer's
alert names, a normal status clears, approved top-ups meet, and the jobs mark liquidation-due once it has
passed. Held statuses ring the ladder when a second administrator confirms them; imports ring it too."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime

import attrs
import pytest
from allocation_world import (
    DAILY,
    WL,
    assert_books_hold,
    event_data,
    event_kinds,
    figures,
    move_to,
    open_platform,
    running,
    verified_customer,
)
from racing import at_once

from p2pstock.adapters.clock import ManualClock
from p2pstock.bootstrap import App
from p2pstock.core.allocation.allocations import Allocation, Risk
from p2pstock.core.allocation.ladder import Audience, Rung
from p2pstock.core.allocation.products import Product
from p2pstock.core.allocation.risk import next_rung
from p2pstock.core.allocation.statuses import Review
from p2pstock.core.backoffice import CHAT_LANGUAGE
from p2pstock.core.catalog_file import catalog_text, read_catalog
from p2pstock.core.clock import to_micros
from p2pstock.core.errors import InvalidInput
from p2pstock.jobs import run_jobs

MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY = (date(2026, 1, d) for d in (5, 6, 7, 8, 9))
NEXT_MONDAY = date(2026, 1, 12)
OFFICERS = {"risk-1": 9001, "risk-2": 9002}
ALICE_CHAT, ALICE_PHONE = "7001", "+8613800138000"
HEADER = (
    "sub_account,trade_date,total_assets,market_value,cash_available,cash_frozen,cash_withdrawable,"
    "daily_pnl,floating_pnl,note\n"
)
LADDER = attrs.evolve(
    DAILY,
    code="ladder",
    name="分级提醒配资",
    rungs=(
        Rung(
            1_000,
            Audience.CUSTOMER,
            zh="总资产接近警戒线，请关注持仓。",
            en="Your assets near the warning line.",
        ),
        Rung(500, Audience.BOTH),
    ),
)
"""Rung 1 at WL × 1.10 = ¥60,500 (the customer alone, with its own message); rung 2 at WL × 1.05 = ¥57,750
(the customer and the risk officers, the default text)."""
RUNG_1, RUNG_2 = 6_050_000, 5_775_000
TARGET = WL * 102 // 100
"""¥56,100: what the assets must rise above to leave the warning."""


def shanghai(day: date, hour: int, minute: int = 0) -> int:
    return to_micros(datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)) - 8 * 3_600_000_000


@pytest.fixture(autouse=True)
def platform(app: App, clock: ManualClock) -> Iterator[None]:
    open_platform(app)
    app.products.define(LADDER, by="root")
    verified_customer(app)
    for officer, chat in OFFICERS.items():
        app.staff.enrol_by_operator(officer, ["risk_officer"], telegram_user_id=chat)
    move_to(clock, MONDAY, 10)
    yield
    assert_books_hold(app)


def laddered(app: App, sub_account: str = "HOMS-001", product: Product = LADDER) -> Allocation:
    return running(app, product, term=20, sub_account=sub_account)


def told(app: App, recipient: str | int) -> list[str]:
    sent = app.office.read(lambda tx: tx.uow.outbox.of_recipient(str(recipient), 1000))
    return [n.text for n in reversed(sent)]


def alerts(app: App, recipient: str | int = ALICE_CHAT) -> list[str]:
    """The alerts of the ladder and the lines a recipient was sent (not the daily reports)."""
    words = ("cushion line", "缓冲线", "warning line", "警戒", "liquidation", "平仓", "opped up", "补足")
    reports = ("Your allocations today", "配资日报")
    return [t for t in told(app, recipient) if any(w in t for w in words) and not t.startswith(reports)]


def status(app: App, allocation: Allocation, day: date, assets: int, hour: int = 16) -> None:
    move_to(app.office.clock, day, hour)  # type: ignore[arg-type]
    app.allocations.record_status(allocation.id, day, figures(assets), by="risk-1")


def current(app: App, allocation: Allocation) -> Allocation:
    return app.allocations.get(allocation.id, customer_id=allocation.customer_id)


def row(sub_account: str, day: date, assets: int) -> str:
    cash = assets // 5
    amounts = ",".join(f"{a / 100:.2f}" for a in (assets, assets - cash, cash))
    return f"{sub_account},{day},{amounts},0,0,0,0,\n"


# -- the rungs


def test_the_rung_state_moves_down_at_once_and_up_only_past_the_margin() -> None:
    lines = (RUNG_1, RUNG_2)

    assert next_rung(0, RUNG_1 + 1, lines) == 0
    assert next_rung(0, RUNG_1, lines) == 1
    assert next_rung(0, RUNG_2, lines) == 2
    assert next_rung(2, RUNG_2 + 1, lines) == 2  # above the line, not past its margin
    assert next_rung(2, RUNG_2 * 102 // 100 + 1, lines) == 1
    assert next_rung(2, RUNG_1 * 102 // 100 + 1, lines) == 0
    assert next_rung(1, RUNG_2, lines) == 2


def test_crossing_into_a_rung_tells_its_customer_once_and_hovering_tells_nothing(app: App) -> None:
    allocation = laddered(app)

    status(app, allocation, MONDAY, 6_000_000)  # rung 1
    status(app, allocation, TUESDAY, 6_060_000)  # above its line, not past the margin
    status(app, allocation, WEDNESDAY, 6_000_000)
    after_hovering = current(app, allocation).rung
    status(app, allocation, THURSDAY, 6_200_000)  # out, silently
    status(app, allocation, FRIDAY, 6_040_000)  # in again: a new crossing

    expected = (
        f"Your assets near the warning line. (allocation {allocation.id}: total assets ¥60,000.00, cushion "
        "line 1 at ¥60,500.00, warning line ¥55,000.00)"
    )
    assert after_hovering == 1
    assert alerts(app) == [expected, expected.replace("60,000.00", "60,400.00")]
    assert alerts(app, ALICE_PHONE) == alerts(app)  # by SMS too
    assert alerts(app, OFFICERS["risk-1"]) == []  # rung 1 is the customer's alone
    assert current(app, allocation).rung == 1
    assert [d["rung"] for d in event_data(app, allocation, "rung")] == [1, 1]


def test_a_rung_for_both_tells_the_customer_and_the_risk_officers_each_in_their_language(app: App) -> None:
    app.office.run(lambda tx: tx.uow.ui_state.put(CHAT_LANGUAGE + str(OFFICERS["risk-2"]), "en"))
    allocation = laddered(app)

    status(app, allocation, MONDAY, 5_700_000)  # past rung 1 into rung 2 in one status

    assert alerts(app) == [
        f"Notice: allocation {allocation.id} total assets ¥57,000.00 fell to cushion line 2 at ¥57,750.00, "
        "above the warning line ¥55,000.00. Mind the risk and add margin if needed."
    ]
    assert alerts(app, OFFICERS["risk-1"]) == [
        f"缓冲线：配资 {allocation.id} 总资产 ¥57,000.00，第 2 级缓冲线 ¥57,750.00，警戒线 ¥55,000.00。"
    ]
    assert alerts(app, OFFICERS["risk-2"]) == [
        f"Cushion line: allocation {allocation.id} assets ¥57,000.00, cushion line 2 ¥57,750.00, warning "
        "line ¥55,000.00."
    ]
    assert current(app, allocation).rung == 2


def test_a_rungs_own_message_reaches_a_customer_who_reads_chinese_in_chinese(app: App) -> None:
    verified_customer(app, "bob")
    app.customers.set_language("bob", "zh")
    allocation = app.allocations.apply("bob", product="ladder", deposit=1_000_000, leverage=5, term=20)
    for component in allocation.due:
        app.allocations.pay(allocation.id, component, customer_id="bob")
    app.allocations.record_call(allocation.id, by="reviewer-1", outcome="confirmed")
    app.allocations.confirm(allocation.id, by="reviewer-1")
    app.allocations.assign_account(allocation.id, by="finance-1", sub_account="HOMS-B", password="Tr4de!pass")

    status(app, allocation, MONDAY, 6_000_000)

    assert alerts(app, "+8613900139000") == [
        f"总资产接近警戒线，请关注持仓。（配资 {allocation.id} 总资产 ¥60,000.00，第 1 级缓冲线 ¥60,500.00，"
        "警戒线 ¥55,000.00）"
    ]


def test_a_status_that_crosses_the_warning_line_tells_the_warning_alone(app: App) -> None:
    allocation = laddered(app)

    status(app, allocation, MONDAY, WL - 1)

    [alert] = alerts(app)
    assert alert.startswith(f"Risk warning: allocation {allocation.id} total assets ¥54,999.99 fell to the")
    now = current(app, allocation)
    assert (now.risk, now.rung) == (Risk.WARNING, 2)
    assert event_data(app, allocation, "rung") == []


def test_a_product_without_rungs_leaves_every_allocation_at_rung_zero(app: App) -> None:
    allocation = running(app)

    status(app, allocation, MONDAY, 5_600_000)

    assert current(app, allocation).rung == 0
    assert alerts(app) == []


@pytest.mark.parametrize(
    ("rungs", "code"),
    [
        ((Rung(500), Rung(500, Audience.CUSTOMER)), "rungs_twice"),
        (tuple(Rung(100 * n) for n in range(1, 7)), "rungs_too_many"),
    ],
)
def test_a_ladder_is_checked_when_its_product_is_defined(
    app: App, rungs: tuple[Rung, ...], code: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        app.products.define(attrs.evolve(LADDER, code="bad", rungs=rungs), by="root")

    assert refused.value.code == code


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"cushion_bp": 0}, "rung_cushion"),
        ({"cushion_bp": 5_001}, "rung_cushion"),
        ({"cushion_bp": 500, "audience": "everyone"}, "rung_audience"),
        ({"cushion_bp": 500, "zh": "只有中文"}, "rung_message"),
        ({"cushion_bp": 500, "zh": "太长" * 101, "en": "long"}, "text_too_long"),
    ],
)
def test_a_rung_is_refused_unless_its_cushion_audience_and_messages_are_right(
    fields: dict[str, object], code: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        Rung(**fields)  # type: ignore[arg-type]

    assert refused.value.code == code


# -- the top-up deadline


def test_a_warning_sets_the_deadline_at_the_next_trading_days_open_and_the_alert_names_it(app: App) -> None:
    allocation = laddered(app)

    status(app, allocation, MONDAY, 5_400_000)

    assert current(app, allocation).top_up_by == shanghai(TUESDAY, 9, 30)
    assert alerts(app) == [
        f"Risk warning: allocation {allocation.id} total assets ¥54,000.00 fell to the warning line "
        "¥55,000.00. Add margin by 2026-01-06 09:30 to bring them above ¥56,100.00, or the allocation is due "
        "for liquidation."
    ]
    assert alerts(app, OFFICERS["risk-1"]) == [
        f"警戒：配资 {allocation.id} 总资产 ¥54,000.00，警戒线 ¥55,000.00，须在 2026-01-06 09:30 前回到 "
        "¥56,100.00 以上。"
    ]
    [line] = event_data(app, allocation, "status")[-1:]
    assert line["top_up_by"] == "2026-01-06 09:30"


def test_before_the_open_the_deadline_is_the_same_days_open_and_a_friday_gives_the_monday(
    app: App, clock: ManualClock
) -> None:
    early, late = laddered(app, "HOMS-1"), laddered(app, "HOMS-2")
    move_to(clock, TUESDAY, 8)
    app.allocations.record_status(early.id, MONDAY, figures(5_400_000), by="risk-1")
    status(app, late, FRIDAY, 5_400_000)

    assert current(app, early).top_up_by == shanghai(TUESDAY, 9, 30)
    assert current(app, late).top_up_by == shanghai(NEXT_MONDAY, 9, 30)


def test_the_deadline_stays_while_in_warning_and_a_normal_status_clears_it(app: App) -> None:
    allocation = laddered(app)
    status(app, allocation, MONDAY, 5_400_000)
    first = current(app, allocation).top_up_by

    status(app, allocation, TUESDAY, 5_450_000, hour=8)  # still in warning, before the deadline
    kept = current(app, allocation).top_up_by
    status(app, allocation, WEDNESDAY, TARGET + 1)
    cleared = current(app, allocation)
    status(app, allocation, THURSDAY, 5_400_000)

    assert kept == first == shanghai(TUESDAY, 9, 30)
    assert (cleared.risk, cleared.top_up_by, cleared.top_up_due) == (Risk.NORMAL, None, None)
    assert current(app, allocation).top_up_by == shanghai(FRIDAY, 9, 30)


def test_the_jobs_mark_a_missed_deadline_liquidation_due_once_and_tell_both(
    app: App, clock: ManualClock
) -> None:
    allocation = laddered(app)
    status(app, allocation, MONDAY, 5_400_000)
    move_to(clock, TUESDAY, 9)
    early = app.allocations.mark_liquidation_due()
    clock.advance(minutes=30)

    report = run_jobs(app)
    again = app.allocations.mark_liquidation_due()

    assert (early, report.liquidation_due, again) == (0, 1, 0)
    assert "  allocations past their top-up deadline (liquidation due): 1" in report.lines()
    now = current(app, allocation)
    assert (now.liquidation_due, now.top_up_missed, now.top_up_due) == (True, shanghai(TUESDAY, 9, 30), None)
    assert event_kinds(app, allocation)[-1] == "liquidation_due"
    assert event_data(app, allocation, "liquidation_due") == [
        {"assets": 5_400_000, "top_up_by": "2026-01-06 09:30"}
    ]
    due = (
        f"Liquidation due: allocation {allocation.id} was not topped up by 2026-01-06 09:30 (total assets "
        "¥54,000.00, warning line ¥55,000.00); it is due for liquidation."
    )
    assert alerts(app)[-1] == alerts(app, ALICE_PHONE)[-1] == due
    assert alerts(app, OFFICERS["risk-1"])[-1] == (
        f"待平仓：配资 {allocation.id} 补足期限 2026-01-06 09:30 已过，总资产 ¥54,000.00，警戒线 ¥55,000.00。"
    )


def test_deadlines_missed_together_are_told_to_the_risk_officers_in_one_digest(
    app: App, clock: ManualClock
) -> None:
    allocations = [laddered(app, f"HOMS-{n}") for n in range(3)]
    for allocation in allocations:
        status(app, allocation, MONDAY, 5_400_000)
    move_to(clock, TUESDAY, 10)

    assert app.allocations.mark_liquidation_due() == 3

    [digest] = [t for t in told(app, OFFICERS["risk-1"]) if t.startswith("补足期限已过")]
    assert digest.splitlines()[0] == "补足期限已过、待平仓 3 项："
    named = [line.split("：")[1].split(" ")[1] for line in digest.splitlines()[1:]]
    assert named == sorted(a.id for a in allocations)


def test_a_deadline_passed_after_a_normal_status_marks_nothing(app: App, clock: ManualClock) -> None:
    allocation = laddered(app)
    status(app, allocation, MONDAY, 5_400_000)
    status(app, allocation, TUESDAY, TARGET + 1, hour=8)
    move_to(clock, TUESDAY, 10)

    assert app.allocations.mark_liquidation_due() == 0
    assert not current(app, allocation).liquidation_due


def test_top_ups_that_clear_the_warning_line_with_its_margin_meet_the_deadline(
    app: App, clock: ManualClock
) -> None:
    allocation = laddered(app)
    status(app, allocation, MONDAY, 5_450_000)  # ¥1,600 short of ¥56,100
    small = app.allocations.ask(allocation.id, "top_up", customer_id="alice", amount=100_000)
    app.allocations.decide(small.id, by="reviewer-1", approve=True)
    short = current(app, allocation)
    enough = app.allocations.ask(allocation.id, "top_up", customer_id="alice", amount=100_000)
    clock.advance(minutes=1)

    app.allocations.decide(enough.id, by="reviewer-1", approve=True)
    move_to(clock, TUESDAY, 10)
    marked = app.allocations.mark_liquidation_due()

    assert short.top_up_due == shanghai(TUESDAY, 9, 30)
    met = current(app, allocation)
    assert (met.top_up_due, met.top_up_met, met.liquidation_due, marked) == (
        None,
        shanghai(TUESDAY, 9, 30),
        False,
        0,
    )
    assert event_data(app, allocation, "top_up_met") == [
        {"assets": 5_650_000, "top_up_by": "2026-01-06 09:30"}
    ]
    assert alerts(app)[-1] == (
        f"Allocation {allocation.id} is topped up: about ¥56,500.00 of total assets with the latest status; "
        "the top-up deadline of 2026-01-06 09:30 is lifted."
    )
    assert alerts(app, OFFICERS["risk-1"])[-1].startswith(f"已补足：配资 {allocation.id} 总资产约 ¥56,500.00")


def test_a_liquidation_line_crossing_is_liquidation_due_at_once_as_always(app: App) -> None:
    allocation = laddered(app)

    status(app, allocation, MONDAY, 5_200_000)

    now = current(app, allocation)
    assert (now.risk, now.liquidation_due, now.top_up_by) == (Risk.LIQUIDATION, True, None)
    assert alerts(app)[-1].startswith(f"Liquidation: allocation {allocation.id} total assets ¥52,000.00")


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_two_job_runs_at_once_mark_a_missed_deadline_once(app: App, clock: ManualClock) -> None:
    allocation = laddered(app)
    status(app, allocation, MONDAY, 5_400_000)
    move_to(clock, TUESDAY, 10)

    answers, errors = at_once(2, lambda _: app.allocations.mark_liquidation_due())

    assert errors == []
    assert sorted(answers) == [0, 1]  # type: ignore[type-var]
    assert event_kinds(app, allocation).count("liquidation_due") == 1
    assert len([t for t in alerts(app) if t.startswith("Liquidation due")]) == 1


# -- held statuses confirmed


def test_a_held_status_confirmed_later_rings_the_ladder_and_sets_the_deadline_from_then(
    app: App, clock: ManualClock
) -> None:
    app.products.define(attrs.evolve(LADDER, implausible_move_pct=5), by="root")
    allocation = laddered(app)
    status(app, allocation, MONDAY, 6_100_000)
    status(app, allocation, TUESDAY, 5_700_000)  # −6.6 %: held
    held, told_then = current(app, allocation), alerts(app)
    move_to(clock, WEDNESDAY, 10)

    confirmed = app.allocations.confirm_status(allocation.id, TUESDAY, 1, by="risk-2")
    status(app, allocation, WEDNESDAY, 5_400_000)  # held again (−5.3 %)
    move_to(clock, THURSDAY, 8)
    app.allocations.confirm_status(allocation.id, WEDNESDAY, 1, by="risk-2")

    assert (held.rung, told_then) == (0, [])
    assert (confirmed.review, confirmed.rung_before, confirmed.rung_after) == (Review.CONFIRMED, 0, 2)
    rung_alert, warning = alerts(app)
    assert rung_alert.startswith(
        f"Notice: allocation {allocation.id} total assets ¥57,000.00 fell to cushion"
    )
    assert "Add margin by 2026-01-08 09:30" in warning  # the open after the confirmation, Thursday 08:00
    assert current(app, allocation).top_up_by == shanghai(THURSDAY, 9, 30)
    assert alerts(app, OFFICERS["risk-1"])[0].startswith(f"缓冲线：配资 {allocation.id} 总资产 ¥57,000.00")


# -- imports


def test_an_import_rings_each_rung_once_names_them_in_its_audit_record_and_report(app: App) -> None:
    first, second, third = (laddered(app, f"S-{n}") for n in range(3))
    statement = HEADER + row("S-0", MONDAY, 6_000_000) + row("S-1", MONDAY, 5_700_000)
    statement += row("S-2", MONDAY, 5_400_000)
    statement += row("S-0", TUESDAY, 5_760_000)  # a second row of one allocation: rung 1 → 2 the next day
    move_to(app.office.clock, TUESDAY, 17)  # type: ignore[arg-type]

    report = app.allocations.import_statement(statement, by="risk-1")

    assert report.rungs == ((first.id, 0, 1), (second.id, 0, 2), (first.id, 1, 2))
    assert [change[0] for change in report.changes] == [third.id]
    records = app.office.read(lambda tx: tx.uow.audit.records(0, 10_000))
    [after] = [json.loads(r.after) for r in records if r.action == "allocation.import"]
    assert [(r["allocation"], r["before"], r["after"]) for r in after["rungs"]] == list(report.rungs)
    assert [(current(app, a).rung, current(app, a).risk) for a in (first, second, third)] == [
        (2, Risk.NORMAL),
        (2, Risk.NORMAL),
        (2, Risk.WARNING),
    ]
    [digest] = told(app, OFFICERS["risk-1"])
    assert digest.splitlines()[0] == "风险变化 3 项："  # the warning, rung 2 twice, nothing of rung 1
    assert sum(line.startswith("缓冲线") for line in digest.splitlines()) == 2
    assert len([t for t in alerts(app) if "cushion line" in t]) == 3


def test_the_storage_reads_the_rung_and_the_deadline_with_the_latest_status(app: App) -> None:
    allocation = laddered(app)
    status(app, allocation, MONDAY, 5_400_000)

    [watched] = app.office.read(lambda tx: tx.uow.allocations.watch(["HOMS-001"])).values()

    assert (watched.rung, watched.top_up_by, watched.rung_lines) == (
        2,
        shanghai(TUESDAY, 9, 30),
        (RUNG_1, RUNG_2),
    )
    assert current(app, allocation).rung_lines == (RUNG_1, RUNG_2)


def test_a_ladder_published_from_a_file_is_exported_the_same(app: App) -> None:
    file = catalog_text([attrs.evolve(LADDER, code="ladder.file")])

    app.product_files.publish(file, by="root")

    exported = read_catalog(app.product_files.export(by="root"))
    [product] = [p for p in exported.allocation_products if p.code == "ladder.file"]
    assert product.rungs == LADDER.rungs
    assert app.products.version("ladder.file", 1).rungs == LADDER.rungs
