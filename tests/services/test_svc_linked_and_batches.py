"""Service tests of batches and linked chains: all-or-nothing chains, independent failures, duplicates,
and a full loan paid out by one chain."""

from __future__ import annotations

import pytest

from p2pstock.core.errors import InvalidInput
from p2pstock.core.ledger.accounts import Account, AccountFlags, Balances
from p2pstock.core.ledger.results import AccountResult
from p2pstock.core.ledger.results import TransferResult as R
from p2pstock.core.ledger.service import MAX_BATCH, Ledger
from p2pstock.core.ledger.transfers import Transfer

NO_OVERDRAFT = AccountFlags.DEBITS_MUST_NOT_EXCEED_CREDITS
ACCOUNT_IDS = ("bank", "alice", "bob")


@pytest.fixture
def funded(ledger: Ledger) -> Ledger:
    """alice (no overdraft) holds 1,000; bob (no overdraft) is empty; bank is unlimited."""
    ledger.create_accounts(
        [
            Account.open("bank", code="bank"),
            Account.open("alice", code="wallet", flags=NO_OVERDRAFT),
            Account.open("bob", code="wallet", flags=NO_OVERDRAFT),
        ]
    )
    ledger.transfer(Transfer.single("fund", debit="bank", credit="alice", amount=1_000, code="deposit"))
    return ledger


def pay(
    transfer_id: str,
    amount: int,
    *,
    debit: str = "alice",
    credit: str = "bob",
    linked: bool = False,
    reference: str = "",
) -> Transfer:
    return Transfer.single(
        transfer_id,
        debit=debit,
        credit=credit,
        amount=amount,
        code="investment",
        linked=linked,
        reference=reference,
    )


def snapshot(ledger: Ledger, *account_ids: str) -> tuple[dict[str, Balances], int, dict[str, int]]:
    ids = account_ids or ACCOUNT_IDS
    entries = {a: len(ledger.statement(a, limit=1000).entries) for a in ids}
    return {a: ledger.account(a).balances for a in ids}, ledger.audit().transfers, entries


# -- linked chains


def test_a_linked_chain_commits_together_and_later_members_see_earlier_ones(funded: Ledger) -> None:
    outcomes = funded.create_transfers(
        [
            pay("top-up", 6_000, debit="bank", credit="bob", linked=True),
            pay("bob-pays", 5_500, debit="bob", credit="alice", linked=True),
            pay("alice-pays", 6_000),
        ]
    )

    assert [o.result for o in outcomes] == [R.CREATED, R.CREATED, R.CREATED]
    assert funded.account("alice").available == 500  # 1,000 + 5,500 - 6,000
    assert funded.account("bob").available == 6_500  # 6,000 - 5,500 + 6,000
    assert funded.audit().ok


def test_a_linked_chain_whose_last_member_fails_changes_nothing(funded: Ledger) -> None:
    before = snapshot(funded)

    outcomes = funded.create_transfers(
        [
            pay("c1", 500, debit="bank", credit="alice", linked=True),
            pay("c2", 1_200, linked=True),
            pay("c3", 400),  # alice now has 300 left: too little
        ]
    )

    assert [(o.id, o.result) for o in outcomes] == [
        ("c1", R.LINKED_EVENT_FAILED),
        ("c2", R.LINKED_EVENT_FAILED),
        ("c3", R.EXCEEDS_CREDITS),
    ]
    assert all(o.transfer is None for o in outcomes)
    assert snapshot(funded) == before
    assert funded.lookup_transfer("c1") is None
    assert funded.lookup_transfer("c2") is None
    assert funded.audit().ok


def test_a_linked_chain_whose_first_member_fails_reports_the_others_as_linked_event_failed(
    funded: Ledger,
) -> None:
    before = snapshot(funded)

    outcomes = funded.create_transfers([pay("c1", 0, linked=True), pay("c2", 10, linked=True), pay("c3", 10)])

    assert [o.result for o in outcomes] == [
        R.AMOUNT_MUST_NOT_BE_ZERO,
        R.LINKED_EVENT_FAILED,
        R.LINKED_EVENT_FAILED,
    ]
    assert snapshot(funded) == before


def test_members_of_a_failed_chain_are_not_remembered_as_failed(funded: Ledger) -> None:
    funded.create_transfers([pay("c1", 100, linked=True), pay("c2", 5_000)])

    again = funded.create_transfers([pay("c1", 100), pay("c2", 5_000)])

    assert [o.result for o in again] == [R.CREATED, R.ID_ALREADY_FAILED]  # c2 failed for want of funds
    assert funded.account("bob").balances.credits_posted == 100
    assert funded.audit().ok


