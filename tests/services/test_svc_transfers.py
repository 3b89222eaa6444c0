"""Service tests of single transfers: moving money, every validation result, limits and idempotency."""

from __future__ import annotations

import pytest

from p2pstock.adapters.clock import ManualClock
from p2pstock.core.clock import to_micros
from p2pstock.core.errors import InvalidInput, LedgerRefused
from p2pstock.core.ledger.accounts import MAX_TOTAL, Account, AccountFlags, Balances
from p2pstock.core.ledger.results import TransferResult as R
from p2pstock.core.ledger.service import Ledger
from p2pstock.core.ledger.transfers import Transfer, TransferFlags

NO_OVERDRAFT = AccountFlags.DEBITS_MUST_NOT_EXCEED_CREDITS
ACCOUNT_IDS = ("bank", "alice", "bob", "carol-usd", "vault")


@pytest.fixture
def funded(ledger: Ledger) -> Ledger:
    """bank (unlimited), alice (no overdraft, 10,000 in), bob (no overdraft, empty), a USD wallet, and a
    vault whose credits must never exceed its debits."""
    outcomes = ledger.create_accounts(
        [
            Account.open("bank", code="bank"),
            Account.open("alice", code="wallet", flags=NO_OVERDRAFT),
            Account.open("bob", code="wallet", flags=NO_OVERDRAFT),
            Account.open("carol-usd", code="wallet", currency="USD", flags=NO_OVERDRAFT),
            Account.open("vault", code="vault", flags=AccountFlags.CREDITS_MUST_NOT_EXCEED_DEBITS),
        ]
    )
    assert all(o.result.ok for o in outcomes)
    ledger.transfer(
        Transfer.single("fund-alice", debit="bank", credit="alice", amount=10_000, code="deposit")
    )
    return ledger


def balances(ledger: Ledger) -> dict[str, Balances]:
    return {a: ledger.account(a).balances for a in ACCOUNT_IDS}


def transfer_count(ledger: Ledger) -> int:
    return ledger.audit().transfers


def assert_refused_without_change(ledger: Ledger, request: Transfer, expected: R) -> None:
    before, count = balances(ledger), transfer_count(ledger)
    stored_before = ledger.lookup_transfer(request.id)
    outcome = ledger.create_transfer(request)
    assert outcome.result is expected
    assert not outcome.ok
    assert outcome.transfer == stored_before  # the transfer already under this id, if any; never a new one
    assert ledger.lookup_transfer(request.id) == stored_before
    assert balances(ledger) == before
    assert transfer_count(ledger) == count
    assert ledger.audit().ok


# -- moving money


def test_a_transfer_moves_the_amount_from_the_debit_to_the_credit_account(
    funded: Ledger, clock: ManualClock
) -> None:
    outcome = funded.create_transfer(
        Transfer.single("pay-1", debit="alice", credit="bob", amount=2_500, code="investment", reference="r1")
    )

    assert outcome.result is R.CREATED
    assert outcome.ok
    assert funded.account("alice").balances == Balances(debits_posted=2_500, credits_posted=10_000)
    assert funded.account("bob").balances == Balances(credits_posted=2_500)
    stored = funded.lookup_transfer("pay-1")
    assert stored == outcome.transfer
    assert stored is not None
    assert stored.currency == "CNY"  # filled in from the accounts
    assert stored.timestamp == to_micros(clock.now())
    assert stored.reference == "r1"
    assert stored.expires_at is None
    assert funded.audit().ok


def test_ledger_transfer_returns_the_stored_transfer_or_raises_ledger_refused_with_the_result(
    funded: Ledger,
) -> None:
    stored = funded.transfer(Transfer.single("ok", debit="alice", credit="bob", amount=1, code="fee"))
    assert stored.id == "ok"
    assert stored.amount == 1

    with pytest.raises(LedgerRefused) as refused:
        funded.transfer(Transfer.single("too-much", debit="alice", credit="bob", amount=10**6, code="fee"))
    assert refused.value.result is R.EXCEEDS_CREDITS
    assert funded.lookup_transfer("too-much") is None


def test_an_unknown_transfer_id_looks_up_as_none(funded: Ledger) -> None:
    assert funded.lookup_transfer("never-made") is None


# -- validation: each answer, and nothing changes


def test_a_zero_amount_is_refused(funded: Ledger) -> None:
    assert_refused_without_change(
        funded,
        Transfer.single("zero", debit="alice", credit="bob", amount=0, code="fee"),
        R.AMOUNT_MUST_NOT_BE_ZERO,
    )


def test_a_transfer_without_an_amount_is_refused_as_zero(funded: Ledger) -> None:
    assert_refused_without_change(
        funded, Transfer("no-amount", "alice", "bob", None, "fee"), R.AMOUNT_MUST_NOT_BE_ZERO
    )


