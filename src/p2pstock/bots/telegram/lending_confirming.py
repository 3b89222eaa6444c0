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

from p2pstock.bots.telegram import callbacks as cb
from p2pstock.bots.telegram.confirming import ConfirmButtons, dropping, new_token, on_confirm, request_id
from p2pstock.bots.telegram.context import BotContext, attempt, edit, ended
from p2pstock.bots.telegram.press import Press, Step
from p2pstock.bots.telegram.services import BotServices
from p2pstock.bots.telegram.typed import END, Typed
from p2pstock.core.people.customers import Customer

STEP = "loan_step"
BUTTONS = ConfirmButtons(cb.LoanStep)

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

    def keep(self, context: BotContext, **step: object) -> None:
        """``step`` of this kind waits in the user's state (the one lending step that does)."""
        context.user_state[STEP] = {**step, "kind": self.kind}

    async def kept(self, typed: Typed) -> dict[str, Any]:
        """The step of this kind that what the customer typed is for (else they are told it expired)."""
        step = typed.stored
        if not isinstance(step, dict) or step.get("kind") != self.kind:
            await typed.lost("loan.step.lost")
        return step

    async def ask(self, update: Update, context: BotContext, lang: str, message: str, **step: object) -> int:
        """``message`` with ✅ / ✖️ under it, naming a new token; ``step`` waits for them."""
        token = new_token()
        self.keep(context, **step, token=token)
        markup = BUTTONS.keyboard(lang, "ok", token, self.button)
        return await ended(update, context, message, markup)


def confirming(*confirmations: Confirmation) -> Step:
    """✅ under the pending step named by the button's token: what its kind's ``Confirmation`` carries out,
    once (every tap reaches core with the same request id)."""
    by_kind = {confirmation.kind: confirmation for confirmation in confirmations}

    async def carry_out(update: Update, context: BotContext, press: Press, step: dict[str, Any]) -> object:
        kind = str(step["kind"])
        rid, done = request_id(update, kind, press.subject), by_kind[kind].carry_out
        services, customer = context.services, press.customer
        message = await attempt(update, context, press.lang, done, services, customer, step, rid)
        await edit(update, message)
        return END

    return on_confirm(STEP, carry_out)


dropped = dropping((STEP, "done"), said="cancelled")
"""✖️ under the pending step named by the button's token: forgotten (a lending step is never marked done:
its ✅ leaves core to answer a second tap)."""
