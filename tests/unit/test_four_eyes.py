"""Tests of maker-checker approval: thresholds, who may decide, finality and expiry."""

from __future__ import annotations

import pytest

from p2pstock.core.errors import AlreadyDecided, InvalidInput, Refused
from p2pstock.core.people.four_eyes import (
    DEFAULT_RULES,
    ApprovalExpired,
    ApprovalRequest,
    ApprovalStatus,
    FourEyesRule,
    MakerCannotCheck,
    needs_second_pair,
)
from p2pstock.core.people.permissions import DEFAULT_ROLES, Administrator, Permission, PermissionDenied

ROLES = DEFAULT_ROLES
NOW = 1_700_000_000_000_000
DAY = 86_400 * 1_000_000

ALICE = Administrator("alice", frozenset({"finance"}))
BOB = Administrator("bob", frozenset({"finance"}))
ROOT = Administrator("root", frozenset({"super_admin"}))
RITA = Administrator("rita", frozenset({"reviewer"}))
FORMER = Administrator("former", frozenset({"finance"}), active=False)


def withdrawal(maker: Administrator = ALICE, *, ttl_seconds: int = 86_400) -> ApprovalRequest:
    return ApprovalRequest.open(
        "req-1",
        maker=maker,
        permission=Permission.WITHDRAWAL_APPROVE,
        action="withdrawal.approve",
        target="wd-42",
        payload='{"amount":6000000,"withdrawal":"wd-42"}',
        amount=6_000_000,
        now=NOW,
        roles=ROLES,
        ttl_seconds=ttl_seconds,
    )


# --- thresholds -------------------------------------------------------------------------------


def test_a_withdrawal_below_the_threshold_needs_no_second_pair() -> None:
    assert not needs_second_pair(DEFAULT_RULES, Permission.WITHDRAWAL_APPROVE, 4_999_999)


def test_a_withdrawal_exactly_at_the_threshold_needs_a_second_pair() -> None:
    assert needs_second_pair(DEFAULT_RULES, Permission.WITHDRAWAL_APPROVE, 5_000_000)


def test_a_withdrawal_above_the_threshold_needs_a_second_pair() -> None:
    assert needs_second_pair(DEFAULT_RULES, Permission.WITHDRAWAL_APPROVE, 5_000_001)


def test_a_withdrawal_without_an_amount_meets_no_threshold() -> None:
    assert not needs_second_pair(DEFAULT_RULES, Permission.WITHDRAWAL_APPROVE, None)


@pytest.mark.parametrize("amount", [None, 0, 1, 10**12])
def test_role_changes_and_settlements_always_need_a_second_pair(amount: int | None) -> None:
    assert needs_second_pair(DEFAULT_RULES, Permission.ROLE_MANAGE, amount)
    assert needs_second_pair(DEFAULT_RULES, Permission.ALLOCATION_SETTLE, amount)


def test_a_permission_without_a_rule_never_needs_a_second_pair() -> None:
    assert not needs_second_pair(DEFAULT_RULES, Permission.KYC_REVIEW, 10**12)
    assert not needs_second_pair((), Permission.ROLE_MANAGE, None)


def test_a_rule_refuses_a_negative_threshold() -> None:
    with pytest.raises(InvalidInput):
        FourEyesRule(Permission.CAPITAL_MANAGE, -1)


# --- opening ----------------------------------------------------------------------------------


def test_an_opened_request_is_pending_and_expires_after_its_ttl() -> None:
    request = withdrawal()
    assert request.status is ApprovalStatus.PENDING
    assert request.maker_id == "alice"
    assert request.created_at == NOW
    assert request.expires_at == NOW + DAY
    assert (request.checker_id, request.decided_at, request.reason) == ("", None, "")


def test_a_maker_without_the_permission_cannot_open_a_request() -> None:
    with pytest.raises(PermissionDenied):
        withdrawal(RITA)


def test_an_inactive_maker_cannot_open_a_request() -> None:
    with pytest.raises(PermissionDenied):
        withdrawal(FORMER)


def test_a_request_refuses_a_ttl_that_is_not_positive() -> None:
    with pytest.raises(InvalidInput):
        withdrawal(ttl_seconds=0)


# --- who may decide ---------------------------------------------------------------------------


def test_a_second_administrator_approves() -> None:
    approved = withdrawal().approve(BOB, now=NOW + 1, roles=ROLES)
    assert approved.status is ApprovalStatus.APPROVED
    assert (approved.checker_id, approved.decided_at) == ("bob", NOW + 1)


def test_a_second_administrator_rejects_with_a_reason() -> None:
    rejected = withdrawal().reject(BOB, now=NOW + 1, roles=ROLES, reason="  payee unknown ")
    assert rejected.status is ApprovalStatus.REJECTED
    assert (rejected.checker_id, rejected.decided_at, rejected.reason) == ("bob", NOW + 1, "payee unknown")


