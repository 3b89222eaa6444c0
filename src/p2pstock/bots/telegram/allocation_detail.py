"""A customer's allocations: the list, page by page, and each allocation's detail card with the buttons
that make sense in its status — pay a component (补缴), cancel, the password, the chart and the timeline,
and the side requests of a running allocation. Buttons name allocations by id; core checks that each is
the customer's own (another customer's is "not found"). Paying and cancelling are idempotent in core.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import tzinfo

from telegram import InlineKeyboardMarkup, Update

from p2pstock.bots.telegram import callbacks as cb
from p2pstock.bots.telegram import keyboards
from p2pstock.bots.telegram.allocation_press import Row, keyboard, verb_on
from p2pstock.bots.telegram.context import BotContext, attempt, call, edit, outdated, query_of
from p2pstock.bots.telegram.keyboards import button
from p2pstock.bots.telegram.pages import Page, Paged, Shown
from p2pstock.bots.telegram.platform_time import local_time
from p2pstock.bots.telegram.press import Press
from p2pstock.bots.telegram.product_cards import basis_points, per_period, term_unit
from p2pstock.bots.telegram.texts import text
from p2pstock.bots.telegram.typed import END
from p2pstock.core.allocation.allocations import Allocation, Status
from p2pstock.core.allocation.products import Component
from p2pstock.core.allocation.risk import read_risk
from p2pstock.core.money import Money
from p2pstock.core.names import name_of
from p2pstock.core.people.customers import Customer

LIST_PAGE = 8
"""Allocations on one page of the list."""


async def _list_page(context: BotContext, press: Press, number: int, _: str) -> Shown:
    """Page ``number`` of the customer's allocations, newest first, a button each."""
    lang = press.lang
    mine = await call(context.services.allocations.of_customer, press.customer.id)
    if not mine:
        return text("alloc.list.empty", lang), keyboards.menu(lang, ("allocate",))
    page = Page.of(mine, number, LIST_PAGE)
    lines, rows = [text("alloc.list.title", lang, page=page.number + 1)], []
    for place, a in enumerate(page.items, start=page.number * LIST_PAGE + 1):
        status = name_of(a.status, lang)
        shown = {"number": place, "id": a.id, "name": a.product.name, "status": status}
        lines.append(text("alloc.list.line", lang, allocated=Money(a.allocated), **shown))
        rows.append([button(text("alloc.list.button", lang, id=a.id, status=status), verb_on("show", a))])
    return "\n".join(lines), page.keyboard(lang, lambda to: cb.AllocationStep("list", str(to)), rows)


LIST = Paged(_list_page)
show_list, turn_list = LIST.show, LIST.turn
"""📊 the first page of the customer's allocations; ◀ ▶ under it (``al:list:<page>``), the page replaced in
place (the last, for a page past it)."""


async def show_detail(update: Update, context: BotContext, press: Press) -> object:
    """An allocation of the list, or its card refreshed."""
    await query_of(update).answer()
    await show(update, context, press.customer, press.subject)
    return END


async def show(
    update: Update, context: BotContext, customer: Customer, allocation_id: str, *, header: str = ""
) -> None:
    """The customer's allocation ``allocation_id`` in place of the message whose button was pressed."""
    allocations, lang = context.services.allocations, customer.language
    allocation = await attempt(update, context, lang, allocations.get, allocation_id, customer_id=customer.id)
    await render(update, context, allocation, lang, header=header)


async def render(
    update: Update, context: BotContext, allocation: Allocation, lang: str, *, header: str = ""
) -> None:
    """Replace the message whose button was pressed with the allocation's detail and its buttons."""
    body = detail_text(allocation, lang, context.services.ledger.timezone)
    shown = f"{text(header, lang)}\n\n{body}" if header else body
    await edit(update, shown, detail_buttons(allocation, lang))


Line = tuple[str, dict[str, object]]
"""A line of the detail card: text ``alloc.detail.<key>`` and its values."""


def detail_text(allocation: Allocation, lang: str, zone: tzinfo) -> str:
    """Everything the customer may know of ``allocation``, a line each."""
    lines = (*_terms(allocation, lang, zone), *_trading(allocation), *_closing(allocation))
    return "\n".join(text(f"alloc.detail.{key}", lang, **values) for key, values in lines)


def _terms(a: Allocation, lang: str, zone: tzinfo) -> Iterator[Line]:
    """What the allocation is, where it stands, and what is due while it awaits payment."""
    yield "title", {"id": a.id, "name": a.product.name, "mode": name_of(a.mode, lang)}
    yield "status", {"status": name_of(a.status, lang)}
    if a.running:
        yield "risk", {"risk": text(f"alloc.risk.{a.risk.value}", lang)}
    if a.overdue:
        yield "overdue", {"amount": Money(a.fees_unpaid)}
    if a.terminating and a.status is Status.IN_PROGRESS:
        yield "terminating", {}
    yield "funds", {"deposit": Money(a.deposit), "leverage": a.leverage, "allocated": Money(a.allocated)}
    unit, per, fee = term_unit(a.mode, lang), per_period(a.mode, lang), Money(a.fee_per_period)
    yield "term", {"term": a.term, "unit": unit, "fee": fee, "per": per}
    if a.status.awaiting_payment:
        yield "due_title", {"deadline": local_time(a.deadline, zone)}
        for part, minor in a.due.items():
            paid = "due_paid" if part in a.holds else "due_open"
            yield paid, {"component": name_of(part, lang), "amount": Money(minor)}
        yield "due_total", {"total": Money(sum(a.due.values())), "paid": Money(a.paid)}


