"""The end of an allocation's term: renewed automatically, or overdue at expiry (到期未续).

On the term's last day (or the first run of ``p2pstock jobs run`` after it) each running allocation is
decided once:

- **renewed** when its customer opted in (``auto_renew``, on or off at any time until the term has ended
  unrenewed) and asked for no termination, the term
  is below the product's longest, and the wallet's available balance, then the risk fund, covers the next
  period's fee and any fee still unpaid. The fee is taken at once (from the wallet first, as the fee job
  takes it) and the period is added to the term as a prepaid one, so the fee job does not charge it again;
  the customer is told the new last day. Next time the new end comes the same decision is made again (a
run of the jobs that comes days late renews one period, and the next run the next: never twice a day).
- **overdue at expiry** otherwise: the allocation runs on without fees, must be settled within the
  product's grace (``expiry_grace_days`` trading days after the last day, ``settle_by``), and the customer
  (with the reason: not opted in, balance short, longest term reached) and the administrators who settle
  (``allocation.settle``) are told. An extension approved on the last day still renews it by hand; once
  ``settle_by`` has passed with the allocation still running, the administrators are told again, once.

Renewing locks the allocation, then the wallet, as the fee job does; each renewal's transfers are named by
the allocation and the renewal's number, so a replayed run cannot take a fee twice.
"""

from __future__ import annotations

import enum
from datetime import date

import attrs

from p2pstock.core.allocation.allocations import Allocation, Status
from p2pstock.core.allocation.desk import Desk
from p2pstock.core.allocation.fee_periods import collect, schedule_next
from p2pstock.core.allocation.terms import end_date
from p2pstock.core.backoffice import SYSTEM, Tx
from p2pstock.core.errors import NotFound, Refused
from p2pstock.core.ledger import chart
from p2pstock.core.money import Money
from p2pstock.core.people.permissions import Permission

BATCH = 500


class Unrenewed(enum.StrEnum):
    """Why a term ended without renewal."""

    NOT_OPTED_IN = "not_opted_in"
    BALANCE_SHORT = "balance_short"
    TERM_MAX = "term_max"


def set_auto_renew(desk: Desk, tx: Tx, allocation_id: str, customer_id: str, *, on: bool) -> Allocation:
    """The customer's choice, kept until the term ends (an allocation not closed and not overdue at
    expiry); choosing what stands already changes nothing."""
    allocation = desk.load(tx, allocation_id)
    if allocation.customer_id != customer_id:
        raise NotFound(
            f"no allocation {allocation_id}", code="allocation_not_found", allocation=allocation_id
        )
    allocation.require(Status.CONFIRMED, Status.IN_PROGRESS)
    if allocation.settle_by is not None:
        raise Refused(
            f"the term ended on {allocation.expired_on} without renewal; it is to be settled",
            code="term_ended",
            day=allocation.expired_on,
        )
    if allocation.auto_renew is on:
        return allocation
    chosen = attrs.evolve(allocation, auto_renew=on)
    return desk.change(tx, allocation, chosen, actor=customer_id, kind=f"auto_renew_{'on' if on else 'off'}")


def end_terms(desk: Desk, tx: Tx, *, day: date, after: str) -> tuple[int, int, str]:
    """One page of running allocations (by id, after ``after``): each whose term ended by ``day`` renewed
    or made overdue at expiry, and each past its ``settle_by`` told once. Answers (read, decided, the last
    id read)."""
    page = tx.uow.allocations.in_status([Status.IN_PROGRESS], BATCH, after=after)
    decided = 0
    for seen in page:
        if _ended(seen, day) or _grace_passed(seen, day):
            decided += _decide(desk, tx, desk.load(tx, seen.id), day)
    return len(page), decided, page[-1].id if page else after


def _ended(a: Allocation, day: date) -> bool:
    """Whether the term of ``a`` ended by ``day`` and was not decided yet, nor renewed on ``day`` (a run of
    the jobs after days without one renews a period a run, never twice in a day)."""
    ended = not a.term_end_told and a.end_date is not None and a.end_date <= day
    return ended and a.renewed_on != day


def _grace_passed(a: Allocation, day: date) -> bool:
    return a.settle_by is not None and a.settle_by < day and not a.grace_told


