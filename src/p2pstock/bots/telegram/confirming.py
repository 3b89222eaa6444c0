"""One way to confirm: a step kept pending in the user's state and named by a token, its ✅ / ✖️ buttons,
one guard against a second tap while the first is still at work, and one request id for core.

A typed step ends by storing what it asks for (``user_state[key]``, with its ``token``) and showing
``ConfirmButtons.keyboard``; ✅ is a step made by ``on_confirm`` (through ``confirmed_once``), ✖️ one made
by ``dropping``. Buttons of any other confirmation are outdated, a tap while the first is being carried
out is told to wait (updates may be processed concurrently, as a webhook server does), and a tap after it
reaches core with the same ``request_id``, which core answers once.
"""

from __future__ import annotations

import contextlib
import functools
import secrets
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import attrs
from telegram import InlineKeyboardMarkup, Update
from telegram.ext import ConversationHandler

from p2pstock.bots.telegram import callbacks as cb
from p2pstock.bots.telegram.context import BotContext, edit, outdated, query_of, user_of
from p2pstock.bots.telegram.keyboards import button
from p2pstock.bots.telegram.press import Press, Step
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


@attrs.frozen
class ConfirmButtons:
    """A kind of a customer's ✅ / ✖️ buttons: the data of one — (verb, token) → ``cb.AllocationStep``,
    ``cb.LoanStep`` …"""

    data: Callable[[str, str], cb.Callback]

    def keyboard(self, lang: str, verb: str, token: object, label: str) -> InlineKeyboardMarkup:
        """✅ ``label`` (``verb`` on ``token``) and ✖️ (``drop`` on it) side by side."""
        ok, drop = self.data(verb, str(token)), self.data("drop", str(token))
        return InlineKeyboardMarkup(
            [[button(text(label, lang), ok), button(text("drop.button", lang), drop)]]
        )


def dropping(*waiting: tuple[str, str], said: str) -> Step:
    """✖️ under a preview pending as one of ``waiting`` — (its key, what it holds once done) — named by the
    press's token, while it is not done: forgotten, and its message says so (text ``said``); any other ✖️
    is outdated."""

    async def drop(update: Update, context: BotContext, press: Press) -> object:
        for key, done in waiting:
            step = pending(context, key, press.subject)
            if step is not None and not step.get(done):
                context.user_state.pop(key, None)
                await query_of(update).answer()
                await edit(update, text(said, press.lang))
                return ConversationHandler.END
        await outdated(update, press.lang)
        return None

    return drop


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


CarryOut = Callable[[Update, BotContext, Press, dict[str, Any]], Awaitable[object]]
"""What ✅ does with the pending step it confirms."""


def on_confirm(key: str, carry_out: CarryOut) -> Step:
    """✅ under the step pending as ``key`` and named by the button's token: ``carry_out`` with the step,
    once however often it is tapped (``confirmed_once``)."""

    async def confirmed(update: Update, context: BotContext, press: Press) -> object:
        then = functools.partial(carry_out, update, context, press)
        return await confirmed_once(update, context, press.lang, key=key, token=press.subject, then=then)

    return confirmed


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
