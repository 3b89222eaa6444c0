"""A customer's allocations: the list, page by page, and each allocation's detail card with the buttons
that make sense in its status — pay a component (补缴), cancel, the password, the chart and the timeline,
and the side requests of a running allocation. Buttons name allocations by id; core checks that each is
the customer's own (another customer's is "not found"). Paying and cancelling are idempotent in core.
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

from p2pstock.bots.telegram import callbacks as cb
from p2pstock.bots.telegram import keyboards
from p2pstock.bots.telegram.allocation_card import Reader, card_lines
from p2pstock.bots.telegram.allocation_press import Row, keyboard, verb_on
from p2pstock.bots.telegram.context import BotContext, attempt, call, edit, outdated, query_of
from p2pstock.bots.telegram.keyboards import button
from p2pstock.bots.telegram.pages import Page, Paged, Shown
from p2pstock.bots.telegram.press import Press
from p2pstock.bots.telegram.texts import text
from p2pstock.bots.telegram.typed import END
from p2pstock.core.allocation.allocations import Allocation, Status
from p2pstock.core.allocation.products import Component
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
    body = "\n".join(card_lines(allocation, Reader(lang, context.services.ledger.timezone)))
    shown = f"{text(header, lang)}\n\n{body}" if header else body
    await edit(update, shown, detail_buttons(allocation, lang))


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
    if a.contract_hash:
        rows.append([act("agreement", "doc")])
    if a.status in (Status.CONFIRMED, Status.IN_PROGRESS) and a.settle_by is None:
        turn = "off" if a.auto_renew else "on"
        rows.append(
            [(text(f"alloc.button.auto_renew_{turn}", lang), cb.AllocationStep("renew", f"{turn}:{a.id}"))]
        )
    if a.running:
        rows.append([act("top_up", "top"), act("extension", "ext")])
        rows.append([act("profit", "pro")] + ([] if a.terminating else [act("termination", "end")]))
        if not a.terminating:
            rows.append([act("expansion", "grow"), act("reduction", "shrink")])
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


async def set_auto_renew(update: Update, context: BotContext, press: Press) -> object:
    """🔁 / ⏹ on a confirmed or running allocation: automatic renewal turned on or off."""
    turn, _, allocation_id = press.subject.partition(":")
    if turn not in ("on", "off") or not allocation_id:
        await outdated(update, press.lang)
        return None
    await query_of(update).answer()
    setting, who = context.services.allocations.set_auto_renew, press.customer.id
    allocation = await attempt(
        update, context, press.lang, setting, allocation_id, customer_id=who, on=turn == "on"
    )
    await render(update, context, allocation, press.lang, header=f"alloc.auto_renew.{turn}")
    return END
