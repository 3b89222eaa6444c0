"""Bidding in the financing hall, the full-loan review and disbursement, and failed listings.

An investment is between min(minimum bid, remainder) and the remainder, going up in the product's bid
step (the remainder itself is always accepted), and is frozen at once from the investor's available
balance as a hold on the loan's escrow. The loan row is locked and saved by version in the same
transaction as the hold, so under any concurrency the loan is never funded beyond its amount and every
accepted investment is counted. The investment that fills the loan makes it full (满标); a full review
(复审) then disburses it — every hold posted, the borrower paid the amount less the listing fee, in one
linked batch — and creates its schedule, or refuses it. A loan not full by its deadline fails (流标).
Failing or refusing releases every investment and tells the investors.
"""

from __future__ import annotations

from collections.abc import Iterator

import attrs

from p2pstock.core.backoffice import SYSTEM, Tx
from p2pstock.core.errors import (
    IdempotencyConflict,
    InvalidInput,
    Refused,
)
from p2pstock.core.identifiers import record_id
from p2pstock.core.ledger import chart, codes
from p2pstock.core.ledger.service import wallet_short
from p2pstock.core.ledger.transfers import Transfer
from p2pstock.core.lending import schedules
from p2pstock.core.lending.desk import LoanDesk
from p2pstock.core.lending.lenders import lender
from p2pstock.core.lending.loans import (
    Investment,
    InvestmentStatus,
    Loan,
    LoanInstallment,
    LoanStatus,
    Review,
    hold_id,
)
from p2pstock.core.lending.products import share_of
from p2pstock.core.money import Money
from p2pstock.core.people.customers import Customer
from p2pstock.core.people.permissions import Permission
from p2pstock.core.validation import check_reason, check_text

MAX_NOTE = 200


def investment_id(investor_id: str, request_id: str | None) -> str:
    return record_id("i", investor_id, request_id, digits=15)


def invest(
    desk: LoanDesk, tx: Tx, loan_id: str, investor_id: str, amount: int, *, request_id: str | None = None
) -> Investment:
    new_id = investment_id(investor_id, request_id)
    known = tx.uow.investments.get(new_id)
    if known is not None:
        if (known.loan_id, known.investor_id, known.amount) != (loan_id, investor_id, amount):
            raise IdempotencyConflict(
                f"request {request_id} was used for another investment", code="request_reused"
            )
        return known
    loan = desk.load(tx, loan_id)
    _check_bid(tx, loan, investor_id, amount)
    investment = Investment(new_id, loan.id, investor_id, amount, tx.now)
    _freeze(desk, tx, investment)
    tx.uow.investments.add(investment)
    funded = attrs.evolve(loan, funded=loan.funded + amount, investors=loan.investors + 1)
    if funded.remainder == 0:
        funded = attrs.evolve(funded, status=LoanStatus.FULL)
    saved = desk.change(tx, loan, funded, actor=investor_id, action="invest")
    tx.tell(tx.uow.customers.get(investor_id), "loan.invested", id=loan.id, amount=Money(amount))
    if saved.status is LoanStatus.FULL:
        tx.tell(tx.uow.customers.get(loan.borrower_id), "loan.full", id=loan.id)
        tx.tell_staff(Permission.LOAN_FULL_REVIEW, "loan.full.staff", id=loan.id, amount=Money(loan.amount))
    return investment


def _check_bid(tx: Tx, loan: Loan, investor_id: str, amount: int) -> None:
    if loan.status is not LoanStatus.LISTED or loan.deadline is None or tx.now >= loan.deadline:
        raise Refused(f"loan {loan.id} is not open for bidding", code="loan_not_open", loan=loan.id)
    if investor_id == loan.borrower_id:
        raise Refused("a borrower cannot invest in their own loan", code="own_loan")
    lender(tx, investor_id)
    check_amount(loan, amount)


