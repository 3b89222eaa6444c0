"""The bot's keyboards: inline menus whose buttons carry data written by ``callbacks.write``."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterable, Sequence
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup

from p2pstock.bots.telegram import callbacks as cb
from p2pstock.bots.telegram.texts import text
from p2pstock.core.names import name_of
from p2pstock.core.people.documents import DocumentKind


def button(label: str, callback: cb.Callback) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=cb.write(callback))


def keyboard(*rows: Sequence[InlineKeyboardButton]) -> InlineKeyboardMarkup | None:
    """The ``rows`` of buttons there are (None without any)."""
    kept = [list(row) for row in rows if row]
    return InlineKeyboardMarkup(kept) if kept else None


def fitting(rows: Iterable[Iterable[tuple[str, cb.Callback]]]) -> list[list[InlineKeyboardButton]]:
    """The buttons of ``rows`` whose data fits Telegram's 64 bytes (an id too long for button data leaves
    its button out; a row left empty is dropped)."""
    kept: list[list[InlineKeyboardButton]] = []
    for row in rows:
        buttons = []
        for label, action in row:
            with contextlib.suppress(ValueError):
                buttons.append(button(label, action))
        if buttons:
            kept.append(buttons)
    return kept


def markup(rows: Iterable[Iterable[tuple[str, cb.Callback]]]) -> InlineKeyboardMarkup | None:
    """The buttons that fit, or ``None`` when none does."""
    return keyboard(*fitting(rows))


class Menu(InlineKeyboardMarkup):
    """A keyboard built once and sent with many replies. python-telegram-bot freezes it, so its wire form
    (``to_dict``: about 75 µs for the main menu, at every message) is worked out once and copied."""

    __slots__ = ("_wire",)

    def __init__(self, rows: Sequence[Sequence[InlineKeyboardButton]]) -> None:
        if any(b.callback_data is None for row in rows for b in row):
            raise ValueError("a menu holds buttons with callback data only (their wire form is flat)")
        super().__init__(rows)
        with self._unfrozen():
            self._wire = super().to_dict()

    def to_dict(self, recursive: bool = True) -> dict[str, Any]:
        if not recursive:
            return super().to_dict(recursive)
        rows = self._wire["inline_keyboard"]
        return {**self._wire, "inline_keyboard": [[dict(button) for button in row] for row in rows]}


def menu(lang: str, *rows: tuple[str, ...]) -> Menu:
    """Rows of main-menu items."""
    return Menu([[button(text(f"menu.{item}", lang), cb.Menu(item)) for item in row] for row in rows])


@functools.cache  # one per language: a keyboard is immutable, and the main menu goes with most replies
def main_menu(lang: str) -> Menu:
    return menu(lang, *cb.MENU_ROWS)


@functools.cache
def wallet_actions(lang: str) -> Menu:
    return menu(lang, ("deposit", "withdraw"), ("statement",))


def languages() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[button("中文", cb.ChooseLanguage("zh")), button("English", cb.ChooseLanguage("en"))]]
    )


def share_contact(lang: str) -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        [[KeyboardButton(text("phone.button", lang), request_contact=True)]],
        resize_keyboard=True,
        one_time_keyboard=True,
    )


def document_kinds(lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[button(name_of(kind, lang), cb.ChooseDocument(kind))] for kind in DocumentKind]
    )


def pay(lang: str, url: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(text("deposit.button", lang), url=url)]])
