"""The capital pool in the bot, for administrators holding ``capital.manage`` (finance and super
administrators by default): the "🏦 Capital pool" entry of the admin menu shows what the pool holds and
what running allocations hold of it, by product mode, with buttons to fund the pool or take money out.

A movement asks for one line, ``amount reference`` (``admin.cap_move``: ``1,000,000 2026-12-seed``), shows
what it will do with a confirm button, and is carried out — or, from the four-eyes threshold on, waits
in the approvals queue for a second administrator. The reference names the movement, so a repeated
confirmation moves the money once.
"""

from __future__ import annotations

import contextlib

from telegram import InlineKeyboardMarkup, Update

from p2pstock.bots.telegram import callbacks as cb
from p2pstock.bots.telegram.admin_steps import Desk, Kept, confirmed, to_confirm, typing, wait
from p2pstock.bots.telegram.context import BotContext, call, ended, say
from p2pstock.bots.telegram.keyboards import button
from p2pstock.bots.telegram.press import Press
from p2pstock.bots.telegram.texts import text
from p2pstock.bots.telegram.typed import Again, Typed
from p2pstock.core.errors import P2PStockError
from p2pstock.core.money import Money
from p2pstock.core.people.four_eyes import ApprovalRequest
from p2pstock.core.people.permissions import Permission
from p2pstock.core.validation import check_name

MOVE = "admin.cap_move"
STEP = "admin_capital"
"""The user-state key: ``{"step": MOVE, "subject": "in" | "out"}`` while the line is asked for, then
``{"step": "confirm", "token", "into", "amount", "reference"}`` until the confirm button."""


async def show_menu(update: Update, context: BotContext, press: Press) -> object:
    """What the pool holds and has lent out, with the fund and withdraw buttons."""
    lang = press.lang
    position = await call(context.services.capital.position, by=press.admin.id)
    lines = [text("admin.cap.menu", lang, available=position.available)]
    lines += [
        text(f"admin.cap.lent.{lent.mode.value}", lang, count=lent.allocations, amount=lent.amount)
        for lent in position.lent
    ]
    lines.append(text("admin.cap.total", lang, amount=position.lent_total))
    fund = button(text("admin.cap.fund", lang), cb.AdminAction("cap_move", "in"))
    take_out = button(text("admin.cap.take_out", lang), cb.AdminAction("cap_move", "out"))
    return await ended(update, context, "\n".join(lines), InlineKeyboardMarkup([[fund, take_out]]))


async def _ask_move(update: Update, context: BotContext, press: Press) -> object:
    await say(update, context, text(f"admin.cap.ask_{press.subject}", press.lang))
    return wait(context, STEP, MOVE, press.subject)


async def got_move(typed: Typed, _: Kept, move: tuple[Money, str]) -> object:
    """``amount reference``: what will be done, with the confirm button."""
    (amount, reference), into = move, typed.subject
    message = text(f"admin.cap.confirm_{into}", typed.lang, amount=amount, reference=reference)
    kept = {"into": into == "in", "amount": amount.minor, "reference": reference}
    return await to_confirm(typed, message, confirm=("confirm.button", "cap_ok"), **kept)


def read_move(typed: Typed, _: object = None) -> tuple[Money, str] | Again:
    """``1,000,000 2026-12-seed`` → (the amount, the reference)."""
    parts = typed.text.split()
    if len(parts) == 2:
        with contextlib.suppress(P2PStockError):
            return Money.parse(parts[0]), check_name(parts[1], "reference")
    return Again("admin.cap.format")


@confirmed
async def _move(context: BotContext, press: Press, waited: Kept) -> str:
    capital = context.services.capital
    move = capital.fund if waited.get("into") is True else capital.take_out
    amount = int(waited["amount"])
    done = await call(move, amount, reference=str(waited["reference"]), by=press.admin.id)
    if isinstance(done, ApprovalRequest):
        return text("admin.cap.waiting", press.lang, amount=Money(amount), approval=done.id)
    return text("admin.cap.done", press.lang, available=done)


DESK = Desk(
    {"cap_move": _ask_move, "cap_ok": _move},
    Permission.CAPITAL_MANAGE,
    typed=(typing(STEP, MOVE, got_move, read_move),),
)
