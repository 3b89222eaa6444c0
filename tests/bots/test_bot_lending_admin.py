"""Administrators' loan queues in the bot: a rejection with its reason, a refusal at the full review that
releases every investment, a decision that takes the card's buttons off, an empty queue, and a decision
outside the administrator's role refused."""

from __future__ import annotations

import pytest
from bot_harness import BotHarness, TelegramUser, as_admin, button_data, play
from lending_bot_world import PNG, REVIEWER_1, RISK, the_platform

from p2pstock.adapters.clock import ManualClock
from p2pstock.bootstrap import App
from p2pstock.core.lending.loans import InvestmentStatus, Loan, LoanStatus


@pytest.fixture(autouse=True)
def platform(app: App, clock: ManualClock) -> None:
    """The lending world of the bot's tests, with a super administrator (who lists loans) besides."""
    the_platform(app, clock)
    app.staff.enrol_by_operator("root", ["super_admin"])


def applied(app: App) -> Loan:
    document = app.customers.upload_document("bella", "house_certificate", PNG)
    app.kyc.accept_document(document.id, by="reviewer-2")
    return app.lending.apply(
        "bella",
        product="personal",
        amount=500_000,
        months=6,
        rate_bp=1_200,
        method="bullet",
        purpose="shop",
        documents=[document.id],
        bidding_days=3,
    )


def full(app: App) -> Loan:
    loan = applied(app)
    app.lending.first_review(loan.id, by="reviewer-2")
    app.lending.final_review(loan.id, by="root")
    app.lending.invest(loan.id, investor_id="ivan", amount=300_000)
    app.lending.invest(loan.id, investor_id="iris", amount=200_000)
    return app.lending.get(loan.id)


def test_a_reviewer_rejects_an_application_with_a_reason_the_borrower_is_told(app: App) -> None:
    loan = applied(app)

    async def scenario(bot: BotHarness, bella: TelegramUser) -> None:
        reviewer = as_admin(bot, REVIEWER_1)
        await bot.send(reviewer.command("/admin"))
        await bot.send(reviewer.presses("a:menu:loans"))
        await bot.send(reviewer.presses("a:ln_q:applied"))
        assert f"a:ln_no:{loan.id}" in button_data(bot.request.of("sendMessage")[-1])
        await bot.send(reviewer.presses(f"a:ln_no:{loan.id}"))
        await bot.send(reviewer.says("no proof of income"))

    bot = play(app, scenario)
    rejected = app.lending.get(loan.id)
    assert (rejected.status, rejected.reason) == (LoanStatus.REJECTED, "no proof of income")
    assert bot.request.last_text() == f"Loan {loan.id} was turned down: no proof of income"
    told = [n.text for n in app.office.read(lambda tx: tx.uow.outbox.of_recipient("1001", 20))]
    assert f"Your loan application {loan.id} was rejected: no proof of income." in told


def test_a_refusal_at_the_full_review_releases_every_investment(app: App) -> None:
    loan = full(app)

    async def scenario(bot: BotHarness, bella: TelegramUser) -> None:
        risk = as_admin(bot, RISK)
        await bot.send(risk.command("/admin"))
        await bot.send(risk.presses("a:menu:loans"))
        await bot.send(risk.presses("a:ln_q:full"))
        await bot.send(risk.presses(f"a:ln_ref:{loan.id}"))
        await bot.send(risk.says("the borrower's income fell"))

    play(app, scenario)
    assert app.lending.get(loan.id).status is LoanStatus.REFUSED
    assert {i.status for i in app.lending.investments(loan.id)} == {InvestmentStatus.RELEASED}
    assert app.wallets.balance("ivan").frozen.minor == 0 and app.wallets.balance("iris").frozen.minor == 0


def test_an_empty_queue_says_so_and_a_reviewer_cannot_disburse(app: App) -> None:
    loan = full(app)

    async def scenario(bot: BotHarness, bella: TelegramUser) -> None:
        reviewer = as_admin(bot, REVIEWER_1)
        await bot.send(reviewer.presses("a:ln_q:reviewed"))
        assert bot.request.last_text() == "Nothing waits here."
        await bot.send(reviewer.presses(f"a:ln_full:{loan.id}"))
        assert bot.request.last_text() == "Sorry, you are not allowed to do that."
        await bot.send(reviewer.presses("a:ln_q:everything"))

    play(app, scenario)
    assert app.lending.get(loan.id).status is LoanStatus.FULL


def test_a_first_review_passed_from_the_queue_takes_the_cards_buttons_off_and_says_so(app: App) -> None:
    loan = applied(app)

    async def scenario(bot: BotHarness, bella: TelegramUser) -> None:
        reviewer = as_admin(bot, REVIEWER_1)
        await bot.send(reviewer.presses("a:ln_q:applied"))
        await bot.send(reviewer.presses(f"a:ln_first:{loan.id}"))

    bot = play(app, scenario)
    assert app.lending.get(loan.id).status is LoanStatus.FIRST_REVIEWED
    assert bot.request.of("editMessageReplyMarkup")[-1].get("reply_markup") is None
    assert bot.request.last_text() == f"Loan {loan.id} passed its first review."
