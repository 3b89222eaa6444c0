"""The guarantee reserves and write-offs in the bot, in Chinese and in English: a write-off asked from the
card of a loan past M3 with its reason, approved by a second risk officer who reads what it does in the
approvals queue; the borrower and an investor then see it written off; each product's reserve shown to the
administrators and funded by finance."""

from __future__ import annotations

from datetime import UTC, datetime

import attrs
import pytest
from bot_harness import BotHarness, TelegramUser, as_admin, button_data, play, sent_since
from lending_bot_world import IVAN, PNG, PRODUCT, RISK, the_platform

from p2pstock.adapters.clock import ManualClock
from p2pstock.bootstrap import App
from p2pstock.bots.telegram.lending_guarantee import figures_line
from p2pstock.bots.telegram.texts import text
from p2pstock.core.ledger import chart
from p2pstock.core.lending.loans import InvestmentStatus, Loan, LoanStatus
from p2pstock.core.money import Money

RISK_2, FINANCE, SUPPORT = 7104, 7201, 7301
LANGUAGES = pytest.mark.parametrize("lang", ["zh", "en"])


@pytest.fixture(autouse=True)
def platform(app: App, clock: ManualClock) -> None:
    """The lending world of the bot's tests, a second risk officer, finance and support on Telegram."""
    the_platform(app, clock)
    app.staff.enrol_by_operator("root", ["super_admin"])
    for admin_id, role, telegram in [
        ("risk-2", "risk_officer", RISK_2),
        ("finance-1", "finance", FINANCE),
        ("support-1", "support", SUPPORT),
    ]:
        app.staff.enrol_by_operator(admin_id, [role], telegram_user_id=telegram)


def disbursed(app: App, lang: str) -> Loan:
    """¥5,000 over six months, lent by Ivan (three fifths) and Iris; the first installment due 2026-04-02;
    its purpose in ``lang`` (the administrators read it on its card)."""
    document = app.customers.upload_document("bella", "house_certificate", PNG)
    app.kyc.accept_document(document.id, by="reviewer-2")
    loan = app.lending.apply(
        "bella",
        product="personal",
        amount=500_000,
        months=6,
        rate_bp=1_200,
        method="equal_installments",
        purpose="店铺装修" if lang == "zh" else "shop",
        documents=[document.id],
        bidding_days=3,
    )
    app.lending.first_review(loan.id, by="reviewer-2")
    app.lending.final_review(loan.id, by="root")
    app.lending.invest(loan.id, investor_id="ivan", amount=300_000)
    app.lending.invest(loan.id, investor_id="iris", amount=200_000)
    return app.lending.approve_full(loan.id, by="risk-1")


def last_sent(bot: BotHarness) -> dict[str, object]:
    return [p for name, p in bot.request.calls if name == "sendMessage"][-1]


@LANGUAGES
def test_a_write_off_asked_from_the_loan_card_is_carried_out_once_a_second_risk_officer_approves(
    app: App, clock: ManualClock, lang: str
) -> None:
    loan = disbursed(app, lang)
    clock.set(datetime(2026, 7, 2, 2, tzinfo=UTC))  # 91 days after the first installment fell due
    reason = "借款人失联三个月" if lang == "zh" else "borrower unreachable for three months"

    async def scenario(bot: BotHarness, bella: TelegramUser) -> None:
        maker, checker = as_admin(bot, RISK, lang), as_admin(bot, RISK_2, lang)
        await bot.send(maker.command("/admin"))
        await bot.send(maker.presses("a:menu:loans"))
        await bot.send(maker.presses("a:ln_q:repaying"))
        assert button_data(last_sent(bot)) == [f"a:ln_wo:{loan.id}"]
        await bot.send(maker.presses(f"a:ln_wo:{loan.id}"))
        assert bot.request.last_text() == text("admin.write_off.ask_reason", lang)
        await bot.send(maker.says(reason))
        [waiting] = app.approvals.pending(by="risk-2")
        said = text("admin.write_off.waiting", lang, id=loan.id, approval=waiting.id)
        assert bot.request.last_text() == said
        assert app.lending.get(loan.id).status is LoanStatus.REPAYING

        mark = bot.request.mark()
        await bot.send(checker.presses("a:menu:approvals"))
        [card] = [str(p["text"]) for p in sent_since(bot, mark) if waiting.id in str(p["text"])]
        then = {"paid_out": Money(0), "investors": 2, "lost": Money(500_000), "reserve": Money(0)}
        assert card.endswith(text("admin.approval.then.loan.write_off", lang, days=91, reason=reason, **then))
        await bot.send(checker.presses(f"a:ap_ok:{waiting.id}"))

        await bot.send(bella.presses(f"ln:loan:{loan.id}"))
        assert bot.request.last_text().endswith(text("loan.own.written_off", "en", owed=Money(500_000)))
        ivan = bot.user(IVAN, language_code="en")
        await bot.send(ivan.command("/loans"))
        assert (
            text(
                "loan.mine.written_off",
                "en",
                id=loan.id,
                amount=Money(300_000),
                received=Money(0),
                lost=Money(300_000),
            )
            in bot.request.last_text()
        )

    play(app, scenario)
    assert (app.lending.get(loan.id).status, app.lending.get(loan.id).reason) == (
        LoanStatus.WRITTEN_OFF,
        reason,
    )
    assert {i.status for i in app.lending.investments(loan.id)} == {InvestmentStatus.WRITTEN_OFF}


