"""A customer's side requests on a running allocation from the bot: a margin top-up, an extension, a
profit withdrawal or its termination, each typed (or chosen), confirmed with a button and sent to core
once; an administrator decides it (``allocation_admin``)."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import ConversationHandler

from p2pstock.bots.telegram.allocation_press import ASK, EXTENSION, PROFIT, TOP_UP, confirm
from p2pstock.bots.telegram.confirming import confirmed_once
from p2pstock.bots.telegram.context import (
    BotContext,
    attempt,
    call,
    customer_of,
    edit,
    message_of,
    query_of,
    say,
    typed_amount,
)
from p2pstock.bots.telegram.press import Press
from p2pstock.bots.telegram.product_cards import per_period as _per
from p2pstock.bots.telegram.product_cards import term_unit as _unit
from p2pstock.bots.telegram.texts import text
from p2pstock.core.allocation.allocations import Allocation
from p2pstock.core.allocation.customer_requests import MAX_EXTENSION, profit_available
from p2pstock.core.allocation.side_requests import PROFIT_FLOOR_PCT, Kind
from p2pstock.core.money import Money
from p2pstock.core.people.customers import Customer

END = ConversationHandler.END


async def ask_top_up(update: Update, context: BotContext, press: Press) -> object:
    allocation = await _running(update, context, press)
    if allocation is None:
        return END
    balance = await call(context.services.wallets.balance, press.customer.id)
    context.user_state[ASK] = {"allocation": allocation.id, "kind": Kind.TOP_UP.value}
    await say(
        update, context, text("alloc.top_up.ask", press.lang, id=allocation.id, available=balance.available)
    )
    return TOP_UP


async def got_top_up(update: Update, context: BotContext) -> object:
    """The top-up amount typed: confirm it."""
    customer = await customer_of(update, context)
    lang = customer.language
    ask = await _waiting(update, context, Kind.TOP_UP, lang)
    if ask is None:
        return END
    amount = await typed_amount(update, context, lang)
    if amount is None:
        return None
    token = message_of(update).message_id
    ask.update(token=token, amount=amount.minor, periods=0, done=None)
    message = text("alloc.top_up.confirm", lang, id=ask["allocation"], amount=amount)
    await say(update, context, message, confirm(lang, "ask", token, "alloc.ask.button"))
    return END


async def ask_extension(update: Update, context: BotContext, press: Press) -> object:
    allocation = await _running(update, context, press)
    if allocation is None:
        return END
    context.user_state[ASK] = {"allocation": allocation.id, "kind": Kind.EXTENSION.value}
    message = text(
        "alloc.extension.ask",
        press.lang,
        id=allocation.id,
        max=MAX_EXTENSION,
        per=_per(allocation.mode, press.lang),
        fee=Money(allocation.fee_per_period),
    )
    await say(update, context, message)
    return EXTENSION


async def got_extension(update: Update, context: BotContext) -> object:
    """The number of periods typed: confirm them with their fees."""
    customer = await customer_of(update, context)
    lang = customer.language
    ask = await _waiting(update, context, Kind.EXTENSION, lang)
    if ask is None:
        return END
    typed = (message_of(update).text or "").strip()
    if not (typed.isdecimal() and len(typed) <= 3 and 1 <= int(typed) <= MAX_EXTENSION):
        await say(update, context, text("alloc.extension.bad", lang, max=MAX_EXTENSION))
        return None
    allocation = await _asked_about(update, context, customer, ask)
    periods, token = int(typed), message_of(update).message_id
    amount = Money(periods * allocation.fee_per_period)
    ask.update(token=token, amount=0, periods=periods, done=None)
    message = text(
        "alloc.extension.confirm",
        lang,
        id=allocation.id,
        periods=periods,
        unit=_unit(allocation.mode, lang),
        amount=amount,
    )
    await say(update, context, message, confirm(lang, "ask", token, "alloc.ask.button"))
    return END


async def ask_profit(update: Update, context: BotContext, press: Press) -> object:
    allocation = await _running(update, context, press)
    if allocation is None:
        return END
    available = profit_available(allocation)
    if available <= 0:
        await say(
            update, context, text("alloc.profit.none", press.lang, id=allocation.id, floor=PROFIT_FLOOR_PCT)
        )
        return END
    context.user_state[ASK] = {"allocation": allocation.id, "kind": Kind.PROFIT.value}
    await say(
        update, context, text("alloc.profit.ask", press.lang, id=allocation.id, available=Money(available))
    )
    return PROFIT


async def got_profit(update: Update, context: BotContext) -> object:
    """The profit amount typed: at most what can be withdrawn now; confirm it."""
    customer = await customer_of(update, context)
    lang = customer.language
    ask = await _waiting(update, context, Kind.PROFIT, lang)
    if ask is None:
        return END
    amount = await typed_amount(update, context, lang)
    if amount is None:
        return None
    allocation = await _asked_about(update, context, customer, ask)
    available = profit_available(allocation)
    if amount.minor > available:
        await say(update, context, text("alloc.profit.too_much", lang, available=Money(available)))
        return None
    token = message_of(update).message_id
    ask.update(token=token, amount=amount.minor, periods=0, done=None)
    message = text("alloc.profit.confirm", lang, id=allocation.id, amount=amount)
    await say(update, context, message, confirm(lang, "ask", token, "alloc.ask.button"))
    return END


async def ask_termination(update: Update, context: BotContext, press: Press) -> object:
    allocation = await _running(update, context, press)
    if allocation is None:
        return END
    if allocation.terminating:
        await say(update, context, text("alloc.detail.terminating", press.lang))
        return END
    token = message_of(update).message_id
    context.user_state[ASK] = {
        "allocation": allocation.id,
        "kind": Kind.TERMINATION.value,
        "token": token,
        "amount": 0,
        "periods": 0,
        "done": None,
    }
    message = text("alloc.termination.confirm", press.lang, id=allocation.id)
    await say(update, context, message, confirm(press.lang, "ask", token, "alloc.ask.button"))
    return END


async def send_request(update: Update, context: BotContext, press: Press) -> object:
    """✅ under a side request's confirmation: ask core (once, however often it is tapped)."""

    async def send(ask: dict[str, Any]) -> object:
        return await _send_ask(update, context, press, ask)

    return await confirmed_once(update, context, press.lang, key=ASK, token=press.subject, then=send)