def test_the_maker_can_never_approve_their_own_request() -> None:
    with pytest.raises(MakerCannotCheck):
        withdrawal().approve(ALICE, now=NOW + 1, roles=ROLES)


def test_the_maker_can_never_reject_their_own_request() -> None:
    with pytest.raises(MakerCannotCheck):
        withdrawal().reject(ALICE, now=NOW + 1, roles=ROLES, reason="changed my mind")


def test_even_a_super_admin_maker_cannot_check_their_own_request() -> None:
    request = withdrawal(ROOT)
    with pytest.raises(MakerCannotCheck):
        request.approve(ROOT, now=NOW + 1, roles=ROLES)
    with pytest.raises(MakerCannotCheck):
        request.reject(ROOT, now=NOW + 1, roles=ROLES, reason="no")


def test_the_maker_refusal_is_a_business_refusal() -> None:
    assert issubclass(MakerCannotCheck, Refused)
    assert issubclass(ApprovalExpired, Refused)


def test_a_checker_without_the_permission_is_denied() -> None:
    request = withdrawal()
    with pytest.raises(PermissionDenied):
        request.approve(RITA, now=NOW + 1, roles=ROLES)
    with pytest.raises(PermissionDenied):
        request.reject(RITA, now=NOW + 1, roles=ROLES, reason="no")


def test_an_inactive_checker_is_denied() -> None:
    with pytest.raises(PermissionDenied):
        withdrawal().approve(FORMER, now=NOW + 1, roles=ROLES)


def test_a_super_admin_may_check_someone_elses_request() -> None:
    assert withdrawal().approve(ROOT, now=NOW + 1, roles=ROLES).status is ApprovalStatus.APPROVED


# --- finality ---------------------------------------------------------------------------------


def test_an_approved_request_cannot_be_approved_again() -> None:
    approved = withdrawal().approve(BOB, now=NOW + 1, roles=ROLES)
    with pytest.raises(AlreadyDecided):
        approved.approve(ROOT, now=NOW + 2, roles=ROLES)


def test_an_approved_request_cannot_be_rejected() -> None:
    approved = withdrawal().approve(BOB, now=NOW + 1, roles=ROLES)
    with pytest.raises(AlreadyDecided):
        approved.reject(ROOT, now=NOW + 2, roles=ROLES, reason="too late")


def test_a_rejected_request_cannot_be_approved() -> None:
    rejected = withdrawal().reject(BOB, now=NOW + 1, roles=ROLES, reason="payee unknown")
    with pytest.raises(AlreadyDecided):
        rejected.approve(ROOT, now=NOW + 2, roles=ROLES)


def test_an_expired_request_cannot_be_approved() -> None:
    expired = withdrawal().expire(NOW + DAY)
    with pytest.raises(AlreadyDecided):
        expired.approve(BOB, now=NOW + DAY, roles=ROLES)


# --- expiry -----------------------------------------------------------------------------------


def test_a_request_can_be_approved_one_microsecond_before_it_expires() -> None:
    approved = withdrawal().approve(BOB, now=NOW + DAY - 1, roles=ROLES)
    assert approved.status is ApprovalStatus.APPROVED


def test_a_request_cannot_be_approved_exactly_at_its_expiry() -> None:
    with pytest.raises(ApprovalExpired):
        withdrawal().approve(BOB, now=NOW + DAY, roles=ROLES)


def test_a_request_cannot_be_rejected_exactly_at_its_expiry() -> None:
    with pytest.raises(ApprovalExpired):
        withdrawal().reject(BOB, now=NOW + DAY, roles=ROLES, reason="payee unknown")


def test_expire_before_the_expiry_changes_nothing() -> None:
    request = withdrawal()
    assert request.expire(NOW + DAY - 1) == request


def test_expire_exactly_at_the_expiry_marks_the_request_expired() -> None:
    expired = withdrawal().expire(NOW + DAY)
    assert expired.status is ApprovalStatus.EXPIRED
    assert expired.decided_at == NOW + DAY


def test_expire_is_idempotent() -> None:
    expired = withdrawal().expire(NOW + DAY)
    assert expired.expire(NOW + 2 * DAY) == expired


def test_expire_leaves_a_decided_request_alone() -> None:
    approved = withdrawal().approve(BOB, now=NOW + 1, roles=ROLES)
    assert approved.expire(NOW + 2 * DAY) == approved


# --- reasons ----------------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "   ", "x" * 501])
def test_a_rejection_needs_a_reason_of_sensible_length(reason: str) -> None:
    request = withdrawal()
    with pytest.raises(InvalidInput):
        request.reject(BOB, now=NOW + 1, roles=ROLES, reason=reason)
    assert request.status is ApprovalStatus.PENDING
