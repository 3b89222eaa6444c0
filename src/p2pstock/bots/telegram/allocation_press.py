"""What the customer's allocation handlers share: the typing steps, what waits in the user's state, the
allocation buttons and keyboards, and the products on offer."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from p2pstock.bots.telegram import callbacks as cb
from p2pstock.bots.telegram.confirming import ConfirmButtons
from p2pstock.bots.telegram.context import BotContext, call
from p2pstock.bots.telegram.keyboards import fitting
from p2pstock.bots.telegram.product_cards import by_code
from p2pstock.core.allocation.allocations import Allocation
from p2pstock.core.allocation.products import Product

DEPOSIT = "allocation.deposit"
TERM = "allocation.term"
TOP_UP = "allocation.top_up"
EXTENSION = "allocation.extension"
PROFIT = "allocation.profit"
"""The steps that wait for typing."""

DRAFT = "allocation_draft"
ASK = "allocation_ask"
CONFIRM = ConfirmButtons(cb.AllocationStep)
"""✅ / ✖️ under a quote or a side request."""


def verb_on(verb: str, allocation: Allocation) -> cb.AllocationStep:
    """The button ``verb`` on ``allocation``."""
    return cb.AllocationStep(verb, allocation.id)


Row = list[tuple[str, cb.AllocationStep]]
"""A row of buttons: label and step each."""


def keyboard(rows: list[Row]) -> InlineKeyboardMarkup:
    """The buttons of ``rows``, without one whose subject is too long for button data (or a row left
    empty)."""
    return InlineKeyboardMarkup(fitting(rows))


async def offered(context: BotContext, code: str) -> Product | None:
    """The product ``code`` as the rate table offers it now, or None."""
    return by_code(await call(context.services.products.rate_table), code)
