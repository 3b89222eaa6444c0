"""What the administrators' desks of the bot share: a desk declares its buttons (verb → step), the
permission they need, its typed steps (typed.py, declared with ``typing``), all waiting under one
user-state key (a message is for such a step only while it waits: any other button, command or /cancel
drops it, see ``admin.py``), and the buttons that ask for a reason; ``on_button`` is the one way a press
reaches a step. ``asking``/``wait`` open a typed step; ``to_confirm``/``confirmed`` hold what a typed
step read for its confirm button and carry it out; ``deciding`` carries out a decision at once;
what is shown is in ``admin_views``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, TypeVar

import attrs
from telegram import InlineKeyboardMarkup, Update
from telegram.ext import ConversationHandler, filters

from p2pstock.bots.telegram import callbacks as cb
from p2pstock.bots.telegram.confirming import new_token
from p2pstock.bots.telegram.context import (
    BotContext,
    administrator_of,
    call,
    drop_buttons,
    ended,
    handled,
    outdated,
    query_of,
    say,
    tell_error,
)
from p2pstock.bots.telegram.keyboards import button
from p2pstock.bots.telegram.press import Press, Step, Steps
from p2pstock.bots.telegram.texts import file_size, text
from p2pstock.bots.telegram.typed import TEXT, Again, NotWaiting, Typed, TypedStep, TypedSteps, line
from p2pstock.core.errors import P2PStockError
from p2pstock.core.people.permissions import Permission, PermissionDenied

END = ConversationHandler.END
T = TypeVar("T")
PROBLEMS_TOLD = 20
"""Problems of a refused file told at once."""
TEXT_OR_FILE = ~filters.COMMAND & (filters.TEXT | filters.Document.ALL)


class Outdated(Exception):
    """The button names what is not (or no longer) there: answered as outdated, nothing done; ``state``
    is the conversation's next state."""

    def __init__(self, state: object = END) -> None:
        super().__init__("outdated button")
        self.state = state


Check = Callable[[BotContext, Press, str], Awaitable[Press]]
"""What a desk looks up for a press of a verb before the press is answered (else ``Outdated``): the press
the step is given."""


@attrs.frozen
class Rejection:
    """A button that asks for a reason (``prompt``), and what is done once it is typed: ``carry(context,
    press, reason)``, what to tell the administrator."""

    carry: Callable[[BotContext, Press, str], Awaitable[str]]
    prompt: str = "admin.ask_reason"


def rejecting(
    method: Callable[[BotContext], Callable[..., T]],
    key: str,
    values: Callable[[BotContext, T], Mapping[str, object]] = lambda _c, done: _id_and_reason(done),
    **extra: object,
) -> Rejection:
    """A rejection carried out by ``method`` on the press's subject with its reason (and ``extra``), told
    by ``key`` with the ``values`` of what it returned (by default its id and reason)."""

    async def carry(context: BotContext, press: Press, reason: str) -> str:
        done = await call(method(context), press.subject, by=press.admin.id, reason=reason, **extra)
        return text(key, press.lang, **values(context, done))

    return Rejection(carry)


def _id_and_reason(done: Any) -> dict[str, object]:
    return {"id": done.id, "reason": done.reason}


def problems_told(
    items: Sequence[T], told: Callable[[T, str], str], lang: str, header: str, again: str, *, more: str = ""
) -> list[str]:
    """A refused file's answer: ``header`` counting ``items``, at most ``PROBLEMS_TOLD`` of them (then
    ``more`` counting the rest, if given), and ``again``."""
    lines = [text(header, lang, count=len(items)), *(told(item, lang) for item in items[:PROBLEMS_TOLD])]
    if more and len(items) > PROBLEMS_TOLD:
        lines.append(text(more, lang, count=len(items) - PROBLEMS_TOLD))
    return [*lines, text(again, lang)]


def _one_key(_desk: object, _attribute: object, typed: TypedSteps) -> None:
    if len({step.key for step in typed}) > 1:
        raise ValueError("a desk's typed steps wait under one key")


