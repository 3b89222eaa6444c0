"""Side requests while an allocation runs (see ``side_requests``): asked by the customer, one pending request
of each kind at a time (asking again returns it), decided by an administrator — top-ups and extensions
under ``allocation.review``, profit withdrawals and terminations under ``allocation.settle``. Expansions
and reductions (``resizing``; carried out by ``resize_requests``) are decided under ``allocation.review``
too, one of them pending at a time.

A profit withdrawal may take at most the latest status's withdrawable cash and what the assets hold above
``max(B + D + top-ups, 110 % × (B + D))``, and must leave the assets clear of the warning line with the
recovery margin; both are checked when asked and again when approved.

An approved top-up that brings the allocation back above the warning line with its margin meets the
top-up deadline its warning set (``top_up_deadline.lift``).
"""

from __future__ import annotations

import uuid
from datetime import date

import attrs

from p2pstock.core.allocation import resize_requests, top_up_deadline
from p2pstock.core.allocation.allocations import Allocation, Hold, Risk, Status
from p2pstock.core.allocation.desk import Desk
from p2pstock.core.allocation.fee_periods import schedule_next
from p2pstock.core.allocation.money_out import require_known_figures
from p2pstock.core.allocation.renewals import renewed_by_hand
from p2pstock.core.allocation.resizing import RESIZES
from p2pstock.core.allocation.risk import recovery_line
from p2pstock.core.allocation.side_requests import PROFIT_FLOOR_PCT, Kind, RequestStatus, SideRequest
from p2pstock.core.allocation.terms import end_date
from p2pstock.core.backoffice import Tx
from p2pstock.core.errors import (
    AlreadyDecided,
    InvalidInput,
    NotFound,
    Refused,
)
from p2pstock.core.ledger import chart, codes
from p2pstock.core.ledger.service import wallet_short
from p2pstock.core.ledger.transfers import Transfer
from p2pstock.core.money import Money
from p2pstock.core.people.permissions import Permission
from p2pstock.core.validation import check_amount, check_reason, check_text

DECIDED_UNDER = {
    Kind.TOP_UP: Permission.ALLOCATION_REVIEW,
    Kind.EXTENSION: Permission.ALLOCATION_REVIEW,
    Kind.PROFIT: Permission.ALLOCATION_SETTLE,
    Kind.TERMINATION: Permission.ALLOCATION_SETTLE,
    Kind.EXPANSION: Permission.ALLOCATION_REVIEW,
    Kind.REDUCTION: Permission.ALLOCATION_REVIEW,
}
MAX_EXTENSION = 24
MONEY_OUT = frozenset({Kind.PROFIT, Kind.EXPANSION, Kind.REDUCTION})
"""The requests that move money out of (or into) the sub-account: asked and approved only on known figures
(``money_out``)."""


def ask(
    desk: Desk, tx: Tx, allocation_id: str, customer_id: str, *, kind: Kind, amount: int = 0, periods: int = 0
) -> SideRequest:
    allocation = desk.load(tx, allocation_id)
    if allocation.customer_id != customer_id:
        raise NotFound(
            f"no allocation {allocation_id}", code="allocation_not_found", allocation=allocation_id
        )
    allocation.require(Status.IN_PROGRESS)
    kind = Kind(kind)
    for known in tx.uow.side_requests.of_allocation(allocation_id):
        if known.kind is kind and known.status is RequestStatus.PENDING:
            if (amount or known.amount, periods or known.periods) != (known.amount, known.periods):
                raise Refused(
                    f"a {kind.value.replace('_', ' ')} request ({known.id}) is pending already",
                    code="request_pending",
                    request=known.id,
                )
            return known
    amount, periods = _check_ask(allocation, kind, amount, periods, desk.today(tx))
    if kind in MONEY_OUT:
        require_known_figures(tx, allocation)
    if kind in RESIZES:
        resize_requests.asked(allocation, kind, amount, tx.uow.side_requests.of_allocation(allocation_id))
    request = SideRequest(
        f"r{uuid.uuid4().hex[:11]}", allocation.id, customer_id, kind, amount, periods, "", tx.now
    )
    if kind in (Kind.TOP_UP, Kind.EXTENSION) and amount:  # a free trial's extension costs nothing to hold
        request = attrs.evolve(request, hold_id=f"alloc:{allocation.id}:{kind.value}:{request.id}")
        _freeze(desk, tx, allocation, request)
    if kind is Kind.EXPANSION:
        request = resize_requests.freeze(desk, tx, allocation, request)
    tx.uow.side_requests.add(request)
    desk.event(
        tx,
        allocation.id,
        f"request.{kind.value}",
        customer_id,
        request=request.id,
        amount=amount,
        periods=periods,
    )
    tx.audit(
        customer_id,
        f"allocation.request.{kind.value}",
        request.id,
        after={"amount": amount, "periods": periods},
    )
    return request


