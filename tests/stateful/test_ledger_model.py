"""A model-based test of the ledger: Hypothesis drives the real ``Ledger`` with random sequences of
requests and checks every answer against a small reference model kept in plain dictionaries.

The model (``LedgerModel``) is what the ledger should be, written as directly as possible:

* ``accounts``: per account id, its code, currency, flags and four running totals (debits and credits,
  pending and posted);
* ``stored``: per transfer id, the fields the ledger keeps (what an idempotent repeat is compared with),
  and ``requests``: the request that created each of them;
* ``holds``: the open pending transfers (debit, credit, amount, expiry in microseconds or ``None``), and
  ``resolved``: how each closed pending transfer ended (posted, voided or expired);
* ``failed``: ids that failed in a way that might not recur (an overdraft, a missing account or pending
  transfer); they answer ``id_already_failed`` forever;
* ``free_ids``: ids that were tried and left nothing behind (a lasting failure, or rolled back with their
  linked chain); rules use them again now and then, and they must then be judged afresh.

A request is judged in this order: a remembered failure; an existing id (compared field by field: flags,
pending id, timeout, accounts, amount, code, currency, reference — a post or void may leave empty what it
takes from the pending transfer); the request's shape (reserved flag, an id under the ledger's own
``expire:`` prefix, exclusive flags, pending id, timeout); then either the move (zero amount, missing code
or accounts, same accounts, unknown accounts, currencies, overflow, the accounts' limits) or the resolution
(pending transfer unknown or not pending, restated fields that contradict it, already posted, voided or
expired, past its timeout — which expires it on the spot —, amounts). A linked chain applies whole or not
at all: the failing request keeps its own result, the others answer ``linked_event_failed``; a batch that
ends inside a chain answers ``linked_event_chain_open`` for it.

The machine opens accounts (customer wallets that must not be overdrawn, unflagged platform accounts,
credit-limited accounts, accounts in another currency), moves money (also overdrafts that must fail and
amounts at the edge of a 64-bit total), holds money with and without a timeout, posts holds in full or in
part (or for too much), voids them, repeats requests exactly and with one field changed, retries failed
ids, sends malformed requests, submits linked chains inside batches, moves the clock (also exactly to an
expiry), sweeps expired holds and posts or voids holds that have expired. The model predicts every result
exactly. After every step each account's four totals must equal the model's, flagged accounts must be
within their limits and the trial balance must balance; every few steps the ledger's own audit (a replay
of every transfer against balances and entries), the number of stored transfers and every account's open
holds are compared too.

The same machine runs on in-memory storage, on SQLite (a fresh copy of a migrated template per example)
and on PostgreSQL (a fresh database per example, created from a migrated template and always dropped).
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import pytest
import sqlalchemy as sa
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from p2pstock.adapters.clock import ManualClock
from p2pstock.adapters.memory import MemoryUnitOfWorkFactory
from p2pstock.adapters.sql.database import create_engine
from p2pstock.adapters.sql.uow import SqlUnitOfWorkFactory
from p2pstock.core.clock import from_micros, to_micros
from p2pstock.core.ledger.accounts import Account, AccountFlags, Balances
from p2pstock.core.ledger.results import AccountResult, TransferResult
from p2pstock.core.ledger.service import Ledger
from p2pstock.core.ledger.transfers import Transfer, TransferFlags
from p2pstock.core.ports import UnitOfWorkFactory
from pg_databases import Databases

R = TransferResult
F = TransferFlags
NO_OVERDRAFT = AccountFlags.DEBITS_MUST_NOT_EXCEED_CREDITS
CREDIT_LIMIT = AccountFlags.CREDITS_MUST_NOT_EXCEED_DEBITS
SHANGHAI = ZoneInfo("Asia/Shanghai")
MICROS = 1_000_000
MAX_TOTAL = 2**63 - 1
EXPIRY_PREFIX = "expire:"
"""The ledger's own expiry transfers are stored as ``expire:<pending id>``; callers may not use the prefix."""

OK = frozenset({R.CREATED, R.EXISTS})
REMEMBERED = frozenset(
    {
        R.EXCEEDS_CREDITS,
        R.EXCEEDS_DEBITS,
        R.DEBIT_ACCOUNT_NOT_FOUND,
        R.CREDIT_ACCOUNT_NOT_FOUND,
        R.PENDING_TRANSFER_NOT_FOUND,
    }
)
"""Failures that depend on the moment; their ids answer ``id_already_failed`` from then on."""

COMPARED = (
    ("flags", R.EXISTS_WITH_DIFFERENT_FLAGS),
    ("pending_id", R.EXISTS_WITH_DIFFERENT_PENDING_ID),
    ("timeout", R.EXISTS_WITH_DIFFERENT_TIMEOUT),
    ("debit_account_id", R.EXISTS_WITH_DIFFERENT_DEBIT_ACCOUNT_ID),
    ("credit_account_id", R.EXISTS_WITH_DIFFERENT_CREDIT_ACCOUNT_ID),
    ("amount", R.EXISTS_WITH_DIFFERENT_AMOUNT),
    ("code", R.EXISTS_WITH_DIFFERENT_CODE),
    ("currency", R.EXISTS_WITH_DIFFERENT_CURRENCY),
    ("reference", R.EXISTS_WITH_DIFFERENT_REFERENCE),
)
"""A repeated id is compared with what is stored in this order; the first difference is the answer."""

TAKEN_FROM_PENDING = ("debit_account_id", "credit_account_id", "code", "currency")
"""Fields a post or void may restate; when given they must match the pending transfer."""