@attrs.frozen
class Desk:
    """An administrator's desk: its buttons (verb → step); the permission all of them need, checked
    first (``None``: core checks on every call); what is looked up before the press is answered; its typed
    steps, all waiting under one user-state key (``waits``); its buttons that ask for a reason."""

    steps: Steps
    permission: Permission | None = None
    check: Check | None = None
    typed: TypedSteps = attrs.field(default=(), validator=_one_key)
    rejections: Mapping[str, Rejection] = attrs.field(factory=dict)

    @property
    def waits(self) -> str | None:
        """The user-state key the desk's typed steps wait under (what waited there is a press's
        ``waiting``)."""
        return next((step.key for step in self.typed), None)


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
        return await ended(update, context, message)

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


Kept = dict[str, Any]
"""What an administrator's typed step waits with: ``{"step", "subject", ...}``."""


def typing(
    key: str,
    state: str,
    then: Callable[[Typed, Kept, T], Awaitable[object]] | None = None,
    parse: Callable[[Typed, Kept], T | Again] = line,  # type: ignore[assignment]
    *,
    reads: filters.BaseFilter = TEXT,
    otherwise: Again | None = None,
) -> TypedStep[Kept, T]:
    """An administrator's typed step ``state``, waiting under ``key``: what ``reads`` (text by default)
    read by ``parse`` (the line typed by default) and handed to ``then`` (``None``: no message is read,
    the step's answer is a button); any other message told ``otherwise``."""
    return TypedStep(state, key, _at(state), parse, then, reads, otherwise, administrator_of)


def _at(state: str) -> Callable[[Typed], Awaitable[Kept]]:
    """What waits for typed step ``state`` (``{"step": state, ...}``); else the message is not for it."""

    async def waiting(typed: Typed) -> Kept:
        stored = typed.stored
        if not isinstance(stored, dict) or stored.get("step") != state:
            raise NotWaiting
        return stored

    return waiting


def waited(press: Press) -> dict[str, Any]:
    """What the typed step (or confirm button) of ``press`` waits with."""
    return press.waiting if isinstance(press.waiting, dict) else {}


MAX_FILE_BYTES = 64 * 1024
"""The largest text file a back-office step reads (a notice of closures, a product file)."""


async def typed_or_sent(
    typed: Typed, *, largest: int = MAX_FILE_BYTES, not_utf8: str = "file.not_utf8"
) -> str:
    """The text of the message: typed, or a UTF-8 file sent as a document; a file larger than ``largest``
    bytes, or not UTF-8 (text ``not_utf8``), is told, and the step waits for another."""
    document = typed.message.document
    if document is None:
        return typed.text
    if document.file_size is not None and document.file_size > largest:
        await typed.tell("file.too_big", size=file_size(largest))
        handled(None)
    content = bytes(await (await typed.context.bot.get_file(document.file_id)).download_as_bytearray())
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        await typed.tell(not_utf8)
        handled(None)


async def to_confirm(typed: Typed, message: str, *, confirm: tuple[str, str], **kept: object) -> object:
    """``message`` with the one button that confirms it (``confirm``: its label and verb); what it confirms
    waits under the step's key with a new token the button names (``confirmed``). END."""
    token = new_token()
    typed.state[typed.key or ""] = {"step": "confirm", "token": token, **kept}
    label, verb = confirm
    await typed.say(
        message, InlineKeyboardMarkup([[button(text(label, typed.lang), cb.AdminAction(verb, token))]])
    )
    return END


def confirmed(carry: Callable[[BotContext, Press, Kept], Awaitable[str]]) -> Step:
    """The step of the button ``to_confirm`` shows: its buttons taken off, ``carry(context, press, kept)``
    done with what it kept and what it did told; any other button is told as outdated."""

    async def step(update: Update, context: BotContext, press: Press) -> object:
        kept = waited(press)
        if kept.get("step") != "confirm" or kept.get("token") != press.subject:
            return await ended(update, context, text("outdated", press.lang))
        await drop_buttons(update)
        return await ended(update, context, await carry(context, press, kept))

    return step
