"""Settlement: the administrator enters the sub-account's final total assets A and the allocation ends.

::

    payout = A − B − unpaid fees            (paid to the wallet when positive)
    B goes back to the capital pool first, then the unpaid fees are collected, then the customer is paid.
    A shortfall (穿仓, payout < 0) is covered by the risk fund first; what is left is booked as a receivable
    from the customer or a platform loss (``ShortfallPolicy``) — capital always returns to the pool in full;
    fees the risk fund did not cover are owed (receivable) or waived (loss), and the settlement says which.

The deposit and top-ups, frozen until now, are posted into the allocation account; what the risk fund did
not cover is released. Prepaid periods not used come back when the product's refund policy says so. Any
pending side request is rejected. The settlement runs through four eyes by default (``allocation.settle``):
the first administrator's request waits for a second; submitting the same settlement again, or approving
it twice, settles once.
"""

from __future__ import annotations

import attrs

from p2pstock.core.allocation import fees
from p2pstock.core.allocation.allocations import Allocation, Hold, Settlement, Status
from p2pstock.core.allocation.customer_requests import release_pending
from p2pstock.core.allocation.desk import Desk, ShortfallPolicy
from p2pstock.core.allocation.fee_periods import take_risk_fund
from p2pstock.core.allocation.money_out import SETTLE
from p2pstock.core.allocation.products import Component, RefundPolicy
from p2pstock.core.backoffice import Command, Tx
from p2pstock.core.errors import AlreadyDecided, InvalidInput
from p2pstock.core.ledger import chart, codes
from p2pstock.core.ledger.transfers import Transfer
from p2pstock.core.money import Money
from p2pstock.core.people.four_eyes import ApprovalRequest
from p2pstock.core.people.permissions import Administrator, Permission


def settle(
    desk: Desk, tx: Tx, allocation_id: str, final_assets: int, by: str
) -> Allocation | ApprovalRequest:
    if isinstance(final_assets, bool) or not isinstance(final_assets, int) or final_assets < 0:
        raise InvalidInput(
            "the final total assets must be a whole number of minor units, 0 or more",
            code="final_assets_invalid",
        )
    allocation = desk.load(tx, allocation_id, lock=False)
    if allocation.status is Status.SETTLED:
        tx.admin(by, Permission.ALLOCATION_SETTLE)
        return _same(allocation, final_assets)
    allocation.require(Status.IN_PROGRESS)
    command = Command(
        SETTLE, Permission.ALLOCATION_SETTLE, allocation_id, {"final_assets": final_assets}, final_assets
    )
    return tx.act(by, command, Allocation)


def carry_out(desk: Desk, tx: Tx, command: Command, admin: Administrator) -> Allocation:
    final = command.payload["final_assets"]
    if not isinstance(final, int):
        raise InvalidInput("the settlement lacks its final assets", code="final_assets_missing")
    allocation = desk.load(tx, command.target)
    if allocation.status is Status.SETTLED:
        return _same(allocation, final)
    allocation.require(Status.IN_PROGRESS)
    allocation = fees.charge_due(desk, tx, allocation, desk.today(tx))  # every period up to today first
    allocation = release_pending(desk, tx, allocation, admin.id, "the allocation is being settled")
    moves, record, holds = _books(desk, allocation, final, admin.id, tx.now)
    desk.move(tx, moves)
    settled = attrs.evolve(
        allocation,
        status=Status.SETTLED,
        settlement=record,
        holds=holds,
        top_up_holds=(),
        next_fee_date=None,
        sealed_password="",
    )
    saved = desk.change(tx, allocation, settled, actor=admin.id, kind="settled", **attrs.asdict(record))
    tx.tell(
        tx.uow.customers.get(saved.customer_id),
        "allocation.settled",
        id=saved.id,
        payout=Money(max(record.payout, 0)),
    )
    return saved


def _same(allocation: Allocation, final_assets: int) -> Allocation:
    if allocation.settlement is not None and allocation.settlement.final_assets == final_assets:
        return allocation
    raise AlreadyDecided(
        f"allocation {allocation.id} was settled already with other final assets",
        code="already_settled",
        allocation=allocation.id,
    )


def preview(desk: Desk, tx: Tx, waiting: ApprovalRequest) -> dict[str, object]:
    """What a waiting settlement would do as things stand: the customer's payout, the market's result it
    books (against B and the customer's stake), what the risk fund covers, and any shortfall beyond it and
    who bears it (neither fees falling due before it is carried out nor a refund of unused prepaid periods
    are counted)."""
    allocation = desk.load(tx, waiting.target, lock=False)
    final = waiting.amount or 0
    split = Split.of(allocation, final)
    return {
        "payout": Money(split.payout_paid),
        "pnl": Money(final - allocation.allocated - allocation.stake),
        "book": Money(allocation.allocated + allocation.stake),
        "from_fund": Money(split.from_fund),
        "shortfall": Money(split.uncovered_capital + split.uncovered_fees),
        "bearer": desk.shortfall,
    }


