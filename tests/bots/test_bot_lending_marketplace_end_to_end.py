"""The lending marketplace through the bot, in Chinese: Ivan keeps an auto-invest rule, a loan is listed and
his rule takes part of it, Olga fills the rest by hand after accepting the risk disclosure, the loan is
disbursed, Ivan sells half his holding from /loans and Pavel buys it in the transfer hall, Bella's first
installment is advanced by the guarantee when she is late and recovered when she pays from /loans. The
reserve ends with what it advanced given back, the holders with their shares, and nobody read English."""

from __future__ import annotations

from datetime import UTC, datetime

import attrs
from bot_harness import BotHarness, TelegramUser, button_data, play
from lending_bot_world import IVAN, PRODUCT, a_customer, confirm_button, the_platform
from test_bot_lending_customer import last_message, listed

from p2pstock.adapters.clock import ManualClock
from p2pstock.bootstrap import App
from p2pstock.core.ledger import chart
from p2pstock.core.lending.loans import LoanStatus
from p2pstock.core.lending.products import share_of
from p2pstock.core.money import Money
from p2pstock.jobs import run_jobs

OLGA, PAVEL = 2003, 2006
MARKET = attrs.evolve(
    PRODUCT,
    auto_share_bp=4_000,
    guarantee_days=3,
    reserve_fee_bp=2_000,
    transfer_fee_bp=10,
    transfer_fee_cap_bp=100,
    transfer_price_bp=500,
)


def at(day: int, month: int) -> datetime:
    return datetime(2026, month, day, 2, tzinfo=UTC)  # 10:00 in Shanghai


def test_auto_invest_a_sale_and_an_advance_recovered_through_the_bot(app: App, clock: ManualClock) -> None:
    the_platform(app, clock)
    app.loan_products.define(MARKET, by="root")
    app.customers.set_language("ivan", "zh")
    app.customers.set_language("bella", "zh")
    a_customer(app, "olga", OLGA, wallet=1_000_000, accepted=False, language="zh")
    a_customer(app, "pavel", PAVEL, wallet=1_000_000, language="zh")
    app.guarantee.fund_reserve("personal", 1_000_000, reference="seed", by="root")
    seen: dict[str, object] = {}

    async def scenario(bot: BotHarness, bella: TelegramUser) -> None:
        ivan, olga, pavel = (bot.user(u, language_code="zh") for u in (IVAN, OLGA, PAVEL))
        await bot.send(ivan.command("/autoinvest"))
        await bot.send(ivan.presses("ln:auto:ask.amount"))
        await bot.send(ivan.says("3,000"))  # more than the product lets auto-invest take
        loan = listed(app, months=2)
        seen["loan"] = loan.id
        await bot.send(olga.presses(f"ln:inv:{loan.id}"))
        await bot.send(olga.presses(f"ln:ack:{loan.id}"))
        await bot.send(olga.says("3,000"))
        await bot.send(olga.presses(confirm_button(bot)))
        app.lending.approve_full(loan.id, by="risk-1")

        clock.set(at(17, 3))
        [holding] = [i for i in app.lending.investments(loan.id) if i.investor_id == "ivan"]
        await bot.send(ivan.command("/loans"))
        await bot.send(ivan.presses(f"ln:tsell:{holding.id}"))
        await bot.send(ivan.says("1,000"))
        await bot.send(ivan.says("0"))
        await bot.send(ivan.presses(confirm_button(bot), message_id=601))
        [sale] = app.debt_market.listings_of("ivan")
        await bot.send(pavel.command("/transfers"))
        await bot.send(pavel.presses(f"ln:tbuy:{sale.listing.id}"))
        await bot.send(pavel.says("1,000"))
        await bot.send(pavel.presses(confirm_button(bot), message_id=701))

        clock.set(at(2, 4))  # the due date: Bella's wallet is frozen by a withdrawal she asked for
        held = app.wallets.request_withdrawal(
            "bella", request_id="out", amount=app.wallets.balance("bella").available
        )
        clock.set(at(6, 4))
        seen["advanced"] = run_jobs(app, deliver=False).installments_advanced
        app.wallets.reject_withdrawal(held.id, by="finance-1", reason="she repays with it")
        await bot.send(bella.command("/loans"))
        await bot.send(bella.presses(f"ln:loan:{loan.id}"))
        await bot.send(bella.presses(f"ln:pay:{loan.id}"))
        seen["asked"] = str(last_message(bot)["text"])
        await bot.send(bella.presses(confirm_button(bot)))
        seen["buttons"] = button_data(last_message(bot))

    play(app, scenario)
    loan = app.lending.get(str(seen["loan"]))
    held = {i.investor_id: i for i in app.lending.investments(loan.id)}
    assert (held["ivan"].amount, held["ivan"].auto, held["ivan"].sold) == (200_000, True, 100_000)
    assert (held["olga"].amount, held["pavel"].amount, held["pavel"].bought) == (300_000, 100_000, True)
    assert seen["advanced"] == 1
    [first, second] = app.lending.installments(loan.id)
    assert first.advanced == first.principal + first.interest and first.settled_at is not None
    assert first.recovered == first.advanced + first.paid_penalty and first.paid_penalty > 0
    assert second.settled_at is None and loan.status is LoanStatus.REPAYING
    received = {who: (i.principal_received, i.outstanding) for who, i in held.items()}
    principal = first.principal
    assert sum(p for p, _ in received.values()) == principal
    assert {who: left for who, (_, left) in received.items()} == {
        "ivan": 100_000 - received["ivan"][0],
        "olga": 300_000 - received["olga"][0],
        "pavel": 100_000 - received["pavel"][0],
    }
    listing_fee = share_of(500_000, MARKET.listing_fee_bp)
    interest_fee = share_of(first.interest, MARKET.interest_fee_bp)
    fees = share_of(listing_fee, MARKET.reserve_fee_bp) + share_of(interest_fee, MARKET.reserve_fee_bp)
    [figures] = [f for f in app.guarantee.figures(by="root") if f.product == "personal"]
    account = app.ledger.account(chart.guarantee_reserve_id("personal")).balances
    assert figures.balance == account.credits_posted - account.debits_posted
    assert figures.balance == 1_000_000 + fees + first.paid_penalty
    assert (figures.advanced, figures.recovered, figures.outstanding) == (first.advanced, first.recovered, 0)
    assert str(Money(first.principal + first.interest + first.paid_penalty)) in str(seen["asked"])
    assert loan.contract_hash and all(p.contract_hash for p in app.debt_market.purchases(sale_id(app)))
    assert app.ledger.audit().ok and app.ledger.trial_balance().balanced


def sale_id(app: App) -> str:
    [sale] = app.debt_market.listings_of("ivan")
    return sale.listing.id
