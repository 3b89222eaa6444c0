"""The trading sub-account of an allocation, for administrators, from its start to its settlement: its code
typed, then its password — deleted from the chat once read, never echoed, logged or kept in the user's
state — and the allocation starts trading; at the end, its final total assets typed, and the settlement
waits for a second administrator in the approvals queue."""

from __future__ import annotations

from telegram.error import TelegramError

from p2pstock.bots.telegram.admin_steps import Kept, asking, typing, wait
from p2pstock.bots.telegram.allocation_admin_card import STEP, in_status
from p2pstock.bots.telegram.allocation_card import day
from p2pstock.bots.telegram.context import call, chat_id_of
from p2pstock.bots.telegram.typed import Typed, TypedSteps
from p2pstock.core.allocation.allocations import Status
from p2pstock.core.money import Money
from p2pstock.core.people.four_eyes import ApprovalRequest
from p2pstock.core.validation import check_name

SUB_ACCOUNT = "admin.alloc_sub_account"
PASSWORD = "admin.alloc_password"  # noqa: S105 - a conversation state, not a password
FINAL = "admin.alloc_final"
ask_sub_account = asking(STEP, SUB_ACCOUNT, "admin.alloc.ask_sub_account", about=in_status(Status.CONFIRMED))
"""🔐 Assign: the sub-account's code is asked for."""
ask_final = asking(STEP, FINAL, "admin.alloc.ask_final", about=in_status(Status.IN_PROGRESS))
"""🧾 Settle: the final total assets are asked for."""


async def got_sub_account(typed: Typed, kept: Kept, line: str) -> object:
    """The sub-account's code: next, its password."""
    code = check_name(line, "sub-account code")
    await typed.tell("admin.alloc.ask_password", sub_account=code)
    return wait(typed.context, STEP, PASSWORD, typed.subject, sub_account=code)


async def got_password(typed: Typed, kept: Kept, _: str) -> object:
    """The sub-account's password, as sent: the message is deleted, the sub-account assigned and the
    allocation started. The password is never repeated, logged or kept."""
    password, context = typed.text, typed.context
    try:
        deleted = await context.bot.delete_message(chat_id_of(typed.update), typed.token)
    except TelegramError:
        deleted = False
    if not deleted:
        await typed.tell("admin.alloc.password_left")
    assign, code = context.services.allocations.assign_account, str(kept.get("sub_account", ""))
    started = await call(assign, typed.subject, by=typed.admin.id, sub_account=code, password=password)
    start, end = day(started.start_date), day(started.end_date)
    return await typed.ended(
        "admin.alloc.assigned", id=started.id, sub_account=started.sub_account, start=start, end=end
    )


async def got_final_assets(typed: Typed, kept: Kept, line: str) -> object:
    """The final total assets: the settlement is asked for (it waits for a second administrator)."""
    final = Money.parse(line, allow_zero=True).minor
    settle = typed.context.services.allocations.settle
    done = await call(settle, typed.subject, final_assets=final, by=typed.admin.id)
    if isinstance(done, ApprovalRequest):
        key = "admin.alloc.settle_" + ("waiting" if done.carries(final_assets=final) else "other_waiting")
        assets = Money(done.amount if done.amount is not None else final)
        return await typed.ended(key, id=done.target, assets=assets, approval=done.id)
    payout = Money(max(done.settlement.payout if done.settlement else 0, 0))
    return await typed.ended("admin.alloc.settled", id=done.id, assets=Money(final), payout=payout)


TYPED: TypedSteps = (
    typing(STEP, SUB_ACCOUNT, got_sub_account),
    typing(STEP, PASSWORD, got_password),
    typing(STEP, FINAL, got_final_assets),
)
