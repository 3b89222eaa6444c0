"""Expansion and reduction requests in a transaction (the rules are ``resizing``'s): frozen when asked,
carried out or released when decided — under ``allocation.review``, like a top-up.

The money of a resize (ids named by the allocation and the request, so a replay moves it once)::

    expansion asked     wallet ──hold ΔD (and ΔRF)──► allocation account          frozen while pending
    expansion approved  the deposit's hold and ΔD's are voided and D' frozen as the deposit's one hold
                        (the risk fund's likewise: what is left of it + ΔRF); ΔB drawn from the pool
                        (refused when the pool cannot cover it, as at the start)
    reduction approved  ΔB back to the pool; the deposit's hold voided and D' frozen again, which frees
                        ΔD in the wallet (and the risk fund's share of ΔB, as far as it is left)
    rejected            the expansion's holds voided; a reduction froze nothing

So the allocation keeps one deposit hold of D' and one risk fund hold, B' is in its account, and a later
settlement posts them and returns B' to the pool as it does for any allocation. A reduction counts
ΔB + ΔD as gone from the sub-account since the latest status (``withdrawn_since_status``), as a profit
withdrawal does, until the next status tells the assets again.

Fees due up to today are charged at the old fee before an approval (as a settlement charges them first),
so the new fee applies from the next period. An approval takes the daily statuses' turn before it locks
the allocation, as a status does: a statement imported at the same moment is judged wholly against the
lines before the change or wholly against those after it, and a reduction reads the latest status there
is. The timeline gets an ``expanded`` or ``reduced`` event with D, B, the lines and the fee before
(``…_was``) and after; the customer is told the decision in their language.
"""

from __future__ import annotations

import attrs

from p2pstock.core.allocation import fees, resizing
from p2pstock.core.allocation.allocations import Allocation, Hold, Status
from p2pstock.core.allocation.desk import Desk
from p2pstock.core.allocation.money_out import require_known_figures
from p2pstock.core.allocation.products import Component
from p2pstock.core.allocation.resizing import Resize
from p2pstock.core.allocation.side_requests import Kind, RequestStatus, SideRequest
from p2pstock.core.backoffice import Tx
from p2pstock.core.errors import Refused
from p2pstock.core.ledger import chart, codes
from p2pstock.core.ledger.service import wallet_short
from p2pstock.core.ledger.transfers import Transfer
from p2pstock.core.money import Money

EVENTS = {Kind.EXPANSION: "expanded", Kind.REDUCTION: "reduced"}
"""The timeline event of an approved resize, by kind."""


def tag(allocation_id: str, request: SideRequest) -> str:
    """What the ids of a resize's transfers start with (an expansion's hold of ΔD is named so)."""
    return f"alloc:{allocation_id}:{request.kind.value}:{request.id}"


def asked(allocation: Allocation, kind: Kind, change: int, requests: list[SideRequest]) -> Resize:
    """``kind`` of ``change`` as the customer asks it, given the allocation's ``requests``: refused while
    another resize waits, or when the rules say no."""
    for known in requests:
        if known.kind in resizing.RESIZES and known.status is RequestStatus.PENDING:
            raise Refused(
                f"a {known.kind.value} request ({known.id}) is pending already",
                code="resize_pending",
                request=known.id,
            )
    resize = resizing.plan(allocation, kind, change)
    resizing.check(allocation, resize, extension_waits=_extension_waits(requests))
    return resize


def freeze(desk: Desk, tx: Tx, allocation: Allocation, request: SideRequest) -> SideRequest:
    """An expansion asked: ΔD (and ΔRF) frozen in the wallet; the request named by its hold."""
    hold_id = tag(allocation.id, request)
    resize = resizing.plan(allocation, request.kind, request.amount)
    moves = [_hold(allocation, hold_id, request.amount, codes.ALLOCATION_DEPOSIT)]
    if resize.risk_fund:
        moves.append(_hold(allocation, f"{hold_id}:risk_fund", resize.risk_fund, codes.ALLOCATION_RISK_FUND))
    desk.move(tx, moves, short=wallet_short(resize.frozen))
    return attrs.evolve(request, hold_id=hold_id)


def decide(desk: Desk, tx: Tx, request: SideRequest, by: str, *, approve: bool, why: str) -> SideRequest:
    """Approve (carry out) or reject (release) a pending resize ``request`` as administrator ``by``."""
    tx.uow.daily_statuses.take_turn()
    allocation = desk.load(tx, request.allocation_id)
    wanted = RequestStatus.APPROVED if approve else RequestStatus.REJECTED
    if approve:
        allocation, changed = _approve(desk, tx, allocation, request, by)
    else:
        changed = release(desk, tx, allocation, request)
    decided = request.decided(wanted, by, tx.now, why)
    tx.uow.side_requests.save(decided)
    saved = desk.change(
        tx,
        allocation,
        changed,
        actor=by,
        kind=f"request.{wanted.value}",
        request=request.id,
        request_kind=request.kind.value,
        reason=why,
    )
    _tell(tx, saved, decided)
    return decided


def release(desk: Desk, tx: Tx, allocation: Allocation, request: SideRequest) -> Allocation:
    """Void what a resize froze (an expansion's ΔD and ΔRF; a reduction froze nothing)."""
    if request.kind is not Kind.EXPANSION or not request.hold_id:
        return allocation
    moves = [Transfer.void(f"{request.hold_id}:void", pending_id=request.hold_id)]
    if resizing.fund_share(allocation, request.amount):
        fund = f"{request.hold_id}:risk_fund"
        moves.append(Transfer.void(f"{fund}:void", pending_id=fund))
    desk.move(tx, moves)
    return allocation


