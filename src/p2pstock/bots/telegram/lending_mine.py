"""A customer's own loans and investments: what they invested in, and what they borrowed — its unpaid
installments, repaying what is due or everything early, withdrawing an application not yet listed.

::

    📒 m:loans   loans and investments (◀ ▶ ln:mine:<page>) ──ln:loan:<id>──► installments, with
                 ln:pay:<id> (what is due) / ln:early:<id> (everything) ──► confirm ln:ok / ln:drop,
                 or ln:wd:<id> (withdrawn)
"""

from __future__ import annotations

from telegram import Update

from p2pstock.bots.telegram import callbacks as cb
from p2pstock.bots.telegram.context import (
    BotContext,
    attempt,
    call,
    edit,
    ended,
    handled,
    outdated,
    query_of,
    tell_error,
)
from p2pstock.bots.telegram.keyboards import button, keyboard
from p2pstock.bots.telegram.lending_confirming import Confirmation, Kept
from p2pstock.bots.telegram.lending_transfer import sell_rows
from p2pstock.bots.telegram.loan_card import Audience, Seen, loan_text, own_line
from p2pstock.bots.telegram.pages import Page, Paged, Shown
from p2pstock.bots.telegram.platform_time import today
from p2pstock.bots.telegram.press import Press
from p2pstock.bots.telegram.services import BotServices
from p2pstock.bots.telegram.texts import text
from p2pstock.bots.telegram.typed import END
from p2pstock.core.errors import P2PStockError
from p2pstock.core.lending.loans import InvestmentStatus, Loan, LoanStatus
from p2pstock.core.lending.views import Holding, InstallmentView
from p2pstock.core.lending.write_off import unrecovered
from p2pstock.core.money import Money
from p2pstock.core.names import code_name
from p2pstock.core.people.customers import Customer

SHOWN_INSTALLMENTS = 6
MINE_PAGE = 8
"""Loans and investments on one page of the customer's."""
_WITHDRAW = (("wd", "loan.withdraw.button"),)
OWN_BUTTONS = {
    LoanStatus.REPAYING: (("pay", "loan.pay.button"), ("early", "loan.early.button")),
    LoanStatus.APPLIED: _WITHDRAW,
    LoanStatus.FIRST_REVIEWED: _WITHDRAW,
}
"""What a borrower may do with their loan in each state: (verb, label)."""


async def _mine_page(context: BotContext, press: Press, number: int, _: str) -> Shown:
    """Page ``number`` of the loans the customer borrowed (a button each), then those they invested in."""
    lang, who = press.lang, press.customer.id
    loans = await call(context.services.lending.loans_of, who)
    holdings = await call(context.services.lending.holdings, who)
    if not loans and not holdings:
        return text("loan.mine.empty", lang), None
    page = Page[Loan | Holding].of([*loans, *holdings], number, MINE_PAGE)
    borrowed = [loan for loan in page.items if isinstance(loan, Loan)]
    invested = [holding for holding in page.items if isinstance(holding, Holding)]
    lines = (
        [text("loan.mine.borrowed", lang)] + [own_line(loan, lang) for loan in borrowed] if borrowed else []
    )
    if invested:
        advanced = await _advanced(context, invested)
        lines.append(text("loan.mine.invested", lang))
        lines += [_holding_line(holding, lang, holding.loan.id in advanced) for holding in invested]
    rows = [
        [button(text("loan.mine.button", lang, id=loan.id), cb.LoanStep("loan", loan.id))]
        for loan in borrowed
    ]
    rows += sell_rows(invested, lang)  # 💱 sell from a holding (lending_transfer)
    return "\n".join(lines), page.keyboard(lang, lambda to: cb.LoanStep("mine", str(to)), rows)


MINE = Paged(_mine_page)
show_mine, turn_mine = MINE.show, MINE.turn
"""📒 the first page of the customer's loans and investments; ◀ ▶ under it: ``<page>``."""


def _holding_line(holding: Holding, lang: str, advanced: bool = False) -> str:
    i, loan = holding.investment, holding.loan
    received = Money(i.principal_received + i.interest_received + i.penalty_received)
    if i.status is InvestmentStatus.WRITTEN_OFF:
        lost, amount = Money(unrecovered(i)), Money(i.amount)
        return text("loan.mine.written_off", lang, id=loan.id, amount=amount, received=received, lost=lost)
    expected = Money(sum(row.total for row in holding.expected))
    money = {"amount": Money(i.amount), "received": received, "expected": expected}
    bucket = code_name("bucket", holding.bucket, lang)
    line = text("loan.mine.holding", lang, id=loan.id, status=loan.status, bucket=bucket, **money)
    return line + text("loan.mine.advanced", lang) if advanced else line


