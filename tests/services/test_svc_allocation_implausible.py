"""Implausible daily statuses: a status whose assets jump by more than the product allows, or disagree with
the day before plus the day's profit or loss, is stored held — it moves no risk state, no latest figure,
no alert, no daily report — and the administrators entering statuses are told; a second administrator
confirms it (then it takes effect, alerting once per crossing) or rejects it (it stays in the history,
never counting). Imports apply their rows all the same and count the ones held."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date

import attrs
import pytest
from allocation_world import (
    CL,
    DAILY,
    WL,
    B,
    assert_books_hold,
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
from p2pstock.core.allocation.statuses import DailyStatus, Figures, Flag, Review
from p2pstock.core.errors import AlreadyDecided, InvalidInput, NotFound
from p2pstock.core.people.four_eyes import MakerCannotCheck
from p2pstock.core.people.permissions import PermissionDenied

MONDAY, TUESDAY, WEDNESDAY = date(2026, 1, 5), date(2026, 1, 6), date(2026, 1, 7)
OFFICERS = {"risk-1": 9001, "risk-2": 9002}
CUSTOMER_CHAT, CUSTOMER_PHONE = "7001", "+8613800138000"
HEADER = (
    "sub_account,trade_date,total_assets,market_value,cash_available,cash_frozen,cash_withdrawable,"
    "daily_pnl,floating_pnl,note\n"
)
START = B + 1_000_000
"""What the sub-account holds at book, B + D: what a first status is compared with."""


@pytest.fixture(autouse=True)
def platform(app: App) -> Iterator[None]:
    open_platform(app)
    verified_customer(app)
    for officer, chat in OFFICERS.items():
        app.staff.enrol_by_operator(officer, ["risk_officer"], telegram_user_id=chat)
    yield
    assert_books_hold(app)


def with_pnl(assets: int, daily_pnl: int) -> Figures:
    return attrs.evolve(figures(assets), daily_pnl=daily_pnl)


def row(sub_account: str, day: date, assets: int) -> str:
    cash = assets // 5
    amounts = ",".join(f"{a / 100:.2f}" for a in (assets, assets - cash, cash))
    return f"{sub_account},{day},{amounts},0,0,0,0,\n"


def current(app: App, allocation: Allocation) -> Allocation:
    return app.allocations.get(allocation.id, customer_id="alice")


def told(app: App, chat: str | int) -> list[str]:
    sent = app.office.read(lambda tx: tx.uow.outbox.of_recipient(str(chat), 1000))
    return [n.text for n in reversed(sent)]


def alerts_to_alice(app: App) -> list[str]:
    """The risk alerts the customer was sent, by bot and by SMS."""
    sent = told(app, CUSTOMER_CHAT) + told(app, CUSTOMER_PHONE)
    return [t for t in sent if "fell to the" in t or "back above the lines" in t]


def reports_to_alice(app: App) -> list[str]:
    return [t for t in told(app, CUSTOMER_CHAT) if t.startswith("Your allocations today")]


def statuses(app: App, allocation: Allocation) -> list[tuple[date, int, int, Review]]:
    shown = app.allocations.timeline(allocation.id, by="risk-1").statuses
    return [(s.trade_date, s.revision, s.figures.total_assets, s.review) for s in shown]


def a_day_then_a_typo(app: App, clock: ManualClock) -> tuple[Allocation, DailyStatus]:
    """Monday at ¥58,000; on Tuesday ¥580,000 typed for ¥58,000 (ten times)."""
    allocation = running(app, term=10)
    app.allocations.record_status(allocation.id, MONDAY, figures(5_800_000), by="risk-1")
    move_to(clock, TUESDAY)
    typo = app.allocations.record_status(allocation.id, TUESDAY, figures(58_000_000), by="risk-1")
    return allocation, typo


# -- held


def test_a_status_that_jumps_is_stored_held_and_moves_nothing(app: App, clock: ManualClock) -> None:
    allocation, typo = a_day_then_a_typo(app, clock)

    assert (typo.flag, typo.review, typo.compared_with) == (Flag.JUMP, Review.HELD, 5_800_000)
    assert (typo.risk_before, typo.risk_after) == (Risk.NORMAL, Risk.NORMAL)
    now = current(app, allocation)
    assert (now.last_status_date, now.last_assets, now.risk) == (MONDAY, 5_800_000, Risk.NORMAL)
    assert statuses(app, allocation) == [
        (MONDAY, 1, 5_800_000, Review.NONE),
        (TUESDAY, 1, 58_000_000, Review.HELD),
    ]
    assert app.allocations.flagged(by="risk-2") == [typo]


def test_the_staff_timeline_marks_it_held_and_the_customer_does_not_see_it(
    app: App, clock: ManualClock
) -> None:
    allocation, _ = a_day_then_a_typo(app, clock)

    staff = app.allocations.timeline(allocation.id, by="risk-2")
    customer = app.allocations.timeline(allocation.id, customer_id="alice")

    lines = [json.loads(e.data) for e in staff.events if e.kind == "status"]
    assert lines[-1] | {"ratio_bp": 0} == {
        "day": "2026-01-06",
        "revision": 1,
        "assets": 58_000_000,
        "to_warning": 58_000_000 - WL,
        "to_liquidation": 58_000_000 - CL,
        "ratio_bp": 0,
        "flag": "jump",
        "review": "held",
        "previous": 5_800_000,
    }
    assert [s.trade_date for s in customer.statuses] == [MONDAY]
    assert [json.loads(e.data)["day"] for e in customer.events if e.kind == "status"] == ["2026-01-05"]


def test_a_first_status_far_from_what_the_sub_account_started_with_is_held(app: App) -> None:
    allocation = running(app)

    typo = app.allocations.record_status(allocation.id, MONDAY, figures(START * 10), by="risk-1")

    assert (typo.flag, typo.compared_with) == (Flag.JUMP, START)
    assert current(app, allocation).last_assets is None


def test_a_move_within_the_products_share_is_taken_as_it_is(app: App, clock: ManualClock) -> None:
    allocation = running(app)
    app.allocations.record_status(allocation.id, MONDAY, figures(START), by="risk-1")
    move_to(clock, TUESDAY)

    fallen = app.allocations.record_status(allocation.id, TUESDAY, figures(START * 70 // 100), by="risk-1")

    assert (fallen.flag, fallen.review, fallen.risk_after) == (None, Review.NONE, Risk.LIQUIDATION)
    assert current(app, allocation).risk is Risk.LIQUIDATION


def test_a_status_that_disagrees_with_the_day_before_plus_its_profit_is_held(
    app: App, clock: ManualClock
) -> None:
    allocation = running(app, term=10)
    app.allocations.record_status(allocation.id, MONDAY, figures(6_000_000), by="risk-1")
    move_to(clock, TUESDAY)

    off = app.allocations.record_status(allocation.id, TUESDAY, with_pnl(5_000_000, 100_000), by="risk-1")
    # a ¥1,000 profit and a ¥2,000 top-up: ¥2,000 more than the profit says, within 5 % of ¥60,000
    topped_up = app.allocations.record_status(
        allocation.id, TUESDAY, with_pnl(6_300_000, 100_000), by="risk-1"
    )

    assert (off.flag, off.compared_with) == (Flag.PNL_MISMATCH, 6_000_000)
    assert topped_up.flag is None
    assert current(app, allocation).last_assets == 6_300_000


def test_profit_is_checked_only_against_the_previous_trading_day(app: App, clock: ManualClock) -> None:
    allocation = running(app, term=10)
    app.allocations.record_status(allocation.id, MONDAY, figures(6_000_000), by="risk-1")
    move_to(clock, WEDNESDAY)

    two_days_on = app.allocations.record_status(
        allocation.id, WEDNESDAY, with_pnl(5_000_000, 100_000), by="risk-1"
    )

    assert two_days_on.flag is None  # Tuesday's profit is not in Wednesday's figure
    assert current(app, allocation).last_assets == 5_000_000


def test_a_product_sets_the_shares_and_zero_turns_the_checks_off(app: App, clock: ManualClock) -> None:
    app.products.define(attrs.evolve(DAILY, implausible_move_pct=0, pnl_tolerance_pct=0), by="root")
    allocation = running(app)
    app.allocations.record_status(allocation.id, MONDAY, figures(5_800_000), by="risk-1")
    move_to(clock, TUESDAY)

    typo = app.allocations.record_status(allocation.id, TUESDAY, with_pnl(58_000_000, 1), by="risk-1")

    assert (typo.flag, typo.review) == (None, Review.NONE)
    assert current(app, allocation).last_assets == 58_000_000


def test_a_product_with_a_tighter_share_holds_a_smaller_move(app: App, clock: ManualClock) -> None:
    app.products.define(attrs.evolve(DAILY, implausible_move_pct=10), by="root")
    allocation = running(app)
    app.allocations.record_status(allocation.id, MONDAY, figures(6_000_000), by="risk-1")
    move_to(clock, TUESDAY)

    report = app.allocations.import_statement(HEADER + row("HOMS-001", TUESDAY, 5_340_000), by="risk-1")

    assert [(s.flag, s.compared_with) for s in report.flagged] == [(Flag.JUMP, 6_000_000)]  # −11 %


def test_a_product_refuses_shares_out_of_range() -> None:
    with pytest.raises(InvalidInput) as refused:
        attrs.evolve(DAILY, implausible_move_pct=1_001)
    assert refused.value.code == "plausibility_limits"
    with pytest.raises(InvalidInput):
        attrs.evolve(DAILY, pnl_tolerance_pct=-1)


def test_a_held_status_tells_the_administrators_and_nothing_to_the_customer(
    app: App, clock: ManualClock
) -> None:
    allocation = running(app, term=10)
    app.allocations.record_status(allocation.id, MONDAY, figures(5_800_000), by="risk-1")
    reports = len(reports_to_alice(app))
    move_to(clock, TUESDAY)

    app.allocations.record_status(allocation.id, TUESDAY, figures(3_000_000), by="risk-1")

    assert current(app, allocation).risk is Risk.NORMAL
    assert alerts_to_alice(app) == []
    assert len(reports_to_alice(app)) == reports  # no daily report of a figure not in effect
    for chat in OFFICERS.values():
        assert told(app, chat)[-1] == (
            f"待复核：配资 {allocation.id} 2026-01-06 的日状态（单日变动过大），"
            "总资产 ¥58,000.00 → ¥30,000.00（-48.27 %），暂不生效。"
            "请另一位管理员在 /admin →「配资」→「待复核状态」确认或驳回。"
        )


def test_the_stress_view_and_the_lists_read_the_last_status_in_effect(app: App, clock: ManualClock) -> None:
    allocation, _ = a_day_then_a_typo(app, clock)

    report = app.allocations.stress([-1000], by="risk-1")
    [listed] = app.allocations.queue([allocation.status], by="risk-1")

    assert report.as_of == MONDAY
    assert report.at(-1000).allocations == 1
    assert listed.last_assets == 5_800_000


# -- decided


def test_a_second_administrator_confirms_it_and_it_takes_effect_alerting_once(
    app: App, clock: ManualClock
) -> None:
    allocation = running(app, term=10)
    app.allocations.record_status(allocation.id, MONDAY, figures(5_800_000), by="risk-1")
    move_to(clock, TUESDAY)
    crash = app.allocations.record_status(allocation.id, TUESDAY, figures(3_000_000), by="risk-1")
    reports = len(reports_to_alice(app))

    confirmed = app.allocations.confirm_status(allocation.id, TUESDAY, crash.revision, by="risk-2")
    with pytest.raises(AlreadyDecided) as again:
        app.allocations.confirm_status(allocation.id, TUESDAY, crash.revision, by="root")

    assert again.value.code == "status_not_held"
    assert (confirmed.review, confirmed.reviewed_by) == (Review.CONFIRMED, "risk-2")
    assert (confirmed.risk_before, confirmed.risk_after) == (Risk.NORMAL, Risk.LIQUIDATION)
    now = current(app, allocation)
    assert (now.last_status_date, now.last_assets, now.risk) == (TUESDAY, 3_000_000, Risk.LIQUIDATION)
    assert len(alerts_to_alice(app)) == 2  # bot and SMS, once
    assert len(reports_to_alice(app)) == reports + 1
    assert app.allocations.flagged(by="risk-1") == []
    events = app.allocations.timeline(allocation.id, by="risk-1").events
    [decision] = [json.loads(e.data) for e in events if e.kind == "status_confirmed"]
    assert decision == {
        "day": "2026-01-06",
        "revision": 1,
        "flag": "jump",
        "assets": 3_000_000,
        "entered_by": "risk-1",
        "before": "normal",
        "after": "liquidation",
    }
    customer = app.allocations.timeline(allocation.id, customer_id="alice")
    assert "status_confirmed" not in [e.kind for e in customer.events]
    assert [s.trade_date for s in customer.statuses] == [MONDAY, TUESDAY]


def test_the_administrator_who_entered_it_cannot_decide_it(app: App, clock: ManualClock) -> None:
    allocation, typo = a_day_then_a_typo(app, clock)

    with pytest.raises(MakerCannotCheck) as confirming:
        app.allocations.confirm_status(allocation.id, TUESDAY, typo.revision, by="risk-1")
    with pytest.raises(MakerCannotCheck):
        app.allocations.reject_status(allocation.id, TUESDAY, typo.revision, by="risk-1", reason="typo")

    assert confirming.value.code == "same_administrator"
    assert app.allocations.flagged(by="risk-2") == [typo]


def test_a_rejected_status_stays_in_the_history_and_a_correction_takes_its_day(
    app: App, clock: ManualClock
) -> None:
    allocation, typo = a_day_then_a_typo(app, clock)

    rejected = app.allocations.reject_status(
        allocation.id, TUESDAY, typo.revision, by="risk-2", reason="ten times too much"
    )
    corrected = app.allocations.record_status(allocation.id, TUESDAY, figures(5_900_000), by="risk-1")

    assert (rejected.review, rejected.reviewed_by) == (Review.REJECTED, "risk-2")
    assert (corrected.revision, corrected.flag) == (2, None)
    assert statuses(app, allocation) == [
        (MONDAY, 1, 5_800_000, Review.NONE),
        (TUESDAY, 1, 58_000_000, Review.REJECTED),
        (TUESDAY, 2, 5_900_000, Review.NONE),
    ]
    assert current(app, allocation).last_assets == 5_900_000
    with pytest.raises(AlreadyDecided):
        app.allocations.confirm_status(allocation.id, TUESDAY, typo.revision, by="root")
    events = app.allocations.timeline(allocation.id, by="risk-1").events
    [decision] = [json.loads(e.data) for e in events if e.kind == "status_rejected"]
    assert decision["reason"] == "ten times too much"


def test_a_rejection_needs_a_reason(app: App, clock: ManualClock) -> None:
    allocation, typo = a_day_then_a_typo(app, clock)

    with pytest.raises(InvalidInput, match="reason"):
        app.allocations.reject_status(allocation.id, TUESDAY, typo.revision, by="risk-2", reason=" ")

    assert app.allocations.flagged(by="risk-2") == [typo]


def test_a_held_status_confirmed_after_a_correction_of_its_day_moves_nothing(
    app: App, clock: ManualClock
) -> None:
    allocation, typo = a_day_then_a_typo(app, clock)
    app.allocations.record_status(allocation.id, TUESDAY, figures(WL - 1), by="risk-1")

    late = app.allocations.confirm_status(allocation.id, TUESDAY, typo.revision, by="risk-2")

    assert (late.review, late.risk_before, late.risk_after) == (Review.CONFIRMED, Risk.NORMAL, Risk.NORMAL)
    now = current(app, allocation)
    assert (now.last_assets, now.risk) == (WL - 1, Risk.WARNING)
    # a later correction of the day is still read from the state before the day
    again = app.allocations.record_status(allocation.id, TUESDAY, figures(5_800_000), by="risk-1")
    assert (again.revision, again.risk_after) == (3, Risk.NORMAL)


def test_a_confirmed_correction_is_read_from_the_state_before_its_day(app: App, clock: ManualClock) -> None:
    allocation = running(app, term=10)
    app.allocations.record_status(allocation.id, MONDAY, figures(5_800_000), by="risk-1")
    move_to(clock, TUESDAY)
    app.allocations.record_status(allocation.id, TUESDAY, figures(WL - 1), by="risk-1")
    held = app.allocations.record_status(allocation.id, TUESDAY, figures(11_000_000), by="risk-1")

    confirmed = app.allocations.confirm_status(allocation.id, TUESDAY, held.revision, by="root")

    assert (held.flag, held.compared_with) == (Flag.JUMP, 5_800_000)  # the day before, not the day's first
    assert (confirmed.risk_before, confirmed.risk_after) == (Risk.WARNING, Risk.NORMAL)
    assert current(app, allocation).risk is Risk.NORMAL


def test_a_status_is_named_by_its_allocation_day_and_revision(app: App, clock: ManualClock) -> None:
    allocation, _ = a_day_then_a_typo(app, clock)

    with pytest.raises(NotFound) as missing:
        app.allocations.confirm_status(allocation.id, TUESDAY, 2, by="risk-2")
    with pytest.raises(AlreadyDecided):
        app.allocations.confirm_status(allocation.id, MONDAY, 1, by="risk-2")  # never held
    with pytest.raises(InvalidInput):
        app.allocations.confirm_status(allocation.id, TUESDAY, "1", by="risk-2")  # type: ignore[arg-type]

    assert missing.value.code == "status_not_found"


def test_only_administrators_entering_statuses_list_and_decide_them(app: App, clock: ManualClock) -> None:
    allocation, typo = a_day_then_a_typo(app, clock)

    for call in (
        lambda: app.allocations.flagged(by="support-1"),
        lambda: app.allocations.confirm_status(allocation.id, TUESDAY, 1, by="reviewer-1"),
        lambda: app.allocations.reject_status(allocation.id, TUESDAY, 1, by="finance-1", reason="no"),
    ):
        with pytest.raises(PermissionDenied):
            call()

    assert app.allocations.flagged(by="root") == [typo]


# -- imported


def test_an_import_applies_every_row_holds_the_implausible_ones_and_counts_them(
    app: App, clock: ManualClock
) -> None:
    first, second = running(app, sub_account="S-1"), running(app, sub_account="S-2")
    app.allocations.import_statement(
        HEADER + row("S-1", MONDAY, 5_800_000) + row("S-2", MONDAY, 5_800_000), by="risk-1"
    )
    move_to(clock, TUESDAY)

    report = app.allocations.import_statement(
        HEADER + row("S-1", TUESDAY, 5_700_000) + row("S-2", TUESDAY, 580_000), by="risk-1"
    )

    assert (report.ok, report.applied) == (True, 2)
    assert [(s.allocation_id, s.flag) for s in report.flagged] == [(second.id, Flag.JUMP)]
    assert current(app, first).last_assets == 5_700_000
    assert current(app, second).last_assets == 5_800_000
    assert app.allocations.flagged(by="risk-2") == list(report.flagged)
    assert told(app, OFFICERS["risk-2"])[-1].startswith(f"待复核：配资 {second.id} 2026-01-06 的日状态")


def test_an_import_correcting_a_held_day_takes_the_next_revision(app: App, clock: ManualClock) -> None:
    allocation = running(app, sub_account="S-1")
    app.allocations.record_status(allocation.id, MONDAY, figures(5_800_000), by="risk-1")
    move_to(clock, TUESDAY)
    app.allocations.import_statement(HEADER + row("S-1", TUESDAY, 58_000_000), by="risk-1")

    report = app.allocations.import_statement(HEADER + row("S-1", TUESDAY, 5_900_000), by="risk-2")

    assert (report.applied, report.flagged) == (1, ())
    assert statuses(app, allocation)[1:] == [
        (TUESDAY, 1, 58_000_000, Review.HELD),
        (TUESDAY, 2, 5_900_000, Review.NONE),
    ]
    assert current(app, allocation).last_assets == 5_900_000


def test_many_held_in_one_statement_are_told_in_one_digest(app: App, clock: ManualClock) -> None:
    several = [running(app, sub_account=f"S-{n}") for n in range(3)]
    before = len(told(app, OFFICERS["risk-1"]))

    report = app.allocations.import_statement(
        HEADER + "".join(row(a.sub_account or "", MONDAY, START * 2) for a in several), by="risk-2"
    )

    assert len(report.flagged) == 3
    [digest] = told(app, OFFICERS["risk-1"])[before:]
    assert digest.splitlines()[0] == "待复核日状态 3 项，暂不生效："
    assert len(digest.splitlines()) == 4


# -- at the same moment


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_two_administrators_confirming_at_once_confirm_it_once(app: App, clock: ManualClock) -> None:
    allocation = running(app, term=10)
    app.allocations.record_status(allocation.id, MONDAY, figures(5_800_000), by="risk-1")
    move_to(clock, TUESDAY)
    crash = app.allocations.record_status(allocation.id, TUESDAY, figures(3_000_000), by="risk-1")

    answers, errors = at_once(
        4,
        lambda i: app.allocations.confirm_status(
            allocation.id, TUESDAY, crash.revision, by=("risk-2", "root", "root-2", "risk-2")[i]
        ),
    )

    assert len(answers) == 1
    assert [type(e) for e in errors] == [AlreadyDecided] * 3
    assert current(app, allocation).risk is Risk.LIQUIDATION
    assert len(alerts_to_alice(app)) == 2
