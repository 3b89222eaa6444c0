"""📜 The customer's statement through the bot: each line says what it was for (the allocation and its fee
period, the loan and its installment) for every ledger code in both languages; the periods and the kinds of
business narrow it and survive page turns; every list of it pages with 0, 1, a page and a page and one
lines; and it goes out as a CSV file and as a PDF statement (in English where no Chinese font is
installed)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from bot_harness import BotHarness, TelegramUser, button_data, play
from language_check import CJK_RUN, foreign_words
from lending_bot_world import BORROWER, IVAN, PNG, the_platform

from p2pstock import fonts
from p2pstock.adapters.clock import ManualClock
from p2pstock.bootstrap import App
from p2pstock.bots.telegram import statement_pdf
from p2pstock.bots.telegram.fund_activity import PAGE, Known, movement_line
from p2pstock.core.allocation.allocations import Allocation
from p2pstock.core.allocation.products import Mode
from p2pstock.core.ledger import codes
from p2pstock.core.ledger.activity import Movement, Outcome
from p2pstock.core.lending.loans import Loan
from p2pstock.core.lending.schedules import Method
from p2pstock.core.money import CNY, Money
from p2pstock.core.names import CODE_NAMES
from p2pstock.core.papers import ALLOCATION_RISK
from p2pstock.core.people.customers import Customer, KycStatus
from services.allocation_world import MONTHLY, open_platform, running_for

LI = 1001
"""The harness's user: 李伟, who reads Chinese."""
DEJAVU = sorted(Path("/usr/share/fonts").glob("**/DejaVuSans.ttf"))


def a_line(code: str, transfer_id: str = "", reference: str = "", seq: int = 7) -> Movement:
    return Movement(seq, 0, "2026-03-02", code, reference, -3_000, Outcome.DONE, transfer_id=transfer_id)


def said(m: Movement, lang: str, named: Known | None = None) -> str:
    return movement_line(m, CNY, lang, named)


# -- what each line says ----------------------------------------------------------------------------------

LEDGER_CODES = sorted(v for k, v in vars(codes).items() if k.isupper() and isinstance(v, str))
FAMILY_REFERENCE = {"allocation": "a5cdee136b7a", "loan": "l0a1b2c3d4e5"}


@pytest.mark.parametrize("code", LEDGER_CODES)
def test_every_ledger_code_has_a_label_of_its_own_in_both_languages(code: str) -> None:
    zh, en = CODE_NAMES["ledger"][code]
    assert zh.strip() and en.strip()
    assert not CJK_RUN.search(en) and foreign_words(zh, "zh") == []


@pytest.mark.parametrize("code", LEDGER_CODES)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_line_of_every_ledger_code_reads_in_its_readers_language(code: str, lang: str) -> None:
    reference = FAMILY_REFERENCE.get(code.partition(".")[0], "bank:T-1")
    line = said(a_line(code, reference=reference), lang, Known(installments={7: (2, 3)}))
    assert foreign_words(line, lang) == [], line
    assert CODE_NAMES["ledger"][code][0 if lang == "zh" else 1].lower() in line.lower()


FEE = "a5cdee136b7a"


@pytest.mark.parametrize(
    ("line", "mode", "zh", "en"),
    [
        (a_line(codes.ALLOCATION_FEE, f"alloc:{FEE}:fee3", FEE), Mode.DAILY, "配资管理费 #{id} 第 3 日",
         "Management fee #{id}, day 3"),
        (a_line(codes.ALLOCATION_FEE, f"alloc:{FEE}:fee2", FEE), Mode.MONTHLY, "配资管理费 #{id} 第 2 月",
         "Management fee #{id}, month 2"),
        (a_line(codes.ALLOCATION_FEE, f"alloc:{FEE}:arrears20260119", FEE), Mode.DAILY,
         "配资管理费 #{id} 欠费补扣", "Management fee #{id}, fees overdue"),
        (a_line(codes.ALLOCATION_RISK_FUND, f"alloc:{FEE}:risk_fund:fee1", FEE), Mode.DAILY,
         "配资风险保证金 #{id} 扣第 1 日管理费后", "Allocation risk fund #{id}, after day 1's fee"),
        (a_line(codes.ALLOCATION_PAYOUT, f"alloc:{FEE}:settle:payout", FEE), Mode.DAILY,
         "配资结算返还 #{id}", "Settlement payout #{id}"),
        (a_line(codes.ALLOCATION_FEE, f"alloc:{FEE}:fee4", FEE), None, "配资管理费 #{id} 第 4 期",
         "Management fee #{id}, period 4"),
    ],
    ids=["a day's fee", "a month's fee", "fees overdue", "the risk fund left", "the payout", "mode unknown"],
)  # fmt: skip
def test_an_allocation_line_names_the_allocation_and_the_fee_period(
    line: Movement, mode: Mode | None, zh: str, en: str
) -> None:
    named = Known(modes={} if mode is None else {FEE: mode})
    assert said(line, "zh", named).split(" ", 1)[1] == f"{zh.format(id=FEE)} -¥30.00"
    assert said(line, "en", named).split(" ", 1)[1] == f"{en.format(id=FEE)} -¥30.00"


