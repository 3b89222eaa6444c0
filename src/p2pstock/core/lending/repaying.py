"""The repayment steps: the borrower repaying from the wallet, repaying the whole loan early, and the jobs
that collect what falls due, accrue penalty interest, remind borrowers and tell everyone of arrears.

Every step locks the loan first, so payments on one loan are applied one after another. A payment's
transfers are named after the loan and its sequence number (or the caller's request id), so one payment
is never booked twice. The jobs are idempotent for a business date: penalty interest is worked out up to
a day once, a reminder and an overdue alert go out once per installment, and what falls due is collected
from the wallet's available balance as far as it goes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from datetime import date, timedelta

import attrs

from p2pstock.core.backoffice import SYSTEM, Tx
from p2pstock.core.errors import (
    IdempotencyConflict,
    InvalidInput,
    NotFound,
    Refused,
)
from p2pstock.core.ledger import chart
from p2pstock.core.ledger.service import wallet_short
from p2pstock.core.lending import guarantee, repayments, write_off
from p2pstock.core.lending.desk import LoanDesk
from p2pstock.core.lending.loans import Loan, LoanInstallment, LoanStatus
from p2pstock.core.lending.products import share_of
from p2pstock.core.lending.repayments import accrued, owed
from p2pstock.core.money import Money
from p2pstock.core.people.customers import Customer
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


@attrs.frozen
class Request:
    """A borrower's repayment as asked: ``request_id`` makes it idempotent; ``expected`` (what the borrower
    was shown as due, or as the payoff) and ``payments_seen`` (how many repayments the loan had then)
    refuse it if the debt changed meanwhile."""

    customer_id: str
    request_id: str
    amount: int | None = None
    expected: int | None = None
    payments_seen: int | None = None


def repay(desk: LoanDesk, tx: Tx, loan_id: str, asked: Request) -> Loan:
    """Repay ``amount`` (default: everything due now, or the next installment) from the borrower's wallet."""
    loan = _own(desk, tx, loan_id, asked.customer_id)
    key = payment_key(asked.request_id, "pay")
    if _done(tx, loan, key, asked.amount):
        return loan
    if loan.status is LoanStatus.WRITTEN_OFF:
        seen = {"expected": asked.expected, "payments_seen": asked.payments_seen}
        return write_off.repay(desk, tx, loan, amount=asked.amount, key=key, **seen)
    loan.require(LoanStatus.REPAYING)
    day = desk.today(tx)
    plan = _accrued(tx, loan, day)
    _still(asked, loan, repayments.due_now(plan, day))
    payable = repayments.payable(plan, day)
    most = sum(owed(i).total for i in payable)
    wanted = repayments.due_now(plan, day) if asked.amount is None else asked.amount
    if isinstance(wanted, bool) or not isinstance(wanted, int) or not 0 < wanted <= most:
        raise InvalidInput(
            f"repay between ¥0.01 and {Money(most)} now; to repay more, repay the whole loan early",
            code="repay_range",
            most=Money(most),
        )
    return _pay(desk, tx, loan, plan, payable, amount=wanted, actor=asked.customer_id, key=key)


def _still(asked: Request, loan: Loan, now: int) -> None:
    changed = asked.payments_seen is not None and asked.payments_seen != loan.payments
    if changed or (asked.expected is not None and asked.expected != now):
        raise Refused(
            f"what is owed changed to {Money(now)} since it was shown; look at the loan again",
            code="owed_changed",
            amount=Money(now),
        )


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


def repay_early(desk: LoanDesk, tx: Tx, loan_id: str, asked: Request) -> Loan:
    """Repay the whole loan now (see ``payoff``)."""
    loan = _own(desk, tx, loan_id, asked.customer_id)
    key = payment_key(asked.request_id, "early")
    if _done(tx, loan, key, asked.expected):
        return loan
    loan.require(LoanStatus.REPAYING)
    day = desk.today(tx)
    plan = _accrued(tx, loan, day)
    quote = payoff(loan, plan, day)
    _still(asked, loan, quote.total)
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
        actor=asked.customer_id,
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
    changed, _ = repayments.apply(targets, amount - early_fee, tx.now)
    changed, recovered = guarantee.recovered(plan, changed)
    after = {i.number: i for i in (*plan, *changed)}
    settled = repayments.settled_parts(plan, list(after.values()))
    holders = tx.uow.investments.holders(loan.id)
    out = repayments.distribute([i for i, _ in holders], settled, loan.product.interest_fee_bp)
    moves = repayments.transfers(loan, key, amount, out, early_fee, recovered=recovered)
    desk.move(tx, moves, short=wallet_short(amount))
    tx.uow.investments.save_all([repayments.received(share) for share in out.shares])
    _save_changed(tx, loan, list(after.values()))
    saved = desk.change(tx, loan, repayments.finish(loan, list(after.values())), actor=actor, action="repay")
    investors = {i.investor_id: investor for i, investor in holders}
    _tell_payment(tx, saved, amount, list(after.values()), out.shares, investors=investors)
    return saved


def _save_changed(tx: Tx, loan: Loan, plan: list[LoanInstallment]) -> None:
    stored = {i.number: i for i in tx.uow.installments.of_loan(loan.id)}
    tx.uow.installments.save_all([i for i in plan if stored.get(i.number) != i])