def _trading(a: Allocation) -> Iterator[Line]:
    """Dates, sub-account, lines, the latest assets and the money of a confirmed or running allocation."""
    if a.start_date is not None and a.end_date is not None:
        yield "dates", {"start": a.start_date.isoformat(), "end": a.end_date.isoformat()}
    if a.sub_account:
        yield "sub_account", {"sub_account": a.sub_account}
    if a.warning_line:
        yield "lines", {"warning": Money(a.warning_line), "liquidation": Money(a.liquidation_line)}
    if a.last_assets is not None and a.last_status_date is not None:
        yield "assets", {"assets": Money(a.last_assets), "day": a.last_status_date.isoformat()}
        if a.warning_line:
            yield "ratio", {"ratio": _ratio(a, a.last_assets)}
    if a.start_date is not None:
        yield "fees", {"paid": Money(a.fees_paid), "unpaid": Money(a.fees_unpaid)}
        if Component.RISK_FUND in a.due:
            yield "risk_fund", {"amount": Money(a.risk_fund)}
        yield "extras", {"top_ups": Money(a.top_ups), "profit": Money(a.profit_withdrawn)}


def _closing(a: Allocation) -> Iterator[Line]:
    """The settlement, or why the allocation was rejected or cancelled."""
    if (s := a.settlement) is not None:
        yield (
            "settlement",
            {
                "final": Money(s.final_assets),
                "payout": Money(max(s.payout, 0)),
                "fees": Money(s.fees_collected),
                "from_fund": Money(s.from_risk_fund),
                "refund": Money(s.refund),
            },
        )
        if s.receivable:
            yield "receivable", {"amount": Money(s.receivable)}
        if s.loss:
            yield "loss", {"amount": Money(s.loss)}
    if a.reason and a.status in (Status.REJECTED, Status.CANCELLED):
        yield "reason", {"reason": a.reason}


def detail_buttons(allocation: Allocation, lang: str) -> InlineKeyboardMarkup:
    """The actions that make sense in the allocation's status."""
    a = allocation

    def act(label: str, verb: str) -> tuple[str, cb.AllocationStep]:
        return text(f"alloc.button.{label}", lang), verb_on(verb, a)

    rows: list[Row] = []
    if a.status.awaiting_payment:
        for part, minor in a.outstanding.items():
            label = text("alloc.button.pay", lang, component=name_of(part, lang), amount=Money(minor))
            rows.append([(label, cb.AllocationStep("pay", f"{part.value}:{a.id}"))])
    if a.status.awaiting_payment or (a.status is Status.UNDER_REVIEW and not a.calls):
        rows.append([act("cancel", "cancel")])
    if a.running and a.sealed_password and not a.password_shown:
        rows.append([act("password", "pw")])
    rows.append([act("chart", "chart"), act("timeline", "tl")] if a.warning_line else [act("timeline", "tl")])
    if a.running:
        rows.append([act("top_up", "top"), act("extension", "ext")])
        rows.append([act("profit", "pro")] + ([] if a.terminating else [act("termination", "end")]))
    rows.append([act("refresh", "show"), (text("alloc.button.list", lang), cb.AllocationStep("list", "0"))])
    return keyboard(rows)


async def pay(update: Update, context: BotContext, press: Press) -> object:
    """💳 a component of an allocation awaiting payment: paid from the wallet."""
    part, _, allocation_id = press.subject.partition(":")
    if part not in {c.value for c in Component} or not allocation_id:
        await outdated(update, press.lang)
        return None
    await query_of(update).answer()
    paying, who = context.services.allocations.pay, press.customer.id
    allocation = await attempt(
        update, context, press.lang, paying, allocation_id, Component(part), customer_id=who
    )
    await render(update, context, allocation, press.lang)
    return END


async def cancel(update: Update, context: BotContext, press: Press) -> object:
    """✖️ an application awaiting payment or review: cancelled."""
    await query_of(update).answer()
    cancelling, who = context.services.allocations.cancel, press.customer.id
    allocation = await attempt(update, context, press.lang, cancelling, press.subject, customer_id=who)
    await render(update, context, allocation, press.lang, header="alloc.cancelled")
    return END


def _ratio(a: Allocation, assets: int) -> str:
    """R = A / (B + unpaid fees), as core reads it."""
    lines = {"warning_line": a.warning_line, "liquidation_line": a.liquidation_line}
    reading = read_risk(a.risk, assets, allocated=a.allocated, unpaid_fees=a.fees_unpaid, **lines)
    return basis_points(reading.ratio_bp)
