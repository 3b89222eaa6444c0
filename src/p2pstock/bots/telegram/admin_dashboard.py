"""The dashboard, for administrators holding ``dashboard.view`` (super administrators and risk officers by
default): the "📊 Dashboard" entry of the admin menu sends today's platform figures — the capital pool
used and free, allocations by status and by how far their assets stand above the lines, today's fees and
interest, loans by overdue bucket, what waits for a decision — and a chart of the allocations in progress
by distance to their lines."""

from __future__ import annotations

from telegram import Update

from p2pstock.bots.telegram.bars_chart import Bar, render_bars
from p2pstock.bots.telegram.context import BotContext, call, chat_id_of, say
from p2pstock.bots.telegram.drawing import draws
from p2pstock.bots.telegram.press import Press
from p2pstock.bots.telegram.texts import text
from p2pstock.bots.telegram.typed import END
from p2pstock.core.dashboard import DISTANCES, DashboardFigures
from p2pstock.core.lending.loans import LoanStatus
from p2pstock.core.money import Money
from p2pstock.core.names import code_name, name_of

DISTANCE_COLOURS = {
    "clear": (44, 160, 44),
    "near": (188, 189, 34),
    "warning": (255, 127, 14),
    "liquidation": (214, 39, 40),
    "no_status": (150, 150, 150),
}
"""Each distance's bar, from safe green to liquidation red."""


async def show_dashboard(update: Update, context: BotContext, press: Press) -> object:
    """The figures, then their chart."""
    seen = await call(context.services.dashboard.figures, by=press.admin.id)
    await say(update, context, "\n".join(lines(seen, press.lang)))
    picture = await call(chart, seen, press.lang)
    await context.bot.send_photo(chat_id_of(update), picture, filename=f"dashboard-{seen.day}.png")
    return END


def chart(seen: DashboardFigures, lang: str) -> bytes:
    """PNG bytes of ``chart_bars``."""
    return render_bars(*chart_bars(seen, lang))


def chart_bars(seen: DashboardFigures, lang: str) -> tuple[str, list[Bar]]:
    """The chart's title and a bar per distance of the allocations in progress to their lines, in
    ``lang`` when the chart's font draws it (else in English)."""
    for tongue in (lang, "en"):
        title = text("admin.dash.chart", tongue, day=seen.day.isoformat())
        bars = [
            Bar(text(f"admin.dash.bar.{name}", tongue), seen.distances.get(name, 0), DISTANCE_COLOURS[name])
            for name in DISTANCES
        ]
        if all(draws(words) for words in (title, *(bar.label for bar in bars))):
            break
    return title, bars


def lines(seen: DashboardFigures, lang: str) -> list[str]:
    """The figures in ``lang``, a line each."""
    allocations = seen.allocations
    comma = "，" if lang == "zh" else ", "
    loans = comma.join(f"{name_of(LoanStatus(s), lang)} {n}" for s, n in sorted(seen.loans.items())) or "0"
    buckets = comma.join(f"{code_name('bucket', b, lang)} {n}" for b, n in seen.buckets.items())
    return [
        text("admin.dash.title", lang, day=seen.day.isoformat()),
        text("admin.dash.pool", lang, used=Money(seen.pool_used), free=Money(seen.pool_free)),
        text(
            "admin.dash.allocations",
            lang,
            review=allocations.get("under_review", 0),
            confirmed=allocations.get("confirmed", 0),
            running=allocations.get("in_progress", 0),
            overdue=allocations.get("overdue", 0),
        ),
        text("admin.dash.distances", lang, **{name: seen.distances.get(name, 0) for name in DISTANCES}),
        text(
            "admin.dash.today",
            lang,
            fees=Money(seen.fees_today),
            interest=Money(seen.interest_today),
            income=Money(seen.lending_income_today),
        ),
        text("admin.dash.loans", lang, loans=loans, buckets=buckets),
        text(
            "admin.dash.waiting",
            lang,
            approvals=seen.approvals,
            withdrawals=seen.withdrawals,
            documents=seen.documents,
        ),
    ]
