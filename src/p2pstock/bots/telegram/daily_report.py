"""/report: whether the customer gets the daily report of their allocations (sent by core after each day's
status), with one button that switches it off or on again."""

from __future__ import annotations

from telegram import Update

from p2pstock.bots.telegram import callbacks as cb
from p2pstock.bots.telegram.context import BotContext, call, edit, ended
from p2pstock.bots.telegram.keyboards import button, keyboard
from p2pstock.bots.telegram.press import Press
from p2pstock.bots.telegram.texts import text


def _shown(on: bool, lang: str) -> tuple[str, object]:
    switch = "report_off" if on else "report_on"
    state = text("report.on" if on else "report.off", lang)
    return state, keyboard([button(text(f"report.{switch}", lang), cb.Menu(switch))])


async def show_report(update: Update, context: BotContext, press: Press) -> int:
    on = await call(context.services.allocations.daily_report, press.customer.id)
    return await ended(update, context, *_shown(on, press.lang))


async def _switch(update: Update, context: BotContext, press: Press, on: bool) -> object:
    """🔕 / 🔔 (the menu answered the button), or /report_off and /report_on typed: the report switched,
    and shown in the message of the button or in a new one."""
    await call(context.services.allocations.set_daily_report, press.customer.id, on=on)
    if update.callback_query is None:
        return await ended(update, context, *_shown(on, press.lang))
    await edit(update, *_shown(on, press.lang))
    return None


async def report_on(update: Update, context: BotContext, press: Press) -> object:
    return await _switch(update, context, press, True)


async def report_off(update: Update, context: BotContext, press: Press) -> object:
    return await _switch(update, context, press, False)
