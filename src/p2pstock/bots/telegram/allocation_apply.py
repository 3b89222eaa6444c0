"""A customer applies for a stock fund allocation (配资): the rate table, a product, a leverage, the deposit
and the term typed, the quote confirmed with ✅ and sent to core.

The pending application waits in the user's state (``allocation_draft``); the quote's buttons name the
message that completed it, so a button of an earlier one is outdated. Applying is not idempotent in core:
the draft remembers the allocation it made, and a tap while the first is at work is told to wait.
"""

from __future__ import annotations

from typing import Any

from telegram import Update

from p2pstock.bots.telegram import callbacks as cb
from p2pstock.bots.telegram import product_cards
from p2pstock.bots.telegram.allocation_detail import render, show
from p2pstock.bots.telegram.allocation_papers import DISCLOSURE
from p2pstock.bots.telegram.allocation_press import CONFIRM, DEPOSIT, DRAFT, TERM, keyboard, offered
from p2pstock.bots.telegram.confirming import on_confirm, request_id
from p2pstock.bots.telegram.context import BotContext, call, edit, ended, outdated, query_of, say, tell_error
from p2pstock.bots.telegram.onboarding import unverified, verifying
from p2pstock.bots.telegram.press import Press
from p2pstock.bots.telegram.product_cards import deposit_range, per_period, ppm_percent, term_unit
from p2pstock.bots.telegram.texts import text
from p2pstock.bots.telegram.typed import END, Again, Typed, TypedStep, TypedSteps, amount
from p2pstock.core.allocation.products import Product, Quote
from p2pstock.core.errors import InvalidInput, P2PStockError, Refused
from p2pstock.core.money import Money
from p2pstock.core.names import name_of
from p2pstock.core.people.customers import KycStatus

Draft = tuple[dict[str, Any], Product]
"""The pending application and its product as offered now."""


async def show_rate_table(update: Update, context: BotContext, press: Press) -> int:
    """Every product on offer with its terms, and a button per product."""
    lang = press.lang
    products = await call(context.services.products.rate_table)
    if not products:
        return await ended(update, context, text("alloc.table.empty", lang))
    rows = [[(product_cards.product_label(p, lang), cb.AllocationStep("prod", p.code))] for p in products]
    return await ended(update, context, product_cards.rate_table_text(products, lang), keyboard(rows))


async def choose_product(update: Update, context: BotContext, press: Press) -> object:
    """A product of the rate table: its leverages, a button each."""
    lang, product = press.lang, await offered(context, press.subject)
    if product is None:
        await outdated(update, lang)
        return None
    await query_of(update).answer()
    per, rows = per_period(product.mode, lang), []
    for r in product.rates:
        rate = ppm_percent(r.rate_ppm)
        label = text("alloc.leverage.button", lang, leverage=r.leverage, rate=rate, per=per)
        rows.append([(label, cb.AllocationStep("lev", f"{r.leverage}:{product.code}"))])
    chosen = text("alloc.leverage.choose", lang, name=product.name)
    return await ended(update, context, chosen, keyboard(rows))


async def choose_leverage(update: Update, context: BotContext, press: Press) -> object:
    """A leverage: the application is drafted and its deposit asked for (after the agreement and risk
    disclosure, when the customer never accepted them)."""
    leverage, _, code = press.subject.partition(":")
    product = await offered(context, code)
    if product is None or not leverage.isdigit() or int(leverage) not in {r.leverage for r in product.rates}:
        await outdated(update, press.lang)
        return None
    await query_of(update).answer()
    if await unverified(update, context, press, "alloc.verify_first"):
        return END
    if await DISCLOSURE.first(update, context, press, press.subject):
        return END
    context.user_state[DRAFT] = {
        "product": product.code,
        "version": product.version,
        "leverage": int(leverage),
    }
    asked = {**deposit_range(product), "name": product.name, "leverage": leverage}
    await say(update, context, text("alloc.deposit.ask", press.lang, **asked))
    return DEPOSIT


# -- the deposit and the term typed ------------------------------------------------------------------------


async def _draft(typed: Typed) -> Draft:
    """The pending application and its product, while the product is offered as it was."""
    draft = typed.stored
    if not isinstance(draft, dict) or not isinstance(draft.get("product"), str):
        await typed.lost("alloc.draft.lost")
    product = await offered(typed.context, str(draft["product"]))
    if product is None or product.version != draft.get("version"):
        typed.forget()
        await typed.lost("alloc.product.gone")
    return draft, product


