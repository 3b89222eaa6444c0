"""Administrators' loan queues in the bot: first review, final review (listing), full review (disbursement)
and the loans being repaid, each loan a card with the buttons its state allows.

::

    a:menu:loans ──► the queues ──a:ln_q:<queue>──► cards ──a:ln_first|ln_final|ln_full:<id>──► done
                                                          ──a:ln_no|ln_ref:<id>──► a reason typed (admin.py)

Core checks every permission and state again; a button of a loan that moved on gets core's refusal.
"""

from __future__ import annotations

from collections.abc import Callable

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import ConversationHandler

from p2pstock.bots.telegram import callbacks as cb
from p2pstock.bots.telegram.context import BotContext, call, query_of, say, tell_error
from p2pstock.bots.telegram.keyboards import button
from p2pstock.bots.telegram.press import Press, Step, Steps
from p2pstock.bots.telegram.product_cards import percent
from p2pstock.bots.telegram.texts import text
from p2pstock.core.errors import P2PStockError
from p2pstock.core.lending.loans import Loan, LoanStatus
from p2pstock.core.lending.service import VIEW, Lending
from p2pstock.core.money import Money
from p2pstock.core.people.permissions import Administrator

END = ConversationHandler.END
MENU_PERMISSIONS = frozenset(VIEW)
SHOWN = 5
STATUSES = {
    "applied": LoanStatus.APPLIED,
    "reviewed": LoanStatus.FIRST_REVIEWED,
    "full": LoanStatus.FULL,
    "repaying": LoanStatus.REPAYING,
}
DECISIONS = {
    LoanStatus.APPLIED: (("ln_first", "admin.loan.first"), ("ln_no", "admin.reject")),
    LoanStatus.FIRST_REVIEWED: (("ln_final", "admin.loan.final"), ("ln_no", "admin.reject")),
    LoanStatus.FULL: (("ln_full", "admin.loan.full"), ("ln_ref", "admin.reject")),
}
REJECTIONS = frozenset({"ln_no", "ln_ref"})


async def show_menu(update: Update, context: BotContext, admin: Administrator, lang: str) -> None:
    rows = [[button(text(f"admin.loans.{name}", lang), cb.AdminAction("ln_q", name))] for name in STATUSES]
    await say(update, context, text("admin.loans.menu", lang), InlineKeyboardMarkup(rows))


async def on_button(
    update: Update, context: BotContext, admin: Administrator, lang: str, action: cb.AdminAction
) -> object:
    """A loan queue, or a decision on a loan (the step of ``STEPS``); the conversation ends either way."""
    await query_of(update).answer()
    try:
        await STEPS[action.verb](update, context, Press(admin, lang, action.subject))
    except P2PStockError as error:
        await tell_error(update, context, error, lang)
    return END


async def _show_queue(update: Update, context: BotContext, press: Press) -> object:
    """The first loans of a queue, a card each with the decisions its state allows."""
    queue = [STATUSES[press.subject]]
    loans = await call(context.services.lending.queue, queue, by=press.admin.id, limit=SHOWN + 1)
    if not loans:
        await say(update, context, text("admin.loans.empty", press.lang))
    for loan in loans[:SHOWN]:
        await say(update, context, await card(context, loan, press.lang), _decisions(loan, press.lang))
    if len(loans) > SHOWN:
        await say(update, context, text("admin.more", press.lang, shown=SHOWN))
    return END


async def card(context: BotContext, loan: Loan, lang: str) -> str:
    documents = await call(context.services.customers.documents, loan.borrower_id)
    lines = [
        text(
            "admin.loan.card",
            lang,
            id=loan.id,
            borrower=loan.borrower_id,
            amount=Money(loan.amount),
            months=loan.terms.months,
            rate=percent(loan.terms.rate_bp),
            method=loan.terms.method,
            purpose=loan.purpose,
            status=loan.status,
            funded=Money(loan.funded),
            investors=loan.investors,
        )
    ]
    lines += [
        text("admin.loan.document", lang, id=d.id, kind=d.kind, status=d.status)
        for d in documents
        if d.id in loan.documents
    ]
    lines += [
        text("admin.loan.review", lang, by=r.by, outcome=text("loan.yes" if r.approved else "loan.no", lang))
        for r in loan.reviews
    ]
    return "\n".join(lines)


def _decisions(loan: Loan, lang: str) -> InlineKeyboardMarkup | None:
    row = [
        button(text(label, lang), cb.AdminAction(verb, loan.id))
        for verb, label in DECISIONS.get(loan.status, ())
    ]
    return InlineKeyboardMarkup([row]) if row else None


def _decision(decide: Callable[[Lending, str, str], Loan], done: str) -> Step:
    """The step of a decision that moves a loan on: ``decide(lending, loan id, by)``, then ``done`` told."""

    async def step(update: Update, context: BotContext, press: Press) -> object:
        loan = await call(decide, context.services.lending, press.subject, press.admin.id)
        await say(update, context, text(done, press.lang, id=loan.id, amount=Money(loan.amount)))
        return END

    return step


STEPS: Steps = {
    "ln_q": _show_queue,
    "ln_first": _decision(
        lambda lending, loan_id, by: lending.first_review(loan_id, by=by), "admin.loan.first_done"
    ),
    "ln_final": _decision(
        lambda lending, loan_id, by: lending.final_review(loan_id, by=by), "admin.loan.listed"
    ),
    "ln_full": _decision(
        lambda lending, loan_id, by: lending.approve_full(loan_id, by=by), "admin.loan.disbursed"
    ),
}
VERBS = frozenset(STEPS)


async def reject(
    context: BotContext, admin: Administrator, lang: str, rejection: cb.AdminAction, reason: str
) -> str:
    """A rejection at a review (``ln_no``) or at the full review (``ln_ref``), with its reason."""
    lending = context.services.lending
    turn_down = lending.refuse_full if rejection.verb == "ln_ref" else lending.reject
    loan = await call(turn_down, rejection.subject, by=admin.id, reason=reason)
    return text("admin.loan.rejected", lang, id=loan.id, reason=loan.reason)