def check_amount(loan: Loan, amount: int) -> None:
    """Raise ``InvalidInput`` unless ``amount`` is a bid the loan accepts now: min(minimum bid, remainder)
    to the remainder, up from the lower bound in the product's steps (the remainder itself always)."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise InvalidInput("the amount must be a whole number of fen", code="whole_number")
    low, high = loan.bid_range()
    if not low <= amount <= high:
        raise InvalidInput(
            f"invest between {Money(low)} and {Money(high)}",
            code="investment_range",
            least=Money(low),
            most=Money(high),
        )
    step = loan.product.bid_step
    if amount != high and (amount - low) % step:
        raise InvalidInput(
            f"investments go up from {Money(low)} in steps of {Money(step)}",
            code="investment_step",
            least=Money(low),
            step=Money(step),
        )


def _freeze(desk: LoanDesk, tx: Tx, investment: Investment) -> None:
    desk.ledger.create_accounts_in(tx.uow.ledger, [chart.wallet(investment.investor_id)])
    hold = Transfer.pending(
        hold_id(investment.id),
        debit=chart.wallet_id(investment.investor_id),
        credit=chart.loan_escrow_id(investment.loan_id),
        amount=investment.amount,
        code=codes.LOAN_INVESTMENT,
        reference=investment.loan_id,
    )
    desk.move(tx, [hold], short=wallet_short(investment.amount))


def approve_full(desk: LoanDesk, tx: Tx, loan_id: str, *, by: str, note: str = "") -> Loan:
    """Pass the full review: disburse the loan and create its schedule."""
    admin = tx.admin(by, Permission.LOAN_FULL_REVIEW)
    loan = desk.load(tx, loan_id)
    if loan.status is LoanStatus.REPAYING and loan.reviews[-1].by == admin.id:
        return loan
    loan.require(LoanStatus.FULL)
    holders = tx.uow.investments.holders(loan.id)  # each investment with its investor, in one read
    investments = [i for i, _ in holders]
    fee = share_of(loan.amount, loan.product.listing_fee_bp)
    if loan.product.reserve_fee_bp:  # its share of the fees, now and at every repayment
        desk.ledger.create_accounts_in(tx.uow.ledger, [chart.guarantee_reserve(loan.product.code)])
    desk.move(tx, _disbursement(loan, investments, fee))
    tx.uow.investments.save_all([attrs.evolve(i, status=InvestmentStatus.HOLDING) for i in investments])
    start = desk.today(tx)
    plan = schedules.schedule(loan.amount, loan.terms.rate_bp, loan.terms.months, loan.terms.method, start)
    tx.uow.installments.add_all(
        [LoanInstallment(loan.id, i.number, i.due, i.principal, i.interest) for i in plan]
    )
    review = Review(admin.id, tx.now, True, check_text(note, "note", MAX_NOTE, lines=True))
    disbursed = attrs.evolve(
        loan,
        status=LoanStatus.REPAYING,
        reviews=(*loan.reviews, review),
        disbursed_at=tx.now,
        start_date=start,
    )
    saved = desk.change(tx, loan, disbursed, actor=admin.id, action="disburse")
    borrower = tx.uow.customers.get(loan.borrower_id)
    tx.tell(borrower, "loan.disbursed", id=loan.id, amount=Money(loan.amount - fee), due=str(plan[0].due))
    tx.tell_each("loan.lent", _each_investor(loan, holders))
    return saved


def _each_investor(
    loan: Loan, holders: list[tuple[Investment, Customer | None]]
) -> Iterator[tuple[Customer | None, dict[str, object]]]:
    """Each investor of ``loan`` with what a message about their investment says."""
    return ((investor, {"id": loan.id, "amount": Money(i.amount)}) for i, investor in holders)


def _disbursement(loan: Loan, investments: list[Investment], fee: int) -> list[Transfer]:
    """Every hold posted, the borrower paid and the listing fee taken — the product's ``reserve_fee_bp`` of
    it into its guarantee reserve: all or nothing (linked)."""
    if sum(i.amount for i in investments) != loan.amount:
        raise Refused(
            f"loan {loan.id}'s investments do not add up to its amount",
            code="investments_mismatch",
            loan=loan.id,
        )
    escrow = chart.loan_escrow_id(loan.id)
    moves = [
        Transfer.post(f"{hold_id(i.id)}:post", pending_id=hold_id(i.id), linked=True) for i in investments
    ]
    reserve = share_of(fee, loan.product.reserve_fee_bp)
    fees = [
        (f"loan:{loan.id}:listing-fee", chart.fee_income().id, fee - reserve, codes.LOAN_LISTING_FEE),
        (f"loan:{loan.id}:reserve-fee", _reserve_id(loan, reserve), reserve, codes.LOAN_RESERVE_FEE),
    ]
    fees = [taken for taken in fees if taken[2]]
    moves.append(
        Transfer.single(
            f"loan:{loan.id}:disburse",
            debit=escrow,
            credit=chart.wallet_id(loan.borrower_id),
            amount=loan.amount - fee,
            code=codes.LOAN_DISBURSEMENT,
            reference=loan.id,
            linked=bool(fees),
        )
    )
    last = len(fees) - 1
    moves += [
        Transfer.single(
            id_, debit=escrow, credit=to, amount=value, code=code, reference=loan.id, linked=n < last
        )
        for n, (id_, to, value, code) in enumerate(fees)
    ]
    return moves


def _reserve_id(loan: Loan, share: int) -> str:
    return chart.guarantee_reserve_id(loan.product.code) if share else ""


def refuse_full(desk: LoanDesk, tx: Tx, loan_id: str, *, by: str, reason: str) -> Loan:
    """Refuse a full loan at its review: every investment released."""
    admin = tx.admin(by, Permission.LOAN_FULL_REVIEW)
    loan = desk.load(tx, loan_id)
    if loan.status is LoanStatus.REFUSED:
        return loan
    loan.require(LoanStatus.FULL)
    why = check_reason(reason)
    refused = attrs.evolve(
        loan,
        status=LoanStatus.REFUSED,
        reviews=(*loan.reviews, Review(admin.id, tx.now, False, why)),
        reason=why,
    )
    saved = _release(desk, tx, loan, refused, actor=admin.id, key="loan.refused")
    tx.tell(tx.uow.customers.get(loan.borrower_id), "loan.refused.borrower", id=loan.id, reason=why)
    return saved


def fail_unfunded(desk: LoanDesk, tx: Tx, limit: int) -> int:
    """Fail the listed loans whose bidding deadline has passed (流标); how many."""
    failed = 0
    for candidate in tx.uow.loans.bidding_closed(tx.now, limit):
        loan = desk.load(tx, candidate.id)
        if loan.status is LoanStatus.LISTED and loan.deadline is not None and loan.deadline <= tx.now:
            closed = attrs.evolve(loan, status=LoanStatus.FAILED, reason="not fully funded by the deadline")
            _release(desk, tx, loan, closed, actor=SYSTEM, key="loan.failed")
            tx.tell(tx.uow.customers.get(loan.borrower_id), "loan.failed.borrower", id=loan.id)
            failed += 1
    return failed


def _release(desk: LoanDesk, tx: Tx, loan: Loan, closed: Loan, *, actor: str, key: str) -> Loan:
    holders = tx.uow.investments.holders(loan.id)
    investments = [i for i, _ in holders]
    desk.move(tx, [Transfer.void(f"{hold_id(i.id)}:void", pending_id=hold_id(i.id)) for i in investments])
    tx.uow.investments.save_all([attrs.evolve(i, status=InvestmentStatus.RELEASED) for i in investments])
    saved = desk.change(tx, loan, closed, actor=actor, action=closed.status.value)
    tx.tell_each(key, _each_investor(loan, holders))
    return saved


def check_bid(tx: Tx, loan: Loan, investor_id: str, amount: int) -> None:
    """Raise as ``invest`` would refuse ``investor_id`` investing ``amount`` in ``loan`` as it stands;
    changes nothing (auto-invest asks before it freezes anything)."""
    _check_bid(tx, loan, investor_id, amount)