def _decide(desk: Desk, tx: Tx, a: Allocation, day: date) -> bool:
    """``a`` (locked) renewed, overdue at expiry or past its grace: whether anything was done."""
    if a.status is not Status.IN_PROGRESS:
        return False
    if _ended(a, day):
        available = _available(tx, a.customer_id)
        why = _unrenewed(a, available)
        if why is None:
            _renew(desk, tx, a, available, day)
        else:
            _expire(desk, tx, a, why)
        return True
    if _grace_passed(a, day):
        told = attrs.evolve(a, grace_told=True)
        desk.change(tx, a, told, actor=SYSTEM, kind="settle_overdue", settle_by=str(a.settle_by))
        by = str(a.settle_by)
        tx.tell_staff(Permission.ALLOCATION_SETTLE, "allocation.staff_settle_overdue", id=a.id, settle_by=by)
        return True
    return False


def _available(tx: Tx, customer_id: str) -> int:
    wallet = chart.wallet_id(customer_id)
    return tx.uow.ledger.lock_accounts([wallet])[wallet].available


def _unrenewed(a: Allocation, available: int) -> Unrenewed | None:
    if not a.auto_renew or a.terminating:
        return Unrenewed.NOT_OPTED_IN
    if a.term >= a.product.term_max:
        return Unrenewed.TERM_MAX
    if max(available, 0) + a.risk_fund < a.fee_per_period + a.fees_unpaid:
        return Unrenewed.BALANCE_SHORT
    return None


def _renew(desk: Desk, tx: Tx, a: Allocation, available: int, day: date) -> Allocation:
    number = a.renewals + 1
    changes: dict[str, object] = {}
    wallet = chart.wallet_id(a.customer_id)
    moved, moves, _ = collect(
        a, wallet, available, fee=a.fee_per_period, tag=f"renewal{number}", changes=changes
    )
    desk.move(tx, moves)
    calendar = desk.calendar(tx)
    term = a.term + 1
    start = a.start_date or a.end_date or desk.today(tx)
    longer = attrs.evolve(
        a,
        term=term,
        end_date=end_date(a.mode, start, term, calendar),
        prepaid_left=a.prepaid_left + 1,
        renewals=number,
        renewed_on=day,
        **changes,  # type: ignore[arg-type]
    )
    renewed = attrs.evolve(longer, next_fee_date=a.next_fee_date or schedule_next(longer, calendar))
    saved = desk.change(tx, a, renewed, actor=SYSTEM, kind="renewed", end=str(renewed.end_date), **moved)
    customer, end = tx.uow.customers.get(a.customer_id), str(saved.end_date)
    if a.fee_per_period:
        tx.tell(customer, "allocation.renewed", id=a.id, end=end, fee=Money(a.fee_per_period))
    else:  # a free trial's renewal costs nothing
        tx.tell(customer, "allocation.renewed_free", id=a.id, end=end)
    return saved


def _expire(desk: Desk, tx: Tx, a: Allocation, why: Unrenewed) -> Allocation:
    assert a.end_date is not None  # noqa: S101 - only an allocation whose term ended expires
    settle_by = desk.calendar(tx).add_trading_days(a.end_date, a.product.expiry_grace_days)
    by = str(settle_by)
    expired = attrs.evolve(a, term_end_told=True, expired_on=a.end_date, settle_by=settle_by)
    end = str(a.end_date)
    saved = desk.change(tx, a, expired, actor=SYSTEM, kind="term_ended", end=end, unrenewed=why.value)
    customer = tx.uow.customers.get(a.customer_id)
    tx.tell(customer, f"allocation.expired.{why.value}", id=a.id, end=end, settle_by=by)
    tx.tell_staff(Permission.ALLOCATION_SETTLE, "allocation.staff_term_ended", id=a.id, end=end, settle_by=by)
    return saved


def renewed_by_hand(allocation: Allocation) -> Allocation:
    """``allocation`` after an extension: no longer overdue at expiry."""
    return attrs.evolve(allocation, expired_on=None, settle_by=None, grace_told=False)


def expired(tx: Tx) -> list[Allocation]:
    """The running allocations overdue at expiry, the earliest ``settle_by`` first."""
    found: list[Allocation] = []
    after = ""
    while True:
        page = tx.uow.allocations.in_status([Status.IN_PROGRESS], BATCH, after=after)
        found += [a for a in page if a.settle_by is not None]
        if len(page) < BATCH:
            return sorted(found, key=lambda a: (a.settle_by or date.max, a.id))
        after = page[-1].id
