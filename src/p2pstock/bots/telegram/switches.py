"""A notice a customer switches off and on again (the daily report, the monthly holdings summary): its
state in words under the one button that flips it, and the steps of the menu items (and commands)
``<name>_off`` and ``<name>_on``. Its texts are ``<name>.on`` / ``<name>.off`` (the state) and
``<name>.<name>_off`` / ``<name>.<name>_on`` (the button)."""

from __future__ import annotations

from collections.abc import Callable

import attrs
from telegram import InlineKeyboardMarkup, Update

from p2pstock.bots.telegram import callbacks as cb
from p2pstock.bots.telegram.context import BotContext, call, edit, ended
from p2pstock.bots.telegram.keyboards import markup
from p2pstock.bots.telegram.press import Press
from p2pstock.bots.telegram.texts import text

Setter = Callable[[BotContext], Callable[..., bool]]
"""The core call that switches the notice: ``(customer_id, *, on)``, whether it is on."""


@attrs.frozen
class Switch:
    name: str
    setter: Setter

    def shown(self, on: bool, lang: str) -> tuple[str, InlineKeyboardMarkup | None]:
        """Whether the notice is on, with the button that flips it."""
        flip = f"{self.name}_{'off' if on else 'on'}"
        state = text(f"{self.name}.{'on' if on else 'off'}", lang)
        return state, markup([[(text(f"{self.name}.{flip}", lang), cb.Menu(flip))]])

    async def turn_on(self, update: Update, context: BotContext, press: Press) -> object:
        return await self._turn(update, context, press, on=True)

    async def turn_off(self, update: Update, context: BotContext, press: Press) -> object:
        return await self._turn(update, context, press, on=False)

    async def _turn(self, update: Update, context: BotContext, press: Press, *, on: bool) -> object:
        """The button (the menu answered it), or the command typed: the notice switched, and shown in the
        message of the button or in a new one."""
        await call(self.setter(context), press.customer.id, on=on)
        if update.callback_query is None:
            return await ended(update, context, *self.shown(on, press.lang))
        await edit(update, *self.shown(on, press.lang))
        return None