CONTRADICTIONS = {
    "debit_account_id": R.PENDING_TRANSFER_HAS_DIFFERENT_DEBIT_ACCOUNT_ID,
    "credit_account_id": R.PENDING_TRANSFER_HAS_DIFFERENT_CREDIT_ACCOUNT_ID,
    "code": R.PENDING_TRANSFER_HAS_DIFFERENT_CODE,
    "currency": R.PENDING_TRANSFER_HAS_DIFFERENT_CURRENCY,
}

ACCOUNT_KINDS: dict[str, tuple[str, str, AccountFlags]] = {
    "customer": ("wallet", "CNY", NO_OVERDRAFT),
    "platform": ("platform", "CNY", AccountFlags.NONE),
    "credit_limited": ("receivable", "CNY", CREDIT_LIMIT),
    "foreign": ("platform", "USD", AccountFlags.NONE),
}
MAX_ACCOUNTS = 8
FLAWS = (
    "reserved_flag",
    "two_kinds",
    "reserved_id",
    "expiry_by_hand",
    "no_pending_id",
    "stray_pending_id",
    "stray_timeout",
    "no_code",
    "no_debit",
    "no_credit",
    "no_amount",
    "currency",
)

# -- the reference model --------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class ModelAccount:
    code: str
    currency: str
    flags: AccountFlags
    debits_pending: int = 0
    debits_posted: int = 0
    credits_pending: int = 0
    credits_posted: int = 0

    @property
    def balances(self) -> Balances:
        return Balances(self.debits_pending, self.debits_posted, self.credits_pending, self.credits_posted)


@dataclasses.dataclass(frozen=True)
class Hold:
    debit: str
    credit: str
    amount: int
    expires_at: int | None


