"""Service tests of ledger accounts: creation, idempotent re-creation, refusals, lookups and the chart."""

from __future__ import annotations

import pytest

from p2pstock.adapters.clock import ManualClock
from p2pstock.core.clock import to_micros
from p2pstock.core.errors import InvalidInput, NotFound
from p2pstock.core.ledger import chart
from p2pstock.core.ledger.accounts import Account, AccountFlags, Balances
from p2pstock.core.ledger.results import AccountResult
from p2pstock.core.ledger.results import TransferResult as R
from p2pstock.core.ledger.service import Ledger
from p2pstock.core.ledger.transfers import Transfer

NO_OVERDRAFT = AccountFlags.DEBITS_MUST_NOT_EXCEED_CREDITS
NO_CREDIT_BEYOND_DEBITS = AccountFlags.CREDITS_MUST_NOT_EXCEED_DEBITS


def wallet(account_id: str, currency: str = "CNY") -> Account:
    return Account.open(account_id, code="wallet", currency=currency, flags=NO_OVERDRAFT)


def account_count(ledger: Ledger) -> int:
    return ledger.trial_balance().accounts


# -- creating


def test_a_new_account_starts_with_zero_balances_and_the_time_it_was_created(
    ledger: Ledger, clock: ManualClock
) -> None:
    outcome = ledger.create_accounts([wallet("wallet:alice")])[0]

    assert outcome.result is AccountResult.CREATED
    assert outcome.account is not None
    assert outcome.account.balances == Balances()
    assert outcome.account.created_at == to_micros(clock.now())
    stored = ledger.account("wallet:alice")
    assert stored == outcome.account
    assert stored.flags == NO_OVERDRAFT
    assert stored.code == "wallet"
    assert stored.currency == "CNY"
    assert stored.version == 0


def test_creating_an_existing_account_again_answers_exists_and_keeps_the_original(
    ledger: Ledger, clock: ManualClock
) -> None:
    first = ledger.create_accounts([wallet("wallet:alice"), Account.open("bank", code="bank")])[0].account
    assert first is not None
    ledger.transfer(Transfer.single("t1", debit="bank", credit="wallet:alice", amount=500, code="deposit"))
    clock.advance(hours=1)

    again = ledger.create_accounts([wallet("wallet:alice")])[0]

    assert again.result is AccountResult.EXISTS
    assert again.result.ok
    assert again.account is not None
    assert again.account.created_at == first.created_at
    assert again.account.balances.credits_posted == 500  # not reset by the repeated request
    assert account_count(ledger) == 2
    assert ledger.audit().ok


@pytest.mark.parametrize(
    ("changed", "expected"),
    [
        (
            Account.open("acc", code="wallet", flags=AccountFlags.NONE),
            AccountResult.EXISTS_WITH_DIFFERENT_FLAGS,
        ),
        (Account.open("acc", code="escrow", flags=NO_OVERDRAFT), AccountResult.EXISTS_WITH_DIFFERENT_CODE),
        (
            Account.open("acc", code="wallet", currency="USD", flags=NO_OVERDRAFT),
            AccountResult.EXISTS_WITH_DIFFERENT_CURRENCY,
        ),
    ],
    ids=["flags", "code", "currency"],
)
def test_an_existing_id_with_other_settings_answers_how_it_differs_and_changes_nothing(
    ledger: Ledger, changed: Account, expected: AccountResult
) -> None:
    ledger.create_accounts([wallet("acc")])

    outcome = ledger.create_accounts([changed])[0]

    assert outcome.result is expected
    assert not outcome.result.ok
    assert outcome.account is None
    stored = ledger.account("acc")
    assert (stored.code, stored.currency, stored.flags) == ("wallet", "CNY", NO_OVERDRAFT)


def test_an_account_with_both_balance_limits_is_refused(ledger: Ledger) -> None:
    outcome = ledger.create_accounts(
        [Account.open("both", code="odd", flags=NO_OVERDRAFT | NO_CREDIT_BEYOND_DEBITS)]
    )[0]

    assert outcome.result is AccountResult.FLAGS_ARE_MUTUALLY_EXCLUSIVE
    assert outcome.account is None
    with pytest.raises(NotFound):
        ledger.account("both")


def test_an_account_request_that_brings_its_own_balances_is_refused(ledger: Ledger) -> None:
    rich = Account(id="rich", currency="CNY", code="wallet", balances=Balances(credits_posted=1_000_000))

    outcome = ledger.create_accounts([rich])[0]

    assert outcome.result is AccountResult.BALANCES_MUST_BE_ZERO
    with pytest.raises(NotFound):
        ledger.account("rich")
    assert ledger.trial_balance().totals == Balances()


