"""Maker-checker approval: which actions need a second administrator, and the request they share.

::

    FourEyesRule        a permission and the amount from which a second pair of eyes is needed
    DEFAULT_RULES       large withdrawals and capital movements, every role change, every settlement,
                        every resolution of a mismatched payment and every write-off of a loan
    needs_second_pair   whether an action must wait for a checker
    ApprovalRequest     one action waiting for a checker:

        open       (maker holds the permission)                → PENDING
        approve    PENDING, before expiry, another holder      → APPROVED
        reject     PENDING, before expiry, another holder      → REJECTED (with a reason)
        expire     PENDING, at or past expiry                  → EXPIRED  (otherwise unchanged)

Each transition returns a new ``ApprovalRequest``; times are microseconds since the epoch. The
maker can never be the checker, whatever their roles, so two people always see the action.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Mapping, Sequence

import attrs

from p2pstock.core.errors import AlreadyDecided, InvalidInput, Refused
from p2pstock.core.people.permissions import Administrator, Permission, Role, require
from p2pstock.core.validation import check_amount, check_code, check_id, check_reason

"""Longest rejection reason, in characters."""

DEFAULT_TTL_SECONDS = 86_400
"""How long a request waits for a checker before it expires: one day."""

_MICROSECONDS = 1_000_000


class MakerCannotCheck(Refused):
    """The administrator who opened a request tried to approve or reject it."""

    code = "maker_cannot_check"


class ApprovalExpired(Refused):
    """The request waited too long for a checker and can no longer be decided."""

    code = "approval_expired"


def _threshold(value: object) -> int | None:
    return None if value is None else check_amount(value, "threshold")


@attrs.frozen
class FourEyesRule:
    """Actions under ``permission`` need a second administrator from ``threshold`` minor units.

    ``threshold=None`` means always, whatever the amount (role changes, settlements).
    """

    permission: Permission = attrs.field(converter=Permission)
    threshold: int | None = attrs.field(default=None, converter=_threshold)

    def applies(self, permission: Permission, amount: int | None) -> bool:
        """Whether this rule asks for a checker for ``permission`` and ``amount``."""
        if permission != self.permission:
            return False
        if self.threshold is None:
            return True
        return amount is not None and amount >= self.threshold


CAPITAL_FOUR_EYES_FROM = 500_000_000
"""Capital pool movements from 5,000,000.00 CNY wait for a second administrator (a setting changes it)."""

DEFAULT_RULES: tuple[FourEyesRule, ...] = (
    FourEyesRule(Permission.WITHDRAWAL_APPROVE, 5_000_000),
    FourEyesRule(Permission.ROLE_MANAGE, None),
    FourEyesRule(Permission.ALLOCATION_SETTLE, None),
    FourEyesRule(Permission.CAPITAL_MANAGE, CAPITAL_FOUR_EYES_FROM),
    FourEyesRule(Permission.PAYMENT_RESOLVE, None),
    FourEyesRule(Permission.LOAN_WRITE_OFF, None),
)
"""Withdrawals from 50,000.00 CNY (5,000,000 fen), every role change, every settlement, capital pool
movements from 5,000,000.00 CNY, every resolution of a mismatched payment (crediting what arrived or
recording its refund), every write-off of a loan."""


def needs_second_pair(rules: Sequence[FourEyesRule], permission: Permission, amount: int | None) -> bool:
    """Whether an action under ``permission`` for ``amount`` must wait for a second administrator.

    An amount of ``None`` meets only rules without a threshold.
    """
    return any(rule.applies(permission, amount) for rule in rules)


class ApprovalStatus(enum.StrEnum):
    """Where an approval request stands."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    EXPIRED = "expired"


def _optional_amount(_instance: object, _attribute: object, value: int | None) -> None:
    if value is not None:
        check_amount(value)


