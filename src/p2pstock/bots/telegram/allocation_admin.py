"""Stock fund allocations (配资) in the bot, for administrators: the "📈 Allocations" entry of the admin
menu, its lists (under review, to assign a sub-account, running with their risk state, side requests
pending, importing a statement), the card of one allocation with the buttons its status and the
administrator's permissions make worth showing, and the steps that wait for a typed message.

Every action goes to ``Allocations`` in the acting administrator's name and core checks the permission
(review → ``allocation.review``; the sub-account → ``allocation.assign_account``; statuses and imports →
``allocation.daily_status``; settlement, profit withdrawals and terminations → ``allocation.settle``;
top-ups and extensions → ``allocation.review``). A refusal is told through the error table. The bot
only leaves out the buttons an administrator's roles would make useless.

Typed steps (states of the admin conversation, drawn in ``admin.mmd``; what they wait for is kept in the
user's state under ``STEP``, dropped by any other administrator's button, command or /cancel):

    admin.alloc_note         the note of a phone call whose outcome was pressed ("-" for none)
    admin.alloc_sub_account  the trading sub-account code to assign
    admin.alloc_password     its password: the message is deleted from the chat once read, never
                             echoed, logged or kept in the user's state
    admin.alloc_status       one line: ``date total market cash_available [cash_frozen] [withdrawable]``
    admin.alloc_final        the final total assets of a settlement (which waits for a second
                             administrator in the approvals queue)
    admin.alloc_statement    a CSV statement sent as a file: all rows applied, or none and the bad rows
                             listed by line; one imported before is not stored again

A rejection of an allocation (``al_no``) or of a side request (``rq_no``) asks for its reason through the
admin conversation's reason step (``admin.py``), which calls ``reject`` here.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Coroutine, Iterable
from datetime import date
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.ext import BaseHandler, ConversationHandler, MessageHandler, filters

from p2pstock.bots.telegram import callbacks as cb
from p2pstock.bots.telegram.allocation_chart import send_chart
from p2pstock.bots.telegram.context import (
    BotContext,
    administrator_of,
    call,
    chat_id_of,
    chunks,
    drop_buttons,
    handled,
    message_of,
    query_of,
    say,
    tell_error,
)
from p2pstock.bots.telegram.errors import error_text
from p2pstock.bots.telegram.keyboards import button
from p2pstock.bots.telegram.texts import TEXTS, text
from p2pstock.core.allocation.allocations import Allocation, CallOutcome, Risk, Status
from p2pstock.core.allocation.monitoring import ImportReport
from p2pstock.core.allocation.products import Component
from p2pstock.core.allocation.service import VIEW, Timeline
from p2pstock.core.allocation.side_requests import RequestStatus, SideRequest
from p2pstock.core.allocation.statuses import CSV_COLUMNS, DailyStatus, Figures, RowError
from p2pstock.core.clock import from_micros
from p2pstock.core.errors import InvalidInput, NotFound, P2PStockError
from p2pstock.core.money import Money, MoneyError
from p2pstock.core.names import name_of, value_name
from p2pstock.core.notifications import mask
from p2pstock.core.people.four_eyes import ApprovalRequest
from p2pstock.core.people.permissions import Administrator, Permission, PermissionDenied
from p2pstock.core.validation import check_name

END = ConversationHandler.END
NOTE = "admin.alloc_note"
SUB_ACCOUNT = "admin.alloc_sub_account"
PASSWORD = "admin.alloc_password"  # noqa: S105 - the name of a state, not a password
STATUS = "admin.alloc_status"
FINAL = "admin.alloc_final"
STATEMENT = "admin.alloc_statement"
STEP = "admin_alloc"
"""The user-state key of the typed step waiting: ``{"step": ..., "id": ...}`` (with ``outcome`` for a
note, ``sub_account`` for a password; never the password)."""

LISTED = 20
"""Allocations listed (and offered as buttons) at once."""
SHOWN = 5
"""Side requests shown at once, each in its own message with its buttons."""
TIMELINE_EVENTS = 30
ROWS_TOLD = 20
"""Bad rows of a statement listed at most; the rest are counted."""
MAX_STATEMENT_BYTES = 20 * 1024 * 1024
"""Largest statement file (what the Bot API lets a bot download)."""

REVIEW = Permission.ALLOCATION_REVIEW
ASSIGN = Permission.ALLOCATION_ASSIGN_ACCOUNT
DAILY = Permission.ALLOCATION_DAILY_STATUS
SETTLE = Permission.ALLOCATION_SETTLE
MENU_PERMISSIONS = frozenset(VIEW)
"""Holding any of these makes the "📈 Allocations" entry worth showing."""
LISTS: dict[str, frozenset[Permission]] = {
    "review": frozenset({REVIEW}),
    "confirmed": frozenset({ASSIGN, REVIEW}),
    "running": frozenset(VIEW),
    "requests": frozenset({REVIEW, SETTLE}),
    "import": frozenset({DAILY}),
}
"""A list of the allocations menu (``cb.ALLOCATION_QUEUES``) → the permissions that make it worth showing."""
STATUSES = {"review": Status.UNDER_REVIEW, "confirmed": Status.CONFIRMED, "running": Status.IN_PROGRESS}
REJECTIONS = frozenset({"al_no", "rq_no"})
"""Buttons asking for a reason through admin.py's reason step, then carried out by ``reject``."""
STATUS_FIELDS = ("total_assets", "market_value", "cash_available", "cash_frozen", "cash_withdrawable")
MONEY_DATA = frozenset(
    {
        "amount",
        "assets",
        "capital",
        "warning_line",
        "liquidation_line",
        "final_assets",
        "payout",
        "fees_collected",
        "from_risk_fund",
        "from_wallet",
        "unpaid",
        "receivable",
        "loss",
        "fees_waived",
        "refund",
        "to_warning",
        "to_liquidation",
    }
)
"""Timeline event fields that are amounts in minor units."""
_HIDDEN_DATA = frozenset({"by", "at", "ratio_bp", "revision"})


