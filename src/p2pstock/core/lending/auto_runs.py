"""One auto-invest run: a listed loan served to the rules that admit it, in one transaction.

The loan is locked (as a bid by hand locks it, so bids racing the run stay exact), then the wallets of the
rules that admit it; ``auto_invest.pick`` decides who invests what, asking ``bidding.check_bid`` about each
investor before anything is frozen, so an investor a business rule refuses (not verified, the risk
disclosure not accepted) is skipped and nothing is left half done. Every investment is an ordinary one
(``origin`` ``auto``), frozen as a hold on the loan's escrow, its id named by the loan. The loan is saved
once, marked ``auto_done``, with the rules that fired and the investors told.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence

import attrs

from p2pstock.core.backoffice import SYSTEM, Tx
from p2pstock.core.errors import P2PStockError
from p2pstock.core.identifiers import record_id
from p2pstock.core.ledger import chart, codes
from p2pstock.core.ledger.accounts import Account
from p2pstock.core.ledger.service import wallet_short
from p2pstock.core.ledger.transfers import Transfer
from p2pstock.core.lending import auto_invest, bidding
from p2pstock.core.lending.auto_invest import AutoInvestRule
from p2pstock.core.lending.desk import LoanDesk
from p2pstock.core.lending.loans import AUTO, Investment, Loan, LoanStatus, hold_id
from p2pstock.core.money import Money
from p2pstock.core.people.customers import Customer
from p2pstock.core.people.permissions import Permission

log = logging.getLogger(__name__)


@attrs.frozen
class AutoRun:
    """What one run did to a loan: the investments it made and the investors told their balance is low;
    ``ran`` is false when the loan was served before (or is no longer listed)."""

    loan: Loan
    investments: tuple[Investment, ...] = ()
    told: tuple[str, ...] = ()
    ran: bool = False


def serve(desk: LoanDesk, tx: Tx, loan_id: str) -> AutoRun:
    """Serve the listed loan ``loan_id`` to the rules that admit it, in their queue's order, and mark it
    served; a loan served before (or no longer listed) is left as it is."""
    loan = desk.load(tx, loan_id)
    if loan.auto_done or loan.status is not LoanStatus.LISTED:
        return AutoRun(loan)
    admitting = tx.uow.auto_invest_rules.admitting(loan.terms.months, loan.terms.rate_bp)
    rules = auto_invest.queue(rule for rule in admitting if rule.admits(loan))
    wallets = tx.uow.ledger.lock_accounts([chart.wallet_id(r.investor_id) for r in rules]) if rules else {}
    picked = _pick(tx, loan, rules, wallets)
    bids = [
        Investment(auto_investment_id(who, loan.id), loan.id, who, amount, tx.now, origin=AUTO)
        for who, amount in picked.amounts
    ]
    saved = _place(desk, tx, loan, picked.funded, bids)
    told = [rule.investor_id for rule in picked.short]
    tx.uow.auto_invest_rules.record([i.investor_id for i in bids], tx.now, told)
    _tell(tx, saved, bids, picked.short, wallets)
    return AutoRun(saved, tuple(bids), tuple(told), ran=True)


Wallets = dict[str, Account]


def _pick(tx: Tx, loan: Loan, rules: Sequence[AutoInvestRule], wallets: Wallets) -> auto_invest.Pick:
    """What the rules put in ``loan``, each investor asked about (``bidding.check_bid``) before."""
    available = {rule.investor_id: _available(wallets, rule.investor_id) for rule in rules}

    def may_invest(funded: Loan, investor_id: str, amount: int) -> bool:
        return _may_invest(tx, funded, investor_id, amount)

    return auto_invest.pick(loan, rules, available, tx.uow.investments.of_loan(loan.id), may_invest)


def _available(wallets: Wallets, investor_id: str) -> int:
    wallet = wallets.get(chart.wallet_id(investor_id))
    return 0 if wallet is None else wallet.available


def _may_invest(tx: Tx, loan: Loan, investor_id: str, amount: int) -> bool:
    """Whether bidding would take ``amount`` from the investor now (checked before anything is frozen)."""
    try:
        bidding.check_bid(tx, loan, investor_id, amount)
    except P2PStockError as refusal:
        log.debug("auto-invest skipped %s on loan %s: %s", investor_id, loan.id, refusal.code)
        return False
    return True


def _place(desk: LoanDesk, tx: Tx, loan: Loan, funded: Loan, bids: Sequence[Investment]) -> Loan:
    """Freeze and store ``bids``, and save the loan as they fund it, served (full if they fill it)."""
    escrow = chart.loan_escrow_id(loan.id)
    holds = [
        Transfer.pending(
            hold_id(i.id),
            debit=chart.wallet_id(i.investor_id),
            credit=escrow,
            amount=i.amount,
            code=codes.LOAN_INVESTMENT,
            reference=loan.id,
        )
        for i in bids
    ]
    if holds:
        desk.move(tx, holds, short=wallet_short(max(i.amount for i in bids)))
    for investment in bids:
        tx.uow.investments.add(investment)
    full = funded.remainder == 0
    served = attrs.evolve(funded, auto_done=True, status=LoanStatus.FULL if full else funded.status)
    saved = desk.change(tx, loan, served, actor=SYSTEM, action="auto_invest")
    if full:
        tx.tell(tx.uow.customers.get(loan.borrower_id), "loan.full", id=loan.id)
        tx.tell_staff(Permission.LOAN_FULL_REVIEW, "loan.full.staff", id=loan.id, amount=Money(loan.amount))
    return saved


def _tell(
    tx: Tx, loan: Loan, bids: Sequence[Investment], short: Sequence[AutoInvestRule], wallets: Wallets
) -> None:
    """Tell each investor what their rule put in the loan, and each investor skipped for a low balance why."""
    if not bids and not short:
        return
    customers = tx.uow.customers.many([i.investor_id for i in bids] + [r.investor_id for r in short])
    terms = {"id": loan.id, "months": loan.terms.months, "rate": auto_invest.percent(loan.terms.rate_bp)}
    tx.tell_each(
        "loan.auto_invested",
        _each(customers, ((i.investor_id, {**terms, "amount": Money(i.amount)}) for i in bids)),
    )
    low = {"id": loan.id, "min_bid": Money(loan.terms.min_bid)}
    told = (
        (
            r.investor_id,
            {**low, "available": Money(_available(wallets, r.investor_id)), "keep": Money(r.terms.keep)},
        )
        for r in short
    )
    tx.tell_each("loan.auto_invest_short", _each(customers, told))


def _each(
    customers: dict[str, Customer], told: Iterable[tuple[str, dict[str, object]]]
) -> Iterable[tuple[Customer | None, dict[str, object]]]:
    return ((customers.get(customer_id), values) for customer_id, values in told)


def auto_investment_id(investor_id: str, loan_id: str) -> str:
    """The investment an investor's rule makes in a loan: named by both, apart from every id a request id
    of a bid by hand can give (the owner part holds a character no request id may)."""
    return record_id("i", f"{investor_id}\x00auto", loan_id, digits=15)
