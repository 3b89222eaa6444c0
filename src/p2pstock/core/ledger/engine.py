"""The ledger's rules: a batch of transfer requests applied to locked accounts, all in memory, then
written in one go. Storage adapters only load and save; every decision is made here."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

import attrs

from p2pstock.core import trusted
from p2pstock.core.ledger.accounts import MAX_TOTAL, Account, AccountFlags, Balances
from p2pstock.core.ledger.entries import Entry, EntryKind, Side
from p2pstock.core.ledger.ports import LedgerChanges, LedgerSession
from p2pstock.core.ledger.results import TRANSIENT_FAILURES, TransferOutcome, TransferResult
from p2pstock.core.ledger.transfers import Transfer, TransferFlags

R = TransferResult
F = TransferFlags
# Plain ints: enum flag arithmetic costs more than the rest of a transfer's rules.
_LINKED, _PENDING, _POST, _VOID, _EXPIRE = (
    int(f) for f in (F.LINKED, F.PENDING, F.POST_PENDING, F.VOID_PENDING, F.EXPIRE_PENDING)
)
_RESOLVING = _POST | _VOID | _EXPIRE
_NO_OVERDRAFT = int(AccountFlags.DEBITS_MUST_NOT_EXCEED_CREDITS)
_NO_NEGATIVE = int(AccountFlags.CREDITS_MUST_NOT_EXCEED_DEBITS)


Stamp = Callable[[], tuple[int, str]]
"""The current time in microseconds and its business day, asked for once the accounts are locked, so
that an account's entries are in time order as well as in sequence."""


def apply_transfers(
    session: LedgerSession, requests: Sequence[Transfer], stamp: Stamp, *, internal: bool = False
) -> list[TransferOutcome]:
    """Apply ``requests`` in order inside the session's transaction and return one outcome each.

    Linked chains commit together or not at all; a request that fails changes nothing, with one
    exception: a post or void that finds its hold past the timeout records the expiry (unless its linked
    chain fails) and answers ``pending_transfer_expired``. ``internal`` allows the ledger's own flags."""
    batch = _Batch.load(session, requests, stamp)
    outcomes: list[TransferOutcome] = []
    for chain in _chains(requests):
        outcomes.extend(batch.apply_chain(chain, internal))
    session.write(batch.changes())
    return outcomes


def _chains(requests: Sequence[Transfer]) -> list[list[Transfer]]:
    chains: list[list[Transfer]] = [[]]
    for request in requests:
        chains[-1].append(request)
        if not int(request.flags) & _LINKED:
            chains.append([])
    return [chain for chain in chains if chain]


