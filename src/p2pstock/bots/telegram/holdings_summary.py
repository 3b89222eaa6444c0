"""/holdings: an investor's lending this month so far — the lines of the monthly summary, written with core's
templates in their language — and whether they get the monthly summary, switched with /holdings_off and
/holdings_on (core sends it: ``MonthlySummaries``).

The switch is a button too (``m:holdings_off`` / ``m:holdings_on``, as /report's) once
``callbacks.MENU_ITEMS`` names those items: ``keyboards.markup`` leaves out a button the parser would not
read back, so until then the answer carries none, and its text names the typed commands either way.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from telegram import Update

from p2pstock.bots.telegram import callbacks as cb
from p2pstock.bots.telegram.context import BotContext, call, chunks, edit, ended, say
from p2pstock.bots.telegram.keyboards import markup
from p2pstock.bots.telegram.press import Press, Step
from p2pstock.bots.telegram.texts import text
from p2pstock.core.lending.monthly_summary import MonthlySummaries


def _summaries(context: BotContext) -> MonthlySummaries:
    return MonthlySummaries(context.services.lending.desk)


def _shown(on: bool, lang: str) -> tuple[str, object]:
    switch = "holdings_off" if on else "holdings_on"
    state = text("holdings.on" if on else "holdings.off", lang)
    return state, markup([[(text(f"holdings.{switch}", lang), cb.Menu(switch))]])


async def show_holdings(update: Update, context: BotContext, press: Press) -> int:
    """This month so far, a line per loan under the totals, then whether the monthly summary is on."""
    summaries, who, lang = _summaries(context), press.customer.id, press.lang
    summary = await call(summaries.so_far, who)
    state, buttons = _shown(await call(summaries.wanted, who), lang)
    lines = [text("holdings.so_far", lang), *summary.lines(lang)] if summary.holdings else []
    *before, last = chunks([*(lines or [text("holdings.none", lang)]), "", state])
    for message in before:
        await say(update, context, message)
    return await ended(update, context, last, buttons)


async def _switch(update: Update, context: BotContext, press: Press, on: bool) -> object:
    """/holdings_off and /holdings_on typed (or their button): the summary switched, and told in a new
    message (or in the message of the button)."""
    await call(_summaries(context).switch, press.customer.id, on=on)
    if update.callback_query is None:
        return await ended(update, context, *_shown(on, press.lang))
    await edit(update, *_shown(on, press.lang))
    return None


async def holdings_on(update: Update, context: BotContext, press: Press) -> object:
    return await _switch(update, context, press, True)


async def holdings_off(update: Update, context: BotContext, press: Press) -> object:
    return await _switch(update, context, press, False)


MENU: Mapping[str, Step] = MappingProxyType(
    {"holdings": show_holdings, "holdings_on": holdings_on, "holdings_off": holdings_off}
)
"""The commands (and menu items) of this module, for ``conversation.MENU``."""
