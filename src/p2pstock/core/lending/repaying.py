"""The repayment steps: the borrower repaying from the wallet, repaying the whole loan early, and the jobs
that collect what falls due, accrue penalty interest, remind borrowers and tell everyone of arrears.

Every step locks the loan first, so payments on one loan are applied one after another. A payment's
transfers are named after the loan and its sequence number (or the caller's request id), so one payment
is never booked twice. The jobs are idempotent for a business date: penalty interest is worked out up to
a day once, a reminder and an overdue alert go out once per installment, and what falls due is collected
from the wallet's available balance as far as it goes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta

import attrs

from p2pstock.core.backoffice import SYSTEM, Tx
from p2pstock.core.errors import InsufficientFunds, InvalidInput, LedgerRefused, NotFound
from p2pstock.core.ledger import chart
from p2pstock.core.ledger.results import TransferResult
from p2pstock.core.lending import repayments
from p2pstock.core.lending.desk import LoanDesk
from p2pstock.core.lending.loans import Loan, LoanInstallment, LoanStatus
from p2pstock.core.lending.products import share_of
from p2pstock.core.lending.repayments import accrued, owed
from p2pstock.core.money import Money
from p2pstock.core.people.permissions import Permission
from p2pstock.core.validation import check_id

REMINDER_DAYS = 3
"""Days before a due date the borrower is reminded."""


@attrs.frozen
class Payoff:
    """What repaying the whole loan on a day costs, and the installments it settles."""

    total: int
    early_fee: int
    installments: tuple[LoanInstallment, ...]


def repay(
    desk: LoanDesk, tx: Tx, loan_id: str, customer_id: str, *, amount: int | None, request_id: str | None
) -> Loan:
    """Repay ``amount`` (default: everything due now, or the next installment) from the borrower's wallet."""
    loan = _own(desk, tx, loan_id, customer_id)
    key = _key(loan, request_id)
    if _done(tx, loan, key):
        return loan
    loan.require(LoanStatus.REPAYING)
    day = desk.today(tx)
    plan = _accrued(tx, loan, day)
    payable = repayments.payable(plan, day)
    most = sum(owed(i).total for i in payable)
    wanted = repayments.due_now(plan, day) if amount is None else amount
    if isinstance(wanted, bool) or not isinstance(wanted, int) or not 0 < wanted <= most:
        raise InvalidInput(
            f"repay between ¥0.01 and {Money(most)} now; to repay more, repay the whole loan early"
        )
    return _pay(desk, tx, loan, plan, payable, amount=wanted, actor=customer_id, key=key)


def payoff(loan: Loan, plan: Sequence[LoanInstallment], day: date) -> Payoff:
    """Repaying everything on ``day``: what is due in full, the current period's interest up to ``day``,
    later periods' principal without interest, and the product's early repayment fee on that principal."""
    open_ = [i for i in plan if not i.settled]
    due = [i for i in open_ if i.due <= day]
    later = [i for i in open_ if i.due > day]
    rewritten = [_interest_to_date(loan, plan, later[0], day)] if later else []
    rewritten += [attrs.evolve(i, interest=i.paid_interest) for i in later[1:]]
    fee = share_of(sum(i.unpaid_principal for i in later), loan.product.early_fee_bp)
    settled = (*due, *rewritten)
    return Payoff(sum(owed(i).total for i in settled) + fee, fee, settled)


def _interest_to_date(
    loan: Loan, plan: Sequence[LoanInstallment], current: LoanInstallment, day: date
) -> LoanInstallment:
    before = [i.due for i in plan if i.number == current.number - 1]
    start = before[0] if before else loan.start_date or day
    period, elapsed = max((current.due - start).days, 1), max((day - start).days, 0)
    to_date = (current.interest * elapsed * 2 + period) // (2 * period)
    return attrs.evolve(current, interest=max(to_date, current.paid_interest))


