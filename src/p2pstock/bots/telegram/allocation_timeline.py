"""An allocation's history for whoever pressed the button: the chart of its total assets against the lines
(one picture, its words in the reader's language) and the timeline of its events at the platform's time.
One renderer, two audiences: a customer reads each event in a sentence, and the side requests after them;
staff read each event's name, who did it and its data, and each has a chart caption of its own
(``Audience``). ``chart`` and ``show_timeline`` answer the customer's press first; ``draw_chart`` and
``tell_timeline`` serve a dispatch that answered it already (the administrator's)."""

from __future__ import annotations

import enum
import json
from collections.abc import Callable
from datetime import tzinfo
from functools import partial

import attrs
from telegram import Update
from telegram.ext import ConversationHandler

from p2pstock.bots.telegram import chart as charts
from p2pstock.bots.telegram.context import BotContext, attempt, call, chat_id_of, chunks, ended, query_of, say
from p2pstock.bots.telegram.platform_time import local_time
from p2pstock.bots.telegram.press import Press, Step
from p2pstock.bots.telegram.product_cards import basis_points
from p2pstock.bots.telegram.texts import TEXTS, placeholders, text
from p2pstock.core.allocation.allocations import CallOutcome, Status
from p2pstock.core.allocation.ports import Event
from p2pstock.core.allocation.products import Component
from p2pstock.core.allocation.renewals import Unrenewed
from p2pstock.core.allocation.service import Timeline
from p2pstock.core.allocation.side_requests import Kind, SideRequest
from p2pstock.core.allocation.statuses import Flag, Review
from p2pstock.core.money import Money
from p2pstock.core.names import value_name
from p2pstock.core.people.customers import Customer

END = ConversationHandler.END
TIMELINE_EVENTS = 30
"""The timeline shows this many of the latest events."""
REQUESTS_SHOWN = 10
"""A customer's timeline ends with this many of the latest side requests."""


@attrs.frozen
class Audience:
    """How an audience reads an allocation's history: the texts of the timeline's title and the chart's
    caption, one event as a line, whether the side requests follow, and the statuses the chart needs
    (any, when empty: the chart then needs the lines)."""

    title: str
    caption: str
    line: Callable[[Event, str, str], str]
    """(event, its local time, language) → the event's line."""
    requests: bool
    chart_needs: tuple[Status, ...] = ()


# -- the buttons -----------------------------------------------------------------------------------------


async def draw_chart(update: Update, context: BotContext, press: Press) -> object:
    """A PNG of total assets per trading day (the latest revision of each) against the lines and the
    starting capital (B and the customer's stake, as the daily report counts profit), captioned with the
    audience's text (it may show the id, sub-account, days and both lines)."""
    audience, lang = audience_of(press), press.lang
    timeline = await read_timeline(update, context, press)
    a = timeline.allocation
    if audience.chart_needs:
        a.require(*audience.chart_needs)
    elif not a.warning_line:
        return await ended(update, context, text("alloc.chart.no_lines", lang))
    points = charts.daily_points(timeline.statuses)
    title, labels = chart_words(a.id, lang)
    drawn = partial(
        charts.render_chart,
        warning_line=a.warning_line,
        liquidation_line=a.liquidation_line,
        baseline=a.allocated + a.stake,
    )
    picture = await call(drawn, points, title=title, labels=labels)
    lines = {"warning": Money(a.warning_line), "liquidation": Money(a.liquidation_line)}
    said = text(audience.caption, lang, id=a.id, sub_account=a.sub_account or "—", days=len(points), **lines)
    await context.bot.send_photo(chat_id_of(update), picture, caption=said, filename=f"{a.id}.png")
    return END


async def tell_timeline(update: Update, context: BotContext, press: Press) -> object:
    """The latest events, oldest first, in the platform's time zone (and a customer's side requests)."""
    audience, lang = audience_of(press), press.lang
    timeline = await read_timeline(update, context, press)
    zone = context.services.ledger.timezone
    events = timeline.events[-TIMELINE_EVENTS:]
    total = len(timeline.events)
    lines = [text(audience.title, lang, id=timeline.allocation.id, shown=len(events), total=total)]
    lines += [audience.line(event, local_time(event.at, zone), lang) for event in events]
    if audience.requests and timeline.requests:
        lines.append(text("alloc.timeline.requests", lang))
        lines += [_request_line(request, lang, zone) for request in timeline.requests[-REQUESTS_SHOWN:]]
    for chunk in chunks(lines):
        await say(update, context, chunk)
    return END


def _answered(step: Step) -> Step:
    async def answered(update: Update, context: BotContext, press: Press) -> object:
        await query_of(update).answer()
        return await step(update, context, press)

    return answered


chart, show_timeline = _answered(draw_chart), _answered(tell_timeline)
"""The customer's 📈 and 🕘 buttons."""


async def read_timeline(update: Update, context: BotContext, press: Press) -> Timeline:
    """The timeline of the pressed allocation: a customer's own, or any in an administrator's name (a
    refusal told and the step ended)."""
    timelines, lang, allocation_id = context.services.allocations.timeline, press.lang, press.subject
    if isinstance(press.by, Customer):
        return await attempt(update, context, lang, timelines, allocation_id, customer_id=press.by.id)
    return await attempt(update, context, lang, timelines, allocation_id, by=press.admin.id)


def audience_of(press: Press) -> Audience:
    return CUSTOMER if isinstance(press.by, Customer) else STAFF


CHART_WORDS = ("assets", "warning", "liquidation", "no_data", "baseline", "pnl")
"""The chart's labels, each the text ``alloc.chart.<name>``."""


