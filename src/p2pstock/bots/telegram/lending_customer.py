"""A customer's P2P lending in the bot: the financing hall and investing, borrowing, and the customer's
loans and investments with repayment.

::

    🏦 m:hall     a page of open loans ──ln:show:<id>──► the loan ──ln:inv:<id>──► amount typed
                  ──► expected returns with ln:ok:<token> / ln:drop:<token> ──► lending.invest
    💴 m:borrow   products ──ln:prod:<code>──► methods ──ln:meth:<method>:<code>──► "amount months rate%
                  purpose" typed ──► the application with ln:ok / ln:drop ──► lending.apply
    📒 m:loans    the customer's loans and investments ──ln:loan:<id>──► installments, with
                  ln:pay:<id> (what is due) / ln:early:<id> (everything) ──► confirm ln:ok / ln:drop

The step being confirmed stays in the user's UI state (``user_state["loan_step"]``) and its buttons name
a token, random for each confirmation, so the button of any earlier confirmation is outdated. The step
reaches core with a request id made of the user, the kind and the token: a second tap is the same
request, which core answers without doing it again, and next month's repayment is a new one.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import date
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import ConversationHandler

from p2pstock.bots.telegram import callbacks as cb
from p2pstock.bots.telegram.confirming import confirm_keyboard, confirmed_once, new_token, pending, request_id
from p2pstock.bots.telegram.context import (
    BotContext,
    attempt,
    call,
    customer_of,
    edit,
    message_of,
    outdated,
    query_of,
    say,
    tell_error,
    typed_amount,
)
from p2pstock.bots.telegram.keyboards import button
from p2pstock.bots.telegram.press import Press
from p2pstock.bots.telegram.product_cards import loan_products_text, percent
from p2pstock.bots.telegram.texts import text
from p2pstock.core.errors import InvalidInput, P2PStockError
from p2pstock.core.lending import bidding
from p2pstock.core.lending.applications import check_purpose
from p2pstock.core.lending.hall import LoanPage
from p2pstock.core.lending.loans import Loan, LoanStatus
from p2pstock.core.lending.ports import HallFilter
from p2pstock.core.lending.products import LoanProduct
from p2pstock.core.lending.schedules import Installment, Method, total_interest
from p2pstock.core.lending.views import Holding, InstallmentView
from p2pstock.core.money import Money
from p2pstock.core.names import code_name, name_of
from p2pstock.core.people.customers import Customer
from p2pstock.core.people.documents import DocumentKind, ReviewStatus

END = ConversationHandler.END
INVEST_AMOUNT = "loan.invest_amount"
TERMS = "loan.terms"
STATES = (INVEST_AMOUNT, TERMS)
STEP = "loan_step"
HALL_PAGE = 5
SHOWN_INSTALLMENTS = 6
QUALIFICATIONS = ("house_certificate", "bank_statement", "other")


# -- the financing hall ------------------------------------------------------------------------------------


async def show_hall(update: Update, context: BotContext) -> int:
    customer = await customer_of(update, context)
    message, markup = await _hall_page(context, customer.language, 0, "all")
    await say(update, context, message, markup)
    return END


async def _turn_hall(update: Update, context: BotContext, press: Press) -> object:
    """◀ ▶ or a filter under the hall: ``<page>`` or ``<page>:<filter>``."""
    page, _, shown = press.subject.partition(":")
    shown = shown or "all"
    if not page.isdigit() or len(page) > 3 or shown not in HALL_FILTERS:
        await outdated(update, press.lang)
        return None
    await query_of(update).answer()
    message, markup = await _hall_page(context, press.lang, int(page), shown)
    await edit(update, message, markup)
    return END


HALL_FILTERS: dict[str, HallFilter] = {
    "all": HallFilter(),
    "short": HallFilter(months_max=6),
    "mid": HallFilter(months_min=7, months_max=12),
    "long": HallFilter(months_min=13),
    "r10": HallFilter(rate_min_bp=1_000),
    **{method.value: HallFilter(method=method) for method in Method},
}
"""The filters the hall offers: by term, by rate, by repayment method."""


async def _hall_page(
    context: BotContext, lang: str, page: int, shown: str
) -> tuple[str, InlineKeyboardMarkup | None]:
    loans = await call(context.services.lending.hall, HALL_FILTERS[shown], page=page, size=HALL_PAGE + 1)
    lines = [text("loan.hall.title", lang, page=page + 1, filter=text(f"loan.filter.{shown}", lang))]
    lines += [_hall_line(loan, lang) for loan in loans[:HALL_PAGE]] or [text("loan.hall.empty", lang)]
    rows = [
        [button(text("loan.hall.button", lang, id=loan.id), cb.LoanStep("show", loan.id))]
        for loan in loans[:HALL_PAGE]
    ]
    turns = []
    if page > 0:
        turns.append(button(text("statement.previous", lang), cb.LoanStep("hall", f"{page - 1}:{shown}")))
    if len(loans) > HALL_PAGE:
        turns.append(button(text("statement.next", lang), cb.LoanStep("hall", f"{page + 1}:{shown}")))
    filters = [
        button(text(f"loan.filter.{name}", lang), cb.LoanStep("hall", f"0:{name}"))
        for name in HALL_FILTERS
        if name != shown
    ]
    pairs = [filters[i : i + 3] for i in range(0, len(filters), 3)]
    return "\n".join(lines), InlineKeyboardMarkup([*rows, *([turns] if turns else []), *pairs])


def _hall_line(loan: Loan, lang: str) -> str:
    return text(
        "loan.hall.line",
        lang,
        id=loan.id,
        amount=Money(loan.amount),
        rate=percent(loan.terms.rate_bp),
        months=loan.terms.months,
        method=loan.terms.method,
        progress=percent(loan.funded * 10_000 // loan.amount),
        left=Money(loan.remainder),
    )


async def _show_loan(update: Update, context: BotContext, press: Press) -> object:
    await query_of(update).answer()
    page = await attempt(update, context, press.lang, context.services.lending.loan_page, press.subject)
    rows = []
    if page.loan.status is LoanStatus.LISTED and page.loan.borrower_id != press.customer.id:
        rows.append([button(text("loan.invest.button", press.lang), cb.LoanStep("inv", page.loan.id))])
    await say(update, context, _page_text(page, press.lang), InlineKeyboardMarkup(rows) if rows else None)
    return END


def _page_text(page: LoanPage, lang: str) -> str:
    loan, facts = page.loan, page.borrower
    kinds = ", ".join(name_of(DocumentKind(kind), lang) for kind in facts.qualifications) or "—"
    low, high = loan.bid_range()
    return "\n".join(
        [
            _hall_line(loan, lang),
            text("loan.page.purpose", lang, purpose=loan.purpose),
            text("loan.page.bids", lang, low=Money(low), high=Money(high), step=Money(loan.product.bid_step)),
            text(
                "loan.page.borrower",
                lang,
                name=facts.name,
                identity=text("loan.yes" if facts.identity_verified else "loan.no", lang),
                phone=text("loan.yes" if facts.phone_verified else "loan.no", lang),
                documents=kinds,
                repaid=facts.loans_repaid,
            ),
        ]
    )


async def _ask_amount(update: Update, context: BotContext, press: Press) -> object:
    await query_of(update).answer()
    loan = await attempt(update, context, press.lang, context.services.lending.get, press.subject)
    low, high = loan.bid_range()
    context.user_state[STEP] = {"kind": "invest", "loan": loan.id}
    await say(
        update, context, text("loan.invest.ask", press.lang, id=loan.id, low=Money(low), high=Money(high))
    )
    return INVEST_AMOUNT


async def got_invest_amount(update: Update, context: BotContext) -> object:
    """The amount typed: what it would bring, with ✅ / ✖️ naming this message."""
    customer = await customer_of(update, context)
    lang = customer.language
    step = context.user_state.get(STEP)
    if not isinstance(step, dict) or step.get("kind") != "invest":
        await say(update, context, text("loan.step.lost", lang))
        return END
    amount = await typed_amount(update, context, lang)
    if amount is None:
        return None
    try:
        page = await call(context.services.lending.loan_page, str(step["loan"]), amount=amount.minor)
        if page.loan.status is not LoanStatus.LISTED:
            await say(update, context, text("loan.invest.closed", lang, id=page.loan.id))
            return END
        bidding.check_amount(page.loan, amount.minor)
    except InvalidInput as error:
        await tell_error(update, context, error, lang)
        return None
    except P2PStockError as error:
        await tell_error(update, context, error, lang)
        return END
    token = new_token()
    step.update(amount=amount.minor, token=token)
    interest = total_interest(page.schedule)
    fee = interest * page.loan.product.interest_fee_bp // 10_000
    message = text(
        "loan.invest.confirm", lang, id=page.loan.id, amount=amount, interest=Money(interest - fee)
    )
    shown = page.schedule[:3] + page.schedule[-1:] if len(page.schedule) > 4 else page.schedule
    rows = [_expected_row(installment, lang) for installment in shown]
    await say(update, context, "\n".join([message, *rows]), _confirm(lang, token, "loan.invest.button"))
    return END


def _expected_row(installment: Installment, lang: str) -> str:
    return text(
        "loan.invest.row",
        lang,
        number=installment.number,
        due=str(installment.due),
        principal=Money(installment.principal),
        interest=Money(installment.interest),
    )


# -- borrowing ---------------------------------------------------------------------------------------------


async def show_products(update: Update, context: BotContext) -> int:
    customer = await customer_of(update, context)
    lang = customer.language
    products = await call(context.services.loan_products.offered)
    if not products:
        await say(update, context, text("loan.products.empty", lang))
        return END
    rows = [[button(product.name, cb.LoanStep("prod", product.code))] for product in products]
    await say(update, context, loan_products_text(products, lang), InlineKeyboardMarkup(rows))
    return END


async def _choose_method(update: Update, context: BotContext, press: Press) -> object:
    product = await _offered(context, press.subject)
    if product is None:
        await outdated(update, press.lang)
        return None
    await query_of(update).answer()
    rows = [
        [button(name_of(m, press.lang), cb.LoanStep("meth", f"{m.value}:{product.code}"))]
        for m in product.methods
    ]
    await edit(update, text("loan.method.ask", press.lang, name=product.name), InlineKeyboardMarkup(rows))
    return END


async def _ask_terms(update: Update, context: BotContext, press: Press) -> object:
    method, _, code = press.subject.partition(":")
    product = await _offered(context, code)
    if product is None or method not in {m.value for m in product.methods}:
        await outdated(update, press.lang)
        return None
    await query_of(update).answer()
    context.user_state[STEP] = {"kind": "apply", "product": code, "method": method}
    await say(update, context, text("loan.terms.ask", press.lang, **_ranges(product)))
    return TERMS


async def got_terms(update: Update, context: BotContext) -> object:
    """ "amount months rate% purpose" typed: the application to confirm, with the documents it rests on."""
    customer = await customer_of(update, context)
    lang = customer.language
    step = context.user_state.get(STEP)
    if not isinstance(step, dict) or step.get("kind") != "apply":
        await say(update, context, text("loan.step.lost", lang))
        return END
    product = await _offered(context, str(step["product"]))
    read = _read_terms(message_of(update).text or "")
    if product is None:
        await say(update, context, text("loan.product.gone", lang))
        return END
    if read is None:
        await say(update, context, text("loan.terms.bad", lang, **_ranges(product)))
        return None
    documents = await _qualifications(context, customer)
    if not documents:
        await say(update, context, text("loan.documents.none", lang))
        return END
    amount, months, rate_bp, typed_purpose = read
    try:
        purpose = check_purpose(typed_purpose)  # nothing hidden is shown back or kept in the step
    except InvalidInput as error:
        await tell_error(update, context, error, lang)
        return None
    token = new_token()
    step.update(
        amount=amount,
        months=months,
        rate=rate_bp,
        purpose=purpose,
        documents=documents,
        token=token,
    )
    message = text(
        "loan.apply.confirm",
        lang,
        name=product.name,
        amount=Money(amount),
        months=months,
        rate=percent(rate_bp),
        method=Method(step["method"]),
        purpose=purpose,
        documents=len(documents),
        days=product.bidding_days_max,
    )
    await say(update, context, message, _confirm(lang, token, "loan.apply.button"))
    return END


def _read_terms(typed: str) -> tuple[int, int, int, str] | None:
    """(amount in fen, months, rate in basis points, purpose) from "5000 18 12 shop", or None."""
    parts = typed.split(maxsplit=3)
    if len(parts) != 4 or not parts[1].isdecimal() or len(parts[1]) > 3:
        return None
    try:
        amount = Money.parse(parts[0]).minor
        rate = Money.parse(parts[2].removesuffix("%")).minor  # a percentage with two decimals: basis points
    except P2PStockError:
        return None
    return amount, int(parts[1]), rate, parts[3].strip()


async def _qualifications(context: BotContext, customer: Customer) -> list[str]:
    documents = await call(context.services.customers.documents, customer.id)
    return [
        d.id for d in documents if d.kind.value in QUALIFICATIONS and d.status is not ReviewStatus.REJECTED
    ]


# -- the customer's loans and investments -----------------------------------------------------------------


async def show_mine(update: Update, context: BotContext) -> int:
    customer = await customer_of(update, context)
    message, markup = await _mine(context, customer)
    await say(update, context, message, markup)
    return END


async def _mine(context: BotContext, customer: Customer) -> tuple[str, InlineKeyboardMarkup | None]:
    lang = customer.language
    loans = await call(context.services.lending.loans_of, customer.id)
    holdings = await call(context.services.lending.holdings, customer.id)
    if not loans and not holdings:
        return text("loan.mine.empty", lang), None
    lines, rows = [], []
    if loans:
        lines.append(text("loan.mine.borrowed", lang))
        for loan in loans:
            lines.append(
                text(
                    "loan.mine.loan", lang, id=loan.id, amount=Money(loan.amount), status=_status(loan, lang)
                )
            )
            rows.append([button(text("loan.mine.button", lang, id=loan.id), cb.LoanStep("loan", loan.id))])
    if holdings:
        lines.append(text("loan.mine.invested", lang))
        lines += [_holding_line(holding, lang) for holding in holdings]
    return "\n".join(lines), InlineKeyboardMarkup(rows) if rows else None


def _holding_line(holding: Holding, lang: str) -> str:
    i = holding.investment
    expected = sum(row.total for row in holding.expected)
    return text(
        "loan.mine.holding",
        lang,
        id=holding.loan.id,
        amount=Money(i.amount),
        status=_status(holding.loan, lang),
        received=Money(i.principal_received + i.interest_received + i.penalty_received),
        expected=Money(expected),
        bucket=code_name("bucket", holding.bucket, lang),
    )


async def _show_own_loan(update: Update, context: BotContext, press: Press) -> object:
    loan = await _own_loan(update, context, press)
    if loan is None:
        return END
    await query_of(update).answer()
    plan = (
        await call(context.services.lending.schedule, loan.id) if loan.status is LoanStatus.REPAYING else []
    )
    lines = [
        text(
            "loan.own.title",
            press.lang,
            id=loan.id,
            amount=Money(loan.amount),
            status=_status(loan, press.lang),
        )
    ]
    if loan.reason:
        lines.append(text("loan.own.reason", press.lang, reason=loan.reason))
    unpaid = [view for view in plan if not view.installment.settled]
    lines += [_installment_line(view, press.lang) for view in unpaid[:SHOWN_INSTALLMENTS]]
    await say(update, context, "\n".join(lines), _own_buttons(loan, press.lang))
    return END


def _installment_line(view: InstallmentView, lang: str) -> str:
    i = view.installment
    late = (
        text("loan.own.late", lang, days=view.days_overdue, bucket=code_name("bucket", view.bucket, lang))
        if view.days_overdue
        else ""
    )
    return text(
        "loan.own.installment", lang, number=i.number, due=str(i.due), owed=Money(view.owed), late=late
    )


def _own_buttons(loan: Loan, lang: str) -> InlineKeyboardMarkup | None:
    if loan.status is LoanStatus.REPAYING:
        return InlineKeyboardMarkup(
            [
                [
                    button(text("loan.pay.button", lang), cb.LoanStep("pay", loan.id)),
                    button(text("loan.early.button", lang), cb.LoanStep("early", loan.id)),
                ]
            ]
        )
    if loan.status in (LoanStatus.APPLIED, LoanStatus.FIRST_REVIEWED):
        return InlineKeyboardMarkup(
            [[button(text("loan.withdraw.button", lang), cb.LoanStep("wd", loan.id))]]
        )
    return None


async def _ask_repay(update: Update, context: BotContext, press: Press) -> object:
    """What is due now (or the next installment), to confirm."""
    loan = await _own_loan(update, context, press)
    if loan is None:
        return END
    await query_of(update).answer()
    plan = await call(context.services.lending.schedule, loan.id)
    unpaid = [view for view in plan if not view.installment.settled]
    today = [v for v in unpaid if v.installment.due <= _today(context)] or unpaid[:1]
    amount = sum(view.owed for view in today)
    return await _ask_confirm(update, context, press, loan, kind="repay", amount=amount)


async def _ask_early(update: Update, context: BotContext, press: Press) -> object:
    """What repaying everything today costs, to confirm."""
    loan = await _own_loan(update, context, press)
    if loan is None:
        return END
    await query_of(update).answer()
    payoff = await attempt(
        update, context, press.lang, context.services.lending.payoff, loan.id, customer_id=press.customer.id
    )
    return await _ask_confirm(update, context, press, loan, kind="early", amount=payoff.total)


async def _ask_confirm(
    update: Update, context: BotContext, press: Press, loan: Loan, *, kind: str, amount: int
) -> object:
    """A repayment to confirm: core refuses it if the loan was repaid meanwhile or the amount changed."""
    token = new_token()
    context.user_state[STEP] = {
        "kind": kind,
        "loan": loan.id,
        "amount": amount,
        "payments": loan.payments,
        "token": token,
    }
    markup = _confirm(press.lang, token, "loan.confirm.button")
    key = "loan.pay.confirm" if kind == "repay" else "loan.early.confirm"
    await say(update, context, text(key, press.lang, id=loan.id, amount=Money(amount)), markup)
    return END


async def _withdraw(update: Update, context: BotContext, press: Press) -> object:
    await query_of(update).answer()
    loan = await attempt(
        update,
        context,
        press.lang,
        context.services.lending.withdraw,
        press.subject,
        customer_id=press.customer.id,
    )
    await edit(update, text("loan.withdrawn", press.lang, id=loan.id))
    return END


# -- confirming -------------------------------------------------------------------------------------------


async def _confirmed(update: Update, context: BotContext, press: Press) -> object:
    """✅ under the pending step named by the button's token: done once (core sees the same request id)."""

    async def carry_out(step: dict[str, Any]) -> object:
        done = DONE[str(step["kind"])]
        try:
            message = await done(
                context, press.customer, step, request_id(update, step["kind"], press.subject)
            )
        except P2PStockError as error:
            await tell_error(update, context, error, press.lang)
            return END
        await edit(update, message)
        return END

    return await confirmed_once(update, context, press.lang, key=STEP, token=press.subject, then=carry_out)


