"""What an administrator is shown: a review queue oldest first a page at a time, lines cut into messages,
the buttons of a decision (those whose id does not fit Telegram's button data left out), and times in the
platform's zone.

A paged list's button subject is ``<what>`` for its first page and ``<what>@<page>`` (from 0) for
another: the verb that opened the list turns its pages too (``page_of``, ``turns``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import attrs
from telegram import InlineKeyboardMarkup, Update
from telegram.ext import ConversationHandler

from p2pstock.bots.telegram import callbacks as cb
from p2pstock.bots.telegram.context import BotContext, call, chunks, say
from p2pstock.bots.telegram.keyboards import fitting
from p2pstock.bots.telegram.pages import LAST_PAGE, Page, Rows
from p2pstock.bots.telegram.platform_time import local_time
from p2pstock.bots.telegram.press import Press, Step
from p2pstock.bots.telegram.texts import text
from p2pstock.core.people.registration import Named

END = ConversationHandler.END
SHOWN = 5
"""Items of a review queue shown at once (a page)."""
COUNTED = 100
"""Items of a list read at most: its count shows as ``100+`` beyond, and the oldest are paged (once they
are decided, the next come up)."""


Read = Callable[[BotContext, Press], Callable[..., Sequence[Any]] | None]
"""The call that reads a review queue (given ``by`` and ``limit``), or ``None`` for nothing to read."""
Show = Callable[[Update, BotContext, Press, Any], Awaitable[None]]
"""How one item of a review queue is shown: a message with its buttons."""


def queue(read: Read, show: Show, *, verb: str, empty: str = "admin.empty") -> Step:
    """The step of button ``verb`` showing a review queue, read oldest first in the administrator's name:
    a page of ``SHOWN`` items, each shown by ``show``, then (when there are more) where the page sits
    among them with ◀ ▶ to the pages around; or that it is empty (``empty``)."""

    async def step(update: Update, context: BotContext, press: Press) -> object:
        what, number = page_of(press.subject)
        reads = read(context, attrs.evolve(press, subject=what))
        items = [] if reads is None else await call(reads, by=press.admin.id, limit=COUNTED + 1)
        if not items:
            await say(update, context, text(empty, press.lang))
            return END
        page = Page.of(items[:COUNTED], number, SHOWN)
        for item in page.items:
            await show(update, context, press, item)
        if len(items) > SHOWN:
            markup = turns(page, press.lang, verb, what)
            await say(update, context, where(page, len(items), SHOWN, press.lang), markup)
        return END

    return step


def page_of(subject: str) -> tuple[str, int]:
    """What a list button names, and the page (from 0; a page past the last shows the last)."""
    what, _, page = subject.partition("@")
    return what, min(int(page), LAST_PAGE) if page.isdecimal() else 0


def counted(count: int) -> str:
    """A list's length as read: ``100+`` past ``COUNTED``."""
    return f"{COUNTED}+" if count > COUNTED else str(count)


def where(page: Page[Any], count: int, size: int, lang: str) -> str:
    """Where a page of ``size`` items sits in a list of ``count``: ``第 2/8 页 · 共 37 项``."""
    pages = -(-min(count, COUNTED) // size)
    return text("admin.page", lang, page=page.number + 1, pages=pages, count=counted(count))


def turns(page: Page[Any], lang: str, verb: str, what: str, rows: Rows = ()) -> InlineKeyboardMarkup | None:
    """``rows``, then ◀ ▶ under a page, as button ``verb`` on ``<what>@<page>``."""
    return page.keyboard(lang, lambda to: cb.AdminAction(verb, f"{what}@{to}"), rows)


async def said(update: Update, context: BotContext, lines: list[str], markup: object = None) -> None:
    """``lines`` in as many messages as they take, ``markup`` under the last."""
    *first, last = chunks(lines)
    for chunk in first:
        await say(update, context, chunk)
    await say(update, context, last, markup)


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


async def named(context: BotContext, press: Press, customer_ids: Sequence[str]) -> dict[str, str]:
    """How an administrator reads each customer of ``customer_ids`` (``customer_label``)."""
    found = await call(context.services.customers.named, customer_ids, by=press.admin.id)
    return {i: customer_label(found.get(i), i, press.lang) for i in customer_ids}


def customer_label(customer: Named | None, customer_id: str, lang: str) -> str:
    """A customer's real name and id, or the id alone before they gave a name."""
    if customer is None or not customer.real_name:
        return customer_id
    return text("admin.customer_named", lang, name=customer.real_name, id=customer_id)


def when(context: BotContext, micros: int) -> str:
    """A moment as administrators read it: the platform's local time, to the minute."""
    return local_time(micros, context.services.ledger.timezone)
