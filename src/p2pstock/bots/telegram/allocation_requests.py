"""A customer's side requests on a running allocation from the bot: a margin top-up, an extension, a
profit withdrawal or its termination, each typed (or chosen), confirmed with a button and sent to core
once; an administrator decides it (``allocation_admin``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update

from p2pstock.bots.telegram.allocation_press import ASK, CONFIRM, EXTENSION, PROFIT, TOP_UP
from p2pstock.bots.telegram.confirming import on_confirm
from p2pstock.bots.telegram.context import (
    BotContext,
    attempt,
    call,
    edit,
    ended,
    handled,
    message_of,
    query_of,
    say,
)
from p2pstock.bots.telegram.press import Press
from p2pstock.bots.telegram.product_cards import per_period, term_unit
from p2pstock.bots.telegram.texts import text
from p2pstock.bots.telegram.typed import END, Again, Typed, TypedStep, TypedSteps, amount
from p2pstock.core.allocation.allocations import Allocation
from p2pstock.core.allocation.customer_requests import MAX_EXTENSION, profit_available
from p2pstock.core.allocation.side_requests import PROFIT_FLOOR_PCT, Kind
from p2pstock.core.money import Money

Ask = dict[str, Any]
"""A side request pending in the user's state."""


async def ask_top_up(update: Update, context: BotContext, press: Press) -> object:
    allocation = await running(update, context, press)
    balance = await call(context.services.wallets.balance, press.customer.id)
    asked = text("alloc.top_up.ask", press.lang, id=allocation.id, available=balance.available)
    return await asking(update, context, allocation, asked, kind=Kind.TOP_UP, state=TOP_UP)


async def _confirm_top_up(typed: Typed, ask: Ask, money: Money) -> object:
    message = text("alloc.top_up.confirm", typed.lang, id=ask["allocation"], amount=money)
    return await to_confirm(typed, ask, message, amount=money.minor)


async def ask_extension(update: Update, context: BotContext, press: Press) -> object:
    allocation = await running(update, context, press)
    lang, fee = press.lang, Money(allocation.fee_per_period)
    per = per_period(allocation.mode, lang)
    asked = text("alloc.extension.ask", lang, id=allocation.id, max=MAX_EXTENSION, per=per, fee=fee)
    return await asking(update, context, allocation, asked, kind=Kind.EXTENSION, state=EXTENSION)


def _periods(typed: Typed, _: Ask) -> int | Again:
    periods = typed.text.strip()
    if periods.isdecimal() and len(periods) <= 3 and 1 <= int(periods) <= MAX_EXTENSION:
        return int(periods)
    return Again("alloc.extension.bad", {"max": MAX_EXTENSION})


async def _confirm_extension(typed: Typed, ask: Ask, periods: int) -> object:
    """The periods with their fees."""
    allocation = await asked_about(typed, ask)
    unit, fees = term_unit(allocation.mode, typed.lang), Money(periods * allocation.fee_per_period)
    message = text(
        "alloc.extension.confirm", typed.lang, id=allocation.id, periods=periods, unit=unit, amount=fees
    )
    return await to_confirm(typed, ask, message, periods=periods)


async def ask_profit(update: Update, context: BotContext, press: Press) -> object:
    allocation = await running(update, context, press)
    available = profit_available(allocation)
    if available <= 0:
        none = text("alloc.profit.none", press.lang, id=allocation.id, floor=PROFIT_FLOOR_PCT)
        return await ended(update, context, none)
    asked = text("alloc.profit.ask", press.lang, id=allocation.id, available=Money(available))
    return await asking(update, context, allocation, asked, kind=Kind.PROFIT, state=PROFIT)


async def _confirm_profit(typed: Typed, ask: Ask, money: Money) -> object:
    """At most what can be withdrawn now."""
    allocation = await asked_about(typed, ask)
    available = profit_available(allocation)
    if money.minor > available:
        await typed.tell("alloc.profit.too_much", available=Money(available))
        return None
    message = text("alloc.profit.confirm", typed.lang, id=allocation.id, amount=money)
    return await to_confirm(typed, ask, message, amount=money.minor)