# -- the menu and its lists ---------------------------------------------------------------------------


async def show_menu(update: Update, context: BotContext, admin: Administrator, lang: str) -> None:
    """The allocations menu: the lists this administrator's permissions are for."""
    permissions = await call(context.services.staff.permissions, admin.id)
    rows = [
        [button(text(f"admin.alloc.q.{name}", lang), cb.AdminAction("al_q", name))]
        for name in cb.ALLOCATION_QUEUES
        if LISTS[name] & permissions
    ]
    if not rows:
        await say(update, context, text("admin.alloc.nothing", lang))
        return
    await say(update, context, text("admin.alloc.menu", lang), InlineKeyboardMarkup(rows))


async def on_button(
    update: Update, context: BotContext, admin: Administrator, lang: str, action: cb.AdminAction
) -> object:
    """An allocation button (``VERBS``), answered here; the conversation's next state."""
    await query_of(update).answer()
    try:
        return await BUTTONS[action.verb](update, context, admin, lang, action.subject)
    except P2PStockError as error:
        context.user_state.pop(STEP, None)
        await tell_error(update, context, error, lang)
        return END


async def _show_list(
    update: Update, context: BotContext, admin: Administrator, lang: str, name: str
) -> object:
    if name == "requests":
        await _show_requests(update, context, admin, lang)
        return END
    if name == "import":
        return await _ask_statement(update, context, admin, lang)
    status = STATUSES[name]
    found = await call(context.services.allocations.queue, [status], by=admin.id, limit=LISTED + 1)
    if not found:
        await say(update, context, text("admin.empty", lang))
        return END
    shown = found[:LISTED]
    queue = text(f"admin.alloc.q.{name}", lang)
    key = "admin.alloc.listed_more" if len(found) > LISTED else "admin.alloc.listed"
    lines = [text(key, lang, queue=queue, count=len(shown))]
    lines += [_line(allocation, lang) for allocation in shown]
    choices = [
        (text("admin.alloc.open", lang, id=a.id, customer=a.customer_id), cb.AdminAction("al_show", a.id))
        for a in shown
    ]
    await say(update, context, "\n".join(lines), _one_per_row(choices))
    return END


def _line(allocation: Allocation, lang: str) -> str:
    if allocation.status is Status.IN_PROGRESS:
        assets = allocation.last_assets
        return text(
            "admin.alloc.line_running",
            lang,
            id=allocation.id,
            sub_account=allocation.sub_account or "—",
            assets=Money(assets) if assets is not None else text("admin.alloc.no_assets", lang),
            risk=_risk(allocation.risk, lang),
            overdue=text("admin.alloc.overdue_mark", lang) if allocation.overdue else "",
        )
    return text(
        "admin.alloc.line",
        lang,
        id=allocation.id,
        customer=allocation.customer_id,
        product=allocation.product.code,
        deposit=Money(allocation.deposit),
        leverage=allocation.leverage,
        allocated=Money(allocation.allocated),
    )


# -- the card -----------------------------------------------------------------------------------------


async def _show_card(
    update: Update, context: BotContext, admin: Administrator, lang: str, allocation_id: str
) -> object:
    timeline = await _timeline(context, admin, allocation_id)
    await _send_card(update, context, admin, lang, timeline)
    return END


async def _send_card(
    update: Update, context: BotContext, admin: Administrator, lang: str, timeline: Timeline
) -> None:
    services = context.services
    try:
        customer = await call(services.customers.get, timeline.allocation.customer_id)
        who = (customer.real_name or "", mask(customer.phone) if customer.phone else "")
    except NotFound:
        who = ("", "")
    permissions = await call(services.staff.permissions, admin.id)
    body = _card(context, timeline, lang, who)
    markup = _card_buttons(timeline.allocation, permissions, lang)
    *first, last = chunks(body.splitlines())
    for chunk in first:
        await say(update, context, chunk)
    await say(update, context, last, markup)