LOAN = "l0a1b2c3d4e5"


@pytest.mark.parametrize(
    ("code", "transfer", "paid", "zh", "en"),
    [
        (codes.LOAN_REPAYMENT, "pay-1:in", (2, 2), "还款 借款 #{id} 第 2 期",
         "Repayment, loan #{id}, installment 2"),
        (codes.LOAN_PRINCIPAL, "auto3:i1:principal", (2, 2), "回款本金 借款 #{id} 第 2 期",
         "Principal received, loan #{id}, installment 2"),
        (codes.LOAN_REPAYMENT, "early-9:in", (2, 18), "还款 借款 #{id} 第 2–18 期（提前还款）",
         "Repayment, loan #{id}, installments 2–18 (repaid early)"),
        (codes.LOAN_DISBURSEMENT, "disburse", None, "借款到账 借款 #{id}", "Loan disbursed, loan #{id}"),
    ],
    ids=["a repayment", "principal received", "repaid early", "the disbursement"],
)  # fmt: skip
def test_a_loan_line_names_the_loan_and_its_installments(
    code: str, transfer: str, paid: tuple[int, int] | None, zh: str, en: str
) -> None:
    line = a_line(code, f"loan:{LOAN}:{transfer}", LOAN)
    named = Known(installments={} if paid is None else {line.seq: paid})
    assert said(line, "zh", named).split(" ", 1)[1] == f"{zh.format(id=LOAN)} -¥30.00"
    assert said(line, "en", named).split(" ", 1)[1] == f"{en.format(id=LOAN)} -¥30.00"


# -- through the bot: an allocation's lines -----------------------------------------------------------


def li(app: App, *, wallet: int = 5_000_000) -> Customer:
    """李伟 on Telegram (the harness's user), verified, reading Chinese, ``wallet`` in his wallet."""
    customer = Customer(
        "li", telegram_user_id=LI, language="zh", phone="+8613800138000", real_name="李伟",
        status=KycStatus.VERIFIED,
    )  # fmt: skip
    app.office.run(lambda tx: tx.uow.customers.add(customer))
    app.papers.acknowledge(customer.id, ALLOCATION_RISK)
    app.wallets.open("li")
    if wallet:
        deposit(app, wallet, "li-start")
    return customer


def deposit(app: App, amount: int, transaction: str, customer_id: str = "li") -> None:
    app.wallets.confirm_deposit(customer_id, gateway="bank", transaction_id=transaction, amount=Money(amount))


def shanghai(clock: ManualClock, day: date, hour: int = 16) -> None:
    clock.set(datetime(day.year, day.month, day.day, hour, tzinfo=UTC) - timedelta(hours=8))


def page_lines(bot: BotHarness, *, edited: bool = False) -> list[str]:
    sent = bot.request.of("editMessageText" if edited else "sendMessage")[-1]
    return str(sent["text"]).splitlines()


def test_an_allocations_fees_name_their_days_newest_first(app: App, clock: ManualClock) -> None:
    open_platform(app)
    li(app)
    allocation = running_for(app, "li", "HOMS-1", term=5)
    app.allocations.charge_fees(date(2026, 1, 5))
    shanghai(clock, date(2026, 1, 7))
    app.allocations.charge_fees(date(2026, 1, 7))

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(user.command("/statement"))

    bot = play(app, scenario)
    a = allocation.id
    assert page_lines(bot)[2:] == [
        f"2026-01-07 配资管理费 #{a} 第 3 日 -¥30.00",
        f"2026-01-07 配资管理费 #{a} 第 2 日 -¥30.00",
        f"2026-01-05 配资管理费 #{a} 第 1 日 -¥30.00",
        f"2026-01-05 配资风险保证金 #{a} -¥250.00（冻结中）",
        f"2026-01-05 配资保证金 #{a} -¥10,000.00（冻结中）",
    ]


