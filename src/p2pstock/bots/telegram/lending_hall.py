"""The financing hall, for investors: pages of open loans by filter, a loan's page with its borrower, and
investing in it (the amount typed, the expected returns confirmed, the money frozen).

::

    🏦 m:hall  a page ──ln:hall:<page>:<filter>──► another ──ln:show:<id>──► the loan ──ln:inv:<id>──►
               amount typed ──► expected returns, ln:ok:<token> / ln:drop:<token> ──► lending.invest
"""

from __future__ import annotations

from telegram import Update

from p2pstock.bots.telegram import callbacks as cb
from p2pstock.bots.telegram.context import BotContext, attempt, call, ended, query_of, say
from p2pstock.bots.telegram.keyboards import button, keyboard
from p2pstock.bots.telegram.lending_confirming import STEP, Confirmation, Kept
from p2pstock.bots.telegram.lending_papers import disclosure_first
from p2pstock.bots.telegram.loan_card import Audience, Seen, hall_line, loan_text
from p2pstock.bots.telegram.onboarding import unverified
from p2pstock.bots.telegram.pages import Page, Paged, Shown
from p2pstock.bots.telegram.press import Press
from p2pstock.bots.telegram.services import BotServices
from p2pstock.bots.telegram.texts import text
from p2pstock.bots.telegram.typed import END, Typed, TypedStep, TypedSteps, amount
from p2pstock.core.lending import bidding
from p2pstock.core.lending.loans import Loan, LoanStatus
from p2pstock.core.lending.ports import HallFilter
from p2pstock.core.lending.schedules import Installment, Method, total_interest
from p2pstock.core.money import Money
from p2pstock.core.people.customers import Customer

INVEST_AMOUNT = "loan.invest_amount"
HALL_PAGE = 5

HALL_FILTERS: dict[str, HallFilter] = {
    "all": HallFilter(),
    "short": HallFilter(months_max=6),
    "mid": HallFilter(months_min=7, months_max=12),
    "long": HallFilter(months_min=13),
    "r10": HallFilter(rate_min_bp=1_000),
    **{method.value: HallFilter(method=method) for method in Method},
}
"""The filters the hall offers: by term, by rate, by repayment method."""


async def _hall_page(context: BotContext, press: Press, number: int, shown: str) -> Shown:
    """Page ``number`` of the loans the filter ``shown`` (else all) lets through, the other filters below."""
    lang, shown = press.lang, shown or "all"
    page = await call(_hall_read, context.services, HALL_FILTERS[shown], number)
    lines = [text("loan.hall.title", lang, page=number + 1, filter=text(f"loan.filter.{shown}", lang))]
    lines += [hall_line(loan, lang) for loan in page.items] or [text("loan.hall.empty", lang)]
    rows = [
        [button(text("loan.hall.button", lang, id=loan.id), cb.LoanStep("show", loan.id))]
        for loan in page.items
    ]
    filters = [
        button(text(f"loan.filter.{name}", lang), cb.LoanStep("hall", f"0:{name}"))
        for name in HALL_FILTERS
        if name != shown
    ]
    threes = [filters[i : i + 3] for i in range(0, len(filters), 3)]
    threes.append([button(text(f"menu.{item}", lang), cb.Menu(item)) for item in ("transfers", "autoinvest")])
    markup = page.keyboard(lang, lambda to: cb.LoanStep("hall", f"{to}:{shown}"), rows, threes)
    return "\n".join(lines), markup


def _hall_read(services: BotServices, where: HallFilter, number: int) -> Page[Loan]:
    """Page ``number`` of the hall, and whether a loan follows it (read in pages of one loan)."""
    hall, after = services.lending.hall, (number + 1) * HALL_PAGE
    return Page(number, hall(where, page=number, size=HALL_PAGE), bool(hall(where, page=after, size=1)))


HALL = Paged(_hall_page, ("", *HALL_FILTERS))
show_hall, turn_hall = HALL.show, HALL.turn
"""🏦 the hall's first page; ◀ ▶ or a filter under it: ``<page>`` or ``<page>:<filter>``."""


async def show_loan(update: Update, context: BotContext, press: Press) -> object:
    """A loan as investors see it, with 💰 unless it is the customer's own or no longer listed."""
    await query_of(update).answer()
    page = await attempt(update, context, press.lang, context.services.lending.loan_page, press.subject)
    invest = page.loan.status is LoanStatus.LISTED and page.loan.borrower_id != press.customer.id
    row = [button(text("loan.invest.button", press.lang), cb.LoanStep("inv", page.loan.id))] if invest else []
    shown = loan_text(page.loan, Audience.INVESTOR, press.lang, Seen(borrower=page.borrower))
    return await ended(update, context, shown, keyboard(row))


async def ask_amount(update: Update, context: BotContext, press: Press) -> object:
    await query_of(update).answer()
    if await unverified(update, context, press, "loan.invest.verify_first"):
        return END
    if await disclosure_first(update, context, press, press.subject):
        return END
    loan = await attempt(update, context, press.lang, context.services.lending.get, press.subject)
    low, high = loan.bid_range()
    INVESTING.keep(context, loan=loan.id)
    await say(
        update, context, text("loan.invest.ask", press.lang, id=loan.id, low=Money(low), high=Money(high))
    )
    return INVEST_AMOUNT


async def _offer(typed: Typed, step: Kept, money: Money) -> object:
    """The amount typed: what it would bring, to confirm."""
    lang = typed.lang
    page = await call(typed.context.services.lending.loan_page, str(step["loan"]), amount=money.minor)
    if page.loan.status is not LoanStatus.LISTED:
        return await typed.ended("loan.invest.closed", id=page.loan.id)
    bidding.check_amount(page.loan, money.minor)  # an amount out of range is refused and asked for again
    balance = await call(typed.context.services.wallets.balance, typed.customer.id)
    if money.minor > balance.available.minor:
        await typed.tell("loan.invest.over_available", available=balance.available)
        return INVEST_AMOUNT
    interest = total_interest(page.schedule)
    fee = interest * page.loan.product.interest_fee_bp // 10_000
    offer = text("loan.invest.confirm", lang, id=page.loan.id, amount=money, interest=Money(interest - fee))
    shown = page.schedule[:3] + page.schedule[-1:] if len(page.schedule) > 4 else page.schedule
    message = "\n".join([offer, *(_expected_line(installment, lang) for installment in shown)])
    return await INVESTING.ask(
        typed.update, typed.context, lang, message, loan=step["loan"], amount=money.minor
    )


def _expected_line(i: Installment, lang: str) -> str:
    money = {"principal": Money(i.principal), "interest": Money(i.interest)}
    return text("loan.invest.row", lang, number=i.number, due=str(i.due), **money)


def _invest(services: BotServices, customer: Customer, step: Kept, request_id: str) -> str:
    investment = services.lending.invest(
        str(step["loan"]), investor_id=customer.id, amount=int(step["amount"]), request_id=request_id
    )
    return text("loan.done.invest", customer.language, id=investment.loan_id, amount=Money(investment.amount))


INVESTING = Confirmation("invest", "loan.invest.button", _invest)
TYPED: TypedSteps = (TypedStep(INVEST_AMOUNT, STEP, INVESTING.kept, amount, _offer),)
"""The amount of an investment typed."""
