"""Service tests of the four-eyes rule on withdrawals: large approvals wait for a second administrator,
who alone can carry them out, before the request expires; the maker never decides their own request."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from p2pstock.adapters.clock import ManualClock
from p2pstock.bootstrap import App
from p2pstock.core.audit import AuditRecord
from p2pstock.core.errors import AlreadyDecided, InvalidInput
from p2pstock.core.money import CNY, Money
from p2pstock.core.people.four_eyes import (
    DEFAULT_TTL_SECONDS,
    ApprovalExpired,
    ApprovalRequest,
    ApprovalStatus,
    MakerCannotCheck,
)
from p2pstock.core.people.permissions import Permission, PermissionDenied
from p2pstock.core.wallet.service import WalletBalance
from p2pstock.core.wallet.withdrawals import Withdrawal, WithdrawalStatus

THRESHOLD = 5_000_000
"""The default four-eyes threshold for withdrawals, in fen (50,000.00 CNY)."""
FUNDS = 50_000_000
LARGE = 6_000_000
WITHOUT_WITHDRAWAL_APPROVE = ("reviewer-1", "risk-1", "support-1", "nobody")


def fen(minor: int) -> Money:
    return Money(minor, CNY)


def funded(app: App) -> None:
    app.wallets.open("alice")
    app.wallets.confirm_deposit("alice", gateway="bank", transaction_id="t1", amount=fen(FUNDS))


def withdraw(app: App, request_id: str, minor: int) -> Withdrawal:
    return app.wallets.request_withdrawal("alice", request_id=request_id, amount=fen(minor))


def opened(
    app: App, request_id: str = "w1", minor: int = LARGE, *, maker: str = "finance-1"
) -> ApprovalRequest:
    """A large withdrawal whose approval by ``maker`` waits for a checker."""
    withdraw(app, request_id, minor)
    request = app.wallets.approve_withdrawal(request_id, by=maker)
    assert isinstance(request, ApprovalRequest), f"expected an approval request, got {request!r}"
    return request


def balance(app: App) -> WalletBalance:
    return app.wallets.balance("alice")


def status(app: App, withdrawal_id: str) -> WithdrawalStatus:
    return next(w.status for w in app.wallets.withdrawals(limit=500) if w.id == withdrawal_id)


def trail(app: App) -> list[AuditRecord]:
    return app.office.read(lambda tx: tx.uow.audit.records(0, 1000))


def state(record: AuditRecord, side: str) -> dict[str, object]:
    value = json.loads(getattr(record, side))
    assert isinstance(value, dict)
    return value


@pytest.fixture(autouse=True)
def _alice(app: App) -> None:
    funded(app)


# -- the threshold


def test_a_withdrawal_below_the_threshold_is_approved_at_once(app: App) -> None:
    withdraw(app, "w1", THRESHOLD - 1)

    approved = app.wallets.approve_withdrawal("w1", by="finance-1")

    assert isinstance(approved, Withdrawal)
    assert (approved.status, approved.decided_by) == (WithdrawalStatus.APPROVED, "finance-1")
    assert (balance(app).available, balance(app).frozen) == (fen(FUNDS - THRESHOLD + 1), fen(0))
    assert app.approvals.pending(by="finance-2") == []
    assert "approval.open" not in [r.action for r in trail(app)]


@pytest.mark.parametrize("minor", [THRESHOLD, THRESHOLD + 1, 3 * THRESHOLD])
def test_a_withdrawal_from_the_threshold_waits_for_a_second_administrator(app: App, minor: int) -> None:
    request = opened(app, "w1", minor)

    assert (request.status, request.maker_id, request.checker_id) == (ApprovalStatus.PENDING, "finance-1", "")
    assert (request.permission, request.action, request.target, request.amount) == (
        Permission.WITHDRAWAL_APPROVE,
        "withdrawal.approve",
        "w1",
        minor,
    )
    assert status(app, "w1") is WithdrawalStatus.PENDING
    assert (balance(app).available, balance(app).frozen) == (fen(FUNDS - minor), fen(minor))


def test_asking_again_while_pending_returns_the_same_request(app: App) -> None:
    first = opened(app)
    records = len(trail(app))

    assert app.wallets.approve_withdrawal("w1", by="finance-1") == first
    assert app.wallets.approve_withdrawal("w1", by="finance-2") == first  # decided in the queue, not here
    assert len(trail(app)) == records
    assert status(app, "w1") is WithdrawalStatus.PENDING


# -- maker and checker


@pytest.mark.parametrize("maker", ["finance-1", "root"])
def test_the_maker_can_never_approve_their_own_request(app: App, maker: str) -> None:
    request = opened(app, maker=maker)
    records = len(trail(app))

    with pytest.raises(MakerCannotCheck):
        app.approvals.approve(request.id, by=maker)

    assert app.approvals.get(request.id) == request
    assert status(app, "w1") is WithdrawalStatus.PENDING
    assert balance(app).frozen == fen(LARGE)
    assert len(trail(app)) == records


@pytest.mark.parametrize("maker", ["finance-1", "root"])
def test_the_maker_can_never_reject_their_own_request(app: App, maker: str) -> None:
    request = opened(app, maker=maker)
    records = len(trail(app))

    with pytest.raises(MakerCannotCheck):
        app.approvals.reject(request.id, by=maker, reason="changed my mind")

    assert app.approvals.get(request.id) == request
    assert len(trail(app)) == records


@pytest.mark.parametrize("checker", ["finance-2", "root"])
def test_a_second_administrator_approves_and_the_money_leaves_the_wallet(
    app: App, clock: ManualClock, checker: str
) -> None:
    request = opened(app)
    clock.advance(minutes=5)

    approved = app.approvals.approve(request.id, by=checker)

    assert (approved.status, approved.checker_id) == (ApprovalStatus.APPROVED, checker)
    assert approved.decided_at == approved.created_at + 5 * 60 * 1_000_000
    withdrawal = app.wallets.withdrawals(WithdrawalStatus.APPROVED)[0]
    assert (withdrawal.id, withdrawal.decided_by) == ("w1", checker)
    assert (balance(app).available, balance(app).frozen) == (fen(FUNDS - LARGE), fen(0))
    assert app.ledger.audit().ok
    assert app.approvals.pending(by=checker) == []
    assert app.wallets.approve_withdrawal("w1", by="finance-1") == withdrawal


def test_approving_twice_pays_once(app: App) -> None:
    request = opened(app)
    first = app.approvals.approve(request.id, by="finance-2")
    records = len(trail(app))

    assert app.approvals.approve(request.id, by="finance-2") == first
    with pytest.raises(AlreadyDecided):
        app.approvals.approve(request.id, by="root")

    assert len(trail(app)) == records
    assert (balance(app).available, balance(app).frozen) == (fen(FUNDS - LARGE), fen(0))


def test_a_rejected_request_leaves_the_withdrawal_pending_and_frozen(app: App) -> None:
    request = opened(app)

    rejected = app.approvals.reject(request.id, by="finance-2", reason=" call the customer first ")

    assert (rejected.status, rejected.checker_id, rejected.reason) == (
        ApprovalStatus.REJECTED,
        "finance-2",
        "call the customer first",
    )
    assert status(app, "w1") is WithdrawalStatus.PENDING
    assert (balance(app).available, balance(app).frozen) == (fen(FUNDS - LARGE), fen(LARGE))
    with pytest.raises(AlreadyDecided):
        app.approvals.approve(request.id, by="root")
    assert status(app, "w1") is WithdrawalStatus.PENDING
    again = app.wallets.approve_withdrawal("w1", by="finance-1")
    assert isinstance(again, ApprovalRequest)
    assert again.id != request.id


def test_a_rejection_of_a_request_needs_a_reason(app: App) -> None:
    request = opened(app)

    with pytest.raises(InvalidInput):
        app.approvals.reject(request.id, by="finance-2", reason="  ")

    assert app.approvals.get(request.id).status is ApprovalStatus.PENDING


def test_a_large_withdrawal_may_be_rejected_by_one_administrator(app: App) -> None:
    withdraw(app, "w1", LARGE)

    rejected = app.wallets.reject_withdrawal("w1", by="finance-1", reason="name does not match")

    assert (rejected.status, rejected.decided_by) == (WithdrawalStatus.REJECTED, "finance-1")
    assert (balance(app).available, balance(app).frozen) == (fen(FUNDS), fen(0))


def test_approving_a_request_for_a_withdrawal_rejected_meanwhile_pays_nothing(app: App) -> None:
    request = opened(app)
    app.wallets.reject_withdrawal("w1", by="finance-2", reason="name does not match")

    with pytest.raises(AlreadyDecided):
        app.approvals.approve(request.id, by="finance-2")

    assert status(app, "w1") is WithdrawalStatus.REJECTED
    assert (balance(app).available, balance(app).frozen) == (fen(FUNDS), fen(0))
    assert app.approvals.get(request.id).status is ApprovalStatus.PENDING


@pytest.mark.parametrize("by", WITHOUT_WITHDRAWAL_APPROVE)
def test_only_holders_of_withdrawal_approve_may_decide_a_request(app: App, by: str) -> None:
    request = opened(app)
    records = len(trail(app))

    with pytest.raises(PermissionDenied) as denied:
        app.approvals.approve(request.id, by=by)
    with pytest.raises(PermissionDenied):
        app.approvals.reject(request.id, by=by, reason="no")

    assert denied.value.permission is Permission.WITHDRAWAL_APPROVE
    assert app.approvals.get(request.id) == request
    assert status(app, "w1") is WithdrawalStatus.PENDING
    assert len(trail(app)) == records


@pytest.mark.parametrize("by", WITHOUT_WITHDRAWAL_APPROVE)
def test_only_holders_of_withdrawal_approve_may_open_a_request(app: App, by: str) -> None:
    withdraw(app, "w1", LARGE)
    records = len(trail(app))

    with pytest.raises(PermissionDenied):
        app.wallets.approve_withdrawal("w1", by=by)

    assert app.approvals.pending(by="root") == []
    assert len(trail(app)) == records


# -- expiry


def test_a_request_decided_just_before_its_time_to_live_is_carried_out(app: App, clock: ManualClock) -> None:
    request = opened(app)
    clock.advance(seconds=DEFAULT_TTL_SECONDS - 1)

    assert app.approvals.expire_due() == 0
    assert app.approvals.approve(request.id, by="finance-2").status is ApprovalStatus.APPROVED
    assert status(app, "w1") is WithdrawalStatus.APPROVED


def test_a_pending_request_expires_after_its_time_to_live(app: App, clock: ManualClock) -> None:
    request = opened(app)
    clock.advance(days=1, seconds=1)

    assert app.approvals.expire_due() == 1

    expired = app.approvals.get(request.id)
    assert (expired.status, expired.checker_id) == (ApprovalStatus.EXPIRED, "")
    assert expired.decided_at == request.expires_at + 1_000_000
    with pytest.raises(AlreadyDecided, match="expired"):
        app.approvals.approve(request.id, by="finance-2")
    with pytest.raises(AlreadyDecided, match="expired"):
        app.approvals.reject(request.id, by="finance-2", reason="too late")
    assert status(app, "w1") is WithdrawalStatus.PENDING
    assert (balance(app).available, balance(app).frozen) == (fen(FUNDS - LARGE), fen(LARGE))
    assert app.approvals.pending(by="finance-2") == []


def test_a_request_past_its_time_to_live_cannot_be_decided_even_before_expire_due_runs(
    app: App, clock: ManualClock
) -> None:
    request = opened(app)
    clock.advance(seconds=DEFAULT_TTL_SECONDS)  # at expires_at exactly
    records = len(trail(app))

    with pytest.raises(ApprovalExpired):
        app.approvals.approve(request.id, by="finance-2")
    with pytest.raises(ApprovalExpired):
        app.approvals.reject(request.id, by="finance-2", reason="too late")

    assert app.approvals.get(request.id) == request
    assert status(app, "w1") is WithdrawalStatus.PENDING
    assert len(trail(app)) == records
    assert app.approvals.expire_due() == 1


def test_expiring_twice_changes_nothing_the_second_time(app: App, clock: ManualClock) -> None:
    request = opened(app)
    clock.advance(days=1, seconds=1)
    app.approvals.expire_due()
    after_first = (app.approvals.get(request.id), len(trail(app)), balance(app))
    clock.advance(days=3)

    assert app.approvals.expire_due() == 0
    assert (app.approvals.get(request.id), len(trail(app)), balance(app)) == after_first


def test_only_requests_whose_time_is_up_expire(app: App, clock: ManualClock) -> None:
    old = opened(app, "w1")
    clock.advance(hours=12)
    young = opened(app, "w2")
    clock.advance(hours=12)

    assert app.approvals.expire_due() == 1

    assert app.approvals.get(old.id).status is ApprovalStatus.EXPIRED
    assert app.approvals.get(young.id).status is ApprovalStatus.PENDING
    assert [r.id for r in app.approvals.pending(by="finance-2")] == [young.id]


def test_asking_again_after_the_time_to_live_opens_a_new_request_even_before_expire_due_runs(
    app: App, clock: ManualClock
) -> None:
    request = opened(app)
    clock.advance(days=1, seconds=1)

    again = app.wallets.approve_withdrawal("w1", by="finance-1")

    assert isinstance(again, ApprovalRequest)
    assert again.id != request.id
    assert app.approvals.approve(again.id, by="finance-2").status is ApprovalStatus.APPROVED
    assert status(app, "w1") is WithdrawalStatus.APPROVED


def test_the_queue_leaves_out_requests_past_their_time_to_live(app: App, clock: ManualClock) -> None:
    opened(app)
    clock.advance(days=1, seconds=1)

    assert app.approvals.pending(by="finance-2") == []


def test_after_an_expiry_asking_again_opens_a_new_request(app: App, clock: ManualClock) -> None:
    request = opened(app)
    clock.advance(days=2)
    app.approvals.expire_due()

    again = app.wallets.approve_withdrawal("w1", by="finance-1")

    assert isinstance(again, ApprovalRequest)
    assert again.id != request.id
    assert app.approvals.approve(again.id, by="finance-2").status is ApprovalStatus.APPROVED
    assert status(app, "w1") is WithdrawalStatus.APPROVED


# -- the queue


def test_the_queue_shows_each_administrator_only_what_they_could_decide(app: App, clock: ManualClock) -> None:
    withdrawal = opened(app)
    clock.advance(seconds=1)
    appointment = app.staff.appoint("newbie", ["support"], by="root")
    assert isinstance(appointment, ApprovalRequest)

    def queue(by: str) -> list[str]:
        return [r.id for r in app.approvals.pending(by=by)]

    assert queue("finance-1") == []  # the maker's own request
    assert queue("finance-2") == [withdrawal.id]
    assert queue("root") == [withdrawal.id]  # not the appointment root asked for
    assert queue("root-2") == [withdrawal.id, appointment.id]
    for by in ("reviewer-1", "risk-1", "support-1", "nobody"):
        assert queue(by) == []


def test_the_queue_no_longer_shows_decided_requests(app: App) -> None:
    first = opened(app, "w1")
    second = opened(app, "w2")
    third = opened(app, "w3")

    app.approvals.approve(first.id, by="finance-2")
    app.approvals.reject(second.id, by="finance-2", reason="duplicate")

    assert [r.id for r in app.approvals.pending(by="root")] == [third.id]
    assert [r.id for r in app.approvals.pending(by="root", limit=1)] == [third.id]


def test_the_queue_finds_a_decidable_request_behind_many_of_the_administrators_own(
    app: App, clock: ManualClock
) -> None:
    for n in range(5):
        opened(app, f"own-{n}", THRESHOLD, maker="finance-1")
        clock.advance(seconds=1)
    other = opened(app, "other", THRESHOLD, maker="finance-2")

    assert [r.id for r in app.approvals.pending(by="finance-1", limit=1)] == [other.id]


def test_the_queue_is_oldest_first_and_limited(app: App, clock: ManualClock) -> None:
    ids = []
    for n in range(3):
        ids.append(opened(app, f"w{n}").id)
        clock.advance(seconds=1)

    assert [r.id for r in app.approvals.pending(by="finance-2")] == ids
    assert [r.id for r in app.approvals.pending(by="finance-2", limit=2)] == ids[:2]


# -- racing checkers


def test_two_checkers_approving_at_once_pay_exactly_once(app: App) -> None:
    rounds = 3
    outcomes: list[list[object]] = []
    for n in range(rounds):
        request = opened(app, f"w{n}")
        start = threading.Barrier(2)

        def approve(by: str, request_id: str = request.id, start: threading.Barrier = start) -> object:
            start.wait(timeout=30)
            try:
                return app.approvals.approve(request_id, by=by)
            except AlreadyDecided as refused:
                return refused

        with ThreadPoolExecutor(max_workers=2) as pool:
            futures = [pool.submit(approve, by) for by in ("finance-2", "root")]
            outcomes.append([future.result(timeout=60) for future in futures])

    for results in outcomes:
        approved = [r for r in results if isinstance(r, ApprovalRequest)]
        refused = [r for r in results if isinstance(r, AlreadyDecided)]
        assert len(approved) == 1, results
        assert len(refused) == 1, results
        assert approved[0].status is ApprovalStatus.APPROVED
        assert approved[0].checker_id in {"finance-2", "root"}
    assert (balance(app).available, balance(app).frozen) == (fen(FUNDS - rounds * LARGE), fen(0))
    assert [w.id for w in app.wallets.withdrawals(WithdrawalStatus.APPROVED)] == [
        f"w{n}" for n in range(rounds)
    ]
    actions = [r.action for r in trail(app)]
    assert actions.count("withdrawal.approved") == actions.count("approval.approve") == rounds
    assert app.ledger.audit().ok


def test_taps_at_once_on_a_large_withdrawal_open_one_request(app: App) -> None:
    rounds, taps = 5, 4
    opened_per_round = []
    for n in range(rounds):
        withdraw(app, f"w{n}", LARGE)
        start = threading.Barrier(taps)

        def tap(withdrawal_id: str = f"w{n}", start: threading.Barrier = start) -> object:
            start.wait(timeout=30)
            return app.wallets.approve_withdrawal(withdrawal_id, by="finance-1")

        with ThreadPoolExecutor(max_workers=taps) as pool:
            results = [future.result(timeout=60) for future in [pool.submit(tap) for _ in range(taps)]]
        assert all(isinstance(r, ApprovalRequest) for r in results), results
        opened_per_round.append(len({r.id for r in results if isinstance(r, ApprovalRequest)}))

    assert opened_per_round == [1] * rounds
    assert len(app.approvals.pending(by="finance-2")) == rounds
    assert [r.action for r in trail(app)].count("approval.open") == rounds


# -- the audit trail


def test_opening_and_approving_are_audited_with_maker_and_checker(app: App) -> None:
    request = opened(app)
    app.approvals.approve(request.id, by="finance-2")

    opening, posted, approval = trail(app)[-3:]

    assert (opening.actor, opening.action, opening.target) == ("finance-1", "approval.open", request.id)
    assert state(opening, "after") == {
        "action": "withdrawal.approve",
        "target": "w1",
        "amount": LARGE,
        "maker": "finance-1",
        "checker": "",
        "status": "pending",
        "reason": "",
    }
    assert (posted.actor, posted.action, posted.target) == ("finance-2", "withdrawal.approved", "w1")
    assert (approval.actor, approval.action, approval.target) == ("finance-2", "approval.approve", request.id)
    assert state(approval, "before")["status"] == "pending"
    after = state(approval, "after")
    assert (after["maker"], after["checker"], after["status"]) == ("finance-1", "finance-2", "approved")


def test_a_rejection_is_audited_with_maker_checker_and_reason(app: App) -> None:
    request = opened(app)
    app.approvals.reject(request.id, by="root", reason="call the customer first")

    record = trail(app)[-1]

    assert (record.actor, record.action, record.target) == ("root", "approval.reject", request.id)
    after = state(record, "after")
    assert (after["maker"], after["checker"], after["status"], after["reason"]) == (
        "finance-1",
        "root",
        "rejected",
        "call the customer first",
    )
    assert "withdrawal.rejected" not in [r.action for r in trail(app)]


def test_an_expiry_is_audited_by_the_system_with_the_maker(app: App, clock: ManualClock) -> None:
    request = opened(app)
    clock.advance(days=1, seconds=1)
    app.approvals.expire_due()

    record = trail(app)[-1]

    assert (record.actor, record.action, record.target) == ("system", "approval.expire", request.id)
    before = state(record, "before")
    assert (before["maker"], before["checker"], before["status"], before["amount"]) == (
        "finance-1",
        "",
        "pending",
        LARGE,
    )
    assert app.audit.verify_as(by="finance-2").ok
