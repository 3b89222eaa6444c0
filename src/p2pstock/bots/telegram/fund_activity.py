"""📜 A customer's fund activity: newest first, one line per movement (a withdrawal is one line that says
whether it is frozen, paid out or returned), each saying what it was for ("配资管理费 #a1 第 3 日", "还款
借款 #l1 第 2 期"), paged with ◀ ▶, cut to this month or last month and to one kind of business, and
exported as a CSV file or a PDF statement in the customer's language."""

from __future__ import annotations

import csv
import io
from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path

import attrs
from telegram import InlineKeyboardButton, Update

from p2pstock import fonts
from p2pstock.bots.telegram import callbacks as cb
from p2pstock.bots.telegram import statement_pdf
from p2pstock.bots.telegram.context import BotContext, call, outdated, query_of, user_of
from p2pstock.bots.telegram.keyboards import button
from p2pstock.bots.telegram.pages import Page, Paged, Shown, page_and_what
from p2pstock.bots.telegram.platform_time import local_time, today
from p2pstock.bots.telegram.press import Press, Step, customer_buttons
from p2pstock.bots.telegram.statement_lines import Known, known, movement_line, state, what
from p2pstock.bots.telegram.texts import text
from p2pstock.core.clock import to_micros
from p2pstock.core.ledger import activity, chart
from p2pstock.core.ledger.accounts import Balances
from p2pstock.core.ledger.activity import ActivityPage, Movement
from p2pstock.core.ledger.service import Ledger
from p2pstock.core.money import Currency, Money, format_minor

PAGE = 5
"""Movements on one page."""
EXPORTED = 5_000
"""Movements in an exported file, at most (newest first)."""
PERIODS = ("", "month", "last")
"""Everything, this month, last month (in the platform's time zone)."""
KINDS = ("", *activity.KINDS)
"""Every movement, or one kind of business."""
CURSORS = "statement"
"""Where the pages seen so far keep where each starts (``before``; 0 for the newest)."""


def narrowed(period: str, kind: str) -> str:
    """What narrows the list, as a page button's subject carries it: ``<period>``, or ``<period>:<kind>``
    (``all`` for every period)."""
    return f"{period or 'all'}:{kind}" if kind else period


def period_and_kind(what: str) -> tuple[str, str]:
    period, _, kind = what.partition(":")
    return ("" if period == "all" else period), kind


FILTERS = tuple(narrowed(period, kind) for period in PERIODS for kind in KINDS)


# -- a page ----------------------------------------------------------------------------------------------


async def _page(context: BotContext, press: Press, number: int, narrowing: str) -> Shown | None:
    """Page ``number`` (from 0) of the movements ``narrowing`` leaves, or None for a page not reached."""
    kept = context.user_state.get(CURSORS)
    cursors = [0] if number == 0 else kept.get(narrowing) if isinstance(kept, dict) else None
    if not isinstance(cursors, list) or number >= len(cursors):
        return None
    lang, services, (period, kind) = press.lang, context.services, period_and_kind(narrowing)
    seen = [int(cursor) for cursor in cursors[: number + 1]]
    read = await call(_read, context, press, period, kind, before=seen[number] or None, limit=PAGE)
    context.user_state[CURSORS] = {narrowing: seen if read.next_before is None else [*seen, read.next_before]}
    named = await call(known, services, press.customer.id, read.movements)
    balance = await call(services.wallets.balance, press.customer.id)
    lines = [_title(lang, number, period, kind)]
    lines.append(text("statement.balance", lang, available=balance.available, frozen=balance.frozen))
    currency = services.wallets.currency
    lines += [movement_line(m, currency, lang, named) for m in read.movements] or [
        text("statement.empty", lang)
    ]
    page = Page(number, read.movements, more=read.next_before is not None)
    return "\n".join(lines), page.keyboard(
        lang, lambda n: cb.StatementPage(n, period, kind=kind), after=_narrowing_rows(lang, period, kind)
    )


def _title(lang: str, number: int, period: str, kind: str) -> str:
    named_period = text(f"statement.period.{period or 'all'}", lang)
    if not kind:
        return text("statement.title", lang, page=number + 1, period=named_period)
    named_kind = text(f"statement.kind.{kind}", lang)
    return text("statement.title_of_kind", lang, page=number + 1, period=named_period, kind=named_kind)


