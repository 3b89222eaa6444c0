"""Expanding and reducing a running allocation in the bot (扩大 / 缩小配资), in English and Chinese: the
customer's 📈 / 📉 buttons on the card, the deposit change typed (a change off the product's step asked
again, one core refuses explained), a preview of the new B, lines and fee before ✅; and the administrator's
side-request card with the same figures, approved from the queue."""

from __future__ import annotations

from datetime import date

import pytest
from bot_harness import BotHarness, TelegramUser, as_admin, button_data, play

from p2pstock.bootstrap import App
from p2pstock.bots.telegram import callbacks as cb
from p2pstock.core.allocation.allocations import Allocation
from p2pstock.core.allocation.products import LeverageRate, Mode, Product
from p2pstock.core.allocation.side_requests import Kind, RequestStatus
from p2pstock.core.allocation.statuses import Figures
from p2pstock.core.money import Money
from p2pstock.core.papers import ALLOCATION_RISK
from p2pstock.core.people.customers import Customer, KycStatus

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
"""Deposit ¥10,000 at 5×: B = ¥50,000, ¥30 a trading day, a ¥250 risk fund, WL ¥55,000 and CL ¥53,000."""
ALICE, BOB = 1001, 2002
REVIEWER, REVIEWER_ZH = 7101, 7106


@pytest.fixture(autouse=True)
def platform(app: App) -> None:
    app.products.define(DAILY, by="root")
    app.capital.fund(100_000_000, reference="seed", by="finance-1")
    app.staff.enrol_by_operator("reviewer-1", ["reviewer"], telegram_user_id=REVIEWER)
    app.staff.enrol_by_operator("reviewer-2", ["reviewer"], telegram_user_id=REVIEWER_ZH)


def running(
    app: App, customer_id: str = "alice", telegram_id: int = ALICE, language: str = "en"
) -> Allocation:
    """A running allocation of a verified customer who had ¥50,000 in the wallet."""
    customer = Customer(
        customer_id,
        telegram_user_id=telegram_id,
        language=language,
        phone=f"+86138{telegram_id:08d}",
        real_name="张三",
        status=KycStatus.VERIFIED,
    )
    app.office.run(lambda tx: tx.uow.customers.add(customer))
    app.papers.acknowledge(customer_id, ALLOCATION_RISK)
    app.wallets.open(customer_id)
    app.wallets.confirm_deposit(
        customer_id, gateway="bank", transaction_id=f"{customer_id}-1", amount=Money(5_000_000)
    )
    allocation = app.allocations.apply(customer_id, product="daily", deposit=1_000_000, leverage=5, term=5)
    for component in allocation.due:
        app.allocations.pay(allocation.id, component, customer_id=customer_id)
    app.allocations.record_call(allocation.id, by="reviewer-1", outcome="confirmed")
    app.allocations.confirm(allocation.id, by="reviewer-1")
    code = f"HOMS-{telegram_id}"
    return app.allocations.assign_account(
        allocation.id, by="finance-1", sub_account=code, password="Tr4de!pass"
    )


def with_cash(assets: int, cash: int) -> Figures:
    return Figures(assets, assets - cash, cash, cash_withdrawable=cash)


def requests_of(app: App, allocation: Allocation, customer_id: str = "alice") -> list[object]:
    return [
        (r.kind, r.amount, r.status)
        for r in app.allocations.timeline(allocation.id, customer_id=customer_id).requests
    ]


def test_the_buttons_fit_the_callback_data_and_parse_back() -> None:
    for verb in ("grow", "shrink"):
        data = cb.write(cb.AllocationStep(verb, "a0123456789ab"))
        assert len(data.encode()) <= cb.MAX_BYTES
        assert cb.parse(data) == cb.AllocationStep(verb, "a0123456789ab")