@LANGUAGES
def test_a_write_off_before_m3_is_refused_in_the_readers_language(
    app: App, clock: ManualClock, lang: str
) -> None:
    loan = disbursed(app, lang)
    clock.set(datetime(2026, 5, 2, 2, tzinfo=UTC))  # 30 days overdue

    async def scenario(bot: BotHarness, bella: TelegramUser) -> None:
        maker = as_admin(bot, RISK, lang)
        await bot.send(maker.presses(f"a:ln_wo:{loan.id}"))
        await bot.send(maker.says("too slow"))
        refusal = text("refusal.write_off_too_early", lang, loan=loan.id, days=30, most=90)
        assert refusal in bot.request.last_text()

    play(app, scenario)
    assert app.lending.get(loan.id).status is LoanStatus.REPAYING


@LANGUAGES
def test_finance_reads_each_reserve_and_funds_one_support_only_reads(
    app: App, clock: ManualClock, lang: str
) -> None:
    app.loan_products.define(attrs.evolve(PRODUCT, guarantee_days=3, reserve_fee_bp=2_000), by="root")
    disbursed(app, lang)  # a fifth of its ¥100.00 listing fee funds the reserve

    async def scenario(bot: BotHarness, bella: TelegramUser) -> None:
        finance, support = as_admin(bot, FINANCE, lang), as_admin(bot, SUPPORT, lang)
        await bot.send(finance.command("/admin"))
        assert "a:menu:reserve" in button_data(last_sent(bot))
        await bot.send(finance.presses("a:menu:reserve"))
        shown = last_sent(bot)
        [listed] = app.guarantee.figures(by="finance-1")
        assert str(shown["text"]).splitlines() == [
            text("admin.reserve.title", lang),
            figures_line(listed, lang),
        ]
        assert (listed.balance, listed.guarantee_days) == (2_000, 3)
        assert button_data(shown) == ["a:rs_fund:personal"]
        await bot.send(finance.presses("a:rs_fund:personal"))
        await bot.send(finance.says("10,000 2026-04-reserve"))
        said = text(
            "admin.reserve.confirm",
            lang,
            product="personal",
            amount=Money(1_000_000),
            reference="2026-04-reserve",
        )
        assert bot.request.last_text() == said
        [ok] = button_data(last_sent(bot))
        await bot.send(finance.presses(ok))
        await bot.send(finance.presses(ok))  # a double tap
        done = text("admin.reserve.done", lang, product="personal", balance=Money(1_002_000))
        assert done in bot.request.texts()
        await bot.send(support.presses("a:menu:reserve"))
        assert button_data(last_sent(bot)) == []
        assert "¥10,020.00" in str(last_sent(bot)["text"])

    play(app, scenario)
    reserve = app.ledger.account(chart.guarantee_reserve_id("personal")).balances
    assert reserve.credits_posted - reserve.debits_posted == 1_002_000
