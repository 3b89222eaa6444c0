"""Core's refusals reach people through the real bot in their own language, with the values that make
them precise: a term too long, a wallet that cannot cover a payment, an allocation that is not theirs,
a withdrawal decided already."""

from __future__ import annotations

import pytest
from bot_harness import BotHarness, TelegramUser, as_admin, play

from p2pstock.bootstrap import App
from p2pstock.core.allocation.allocations import Allocation
from p2pstock.core.allocation.products import LeverageRate, Mode, Product
from p2pstock.core.money import Money
from p2pstock.core.papers import ALLOCATION_RISK
from p2pstock.core.people.customers import Customer, KycStatus

SHORT = Product(
    code="short",
    version=1,
    name="短期配资",
    mode=Mode.DAILY,
    rates=(LeverageRate(5, 600),),
    deposit_min=100_000,
    deposit_max=10_000_000,
    deposit_step=100_000,
    term_min=2,
    term_max=6,
)
"""At most six trading days: an allocation of five cannot be extended by three."""
ALICE, BOB, FINANCE = 1001, 2002, 5002


@pytest.fixture(autouse=True)
def platform(app: App) -> None:
    app.products.define(SHORT, by="root")
    app.capital.fund(100_000_000, reference="seed", by="finance-1")
    app.staff.enrol_by_operator("finance-9", ["finance"], telegram_user_id=FINANCE)


def verified(app: App, language: str, customer_id: str = "alice", telegram_id: int = ALICE) -> None:
    """A verified customer reading ``language``, with ¥20,000 in their wallet."""
    customer = Customer(
        customer_id,
        telegram_user_id=telegram_id,
        language=language,
        phone=f"+86138{telegram_id:08d}",
        real_name="张三",
        status=KycStatus.VERIFIED,
    )
    app.office.run(lambda tx: tx.uow.customers.add(customer))
    app.papers.acknowledge(customer.id, ALLOCATION_RISK)
    app.wallets.open(customer_id)
    app.wallets.confirm_deposit(
        customer_id, gateway="bank", transaction_id=f"T-{customer_id}", amount=Money.parse("20000")
    )


def applied(app: App, customer_id: str = "alice", deposit: int = 1_000_000) -> Allocation:
    return app.allocations.apply(customer_id, product=SHORT.code, deposit=deposit, leverage=5, term=5)


def running(app: App) -> Allocation:
    allocation = applied(app)
    for component in allocation.due:
        app.allocations.pay(allocation.id, component, customer_id="alice")
    app.allocations.record_call(allocation.id, by="reviewer-1", outcome="confirmed")
    app.allocations.confirm(allocation.id, by="reviewer-1")
    return app.allocations.assign_account(allocation.id, by="finance-1", sub_account="H-1", password="pw-1")


@pytest.mark.parametrize(
    ("language", "told"),
    [("zh", "期限最长为 6 期。"), ("en", "The term can be at most 6 periods.")],
)
def test_an_extension_beyond_the_longest_term_is_refused_with_that_term(
    app: App, language: str, told: str
) -> None:
    verified(app, language)
    aid = running(app).id

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(user.presses(f"al:ext:{aid}"))
        periods = user.says("3")
        await bot.send(periods)
        await bot.send(user.presses(f"al:ask:{periods.message.message_id}"))

    assert play(app, scenario).request.last_text() == told


@pytest.mark.parametrize(
    ("language", "told"),
    [("zh", "可用余额不足。"), ("en", "Your available balance is not enough.")],
)
def test_a_payment_the_wallet_cannot_cover_is_refused(app: App, language: str, told: str) -> None:
    verified(app, language)
    aid = applied(app, deposit=3_000_000).id  # ¥30,000 from a wallet of ¥20,000

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(user.presses(f"al:pay:deposit:{aid}"))

    assert play(app, scenario).request.last_text() == told


@pytest.mark.parametrize(
    ("language", "told"),
    [("zh", "未找到配资 {id}。"), ("en", "There is no allocation {id}.")],
)
def test_another_customers_allocation_is_not_found_by_its_id(app: App, language: str, told: str) -> None:
    verified(app, language)
    verified(app, "zh", "bob", BOB)
    theirs = applied(app, "bob").id

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(user.presses(f"al:show:{theirs}"))

    assert play(app, scenario).request.last_text() == told.format(id=theirs)


@pytest.mark.parametrize(
    ("language", "told"),
    [("zh-hans", "提现申请 W-1 已处理过。"), ("en", "Withdrawal W-1 has been decided already.")],
)
def test_a_withdrawal_approved_already_cannot_be_rejected(app: App, language: str, told: str) -> None:
    verified(app, "zh")
    app.wallets.request_withdrawal("alice", request_id="W-1", amount=Money.parse("100"))
    app.wallets.approve_withdrawal("W-1", by="finance-1")

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        finance = as_admin(bot, FINANCE, language)
        await bot.send(finance.presses("a:wd_no:W-1"))
        await bot.send(finance.says("bank account closed"))

    assert play(app, scenario).request.last_text() == told
