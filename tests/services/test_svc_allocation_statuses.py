"""Daily statuses: entered by hand or imported from a statement, validated, kept with their corrections, and
turned into risk states and alerts — once per crossing, to the customer (bot and SMS) and the risk
officers. A statement with a bad row changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from allocation_world import (
    CL,
    WL,
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
from p2pstock.core.allocation.allocations import Allocation, Risk, Status
from p2pstock.core.allocation.statuses import Figures
from p2pstock.core.errors import InvalidInput
from p2pstock.core.notifications import Channel
from p2pstock.core.people.four_eyes import ApprovalRequest
from p2pstock.core.people.permissions import PermissionDenied

HEADER = (
    "sub_account,trade_date,total_assets,market_value,cash_available,cash_frozen,cash_withdrawable,"
    "daily_pnl,floating_pnl,note\n"
)
RISK_OFFICER_TELEGRAM = 9001


@pytest.fixture(autouse=True)
def platform(app: App) -> Iterator[None]:
    open_platform(app)
    verified_customer(app)
    app.staff.enrol_by_operator("risk-1", ["risk_officer"], telegram_user_id=RISK_OFFICER_TELEGRAM)
    yield
    assert_books_hold(app)


def row(
    sub_account: str, day: str, assets: str, *, market: str | None = None, cash: str | None = None
) -> str:
    total = int(float(assets) * 100)
    cash_minor = total // 5 if cash is None else int(float(cash) * 100)
    market_minor = total - cash_minor if market is None else int(float(market) * 100)
    return (
        f"{sub_account},{day},{assets},{market_minor / 100:.2f},{cash_minor / 100:.2f},0,"
        f"{cash_minor / 100:.2f},0,0,\n"
    )


def outbox(app: App) -> list[tuple[Channel, str]]:
    return [(n.channel, n.text) for n in app.office.read(lambda tx: tx.uow.outbox.due(tx.now, 1000))]


def current(app: App, allocation: Allocation) -> Allocation:
    return app.allocations.get(allocation.id, customer_id="alice")


# -- entered by hand


def test_a_status_moves_the_allocation_and_is_kept_in_its_history(app: App) -> None:
    allocation = running(app)

    status = app.allocations.record_status(allocation.id, date(2026, 1, 5), figures(5_800_000), by="risk-1")

    assert (status.revision, status.ratio_bp) == (1, 5_800_000 * 10_000 // 5_000_000)
    assert current(app, allocation).last_assets == 5_800_000
    assert [
        s.figures.total_assets for s in app.allocations.timeline(allocation.id, by="risk-1").statuses
    ] == [5_800_000]


def test_a_second_status_for_the_day_is_a_correction_that_keeps_the_first(app: App) -> None:
    allocation = running(app)
    app.allocations.record_status(allocation.id, date(2026, 1, 5), figures(58_000_000), by="risk-1")

    corrected = app.allocations.record_status(
        allocation.id, date(2026, 1, 5), figures(5_800_000), by="risk-1"
    )

    history = app.allocations.timeline(allocation.id, by="risk-1").statuses
    assert corrected.revision == 2
    assert [(s.revision, s.figures.total_assets) for s in history] == [(1, 58_000_000), (2, 5_800_000)]
    assert current(app, allocation).last_assets == 5_800_000


@pytest.mark.parametrize(
    ("day", "entered", "reason"),
    [
        (date(2026, 1, 10), figures(5_800_000), "not a trading day"),
        (date(2026, 1, 6), figures(5_800_000), "in the future"),
        (date(2025, 12, 31), figures(5_800_000), "before the allocation started"),
        (date(2026, 1, 5), Figures(5_800_000, 1_000_000, 1_000_000), "differ from cash plus market value"),
        (date(2026, 1, 5), Figures(-1, 0, 0), "cannot be negative"),
        (date(2026, 1, 5), Figures(100, 0, 100, cash_withdrawable=200), "withdrawable"),
    ],
)
def test_an_implausible_status_is_refused_and_changes_nothing(
    app: App, day: date, entered: Figures, reason: str
) -> None:
    allocation = running(app)

    with pytest.raises(InvalidInput, match=reason):
        app.allocations.record_status(allocation.id, day, entered, by="risk-1")

    assert app.allocations.timeline(allocation.id, by="risk-1").statuses == ()
    assert current(app, allocation).last_assets is None


def test_only_administrators_following_allocations_enter_statuses(app: App) -> None:
    allocation = running(app)

    with pytest.raises(PermissionDenied):
        app.allocations.record_status(allocation.id, date(2026, 1, 5), figures(5_800_000), by="support-1")


# -- alerts


def test_crossing_the_warning_line_alerts_the_customer_by_bot_and_sms_once(
    app: App, clock: ManualClock
) -> None:
    allocation = running(app, term=10)
    for day, assets in ((5, WL - 1), (6, WL - 2), (7, WL - 3)):
        move_to(clock, date(2026, 1, day))
        app.allocations.record_status(allocation.id, date(2026, 1, day), figures(assets), by="risk-1")

    alerts = [
        (channel, text) for channel, text in outbox(app) if not text.startswith("Your allocations today")
    ]
    warnings = [(channel, text) for channel, text in alerts if "warning line" in text]  # not the daily report
    assert sorted(channel for channel, _ in warnings) == [Channel.SMS, Channel.TELEGRAM]
    staff = [text for channel, text in outbox(app) if text.startswith("Warning: allocation")]
    assert len(staff) == 0  # risk officers are told in Chinese, the platform's language
    assert len([text for channel, text in outbox(app) if text.startswith("警戒：")]) == 1


def test_liquidation_alerts_name_the_liquidation_line(app: App) -> None:
    allocation = running(app)

    app.allocations.record_status(allocation.id, date(2026, 1, 5), figures(CL), by="risk-1")

    assert any("liquidation line ¥53,000.00" in text for _, text in outbox(app))


# -- imported statements


def test_a_statement_updates_every_allocation_it_names(app: App) -> None:
    first = running(app, sub_account="S-1")
    second = running(app, sub_account="S-2")
    statement = HEADER + row("S-1", "2026-01-05", "58000.00") + row("S-2", "2026-01-05", "54000.00")

    report = app.allocations.import_statement(statement, by="risk-1")

    assert (report.ok, report.applied) == (True, 2)
    assert report.changes == ((second.id, Risk.NORMAL, Risk.WARNING),)
    assert (current(app, first).risk, current(app, second).risk) == (Risk.NORMAL, Risk.WARNING)


def test_a_statement_with_a_bad_row_is_refused_whole_with_each_line_and_reason(app: App) -> None:
    first = running(app, sub_account="S-1")
    statement = (
        HEADER
        + row("S-1", "2026-01-05", "58000.00")
        + "S-1,2026-01-05x,1,1,0,0,0,0,0,\n"
        + row("S-404", "2026-01-05", "58000.00")
        + row("S-1", "2026-01-05", "58000.00")
        + "S-1,2026-01-05,100.00,50.00,10.00,0,0,0,0,\n"
    )

    report = app.allocations.import_statement(statement, by="risk-1")

    assert report.applied == 0
    assert [(e.line, e.reason.split(" ")[0]) for e in report.errors] == [
        (3, "trade_date"),
        (4, "no"),
        (5, "repeats"),
        (6, "total"),
    ]
    assert current(app, first).last_assets is None
    assert app.allocations.timeline(first.id, by="risk-1").statuses == ()


def test_a_statement_without_the_needed_columns_is_refused(app: App) -> None:
    report = app.allocations.import_statement("sub_account,total_assets\nS-1,1\n", by="risk-1")

    assert report.applied == 0
    assert "trade_date" in str(report.errors[0])


# -- at the same time


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_two_fee_jobs_at_once_charge_each_day_once(app: App, clock: ManualClock) -> None:
    allocation = running(app, term=5)
    move_to(clock, date(2026, 1, 9))

    _, errors = at_once(4, lambda _: app.allocations.charge_fees(date(2026, 1, 9)))

    assert errors == []
    charged = current(app, allocation)
    assert (charged.periods_charged, charged.fees_paid) == (5, 5 * charged.fee_per_period)


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_a_fee_job_and_a_settlement_at_once_charge_each_day_once(app: App, clock: ManualClock) -> None:
    allocation = running(app, term=5)
    move_to(clock, date(2026, 1, 9))
    waiting = app.allocations.settle(allocation.id, final_assets=6_000_000, by="risk-1")
    assert isinstance(waiting, ApprovalRequest)
    jobs = [
        lambda: app.allocations.charge_fees(date(2026, 1, 9)),
        lambda: app.approvals.approve(waiting.id, by="root"),
    ]

    _, errors = at_once(2, lambda i: jobs[i]())

    assert errors == []
    settled = current(app, allocation)
    assert settled.status is Status.SETTLED
    assert (settled.periods_charged, settled.fees_paid) == (5, 5 * settled.fee_per_period)
    assert_books_hold(app)


def test_a_statement_from_a_spreadsheet_with_a_byte_order_mark_is_read(app: App) -> None:
    running(app, sub_account="S-1")

    report = app.allocations.import_statement(
        "\ufeff" + HEADER + row("S-1", "2026-01-05", "58000.00"), by="risk-1"
    )

    assert (report.ok, report.applied) == (True, 1)


def test_a_mistyped_year_in_a_statement_is_a_bad_row_not_a_failure(app: App) -> None:
    running(app, sub_account="S-1")

    report = app.allocations.import_statement(HEADER + row("S-1", "2031-03-03", "58000.00"), by="risk-1")

    assert [(e.line, "2031" in e.reason) for e in report.errors] == [(2, True)]


def test_a_statement_the_csv_reader_cannot_read_is_reported_not_raised(app: App) -> None:
    running(app, sub_account="S-1")

    report = app.allocations.import_statement(HEADER + 'S-1,"2026-01-05' + "x" * 200_000 + "\n", by="risk-1")

    assert report.applied == 0
    assert "unreadable CSV" in str(report.errors[-1])