@dataclasses.dataclass
class LedgerModel:
    now: int
    accounts: dict[str, ModelAccount] = dataclasses.field(default_factory=dict)
    stored: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)
    requests: dict[str, Transfer] = dataclasses.field(default_factory=dict)
    holds: dict[str, Hold] = dataclasses.field(default_factory=dict)
    resolved: dict[str, str] = dataclasses.field(default_factory=dict)
    failed: dict[str, TransferResult] = dataclasses.field(default_factory=dict)
    free_ids: set[str] = dataclasses.field(default_factory=set)

    # -- accounts

    def open_account(self, account: Account) -> AccountResult:
        found = self.accounts.get(account.id)
        if found is not None:
            if account.flags != found.flags:
                return AccountResult.EXISTS_WITH_DIFFERENT_FLAGS
            if account.code != found.code:
                return AccountResult.EXISTS_WITH_DIFFERENT_CODE
            if account.currency != found.currency:
                return AccountResult.EXISTS_WITH_DIFFERENT_CURRENCY
            return AccountResult.EXISTS
        if account.flags & NO_OVERDRAFT and account.flags & CREDIT_LIMIT:
            return AccountResult.FLAGS_ARE_MUTUALLY_EXCLUSIVE
        self.accounts[account.id] = ModelAccount(account.code, account.currency, account.flags)
        return AccountResult.CREATED

    # -- batches and chains

    def apply_batch(self, requests: list[Transfer]) -> list[TransferResult]:
        """The result of every request of a batch, applying what succeeds."""
        results: list[TransferResult] = []
        chain: list[Transfer] = []
        for request in requests:
            chain.append(request)
            if not request.flags & F.LINKED:
                results += self._apply_chain(chain)
                chain = []
        results += [R.LINKED_EVENT_CHAIN_OPEN] * len(chain)
        for request in requests:
            if request.id in self.stored or request.id in self.failed:
                self.free_ids.discard(request.id)
            elif not request.id.startswith(EXPIRY_PREFIX):
                self.free_ids.add(request.id)
        return results

    def _apply_chain(self, chain: list[Transfer]) -> list[TransferResult]:
        saved = (dict(self.accounts), dict(self.stored), dict(self.requests), dict(self.holds))
        saved_resolved = dict(self.resolved)  # not the failed ids: a remembered failure stays remembered
        results = []
        for request in chain:
            result = self._apply_one(request)
            results.append(result)
            if result not in OK and len(chain) > 1:
                self.accounts, self.stored, self.requests, self.holds = saved
                self.resolved = saved_resolved
                before, after = len(results) - 1, len(chain) - len(results)
                return [R.LINKED_EVENT_FAILED] * before + [result] + [R.LINKED_EVENT_FAILED] * after
        return results

    # -- one request

    def _apply_one(self, t: Transfer) -> TransferResult:
        if t.id in self.failed:
            return R.ID_ALREADY_FAILED
        if t.id in self.stored:
            return self._compare(t, self.stored[t.id])
        result = self._shape(t)
        if result is None:
            result = self._resolve(t) if t.flags & (F.POST_PENDING | F.VOID_PENDING) else self._move(t)
        if result in REMEMBERED:
            self.failed[t.id] = result
        elif result is R.CREATED:
            self.requests[t.id] = t
        return result

    def _compare(self, t: Transfer, stored: dict[str, Any]) -> TransferResult:
        resolving = bool(t.flags & (F.POST_PENDING | F.VOID_PENDING | F.EXPIRE_PENDING))
        for name, result in COMPARED:
            asked = getattr(t, name)
            left_empty = asked is None or asked == ""
            optional = name == "currency" or (
                resolving and name in (*TAKEN_FROM_PENDING, "amount", "reference")
            )
            if not (left_empty and optional) and asked != stored[name]:
                return result
        return R.EXISTS

    @staticmethod
    def _shape(t: Transfer) -> TransferResult | None:
        kinds = (F.PENDING, F.POST_PENDING, F.VOID_PENDING, F.EXPIRE_PENDING)
        if t.flags & F.EXPIRE_PENDING:
            return R.RESERVED_FLAG
        if t.id.startswith(EXPIRY_PREFIX):
            return R.ID_IS_RESERVED
        if sum(bool(t.flags & kind) for kind in kinds) > 1:
            return R.FLAGS_ARE_MUTUALLY_EXCLUSIVE
        if t.flags & (F.POST_PENDING | F.VOID_PENDING):
            if not t.pending_id:
                return R.PENDING_ID_MUST_NOT_BE_EMPTY
            if t.pending_id == t.id:
                return R.PENDING_ID_MUST_BE_DIFFERENT
        elif t.pending_id:
            return R.PENDING_ID_MUST_BE_EMPTY
        if t.timeout and not t.flags & F.PENDING:
            return R.TIMEOUT_RESERVED_FOR_PENDING_TRANSFER
        return None

    def _move(self, t: Transfer) -> TransferResult:
        amount = t.amount or 0
        for missing, result in (
            (amount == 0, R.AMOUNT_MUST_NOT_BE_ZERO),
            (not t.code, R.CODE_MUST_NOT_BE_EMPTY),
            (not t.debit_account_id, R.DEBIT_ACCOUNT_ID_MUST_NOT_BE_EMPTY),
            (not t.credit_account_id, R.CREDIT_ACCOUNT_ID_MUST_NOT_BE_EMPTY),
            (t.debit_account_id == t.credit_account_id, R.ACCOUNTS_MUST_BE_DIFFERENT),
            (t.debit_account_id not in self.accounts, R.DEBIT_ACCOUNT_NOT_FOUND),
            (t.credit_account_id not in self.accounts, R.CREDIT_ACCOUNT_NOT_FOUND),
        ):
            if missing:
                return result
        currency = self.accounts[t.debit_account_id].currency
        if self.accounts[t.credit_account_id].currency != currency:
            return R.ACCOUNTS_MUST_HAVE_THE_SAME_CURRENCY
        if t.currency and t.currency != currency:
            return R.TRANSFER_MUST_HAVE_THE_SAME_CURRENCY_AS_ACCOUNTS
        pending = bool(t.flags & F.PENDING)
        failure = self._book(
            t.debit_account_id,
            t.credit_account_id,
            pending=amount if pending else 0,
            posted=0 if pending else amount,
        )
        if failure is not None:
            return failure
        expires_at = self.now + t.timeout * MICROS if pending and t.timeout else None
        if pending:
            self.holds[t.id] = Hold(t.debit_account_id, t.credit_account_id, amount, expires_at)
        self._store(t, currency=currency, amount=amount, expires_at=expires_at)
        return R.CREATED

    def _resolve(self, t: Transfer) -> TransferResult:
        pending = self.stored.get(t.pending_id)
        if pending is None:
            return R.PENDING_TRANSFER_NOT_FOUND
        if not pending["flags"] & F.PENDING:
            return R.PENDING_TRANSFER_NOT_PENDING
        for name in TAKEN_FROM_PENDING:
            if getattr(t, name) and getattr(t, name) != pending[name]:
                return CONTRADICTIONS[name]
        if t.pending_id in self.resolved:
            return {
                "posted": R.PENDING_TRANSFER_ALREADY_POSTED,
                "voided": R.PENDING_TRANSFER_ALREADY_VOIDED,
                "expired": R.PENDING_TRANSFER_EXPIRED,
            }[self.resolved[t.pending_id]]
        hold = self.holds[t.pending_id]
        if hold.expires_at is not None and hold.expires_at <= self.now:
            self.expire(t.pending_id)
            return R.PENDING_TRANSFER_EXPIRED
        posting = bool(t.flags & F.POST_PENDING)
        if posting:
            posted = hold.amount if t.amount is None else t.amount
            if posted == 0:
                return R.AMOUNT_MUST_NOT_BE_ZERO
            if posted > hold.amount:
                return R.EXCEEDS_PENDING_TRANSFER_AMOUNT
        elif t.amount is not None and t.amount != hold.amount:
            return R.PENDING_TRANSFER_HAS_DIFFERENT_AMOUNT
        else:
            posted = 0
        failure = self._book(hold.debit, hold.credit, pending=-hold.amount, posted=posted)
        if failure is not None:
            return failure
        self._close(t, pending, hold, "posted" if posting else "voided", posted if posting else hold.amount)
        return R.CREATED

    def expire(self, pending_id: str) -> None:
        """The ledger's own expiry of an open hold, stored as ``expire:<pending id>``."""
        hold = self.holds[pending_id]
        assert self._book(hold.debit, hold.credit, pending=-hold.amount, posted=0) is None
        request = Transfer(EXPIRY_PREFIX + pending_id, flags=F.EXPIRE_PENDING, pending_id=pending_id)
        self._close(request, self.stored[pending_id], hold, "expired", hold.amount)

    def due_holds(self) -> list[str]:
        return [i for i, h in self.holds.items() if h.expires_at is not None and h.expires_at <= self.now]

    # -- bookkeeping

    def _book(self, debit_id: str, credit_id: str, *, pending: int, posted: int) -> TransferResult | None:
        """Add to the pending and posted totals of both sides, unless a total would leave 64 bits or an
        account's limit would be broken."""
        old_debit, old_credit = self.accounts[debit_id], self.accounts[credit_id]
        debit = dataclasses.replace(
            old_debit,
            debits_pending=old_debit.debits_pending + pending,
            debits_posted=old_debit.debits_posted + posted,
        )
        credit = dataclasses.replace(
            old_credit,
            credits_pending=old_credit.credits_pending + pending,
            credits_posted=old_credit.credits_posted + posted,
        )
        totals = (*attrs.astuple(debit.balances), *attrs.astuple(credit.balances))
        if max(totals) > MAX_TOTAL:
            return R.OVERFLOWS
        if debit.flags & NO_OVERDRAFT and debit.debits_pending + debit.debits_posted > debit.credits_posted:
            return R.EXCEEDS_CREDITS
        if (
            credit.flags & CREDIT_LIMIT
            and credit.credits_pending + credit.credits_posted > credit.debits_posted
        ):
            return R.EXCEEDS_DEBITS
        self.accounts[debit_id], self.accounts[credit_id] = debit, credit
        return None

    def _close(self, t: Transfer, pending: dict[str, Any], hold: Hold, how: str, amount: int) -> None:
        del self.holds[t.pending_id]
        self.resolved[t.pending_id] = how
        self._store(
            t,
            debit=hold.debit,
            credit=hold.credit,
            amount=amount,
            code=pending["code"],
            currency=pending["currency"],
            reference=t.reference or pending["reference"],
        )

    def _store(
        self,
        t: Transfer,
        *,
        amount: int,
        currency: str,
        debit: str = "",
        credit: str = "",
        code: str = "",
        reference: str = "",
        expires_at: int | None = None,
    ) -> None:
        self.stored[t.id] = {
            "flags": t.flags,
            "pending_id": t.pending_id,
            "timeout": t.timeout,
            "debit_account_id": debit or t.debit_account_id,
            "credit_account_id": credit or t.credit_account_id,
            "amount": amount,
            "code": code or t.code,
            "currency": currency,
            "reference": reference or t.reference,
            "expires_at": expires_at,
        }


