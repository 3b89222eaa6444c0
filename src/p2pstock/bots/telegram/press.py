"""One button press, one handler signature: every button of the bot — a customer's or an administrator's —
is read into a ``Press`` (who pressed it, in which language, on what subject, and what the module's typed
step waited with) and handed to the step its verb names in the module's table (``Steps``)."""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Mapping
from typing import Any

import attrs
from telegram import Update

from p2pstock.bots.telegram.context import BotContext
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
