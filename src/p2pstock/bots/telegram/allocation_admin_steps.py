"""What the administrator's allocation modules share: the typed steps (states of the admin conversation)
and what each waits with in the user's state, one way to make a step wait and one way to take the message
it waits for, the allocation read in the administrator's name, and buttons that fit their data.

A typed step waits under ``STEP`` as ``{"step": <its name>, "id": <allocation id>, ...}``; any other
administrator's button, command or /cancel drops it (``admin.py``)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Coroutine, Iterable
from datetime import date
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ConversationHandler

from p2pstock.bots.telegram import callbacks as cb
from p2pstock.bots.telegram.allocation_press import local_time
from p2pstock.bots.telegram.context import BotContext, administrator_of, call, handled, say, tell_error
from p2pstock.bots.telegram.keyboards import button
from p2pstock.bots.telegram.press import Press, Step
from p2pstock.bots.telegram.texts import text
from p2pstock.core.allocation.allocations import Allocation, Risk, Status
from p2pstock.core.allocation.service import Timeline
from p2pstock.core.errors import InvalidInput, P2PStockError
from p2pstock.core.people.permissions import Permission

END = ConversationHandler.END
STEP = "admin_alloc"
"""The user-state key of the typed step waiting (never holding a password)."""
_PREFIX = "admin.alloc_"
NOTE = f"{_PREFIX}note"
SUB_ACCOUNT = f"{_PREFIX}sub_account"
PASSWORD = f"{_PREFIX}password"
STATUS = f"{_PREFIX}status"
FINAL = f"{_PREFIX}final"
STATEMENT = f"{_PREFIX}statement"

REVIEW = Permission.ALLOCATION_REVIEW
ASSIGN = Permission.ALLOCATION_ASSIGN_ACCOUNT
DAILY = Permission.ALLOCATION_DAILY_STATUS
SETTLE = Permission.ALLOCATION_SETTLE

Reply = Callable[[Update, BotContext], Coroutine[Any, Any, object]]
"""A message handler's callback."""


def wait(context: BotContext, state: str, allocation_id: str, **values: str) -> str:
    """Make typed step ``state`` wait for a message about ``allocation_id`` (with ``values``); ``state``."""
    context.user_state[STEP] = {"step": _name(state), "id": allocation_id, **values}
    return state


def typed(state: str, act: Step) -> Reply:
    """The callback of typed step ``state``. A message is for it while it waits (else the step is dropped
    and the customer's handlers take the message); ``act`` gets it as a ``Press`` (the administrator, their
    language, the allocation id and what the step waits with). A refusal is told: input that was not valid
    is asked again, anything else ends the step; the step is over once ``act`` returns ``END``."""

    async def reply(update: Update, context: BotContext) -> object:
        found = await administrator_of(update, context)
        waiting = context.user_state.get(STEP)
        if found is None or not isinstance(waiting, dict) or waiting.get("step") != _name(state):
            context.user_state.pop(STEP, None)
            return END
        admin, lang = found
        press = Press(admin, lang, str(waiting.get("id", "")), {str(k): str(v) for k, v in waiting.items()})
        try:
            next_state = await act(update, context, press)
        except P2PStockError as error:
            await tell_error(update, context, error, lang)
            next_state = state if isinstance(error, InvalidInput) else END
        if next_state == END:
            context.user_state.pop(STEP, None)
        handled(next_state)

    return reply


def asking(state: str, needs: Status) -> Step:
    """The button asking for typed step ``state`` about the pressed allocation, refused unless the
    allocation is in ``needs``: text ``admin.alloc.ask_<step>`` (with its id and sub-account) is said."""

    async def ask(update: Update, context: BotContext, press: Press) -> object:
        a = await allocation_in(context, press, needs)
        asked = text(f"admin.alloc.ask_{_name(state)}", press.lang, id=a.id, sub_account=a.sub_account)
        await say(update, context, asked)
        return wait(context, state, a.id)

    return ask


def waited(press: Press, name: str) -> str:
    """What the typed step of ``press`` waits with under ``name``."""
    waiting = press.waiting
    return str(waiting.get(name, "")) if isinstance(waiting, dict) else ""


def _name(state: str) -> str:
    return state.removeprefix(_PREFIX)


async def timeline_of(context: BotContext, press: Press, allocation_id: str | None = None) -> Timeline:
    """The timeline of ``allocation_id`` (by default the press's subject), in the administrator's name."""
    timelines = context.services.allocations.timeline
    return await call(timelines, allocation_id or press.subject, by=press.admin.id)


async def allocation_in(
    context: BotContext, press: Press, status: Status, allocation_id: str = ""
) -> Allocation:
    """The allocation (the press's subject by default), refused unless it is in ``status``."""
    allocation = (await timeline_of(context, press, allocation_id)).allocation
    allocation.require(status)
    return allocation


async def permissions_of(context: BotContext, press: Press) -> frozenset[Permission]:
    return await call(context.services.staff.permissions, press.admin.id)


def markup(rows: Iterable[Iterable[tuple[str, cb.AdminAction]]]) -> InlineKeyboardMarkup | None:
    """The buttons whose data fits (an id too long for button data leaves its button out)."""
    kept: list[list[InlineKeyboardButton]] = []
    for row in rows:
        buttons = []
        for label, action in row:
            with contextlib.suppress(ValueError):
                buttons.append(button(label, action))
        if buttons:
            kept.append(buttons)
    return InlineKeyboardMarkup(kept) if kept else None


def risk_name(risk: Risk, lang: str) -> str:
    return text(f"admin.alloc.risk.{risk}", lang)


def day(value: date | None) -> str:
    return value.isoformat() if value is not None else "—"


def when(context: BotContext, micros: int) -> str:
    """A moment at the platform's time."""
    return local_time(micros, context.services.ledger.timezone)
