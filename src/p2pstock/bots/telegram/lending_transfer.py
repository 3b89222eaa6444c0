"""Debt transfers (债权转让) in the bot: the transfer hall beside the financing hall, buying all or part of a
sale (the principal typed, its price confirmed), selling from one's own holding (the principal typed, then
the discount or premium, the price and the fee confirmed), and one's own sales, each open one with cancel.

::

    💱 /transfers, m:transfers (under the financing hall too)  a page ──ln:th:<page>──► another
         ──ln:tbuy:<sale>──► principal typed ──► its price, ln:ok / ln:drop ──► debt_market.buy
         ──ln:tmine:<page>──► own sales ──ln:tcan:<sale>──► cancelled
    📒 /loans  a holding ──ln:tsell:<investment>──► principal typed ──► discount or premium typed ──►
         price and fee, ln:ok / ln:drop ──► debt_market.list_for_sale
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from types import MappingProxyType

from telegram import InlineKeyboardButton, Update

from p2pstock.bots.telegram import callbacks as cb
from p2pstock.bots.telegram.context import BotContext, attempt, call, edit, ended, query_of, say
from p2pstock.bots.telegram.keyboards import button
from p2pstock.bots.telegram.lending_confirming import STEP, Confirmation, Kept
from p2pstock.bots.telegram.onboarding import unverified
from p2pstock.bots.telegram.pages import Page, Paged, Shown
from p2pstock.bots.telegram.platform_time import local_time
from p2pstock.bots.telegram.press import Press, Step
from p2pstock.bots.telegram.product_cards import percent as rate
from p2pstock.bots.telegram.services import BotServices
from p2pstock.bots.telegram.texts import text
from p2pstock.bots.telegram.typed import END, Again, Typed, TypedStep, TypedSteps, amount
from p2pstock.core.clock import to_micros
from p2pstock.core.lending.debt_transfer import ListingStatus, ListingView, check_purchase, percent
from p2pstock.core.lending.loans import LoanStatus
from p2pstock.core.lending.views import Holding
from p2pstock.core.money import Money
from p2pstock.core.names import name_of
from p2pstock.core.people.customers import Customer

BUY_PRINCIPAL = "loan.transfer_buy"
SELL_PRINCIPAL = "loan.transfer_principal"
SELL_PREMIUM = "loan.transfer_premium"
HALL_PAGE = 5
MINE_PAGE = 8


def _when(services: BotServices, micros: int) -> str:
    return local_time(micros, services.ledger.timezone)


def _now(services: BotServices) -> int:
    return to_micros(services.ledger.clock.now())


def premium_text(premium_bp: int, lang: str) -> str:
    """A discount or premium in words: "折让 1.00%", "0.50% premium", "at par"."""
    if not premium_bp:
        return text("loan.transfer.par", lang)
    key = "loan.transfer.discount" if premium_bp < 0 else "loan.transfer.premium"
    return text(key, lang, share=percent(abs(premium_bp)))


# -- the transfer hall ------------------------------------------------------------------------------------


def sale_line(view: ListingView, lang: str, services: BotServices) -> str:
    """A sale on a line of the hall: its loan, what is left, its price, its yield and its end."""
    listing, loan = view.listing, view.loan
    return text(
        "loan.transfer.line",
        lang,
        listing=listing.id,
        id=loan.id,
        rate=rate(loan.terms.rate_bp),
        left=Money(listing.left),
        price=Money(listing.price_left),
        premium=premium_text(listing.premium_bp, lang),
        returns=rate(view.yield_bp),
        installments=listing.installments_left,
        expires=_when(services, listing.expires_at),
    )


async def _hall_page(context: BotContext, press: Press, number: int, _: str) -> Shown:
    lang, services = press.lang, context.services
    page = await call(_hall_read, services, number)
    lines = [text("loan.transfer.hall.title", lang, page=number + 1)]
    lines += [sale_line(view, lang, services) for view in page.items] or [
        text("loan.transfer.hall.empty", lang)
    ]
    rows = [
        [
            button(
                text("loan.transfer.buy.button", lang, listing=v.listing.id),
                cb.LoanStep("tbuy", v.listing.id),
            )
        ]
        for v in page.items
    ]
    mine = [[button(text("loan.transfer.mine.button", lang), cb.LoanStep("tmine", "0"))]]
    return "\n".join(lines), page.keyboard(lang, lambda to: cb.LoanStep("th", str(to)), rows, mine)


def _hall_read(services: BotServices, number: int) -> Page[ListingView]:
    """Page ``number`` of the transfer hall, and whether a sale follows it."""
    hall, after = services.debt_market.hall, (number + 1) * HALL_PAGE
    return Page(number, hall(page=number, size=HALL_PAGE), bool(hall(page=after, size=1)))


HALL = Paged(_hall_page)
show_hall, turn_hall = HALL.show, HALL.turn
"""💱 the transfer hall's first page; ◀ ▶ under it: ``<page>``."""

