"""Debt transfers (债权转让) in the bot, in Chinese and English: the transfer hall beside the financing hall,
buying part of a sale once its price is confirmed, selling from a holding in /loans with the price and the
fee shown first, one's own sales cancelled, and a value typed wrongly refused in the reader's language."""

from __future__ import annotations

from datetime import UTC, datetime

import attrs
import pytest
from bot_harness import BotHarness, TelegramUser, button_data, play
from lending_bot_world import IRIS, IVAN, PRODUCT, confirm_button, the_platform

from p2pstock.adapters.clock import ManualClock
from p2pstock.bootstrap import App
from p2pstock.core.lending.debt_transfer import ListingStatus, TransferListing
from p2pstock.core.lending.loans import Loan
from p2pstock.core.money import Money
from p2pstock.core.papers import LENDING_RISK
from p2pstock.core.people.customers import Customer, KycStatus
from sample_documents import png

OLGA = 2003
WALLET = 1_000_000


def a_reader(app: App, customer_id: str, telegram: int, lang: str) -> None:
    """A verified customer on Telegram reading ``lang``, with ¥10,000 in their wallet, who accepted the
    lender's risk disclosure."""
    customer = Customer(
        customer_id,
        telegram_user_id=telegram,
        language=lang,
        phone=f"+86138000{telegram:05d}",
        real_name="赵六",
        status=KycStatus.VERIFIED,
    )
    app.office.run(lambda tx: tx.uow.customers.add(customer))
    app.papers.acknowledge(customer_id, LENDING_RISK)
    app.wallets.open(customer_id)
    app.wallets.confirm_deposit(customer_id, gateway="bank", transaction_id=customer_id, amount=Money(WALLET))


def repaying(app: App, clock: ManualClock) -> Loan:
    """Bella's ¥5,000 at 12 % over two months, held by Ivan (¥3,000) and Iris (¥2,000), at 10:00 on 17
    March: 15 of the first period's 31 days have passed."""
    the_platform(app, clock)
    app.loan_products.define(
        attrs.evolve(PRODUCT, transfer_fee_bp=10, transfer_fee_cap_bp=100, transfer_price_bp=500), by="root"
    )
    document = app.customers.upload_document("bella", "house_certificate", png("house certificate t"))
    app.kyc.accept_document(document.id, by="reviewer-1")
    loan = app.lending.apply(
        "bella",
        product="personal",
        amount=500_000,
        months=2,
        rate_bp=1_200,
        method="equal_installments",
        purpose="shop",
        documents=[document.id],
        bidding_days=3,
    )
    app.lending.first_review(loan.id, by="reviewer-1")
    app.lending.final_review(loan.id, by="reviewer-2")
    for investor, amount in (("ivan", 300_000), ("iris", 200_000)):
        app.papers.acknowledge(investor, LENDING_RISK)
        app.lending.invest(loan.id, investor_id=investor, amount=amount)
    loan = app.lending.approve_full(loan.id, by="risk-1")
    clock.set(datetime(2026, 3, 17, 2, tzinfo=UTC))
    return loan


def ivans_sale(app: App, loan: Loan) -> TransferListing:
    """Ivan lists ¥2,000 of his ¥3,000 at 1 % off: ¥2,000 + ¥9.68 accrued − ¥20.00 = ¥1,989.68."""
    [holding] = [i for i in app.lending.investments(loan.id) if i.investor_id == "ivan"]
    return app.debt_market.list_for_sale(
        holding.id, seller_id="ivan", principal=200_000, premium_bp=-100, request_id="ivan-sells"
    )


def last_message(bot: BotHarness) -> dict[str, object]:
    return [p for name, p in bot.request.calls if name in ("sendMessage", "editMessageText")][-1]


def last_text(bot: BotHarness) -> str:
    return str(last_message(bot)["text"])


# -- the transfer hall and buying -------------------------------------------------------------------------

