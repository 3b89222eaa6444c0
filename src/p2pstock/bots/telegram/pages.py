"""A customer's lists shown a page at a time: the items of a page, its ◀ ▶ buttons on the list's own button
data, and the one pair of steps — the first page said, another turned to in place — every such list has.

A page button's subject is ``<page>`` (from 0) or ``<page>:<what>``, where ``what`` narrows the list (the
hall's filter); anything else is outdated.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Iterator, Sequence
from typing import Generic, TypeVar

import attrs
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from p2pstock.bots.telegram import callbacks as cb
from p2pstock.bots.telegram.context import BotContext, edit, ended, outdated, query_of
from p2pstock.bots.telegram.keyboards import button
from p2pstock.bots.telegram.press import Press
from p2pstock.bots.telegram.texts import text
from p2pstock.bots.telegram.typed import END

T = TypeVar("T")
LAST_PAGE = 999
"""The highest page (from 0) a button may name."""

Rows = Sequence[Sequence[InlineKeyboardButton]]
Shown = tuple[str, InlineKeyboardMarkup | None]
"""A page as the customer reads it: its text and its buttons."""


@attrs.frozen
class Page(Generic[T]):
    """Page ``number`` (from 0) of a list of pages of ``size``: its ``items``, and whether ``more`` follow."""

    number: int
    size: int
    items: Sequence[T]
    more: bool

    @classmethod
    def of(cls, items: Sequence[T], number: int, size: int) -> Page[T]:
        """Page ``number`` of all the ``items`` (the last page, for a number past it)."""
        number = min(number, max(len(items) - 1, 0) // size)
        first = number * size
        return cls(number, size, items[first : first + size], len(items) > first + size)

    @classmethod
    def fetched(cls, items: Sequence[T], number: int, size: int) -> Page[T]:
        """Page ``number`` from ``size + 1`` items read from its start: one more means a page follows."""
        return cls(number, size, items[:size], len(items) > size)

    def numbered(self) -> Iterator[tuple[int, T]]:
        """The items with their places in the whole list, from 1."""
        return enumerate(self.items, start=self.number * self.size + 1)

    def turns(self, lang: str, to: Callable[[int], cb.Callback]) -> list[InlineKeyboardButton]:
        """◀ to the page before, if any, and ▶ to the next, if any."""
        back = [button(text("statement.previous", lang), to(self.number - 1))] if self.number else []
        return back + ([button(text("statement.next", lang), to(self.number + 1))] if self.more else [])

    def keyboard(
        self, lang: str, to: Callable[[int], cb.Callback], rows: Rows = (), after: Rows = ()
    ) -> InlineKeyboardMarkup | None:
        """``rows``, the ◀ ▶ row and ``after`` (None without any button)."""
        kept = [list(row) for row in (*rows, self.turns(lang, to), *after) if row]
        return InlineKeyboardMarkup(kept) if kept else None


def page_and_what(subject: str, whats: Collection[str]) -> tuple[int, str] | None:
    """The page a button names and what narrows the list (one of ``whats``), or None."""
    page, _, what = subject.partition(":")
    if not page.isdecimal() or int(page) > LAST_PAGE or what not in whats:
        return None
    return int(page), what


Render = Callable[[BotContext, Press, int, str], Awaitable[Shown | None]]
"""Page ``number`` of the list for the press, narrowed by ``what`` (None: that page cannot be shown)."""


@attrs.frozen
class Paged:
    """A paged list: ``show`` says its first page, ``turn`` puts the page a button names in place of the one
    whose button was pressed. ``whats`` are what may follow the page in a button."""

    render: Render
    whats: Collection[str] = ("",)

    async def show(self, update: Update, context: BotContext, press: Press) -> int:
        shown = await self.render(context, press, 0, "")
        return await ended(update, context, *shown) if shown else END

    async def turn(self, update: Update, context: BotContext, press: Press) -> object:
        named = page_and_what(press.subject, self.whats)
        shown = await self.render(context, press, *named) if named else None
        if shown is None:
            await outdated(update, press.lang)
            return None
        await query_of(update).answer()
        await edit(update, *shown)
        return END
