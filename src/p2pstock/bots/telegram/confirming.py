"""One way to confirm: a step kept pending in the user's state and named by a token, its ✅ / ✖️ buttons,
one guard against a second tap while the first is still at work, and one request id for core.

A typed step ends by storing what it asks for (``user_state[key]``, with its ``token``) and showing
``confirm_keyboard``; the ✅ press runs ``confirmed_once``. Buttons of any other confirmation are outdated,
a tap while the first is being carried out is told to wait (updates may be processed concurrently, as a
webhook server does), and a tap after it reaches core with the same ``request_id``, which core answers
once.
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

from telegram import InlineKeyboardMarkup, Update

from p2pstock.bots.telegram import callbacks as cb
from p2pstock.bots.telegram.context import BotContext, outdated, query_of, user_of
from p2pstock.bots.telegram.keyboards import button
from p2pstock.bots.telegram.texts import text

_in_flight: set[tuple[int, str]] = set()
"""(user, what) of confirmations being carried out right now."""


def new_token() -> str:
    """A short random token naming one confirmation (its buttons and what waits for it)."""
    return secrets.token_hex(6)


def request_id(update: Update, *parts: object) -> str:
    """The id core sees for what this user confirmed: the same for every tap of the same confirmation."""
    return "-".join(("tg", str(user_of(update).id), *(str(part) for part in parts)))


def pending(context: BotContext, key: str, token: object) -> dict[str, Any] | None:
    """The step waiting under ``key`` when it is the one ``token`` names, else None."""
    step = context.user_state.get(key)
    if not isinstance(step, dict) or step.get("token") is None:
        return None  # nothing waits, or a step still being typed: no button confirms it yet
    return step if str(step["token"]) == str(token) else None


def confirm_keyboard(
    lang: str, ok: cb.Callback, drop: cb.Callback, label: str, drop_label: str
) -> InlineKeyboardMarkup:
    """✅ ``label`` and ✖️ ``drop_label`` side by side."""
    return InlineKeyboardMarkup([[button(text(label, lang), ok), button(text(drop_label, lang), drop)]])


@contextlib.contextmanager
def in_flight(user_id: int, what: str) -> Iterator[bool]:
    """True for the first press until its work is done; False for a press meanwhile."""
    flight = (user_id, what)
    if flight in _in_flight:
        yield False
        return
    _in_flight.add(flight)
    try:
        yield True
    finally:
        _in_flight.discard(flight)


async def confirmed_once(
    update: Update,
    context: BotContext,
    lang: str,
    *,
    key: str,
    token: object,
    then: Callable[[dict[str, Any]], Awaitable[object]],
) -> object:
    """✅ under the step pending as ``key`` and named by ``token``: ``then(step)``, one press at a time;
    the press is answered (outdated, busy, or at once before ``then`` runs)."""
    step = pending(context, key, token)
    if step is None:
        await outdated(update, lang)
        return None
    with in_flight(user_of(update).id, f"{key}:{token}") as first:
        if not first:
            await query_of(update).answer(text("busy", lang))
            return None
        await query_of(update).answer()
        return await then(step)