def test_an_open_chain_at_the_end_of_a_batch_is_refused_and_the_rest_applies(funded: Ledger) -> None:
    outcomes = funded.create_transfers(
        [pay("alone", 10), pay("o1", 20, linked=True), pay("o2", 30, linked=True)]
    )

    assert outcomes[0].result is R.CREATED
    assert outcomes[-1].result is R.LINKED_EVENT_CHAIN_OPEN
    assert not outcomes[1].ok
    assert funded.lookup_transfer("o1") is None
    assert funded.lookup_transfer("o2") is None
    assert funded.account("bob").balances == Balances(credits_posted=10)
    assert funded.audit().ok


def test_a_batch_of_only_an_open_chain_changes_nothing(funded: Ledger) -> None:
    before = snapshot(funded)

    outcomes = funded.create_transfers([pay("o1", 20, linked=True)])

    assert [o.result for o in outcomes] == [R.LINKED_EVENT_CHAIN_OPEN]
    assert snapshot(funded) == before


def test_a_committed_chain_repeated_whole_answers_exists_for_every_member(funded: Ledger) -> None:
    chain = [pay("c1", 100, linked=True), pay("c2", 200)]
    funded.create_transfers(chain)

    again = funded.create_transfers(chain)
    alone = funded.create_transfer(pay("c1", 100))  # not linked this time: the flags differ

    assert [o.result for o in again] == [R.EXISTS, R.EXISTS]
    assert alone.result is R.EXISTS_WITH_DIFFERENT_FLAGS
    assert funded.account("bob").balances.credits_posted == 300


def test_a_failed_chain_undoes_a_void_made_inside_it(funded: Ledger) -> None:
    funded.transfer(Transfer.pending("hold", debit="alice", credit="bob", amount=600, code="loan"))

    outcomes = funded.create_transfers(
        [Transfer.void("v", pending_id="hold", linked=True), pay("spend", 1_001)]
    )

    assert [o.result for o in outcomes] == [R.LINKED_EVENT_FAILED, R.EXCEEDS_CREDITS]
    assert funded.account("alice").frozen == 600
    assert [h.id for h in funded.open_holds("alice")] == ["hold"]
    assert funded.create_transfer(Transfer.void("v", pending_id="hold")).result is R.CREATED


# -- batches


def test_a_batch_with_independent_failures_applies_the_rest(funded: Ledger) -> None:
    outcomes = funded.create_transfers(
        [
            pay("b1", 300),
            pay("b2", 5_000),
            pay("b3", 0),
            pay("b4", 200),
            pay("b5", 1, credit="nobody"),
            pay("b6", 500),  # 300 + 200 already spent: 500 left
        ]
    )

    assert [o.result for o in outcomes] == [
        R.CREATED,
        R.EXCEEDS_CREDITS,
        R.AMOUNT_MUST_NOT_BE_ZERO,
        R.CREATED,
        R.CREDIT_ACCOUNT_NOT_FOUND,
        R.CREATED,
    ]
    assert funded.account("alice").available == 0
    assert funded.account("bob").balances.credits_posted == 1_000
    assert funded.audit().ok


def test_transfers_in_one_batch_see_the_effects_of_earlier_ones(funded: Ledger) -> None:
    outcomes = funded.create_transfers(
        [pay("in", 2_000, debit="bank", credit="bob"), pay("out", 2_000, debit="bob", credit="alice")]
    )

    assert [o.result for o in outcomes] == [R.CREATED, R.CREATED]
    assert funded.account("bob").balances == Balances(debits_posted=2_000, credits_posted=2_000)


def test_a_duplicate_id_inside_one_batch_is_applied_once(funded: Ledger) -> None:
    outcomes = funded.create_transfers([pay("dup", 100), pay("dup", 100), pay("dup", 150)])

    assert [o.result for o in outcomes] == [R.CREATED, R.EXISTS, R.EXISTS_WITH_DIFFERENT_AMOUNT]
    assert funded.account("bob").balances.credits_posted == 100
    assert funded.audit().transfers == 2  # fund and dup
    assert funded.audit().ok