MENU: Mapping[str, Step] = MappingProxyType({"transfers": show_hall})
"""The command (and menu item) of this module, for ``conversation.MENU``."""


# -- buying -----------------------------------------------------------------------------------------------


async def ask_buy(update: Update, context: BotContext, press: Press) -> object:
    """How much of the sale's principal to buy."""
    await query_of(update).answer()
    if await unverified(update, context, press, "loan.invest.verify_first"):
        return END
    view = await attempt(update, context, press.lang, context.services.debt_market.get, press.subject)
    listing, step = view.listing, view.loan.product.bid_step
    if not listing.buyable(_now(context.services), view.loan):
        return await ended(update, context, text("loan.transfer.closed", press.lang, listing=listing.id))
    BUYING.keep(context, listing=listing.id)
    low, high = Money(min(step, listing.left)), Money(listing.left)
    asked = text(
        "loan.transfer.buy.ask", press.lang, listing=listing.id, low=low, high=high, step=Money(step)
    )
    await say(update, context, asked)
    return BUY_PRINCIPAL


async def _offer_to_buy(typed: Typed, step: Kept, money: Money) -> object:
    """The principal typed: its price, to confirm."""
    services, lang = typed.context.services, typed.lang
    view = await call(services.debt_market.get, str(step["listing"]))
    listing, loan = view.listing, view.loan
    if not listing.buyable(_now(services), loan):
        return await typed.ended("loan.transfer.closed", listing=listing.id)
    check_purchase(listing, money.minor, loan.product.bid_step)  # refused: told, and asked again
    price, _ = listing.part(money.minor)
    balance = await call(services.wallets.balance, typed.customer.id)
    if price > balance.available.minor:
        await typed.tell("loan.invest.over_available", available=balance.available)
        return BUY_PRINCIPAL
    values = {"id": loan.id, "principal": money, "price": Money(price)}
    message = text("loan.transfer.buy.confirm", lang, **values, installments=listing.installments_left)
    return await BUYING.ask(
        typed.update, typed.context, lang, message, listing=listing.id, principal=money.minor
    )


def _buy(services: BotServices, customer: Customer, step: Kept, request_id: str) -> str:
    purchase = services.debt_market.buy(
        str(step["listing"]), buyer_id=customer.id, principal=int(step["principal"]), request_id=request_id
    )
    money = {"principal": Money(purchase.principal), "price": Money(purchase.price)}
    return text("loan.transfer.done.buy", customer.language, id=purchase.loan_id, **money)


BUYING = Confirmation("tbuy", "loan.transfer.buy.ok", _buy)


# -- selling ----------------------------------------------------------------------------------------------


def sellable(holding: Holding) -> bool:
    """Whether to offer 💱 on a holding (core decides the rest when it is pressed)."""
    loan, investment = holding.loan, holding.investment
    return loan.status is LoanStatus.REPAYING and investment.outstanding > 0 and holding.days_overdue == 0


def sell_rows(holdings: Sequence[Holding], lang: str) -> list[list[InlineKeyboardButton]]:
    """A 💱 button under the list of the customer's loans for each holding they may sell from."""
    return [
        [button(text("loan.transfer.sell.button", lang, id=h.loan.id), cb.LoanStep("tsell", h.investment.id))]
        for h in holdings
        if sellable(h)
    ]


async def ask_sell(update: Update, context: BotContext, press: Press) -> object:
    """How much of the holding's principal to sell (core refuses at once what it would refuse to list)."""
    await query_of(update).answer()
    market, who = context.services.debt_market, press.customer.id
    whole = await attempt(update, context, press.lang, market.quote, press.subject, seller_id=who)
    SELLING.keep(context, investment=press.subject, loan=whole.loan_id)
    most = Money(whole.principal)
    await say(update, context, text("loan.transfer.sell.ask", press.lang, id=whole.loan_id, most=most))
    return SELL_PRINCIPAL


async def _ask_premium(typed: Typed, step: Kept, money: Money) -> object:
    """The principal typed (core refuses more than is held: asked again): the discount or premium next."""
    market = typed.context.services.debt_market
    sale = await call(
        market.quote, str(step["investment"]), seller_id=typed.customer.id, principal=money.minor
    )
    SELLING.keep(typed.context, investment=step["investment"], loan=step["loan"], principal=money.minor)
    await typed.tell("loan.transfer.premium.ask", most=percent(sale.most_premium_bp))
    return SELL_PREMIUM


_PERCENT = re.compile(r"([+-]?)([0-9]{1,3})(?:\.([0-9]{1,2}))?")