def repay_early(desk: LoanDesk, tx: Tx, loan_id: str, customer_id: str, request_id: str | None) -> Loan:
    """Repay the whole loan now (see ``payoff``)."""
    loan = _own(desk, tx, loan_id, customer_id)
    key = _key(loan, request_id, "early")
    if _done(tx, loan, key):
        return loan
    loan.require(LoanStatus.REPAYING)
    day = desk.today(tx)
    plan = _accrued(tx, loan, day)
    quote = payoff(loan, plan, day)
    rewritten = {i.number: i for i in quote.installments}
    plan = [rewritten.get(i.number, i) for i in plan]
    targets = [i for i in plan if i.number in rewritten]
    return _pay(
        desk,
        tx,
        loan,
        plan,
        targets,
        amount=quote.total,
        actor=customer_id,
        key=key,
        early_fee=quote.early_fee,
    )


def quote_payoff(desk: LoanDesk, tx: Tx, loan_id: str, customer_id: str) -> Payoff:
    loan = _own(desk, tx, loan_id, customer_id)
    loan.require(LoanStatus.REPAYING)
    day = desk.today(tx)
    return payoff(loan, _accrued(tx, loan, day), day)


def _pay(
    desk: LoanDesk,
    tx: Tx,
    loan: Loan,
    plan: Sequence[LoanInstallment],
    targets: Sequence[LoanInstallment],
    *,
    amount: int,
    actor: str,
    key: str,
    early_fee: int = 0,
) -> Loan:
    changed, paid = repayments.apply(targets, amount - early_fee, tx.now)
    split_ = repayments.shares(tx.uow.investments.of_loan(loan.id), paid, loan.product.interest_fee_bp)
    try:
        desk.move(tx, repayments.transfers(loan, key, amount, split_, early_fee))
    except LedgerRefused as refused:
        if refused.result is TransferResult.EXCEEDS_CREDITS:
            raise InsufficientFunds(f"your available balance does not cover {Money(amount)}") from None
        raise
    tx.uow.investments.save_all([repayments.received(share) for share in split_])
    after = {i.number: i for i in (*plan, *changed)}
    _save_changed(tx, loan, list(after.values()))
    saved = desk.change(tx, loan, repayments.finish(loan, list(after.values())), actor=actor, action="repay")
    _tell_payment(tx, saved, amount, list(after.values()), split_)
    return saved


def _save_changed(tx: Tx, loan: Loan, plan: list[LoanInstallment]) -> None:
    stored = {i.number: i for i in tx.uow.installments.of_loan(loan.id)}
    tx.uow.installments.save_all([i for i in plan if stored.get(i.number) != i])


def _tell_payment(
    tx: Tx, loan: Loan, amount: int, plan: list[LoanInstallment], split_: Sequence[repayments.Share]
) -> None:
    borrower = tx.uow.customers.get(loan.borrower_id)
    if loan.status is LoanStatus.REPAID:
        tx.tell(borrower, "loan.repaid", id=loan.id)
    else:
        left = sum(owed(i).total for i in plan if not i.settled)
        tx.tell(borrower, "loan.repayment", id=loan.id, amount=Money(amount), left=Money(left))
    for share in split_:
        got = share.parts.total - share.fee
        if got:
            tx.tell(
                tx.uow.customers.get(share.investment.investor_id),
                "loan.received",
                id=loan.id,
                amount=Money(got),
            )


def _accrued(tx: Tx, loan: Loan, day: date) -> list[LoanInstallment]:
    return [accrued(i, day, loan.product) for i in tx.uow.installments.of_loan(loan.id)]


def _key(loan: Loan, request_id: str | None, kind: str = "pay") -> str:
    if request_id is not None:
        return f"{kind}-{check_id(request_id, 'request id')}"
    return f"{kind}{loan.payments + 1}"


def _done(tx: Tx, loan: Loan, key: str) -> bool:
    """Whether the payment named ``key`` was booked already."""
    first = f"loan:{loan.id}:{key}:in"
    return bool(tx.uow.ledger.find_transfers([first]))


def _own(desk: LoanDesk, tx: Tx, loan_id: str, customer_id: str) -> Loan:
    loan = desk.load(tx, loan_id)
    if loan.borrower_id != customer_id:
        raise NotFound(f"no loan {loan_id}")
    return loan


