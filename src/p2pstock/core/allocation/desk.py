"""What the allocation services share: the ledger accounts an allocation moves money between, the trading
calendar as stored, the business day, and one way to change an allocation — saved with its version,
written to its timeline and to the audit trail in the same transaction.

Money of an allocation (all in one ledger, double entry)::

    customer wallet ──hold──► allocation account      deposit, risk fund, top-ups: frozen until settlement
    capital pool ────────────► allocation account      B, drawn at start and returned at settlement
    customer wallet ─────────► fee income              fees (prepaid ones are held until the start)
    market results ◄────────► allocation account       what trading made or lost, booked at settlement
    allocation account ──────► customer wallet         profit withdrawals and the payout
"""

from __future__ import annotations

import enum
import json
from collections.abc import Sequence
from datetime import date, datetime, time, tzinfo
from typing import TYPE_CHECKING

import attrs

from p2pstock.core.allocation.allocations import Allocation, Risk, Status
from p2pstock.core.allocation.calendar import HolidaySource, TradingCalendar
from p2pstock.core.allocation.ports import Event, SecretBox
from p2pstock.core.allocation.trading_days import read_calendar
from p2pstock.core.backoffice import Backoffice, Tx
from p2pstock.core.clock import from_micros
from p2pstock.core.errors import NotFound, P2PStockError
from p2pstock.core.ledger import chart
from p2pstock.core.ledger.results import TransferOutcome
from p2pstock.core.ledger.service import Ledger
from p2pstock.core.ledger.transfers import Transfer

if TYPE_CHECKING:
    from p2pstock.core.allocation.statement_files import SheetReader


class ShortfallPolicy(enum.StrEnum):
    """Who bears what a settlement's shortfall (穿仓) leaves after the risk fund."""

    RECEIVABLE = "receivable"
    """The customer owes it: booked as a receivable to collect."""
    LOSS = "loss"
    """The platform bears it: booked as a loss."""


PLATFORM_ACCOUNTS = (
    chart.capital_pool,
    chart.capital_funding,
    chart.fee_income,
    chart.market_results,
    chart.receivables,
    chart.losses,
)


@attrs.define
class Desk:
    office: Backoffice
    ledger: Ledger
    sources: tuple[HolidaySource, ...]
    box: SecretBox | None = None
    shortfall: ShortfallPolicy = ShortfallPolicy.RECEIVABLE
    sheets: SheetReader | None = None
    """Reads statements sent as .xlsx workbooks (an adapter's); without one they are refused."""

    @property
    def timezone(self) -> tzinfo:
        return self.ledger.timezone

    def calendar(self, tx: Tx) -> TradingCalendar:
        return read_calendar(tx, self.sources)

    def local(self, micros: int) -> datetime:
        return from_micros(micros).astimezone(self.timezone)

    def today(self, tx: Tx) -> date:
        return self.local(tx.now).date()

    def time_of_day(self, tx: Tx) -> time:
        return self.local(tx.now).time()

    def open_accounts(self, tx: Tx, allocation: Allocation) -> None:
        accounts = [make() for make in PLATFORM_ACCOUNTS]
        accounts += [chart.allocation_account(allocation.id), chart.wallet(allocation.customer_id)]
        self.ledger.create_accounts_in(tx.uow.ledger, accounts)

    def move(
        self, tx: Tx, transfers: Sequence[Transfer], *, short: P2PStockError | None = None
    ) -> list[TransferOutcome]:
        """Apply ``transfers``; any refusal raises (``short`` for an account that cannot cover a debit),
        rolling the whole transaction back."""
        return self.ledger.apply_all_in(tx.uow.ledger, transfers, short=short)

    def load(self, tx: Tx, allocation_id: str, *, lock: bool = True) -> Allocation:
        found = tx.uow.allocations.get(allocation_id, lock=lock)
        if found is None:
            raise NotFound(
                f"no allocation {allocation_id}", code="allocation_not_found", allocation=allocation_id
            )
        return found

    def change(
        self, tx: Tx, before: Allocation, after: Allocation, *, actor: str, kind: str, **data: object
    ) -> Allocation:
        """Save ``after`` over ``before``, with a timeline event and an audit record."""
        saved = attrs.evolve(after, version=before.version + 1)
        tx.uow.allocations.save(saved)
        tx.uow.allocation_events.add([self.record(tx, before, saved, actor=actor, kind=kind, **data)])
        return saved

    def record(
        self, tx: Tx, before: Allocation, saved: Allocation, *, actor: str, kind: str, **data: object
    ) -> Event:
        """The audit record of a change (``saved`` over ``before``), and its timeline event for the caller
        to store with the allocation (``change`` does both; a caller changing many stores them together)."""
        state, after = summary(before), summary(saved)
        tx.audit(
            actor, f"allocation.{kind}", saved.id, before=state, after=state if after == state else after
        )
        return _event(tx, saved.id, kind, actor, data)

    def event(self, tx: Tx, allocation_id: str, kind: str, actor: str, **data: object) -> Event:
        event = _event(tx, allocation_id, kind, actor, data)
        tx.uow.allocation_events.add([event])
        return event


def _event(tx: Tx, allocation_id: str, kind: str, actor: str, data: dict[str, object]) -> Event:
    return Event(allocation_id, tx.now, kind, actor, _DATA.encode(data))


_DATA = json.JSONEncoder(sort_keys=True, default=str)
"""``json.dumps(data, sort_keys=True, default=str)`` without building an encoder per event."""


def summary(allocation: Allocation) -> dict[str, object]:
    """What the audit trail keeps of an allocation's state (never the sealed password)."""
    return {
        "status": _VALUES[allocation.status],
        "risk": _VALUES[allocation.risk],
        "paid": allocation.paid,
        "risk_fund": allocation.risk_fund,
        "top_ups": allocation.top_ups,
        "fees_unpaid": allocation.fees_unpaid,
        "overdue": allocation.overdue,
        "sub_account": allocation.sub_account,
        "term": allocation.term,
    }


_VALUES: dict[Status | Risk, str] = {member: member.value for member in (*Status, *Risk)}
"""Each state's text (``.value`` is a property: slow on every record of a fee job)."""
