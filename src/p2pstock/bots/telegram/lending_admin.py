"""Administrators' loan queues in the bot: first review, final review (listing), full review (disbursement)
and the loans being repaid, each loan a card with the buttons its state allows.

::

    a:menu:loans ──► the queues ──a:ln_q:<queue>──► cards ──a:ln_first|ln_final|ln_full:<id>──► done
                                                          ──a:ln_no|ln_ref:<id>──► a reason typed (admin.py)

Core checks every permission and state again; a button of a loan that moved on gets core's refusal.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from telegram import InlineKeyboardMarkup, Update

from p2pstock.bots.telegram import callbacks as cb
from p2pstock.bots.telegram.admin_steps import END, Desk, deciding, rejecting
from p2pstock.bots.telegram.admin_views import queue
from p2pstock.bots.telegram.context import BotContext, call, say
from p2pstock.bots.telegram.keyboards import button, markup
from p2pstock.bots.telegram.loan_card import Audience, Seen, loan_text
from p2pstock.bots.telegram.press import Press, Step
from p2pstock.bots.telegram.texts import text
from p2pstock.core.lending.loans import Loan, LoanStatus
from p2pstock.core.lending.service import VIEW, Lending
from p2pstock.core.money import Money

MENU_PERMISSIONS = frozenset(VIEW)
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
    LoanStatus.REPAYING: (("ln_wo", "admin.loan.write_off"),),  # its reason asked (lending_guarantee)
}


async def show_menu(update: Update, context: BotContext, press: Press) -> object:
    lang = press.lang
    rows = [[button(text(f"admin.loans.{name}", lang), cb.AdminAction("ln_q", name))] for name in STATUSES]
    await say(update, context, text("admin.loans.menu", lang), InlineKeyboardMarkup(rows))
    return END


async def _show(update: Update, context: BotContext, press: Press, loan: Loan) -> None:
    """A loan's card with the decisions its state allows."""
    documents = await call(context.services.customers.documents, loan.borrower_id)
    shown = loan_text(loan, Audience.STAFF, press.lang, Seen(documents=documents))
    await say(update, context, shown, _decisions(loan, press.lang))


_show_queue = queue(
    lambda context, press: partial(context.services.lending.queue, [STATUSES[press.subject]]),
    _show,
    verb="ln_q",
    empty="admin.loans.empty",
)
"""The first loans of a queue."""


def _decisions(loan: Loan, lang: str) -> InlineKeyboardMarkup | None:
    row = [
        (text(label, lang), cb.AdminAction(verb, loan.id)) for verb, label in DECISIONS.get(loan.status, ())
    ]
    return markup([row])


def _decision(decide: Callable[[Lending, str, str], Loan], done: str) -> Step:
    """The step of a decision that moves a loan on: ``decide(lending, loan id, by)``, the card's buttons
    taken off, then ``done`` told."""

    async def carry(context: BotContext, press: Press) -> str:
        loan = await call(decide, context.services.lending, press.subject, press.admin.id)
        return text(done, press.lang, id=loan.id, amount=Money(loan.amount))

    return deciding(carry)


DESK = Desk(
    {
        "ln_q": _show_queue,
        "ln_first": _decision(lambda lending, i, by: lending.first_review(i, by=by), "admin.loan.first_done"),
        "ln_final": _decision(lambda lending, i, by: lending.final_review(i, by=by), "admin.loan.listed"),
        "ln_full": _decision(lambda lending, i, by: lending.approve_full(i, by=by), "admin.loan.disbursed"),
    },
    rejections={
        "ln_no": rejecting(lambda context: context.services.lending.reject, "admin.loan.rejected"),
        "ln_ref": rejecting(lambda context: context.services.lending.refuse_full, "admin.loan.rejected"),
    },
)
"""The loans' buttons: the queues, and the decisions on a loan (a rejection at a review, ``ln_no``, or at
the full review, ``ln_ref``, once its reason is typed)."""
