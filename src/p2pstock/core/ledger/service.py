"""The ledger as embedders call it: plain synchronous methods, each one database transaction."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import TypeVar

import attrs

from p2pstock.core.clock import Clock, SystemClock, from_micros, to_micros
from p2pstock.core.errors import InsufficientFunds, InvalidInput, LedgerRefused, NotFound, P2PStockError
from p2pstock.core.ledger import activity, reports
from p2pstock.core.ledger.accounts import Account, AccountFlags, Balances
from p2pstock.core.ledger.engine import apply_transfers, expiry_id
from p2pstock.core.ledger.entries import Entry, EntryKind
from p2pstock.core.ledger.ports import CodeTotal, DayRange, LedgerSession, Period
from p2pstock.core.ledger.results import AccountOutcome, AccountResult, TransferOutcome, TransferResult
from p2pstock.core.ledger.transfers import Transfer, TransferFlags
from p2pstock.core.money import Money
from p2pstock.core.ports import UnitOfWork, UnitOfWorkFactory
from p2pstock.core.transactions import in_transaction

T = TypeVar("T")

MAX_BATCH = 8190
_BOTH_LIMITS = AccountFlags.DEBITS_MUST_NOT_EXCEED_CREDITS | AccountFlags.CREDITS_MUST_NOT_EXCEED_DEBITS


@attrs.define
class Ledger:
    """Accounts, transfers with freezing, fund dynamics and their checks.

    ``timezone`` decides the business day that statistics group by (Asia/Shanghai for a CNY platform).
    """

    uow_factory: UnitOfWorkFactory
    clock: Clock = attrs.field(factory=SystemClock)
    timezone: tzinfo = UTC

    # -- writing ---------------------------------------------------------------------------------------

    def create_accounts(self, accounts: Sequence[Account]) -> list[AccountOutcome]:
        """Create accounts; an id that exists answers ``EXISTS`` (or how it differs) and changes nothing.
        When every one exists already (opening a wallet again), the answer comes from a read, and no
        writer waits for it."""
        ids = {account.id for account in accounts}
        stored = self._read(lambda session: session.find_accounts(ids))
        if accounts and stored.keys() == ids:
            return [_outcome_of_existing(account, stored[account.id]) for account in accounts]
        return in_transaction(self.uow_factory, lambda uow: self.create_accounts_in(uow.ledger, accounts))

    def create_accounts_in(self, session: LedgerSession, accounts: Sequence[Account]) -> list[AccountOutcome]:
        """``create_accounts`` inside a transaction the caller already holds."""
        existing = session.find_accounts({a.id for a in accounts})
        now = to_micros(self.clock.now())
        outcomes: list[AccountOutcome] = []
        new: dict[str, Account] = {}
        for account in accounts:
            found = existing.get(account.id) or new.get(account.id)
            if found is not None:
                outcomes.append(_outcome_of_existing(account, found))
                continue
            result = _check_new_account(account)
            if result is AccountResult.CREATED:
                found = new[account.id] = attrs.evolve(account, created_at=now)
            outcomes.append(AccountOutcome(account.id, result, found))
        session.insert_accounts(list(new.values()))
        return outcomes

    def create_transfers(self, transfers: Sequence[Transfer]) -> list[TransferOutcome]:
        """Apply a batch of transfers in one database transaction; one outcome per transfer, in order."""
        if len(transfers) > MAX_BATCH:
            raise InvalidInput(
                f"a batch holds at most {MAX_BATCH} transfers", code="batch_too_large", most=MAX_BATCH
            )
        return in_transaction(self.uow_factory, lambda uow: self.apply_in(uow.ledger, transfers))

    def create_transfer(self, transfer: Transfer) -> TransferOutcome:
        """Apply one transfer in its own transaction."""
        return self.create_transfers([transfer])[0]

    def transfer(self, transfer: Transfer) -> Transfer:
        """Apply one transfer and return it as stored; raise ``LedgerRefused`` unless it now exists."""
        outcome = self.create_transfer(transfer)
        if not outcome.ok or outcome.transfer is None:
            raise LedgerRefused(f"transfer {transfer.id} refused: {outcome.result}", outcome.result)
        return outcome.transfer

    def apply_in(self, session: LedgerSession, transfers: Sequence[Transfer]) -> list[TransferOutcome]:
        """``create_transfers`` inside a transaction the caller already holds (to write business records
        in the same transaction)."""
        return apply_transfers(session, transfers, self._stamp)

    def apply_all_in(
        self, session: LedgerSession, transfers: Sequence[Transfer], *, short: P2PStockError | None = None
    ) -> list[TransferOutcome]:
        """``apply_in`` for business steps: the first refused transfer raises, so that the caller's whole
        transaction rolls back — ``short`` when a debit exceeds what its account may give (a wallet or a pool
        that cannot cover it), else ``LedgerRefused``."""
        outcomes = self.apply_in(session, transfers)
        for outcome in outcomes:
            if outcome.ok:
                continue
            if short is not None and outcome.result is TransferResult.EXCEEDS_CREDITS:
                raise short
            raise LedgerRefused(f"transfer {outcome.id} refused: {outcome.result}", outcome.result)
        return outcomes

    def expire_pending(self, *, limit: int = 1000) -> int:
        """Expire pending transfers whose timeout has passed; returns how many expired."""

        def sweep(uow: UnitOfWork) -> int:
            now = to_micros(self.clock.now())
            due = uow.ledger.expired_pending(now, limit)
            requests = [
                Transfer(expiry_id(p.id), flags=TransferFlags.EXPIRE_PENDING, pending_id=p.id) for p in due
            ]
            outcomes = apply_transfers(uow.ledger, requests, self._stamp, internal=True)
            return sum(1 for o in outcomes if o.result == "created")

        return in_transaction(self.uow_factory, sweep)

    # -- reading ---------------------------------------------------------------------------------------

    def account(self, account_id: str) -> Account:
        found = self._read(lambda s: s.find_accounts([account_id]))
        if account_id not in found:
            raise NotFound(f"no account {account_id}", code="account_not_found", account=account_id)
        return found[account_id]

    def lookup_transfer(self, transfer_id: str) -> Transfer | None:
        return self._read(lambda s: s.find_transfers([transfer_id])).get(transfer_id)

    def open_holds(self, account_id: str, code_prefix: str = "") -> list[Transfer]:
        """Pending transfers debiting the account that are not yet resolved (what is frozen, and why)."""
        return self._read(lambda s: s.open_holds(account_id, code_prefix))

    def statement(
        self,
        account_id: str,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
        after: int = 0,
        limit: int = 50,
    ) -> reports.StatementPage:
        """The account's entries from ``start`` (inclusive) to ``end`` (exclusive), a page at a time."""
        if not 1 <= limit <= 1000:
            raise InvalidInput("a statement page holds 1 to 1000 entries", code="statement_page_size")
        lo = to_micros(start) if start else 0
        hi = to_micros(end) if end else 2**63 - 1
        rows = self._read(lambda s: s.entries(account_id, lo, hi, after, limit + 1))
        more = len(rows) > limit
        page = tuple(rows[:limit])
        return reports.StatementPage(account_id, page, page[-1].seq if more else None)

    def activity(
        self,
        account_id: str,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
        before: int | None = None,
        limit: int = 20,
    ) -> activity.ActivityPage:
        """The account's movements (``activity``) from ``start`` (inclusive) to ``end`` (exclusive), newest
        first, a page at a time: ``before`` is the ``next_before`` of the newer page."""
        if not 1 <= limit <= 1000:
            raise InvalidInput("a statement page holds 1 to 1000 entries", code="statement_page_size")
        lo = to_micros(start) if start else 0
        hi = to_micros(end) if end else 2**63 - 1

        def read(s: LedgerSession) -> tuple[list[Entry], dict[str, Transfer]]:
            rows = s.movements(account_id, lo, hi, 2**63 - 1 if before is None else before, limit + 1)
            holds = [e.transfer_id for e in rows[:limit] if e.kind is EntryKind.PENDING]
            return rows, s.find_resolutions(holds) if holds else {}

        rows, resolutions = self._read(read)
        page = rows[:limit]
        found = tuple(activity.movements(page, resolutions))
        return activity.ActivityPage(account_id, found, page[-1].seq if len(rows) > limit else None)

    def balance_at(self, account_id: str, moment: datetime) -> Balances:
        """The account's balances as they were at ``moment``."""
        entry = self._read(lambda s: s.last_entry_before(account_id, to_micros(moment) + 1))
        return entry.after if entry else Balances()

    def statistics(
        self, period: Period = "day", *, start: date, end: date, account_id: str | None = None
    ) -> list[CodeTotal]:
        """Posted money by code per day or month, from ``start`` to ``end`` inclusive; platform-wide, or
        for one account (its debits and credits)."""
        if period not in ("day", "month"):
            raise InvalidInput("period must be 'day' or 'month'", code="period_invalid")
        days = self.day_range(start, end)
        return self._read(lambda s: s.code_totals(period, days, account_id))

    def trial_balance(self) -> reports.TrialBalance:
        return self._read(lambda s: reports.trial_balance(s.all_accounts()))

    def audit(self) -> reports.AuditReport:
        """Replay every transfer and compare with the stored balances and entries."""
        return self._read(lambda s: reports.audit(s.all_accounts(), s.all_transfers(), s.entry_sums()))

    def day_range(self, first: date, last: date) -> DayRange:
        """Business days ``first`` to ``last`` as dates and as the microseconds they span."""
        start = datetime.combine(first, time(), self.timezone)
        end = datetime.combine(last + timedelta(days=1), time(), self.timezone)
        return DayRange(first.isoformat(), last.isoformat(), to_micros(start), to_micros(end))

    def _stamp(self) -> tuple[int, str]:
        now = to_micros(self.clock.now())
        return now, self.business_day(now)

    def business_day(self, micros: int) -> str:
        return from_micros(micros).astimezone(self.timezone).date().isoformat()

    def _read(self, query: Callable[[LedgerSession], T]) -> T:
        return in_transaction(self.uow_factory, lambda uow: query(uow.ledger), readonly=True)


def _check_new_account(account: Account) -> AccountResult:
    if account.flags & _BOTH_LIMITS == _BOTH_LIMITS:
        return AccountResult.FLAGS_ARE_MUTUALLY_EXCLUSIVE
    if account.balances != Balances():
        return AccountResult.BALANCES_MUST_BE_ZERO
    return AccountResult.CREATED


def _outcome_of_existing(asked: Account, found: Account) -> AccountOutcome:
    result = _compare_account(asked, found)
    return AccountOutcome(asked.id, result, found if result.ok else None)


def _compare_account(asked: Account, found: Account) -> AccountResult:
    if asked.flags != found.flags:
        return AccountResult.EXISTS_WITH_DIFFERENT_FLAGS
    if asked.code != found.code:
        return AccountResult.EXISTS_WITH_DIFFERENT_CODE
    if asked.currency != found.currency:
        return AccountResult.EXISTS_WITH_DIFFERENT_CURRENCY
    return AccountResult.EXISTS


def wallet_short(amount: int) -> InsufficientFunds:
    """What a wallet that cannot cover ``amount`` refuses with."""
    return InsufficientFunds(f"your available balance does not cover {Money(amount)}")