def test_a_duplicate_of_a_failed_id_inside_one_batch_answers_id_already_failed(funded: Ledger) -> None:
    outcomes = funded.create_transfers([pay("dup", 5_000), pay("dup", 5)])

    assert [o.result for o in outcomes] == [R.EXCEEDS_CREDITS, R.ID_ALREADY_FAILED]
    assert funded.account("bob").balances == Balances()


def test_a_hold_and_its_post_may_share_one_batch(funded: Ledger) -> None:
    outcomes = funded.create_transfers(
        [
            Transfer.pending("hold", debit="alice", credit="bob", amount=800, code="loan"),
            Transfer.post("hold:post", pending_id="hold", amount=300),
            Transfer.void("hold:void", pending_id="hold"),
        ]
    )

    assert [o.result for o in outcomes] == [R.CREATED, R.CREATED, R.PENDING_TRANSFER_ALREADY_POSTED]
    assert funded.account("alice").balances == Balances(debits_posted=300, credits_posted=1_000)
    assert funded.audit().ok


def test_every_transfer_of_a_batch_gets_the_same_timestamp(funded: Ledger) -> None:
    outcomes = funded.create_transfers([pay("t1", 1), pay("t2", 2), pay("t3", 3)])

    assert len({o.transfer.timestamp for o in outcomes if o.transfer}) == 1


def test_an_empty_batch_answers_nothing(funded: Ledger) -> None:
    before = snapshot(funded)

    assert funded.create_transfers([]) == []
    assert snapshot(funded) == before


def test_a_batch_larger_than_the_limit_is_refused_before_anything_happens(funded: Ledger) -> None:
    before = snapshot(funded)
    too_many = [pay(f"t{n}", 1) for n in range(MAX_BATCH + 1)]

    with pytest.raises(InvalidInput):
        funded.create_transfers(too_many)
    assert snapshot(funded) == before


def test_a_large_batch_stores_every_transfer_and_entry_as_small_ones_would(funded: Ledger) -> None:
    frozen = Transfer.pending("hold", debit="alice", credit="bob", amount=100, code="freeze", timeout=60)
    batch = [frozen, *(pay(f"t{n}", 1, linked=n % 2 == 0, reference=f"r{n}") for n in range(100))]

    outcomes = funded.create_transfers(batch)

    assert [o.result for o in outcomes] == [R.CREATED] * len(batch)
    assert [funded.lookup_transfer(t.id) for t in batch] == [o.transfer for o in outcomes]
    stored_hold = funded.lookup_transfer("hold")
    assert stored_hold is not None and stored_hold.expires_at == stored_hold.timestamp + 60_000_000
    bob = funded.statement("bob", limit=1000).entries
    assert [(e.transfer_id, e.after.credits_pending, e.after.credits_posted) for e in bob] == [
        ("hold", 100, 0),
        *((f"t{n}", 100, n + 1) for n in range(100)),
    ]
    assert [e.reference for e in bob[1:4]] == ["r0", "r1", "r2"]


def test_a_batch_touching_more_records_than_one_look_up_list_holds_finds_every_one_of_them(
    funded: Ledger,
) -> None:
    """Storage looks many keys up in lists of a few hundred (``IN_CHUNK``), or as one array on PostgreSQL:
    600 accounts, holds, posts and failures are each found, whichever way they were looked up."""
    many = [f"w{n:03}" for n in range(600)]
    wallets = [Account.open(i, code="wallet") for i in many]
    holds = [Transfer.pending(f"h-{i}", debit="bank", credit=i, amount=2, code="investment") for i in many]
    posts = [Transfer.post(f"p-{i}", pending_id=f"h-{i}", amount=1) for i in many]
    again = [Transfer.post(f"again-{i}", pending_id=f"h-{i}") for i in many]  # each hold resolved already
    unfunded = [pay(f"u-{i}", 1, debit="bob", credit=i) for i in many]  # bob holds nothing

    assert {o.result for o in funded.create_accounts(wallets)} == {AccountResult.CREATED}
    assert {o.result for o in funded.create_transfers(holds)} == {R.CREATED}
    assert {o.result for o in funded.create_transfers(posts)} == {R.CREATED}
    assert {o.result for o in funded.create_accounts(wallets)} == {AccountResult.EXISTS}
    assert {o.result for o in funded.create_transfers(holds + posts)} == {R.EXISTS}
    assert {o.result for o in funded.create_transfers(again)} == {R.PENDING_TRANSFER_ALREADY_POSTED}
    assert {o.result for o in funded.create_transfers(unfunded)} == {R.EXCEEDS_CREDITS}
    assert {o.result for o in funded.create_transfers(unfunded)} == {R.ID_ALREADY_FAILED}
    assert {funded.account(i).balances.credits_posted for i in many} == {1}
    assert funded.audit().ok


