"""One allocation from the rate table to its settlement, every step taken in the real bot by the customer
and the administrators: applying, paying, the review call, the sub-account, the password, a daily
status, the chart, a termination request, and the four-eyes settlement."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, date, datetime

from bot_harness import BotHarness, TelegramUser, approve_in_queue, as_admin, button_data, play

from p2pstock.adapters.clock import ManualClock
from p2pstock.bootstrap import App
from p2pstock.core.allocation.allocations import Status
from p2pstock.core.allocation.products import LeverageRate, Mode, Product
from p2pstock.core.money import Money
from p2pstock.core.papers import ALLOCATION_RISK
from p2pstock.core.people.customers import Customer, KycStatus

CUSTOMER, REVIEWER, FINANCE, RISK, ROOT = 1001, 7101, 7102, 7103, 7104
PASSWORD = "Tr4de!pass-e2e"
DAILY = Product(
    code="daily",
    version=1,
    name="按天配资",
    mode=Mode.DAILY,
    rates=(LeverageRate(5, 600),),
    deposit_min=100_000,
    deposit_max=100_000_000,
    deposit_step=100_000,
    term_min=2,
    term_max=30,
    risk_fund_ppm=5_000,
)


def the_platform(app: App) -> None:
    """A product on the rate table, a funded capital pool, a verified customer with ¥50,000 and four
    administrators on Telegram."""
    app.products.define(DAILY, by="root")
    app.capital.fund(100_000_000, reference="seed", by="finance-1")
    customer = Customer(
        "alice", telegram_user_id=CUSTOMER, language="en", phone="+8613800138000", status=KycStatus.VERIFIED
    )
    app.office.run(lambda tx: tx.uow.customers.add(customer))
    app.wallets.open("alice")
    app.wallets.confirm_deposit("alice", gateway="bank", transaction_id="t-1", amount=Money(5_000_000))
    for admin_id, role, telegram in [
        ("reviewer-1", "reviewer", REVIEWER),
        ("finance-1", "finance", FINANCE),
        ("risk-1", "risk_officer", RISK),
        ("root", "super_admin", ROOT),
    ]:
        app.staff.enrol_by_operator(admin_id, [role], telegram_user_id=telegram)


def buttons_with(bot: BotHarness, prefix: str) -> list[str]:
    """The data of the buttons starting with ``prefix`` in the last message sent or edited."""
    last = [p for name, p in bot.request.calls if name in ("sendMessage", "editMessageText")][-1]
    return [data for data in button_data(last) if data.startswith(prefix)]


def test_an_allocation_from_the_rate_table_to_its_settlement_in_the_bot(app: App, clock: ManualClock) -> None:
    the_platform(app)
    found: dict[str, str] = {}

    async def scenario(bot: BotHarness, customer: TelegramUser) -> None:
        reviewer, finance, risk, root = (as_admin(bot, who) for who in (REVIEWER, FINANCE, RISK, ROOT))
        # the customer applies and pays
        await bot.send(customer.command("/allocate"))
        await bot.send(customer.presses("al:prod:daily"))
        await bot.send(customer.presses("al:lev:5:daily"))
        found["disclosure"] = bot.request.last_text()  # a first allocation: the agreement's terms first
        await bot.send(customer.presses("al:ack:5:daily"))
        await bot.send(customer.says("10,000"))
        term = customer.says("5")
        await bot.send(term)
        await bot.send(customer.presses(f"al:apply:{term.message.message_id}"))
        for pay in buttons_with(bot, "al:pay:"):
            await bot.send(customer.presses(pay))
        [allocation] = app.allocations.of_customer("alice")
        aid = found["id"] = allocation.id
        assert app.allocations.get(aid, customer_id="alice").status is Status.UNDER_REVIEW
        # the reviewer phones the customer and confirms
        await bot.send(reviewer.command("/admin"))
        await bot.send(reviewer.presses("a:menu:allocations"))
        await bot.send(reviewer.presses("a:al_q:review"))
        await bot.send(reviewer.presses(f"a:al_show:{aid}"))
        await bot.send(reviewer.presses(f"a:al_call:confirmed:{aid}"))
        await bot.send(reviewer.says("confirmed the terms on the phone"))
        await bot.send(reviewer.presses(f"a:al_ok:{aid}"))
        # finance assigns the sub-account; the customer reads the password once
        await bot.send(finance.presses("a:al_q:confirmed"))
        await bot.send(finance.presses(f"a:al_assign:{aid}"))
        await bot.send(finance.says("HOMS-001"))
        await bot.send(finance.says(PASSWORD))
        await bot.send(customer.command("/allocations"))
        await bot.send(customer.presses(f"al:show:{aid}"))
        mark = bot.request.mark()
        await bot.send(customer.presses(f"al:pw:{aid}"))
        assert any(PASSWORD in said for said in bot.request.texts_since(mark))
        await bot.send(customer.presses(f"al:doc:{aid}"))  # the agreement issued at confirmation
        # after the close, the risk officer records the day's status; the customer asks for the chart and
        # to terminate
        clock.set(datetime(2026, 1, 5, 8, tzinfo=UTC))  # 16:00 in Shanghai
        await bot.send(risk.presses(f"a:al_status:{aid}"))
        await bot.send(risk.says("2026-01-05 57200 45760 11440"))
        await bot.send(customer.presses(f"al:chart:{aid}"))
        await bot.send(customer.presses(f"al:end:{aid}"))
        [confirm_end] = buttons_with(bot, "al:ask:")
        await bot.send(customer.presses(confirm_end))
        await bot.send(risk.presses("a:al_q:requests"))
        [approve_end] = buttons_with(bot, "a:rq_ok:")
        await bot.send(risk.presses(approve_end))
        # the settlement waits for a second administrator, who approves it in the queue
        await bot.send(risk.presses(f"a:al_settle:{aid}"))
        await bot.send(risk.says("57,200"))
        [approval] = re.findall(r"approval request (approval-\w+) is open", bot.request.last_text())
        await approve_in_queue(bot, root, approval)
        await bot.send(customer.presses(f"al:show:{aid}"))

    bot = play(app, scenario)

    settled = app.allocations.get(found["id"], customer_id="alice")
    assert settled.status is Status.SETTLED
    assert settled.settlement is not None and settled.settlement.payout == 5_720_000 - 5_000_000
    assert settled.last_status_date == date(2026, 1, 5)
    assert app.wallets.balance("alice").frozen.minor == 0
    assert bot.request.of("sendPhoto")  # the chart
    assert found["disclosure"].startswith(
        "Before your first allocation, read and accept the allocation agreement and risk disclosure:"
    )
    assert app.papers.acknowledged("alice", ALLOCATION_RISK) is not None
    [agreement] = bot.request.of("sendDocument")
    filename, content = agreement["files"]["document"]
    assert filename == f"allocation-agreement-{settled.id}.pdf"
    assert hashlib.sha256(content).hexdigest() == settled.contract_hash
    assert "Status: settled" in bot.request.last_text().splitlines()
    assert sum(PASSWORD in str(p) for _name, p in bot.request.calls) == 1  # shown once, to the customer
    assert app.ledger.audit().ok