# -- the state machine ----------------------------------------------------------------------------------


class LedgerMachine(RuleBasedStateMachine):
    """Drives a ``Ledger`` on some storage and checks it against ``LedgerModel``."""

    audit_every = 1
    """Run the (slower) audit and open-holds check after every n-th step."""

    def __init__(self) -> None:
        super().__init__()
        self.ledger: Ledger
        self.clock: ManualClock
        self.model: LedgerModel
        self.account_count = 0
        self.id_count = 0
        self.steps = 0

    # -- storage, per backend

    def open_storage(self) -> UnitOfWorkFactory:
        raise NotImplementedError

    def close_storage(self) -> None:
        """Release what ``open_storage`` made; also called when an example failed half-way."""

    def teardown(self) -> None:
        self.close_storage()

    @initialize()
    def open_a_fresh_ledger(self) -> None:
        self.clock = ManualClock()
        self.ledger = Ledger(self.open_storage(), self.clock, SHANGHAI)
        self.model = LedgerModel(now=to_micros(self.clock.now()))
        self._open_account("platform")
        self._open_account("customer")

    # -- helpers: accounts and ids

    def _open_account(self, kind: str) -> AccountResult:
        code, currency, flags = ACCOUNT_KINDS[kind]
        return self._open(Account.open(self._next_account_id(), code=code, currency=currency, flags=flags))

    def _open(self, account: Account) -> AccountResult:
        expected = self.model.open_account(account)
        (outcome,) = self.ledger.create_accounts([account])
        assert outcome.result is expected, f"opening {account}: {outcome.result}, expected {expected}"
        if expected is AccountResult.CREATED:
            self.account_count += 1
        return expected

    def _next_account_id(self) -> str:
        return f"acct:{self.account_count + 1}"

    def _accounts(self, flags: AccountFlags, currency: str = "CNY") -> list[str]:
        return sorted(
            i for i, a in self.model.accounts.items() if a.flags == flags and a.currency == currency
        )

    def _new_id(self, data: st.DataObject) -> str:
        """A fresh transfer id or, now and then, one that was tried before and left nothing behind."""
        if self.model.free_ids and data.draw(st.integers(0, 3), label="reuse an id") == 0:
            return data.draw(st.sampled_from(sorted(self.model.free_ids)), label="reused id")
        self.id_count += 1
        return f"t{self.id_count}"

    def _draw_account(self, data: st.DataObject, label: str, avoid: str = "") -> str:
        """Any account (mostly not ``avoid``), or now and then the next one, not opened yet."""
        ids = sorted(self.model.accounts)
        if data.draw(st.integers(0, 7), label=f"{label}: maybe unusual") == 0:
            ids.append(self._next_account_id())
        elif avoid in ids and len(ids) > 1:
            ids.remove(avoid)
        return data.draw(st.sampled_from(ids), label=label)

    def _wallets(self) -> list[Balances]:
        return [a.balances for a in self.model.accounts.values() if a.flags == NO_OVERDRAFT]

    def _stored_requests(self, *, linked: bool | None = None) -> list[Transfer]:
        return [t for _, t in sorted(self.model.requests.items()) if linked is None or t.is_linked == linked]

    # -- helpers: requests

    def _deposit(self, data: st.DataObject, transfer_id: str = "") -> Transfer:
        """Money from a platform account into a customer wallet."""
        platform = data.draw(st.sampled_from(self._accounts(AccountFlags.NONE)), label="platform")
        customer = data.draw(st.sampled_from(self._accounts(NO_OVERDRAFT)), label="customer")
        amount = data.draw(st.integers(1, 500), label="deposit")
        transfer_id = transfer_id or self._new_id(data)
        return Transfer.single(transfer_id, debit=platform, credit=customer, amount=amount, code="deposit")

    def _move(self, data: st.DataObject, transfer_id: str = "") -> Transfer:
        transfer_id = transfer_id or self._new_id(data)
        debit = self._draw_account(data, "debit")
        credit = self._draw_account(data, "credit", avoid=debit)
        amount = data.draw(st.integers(0, 400), label="amount")
        return Transfer.single(transfer_id, debit=debit, credit=credit, amount=amount, code="payment")

    def _hold(self, data: st.DataObject, transfer_id: str = "") -> Transfer:
        transfer_id = transfer_id or self._new_id(data)
        debit = self._draw_account(data, "debit")
        credit = self._draw_account(data, "credit", avoid=debit)
        funded = self.model.accounts.get(debit)
        most = max(funded.balances.available, 1) if funded and funded.flags & NO_OVERDRAFT else 400
        amount = data.draw(st.integers(1, most) | st.integers(0, 400), label="amount")
        timeout = data.draw(st.just(0) | st.integers(1, 30), label="timeout")
        return Transfer.pending(
            transfer_id, debit=debit, credit=credit, amount=amount, code="hold", timeout=timeout
        )

    def _draw_pending_ref(
        self, data: st.DataObject, extra: tuple[str, ...] = (), *, open_only: bool = False
    ) -> str:
        """Mostly an open hold; unless ``open_only``, sometimes a closed one, a transfer that is not
        pending, or no transfer at all."""
        open_holds = sorted({*self.model.holds, *extra})
        closed = sorted(self.model.resolved)
        not_pending = sorted(i for i, s in self.model.stored.items() if not s["flags"] & F.PENDING)
        unknown = sorted({f"t{self.id_count + 1}", *self.model.free_ids})
        others = () if open_only else (closed, not_pending, unknown)
        pools = [p for p in (open_holds, open_holds, open_holds, *others) if p]
        pool = data.draw(st.sampled_from(pools), label="which kind of pending id")
        return data.draw(st.sampled_from(pool), label="pending id")

    def _restate(self, data: st.DataObject, request: Transfer) -> Transfer:
        """Now and then restate the pending transfer's fields on a post or void, rightly or wrongly."""
        how = data.draw(st.sampled_from(["nothing"] * 6 + ["rightly", "wrongly"]), label="restate fields")
        pending = self.model.stored.get(request.pending_id)
        if how == "nothing" or pending is None:
            return request
        if how == "rightly":
            return attrs.evolve(request, **{name: pending[name] for name in TAKEN_FROM_PENDING})
        field = data.draw(st.sampled_from(TAKEN_FROM_PENDING), label="wrong field")
        wrong = {
            "debit_account_id": pending["credit_account_id"],
            "credit_account_id": pending["debit_account_id"],
            "code": "other",
            "currency": "EUR",
        }
        return attrs.evolve(request, **{field: wrong[field]})

    def _post(
        self,
        data: st.DataObject,
        transfer_id: str = "",
        extra: tuple[str, ...] = (),
        *,
        open_only: bool = False,
    ) -> Transfer:
        transfer_id = transfer_id or self._new_id(data)
        pending_id = self._draw_pending_ref(data, extra, open_only=open_only)
        hold = self.model.holds.get(pending_id)
        held = hold.amount if hold else 100
        how_much = data.draw(st.sampled_from(["all", "all", "held", "part", "part", "more", "zero"]))
        amount = {
            "all": None,
            "held": held,
            "part": data.draw(st.integers(1, held), label="part"),
            "more": held + data.draw(st.integers(1, 50), label="more"),
            "zero": 0,
        }[how_much]
        return self._restate(data, Transfer.post(transfer_id, pending_id=pending_id, amount=amount))

    def _void(
        self,
        data: st.DataObject,
        transfer_id: str = "",
        extra: tuple[str, ...] = (),
        *,
        open_only: bool = False,
    ) -> Transfer:
        transfer_id = transfer_id or self._new_id(data)
        pending_id = self._draw_pending_ref(data, extra, open_only=open_only)
        hold = self.model.holds.get(pending_id)
        amount = data.draw(st.sampled_from([None, None, hold.amount if hold else 1, 7]), label="void amount")
        return self._restate(
            data, Transfer(transfer_id, flags=F.VOID_PENDING, pending_id=pending_id, amount=amount)
        )

    # -- helpers: submitting

    def _submit(self, requests: list[Transfer]) -> list[TransferResult]:
        """Send the batch; compare every result with the model's and every stored transfer returned."""
        expected = self.model.apply_batch(requests)
        if len(requests) == 1:
            outcomes = [self.ledger.create_transfer(requests[0])]
        else:
            outcomes = self.ledger.create_transfers(requests)
        got = [o.result for o in outcomes]
        assert got == expected, f"batch {requests}\n answered {got}\n expected {expected}"
        for request, outcome in zip(requests, outcomes, strict=True):
            assert outcome.id == request.id
            if outcome.result in OK:
                assert outcome.transfer is not None
                want = self.model.stored[request.id]
                stored = {name: getattr(outcome.transfer, name) for name in want}
                assert stored == want, f"stored transfer {request.id}: {stored}, expected {want}"
        return expected

    def _with_closing_request(self, data: st.DataObject, request: Transfer) -> list[Transfer]:
        """``request`` alone or, if it is linked, followed by an exact repeat that ends the chain."""
        if not request.is_linked:
            return [request]
        return [request, data.draw(st.sampled_from(self._stored_requests(linked=False)), label="closing")]

    def _set_clock(self, moment: int) -> None:
        self.clock.set(from_micros(moment))
        self.model.now = to_micros(self.clock.now())

    # -- rules: accounts

    @precondition(lambda self: self.account_count < MAX_ACCOUNTS)
    @rule(kind=st.sampled_from(sorted(ACCOUNT_KINDS)))
    def open_account(self, kind: str) -> None:
        assert self._open_account(kind) is AccountResult.CREATED

    @rule(data=st.data(), change=st.sampled_from(["nothing", "flags", "code", "currency"]))
    def open_an_existing_account_again(self, data: st.DataObject, change: str) -> None:
        account_id = data.draw(st.sampled_from(sorted(self.model.accounts)), label="account")
        found = self.model.accounts[account_id]
        account = Account.open(account_id, code=found.code, currency=found.currency, flags=found.flags)
        changed = {
            "nothing": {},
            "flags": {"flags": found.flags ^ NO_OVERDRAFT},
            "code": {"code": "other"},
            "currency": {"currency": "EUR"},
        }[change]
        self._open(attrs.evolve(account, **changed))

    @rule()
    def open_an_account_with_both_limits(self) -> None:
        account = Account.open(self._next_account_id(), code="wallet", flags=NO_OVERDRAFT | CREDIT_LIMIT)
        assert self._open(account) is AccountResult.FLAGS_ARE_MUTUALLY_EXCLUSIVE

    # -- rules: single transfers

    @rule(data=st.data())
    def deposit_into_a_wallet(self, data: st.DataObject) -> None:
        self._submit([self._deposit(data)])

    @rule(data=st.data())
    def transfer(self, data: st.DataObject) -> None:
        self._submit([self._move(data)])

    @rule(data=st.data(), as_hold=st.booleans())
    def overdraw_a_wallet(self, data: st.DataObject, as_hold: bool) -> None:
        customer = data.draw(st.sampled_from(self._accounts(NO_OVERDRAFT)), label="customer")
        platform = data.draw(st.sampled_from(self._accounts(AccountFlags.NONE)), label="platform")
        amount = self.model.accounts[customer].balances.available + data.draw(st.integers(1, 50))
        make = Transfer.pending if as_hold else Transfer.single
        request = make(self._new_id(data), debit=customer, credit=platform, amount=amount, code="payment")
        assert self._submit([request]) in ([R.EXCEEDS_CREDITS], [R.OVERFLOWS])  # the platform may be full

    @precondition(lambda self: bool(self._accounts(CREDIT_LIMIT)))
    @rule(data=st.data())
    def credit_a_limited_account(self, data: st.DataObject) -> None:
        """A credit-limited account takes credits only up to its posted debits (and is debited freely)."""
        limited = data.draw(st.sampled_from(self._accounts(CREDIT_LIMIT)), label="limited")
        platform = data.draw(st.sampled_from(self._accounts(AccountFlags.NONE)), label="platform")
        b = self.model.accounts[limited].balances
        room = b.debits_posted - b.credits_pending - b.credits_posted
        amount = max(1, room + data.draw(st.integers(-20, 20), label="beyond the room"))
        if data.draw(st.booleans(), label="debit it instead"):
            platform, limited = limited, platform
        self._submit(
            [Transfer.single(self._new_id(data), debit=platform, credit=limited, amount=amount, code="loan")]
        )

    @precondition(lambda self: len(self._accounts(AccountFlags.NONE)) >= 2)
    @rule(data=st.data(), as_hold=st.booleans(), beyond=st.integers(-2, 2))
    def move_an_amount_at_the_64_bit_edge(self, data: st.DataObject, as_hold: bool, beyond: int) -> None:
        debit, credit = data.draw(
            st.permutations(self._accounts(AccountFlags.NONE)).map(lambda ids: ids[:2]), label="accounts"
        )
        totals = (*attrs.astuple(self.model.accounts[debit].balances),)
        totals += attrs.astuple(self.model.accounts[credit].balances)
        amount = max(1, MAX_TOTAL - max(totals) + beyond)
        make = Transfer.pending if as_hold else Transfer.single
        self._submit([make(self._new_id(data), debit=debit, credit=credit, amount=amount, code="sweep")])

    @rule(data=st.data(), flaw=st.sampled_from(FLAWS))
    def send_a_malformed_request(self, data: st.DataObject, flaw: str) -> None:
        """A transfer with one thing wrong (or, for ``currency``, perhaps right) on top of a random move."""
        base = self._move(data)
        if flaw in ("reserved_flag", "two_kinds", "stray_pending_id", "reserved_id", "expiry_by_hand"):
            base = attrs.evolve(base, pending_id=self._draw_pending_ref(data))
        expired = sorted(i for i, how in self.model.resolved.items() if how == "expired")
        if (
            flaw in ("reserved_id", "expiry_by_hand")
            and expired
            and data.draw(st.booleans(), label="expired")
        ):
            base = attrs.evolve(base, pending_id=data.draw(st.sampled_from(expired), label="expired hold"))
        if flaw == "reserved_id":  # the id of an expiry that happened, or of one that may happen
            base = attrs.evolve(base, id=EXPIRY_PREFIX + base.pending_id, pending_id="")
        if flaw == "expiry_by_hand":  # exactly what the ledger stores when the hold expires
            base = Transfer(
                EXPIRY_PREFIX + base.pending_id, flags=F.EXPIRE_PENDING, pending_id=base.pending_id
            )
        flags = {
            "reserved_flag": [F.EXPIRE_PENDING],
            "expiry_by_hand": [F.EXPIRE_PENDING],
            "two_kinds": [
                F.PENDING | F.POST_PENDING,
                F.POST_PENDING | F.VOID_PENDING,
                F.PENDING | F.VOID_PENDING,
            ],
            "no_pending_id": [F.POST_PENDING, F.VOID_PENDING],
            "stray_pending_id": [F.NONE, F.PENDING],
        }
        changes: dict[str, Any] = {
            "stray_timeout": {"timeout": 5},
            "no_code": {"code": ""},
            "no_debit": {"debit_account_id": ""},
            "no_credit": {"credit_account_id": ""},
            "no_amount": {"amount": None},
        }.get(flaw, {})
        if flaw in flags:
            changes = {"flags": data.draw(st.sampled_from(flags[flaw]), label="flags")}
        if flaw == "currency":
            changes = {"currency": data.draw(st.sampled_from(["CNY", "USD", "EUR"]), label="currency")}
        self._submit([attrs.evolve(base, **changes)])

    # -- rules: pending transfers

    @rule(data=st.data())
    def hold_funds(self, data: st.DataObject) -> None:
        self._submit([self._hold(data)])

    @precondition(lambda self: any(a.available > 0 for a in self._wallets()))
    @rule(data=st.data(), timeout=st.just(0) | st.integers(1, 30))
    def freeze_wallet_funds(self, data: st.DataObject, timeout: int) -> None:
        """What a withdrawal or an order does: freeze part of a wallet's available money."""
        funded = [i for i in self._accounts(NO_OVERDRAFT) if self.model.accounts[i].balances.available > 0]
        customer = data.draw(st.sampled_from(funded), label="customer")
        platform = data.draw(st.sampled_from(self._accounts(AccountFlags.NONE)), label="platform")
        amount = data.draw(st.integers(1, self.model.accounts[customer].balances.available), label="amount")
        request = Transfer.pending(
            self._new_id(data), debit=customer, credit=platform, amount=amount, code="freeze", timeout=timeout
        )
        self._submit([request])

    @precondition(lambda self: bool(self.model.holds))
    @rule(data=st.data())
    def post_a_hold(self, data: st.DataObject) -> None:
        self._submit([self._post(data, open_only=True)])

    @precondition(lambda self: bool(self.model.holds))
    @rule(data=st.data())
    def void_a_hold(self, data: st.DataObject) -> None:
        self._submit([self._void(data, open_only=True)])

    @rule(data=st.data(), void=st.booleans())
    def post_or_void_any_transfer(self, data: st.DataObject, void: bool) -> None:
        """Also closed holds, transfers that are not pending, and ids of no transfer at all."""
        self._submit([self._void(data) if void else self._post(data)])

    @precondition(lambda self: bool(self.model.due_holds()) or "expired" in self.model.resolved.values())
    @rule(data=st.data(), void=st.booleans())
    def resolve_an_expired_hold(self, data: st.DataObject, void: bool) -> None:
        expired = {
            *self.model.due_holds(),
            *(i for i, how in self.model.resolved.items() if how == "expired"),
        }
        pending_id = data.draw(st.sampled_from(sorted(expired)), label="expired hold")
        make = Transfer.void if void else Transfer.post
        assert self._submit([make(self._new_id(data), pending_id=pending_id)]) == [R.PENDING_TRANSFER_EXPIRED]

    # -- rules: idempotency

    @precondition(lambda self: bool(self.model.requests))
    @rule(data=st.data())
    def repeat_a_request(self, data: st.DataObject) -> None:
        original = data.draw(st.sampled_from(self._stored_requests()), label="original")
        assert self._submit(self._with_closing_request(data, original))[0] is R.EXISTS

    @precondition(lambda self: bool(self.model.requests))
    @rule(data=st.data(), field=st.sampled_from([name for name, _ in COMPARED[1:]]))
    def repeat_a_request_with_a_change(self, data: st.DataObject, field: str) -> None:
        original = data.draw(st.sampled_from(self._stored_requests()), label="original")
        stored = self.model.stored[original.id]
        if field in ("amount", "timeout"):
            value: object = stored[field] + data.draw(st.integers(1, 100), label="more")
        elif field in ("debit_account_id", "credit_account_id"):
            others = [i for i in sorted(self.model.accounts) if i != stored[field]]
            value = data.draw(st.sampled_from([*others, self._next_account_id()]), label="account")
        elif field == "pending_id":
            value = f"{stored['pending_id']}.other"
        else:
            value = {"currency": "EUR"}.get(field, "changed")
        results = self._submit(self._with_closing_request(data, attrs.evolve(original, **{field: value})))
        assert results[0] is dict(COMPARED)[field]

    @precondition(lambda self: bool(self.model.failed))
    @rule(data=st.data(), kind=st.sampled_from(["deposit", "move", "hold", "post"]))
    def retry_a_failed_id(self, data: st.DataObject, kind: str) -> None:
        failed_id = data.draw(st.sampled_from(sorted(self.model.failed)), label="failed id")
        make = {"deposit": self._deposit, "move": self._move, "hold": self._hold, "post": self._post}[kind]
        assert self._submit([make(data, failed_id)]) == [R.ID_ALREADY_FAILED]

    # -- rules: batches and linked chains

    def _any_request(self, data: st.DataObject, pendings: tuple[str, ...] = ()) -> Transfer:
        kinds = ["deposit", "deposit", "move", "hold", "hold", "post", "void"]
        kind = data.draw(st.sampled_from(kinds + (["repeat"] if self.model.requests else [])), label="kind")
        if kind == "repeat":
            return data.draw(st.sampled_from(self._stored_requests()), label="repeat")
        if kind in ("post", "void"):
            return (self._post if kind == "post" else self._void)(data, extra=pendings)
        return {"deposit": self._deposit, "move": self._move, "hold": self._hold}[kind](data)

    def _chain(self, data: st.DataObject, size: int) -> list[Transfer]:
        """``size`` requests, each linked to the next (the last one too: the caller decides)."""
        chain: list[Transfer] = []
        for _ in range(size):
            request = self._any_request(data, tuple(t.id for t in chain if t.is_pending))
            chain.append(attrs.evolve(request, flags=request.flags | F.LINKED))
        return chain

    def _unlinked(self, data: st.DataObject) -> Transfer:
        request = self._any_request(data)
        return attrs.evolve(request, flags=request.flags & ~F.LINKED)

    @rule(data=st.data(), size=st.integers(2, 4), before=st.integers(0, 2), after=st.integers(0, 2))
    def submit_a_linked_chain(self, data: st.DataObject, size: int, before: int, after: int) -> None:
        """A chain of 2–4 transfers, alone or between independent transfers of the same batch."""
        lead = [self._unlinked(data) for _ in range(before)]
        chain = self._chain(data, size)
        chain[-1] = attrs.evolve(chain[-1], flags=chain[-1].flags & ~F.LINKED)
        tail = [self._unlinked(data) for _ in range(after)]
        results = self._submit(lead + chain + tail)[before : before + size]
        assert all(r in OK for r in results) or sum(r is not R.LINKED_EVENT_FAILED for r in results) == 1

    @rule(data=st.data(), size=st.integers(1, 3))
    def leave_a_chain_open(self, data: st.DataObject, size: int) -> None:
        assert self._submit(self._chain(data, size)) == [R.LINKED_EVENT_CHAIN_OPEN] * size

    # -- rules: time

    @rule(seconds=st.integers(1, 40))
    def advance_the_clock(self, seconds: int) -> None:
        self._set_clock(self.model.now + seconds * MICROS)

    def _future_expiries(self) -> list[int]:
        return sorted(
            {h.expires_at for h in self.model.holds.values() if (h.expires_at or 0) > self.model.now}
        )

    @precondition(lambda self: bool(self._future_expiries()))
    @rule(data=st.data())
    def advance_the_clock_to_an_expiry(self, data: st.DataObject) -> None:
        """Exactly to a hold's expiry: at that very moment the hold has expired."""
        self._set_clock(data.draw(st.sampled_from(self._future_expiries()), label="expiry"))

    @precondition(lambda self: bool(self._future_expiries()))
    @rule(data=st.data(), void=st.booleans(), early=st.booleans())
    def resolve_a_hold_just_before_or_at_its_expiry(
        self, data: st.DataObject, void: bool, early: bool
    ) -> None:
        """One microsecond before its expiry a hold can still be posted or voided; at that moment, no more."""
        timed = sorted(i for i, h in self.model.holds.items() if (h.expires_at or 0) > self.model.now)
        pending_id = data.draw(st.sampled_from(timed), label="hold")
        expires_at = self.model.holds[pending_id].expires_at or 0
        self._set_clock(expires_at - 1 if early else expires_at)
        make = Transfer.void if void else Transfer.post
        results = self._submit([make(self._new_id(data), pending_id=pending_id)])
        assert early or results == [R.PENDING_TRANSFER_EXPIRED]

    @rule()
    def sweep_expired_holds(self) -> None:
        due = self.model.due_holds()
        for pending_id in due:
            self.model.expire(pending_id)
        assert self.ledger.expire_pending() == len(due)

    # -- invariants

    @invariant()
    def balances_equal_the_model(self) -> None:
        total = Balances()
        for account_id, want in self.model.accounts.items():
            account = self.ledger.account(account_id)
            b = account.balances
            assert b == want.balances, f"{account_id}: {b}, model {want.balances}"
            if account.flags & NO_OVERDRAFT:
                assert account.available >= 0, f"{account_id} overdrawn: {b}"
            if account.flags & CREDIT_LIMIT:
                assert b.debits_posted - b.credits_pending - b.credits_posted >= 0, f"{account_id}: {b}"
            total = total + b
        trial = self.ledger.trial_balance()
        assert trial.balanced, trial
        assert (trial.totals, trial.accounts) == (total, len(self.model.accounts))

    @invariant()
    def audit_and_open_holds_agree(self) -> None:
        self.steps += 1
        if self.steps % self.audit_every:
            return
        report = self.ledger.audit()
        assert report.ok, report.problems
        assert (report.accounts, report.transfers) == (len(self.model.accounts), len(self.model.stored))
        for account_id in self.model.accounts:
            holds = {t.id for t in self.ledger.open_holds(account_id)}
            assert holds == {i for i, h in self.model.holds.items() if h.debit == account_id}, account_id