def _card(context: BotContext, timeline: Timeline, lang: str, who: tuple[str, str]) -> str:
    """Everything an administrator needs to know about the allocation, one fact a line."""
    a = timeline.allocation
    name, phone = who
    lines = [
        text("admin.alloc.card.head", lang, id=a.id, status=a.status),
        text("admin.alloc.card.customer", lang, customer=a.customer_id, name=name, phone=phone).rstrip(),
        text(
            "admin.alloc.card.product",
            lang,
            product=f"{a.product.name} [{a.product.code}]",
            version=a.product.version,
            term=text(f"admin.alloc.term.{a.mode}", lang, term=a.term),
        ),
        text(
            "admin.alloc.card.money",
            lang,
            deposit=Money(a.deposit),
            leverage=a.leverage,
            allocated=Money(a.allocated),
        ),
    ]
    if a.status.awaiting_payment:
        applied, deadline = _when(context, a.created_at), _when(context, a.deadline)
        lines.append(text("admin.alloc.card.applied", lang, applied=applied, deadline=deadline))
    components = [
        text(
            "admin.alloc.card.component_paid" if part in a.holds else "admin.alloc.card.component_due",
            lang,
            component=part,
            amount=Money(amount),
        )
        for part, amount in a.due.items()
    ]
    separator = text("admin.alloc.separator", lang)
    lines.append(text("admin.alloc.card.paid", lang, components=separator.join(components)))
    lines += _calls(context, a, lang)
    if a.warning_line:
        lines.append(
            text(
                "admin.alloc.card.lines",
                lang,
                warning=Money(a.warning_line),
                liquidation=Money(a.liquidation_line),
            )
        )
    if a.sub_account:
        lines.append(
            text(
                "admin.alloc.card.account",
                lang,
                sub_account=a.sub_account,
                start=_day(a.start_date),
                end=_day(a.end_date),
            )
        )
    if a.status in (Status.IN_PROGRESS, Status.SETTLED):
        lines += _running(timeline, lang)
    pending = [r for r in timeline.requests if r.status is RequestStatus.PENDING]
    if pending:
        listed = (f"{_kind(r, lang)} {Money(r.amount)}" if r.amount else _kind(r, lang) for r in pending)
        separator = text("admin.alloc.separator", lang)
        lines.append(text("admin.alloc.card.requests", lang, requests=separator.join(listed)))
    if a.reason:
        lines.append(text("admin.alloc.card.reason", lang, reason=a.reason))
    if a.settlement is not None:
        s = a.settlement
        lines.append(
            text(
                "admin.alloc.card.settlement",
                lang,
                final=Money(s.final_assets),
                payout=Money(s.payout),
                fees=Money(s.fees_collected),
                fund=Money(s.from_risk_fund),
                receivable=Money(s.receivable),
                loss=Money(s.loss),
                refund=Money(s.refund),
            )
        )
    return "\n".join(lines)


def _calls(context: BotContext, a: Allocation, lang: str) -> list[str]:
    if not a.calls:
        return [text("admin.alloc.card.no_calls", lang)] if a.status is Status.UNDER_REVIEW else []
    return [text("admin.alloc.card.calls", lang)] + [
        text(
            "admin.alloc.card.call",
            lang,
            when=_when(context, phone.at),
            by=phone.by,
            outcome=value_name(CallOutcome, phone.outcome, lang),
            note=f" — {phone.note}" if phone.note else "",
        )
        for phone in a.calls
    ]


def _running(timeline: Timeline, lang: str) -> list[str]:
    """The lines of a running (or settled) allocation: its latest status, fees and reserves."""
    a = timeline.allocation
    lines = []
    if a.last_assets is not None and a.last_status_date is not None:
        latest = [s for s in timeline.statuses if s.trade_date == a.last_status_date]
        ratio = _ratio(latest[-1].ratio_bp) if latest else "—"
        lines.append(
            text(
                "admin.alloc.card.last_status",
                lang,
                day=a.last_status_date.isoformat(),
                assets=Money(a.last_assets),
                ratio=ratio,
                risk=_risk(a.risk, lang),
            )
        )
    else:
        lines.append(text("admin.alloc.card.no_status", lang, risk=_risk(a.risk, lang)))
    lines.append(
        text(
            "admin.alloc.card.fees",
            lang,
            fee=Money(a.fee_per_period),
            period=text(f"admin.alloc.period.{a.mode}", lang),
            paid=Money(a.fees_paid),
            unpaid=Money(a.fees_unpaid),
            charged=a.periods_charged,
            prepaid=a.prepaid_left,
        )
    )
    if a.next_fee_date is not None and a.status is Status.IN_PROGRESS:
        lines.append(text("admin.alloc.card.next_fee", lang, day=a.next_fee_date.isoformat()))
    lines.append(
        text(
            "admin.alloc.card.funds",
            lang,
            risk_fund=Money(a.risk_fund),
            top_ups=Money(a.top_ups),
            profit=Money(a.profit_withdrawn),
        )
    )
    if a.overdue:
        lines.append(text("admin.alloc.card.overdue", lang))
    if a.terminating and a.status is Status.IN_PROGRESS:
        lines.append(text("admin.alloc.card.terminating", lang))
    return lines


