"""What the customer's allocation handlers share: the typing steps, what waits in the user's state, the
allocation buttons, the confirm keyboard of an application or a side request, and the products on offer."""

from __future__ import annotations

from datetime import tzinfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from p2pstock.bots.telegram import callbacks as cb
from p2pstock.bots.telegram.confirming import confirm_keyboard
from p2pstock.bots.telegram.context import BotContext, call
from p2pstock.bots.telegram.keyboards import button
from p2pstock.core.allocation.allocations import Allocation
from p2pstock.core.allocation.products import Product
from p2pstock.core.clock import from_micros

DEPOSIT = "allocation.deposit"
TERM = "allocation.term"
TOP_UP = "allocation.top_up"
EXTENSION = "allocation.extension"
PROFIT = "allocation.profit"
"""The steps that wait for typing."""

DRAFT = "allocation_draft"
ASK = "allocation_ask"


def confirm(lang: str, verb: str, token: int, label: str) -> InlineKeyboardMarkup:
    drop = cb.AllocationStep("drop", str(token))
    return confirm_keyboard(lang, cb.AllocationStep(verb, str(token)), drop, label, "alloc.drop.button")


def verb_on(verb: str, allocation: Allocation) -> cb.AllocationStep:
    """The button ``verb`` on ``allocation``."""
    return cb.AllocationStep(verb, allocation.id)


Row = list[tuple[str, cb.AllocationStep]]
"""A row of buttons: label and step each."""


def keyboard(rows: list[Row]) -> InlineKeyboardMarkup:
    """The buttons of ``rows``, without one whose subject is too long for button data (or a row left
    empty)."""
    kept = [[b for label, step in row if (b := _button(label, step)) is not None] for row in rows]
    return InlineKeyboardMarkup([row for row in kept if row])


def _button(label: str, step: cb.AllocationStep) -> InlineKeyboardButton | None:
    try:
        return button(label, step)
    except ValueError:
        return None


async def offered(context: BotContext, code: str) -> Product | None:
    """The product ``code`` as the rate table offers it now, or None."""
    products = await call(context.services.products.rate_table)
    return next((product for product in products if product.code == code), None)


def basis_points(bp: int) -> str:
    """Basis points as a per-cent figure with two decimals: 11,500 → "115.00"."""
    sign = "-" if bp < 0 else ""
    return f"{sign}{abs(bp) // 100}.{abs(bp) % 100:02d}"


def local_time(micros: int, zone: tzinfo) -> str:
    return f"{from_micros(micros).astimezone(zone):%Y-%m-%d %H:%M}"
