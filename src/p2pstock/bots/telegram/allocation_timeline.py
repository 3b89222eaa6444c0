"""An allocation's history as its customer reads it: the chart of its total assets against the lines, and
the timeline of its events and side requests in words, at the platform's time."""

from __future__ import annotations

import enum
from collections.abc import Callable
from datetime import tzinfo

import attrs
from telegram import Update
from telegram.ext import ConversationHandler

from p2pstock.bots.telegram.allocation_chart import send_chart
from p2pstock.bots.telegram.allocation_press import (
    basis_points,
    local_time,
)
from p2pstock.bots.telegram.context import (
    BotContext,
    attempt,
    chunks,
    query_of,
    say,
)
from p2pstock.bots.telegram.press import Press
from p2pstock.bots.telegram.texts import TEXTS, text
from p2pstock.core.allocation.allocations import CallOutcome
from p2pstock.core.allocation.ports import Event
from p2pstock.core.allocation.products import Component
from p2pstock.core.allocation.service import Timeline, event_data
from p2pstock.core.allocation.side_requests import Kind, SideRequest
from p2pstock.core.money import Money
from p2pstock.core.names import value_name

END = ConversationHandler.END
TIMELINE_EVENTS = 30
"""The timeline shows this many of the latest events."""


# -- chart and timeline ----------------------------------------------------------------------------------


async def chart(update: Update, context: BotContext, press: Press) -> object:
    """A PNG of total assets per trading day (the latest revision of each) against the lines."""
    await query_of(update).answer()
    timeline = await _timeline(update, context, press)
    if not timeline.allocation.warning_line:
        await say(update, context, text("alloc.chart.no_lines", press.lang))
        return END
    await send_chart(update, context, timeline, press.lang, "alloc.chart.caption")
    return END


async def show_timeline(update: Update, context: BotContext, press: Press) -> object:
    """The latest events, oldest first, in the platform's time zone; and the side requests."""
    await query_of(update).answer()
    lang = press.lang
    timeline = await _timeline(update, context, press)
    zone = context.services.ledger.timezone
    events = timeline.events[-TIMELINE_EVENTS:]
    lines = [
        text(
            "alloc.timeline.title",
            lang,
            id=timeline.allocation.id,
            shown=len(events),
            total=len(timeline.events),
        )
    ]
    lines += [
        text("alloc.timeline.line", lang, at=local_time(event.at, zone), what=event_text(event, lang))
        for event in events
    ]
    if timeline.requests:
        lines.append(text("alloc.timeline.requests", lang))
        lines += [_request_line(request, lang, zone) for request in timeline.requests[-10:]]
    for chunk in chunks(lines):
        await say(update, context, chunk)
    return END


async def _timeline(update: Update, context: BotContext, press: Press) -> Timeline:
    timelines = context.services.allocations.timeline
    return await attempt(update, context, press.lang, timelines, press.subject, customer_id=press.customer.id)


def event_text(event: Event, lang: str) -> str:
    """One timeline event in words."""
    data = event_data(event)
    values = _event_values(event.kind, data, lang)
    key = f"alloc.event.{event.kind}"
    if event.kind == "fee" and data.get("prepaid"):
        key = "alloc.event.fee_prepaid"
    if key not in TEXTS or values is None:
        return text("alloc.event.other", lang, kind=event.kind)
    try:
        return text(key, lang, **values)
    except (KeyError, IndexError, ValueError):
        return text("alloc.event.other", lang, kind=event.kind)


def _event_values(kind: str, data: dict[str, object], lang: str) -> dict[str, object] | None:
    """The values of the text of an event of ``kind`` (None for a kind without a text of its own)."""
    read = _EventData(data, lang)
    values: dict[str, Callable[[], dict[str, object]]] = {
        "applied": lambda: {"product": read.plain("product")},
        "paid": lambda: {
            "component": read.member(Component, "component"),
            "amount": read.money("amount"),
        },
        "call": lambda: {"outcome": read.member(CallOutcome, "outcome")},
        "confirmed": lambda: {
            "warning": read.money("warning_line"),
            "liquidation": read.money("liquidation_line"),
        },
        "account_assigned": lambda: {"sub_account": read.plain("sub_account")},
        "started": lambda: {"start": read.plain("start"), "capital": read.money("capital")},
        "status": lambda: {
            "day": read.plain("day"),
            "assets": read.money("assets"),
            "ratio": basis_points(read.number("ratio_bp")),
        },
        "risk": lambda: {
            "before": read.named("alloc.risk", "before"),
            "after": read.named("alloc.risk", "after"),
        },
        "fee": lambda: {
            "period": read.plain("period"),
            "day": read.plain("day"),
            "wallet": read.money("from_wallet"),
            "fund": read.money("from_risk_fund"),
            "unpaid": read.money("unpaid"),
        },
        "request.approved": lambda: {
            "kind": read.member(Kind, "request_kind"),
            "reason": read.plain("reason"),
        },
        "settled": lambda: {
            "final": read.money("final_assets"),
            "payout": Money(max(read.number("payout"), 0)),
        },
        "cancelled": lambda: {"reason": read.plain("reason")},
        "password_shown": dict,
    }
    values["request.rejected"] = values["request.approved"]
    values["rejected"] = values["cancelled"]
    for asked in Kind:
        values[f"request.{asked.value}"] = lambda: {
            "amount": read.money("amount"),
            "periods": read.plain("periods"),
        }
    make = values.get(kind)
    return make() if make is not None else None


@attrs.frozen
class _EventData:
    data: dict[str, object]
    lang: str

    def number(self, name: str) -> int:
        value = self.data.get(name, 0)
        return value if isinstance(value, int) and not isinstance(value, bool) else 0

    def money(self, name: str) -> Money:
        return Money(self.number(name))

    def plain(self, name: str) -> str:
        return str(self.data.get(name, ""))

    def member(self, kind: type[enum.Enum], name: str) -> str:
        return value_name(kind, self.data.get(name, ""), self.lang)

    def named(self, prefix: str, name: str) -> str:
        key = f"{prefix}.{self.data.get(name, '')}"
        return text(key, self.lang) if key in TEXTS else self.plain(name)


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
