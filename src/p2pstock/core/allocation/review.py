"""Review and start: the reviewer checks the payment and phones the customer, confirms (the lines are
snapshotted), and finance assigns the trading sub-account, which starts the allocation with B drawn from
the capital pool. A rejection at any review step releases everything, with the reason told to the
customer.

Trading starts on the day of the assignment when that is a trading day before the product's cut-off
(Asia/Shanghai), otherwise on the next trading day. A daily allocation runs ``term`` trading days; a monthly
one ``term`` months (to the day before the same date, clamped to the month's end), a weekly one ``term``
weeks (to the day before the same weekday). Monthly and weekly allocations pay their first fee at the start.
"""

from __future__ import annotations

import attrs

from p2pstock.core.allocation import fees
from p2pstock.core.allocation.allocations import Allocation, CallOutcome, PhoneCall, Status
from p2pstock.core.allocation.applications import close
from p2pstock.core.allocation.calendar import CalendarUnknown
from p2pstock.core.allocation.desk import Desk
from p2pstock.core.allocation.products import Component, Mode
from p2pstock.core.allocation.terms import end_date, start_date
from p2pstock.core.backoffice import Tx
from p2pstock.core.errors import InvalidInput, Refused
from p2pstock.core.ledger import chart, codes
from p2pstock.core.ledger.transfers import Transfer
from p2pstock.core.money import Money
from p2pstock.core.people.permissions import Permission
from p2pstock.core.validation import check_name, check_reason, check_text

MAX_PASSWORD = 64


def record_call(
    desk: Desk, tx: Tx, allocation_id: str, *, by: str, outcome: CallOutcome, note: str
) -> Allocation:
    admin = tx.admin(by, Permission.ALLOCATION_REVIEW)
    allocation = desk.load(tx, allocation_id)
    allocation.require(Status.UNDER_REVIEW)
    call = PhoneCall(admin.id, tx.now, CallOutcome(outcome), check_text(note, "note", 500, lines=True))
    called = attrs.evolve(allocation, calls=(*allocation.calls, call))
    return desk.change(
        tx, allocation, called, actor=admin.id, kind="call", outcome=call.outcome.value, note=call.note
    )


def confirm(desk: Desk, tx: Tx, allocation_id: str, by: str) -> Allocation:
    """Confirm a fully paid application whose customer confirmed it on the phone; the lines are fixed."""
    admin = tx.admin(by, Permission.ALLOCATION_REVIEW)
    allocation = desk.load(tx, allocation_id)
    if allocation.status is Status.CONFIRMED:
        return allocation  # confirmed already (a second tap)
    allocation.require(Status.UNDER_REVIEW)
    if not allocation.calls or allocation.calls[-1].outcome is not CallOutcome.CONFIRMED:
        raise Refused(
            "record a phone call in which the customer confirmed the application first", code="call_first"
        )
    quote = allocation.product.quote(allocation.deposit, allocation.leverage, allocation.term)
    confirmed = attrs.evolve(
        allocation,
        status=Status.CONFIRMED,
        confirmed_at=tx.now,
        warning_line=quote.warning_line,
        liquidation_line=quote.liquidation_line,
    )
    saved = desk.change(
        tx,
        allocation,
        confirmed,
        actor=admin.id,
        kind="confirmed",
        warning_line=quote.warning_line,
        liquidation_line=quote.liquidation_line,
    )
    tx.tell(tx.uow.customers.get(saved.customer_id), "allocation.confirmed", id=saved.id)
    return saved


def reject(desk: Desk, tx: Tx, allocation_id: str, by: str, reason: str) -> Allocation:
    admin = tx.admin(by, Permission.ALLOCATION_REVIEW)
    why = check_reason(reason)
    allocation = desk.load(tx, allocation_id)
    allocation.require(Status.APPLIED, Status.PARTIALLY_PAID, Status.UNDER_REVIEW, Status.CONFIRMED)
    rejected = close(desk, tx, allocation, Status.REJECTED, actor=admin.id, reason=why)
    tx.tell(tx.uow.customers.get(rejected.customer_id), "allocation.rejected", id=rejected.id, reason=why)
    return rejected


def assign_and_start(
    desk: Desk, tx: Tx, allocation_id: str, *, by: str, sub_account: str, password: str
) -> Allocation:
    admin = tx.admin(by, Permission.ALLOCATION_ASSIGN_ACCOUNT)
    if desk.box is None:
        raise Refused(
            "sub-account passwords cannot be stored: set P2PSTOCK_ENCRYPTION_KEY",
            code="encryption_key_missing",
        )
    code = check_name(sub_account, "sub-account code")
    if not isinstance(password, str) or not 1 <= len(password) <= MAX_PASSWORD:
        raise InvalidInput(
            f"the sub-account password must be 1–{MAX_PASSWORD} characters",
            code="password_length",
            most=MAX_PASSWORD,
        )
    allocation = desk.load(tx, allocation_id)
    if allocation.status is Status.IN_PROGRESS and allocation.sub_account == code:
        return allocation  # assigned already (a second tap)
    allocation.require(Status.CONFIRMED)
    if tx.uow.allocations.by_sub_account([code]):
        raise Refused(
            f"sub-account {code} is in use by another running allocation",
            code="sub_account_in_use",
            sub_account=code,
        )
    calendar = desk.calendar(tx)
    start = start_date(desk, tx, allocation.product, calendar)
    try:
        last_day = end_date(allocation.product.mode, start, allocation.term, calendar)
    except CalendarUnknown as unknown:
        raise Refused(
            f"the allocation's term runs into {unknown.year}, whose trading days are not known yet: load "
            f"them (p2pstock calendar load, or the trading calendar in /admin)",
            code="calendar_not_loaded",
            year=unknown.year,
        ) from None
    _draw_capital(desk, tx, allocation)
    prepaid = allocation.holds.get(Component.PREPAID_FEE)
    started = attrs.evolve(
        allocation,
        status=Status.IN_PROGRESS,
        sub_account=code,
        sealed_password=desk.box.seal(password),
        start_date=start,
        end_date=last_day,
        next_fee_date=start,
        prepaid_left=allocation.product.prepaid_periods if prepaid else 0,
        fees_paid=prepaid.amount if prepaid else 0,
    )
    desk.event(tx, allocation.id, "account_assigned", admin.id, sub_account=code)
    saved = desk.change(
        tx,
        allocation,
        started,
        actor=admin.id,
        kind="started",
        start=start.isoformat(),
        capital=allocation.allocated,
    )
    if saved.mode in (Mode.MONTHLY, Mode.WEEKLY):
        saved = fees.charge_due(desk, tx, saved, start)
    tx.tell(
        tx.uow.customers.get(saved.customer_id),
        "allocation.started",
        id=saved.id,
        sub_account=code,
        start=start.isoformat(),
    )
    return saved


def _draw_capital(desk: Desk, tx: Tx, allocation: Allocation) -> None:
    moves = [
        Transfer.single(
            f"alloc:{allocation.id}:capital",
            debit=chart.capital_pool().id,
            credit=chart.allocation_account_id(allocation.id),
            amount=allocation.allocated,
            code=codes.ALLOCATION_CAPITAL,
            reference=allocation.id,
        )
    ]
    prepaid = allocation.holds.get(Component.PREPAID_FEE)
    if prepaid is not None:
        moves.append(Transfer.post(f"{prepaid.transfer_id}:post", pending_id=prepaid.transfer_id))
    desk.move(
        tx,
        moves,
        short=Refused(
            f"the capital pool cannot cover {Money(allocation.allocated)} now",
            code="capital_pool_short",
            amount=Money(allocation.allocated),
        ),
    )