async def _send_ask(update: Update, context: BotContext, press: Press, ask: dict[str, Any]) -> object:
    lang = press.lang
    kind = Kind(str(ask["kind"]))
    if not isinstance(ask.get("done"), str):
        request = await attempt(
            update,
            context,
            lang,
            context.services.allocations.ask,
            str(ask["allocation"]),
            kind,
            customer_id=press.customer.id,
            amount=int(ask.get("amount") or 0),
            periods=int(ask.get("periods") or 0),
        )
        ask["done"] = request.id
    asked = text("alloc.asked", lang, kind=kind, request=ask["done"])
    await edit(update, asked)
    return END


async def _asked_about(
    update: Update, context: BotContext, customer: Customer, ask: dict[str, Any]
) -> Allocation:
    """The allocation a side request being typed is about (as it is now)."""
    allocations, lang = context.services.allocations, customer.language
    return await attempt(
        update, context, lang, allocations.get, str(ask["allocation"]), customer_id=customer.id
    )


async def _running(update: Update, context: BotContext, press: Press) -> Allocation | None:
    """The allocation the button names, once it is the customer's and in progress (else they are told)."""
    await query_of(update).answer()
    allocations = context.services.allocations
    allocation = await attempt(
        update, context, press.lang, allocations.get, press.subject, customer_id=press.customer.id
    )
    if not allocation.running:
        await say(update, context, text("alloc.not_running", press.lang, id=allocation.id))
        return None
    return allocation


async def _waiting(update: Update, context: BotContext, kind: Kind, lang: str) -> dict[str, Any] | None:
    """The side request of ``kind`` waiting for what the customer typed, or ``None`` once they were told
    it was lost."""
    ask = context.user_state.get(ASK)
    if isinstance(ask, dict) and ask.get("kind") == kind.value and isinstance(ask.get("allocation"), str):
        return ask
    await say(update, context, text("alloc.draft.lost", lang))
    return None
