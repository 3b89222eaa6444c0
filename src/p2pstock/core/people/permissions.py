"""Who may do what in the back office: permissions, roles that bundle them, and the check itself.

::

    Permission        one action an administrator may take (``kyc.review``, ``capital.manage`` …)
    Role              a named set of permissions; ``DEFAULT_ROLES`` holds the five shipped ones
    Administrator     an id, the names of its roles, and whether it is active
    permissions_of    the union of an administrator's roles (nothing for ``None`` or an inactive one)
    require           raises ``PermissionDenied`` unless the permission is held and no veto objects

Vetoes let plugins deny an action; they are asked only once the permission is held, so they can
never grant one that is missing.
"""

from __future__ import annotations

import enum
import re
import types
from collections.abc import Callable, Iterable, Mapping, Sequence

import attrs

from p2pstock.core.errors import InvalidInput, Refused
from p2pstock.core.validation import check_id

_ROLE_NAME = re.compile(r"[a-z]+(?:_[a-z]+)*")
MAX_ROLE_NAME = 40
"""Longest role name, in characters."""


class Permission(enum.StrEnum):
    """One action in the back office that an administrator may be allowed to take."""

    KYC_REVIEW = "kyc.review"
    DOCUMENT_REVIEW = "document.review"
    WITHDRAWAL_APPROVE = "withdrawal.approve"
    ALLOCATION_REVIEW = "allocation.review"
    ALLOCATION_ASSIGN_ACCOUNT = "allocation.assign_account"
    ALLOCATION_DAILY_STATUS = "allocation.daily_status"
    ALLOCATION_SETTLE = "allocation.settle"
    LOAN_REVIEW = "loan.review"
    LOAN_FULL_REVIEW = "loan.full_review"
    CAPITAL_MANAGE = "capital.manage"
    ROLE_MANAGE = "role.manage"
    STATS_VIEW = "stats.view"
    AUDIT_VIEW = "audit.view"
    PRODUCT_MANAGE = "product.manage"
    CALENDAR_MANAGE = "calendar.manage"
    PAYMENT_RESOLVE = "payment.resolve"
    CUSTOMER_VIEW = "customer.view"
    DASHBOARD_VIEW = "dashboard.view"
    LOAN_WRITE_OFF = "loan.write_off"


_ACTIONS: Mapping[Permission, str] = types.MappingProxyType(
    {
        Permission.KYC_REVIEW: "review identity verifications",
        Permission.DOCUMENT_REVIEW: "review documents",
        Permission.WITHDRAWAL_APPROVE: "approve withdrawals",
        Permission.ALLOCATION_REVIEW: "review allocations",
        Permission.ALLOCATION_ASSIGN_ACCOUNT: "assign accounts to allocations",
        Permission.ALLOCATION_DAILY_STATUS: "record the daily status of allocations",
        Permission.ALLOCATION_SETTLE: "settle allocations",
        Permission.LOAN_REVIEW: "review loans",
        Permission.LOAN_FULL_REVIEW: "give loans a full review",
        Permission.CAPITAL_MANAGE: "manage capital",
        Permission.ROLE_MANAGE: "manage administrator permissions",
        Permission.STATS_VIEW: "view statistics",
        Permission.AUDIT_VIEW: "view the audit log",
        Permission.PRODUCT_MANAGE: "manage products",
        Permission.CALENDAR_MANAGE: "manage the trading calendar",
        Permission.PAYMENT_RESOLVE: "resolve mismatched payments",
        Permission.CUSTOMER_VIEW: "look customers up",
        Permission.DASHBOARD_VIEW: "view the dashboard",
        Permission.LOAN_WRITE_OFF: "write loans off",
    }
)
"""What each permission allows, worded for a message shown to whoever was refused."""


class PermissionDenied(Refused):
    """The actor lacks ``permission`` (or a veto objected); ``str(e)`` names only the action."""

    code = "permission_denied"

    def __init__(self, permission: Permission, actor_id: str | None) -> None:
        super().__init__(f"you are not allowed to {_ACTIONS[permission]}")
        self.permission = permission
        self.actor_id = actor_id


def check_role_name(value: object) -> str:
    """A role name: lowercase words joined by ``_``, 1–40 characters (``risk_officer``)."""
    if not isinstance(value, str) or len(value) > MAX_ROLE_NAME or not _ROLE_NAME.fullmatch(value):
        raise InvalidInput(
            f"a role name must be lowercase words joined by _, at most {MAX_ROLE_NAME} characters"
            f" (got {value!r:.60})",
            code="role_name_invalid",
            most=MAX_ROLE_NAME,
        )
    return value