def decide(desk: Desk, tx: Tx, request_id: str, by: str, *, approve: bool, reason: str = "") -> SideRequest:
    request = tx.uow.side_requests.get(request_id, lock=True)
    if request is None:
        raise NotFound(f"no request {request_id}", code="request_not_found", request=request_id)
    admin = tx.admin(by, DECIDED_UNDER[request.kind])
    wanted = RequestStatus.APPROVED if approve else RequestStatus.REJECTED
    if request.status is not RequestStatus.PENDING:
        if request.status is wanted:
            return request
        raise AlreadyDecided(
            f"request {request_id} was already {request.status.value}",
            code="request_already_decided",
            request=request_id,
        )
    why = check_text(reason, "reason", 500, lines=True) if approve else check_reason(reason)
    if request.kind in RESIZES:
        return resize_requests.decide(desk, tx, request, admin.id, approve=approve, why=why)
    allocation = desk.load(tx, request.allocation_id)
    if approve:
        allocation.require(Status.IN_PROGRESS)
        changed = _carry_out(desk, tx, allocation, request)
    else:
        changed = _release(desk, tx, allocation, request)
    decided = request.decided(wanted, admin.id, tx.now, why)
    tx.uow.side_requests.save(decided)
    saved = desk.change(
        tx,
        allocation,
        changed,
        actor=admin.id,
        kind=f"request.{wanted.value}",
        request=request.id,
        request_kind=request.kind.value,
        reason=why,
    )
    reasons = {} if approve else {"reason": why}
    customer = tx.uow.customers.get(request.customer_id)
    tx.tell(customer, f"allocation.request_{wanted.value}", id=allocation.id, kind=request.kind, **reasons)
    if approve and request.kind is Kind.TOP_UP:
        top_up_deadline.lift(desk, tx, saved, admin.id)
    return decided


def release_pending(desk: Desk, tx: Tx, allocation: Allocation, by: str, reason: str) -> Allocation:
    """Reject every pending request of ``allocation``, which is being settled (``reason`` is kept with the
    request; the customer is told the request was withdrawn at the settlement)."""
    customer = tx.uow.customers.get(allocation.customer_id)
    for request in tx.uow.side_requests.of_allocation(allocation.id):
        if request.status is RequestStatus.PENDING:
            allocation = _release(desk, tx, allocation, request)
            tx.uow.side_requests.save(request.decided(RequestStatus.REJECTED, by, tx.now, reason))
            desk.event(
                tx, allocation.id, "request.released", by, request=request.id, request_kind=request.kind
            )
            tx.audit(by, "allocation.request.reject", request.id, after={"reason": reason})
            tx.tell(customer, "allocation.request_released", id=allocation.id, kind=request.kind)
    return allocation