def test_a_transfer_from_an_account_to_itself_is_refused(funded: Ledger) -> None:
    assert_refused_without_change(
        funded,
        Transfer.single("self", debit="alice", credit="alice", amount=1, code="fee"),
        R.ACCOUNTS_MUST_BE_DIFFERENT,
    )


@pytest.mark.parametrize(
    ("request_", "expected"),
    [
        (Transfer("no-code", "alice", "bob", 1), R.CODE_MUST_NOT_BE_EMPTY),
        (Transfer("no-debit", "", "bob", 1, "fee"), R.DEBIT_ACCOUNT_ID_MUST_NOT_BE_EMPTY),
        (Transfer("no-credit", "alice", "", 1, "fee"), R.CREDIT_ACCOUNT_ID_MUST_NOT_BE_EMPTY),
    ],
    ids=["code", "debit", "credit"],
)
def test_a_transfer_missing_a_required_field_is_refused(
    funded: Ledger, request_: Transfer, expected: R
) -> None:
    assert_refused_without_change(funded, request_, expected)


def test_a_transfer_from_an_unknown_account_answers_debit_account_not_found(funded: Ledger) -> None:
    assert_refused_without_change(
        funded,
        Transfer.single("ghost-debit", debit="ghost", credit="bob", amount=1, code="fee"),
        R.DEBIT_ACCOUNT_NOT_FOUND,
    )


def test_a_transfer_to_an_unknown_account_answers_credit_account_not_found(funded: Ledger) -> None:
    assert_refused_without_change(
        funded,
        Transfer.single("ghost-credit", debit="alice", credit="ghost", amount=1, code="fee"),
        R.CREDIT_ACCOUNT_NOT_FOUND,
    )


def test_accounts_in_different_currencies_cannot_exchange_money(funded: Ledger) -> None:
    assert_refused_without_change(
        funded,
        Transfer.single("fx", debit="alice", credit="carol-usd", amount=1, code="fee"),
        R.ACCOUNTS_MUST_HAVE_THE_SAME_CURRENCY,
    )


def test_a_transfer_naming_another_currency_than_its_accounts_is_refused(funded: Ledger) -> None:
    assert_refused_without_change(
        funded,
        Transfer("usd-says", "alice", "bob", 1, "fee", currency="USD"),
        R.TRANSFER_MUST_HAVE_THE_SAME_CURRENCY_AS_ACCOUNTS,
    )
    named = funded.create_transfer(Transfer("cny-says", "alice", "bob", 1, "fee", currency="CNY"))
    assert named.result is R.CREATED


def test_a_transfer_that_would_push_a_total_past_the_64_bit_limit_overflows(funded: Ledger) -> None:
    funded.create_accounts([Account.open("source", code="source"), Account.open("sink", code="sink")])
    funded.transfer(Transfer.single("huge", debit="source", credit="sink", amount=MAX_TOTAL, code="deposit"))

    assert_refused_without_change(
        funded,
        Transfer.single("one-more", debit="bank", credit="sink", amount=1, code="deposit"),
        R.OVERFLOWS,
    )
    assert_refused_without_change(
        funded,
        Transfer.single("one-less", debit="source", credit="bob", amount=1, code="deposit"),
        R.OVERFLOWS,
    )
    assert funded.account("sink").balances.credits_posted == MAX_TOTAL
    assert funded.account("source").balances.debits_posted == MAX_TOTAL


def test_an_amount_beyond_the_64_bit_limit_overflows(funded: Ledger) -> None:
    assert_refused_without_change(
        funded,
        Transfer.single("beyond", debit="bank", credit="bob", amount=MAX_TOTAL + 1, code="deposit"),
        R.OVERFLOWS,
    )


@pytest.mark.parametrize(
    ("request_", "expected"),
    [
        (Transfer("t", "alice", "bob", 1, "fee", timeout=60), R.TIMEOUT_RESERVED_FOR_PENDING_TRANSFER),
        (Transfer("t", "alice", "bob", 1, "fee", pending_id="p"), R.PENDING_ID_MUST_BE_EMPTY),
        (
            Transfer(
                "t",
                "alice",
                "bob",
                1,
                "fee",
                flags=TransferFlags.PENDING | TransferFlags.VOID_PENDING,
                pending_id="p",
            ),
            R.FLAGS_ARE_MUTUALLY_EXCLUSIVE,
        ),
        (
            Transfer("t", flags=TransferFlags.POST_PENDING | TransferFlags.VOID_PENDING, pending_id="p"),
            R.FLAGS_ARE_MUTUALLY_EXCLUSIVE,
        ),
    ],
    ids=["timeout-on-single", "pending-id-on-single", "pending-and-void", "post-and-void"],
)
def test_a_request_whose_fields_contradict_each_other_is_refused(
    funded: Ledger, request_: Transfer, expected: R
) -> None:
    assert_refused_without_change(funded, request_, expected)


