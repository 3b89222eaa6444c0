"""One loan from the application to its last repayment, every step taken in the real bot: the borrower
uploads a house certificate and applies, two reviewers review it, two investors invest from the
financing hall, the risk officer approves the full loan, and the borrower repays both installments."""

from __future__ import annotations

from datetime import UTC, datetime

from bot_harness import BotHarness, TelegramUser, as_admin, button_data, play
from lending_bot_world import (
    BORROWER,
    IRIS,
    IVAN,
    PNG,
    REVIEWER_1,
    REVIEWER_2,
    RISK,
    confirm_button,
    the_platform,
)

from p2pstock.adapters.clock import ManualClock
from p2pstock.bootstrap import App
from p2pstock.core.ledger import chart
from p2pstock.core.lending.loans import LoanStatus


def last_buttons(bot: BotHarness, prefix: str) -> list[str]:
    last = [p for name, p in bot.request.calls if name in ("sendMessage", "editMessageText", "sendPhoto")][-1]
    return [data for data in button_data(last) if data.startswith(prefix)]


async def invest(bot: BotHarness, investor: TelegramUser, loan_id: str, amount: str) -> None:
    await bot.send(investor.command("/hall"))
    await bot.send(investor.presses(f"ln:show:{loan_id}"))
    await bot.send(investor.presses(f"ln:inv:{loan_id}"))
    await bot.send(investor.says(amount))
    await bot.send(investor.presses(confirm_button(bot)))


async def repay(bot: BotHarness, borrower: TelegramUser, loan_id: str, message_id: int) -> None:
    await bot.send(borrower.command("/loans"))
    await bot.send(borrower.presses(f"ln:loan:{loan_id}"))
    await bot.send(borrower.presses(f"ln:pay:{loan_id}", message_id=message_id))
    await bot.send(borrower.presses(confirm_button(bot), message_id=message_id + 1))


def test_a_loan_from_application_to_the_last_repayment_in_the_bot(app: App, clock: ManualClock) -> None:
    the_platform(app, clock)
    found: dict[str, str] = {}

    async def scenario(bot: BotHarness, bella: TelegramUser) -> None:
        ivan, iris = bot.user(IVAN, language_code="en"), bot.user(IRIS, language_code="en")
        first, second, risk = (as_admin(bot, who) for who in (REVIEWER_1, REVIEWER_2, RISK))
        # the borrower uploads a house certificate, which a reviewer accepts from the documents queue
        bot.request.files["house"] = PNG
        await bot.send(bella.command("/documents"))
        await bot.send(bella.presses("doc:house_certificate"))
        await bot.send(bella.sends_photo("house", len(PNG)))
        await bot.send(first.command("/admin"))
        await bot.send(first.presses("a:menu:documents"))
        [accept] = [d for name, p in bot.request.calls for d in button_data(p) if d.startswith("a:doc_ok:")][
            -1:
        ]
        await bot.send(first.presses(accept))
        # the borrower applies: ¥5,000 over two months at 12 %, equal installments
        await bot.send(bella.command("/borrow"))
        await bot.send(bella.presses("ln:prod:personal"))
        await bot.send(bella.presses("ln:meth:equal_installments:personal"))
        await bot.send(bella.says("5000 2 12 shop renovation"))
        await bot.send(bella.presses(confirm_button(bot)))
        [loan] = app.lending.loans_of("bella")
        lid = found["id"] = loan.id
        # two reviewers: the first review, then the listing
        await bot.send(first.presses("a:menu:loans"))
        await bot.send(first.presses("a:ln_q:applied"))
        await bot.send(first.presses(f"a:ln_first:{lid}"))
        await bot.send(second.presses("a:ln_q:reviewed"))
        await bot.send(second.presses(f"a:ln_final:{lid}"))
        assert app.lending.get(lid).status is LoanStatus.LISTED
        # two investors fill it from the financing hall
        await invest(bot, ivan, lid, "3,000")
        await invest(bot, iris, lid, "2000")
        assert app.lending.get(lid).status is LoanStatus.FULL
        # the risk officer approves the full loan: it is disbursed
        await bot.send(risk.presses("a:ln_q:full"))
        assert last_buttons(bot, "a:ln_") == [f"a:ln_full:{lid}", f"a:ln_ref:{lid}"]
        await bot.send(risk.presses(f"a:ln_full:{lid}"))
        # the borrower repays each installment on its due date
        clock.set(datetime(2026, 4, 2, 2, tzinfo=UTC))
        await repay(bot, bella, lid, 5001)
        clock.set(datetime(2026, 5, 2, 2, tzinfo=UTC))
        await repay(bot, bella, lid, 5101)
        await bot.send(ivan.command("/loans"))

    bot = play(app, scenario)

    lid = found["id"]
    loan = app.lending.get(lid)
    assert loan.status is LoanStatus.REPAID and loan.payments == 2
    plan = app.lending.installments(lid)
    paid = sum(i.paid_principal + i.paid_interest for i in plan)
    assert paid == 500_000 + sum(i.interest for i in plan)
    assert app.wallets.balance("bella").available.minor == 100_000 + 500_000 - 10_000 - paid
    investments = {i.investor_id: i for i in app.lending.investments(lid)}
    assert (
        investments["ivan"].principal_received == 300_000
        and investments["iris"].principal_received == 200_000
    )
    to_investors = sum(i.principal_received + i.interest_received for i in investments.values())
    fees = app.ledger.account(chart.fee_income().id).balances.credits_posted
    assert to_investors + fees - 10_000 == paid  # the listing fee (¥100) came out of the disbursement
    assert app.wallets.balance("ivan").available.minor == 1_000_000 + investments["ivan"].interest_received
    texts = bot.request.texts()
    assert sum(f"repaid on loan {lid}." in t for t in texts) == 2
    assert any(
        t.startswith("💰 Your investments") and f"Loan {lid}: ¥3,000.00 invested, repaid" in t for t in texts
    )
    told = [n.text for n in app.office.read(lambda tx: tx.uow.outbox.of_recipient(str(BORROWER), 50))]
    assert f"Loan {lid} is repaid in full. Thank you." in told
    assert app.ledger.audit().ok