def _approve(
    desk: Desk, tx: Tx, allocation: Allocation, request: SideRequest, by: str
) -> tuple[Allocation, Allocation]:
    """The allocation with the fees due up to today charged (at the old fee), and as the resize leaves it
    (checked again, carried out, and told on the timeline)."""
    allocation.require(Status.IN_PROGRESS)
    if allocation.terminating:
        raise Refused(
            "the termination was approved already; reject this request", code="termination_approved"
        )
    require_known_figures(tx, allocation)
    allocation = fees.charge_due(desk, tx, allocation, desk.today(tx))
    others = [q for q in tx.uow.side_requests.of_allocation(allocation.id) if q.id != request.id]
    resize = asked(allocation, request.kind, request.amount, others)
    changed = _carry_out(desk, tx, allocation, request, resize)
    figures = {**resize.before.named("_was"), **resize.after.named()}
    kind = EVENTS[request.kind]
    desk.event(tx, allocation.id, kind, by, request=request.id, change=resize.change, **figures)
    return allocation, changed


def _carry_out(desk: Desk, tx: Tx, a: Allocation, request: SideRequest, resize: Resize) -> Allocation:
    prefix = tag(a.id, request)
    holds = dict(a.holds)
    moves: list[Transfer] = []
    if resize.expands:
        moves.append(Transfer.void(f"{prefix}:merge", pending_id=prefix))
    deposit = a.holds[Component.DEPOSIT]
    holds[Component.DEPOSIT] = Hold(f"{prefix}:deposit", resize.after.deposit)
    moves += _again(a, deposit, holds[Component.DEPOSIT], codes.ALLOCATION_DEPOSIT, f"{prefix}:deposit")
    if resize.risk_fund:
        moves += _resize_fund(a, resize, holds, prefix)
    moves.append(_capital(a, resize, f"{prefix}:capital"))
    short = Refused(
        f"the capital pool cannot cover {Money(resize.capital)} now",
        code="capital_pool_short",
        amount=Money(resize.capital),
    )
    desk.move(tx, moves, short=short)
    after = resize.after
    return attrs.evolve(
        a,
        deposit=after.deposit,
        allocated=after.allocated,
        warning_line=after.warning_line,
        liquidation_line=after.liquidation_line,
        fee_per_period=after.fee_per_period,
        holds=holds,
        withdrawn_since_status=a.withdrawn_since_status + resize.leaving,
    )


def _resize_fund(a: Allocation, resize: Resize, holds: dict[Component, Hold], prefix: str) -> list[Transfer]:
    """The risk fund's hold made what is left of it ± ΔRF (an expansion's ΔRF hold voided into it)."""
    old = a.holds.get(Component.RISK_FUND)
    left = old.amount if old else 0
    amount = left + resize.risk_fund if resize.expands else left - resize.risk_fund
    moves = (
        [Transfer.void(f"{prefix}:risk_fund:merge", pending_id=f"{prefix}:risk_fund")]
        if resize.expands
        else []
    )
    if old is not None:
        moves.append(Transfer.void(f"{prefix}:fund:void", pending_id=old.transfer_id))
    if amount:
        holds[Component.RISK_FUND] = Hold(f"{prefix}:fund", amount)
        moves.append(_hold(a, f"{prefix}:fund", amount, codes.ALLOCATION_RISK_FUND))
    else:
        holds.pop(Component.RISK_FUND, None)
    return moves


def _again(a: Allocation, old: Hold, new: Hold, code: str, prefix: str) -> list[Transfer]:
    """Void ``old`` and freeze ``new`` in its place."""
    return [
        Transfer.void(f"{prefix}:void", pending_id=old.transfer_id),
        _hold(a, new.transfer_id, new.amount, code),
    ]


def _capital(a: Allocation, resize: Resize, transfer_id: str) -> Transfer:
    """ΔB drawn from the pool into the allocation's account (expansion) or back (reduction)."""
    pool, account = chart.capital_pool().id, chart.allocation_account_id(a.id)
    debit, credit = (pool, account) if resize.expands else (account, pool)
    return Transfer.single(
        transfer_id,
        debit=debit,
        credit=credit,
        amount=resize.capital,
        code=codes.ALLOCATION_CAPITAL,
        reference=a.id,
    )


def _hold(a: Allocation, transfer_id: str, amount: int, code: str) -> Transfer:
    return Transfer.pending(
        transfer_id,
        debit=chart.wallet_id(a.customer_id),
        credit=chart.allocation_account_id(a.id),
        amount=amount,
        code=code,
        reference=a.id,
    )


def _extension_waits(requests: list[SideRequest]) -> bool:
    return any(q.kind is Kind.EXTENSION and q.status is RequestStatus.PENDING for q in requests)


def _tell(tx: Tx, allocation: Allocation, request: SideRequest) -> None:
    customer = tx.uow.customers.get(allocation.customer_id)
    if request.status is RequestStatus.REJECTED:
        key = "allocation.request_rejected"
        tx.tell(customer, key, id=allocation.id, kind=request.kind, reason=request.reason)
        return
    tx.tell(
        customer,
        "allocation.resized",
        id=allocation.id,
        kind=request.kind,
        deposit=Money(allocation.deposit),
        allocated=Money(allocation.allocated),
        warning=Money(allocation.warning_line),
        liquidation=Money(allocation.liquidation_line),
        fee=Money(allocation.fee_per_period),
    )
