"""The stress view, for administrators holding ``dashboard.view`` (super administrators and risk officers by
default): the "🌪️ Stress view" entry of the admin menu sends the platform's totals at −5 %, −10 % and
−20 % with the worst allocations at −10 %, then a chart of the shortfall the platform bears as the market
falls from 0 to −20 % — every figure from one read of the running allocations' latest statuses."""

from __future__ import annotations

from telegram import Update

from p2pstock.bots.telegram.bars_chart import Bar, render_bars
from p2pstock.bots.telegram.context import BotContext, call, chat_id_of, say
from p2pstock.bots.telegram.drawing import draws
from p2pstock.bots.telegram.press import Press
from p2pstock.bots.telegram.stress_lines import heading, line, shock_text, totals
from p2pstock.bots.telegram.texts import text
from p2pstock.bots.telegram.typed import END
from p2pstock.core.allocation.stress import BOT_SHOCKS, CURVE_SHOCKS, StressReport

WORST = 5
"""Allocations listed at most, at the middle shock."""
WORST_AT = -1000
SHORTFALL_COLOUR = (214, 39, 40)


async def show_stress(update: Update, context: BotContext, press: Press) -> object:
    """The totals and the worst allocations, then the shortfall chart."""
    shocks = sorted({*BOT_SHOCKS, *CURVE_SHOCKS}, reverse=True)
    report = await call(context.services.allocations.stress, shocks, by=press.admin.id)
    await say(update, context, "\n".join(lines(report, press.lang)))
    picture = await call(chart, report, press.lang)
    await context.bot.send_photo(chat_id_of(update), picture, filename="stress.png")
    return END


def lines(report: StressReport, lang: str) -> list[str]:
    """The totals at each of ``BOT_SHOCKS`` and the worst allocations at ``WORST_AT``, in ``lang``."""
    found = heading(report, lang)
    middle = report.at(WORST_AT)
    if not middle.allocations and not middle.without_status:
        return [*found, text("stress.empty", lang)]
    for shock in BOT_SHOCKS:
        found += totals(report.at(shock), report.bearer, lang)
    if not middle.crossing:
        return [*found, text("stress.none", lang)]
    worst = middle.crossing[:WORST]
    found.append(text("stress.worst", lang, shock=shock_text(WORST_AT), count=len(worst)))
    return found + [line(s, lang) for s in worst]


def chart(report: StressReport, lang: str) -> bytes:
    """PNG bytes of ``chart_bars``."""
    return render_bars(*chart_bars(report, lang), money=True)


def chart_bars(report: StressReport, lang: str) -> tuple[str, list[Bar]]:
    """The chart's title and a bar per shock of ``CURVE_SHOCKS``: the shortfall the platform bears, in
    ``lang`` when the chart's font draws it (else in English)."""
    title = text("stress.chart", lang)
    if not draws(title):
        title = text("stress.chart", "en")
    return title, [
        Bar(shock_text(shock), report.at(shock).shortfall, SHORTFALL_COLOUR) for shock in CURVE_SHOCKS
    ]