def _card_buttons(
    a: Allocation, permissions: frozenset[Permission], lang: str
) -> InlineKeyboardMarkup | None:
    """What can be done about the allocation now, by an administrator holding ``permissions``."""
    rows: list[list[tuple[str, cb.AdminAction]]] = []
    if a.status is Status.UNDER_REVIEW and REVIEW in permissions:
        calls = [
            (
                text("admin.alloc.b.call", lang, outcome=value_name(CallOutcome, o, lang)),
                cb.AdminAction("al_call", f"{o}:{a.id}"),
            )
            for o in CallOutcome
        ]
        rows += [calls[:1], calls[1:]]
        rows.append(
            [
                (text("admin.alloc.b.confirm", lang), cb.AdminAction("al_ok", a.id)),
                (text("admin.alloc.b.reject", lang), cb.AdminAction("al_no", a.id)),
            ]
        )
    if a.status is Status.CONFIRMED:
        row = []
        if ASSIGN in permissions:
            row.append((text("admin.alloc.b.assign", lang), cb.AdminAction("al_assign", a.id)))
        if REVIEW in permissions:
            row.append((text("admin.alloc.b.reject", lang), cb.AdminAction("al_no", a.id)))
        rows.append(row)
    if a.status is Status.IN_PROGRESS:
        row = []
        if DAILY in permissions:
            row.append((text("admin.alloc.b.status", lang), cb.AdminAction("al_status", a.id)))
        if SETTLE in permissions:
            row.append((text("admin.alloc.b.settle", lang), cb.AdminAction("al_settle", a.id)))
        rows.append(row)
    last = [(text("admin.alloc.b.timeline", lang), cb.AdminAction("al_tl", a.id))]
    if a.status in (Status.IN_PROGRESS, Status.SETTLED):
        last.insert(0, (text("admin.alloc.b.chart", lang), cb.AdminAction("al_chart", a.id)))
    rows.append(last)
    return _markup(rows)


# -- review -------------------------------------------------------------------------------------------


async def _ask_note(
    update: Update, context: BotContext, admin: Administrator, lang: str, subject: str
) -> object:
    outcome, allocation_id = subject.split(":", 1)
    timeline = await _timeline(context, admin, allocation_id)
    timeline.allocation.require(Status.UNDER_REVIEW)
    context.user_state[STEP] = {"step": "note", "id": allocation_id, "outcome": outcome}
    said = value_name(CallOutcome, outcome, lang)
    await say(update, context, text("admin.alloc.ask_note", lang, id=allocation_id, outcome=said))
    return NOTE


async def got_note(update: Update, context: BotContext) -> object:
    """The note of the phone call: the call is recorded, and the card shown again."""
    found, step = await _waiting(update, context, "note")
    if found is None:
        return END
    admin, lang = found
    typed = (message_of(update).text or "").strip()
    note = "" if typed in {"-", "—", "－"} else typed
    allocations = context.services.allocations
    try:
        allocation = await call(
            allocations.record_call, step["id"], by=admin.id, outcome=step["outcome"], note=note
        )
        timeline = await _timeline(context, admin, allocation.id)
    except P2PStockError as error:
        handled(await _failed(update, context, error, lang, NOTE))
    context.user_state.pop(STEP, None)
    said = value_name(CallOutcome, step["outcome"], lang)
    await say(update, context, text("admin.alloc.call_recorded", lang, id=allocation.id, outcome=said))
    await _send_card(update, context, admin, lang, timeline)
    handled(END)


async def _confirm(
    update: Update, context: BotContext, admin: Administrator, lang: str, allocation_id: str
) -> object:
    confirmed = await call(context.services.allocations.confirm, allocation_id, by=admin.id)
    await drop_buttons(update)
    message = text(
        "admin.alloc.confirmed",
        lang,
        id=confirmed.id,
        warning=Money(confirmed.warning_line),
        liquidation=Money(confirmed.liquidation_line),
    )
    await say(update, context, message)
    return END


