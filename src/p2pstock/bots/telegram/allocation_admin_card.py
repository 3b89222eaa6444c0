"""An allocation as an administrator reads it: found in their name (and in the status a step needs), and
its card — everything they need to know about it, one fact a line, and the buttons its status and their
permissions make worth showing. Typed steps about an allocation wait under ``STEP``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import date

from telegram import InlineKeyboardMarkup, Update

from p2pstock.bots.telegram import callbacks as cb
from p2pstock.bots.telegram.admin_steps import END, markup, said, when
from p2pstock.bots.telegram.context import BotContext, call
from p2pstock.bots.telegram.press import Press
from p2pstock.bots.telegram.product_cards import basis_points
from p2pstock.bots.telegram.texts import text
from p2pstock.core.allocation.allocations import Allocation, CallOutcome, Risk, Status
from p2pstock.core.allocation.service import Timeline
from p2pstock.core.allocation.side_requests import RequestStatus
from p2pstock.core.errors import NotFound
from p2pstock.core.money import Money
from p2pstock.core.names import name_of, value_name
from p2pstock.core.notifications import mask
from p2pstock.core.people.permissions import Permission

STEP = "admin_alloc"
"""The user-state key of an allocation's typed step waiting (never holding a password)."""
REVIEW = Permission.ALLOCATION_REVIEW
ASSIGN = Permission.ALLOCATION_ASSIGN_ACCOUNT
DAILY = Permission.ALLOCATION_DAILY_STATUS
SETTLE = Permission.ALLOCATION_SETTLE
Row = list[tuple[str, cb.AdminAction]]


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


def day(value: date | None) -> str:
    return value.isoformat() if value is not None else "—"


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
    buttons = card_buttons(timeline.allocation, permissions, press.lang)
    await said(update, context, card(context, timeline, press.lang, who), buttons)


def card(context: BotContext, timeline: Timeline, lang: str, who: tuple[str, str]) -> list[str]:
    """The card's lines: the allocation and its customer (name and masked phone), payments, phone calls,
    lines and sub-account, running figures, pending requests, reason and settlement."""
    a = timeline.allocation
    lines = _terms(context, a, lang, who) + _calls(context, a, lang)
    if a.warning_line:
        warning, liquidation = Money(a.warning_line), Money(a.liquidation_line)
        lines.append(text("admin.alloc.card.lines", lang, warning=warning, liquidation=liquidation))
    if a.sub_account:
        start, end = day(a.start_date), day(a.end_date)
        lines.append(text("admin.alloc.card.account", lang, sub_account=a.sub_account, start=start, end=end))
    if a.status in (Status.IN_PROGRESS, Status.SETTLED):
        lines += _running(timeline, lang)
    return lines + _decided(timeline, lang)


def _terms(context: BotContext, a: Allocation, lang: str, who: tuple[str, str]) -> list[str]:
    """Whose allocation it is, of which product and how much, and what was paid for it."""
    (name, phone), product = who, f"{a.product.name} [{a.product.code}]"
    term = text(f"admin.alloc.term.{a.mode}", lang, term=a.term)
    deposit, allocated = Money(a.deposit), Money(a.allocated)
    lines = [
        text("admin.alloc.card.head", lang, id=a.id, status=a.status),
        text("admin.alloc.card.customer", lang, customer=a.customer_id, name=name, phone=phone).rstrip(),
        text("admin.alloc.card.product", lang, product=product, version=a.product.version, term=term),
        text("admin.alloc.card.money", lang, deposit=deposit, leverage=a.leverage, allocated=allocated),
    ]
    if a.status.awaiting_payment:
        applied, deadline = when(context, a.created_at), when(context, a.deadline)
        lines.append(text("admin.alloc.card.applied", lang, applied=applied, deadline=deadline))
    paid = [
        text(
            f"admin.alloc.card.component_{'paid' if part in a.holds else 'due'}",
            lang,
            component=part,
            amount=Money(due),
        )
        for part, due in a.due.items()
    ]
    return [*lines, text("admin.alloc.card.paid", lang, components=_listed(paid, lang))]