def _deposit(typed: Typed, waiting: Draft) -> Money | Again:
    """Money, within what the product takes."""
    draft, product, deposit = *waiting, amount(typed)
    try:
        product.quote(deposit.minor, int(draft["leverage"]), product.term_min)
    except InvalidInput:
        return Again("alloc.deposit.bad", deposit_range(product))
    return deposit


async def _ask_term(typed: Typed, waiting: Draft, deposit: Money) -> object:
    draft, product = waiting
    draft.update(deposit=deposit.minor, term=None, token=None)
    await typed.tell("alloc.term.ask", deposit=deposit, **_term_range(product, typed.lang))
    return TERM


async def _quoted(typed: Typed) -> Draft:
    """The pending application, once its deposit was typed."""
    draft, product = await _draft(typed)
    if not isinstance(draft.get("deposit"), int):
        await typed.lost("alloc.draft.lost")
    return draft, product


def _term(typed: Typed, waiting: Draft) -> Quote | Again:
    """A number of periods within the product's; read as the quote of the application."""
    draft, product = waiting
    term = typed.text.strip()
    periods = int(term) if term.isdecimal() and len(term) <= 4 else 0
    try:
        return product.quote(int(draft["deposit"]), int(draft["leverage"]), periods)
    except InvalidInput:
        return Again("alloc.term.bad", _term_range(product, typed.lang))


async def _show_quote(typed: Typed, waiting: Draft, quote: Quote) -> object:
    """The quote, with ✅ apply / ✖️ cancel naming this message."""
    (draft, product), lang = waiting, typed.lang
    due = "\n".join(
        text("alloc.quote.due", lang, component=name_of(part, lang), amount=Money(minor))
        for part, minor in quote.due.items()
    )
    mode, minutes = product.mode, product.payment_deadline_minutes
    words = {"mode": name_of(mode, lang), "unit": term_unit(mode, lang), "per": per_period(mode, lang)}
    money = {"deposit": quote.deposit, "allocated": quote.allocated, "fee": quote.fee_per_period}
    money |= {"warning": quote.warning_line, "liquidation": quote.liquidation_line, "total": quote.total_due}
    amounts = {name: Money(minor) for name, minor in money.items()}
    terms = {"leverage": quote.leverage, "term": quote.term, "due": due, "minutes": minutes}
    message = text("alloc.quote", lang, name=product.name, **words, **amounts, **terms)
    if product.trial:
        message += "\n" + text("alloc.detail.trial", lang)
    balance = await call(typed.context.services.wallets.balance, typed.customer.id)
    if balance.available.minor < quote.total_due:
        short = Money(quote.total_due - balance.available.minor)
        message += "\n" + text("alloc.quote.short", lang, available=balance.available, short=short)
    markup = CONFIRM.keyboard(lang, "apply", typed.token, "alloc.apply.button")
    return await typed.to_confirm({**draft, "term": quote.term, "applied": None}, message, markup)


TYPED: TypedSteps = (
    TypedStep(DEPOSIT, DRAFT, _draft, _deposit, _ask_term),
    TypedStep(TERM, DRAFT, _quoted, _term, _show_quote),
)
"""The deposit and the term typed."""


def _term_range(product: Product, lang: str) -> dict[str, object]:
    return {"low": product.term_min, "high": product.term_max, "unit": term_unit(product.mode, lang)}


# -- applying ------------------------------------------------------------------------------------------------


async def _apply(update: Update, context: BotContext, press: Press, draft: dict[str, Any]) -> object:
    lang, customer = press.lang, press.customer
    if isinstance(draft.get("applied"), str):  # a second tap: the allocation made by the first
        await show(update, context, customer, str(draft["applied"]), header="alloc.applied")
        return END
    product = await offered(context, str(draft["product"]))
    if product is None or product.version != draft.get("version"):
        context.user_state.pop(DRAFT, None)
        await edit(update, text("alloc.product.gone", lang))
        return END
    try:
        allocation = await call(
            context.services.allocations.apply,
            customer.id,
            product=product.code,
            deposit=int(draft["deposit"]),
            leverage=int(draft["leverage"]),
            term=int(draft["term"]),
            request_id=request_id(update, draft["token"]),
        )
    except P2PStockError as error:
        if isinstance(error, Refused) and customer.status is not KycStatus.VERIFIED:
            await say(update, context, text("alloc.verify_first", lang), verifying(lang))
        else:
            await tell_error(update, context, error, lang)
        return END
    draft["applied"] = allocation.id
    await render(update, context, allocation, lang, header="alloc.applied")
    return END


apply = on_confirm(DRAFT, _apply)
"""✅ under a quote: the application sent to core, once however often it is tapped."""