async def reject(
    context: BotContext, admin: Administrator, lang: str, rejection: cb.AdminAction, reason: str
) -> str:
    """Carry out a rejection (``REJECTIONS``) with its reason; what to tell the administrator."""
    allocations = context.services.allocations
    if rejection.verb == "al_no":
        rejected = await call(allocations.reject, rejection.subject, by=admin.id, reason=reason)
        return text("admin.alloc.rejected", lang, id=rejected.id, reason=rejected.reason)
    request = await call(allocations.decide, rejection.subject, by=admin.id, approve=False, reason=reason)
    return text(
        "admin.alloc.request_rejected",
        lang,
        id=request.id,
        kind=_kind(request, lang),
        allocation=request.allocation_id,
        reason=request.reason,
    )


# -- the sub-account ----------------------------------------------------------------------------------


async def _ask_sub_account(
    update: Update, context: BotContext, admin: Administrator, lang: str, allocation_id: str
) -> object:
    timeline = await _timeline(context, admin, allocation_id)
    timeline.allocation.require(Status.CONFIRMED)
    context.user_state[STEP] = {"step": "sub_account", "id": allocation_id}
    await say(update, context, text("admin.alloc.ask_sub_account", lang, id=allocation_id))
    return SUB_ACCOUNT


async def got_sub_account(update: Update, context: BotContext) -> object:
    """The sub-account code: next, its password."""
    found, step = await _waiting(update, context, "sub_account")
    if found is None:
        return END
    _admin, lang = found
    try:
        code = check_name((message_of(update).text or "").strip(), "sub-account code")
    except InvalidInput as error:
        await tell_error(update, context, error, lang)
        handled(SUB_ACCOUNT)
    context.user_state[STEP] = {"step": "password", "id": step["id"], "sub_account": code}
    await say(update, context, text("admin.alloc.ask_password", lang, sub_account=code))
    handled(PASSWORD)


async def got_password(update: Update, context: BotContext) -> object:
    """The sub-account's password: the message is deleted, the sub-account assigned and the allocation
    started. The password is never repeated, logged or kept."""
    found, step = await _waiting(update, context, "password")
    if found is None:
        return END
    admin, lang = found
    message = message_of(update)
    password = message.text or ""
    try:
        deleted = await context.bot.delete_message(chat_id_of(update), message.message_id)
    except TelegramError:
        deleted = False
    if not deleted:
        await say(update, context, text("admin.alloc.password_left", lang))
    allocations = context.services.allocations
    try:
        started = await call(
            allocations.assign_account,
            step["id"],
            by=admin.id,
            sub_account=step["sub_account"],
            password=password,
        )
    except P2PStockError as error:
        handled(await _failed(update, context, error, lang, PASSWORD))
    context.user_state.pop(STEP, None)
    message_text = text(
        "admin.alloc.assigned",
        lang,
        id=started.id,
        sub_account=started.sub_account,
        start=_day(started.start_date),
        end=_day(started.end_date),
    )
    await say(update, context, message_text)
    handled(END)


# -- daily status -------------------------------------------------------------------------------------


async def _ask_status(
    update: Update, context: BotContext, admin: Administrator, lang: str, allocation_id: str
) -> object:
    a = (await _timeline(context, admin, allocation_id)).allocation
    a.require(Status.IN_PROGRESS)
    context.user_state[STEP] = {"step": "status", "id": allocation_id}
    await say(update, context, text("admin.alloc.ask_status", lang, id=a.id, sub_account=a.sub_account))
    return STATUS


class _BadLine(Exception):
    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


def read_status_line(line: str, lang: str) -> tuple[date, Figures]:
    """``date total market cash_available [cash_frozen] [cash_withdrawable]``, amounts in yuan; else
    ``_BadLine`` saying what is wrong in ``lang``."""
    fields = line.split()
    if not 4 <= len(fields) <= len(STATUS_FIELDS) + 1:
        raise _BadLine(text("admin.alloc.problem.count", lang, count=len(fields)))
    try:
        day = date.fromisoformat(fields[0])
    except ValueError:
        raise _BadLine(text("admin.alloc.problem.date", lang)) from None
    amounts: dict[str, int] = {}
    for name, typed in zip(STATUS_FIELDS, fields[1:], strict=False):
        try:
            amounts[name] = Money.parse(typed, allow_zero=True).minor
        except MoneyError as error:
            field = text(f"admin.alloc.field.{name}", lang)
            raise _BadLine(
                text("admin.alloc.problem.amount", lang, field=field, detail=error_text(error, lang))
            ) from None
    return day, Figures(
        total_assets=amounts["total_assets"],
        market_value=amounts["market_value"],
        cash_available=amounts["cash_available"],
        cash_frozen=amounts.get("cash_frozen", 0),
        cash_withdrawable=amounts.get("cash_withdrawable", 0),
    )