def test_a_monthly_allocations_fee_names_its_month(app: App, clock: ManualClock) -> None:
    open_platform(app)
    li(app)
    allocation = running_for_monthly(app)
    shanghai(clock, date(2026, 2, 5))
    app.allocations.charge_fees(date(2026, 2, 5))

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(user.presses("st:0:month:allocation"))

    title, _balance, newest, *_ = page_lines(play(app, scenario), edited=True)
    assert title == "📜 资金动态 · 本月 · 配资（第 1 页，最新在前）"
    assert newest == f"2026-02-05 配资管理费 #{allocation.id} 第 2 月 -¥750.00"


def running_for_monthly(app: App) -> Allocation:
    """A monthly allocation of Li's (the first month prepaid), running from 2026-01-05."""
    allocation = app.allocations.apply("li", product=MONTHLY.code, deposit=1_000_000, leverage=5, term=3)
    for component in allocation.due:
        app.allocations.pay(allocation.id, component, customer_id="li")
    app.allocations.record_call(allocation.id, by="reviewer-1", outcome="confirmed")
    app.allocations.confirm(allocation.id, by="reviewer-1")
    return app.allocations.assign_account(
        allocation.id, by="finance-1", sub_account="M-1", password="Tr4de!pass"
    )


# -- through the bot: a loan's lines ------------------------------------------------------------------


def what_of(line: str) -> str:
    """What a statement line says it was for: between its day and its amount."""
    found = re.fullmatch(r"\S+ (.+) [+-]¥[0-9,.]+.*", line)
    assert found, line
    return found[1]


def disbursed(app: App) -> Loan:
    """Bella's ¥5,000 over two months, funded by Ivan (¥3,000) and Iris (¥2,000), disbursed on 2026-03-02."""
    document = app.customers.upload_document("bella", "house_certificate", PNG)
    app.kyc.accept_document(document.id, by="reviewer-1")
    loan = app.lending.apply(
        "bella", product="personal", amount=500_000, months=2, rate_bp=1_200,
        method=Method.EQUAL_INSTALLMENTS, purpose="shop renovation", documents=[document.id], bidding_days=3,
    )  # fmt: skip
    app.lending.first_review(loan.id, by="reviewer-1")
    app.lending.final_review(loan.id, by="reviewer-2")
    app.lending.invest(loan.id, investor_id="ivan", amount=300_000)
    app.lending.invest(loan.id, investor_id="iris", amount=200_000)
    return app.lending.approve_full(loan.id, by="risk-1")


def test_the_borrower_and_an_investor_read_which_installment_each_payment_was_for(
    app: App, clock: ManualClock
) -> None:
    the_platform(app, clock)
    loan = disbursed(app)
    shanghai(clock, date(2026, 3, 20), 12)
    app.lending.repay(loan.id, customer_id="bella", amount=10_000, request_id="part")  # settles nothing
    shanghai(clock, date(2026, 4, 2), 9)
    app.lending.repay(loan.id, customer_id="bella", request_id="rest")

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(bot.user(BORROWER, language_code="en").command("/statement"))
        await bot.send(bot.user(IVAN, language_code="en").presses("st:0:all:loan"))

    bot = play(app, scenario)
    borrower = bot.request.of("sendMessage")[-1]["text"].splitlines()
    investor = bot.request.of("editMessageText")[-1]["text"].splitlines()
    paid_now = borrower[2].rsplit(" ", 1)[1]
    assert borrower[2:5] == [
        f"2026-04-02 Repayment, loan #{loan.id}, installment 1 {paid_now}",
        f"2026-03-20 Repayment, loan #{loan.id}, installment 1 -¥100.00",
        f"2026-03-02 Loan disbursed, loan #{loan.id} +¥4,900.00",
    ]
    assert [what_of(line) for line in investor[2:]] == [
        f"Interest received, loan #{loan.id}, installment 1",
        f"Principal received, loan #{loan.id}, installment 1",
        f"Investment, loan #{loan.id}",
    ]


# -- narrowing, and paging every list --------------------------------------------------------------


def with_deposits(app: App, count: int) -> None:
    li(app, wallet=0)
    for n in range(1, count + 1):
        deposit(app, n * 10_000, f"T-{n}")