@attrs.frozen
class ApprovalRequest:
    """An action opened by a maker that waits for a checker holding the same permission.

    ``payload`` is the canonical text the service replays once approved; ``action`` is a dotted
    code such as ``withdrawal.approve``; ``checker_id`` and ``decided_at`` are set by a decision.
    """

    id: str = attrs.field(validator=lambda _i, _a, v: check_id(v, "approval request id"))
    permission: Permission = attrs.field(converter=Permission)
    action: str = attrs.field(validator=lambda _i, _a, v: check_code(v, "action"))
    target: str = attrs.field(validator=lambda _i, _a, v: check_id(v, "target"))
    payload: str
    amount: int | None = attrs.field(validator=_optional_amount)
    maker_id: str = attrs.field(validator=lambda _i, _a, v: check_id(v, "maker id"))
    created_at: int
    expires_at: int
    status: ApprovalStatus = attrs.field(converter=ApprovalStatus)
    checker_id: str = ""
    decided_at: int | None = None
    reason: str = ""

    @classmethod
    def open(
        cls,
        id: str,
        *,
        maker: Administrator,
        permission: Permission,
        action: str,
        target: str,
        payload: str,
        amount: int | None,
        now: int,
        roles: Mapping[str, Role],
        ttl_seconds: int = DEFAULT_TTL_SECONDS,
    ) -> ApprovalRequest:
        """A pending request by ``maker``, who must hold ``permission``; it expires after the TTL."""
        if isinstance(ttl_seconds, bool) or not isinstance(ttl_seconds, int) or ttl_seconds <= 0:
            raise InvalidInput("the time to live must be a positive number of seconds", code="ttl_invalid")
        require(maker, permission, roles)
        return cls(
            id=id,
            permission=permission,
            action=action,
            target=target,
            payload=payload,
            amount=amount,
            maker_id=maker.id,
            created_at=now,
            expires_at=now + ttl_seconds * _MICROSECONDS,
            status=ApprovalStatus.PENDING,
        )

    def carries(self, **fields: object) -> bool:
        """Whether the command waiting here has these payload fields (the same change asked again, rather
        than another change to the same target)."""
        try:
            held = json.loads(self.payload) if self.payload else {}
        except ValueError:
            return False
        return isinstance(held, dict) and all(held.get(key) == value for key, value in fields.items())

    def is_expired(self, now: int) -> bool:
        """Whether ``now`` is at or past ``expires_at``."""
        return now >= self.expires_at

    def _check_decidable(self, checker: Administrator, now: int, roles: Mapping[str, Role]) -> None:
        require(checker, self.permission, roles)
        if checker.id == self.maker_id:
            raise MakerCannotCheck("the administrator who opened a request cannot decide it")
        if self.status is not ApprovalStatus.PENDING:
            raise AlreadyDecided(f"this request is already {self.status.value}", code="approval_decided")
        if self.is_expired(now):
            raise ApprovalExpired("this request has expired; open a new one")

    def approve(self, checker: Administrator, *, now: int, roles: Mapping[str, Role]) -> ApprovalRequest:
        """A second administrator holding the same permission agreed."""
        self._check_decidable(checker, now, roles)
        return attrs.evolve(self, status=ApprovalStatus.APPROVED, checker_id=checker.id, decided_at=now)

    def reject(
        self, checker: Administrator, *, now: int, roles: Mapping[str, Role], reason: str
    ) -> ApprovalRequest:
        """A second administrator holding the same permission refused, saying why."""
        self._check_decidable(checker, now, roles)
        checked_reason = check_reason(reason)
        return attrs.evolve(
            self,
            status=ApprovalStatus.REJECTED,
            checker_id=checker.id,
            decided_at=now,
            reason=checked_reason,
        )

    def expire(self, now: int) -> ApprovalRequest:
        """EXPIRED if still pending at or past ``expires_at``; otherwise this request unchanged."""
        if self.status is not ApprovalStatus.PENDING or not self.is_expired(now):
            return self
        return attrs.evolve(self, status=ApprovalStatus.EXPIRED, decided_at=now)
