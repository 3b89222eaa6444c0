"""📜 A customer's fund activity: newest first, one line per movement (a withdrawal is one line that says
whether it is frozen, paid out or returned), paged with ◀ ▶, cut to this month or last month, and
exported as a CSV file in the customer's language."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time

from telegram import Update

from p2pstock.bots.telegram import callbacks as cb
from p2pstock.bots.telegram.context import BotContext, call, query_of, user_of
from p2pstock.bots.telegram.keyboards import button
from p2pstock.bots.telegram.pages import Page, Paged, Shown
from p2pstock.bots.telegram.platform_time import local_time, today
from p2pstock.bots.telegram.press import Press, customer_buttons
from p2pstock.bots.telegram.texts import text
from p2pstock.core.ledger import chart
from p2pstock.core.ledger.activity import Movement, Outcome
from p2pstock.core.money import Currency, Money, format_minor
from p2pstock.core.names import code_name, name_of

PAGE = 5
"""Movements on one page."""
EXPORTED = 5_000
"""Movements in an exported file, at most (newest first)."""
PERIODS = ("", "month", "last")
"""Everything, this month, last month (in the platform's time zone)."""
CURSORS = "statement"
"""Where the pages seen so far keep where each starts (``before``; 0 for the newest)."""
_NAMED = {"allocation": "statement.of_allocation", "loan": "statement.of_loan"}
"""The codes whose reference is worth naming, by their first part."""


async def _page(context: BotContext, press: Press, number: int, period: str) -> Shown | None:
    """Page ``number`` (from 0) of the period's movements, or None for a page not reached."""
    kept = context.user_state.get(CURSORS)
    cursors = [0] if number == 0 else kept.get(period) if isinstance(kept, dict) else None
    if not isinstance(cursors, list) or number >= len(cursors):
        return None
    lang, services = press.lang, context.services
    seen = [int(cursor) for cursor in cursors[: number + 1]]
    read = await call(
        services.ledger.activity,
        _wallet(context, press),
        **_bounds(context, period),
        before=seen[number] or None,
        limit=PAGE,
    )
    context.user_state[CURSORS] = {period: seen if read.next_before is None else [*seen, read.next_before]}
    balance = await call(services.wallets.balance, press.customer.id)
    title = text(
        "statement.title", lang, page=number + 1, period=text(f"statement.period.{period or 'all'}", lang)
    )
    lines = [title, text("statement.balance", lang, available=balance.available, frozen=balance.frozen)]
    currency = services.wallets.currency
    lines += [movement_line(m, currency, lang) for m in read.movements] or [text("statement.empty", lang)]
    page = Page(number, read.movements, more=read.next_before is not None)
    periods = [
        button(text(f"statement.period.{p or 'all'}", lang), cb.StatementPage(0, p))
        for p in PERIODS
        if p != period
    ]
    export = [button(text("statement.export", lang), cb.StatementPage(0, period, export=True))]
    return "\n".join(lines), page.keyboard(
        lang, lambda n: cb.StatementPage(n, period), after=(periods, export)
    )


def movement_line(m: Movement, currency: Currency, lang: str) -> str:
    """One movement: the day, what it was (and what it was for), the change, and where a hold stands."""
    return text(
        "statement.movement",
        lang,
        day=m.day,
        what=what(m, lang),
        change=format_minor(m.change, currency, signed=True),
        state=""
        if m.outcome is Outcome.DONE
        else text("statement.state", lang, state=_state(m, currency, lang)),
    )


def what(m: Movement, lang: str) -> str:
    named = _NAMED.get(m.code.partition(".")[0])
    name = code_name("ledger", m.code, lang)
    return text(named, lang, what=name, id=m.reference) if named and m.reference else name


def _state(m: Movement, currency: Currency, lang: str) -> str:
    """Where a movement stands, in words (a hold's amount and what was taken of it where that says more)."""
    held, taken = Money(m.held, currency), Money(m.taken, currency)
    if m.outcome is Outcome.PARTLY:
        return text("statement.partly", lang, held=held, taken=taken)
    if m.outcome in (Outcome.RELEASED, Outcome.EXPIRED):
        return text("statement.released", lang, held=held, state=name_of(m.outcome, lang))
    return name_of(m.outcome, lang)


def _wallet(context: BotContext, press: Press) -> str:
    return chart.wallet_id(press.customer.id, context.services.wallets.currency.code)


def _bounds(context: BotContext, period: str) -> dict[str, datetime | None]:
    """Where ``period`` starts and ends, in the platform's time zone."""
    if not period:
        return {"start": None, "end": None}
    zone, now = context.services.ledger.timezone, today(context)
    this_month = now.replace(day=1)
    last_month = (this_month - date.resolution).replace(day=1)
    first, after = (this_month, None) if period == "month" else (last_month, this_month)
    return {
        "start": datetime.combine(first, time(), zone),
        "end": None if after is None else datetime.combine(after, time(), zone),
    }


async def _export(update: Update, context: BotContext, press: Press) -> object:
    """The period's movements (up to ``EXPORTED``) as a CSV file, in the customer's language."""
    period = press.subject.partition(":")[2]
    if period not in PERIODS:
        return None
    await query_of(update).answer()
    lang, ledger, currency = press.lang, context.services.ledger, context.services.wallets.currency
    rows: list[Movement] = []
    before: int | None = None
    while len(rows) < EXPORTED:
        read = await call(
            ledger.activity, _wallet(context, press), **_bounds(context, period), before=before, limit=1000
        )
        rows += read.movements
        if read.next_before is None:
            break
        before = read.next_before
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([text(f"statement.csv.{column}", lang) for column in ("time", "what", "change", "state")])
    for m in rows[:EXPORTED]:
        change = format_minor(m.change, currency, symbol=False, grouping=False)
        writer.writerow(
            [local_time(m.timestamp, ledger.timezone), what(m, lang), change, _state(m, currency, lang)]
        )
    name = f"fund-activity-{period or 'all'}-{today(context):%Y%m%d}.csv"
    await context.bot.send_document(
        user_of(update).id,
        ("\ufeff" + out.getvalue()).encode(),
        filename=name,
        caption=text("statement.exported", lang, count=len(rows[:EXPORTED])),
    )
    return None


STATEMENT = Paged(_page, PERIODS)
show_statement = STATEMENT.show
turn_statement_page = customer_buttons(
    cb.StatementPage,
    lambda c: ("csv" if c.export else "turn", f"{c.page}:{c.period}"),
    {"turn": STATEMENT.turn, "csv": _export},
)
"""📜 the first page of the fund activity; ◀ ▶ and the periods under it (``st:<page>[:<period>]``), the
page replaced in place; 📄 (``sx:<period>``) the period as a CSV file."""