@attrs.define
class _Batch:
    """The working set of one batch: locked accounts and the transfers it can see."""

    now: int
    day: str
    accounts: dict[str, Account]
    transfers: dict[str, Transfer]
    resolutions: dict[str, Transfer]
    failures: dict[str, TransferResult]
    loaded_versions: dict[str, int]
    new_transfers: list[Transfer] = attrs.Factory(list)
    entries: list[Entry] = attrs.Factory(list)
    new_failures: list[tuple[str, TransferResult]] = attrs.Factory(list)

    @classmethod
    def load(cls, session: LedgerSession, requests: Sequence[Transfer], stamp: Stamp) -> _Batch:
        pending_ids = {r.pending_id for r in requests if r.pending_id}
        pendings = session.find_transfers(pending_ids) if pending_ids else {}
        account_ids = {i for r in requests for i in (r.debit_account_id, r.credit_account_id) if i}
        account_ids.update(i for p in pendings.values() for i in (p.debit_account_id, p.credit_account_id))
        accounts = session.lock_accounts(account_ids)  # lock first, then read what concurrent writers add
        ids = {r.id for r in requests}
        existing = session.find_transfers(ids)
        existing.update(pendings)
        now, day = stamp()
        return cls(
            now=now,
            day=day,
            accounts=accounts,
            transfers=existing,
            resolutions=session.find_resolutions(pending_ids) if pending_ids else {},
            failures=session.find_failures(ids),
            loaded_versions={a.id: a.version for a in accounts.values()},
        )

    def changes(self) -> LedgerChanges:
        changed = [
            (account, self.loaded_versions[account.id])
            for account in self.accounts.values()
            if account.version != self.loaded_versions[account.id]
        ]
        return LedgerChanges(changed, self.new_transfers, self.entries, self.new_failures, self.day)

    # -- chains -----------------------------------------------------------------------------------

    def apply_chain(self, chain: list[Transfer], internal: bool) -> list[TransferOutcome]:
        if int(chain[-1].flags) & _LINKED:
            return [TransferOutcome(t.id, R.LINKED_EVENT_CHAIN_OPEN) for t in chain]
        if len(chain) == 1:
            return [self._apply_one(chain[0], internal)]
        mark = self._mark()
        outcomes: list[TransferOutcome] = []
        for request in chain:
            outcome = self._apply_one(request, internal)
            outcomes.append(outcome)
            if not outcome.ok:
                self._rollback(mark)
                return [
                    o if o is outcome else TransferOutcome(o.id, R.LINKED_EVENT_FAILED) for o in outcomes
                ] + [TransferOutcome(t.id, R.LINKED_EVENT_FAILED) for t in chain[len(outcomes) :]]
        return outcomes

    def _mark(self) -> tuple[dict[str, Account], int, int, dict[str, Transfer]]:
        return dict(self.accounts), len(self.new_transfers), len(self.entries), dict(self.resolutions)

    def _rollback(self, mark: tuple[dict[str, Account], int, int, dict[str, Transfer]]) -> None:
        accounts, transfers, entries, resolutions = mark
        for transfer in self.new_transfers[transfers:]:
            del self.transfers[transfer.id]
        self.accounts, self.resolutions = accounts, resolutions
        del self.new_transfers[transfers:]
        del self.entries[entries:]

    # -- one request --------------------------------------------------------------------------------

    def _apply_one(self, request: Transfer, internal: bool) -> TransferOutcome:
        if request.id in self.failures:
            return TransferOutcome(request.id, R.ID_ALREADY_FAILED)
        stored = self.transfers.get(request.id)
        if stored is not None:
            return TransferOutcome(request.id, compare_with_stored(request, stored), stored)
        shape = _check_shape(request, internal)
        if shape is not None:
            return TransferOutcome(request.id, shape)
        result = self._resolve(request) if int(request.flags) & _RESOLVING else self._move(request)
        if isinstance(result, Transfer):
            return TransferOutcome(request.id, R.CREATED, result)
        if result in TRANSIENT_FAILURES:
            self.failures[request.id] = result
            self.new_failures.append((request.id, result))
        return TransferOutcome(request.id, result)

    def _move(self, request: Transfer) -> Transfer | TransferResult:
        """A single-phase or pending transfer between two accounts."""
        failure = _check_move(request)
        if failure is not None:
            return failure
        debit = self.accounts.get(request.debit_account_id)
        credit = self.accounts.get(request.credit_account_id)
        if debit is None:
            return R.DEBIT_ACCOUNT_NOT_FOUND
        if credit is None:
            return R.CREDIT_ACCOUNT_NOT_FOUND
        if debit.currency != credit.currency:
            return R.ACCOUNTS_MUST_HAVE_THE_SAME_CURRENCY
        if request.currency and request.currency != debit.currency:
            return R.TRANSFER_MUST_HAVE_THE_SAME_CURRENCY_AS_ACCOUNTS
        amount = request.amount or 0
        pending = bool(int(request.flags) & _PENDING)
        kind = EntryKind.PENDING if pending else EntryKind.POSTED
        d_delta = Balances(amount, 0, 0, 0) if pending else Balances(0, amount, 0, 0)
        c_delta = Balances(0, 0, amount, 0) if pending else Balances(0, 0, 0, amount)
        d_after, c_after = debit.balances + d_delta, credit.balances + c_delta
        failure = _check_limits(debit, d_after, credit, c_after)
        if failure is not None:
            return failure
        expires = self.now + request.timeout * 1_000_000 if pending and request.timeout else None
        stored = trusted.evolve(request, currency=debit.currency, timestamp=self.now, expires_at=expires)
        self._record(stored, kind, amount, (debit, d_delta, d_after), (credit, c_delta, c_after))
        return stored

    def _resolve(self, request: Transfer) -> Transfer | TransferResult:
        """A post, void or expiry of a pending transfer."""
        pending = self.transfers.get(request.pending_id)
        if pending is None:
            return R.PENDING_TRANSFER_NOT_FOUND
        if not int(pending.flags) & _PENDING:
            return R.PENDING_TRANSFER_NOT_PENDING
        failure = _check_against_pending(request, pending) or self._check_unresolved(pending)
        if failure is not None:
            return failure
        expiring = bool(int(request.flags) & _EXPIRE)
        if not expiring and pending.expires_at is not None and pending.expires_at <= self.now:
            self._resolve(Transfer(expiry_id(pending.id), flags=F.EXPIRE_PENDING, pending_id=pending.id))
            return R.PENDING_TRANSFER_EXPIRED
        held = pending.amount or 0
        posted = _posted_amount(request, held)
        if isinstance(posted, TransferResult):
            return posted
        kind = EntryKind.POST if posted else (EntryKind.EXPIRE if expiring else EntryKind.VOID)
        d_delta = Balances(debits_pending=-held, debits_posted=posted)
        c_delta = Balances(credits_pending=-held, credits_posted=posted)
        debit, credit = self.accounts[pending.debit_account_id], self.accounts[pending.credit_account_id]
        d_after, c_after = debit.balances + d_delta, credit.balances + c_delta
        failure = _check_limits(debit, d_after, credit, c_after)
        if failure is not None:
            return failure
        stored = trusted.evolve(
            request,
            debit_account_id=pending.debit_account_id,
            credit_account_id=pending.credit_account_id,
            amount=posted if int(request.flags) & _POST else held,
            code=pending.code,
            currency=pending.currency,
            reference=request.reference or pending.reference,
            timestamp=self.now,
        )
        self._record(stored, kind, posted or held, (debit, d_delta, d_after), (credit, c_delta, c_after))
        self.resolutions[pending.id] = stored
        return stored

    def _check_unresolved(self, pending: Transfer) -> TransferResult | None:
        resolution = self.resolutions.get(pending.id)
        if resolution is None:
            return None
        if int(resolution.flags) & _POST:
            return R.PENDING_TRANSFER_ALREADY_POSTED
        if int(resolution.flags) & _VOID:
            return R.PENDING_TRANSFER_ALREADY_VOIDED
        return R.PENDING_TRANSFER_EXPIRED

    def _record(
        self, stored: Transfer, kind: EntryKind, amount: int, *changes: tuple[Account, Balances, Balances]
    ) -> None:
        """Store ``stored`` and move each account by its change (the account, the change, the balances
        after it)."""
        self.transfers[stored.id] = stored
        self.new_transfers.append(stored)
        for (account, delta, after), side in zip(changes, (Side.DEBIT, Side.CREDIT), strict=True):
            self.accounts[account.id] = trusted.build(
                Account,
                account.id,
                account.currency,
                account.code,
                account.flags,
                after,
                account.version + 1,
                account.created_at,
            )
            self.entries.append(
                Entry(
                    stored.id,
                    account.id,
                    self.now,
                    self.day,
                    stored.code,
                    kind,
                    side,
                    amount,
                    delta,
                    after,
                    stored.reference,
                )
            )