def test_a_batch_of_account_requests_answers_one_outcome_each_in_order(ledger: Ledger) -> None:
    ledger.create_accounts([wallet("old")])

    outcomes = ledger.create_accounts(
        [
            wallet("new-1"),
            wallet("old"),
            Account.open("bad", code="x", flags=NO_OVERDRAFT | NO_CREDIT_BEYOND_DEBITS),
            Account.open("old", code="other", flags=NO_OVERDRAFT),
            wallet("new-2"),
        ]
    )

    assert [(o.id, o.result) for o in outcomes] == [
        ("new-1", AccountResult.CREATED),
        ("old", AccountResult.EXISTS),
        ("bad", AccountResult.FLAGS_ARE_MUTUALLY_EXCLUSIVE),
        ("old", AccountResult.EXISTS_WITH_DIFFERENT_CODE),
        ("new-2", AccountResult.CREATED),
    ]
    assert account_count(ledger) == 3  # old, new-1, new-2: a refused request does not stop the others


def test_the_same_new_id_twice_in_one_request_is_created_once(ledger: Ledger) -> None:
    outcomes = ledger.create_accounts(
        [wallet("twice"), wallet("twice"), Account.open("twice", code="escrow", flags=NO_OVERDRAFT)]
    )

    assert [o.result for o in outcomes] == [
        AccountResult.CREATED,
        AccountResult.EXISTS,
        AccountResult.EXISTS_WITH_DIFFERENT_CODE,
    ]
    assert account_count(ledger) == 1
    assert ledger.account("twice").code == "wallet"


def test_asking_for_an_unknown_account_raises_not_found(ledger: Ledger) -> None:
    with pytest.raises(NotFound):
        ledger.account("nobody")


def test_an_accounts_version_counts_the_changes_to_its_balances(ledger: Ledger) -> None:
    ledger.create_accounts([Account.open("bank", code="bank"), wallet("a"), wallet("idle")])
    ledger.transfer(Transfer.single("t1", debit="bank", credit="a", amount=100, code="deposit"))
    ledger.transfer(Transfer.pending("t2", debit="a", credit="bank", amount=40, code="fee"))
    ledger.transfer(Transfer.void("t3", pending_id="t2"))

    assert ledger.account("a").version == 3
    assert ledger.account("bank").version == 3
    assert ledger.account("idle").version == 0
    # a refused transfer changes no version
    refused = ledger.create_transfer(Transfer.single("t4", debit="a", credit="bank", amount=101, code="fee"))
    assert refused.result is R.EXCEEDS_CREDITS
    assert ledger.account("a").version == 3


def test_accounts_without_a_limit_may_run_either_way(ledger: Ledger) -> None:
    ledger.create_accounts([Account.open("bank", code="bank"), Account.open("float", code="float")])

    ledger.transfer(Transfer.single("t1", debit="bank", credit="float", amount=100, code="deposit"))
    ledger.transfer(Transfer.single("t2", debit="float", credit="bank", amount=250, code="deposit"))

    assert ledger.account("float").balances == Balances(debits_posted=250, credits_posted=100)
    assert ledger.account("float").balances.posted == -150
    assert ledger.audit().ok


# -- the chart of accounts


def test_a_chart_wallet_is_named_by_currency_and_customer_and_cannot_be_overdrawn(ledger: Ledger) -> None:
    ledger.create_accounts([chart.wallet("42"), chart.gateway_clearing("alipay")])

    assert chart.wallet_id("42") == "wallet:CNY:42"
    assert ledger.account("wallet:CNY:42").flags == NO_OVERDRAFT
    outcome = ledger.create_transfer(
        Transfer.single(
            "spend",
            debit="wallet:CNY:42",
            credit="platform:CNY:gateway_clearing:alipay",
            amount=1,
            code="fee",
        )
    )
    assert outcome.result is R.EXCEEDS_CREDITS
    assert ledger.account("wallet:CNY:42").balances == Balances()


def test_platform_accounts_of_the_chart_are_unlimited_and_per_currency(ledger: Ledger) -> None:
    outcomes = ledger.create_accounts(
        [chart.withdrawals_in_transit(), chart.allocation_margin(), chart.allocation_margin("USD")]
    )

    assert [o.id for o in outcomes] == [
        "platform:CNY:withdrawals_in_transit",
        "platform:CNY:allocation_margin",
        "platform:USD:allocation_margin",
    ]
    assert all(o.result is AccountResult.CREATED for o in outcomes)
    assert ledger.account("platform:USD:allocation_margin").currency == "USD"
    assert ledger.account("platform:CNY:withdrawals_in_transit").flags == AccountFlags.NONE


@pytest.mark.parametrize("customer", ["", "a:b", "has space", "x" * 65])
def test_a_chart_wallet_refuses_a_customer_id_that_could_break_the_naming(customer: str) -> None:
    with pytest.raises(InvalidInput):
        chart.wallet(customer)


def test_an_account_with_an_undefined_flag_bit_is_refused(ledger: Ledger) -> None:
    try:
        request = Account.open("odd", code="wallet", flags=AccountFlags(4))
    except InvalidInput:
        return
    outcome = ledger.create_accounts([request])[0]
    assert not outcome.result.ok
    with pytest.raises(NotFound):
        ledger.account("odd")