def waiting(kind: Kind) -> Callable[[Typed], Awaitable[Ask]]:
    """The side request of ``kind`` waiting for what the customer types."""

    async def waiting(typed: Typed) -> Ask:
        ask = typed.stored
        if not (
            isinstance(ask, dict) and ask.get("kind") == kind.value and isinstance(ask.get("allocation"), str)
        ):
            await typed.lost("alloc.draft.lost")
        return ask

    return waiting


TYPED: TypedSteps = (
    TypedStep(TOP_UP, ASK, waiting(Kind.TOP_UP), amount, _confirm_top_up),
    TypedStep(EXTENSION, ASK, waiting(Kind.EXTENSION), _periods, _confirm_extension),
    TypedStep(PROFIT, ASK, waiting(Kind.PROFIT), amount, _confirm_profit),
)
"""The amount or the periods of a side request typed."""


async def asking(
    update: Update, context: BotContext, allocation: Allocation, asked: str, *, kind: Kind, state: str
) -> str:
    """A side request of ``kind`` on ``allocation`` waits for what the customer types in ``state``."""
    context.user_state[ASK] = {"allocation": allocation.id, "kind": kind.value}
    await say(update, context, asked)
    return state


async def to_confirm(typed: Typed, ask: Ask, message: str, *, amount: int = 0, periods: int = 0) -> object:
    markup = CONFIRM.keyboard(typed.lang, "ask", typed.token, "alloc.ask.button")
    return await typed.to_confirm(_pending(ask, typed.token, amount=amount, periods=periods), message, markup)


def _pending(ask: Ask, token: int, *, amount: int = 0, periods: int = 0) -> Ask:
    """``ask`` completed, to be confirmed under the token."""
    return {**ask, "token": token, "amount": amount, "periods": periods, "done": None}


async def ask_termination(update: Update, context: BotContext, press: Press) -> object:
    allocation = await running(update, context, press)
    if allocation.terminating:
        return await ended(update, context, text("alloc.detail.terminating", press.lang))
    token = message_of(update).message_id
    context.user_state[ASK] = _pending({"allocation": allocation.id, "kind": Kind.TERMINATION.value}, token)
    message = text("alloc.termination.confirm", press.lang, id=allocation.id)
    markup = CONFIRM.keyboard(press.lang, "ask", token, "alloc.ask.button")
    return await ended(update, context, message, markup)


async def _send_ask(update: Update, context: BotContext, press: Press, ask: Ask) -> object:
    lang, kind = press.lang, Kind(str(ask["kind"]))
    if not isinstance(ask.get("done"), str):
        amount, periods = int(ask.get("amount") or 0), int(ask.get("periods") or 0)
        sending, allocation, who = context.services.allocations.ask, str(ask["allocation"]), press.customer.id
        numbers = {"amount": amount, "periods": periods}
        request = await attempt(update, context, lang, sending, allocation, kind, customer_id=who, **numbers)
        ask["done"] = request.id
    await edit(update, text("alloc.asked", lang, kind=kind, request=ask["done"]))
    return END


send_request = on_confirm(ASK, _send_ask)
"""✅ under a side request's confirmation: ask core (once, however often it is tapped)."""


async def asked_about(typed: Typed, ask: Ask) -> Allocation:
    """The allocation a side request being typed is about (as it is now)."""
    allocations = typed.context.services.allocations
    return await call(allocations.get, str(ask["allocation"]), customer_id=typed.customer.id)


async def running(update: Update, context: BotContext, press: Press) -> Allocation:
    """The allocation the button names, once it is the customer's and in progress (else they are told,
    and the step ends)."""
    await query_of(update).answer()
    allocations = context.services.allocations
    allocation = await attempt(
        update, context, press.lang, allocations.get, press.subject, customer_id=press.customer.id
    )
    if not allocation.running:
        await say(update, context, text("alloc.not_running", press.lang, id=allocation.id))
        handled(END)
    return allocation