def _permissions(values: Iterable[str]) -> frozenset[Permission]:
    try:
        return frozenset(Permission(value) for value in values)
    except ValueError as error:
        raise InvalidInput(f"unknown permission ({error})", code="permission_unknown") from None


def _role_names(values: Iterable[object]) -> frozenset[str]:
    return frozenset(check_role_name(value) for value in values)


@attrs.frozen
class Role:
    """A named bundle of permissions, e.g. ``reviewer``."""

    name: str = attrs.field(validator=lambda _i, _a, v: check_role_name(v))
    permissions: frozenset[Permission] = attrs.field(converter=_permissions)
    description: str = ""


DEFAULT_ROLES: Mapping[str, Role] = types.MappingProxyType(
    {
        role.name: role
        for role in (
            Role("super_admin", frozenset(Permission), "Everything, including managing roles."),
            Role(
                "reviewer",
                frozenset(
                    {
                        Permission.KYC_REVIEW,
                        Permission.DOCUMENT_REVIEW,
                        Permission.ALLOCATION_REVIEW,
                        Permission.LOAN_REVIEW,
                        Permission.STATS_VIEW,
                        Permission.CUSTOMER_VIEW,
                    }
                ),
                "First review of identities, documents, allocations and loans.",
            ),
            Role(
                "risk_officer",
                frozenset(
                    {
                        Permission.ALLOCATION_DAILY_STATUS,
                        Permission.ALLOCATION_SETTLE,
                        Permission.LOAN_FULL_REVIEW,
                        Permission.LOAN_WRITE_OFF,
                        Permission.STATS_VIEW,
                        Permission.AUDIT_VIEW,
                        Permission.CALENDAR_MANAGE,
                        Permission.CUSTOMER_VIEW,
                        Permission.DASHBOARD_VIEW,
                    }
                ),
                "Follows allocations day by day, settles them, keeps the trading calendar, gives loans a "
                "full review and writes off loans past M3.",
            ),
            Role(
                "finance",
                frozenset(
                    {
                        Permission.WITHDRAWAL_APPROVE,
                        Permission.CAPITAL_MANAGE,
                        Permission.ALLOCATION_ASSIGN_ACCOUNT,
                        Permission.STATS_VIEW,
                        Permission.AUDIT_VIEW,
                        Permission.PAYMENT_RESOLVE,
                        Permission.CUSTOMER_VIEW,
                    }
                ),
                "Moves money: approves withdrawals, manages capital, assigns accounts, resolves payments.",
            ),
            Role(
                "support",
                frozenset({Permission.STATS_VIEW, Permission.CUSTOMER_VIEW}),
                "Reads statistics and looks customers up to answer them.",
            ),
        )
    }
)
"""The roles shipped with p2pstock, by name."""


@attrs.frozen
class Administrator:
    """A back-office user: what it may do comes from the names in ``roles``, while ``active``."""

    id: str = attrs.field(validator=lambda _i, _a, v: check_id(v, "administrator id"))
    roles: frozenset[str] = attrs.field(converter=_role_names)
    active: bool = True
    telegram_user_id: int | None = None
    """The Telegram account the administrator uses the bot with, if any."""


Veto = Callable[[Administrator | None, Permission], bool]
"""A plugin's objection: answering anything but ``True`` denies; it is never asked to grant."""


def permissions_of(admin: Administrator | None, roles: Mapping[str, Role]) -> frozenset[Permission]:
    """The union of the permissions of ``admin``'s roles; unknown role names grant nothing."""
    if admin is None or not admin.active:
        return frozenset()
    granted: set[Permission] = set()
    for name in admin.roles:
        role = roles.get(name)
        if role is not None:
            granted |= role.permissions
    return frozenset(granted)


def require(
    admin: Administrator | None,
    permission: Permission,
    roles: Mapping[str, Role],
    vetoes: Sequence[Veto] = (),
) -> None:
    """Return if ``admin`` holds ``permission`` and every veto answers ``True``; else raise."""
    actor_id = admin.id if admin is not None else None
    if permission not in permissions_of(admin, roles):
        raise PermissionDenied(permission, actor_id)
    for veto in vetoes:
        if veto(admin, permission) is not True:
            raise PermissionDenied(permission, actor_id)
