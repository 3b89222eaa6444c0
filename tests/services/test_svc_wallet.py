"""Service tests of customer wallets: opening, deposits confirmed by gateways, and withdrawals that are
frozen when asked for and then approved or rejected."""

from __future__ import annotations

import pytest

from p2pstock.adapters.clock import ManualClock
from p2pstock.core.clock import to_micros
from p2pstock.core.errors import (
    AlreadyDecided,
    DepositMismatch,
    IdempotencyConflict,
    InsufficientFunds,
    InvalidInput,
    NotFound,
    Refused,
    WithdrawalBlocked,
)
from p2pstock.core.ledger import chart, codes
from p2pstock.core.ledger.accounts import Account, AccountFlags, Balances
from p2pstock.core.ledger.service import Ledger
from p2pstock.core.ledger.transfers import Transfer
from p2pstock.core.money import CNY, USD, Money
from p2pstock.core.people.permissions import PermissionDenied
from p2pstock.core.wallet.service import Wallets, WithdrawalPolicy
from p2pstock.core.wallet.withdrawals import WithdrawalStatus

ALICE = "wallet:CNY:alice"
GATEWAY = "platform:CNY:gateway_clearing:alipay"
TRANSIT = "platform:CNY:withdrawals_in_transit"


def cny(yuan: int) -> Money:
    return Money(yuan * 100, CNY)


def deposit(wallets: Wallets, customer: str, yuan: int, tx: str) -> None:
    wallets.confirm_deposit(customer, gateway="alipay", transaction_id=tx, amount=cny(yuan))


def state(ledger: Ledger) -> tuple[dict[str, Balances], int]:
    ids = [a.id for a in ledger_accounts(ledger)]
    return {a: ledger.account(a).balances for a in ids}, ledger.audit().transfers


def ledger_accounts(ledger: Ledger) -> list[Account]:
    found = []
    for account_id in (ALICE, "wallet:CNY:bob", GATEWAY, TRANSIT, "platform:CNY:allocation_margin"):
        try:
            found.append(ledger.account(account_id))
        except NotFound:
            continue
    return found


# -- opening


def test_opening_a_wallet_is_idempotent_and_never_resets_it(wallets: Wallets, ledger: Ledger) -> None:
    opened = wallets.open("alice")
    deposit(wallets, "alice", 100, "tx-1")

    again = wallets.open("alice")

    assert opened.id == again.id == ALICE
    assert opened.flags == AccountFlags.DEBITS_MUST_NOT_EXCEED_CREDITS
    assert again.balances.credits_posted == 10_000
    assert wallets.balance("alice").available == cny(100)
    assert ledger.trial_balance().accounts == 2  # the wallet and the gateway's clearing account


def test_a_new_wallet_shows_zero_available_and_frozen(wallets: Wallets) -> None:
    wallets.open("alice")

    balance = wallets.balance("alice")

    assert (balance.customer_id, balance.available, balance.frozen, balance.total) == (
        "alice",
        Money.zero(),
        Money.zero(),
        Money.zero(),
    )


def test_opening_a_wallet_whose_id_is_taken_with_other_settings_is_refused(
    wallets: Wallets, ledger: Ledger
) -> None:
    ledger.create_accounts([Account.open(ALICE, code="wallet")])  # without the no-overdraft flag

    with pytest.raises(Refused):
        wallets.open("alice")
    assert ledger.account(ALICE).flags == AccountFlags.NONE


def test_the_balance_of_an_unknown_customer_is_not_found(wallets: Wallets) -> None:
    with pytest.raises(NotFound):
        wallets.balance("nobody")


# -- deposits


def test_a_confirmed_deposit_credits_the_wallet(wallets: Wallets, ledger: Ledger) -> None:
    wallets.open("alice")

    credited = wallets.confirm_deposit("alice", gateway="alipay", transaction_id="2026-0001", amount=cny(250))

    assert credited.duplicate is False
    assert credited.transfer.amount == 25_000
    assert credited.transfer.code == codes.DEPOSIT
    assert credited.transfer.credit_account_id == ALICE
    assert credited.transfer.debit_account_id == GATEWAY
    assert credited.transfer.reference == "alipay:2026-0001"
    assert wallets.balance("alice").available == cny(250)
    assert ledger.account(GATEWAY).balances == Balances(debits_posted=25_000)
    assert ledger.audit().ok


