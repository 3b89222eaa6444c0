"""What a period (a month, or a month so far) brought each investor of a loan, read from the ledger, and what
they can expect next.

The period's figures are exact. Every payment to investors passes through the loan's escrow account as one
transfer per investment and kind, and one for the platform's interest fee (``repayments.transfers``:
``loan:<loan>:<payment>:<investment>:principal`` …, ``loan:<loan>:<payment>:fee``), so the escrow's entries
since the period began give each investment's principal, interest and penalty interest, payment by
payment. The fee is booked once a payment, not per investor: each investment's part of it is worked out
again as the payment split it (``repayments.distribute``, on the principal each investment had outstanding
then), and kept only when that split gives back, to the fen, what the ledger paid every investment (else it
is unknown, ``None``). The principal outstanding at the period's end is what is outstanding now plus what
was repaid since.

What comes next is read as the loan stands on the day given: the next installment the investor expects
(principal and interest after the platform's fee, if it is paid on time), how many days it is overdue, and
what falls due in the following month.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import date

import attrs

from p2pstock.core.backoffice import Tx
from p2pstock.core.ledger import chart, codes
from p2pstock.core.ledger.entries import Entry
from p2pstock.core.ledger.ports import DayRange
from p2pstock.core.lending import views
from p2pstock.core.lending.loans import Investment, InvestmentStatus, Loan, LoanInstallment, LoanStatus
from p2pstock.core.lending.products import share_of
from p2pstock.core.lending.repayments import Parts, distribute
from p2pstock.core.lending.schedules import Installment

PAGE = 1_000
"""Escrow entries read per query."""
_FOREVER = 2**63 - 1
_KINDS = {codes.LOAN_PRINCIPAL: "principal", codes.LOAN_INTEREST: "interest", codes.LOAN_PENALTY: "penalty"}
"""The codes of what an investment receives, and the part of ``Parts`` each one is."""
_FEES = (codes.LOAN_INTEREST_FEE, codes.LOAN_RESERVE_FEE)
"""The codes of the platform's interest fee on a payment: its own part, and the guarantee reserve's."""


@attrs.frozen
class Payment:
    """One payment out of the escrow: when, what each investment received, and the platform's fee."""

    at: int
    parts: Mapping[str, Parts]
    fee: int


@attrs.frozen
class HoldingMonth:
    """One investor's holding in one loan over a period (their investments in it added up; money in fen)."""

    loan_id: str
    invested: int
    received: Parts
    """Principal, interest (after the platform's fee) and penalty interest received in the period."""
    fee: int | None
    """The investor's part of the platform's interest fee in the period (``None``: not known exactly)."""
    outstanding: int
    """Principal still owed to the investor at the period's end."""
    next_due: date | None = None
    """The next installment expected (an overdue one first); ``None`` when nothing more is."""
    next_amount: int = 0
    days_overdue: int = 0
    expected_next_month: int = 0
    """What falls due in the month after the period, after the platform's fee."""

    @property
    def bucket(self) -> str:
        return views.bucket(self.days_overdue)

    def __add__(self, other: HoldingMonth) -> HoldingMonth:
        """Two investments of one investor in one loan, as one holding."""
        dues = [h.next_due for h in (self, other) if h.next_due is not None]
        due = min(dues, default=None)
        return HoldingMonth(
            self.loan_id,
            self.invested + other.invested,
            self.received + other.received,
            None if self.fee is None or other.fee is None else self.fee + other.fee,
            self.outstanding + other.outstanding,
            due,
            sum(h.next_amount for h in (self, other) if h.next_due == due),
            max(self.days_overdue, other.days_overdue),
            self.expected_next_month + other.expected_next_month,
        )


@attrs.frozen
class Period:
    """What the figures cover: ``first`` to ``last`` (``days``: the ledger's span of them), the day what
    comes next is read on, and the month after (its first and last day)."""

    first: date
    last: date
    days: DayRange
    today: date
    next_month: tuple[date, date]


def loan_holdings(tx: Tx, loan: Loan, period: Period, investor: str | None = None) -> dict[str, HoldingMonth]:
    """Investor id → their holding in ``loan`` over ``period`` (only ``investor``'s, when given): every
    investor with principal outstanding at some time in it. A loan repaid before the period has none."""
    if loan.disbursed_at is None or loan.disbursed_at >= period.days.end:
        return {}
    payments = escrow_payments(tx, loan, period.days.start)
    if not payments and loan.status is not LoanStatus.REPAYING:
        return {}
    investments = tx.uow.investments.of_loan(loan.id)
    held = [i for i in investments if i.status is InvestmentStatus.HOLDING]
    at_start = {i.id: i.outstanding + _principal(i.id, payments) for i in held}
    inside = [p for p in payments if p.at < period.days.end]
    fees = fee_shares(loan, held, inside, at_start)
    plan = _after_fee(loan, tx.uow.installments.of_loan(loan.id))
    found: dict[str, HoldingMonth] = {}
    for investment in held:
        if at_start[investment.id] == 0 or (investor is not None and investment.investor_id != investor):
            continue
        month = _in_period(investment, inside, fees, at_start[investment.id])
        ahead = _ahead(month, views.expected(investment, investments, plan), period)
        mine = found.get(investment.investor_id)
        found[investment.investor_id] = ahead if mine is None else mine + ahead
    return found


