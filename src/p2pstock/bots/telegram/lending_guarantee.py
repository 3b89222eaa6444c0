"""Guarantee reserves and write-offs in the bot, for administrators.

::

    a:menu:reserve ──► each loan product's reserve (capital.manage or stats.view), with a ➕ per product for
        holders of capital.manage ──a:rs_fund:<product>──► "amount reference" typed ──► confirm
        ──a:rs_ok:<token>──► funded, or waiting for a second administrator
    a loan card of a loan being repaid ──a:ln_wo:<id>──► its reason typed (admin.py) ──► the write-off waits
        for a second administrator, whose approvals queue shows what it would do (admin_review)

Core checks every permission, and refuses a write-off before M3, when it is asked and again when it is
approved.
"""

from __future__ import annotations

import contextlib

from telegram import InlineKeyboardMarkup, Update

from p2pstock.bots.telegram import callbacks as cb
from p2pstock.bots.telegram.admin_steps import Desk, Kept, Rejection, confirmed, to_confirm, typing, wait
from p2pstock.bots.telegram.context import BotContext, call, ended, say
from p2pstock.bots.telegram.keyboards import button
from p2pstock.bots.telegram.press import Press
from p2pstock.bots.telegram.texts import text
from p2pstock.bots.telegram.typed import Again, Typed
from p2pstock.core.errors import P2PStockError
from p2pstock.core.lending.reserve import ReserveFigures
from p2pstock.core.money import Money
from p2pstock.core.people.four_eyes import ApprovalRequest
from p2pstock.core.people.permissions import Permission
from p2pstock.core.validation import check_name

MENU_PERMISSIONS = frozenset({Permission.CAPITAL_MANAGE, Permission.STATS_VIEW})
FUND = "admin.rs_fund"
STEP = "admin_reserve"
"""The user-state key: ``{"step": FUND, "subject": <product>}`` while the line is asked for, then
``{"step": "confirm", "token", "product", "amount", "reference"}`` until the confirm button."""


async def show_reserves(update: Update, context: BotContext, press: Press) -> object:
    """Each loan product's reserve, with a fund button each for a holder of ``capital.manage``."""
    lang = press.lang
    found = await call(context.services.guarantee.figures, by=press.admin.id)
    if not found:
        return await ended(update, context, text("admin.reserve.empty", lang))
    lines = [text("admin.reserve.title", lang), *(figures_line(f, lang) for f in found)]
    held = await call(context.services.staff.permissions, press.admin.id)
    rows = [
        [button(text("admin.reserve.fund", lang, product=f.product), cb.AdminAction("rs_fund", f.product))]
        for f in found
        if Permission.CAPITAL_MANAGE in held
    ]
    return await ended(update, context, "\n".join(lines), InlineKeyboardMarkup(rows) if rows else None)


def figures_line(f: ReserveFigures, lang: str) -> str:
    """One product's reserve on a line."""
    days = f.guarantee_days
    guarantee = text("admin.reserve.days", lang, days=days) if days else text("admin.reserve.none", lang)
    return text(
        "admin.reserve.line",
        lang,
        name=f.name,
        product=f.product,
        guarantee=guarantee,
        balance=Money(f.balance),
        advanced=Money(f.advanced),
        recovered=Money(f.recovered),
        outstanding=Money(f.outstanding),
        written_off=Money(f.written_off),
        investors=Money(f.investors_written_off),
    )


async def _ask_fund(update: Update, context: BotContext, press: Press) -> object:
    await say(update, context, text("admin.reserve.ask", press.lang, product=press.subject))
    return wait(context, STEP, FUND, press.subject)


async def got_fund(typed: Typed, _: Kept, move: tuple[Money, str]) -> object:
    """``amount reference``: what will be done, with the confirm button."""
    (amount, reference), product = move, typed.subject
    message = text("admin.reserve.confirm", typed.lang, product=product, amount=amount, reference=reference)
    kept = {"product": product, "amount": amount.minor, "reference": reference}
    return await to_confirm(typed, message, confirm=("confirm.button", "rs_ok"), **kept)


def read_fund(typed: Typed, _: object = None) -> tuple[Money, str] | Again:
    """``10,000 2026-04-reserve`` → (the amount, the reference)."""
    parts = typed.text.split()
    if len(parts) == 2:
        with contextlib.suppress(P2PStockError):
            return Money.parse(parts[0]), check_name(parts[1], "reference")
    return Again("admin.reserve.format")


@confirmed
async def _fund(context: BotContext, press: Press, waited: Kept) -> str:
    product, amount, reference = str(waited["product"]), int(waited["amount"]), str(waited["reference"])
    funding = context.services.guarantee.fund_reserve
    done = await call(funding, product, amount, reference=reference, by=press.admin.id)
    if isinstance(done, ApprovalRequest):
        return text("admin.reserve.waiting", press.lang, amount=Money(amount), approval=done.id)
    return text("admin.reserve.done", press.lang, product=product, balance=done)


async def _write_off(context: BotContext, press: Press, reason: str) -> str:
    """The write-off asked for with its reason: waiting for a second administrator (or done)."""
    asked = context.services.guarantee.write_off
    done = await call(asked, press.subject, by=press.admin.id, reason=reason)
    if isinstance(done, ApprovalRequest):
        return text("admin.write_off.waiting", press.lang, id=press.subject, approval=done.id)
    return text("admin.write_off.done", press.lang, id=done.id)


DESK = Desk(
    {"rs_fund": _ask_fund, "rs_ok": _fund},
    Permission.CAPITAL_MANAGE,
    typed=(typing(STEP, FUND, got_fund, read_fund),),
    rejections={"ln_wo": Rejection(_write_off, "admin.write_off.ask_reason")},
)
"""Funding a reserve (``capital.manage``), and the write-off button of a loan card, which asks for its
reason (core checks ``loan.write_off``)."""