def test_a_customer_expands_by_typing_the_deposit_and_confirming_the_new_figures(app: App) -> None:
    allocation = running(app)
    aid = allocation.id

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(user.presses(f"al:show:{aid}"))
        shown = bot.request.of("editMessageText")[-1]
        assert [f"al:grow:{aid}", f"al:shrink:{aid}"] == [
            d for d in button_data(shown) if "grow" in d or "shrink" in d
        ]
        await bot.send(user.presses(f"al:grow:{aid}"))
        assert bot.request.last_text() == (
            f"Allocation {aid} has a deposit of ¥10,000.00 at 5×. How much deposit to add? (in steps of "
            "¥1,000.00, at most ¥990,000.00; ¥39,750.00 available in your wallet)"
        )
        await bot.send(user.says("1,500"))
        assert bot.request.last_text() == "The deposit must go up in steps of ¥1,000.00."
        change = user.says("4,000")
        await bot.send(change)
        assert bot.request.last_text().splitlines() == [
            f"Expand allocation {aid}?",
            "Deposit ¥10,000.00 → ¥14,000.00",
            "Allocated funds ¥50,000.00 → ¥70,000.00",
            "Warning line ¥55,000.00 → ¥77,000.00",
            "Liquidation line ¥53,000.00 → ¥74,200.00",
            "Management fee from the next period ¥30.00 → ¥42.00 a trading day",
            "¥4,100.00 is frozen in your wallet (the risk fund's ¥100.00 included) until an administrator"
            " decides.",
        ]
        token = change.message.message_id
        assert button_data(bot.request.of("sendMessage")[-1]) == [f"al:ask:{token}", f"al:drop:{token}"]
        await bot.send(user.presses(f"al:ask:{token}"))

    bot = play(app, scenario)
    [request] = app.allocations.timeline(aid, customer_id="alice").requests
    assert (request.kind, request.amount, request.status) == (Kind.EXPANSION, 400_000, RequestStatus.PENDING)
    assert str(bot.request.of("editMessageText")[-1]["text"]) == (
        f"Your expansion request {request.id} was sent; an administrator will decide it and we will tell you."
    )
    assert app.wallets.balance("alice").frozen.minor == 1_025_000 + 410_000


def test_a_customer_reduces_in_chinese_and_reads_what_comes_back(app: App) -> None:
    allocation = running(app, "bob", BOB, "zh")
    aid = allocation.id
    app.allocations.record_status(aid, date(2026, 1, 5), with_cash(6_000_000, 1_200_000), by="risk-1")

    async def scenario(bot: BotHarness, _user: TelegramUser) -> None:
        user = bot.user(BOB)
        await bot.send(user.presses(f"al:shrink:{aid}"))
        assert bot.request.last_text() == (
            f"配资 {aid} 当前保证金 ¥10,000.00，5 倍。"
            "请输入减少的保证金金额（按 ¥1,000.00 递减，最多 ¥9,000.00）："
        )
        change = user.says("2000")
        await bot.send(change)
        assert bot.request.last_text().splitlines() == [
            f"确认缩小配资 {aid}？",
            "保证金 ¥10,000.00 → ¥8,000.00",
            "配资金额 ¥50,000.00 → ¥40,000.00",
            "警戒线 ¥55,000.00 → ¥44,000.00",
            "平仓线 ¥53,000.00 → ¥42,400.00",
            "管理费自下一期起每交易日 ¥30.00 → ¥24.00",
            "子账户将转出 ¥12,000.00；审核通过后 ¥2,050.00 退回钱包（含风险保证金 ¥50.00）。",
        ]
        await bot.send(user.presses(f"al:ask:{change.message.message_id}"))

    bot = play(app, scenario)
    [request] = app.allocations.timeline(aid, customer_id="bob").requests
    assert (request.kind, request.amount) == (Kind.REDUCTION, 200_000)
    assert str(bot.request.of("editMessageText")[-1]["text"]).startswith(f"缩小配资申请 {request.id} 已提交")


