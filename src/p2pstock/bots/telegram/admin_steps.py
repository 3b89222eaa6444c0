"""What the administrators' desks of the bot share: a desk declares its buttons (verb → step), the
permission they need and the user-state key its typed steps wait under (a message is for that step only
while it waits: any other button, command or /cancel drops it, see ``admin.py``); ``on_button`` is the
one way a press reaches a step; ``asking``, ``waiting`` and ``refused`` are how a typed step opens, is
found again and ends refused; ``to_confirm`` and ``take_confirmed`` hold what a typed step read for its
confirm button; ``listed`` shows a review queue."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine, Mapping, Sequence
from typing import Any, NoReturn, TypeVar

import attrs
from telegram import InlineKeyboardMarkup, Update
from telegram.ext import ConversationHandler

from p2pstock.bots.telegram import callbacks as cb
from p2pstock.bots.telegram.confirming import new_token
from p2pstock.bots.telegram.context import (
    BotContext,
    administrator_of,
    call,
    drop_buttons,
    handled,
    message_of,
    outdated,
    query_of,
    say,
    tell_error,
)
from p2pstock.bots.telegram.keyboards import button
from p2pstock.bots.telegram.press import Press, Step, Steps
from p2pstock.bots.telegram.texts import text
from p2pstock.core.clock import from_micros
from p2pstock.core.errors import InvalidInput, P2PStockError
from p2pstock.core.people.permissions import Administrator, Permission, PermissionDenied

END = ConversationHandler.END
SHOWN = 5
"""Items of a review queue shown at once."""
T = TypeVar("T")


class Outdated(Exception):
    """The button names what is not (or no longer) there: answered as outdated, nothing done; ``state``
    is the conversation's next state."""

    def __init__(self, state: object = END) -> None:
        super().__init__("outdated button")
        self.state = state


Reply = Callable[[Update, BotContext], Coroutine[Any, Any, object]]
"""A typed step: what a message the step waits for does (the conversation's next state)."""
Check = Callable[[BotContext, Press, str], Awaitable[Press]]
"""What a desk looks up for a press of a verb before the press is answered (else ``Outdated``): the press
the step is given."""


@attrs.frozen
class Desk:
    """An administrator's desk: its buttons (verb → step); the permission all of them need, checked
    first (``None``: core checks on every call); the user-state key its typed steps wait under (what
    waited there is the press's ``waiting``); what is looked up before the press is answered; its typed
    steps by the conversation's state, those of ``files`` taking a text file as well as text."""

    steps: Steps
    permission: Permission | None = None
    waits: str | None = None
    check: Check | None = None
    typed: Mapping[str, Reply] = attrs.field(factory=dict)
    files: frozenset[str] = frozenset()


async def on_button(update: Update, context: BotContext, desk: Desk, verb: str, press: Press) -> object:
    """Check the desk's permission and what the press names, answer it, run the step of ``verb``; an
    outdated button is answered as such, a refusal told. The conversation's next state."""
    try:
        if desk.permission is not None:
            require(await call(context.services.staff.permissions, press.admin.id), desk.permission)
        if desk.check is not None:
            press = await desk.check(context, press, verb)
    except Outdated as stale:
        await outdated(update, press.lang)
        return stale.state
    except P2PStockError as error:
        await query_of(update).answer()
        return await _told(update, context, error, press.lang)
    await query_of(update).answer()
    try:
        return await desk.steps[verb](update, context, press)
    except P2PStockError as error:
        return await _told(update, context, error, press.lang)


async def _told(update: Update, context: BotContext, error: P2PStockError, lang: str) -> object:
    await tell_error(update, context, error, lang)
    return END


def require(held: frozenset[Permission], needed: Permission) -> None:
    """Refuse, before asking for anything, a step whose action core would refuse anyway."""
    if needed not in held:
        raise PermissionDenied(needed, None)


def asking(
    key: str,
    step: str,
    state: str,
    prompt: str,
    *,
    kept: Mapping[str, object] | None = None,
    **values: object,
) -> Step:
    """The step that asks for a message: ``prompt`` said (with ``values``), and the typed step ``step``
    waits in ``state`` under ``key`` with the press's subject and ``kept``."""

    async def ask(update: Update, context: BotContext, press: Press) -> object:
        context.user_state[key] = {"step": step, "subject": press.subject, **(kept or {})}
        await say(update, context, text(prompt, press.lang, **values))
        return state

    return ask


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


async def refused(
    update: Update, context: BotContext, lang: str, error: P2PStockError, *, key: str, again: object
) -> NoReturn:
    """A typed step refused: what core finds invalid is told and asked for again (``again``); any other
    refusal is told and drops the step (kept under ``key``)."""
    await tell_error(update, context, error, lang)
    if isinstance(error, InvalidInput):
        handled(again)
    context.user_state.pop(key, None)
    handled(END)


async def listed(
    update: Update, context: BotContext, lang: str, items: Sequence[T], show: Callable[[T], Awaitable[object]]
) -> None:
    """A review queue read with ``limit=SHOWN + 1``: its first ``SHOWN`` items, each shown by ``show``, and
    whether there are more; or that it is empty."""
    if not items:
        await say(update, context, text("admin.empty", lang))
        return
    for item in items[:SHOWN]:
        await show(item)
    if len(items) > SHOWN:
        await say(update, context, text("admin.more", lang, shown=SHOWN))


def when(context: BotContext, micros: int) -> str:
    """A moment as administrators read it: the platform's local time, to the minute."""
    return from_micros(micros).astimezone(context.services.ledger.timezone).strftime("%Y-%m-%d %H:%M")


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


async def to_confirm(
    update: Update,
    context: BotContext,
    lang: str,
    message: str,
    *,
    key: str,
    confirm: tuple[str, str],
    **kept: object,
) -> None:
    """``message`` with the one button that confirms it (``confirm``: its label and verb); what it confirms
    waits under ``key`` with a new token the button names (``take_confirmed``)."""
    token = new_token()
    context.user_state[key] = {"step": "confirm", "token": token, **kept}
    label, verb = confirm
    await say(
        update,
        context,
        message,
        InlineKeyboardMarkup([[button(text(label, lang), cb.AdminAction(verb, token))]]),
    )


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