def test_a_deposit_for_a_customer_without_a_wallet_opens_it(wallets: Wallets, ledger: Ledger) -> None:
    deposit(wallets, "newcomer", 10, "tx-1")

    assert wallets.balance("newcomer").available == cny(10)
    assert ledger.account("wallet:CNY:newcomer").flags == AccountFlags.DEBITS_MUST_NOT_EXCEED_CREDITS


def test_a_repeated_gateway_confirmation_credits_once(wallets: Wallets, ledger: Ledger) -> None:
    first = wallets.confirm_deposit("alice", gateway="alipay", transaction_id="tx-1", amount=cny(250))
    before = state(ledger)

    again = wallets.confirm_deposit("alice", gateway="alipay", transaction_id="tx-1", amount=cny(250))

    assert again.duplicate is True
    assert again.transfer == first.transfer
    assert state(ledger) == before
    assert wallets.balance("alice").available == cny(250)
    assert ledger.audit().ok


def test_a_repeated_confirmation_with_another_amount_raises_deposit_mismatch_and_changes_nothing(
    wallets: Wallets, ledger: Ledger
) -> None:
    deposit(wallets, "alice", 250, "tx-1")
    before = state(ledger)

    with pytest.raises(DepositMismatch) as raised:
        deposit(wallets, "alice", 2_500, "tx-1")

    assert isinstance(raised.value, IdempotencyConflict)
    assert state(ledger) == before
    assert wallets.balance("alice").available == cny(250)


def test_the_same_gateway_transaction_confirmed_for_another_customer_is_refused(
    wallets: Wallets, ledger: Ledger
) -> None:
    deposit(wallets, "alice", 250, "tx-1")
    wallets.open("bob")
    before = state(ledger)

    with pytest.raises(DepositMismatch):
        deposit(wallets, "bob", 250, "tx-1")
    assert state(ledger) == before
    assert wallets.balance("bob").available == Money.zero()


def test_the_same_transaction_id_at_two_gateways_is_two_deposits(wallets: Wallets) -> None:
    wallets.confirm_deposit("alice", gateway="alipay", transaction_id="tx-1", amount=cny(1))
    wallets.confirm_deposit("alice", gateway="wechat", transaction_id="tx-1", amount=cny(2))

    assert wallets.balance("alice").available == cny(3)


@pytest.mark.parametrize(
    "amount",
    [Money(100, USD), Money(0, CNY), Money(-100, CNY), 100],
    ids=["other-currency", "zero", "negative", "not-money"],
)
def test_a_deposit_amount_that_is_not_positive_money_of_the_wallet_currency_is_refused(
    wallets: Wallets, ledger: Ledger, amount: Money
) -> None:
    wallets.open("alice")
    before = state(ledger)

    with pytest.raises(InvalidInput):
        wallets.confirm_deposit("alice", gateway="alipay", transaction_id="tx-1", amount=amount)
    assert state(ledger) == before


# -- withdrawals


@pytest.fixture
def alice(wallets: Wallets) -> Wallets:
    """alice has ¥1,000 in her wallet."""
    deposit(wallets, "alice", 1_000, "tx-seed")
    return wallets


def test_a_withdrawal_request_freezes_the_amount(alice: Wallets, ledger: Ledger, clock: ManualClock) -> None:
    request = alice.request_withdrawal("alice", request_id="w1", amount=cny(600))

    assert request.status is WithdrawalStatus.PENDING
    assert (request.id, request.customer_id, request.amount, request.currency) == (
        "w1",
        "alice",
        60_000,
        "CNY",
    )
    assert request.requested_at == to_micros(clock.now())
    assert request.decided_at is None
    balance = alice.balance("alice")
    assert (balance.available, balance.frozen, balance.total) == (cny(400), cny(600), cny(1_000))
    holds = ledger.open_holds(ALICE)
    assert [(h.id, h.amount, h.code, h.credit_account_id) for h in holds] == [
        ("withdrawal:w1", 60_000, codes.WITHDRAWAL, TRANSIT)
    ]
    assert ledger.audit().ok


