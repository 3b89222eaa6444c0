"""Borrowing: the loan products offered, a product's repayment methods, the terms typed in one message, and
the application confirmed with the qualification documents it rests on.

::

    💴 m:borrow   products ──ln:prod:<code>──► methods ──ln:meth:<method>:<code>──► "amount months rate%
                  purpose" typed ──► the application with ln:ok / ln:drop ──► lending.apply
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

from p2pstock.bots.telegram import callbacks as cb
from p2pstock.bots.telegram.context import BotContext, call, edit, ended, outdated, query_of, say
from p2pstock.bots.telegram.keyboards import button
from p2pstock.bots.telegram.lending_confirming import STEP, Confirmation, Kept
from p2pstock.bots.telegram.onboarding import unverified
from p2pstock.bots.telegram.press import Press
from p2pstock.bots.telegram.product_cards import by_code, loan_products_text, loan_ranges, percent
from p2pstock.bots.telegram.services import BotServices
from p2pstock.bots.telegram.texts import text
from p2pstock.bots.telegram.typed import END, Again, Typed, TypedStep, TypedSteps
from p2pstock.core.errors import P2PStockError
from p2pstock.core.lending.applications import check_purpose
from p2pstock.core.lending.products import LoanProduct
from p2pstock.core.lending.schedules import Method
from p2pstock.core.money import Money
from p2pstock.core.names import name_of
from p2pstock.core.people.customers import Customer
from p2pstock.core.people.documents import ReviewStatus

TERMS = "loan.terms"
QUALIFICATIONS = ("house_certificate", "bank_statement", "other")


async def show_products(update: Update, context: BotContext, press: Press) -> int:
    lang = press.lang
    products = await call(context.services.loan_products.offered)
    if not products:
        return await ended(update, context, text("loan.products.empty", lang))
    rows = [[button(product.name, cb.LoanStep("prod", product.code))] for product in products]
    return await ended(update, context, loan_products_text(products, lang), InlineKeyboardMarkup(rows))


async def choose_method(update: Update, context: BotContext, press: Press) -> object:
    product = await call(_offered, context.services, press.subject)
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


async def ask_terms(update: Update, context: BotContext, press: Press) -> object:
    method, _, code = press.subject.partition(":")
    product = await call(_offered, context.services, code)
    if product is None or method not in {m.value for m in product.methods}:
        await outdated(update, press.lang)
        return None
    await query_of(update).answer()
    if await unverified(update, context, press, "loan.apply.verify_first"):
        return END
    APPLYING.keep(context, product=code, method=method)
    await say(update, context, text("loan.terms.ask", press.lang, **loan_ranges(product)))
    return TERMS


Terms = tuple[int, int, int, str]
"""(amount in fen, months, rate in basis points, purpose) of an application."""


async def _applying(typed: Typed) -> tuple[Kept, LoanProduct]:
    """The application being typed and its product, while the product is offered."""
    step = await APPLYING.kept(typed)
    product = await call(_offered, typed.context.services, str(step["product"]))
    if product is None:
        await typed.lost("loan.product.gone")
    return step, product


def _terms(typed: Typed, waiting: tuple[Kept, LoanProduct]) -> Terms | Again:
    """The terms from "5000 18 12 shop"."""
    bad = Again("loan.terms.bad", loan_ranges(waiting[1]))
    parts = typed.text.split(maxsplit=3)
    if len(parts) != 4 or not parts[1].isdecimal() or len(parts[1]) > 3:
        return bad
    try:
        amount = Money.parse(parts[0]).minor
        rate = Money.parse(parts[2].removesuffix("%")).minor  # a percentage with two decimals: basis points
    except P2PStockError:
        return bad
    return amount, int(parts[1]), rate, parts[3].strip()


async def _to_confirm(typed: Typed, waiting: tuple[Kept, LoanProduct], terms: Terms) -> object:
    """The application to confirm, with the documents it rests on."""
    (step, product), lang = waiting, typed.lang
    documents = await _qualifications(typed.context, typed.customer)
    if not documents:
        return await typed.ended("loan.documents.none")
    amount, months, rate_bp, typed_purpose = terms
    purpose = check_purpose(typed_purpose)  # nothing hidden is shown back or kept in the step
    told = {"amount": Money(amount), "months": months, "rate": percent(rate_bp), "purpose": purpose}
    shown = {"name": product.name, "documents": len(documents), "days": product.bidding_days_max}
    message = text("loan.apply.confirm", lang, method=Method(step["method"]), **told, **shown)
    kept = {"product": step["product"], "method": step["method"], "amount": amount, "months": months}
    return await APPLYING.ask(
        typed.update, typed.context, lang, message, **kept, rate=rate_bp, purpose=purpose, documents=documents
    )


async def _qualifications(context: BotContext, customer: Customer) -> list[str]:
    documents = await call(context.services.customers.documents, customer.id)
    return [
        d.id for d in documents if d.kind.value in QUALIFICATIONS and d.status is not ReviewStatus.REJECTED
    ]


def _offered(services: BotServices, code: str) -> LoanProduct | None:
    return by_code(services.loan_products.offered(), code)


def _apply(services: BotServices, customer: Customer, step: Kept, request_id: str) -> str:
    product = _offered(services, str(step["product"]))
    loan = services.lending.apply(
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


APPLYING = Confirmation("apply", "loan.apply.button", _apply)
TYPED: TypedSteps = (TypedStep(TERMS, STEP, _applying, _terms, _to_confirm),)
""" "amount months rate% purpose" typed."""
