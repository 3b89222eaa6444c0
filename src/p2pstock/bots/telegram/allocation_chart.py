"""The chart of an allocation's total assets against its lines, as customers and administrators get it:
one picture, with its words in the reader's language, and a caption of the audience's own."""

from __future__ import annotations

from telegram import Update

from p2pstock.bots.telegram import chart
from p2pstock.bots.telegram.context import BotContext, call, chat_id_of
from p2pstock.bots.telegram.texts import text
from p2pstock.core.allocation.service import Timeline
from p2pstock.core.money import Money


async def send_chart(
    update: Update, context: BotContext, timeline: Timeline, lang: str, caption: str
) -> None:
    """Send the chart of ``timeline``'s allocation (the latest status of each trading day), captioned
    with text ``caption`` (it may show the id, sub-account, days and both lines)."""
    a = timeline.allocation
    points = chart.daily_points(timeline.statuses)
    title, labels = chart_words(a.id, lang)
    picture = await call(
        chart.render_chart,
        points,
        warning_line=a.warning_line,
        liquidation_line=a.liquidation_line,
        title=title,
        labels=labels,
    )
    said = text(
        caption,
        lang,
        id=a.id,
        sub_account=a.sub_account or "—",
        days=len(points),
        warning=Money(a.warning_line),
        liquidation=Money(a.liquidation_line),
    )
    await context.bot.send_photo(chat_id_of(update), picture, caption=said, filename=f"{a.id}.png")


def chart_words(allocation_id: str, lang: str) -> tuple[str, chart.ChartLabels]:
    """The chart's title and labels in ``lang`` when the chart's font can draw them (a machine without a
    CJK font would draw Chinese as "?"), else in English."""
    title, labels = _chart_words(allocation_id, lang)
    words = (title, labels.assets, labels.warning, labels.liquidation, labels.no_data)
    if all(chart.draws(word) for word in words):
        return title, labels
    return _chart_words(allocation_id, "en")


def _chart_words(allocation_id: str, lang: str) -> tuple[str, chart.ChartLabels]:
    labels = chart.ChartLabels(
        assets=text("alloc.chart.assets", lang),
        warning=text("alloc.chart.warning", lang),
        liquidation=text("alloc.chart.liquidation", lang),
        no_data=text("alloc.chart.no_data", lang),
    )
    return text("alloc.chart.title", lang, id=allocation_id), labels