def _narrowing_rows(lang: str, period: str, kind: str) -> list[list[InlineKeyboardButton]]:
    """The other periods, the other kinds (each keeping the other choice), and the two files."""
    periods = [
        button(text(f"statement.period.{p or 'all'}", lang), cb.StatementPage(0, p, kind=kind))
        for p in PERIODS
        if p != period
    ]
    kinds = [
        button(text(f"statement.kind.{k or 'all'}", lang), cb.StatementPage(0, period, kind=k))
        for k in KINDS
        if k != kind
    ]
    files = [
        button(text(label, lang), cb.StatementPage(0, period, export=export, kind=kind))
        for label, export in (("statement.export", "csv"), ("statement.export_pdf", "pdf"))
    ]
    return [periods, kinds, files]


def _read(
    context: BotContext, press: Press, period: str, kind: str, *, before: int | None, limit: int
) -> ActivityPage:
    """A page of the customer's movements of ``kind`` in ``period``."""
    ledger, wallet, span = context.services.ledger, _wallet(context, press), _bounds(context, period)
    return activity.page_of_kind(
        lambda older, size: ledger.activity(wallet, **span, before=older, limit=size),
        kind,
        before=before,
        limit=limit,
    )


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


# -- the files ------------------------------------------------------------------------------------------


@attrs.frozen
class Exported:
    """What a file holds: the period, the kind, the movements (newest first) and what they name."""

    period: str
    kind: str
    movements: tuple[Movement, ...]
    named: Known


Send = Callable[[Update, BotContext, Press, Exported], Awaitable[None]]


def exporting(send: Send) -> Step:
    """The step of a 📄 button: the movements its subject's narrowing leaves (up to ``EXPORTED``), sent."""

    async def export(update: Update, context: BotContext, press: Press) -> object:
        named = page_and_what(press.subject, FILTERS)
        if named is None:
            await outdated(update, press.lang)
            return None
        await query_of(update).answer()
        period, kind = period_and_kind(named[1])
        rows = await call(_everything, context, press, period, kind)
        lines = await call(known, context.services, press.customer.id, rows)
        await send(update, context, press, Exported(period, kind, tuple(rows), lines))
        return None

    return export


def _everything(context: BotContext, press: Press, period: str, kind: str) -> list[Movement]:
    rows: list[Movement] = []
    before: int | None = None
    while len(rows) < EXPORTED:
        read = _read(context, press, period, kind, before=before, limit=1000)
        rows += read.movements
        if read.next_before is None:
            break
        before = read.next_before
    return rows[:EXPORTED]


def file_name(exported: Exported, day: date, suffix: str) -> str:
    kind = f"-{exported.kind}" if exported.kind else ""
    return f"fund-activity-{exported.period or 'all'}{kind}-{day:%Y%m%d}.{suffix}"


def _rows(exported: Exported, context: BotContext, lang: str) -> Iterable[tuple[str, str, str, str]]:
    """Each movement as a file's row: time, what it was for, the change (no symbol, no grouping), state."""
    zone, currency = context.services.ledger.timezone, context.services.wallets.currency
    for m in exported.movements:
        change = format_minor(m.change, currency, symbol=False, grouping=False)
        yield local_time(m.timestamp, zone), what(m, lang, exported.named), change, state(m, currency, lang)


def _columns(lang: str) -> tuple[str, str, str, str]:
    time_, what_, change, state_ = (
        text(f"statement.csv.{c}", lang) for c in ("time", "what", "change", "state")
    )
    return time_, what_, change, state_