def _in_period(
    investment: Investment, inside: Sequence[Payment], fees: list[dict[str, int]] | None, at_start: int
) -> HoldingMonth:
    """What ``investment`` received in the period (``inside``: its payments), and what was left owed."""
    received = sum((p.parts.get(investment.id, Parts()) for p in inside), Parts())
    fee = None if fees is None else sum(f.get(investment.id, 0) for f in fees)
    return HoldingMonth(investment.loan_id, investment.amount, received, fee, at_start - received.principal)


def _principal(investment_id: str, payments: Sequence[Payment]) -> int:
    return sum(p.parts[investment_id].principal for p in payments if investment_id in p.parts)


def _after_fee(loan: Loan, plan: Sequence[LoanInstallment]) -> list[LoanInstallment]:
    """The installments with the platform's fee taken from their interest, as a payment of each takes it."""
    bp = loan.product.interest_fee_bp
    return [attrs.evolve(i, interest=i.interest - share_of(i.interest, bp)) for i in plan]


def _ahead(month: HoldingMonth, expected: Sequence[Installment], period: Period) -> HoldingMonth:
    """``month`` with what the investment still expects: the next installment and the next month's."""
    if not expected:
        return month
    first, last = period.next_month
    upcoming = expected[0]
    return attrs.evolve(
        month,
        next_due=upcoming.due,
        next_amount=upcoming.total,
        days_overdue=max((period.today - upcoming.due).days, 0),
        expected_next_month=sum(row.total for row in expected if first <= row.due <= last),
    )


def fee_shares(
    loan: Loan, held: Sequence[Investment], payments: Sequence[Payment], at_start: Mapping[str, int]
) -> list[dict[str, int]] | None:
    """Each payment's fee by investment, split again as the payment split it (the investments' principal
    outstanding then as weights, what was sold on left out); ``None`` when the split does not give back
    what the ledger paid (a holding sold on between two payments of the month)."""
    outstanding = dict(at_start)
    shares = []
    for payment in payments:
        then = [attrs.evolve(i, principal_received=i.amount - i.sold - outstanding[i.id]) for i in held]
        paid = sum(payment.parts.values(), Parts())
        gross = attrs.evolve(paid, interest=paid.interest + payment.fee)
        split = distribute(then, gross, loan.product.interest_fee_bp)
        if split.fee != payment.fee or {s.investment.id: s.parts for s in split.shares} != payment.parts:
            return None
        shares.append({s.investment.id: s.fee for s in split.shares})
        for investment_id, parts in payment.parts.items():
            outstanding[investment_id] -= parts.principal
    return shares


def escrow_payments(tx: Tx, loan: Loan, since: int) -> list[Payment]:
    """The payments out of the loan's escrow to its investors (and the platform's fee on each) from
    ``since`` on, in the order they were booked."""
    prefix = f"loan:{loan.id}:"
    at: dict[str, int] = {}
    parts: dict[str, dict[str, Parts]] = {}
    fees: dict[str, int] = {}
    for entry in _entries(tx, chart.loan_escrow_id(loan.id), since):
        kind = _KINDS.get(entry.code)
        if kind is None and entry.code not in _FEES:
            continue
        payment, *rest = entry.transfer_id.removeprefix(prefix).split(":")
        if not rest:
            continue  # the disbursement's share of the listing fee for the guarantee reserve
        at.setdefault(payment, entry.timestamp)
        paid = parts.setdefault(payment, {})
        if kind is None:
            fees[payment] = fees.get(payment, 0) + entry.amount
        else:
            paid[rest[0]] = paid.get(rest[0], Parts()) + Parts(**{kind: entry.amount})
    return [Payment(at[key], parts[key], fees.get(key, 0)) for key in at]


def _entries(tx: Tx, account_id: str, since: int) -> Iterator[Entry]:
    after = 0
    while True:
        page = tx.uow.ledger.entries(account_id, since, _FOREVER, after, PAGE)
        yield from page
        if len(page) < PAGE:
            return
        after = page[-1].seq