def profit_available(allocation: Allocation) -> int:
    """What a profit withdrawal could take now, from the latest status."""
    a = allocation
    if a.last_assets is None or a.risk is not Risk.NORMAL or a.overdue or a.terminating:
        return 0
    capital = a.initial_capital
    floor = max(capital + a.top_ups, capital * PROFIT_FLOOR_PCT // 100)
    assets = a.last_assets - a.withdrawn_since_status
    clear_of_line = assets - recovery_line(a.warning_line) - 1
    return max(0, min(a.last_withdrawable - a.withdrawn_since_status, assets - floor, clear_of_line))


def _check_ask(allocation: Allocation, kind: Kind, amount: int, periods: int, today: date) -> tuple[int, int]:
    if allocation.terminating:
        raise Refused(
            "the termination was approved already; the allocation waits for its settlement",
            code="termination_approved",
        )
    if kind in RESIZES:
        return check_amount(amount, "deposit change"), 0  # the rest is resize_requests.asked's
    if kind is Kind.TOP_UP:
        return check_amount(amount, "top-up"), 0
    if kind is Kind.EXTENSION:
        _check_extension(allocation, periods, today)
        return periods * allocation.fee_per_period, periods
    if kind is Kind.PROFIT:
        check_amount(amount, "profit withdrawal")
        if amount > profit_available(allocation):
            raise Refused(
                f"at most {Money(profit_available(allocation))} of profit can be withdrawn now",
                code="profit_available",
                most=Money(profit_available(allocation)),
            )
        return amount, 0
    return 0, 0


def _check_extension(allocation: Allocation, periods: int, today: date) -> None:
    if isinstance(periods, bool) or not isinstance(periods, int) or not 1 <= periods <= MAX_EXTENSION:
        raise InvalidInput(
            f"an extension is 1 to {MAX_EXTENSION} periods", code="extension_range", most=MAX_EXTENSION
        )
    if allocation.term + periods > allocation.product.term_max:
        raise Refused(
            f"the term can be at most {allocation.product.term_max} periods",
            code="term_max",
            most=allocation.product.term_max,
        )
    if allocation.end_date is not None and allocation.end_date < today:
        raise Refused(
            f"the term ended on {allocation.end_date}; it can no longer be extended",
            code="term_ended",
            day=allocation.end_date,
        )


def _freeze(desk: Desk, tx: Tx, allocation: Allocation, request: SideRequest) -> None:
    top_up = request.kind is Kind.TOP_UP
    hold = Transfer.pending(
        request.hold_id,
        debit=chart.wallet_id(allocation.customer_id),
        credit=chart.allocation_account_id(allocation.id) if top_up else chart.fee_income().id,
        amount=request.amount,
        code=codes.ALLOCATION_TOP_UP if top_up else codes.ALLOCATION_EXTENSION,
        reference=allocation.id,
    )
    desk.move(tx, [hold], short=wallet_short(request.amount))


def _carry_out(desk: Desk, tx: Tx, allocation: Allocation, request: SideRequest) -> Allocation:
    if allocation.terminating:
        raise Refused(
            "the termination was approved already; reject this request", code="termination_approved"
        )
    if request.kind is Kind.EXTENSION:
        _check_extension(allocation, request.periods, desk.today(tx))
    if request.kind is Kind.TOP_UP:
        return attrs.evolve(
            allocation, top_up_holds=(*allocation.top_up_holds, Hold(request.hold_id, request.amount))
        )
    if request.kind is Kind.EXTENSION:
        if request.hold_id:
            desk.move(tx, [Transfer.post(f"{request.hold_id}:post", pending_id=request.hold_id)])
        return _extend(desk, tx, allocation, request)
    if request.kind is Kind.PROFIT:
        return _pay_profit(desk, tx, allocation, request)
    return attrs.evolve(allocation, terminating=True)


def _extend(desk: Desk, tx: Tx, allocation: Allocation, request: SideRequest) -> Allocation:
    if allocation.start_date is None:
        raise Refused("the allocation has not started", code="allocation_not_started")
    calendar = desk.calendar(tx)
    term = allocation.term + request.periods
    longer = attrs.evolve(
        allocation,
        term=term,
        end_date=end_date(allocation.mode, allocation.start_date, term, calendar),
        prepaid_left=allocation.prepaid_left + request.periods,
        term_end_told=False,
        fees_paid=allocation.fees_paid + request.amount,
    )
    next_fee_date = allocation.next_fee_date or schedule_next(longer, calendar)
    return renewed_by_hand(attrs.evolve(longer, next_fee_date=next_fee_date))


def _pay_profit(desk: Desk, tx: Tx, allocation: Allocation, request: SideRequest) -> Allocation:
    require_known_figures(tx, allocation)
    if request.amount > profit_available(allocation):
        raise Refused(
            f"the latest status leaves at most {Money(profit_available(allocation))} to withdraw",
            code="profit_available",
            most=Money(profit_available(allocation)),
        )
    desk.move(
        tx,
        [
            Transfer.single(
                f"alloc:{allocation.id}:profit:{request.id}",
                debit=chart.allocation_account_id(allocation.id),
                credit=chart.wallet_id(allocation.customer_id),
                amount=request.amount,
                code=codes.ALLOCATION_PROFIT,
                reference=allocation.id,
            )
        ],
    )
    return attrs.evolve(
        allocation,
        profit_withdrawn=allocation.profit_withdrawn + request.amount,
        withdrawn_since_status=allocation.withdrawn_since_status + request.amount,
    )


def _release(desk: Desk, tx: Tx, allocation: Allocation, request: SideRequest) -> Allocation:
    if request.kind in RESIZES:
        return resize_requests.release(desk, tx, allocation, request)
    if request.hold_id:
        desk.move(tx, [Transfer.void(f"{request.hold_id}:void", pending_id=request.hold_id)])
    return allocation
