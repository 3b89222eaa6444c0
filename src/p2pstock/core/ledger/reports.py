"""Read models of the ledger: statements, the trial balance and the audit of stored balances."""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from p2pstock.core.ledger.accounts import Account, AccountFlags, Balances
from p2pstock.core.ledger.entries import Entry
from p2pstock.core.ledger.transfers import Transfer, TransferFlags


@attrs.frozen
class StatementPage:
    """A page of an account's fund dynamics, oldest first. Pass ``next_after`` back to get the next page."""

    account_id: str
    entries: tuple[Entry, ...]
    next_after: int | None


@attrs.frozen
class TrialBalance:
    """Sums over every account: posted debits equal posted credits, pending debits equal pending credits."""

    totals: Balances
    accounts: int

    @property
    def balanced(self) -> bool:
        return _balanced(self.totals)


@attrs.frozen
class AuditReport:
    """The result of replaying every transfer and comparing with what is stored. ``problems`` is empty
    when the ledger is sound."""

    accounts: int
    transfers: int
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def trial_balance(accounts: Iterable[Account]) -> TrialBalance:
    total, count = Balances(), 0
    for account in accounts:
        total, count = total + account.balances, count + 1
    return TrialBalance(total, count)


def replay(transfers: Iterable[Transfer]) -> tuple[dict[str, Balances], int, list[str]]:
    """Balances rebuilt from the transfers alone, the number of transfers, and structural problems."""
    balances: dict[str, Balances] = {}
    held: dict[str, int] = {}
    resolved: set[str] = set()
    problems: list[str] = []
    count = 0
    for t in transfers:
        count += 1
        amount = t.amount or 0
        if t.flags.resolves:
            if t.pending_id in resolved:
                problems.append(f"pending transfer {t.pending_id} resolved more than once")
            resolved.add(t.pending_id)
            pending = held.get(t.pending_id, amount)
            posted = amount if t.flags & TransferFlags.POST_PENDING else 0
            d = Balances(debits_pending=-pending, debits_posted=posted)
            c = Balances(credits_pending=-pending, credits_posted=posted)
        elif t.is_pending:
            held[t.id] = amount
            d, c = Balances(debits_pending=amount), Balances(credits_pending=amount)
        else:
            d, c = Balances(debits_posted=amount), Balances(credits_posted=amount)
        balances[t.debit_account_id] = balances.get(t.debit_account_id, Balances()) + d
        balances[t.credit_account_id] = balances.get(t.credit_account_id, Balances()) + c
    return balances, count, problems


def audit(
    accounts: Iterable[Account],
    transfers: Iterable[Transfer],
    entry_sums: dict[str, tuple[Balances, Balances | None]],
) -> AuditReport:
    """Replay the transfers; compare with stored balances, with the entries, and check every limit."""
    replayed, count, problems = replay(transfers)
    stored = list(accounts)
    for account in stored:
        problems.extend(_account_problems(account, replayed.pop(account.id, Balances()), entry_sums))
    problems.extend(f"transfers touch unknown account {a}" for a in sorted(replayed))
    if not trial_balance(stored).balanced:
        problems.append(f"accounts do not balance: {trial_balance(stored).totals}")
    if not _balanced(_sum_all(entry_sums)):
        problems.append(f"entries do not balance: {_sum_all(entry_sums)}")
    return AuditReport(len(stored), count, tuple(problems))


def _account_problems(
    account: Account, replayed: Balances, entry_sums: dict[str, tuple[Balances, Balances | None]]
) -> list[str]:
    b, problems = account.balances, []
    if b != replayed:
        problems.append(f"account {account.id}: stored {b} but transfers replay to {replayed}")
    sums, last = entry_sums.get(account.id, (Balances(), None))
    if sums != b:
        problems.append(f"account {account.id}: entries add up to {sums}, stored {b}")
    if last is not None and last != b:
        problems.append(f"account {account.id}: last entry shows {last}, stored {b}")
    if min(b.debits_pending, b.debits_posted, b.credits_pending, b.credits_posted) < 0:
        problems.append(f"account {account.id}: a running total is negative: {b}")
    flags = account.flags
    if (
        flags & AccountFlags.DEBITS_MUST_NOT_EXCEED_CREDITS
        and b.debits_pending + b.debits_posted > b.credits_posted
    ):
        problems.append(f"account {account.id}: overdrawn: {b}")
    if (
        flags & AccountFlags.CREDITS_MUST_NOT_EXCEED_DEBITS
        and b.credits_pending + b.credits_posted > b.debits_posted
    ):
        problems.append(f"account {account.id}: credits exceed debits: {b}")
    return problems


def _sum_all(entry_sums: dict[str, tuple[Balances, Balances | None]]) -> Balances:
    total = Balances()
    for sums, _last in entry_sums.values():
        total = total + sums
    return total


def _balanced(total: Balances) -> bool:
    return total.debits_posted == total.credits_posted and total.debits_pending == total.credits_pending
