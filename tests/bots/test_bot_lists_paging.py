"""Every list an administrator or a customer reads pages: a review queue five items at a time with where
the page sits and ◀ ▶ (none for a queue that fits one page), an allocations list ten to a message with
their count, and no message over Telegram's 4,096 characters — not even an investor's 500 holdings."""

from __future__ import annotations

import pytest
from bot_harness import BotHarness, TelegramUser, as_admin, button_data, play, sent_since
from lending_bot_world import IVAN, a_customer, the_platform

from p2pstock.adapters.clock import ManualClock
from p2pstock.bootstrap import App
from p2pstock.bots.telegram import admin_views, allocation_admin, lending_mine
from p2pstock.core.allocation.allocations import Status
from p2pstock.core.allocation.products import LeverageRate, Mode, Product
from p2pstock.core.lending.schedules import Method
from p2pstock.core.money import Money
from p2pstock.core.papers import ALLOCATION_RISK
from p2pstock.core.people.customers import Customer, KycStatus
from sample_documents import png

FINANCE, REVIEWER = 7201, 7202
TELEGRAM_LIMIT = 4096
DAILY = Product(
    code="daily",
    version=1,
    name="按天配资",
    mode=Mode.DAILY,
    rates=(LeverageRate(3, 500),),
    deposit_min=100_000,
    deposit_max=100_000_000,
    deposit_step=100_000,
    term_min=2,
    term_max=30,
    risk_fund_ppm=5_000,
)


@pytest.fixture
def platform(app: App) -> App:
    """A verified customer (alice) with ¥1,000,000, a daily product, a finance officer and a reviewer."""
    customer = Customer(
        "alice", telegram_user_id=7001, language="en", phone="+8613800138000", real_name="张三",
        status=KycStatus.VERIFIED,
    )  # fmt: skip
    app.office.run(lambda tx: tx.uow.customers.add(customer))
    app.papers.acknowledge(customer.id, ALLOCATION_RISK)
    app.wallets.open("alice")
    app.wallets.confirm_deposit("alice", gateway="bank", transaction_id="t-1", amount=Money(100_000_000))
    app.products.define(DAILY, by="root")
    app.staff.enrol_by_operator("finance-1", ["finance"], telegram_user_id=FINANCE)
    app.staff.enrol_by_operator("reviewer-1", ["reviewer"], telegram_user_id=REVIEWER)
    return app


def withdrawals(app: App, count: int) -> list[str]:
    """``count`` pending withdrawals of alice's, oldest first."""
    return [
        app.wallets.request_withdrawal("alice", request_id=f"w-{n:03}", amount=Money(10_000 + n)).id
        for n in range(count)
    ]


def under_review(app: App, count: int) -> list[str]:
    """``count`` allocations of alice's, paid and under review."""
    ids = []
    for _ in range(count):
        allocation = app.allocations.apply("alice", product="daily", deposit=100_000, leverage=3, term=2)
        for component in allocation.due:
            allocation = app.allocations.pay(allocation.id, component, customer_id="alice")
        assert allocation.status is Status.UNDER_REVIEW
        ids.append(allocation.id)
    return sorted(ids)  # listed in the order of their ids


def cards_and_footer(
    bot: BotHarness, mark: int, end: int | None = None
) -> tuple[list[str], dict[str, object] | None]:
    """The withdrawals shown from ``mark`` to ``end`` (their ids, from their ✅ buttons) and the message
    under them that says where the page sits, if any."""
    sent = sent_since(bot, mark)[
        : None if end is None else len(sent_since(bot, mark)) - len(sent_since(bot, end))
    ]
    ids = [d.removeprefix("a:wd_ok:") for m in sent for d in button_data(m) if d.startswith("a:wd_ok:")]
    footers = [m for m in sent if str(m["text"]).startswith("Page ")]
    assert len(footers) <= 1
    return ids, footers[0] if footers else None


@pytest.mark.parametrize("count", [0, 1, admin_views.SHOWN])
def test_a_queue_that_fits_one_page_shows_every_item_and_no_page_buttons(platform: App, count: int) -> None:
    waiting = withdrawals(platform, count)

    async def scenario(bot: BotHarness, _user: TelegramUser) -> None:
        await bot.send(as_admin(bot, FINANCE).presses("a:menu:withdrawals"))

    bot = play(platform, scenario)
    shown, footer = cards_and_footer(bot, 0)
    assert shown == waiting
    assert footer is None
    if not count:
        assert bot.request.texts() == ["Nothing is waiting."]


def test_a_queue_one_item_longer_than_a_page_turns_to_the_rest_and_back(platform: App) -> None:
    waiting = withdrawals(platform, admin_views.SHOWN + 1)
    marks: dict[str, int] = {}

    async def scenario(bot: BotHarness, _user: TelegramUser) -> None:
        finance = as_admin(bot, FINANCE)
        for name, data in [("first", "a:menu:withdrawals"), ("next", "a:menu:withdrawals@1")]:
            marks[name] = bot.request.mark()
            await bot.send(finance.presses(data))
        marks["back"] = bot.request.mark()
        await bot.send(finance.presses("a:menu:withdrawals@0"))

    bot = play(platform, scenario)
    first, first_footer = cards_and_footer(bot, marks["first"], marks["next"])
    second, second_footer = cards_and_footer(bot, marks["next"], marks["back"])
    assert first == waiting[:5] and second == waiting[5:]
    assert first_footer is not None and second_footer is not None
    assert first_footer["text"] == "Page 1 of 2 · 6 in all"
    assert button_data(first_footer) == ["a:menu:withdrawals@1"]
    assert second_footer["text"] == "Page 2 of 2 · 6 in all"
    assert button_data(second_footer) == ["a:menu:withdrawals@0"]
    assert cards_and_footer(bot, marks["back"])[0] == waiting[:5]