def _decided(timeline: Timeline, lang: str) -> list[str]:
    """The side requests waiting for a decision, and what was decided about the allocation."""
    a, lines = timeline.allocation, []
    pending = [r for r in timeline.requests if r.status is RequestStatus.PENDING]
    if pending:
        kinds = [(name_of(r.kind, lang), r.amount) for r in pending]
        listed = [f"{kind} {Money(amount)}" if amount else kind for kind, amount in kinds]
        lines.append(text("admin.alloc.card.requests", lang, requests=_listed(listed, lang)))
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
    return lines


def _listed(parts: list[str], lang: str) -> str:
    return text("admin.alloc.separator", lang).join(parts)


def _calls(context: BotContext, a: Allocation, lang: str) -> list[str]:
    if not a.calls:
        return [text("admin.alloc.card.no_calls", lang)] if a.status is Status.UNDER_REVIEW else []
    return [text("admin.alloc.card.calls", lang)] + [
        text(
            "admin.alloc.card.call",
            lang,
            when=when(context, phone.at),
            by=phone.by,
            outcome=value_name(CallOutcome, phone.outcome, lang),
            note=f" — {phone.note}" if phone.note else "",
        )
        for phone in a.calls
    ]


def _running(timeline: Timeline, lang: str) -> list[str]:
    """The lines of a running (or settled) allocation: its latest status, fees and reserves."""
    a = timeline.allocation
    risk = risk_name(a.risk, lang)
    latest = [s for s in timeline.statuses if s.trade_date == a.last_status_date]
    if a.last_assets is not None and a.last_status_date is not None:
        day, assets = a.last_status_date.isoformat(), Money(a.last_assets)
        ratio = f"{basis_points(latest[-1].ratio_bp)}%" if latest else "—"
        status = text("admin.alloc.card.last_status", lang, day=day, assets=assets, ratio=ratio, risk=risk)
    else:
        status = text("admin.alloc.card.no_status", lang, risk=risk)
    fees = text(
        "admin.alloc.card.fees",
        lang,
        fee=Money(a.fee_per_period),
        period=text(f"admin.alloc.period.{a.mode}", lang),
        paid=Money(a.fees_paid),
        unpaid=Money(a.fees_unpaid),
        charged=a.periods_charged,
        prepaid=a.prepaid_left,
    )
    lines = [status, fees]
    if a.next_fee_date is not None and a.status is Status.IN_PROGRESS:
        lines.append(text("admin.alloc.card.next_fee", lang, day=a.next_fee_date.isoformat()))
    risk_fund, top_ups, profit = Money(a.risk_fund), Money(a.top_ups), Money(a.profit_withdrawn)
    lines.append(text("admin.alloc.card.funds", lang, risk_fund=risk_fund, top_ups=top_ups, profit=profit))
    if a.overdue:
        lines.append(text("admin.alloc.card.overdue", lang))
    if a.terminating and a.status is Status.IN_PROGRESS:
        lines.append(text("admin.alloc.card.terminating", lang))
    return lines


def card_buttons(a: Allocation, permissions: frozenset[Permission], lang: str) -> InlineKeyboardMarkup | None:
    """What can be done about the allocation now, by an administrator holding ``permissions``."""

    def offered(verb: str, label: str, needs: Permission | None = None) -> Row:
        if needs is not None and needs not in permissions:
            return []
        return [(text(f"admin.alloc.b.{label}", lang), cb.AdminAction(verb, a.id))]

    rows: list[Row] = []
    if a.status is Status.UNDER_REVIEW and REVIEW in permissions:
        calls = [
            (
                text("admin.alloc.b.call", lang, outcome=value_name(CallOutcome, outcome, lang)),
                cb.AdminAction("al_call", f"{outcome}:{a.id}"),
            )
            for outcome in CallOutcome
        ]
        rows += [calls[:1], calls[1:], offered("al_ok", "confirm") + offered("al_no", "reject")]
    if a.status is Status.CONFIRMED:
        rows.append(offered("al_assign", "assign", ASSIGN) + offered("al_no", "reject", REVIEW))
    if a.status is Status.IN_PROGRESS:
        rows.append(offered("al_status", "status", DAILY) + offered("al_settle", "settle", SETTLE))
    charted = a.status in (Status.IN_PROGRESS, Status.SETTLED)
    rows.append((offered("al_chart", "chart") if charted else []) + offered("al_tl", "timeline"))
    return markup(rows)
