"""A wallet's activity as its customer reads it: newest first, one line per movement — a withdrawal is one
line whose state changes (frozen, then paid out or returned), not a freeze and a debit — paged with a
cursor, cut to a period and narrowed to one kind of business."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from p2pstock.adapters.clock import ManualClock
from p2pstock.core.errors import InvalidInput
from p2pstock.core.ledger import chart, codes
from p2pstock.core.ledger.activity import Outcome, page_of_kind
from p2pstock.core.ledger.service import Ledger
from p2pstock.core.ledger.transfers import Transfer
from p2pstock.core.money import CNY, Money
from p2pstock.core.wallet.service import Wallets

ALICE = "wallet:CNY:alice"
TRANSIT = "platform:CNY:withdrawals_in_transit"


def cny(yuan: int) -> Money:
    return Money(yuan * 100, CNY)


@pytest.fixture
def alice(wallets: Wallets, clock: ManualClock) -> Wallets:
    """alice has ¥1,000, deposited an hour ago."""
    clock.set(datetime(2026, 3, 2, 1, tzinfo=UTC))
    wallets.confirm_deposit("alice", gateway="alipay", transaction_id="tx-seed", amount=cny(1_000))
    clock.set(datetime(2026, 3, 2, 2, tzinfo=UTC))
    return wallets


def lines(ledger: Ledger, **asked: object) -> list[tuple[str, int, Outcome, int]]:
    page = ledger.activity(ALICE, **asked)  # type: ignore[arg-type]
    return [(m.code, m.change, m.outcome, m.taken) for m in page.movements]


def test_a_withdrawal_is_one_line_that_is_frozen_then_paid_out(alice: Wallets, ledger: Ledger) -> None:
    alice.request_withdrawal("alice", request_id="w1", amount=cny(300))
    frozen = lines(ledger)

    alice.approve_withdrawal("w1", by="ops-1")

    assert frozen == [
        (codes.WITHDRAWAL, -30_000, Outcome.HELD, 0),
        (codes.DEPOSIT, 100_000, Outcome.DONE, 0),
    ]
    assert lines(ledger) == [
        (codes.WITHDRAWAL, -30_000, Outcome.TAKEN, 30_000),
        (codes.DEPOSIT, 100_000, Outcome.DONE, 0),
    ]


def test_a_rejected_withdrawal_reads_as_returned(alice: Wallets, ledger: Ledger) -> None:
    alice.request_withdrawal("alice", request_id="w1", amount=cny(300))

    alice.reject_withdrawal("w1", by="ops-1", reason="the bank account name does not match")

    assert lines(ledger)[0] == (codes.WITHDRAWAL, 0, Outcome.RELEASED, 0)  # nothing left the wallet


def test_activity_is_paged_newest_first_to_the_oldest(alice: Wallets, ledger: Ledger) -> None:
    for n in range(1, 6):
        alice.confirm_deposit("alice", gateway="alipay", transaction_id=f"tx-{n}", amount=cny(n))

    first = ledger.activity(ALICE, limit=4)
    second = ledger.activity(ALICE, limit=4, before=first.next_before)

    assert [m.change for m in first.movements] == [500, 400, 300, 200]
    assert [m.change for m in second.movements] == [100, 100_000]
    assert second.next_before is None
    assert ledger.activity(ALICE, limit=6).next_before is None


def test_activity_is_cut_to_a_period(alice: Wallets, ledger: Ledger, clock: ManualClock) -> None:
    clock.set(datetime(2026, 4, 1, 2, tzinfo=UTC))
    alice.confirm_deposit("alice", gateway="alipay", transaction_id="tx-april", amount=cny(7))
    april = datetime(2026, 4, 1, tzinfo=UTC)

    assert [m.change for m in ledger.activity(ALICE, start=april).movements] == [700]
    assert [m.change for m in ledger.activity(ALICE, end=april).movements] == [100_000]
    assert ledger.activity(ALICE, start=april + timedelta(days=1)).movements == ()


@pytest.mark.parametrize("limit", [0, 1001])
def test_a_page_of_no_lines_or_too_many_is_refused(ledger: Ledger, limit: int) -> None:
    with pytest.raises(InvalidInput):
        ledger.activity(ALICE, limit=limit)


def test_a_hold_taken_in_part_says_how_much_was_taken(alice: Wallets, ledger: Ledger) -> None:
    hold = Transfer.pending("hold-1", debit=ALICE, credit=TRANSIT, amount=20_000, code=codes.WITHDRAWAL)
    ledger.create_accounts([chart.withdrawals_in_transit("CNY")])
    assert all(o.ok for o in ledger.create_transfers([hold]))

    assert all(
        o.ok
        for o in ledger.create_transfers([Transfer.post("hold-1:post", pending_id="hold-1", amount=5_000)])
    )

    assert lines(ledger)[0] == (codes.WITHDRAWAL, -5_000, Outcome.PARTLY, 5_000)


def test_the_lines_add_up_to_what_the_wallet_can_spend(alice: Wallets, ledger: Ledger) -> None:
    for n, yuan in enumerate((300, 200, 100)):
        alice.request_withdrawal("alice", request_id=f"w{n}", amount=cny(yuan))
    alice.approve_withdrawal("w0", by="ops-1")
    alice.reject_withdrawal("w1", by="ops-1", reason="the bank account name does not match")
    ledger.create_accounts([chart.withdrawals_in_transit("CNY")])
    hold = Transfer.pending("hold-x", debit=ALICE, credit=TRANSIT, amount=5_000, code=codes.WITHDRAWAL)
    ledger.create_transfers([hold, Transfer.post("hold-x:post", pending_id="hold-x", amount=2_000)])

    changes = [m.change for m in ledger.activity(ALICE, limit=100).movements]

    assert sum(changes) == ledger.account(ALICE).balances.available


# -- one kind of business ---------------------------------------------------------------------------------

PAGE = 2


def holds(ledger: Ledger, code: str, count: int, first: int = 0) -> list[str]:
    """``count`` holds of ¥1 on alice's wallet under ``code``, in one batch: their transfer ids."""
    ledger.create_accounts([chart.withdrawals_in_transit("CNY")])
    ids = [f"{code}-{n}" for n in range(first, first + count)]
    made = [Transfer.pending(i, debit=ALICE, credit=TRANSIT, amount=100, code=code) for i in ids]
    assert all(o.ok for o in ledger.create_transfers(made))
    return ids