# -- balance limits


def test_a_wallet_can_spend_exactly_its_balance_but_not_one_fen_more(funded: Ledger) -> None:
    assert_refused_without_change(
        funded,
        Transfer.single("over", debit="alice", credit="bob", amount=10_001, code="investment"),
        R.EXCEEDS_CREDITS,
    )
    exact = funded.create_transfer(
        Transfer.single("all", debit="alice", credit="bob", amount=10_000, code="fee")
    )
    assert exact.result is R.CREATED
    assert funded.account("alice").available == 0
    assert funded.audit().ok


def test_pending_debits_count_against_the_no_overdraft_limit(funded: Ledger) -> None:
    funded.transfer(Transfer.pending("hold", debit="alice", credit="bob", amount=9_000, code="investment"))

    assert_refused_without_change(
        funded,
        Transfer.single("spend", debit="alice", credit="bob", amount=1_001, code="investment"),
        R.EXCEEDS_CREDITS,
    )
    assert funded.create_transfer(
        Transfer.single("spend-ok", debit="alice", credit="bob", amount=1_000, code="investment")
    ).ok


def test_pending_credits_cannot_be_spent_before_they_are_posted(funded: Ledger) -> None:
    funded.transfer(Transfer.pending("incoming", debit="bank", credit="bob", amount=500, code="deposit"))

    assert_refused_without_change(
        funded,
        Transfer.single("spend-incoming", debit="bob", credit="bank", amount=1, code="fee"),
        R.EXCEEDS_CREDITS,
    )


def test_an_account_whose_credits_must_not_exceed_its_debits_refuses_a_larger_credit(funded: Ledger) -> None:
    assert_refused_without_change(
        funded,
        Transfer.single("into-vault", debit="alice", credit="vault", amount=1, code="fee"),
        R.EXCEEDS_DEBITS,
    )
    funded.transfer(Transfer.single("vault-out", debit="vault", credit="bob", amount=300, code="fee"))
    assert funded.create_transfer(
        Transfer.single("vault-back", debit="alice", credit="vault", amount=300, code="fee")
    ).ok
    assert_refused_without_change(
        funded,
        Transfer.single("vault-more", debit="alice", credit="vault", amount=1, code="fee"),
        R.EXCEEDS_DEBITS,
    )


# -- idempotency


def test_repeating_a_transfer_answers_exists_and_moves_the_money_once(funded: Ledger) -> None:
    request = Transfer.single(
        "pay", debit="alice", credit="bob", amount=700, code="investment", reference="x"
    )
    first = funded.create_transfer(request)
    after_first = balances(funded)

    again = funded.create_transfer(request)

    assert first.result is R.CREATED
    assert again.result is R.EXISTS
    assert again.ok
    assert again.transfer == first.transfer
    assert balances(funded) == after_first
    assert funded.account("bob").balances.credits_posted == 700
    assert funded.audit().ok


def test_a_repeat_may_name_the_currency_the_ledger_filled_in(funded: Ledger) -> None:
    funded.transfer(Transfer.single("pay", debit="alice", credit="bob", amount=700, code="fee"))

    again = funded.create_transfer(Transfer("pay", "alice", "bob", 700, "fee", currency="CNY"))

    assert again.result is R.EXISTS


@pytest.mark.parametrize(
    ("changed", "expected"),
    [
        (
            Transfer.pending("pay", debit="alice", credit="bob", amount=700, code="fee"),
            R.EXISTS_WITH_DIFFERENT_FLAGS,
        ),
        (
            Transfer.single("pay", debit="bank", credit="bob", amount=700, code="fee"),
            R.EXISTS_WITH_DIFFERENT_DEBIT_ACCOUNT_ID,
        ),
        (
            Transfer.single("pay", debit="alice", credit="bank", amount=700, code="fee"),
            R.EXISTS_WITH_DIFFERENT_CREDIT_ACCOUNT_ID,
        ),
        (
            Transfer.single("pay", debit="alice", credit="bob", amount=701, code="fee"),
            R.EXISTS_WITH_DIFFERENT_AMOUNT,
        ),
        (
            Transfer.single("pay", debit="alice", credit="bob", amount=700, code="tax"),
            R.EXISTS_WITH_DIFFERENT_CODE,
        ),
        (Transfer("pay", "alice", "bob", 700, "fee", currency="USD"), R.EXISTS_WITH_DIFFERENT_CURRENCY),
        (
            Transfer.single("pay", debit="alice", credit="bob", amount=700, code="fee", reference="other"),
            R.EXISTS_WITH_DIFFERENT_REFERENCE,
        ),
    ],
    ids=["flags", "debit", "credit", "amount", "code", "currency", "reference"],
)
def test_reusing_an_id_with_a_different_field_answers_which_field_differs_and_changes_nothing(
    funded: Ledger, changed: Transfer, expected: R
) -> None:
    funded.transfer(Transfer.single("pay", debit="alice", credit="bob", amount=700, code="fee"))

    assert_refused_without_change(funded, changed, expected)
    assert (
        funded.lookup_transfer("pay")
        == funded.create_transfer(
            Transfer.single("pay", debit="alice", credit="bob", amount=700, code="fee")
        ).transfer
    )