# -- a full loan in one chain


@pytest.fixture
def loan(funded: Ledger) -> Ledger:
    """Two lenders froze their parts of a 10,000 loan; the loan account may not pay out what it lacks."""
    funded.create_accounts(
        [
            Account.open("lender-1", code="wallet", flags=NO_OVERDRAFT),
            Account.open("lender-2", code="wallet", flags=NO_OVERDRAFT),
            Account.open("borrower", code="wallet", flags=NO_OVERDRAFT),
            Account.open("loan:L1", code="loan", flags=NO_OVERDRAFT),
            Account.open("platform:fees", code="fees"),
        ]
    )
    funded.create_transfers(
        [
            pay("fund-l1", 8_000, debit="bank", credit="lender-1"),
            pay("fund-l2", 5_000, debit="bank", credit="lender-2"),
            Transfer.pending("bid-1", debit="lender-1", credit="loan:L1", amount=6_000, code="investment"),
            Transfer.pending("bid-2", debit="lender-2", credit="loan:L1", amount=4_000, code="investment"),
        ]
    )
    return funded


LOAN_ACCOUNTS = ("lender-1", "lender-2", "borrower", "loan:L1", "platform:fees")


def loan_chain(payout_id: str = "L1:payout", payout: int = 9_500, fee: int = 500) -> list[Transfer]:
    return [
        Transfer.post("bid-1:post", pending_id="bid-1", linked=True),
        Transfer.post("bid-2:post", pending_id="bid-2", linked=True),
        Transfer.single(
            payout_id, debit="loan:L1", credit="borrower", amount=payout, code="loan", linked=True
        ),
        Transfer.single("L1:fee", debit="loan:L1", credit="platform:fees", amount=fee, code="fee"),
    ]


def test_a_chain_posts_every_hold_of_a_loan_and_pays_it_out(loan: Ledger) -> None:
    outcomes = loan.create_transfers(loan_chain())

    assert [o.result for o in outcomes] == [R.CREATED] * 4
    assert loan.account("lender-1").balances == Balances(debits_posted=6_000, credits_posted=8_000)
    assert loan.account("lender-2").balances == Balances(debits_posted=4_000, credits_posted=5_000)
    assert loan.account("loan:L1").balances == Balances(debits_posted=10_000, credits_posted=10_000)
    assert loan.account("borrower").available == 9_500
    assert loan.account("platform:fees").balances.credits_posted == 500
    assert loan.open_holds("lender-1") == []
    assert loan.open_holds("lender-2") == []
    assert loan.audit().ok
    assert loan.trial_balance().balanced


def test_a_loan_chain_that_cannot_pay_out_leaves_every_hold_frozen(loan: Ledger) -> None:
    before = snapshot(loan, *LOAN_ACCOUNTS)

    outcomes = loan.create_transfers(loan_chain(payout=9_501))  # 9,501 + 500 > 10,000 raised

    assert [o.result for o in outcomes] == [
        R.LINKED_EVENT_FAILED,
        R.LINKED_EVENT_FAILED,
        R.LINKED_EVENT_FAILED,
        R.EXCEEDS_CREDITS,
    ]
    assert snapshot(loan, *LOAN_ACCOUNTS) == before
    assert loan.account("lender-1").frozen == 6_000
    assert loan.account("lender-2").frozen == 4_000
    assert loan.audit().ok


def test_a_loan_chain_retried_with_a_failed_id_fails_again_but_new_ids_succeed(loan: Ledger) -> None:
    first = loan.create_transfers(loan_chain(payout=10_001))
    assert first[2].result is R.EXCEEDS_CREDITS  # the payout id is now remembered as failed

    retry = loan.create_transfers(loan_chain(payout_id="L1:payout"))
    fixed = loan.create_transfers(loan_chain(payout_id="L1:payout-2"))

    assert [o.result for o in retry] == [
        R.LINKED_EVENT_FAILED,
        R.LINKED_EVENT_FAILED,
        R.ID_ALREADY_FAILED,
        R.LINKED_EVENT_FAILED,
    ]
    assert [o.result for o in fixed] == [R.CREATED] * 4
    assert loan.account("borrower").available == 9_500
    assert loan.audit().ok
