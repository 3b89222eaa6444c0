"""An allocation as an administrator reads it: found in their name (and in the status a step needs), and
its card — everything they need to know about it, one fact a line, and the buttons its status and their
permissions make worth showing. Typed steps about an allocation wait under ``STEP``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from telegram import InlineKeyboardMarkup, Update

from p2pstock.bots.telegram import callbacks as cb
from p2pstock.bots.telegram.admin_steps import END
from p2pstock.bots.telegram.admin_views import said
from p2pstock.bots.telegram.allocation_card import Reader, card_lines
from p2pstock.bots.telegram.context import BotContext, call
from p2pstock.bots.telegram.keyboards import markup
from p2pstock.bots.telegram.press import Press
from p2pstock.bots.telegram.texts import text
from p2pstock.core.allocation.allocations import Allocation, CallOutcome, Risk, Status
from p2pstock.core.allocation.service import Timeline
from p2pstock.core.errors import NotFound
from p2pstock.core.names import value_name
from p2pstock.core.notifications import mask
from p2pstock.core.people.permissions import Permission

STEP = "admin_alloc"
"""The user-state key of an allocation's typed step waiting (never holding a password)."""
REVIEW = Permission.ALLOCATION_REVIEW
ASSIGN = Permission.ALLOCATION_ASSIGN_ACCOUNT
DAILY = Permission.ALLOCATION_DAILY_STATUS
SETTLE = Permission.ALLOCATION_SETTLE
Row = list[tuple[str, cb.AdminAction]]
B = "admin.alloc.b."
"""The keys of the card's own button texts (its ✅ is everyone's ``confirm.button``)."""


async def timeline_of(context: BotContext, press: Press, allocation_id: str | None = None) -> Timeline:
    """The timeline of ``allocation_id`` (by default the press's subject), in the administrator's name."""
    timelines = context.services.allocations.timeline
    return await call(timelines, allocation_id or press.subject, by=press.admin.id)


async def allocation_in(
    context: BotContext, press: Press, status: Status, allocation_id: str = ""
) -> Allocation:
    """The allocation (the press's subject by default), refused unless it is in ``status``."""
    allocation = (await timeline_of(context, press, allocation_id)).allocation
    allocation.require(status)
    return allocation


def in_status(status: Status) -> Callable[[BotContext, Press], Awaitable[Mapping[str, object]]]:
    """What a prompt about the pressed allocation says of it (its id and sub-account), refused unless the
    allocation is in ``status``."""

    async def about(context: BotContext, press: Press) -> Mapping[str, object]:
        allocation = await allocation_in(context, press, status)
        return {"id": allocation.id, "sub_account": allocation.sub_account}

    return about


def risk_name(risk: Risk, lang: str) -> str:
    return text(f"admin.alloc.risk.{risk}", lang)


async def show_card(update: Update, context: BotContext, press: Press) -> object:
    """The card of the pressed allocation."""
    await send_card(update, context, press, await timeline_of(context, press))
    return END


async def send_card(update: Update, context: BotContext, press: Press, timeline: Timeline) -> None:
    """The card of ``timeline``'s allocation, in as many messages as it takes; the buttons under the last."""
    try:
        customer = await call(context.services.customers.get, timeline.allocation.customer_id)
        who = (customer.real_name or "", mask(customer.phone) if customer.phone else "")
    except NotFound:
        who = ("", "")
    permissions = await call(context.services.staff.permissions, press.admin.id)
    reader = Reader(press.lang, context.services.ledger.timezone, timeline, who)
    buttons = card_buttons(timeline.allocation, permissions, press.lang)
    await said(update, context, card_lines(timeline.allocation, reader), buttons)


def card_buttons(a: Allocation, permissions: frozenset[Permission], lang: str) -> InlineKeyboardMarkup | None:
    """What can be done about the allocation now, by an administrator holding ``permissions``."""

    def offered(verb: str, label: str, needs: Permission | None = None) -> Row:
        """The button ``verb`` labelled with the text ``label``, if ``permissions`` hold what it ``needs``."""
        if needs is not None and needs not in permissions:
            return []
        return [(text(label, lang), cb.AdminAction(verb, a.id))]

    rows: list[Row] = []
    if a.status is Status.UNDER_REVIEW and REVIEW in permissions:
        calls = [
            (
                text(B + "call", lang, outcome=value_name(CallOutcome, outcome, lang)),
                cb.AdminAction("al_call", f"{outcome}:{a.id}"),
            )
            for outcome in CallOutcome
        ]
        rows += [calls[:1], calls[1:], offered("al_ok", "confirm.button") + offered("al_no", B + "reject")]
    if a.status is Status.CONFIRMED:
        rows.append(offered("al_assign", B + "assign", ASSIGN) + offered("al_no", B + "reject", REVIEW))
    if a.status is Status.IN_PROGRESS:
        rows.append(offered("al_status", B + "status", DAILY) + offered("al_settle", B + "settle", SETTLE))
    charted = a.status in (Status.IN_PROGRESS, Status.SETTLED)
    rows.append((offered("al_chart", B + "chart") if charted else []) + offered("al_tl", B + "timeline"))
    return markup(rows)