def test_reusing_a_pending_id_with_another_timeout_answers_exists_with_different_timeout(
    funded: Ledger,
) -> None:
    funded.transfer(Transfer.pending("hold", debit="alice", credit="bob", amount=10, code="fee", timeout=60))

    assert_refused_without_change(
        funded,
        Transfer.pending("hold", debit="alice", credit="bob", amount=10, code="fee", timeout=120),
        R.EXISTS_WITH_DIFFERENT_TIMEOUT,
    )
    assert (
        funded.create_transfer(
            Transfer.pending("hold", debit="alice", credit="bob", amount=10, code="fee", timeout=60)
        ).result
        is R.EXISTS
    )


def test_reusing_a_post_id_for_another_hold_answers_exists_with_different_pending_id(funded: Ledger) -> None:
    funded.transfer(Transfer.pending("hold-1", debit="alice", credit="bob", amount=10, code="fee"))
    funded.transfer(Transfer.pending("hold-2", debit="alice", credit="bob", amount=10, code="fee"))
    funded.transfer(Transfer.post("settle", pending_id="hold-1"))

    assert_refused_without_change(
        funded, Transfer.post("settle", pending_id="hold-2"), R.EXISTS_WITH_DIFFERENT_PENDING_ID
    )
    assert funded.open_holds("alice") == [funded.lookup_transfer("hold-2")]


def test_a_transfer_refused_for_lack_of_funds_stays_failed_even_once_funds_arrive(funded: Ledger) -> None:
    request = Transfer.single("big", debit="alice", credit="bob", amount=15_000, code="investment")
    assert funded.create_transfer(request).result is R.EXCEEDS_CREDITS

    funded.transfer(Transfer.single("top-up", debit="bank", credit="alice", amount=10_000, code="deposit"))
    assert funded.account("alice").available == 20_000

    assert_refused_without_change(funded, request, R.ID_ALREADY_FAILED)
    assert funded.lookup_transfer("big") is None
    assert funded.create_transfer(
        Transfer.single("big-2", debit="alice", credit="bob", amount=15_000, code="investment")
    ).ok


def test_an_id_refused_because_an_account_was_missing_stays_failed_after_the_account_opens(
    funded: Ledger,
) -> None:
    request = Transfer.single("early", debit="alice", credit="dave", amount=100, code="investment")
    assert funded.create_transfer(request).result is R.CREDIT_ACCOUNT_NOT_FOUND

    funded.create_accounts([Account.open("dave", code="wallet", flags=NO_OVERDRAFT)])

    assert_refused_without_change(funded, request, R.ID_ALREADY_FAILED)
    assert funded.account("dave").balances == Balances()


def test_a_failed_id_stays_failed_whatever_the_new_request_says(funded: Ledger) -> None:
    funded.create_transfer(Transfer.single("big", debit="alice", credit="bob", amount=15_000, code="fee"))

    assert_refused_without_change(
        funded, Transfer.single("big", debit="alice", credit="bob", amount=5, code="fee"), R.ID_ALREADY_FAILED
    )


def test_an_id_refused_for_a_malformed_request_may_be_used_again(funded: Ledger) -> None:
    assert (
        funded.create_transfer(
            Transfer.single("retry-me", debit="alice", credit="bob", amount=0, code="fee")
        ).result
        is R.AMOUNT_MUST_NOT_BE_ZERO
    )
    assert (
        funded.create_transfer(
            Transfer.single("retry-me", debit="alice", credit="carol-usd", amount=5, code="fee")
        ).result
        is R.ACCOUNTS_MUST_HAVE_THE_SAME_CURRENCY
    )

    outcome = funded.create_transfer(
        Transfer.single("retry-me", debit="alice", credit="bob", amount=5, code="fee")
    )

    assert outcome.result is R.CREATED
    assert funded.account("bob").balances.credits_posted == 5
    assert funded.audit().ok


def test_only_created_and_exists_count_as_ok() -> None:
    assert {r for r in R if r.ok} == {R.CREATED, R.EXISTS}


def test_a_transfer_with_an_undefined_flag_bit_is_refused(funded: Ledger) -> None:
    try:
        request = Transfer("odd", "alice", "bob", 1, "fee", flags=64)
    except InvalidInput:
        return  # refusing it at construction is fine too
    assert_refused_without_change(funded, request, R.RESERVED_FLAG)