HALL = {
    "en": (
        "💱 Debt transfers (page 1)\nSale {sale}: loan {loan} at 12.00%, ¥2,000.00 of principal for "
        "¥1,989.68 (1.00% off), yield about 12.12%, 2 installments left, until 2026-03-20 10:00"
    ),
    "zh": (
        "💱 债权转让（第 1 页）\n转让单 {sale}：借款 {loan}（年化 12.00%），剩余本金 ¥2,000.00，"
        "价格 ¥1,989.68（折让 1.00%），约年化收益 12.12%，剩余 2 期，2026-03-20 10:00 截止"
    ),
}
BOUGHT = {
    "en": "✅ You bought ¥1,000.00 of the principal of loan {loan} for ¥994.84.",
    "zh": "✅ 已购买借款 {loan} 的债权本金 ¥1,000.00，支付 ¥994.84。",
}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_buyer_browses_the_transfer_hall_and_buys_part_of_a_sale_once_its_price_is_confirmed(
    app: App, clock: ManualClock, lang: str
) -> None:
    loan = repaying(app, clock)
    a_reader(app, "olga", OLGA, lang)
    sale = ivans_sale(app, loan)

    async def scenario(bot: BotHarness, bella: TelegramUser) -> None:
        olga = bot.user(OLGA, language_code=lang)
        await bot.send(olga.command("/hall"))
        assert "m:transfers" in button_data(last_message(bot))  # beside the financing hall
        await bot.send(olga.presses("m:transfers"))
        assert last_text(bot) == HALL[lang].format(sale=sale.id, loan=loan.id)
        assert button_data(last_message(bot)) == [f"ln:tbuy:{sale.id}", "ln:tmine:0"]
        await bot.send(olga.presses(f"ln:tbuy:{sale.id}"))
        await bot.send(olga.says("1,000"))
        assert "¥994.84" in last_text(bot)  # half the sale: half its price, to confirm
        assert app.wallets.balance("olga").available.minor == WALLET
        ok = confirm_button(bot)
        await bot.send(olga.presses(ok, message_id=501))
        await bot.send(olga.presses(ok, message_id=501))  # a second tap
        assert last_text(bot) == BOUGHT[lang].format(loan=loan.id)

    play(app, scenario)
    assert app.wallets.balance("olga").available.minor == WALLET - 99_484
    [purchase] = app.debt_market.purchases(sale.id)
    assert (purchase.buyer_id, purchase.principal, purchase.price) == ("olga", 100_000, 99_484)


REFUSED_STEP = {"en": "Buy in steps of ¥1.00.", "zh": "购买本金须按 ¥1.00 递增。"}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_principal_off_the_steps_is_refused_in_the_readers_language_and_asked_again(
    app: App, clock: ManualClock, lang: str
) -> None:
    loan = repaying(app, clock)
    a_reader(app, "olga", OLGA, lang)
    sale = ivans_sale(app, loan)

    async def scenario(bot: BotHarness, bella: TelegramUser) -> None:
        olga = bot.user(OLGA, language_code=lang)
        await bot.send(olga.presses(f"ln:tbuy:{sale.id}"))
        await bot.send(olga.says("10.50"))
        assert last_text(bot) == REFUSED_STEP[lang]
        await bot.send(olga.says("10"))
        assert "ln:ok:" in " ".join(button_data(last_message(bot)))

    play(app, scenario)
    assert app.debt_market.purchases(sale.id) == []


# -- selling from a holding -------------------------------------------------------------------------------