@pytest.mark.parametrize("count", [0, 1, PAGE, PAGE + 1])
@pytest.mark.parametrize("kind", ["", "cash"])
def test_the_statement_pages_with_none_one_a_page_and_one_more_line(app: App, count: int, kind: str) -> None:
    with_deposits(app, count)
    first = "st:0:all:cash" if kind else "st:0"
    second = "st:1:all:cash" if kind else "st:1"

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(user.presses(first))
        shown = bot.request.of("editMessageText")[-1]
        assert (second in button_data(shown)) is (count > PAGE)
        newest = [f"2026-01-05 充值 +¥{n * 100}.00" for n in range(count, max(count - PAGE, 0), -1)]
        assert shown["text"].splitlines()[2:] == (newest or ["暂无资金动态。"])
        if count > PAGE:
            await bot.send(user.presses(second))
            rest = bot.request.of("editMessageText")[-1]
            assert rest["text"].splitlines()[2:] == ["2026-01-05 充值 +¥100.00"]
            assert first in button_data(rest) and second not in button_data(rest)

    play(app, scenario)


def test_a_kind_and_a_period_are_kept_across_page_turns_and_each_other(app: App, clock: ManualClock) -> None:
    with_deposits(app, PAGE + 1)
    shanghai(clock, date(2026, 2, 3))
    deposit(app, 99_900, "T-feb")

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(user.presses("st:0:last:cash"))
        shown = bot.request.of("editMessageText")[-1]
        assert shown["text"].splitlines()[0] == "📜 资金动态 · 上月 · 充值提现（第 1 页，最新在前）"
        assert button_data(shown) == [
            "st:1:last:cash",
            "st:0:all:cash",
            "st:0:month:cash",
            "st:0:last",
            "st:0:last:allocation",
            "st:0:last:loan",
            "sx:last:cash",
            "sp:last:cash",
        ]
        await bot.send(user.presses("st:1:last:cash"))
        assert page_lines(bot, edited=True)[0] == "📜 资金动态 · 上月 · 充值提现（第 2 页，最新在前）"
        assert page_lines(bot, edited=True)[2:] == ["2026-01-05 充值 +¥100.00"]
        await bot.send(user.presses("st:0:month:cash"))
        assert page_lines(bot, edited=True)[2:] == ["2026-02-03 充值 +¥999.00"]
        await bot.send(user.presses("st:0:month:loan"))
        assert page_lines(bot, edited=True)[2:] == ["暂无资金动态。"]

    play(app, scenario)


def test_a_page_of_a_narrowing_never_opened_is_outdated(app: App) -> None:
    with_deposits(app, PAGE + 1)

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(user.presses("st:0:all:cash"))
        await bot.send(user.presses("st:1:month:cash"))  # only the page of everything was opened

    bot = play(app, scenario)
    assert bot.request.of("answerCallbackQuery")[-1]["text"] == "此按钮已失效。"


# -- the files --------------------------------------------------------------------------------------------


def csv_rows(bot: BotHarness) -> tuple[str, list[list[str]]]:
    [sent] = bot.request.of("sendDocument")
    filename, content = sent["files"]["document"]
    return filename, list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_the_csv_holds_only_the_kind_asked_for(app: App) -> None:
    open_platform(app)
    li(app)
    running_for(app, "li", "HOMS-1", term=5)
    app.wallets.request_withdrawal("li", request_id="W-1", amount=Money(10_000))

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(user.presses("sx:month:cash"))

    filename, rows = csv_rows(play(app, scenario))
    assert filename == "fund-activity-month-cash-20260105.csv"
    assert rows == [
        ["时间", "项目", "金额", "状态"],
        ["2026-01-05 09:30", "提现", "-100.00", "冻结中"],
        ["2026-01-05 09:30", "充值", "50000.00", "已完成"],
    ]


