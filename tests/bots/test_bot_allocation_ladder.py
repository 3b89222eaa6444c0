"""The graded alert ladder and the top-up deadline in the bot, in English and in Chinese: the customer's
warning alert names the deadline, their card says where they stand (a rung, the deadline, liquidation due),
the risk officers' card shows the whole ladder and the deadline, the running list marks liquidation due,
and the product form takes a ladder typed in its short form."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import attrs
import pytest
from bot_harness import BotHarness, TelegramUser, as_admin, button_data, play

from p2pstock.adapters.clock import ManualClock
from p2pstock.bootstrap import App
from p2pstock.core.allocation.allocations import Allocation
from p2pstock.core.allocation.ladder import Audience, Rung
from p2pstock.core.allocation.products import LeverageRate, Mode, Product
from p2pstock.core.allocation.statuses import Figures
from p2pstock.core.catalog_file import ALLOCATION_FIELDS
from p2pstock.core.money import Money
from p2pstock.core.papers import ALLOCATION_RISK
from p2pstock.core.people.customers import Customer, KycStatus

LADDER = Product(
    code="ladder",
    version=1,
    name="分级提醒配资",
    mode=Mode.DAILY,
    rates=(LeverageRate(5, 600),),
    deposit_min=100_000,
    deposit_max=100_000_000,
    deposit_step=100_000,
    term_min=2,
    term_max=30,
    rungs=(
        Rung(
            1_000,
            Audience.CUSTOMER,
            zh="总资产接近警戒线，请关注持仓。",
            en="Your assets near the warning line.",
        ),
        Rung(500, Audience.BOTH),
    ),
)
"""Deposit ¥10,000 at 5×: WL = ¥55,000; rung 1 at ¥60,500 (the customer's alone), rung 2 at ¥57,750."""
ALICE, BAO = 1001, 2002
RISK, RISK_ZH, ROOT = 7103, 7106, 7104
MONDAY, TUESDAY = date(2026, 1, 5), date(2026, 1, 6)
HEADER = (
    "sub_account,trade_date,total_assets,market_value,cash_available,cash_frozen,cash_withdrawable,"
    "daily_pnl,floating_pnl,note\n"
)


@pytest.fixture(autouse=True)
def platform(app: App) -> None:
    app.products.define(LADDER, by="root")
    app.capital.fund(100_000_000, reference="seed", by="finance-1")
    for admin_id, role, telegram in [
        ("risk-1", "risk_officer", RISK),
        ("risk-2", "risk_officer", RISK_ZH),
        ("root", "super_admin", ROOT),
    ]:
        app.staff.enrol_by_operator(admin_id, [role], telegram_user_id=telegram)


def customer(app: App, customer_id: str, telegram_id: int, language: str) -> Customer:
    found = Customer(
        customer_id,
        telegram_user_id=telegram_id,
        language=language,
        phone=f"+86138{telegram_id:08d}",
        real_name="张三",
        status=KycStatus.VERIFIED,
    )
    app.office.run(lambda tx: tx.uow.customers.add(found))
    app.papers.acknowledge(customer_id, ALLOCATION_RISK)
    app.wallets.open(customer_id)
    app.wallets.confirm_deposit(
        customer_id, gateway="bank", transaction_id=f"{customer_id}-0", amount=Money(5_000_000)
    )
    return found


def running(app: App, customer_id: str, sub_account: str) -> Allocation:
    allocation = app.allocations.apply(customer_id, product="ladder", deposit=1_000_000, leverage=5, term=10)
    for component in allocation.due:
        app.allocations.pay(allocation.id, component, customer_id=customer_id)
    app.allocations.record_call(allocation.id, by="reviewer-1", outcome="confirmed")
    app.allocations.confirm(allocation.id, by="reviewer-1")
    return app.allocations.assign_account(
        allocation.id, by="finance-1", sub_account=sub_account, password="Tr4de!pass"
    )


def status(app: App, clock: ManualClock, allocation: Allocation, day: date, assets: int) -> None:
    clock.set(datetime(day.year, day.month, day.day, 16, tzinfo=UTC) - timedelta(hours=8))
    cash = assets // 5
    figures = Figures(assets, assets - cash, cash, cash_withdrawable=cash)
    app.allocations.record_status(allocation.id, day, figures, by="risk-1")


def row(sub_account: str, day: date, assets: int) -> str:
    cash = assets // 5
    amounts = ",".join(f"{a / 100:.2f}" for a in (assets, assets - cash, cash))
    return f"{sub_account},{day},{amounts},0,0,0,0,\n"


def alerts_to(app: App, chat: int) -> list[str]:
    sent = app.office.read(lambda tx: tx.uow.outbox.of_recipient(str(chat), 100))
    return [n.text for n in reversed(sent) if not n.text.startswith(("Your allocations today", "配资日报"))]


def card(bot: BotHarness) -> list[str]:
    return str(bot.request.of("editMessageText")[-1]["text"]).splitlines()


def sent(bot: BotHarness) -> list[str]:
    return bot.request.texts()


# -- the customer


def test_the_customer_is_warned_with_the_deadline_and_their_card_says_it_in_english_and_chinese(
    app: App, clock: ManualClock
) -> None:
    customer(app, "alice", ALICE, "en")
    customer(app, "bao", BAO, "zh")
    alice, bao = running(app, "alice", "HOMS-A"), running(app, "bao", "HOMS-B")
    status(app, clock, alice, MONDAY, 5_400_000)
    status(app, clock, bao, MONDAY, 5_400_000)

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(user.presses(f"al:show:{alice.id}"))
        await bot.send(bot.user(BAO, language_code="zh-hans").presses(f"al:show:{bao.id}"))

    bot = play(app, scenario)
    assert alerts_to(app, ALICE)[-1] == (
        f"Risk warning: allocation {alice.id} total assets ¥54,000.00 fell to the warning line ¥55,000.00. "
        "Add margin by 2026-01-06 09:30 to bring them above ¥56,100.00, or the allocation is due for "
        "liquidation."
    )
    assert alerts_to(app, BAO)[-1] == (
        f"风险提示：配资 {bao.id} 总资产 ¥54,000.00 已跌破警戒线 ¥55,000.00，请在 2026-01-06 09:30 前"
        "追加保证金，使总资产回到 ¥56,100.00 以上，否则将进入待平仓状态。"
    )
    english, chinese = (str(p["text"]).splitlines() for p in bot.request.of("editMessageText")[-2:])
    assert english[2:4] == [
        "Risk: ⚠️ at the warning line",
        "⏰ Top up by 2026-01-06 09:30 to bring the total assets above ¥56,100.00, or the allocation is due "
        "for liquidation",
    ]
    assert chinese[2:4] == [
        "风险状态：⚠️ 已触及警戒线",
        "⏰ 请在 2026-01-06 09:30 前追加保证金，使总资产回到 ¥56,100.00 以上，否则将进入待平仓状态",
    ]


def test_the_customer_card_shows_the_rung_they_hear_of_and_liquidation_due_once_the_deadline_passed(
    app: App, clock: ManualClock
) -> None:
    customer(app, "alice", ALICE, "en")
    customer(app, "bao", BAO, "zh")
    alice, bao = running(app, "alice", "HOMS-A"), running(app, "bao", "HOMS-B")
    status(app, clock, alice, MONDAY, 5_700_000)  # rung 2
    status(app, clock, bao, MONDAY, 5_400_000)
    clock.set(datetime(2026, 1, 6, 2, tzinfo=UTC))  # Tuesday 10:00 in Shanghai
    assert app.allocations.mark_liquidation_due() == 1

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(user.presses(f"al:show:{alice.id}"))
        await bot.send(bot.user(BAO, language_code="zh-hans").presses(f"al:show:{bao.id}"))

    bot = play(app, scenario)
    english, chinese = (str(p["text"]).splitlines() for p in bot.request.of("editMessageText")[-2:])
    assert english[2:4] == [
        "Risk: normal",
        "🔔 Total assets are at cushion line 2 (¥57,750.00, above the warning line ¥55,000.00): mind the "
        "risk",
    ]
    assert chinese[3] == "⛔ 未在 2026-01-06 09:30 前补足保证金，已进入待平仓状态"
    assert alerts_to(app, BAO)[-1] == (
        f"平仓提示：配资 {bao.id} 未在 2026-01-06 09:30 前补足保证金（总资产 ¥54,000.00，"
        "警戒线 ¥55,000.00），已进入待平仓状态。"
    )


# -- the risk officers


def test_the_risk_officers_card_shows_the_ladder_and_the_deadline_and_the_list_marks_liquidation_due(
    app: App, clock: ManualClock
) -> None:
    customer(app, "alice", ALICE, "en")
    allocation = running(app, "alice", "HOMS-A")
    status(app, clock, allocation, MONDAY, 5_400_000)
    waiting: dict[str, list[str]] = {}

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        for officer, language in ((RISK, "en"), (RISK_ZH, "zh-hans")):
            await bot.send(as_admin(bot, officer, language).presses(f"a:al_show:{allocation.id}"))
            waiting[language] = sent(bot)[-1].splitlines()
        clock.set(datetime(2026, 1, 6, 2, tzinfo=UTC))
        await bot.send(as_admin(bot, RISK).presses("a:al_q:running"))

    play(app, scenario)
    marked = app.allocations.mark_liquidation_due()
    assert waiting["en"][3:7] == [
        "⏰ Top up by 2026-01-06 09:30 (above ¥56,100.00)",
        "Cushion lines (now: rung 2):",
        "· rung 1 ¥60,500.00 (10% above the warning line, tells the customer), with its own message",
        "· rung 2 ¥57,750.00 (5% above the warning line, tells the customer and the risk officers)",
    ]
    assert waiting["zh-hans"][3:7] == [
        "⏰ 补足期限：2026-01-06 09:30（须回到 ¥56,100.00 以上）",
        "缓冲线（当前：第 2 级）：",
        "· 第 1 级 ¥60,500.00（警戒线上方 10%，通知客户），有专用提示语",
        "· 第 2 级 ¥57,750.00（警戒线上方 5%，通知客户和风控人员）",
    ]
    assert marked == 1
    assert alerts_to(app, RISK)[-1].startswith(
        f"Liquidation due: allocation {allocation.id} missed its top-up"
    )

    async def later(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(as_admin(bot, RISK).presses("a:al_q:running"))
        await bot.send(as_admin(bot, RISK).presses(f"a:al_show:{allocation.id}"))

    again = play(app, later)
    listing, shown = sent(again)[-2:]
    assert listing.splitlines()[1].endswith("| 🟠 warning | ⛔ liquidation due")
    assert shown.splitlines()[3] == "⛔ Liquidation due: top-up deadline 2026-01-06 09:30 passed"
    assert button_data(again.request.of("sendMessage")[-1])  # the card's buttons still there


# -- the product form


def test_a_ladder_is_typed_in_the_product_form_and_published_with_its_product(app: App) -> None:
    answers = {
        "code": "laddered",
        "name": "分级提醒",
        "mode": "daily",
        "deposit_min": "1,000",
        "deposit_max": "100,000",
        "deposit_step": "1,000",
        "term_min": "2",
        "term_max": "20",
        "rates": "5:0.06%",
        "rungs": "5%:both, 10%：客户",
    }

    async def scenario(bot: BotHarness, _user: TelegramUser) -> None:
        root = as_admin(bot, ROOT)
        await bot.send(root.presses("a:pd_new:a"))
        for field in ALLOCATION_FIELDS:
            if field.key == "rungs":
                await bot.send(root.says("5%:nobody"))  # asked again
            await bot.send(root.says(answers.get(field.key, "-")))
        (publish,) = button_data(bot.request.of("sendMessage")[-1])
        await bot.send(root.presses(publish))

    bot = play(app, scenario)
    texts = sent(bot)
    step = [f.key for f in ALLOCATION_FIELDS].index("rungs") + 1
    assert any(
        t.startswith(f"Step {step} of {len(ALLOCATION_FIELDS)}\nGraded alerts: cushion lines") for t in texts
    )
    assert "· rungs: the audience is one of customer, risk_officers, both" in texts
    product = app.products.version("laddered", 1)
    assert product.rungs == (Rung(1_000, Audience.CUSTOMER), Rung(500, Audience.BOTH))
    assert attrs.evolve(product, rungs=()).rungs == ()


def test_an_imported_statement_says_how_many_cushion_lines_were_reached_in_each_language(
    app: App, clock: ManualClock
) -> None:
    customer(app, "alice", ALICE, "en")
    first, second = running(app, "alice", "HOMS-A"), running(app, "alice", "HOMS-B")
    clock.set(datetime(2026, 1, 6, 9, tzinfo=UTC))  # Tuesday 17:00 in Shanghai
    monday = HEADER + row("HOMS-A", MONDAY, 5_700_000) + row("HOMS-B", MONDAY, 6_100_000)
    tuesday = HEADER + row("HOMS-A", TUESDAY, 5_650_000) + row("HOMS-B", TUESDAY, 5_760_000)
    replies: dict[str, list[str]] = {}

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        bot.request.files.update({"monday": monday.encode(), "tuesday": tuesday.encode()})
        for officer, language, name, content in (
            (RISK, "en", "monday", monday),
            (RISK_ZH, "zh-hans", "tuesday", tuesday),
        ):
            admin = as_admin(bot, officer, language)
            await bot.send(admin.presses("a:al_q:import"))
            await bot.send(admin.sends_document(name, len(content), "text/csv", "statement.csv"))
            replies[language] = sent(bot)[-1].splitlines()

    play(app, scenario)
    assert replies["en"] == ["Statement imported: 2 rows applied.", "Cushion lines reached: 1 (told)"]
    assert replies["zh-hans"][-1] == "到达缓冲线 1 项（已通知）"
    assert [app.allocations.get(a.id, customer_id="alice").rung for a in (first, second)] == [2, 2]