async def got_status(update: Update, context: BotContext) -> object:
    """The line of a daily status: recorded, or what is wrong with it told (and the line asked again)."""
    found, step = await _waiting(update, context, "status")
    if found is None:
        return END
    admin, lang = found
    try:
        day, figures = read_status_line(message_of(update).text or "", lang)
    except _BadLine as bad:
        await say(update, context, text("admin.alloc.bad_status", lang, problem=bad.problem))
        handled(STATUS)
    allocations = context.services.allocations
    try:
        status = await call(allocations.record_status, step["id"], day, figures, by=admin.id)
    except P2PStockError as error:
        state = await _failed(update, context, error, lang, STATUS)
        if state == STATUS:
            await say(update, context, text("admin.alloc.status_again", lang))
        handled(state)
    context.user_state.pop(STEP, None)
    await say(update, context, _recorded(status, lang))
    handled(END)


def _recorded(status: DailyStatus, lang: str) -> str:
    return text(
        "admin.alloc.status_recorded",
        lang,
        id=status.allocation_id,
        day=status.trade_date.isoformat(),
        revision=status.revision,
        assets=Money(status.figures.total_assets),
        ratio=_ratio(status.ratio_bp),
        before=_risk(status.risk_before, lang),
        after=_risk(status.risk_after, lang),
    )


# -- chart and timeline -------------------------------------------------------------------------------


async def _send_chart(
    update: Update, context: BotContext, admin: Administrator, lang: str, allocation_id: str
) -> object:
    timeline = await _timeline(context, admin, allocation_id)
    timeline.allocation.require(Status.IN_PROGRESS, Status.SETTLED)
    await send_chart(update, context, timeline, lang, "admin.alloc.chart_caption")
    return END


async def _show_timeline(
    update: Update, context: BotContext, admin: Administrator, lang: str, allocation_id: str
) -> object:
    timeline = await _timeline(context, admin, allocation_id)
    events = timeline.events[-TIMELINE_EVENTS:]
    lines = [
        text(
            "admin.alloc.timeline",
            lang,
            id=timeline.allocation.id,
            shown=len(events),
            total=len(timeline.events),
        )
    ]
    for event in events:
        lines.append(
            text(
                "admin.alloc.timeline_line",
                lang,
                when=_when(context, event.at),
                what=_event_name(event.kind, lang),
                actor=event.actor,
                detail=_event_detail(event.data, lang),
            )
        )
    for chunk in chunks(lines):
        await say(update, context, chunk)
    return END


def _event_name(kind: str, lang: str) -> str:
    key = f"admin.alloc.event.{kind}"
    return text(key, lang) if key in TEXTS else kind


def _event_detail(data: str, lang: str) -> str:
    """An event's data, briefly: amounts as money, names as the bot calls them."""
    try:
        fields = json.loads(data)
    except ValueError:
        return ""
    if not isinstance(fields, dict):
        return ""
    parts = []
    for name, value in sorted(fields.items()):
        if name in _HIDDEN_DATA or value in (None, "", False):
            continue
        shown: object = value
        if name in MONEY_DATA and isinstance(value, int) and not isinstance(value, bool):
            shown = Money(value)
        elif name == "outcome":
            shown = value_name(CallOutcome, value, lang)
        elif name in ("before", "after") and f"admin.alloc.risk.{value}" in TEXTS:
            shown = text(f"admin.alloc.risk.{value}", lang)
        elif name == "component":
            shown = value_name(Component, value, lang)
        parts.append(f"{name} {shown}")
    return " | " + ", ".join(parts) if parts else ""


# -- settlement ---------------------------------------------------------------------------------------


async def _ask_final(
    update: Update, context: BotContext, admin: Administrator, lang: str, allocation_id: str
) -> object:
    a = (await _timeline(context, admin, allocation_id)).allocation
    a.require(Status.IN_PROGRESS)
    context.user_state[STEP] = {"step": "final", "id": allocation_id}
    await say(update, context, text("admin.alloc.ask_final", lang, id=a.id, sub_account=a.sub_account))
    return FINAL


async def got_final_assets(update: Update, context: BotContext) -> object:
    """The final total assets: the settlement is asked for (it waits for a second administrator)."""
    found, step = await _waiting(update, context, "final")
    if found is None:
        return END
    admin, lang = found
    allocations = context.services.allocations
    try:
        final = Money.parse((message_of(update).text or "").strip(), allow_zero=True).minor
        done = await call(allocations.settle, step["id"], final_assets=final, by=admin.id)
    except P2PStockError as error:
        handled(await _failed(update, context, error, lang, FINAL))
    context.user_state.pop(STEP, None)
    if isinstance(done, ApprovalRequest):
        key = "admin.alloc.settle_waiting"
        if not done.carries(final_assets=final):
            key = "admin.alloc.settle_other_waiting"
        assets = Money(done.amount if done.amount is not None else final)
        await say(update, context, text(key, lang, id=done.target, assets=assets, approval=done.id))
    else:
        payout = done.settlement.payout if done.settlement else 0
        message = text(
            "admin.alloc.settled", lang, id=done.id, assets=Money(final), payout=Money(max(payout, 0))
        )
        await say(update, context, message)
    handled(END)