class Rendered:
    """What the PDF statements the bot sent were made of (the renderer itself still makes each)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.statements: list[tuple[statement_pdf.Statement, Path | None]] = []
        render = statement_pdf.render_statement_pdf

        def recording(statement: statement_pdf.Statement, font: Path | None, face: int = 0) -> bytes:
            self.statements.append((statement, font))
            return render(statement, font, face)

        monkeypatch.setattr(statement_pdf, "render_statement_pdf", recording)


@pytest.fixture
def rendered(monkeypatch: pytest.MonkeyPatch) -> Rendered:
    return Rendered(monkeypatch)


@pytest.fixture
def without_a_chinese_font() -> Iterator[None]:
    if not DEJAVU:
        pytest.skip("DejaVu Sans is not installed")
    fonts.configure(roots=[DEJAVU[0].parent])
    yield
    fonts.configure()


def a_pdf(bot: BotHarness) -> tuple[str, bytes, str]:
    [sent] = bot.request.of("sendDocument")
    filename, content = sent["files"]["document"]
    return filename, content, sent["caption"]


def test_the_pdf_statement_names_the_customer_the_period_the_balances_and_every_line(
    app: App, clock: ManualClock, rendered: Rendered, cjk_font: Path
) -> None:
    with_deposits(app, 2)
    app.wallets.request_withdrawal("li", request_id="W-1", amount=Money(5_000))
    shanghai(clock, date(2026, 1, 7), 10)

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(user.presses("sp:all"))

    filename, content, caption = a_pdf(play(app, scenario))
    [(statement, font)] = rendered.statements
    assert filename == "fund-activity-all-20260107.pdf"
    assert content.startswith(b"%PDF-") and content.rstrip().endswith(b"%%EOF")
    assert caption == "资金对账单（PDF），共 3 条。"
    assert font == fonts.cjk_font()
    assert statement.title == "p2pstock 资金对账单"
    assert statement.heading == (
        "客户：李伟",
        "期间：全部，截至 2026-01-07",
        "期初余额：可用 ¥0.00，冻结 ¥0.00",
        "期末余额：可用 ¥250.00，冻结 ¥50.00",
    )
    assert statement.columns == ("时间", "项目", "金额", "状态")
    assert statement.rows == (
        ("2026-01-05 09:30", "提现", "-50.00", "冻结中"),
        ("2026-01-05 09:30", "充值", "200.00", "已完成"),
        ("2026-01-05 09:30", "充值", "100.00", "已完成"),
    )
    assert statement.closing[0] == "合计 3 笔：收入 ¥300.00，支出 ¥50.00，净额 +¥250.00"
    assert statement.closing[-1] == "生成时间：2026-01-07 10:00"


def test_last_months_pdf_opens_and_closes_with_the_balances_of_that_month(
    app: App, clock: ManualClock, rendered: Rendered, cjk_font: Path
) -> None:
    with_deposits(app, 1)  # January: ¥100
    shanghai(clock, date(2026, 2, 10))
    deposit(app, 20_000, "T-feb")
    shanghai(clock, date(2026, 3, 2))
    deposit(app, 40_000, "T-mar")

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(user.presses("sp:last"))

    play(app, scenario)
    [(statement, _)] = rendered.statements
    assert statement.heading[1:] == (
        "期间：上月，2026-02-01 至 2026-02-28",
        "期初余额：可用 ¥100.00，冻结 ¥0.00",
        "期末余额：可用 ¥300.00，冻结 ¥0.00",
    )
    assert [row[1:3] for row in statement.rows] == [("充值", "200.00")]


def test_without_a_chinese_font_the_pdf_is_written_in_english_and_the_caption_says_so(
    app: App, rendered: Rendered, without_a_chinese_font: None
) -> None:
    with_deposits(app, 1)

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(user.presses("sp:all:cash"))

    filename, content, caption = a_pdf(play(app, scenario))
    [(statement, font)] = rendered.statements
    assert filename == "fund-activity-all-cash-20260105.pdf" and content.startswith(b"%PDF-")
    assert caption == "资金对账单（PDF），共 1 条。服务器未安装中文字体，对账单以英文生成。"
    assert font == DEJAVU[0]
    assert statement.title == "p2pstock statement of account"
    assert statement.heading[2] == "Kind: deposits and withdrawals"
    assert statement.rows == (("2026-01-05 09:30", "Deposit", "100.00", "done"),)


def test_a_pdf_of_a_period_without_lines_says_so(app: App, rendered: Rendered) -> None:
    with_deposits(app, 0)

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(user.presses("sp:month:loan"))

    _, content, caption = a_pdf(play(app, scenario))
    [(statement, _)] = rendered.statements
    assert content.startswith(b"%PDF-") and statement.rows == ()
    assert caption.startswith("资金对账单（PDF），共 0 条。")
    assert statement.closing[0] == "合计 0 笔：收入 ¥0.00，支出 ¥0.00，净额 ¥0.00"


def test_the_pdf_button_sits_beside_the_csv_one(app: App) -> None:
    with_deposits(app, 1)

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(user.command("/statement"))

    bot = play(app, scenario)
    markup = bot.request.of("sendMessage")[-1]["reply_markup"]
    assert [b["text"] for b in markup["inline_keyboard"][-1]] == ["📄 导出 CSV", "📄 导出 PDF"]
