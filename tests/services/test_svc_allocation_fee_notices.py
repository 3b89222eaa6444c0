"""Customers told of the fees the job charges: one digest per customer and run, a line per period charged,
saying what the wallet and the risk fund paid and what is left unpaid, in the customer's language, by the
bot only (a daily fee is not worth a text message)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from allocation_world import (
    DAILY_FEE,
    DEPOSIT,
    RISK_FUND,
    assert_books_hold,
    credit,
    move_to,
    open_platform,
    running,
    running_for,
    verified_customer,
)

from p2pstock.adapters.clock import ManualClock
from p2pstock.bootstrap import App
from p2pstock.core.notifications import Channel, Notification
from p2pstock.core.papers import ALLOCATION_RISK
from p2pstock.core.people.customers import Customer, KycStatus

CHEN_CHAT = 7002


@pytest.fixture(autouse=True)
def platform(app: App) -> Iterator[None]:
    open_platform(app)
    verified_customer(app, wallet=5_000_000)  # alice: the bot (chat 7001), English
    yield
    assert_books_hold(app)


def chen(app: App, *, wallet: int) -> None:
    """A verified customer who uses the bot in Chinese."""
    customer = Customer(
        "chen", telegram_user_id=CHEN_CHAT, language="zh", phone="+8613700137000", status=KycStatus.VERIFIED
    )
    app.office.run(lambda tx: tx.uow.customers.add(customer))
    app.papers.acknowledge(customer.id, ALLOCATION_RISK)
    app.wallets.open("chen")
    credit(app, "chen", wallet, "chen-start")


FEE_DIGESTS = ("Allocation fees charged", "配资管理费扣缴")


def fee_news(app: App, recipient: str) -> list[Notification]:
    """The fee digests queued for ``recipient``, oldest first."""
    found = app.office.read(lambda tx: tx.uow.outbox.of_recipient(recipient, 50))
    return sorted((n for n in found if n.text.startswith(FEE_DIGESTS)), key=lambda n: (n.created_at, n.id))


def test_a_fee_taken_from_the_wallet_is_told_with_its_period_and_amount(app: App) -> None:
    allocation = running(app, term=5)

    app.allocations.charge_fees(date(2026, 1, 5))

    [news] = fee_news(app, "7001")
    assert news.channel is Channel.TELEGRAM
    assert news.text == (
        f"Allocation fees charged: 1\nallocation {allocation.id}, period 1: fee ¥30.00 taken from your wallet"
    )


def test_every_period_of_a_run_is_one_line_of_one_message(app: App, clock: ManualClock) -> None:
    first = running(app, term=5)
    second = running_for(app, "alice", "HOMS-002", term=5)

    move_to(clock, date(2026, 1, 6))
    app.allocations.charge_fees(date(2026, 1, 6))  # two days of two allocations

    [news] = fee_news(app, "7001")
    header, *lines = news.text.split("\n")
    assert header == "Allocation fees charged: 4"
    assert sorted(lines) == sorted(
        f"allocation {a.id}, period {p}: fee ¥30.00 taken from your wallet"
        for a in (first, second)
        for p in (1, 2)
    )


def test_the_wallet_and_the_risk_fund_sharing_a_fee_and_what_is_left_unpaid_are_told_in_chinese(
    app: App, clock: ManualClock
) -> None:
    chen(app, wallet=DEPOSIT + RISK_FUND + DAILY_FEE // 2)
    allocation = running_for(app, "chen", "C-1", term=10)

    app.allocations.charge_fees(date(2026, 1, 5))  # half from the wallet, half from the risk fund
    move_to(clock, date(2026, 1, 16))
    app.allocations.charge_fees(date(2026, 1, 16))  # the risk fund runs out: the rest stays unpaid

    first, late = fee_news(app, str(CHEN_CHAT))
    assert first.text == (
        "配资管理费扣缴 1 笔：\n"
        f"配资 {allocation.id} 第 1 期管理费 ¥30.00：钱包扣缴 ¥15.00，风险保证金扣缴 ¥15.00，尚欠 ¥0.00"
    )
    lines = late.text.split("\n")[1:]
    assert len(lines) == 9  # periods 2 to 10
    unpaid = "¥35.00"  # ¥300 of fees: ¥15 from the wallet and ¥250 from the risk fund paid
    assert (
        lines[-1]
        == f"配资 {allocation.id} 第 10 期管理费 ¥30.00：钱包扣缴 ¥0.00，风险保证金扣缴 ¥0.00，尚欠 {unpaid}"
    )
    assert not any(c.isascii() and c.isalpha() for line in lines for c in line.replace(allocation.id, ""))


def test_arrears_collected_later_are_told_as_arrears(app: App, clock: ManualClock) -> None:
    chen(app, wallet=DEPOSIT + RISK_FUND)
    allocation = running_for(app, "chen", "C-1", term=10)
    move_to(clock, date(2026, 1, 16))
    app.allocations.charge_fees(date(2026, 1, 16))  # ten days: ¥250 from the risk fund, ¥50 unpaid
    told_before = len(fee_news(app, str(CHEN_CHAT)))

    credit(app, "chen", 100_000, "chen-again")
    move_to(clock, date(2026, 1, 19))
    app.allocations.charge_fees(date(2026, 1, 19))

    [news] = fee_news(app, str(CHEN_CHAT))[told_before:]
    assert news.text.split("\n")[1:] == [
        f"配资 {allocation.id} 补缴欠费：钱包扣缴 ¥50.00，风险保证金扣缴 ¥0.00，尚欠 ¥0.00"
    ]


def test_arrears_collected_on_a_prepaid_day_are_told_as_arrears_not_as_that_day_s_fee(
    app: App, clock: ManualClock
) -> None:
    chen(app, wallet=DEPOSIT + RISK_FUND)
    allocation = running_for(app, "chen", "C-1", term=10)
    move_to(clock, date(2026, 1, 16))
    app.allocations.charge_fees(date(2026, 1, 16))  # ten days: ¥50 unpaid
    credit(app, "chen", DAILY_FEE + 10 * DAILY_FEE - RISK_FUND, "chen-more")
    request = app.allocations.ask(allocation.id, "extension", customer_id="chen", periods=1)
    app.allocations.decide(request.id, by="reviewer-1", approve=True)  # one prepaid period
    told_before = len(fee_news(app, str(CHEN_CHAT)))

    move_to(clock, date(2026, 1, 19))
    app.allocations.charge_fees(date(2026, 1, 19))

    [news] = fee_news(app, str(CHEN_CHAT))[told_before:]
    assert news.text.split("\n")[1:] == [
        f"配资 {allocation.id} 补缴欠费：钱包扣缴 ¥50.00，风险保证金扣缴 ¥0.00，尚欠 ¥0.00"
    ]


def test_a_period_that_also_collects_arrears_names_its_own_fee_beside_what_was_taken(
    app: App, clock: ManualClock
) -> None:
    chen(app, wallet=DEPOSIT + RISK_FUND)
    allocation = running_for(app, "chen", "C-1", term=20)
    move_to(clock, date(2026, 1, 16))
    app.allocations.charge_fees(date(2026, 1, 16))  # ten days: ¥250 from the risk fund, ¥50 unpaid
    told_before = len(fee_news(app, str(CHEN_CHAT)))
    credit(app, "chen", 100_000, "chen-again")

    move_to(clock, date(2026, 1, 19))
    app.allocations.charge_fees(date(2026, 1, 19))  # period 11 and the ¥50 of arrears

    [news] = fee_news(app, str(CHEN_CHAT))[told_before:]
    assert news.text.split("\n")[1:] == [
        f"配资 {allocation.id} 第 11 期管理费 ¥30.00：钱包扣缴 ¥80.00，风险保证金扣缴 ¥0.00，尚欠 ¥0.00"
    ]


def test_arrears_still_waiting_after_the_term_are_not_told_every_day(app: App, clock: ManualClock) -> None:
    chen(app, wallet=DEPOSIT + RISK_FUND)
    running_for(app, "chen", "C-1", term=10)
    move_to(clock, date(2026, 1, 16))
    app.allocations.charge_fees(date(2026, 1, 16))  # the term charged, ¥50 unpaid, nothing left to take
    told_before = len(fee_news(app, str(CHEN_CHAT)))

    for day in (19, 20, 21):
        move_to(clock, date(2026, 1, day))
        app.allocations.charge_fees(date(2026, 1, day))

    assert fee_news(app, str(CHEN_CHAT))[told_before:] == []


def test_a_customer_without_the_bot_gets_no_text_message_for_a_fee(app: App) -> None:
    verified_customer(app, "bob", wallet=DEPOSIT + RISK_FUND + DAILY_FEE)  # a phone, no bot
    running_for(app, "bob", "B-1")

    assert app.allocations.charge_fees(date(2026, 1, 5)) == 1

    assert fee_news(app, "+8613900139000") == []


def test_charging_a_day_again_tells_nothing_again(app: App) -> None:
    running(app, term=5)
    app.allocations.charge_fees(date(2026, 1, 5))

    app.allocations.charge_fees(date(2026, 1, 5))

    assert len(fee_news(app, "7001")) == 1
