"""/holdings: an investor reads their lending this month so far — the monthly summary's lines, in their
language — and switches the monthly summary off and on again by typed command."""

from __future__ import annotations

from datetime import UTC, datetime

from bot_harness import BotHarness, TelegramUser, button_data, play
from lending_bot_world import IRIS, IVAN, the_platform

from p2pstock.adapters.clock import ManualClock
from p2pstock.bootstrap import App
from p2pstock.core.lending.loans import Loan
from p2pstock.core.lending.monthly_summary import MonthlySummaries
from p2pstock.core.lending.schedules import Method
from sample_documents import png


def repaying(app: App, clock: ManualClock) -> Loan:
    """Bella's ¥5,000 at 12 % over 12 months, held 3:2 by Ivan and Iris since 2 March; its first installment
    (¥444.00: interest ¥50.00, principal ¥394.00) repaid on 2 April. The clock stops on 20 April."""
    document = app.customers.upload_document("bella", "house_certificate", png("house certificate"))
    app.kyc.accept_document(document.id, by="reviewer-1")
    terms = {"amount": 500_000, "months": 12, "rate_bp": 1_200, "method": Method.EQUAL_INSTALLMENTS}
    loan = app.lending.apply(
        "bella", product="personal", purpose="shop", documents=[document.id], bidding_days=3, **terms
    )
    app.lending.first_review(loan.id, by="reviewer-1")
    app.lending.final_review(loan.id, by="reviewer-2")
    app.lending.invest(loan.id, investor_id="ivan", amount=300_000)
    app.lending.invest(loan.id, investor_id="iris", amount=200_000)
    app.lending.approve_full(loan.id, by="risk-1")
    clock.set(datetime(2026, 4, 2, 1, tzinfo=UTC))
    app.lending.repay(loan.id, customer_id="bella", request_id="first")
    clock.set(datetime(2026, 4, 20, 1, tzinfo=UTC))
    return loan


def test_an_investor_reads_this_month_so_far_and_whether_the_summary_is_on(
    app: App, clock: ManualClock
) -> None:
    the_platform(app, clock)
    loan = repaying(app, clock)

    async def scenario(bot: BotHarness, _: TelegramUser) -> None:
        await bot.send(bot.user(IVAN, language_code="en").command("/holdings"))

    bot = play(app, scenario)
    # Ivan's three fifths: principal 236.40, interest 30.00 less the platform's tenth; on 2 May 238.76 of
    # principal and 24.88 of interest (46.06, a tenth off, split by the largest remainders)
    assert bot.request.last_text().splitlines() == [
        "📈 Your lending this month so far:",
        "2026-04-01 to 2026-04-20: ¥263.40 received in all (principal ¥236.40, interest ¥27.00, penalty "
        "interest ¥0.00; after the platform's fee of ¥3.00); principal outstanding on 2026-04-20: ¥2,763.60; "
        "expected in 2026-05: ¥263.64",
        f"loan {loan.id}: ¥3,000.00 invested, ¥263.40 received (principal ¥236.40, interest ¥27.00, penalty "
        "interest ¥0.00; after the platform's fee of ¥3.00), principal outstanding ¥2,763.60, next ¥263.64 "
        "due 2026-05-02",
        "",
        "Monthly lending summary: on. Early each month you get last month's summary (what you received, what "
        "is outstanding, what comes next). Send /holdings_off to switch it off.",
    ]
    assert bot.errors == []


def test_the_monthly_summary_is_switched_off_and_on_by_typed_commands(app: App, clock: ManualClock) -> None:
    the_platform(app, clock)
    repaying(app, clock)
    answers = []

    async def scenario(bot: BotHarness, _: TelegramUser) -> None:
        iris = bot.user(IRIS, language_code="en")
        for command in ("/holdings_off", "/holdings_on", "/holdings_off"):
            await bot.send(iris.command(command))
            answers.append(bot.request.last_text().split(".")[0])

    play(app, scenario)
    assert answers == [f"Monthly lending summary: {state}" for state in ("off", "on", "off")]
    assert not MonthlySummaries(app.lending.desk).wanted("iris")


def test_a_customer_without_holdings_is_told_so_in_their_language(app: App, clock: ManualClock) -> None:
    the_platform(app, clock)

    async def scenario(bot: BotHarness, _: TelegramUser) -> None:
        newcomer = bot.user(3001, language_code="zh-hans")
        await bot.send(newcomer.command("/start"))
        await bot.send(newcomer.command("/holdings"))

    bot = play(app, scenario)
    assert bot.request.last_text().splitlines()[0] == "本月您没有出借中的投资。"


def test_the_button_under_holdings_switches_the_summary_in_place(app: App, clock: ManualClock) -> None:
    the_platform(app, clock)
    repaying(app, clock)

    async def scenario(bot: BotHarness, _: TelegramUser) -> None:
        iris = bot.user(IRIS, language_code="en")
        await bot.send(iris.command("/holdings"))
        assert button_data(bot.request.of("sendMessage")[-1]) == ["m:holdings_off"]
        await bot.send(iris.presses("m:holdings_off"))
        [edited] = bot.request.of("editMessageText")
        assert str(edited["text"]).startswith("Monthly lending summary: off")
        assert button_data(edited) == ["m:holdings_on"]

    play(app, scenario)
    assert not MonthlySummaries(app.lending.desk).wanted("iris")