@attrs.frozen
class Split:
    """Where the final assets go, in order: capital, unpaid fees, the customer; then the risk fund."""

    capital_back: int
    fees_collected: int
    payout_paid: int
    fund_capital: int
    fund_fees: int
    uncovered_capital: int
    uncovered_fees: int

    @classmethod
    def of(cls, a: Allocation, final: int) -> Split:
        capital_back = min(a.allocated, final)
        fees_collected = min(a.fees_unpaid, final - capital_back)
        short_capital, short_fees = a.allocated - capital_back, a.fees_unpaid - fees_collected
        fund_capital = min(a.risk_fund, short_capital)
        fund_fees = min(a.risk_fund - fund_capital, short_fees)
        return cls(
            capital_back,
            fees_collected,
            final - capital_back - fees_collected,
            fund_capital,
            fund_fees,
            short_capital - fund_capital,
            short_fees - fund_fees,
        )

    @property
    def from_fund(self) -> int:
        return self.fund_capital + self.fund_fees


def _books(
    desk: Desk, a: Allocation, final: int, by: str, now: int
) -> tuple[list[Transfer], Settlement, dict[Component, Hold]]:
    split, receivable = Split.of(a, final), desk.shortfall is ShortfallPolicy.RECEIVABLE
    refund = (
        a.prepaid_left * a.fee_per_period if a.product.refund_policy is RefundPolicy.UNUSED_PERIODS else 0
    )
    moves = _margin_and_result(a, final) + _fund_moves(a, split.from_fund) + _paying_out(a, split, receivable)
    moves += _move(
        a,
        "refund",
        chart.fee_income().id,
        chart.wallet_id(a.customer_id),
        amount=refund,
        code=codes.ALLOCATION_REFUND,
    )
    record = Settlement(
        final_assets=final,
        payout=final - a.allocated - a.fees_unpaid,
        fees_collected=split.fees_collected + split.fund_fees,
        from_risk_fund=split.from_fund,
        receivable=split.uncovered_capital + split.uncovered_fees if receivable else 0,
        loss=0 if receivable else split.uncovered_capital,
        fees_waived=0 if receivable else split.uncovered_fees,
        refund=refund,
        by=by,
        at=now,
    )
    holds: dict[Component, Hold] = {c: h for c, h in a.holds.items() if c is not Component.RISK_FUND}
    return moves, record, holds


def _margin_and_result(a: Allocation, final: int) -> list[Transfer]:
    """Post the frozen deposit and top-ups into the allocation account, then book the market's result."""
    account, market = chart.allocation_account_id(a.id), chart.market_results().id
    margin = [a.holds[Component.DEPOSIT], *a.top_up_holds]
    moves = [Transfer.post(f"{h.transfer_id}:settle", pending_id=h.transfer_id) for h in margin]
    book = a.allocated + a.stake
    gain = final > book
    debit, credit = (market, account) if gain else (account, market)
    return moves + _move(a, "result", debit, credit, amount=abs(final - book), code=codes.ALLOCATION_RESULT)


def _fund_moves(a: Allocation, used: int) -> list[Transfer]:
    """Post what the shortfall takes of the risk fund into the allocation account; release the rest."""
    hold = a.holds.get(Component.RISK_FUND)
    if hold is None:
        return []
    if used:
        return take_risk_fund(a, used, "settle")[0][:1]  # a partial post releases the rest
    return [Transfer.void(f"{hold.transfer_id}:settle", pending_id=hold.transfer_id)]


def _paying_out(a: Allocation, split: Split, receivable: bool) -> list[Transfer]:
    account, wallet, pool = (
        chart.allocation_account_id(a.id),
        chart.wallet_id(a.customer_id),
        chart.capital_pool().id,
    )
    fees, bearer = chart.fee_income().id, chart.receivables().id if receivable else chart.losses().id
    moves = _move(
        a,
        "capital_back",
        account,
        pool,
        amount=split.capital_back + split.fund_capital,
        code=codes.ALLOCATION_CAPITAL,
    )
    moves += _move(
        a, "fees", account, fees, amount=split.fees_collected + split.fund_fees, code=codes.ALLOCATION_FEE
    )
    moves += _move(a, "payout", account, wallet, amount=split.payout_paid, code=codes.ALLOCATION_PAYOUT)
    moves += _move(
        a, "shortfall", bearer, pool, amount=split.uncovered_capital, code=codes.ALLOCATION_SHORTFALL
    )
    if receivable:
        moves += _move(
            a, "fees_owed", bearer, fees, amount=split.uncovered_fees, code=codes.ALLOCATION_SHORTFALL
        )
    return moves


def _move(a: Allocation, tag: str, debit: str, credit: str, *, amount: int, code: str) -> list[Transfer]:
    """The transfer, or nothing for a zero amount."""
    if not amount:
        return []
    return [
        Transfer.single(
            f"alloc:{a.id}:settle:{tag}", debit=debit, credit=credit, amount=amount, code=code, reference=a.id
        )
    ]
