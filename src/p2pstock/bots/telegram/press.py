"""One button press, one handler signature: every button of the bot — a customer's or an administrator's —
is read into a ``Press`` (who pressed it, in which language, on what subject, and what the module's typed
step waited with) and handed to the step its verb names in the module's table (``Steps``)."""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Mapping
from typing import Any, TypeVar

import attrs
from telegram import Update

from p2pstock.bots.telegram import callbacks as cb
from p2pstock.bots.telegram.context import BotContext, customer_of, outdated, query_of
from p2pstock.core.people.customers import Customer
from p2pstock.core.people.permissions import Administrator


@attrs.frozen
class Press:
    """A button pressed by a customer (``by`` is a ``Customer``) or by an administrator (an
    ``Administrator``), answered in ``lang``; its verb's ``subject``; and what the module's typed step
    waited with when it was pressed (back office)."""

    by: Customer | Administrator
    lang: str
    subject: str
    waiting: object = None

    @classmethod
    def of_customer(cls, customer: Customer, subject: str) -> Press:
        return cls(customer, customer.language, subject)

    @property
    def customer(self) -> Customer:
        if not isinstance(self.by, Customer):
            raise TypeError("this button was pressed by an administrator")
        return self.by

    @property
    def admin(self) -> Administrator:
        if not isinstance(self.by, Administrator):
            raise TypeError("this button was pressed by a customer")
        return self.by


Step = Callable[[Update, BotContext, Press], Coroutine[Any, Any, object]]
"""What a button does: the next state of the conversation (``None``: unchanged)."""

Steps = Mapping[str, Step]
"""A module's buttons: verb → step."""

D = TypeVar("D")
Handler = Callable[[Update, BotContext], Coroutine[Any, Any, object]]


def customer_buttons(data: type[D], read: Callable[[D], tuple[str, str]], steps: Steps) -> Handler:
    """The handler of a customer's buttons whose data is ``data``: ``read`` into (verb, subject), the step
    of the verb run on the customer's ``Press``. Any other button is answered as outdated (``None``: the
    conversation's state unchanged)."""

    async def on_button(update: Update, context: BotContext) -> object:
        parsed = cb.parse(query_of(update).data)
        customer = await customer_of(update, context)
        verb, subject = read(parsed) if isinstance(parsed, data) else ("", "")
        if verb not in steps:
            await outdated(update, customer.language)
            return None
        return await steps[verb](update, context, Press.of_customer(customer, subject))

    return on_button


def verb_and_subject(step: cb.AllocationStep | cb.LoanStep) -> tuple[str, str]:
    return step.verb, step.subject