# -- backends ---------------------------------------------------------------------------------------------


class MemoryLedgerMachine(LedgerMachine):
    def open_storage(self) -> UnitOfWorkFactory:
        return MemoryUnitOfWorkFactory()


class SqliteLedgerMachine(LedgerMachine):
    audit_every = 3

    def __init__(self, template: Path) -> None:
        super().__init__()
        self.template = template
        self.directory: str | None = None
        self.engine: sa.Engine | None = None

    def open_storage(self) -> UnitOfWorkFactory:
        self.directory = tempfile.mkdtemp(prefix="p2pstock-model-")
        path = Path(self.directory) / "ledger.db"
        shutil.copy(self.template, path)
        self.engine = create_engine(f"sqlite:///{path}")
        return SqlUnitOfWorkFactory(self.engine)

    def close_storage(self) -> None:
        if self.engine is not None:
            self.engine.dispose()
        if self.directory is not None:
            shutil.rmtree(self.directory, ignore_errors=True)


class PostgresLedgerMachine(LedgerMachine):
    """Each example on the shared PostgreSQL database of the test process, reset after the example."""

    audit_every = 3

    def __init__(self, databases: Databases) -> None:
        super().__init__()
        self.databases = databases
        self.engine: sa.Engine | None = None

    def open_storage(self) -> UnitOfWorkFactory:
        self.engine = create_engine(self.databases.take_shared())
        return SqlUnitOfWorkFactory(self.engine)

    def close_storage(self) -> None:
        if self.engine is not None:
            self.engine.dispose()
            self.databases.reset()


def _settings(examples: int) -> settings:
    return settings(
        max_examples=examples,
        stateful_step_count=30,
        deadline=None,
        derandomize=bool(os.environ.get("CI")),
    )


def test_ledger_matches_the_model_in_memory() -> None:
    run_state_machine_as_test(MemoryLedgerMachine, settings=_settings(500))


def test_ledger_matches_the_model_on_sqlite(sqlite_template: Path) -> None:
    run_state_machine_as_test(lambda: SqliteLedgerMachine(sqlite_template), settings=_settings(800))


@pytest.mark.postgres
def test_ledger_matches_the_model_on_postgres(pg_databases: Databases) -> None:
    run_state_machine_as_test(lambda: PostgresLedgerMachine(pg_databases), settings=_settings(50))