async def _advanced(context: BotContext, holdings: list[Holding]) -> set[str]:
    """The loans of ``holdings`` with an installment the guarantee reserve advanced and the borrower has not
    repaid (read only for loans overdue past their product's guarantee days)."""
    late = {
        h.loan.id
        for h in holdings
        if h.loan.status is LoanStatus.REPAYING and h.days_overdue > h.loan.product.guarantee_days > 0
    }
    found = set()
    for loan_id in sorted(late):
        plan = await call(context.services.lending.installments, loan_id)
        if any(i.advanced_at is not None and not i.settled for i in plan):
            found.add(loan_id)
    return found


async def show_own_loan(update: Update, context: BotContext, press: Press) -> object:
    """The borrower's loan: its state, why it was turned down, its next unpaid installments."""
    loan = await _own_loan(update, context, press)
    unpaid = await _unpaid(context, loan) if loan.status is LoanStatus.REPAYING else []
    shown = loan_text(loan, Audience.BORROWER, press.lang, Seen(unpaid=unpaid[:SHOWN_INSTALLMENTS]))
    if loan.status is LoanStatus.WRITTEN_OFF:
        owed = await call(context.services.guarantee.still_owed, loan.id, customer_id=press.customer.id)
        shown += "\n" + text("loan.own.written_off", press.lang, owed=Money(owed))
    choices = OWN_BUTTONS.get(loan.status, ())
    row = [button(text(label, press.lang), cb.LoanStep(verb, loan.id)) for verb, label in choices]
    return await ended(update, context, shown, keyboard(row))


async def ask_repay(update: Update, context: BotContext, press: Press) -> object:
    """What is due now (or the next installment), to confirm."""
    loan = await _own_loan(update, context, press)
    unpaid, day = await _unpaid(context, loan), today(context)
    due = [v for v in unpaid if v.installment.due <= day] or unpaid[:1]
    return await _ask_to_repay(
        update, context, press, loan, repaying=REPAYING, amount=sum(view.owed for view in due)
    )


async def ask_early(update: Update, context: BotContext, press: Press) -> object:
    """What repaying everything today costs, to confirm."""
    loan = await _own_loan(update, context, press)
    paying_off, who = context.services.lending.payoff, press.customer.id
    payoff = await attempt(update, context, press.lang, paying_off, loan.id, customer_id=who)
    return await _ask_to_repay(update, context, press, loan, repaying=REPAYING_EARLY, amount=payoff.total)


async def _ask_to_repay(
    update: Update, context: BotContext, press: Press, loan: Loan, *, repaying: Confirmation, amount: int
) -> object:
    """A repayment to confirm: core refuses it if the loan was repaid meanwhile or the amount changed."""
    key = "loan.early.confirm" if repaying is REPAYING_EARLY else "loan.pay.confirm"
    message = text(key, press.lang, id=loan.id, amount=Money(amount))
    return await repaying.ask(
        update, context, press.lang, message, loan=loan.id, amount=amount, payments=loan.payments
    )


async def withdraw(update: Update, context: BotContext, press: Press) -> object:
    await query_of(update).answer()
    withdrawing, who = context.services.lending.withdraw, press.customer.id
    loan = await attempt(update, context, press.lang, withdrawing, press.subject, customer_id=who)
    await edit(update, text("loan.withdrawn", press.lang, id=loan.id))
    return END


async def _own_loan(update: Update, context: BotContext, press: Press) -> Loan:
    """The customer's own loan the button names, the press answered (else they are told, and the step
    ends)."""
    try:
        loan = await call(context.services.lending.get, press.subject)
    except P2PStockError as error:
        await query_of(update).answer()
        await tell_error(update, context, error, press.lang)
        handled(END)
    if loan.borrower_id != press.customer.id:
        await outdated(update, press.lang)
        handled(END)
    await query_of(update).answer()
    return loan


async def _unpaid(context: BotContext, loan: Loan) -> list[InstallmentView]:
    plan = await call(context.services.lending.schedule, loan.id)
    return [view for view in plan if not view.installment.settled]


def _repay(services: BotServices, customer: Customer, step: Kept, rid: str) -> str:
    """What is due (``repay``: the amount shown) or everything (``early``), as long as nothing changed."""
    loan_id, amount, seen = str(step["loan"]), int(step["amount"]), int(step["payments"])
    lending, who = services.lending, customer.id
    if step["kind"] == REPAYING_EARLY.kind:
        lending.repay_early(loan_id, customer_id=who, request_id=rid, expected=amount, payments_seen=seen)
    else:
        lending.repay(
            loan_id, customer_id=who, request_id=rid, amount=amount, expected=amount, payments_seen=seen
        )
    return text("loan.done.repay", customer.language, id=loan_id, amount=Money(amount))


REPAYING = Confirmation("repay", "loan.confirm.button", _repay)
REPAYING_EARLY = Confirmation("early", "loan.confirm.button", _repay)