SELL = {
    "en": (
        "Sell ¥1,000.00 of the principal of loan {loan}: interest accrued ¥4.84, 1.50% off, price ¥989.84; "
        "the transfer fee of ¥2.00 is yours to pay, so ¥987.84 reaches you once all is sold. What is not "
        "sold stays yours."
    ),
    "zh": (
        "转让借款 {loan} 的债权本金 ¥1,000.00：应计利息 ¥4.84，折让 1.50%，转让价格 ¥989.84；"
        "转让手续费 ¥2.00（由您支付），全部售出后到账 ¥987.84。挂出期间未售出的本金仍归您持有。"
    ),
}
BAD_PREMIUM = {
    "en": (
        "Type a percentage such as -1.5, 0 or 1:",
        "The discount or premium is at most 5.00% of the principal.",
    ),
    "zh": ("请输入百分比数字，例如 -1.5、0 或 1：", "折让或溢价最多为本金的 5.00%。"),
}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_holder_sells_from_their_holding_with_the_price_and_fee_shown_first(
    app: App, clock: ManualClock, lang: str
) -> None:
    loan = repaying(app, clock)
    app.customers.set_language("iris", lang)
    [holding] = [i for i in app.lending.investments(loan.id) if i.investor_id == "iris"]

    async def scenario(bot: BotHarness, bella: TelegramUser) -> None:
        iris = bot.user(IRIS, language_code=lang)
        await bot.send(iris.command("/loans"))
        assert f"ln:tsell:{holding.id}" in button_data(last_message(bot))
        await bot.send(iris.presses(f"ln:tsell:{holding.id}"))
        await bot.send(iris.says("1000"))
        await bot.send(iris.says("a little"))
        await bot.send(iris.says("-9"))
        assert bot.request.texts()[-2:] == list(BAD_PREMIUM[lang])
        await bot.send(iris.says("-1.5"))
        # accrued ¥50.00 × 1,000/5,000 × 15/31 = 483.87 fen → ¥4.84; the fee: 2 installments × 0.1 %
        assert last_text(bot) == SELL[lang].format(loan=loan.id)
        await bot.send(iris.presses(confirm_button(bot), message_id=601))

    play(app, scenario)
    [view] = app.debt_market.listings_of("iris")
    listing = view.listing
    assert (listing.principal, listing.premium_bp, listing.price, listing.fee) == (100_000, -150, 98_984, 200)
    assert listing.status is ListingStatus.OPEN


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_seller_sees_their_sales_and_cancels_the_open_one(app: App, clock: ManualClock, lang: str) -> None:
    loan = repaying(app, clock)
    app.customers.set_language("ivan", lang)
    sale = ivans_sale(app, loan)
    cancelled = {
        "en": f"Sale {sale.id} is cancelled; the ¥2,000.00 of principal not sold stays yours.",
        "zh": f"已撤回转让单 {sale.id}，未售出的本金 ¥2,000.00 仍归您持有。",
    }

    async def scenario(bot: BotHarness, bella: TelegramUser) -> None:
        ivan = bot.user(IVAN, language_code=lang)
        await bot.send(ivan.command("/transfers"))
        await bot.send(ivan.presses("ln:tmine:0", message_id=701))
        assert sale.id in last_text(bot)
        assert button_data(last_message(bot)) == [f"ln:tcan:{sale.id}"]
        await bot.send(ivan.presses(f"ln:tcan:{sale.id}", message_id=701))
        assert last_text(bot) == cancelled[lang]
        await bot.send(ivan.command("/loans"))  # the holding may be listed again

    play(app, scenario)
    assert app.debt_market.get(sale.id).listing.status is ListingStatus.CANCELLED


def test_a_seller_buying_their_own_sale_is_refused_and_nothing_moves(app: App, clock: ManualClock) -> None:
    loan = repaying(app, clock)
    sale = ivans_sale(app, loan)

    async def scenario(bot: BotHarness, bella: TelegramUser) -> None:
        ivan = bot.user(IVAN, language_code="en")
        await bot.send(ivan.presses(f"ln:tbuy:{sale.id}"))
        await bot.send(ivan.says("100"))
        await bot.send(ivan.presses(confirm_button(bot), message_id=801))
        assert bot.request.last_text() == "You cannot buy your own sale."

    play(app, scenario)
    assert app.debt_market.purchases(sale.id) == []