def chart_words(allocation_id: str, lang: str) -> tuple[str, charts.ChartLabels]:
    """The chart's title and labels in ``lang`` when the chart's font can draw them (a machine without a
    CJK font would draw Chinese as "?"), else in English; a gain is red in a Chinese chart."""
    for tongue in (lang, "en"):
        words = {name: text(f"alloc.chart.{name}", tongue) for name in CHART_WORDS}
        labels = charts.ChartLabels(**words, gains_in_red=tongue == "zh")
        title = text("alloc.chart.title", tongue, id=allocation_id)
        if all(charts.draws(word) for word in (title, *labels.words())):
            break
    return title, labels


# -- an event in words -----------------------------------------------------------------------------------

MONEY_DATA = frozenset(
    {"amount", "assets", "capital", "payout", "unpaid", "receivable", "loss", "refund", "fees_waived"}
    | {"warning_line", "liquidation_line", "to_warning", "to_liquidation", "final_assets"}
    | {"fees_collected", "from_risk_fund", "from_wallet"}
    | {"previous"}  # a status held as implausible: the total assets it was compared with
    | {"line"}  # a rung of the alert ladder reached: its line
    | {"change", "deposit", "allocated", "fee_per_period"}  # a resize: each of them also …_was
    | {"deposit_was", "allocated_was", "warning_line_was", "liquidation_line_was", "fee_per_period_was"}
)
"""Event fields that are amounts in minor units."""
NAMED: dict[str, type[enum.Enum]] = {
    "outcome": CallOutcome,
    "component": Component,
    "request_kind": Kind,
    "flag": Flag,
    "review": Review,
    "unrenewed": Unrenewed,
}
"""Event fields that are members of an enum, shown by the bot's name for them."""
RISKS = frozenset({"before", "after"})
"""Event fields that are risk states."""
ALIASES = {
    "warning": "warning_line",
    "liquidation": "liquidation_line",
    "wallet": "from_wallet",
    "fund": "from_risk_fund",
    "final": "final_assets",
    "kind": "request_kind",
    "ratio": "ratio_bp",
}
"""A placeholder of a customer's event text → the event field it shows, where the names differ."""
_HIDDEN_DATA = frozenset({"by", "at", "ratio_bp", "revision"})
"""Event fields staff do not need to read."""


def shown(name: str, value: object, lang: str, risks: str) -> object:
    """The value of an event's field ``name`` as a person reads it: amounts as money, enum members and
    risk states (text keys ``<risks>.<state>``) by name, anything else as it is."""
    if name in MONEY_DATA and isinstance(value, int) and not isinstance(value, bool):
        return Money(value)
    if name in NAMED:
        return value_name(NAMED[name], value, lang)
    if name in RISKS and f"{risks}.{value}" in TEXTS:
        return text(f"{risks}.{value}", lang)
    return value


def event_text(event: Event, lang: str) -> str:
    """One timeline event in words, as its customer reads it."""
    fields = _fields(event)
    key = f"alloc.event.{event.kind}"
    if event.kind == "fee" and fields.get("prepaid"):
        key = "alloc.event.fee_prepaid"
    if key not in TEXTS:
        return text("alloc.event.other", lang, kind=event.kind)
    names = placeholders(TEXTS[key]["en"])
    try:
        return text(
            key, lang, **{name: _customer_value(ALIASES.get(name, name), fields, lang) for name in names}
        )
    except (KeyError, IndexError, ValueError):
        return text("alloc.event.other", lang, kind=event.kind)


def _customer_value(name: str, fields: dict[str, object], lang: str) -> object:
    value = fields.get(name, "")
    if name in MONEY_DATA or name == "ratio_bp":
        number = value if isinstance(value, int) and not isinstance(value, bool) else 0
        if name == "ratio_bp":
            return basis_points(number)
        value = max(number, 0) if name == "payout" else number  # a customer is never paid out less than 0
    return shown(name, value, lang, "alloc.risk")


def _customer_line(event: Event, at: str, lang: str) -> str:
    return text("alloc.timeline.line", lang, at=at, what=event_text(event, lang))


def _request_line(request: SideRequest, lang: str, zone: tzinfo) -> str:
    amount = Money(request.amount) if request.kind is not Kind.TERMINATION else ""
    return text(
        "alloc.timeline.request",
        lang,
        kind=request.kind,
        amount=amount,
        at=local_time(request.requested_at, zone),
        status=request.status,
    )


def _staff_line(event: Event, at: str, lang: str) -> str:
    """The event's name, who did it, and its data: briefly, amounts as money, names as the bot calls them."""
    key = f"admin.alloc.event.{event.kind}"
    name = text(key, lang) if key in TEXTS else event.kind
    data = [
        f"{field} {shown(field, value, lang, 'admin.alloc.risk')}"
        for field, value in sorted(_fields(event).items())
        if field not in _HIDDEN_DATA and value not in (None, "", False)
    ]
    detail = " | " + ", ".join(data) if data else ""
    return text("admin.alloc.timeline_line", lang, when=at, what=name, actor=event.actor, detail=detail)


def _fields(event: Event) -> dict[str, object]:
    """An event's data (nothing, should it not be a JSON object)."""
    try:
        fields = json.loads(event.data)
    except ValueError:
        return {}
    return fields if isinstance(fields, dict) else {}


CUSTOMER = Audience("alloc.timeline.title", "alloc.chart.caption", _customer_line, requests=True)
STAFF = Audience(
    "admin.alloc.timeline",
    "admin.alloc.chart_caption",
    _staff_line,
    requests=False,
    chart_needs=(Status.IN_PROGRESS, Status.SETTLED),
)