async def _invest(context: BotContext, customer: Customer, step: dict[str, Any], request_id: str) -> str:
    investment = await call(
        context.services.lending.invest,
        str(step["loan"]),
        investor_id=customer.id,
        amount=int(step["amount"]),
        request_id=request_id,
    )
    return text("loan.done.invest", customer.language, id=investment.loan_id, amount=Money(investment.amount))


async def _apply(context: BotContext, customer: Customer, step: dict[str, Any], request_id: str) -> str:
    product = await _offered(context, str(step["product"]))
    loan = await call(
        context.services.lending.apply,
        customer.id,
        product=str(step["product"]),
        amount=int(step["amount"]),
        months=int(step["months"]),
        rate_bp=int(step["rate"]),
        method=Method(str(step["method"])),
        purpose=str(step["purpose"]),
        documents=[str(d) for d in step["documents"]],
        bidding_days=product.bidding_days_max if product else 1,
        request_id=request_id,
    )
    return text("loan.done.apply", customer.language, id=loan.id)


async def _repay(context: BotContext, customer: Customer, step: dict[str, Any], request_id: str) -> str:
    loan = await call(
        context.services.lending.repay,
        str(step["loan"]),
        customer_id=customer.id,
        amount=int(step["amount"]),
        expected=int(step["amount"]),
        payments_seen=int(step["payments"]),
        request_id=request_id,
    )
    return _repaid(loan, int(step["amount"]), customer.language)