# -- side requests ------------------------------------------------------------------------------------


async def _show_requests(update: Update, context: BotContext, admin: Administrator, lang: str) -> None:
    """Each pending side request, oldest first, with approve/reject buttons and a way to its card."""
    requests = await call(context.services.allocations.pending_requests, by=admin.id, limit=SHOWN + 1)
    if not requests:
        await say(update, context, text("admin.empty", lang))
        return
    for request in requests[:SHOWN]:
        body = text(
            "admin.alloc.request",
            lang,
            id=request.id,
            kind=_kind(request, lang),
            allocation=request.allocation_id,
            customer=request.customer_id,
            amount=Money(request.amount) if request.amount else "—",
            periods=request.periods or "—",
            asked=_when(context, request.requested_at),
        )
        rows = [
            [
                (text("admin.approve", lang), cb.AdminAction("rq_ok", request.id)),
                (text("admin.reject", lang), cb.AdminAction("rq_no", request.id)),
            ],
            [
                (
                    text("admin.alloc.b.open", lang, id=request.allocation_id),
                    cb.AdminAction("al_show", request.allocation_id),
                )
            ],
        ]
        markup = _markup(rows)
        await say(update, context, body if markup else f"{body}\n{text('admin.no_buttons', lang)}", markup)
    if len(requests) > SHOWN:
        await say(update, context, text("admin.more", lang, shown=SHOWN))


async def _approve_request(
    update: Update, context: BotContext, admin: Administrator, lang: str, request_id: str
) -> object:
    request = await call(context.services.allocations.decide, request_id, by=admin.id, approve=True)
    await drop_buttons(update)
    message = text(
        "admin.alloc.request_approved",
        lang,
        id=request.id,
        kind=_kind(request, lang),
        allocation=request.allocation_id,
    )
    await say(update, context, message)
    return END


# -- importing a statement ----------------------------------------------------------------------------


async def _ask_statement(update: Update, context: BotContext, admin: Administrator, lang: str) -> object:
    if DAILY not in await call(context.services.staff.permissions, admin.id):
        raise PermissionDenied(DAILY, admin.id)  # no file asked for that could not be imported
    context.user_state[STEP] = {"step": "statement", "id": ""}
    await say(update, context, text("admin.alloc.ask_statement", lang, columns=", ".join(CSV_COLUMNS)))
    return STATEMENT


async def got_statement(update: Update, context: BotContext) -> object:
    """A statement file: imported whole, or refused whole with its bad rows listed by line (and another
    file waited for)."""
    found, _step = await _waiting(update, context, "statement")
    if found is None:
        return END
    admin, lang = found
    document = message_of(update).document
    if document is None:
        await say(update, context, text("admin.alloc.send_a_file", lang))
        handled(STATEMENT)
    if document.file_size is not None and document.file_size > MAX_STATEMENT_BYTES:
        await say(update, context, text("admin.alloc.file_too_big", lang, mb=MAX_STATEMENT_BYTES >> 20))
        handled(STATEMENT)
    content = bytes(await (await context.bot.get_file(document.file_id)).download_as_bytearray())
    try:
        statement = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        await say(update, context, text("admin.alloc.not_utf8", lang))
        handled(STATEMENT)
    try:
        report = await call(context.services.allocations.import_statement, statement, by=admin.id)
    except P2PStockError as error:
        handled(await _failed(update, context, error, lang, STATEMENT))
    if not report.ok:
        for chunk in chunks(_refused(report, lang)):
            await say(update, context, chunk)
        handled(STATEMENT)
    context.user_state.pop(STEP, None)
    await say(update, context, _imported(context, report, lang))
    handled(END)


async def send_a_file(update: Update, context: BotContext) -> object:
    """Anything but a file while a statement is waited for."""
    found, _step = await _waiting(update, context, "statement")
    if found is None:
        return END
    await say(update, context, text("admin.alloc.send_a_file", found[1]))
    handled(STATEMENT)


def _imported(context: BotContext, report: ImportReport, lang: str) -> str:
    if report.already_imported and report.statement is not None:
        earlier = report.statement
        when, by = _when(context, earlier.imported_at), earlier.imported_by
        return text("admin.alloc.already_imported", lang, when=when, by=by, rows=earlier.rows)
    lines = [text("admin.alloc.imported", lang, applied=report.applied)]
    if report.changes:
        lines.append(text("admin.alloc.import_changes", lang))
        lines += [
            text("admin.alloc.import_change", lang, id=i, before=_risk(b, lang), after=_risk(a, lang))
            for i, b, a in report.changes
        ]
    return "\n".join(lines)


