"""Settling a running allocation, for administrators: its final total assets typed; the settlement then
waits for a second administrator in the approvals queue."""

from __future__ import annotations

from telegram import Update

from p2pstock.bots.telegram.admin_steps import END, asking, typed_text
from p2pstock.bots.telegram.allocation_admin_card import STEP, in_status
from p2pstock.bots.telegram.context import BotContext, call, say
from p2pstock.bots.telegram.press import Press
from p2pstock.bots.telegram.texts import text
from p2pstock.core.allocation.allocations import Status
from p2pstock.core.money import Money
from p2pstock.core.people.four_eyes import ApprovalRequest

FINAL = "admin.alloc_final"
ask_final = asking(STEP, FINAL, "admin.alloc.ask_final", about=in_status(Status.IN_PROGRESS))
"""🧾 Settle: the final total assets are asked for."""


async def got_final_assets(update: Update, context: BotContext, press: Press) -> object:
    """The final total assets: the settlement is asked for (it waits for a second administrator)."""
    lang = press.lang
    final = Money.parse(typed_text(update), allow_zero=True).minor
    done = await call(
        context.services.allocations.settle, press.subject, final_assets=final, by=press.admin.id
    )
    if isinstance(done, ApprovalRequest):
        key = (
            "admin.alloc.settle_waiting"
            if done.carries(final_assets=final)
            else "admin.alloc.settle_other_waiting"
        )
        assets = Money(done.amount if done.amount is not None else final)
        await say(update, context, text(key, lang, id=done.target, assets=assets, approval=done.id))
        return END
    payout = Money(max(done.settlement.payout if done.settlement else 0, 0))
    await say(
        update, context, text("admin.alloc.settled", lang, id=done.id, assets=Money(final), payout=payout)
    )
    return END