EXPIRY_PREFIX = "expire:"
"""Ids under this prefix belong to the ledger's own expiry transfers; callers cannot use them."""


def expiry_id(pending_id: str) -> str:
    """The id of the transfer that records the expiry of a pending transfer."""
    readable = EXPIRY_PREFIX + pending_id
    if len(readable) <= 200:
        return readable
    return EXPIRY_PREFIX + hashlib.sha256(pending_id.encode()).hexdigest()


def _check_shape(request: Transfer, internal: bool) -> TransferResult | None:
    """Rules about the request's own fields, before anything is looked up."""
    flags = int(request.flags)
    if not internal and flags & _EXPIRE:
        return R.RESERVED_FLAG
    if not internal and request.id.startswith(EXPIRY_PREFIX):
        return R.ID_IS_RESERVED
    if (flags & _PENDING) + (flags & _RESOLVING) not in (0, _PENDING, _POST, _VOID, _EXPIRE):
        return R.FLAGS_ARE_MUTUALLY_EXCLUSIVE
    if flags & _RESOLVING:
        if not request.pending_id:
            return R.PENDING_ID_MUST_NOT_BE_EMPTY
        if request.pending_id == request.id:
            return R.PENDING_ID_MUST_BE_DIFFERENT
    elif request.pending_id:
        return R.PENDING_ID_MUST_BE_EMPTY
    if request.timeout and not flags & _PENDING:
        return R.TIMEOUT_RESERVED_FOR_PENDING_TRANSFER
    return None