def test_only_available_funds_can_be_withdrawn(alice: Wallets, ledger: Ledger) -> None:
    alice.request_withdrawal("alice", request_id="w1", amount=cny(600))
    before = state(ledger)

    with pytest.raises(InsufficientFunds):
        alice.request_withdrawal("alice", request_id="w2", amount=cny(401))

    assert state(ledger) == before
    assert [w.id for w in alice.withdrawals()] == ["w1"]
    assert (
        alice.request_withdrawal("alice", request_id="w3", amount=cny(400)).status is WithdrawalStatus.PENDING
    )
    assert alice.balance("alice").available == Money.zero()


def test_approving_a_withdrawal_posts_the_frozen_amount(
    alice: Wallets, ledger: Ledger, clock: ManualClock
) -> None:
    alice.request_withdrawal("alice", request_id="w1", amount=cny(600))
    clock.advance(minutes=5)

    approved = alice.approve_withdrawal("w1", by="ops-1")

    assert approved.status is WithdrawalStatus.APPROVED
    assert (approved.decided_by, approved.decided_at) == ("ops-1", to_micros(clock.now()))
    balance = alice.balance("alice")
    assert (balance.available, balance.frozen) == (cny(400), Money.zero())
    assert ledger.account(ALICE).balances == Balances(debits_posted=60_000, credits_posted=100_000)
    assert ledger.account(TRANSIT).balances == Balances(credits_posted=60_000)
    assert ledger.open_holds(ALICE) == []
    assert ledger.audit().ok


def test_approving_twice_returns_the_decision_and_pays_once(alice: Wallets, ledger: Ledger) -> None:
    alice.request_withdrawal("alice", request_id="w1", amount=cny(600))
    first = alice.approve_withdrawal("w1", by="ops-1")
    before = state(ledger)

    again = alice.approve_withdrawal("w1", by="ops-2")

    assert again == first
    assert state(ledger) == before


def test_rejecting_a_withdrawal_releases_the_frozen_amount(alice: Wallets, ledger: Ledger) -> None:
    alice.request_withdrawal("alice", request_id="w1", amount=cny(600))

    rejected = alice.reject_withdrawal("w1", by="ops-1", reason="  bank account name does not match  ")

    assert rejected.status is WithdrawalStatus.REJECTED
    assert rejected.reason == "bank account name does not match"
    assert rejected.decided_by == "ops-1"
    balance = alice.balance("alice")
    assert (balance.available, balance.frozen) == (cny(1_000), Money.zero())
    assert ledger.account(TRANSIT).balances == Balances()
    assert ledger.audit().ok


@pytest.mark.parametrize("reason", ["", "   ", "\n\t"])
def test_a_rejection_needs_a_reason(alice: Wallets, ledger: Ledger, reason: str) -> None:
    alice.request_withdrawal("alice", request_id="w1", amount=cny(600))
    before = state(ledger)

    with pytest.raises(InvalidInput):
        alice.reject_withdrawal("w1", by="ops-1", reason=reason)

    assert state(ledger) == before
    assert alice.withdrawals(WithdrawalStatus.PENDING)[0].id == "w1"
    assert alice.balance("alice").frozen == cny(600)


def test_a_rejected_withdrawal_cannot_be_approved(alice: Wallets, ledger: Ledger) -> None:
    alice.request_withdrawal("alice", request_id="w1", amount=cny(600))
    alice.reject_withdrawal("w1", by="ops-1", reason="suspicious")
    before = state(ledger)

    with pytest.raises(AlreadyDecided):
        alice.approve_withdrawal("w1", by="ops-2")

    assert state(ledger) == before
    assert alice.balance("alice").available == cny(1_000)
    assert alice.withdrawals(WithdrawalStatus.REJECTED)[0].decided_by == "ops-1"


def test_an_approved_withdrawal_cannot_be_rejected(alice: Wallets, ledger: Ledger) -> None:
    alice.request_withdrawal("alice", request_id="w1", amount=cny(600))
    alice.approve_withdrawal("w1", by="ops-1")
    before = state(ledger)

    with pytest.raises(AlreadyDecided):
        alice.reject_withdrawal("w1", by="ops-2", reason="too late")

    assert state(ledger) == before


@pytest.mark.parametrize("decide", ["approve", "reject"])
def test_deciding_an_unknown_withdrawal_is_not_found(alice: Wallets, decide: str) -> None:
    with pytest.raises(NotFound):
        if decide == "approve":
            alice.approve_withdrawal("nope", by="ops")
        else:
            alice.reject_withdrawal("nope", by="ops", reason="no")