async def _send_csv(update: Update, context: BotContext, press: Press, exported: Exported) -> None:
    """The lines as a CSV file in the customer's language (UTF-8 with a byte-order mark: Excel opens it)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(_columns(press.lang))
    writer.writerows(_rows(exported, context, press.lang))
    await context.bot.send_document(
        user_of(update).id,
        ("\ufeff" + out.getvalue()).encode(),
        filename=file_name(exported, today(context), "csv"),
        caption=text("statement.exported", press.lang, count=len(exported.movements)),
    )


async def _send_pdf(update: Update, context: BotContext, press: Press, exported: Exported) -> None:
    """The lines as a PDF statement: in the customer's language where a CJK font is installed, else in
    English (which the caption says)."""
    font, face = await call(_font)
    lang = press.lang if font is not None else "en"
    if font is None:
        font = await call(fonts.latin_font)
    statement = await call(_statement, context, press, exported, lang, user_of(update).full_name)
    pdf = await call(statement_pdf.render_statement_pdf, statement, font, face)
    caption = "statement.pdf.sent" if lang == press.lang else "statement.pdf.sent_in_english"
    await context.bot.send_document(
        user_of(update).id,
        pdf,
        filename=file_name(exported, today(context), "pdf"),
        caption=text(caption, press.lang, count=len(exported.movements)),
    )


def _font() -> tuple[Path | None, int]:
    """The CJK font and its face, or None."""
    found = fonts.cjk_font()
    return found, (fonts.cjk_face() if found is not None else 0)


def _statement(
    context: BotContext, press: Press, exported: Exported, lang: str, telegram_name: str
) -> statement_pdf.Statement:
    """What the PDF says, in ``lang``: the customer, the period and kind, the wallet's balances at the
    period's start and end, the lines, their totals and when it was made."""
    services, span = context.services, _bounds(context, exported.period)
    now = services.ledger.clock.now()
    opening = _balance_before(services.ledger, _wallet(context, press), span["start"])
    closing = _balance_before(
        services.ledger, _wallet(context, press), span["end"] or now + timedelta(microseconds=1)
    )
    currency = services.wallets.currency
    heading = [
        text("statement.pdf.customer", lang, name=press.customer.real_name or telegram_name),
        _period_said(context, exported.period, lang),
    ]
    if exported.kind:
        heading.append(text("statement.pdf.kind", lang, kind=text(f"statement.kind.{exported.kind}", lang)))
    heading += [
        _balance_said("statement.pdf.opening", opening, currency, lang),
        _balance_said("statement.pdf.closing", closing, currency, lang),
    ]
    return statement_pdf.Statement(
        title=text("statement.pdf.title", lang, brand=services.brand),
        heading=tuple(heading),
        columns=_columns(lang),
        rows=tuple(_rows(exported, context, lang)),
        closing=(
            _totals(exported.movements, currency, lang),
            text("statement.pdf.note", lang),
            text("statement.pdf.generated", lang, time=local_time(to_micros(now), services.ledger.timezone)),
        ),
        empty=text("statement.pdf.empty", lang),
        page=text("statement.pdf.page", lang, page="{page}"),
        made=now,
        author=services.brand,
    )


def _balance_said(key: str, balances: Balances, currency: Currency, lang: str) -> str:
    return text(
        key, lang, available=Money(balances.available, currency), frozen=Money(balances.frozen, currency)
    )


def _balance_before(ledger: Ledger, wallet: str, moment: datetime | None) -> Balances:
    """The wallet's balances just before ``moment`` (None: before anything)."""
    return Balances() if moment is None else ledger.balance_at(wallet, moment - timedelta(microseconds=1))


def _period_said(context: BotContext, period: str, lang: str) -> str:
    """The period's name and its first and last days (everything: up to today)."""
    now = today(context)
    if not period:
        return text("statement.pdf.period_all", lang, last=now.isoformat())
    this_month = now.replace(day=1)
    first, last = (
        (this_month, now)
        if period == "month"
        else ((this_month - date.resolution).replace(day=1), this_month - date.resolution)
    )
    name = text(f"statement.period.{period}", lang)
    return text("statement.pdf.period", lang, period=name, first=first.isoformat(), last=last.isoformat())


def _totals(movements: Sequence[Movement], currency: Currency, lang: str) -> str:
    """How many lines, what came in, what went out and the net change (signed)."""
    credits = sum(m.change for m in movements if m.change > 0)
    debits = -sum(m.change for m in movements if m.change < 0)
    return text(
        "statement.pdf.totals",
        lang,
        count=len(movements),
        credits=Money(credits, currency),
        debits=Money(debits, currency),
        net=format_minor(credits - debits, currency, signed=True),
    )


STATEMENT = Paged(_page, FILTERS)
show_statement = STATEMENT.show
turn_statement_page = customer_buttons(
    cb.StatementPage,
    lambda c: (c.export or "turn", f"{c.page}:{narrowed(c.period, c.kind)}"),
    {"turn": STATEMENT.turn, "csv": exporting(_send_csv), "pdf": exporting(_send_pdf)},
)
"""📜 the first page of the fund activity; ◀ ▶, the periods and the kinds under it (``st:…``), the page
replaced in place; 📄 (``sx:…``, ``sp:…``) the movements as a CSV file or a PDF statement."""
