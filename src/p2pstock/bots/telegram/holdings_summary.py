"""/holdings: an investor's lending this month so far — the lines of the monthly summary, written with core's
templates in their language — and whether they get the monthly summary, switched with /holdings_off and
/holdings_on (core sends it: ``MonthlySummaries``).

The switch is a button too (``m:holdings_off`` / ``m:holdings_on``, as /report's: ``switches``).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from telegram import Update

from p2pstock.bots.telegram.context import BotContext, call, chunks, ended, say
from p2pstock.bots.telegram.press import Press, Step
from p2pstock.bots.telegram.switches import Switch
from p2pstock.bots.telegram.texts import text
from p2pstock.core.lending.monthly_summary import MonthlySummaries


def _summaries(context: BotContext) -> MonthlySummaries:
    return MonthlySummaries(context.services.lending.desk)


SWITCH = Switch("holdings", lambda context: _summaries(context).switch)


async def show_holdings(update: Update, context: BotContext, press: Press) -> int:
    """This month so far, a line per loan under the totals, then whether the monthly summary is on."""
    summaries, who, lang = _summaries(context), press.customer.id, press.lang
    summary = await call(summaries.so_far, who)
    state, buttons = SWITCH.shown(await call(summaries.wanted, who), lang)
    lines = [text("holdings.so_far", lang), *summary.lines(lang)] if summary.holdings else []
    *before, last = chunks([*(lines or [text("holdings.none", lang)]), "", state])
    for message in before:
        await say(update, context, message)
    return await ended(update, context, last, buttons)


MENU: Mapping[str, Step] = MappingProxyType(
    {"holdings": show_holdings, "holdings_on": SWITCH.turn_on, "holdings_off": SWITCH.turn_off}
)
"""The commands (and menu items) of this module, for ``conversation.MENU``."""
