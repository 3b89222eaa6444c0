"""Stock fund allocations (配资) in the bot, for administrators: the "📈 Allocations" entry of the admin
menu, its lists (under review, to assign a sub-account, running with their risk state, side requests
pending, importing a statement, statuses held as implausible), and its desk (``DESK``), whose steps live
by concept: the allocation and its card (``allocation_admin_card``), review and side requests
(``allocation_review``), the sub-account from its start to its settlement (``allocation_account``), daily
statuses and statements (``allocation_monitoring``), statuses held for a second administrator
(``allocation_flagged``), chart and timeline (``allocation_timeline``, one renderer for customers and
staff). Each module says what its typed steps wait for; ``admin.mmd`` draws them.

Every action goes to ``Allocations`` in the acting administrator's name and core checks the permission
(review → ``allocation.review``; the sub-account → ``allocation.assign_account``; statuses, imports and
statuses held → ``allocation.daily_status``; settlement, profit withdrawals and terminations →
``allocation.settle``; top-ups and extensions → ``allocation.review``). A refusal is told through the
error table. The bot only leaves out the buttons an administrator's roles would make useless.
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

from p2pstock.bots.telegram import allocation_account as account
from p2pstock.bots.telegram import allocation_flagged as flagged
from p2pstock.bots.telegram import allocation_monitoring as monitoring
from p2pstock.bots.telegram import allocation_review as review
from p2pstock.bots.telegram import allocation_timeline as history
from p2pstock.bots.telegram import callbacks as cb
from p2pstock.bots.telegram.admin_steps import END, Desk
from p2pstock.bots.telegram.admin_views import COUNTED, counted, named, page_of, turns, where
from p2pstock.bots.telegram.allocation_admin_card import (
    ASSIGN,
    DAILY,
    REVIEW,
    SETTLE,
    risk_name,
    show_card,
)
from p2pstock.bots.telegram.context import BotContext, call, say
from p2pstock.bots.telegram.keyboards import button
from p2pstock.bots.telegram.ladder_lines import ladder_mark
from p2pstock.bots.telegram.pages import Page
from p2pstock.bots.telegram.press import Press, Steps
from p2pstock.bots.telegram.texts import text
from p2pstock.core.allocation.allocations import Allocation, Status
from p2pstock.core.allocation.service import VIEW
from p2pstock.core.money import Money
from p2pstock.core.people.permissions import Permission

LISTED = 10
"""Allocations listed (and offered as buttons) on a page."""
MENU_PERMISSIONS = frozenset(VIEW)
"""Holding any of these makes the "📈 Allocations" entry worth showing."""
LISTS: dict[str, frozenset[Permission]] = {
    "review": frozenset({REVIEW}),
    "confirmed": frozenset({ASSIGN, REVIEW}),
    "running": frozenset(VIEW),
    "requests": frozenset({REVIEW, SETTLE}),
    "import": frozenset({DAILY}),
    "flagged": frozenset({DAILY}),
}
"""A list of the allocations menu (``cb.ALLOCATION_QUEUES``) → the permissions that make it worth showing."""
STATUSES = {"review": Status.UNDER_REVIEW, "confirmed": Status.CONFIRMED, "running": Status.IN_PROGRESS}
OTHER_LISTS: Steps = {
    "requests": review.show_requests,
    "import": monitoring.ask_statement,
    "flagged": flagged.show_flagged,
}
"""The lists of the menu that are not allocations of one status."""


# -- the menu and its lists ---------------------------------------------------------------------------


async def show_menu(update: Update, context: BotContext, press: Press) -> object:
    """The allocations menu: the lists this administrator's permissions are for."""
    lang = press.lang
    permissions = await call(context.services.staff.permissions, press.admin.id)
    rows = [
        [button(text(f"admin.alloc.q.{name}", lang), cb.AdminAction("al_q", name))]
        for name in cb.ALLOCATION_QUEUES
        if LISTS[name] & permissions
    ]
    if not rows:
        await say(update, context, text("admin.alloc.nothing", lang))
        return END
    await say(update, context, text("admin.alloc.menu", lang), InlineKeyboardMarkup(rows))
    return END


async def show_list(update: Update, context: BotContext, press: Press) -> object:
    """A list of the menu: a page of the allocations of a status (each a button to its card, ◀ ▶ to the
    pages around), the side requests, or the statement to import."""
    (name, number), lang = page_of(press.subject), press.lang
    if name in OTHER_LISTS:
        return await OTHER_LISTS[name](update, context, press)
    queue = context.services.allocations.queue
    found = await call(queue, [STATUSES[name]], by=press.admin.id, limit=COUNTED + 1)
    if not found:
        await say(update, context, text("admin.empty", lang))
        return END
    page = Page.of(found[:COUNTED], number, LISTED)
    names = await named(context, press, [a.customer_id for a in page.items])
    queue_name, count = text(f"admin.alloc.q.{name}", lang), counted(len(found))
    lines = [
        text("admin.alloc.listed", lang, queue=queue_name, count=count),
        *(_line(allocation, lang, names) for allocation in page.items),
        *([where(page, len(found), LISTED, lang)] if len(found) > LISTED else []),
    ]
    choices = [
        [
            button(
                text("admin.alloc.open", lang, id=a.id, customer=names[a.customer_id]),
                cb.AdminAction("al_show", a.id),
            )
        ]
        for a in page.items
    ]
    await say(update, context, "\n".join(lines), turns(page, lang, "al_q", name, choices))
    return END


def _line(allocation: Allocation, lang: str, names: dict[str, str]) -> str:
    if allocation.status is Status.IN_PROGRESS:
        assets = allocation.last_assets
        return text(
            "admin.alloc.line_running",
            lang,
            id=allocation.id,
            sub_account=allocation.sub_account or "—",
            assets=Money(assets) if assets is not None else text("admin.alloc.no_assets", lang),
            risk=risk_name(allocation.risk, lang) + ladder_mark(allocation, lang),
            overdue=text("admin.alloc.overdue_mark", lang) if allocation.overdue else "",
        )
    return text(
        "admin.alloc.line",
        lang,
        id=allocation.id,
        customer=names[allocation.customer_id],
        product=allocation.product.code,
        deposit=Money(allocation.deposit),
        leverage=allocation.leverage,
        allocated=Money(allocation.allocated),
    )


# -- wiring -------------------------------------------------------------------------------------------

DESK = Desk(
    {
        "al_q": show_list,
        "al_show": show_card,
        "al_call": review.ask_note,
        "al_ok": review.confirm,
        "al_assign": account.ask_sub_account,
        "al_status": monitoring.ask_status,
        "al_settle": account.ask_final,
        "al_chart": history.draw_chart,
        "al_tl": history.tell_timeline,
        "rq_ok": review.approve_request,
        "sf_ok": flagged.confirm,
    },
    typed=(*review.TYPED, *account.TYPED, *monitoring.TYPED),
    rejections={**review.REJECTIONS, **flagged.REJECTIONS},
)
"""The administrators' allocation buttons (verb → step) and typed steps."""