def test_a_page_past_the_end_shows_the_last_and_a_forged_page_is_outdated(platform: App) -> None:
    waiting = withdrawals(platform, 7)

    async def scenario(bot: BotHarness, _user: TelegramUser) -> None:
        finance = as_admin(bot, FINANCE)
        await bot.send(finance.presses("a:menu:withdrawals@9"))
        mark = bot.request.mark()
        await bot.send(finance.presses("a:menu:withdrawals@x"))
        assert sent_since(bot, mark) == []

    bot = play(platform, scenario)
    assert cards_and_footer(bot, 0)[0] == waiting[5:]
    assert platform.wallets.withdrawals()[0].status.value == "pending"


def test_the_queue_pages_in_chinese_for_a_chinese_administrator(platform: App) -> None:
    withdrawals(platform, admin_views.SHOWN + 2)

    async def scenario(bot: BotHarness, _user: TelegramUser) -> None:
        await bot.send(as_admin(bot, FINANCE, "zh").presses("a:menu:withdrawals"))

    bot = play(platform, scenario)
    assert bot.request.texts()[-1] == "第 1/2 页 · 共 7 项"


@pytest.mark.parametrize("count", [0, 1, allocation_admin.LISTED, allocation_admin.LISTED + 1])
def test_the_allocations_under_review_are_listed_ten_to_a_page_with_their_count(
    platform: App, count: int
) -> None:
    ids = under_review(platform, count)
    marks: dict[str, int] = {}

    async def scenario(bot: BotHarness, _user: TelegramUser) -> None:
        reviewer = as_admin(bot, REVIEWER)
        await bot.send(reviewer.presses("a:al_q:review"))
        marks["next"] = bot.request.mark()
        if count > allocation_admin.LISTED:
            await bot.send(reviewer.presses("a:al_q:review@1"))

    bot = play(platform, scenario)
    if not count:
        assert bot.request.texts() == ["Nothing is waiting."]
        return
    [first] = sent_since(bot, 0)[:1]
    lines = str(first["text"]).splitlines()
    assert lines[0] == f"🧐 Under review: {count}; tap one to open it:"
    opened = [d.removeprefix("a:al_show:") for d in button_data(first) if d.startswith("a:al_show:")]
    assert opened == ids[: allocation_admin.LISTED]
    if count <= allocation_admin.LISTED:
        assert [d for d in button_data(first) if not d.startswith("a:al_show:")] == []
        return
    assert lines[-1] == "Page 1 of 2 · 11 in all"
    assert button_data(first)[-1] == "a:al_q:review@1"
    [second] = sent_since(bot, marks["next"])
    assert [d for d in button_data(second) if d.startswith("a:al_show:")] == [f"a:al_show:{ids[-1]}"]
    assert button_data(second)[-1] == "a:al_q:review@0"


@pytest.mark.parametrize("backend", ["memory"])  # 500 loans are set up once; paging reads no store of its own
def test_an_investor_with_500_holdings_reads_them_all_in_messages_within_telegrams_limit(
    app: App, clock: ManualClock
) -> None:
    the_platform(app, clock)
    a_customer(app, "ivan-2", IVAN + 50, wallet=100_000_000)
    loans = {an_invested_loan(app, n) for n in range(500)}
    pages: list[str] = []

    async def scenario(bot: BotHarness, _user: TelegramUser) -> None:
        investor = bot.user(IVAN + 50, language_code="en")
        await bot.send(investor.command("/loans"))
        while True:
            message = [p for name, p in bot.request.calls if name in ("sendMessage", "editMessageText")][-1]
            pages.append(str(message["text"]))
            turn = f"ln:mine:{len(pages)}"
            if turn not in button_data(message):
                break
            await bot.send(investor.presses(turn))

    play(app, scenario)
    assert len(pages) == -(-500 // lending_mine.MINE_PAGE)
    assert max(len(page) for page in pages) <= TELEGRAM_LIMIT
    shown = {
        line.split()[1].rstrip(":")
        for page in pages
        for line in page.splitlines()
        if line.startswith("Loan ")
    }
    assert shown == loans


def an_invested_loan(app: App, n: int) -> str:
    """Bella's loan number ``n``, listed, with ¥1,000 of ivan-2's in it; its id."""
    document = app.customers.upload_document("bella", "house_certificate", png(f"certificate {n}"))
    app.kyc.accept_document(document.id, by="reviewer-1")
    loan = app.lending.apply(
        "bella", product="personal", amount=10_000_000, months=12, rate_bp=1_200,
        method=Method.EQUAL_INSTALLMENTS, purpose="shop", documents=[document.id], bidding_days=3,
    )  # fmt: skip
    app.lending.first_review(loan.id, by="reviewer-1")
    app.lending.final_review(loan.id, by="reviewer-2")
    app.lending.invest(loan.id, investor_id="ivan-2", amount=100_000)
    return loan.id
