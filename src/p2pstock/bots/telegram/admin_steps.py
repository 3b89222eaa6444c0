"""What the back-office modules of the admin bot share (calendar, products, capital pool): a button
press dispatched to the module's table of steps once the permission is checked, and typed steps whose
state is kept in the user's state under the module's key — a message is for that step only while it
waits (any other button, command or /cancel drops it, see ``admin.py``)."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import ConversationHandler

from p2pstock.bots.telegram.context import (
    BotContext,
    administrator_of,
    call,
    drop_buttons,
    handled,
    message_of,
    query_of,
    say,
    tell_error,
)
from p2pstock.bots.telegram.press import Press, Steps
from p2pstock.bots.telegram.texts import text
from p2pstock.core.errors import P2PStockError
from p2pstock.core.people.permissions import Administrator, Permission, PermissionDenied


async def on_button(
    update: Update,
    context: BotContext,
    press: Press,
    verb: str,
    *,
    steps: Steps,
    permission: Permission,
) -> object:
    """Answer the press, check ``permission``, run the step of ``verb``; a refusal is told. The
    conversation's next state."""
    await query_of(update).answer()
    try:
        require(await call(context.services.staff.permissions, press.admin.id), permission)
        return await steps[verb](update, context, press)
    except P2PStockError as error:
        await tell_error(update, context, error, press.lang)
        return ConversationHandler.END


async def waiting(
    update: Update, context: BotContext, key: str, step: str
) -> tuple[Administrator, str, dict[str, Any]] | None:
    """The administrator, their language and what ``step`` (kept under ``key``) waits with, when this
    message is for it; ``None`` otherwise (the step is dropped and the customer's handlers take it)."""
    found = await administrator_of(update, context)
    pending = context.user_state.get(key)
    if found is None or not isinstance(pending, dict) or pending.get("step") != step:
        context.user_state.pop(key, None)
        return None
    return found[0], found[1], pending


def require(held: frozenset[Permission], needed: Permission) -> None:
    """Refuse, before asking for anything, a step whose action core would refuse anyway."""
    if needed not in held:
        raise PermissionDenied(needed, None)


MAX_FILE_BYTES = 64 * 1024
"""The largest text file a back-office step reads (a notice of closures, a product file)."""


async def typed_or_sent(update: Update, context: BotContext, lang: str, state: object) -> str:
    """The text of the message: typed, or a UTF-8 file sent as a document (a file too large or not UTF-8
    is told, and ``state`` waits for another)."""
    message = message_of(update)
    if message.document is None:
        return message.text or ""
    if message.document.file_size is not None and message.document.file_size > MAX_FILE_BYTES:
        await say(update, context, text("admin.file.too_big", lang, kb=MAX_FILE_BYTES >> 10))
        handled(state)
    content = bytes(await (await context.bot.get_file(message.document.file_id)).download_as_bytearray())
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        await say(update, context, text("admin.file.not_utf8", lang))
        handled(state)


async def take_confirmed(update: Update, context: BotContext, press: Press) -> dict[str, Any] | None:
    """What a confirm button's step waited with, its buttons taken off; ``None`` (told as outdated) when
    the button is not the one it waited for."""
    waited = press.waiting
    if (
        not isinstance(waited, dict)
        or waited.get("step") != "confirm"
        or waited.get("token") != press.subject
    ):
        await say(update, context, text("outdated", press.lang))
        return None
    await drop_buttons(update)
    return waited