def _tell_payment(
    tx: Tx,
    loan: Loan,
    amount: int,
    plan: list[LoanInstallment],
    split_: Sequence[repayments.Share],
    *,
    investors: Mapping[str, Customer | None],
) -> None:
    """The borrower is told what is left, each investor paid what reached their wallet (``investors``: their
    customer records, read with the investments)."""
    borrower = tx.uow.customers.get(loan.borrower_id)
    if loan.status is LoanStatus.REPAID:
        tx.tell(borrower, "loan.repaid", id=loan.id)
    else:
        left = sum(owed(i).total for i in plan if not i.settled)
        tx.tell(borrower, "loan.repayment", id=loan.id, amount=Money(amount), left=Money(left))
    told = [(investors.get(share.investment.investor_id), share) for share in split_ if share.parts.total]
    for key, penalty in (("loan.received", False), ("loan.received_penalty", True)):
        alike = ((investor, _received(loan, s)) for investor, s in told if bool(s.parts.penalty) is penalty)
        tx.tell_each(key, alike)


def _received(loan: Loan, share: repayments.Share) -> dict[str, object]:
    """What an investor is told of their share: the whole, each part, and their part of the platform's
    fee."""
    parts = share.parts
    values: dict[str, object] = {
        "id": loan.id,
        "amount": Money(parts.total),
        "principal": Money(parts.principal),
        "interest": Money(parts.interest),
        "fee": Money(share.fee),
    }
    if parts.penalty:
        values["penalty"] = Money(parts.penalty)
    return values


def _accrued(tx: Tx, loan: Loan, day: date) -> list[LoanInstallment]:
    return [accrued(i, day, loan.product) for i in tx.uow.installments.of_loan(loan.id)]


def payment_key(request_id: str, kind: str = "pay") -> str:
    """The name of a borrower's payment: a digest of the request id (of any length a caller may use)."""
    digest = hashlib.sha256(check_id(request_id, "request id").encode()).hexdigest()[:20]
    return f"{kind}-{digest}"


def _sequence_key(loan: Loan) -> str:
    """The name of a payment the jobs collect: the loan's next payment number."""
    return f"auto{loan.payments + 1}"


def _done(tx: Tx, loan: Loan, key: str, amount: int | None) -> bool:
    """Whether the payment named ``key`` was booked already (the same request again); the same request id
    for another amount is refused."""
    first = f"loan:{loan.id}:{key}:in"
    booked = tx.uow.ledger.find_transfers([first]).get(first)
    if booked is None:
        return False
    if amount is not None and booked.amount != amount:
        raise IdempotencyConflict(
            "this request id was used for a payment of another amount", code="request_reused"
        )
    return True


def _own(desk: LoanDesk, tx: Tx, loan_id: str, customer_id: str) -> Loan:
    loan = desk.load(tx, loan_id)
    if loan.borrower_id != customer_id:
        raise NotFound(f"no loan {loan_id}", code="loan_not_found", loan=loan_id)
    return loan


# -- the jobs ------------------------------------------------------------------------------------------------


def collect_one(desk: LoanDesk, tx: Tx, loan_id: str, day: date, recoveries: bool = False) -> bool:
    """Take what fell due on the loan by ``day`` from the borrower's available balance, as far as it goes
    (the wallet locked first, so a withdrawal cannot slip in between), or with ``recoveries`` on a
    written-off loan what the borrower owes those who lost (``write_off.collect``); whether anything was
    taken."""
    loan = desk.load(tx, loan_id)
    if recoveries:
        written_off = loan.status is LoanStatus.WRITTEN_OFF
        return written_off and write_off.collect(desk, tx, loan, key=_sequence_key(loan), actor=SYSTEM)
    if loan.status is not LoanStatus.REPAYING:
        return False
    plan = _accrued(tx, loan, day)
    due = [i for i in plan if not i.settled and i.due <= day]
    wallet_id = chart.wallet_id(loan.borrower_id)
    wallet = tx.uow.ledger.lock_accounts([wallet_id]).get(wallet_id)
    amount = min(wallet.available if wallet else 0, sum(owed(i).total for i in due))
    if amount <= 0:
        return False
    _pay(desk, tx, loan, plan, due, amount=amount, actor=SYSTEM, key=_sequence_key(loan))
    return True


def accrue_penalties(desk: LoanDesk, tx: Tx, day: date, limit: int) -> int:
    """Work out the penalty interest of overdue installments up to ``day``; how many were worked out."""
    found = tx.uow.installments.penalty_due(day, limit)
    _rewrite(desk, tx, found, lambda loan, i: accrued(i, day, loan.product))
    return len(found)


def remind(desk: LoanDesk, tx: Tx, day: date, limit: int) -> tuple[int, int]:
    """Remind borrowers of installments falling due within ``REMINDER_DAYS`` (once each; one already
    overdue is only marked): (installments looked at, reminders sent)."""
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

    found = tx.uow.installments.to_remind(day + timedelta(days=REMINDER_DAYS), limit)
    _rewrite(desk, tx, found, reminded)
    return len(found), told


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
