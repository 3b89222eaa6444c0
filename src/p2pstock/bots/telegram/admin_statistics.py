"""What administrators check of the platform as a whole in the bot: the audit trail's hash chain, and the
platform's statistics (customers by status, what waits for review, money moved today, lending's figures).
Core checks ``audit.view`` and ``stats.view`` on every call."""

from __future__ import annotations

from telegram import Update

from p2pstock.bots.telegram.admin_steps import END
from p2pstock.bots.telegram.context import BotContext, call, say
from p2pstock.bots.telegram.press import Press
from p2pstock.bots.telegram.product_cards import percent
from p2pstock.bots.telegram.texts import text
from p2pstock.core.audit import Fault
from p2pstock.core.lending.loans import LoanStatus
from p2pstock.core.lending.views import LendingFigures
from p2pstock.core.money import CNY, Money
from p2pstock.core.names import code_name, name_of
from p2pstock.core.people.customers import KycStatus
from p2pstock.core.statistics import QUEUE_LIMIT, PlatformOverview


async def check_audit(update: Update, context: BotContext, press: Press) -> object:
    """Walk the audit trail's hash chain."""
    lang = press.lang
    check = await call(context.services.audit.verify_as, by=press.admin.id)
    if check.ok:
        await say(update, context, text("admin.audit_ok", lang, checked=check.checked))
    else:
        reason = text(f"admin.audit.fault.{Fault(check.reason).name.lower()}", lang)
        message = text(
            "admin.audit_broken", lang, seq=check.first_broken, reason=reason, checked=check.checked
        )
        await say(update, context, message)
    return END


async def show_statistics(update: Update, context: BotContext, press: Press) -> object:
    """The platform at a glance: customers by status, what waits for review, money moved today."""
    overview = await call(context.services.statistics.overview, by=press.admin.id)
    figures = await call(context.services.lending.figures, by=press.admin.id)
    await say(update, context, f"{_statistics(overview, press.lang)}\n\n{_lending(figures, press.lang)}")
    return END


def _lending(figures: LendingFigures, lang: str) -> str:
    loans = ", ".join(
        f"{name_of(LoanStatus(status), lang)} {count}"
        for status, count in sorted(figures.loans_by_status.items())
    )
    income = ", ".join(
        f"{_code(code, lang)} {Money(amount, CNY)}" for code, amount in sorted(figures.income.items())
    )
    return text(
        "admin.stats.lending",
        lang,
        outstanding=Money(figures.outstanding_principal, CNY),
        overdue=Money(figures.overdue_principal, CNY),
        ratio=percent(figures.overdue_ratio_bp),
        loans=loans or "0",
        income=income or "—",
    )


def _statistics(overview: PlatformOverview, lang: str) -> str:
    counts = dict(overview.customers)
    statuses = [
        text("admin.stats.status", lang, status=status, count=counts.pop(status, 0)) for status in KycStatus
    ]
    statuses += [text("admin.stats.status", lang, status=name, count=n) for name, n in sorted(counts.items())]
    moved = [
        text(
            "admin.stats.moved",
            lang,
            code=_code(total.code, lang),
            count=total.count,
            amount=Money(total.debits, CNY),
        )
        for total in overview.moved
    ]
    return text(
        "admin.stats",
        lang,
        day=overview.day.isoformat(),
        customers=sum(overview.customers.values()),
        statuses="\n".join(statuses),
        documents=_counted(overview.documents_to_review),
        identities=_counted(overview.identities_to_review),
        withdrawals=_counted(overview.withdrawals_pending),
        pending=Money(overview.withdrawals_pending_amount, CNY),
        moved="\n".join(moved) or text("admin.stats.nothing_moved", lang),
    )


def _counted(found: int) -> str:
    """A queue's length; one counted up to ``QUEUE_LIMIT`` shows it was cut short."""
    return f"{found}+" if found >= QUEUE_LIMIT else str(found)


def _code(code: str, lang: str) -> str:
    """A transfer code by its name in ``lang``."""
    return code_name("ledger", code, lang)
