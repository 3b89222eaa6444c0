"""Administrators' allocation (配资) flows in the bot: the lists of the "📈 Allocations" menu, the card of an
allocation with the buttons its status and the admin's roles call for, the phone call and confirmation,
a rejection with its reason, the sub-account and its password (deleted from the chat, never repeated),
daily statuses typed or imported from a CSV statement (all rows or none), the chart, the timeline, the
side requests, and a settlement that waits for a second administrator — core deciding who may do what."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from bot_harness import (
    BotHarness,
    DictUiStore,
    TelegramUser,
    approve_in_queue,
    as_admin,
    button_data,
    play,
)

from p2pstock.adapters.clock import ManualClock
from p2pstock.bootstrap import App
from p2pstock.core.allocation.allocations import Allocation, CallOutcome, Risk, Status
from p2pstock.core.allocation.products import LeverageRate, Mode, Product
from p2pstock.core.allocation.side_requests import RequestStatus
from p2pstock.core.allocation.statuses import Figures
from p2pstock.core.money import Money
from p2pstock.core.papers import ALLOCATION_RISK
from p2pstock.core.people.customers import Customer, KycStatus

REVIEWER, FINANCE, RISK, ROOT, SUPPORT, REVIEWER_ZH = 7101, 7102, 7103, 7104, 7105, 7106
CUSTOMER = 7001
DAILY = Product(
    code="daily",
    version=1,
    name="按天配资",
    mode=Mode.DAILY,
    rates=(LeverageRate(3, 500), LeverageRate(5, 600)),
    deposit_min=100_000,
    deposit_max=100_000_000,
    deposit_step=100_000,
    term_min=2,
    term_max=30,
    risk_fund_ppm=5_000,
)
"""Deposit ¥10,000 at 5× gives B = ¥50,000, a fee of ¥30 a trading day and a ¥250 risk fund; the lines are
WL = ¥55,000 and CL = ¥53,000."""
PASSWORD = "Tr4de!pass-9"
REFUSAL = "Sorry, you are not allowed to do that."
HEADER = (
    "sub_account,trade_date,total_assets,market_value,cash_available,cash_frozen,cash_withdrawable,"
    "daily_pnl,floating_pnl,note\n"
)


@pytest.fixture
def admins(app: App) -> App:
    """Products, a funded capital pool, a verified customer with ¥50,000, and the conftest's
    administrators linked to Telegram accounts."""
    app.products.define(DAILY, by="root")
    app.capital.fund(100_000_000, reference="seed", by="finance-1")
    customer = Customer(
        "alice",
        telegram_user_id=CUSTOMER,
        language="en",
        phone="+8613800138000",
        real_name="张三",
        status=KycStatus.VERIFIED,
    )
    app.office.run(lambda tx: tx.uow.customers.add(customer))
    app.papers.acknowledge(customer.id, ALLOCATION_RISK)
    app.wallets.open("alice")
    app.wallets.confirm_deposit("alice", gateway="bank", transaction_id="t-1", amount=Money(5_000_000))
    for admin_id, role, telegram in [
        ("reviewer-1", "reviewer", REVIEWER),
        ("finance-1", "finance", FINANCE),
        ("risk-1", "risk_officer", RISK),
        ("root", "super_admin", ROOT),
        ("support-1", "support", SUPPORT),
        ("reviewer-2", "reviewer", REVIEWER_ZH),
    ]:
        app.staff.enrol_by_operator(admin_id, [role], telegram_user_id=telegram)
    return app


def paid(app: App) -> Allocation:
    """An application paid in full: under review."""
    allocation = app.allocations.apply("alice", product="daily", deposit=1_000_000, leverage=5, term=5)
    for component in allocation.due:
        allocation = app.allocations.pay(allocation.id, component, customer_id="alice")
    assert allocation.status is Status.UNDER_REVIEW
    return allocation


def confirmed(app: App) -> Allocation:
    allocation = paid(app)
    app.allocations.record_call(allocation.id, by="reviewer-1", outcome=CallOutcome.CONFIRMED)
    return app.allocations.confirm(allocation.id, by="reviewer-1")


def running(app: App, sub_account: str = "HOMS-001") -> Allocation:
    allocation = confirmed(app)
    return app.allocations.assign_account(
        allocation.id, by="finance-1", sub_account=sub_account, password=PASSWORD
    )


def current(app: App, allocation: Allocation) -> Allocation:
    return app.allocations.get(allocation.id, customer_id="alice")


def figures(assets: int) -> Figures:
    cash = assets // 5
    return Figures(assets, assets - cash, cash, cash_withdrawable=cash)


def frozen(app: App) -> int:
    return app.wallets.balance("alice").frozen.minor


def later(clock: ManualClock, day: date, hour: int = 16) -> None:
    """The platform's clock to ``hour`` o'clock in Shanghai on ``day``."""
    clock.set(datetime(day.year, day.month, day.day, hour, tzinfo=UTC) - timedelta(hours=8))


def sent_in(bot: BotHarness, marks: dict[str, int], name: str) -> list[dict[str, object]]:
    """The messages sent from the mark ``name`` up to the next mark (or the end)."""
    start = marks[name]
    end = min((m for m in marks.values() if m > start), default=len(bot.request.calls))
    return [parameters for method, parameters in bot.request.calls[start:end] if method == "sendMessage"]


def texts_in(bot: BotHarness, marks: dict[str, int], name: str) -> list[str]:
    return [str(p["text"]) for p in sent_in(bot, marks, name)]


# -- the menu -----------------------------------------------------------------------------------------


def test_the_allocations_menu_offers_each_role_its_lists_and_is_hidden_from_support(admins: App) -> None:
    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        for telegram in (REVIEWER, FINANCE, RISK, SUPPORT):
            admin = as_admin(bot, telegram)
            await bot.send(admin.command("/admin"))
            await bot.send(admin.presses("a:menu:allocations"))
        support = as_admin(bot, SUPPORT)
        await bot.send(support.presses("a:al_q:running"))
        await bot.send(support.presses("a:al_q:import"))
        await bot.send(support.says("2026-01-05 58000 46400 11600"))

    bot = play(admins, scenario)
    sent = bot.request.of("sendMessage")
    menus = [p for p in sent if str(p["text"]).startswith("Administration (")]
    reviewer, finance, risk, support = (button_data(menu) for menu in menus)
    assert "a:menu:allocations" in reviewer
    assert "a:menu:allocations" in finance
    assert "a:menu:allocations" in risk
    assert "a:menu:allocations" not in support
    lists = [button_data(p) for p in sent if p["text"] == "📈 Allocations: choose a list."]
    assert lists == [
        ["a:al_q:review", "a:al_q:confirmed", "a:al_q:running", "a:al_q:requests"],
        ["a:al_q:confirmed", "a:al_q:running"],
        ["a:al_q:running", "a:al_q:requests", "a:al_q:import", "a:al_q:flagged"],
    ]
    texts = bot.request.texts()
    assert "Your roles give you no allocation list to work on." in texts  # the forged menu button
    assert texts[-3:-1] == [REFUSAL, REFUSAL]  # core refuses the list; no statement is asked for
    assert texts[-1].startswith("I did not understand that")  # no step waits: the customer's handlers


# -- review -------------------------------------------------------------------------------------------


def test_a_reviewer_records_the_phone_call_and_confirms_the_allocation(admins: App) -> None:
    allocation = paid(admins)
    marks: dict[str, int] = {}

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        reviewer = as_admin(bot, REVIEWER)
        marks["list"] = bot.request.mark()
        await bot.send(reviewer.presses("a:al_q:review"))
        marks["card"] = bot.request.mark()
        await bot.send(reviewer.presses(f"a:al_show:{allocation.id}"))
        marks["early"] = bot.request.mark()
        await bot.send(reviewer.presses(f"a:al_ok:{allocation.id}"))
        marks["call"] = bot.request.mark()
        await bot.send(reviewer.presses(f"a:al_call:confirmed:{allocation.id}"))
        await bot.send(reviewer.says("wants 5×, knows the lines"))
        marks["confirm"] = bot.request.mark()
        await bot.send(reviewer.presses(f"a:al_ok:{allocation.id}"))
        marks["timeline"] = bot.request.mark()
        await bot.send(reviewer.presses(f"a:al_tl:{allocation.id}"))

    bot = play(admins, scenario)
    [listing] = sent_in(bot, marks, "list")
    assert listing["text"].splitlines() == [
        "🧐 Under review: 1; tap one to open it:",
        f"· {allocation.id} | 张三 (alice) | daily | ¥10,000.00 × 5 = ¥50,000.00",
    ]
    assert button_data(listing) == [f"a:al_show:{allocation.id}"]
    [card] = sent_in(bot, marks, "card")
    lines = card["text"].splitlines()
    assert lines[:5] == [
        f"Allocation {allocation.id}: under review",
        "Customer: alice 张三 ***8000",
        "Product: 按天配资 [daily] (version 1, daily)",
        "Deposit D ¥10,000.00 × leverage 5 = allocated B ¥50,000.00",
        "Term 5 trading days · fee ¥30.00 per trading day",
    ]
    assert "Payments: deposit ¥10,000.00 ✓, risk fund ¥250.00 ✓" in lines
    assert "Phone calls: none yet" in lines
    assert button_data(card) == [
        f"a:al_call:confirmed:{allocation.id}",
        f"a:al_call:no_answer:{allocation.id}",
        f"a:al_call:declined:{allocation.id}",
        f"a:al_ok:{allocation.id}",
        f"a:al_no:{allocation.id}",
        f"a:al_tl:{allocation.id}",
    ]
    assert texts_in(bot, marks, "early") == [
        "Record a phone call in which the customer confirmed the application first."
    ]
    ask, recorded, card_again = texts_in(bot, marks, "call")
    assert ask == (
        f"Phone call about {allocation.id}: confirmed by the customer. Type a note (- for none), "
        "or send /cancel:"
    )
    assert recorded == f"Call recorded for {allocation.id}: confirmed by the customer."
    assert "Phone calls:" in card_again.splitlines()
    assert any(
        line.endswith("reviewer-1: confirmed by the customer — wants 5×, knows the lines")
        for line in card_again.splitlines()
    )
    assert texts_in(bot, marks, "confirm") == [
        f"Allocation {allocation.id} confirmed. Warning line ¥55,000.00, liquidation line ¥53,000.00. "
        "Next: its sub-account is assigned."
    ]
    after = current(admins, allocation)
    assert after.status is Status.CONFIRMED
    assert [(c.by, c.outcome, c.note) for c in after.calls] == [
        ("reviewer-1", CallOutcome.CONFIRMED, "wants 5×, knows the lines")
    ]
    [timeline] = texts_in(bot, marks, "timeline")
    head, *events = timeline.splitlines()
    assert head == f"Timeline of {allocation.id} (the last {len(events)} of {len(events)} events):"
    assert (
        "| phone call | reviewer-1 | note wants 5×, knows the lines, outcome confirmed by the customer"
        in ("\n".join(events))
    )
    assert [e.split(" | ")[1:3] for e in events[-2:]] == [
        ["confirmed", "reviewer-1"],
        ["agreement issued", "system"],
    ]


def test_a_call_without_a_note_and_a_rejection_that_asks_for_its_reason(admins: App) -> None:
    allocation = paid(admins)
    assert frozen(admins) == 1_025_000

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        reviewer = as_admin(bot, REVIEWER)
        await bot.send(reviewer.presses(f"a:al_call:no_answer:{allocation.id}"))
        await bot.send(reviewer.says("-"))
        await bot.send(reviewer.presses(f"a:al_no:{allocation.id}"))
        await bot.send(reviewer.says("   "))
        await bot.send(reviewer.says("the customer could not be reached"))

    bot = play(admins, scenario)
    texts = bot.request.texts()
    assert f"Call recorded for {allocation.id}: no answer." in texts
    assert texts[-3].startswith("Type the reason for the rejection")
    assert texts[-2] == "A rejection needs a reason."
    assert texts[-1] == (
        f"Allocation {allocation.id} rejected: the customer could not be reached. Everything the customer "
        "paid is unfrozen."
    )
    after = current(admins, allocation)
    assert (after.status, after.reason) == (Status.REJECTED, "the customer could not be reached")
    assert [(c.outcome, c.note) for c in after.calls] == [(CallOutcome.NO_ANSWER, "")]
    assert frozen(admins) == 0


def test_a_reviewer_using_the_bot_in_chinese_rejects_an_allocation(admins: App) -> None:
    allocation = paid(admins)

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        reviewer = as_admin(bot, REVIEWER_ZH, language="zh")
        await bot.send(reviewer.presses("a:menu:allocations"))
        await bot.send(reviewer.presses(f"a:al_show:{allocation.id}"))
        await bot.send(reviewer.presses(f"a:al_no:{allocation.id}"))
        await bot.send(reviewer.says("保证金未到账"))

    bot = play(admins, scenario)
    menu, card, ask, done = bot.request.texts()
    assert menu == "📈 配资管理：请选择列表。"
    assert card.splitlines()[:2] == [f"配资 {allocation.id}：待审核", "客户：alice 张三 ***8000"]
    assert "支付：保证金 ¥10,000.00 ✓，风险保证金 ¥250.00 ✓" in card.splitlines()
    assert ask.startswith("请输入驳回原因")
    assert done == f"配资 {allocation.id} 已驳回：保证金未到账。客户已支付的款项均已解冻。"
    assert current(admins, allocation).status is Status.REJECTED


# -- the sub-account ----------------------------------------------------------------------------------


def test_finance_assigns_the_sub_account_and_its_password_is_deleted_and_never_repeated(
    admins: App,
) -> None:
    allocation = confirmed(admins)
    store = DictUiStore()
    typed: dict[str, int] = {}

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        finance = as_admin(bot, FINANCE)
        await bot.send(finance.presses("a:al_q:confirmed"))
        await bot.send(finance.presses(f"a:al_show:{allocation.id}"))
        await bot.send(finance.presses(f"a:al_assign:{allocation.id}"))
        await bot.send(finance.says("HOMS 001"))  # a space: not a sub-account code
        await bot.send(finance.says("HOMS-001"))
        await bot.send(finance.command("/cancel"))
        await bot.send(finance.presses(f"a:al_assign:{allocation.id}"))
        await bot.send(finance.says("HOMS-001"))
        await bot.application.update_persistence()
        waiting = "\n".join(store.rows.values())
        assert "admin.alloc_password" in waiting  # the step waiting for the password is persisted
        password = finance.says(PASSWORD)
        assert password.message is not None
        typed["message"] = password.message.message_id
        await bot.send(password)
        await bot.application.update_persistence()
        assert all(PASSWORD not in value for value in store.rows.values())  # never the password

    bot = play(admins, scenario, ui_state=store)
    _listing, _card, ask_code, bad_code, ask_password, cancelled, *rest = bot.request.texts()
    assert button_data(bot.request.of("sendMessage")[0]) == [f"a:al_show:{allocation.id}"]
    assert f"a:al_assign:{allocation.id}" in button_data(bot.request.of("sendMessage")[1])
    assert f"a:al_no:{allocation.id}" not in button_data(bot.request.of("sendMessage")[1])  # not finance's
    assert ask_code == f"Type the trading sub-account code for {allocation.id}, or send /cancel:"
    assert bad_code.startswith("A name must be 1 to 64 letters")
    assert ask_password.startswith("Type the password of sub-account HOMS-001.")
    assert cancelled == "Cancelled."
    assert rest[-1] == (
        f"Sub-account HOMS-001 is assigned to {allocation.id}: it trades from 2026-01-05 to 2026-01-09. "
        "The customer can read the password once in the bot."
    )
    assert bot.request.of("deleteMessage") == [{"chat_id": FINANCE, "message_id": typed["message"]}]
    assert all(PASSWORD not in str(parameters) for name, parameters in bot.request.calls if name != "getMe")
    after = current(admins, allocation)
    assert (after.status, after.sub_account) == (Status.IN_PROGRESS, "HOMS-001")
    assert PASSWORD not in after.sealed_password
    assert admins.allocations.reveal_password(allocation.id, customer_id="alice") == PASSWORD


# -- daily status -------------------------------------------------------------------------------------


def test_a_risk_officer_types_a_daily_status_and_a_bad_line_is_asked_again(admins: App) -> None:
    allocation = running(admins)
    marks: dict[str, int] = {}

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        risk = as_admin(bot, RISK)
        await bot.send(risk.presses("a:al_q:running"))
        await bot.send(risk.presses(f"a:al_show:{allocation.id}"))
        marks["status"] = bot.request.mark()
        await bot.send(risk.presses(f"a:al_status:{allocation.id}"))
        await bot.send(risk.says("2026-01-05 58000 46400"))
        await bot.send(risk.says("5.1.2026 58000 46400 11600"))
        await bot.send(risk.says("2026-01-05 58000 46400 11600.001"))
        await bot.send(risk.says("2026-01-05 58000 46400 11000"))
        await bot.send(risk.says("2026-01-06 58000 46400 11600"))
        await bot.send(risk.says("2026-01-05 58,000 46400 11600 0 5000"))
        marks["warning"] = bot.request.mark()
        await bot.send(risk.presses(f"a:al_status:{allocation.id}"))
        await bot.send(risk.says("2026-01-05 54000 43200 10800"))
        await bot.send(risk.presses("a:al_q:running"))

    bot = play(admins, scenario)
    listing, card = bot.request.texts()[:2]
    assert (
        listing.splitlines()[1] == f"· {allocation.id} | sub-account HOMS-001 | assets none yet | 🟢 normal"
    )
    assert "Sub-account: HOMS-001, 2026-01-05 to 2026-01-09" in card.splitlines()
    assert "No daily status yet, 🟢 normal" in card.splitlines()
    assert button_data(bot.request.of("sendMessage")[1]) == [
        f"a:al_status:{allocation.id}",
        f"a:al_settle:{allocation.id}",
        f"a:al_chart:{allocation.id}",
        f"a:al_tl:{allocation.id}",
    ]
    ask, few, bad_date, bad_amount, mismatch, again, future, again_2, recorded = texts_in(
        bot, marks, "status"
    )
    assert ask.splitlines()[1:3] == [
        "date total_assets market_value cash_available [cash_frozen] [cash_withdrawable]",
        "e.g. 2026-01-05 58000 46400 11600",
    ]
    assert few.startswith("That line cannot be read: it needs 4 to 6 fields, not 3.")
    assert bad_date.startswith("That line cannot be read: the date must be written like 2026-01-05.")
    assert bad_amount.startswith("That line cannot be read: available cash: ")
    assert mismatch == "Total assets ¥58,000.00 differ from cash plus market value by ¥600.00."
    assert again == again_2 == "Type the corrected line, or send /cancel."
    assert future.startswith("No status can be recorded for 2026-01-06 (")
    assert recorded == (
        f"Status of 2026-01-05 recorded for {allocation.id} (revision 1): total assets ¥58,000.00, risk "
        "ratio 116.00%, risk 🟢 normal → 🟢 normal."
    )
    _ask, warned, listing_again = texts_in(bot, marks, "warning")
    assert warned == (
        f"Status of 2026-01-05 recorded for {allocation.id} (revision 2): total assets ¥54,000.00, risk "
        "ratio 108.00%, risk 🟢 normal → 🟠 warning."
    )
    assert listing_again.splitlines()[1] == (
        f"· {allocation.id} | sub-account HOMS-001 | assets ¥54,000.00 | 🟠 warning"
    )
    after = current(admins, allocation)
    assert (after.last_assets, after.risk) == (5_400_000, Risk.WARNING)
    first, second = admins.allocations.timeline(allocation.id, by="risk-1").statuses
    assert (first.figures.cash_frozen, first.figures.cash_withdrawable) == (0, 500_000)
    assert second.revision == 2


# -- importing a statement ----------------------------------------------------------------------------


def test_a_statement_with_bad_rows_changes_nothing_and_a_good_one_is_applied(admins: App) -> None:
    allocation = running(admins)
    bad = HEADER + "HOMS-001,2026-01-05,58000,46400,11600,0,11600,0,0,\n"
    bad += "HOMS-001,2026-01-05,58000,46400,11600,0,11600,0,0,twice\n"
    bad += "HOMS-001,2026-01-05,58000,40000,11600,0,11600,0,0,\n"
    bad += "".join(f"NOPE-{n:02},2026-01-05,1000,800,200,0,0,0,0,\n" for n in range(22))
    good = "\ufeff" + HEADER + "HOMS-001,2026-01-05,54000.00,43200.00,10800.00,0,10800.00,0,0,close\n"
    marks: dict[str, int] = {}

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        bot.request.files["bad"] = bad.encode()
        bot.request.files["latin"] = "sub_account,trade_date\nHÖMS,2026-01-05\n".encode("utf-16")
        bot.request.files["good"] = good.encode()
        risk = as_admin(bot, RISK)
        await bot.send(risk.presses("a:al_q:import"))
        await bot.send(risk.says("here it comes"))
        marks["bad"] = bot.request.mark()
        await bot.send(risk.sends_document("bad", len(bad), "text/csv", "bad.csv"))
        marks["latin"] = bot.request.mark()
        await bot.send(risk.sends_document("latin", 40, "text/csv", "latin.csv"))
        marks["good"] = bot.request.mark()
        await bot.send(risk.sends_document("good", len(good.encode()), "text/csv", "good.csv"))
        await bot.send(risk.says("anything else"))

    bot = play(admins, scenario)
    ask, send_a_file = bot.request.texts()[:2]
    assert ask.startswith("Send the statement as a file: a CSV (UTF-8 or GBK) or an Excel workbook (.xlsx). ")
    assert "sub_account, trade_date, total_assets" in ask
    assert send_a_file == "Please send the statement as a CSV or .xlsx file, or send /cancel."
    [refused] = texts_in(bot, marks, "bad")
    lines = refused.splitlines()
    assert lines[0] == "24 rows are wrong; nothing was applied:"
    assert lines[1] == "· line 3: repeats line 2 (same sub-account and day)"
    assert lines[2].startswith("· line 4: Total assets ¥58,000.00 differ from cash plus market value")
    assert lines[3] == "· line 5: no running allocation uses sub-account NOPE-00"
    assert len(lines) == 1 + 20 + 2
    assert lines[-2:] == ["… and 4 more", "Correct the file and send it again, or send /cancel."]
    [unreadable] = texts_in(bot, marks, "latin")  # neither UTF-8 nor GBK/GB18030 (UTF-16)
    assert "line 1: the file is neither a CSV in UTF-8 or GBK/GB18030 nor an .xlsx workbook" in unreadable
    imported, after_import = texts_in(bot, marks, "good")
    assert imported.splitlines() == [
        "Statement imported: 1 rows applied.",
        "Risk states changed:",
        f"· {allocation.id}: 🟢 normal → 🟠 warning",
    ]
    assert after_import.startswith("I did not understand that")  # the import step is over
    [status] = admins.allocations.timeline(allocation.id, by="risk-1").statuses
    assert (status.trade_date, status.figures.total_assets, status.figures.note) == (
        date(2026, 1, 5),
        5_400_000,
        "close",
    )


def test_the_same_statement_sent_again_is_not_stored_twice_and_the_administrator_is_told_so(
    admins: App,
) -> None:
    allocation = running(admins)
    statement = HEADER + "HOMS-001,2026-01-05,54000.00,43200.00,10800.00,0,10800.00,0,0,close\n"
    again = statement.replace("\n", "\r\n")  # saved once more by a spreadsheet
    marks: dict[str, int] = {}

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        bot.request.files["first"] = statement.encode()
        bot.request.files["again"] = again.encode()
        risk = as_admin(bot, RISK)
        await bot.send(risk.presses("a:al_q:import"))
        await bot.send(risk.sends_document("first", len(statement), "text/csv", "statement.csv"))
        root = as_admin(bot, ROOT, "zh-hans")
        await bot.send(root.presses("a:al_q:import"))
        marks["again"] = bot.request.mark()
        await bot.send(root.sends_document("again", len(again), "text/csv", "statement.csv"))

    bot = play(admins, scenario)
    [told] = texts_in(bot, marks, "again")
    assert re.fullmatch(r"该对账单已于 2026-01-05 \d\d:\d\d 由 risk-1 导入（1 行），本次未重复录入。", told)
    statuses = admins.allocations.timeline(allocation.id, by="risk-1").statuses
    assert [(s.trade_date, s.revision) for s in statuses] == [(date(2026, 1, 5), 1)]


# -- chart --------------------------------------------------------------------------------------------


def test_the_chart_of_a_running_allocation_is_sent_as_a_photo(admins: App, clock: ManualClock) -> None:
    allocation = running(admins)
    admins.allocations.record_status(allocation.id, date(2026, 1, 5), figures(5_800_000), by="risk-1")
    later(clock, date(2026, 1, 6))
    admins.allocations.record_status(allocation.id, date(2026, 1, 6), figures(5_600_000), by="risk-1")
    admins.allocations.record_status(allocation.id, date(2026, 1, 6), figures(5_650_000), by="risk-1")

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(as_admin(bot, RISK).presses(f"a:al_chart:{allocation.id}"))
        await bot.send(as_admin(bot, REVIEWER_ZH, language="zh").presses(f"a:al_chart:{allocation.id}"))

    bot = play(admins, scenario)
    english, chinese = bot.request.of("sendPhoto")
    filename, picture = english["files"]["photo"]
    assert (filename, picture[:8]) == (f"{allocation.id}.png", b"\x89PNG\r\n\x1a\n")
    assert english["caption"] == (
        f"Allocation {allocation.id} (sub-account HOMS-001): total assets against the warning line "
        "¥55,000.00 and the liquidation line ¥53,000.00, 2 trading days."
    )
    assert english["chat_id"] == RISK
    assert chinese["caption"].startswith(f"配资 {allocation.id}（子账户 HOMS-001）")


# -- settlement ---------------------------------------------------------------------------------------


def test_a_settlement_waits_for_a_second_administrator_who_approves_it_in_the_queue(admins: App) -> None:
    allocation = running(admins)
    admins.allocations.record_status(allocation.id, date(2026, 1, 5), figures(5_720_000), by="risk-1")
    wallet_before = admins.wallets.balance("alice").available.minor
    found: dict[str, str] = {}

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        risk = as_admin(bot, RISK)
        await bot.send(risk.presses(f"a:al_settle:{allocation.id}"))
        await bot.send(risk.says("fifty thousand"))
        await bot.send(risk.says("57,200"))
        [approval] = re.findall(r"approval request (approval-\w+) is open", bot.request.last_text())
        found["approval"] = approval
        assert current(admins, allocation).status is Status.IN_PROGRESS
        await bot.send(risk.presses("a:menu:approvals"))  # the maker cannot check it
        await approve_in_queue(bot, as_admin(bot, ROOT), approval)
        await bot.send(risk.presses(f"a:al_show:{allocation.id}"))

    bot = play(admins, scenario)
    texts = bot.request.texts()
    assert texts[0] == (
        f"Type the final total assets of {allocation.id} (sub-account HOMS-001) in yuan, e.g. 57200.00, or "
        "send /cancel. The settlement waits for a second administrator."
    )
    assert texts[1].startswith("That amount")  # not an amount: asked again
    assert texts[2] == (
        f"The settlement of {allocation.id} with final assets ¥57,200.00 waits for a second administrator: "
        f"approval request {found['approval']} is open."
    )
    assert texts[3] == "Nothing is waiting."
    card = texts[-1].splitlines()
    assert card[0] == f"Allocation {allocation.id}: settled"
    assert any(line.startswith("Settlement: final assets ¥57,200.00, payout ¥7,200.00") for line in card)
    after = current(admins, allocation)
    assert after.status is Status.SETTLED
    assert after.settlement is not None
    assert (after.settlement.final_assets, after.settlement.by) == (5_720_000, "root")
    assert admins.wallets.balance("alice").available.minor > wallet_before


# -- side requests ------------------------------------------------------------------------------------


def test_side_requests_are_approved_and_rejected_by_the_administrators_their_kind_needs(
    admins: App, clock: ManualClock
) -> None:
    allocation = running(admins)
    top_up = admins.allocations.ask(allocation.id, "top_up", customer_id="alice", amount=200_000)
    clock.advance(seconds=1)
    termination = admins.allocations.ask(allocation.id, "termination", customer_id="alice")
    marks: dict[str, int] = {}

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        reviewer, risk = as_admin(bot, REVIEWER), as_admin(bot, RISK)
        marks["list"] = bot.request.mark()
        await bot.send(reviewer.presses("a:al_q:requests"))
        marks["decide"] = bot.request.mark()
        await bot.send(reviewer.presses(f"a:rq_ok:{top_up.id}"))
        await bot.send(reviewer.presses(f"a:rq_ok:{top_up.id}"))  # a double tap
        await bot.send(reviewer.presses(f"a:rq_ok:{termination.id}"))  # not the reviewer's to decide
        marks["reject"] = bot.request.mark()
        await bot.send(risk.presses(f"a:rq_no:{termination.id}"))
        await bot.send(risk.says("settle after the close instead"))
        await bot.send(risk.presses("a:al_q:requests"))

    bot = play(admins, scenario)
    first, second = sent_in(bot, marks, "list")
    assert first["text"].splitlines() == [
        f"Request {top_up.id}: margin top-up",
        f"Allocation: {allocation.id}",
        "Customer: 张三 (alice)",
        "Amount: ¥2,000.00",
        "Periods: —",
        "Asked: 2026-01-05 09:30",
    ]
    assert button_data(first) == [
        f"a:rq_ok:{top_up.id}",
        f"a:rq_no:{top_up.id}",
        f"a:al_show:{allocation.id}",
    ]
    assert second["text"].splitlines()[0] == f"Request {termination.id}: termination"
    approved = f"Request {top_up.id} (margin top-up) of {allocation.id} approved."
    assert texts_in(bot, marks, "decide") == [approved, approved, REFUSAL]
    ask, rejected, empty = texts_in(bot, marks, "reject")
    assert ask.startswith("Type the reason for the rejection")
    assert rejected == (
        f"Request {termination.id} (termination) of {allocation.id} rejected: settle after the close instead"
    )
    assert empty == "Nothing is waiting."
    decided = {r.id: r for r in admins.allocations.timeline(allocation.id, by="risk-1").requests}
    assert (decided[top_up.id].status, decided[top_up.id].decided_by) == (
        RequestStatus.APPROVED,
        "reviewer-1",
    )
    assert (decided[termination.id].status, decided[termination.id].reason) == (
        RequestStatus.REJECTED,
        "settle after the close instead",
    )
    assert current(admins, allocation).top_ups == 200_000
