"""Service tests of the ledger's read side: statements, balances at a moment, statistics by business day
and month, the trial balance and the audit."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

import pytest

from p2pstock.adapters.clock import ManualClock
from p2pstock.core.clock import to_micros
from p2pstock.core.ledger.accounts import Account, AccountFlags, Balances
from p2pstock.core.ledger.entries import EntryKind, Side
from p2pstock.core.ledger.ports import CodeTotal
from p2pstock.core.ledger.service import Ledger
from p2pstock.core.ledger.transfers import Transfer

NO_OVERDRAFT = AccountFlags.DEBITS_MUST_NOT_EXCEED_CREDITS


@pytest.fixture
def accounts(ledger: Ledger) -> Ledger:
    outcomes = ledger.create_accounts(
        [
            Account.open("bank", code="bank"),
            Account.open("alice", code="wallet", flags=NO_OVERDRAFT),
            Account.open("bob", code="wallet", flags=NO_OVERDRAFT),
        ]
    )
    assert all(o.result.ok for o in outcomes)
    return ledger


def deposit(ledger: Ledger, transfer_id: str, amount: int, to: str = "alice") -> Transfer:
    return ledger.transfer(
        Transfer.single(transfer_id, debit="bank", credit=to, amount=amount, code="deposit")
    )


def spend(ledger: Ledger, transfer_id: str, amount: int, code: str = "investment") -> Transfer:
    return ledger.transfer(
        Transfer.single(transfer_id, debit="alice", credit="bob", amount=amount, code=code)
    )


def freeze(ledger: Ledger, transfer_id: str, amount: int, *, timeout: int = 0) -> Transfer:
    return ledger.transfer(
        Transfer.pending(
            transfer_id, debit="alice", credit="bob", amount=amount, code="loan", timeout=timeout
        )
    )


# -- statements


def test_a_statement_lists_each_change_with_the_balances_after_it(
    accounts: Ledger, clock: ManualClock
) -> None:
    deposit(accounts, "d1", 1_000)
    clock.advance(minutes=1)
    accounts.transfer(
        Transfer.single("s1", debit="alice", credit="bob", amount=300, code="investment", reference="order 7")
    )
    clock.advance(minutes=1)
    freeze(accounts, "h1", 200)
    clock.advance(minutes=1)
    accounts.transfer(Transfer.post("h1:post", pending_id="h1", amount=150))

    entries = accounts.statement("alice").entries

    assert [(e.transfer_id, e.kind, e.side, e.amount, e.code) for e in entries] == [
        ("d1", EntryKind.POSTED, Side.CREDIT, 1_000, "deposit"),
        ("s1", EntryKind.POSTED, Side.DEBIT, 300, "investment"),
        ("h1", EntryKind.PENDING, Side.DEBIT, 200, "loan"),
        ("h1:post", EntryKind.POST, Side.DEBIT, 150, "loan"),
    ]
    assert [e.after for e in entries] == [
        Balances(credits_posted=1_000),
        Balances(debits_posted=300, credits_posted=1_000),
        Balances(debits_pending=200, debits_posted=300, credits_posted=1_000),
        Balances(debits_posted=450, credits_posted=1_000),
    ]
    assert entries[3].delta == Balances(debits_pending=-200, debits_posted=150)
    assert all(later.before == earlier.after for earlier, later in itertools.pairwise(entries))
    assert entries[0].before == Balances()
    assert entries[1].reference == "order 7"
    assert entries[-1].after == accounts.account("alice").balances
    assert [e.timestamp for e in entries] == sorted(e.timestamp for e in entries)
    assert entries[0].day == "2026-01-05"


def test_a_statement_shows_the_other_side_of_the_same_transfers(accounts: Ledger) -> None:
    deposit(accounts, "d1", 1_000)
    spend(accounts, "s1", 300)

    bob = accounts.statement("bob").entries

    assert [(e.transfer_id, e.side, e.delta) for e in bob] == [
        ("s1", Side.CREDIT, Balances(credits_posted=300))
    ]


def test_a_statement_pages_with_after_and_next_after(accounts: Ledger) -> None:
    for n in range(5):
        deposit(accounts, f"d{n}", 100 + n)

    first = accounts.statement("alice", limit=2)
    second = accounts.statement("alice", after=first.next_after or 0, limit=2)
    third = accounts.statement("alice", after=second.next_after or 0, limit=2)

    assert [e.transfer_id for e in first.entries] == ["d0", "d1"]
    assert [e.transfer_id for e in second.entries] == ["d2", "d3"]
    assert [e.transfer_id for e in third.entries] == ["d4"]
    assert first.next_after == first.entries[-1].seq
    assert second.next_after == second.entries[-1].seq
    assert third.next_after is None
    seqs = [e.seq for page in (first, second, third) for e in page.entries]
    assert seqs == sorted(set(seqs))
    assert third.account_id == "alice"


def test_a_statement_page_that_exactly_fits_has_no_next_page(accounts: Ledger) -> None:
    deposit(accounts, "d1", 1)
    deposit(accounts, "d2", 2)

    page = accounts.statement("alice", limit=2)

    assert len(page.entries) == 2
    assert page.next_after is None


def test_a_statement_filters_by_period_with_start_included_and_end_excluded(
    accounts: Ledger, clock: ManualClock
) -> None:
    t0 = clock.now()
    deposit(accounts, "at-0h", 1)
    clock.advance(hours=1)
    deposit(accounts, "at-1h", 2)
    clock.advance(hours=1)
    deposit(accounts, "at-2h", 3)

    def ids(**period: datetime) -> list[str]:
        return [e.transfer_id for e in accounts.statement("alice", **period).entries]

    assert ids(start=t0 + timedelta(hours=1), end=t0 + timedelta(hours=2)) == ["at-1h"]
    assert ids(start=t0 + timedelta(minutes=1)) == ["at-1h", "at-2h"]
    assert ids(end=t0 + timedelta(hours=1)) == ["at-0h"]
    assert ids(start=t0, end=t0 + timedelta(hours=3)) == ["at-0h", "at-1h", "at-2h"]
    assert ids(start=t0 + timedelta(hours=3)) == []


def test_a_statement_of_an_untouched_account_is_empty(accounts: Ledger) -> None:
    page = accounts.statement("bob")

    assert page.entries == ()
    assert page.next_after is None


def test_balance_at_gives_the_balances_as_they_were_at_each_moment(
    accounts: Ledger, clock: ManualClock
) -> None:
    start = clock.now()
    clock.advance(minutes=10)
    at_deposit = clock.now()
    deposit(accounts, "d1", 1_000)
    clock.advance(minutes=10)
    at_freeze = clock.now()
    freeze(accounts, "h1", 400)
    clock.advance(minutes=10)
    at_void = clock.now()
    accounts.transfer(Transfer.void("h1:void", pending_id="h1"))
    clock.advance(minutes=10)
    spend(accounts, "s1", 250)

    assert accounts.balance_at("alice", start) == Balances()
    assert accounts.balance_at("alice", at_deposit - timedelta(microseconds=1)) == Balances()
    assert accounts.balance_at("alice", at_deposit) == Balances(
        credits_posted=1_000
    )  # the moment itself counts
    assert accounts.balance_at("alice", at_freeze + timedelta(minutes=5)) == Balances(
        debits_pending=400, credits_posted=1_000
    )
    assert accounts.balance_at("alice", at_void) == Balances(credits_posted=1_000)
    assert (
        accounts.balance_at("alice", clock.now() + timedelta(days=365)) == accounts.account("alice").balances
    )
    assert accounts.balance_at("alice", clock.now()).available == 750


def test_balance_at_on_an_account_without_entries_is_zero(accounts: Ledger, clock: ManualClock) -> None:
    assert accounts.balance_at("bob", clock.now()) == Balances()
    assert accounts.balance_at("never-opened", clock.now()) == Balances()


# -- statistics


def totals(rows: list[CodeTotal]) -> dict[tuple[str, str], tuple[int, int, int]]:
    return {(r.period, r.code): (r.count, r.debits, r.credits) for r in rows}


DAY = date(2026, 1, 5)


def test_statistics_count_only_posted_money(accounts: Ledger, clock: ManualClock) -> None:
    deposit(accounts, "d1", 1_000)
    deposit(accounts, "d2", 2_000)
    freeze(accounts, "voided", 500)
    accounts.transfer(Transfer.void("voided:void", pending_id="voided"))
    freeze(accounts, "posted", 300)
    accounts.transfer(Transfer.post("posted:post", pending_id="posted", amount=200))
    freeze(accounts, "expired", 100, timeout=60)
    freeze(accounts, "still-open", 50)
    clock.advance(seconds=61)
    assert accounts.expire_pending() == 1

    rows = accounts.statistics("day", start=DAY, end=DAY)

    assert totals(rows) == {
        ("2026-01-05", "deposit"): (2, 3_000, 3_000),
        ("2026-01-05", "loan"): (1, 200, 200),  # only the posted part of one hold
    }
    assert totals(accounts.statistics("day", start=DAY, end=DAY, account_id="alice")) == {
        ("2026-01-05", "deposit"): (2, 0, 3_000),
        ("2026-01-05", "loan"): (1, 200, 0),
    }
    assert totals(accounts.statistics("month", start=DAY, end=DAY, account_id="bob")) == {
        ("2026-01", "loan"): (1, 0, 200),
    }
    assert accounts.audit().ok


def test_statistics_group_by_the_business_day_in_shanghai(accounts: Ledger, clock: ManualClock) -> None:
    clock.set(datetime(2026, 1, 5, 15, 59, tzinfo=UTC))  # 23:59 in Shanghai
    late = deposit(accounts, "late-evening", 100)
    clock.set(datetime(2026, 1, 5, 17, 0, tzinfo=UTC))  # 01:00 on the 6th in Shanghai
    early = deposit(accounts, "after-midnight", 200)

    rows = accounts.statistics("day", start=date(2026, 1, 5), end=date(2026, 1, 6))

    assert totals(rows) == {
        ("2026-01-05", "deposit"): (1, 100, 100),
        ("2026-01-06", "deposit"): (1, 200, 200),
    }
    assert accounts.statistics("day", start=date(2026, 1, 6), end=date(2026, 1, 6))[0].credits == 200
    assert [e.day for e in accounts.statement("alice").entries] == ["2026-01-05", "2026-01-06"]
    assert accounts.business_day(late.timestamp) == "2026-01-05"
    assert accounts.business_day(early.timestamp) == "2026-01-06"


def test_statistics_by_month_add_up_the_days_of_each_month(accounts: Ledger, clock: ManualClock) -> None:
    deposit(accounts, "jan-5", 100)
    clock.set(datetime(2026, 1, 20, 4, tzinfo=UTC))
    deposit(accounts, "jan-20", 200)
    spend(accounts, "jan-20-spend", 50)
    clock.set(datetime(2026, 1, 31, 16, 30, tzinfo=UTC))  # 00:30 on 1 February in Shanghai
    deposit(accounts, "feb-1", 400)

    rows = accounts.statistics("month", start=date(2026, 1, 1), end=date(2026, 2, 28))

    assert totals(rows) == {
        ("2026-01", "deposit"): (2, 300, 300),
        ("2026-01", "investment"): (1, 50, 50),
        ("2026-02", "deposit"): (1, 400, 400),
    }
    assert [(r.period, r.code) for r in rows] == sorted((r.period, r.code) for r in rows)


def test_statistics_include_both_the_start_and_the_end_day(accounts: Ledger, clock: ManualClock) -> None:
    for day in (4, 5, 6, 7):  # 04:00 UTC is noon in Shanghai, the same date
        clock.set(datetime(2026, 2, day, 4, tzinfo=UTC))
        deposit(accounts, f"feb-{day}", day)

    rows = accounts.statistics("day", start=date(2026, 2, 5), end=date(2026, 2, 6))

    assert [(r.period, r.credits) for r in rows] == [("2026-02-05", 5), ("2026-02-06", 6)]
    assert accounts.statistics("day", start=date(2026, 3, 1), end=date(2026, 3, 31)) == []


def test_statistics_for_one_account_show_its_own_debits_and_credits(
    accounts: Ledger, clock: ManualClock
) -> None:
    deposit(accounts, "d1", 1_000)
    deposit(accounts, "d2", 500)
    deposit(accounts, "d-bob", 70, to="bob")
    spend(accounts, "s1", 300)
    freeze(accounts, "h1", 100)  # pending: not counted

    alice = accounts.statistics("day", start=DAY, end=DAY, account_id="alice")
    bob = accounts.statistics("day", start=DAY, end=DAY, account_id="bob")

    assert totals(alice) == {
        ("2026-01-05", "deposit"): (2, 0, 1_500),
        ("2026-01-05", "investment"): (1, 300, 0),
    }
    assert totals(bob) == {
        ("2026-01-05", "deposit"): (1, 0, 70),
        ("2026-01-05", "investment"): (1, 0, 300),
    }
    assert totals(accounts.statistics("day", start=DAY, end=DAY, account_id="bank")) == {
        ("2026-01-05", "deposit"): (3, 1_570, 0)
    }


def test_a_hold_counts_on_the_day_it_is_posted(accounts: Ledger, clock: ManualClock) -> None:
    deposit(accounts, "d1", 1_000)
    freeze(accounts, "h1", 400)
    clock.advance(days=1)
    accounts.transfer(Transfer.post("h1:post", pending_id="h1"))

    rows = accounts.statistics("day", start=DAY, end=DAY + timedelta(days=1))

    assert totals(rows) == {
        ("2026-01-05", "deposit"): (1, 1_000, 1_000),
        ("2026-01-06", "loan"): (1, 400, 400),
    }
    per_account = accounts.statistics("day", start=DAY, end=DAY + timedelta(days=1), account_id="alice")
    assert totals(per_account)[("2026-01-06", "loan")] == (1, 400, 0)


# -- trial balance and audit


def test_the_trial_balance_adds_up_every_account_and_balances(accounts: Ledger) -> None:
    deposit(accounts, "d1", 1_000)
    spend(accounts, "s1", 250)
    freeze(accounts, "h1", 100)

    trial = accounts.trial_balance()

    assert trial.accounts == 3
    assert trial.totals == Balances(
        debits_pending=100, debits_posted=1_250, credits_pending=100, credits_posted=1_250
    )
    assert trial.balanced


def test_an_empty_ledger_balances_and_passes_the_audit(ledger: Ledger) -> None:
    assert ledger.trial_balance().totals == Balances()
    assert ledger.trial_balance().accounts == 0
    report = ledger.audit()
    assert report.ok
    assert (report.accounts, report.transfers, report.problems) == (0, 0, ())


def test_the_audit_replays_every_transfer_including_expiries(accounts: Ledger, clock: ManualClock) -> None:
    deposit(accounts, "d1", 1_000)
    spend(accounts, "s1", 100)
    freeze(accounts, "h1", 100)
    accounts.transfer(Transfer.post("h1:post", pending_id="h1", amount=60))
    freeze(accounts, "h2", 100)
    accounts.transfer(Transfer.void("h2:void", pending_id="h2"))
    freeze(accounts, "h3", 100, timeout=1)
    clock.advance(seconds=2)
    accounts.expire_pending()

    report = accounts.audit()

    assert report.ok, report.problems
    assert report.accounts == 3
    assert report.transfers == 8  # d1 s1 h1 h1:post h2 h2:void h3 expire:h3
    assert accounts.account("alice").balances == Balances(debits_posted=160, credits_posted=1_000)


def test_a_transfer_timestamp_is_the_clock_time_in_microseconds(accounts: Ledger, clock: ManualClock) -> None:
    clock.set(datetime(2026, 3, 1, 8, 0, 0, 123456, tzinfo=UTC))

    stored = deposit(accounts, "d1", 1)

    assert stored.timestamp == to_micros(datetime(2026, 3, 1, 8, 0, 0, 123456, tzinfo=UTC))
    assert accounts.statement("alice").entries[0].timestamp == stored.timestamp