async def _repay_early(context: BotContext, customer: Customer, step: dict[str, Any], request_id: str) -> str:
    loan = await call(
        context.services.lending.repay_early,
        str(step["loan"]),
        customer_id=customer.id,
        request_id=request_id,
        expected=int(step["amount"]),
        payments_seen=int(step["payments"]),
    )
    return _repaid(loan, int(step["amount"]), customer.language)


def _repaid(loan: Loan, amount: int, lang: str) -> str:
    return text("loan.done.repay", lang, id=loan.id, amount=Money(amount))


Done = Callable[[BotContext, Customer, dict[str, Any], str], Coroutine[Any, Any, str]]
DONE: dict[str, Done] = {"invest": _invest, "apply": _apply, "repay": _repay, "early": _repay_early}


async def _drop(update: Update, context: BotContext, press: Press) -> object:
    if pending(context, STEP, press.subject) is None:
        await outdated(update, press.lang)
        return None
    context.user_state.pop(STEP, None)
    await query_of(update).answer()
    await edit(update, text("loan.dropped", press.lang))
    return END


# -- dispatch and helpers --------------------------------------------------------------------------------


async def _turn_mine(update: Update, context: BotContext, press: Press) -> object:
    await query_of(update).answer()
    message, markup = await _mine(context, press.customer)
    await say(update, context, message, markup)
    return END


