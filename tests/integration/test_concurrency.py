"""Real threads and processes racing on one real database (a SQLite file, a PostgreSQL database).

Every test counts exactly: each attempt ends as a success or as the one refusal the rules allow, the
successes add up to the money that moved, and the ledger's own audit agrees at the end. Writers are
expected to queue on locks (``BEGIN IMMEDIATE`` on SQLite, ``SELECT … FOR UPDATE`` in id order on
PostgreSQL) rather than collide, so where no account is created concurrently no transaction may need a
retry either.
"""

from __future__ import annotations

import logging
import multiprocessing
import queue
import random
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import pytest

from p2pstock.adapters.sql.database import create_engine
from p2pstock.adapters.sql.uow import SqlUnitOfWorkFactory
from p2pstock.core.errors import AlreadyDecided, InsufficientFunds
from p2pstock.core.ledger import chart
from p2pstock.core.ledger.results import TransferResult
from p2pstock.core.ledger.service import Ledger
from p2pstock.core.ledger.transfers import Transfer
from p2pstock.core.money import CNY, Money
from p2pstock.core.people.staff import Staff
from p2pstock.core.wallet.service import Wallets
from p2pstock.core.wallet.withdrawals import Withdrawal, WithdrawalStatus

T = TypeVar("T")
R = TransferResult

THREADS = 8
JOIN_TIMEOUT = 60.0
WALLET = chart.wallet_id("alice")
TRANSIT = chart.withdrawals_in_transit().id


# -- where the threads race


def backends() -> pytest.MarkDecorator:
    """Run the test on a SQLite file and on PostgreSQL."""
    marks = [pytest.mark.postgres]
    return pytest.mark.parametrize("url", ["sqlite", pytest.param("postgres", marks=marks)], indirect=True)


