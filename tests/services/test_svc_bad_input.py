"""Service tests of bad input and refusals: malformed requests raise ``InvalidInput`` when they are built,
and every refusal — a result, or an error in the p2pstock tree — leaves the books exactly as they were."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from p2pstock.core.errors import (
    AlreadyDecided,
    DepositMismatch,
    IdempotencyConflict,
    InsufficientFunds,
    InvalidInput,
    NotFound,
    P2PStockError,
    Refused,
    WithdrawalBlocked,
)
from p2pstock.core.ledger import chart, codes
from p2pstock.core.ledger.accounts import MAX_TOTAL, Account, AccountFlags
from p2pstock.core.ledger.results import AccountResult, TransferOutcome
from p2pstock.core.ledger.results import TransferResult as R
from p2pstock.core.ledger.service import MAX_BATCH, Ledger
from p2pstock.core.ledger.transfers import Transfer, TransferFlags
from p2pstock.core.money import CNY, USD, Money
from p2pstock.core.wallet.service import Wallets, WithdrawalPolicy

NO_OVERDRAFT = AccountFlags.DEBITS_MUST_NOT_EXCEED_CREDITS
ALICE = "wallet:CNY:alice"
BOB = "wallet:CNY:bob"
MARGIN = "platform:CNY:allocation_margin"
ACCOUNT_IDS = (
    ALICE,
    BOB,
    "bank",
    "escrow",
    "usd",
    "vault",
    "source",
    "sink",
    MARGIN,
    "platform:CNY:gateway_clearing:alipay",
    "platform:CNY:withdrawals_in_transit",
)


def cny(yuan: int) -> Money:
    return Money(yuan * 100, CNY)


# -- malformed requests are refused when they are built


def build_transfer(**fields: Any) -> Transfer:
    values: dict[str, Any] = {
        "id": "t1",
        "debit_account_id": "a",
        "credit_account_id": "b",
        "amount": 1,
        "code": "fee",
    }
    return Transfer(**(values | fields))


@pytest.mark.parametrize(
    "fields",
    [
        {"id": ""},
        {"id": "has space"},
        {"id": "x" * 201},
        {"id": "ünïcode"},
        {"id": 42},
        {"id": None},
        {"debit_account_id": "a b"},
        {"credit_account_id": "b\n"},
        {"pending_id": "bad id"},
        {"code": "Deposit"},
        {"code": "1st"},
        {"code": "a..b"},
        {"code": "trailing."},
        {"code": "with-dash"},
        {"code": "x" * 49},
        {"amount": -1},
        {"amount": 1.5},
        {"amount": 100.0},
        {"amount": True},
        {"amount": False},
        {"amount": "100"},
        {"amount": Decimal("1")},
        {"timeout": -1},
        {"timeout": 1.5},
        {"timeout": True},
        {"timeout": "60"},
    ],
    ids=lambda fields: "-".join(f"{k}={v!r:.20}" for k, v in fields.items()),
)
def test_a_malformed_transfer_field_raises_invalid_input_when_built(fields: dict[str, Any]) -> None:
    with pytest.raises(InvalidInput) as raised:
        build_transfer(**fields)
    assert isinstance(raised.value, P2PStockError)
    assert str(raised.value)  # a message a person can read


def test_the_transfer_helpers_check_their_fields_too() -> None:
    with pytest.raises(InvalidInput):
        Transfer.single("t", debit="a", credit="b", amount=-5, code="fee")
    with pytest.raises(InvalidInput):
        Transfer.pending("t", debit="a", credit="b", amount=5, code="fee", timeout=-1)
    with pytest.raises(InvalidInput):
        Transfer.post("t", pending_id="p", amount=-1)
    with pytest.raises(InvalidInput):
        Transfer.void("t", pending_id="not valid")
    with pytest.raises(InvalidInput):
        Transfer.single("t", debit="a", credit="b", amount=1, code="Fee")


@pytest.mark.parametrize(
    "fields",
    [
        {"id": ""},
        {"id": "a b"},
        {"id": "x" * 201},
        {"id": 7},
        {"currency": "cny"},
        {"currency": "CN"},
        {"currency": "CNYY"},
        {"currency": 156},
        {"currency": None},
        {"code": "Wallet"},
        {"code": ""},
        {"code": "x" * 49},
    ],
    ids=lambda fields: "-".join(f"{k}={v!r:.20}" for k, v in fields.items()),
)
def test_a_malformed_account_field_raises_invalid_input_when_built(fields: dict[str, Any]) -> None:
    values: dict[str, Any] = {"id": "acc", "currency": "CNY", "code": "wallet"}
    with pytest.raises(InvalidInput):
        Account(**(values | fields))


@pytest.mark.parametrize(
    "fields",
    [
        pytest.param({"reference": "r" * 201}, id="reference-too-long"),
        pytest.param({"reference": None}, id="reference-none"),
        pytest.param({"currency": "usd"}, id="currency-lowercase"),
        pytest.param({"currency": 5}, id="currency-int"),
        pytest.param({"flags": "x"}, id="flags-str"),
    ],
)
def test_other_malformed_transfer_fields_raise_invalid_input_too(fields: dict[str, Any]) -> None:
    with pytest.raises(InvalidInput):
        build_transfer(**fields)


# -- malformed calls to the services


def test_a_statement_page_holds_one_to_a_thousand_entries(ledger: Ledger) -> None:
    ledger.create_accounts([Account.open("a", code="wallet")])
    for limit in (0, -1, 1001):
        with pytest.raises(InvalidInput):
            ledger.statement("a", limit=limit)
    assert ledger.statement("a", limit=1000).entries == ()
    assert ledger.statement("a", limit=1).entries == ()


def test_statistics_are_by_day_or_by_month_only(ledger: Ledger) -> None:
    with pytest.raises(InvalidInput):
        ledger.statistics("week", start=date(2026, 1, 1), end=date(2026, 1, 31))  # type: ignore[arg-type]


@pytest.mark.parametrize("customer", ["", "a:b", "with space", "x" * 65, "名字"])
def test_wallet_services_refuse_a_malformed_customer_id(
    wallets: Wallets, ledger: Ledger, customer: str
) -> None:
    with pytest.raises(InvalidInput):
        wallets.open(customer)
    with pytest.raises(InvalidInput):
        wallets.confirm_deposit(customer, gateway="alipay", transaction_id="tx", amount=cny(1))
    with pytest.raises(InvalidInput):
        wallets.request_withdrawal(customer, request_id="w1", amount=cny(1))
    assert ledger.audit().transfers == 0
    assert ledger.trial_balance().accounts == 0


@pytest.mark.parametrize(
    ("gateway", "transaction_id"),
    [
        ("", "tx"),
        ("ali:pay", "tx"),
        ("ali pay", "tx"),
        ("alipay", ""),
        ("alipay", "t x"),
        ("alipay", "x" * 200),
    ],
)
def test_a_deposit_with_a_malformed_gateway_or_transaction_id_is_refused(
    wallets: Wallets, ledger: Ledger, gateway: str, transaction_id: str
) -> None:
    with pytest.raises(InvalidInput):
        wallets.confirm_deposit("alice", gateway=gateway, transaction_id=transaction_id, amount=cny(1))
    assert ledger.audit().transfers == 0


@pytest.mark.parametrize("request_id", ["", "a b", "x" * 151, "ünï"])
def test_a_withdrawal_with_a_malformed_request_id_is_refused(
    wallets: Wallets, ledger: Ledger, request_id: str
) -> None:
    wallets.confirm_deposit("alice", gateway="alipay", transaction_id="tx", amount=cny(10))

    with pytest.raises(InvalidInput):
        wallets.request_withdrawal("alice", request_id=request_id, amount=cny(1))
    assert wallets.withdrawals() == []
    assert wallets.balance("alice").frozen == Money.zero()


def test_a_request_id_of_150_characters_is_still_accepted(wallets: Wallets) -> None:
    wallets.confirm_deposit("alice", gateway="alipay", transaction_id="tx", amount=cny(10))

    request = wallets.request_withdrawal("alice", request_id="w" * 150, amount=cny(1))

    assert wallets.approve_withdrawal(request.id, by="ops").status == "approved"


@pytest.mark.parametrize(
    "amount", [Money(100, USD), Money(0, CNY), Money(-1, CNY), 100, Decimal("1.00"), "1.00"], ids=repr
)
def test_a_withdrawal_amount_must_be_positive_money_in_the_wallet_currency(
    wallets: Wallets, ledger: Ledger, amount: Any
) -> None:
    wallets.confirm_deposit("alice", gateway="alipay", transaction_id="tx", amount=cny(10))
    before = ledger.account(ALICE).balances

    with pytest.raises(InvalidInput):
        wallets.request_withdrawal("alice", request_id="w1", amount=amount)
    assert ledger.account(ALICE).balances == before
    assert wallets.withdrawals() == []


@pytest.mark.parametrize("timeout", [2**31, 2**50], ids=["2**31s", "2**50s"])
def test_a_very_long_hold_timeout_is_answered_the_same_way_on_every_backend(
    ledger: Ledger, backend: str, request: pytest.FixtureRequest, timeout: int
) -> None:
    ledger.create_accounts([Account.open("a", code="wallet"), Account.open("b", code="wallet")])
    try:
        hold = Transfer.pending("h", debit="a", credit="b", amount=1, code="fee", timeout=timeout)
    except InvalidInput:
        assert ledger.audit().transfers == 0
        return
    outcome = ledger.create_transfer(hold)  # must answer with a result, not a storage failure
    assert outcome.result in (R.CREATED, R.OVERFLOWS)
    assert ledger.audit().ok


# -- every refusal leaves the books unchanged


@pytest.fixture
def books(ledger: Ledger, wallets: Wallets) -> tuple[Ledger, Wallets]:
    """A ledger with some history: deposits, a payment, open holds, an allocation hold, decided and pending
    withdrawals, an id that failed, and an account at the 64-bit limit."""
    ledger.create_accounts(
        [
            Account.open("bank", code="bank"),
            Account.open("escrow", code="escrow"),
            Account.open("usd", code="wallet", currency="USD", flags=NO_OVERDRAFT),
            Account.open("vault", code="vault", flags=AccountFlags.CREDITS_MUST_NOT_EXCEED_DEBITS),
            Account.open("source", code="source"),
            Account.open("sink", code="sink"),
            chart.allocation_margin(),
        ]
    )
    wallets.confirm_deposit("alice", gateway="alipay", transaction_id="tx-1", amount=cny(1_000))
    wallets.open("bob")
    ledger.transfer(Transfer.single("paid", debit=ALICE, credit=BOB, amount=5_000, code="investment"))
    ledger.transfer(Transfer.single("max", debit="source", credit="sink", amount=MAX_TOTAL, code="deposit"))
    ledger.transfer(Transfer.pending("hold", debit=ALICE, credit="escrow", amount=20_000, code="loan"))
    ledger.transfer(
        Transfer.pending("alloc", debit=ALICE, credit=MARGIN, amount=10_000, code=codes.ALLOCATION_DEPOSIT)
    )
    wallets.request_withdrawal("alice", request_id="w-rejected", amount=cny(100))
    wallets.reject_withdrawal("w-rejected", by="ops", reason="checks failed")
    wallets.request_withdrawal("alice", request_id="w-approved", amount=cny(50))
    wallets.approve_withdrawal("w-approved", by="ops")
    wallets.request_withdrawal("alice", request_id="w-pending", amount=cny(10))
    failed = ledger.create_transfer(
        Transfer.single("failed", debit=ALICE, credit=BOB, amount=10**9, code="fee")
    )
    assert failed.result is R.EXCEEDS_CREDITS
    assert ledger.audit().ok
    return ledger, wallets


def snapshot(ledger: Ledger, wallets: Wallets) -> dict[str, object]:
    audit = ledger.audit()
    assert audit.ok, audit.problems
    return {
        "transfers": audit.transfers,
        "accounts": audit.accounts,
        "trial balance": ledger.trial_balance(),
        "balances": {a: ledger.account(a).balances for a in ACCOUNT_IDS},
        "statements": {a: ledger.statement(a, limit=1000).entries for a in ACCOUNT_IDS},
        "holds": ledger.open_holds(ALICE),
        "withdrawals": wallets.withdrawals(),
    }


Action = Callable[[Ledger, Wallets], object]


def move(transfer_id: str, debit: str, credit: str, amount: int, **kw: Any) -> Transfer:
    return Transfer.single(transfer_id, debit=debit, credit=credit, amount=amount, code="fee", **kw)


REFUSALS: list[tuple[str, Action, object]] = [
    ("zero amount", lambda lg, w: lg.create_transfer(move("r", ALICE, BOB, 0)), R.AMOUNT_MUST_NOT_BE_ZERO),
    (
        "same accounts",
        lambda lg, w: lg.create_transfer(move("r", ALICE, ALICE, 1)),
        R.ACCOUNTS_MUST_BE_DIFFERENT,
    ),
    (
        "no debit account",
        lambda lg, w: lg.create_transfer(move("r", "ghost", BOB, 1)),
        R.DEBIT_ACCOUNT_NOT_FOUND,
    ),
    (
        "no credit account",
        lambda lg, w: lg.create_transfer(move("r", ALICE, "ghost", 1)),
        R.CREDIT_ACCOUNT_NOT_FOUND,
    ),
    (
        "currencies differ",
        lambda lg, w: lg.create_transfer(move("r", ALICE, "usd", 1)),
        R.ACCOUNTS_MUST_HAVE_THE_SAME_CURRENCY,
    ),
    (
        "transfer currency",
        lambda lg, w: lg.create_transfer(Transfer("r", ALICE, BOB, 1, "fee", currency="USD")),
        R.TRANSFER_MUST_HAVE_THE_SAME_CURRENCY_AS_ACCOUNTS,
    ),
    ("overflow", lambda lg, w: lg.create_transfer(move("r", "bank", "sink", 1)), R.OVERFLOWS),
    ("exceeds credits", lambda lg, w: lg.create_transfer(move("r", ALICE, BOB, 10**7)), R.EXCEEDS_CREDITS),
    ("exceeds debits", lambda lg, w: lg.create_transfer(move("r", "bank", "vault", 1)), R.EXCEEDS_DEBITS),
    (
        "id reused",
        lambda lg, w: lg.create_transfer(
            Transfer.single("paid", debit=ALICE, credit=BOB, amount=5_001, code="investment")
        ),
        R.EXISTS_WITH_DIFFERENT_AMOUNT,
    ),
    (
        "id failed before",
        lambda lg, w: lg.create_transfer(move("failed", ALICE, BOB, 1)),
        R.ID_ALREADY_FAILED,
    ),
    (
        "post more than held",
        lambda lg, w: lg.create_transfer(Transfer.post("r", pending_id="hold", amount=20_001)),
        R.EXCEEDS_PENDING_TRANSFER_AMOUNT,
    ),
    (
        "void another amount",
        lambda lg, w: lg.create_transfer(
            Transfer("r", amount=1, flags=TransferFlags.VOID_PENDING, pending_id="hold")
        ),
        R.PENDING_TRANSFER_HAS_DIFFERENT_AMOUNT,
    ),
    (
        "post a voided hold",
        lambda lg, w: lg.create_transfer(Transfer.post("r", pending_id="withdrawal:w-rejected")),
        R.PENDING_TRANSFER_ALREADY_VOIDED,
    ),
    (
        "void a posted hold",
        lambda lg, w: lg.create_transfer(Transfer.void("r", pending_id="withdrawal:w-approved")),
        R.PENDING_TRANSFER_ALREADY_POSTED,
    ),
    (
        "post unknown hold",
        lambda lg, w: lg.create_transfer(Transfer.post("r", pending_id="nope")),
        R.PENDING_TRANSFER_NOT_FOUND,
    ),
    (
        "post a posted transfer",
        lambda lg, w: lg.create_transfer(Transfer.post("r", pending_id="paid")),
        R.PENDING_TRANSFER_NOT_PENDING,
    ),
    (
        "expire flag",
        lambda lg, w: lg.create_transfer(
            Transfer("r", flags=TransferFlags.EXPIRE_PENDING, pending_id="hold")
        ),
        R.RESERVED_FLAG,
    ),
    (
        "failing chain",
        lambda lg, w: lg.create_transfers(
            [
                move("r1", "bank", ALICE, 100, linked=True),
                Transfer.post("r2", pending_id="hold", linked=True),
                move("r3", ALICE, BOB, 10**7),
            ]
        ),
        R.EXCEEDS_CREDITS,
    ),
    (
        "open chain",
        lambda lg, w: lg.create_transfers([move("r1", "bank", ALICE, 100, linked=True)]),
        R.LINKED_EVENT_CHAIN_OPEN,
    ),
    (
        "batch too large",
        lambda lg, w: lg.create_transfers([move(f"r{n}", "bank", ALICE, 1) for n in range(MAX_BATCH + 1)]),
        InvalidInput,
    ),
    (
        "account settings differ",
        lambda lg, w: lg.create_accounts([Account.open(ALICE, code="wallet")]),
        AccountResult.EXISTS_WITH_DIFFERENT_FLAGS,
    ),
    (
        "both account limits",
        lambda lg, w: lg.create_accounts(
            [Account.open("new", code="x", flags=NO_OVERDRAFT | AccountFlags.CREDITS_MUST_NOT_EXCEED_DEBITS)]
        ),
        AccountResult.FLAGS_ARE_MUTUALLY_EXCLUSIVE,
    ),
    ("statement limit", lambda lg, w: lg.statement(ALICE, limit=0), InvalidInput),
    ("unknown account", lambda lg, w: lg.account("ghost"), NotFound),
    (
        "deposit another amount",
        lambda lg, w: w.confirm_deposit("alice", gateway="alipay", transaction_id="tx-1", amount=cny(1_001)),
        DepositMismatch,
    ),
    (
        "deposit another customer",
        lambda lg, w: w.confirm_deposit("bob", gateway="alipay", transaction_id="tx-1", amount=cny(1_000)),
        DepositMismatch,
    ),
    (
        "deposit in dollars",
        lambda lg, w: w.confirm_deposit(
            "alice", gateway="alipay", transaction_id="tx-2", amount=Money(1, USD)
        ),
        InvalidInput,
    ),
    (
        "withdraw too much",
        lambda lg, w: w.request_withdrawal("alice", request_id="w-new", amount=cny(1_000)),
        InsufficientFunds,
    ),
    (
        "withdraw again with another amount",
        lambda lg, w: w.request_withdrawal("alice", request_id="w-pending", amount=cny(11)),
        IdempotencyConflict,
    ),
    (
        "withdraw without a wallet",
        lambda lg, w: w.request_withdrawal("ghost", request_id="w-ghost", amount=cny(1)),
        NotFound,
    ),
    (
        "withdraw while allocated",
        lambda lg, w: Wallets(lg, WithdrawalPolicy(refuse_while_allocation_frozen=True)).request_withdrawal(
            "alice", request_id="w-new", amount=cny(1)
        ),
        WithdrawalBlocked,
    ),
    ("approve a rejected", lambda lg, w: w.approve_withdrawal("w-rejected", by="ops"), AlreadyDecided),
    (
        "reject an approved",
        lambda lg, w: w.reject_withdrawal("w-approved", by="ops", reason="no"),
        AlreadyDecided,
    ),
    (
        "reject without reason",
        lambda lg, w: w.reject_withdrawal("w-pending", by="ops", reason=" "),
        InvalidInput,
    ),
    ("approve unknown", lambda lg, w: w.approve_withdrawal("w-unknown", by="ops"), NotFound),
    ("balance unknown", lambda lg, w: w.balance("ghost"), NotFound),
]


@pytest.mark.parametrize(("action", "expected"), [r[1:] for r in REFUSALS], ids=[r[0] for r in REFUSALS])
def test_a_refusal_leaves_balances_statements_and_transfers_unchanged(
    books: tuple[Ledger, Wallets], action: Action, expected: object
) -> None:
    ledger, wallets = books
    before = snapshot(ledger, wallets)

    if isinstance(expected, type):
        assert issubclass(expected, P2PStockError)
        with pytest.raises(expected):
            action(ledger, wallets)
    else:
        answer = action(ledger, wallets)
        outcomes = answer if isinstance(answer, list) else [answer]
        assert outcomes[-1].result is expected  # type: ignore[attr-defined]
        assert not any(o.result.ok for o in outcomes)  # type: ignore[attr-defined]
        assert not any(isinstance(o, TransferOutcome) and o.result is R.CREATED for o in outcomes)

    assert snapshot(ledger, wallets) == before


def test_a_refused_request_can_be_followed_by_a_good_one(books: tuple[Ledger, Wallets]) -> None:
    ledger, wallets = books
    with pytest.raises(InsufficientFunds):
        wallets.request_withdrawal("alice", request_id="w-new", amount=cny(1_000))
    with pytest.raises(Refused):
        wallets.request_withdrawal("alice", request_id="w-new", amount=cny(1))  # the id failed before

    request = wallets.request_withdrawal("alice", request_id="w-new-2", amount=cny(1))

    assert request.amount == 100
    assert ledger.audit().ok


def test_the_books_fixture_has_the_history_the_refusals_rely_on(books: tuple[Ledger, Wallets]) -> None:
    ledger, wallets = books
    alice = ledger.account(ALICE)

    # 1,000 in; 50 paid to bob; 50 withdrawn; 200 + 100 + 10 frozen
    assert alice.balances.credits_posted == 100_000
    assert alice.balances.debits_posted == 5_000 + 5_000
    assert alice.frozen == 20_000 + 10_000 + 1_000
    assert alice.available == 100_000 - 10_000 - 31_000
    assert {h.id for h in ledger.open_holds(ALICE)} == {"hold", "alloc", "withdrawal:w-pending"}
    assert ledger.account("sink").balances.credits_posted == MAX_TOTAL
    assert {(w.id, w.status) for w in wallets.withdrawals()} == {
        ("w-rejected", "rejected"),
        ("w-approved", "approved"),
        ("w-pending", "pending"),
    }
