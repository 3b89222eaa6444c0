"""The trading sub-account of an allocation, for administrators, from its start to its settlement: its code
typed, then its password — deleted from the chat once read, never echoed, logged or kept in the user's
state — and the allocation starts trading; at the end, its final total assets typed, and the settlement
waits for a second administrator in the approvals queue."""

from __future__ import annotations

from telegram import Update
from telegram.error import TelegramError

from p2pstock.bots.telegram.admin_steps import END, asking, typed_text, wait, waited
from p2pstock.bots.telegram.allocation_admin_card import STEP, day, in_status
from p2pstock.bots.telegram.context import BotContext, call, chat_id_of, message_of, say
from p2pstock.bots.telegram.press import Press
from p2pstock.bots.telegram.texts import text
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


async def got_sub_account(update: Update, context: BotContext, press: Press) -> object:
    """The sub-account's code: next, its password."""
    code = check_name(typed_text(update), "sub-account code")
    await say(update, context, text("admin.alloc.ask_password", press.lang, sub_account=code))
    return wait(context, STEP, PASSWORD, press.subject, sub_account=code)


async def got_password(update: Update, context: BotContext, press: Press) -> object:
    """The sub-account's password: the message is deleted, the sub-account assigned and the allocation
    started. The password is never repeated, logged or kept."""
    message = message_of(update)
    password = message.text or ""
    try:
        deleted = await context.bot.delete_message(chat_id_of(update), message.message_id)
    except TelegramError:
        deleted = False
    if not deleted:
        await say(update, context, text("admin.alloc.password_left", press.lang))
    assign = context.services.allocations.assign_account
    code = str(waited(press).get("sub_account", ""))
    started = await call(assign, press.subject, by=press.admin.id, sub_account=code, password=password)
    start, end = day(started.start_date), day(started.end_date)
    account = started.sub_account
    said = text("admin.alloc.assigned", press.lang, id=started.id, sub_account=account, start=start, end=end)
    await say(update, context, said)
    return END


async def got_final_assets(update: Update, context: BotContext, press: Press) -> object:
    """The final total assets: the settlement is asked for (it waits for a second administrator)."""
    lang, final = press.lang, Money.parse(typed_text(update), allow_zero=True).minor
    settle = context.services.allocations.settle
    done = await call(settle, press.subject, final_assets=final, by=press.admin.id)
    if isinstance(done, ApprovalRequest):
        key = "admin.alloc.settle_" + ("waiting" if done.carries(final_assets=final) else "other_waiting")
        assets = Money(done.amount if done.amount is not None else final)
        await say(update, context, text(key, lang, id=done.target, assets=assets, approval=done.id))
        return END
    payout = Money(max(done.settlement.payout if done.settlement else 0, 0))
    await say(
        update, context, text("admin.alloc.settled", lang, id=done.id, assets=Money(final), payout=payout)
    )
    return END
