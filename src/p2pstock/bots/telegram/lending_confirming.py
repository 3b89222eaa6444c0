"""A customer's lending step to confirm — an investment, an application, a repayment, an early repayment.

The step waits in the user's UI state (``user_state[STEP]``) with a token, random for each confirmation,
that its ✅ / ✖️ buttons name, so the buttons of any earlier confirmation are outdated. ✅ reaches core
with a request id made of the user, the step's kind and the token: a second tap is the same request, which
core answers without doing it again, and next month's repayment is a new one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import attrs
from telegram import Update
from telegram.ext import ConversationHandler

from p2pstock.bots.telegram import callbacks as cb
from p2pstock.bots.telegram.confirming import confirm_keyboard, confirmed_once, new_token, pending, request_id
from p2pstock.bots.telegram.context import BotContext, attempt, customer_of, edit, outdated, query_of, say
from p2pstock.bots.telegram.press import Press
from p2pstock.bots.telegram.services import BotServices
from p2pstock.bots.telegram.texts import text
from p2pstock.core.people.customers import Customer

END = ConversationHandler.END
STEP = "loan_step"

Kept = Mapping[str, Any]
"""A step as it waits in the user's state (JSON)."""

CarryOut = Callable[[BotServices, Customer, Kept, str], str]
"""What ✅ does (off the event loop, with the request id core sees): the service call the step asks for,
and what the customer reads once it is done."""


@attrs.frozen
class Confirmation:
    """A kind of step to confirm: its ``kind`` (part of the request id), its ✅ label and what ✅ does."""

    kind: str
    button: str
    carry_out: CarryOut


def keep(context: BotContext, confirmation: Confirmation, **step: object) -> None:
    """``step`` of the kind ``confirmation`` confirms waits in the user's state (the one step that does)."""
    context.user_state[STEP] = {**step, "kind": confirmation.kind}


async def kept_for(
    update: Update, context: BotContext, confirmation: Confirmation
) -> tuple[Customer, dict[str, Any]] | None:
    """The customer and the step their typed message is for (of the kind ``confirmation`` confirms); None
    once told it expired."""
    customer = await customer_of(update, context)
    step = context.user_state.get(STEP)
    if isinstance(step, dict) and step.get("kind") == confirmation.kind:
        return customer, step
    await say(update, context, text("loan.step.lost", customer.language))
    return None


async def ask_to_confirm(
    update: Update, context: BotContext, lang: str, confirmation: Confirmation, message: str, **step: object
) -> int:
    """``message`` with ✅ / ✖️ under it; ``step`` waits for them."""
    token = new_token()
    keep(context, confirmation, **step, token=token)
    ok, drop = cb.LoanStep("ok", token), cb.LoanStep("drop", token)
    markup = confirm_keyboard(lang, ok, drop, confirmation.button, "loan.drop.button")
    await say(update, context, message, markup)
    return END


async def confirmed(
    update: Update, context: BotContext, press: Press, confirmations: Mapping[str, Confirmation]
) -> object:
    """✅ under the pending step named by the button's token: carried out once (every tap reaches core with
    the same request id)."""

    async def carry_out(step: dict[str, Any]) -> object:
        kind = str(step["kind"])
        done = confirmations[kind].carry_out
        rid = request_id(update, kind, press.subject)
        message = await attempt(
            update, context, press.lang, done, context.services, press.customer, step, rid
        )
        await edit(update, message)
        return END

    return await confirmed_once(update, context, press.lang, key=STEP, token=press.subject, then=carry_out)


async def dropped(update: Update, context: BotContext, press: Press) -> object:
    """✖️ under the pending step named by the button's token: forget it."""
    if pending(context, STEP, press.subject) is None:
        await outdated(update, press.lang)
        return None
    context.user_state.pop(STEP, None)
    await query_of(update).answer()
    await edit(update, text("cancelled", press.lang))
    return END