def _row_reason(row: RowError, lang: str) -> str:
    """Why a statement's row was refused, in ``lang`` (core's reason stays in the logs)."""
    key = f"refusal.{row.code}"
    return text(key, lang, **dict(row.values)) if key in TEXTS else text("error.invalid", lang)


def _refused(report: ImportReport, lang: str) -> list[str]:
    lines = [text("admin.alloc.import_refused", lang, count=len(report.errors))]
    lines += [
        text("admin.alloc.import_row", lang, line=row.line, reason=_row_reason(row, lang))
        for row in report.errors[:ROWS_TOLD]
    ]
    if len(report.errors) > ROWS_TOLD:
        lines.append(text("admin.alloc.import_more", lang, count=len(report.errors) - ROWS_TOLD))
    lines.append(text("admin.alloc.import_again", lang))
    return lines


# -- helpers ------------------------------------------------------------------------------------------


async def _timeline(context: BotContext, admin: Administrator, allocation_id: str) -> Timeline:
    return await call(context.services.allocations.timeline, allocation_id, by=admin.id)


async def _waiting(
    update: Update, context: BotContext, step: str
) -> tuple[tuple[Administrator, str] | None, dict[str, str]]:
    """The administrator and what their typed step ``step`` waits with; (None, {}) when this message is
    not for it (the customer's handlers take it)."""
    found = await administrator_of(update, context)
    pending = context.user_state.get(STEP)
    if found is None or not isinstance(pending, dict) or pending.get("step") != step:
        context.user_state.pop(STEP, None)
        return None, {}
    return found, {str(k): str(v) for k, v in pending.items()}


async def _failed(update: Update, context: BotContext, error: P2PStockError, lang: str, state: str) -> object:
    """Tell ``error``; input that was not valid is asked again (``state``), anything else ends the step."""
    await tell_error(update, context, error, lang)
    if isinstance(error, InvalidInput):
        return state
    context.user_state.pop(STEP, None)
    return END


def _risk(risk: Risk, lang: str) -> str:
    return text(f"admin.alloc.risk.{risk}", lang)


def _kind(request: SideRequest, lang: str) -> str:
    return name_of(request.kind, lang)


def _ratio(ratio_bp: int) -> str:
    return f"{ratio_bp // 100}.{ratio_bp % 100:02d}%"


def _day(day: date | None) -> str:
    return day.isoformat() if day is not None else "—"


def _when(context: BotContext, micros: int) -> str:
    return from_micros(micros).astimezone(context.services.ledger.timezone).strftime("%Y-%m-%d %H:%M")


def _markup(rows: Iterable[Iterable[tuple[str, cb.AdminAction]]]) -> InlineKeyboardMarkup | None:
    """The buttons whose data fits (an id too long for button data leaves its button out)."""
    kept: list[list[InlineKeyboardButton]] = []
    for row in rows:
        buttons = []
        for label, action in row:
            with contextlib.suppress(ValueError):
                buttons.append(button(label, action))
        if buttons:
            kept.append(buttons)
    return InlineKeyboardMarkup(kept) if kept else None


def _one_per_row(choices: Iterable[tuple[str, cb.AdminAction]]) -> InlineKeyboardMarkup | None:
    return _markup([choice] for choice in choices)


# -- wiring -------------------------------------------------------------------------------------------

Step = Callable[[Update, BotContext, Administrator, str, str], Coroutine[Any, Any, object]]
BUTTONS: dict[str, Step] = {
    "al_q": _show_list,
    "al_show": _show_card,
    "al_call": _ask_note,
    "al_ok": _confirm,
    "al_assign": _ask_sub_account,
    "al_status": _ask_status,
    "al_settle": _ask_final,
    "al_chart": _send_chart,
    "al_tl": _show_timeline,
    "rq_ok": _approve_request,
}
VERBS = frozenset(BUTTONS)
"""The administrators' button verbs handled here (``on_button``); ``REJECTIONS`` go through admin.py."""

Handler = BaseHandler[Update, BotContext, object]
_NEW_TEXT = filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND
_NEW_MESSAGE = filters.UpdateType.MESSAGE & ~filters.COMMAND


def states() -> dict[object, list[Handler]]:
    """The admin conversation's states for the typed steps of this module."""
    return {
        NOTE: [MessageHandler(_NEW_TEXT, got_note)],
        SUB_ACCOUNT: [MessageHandler(_NEW_TEXT, got_sub_account)],
        PASSWORD: [MessageHandler(_NEW_TEXT, got_password)],
        STATUS: [MessageHandler(_NEW_TEXT, got_status)],
        FINAL: [MessageHandler(_NEW_TEXT, got_final_assets)],
        STATEMENT: [
            MessageHandler(filters.UpdateType.MESSAGE & filters.Document.ALL, got_statement),
            MessageHandler(_NEW_MESSAGE, send_a_file),
        ],
    }