@pytest.fixture
def url(request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url"))


@pytest.fixture
def ledger(url: str) -> Iterator[Ledger]:
    """A ledger of this test's own on its own engine (the SQLite one opens up to 40 connections)."""
    engine = create_engine(url)
    yield Ledger(SqlUnitOfWorkFactory(engine))
    engine.dispose()


def with_clerks(wallets: Wallets) -> Wallets:
    """``wallets`` whose storage knows the finance clerks the races below decide as."""
    staff = Staff(wallets.office)
    for clerk in ("clerk", *(f"clerk-{n}" for n in range(THREADS))):
        staff.enrol_by_operator(clerk, ["finance"])
    return wallets


@pytest.fixture
def wallets(ledger: Ledger) -> Wallets:
    return with_clerks(Wallets(ledger))


class Retries(logging.Handler):
    """Counts transactions run again after a conflict (``p2pstock.core.transactions`` logs each one)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.count = 0
        self.seen = threading.Event()

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage().startswith("transaction conflict"):
            self.count += 1  # Handler.handle holds the handler's lock around emit
            self.seen.set()


@pytest.fixture
def retries() -> Iterator[Retries]:
    logger = logging.getLogger("p2pstock.core.transactions")
    handler, level = Retries(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    yield handler
    logger.removeHandler(handler)
    logger.setLevel(level)


def race(workers: int, work: Callable[[int], T]) -> list[T]:
    """Run ``work(0) … work(workers - 1)`` on as many threads released at the same moment; return their
    results in order. Any exception a thread raises fails the test; so does a thread that never ends."""
    start = threading.Barrier(workers)
    results: dict[int, T] = {}
    errors: list[BaseException] = []

    def run(worker: int) -> None:
        try:
            start.wait(timeout=JOIN_TIMEOUT)
            results[worker] = work(worker)
        except BaseException as error:
            errors.append(error)

    threads = [
        threading.Thread(target=run, args=(i,), name=f"racer-{i}", daemon=True) for i in range(workers)
    ]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + JOIN_TIMEOUT
    for thread in threads:
        thread.join(timeout=max(0.0, deadline - time.monotonic()))
    stuck = [thread.name for thread in threads if thread.is_alive()]
    assert not stuck, f"threads did not finish within {JOIN_TIMEOUT} s (deadlock?): {stuck}"
    if errors:
        raise errors[0]
    return [results[i] for i in range(workers)]


def total(tallies: list[Counter[str]]) -> Counter[str]:
    return sum(tallies, Counter())


# -- money and checks


def cny(fen: int) -> Money:
    return Money.of_minor(fen, CNY)


def fund(wallets: Wallets, customer: str, fen: int) -> None:
    wallets.confirm_deposit(customer, gateway="bank", transaction_id=f"opening-{customer}", amount=cny(fen))


def open_transit(ledger: Ledger) -> None:
    """Open the shared in-transit account up front, so the races below never create an account."""
    assert ledger.create_accounts([chart.withdrawals_in_transit()])[0].result.ok


def assert_sound(ledger: Ledger) -> None:
    audit = ledger.audit()
    assert audit.ok, audit.problems
    assert ledger.trial_balance().balanced, ledger.trial_balance().totals


# -- one wallet, many spenders


@backends()
def test_racing_withdrawal_requests_never_overdraw_the_wallet(
    ledger: Ledger, wallets: Wallets, retries: Retries
) -> None:
    funded, amount, each = 5_000, 37, 60
    fund(wallets, "alice", funded)
    open_transit(ledger)

    def request_withdrawals(worker: int) -> Counter[str]:
        tally: Counter[str] = Counter()
        for n in range(each):
            try:
                wallets.request_withdrawal("alice", request_id=f"w-{worker}-{n}", amount=cny(amount))
                tally["frozen"] += 1
            except InsufficientFunds:
                tally["refused"] += 1
        return tally

    tally = total(race(THREADS, request_withdrawals))

    assert tally["frozen"] + tally["refused"] == THREADS * each
    assert tally["frozen"] == funded // amount  # every request that fitted got through, and no more
    balance = wallets.balance("alice")
    assert balance.frozen.minor == tally["frozen"] * amount
    assert balance.available.minor == funded - tally["frozen"] * amount
    assert 0 <= balance.available.minor < amount
    assert len(wallets.withdrawals(WithdrawalStatus.PENDING, limit=1000)) == tally["frozen"]
    assert retries.count == 0
    assert_sound(ledger)


@backends()
def test_racing_one_fen_freezes_stop_at_exactly_the_funded_amount(
    ledger: Ledger, wallets: Wallets, retries: Retries
) -> None:
    funded, each = 300, 60
    fund(wallets, "alice", funded)
    open_transit(ledger)

    def freeze_one_fen_at_a_time(worker: int) -> Counter[str]:
        tally: Counter[str] = Counter()
        for n in range(each):
            hold = Transfer.pending(f"fen-{worker}-{n}", debit=WALLET, credit=TRANSIT, amount=1, code="hold")
            tally[ledger.create_transfer(hold).result] += 1
        return tally

    tally = total(race(THREADS, freeze_one_fen_at_a_time))

    assert tally == {R.CREATED: funded, R.EXCEEDS_CREDITS: THREADS * each - funded}
    wallet = ledger.account(WALLET)
    assert (wallet.available, wallet.frozen) == (0, funded)
    assert ledger.account(TRANSIT).balances.credits_pending == funded
    assert retries.count == 0
    assert_sound(ledger)


@backends()
def test_racing_posts_and_voids_resolve_each_hold_exactly_once(
    ledger: Ledger, wallets: Wallets, retries: Retries
) -> None:
    funded, amount, each = 4_000, 50, 15
    fund(wallets, "alice", funded)
    open_transit(ledger)

    def freeze(worker: int) -> list[str]:
        held = []
        for n in range(each):
            hold = Transfer.pending(
                f"hold-{worker}-{n}", debit=WALLET, credit=TRANSIT, amount=amount, code="hold"
            )
            result = ledger.create_transfer(hold).result
            assert result in (R.CREATED, R.EXCEEDS_CREDITS)
            if result is R.CREATED:
                held.append(hold.id)
        return held

    holds = [hold for held in race(THREADS, freeze) for hold in held]
    assert len(holds) == funded // amount

    def post_or_void_every_hold(worker: int) -> list[tuple[str, str, R]]:
        """Even threads post, odd threads void, every hold, each thread in its own random order."""
        action = "post" if worker % 2 == 0 else "void"
        make = Transfer.post if action == "post" else Transfer.void
        answers = []
        for hold in random.Random(worker).sample(holds, len(holds)):
            outcome = ledger.create_transfer(make(f"{hold}:{action}:{worker}", pending_id=hold))
            answers.append((hold, action, outcome.result))
        return answers

    by_hold: dict[str, list[tuple[str, R]]] = defaultdict(list)
    for answers in race(THREADS, post_or_void_every_hold):
        for hold, action, result in answers:
            by_hold[hold].append((action, result))

    posted = 0
    for hold in holds:
        winners = [action for action, result in by_hold[hold] if result is R.CREATED]
        assert len(winners) == 1, (hold, by_hold[hold])
        lost = (
            R.PENDING_TRANSFER_ALREADY_POSTED if winners[0] == "post" else R.PENDING_TRANSFER_ALREADY_VOIDED
        )
        assert sorted(result for _, result in by_hold[hold]) == sorted([R.CREATED] + [lost] * (THREADS - 1))
        posted += winners[0] == "post"
    wallet = ledger.account(WALLET).balances
    assert (wallet.debits_pending, wallet.debits_posted) == (0, posted * amount)
    assert ledger.account(WALLET).available == funded - posted * amount
    assert ledger.account(TRANSIT).balances.credits_posted == posted * amount
    assert retries.count == 0
    assert_sound(ledger)


@backends()
def test_racing_approvals_and_rejections_decide_each_withdrawal_once(
    ledger: Ledger, wallets: Wallets, retries: Retries
) -> None:
    amount, requests = 100, 40
    fund(wallets, "alice", amount * requests)
    ids = [
        wallets.request_withdrawal("alice", request_id=f"w-{n}", amount=cny(amount)).id
        for n in range(requests)
    ]

    def decide_every_withdrawal(worker: int) -> list[tuple[str, WithdrawalStatus, WithdrawalStatus | None]]:
        """Even threads approve, odd threads reject; the answer is the status returned, or None if refused."""
        wanted = WithdrawalStatus.APPROVED if worker % 2 == 0 else WithdrawalStatus.REJECTED
        answers = []
        for withdrawal_id in random.Random(worker).sample(ids, len(ids)):
            try:
                if wanted is WithdrawalStatus.APPROVED:
                    decided = wallets.approve_withdrawal(withdrawal_id, by=f"clerk-{worker}")
                else:
                    decided = wallets.reject_withdrawal(withdrawal_id, by=f"clerk-{worker}", reason="checks")
                answers.append((withdrawal_id, wanted, decided.status))
            except AlreadyDecided:
                answers.append((withdrawal_id, wanted, None))
        return answers

    answers = [answer for answers in race(THREADS, decide_every_withdrawal) for answer in answers]

    final = {w.id: w.status for w in wallets.withdrawals(limit=1000)}
    assert len(answers) == THREADS * requests
    for withdrawal_id, wanted, answer in answers:
        if wanted is not final[withdrawal_id]:
            assert answer is None, "the losing decision must be refused"
        else:
            assert answer is final[withdrawal_id], "a repeated decision answers with the decided request"
    for withdrawal_id, status in final.items():
        assert status is not WithdrawalStatus.PENDING
        assert any(w == withdrawal_id and answer is status for w, _, answer in answers)
        for decision in (WithdrawalStatus.APPROVED, WithdrawalStatus.REJECTED):
            decision_id = f"withdrawal-{decision}:{withdrawal_id}"
            assert (ledger.lookup_transfer(decision_id) is not None) == (status is decision)
    approved = sum(status is WithdrawalStatus.APPROVED for status in final.values())
    balance = wallets.balance("alice")
    assert (balance.available.minor, balance.frozen.minor) == (amount * (requests - approved), 0)
    assert ledger.account(TRANSIT).balances.credits_posted == amount * approved
    assert retries.count == 0
    assert_sound(ledger)


# -- the same request from many threads at once


@backends()
def test_one_transfer_id_submitted_from_many_threads_is_applied_once(
    ledger: Ledger, wallets: Wallets, retries: Retries
) -> None:
    fund(wallets, "alice", 10_000)
    wallets.open("bob")
    transfers = [
        Transfer.single(
            f"pay-{n}", debit=WALLET, credit=chart.wallet_id("bob"), amount=10 + n, code="payment"
        )
        for n in range(20)
    ]

    def submit_every_transfer(_worker: int) -> list[R]:
        return [ledger.create_transfer(transfer).result for transfer in transfers]

    answers = race(THREADS, submit_every_transfer)

    for n in range(len(transfers)):
        assert sorted(answer[n] for answer in answers) == sorted([R.CREATED] + [R.EXISTS] * (THREADS - 1))
    paid = sum(t.amount or 0 for t in transfers)
    assert wallets.balance("bob").available.minor == paid
    assert wallets.balance("alice").available.minor == 10_000 - paid
    assert retries.count == 0
    assert_sound(ledger)


@backends()
def test_one_deposit_confirmed_from_many_threads_is_credited_once(ledger: Ledger, wallets: Wallets) -> None:
    """The first confirmation also opens the wallet and the gateway account, racing on their creation."""
    confirmations = [(f"tx-{n}", 100 + n) for n in range(20)]

    def confirm_every_deposit(_worker: int) -> list[bool]:
        return [
            wallets.confirm_deposit("carol", gateway="alipay", transaction_id=tx, amount=cny(fen)).duplicate
            for tx, fen in confirmations
        ]

    answers = race(THREADS, confirm_every_deposit)

    for n in range(len(confirmations)):
        assert sorted(answer[n] for answer in answers) == [False] + [True] * (THREADS - 1)
    assert wallets.balance("carol").available.minor == sum(fen for _, fen in confirmations)
    assert_sound(ledger)


@backends()
def test_one_withdrawal_request_from_many_threads_freezes_once(ledger: Ledger, wallets: Wallets) -> None:
    fund(wallets, "alice", 10_000)
    open_transit(ledger)
    request_ids = [f"req-{n}" for n in range(10)]

    def request_every_withdrawal(_worker: int) -> list[Withdrawal]:
        return [wallets.request_withdrawal("alice", request_id=r, amount=cny(100)) for r in request_ids]

    answers = race(THREADS, request_every_withdrawal)

    for n in range(len(request_ids)):
        assert len({answer[n] for answer in answers}) == 1  # every caller got the very same request back
    assert wallets.balance("alice").frozen.minor == 100 * len(request_ids)
    assert_sound(ledger)


@backends()
def test_one_approval_from_many_threads_answers_approved_to_every_caller(
    ledger: Ledger, wallets: Wallets
) -> None:
    fund(wallets, "alice", 10_000)
    ids = [wallets.request_withdrawal("alice", request_id=f"w-{n}", amount=cny(100)).id for n in range(10)]

    def approve_every_withdrawal(worker: int) -> list[WithdrawalStatus]:
        return [wallets.approve_withdrawal(i, by=f"clerk-{worker}").status for i in ids]

    answers = race(THREADS, approve_every_withdrawal)

    assert {status for answer in answers for status in answer} == {WithdrawalStatus.APPROVED}
    assert wallets.balance("alice").available.minor == 10_000 - 100 * len(ids)
    assert_sound(ledger)


# -- lock ordering


@backends()
def test_opposite_transfers_between_accounts_never_deadlock(
    ledger: Ledger, wallets: Wallets, retries: Retries
) -> None:
    """Half the threads move money alice → bob → carol, the other half carol → bob → alice, two transfers
    per batch, so the two groups ask for the same accounts from opposite ends."""
    funded, each = 100_000, 40
    alice, bob, carol = (chart.wallet_id(c) for c in ("alice", "bob", "carol"))
    for customer in ("alice", "bob", "carol"):
        fund(wallets, customer, funded)

    def move(worker: int) -> Counter[str]:
        forward = worker % 2 == 0
        tally: Counter[str] = Counter()
        for n in range(each):
            batch = (
                [
                    Transfer.single(f"f-{worker}-{n}-1", debit=alice, credit=bob, amount=7, code="payment"),
                    Transfer.single(f"f-{worker}-{n}-2", debit=bob, credit=carol, amount=3, code="payment"),
                ]
                if forward
                else [
                    Transfer.single(f"b-{worker}-{n}-1", debit=carol, credit=bob, amount=5, code="payment"),
                    Transfer.single(f"b-{worker}-{n}-2", debit=bob, credit=alice, amount=11, code="payment"),
                ]
            )
            tally.update(outcome.result for outcome in ledger.create_transfers(batch))
        return tally

    tally = total(race(THREADS, move))

    assert tally == {R.CREATED: THREADS * each * 2}
    batches = THREADS // 2 * each  # in each direction
    expected = {
        alice: funded + batches * (11 - 7),
        bob: funded + batches * (7 - 3 + 5 - 11),
        carol: funded + batches * (3 - 5),
    }
    assert {account: ledger.account(account).available for account in expected} == expected
    assert retries.count == 0, "transactions collided (deadlock or lost lock) and had to be retried"
    assert_sound(ledger)


@backends()
def test_withdrawal_requests_racing_approvals_never_deadlock(
    ledger: Ledger, wallets: Wallets, retries: Retries
) -> None:
    amount, each = 10, 15
    fund(wallets, "alice", 100_000)
    pending = [
        wallets.request_withdrawal("alice", request_id=f"p-{n}", amount=cny(amount)).id for n in range(60)
    ]

    def request_or_approve(worker: int) -> Counter[str]:
        """Even threads request new withdrawals, odd threads approve earlier ones; all stop at the first
        retry, which already answers the question (a deadlock costs a second each on PostgreSQL)."""
        tally: Counter[str] = Counter()
        for n in range(each):
            if retries.seen.is_set():
                break
            if worker % 2 == 0:
                wallets.request_withdrawal("alice", request_id=f"r-{worker}-{n}", amount=cny(amount))
                tally["requested"] += 1
            else:
                wallets.approve_withdrawal(pending[worker // 2 * each + n], by="clerk")
                tally["approved"] += 1
        return tally

    tally = total(race(THREADS, request_or_approve))

    assert retries.count == 0, "writers on one wallet deadlocked"
    assert tally == {"requested": THREADS // 2 * each, "approved": THREADS // 2 * each}
    balance = wallets.balance("alice")
    assert balance.available.minor == 100_000 - amount * (len(pending) + tally["requested"])
    assert balance.frozen.minor == amount * (len(pending) + tally["requested"] - tally["approved"])
    assert_sound(ledger)


# -- several processes


PROCESSES = 4


def withdraw_in_a_process(
    *, url: str, worker: int, attempts: int, amount: int, start: Any, answers: multiprocessing.Queue[Any]
) -> None:
    """Run in a fresh interpreter: its own engine on ``url``, ``attempts`` withdrawal requests. Answers
    how each ended and how many transactions had to be retried."""
    retries = Retries()
    logger = logging.getLogger("p2pstock.core.transactions")
    logger.addHandler(retries)
    logger.setLevel(logging.DEBUG)
    engine = create_engine(url)
    try:
        wallets = Wallets(Ledger(SqlUnitOfWorkFactory(engine)))
        tally: Counter[str] = Counter()
        start.wait(timeout=JOIN_TIMEOUT)
        for n in range(attempts):
            try:
                wallets.request_withdrawal("alice", request_id=f"p{worker}-{n}", amount=cny(amount))
                tally["frozen"] += 1
            except InsufficientFunds:
                tally["refused"] += 1
            except Exception as error:  # reported to the test, which fails on any of them
                tally[f"error: {type(error).__name__}: {error}"] += 1
        answers.put((dict(tally), retries.count))
    finally:
        engine.dispose()


@pytest.mark.slow
@backends()
@pytest.mark.own_database  # other processes write to it
def test_processes_racing_withdrawals_never_overdraw_the_wallet(
    ledger: Ledger, wallets: Wallets, url: str
) -> None:
    funded, amount, attempts = 5_000, 37, 100
    fund(wallets, "alice", funded)
    open_transit(ledger)
    spawn = multiprocessing.get_context("spawn")
    start, answers = spawn.Barrier(PROCESSES), spawn.Queue()
    processes = [
        spawn.Process(
            target=withdraw_in_a_process,
            kwargs={
                "url": url,
                "worker": i,
                "attempts": attempts,
                "amount": amount,
                "start": start,
                "answers": answers,
            },
        )
        for i in range(PROCESSES)
    ]
    for process in processes:
        process.start()
    try:
        tally: Counter[str] = Counter()
        retried = 0
        for _ in processes:
            outcomes, retries = answers.get(timeout=JOIN_TIMEOUT)
            tally.update(outcomes)
            retried += retries
        for process in processes:
            process.join(timeout=JOIN_TIMEOUT)
            assert process.exitcode == 0
    except queue.Empty:
        pytest.fail(
            f"a process gave no answer within {JOIN_TIMEOUT} s; exit codes: {[p.exitcode for p in processes]}"
        )
    finally:
        for process in processes:
            if process.is_alive():
                process.kill()

    assert tally == {"frozen": funded // amount, "refused": PROCESSES * attempts - funded // amount}
    balance = wallets.balance("alice")
    assert (balance.available.minor, balance.frozen.minor) == (funded % amount, funded // amount * amount)
    assert len(wallets.withdrawals(limit=1000)) == funded // amount
    assert retried == 0
    assert_sound(ledger)
