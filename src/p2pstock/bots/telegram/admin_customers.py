"""Looking a customer up, for administrators holding ``customer.view`` (every shipped role but the super
administrator's holds it too): the "🔎 Customers" entry asks for the end of a phone number (4 digits or
more), a name or a customer id, lists who matches (a button each), and a button opens the customer's
page — verification and documents, wallet, allocations (a button each to its card), loans borrowed,
investments, and the latest movements of the wallet. Phone and ID numbers are shown masked."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from telegram import Update

from p2pstock.bots.telegram import callbacks as cb
from p2pstock.bots.telegram.admin_steps import END, Desk, Kept, typing, wait
from p2pstock.bots.telegram.admin_views import when
from p2pstock.bots.telegram.context import BotContext, call, ended, say
from p2pstock.bots.telegram.keyboards import markup
from p2pstock.bots.telegram.press import Press
from p2pstock.bots.telegram.texts import text
from p2pstock.bots.telegram.typed import Typed
from p2pstock.core.allocation.allocations import Allocation
from p2pstock.core.customer_page import CustomerPage, Found
from p2pstock.core.lending.loans import Loan
from p2pstock.core.money import Money
from p2pstock.core.names import code_name, name_of
from p2pstock.core.people.permissions import Permission

STEP = "admin_customers"
"""The user-state key: ``{"step": SEARCH}`` while the search is asked for."""
SEARCH = "admin.cu_search"
T = TypeVar("T")
SHOWN = 10
"""Allocations, loans and investments a page lists of each."""


async def ask_search(update: Update, context: BotContext, press: Press) -> object:
    await say(update, context, text("admin.cu.ask", press.lang))
    return wait(context, STEP, SEARCH, "")


async def got_search(typed: Typed, _: Kept, words: str) -> object:
    """Who matches, a button each; or that nobody does (the search is asked for again)."""
    found = await call(typed.context.services.customer_pages.search, words, by=typed.admin.id)
    if not found:
        await typed.tell("admin.cu.none", words=words)
        return SEARCH
    lines = [text("admin.cu.found", typed.lang, count=len(found))]
    lines += [_found_line(customer, typed.lang) for customer in found]
    rows = [
        [
            (
                text("admin.cu.open", typed.lang, id=c.id, name=c.real_name or "—"),
                cb.AdminAction("cu_show", c.id),
            )
        ]
        for c in found
    ]
    await typed.say("\n".join(lines), markup(rows))
    return END


def _found_line(customer: Found, lang: str) -> str:
    status = name_of(customer.status, lang)
    return text(
        "admin.cu.line",
        lang,
        id=customer.id,
        name=customer.real_name or "—",
        phone=customer.phone or "—",
        status=status,
    )


async def show_page(update: Update, context: BotContext, press: Press) -> object:
    """The customer's page, with a button to each of their allocations' cards."""
    page = await call(context.services.customer_pages.page, press.subject, by=press.admin.id)
    lines = [*_who(context, page, press.lang), *_money(page, press.lang), *_business(page, press.lang)]
    rows = [
        [(text("admin.cu.allocation", press.lang, id=a.id), cb.AdminAction("al_show", a.id))]
        for a in page.allocations[:SHOWN]
    ]
    return await ended(update, context, "\n".join(lines), markup(rows))


def _who(context: BotContext, page: CustomerPage, lang: str) -> list[str]:
    who = page.customer
    documents = ", ".join(f"{name_of(d.kind, lang)} {name_of(d.status, lang)}" for d in page.documents)
    return [
        text("admin.cu.title", lang, id=who.id, name=who.real_name or "—"),
        text(
            "admin.cu.kyc",
            lang,
            status=name_of(who.status, lang),
            phone=who.phone or "—",
            masked=page.masked_id or "—",
            joined=when(context, page.joined),
        ),
        text("admin.cu.documents", lang, documents=documents or "—"),
    ]


def _money(page: CustomerPage, lang: str) -> list[str]:
    lines = [text("admin.cu.wallet", lang, available=Money(page.available), frozen=Money(page.frozen))]
    if page.recent:
        lines.append(text("admin.cu.recent", lang))
        lines += [
            text(
                "admin.cu.movement",
                lang,
                day=m.day,
                what=code_name("ledger", m.code, lang),
                change=Money(m.change),
                outcome=name_of(m.outcome, lang),
            )
            for m in page.recent
        ]
    return lines


def _business(page: CustomerPage, lang: str) -> list[str]:
    def allocation(a: Allocation) -> str:
        assets = Money(a.last_assets) if a.last_assets is not None else "—"
        status = name_of(a.status, lang)
        return text(
            "admin.cu.allocation_line",
            lang,
            id=a.id,
            status=status,
            allocated=Money(a.allocated),
            assets=assets,
        )

    def loan(loan: Loan) -> str:
        status = name_of(loan.status, lang)
        return text("admin.cu.loan_line", lang, id=loan.id, status=status, amount=Money(loan.amount))

    lines = [
        *_listed(lang, "admin.cu.allocations", page.allocations, allocation),
        *_listed(lang, "admin.cu.loans", page.loans, loan),
    ]
    if page.investments:
        invested = sum(i.amount for i in page.investments)
        lines.append(text("admin.cu.investments", lang, count=len(page.investments), amount=Money(invested)))
    return lines or [text("admin.cu.no_business", lang)]


def _listed(lang: str, header: str, items: Sequence[T], line: Callable[[T], str]) -> list[str]:
    """``header`` counting ``items``, then a line for each of the first ``SHOWN``; nothing without items."""
    if not items:
        return []
    return [text(header, lang, count=len(items)), *(line(item) for item in items[:SHOWN])]


DESK = Desk(
    {"cu_search": ask_search, "cu_show": show_page},
    Permission.CUSTOMER_VIEW,
    typed=(typing(STEP, SEARCH, got_search),),
)
"""The customers' buttons: the search asked for, a customer's page."""
