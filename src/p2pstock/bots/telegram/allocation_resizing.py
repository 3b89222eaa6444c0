"""Expanding or reducing a running allocation from the bot (扩大 / 缩小配资): the customer presses 📈 or 📉
on its card, types how much deposit to add or take out, reads what it makes of B, the lines and the fee
(``resizing.plan``, the rules core applies), and sends the request with ✅ like any side request
(``allocation_requests.send_request``); an administrator decides it in the side-request queue, whose card
shows the same figures (``request_lines``)::

    al:grow|shrink:<id> ──► the deposit change typed ──► preview ──► al:ask:<token> / al:drop:<token>
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update

from p2pstock.bots.telegram.allocation_press import ASK
from p2pstock.bots.telegram.allocation_requests import (
    Ask,
    asked_about,
    asking,
    running,
    to_confirm,
    waiting,
)
from p2pstock.bots.telegram.context import BotContext, call, ended
from p2pstock.bots.telegram.press import Press
from p2pstock.bots.telegram.product_cards import per_period
from p2pstock.bots.telegram.texts import text
from p2pstock.bots.telegram.typed import Typed, TypedStep, TypedSteps, amount
from p2pstock.core.allocation import resizing
from p2pstock.core.allocation.allocations import Allocation
from p2pstock.core.allocation.resizing import Resize
from p2pstock.core.allocation.side_requests import Kind, SideRequest
from p2pstock.core.errors import P2PStockError
from p2pstock.core.money import Money

EXPANSION = "allocation.expansion"
REDUCTION = "allocation.reduction"
"""The steps that wait for the deposit change typed."""


async def ask_expansion(update: Update, context: BotContext, press: Press) -> object:
    """📈 on a running allocation: how much deposit to add (with the wallet's available balance)."""
    balance = await call(context.services.wallets.balance, press.customer.id)
    return await _ask(update, context, press, Kind.EXPANSION, available=balance.available)


async def ask_reduction(update: Update, context: BotContext, press: Press) -> object:
    """📉 on a running allocation: how much deposit to take out."""
    return await _ask(update, context, press, Kind.REDUCTION)


async def _ask(update: Update, context: BotContext, press: Press, kind: Kind, **values: object) -> object:
    allocation = await running(update, context, press)
    lang, deposit = press.lang, Money(allocation.deposit)
    if allocation.terminating:
        return await ended(update, context, text("alloc.detail.terminating", lang))
    most = resizing.room(allocation, kind)
    if not most:
        return await ended(
            update, context, text(f"alloc.{kind.value}.at_limit", lang, id=allocation.id, deposit=deposit)
        )
    asked = text(
        f"alloc.{kind.value}.ask",
        lang,
        id=allocation.id,
        deposit=deposit,
        leverage=allocation.leverage,
        step=Money(allocation.product.deposit_step),
        most=Money(most),
        **values,
    )
    state = EXPANSION if kind is Kind.EXPANSION else REDUCTION
    return await asking(update, context, allocation, asked, kind=kind, state=state)


def _previewing(kind: Kind) -> Callable[[Typed, Ask, Money], Awaitable[object]]:
    """The change typed, previewed with what it makes of the allocation (core's refusal of a change off
    the product's step or range is told and the change asked again; any other ends the step)."""

    async def preview(typed: Typed, ask: Ask, money: Money) -> object:
        allocation = await asked_about(typed, ask)
        resize = resizing.plan(allocation, kind, money.minor)
        resizing.check(allocation, resize)
        figures = figures_of(allocation, resize, typed.lang)
        if resize.expands:
            moved = {"frozen": Money(resize.frozen), "fund": Money(resize.risk_fund)}
        else:
            back = Money(resize.change + resize.risk_fund)
            moved = {"back": back, "fund": Money(resize.risk_fund), "leaving": Money(resize.leaving)}
        message = text(f"alloc.{kind.value}.confirm", typed.lang, id=allocation.id, **figures, **moved)
        return await to_confirm(typed, ask, message, amount=money.minor)

    return preview


TYPED: TypedSteps = (
    TypedStep(EXPANSION, ASK, waiting(Kind.EXPANSION), amount, _previewing(Kind.EXPANSION)),
    TypedStep(REDUCTION, ASK, waiting(Kind.REDUCTION), amount, _previewing(Kind.REDUCTION)),
)
"""The deposit change of an expansion or a reduction typed."""


def figures_of(allocation: Allocation, resize: Resize, lang: str) -> dict[str, object]:
    """The figures a resize changes, before (``…_was``) and after, as its texts show them."""
    before, after = resize.before, resize.after
    return {
        "deposit_was": Money(before.deposit),
        "deposit": Money(after.deposit),
        "allocated_was": Money(before.allocated),
        "allocated": Money(after.allocated),
        "warning_was": Money(before.warning_line),
        "warning": Money(after.warning_line),
        "liquidation_was": Money(before.liquidation_line),
        "liquidation": Money(after.liquidation_line),
        "fee_was": Money(before.fee_per_period),
        "fee": Money(after.fee_per_period),
        "per": per_period(allocation.mode, lang),
    }


def request_lines(allocation: Allocation, request: SideRequest, lang: str) -> str:
    """What a pending expansion or reduction would make of ``allocation``, for the administrator deciding
    it ("" for any other request, or one the allocation no longer allows)."""
    if request.kind not in resizing.RESIZES:
        return ""
    try:
        resize = resizing.plan(allocation, request.kind, request.amount)
    except P2PStockError:
        return ""
    values = {**figures_of(allocation, resize, lang), "capital": Money(resize.capital)}
    if not resize.expands:
        assets, _ = resizing.left_in_account(allocation) or (0, 0)
        values |= {
            "assets": Money(assets),
            "leaving": Money(resize.leaving),
            "after": Money(assets - resize.leaving),
            "line": Money(resizing.clear_line(resize)),
        }
    return text(f"admin.alloc.request_{request.kind.value}", lang, **values)
