"""What the customer's allocation handlers share: the typing steps, what waits in the user's state, a
pressed allocation button, and the confirm keyboard of an application or a side request."""

from __future__ import annotations

from datetime import tzinfo

from telegram import InlineKeyboardMarkup

from p2pstock.bots.telegram import callbacks as cb
from p2pstock.bots.telegram.confirming import confirm_keyboard
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


def basis_points(bp: int) -> str:
    """Basis points as a per-cent figure with two decimals: 11,500 → "115.00"."""
    sign = "-" if bp < 0 else ""
    return f"{sign}{abs(bp) // 100}.{abs(bp) % 100:02d}"


def local_time(micros: int, zone: tzinfo) -> str:
    return f"{from_micros(micros).astimezone(zone):%Y-%m-%d %H:%M}"
