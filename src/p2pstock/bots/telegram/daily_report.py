"""/report: whether the customer gets the daily report of their allocations (sent by core after each day's
status), with one button that switches it off or on again (``switches``)."""

from __future__ import annotations

from telegram import Update

from p2pstock.bots.telegram.context import BotContext, call, ended
from p2pstock.bots.telegram.press import Press
from p2pstock.bots.telegram.switches import Switch

SWITCH = Switch("report", lambda context: context.services.allocations.set_daily_report)
report_on, report_off = SWITCH.turn_on, SWITCH.turn_off


async def show_report(update: Update, context: BotContext, press: Press) -> int:
    on = await call(context.services.allocations.daily_report, press.customer.id)
    return await ended(update, context, *SWITCH.shown(on, press.lang))
