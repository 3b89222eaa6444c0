"""What the administrators' desks of the bot share: a desk declares its buttons (verb → step), the
permission they need, the user-state key its typed steps wait under (a message is for that step only
while it waits: any other button, command or /cancel drops it, see ``admin.py``) and the buttons that ask
for a reason; ``on_button`` is the one way a press reaches a step and ``typed`` the one way a message
does. ``asking``/``wait`` open a typed step; ``to_confirm``/``take_confirmed`` hold what a typed step
read for its confirm button; ``queue``, ``said`` and ``decision`` show queues, lines and buttons."""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable, Coroutine, Iterable, Mapping, Sequence
from typing import Any

import attrs
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ConversationHandler, filters

from p2pstock.bots.telegram import callbacks as cb
from p2pstock.bots.telegram.allocation_press import local_time
from p2pstock.bots.telegram.confirming import new_token
from p2pstock.bots.telegram.context import (
    BotContext,
    administrator_of,
    call,
    chunks,
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
from p2pstock.core.errors import InvalidInput, P2PStockError
from p2pstock.core.people.permissions import Permission, PermissionDenied

END = ConversationHandler.END
SHOWN = 5
"""Items of a review queue shown at once."""
TEXT = filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND
TEXT_OR_FILE = filters.UpdateType.MESSAGE & ~filters.COMMAND & (filters.TEXT | filters.Document.ALL)
ANY_MESSAGE = filters.UpdateType.MESSAGE & ~filters.COMMAND


class Outdated(Exception):
    """The button names what is not (or no longer) there: answered as outdated, nothing done; ``state``
    is the conversation's next state."""

    def __init__(self, state: object = END) -> None:
        super().__init__("outdated button")
        self.state = state


Reply = Callable[[Update, BotContext], Coroutine[Any, Any, object]]
"""What a message does (the conversation's next state)."""
Check = Callable[[BotContext, Press, str], Awaitable[Press]]
"""What a desk looks up for a press of a verb before the press is answered (else ``Outdated``): the press
the step is given."""


@attrs.frozen
class Rejection:
    """A button that asks for a reason (``prompt``), and what is done once it is typed: ``carry(context,
    press, reason)``, what to tell the administrator."""

    carry: Callable[[BotContext, Press, str], Awaitable[str]]
    prompt: str = "admin.ask_reason"


@attrs.frozen
class Desk:
    """An administrator's desk: its buttons (verb → step); the permission all of them need, checked
    first (``None``: core checks on every call); the user-state key its typed steps wait under (what
    waited there is the press's ``waiting``); what is looked up before the press is answered; its typed
    steps by the conversation's state, with the messages a state ``takes`` (text by default); its
    buttons that ask for a reason."""

    steps: Steps
    permission: Permission | None = None
    waits: str | None = None
    check: Check | None = None
    typed: Steps = attrs.field(factory=dict)
    takes: Mapping[str, filters.BaseFilter] = attrs.field(factory=dict)
    rejections: Mapping[str, Rejection] = attrs.field(factory=dict)


async def on_button(update: Update, context: BotContext, desk: Desk, verb: str, press: Press) -> object:
    """Check the desk's permission and what the press names, answer it, run the step of ``verb``; an
    outdated button is answered as such, a refusal told (and what the desk waited for dropped). The
    conversation's next state."""
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
        return await _told(update, context, desk, error, press.lang)
    await query_of(update).answer()
    try:
        return await desk.steps[verb](update, context, press)
    except P2PStockError as error:
        return await _told(update, context, desk, error, press.lang)


async def _told(update: Update, context: BotContext, desk: Desk, error: P2PStockError, lang: str) -> object:
    if desk.waits is not None:
        context.user_state.pop(desk.waits, None)
    await tell_error(update, context, error, lang)
    return END


def deciding(decide: Callable[[BotContext, Press], Awaitable[str]]) -> Step:
    """The step of a decision taken at once: ``decide`` carried out, the item's buttons taken off, and
    what it did told."""

    async def step(update: Update, context: BotContext, press: Press) -> object:
        message = await decide(context, press)
        await drop_buttons(update)
        await say(update, context, message)
        return END

    return step


def require(held: frozenset[Permission], needed: Permission) -> None:
    """Refuse, before asking for anything, a step whose action core would refuse anyway."""
    if needed not in held:
        raise PermissionDenied(needed, None)


# -- typed steps --------------------------------------------------------------------------------------


def wait(context: BotContext, key: str, state: str, subject: str, **kept: object) -> str:
    """Make typed step ``state`` wait under ``key`` for a message about ``subject`` (with ``kept``);
    ``state``."""
    context.user_state[key] = {"step": state, "subject": subject, **kept}
    return state


def asking(
    key: str,
    state: str,
    prompt: str,
    *,
    kept: Mapping[str, object] | None = None,
    about: Callable[[BotContext, Press], Awaitable[Mapping[str, object]]] | None = None,
    **values: object,
) -> Step:
    """The step that asks for a message: ``prompt`` said (with ``values``, and what ``about`` looks up of
    the press — or refuses), and typed step ``state`` waits under ``key`` about the press's subject."""

    async def ask(update: Update, context: BotContext, press: Press) -> object:
        looked_up = await about(context, press) if about is not None else {}
        await say(update, context, text(prompt, press.lang, **values, **looked_up))
        return wait(context, key, state, press.subject, **(kept or {}))

    return ask


def typed(key: str, state: str, step: Step) -> Reply:
    """The handler of typed step ``state``, waiting under ``key``. A message is for it while it waits
    (else the step is dropped and the customer's handlers take the message); ``step`` gets it as a
    ``Press``: the administrator, their language, the subject and what the step waits with. A refusal is
    told: input core finds invalid is asked again, anything else ends the step. The step is over once
    ``step`` returns ``END``, unless it left another waiting in its place."""

    async def reply(update: Update, context: BotContext) -> object:
        found = await administrator_of(update, context)
        pending = context.user_state.get(key)
        if found is None or not isinstance(pending, dict) or pending.get("step") != state:
            context.user_state.pop(key, None)
            return END
        press = Press(found[0], found[1], str(pending.get("subject", "")), pending)
        try:
            next_state = await step(update, context, press)
        except P2PStockError as error:
            await tell_error(update, context, error, press.lang)
            next_state = state if isinstance(error, InvalidInput) else END
        if next_state == END and context.user_state.get(key) is pending:
            context.user_state.pop(key, None)
        handled(next_state)

    return reply


def waited(press: Press) -> dict[str, Any]:
    """What the typed step (or confirm button) of ``press`` waits with."""
    return press.waiting if isinstance(press.waiting, dict) else {}


def typed_text(update: Update) -> str:
    """The message's text, stripped."""
    return (message_of(update).text or "").strip()


MAX_FILE_BYTES = 64 * 1024
"""The largest text file a back-office step reads (a notice of closures, a product file)."""
FILE_TEXTS = ("admin.file.too_big", "admin.file.not_utf8")


async def typed_or_sent(
    update: Update,
    context: BotContext,
    press: Press,
    *,
    largest: int = MAX_FILE_BYTES,
    told: tuple[str, str] = FILE_TEXTS,
) -> str:
    """The text of the message: typed, or a UTF-8 file sent as a document; a file larger than ``largest``
    bytes or not UTF-8 is told (``told``: those texts, with the limit in ``kb`` and ``mb``), and the step
    waits for another."""
    message, (too_big, not_utf8) = message_of(update), told
    if message.document is None:
        return message.text or ""
    if message.document.file_size is not None and message.document.file_size > largest:
        await say(update, context, text(too_big, press.lang, kb=largest >> 10, mb=largest >> 20))
        handled(waited(press).get("step"))
    content = bytes(await (await context.bot.get_file(message.document.file_id)).download_as_bytearray())
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        await say(update, context, text(not_utf8, press.lang))
        handled(waited(press).get("step"))


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
    kept = waited(press)
    if kept.get("step") != "confirm" or kept.get("token") != press.subject:
        await say(update, context, text("outdated", press.lang))
        return None
    await drop_buttons(update)
    return kept


# -- what is shown ------------------------------------------------------------------------------------


Read = Callable[[BotContext, Press], Callable[..., Sequence[Any]] | None]
"""The call that reads a review queue (given ``by`` and ``limit``), or ``None`` for nothing to read."""
Show = Callable[[Update, BotContext, Press, Any], Awaitable[None]]
"""How one item of a review queue is shown: a message with its buttons."""


def queue(read: Read, show: Show, *, empty: str = "admin.empty") -> Step:
    """The step showing a review queue, read oldest first in the administrator's name: its first ``SHOWN``
    items, each shown by ``show``, and whether there are more; or that it is empty (``empty``)."""

    async def step(update: Update, context: BotContext, press: Press) -> object:
        reads = read(context, press)
        items = [] if reads is None else await call(reads, by=press.admin.id, limit=SHOWN + 1)
        if not items:
            await say(update, context, text(empty, press.lang))
        for item in items[:SHOWN]:
            await show(update, context, press, item)
        if len(items) > SHOWN:
            await say(update, context, text("admin.more", press.lang, shown=SHOWN))
        return END

    return step


async def said(update: Update, context: BotContext, lines: list[str], markup: object = None) -> None:
    """``lines`` in as many messages as they take, ``markup`` under the last."""
    *first, last = chunks(lines)
    for chunk in first:
        await say(update, context, chunk)
    await say(update, context, last, markup)


def fitting(rows: Iterable[Iterable[tuple[str, cb.AdminAction]]]) -> list[list[InlineKeyboardButton]]:
    """The buttons whose data fits (an id too long for button data leaves its button out)."""
    kept: list[list[InlineKeyboardButton]] = []
    for row in rows:
        buttons = []
        for label, action in row:
            with contextlib.suppress(ValueError):
                buttons.append(button(label, action))
        if buttons:
            kept.append(buttons)
    return kept


def markup(rows: Iterable[Iterable[tuple[str, cb.AdminAction]]]) -> InlineKeyboardMarkup | None:
    """The buttons that fit, or ``None`` when none does."""
    kept = fitting(rows)
    return InlineKeyboardMarkup(kept) if kept else None


def decision(
    lang: str, prefix: str, subject: str, *more: tuple[str, cb.AdminAction]
) -> tuple[InlineKeyboardMarkup | None, str]:
    """The ``<prefix>_ok`` (✅, to approve at ``ap``, else to accept) and ``<prefix>_no`` (❌) buttons of a
    queue's item, with the row ``more`` under them; and what the item's text adds when none fits."""
    yes = text("admin.approve" if prefix in ("ap", "rq") else "admin.accept", lang)
    no = text("admin.reject", lang)
    rows = fitting(
        [
            [(yes, cb.AdminAction(f"{prefix}_ok", subject)), (no, cb.AdminAction(f"{prefix}_no", subject))],
            more,
        ]
    )
    return (InlineKeyboardMarkup(rows), "") if rows else (None, "\n" + text("admin.no_buttons", lang))


def when(context: BotContext, micros: int) -> str:
    """A moment as administrators read it: the platform's local time, to the minute."""
    return local_time(micros, context.services.ledger.timezone)