def _check_move(request: Transfer) -> TransferResult | None:
    if not request.amount:
        return R.AMOUNT_MUST_NOT_BE_ZERO
    if not request.code:
        return R.CODE_MUST_NOT_BE_EMPTY
    if not request.debit_account_id:
        return R.DEBIT_ACCOUNT_ID_MUST_NOT_BE_EMPTY
    if not request.credit_account_id:
        return R.CREDIT_ACCOUNT_ID_MUST_NOT_BE_EMPTY
    if request.debit_account_id == request.credit_account_id:
        return R.ACCOUNTS_MUST_BE_DIFFERENT
    return None


def _check_against_pending(request: Transfer, pending: Transfer) -> TransferResult | None:
    """A post or void may repeat the pending transfer's fields, but not contradict them."""
    checks: list[tuple[str, str, TransferResult]] = [
        (
            request.debit_account_id,
            pending.debit_account_id,
            R.PENDING_TRANSFER_HAS_DIFFERENT_DEBIT_ACCOUNT_ID,
        ),
        (
            request.credit_account_id,
            pending.credit_account_id,
            R.PENDING_TRANSFER_HAS_DIFFERENT_CREDIT_ACCOUNT_ID,
        ),
        (request.code, pending.code, R.PENDING_TRANSFER_HAS_DIFFERENT_CODE),
        (request.currency, pending.currency, R.PENDING_TRANSFER_HAS_DIFFERENT_CURRENCY),
    ]
    for given, held, failure in checks:
        if given and given != held:
            return failure
    return None


def _posted_amount(request: Transfer, held: int) -> int | TransferResult:
    if not int(request.flags) & _POST:
        if request.amount is not None and request.amount != held:
            return R.PENDING_TRANSFER_HAS_DIFFERENT_AMOUNT
        return 0
    if request.amount is None:
        return held
    if request.amount == 0:
        return R.AMOUNT_MUST_NOT_BE_ZERO
    if request.amount > held:
        return R.EXCEEDS_PENDING_TRANSFER_AMOUNT
    return request.amount


def _check_limits(
    debit: Account, d_after: Balances, credit: Account, c_after: Balances
) -> TransferResult | None:
    """Whether the accounts may hold these balances after a transfer."""
    if max(_totals(d_after) + _totals(c_after)) > MAX_TOTAL:
        return R.OVERFLOWS
    if int(debit.flags) & _NO_OVERDRAFT and _debits(d_after) > d_after.credits_posted:
        return R.EXCEEDS_CREDITS
    if int(credit.flags) & _NO_NEGATIVE and _credits(c_after) > c_after.debits_posted:
        return R.EXCEEDS_DEBITS
    return None


def _totals(b: Balances) -> tuple[int, int, int, int]:
    return b.debits_pending, b.debits_posted, b.credits_pending, b.credits_posted


def _debits(b: Balances) -> int:
    return b.debits_pending + b.debits_posted


def _credits(b: Balances) -> int:
    return b.credits_pending + b.credits_posted


_COMPARED: tuple[tuple[str, TransferResult], ...] = (
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


def compare_with_stored(request: Transfer, stored: Transfer) -> TransferResult:
    """``EXISTS`` when the request asks for what is stored; otherwise the first field that differs.

    Fields a post or void may leave empty (taken from the pending transfer) are compared only when given."""
    resolving = bool(int(request.flags) & _RESOLVING)
    for name, failure in _COMPARED:
        asked, held = getattr(request, name), getattr(stored, name)
        optional = resolving and name in (
            "debit_account_id",
            "credit_account_id",
            "code",
            "currency",
            "reference",
        )
        if name == "amount" and resolving and asked is None:
            continue
        if optional and not asked:
            continue
        if name == "currency" and not asked:
            continue
        if asked != held:
            return failure
    return R.EXISTS