def test_repeating_a_withdrawal_request_returns_the_same_request_and_freezes_once(
    alice: Wallets, ledger: Ledger, clock: ManualClock
) -> None:
    first = alice.request_withdrawal("alice", request_id="w1", amount=cny(600))
    before = state(ledger)
    clock.advance(minutes=1)

    again = alice.request_withdrawal("alice", request_id="w1", amount=cny(600))

    assert again == first
    assert state(ledger) == before
    assert alice.balance("alice").frozen == cny(600)


def test_repeating_a_decided_request_returns_it_as_decided(alice: Wallets) -> None:
    alice.request_withdrawal("alice", request_id="w1", amount=cny(600))
    approved = alice.approve_withdrawal("w1", by="ops")

    assert alice.request_withdrawal("alice", request_id="w1", amount=cny(600)) == approved
    assert alice.balance("alice").available == cny(400)


@pytest.mark.parametrize(
    ("customer", "amount"), [("alice", cny(601)), ("bob", cny(600))], ids=["other-amount", "other-customer"]
)
def test_reusing_a_request_id_for_another_withdrawal_is_an_idempotency_conflict(
    alice: Wallets, ledger: Ledger, customer: str, amount: Money
) -> None:
    deposit(alice, "bob", 1_000, "tx-bob")
    alice.request_withdrawal("alice", request_id="w1", amount=cny(600))
    before = state(ledger)

    with pytest.raises(IdempotencyConflict):
        alice.request_withdrawal(customer, request_id="w1", amount=amount)

    assert state(ledger) == before
    assert len(alice.withdrawals()) == 1


def test_a_withdrawal_refused_for_insufficient_funds_stays_refused_after_a_deposit(
    alice: Wallets, ledger: Ledger
) -> None:
    with pytest.raises(InsufficientFunds):
        alice.request_withdrawal("alice", request_id="w-big", amount=cny(5_000))
    deposit(alice, "alice", 10_000, "tx-more")
    before = state(ledger)

    with pytest.raises(Refused) as retried:
        alice.request_withdrawal("alice", request_id="w-big", amount=cny(5_000))

    assert not isinstance(retried.value, InsufficientFunds)  # "failed before", not a fresh judgement
    assert state(ledger) == before
    assert alice.balance("alice").frozen == Money.zero()
    assert alice.withdrawals() == []
    assert (
        alice.request_withdrawal("alice", request_id="w-big-2", amount=cny(5_000)).status
        is WithdrawalStatus.PENDING
    )


def test_a_withdrawal_for_a_customer_without_a_wallet_is_not_found(wallets: Wallets) -> None:
    with pytest.raises(NotFound):
        wallets.request_withdrawal("ghost", request_id="w1", amount=cny(1))
    assert wallets.withdrawals() == []


# -- the allocation policy


def allocation_hold(ledger: Ledger, hold_id: str = "alloc-1", code: str = codes.ALLOCATION_DEPOSIT) -> None:
    ledger.create_accounts([chart.allocation_margin()])
    ledger.transfer(
        Transfer.pending(
            hold_id, debit=ALICE, credit="platform:CNY:allocation_margin", amount=10_000, code=code
        )
    )


def test_the_policy_refuses_withdrawals_while_funds_are_frozen_in_an_allocation(
    alice: Wallets, ledger: Ledger
) -> None:
    strict = Wallets(ledger, WithdrawalPolicy(refuse_while_allocation_frozen=True))
    allocation_hold(ledger)
    before = state(ledger)

    with pytest.raises(WithdrawalBlocked):
        strict.request_withdrawal("alice", request_id="w1", amount=cny(100))

    assert state(ledger) == before
    assert strict.withdrawals() == []

    ledger.transfer(Transfer.void("alloc-1:void", pending_id="alloc-1"))
    allowed = strict.request_withdrawal("alice", request_id="w1", amount=cny(100))
    assert allowed.status is WithdrawalStatus.PENDING
    assert strict.balance("alice").frozen == cny(100)


def test_the_policy_blocks_any_allocation_code_but_not_other_holds(alice: Wallets, ledger: Ledger) -> None:
    strict = Wallets(ledger, WithdrawalPolicy(refuse_while_allocation_frozen=True))
    allocation_hold(ledger, "other", code=codes.INVESTMENT)

    assert (
        strict.request_withdrawal("alice", request_id="w1", amount=cny(10)).status is WithdrawalStatus.PENDING
    )

    allocation_hold(ledger, "risk", code=codes.ALLOCATION_RISK_FUND)
    with pytest.raises(WithdrawalBlocked):
        strict.request_withdrawal("alice", request_id="w2", amount=cny(10))