def pages_of(ledger: Ledger, kind: str) -> list[list[str]]:
    """Every page of alice's movements of ``kind``, newest first, as their transfers' ids."""
    pages, before = [], None
    while True:
        page = page_of_kind(
            lambda older, size: ledger.activity(ALICE, before=older, limit=size),
            kind,
            before=before,
            limit=PAGE,
        )
        pages.append([m.transfer_id for m in page.movements])
        if page.next_before is None:
            return pages
        before = page.next_before


@pytest.mark.parametrize(
    ("count", "pages"),
    [(0, [[]]), (1, [[0]]), (PAGE, [[1, 0]]), (PAGE + 1, [[2, 1], [0]])],
    ids=["none", "one", "a page", "a page and one"],
)
def test_the_lines_of_one_kind_are_paged_newest_first(
    alice: Wallets, ledger: Ledger, count: int, pages: list[list[int]]
) -> None:
    ids = holds(ledger, codes.ALLOCATION_DEPOSIT, count)

    assert pages_of(ledger, "allocation") == [[ids[n] for n in page] for page in pages]


def test_a_kind_is_found_however_many_lines_of_other_kinds_lie_between(
    alice: Wallets, ledger: Ledger
) -> None:
    older = holds(ledger, codes.ALLOCATION_FEE, 3)
    holds(ledger, codes.LOAN_INVESTMENT, 250)  # more than one read's worth
    newer = holds(ledger, codes.ALLOCATION_RISK_FUND, 1)

    assert pages_of(ledger, "allocation") == [[newer[0], older[2]], [older[1], older[0]]]
    assert len(pages_of(ledger, "loan")) == 125


def test_deposits_and_withdrawals_are_one_kind(alice: Wallets, ledger: Ledger) -> None:
    alice.request_withdrawal("alice", request_id="w1", amount=cny(10))
    holds(ledger, codes.LOAN_INVESTMENT, 3)

    [cash] = pages_of(ledger, "cash")

    assert cash == ["withdrawal:w1", "deposit:alipay:tx-seed"]


def test_every_kind_together_is_every_line(alice: Wallets, ledger: Ledger) -> None:
    holds(ledger, codes.LOAN_INVESTMENT, 3)

    every = [line for page in pages_of(ledger, "") for line in page]
    assert every == [m.transfer_id for m in ledger.activity(ALICE).movements]