def test_a_reduction_the_assets_would_not_clear_is_explained_and_nothing_is_asked(app: App) -> None:
    allocation = running(app)
    aid = allocation.id
    app.allocations.record_status(aid, date(2026, 1, 5), with_cash(5_600_000, 1_200_000), by="risk-1")

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(user.presses(f"al:shrink:{aid}"))
        await bot.send(user.says("2,000"))
        assert bot.request.last_text() == (
            "After the reduction the assets, ¥44,000.00, must stay above ¥44,880.00 (the new warning line"
            " with its margin)."
        )
        await bot.send(user.says("1,000"))  # the step ended: this is no longer an answer to it

    play(app, scenario)
    assert requests_of(app, allocation) == []


def test_a_deposit_at_the_products_limit_is_told_at_once(app: App) -> None:
    allocation = running(app)
    app.allocations.record_status(
        allocation.id, date(2026, 1, 5), with_cash(7_000_000, 6_000_000), by="risk-1"
    )
    shrunk = app.allocations.ask(allocation.id, "reduction", customer_id="alice", amount=900_000)
    app.allocations.decide(shrunk.id, by="reviewer-1", approve=True)

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(user.presses(f"al:shrink:{allocation.id}"))

    bot = play(app, scenario)
    assert bot.request.last_text() == (
        f"The deposit of allocation {allocation.id}, ¥1,000.00, is at the product's minimum;"
        " it cannot shrink."
    )


def test_the_administrator_sees_the_new_figures_on_the_request_and_approves_it(app: App) -> None:
    allocation = running(app)
    request = app.allocations.ask(allocation.id, "expansion", customer_id="alice", amount=400_000)

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        reviewer = as_admin(bot, REVIEWER)
        await bot.send(reviewer.presses("a:al_q:requests"))
        await bot.send(reviewer.presses(f"a:rq_ok:{request.id}"))
        await bot.send(user.presses(f"al:tl:{allocation.id}"))

    bot = play(app, scenario)
    card, approved, timeline = bot.request.texts()[-3:]
    assert card.splitlines()[0] == f"Request {request.id}: expansion"
    assert card.splitlines()[6:] == [
        "Deposit ¥10,000.00 → ¥14,000.00",
        "Allocated funds ¥50,000.00 → ¥70,000.00",
        "Warning line ¥55,000.00 → ¥77,000.00",
        "Liquidation line ¥53,000.00 → ¥74,200.00",
        "Management fee from the next period ¥30.00 → ¥42.00 a trading day",
        "Approving it draws ¥20,000.00 from the capital pool.",
    ]
    assert approved == f"Request {request.id} (expansion) of {allocation.id} approved."
    assert (
        "expanded: deposit ¥10,000.00 → ¥14,000.00, allocated funds ¥50,000.00 → ¥70,000.00, warning line"
        " ¥77,000.00, liquidation line ¥74,200.00"
    ) in timeline
    assert app.allocations.get(allocation.id, customer_id="alice").allocated == 7_000_000


def test_a_reviewer_in_chinese_reads_a_reduction_against_the_latest_assets(app: App) -> None:
    allocation = running(app)
    app.allocations.record_status(
        allocation.id, date(2026, 1, 5), with_cash(6_000_000, 1_200_000), by="risk-1"
    )
    request = app.allocations.ask(allocation.id, "reduction", customer_id="alice", amount=200_000)

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(as_admin(bot, REVIEWER_ZH, language="zh").presses("a:al_q:requests"))

    bot = play(app, scenario)
    card = bot.request.last_text().splitlines()
    assert card[0] == f"申请 {request.id}：缩小配资"
    assert card[6:] == [
        "保证金 ¥10,000.00 → ¥8,000.00",
        "配资金额 ¥50,000.00 → ¥40,000.00",
        "警戒线 ¥55,000.00 → ¥44,000.00",
        "平仓线 ¥53,000.00 → ¥42,400.00",
        "管理费自下一期起每交易日 ¥30.00 → ¥24.00",
        "批准后 ¥10,000.00 返还资金池。最新总资产 ¥60,000.00，"
        "转出 ¥12,000.00 后 ¥48,000.00（须高于 ¥44,880.00）。",
    ]
