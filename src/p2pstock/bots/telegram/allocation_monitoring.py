"""Monitoring running allocations, for administrators: a daily status typed on one line, or a broker's
statement imported from a file (CSV in UTF-8 or GBK, or an .xlsx workbook: core tells which by the
content, so the file's bytes go to it as they came) — all its rows applied, or none and the bad rows
listed by line (a statement imported before is not stored again)."""

from __future__ import annotations

from datetime import date

from telegram import Update
from telegram.ext import filters

from p2pstock.bots.telegram.admin_steps import (
    Kept,
    asking,
    problems_told,
    require,
    typing,
    wait,
)
from p2pstock.bots.telegram.admin_views import said
from p2pstock.bots.telegram.allocation_admin_card import DAILY, STEP, in_status, risk_name
from p2pstock.bots.telegram.context import BotContext, call, ended, handled, say
from p2pstock.bots.telegram.errors import error_text
from p2pstock.bots.telegram.import_lines import bad_row, imported_lines
from p2pstock.bots.telegram.press import Press
from p2pstock.bots.telegram.product_cards import basis_points
from p2pstock.bots.telegram.texts import file_size, text
from p2pstock.bots.telegram.typed import Again, Typed, TypedSteps
from p2pstock.core.allocation.allocations import Status
from p2pstock.core.allocation.monitoring import ImportReport
from p2pstock.core.allocation.statuses import CSV_COLUMNS, DailyStatus, Figures
from p2pstock.core.errors import InvalidInput
from p2pstock.core.money import Money, MoneyError

STATUS = "admin.alloc_status"
STATEMENT = "admin.alloc_statement"
STATUS_FIELDS = ("total_assets", "market_value", "cash_available", "cash_frozen", "cash_withdrawable")
MAX_STATEMENT_BYTES = 20 * 1024 * 1024
"""Largest statement file (what the Bot API lets a bot download)."""


# -- a daily status typed -----------------------------------------------------------------------------


ask_status = asking(STEP, STATUS, "admin.alloc.ask_status", about=in_status(Status.IN_PROGRESS))
"""📝 Daily status: its line is asked for."""


def status_line(typed: Typed, _: object = None) -> tuple[date, Figures] | Again:
    """``date total market cash_available [cash_frozen] [cash_withdrawable]``, amounts in yuan; else what
    is wrong with it."""
    fields, lang = typed.text.split(), typed.lang
    if not 4 <= len(fields) <= len(STATUS_FIELDS) + 1:
        return _bad(text("admin.alloc.problem.count", lang, count=len(fields)))
    try:
        day = date.fromisoformat(fields[0])
    except ValueError:
        return _bad(text("admin.alloc.problem.date", lang))
    amounts: dict[str, int] = {}
    for name, figure in zip(STATUS_FIELDS, fields[1:], strict=False):
        try:
            amounts[name] = Money.parse(figure, allow_zero=True).minor
        except MoneyError as error:
            field = text(f"admin.alloc.field.{name}", lang)
            return _bad(text("admin.alloc.problem.amount", lang, field=field, detail=error_text(error, lang)))
    return day, Figures(
        total_assets=amounts["total_assets"],
        market_value=amounts["market_value"],
        cash_available=amounts["cash_available"],
        cash_frozen=amounts.get("cash_frozen", 0),
        cash_withdrawable=amounts.get("cash_withdrawable", 0),
    )


def _bad(problem: str) -> Again:
    return Again("admin.alloc.bad_status", {"problem": problem})


async def got_status(typed: Typed, _: Kept, read: tuple[date, Figures]) -> object:
    """The daily status: recorded, or core's refusal told (and the line asked again)."""
    record, lang = typed.context.services.allocations.record_status, typed.lang
    try:
        status = await call(record, typed.subject, *read, by=typed.admin.id)
    except InvalidInput as error:
        await typed.say(error_text(error, lang))
        await typed.tell("admin.alloc.status_again")
        return STATUS
    return await ended(typed.update, typed.context, _recorded(status, lang))


def _recorded(status: DailyStatus, lang: str) -> str:
    said = _said_recorded(status, lang)
    if status.flag is not None:
        said += "\n" + text("admin.alloc.status_held", lang, flag=status.flag)
    return said


def _said_recorded(status: DailyStatus, lang: str) -> str:
    return text(
        "admin.alloc.status_recorded",
        lang,
        id=status.allocation_id,
        day=status.trade_date.isoformat(),
        revision=status.revision,
        assets=Money(status.figures.total_assets),
        ratio=f"{basis_points(status.ratio_bp)}%",
        before=risk_name(status.risk_before, lang),
        after=risk_name(status.risk_after, lang),
    )


# -- a statement imported -----------------------------------------------------------------------------


async def ask_statement(update: Update, context: BotContext, press: Press) -> object:
    """📥 Import: the statement file is asked for (of an administrator who may import it)."""
    require(await call(context.services.staff.permissions, press.admin.id), DAILY)
    await say(update, context, text("admin.alloc.ask_statement", press.lang, columns=", ".join(CSV_COLUMNS)))
    return wait(context, STEP, STATEMENT, "")


async def got_statement(typed: Typed, _: Kept, __: str) -> object:
    """A statement file: imported whole, or refused whole with its bad rows listed by line (and another
    file waited for)."""
    lang, context = typed.lang, typed.context
    statement = await _sent(typed)
    report = await call(context.services.allocations.import_statement, statement, by=typed.admin.id)
    if not report.ok:
        await said(typed.update, context, _refused(report, lang))
        return STATEMENT
    return await ended(typed.update, typed.context, _imported(context, report, lang))


async def _sent(typed: Typed) -> str | bytes:
    """The statement typed, or the bytes of the file sent (whatever its name or mime type says); a file
    over ``MAX_STATEMENT_BYTES`` is told, and the step waits for another."""
    document = typed.message.document
    if document is None:
        return typed.text
    if document.file_size is not None and document.file_size > MAX_STATEMENT_BYTES:
        await typed.tell("file.too_big", size=file_size(MAX_STATEMENT_BYTES))
        handled(None)
    sent = await typed.context.bot.get_file(document.file_id)
    return bytes(await sent.download_as_bytearray())


def _imported(context: BotContext, report: ImportReport, lang: str) -> str:
    return "\n".join(imported_lines(report, lang, context.services.ledger.timezone))


def _refused(report: ImportReport, lang: str) -> list[str]:
    header, again = "admin.alloc.import_refused", "admin.alloc.import_again"
    return problems_told(report.errors, bad_row, lang, header, again, more="admin.alloc.import_more")


TYPED: TypedSteps = (
    typing(STEP, STATUS, got_status, status_line),
    typing(
        STEP, STATEMENT, got_statement, reads=filters.Document.ALL, otherwise=Again("admin.alloc.send_a_file")
    ),
)
"""A daily status typed; a statement sent as a file (anything else: a file is asked for)."""