Action = Callable[[Update, BotContext, Press], Coroutine[Any, Any, object]]
ACTIONS: dict[str, Action] = {
    "hall": _turn_hall,
    "show": _show_loan,
    "inv": _ask_amount,
    "prod": _choose_method,
    "meth": _ask_terms,
    "mine": _turn_mine,
    "loan": _show_own_loan,
    "pay": _ask_repay,
    "early": _ask_early,
    "wd": _withdraw,
    "ok": _confirmed,
    "drop": _drop,
}


async def on_button(update: Update, context: BotContext) -> object:
    """Any ``ln:`` button: the action of its verb (a typing step, ``END``, or ``None`` if outdated)."""
    step = cb.parse(query_of(update).data)
    customer = await customer_of(update, context)
    if not isinstance(step, cb.LoanStep) or step.verb not in ACTIONS:
        await outdated(update, customer.language)
        return None
    return await ACTIONS[step.verb](update, context, Press.of_customer(customer, step.subject))


async def _offered(context: BotContext, code: str) -> LoanProduct | None:
    products = await call(context.services.loan_products.offered)
    return next((product for product in products if product.code == code), None)


async def _own_loan(update: Update, context: BotContext, press: Press) -> Loan | None:
    """The customer's own loan the button names; None once the press was answered (outdated or failed)."""
    try:
        loan = await call(context.services.lending.get, press.subject)
    except P2PStockError as error:
        await query_of(update).answer()
        await tell_error(update, context, error, press.lang)
        return None
    if loan.borrower_id != press.customer.id:
        await outdated(update, press.lang)
        return None
    return loan


def _today(context: BotContext) -> date:
    return context.services.ledger.clock.now().astimezone(context.services.ledger.timezone).date()


def _ranges(product: LoanProduct) -> dict[str, object]:
    return {
        "low": Money(product.amount_min),
        "high": Money(product.amount_max),
        "months_min": product.months_min,
        "months_max": product.months_max,
        "rate_min": percent(product.rate_min_bp),
        "rate_max": percent(product.rate_max_bp),
    }


def _status(loan: Loan, lang: str) -> str:
    return name_of(loan.status, lang)


def _confirm(lang: str, token: str, label: str) -> InlineKeyboardMarkup:
    return confirm_keyboard(
        lang, cb.LoanStep("ok", token), cb.LoanStep("drop", token), label, "loan.drop.button"
    )