# -- the jobs ------------------------------------------------------------------------------------------------


def collect_due(desk: LoanDesk, tx: Tx, *, day: date, after: str, limit: int) -> tuple[int, int, str]:
    """Take what fell due by ``day`` from the borrowers' available balances, as far as it goes: (loans
    read, loans that paid something, the last loan id read)."""
    ids = tx.uow.installments.loans_due(day, after, limit)
    collected = 0
    for loan_id in ids:
        loan = desk.load(tx, loan_id)
        if loan.status is not LoanStatus.REPAYING:
            continue
        plan = _accrued(tx, loan, day)
        due = [i for i in plan if not i.settled and i.due <= day]
        wallet = tx.uow.ledger.find_accounts([chart.wallet_id(loan.borrower_id)]).get(
            chart.wallet_id(loan.borrower_id)
        )
        amount = min(wallet.available if wallet else 0, sum(owed(i).total for i in due))
        if amount > 0:
            _pay(desk, tx, loan, plan, due, amount=amount, actor=SYSTEM, key=_key(loan, None))
            collected += 1
    return len(ids), collected, ids[-1] if ids else after


def accrue_penalties(desk: LoanDesk, tx: Tx, day: date, limit: int) -> int:
    """Work out the penalty interest of overdue installments up to ``day``; how many were worked out."""
    found = tx.uow.installments.penalty_due(day, limit)
    _rewrite(desk, tx, found, lambda loan, i: accrued(i, day, loan.product))
    return len(found)


def remind(desk: LoanDesk, tx: Tx, day: date, limit: int) -> int:
    """Remind borrowers of installments falling due within ``REMINDER_DAYS`` (once each); how many."""
    told = 0

    def reminded(loan: Loan, installment: LoanInstallment) -> LoanInstallment:
        nonlocal told
        if installment.due >= day:
            amount = Money(owed(installment).total)
            values = {
                "id": loan.id,
                "number": installment.number,
                "due": str(installment.due),
                "amount": amount,
            }
            tx.tell(tx.uow.customers.get(loan.borrower_id), "loan.reminder", **values)
            told += 1
        return attrs.evolve(installment, reminded=True)

    _rewrite(desk, tx, tx.uow.installments.to_remind(day + timedelta(days=REMINDER_DAYS), limit), reminded)
    return told


def tell_overdue(desk: LoanDesk, tx: Tx, day: date, limit: int) -> int:
    """Tell the borrower and the full reviewers, once, of each installment unpaid after its due date."""
    found = tx.uow.installments.overdue_untold(day, limit)
    chats = tx.staff_chats(Permission.LOAN_FULL_REVIEW) if found else []

    def told(loan: Loan, installment: LoanInstallment) -> LoanInstallment:
        values = {"id": loan.id, "number": installment.number, "due": str(installment.due)}
        values["amount"] = Money(owed(accrued(installment, day, loan.product)).total)
        tx.tell(tx.uow.customers.get(loan.borrower_id), "loan.overdue", **values)
        tx.tell_staff(Permission.LOAN_FULL_REVIEW, "loan.overdue.staff", chats=chats, **values)
        return attrs.evolve(installment, overdue_told=True)

    _rewrite(desk, tx, found, told)
    return len(found)


def _rewrite(
    desk: LoanDesk,
    tx: Tx,
    found: Sequence[LoanInstallment],
    change: Callable[[Loan, LoanInstallment], LoanInstallment],
) -> None:
    """Change the ``found`` installments, each loan locked and its installments read again first (a
    payment on the loan may have changed them since they were found)."""
    wanted: dict[str, set[int]] = {}
    for installment in found:
        wanted.setdefault(installment.loan_id, set()).add(installment.number)
    for loan_id, numbers in wanted.items():
        loan = desk.load(tx, loan_id)
        current = [i for i in tx.uow.installments.of_loan(loan_id) if i.number in numbers]
        tx.uow.installments.save_all([change(loan, i) for i in current])
