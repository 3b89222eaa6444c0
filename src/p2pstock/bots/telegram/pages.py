"""A customer's lists a page at a time: the items of a page, its ◀ ▶ buttons on the list's own button data,
and the one pair of steps of every such list — its first page said, another put in its place. A page
button's subject is ``<page>`` (from 0) or ``<page>:<what>``, ``what`` narrowing the list (a filter)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Sequence
from typing import Generic, TypeVar

import attrs
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from p2pstock.bots.telegram import callbacks as cb
from p2pstock.bots.telegram.context import BotContext, edit, ended, outdated, query_of
from p2pstock.bots.telegram.keyboards import button, keyboard
from p2pstock.bots.telegram.press import Press
from p2pstock.bots.telegram.texts import text
from p2pstock.bots.telegram.typed import END

T = TypeVar("T")
LAST_PAGE = 999
"""The highest page (from 0) a button may name."""
Shown = tuple[str, InlineKeyboardMarkup | None]
Rows = Sequence[Sequence[InlineKeyboardButton]]


@attrs.frozen
class Page(Generic[T]):
    """Page ``number`` (from 0) of a list: its ``items``, and whether ``more`` follow."""

    number: int
    items: Sequence[T]
    more: bool

    @classmethod
    def of(cls, items: Sequence[T], number: int, size: int) -> Page[T]:
        """Page ``number`` of all the ``items`` in pages of ``size`` (the last, for a number past it)."""
        number = min(number, max(len(items) - 1, 0) // size)
        first = number * size
        return cls(number, items[first : first + size], len(items) > first + size)

    def keyboard(
        self, lang: str, to: Callable[[int], cb.Callback], rows: Rows = (), after: Rows = ()
    ) -> InlineKeyboardMarkup | None:
        """``rows``, then ◀ to the page before and ▶ to the next (those there are), then ``after``."""
        turns = ((self.number > 0, "statement.previous", -1), (self.more, "statement.next", 1))
        row = [button(text(label, lang), to(self.number + step)) for there, label, step in turns if there]
        return keyboard(*rows, row, *after)


def page_and_what(subject: str, whats: Collection[str]) -> tuple[int, str] | None:
    """The page a button's subject names and what narrows the list (one of ``whats``), or None."""
    page, _, what = subject.partition(":")
    if not page.isdecimal() or int(page) > LAST_PAGE or what not in whats:
        return None
    return int(page), what


@attrs.frozen
class Paged:
    """A paged list: ``render`` reads page ``number`` for a press, narrowed by ``what`` (one of ``whats``),
    or answers None for a page it cannot show (the button is outdated)."""

    render: Callable[[BotContext, Press, int, str], Awaitable[Shown | None]]
    whats: Collection[str] = ("",)

    async def show(self, update: Update, context: BotContext, press: Press) -> int:
        """The first page, said."""
        shown = await self.render(context, press, 0, "")
        return await ended(update, context, *shown) if shown else END

    async def turn(self, update: Update, context: BotContext, press: Press) -> object:
        """◀ ▶ (or a filter): the page the button names in place of the one it is under."""
        named = page_and_what(press.subject, self.whats)
        shown = await self.render(context, press, *named) if named else None
        if shown is None:
            await outdated(update, press.lang)
            return None
        await query_of(update).answer()
        await edit(update, *shown)
        return END