def premium_bp(typed: Typed, _: object = None) -> int | Again:
    """A share of the principal typed as a percentage ("-1.5", "+0.5 %", "1") in basis points."""
    written = typed.text.strip().replace("％", "%").removesuffix("%").strip()
    found = _PERCENT.fullmatch(written.replace("－", "-").replace("＋", "+"))
    if found is None:
        return Again("loan.transfer.premium.bad")
    sign, whole, part = found.groups()
    bp = int(whole) * 100 + int((part or "").ljust(2, "0"))
    return -bp if sign == "-" else bp


async def _offer_to_sell(typed: Typed, step: Kept, bp: int) -> object:
    """The discount or premium typed (core refuses one beyond the product's: asked again): the price and
    the fee, to confirm."""
    market, lang = typed.context.services.debt_market, typed.lang
    investment, principal = str(step["investment"]), int(step["principal"])
    sale = await call(
        market.quote, investment, seller_id=typed.customer.id, principal=principal, premium_bp=bp
    )
    money = {
        "principal": Money(sale.principal),
        "accrued": Money(sale.accrued),
        "price": Money(sale.price),
        "fee": Money(sale.fee),
        "proceeds": Money(sale.proceeds),
    }
    premium = premium_text(bp, lang)
    message = text("loan.transfer.sell.confirm", lang, id=sale.loan_id, premium=premium, **money)
    kept = {"investment": investment, "loan": sale.loan_id, "principal": principal, "premium": bp}
    return await SELLING.ask(typed.update, typed.context, lang, message, **kept)


def _sell(services: BotServices, customer: Customer, step: Kept, request_id: str) -> str:
    listing = services.debt_market.list_for_sale(
        str(step["investment"]),
        seller_id=customer.id,
        principal=int(step["principal"]),
        premium_bp=int(step["premium"]),
        request_id=request_id,
    )
    money = {"principal": Money(listing.principal), "price": Money(listing.price)}
    expires = _when(services, listing.expires_at)
    values = {"listing": listing.id, "id": listing.loan_id, "expires": expires, **money}
    return text("loan.transfer.done.sell", customer.language, **values)


SELLING = Confirmation("tsell", "loan.transfer.sell.ok", _sell)


# -- one's own sales --------------------------------------------------------------------------------------


def _own_line(view: ListingView, lang: str, services: BotServices) -> str:
    listing = view.listing
    status = name_of(listing.status, lang)
    if listing.status is ListingStatus.OPEN:
        status = text("loan.transfer.open_until", lang, expires=_when(services, listing.expires_at))
    money = {
        "principal": Money(listing.principal),
        "sold": Money(listing.sold),
        "price": Money(listing.price),
    }
    return text("loan.transfer.mine.line", lang, listing=listing.id, id=view.loan.id, status=status, **money)


async def _mine_page(context: BotContext, press: Press, number: int, _: str) -> Shown:
    """Page ``number`` of the customer's sales, the newest first, ↩️ under each open one."""
    lang, services = press.lang, context.services
    views = await call(services.debt_market.listings_of, press.customer.id)
    if not views:
        return text("loan.transfer.mine.empty", lang), None
    page = Page[ListingView].of(views, number, MINE_PAGE)
    lines = [text("loan.transfer.mine.title", lang)] + [_own_line(v, lang, services) for v in page.items]
    rows = [
        [
            button(
                text("loan.transfer.cancel.button", lang, listing=v.listing.id),
                cb.LoanStep("tcan", v.listing.id),
            )
        ]
        for v in page.items
        if v.listing.status is ListingStatus.OPEN
    ]
    return "\n".join(lines), page.keyboard(lang, lambda to: cb.LoanStep("tmine", str(to)), rows)


MINE = Paged(_mine_page)
show_mine, turn_mine = MINE.show, MINE.turn
"""📋 the customer's sales; ◀ ▶ under them: ``<page>``."""


async def cancel(update: Update, context: BotContext, press: Press) -> object:
    """↩️ an open sale taken back: what is unsold stays the customer's."""
    await query_of(update).answer()
    market, who = context.services.debt_market, press.customer.id
    listing = await attempt(update, context, press.lang, market.cancel, press.subject, seller_id=who)
    await edit(
        update, text("loan.transfer.cancelled", press.lang, listing=listing.id, left=Money(listing.left))
    )
    return END


STEPS: Mapping[str, Step] = MappingProxyType(
    {"th": turn_hall, "tbuy": ask_buy, "tsell": ask_sell, "tmine": turn_mine, "tcan": cancel}
)
"""The ``ln:`` verbs of this module, for ``lending_customer.STEPS``."""

TYPED: TypedSteps = (
    TypedStep(BUY_PRINCIPAL, STEP, BUYING.kept, amount, _offer_to_buy),
    TypedStep(SELL_PRINCIPAL, STEP, SELLING.kept, amount, _ask_premium),
    TypedStep(SELL_PREMIUM, STEP, SELLING.kept, premium_bp, _offer_to_sell),
)
"""The principal of a purchase typed; the principal, then the discount or premium, of a sale typed."""