def test_without_the_policy_a_withdrawal_is_allowed_beside_an_allocation_hold(
    alice: Wallets, ledger: Ledger
) -> None:
    allocation_hold(ledger)

    request = alice.request_withdrawal("alice", request_id="w1", amount=cny(900))

    assert request.status is WithdrawalStatus.PENDING
    assert alice.balance("alice").frozen == cny(1_000)  # 100 in the allocation, 900 for the withdrawal


# -- listing


def test_withdrawals_are_listed_by_status(alice: Wallets, clock: ManualClock) -> None:
    for n, yuan in enumerate((100, 200, 300), start=1):
        alice.request_withdrawal("alice", request_id=f"w{n}", amount=cny(yuan))
        clock.advance(minutes=1)
    alice.approve_withdrawal("w1", by="ops")
    alice.reject_withdrawal("w2", by="ops", reason="duplicate request")

    assert [w.id for w in alice.withdrawals()] == ["w1", "w2", "w3"]
    assert [w.id for w in alice.withdrawals(WithdrawalStatus.PENDING)] == ["w3"]
    assert [w.id for w in alice.withdrawals(WithdrawalStatus.APPROVED)] == ["w1"]
    assert [(w.id, w.reason) for w in alice.withdrawals(WithdrawalStatus.REJECTED)] == [
        ("w2", "duplicate request")
    ]
    assert [w.id for w in alice.withdrawals(limit=2)] == ["w1", "w2"]


# -- bugs


def test_a_request_id_ending_like_a_decision_cannot_block_another_withdrawal(alice: Wallets) -> None:
    alice.request_withdrawal("alice", request_id="w1", amount=cny(100))
    other_frozen = 200
    try:
        alice.request_withdrawal("alice", request_id="w1:approve", amount=cny(200))
    except InvalidInput:
        other_frozen = 0  # refusing such ids would be a fix too

    approved = alice.approve_withdrawal("w1", by="ops")

    assert approved.status is WithdrawalStatus.APPROVED
    assert alice.balance("alice").available == cny(900 - other_frozen)


def test_reusing_a_request_id_in_another_currency_is_an_idempotency_conflict(
    alice: Wallets, ledger: Ledger
) -> None:
    usd = Wallets(ledger, currency=USD)
    usd.confirm_deposit("alice", gateway="alipay", transaction_id="usd-1", amount=Money(100_000, USD))
    alice.request_withdrawal("alice", request_id="w1", amount=cny(600))

    with pytest.raises(IdempotencyConflict):
        usd.request_withdrawal("alice", request_id="w1", amount=Money(60_000, USD))


@pytest.mark.parametrize(
    ("reason", "by"), [("r" * 600, "ops"), ("a reason", "o" * 250)], ids=["reason", "by"]
)
def test_a_long_rejection_reason_or_decider_is_stored_or_refused_as_invalid_input(
    alice: Wallets, backend: str, request: pytest.FixtureRequest, reason: str, by: str
) -> None:
    alice.request_withdrawal("alice", request_id="w1", amount=cny(600))

    try:
        rejected = alice.reject_withdrawal("w1", by=by, reason=reason)
    except InvalidInput:
        assert alice.withdrawals(WithdrawalStatus.PENDING)[0].id == "w1"
        return
    assert (rejected.reason, rejected.decided_by) == (reason, by)
    assert alice.withdrawals(WithdrawalStatus.REJECTED)[0].reason == reason
    assert alice.balance("alice").frozen == Money.zero()


def test_the_withdrawal_queue_is_shown_only_to_administrators_who_decide_withdrawals(
    alice: Wallets,
) -> None:
    alice.request_withdrawal("alice", request_id="w1", amount=cny(100))
    alice.request_withdrawal("alice", request_id="w2", amount=cny(100))
    alice.approve_withdrawal("w2", by="ops")

    assert [w.id for w in alice.withdrawal_queue(by="ops")] == ["w1"]
    with pytest.raises(PermissionDenied):
        alice.withdrawal_queue(by="alice")
