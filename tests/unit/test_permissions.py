"""Tests of back-office permissions: the full role × permission matrix, written out by hand."""

from __future__ import annotations

import pytest

from p2pstock.core.errors import InvalidInput, Refused
from p2pstock.core.people.permissions import (
    DEFAULT_ROLES,
    Administrator,
    Permission,
    PermissionDenied,
    Role,
    Veto,
    permissions_of,
    require,
)

ALL = {
    "kyc.review",
    "document.review",
    "withdrawal.approve",
    "allocation.review",
    "allocation.assign_account",
    "allocation.daily_status",
    "allocation.settle",
    "loan.review",
    "loan.full_review",
    "capital.manage",
    "role.manage",
    "stats.view",
    "audit.view",
    "product.manage",
    "calendar.manage",
    "payment.resolve",
    "customer.view",
    "dashboard.view",
    "loan.write_off",
}

EXPECTED: dict[str, set[str]] = {
    "super_admin": set(ALL),
    "reviewer": {
        "kyc.review",
        "document.review",
        "allocation.review",
        "loan.review",
        "stats.view",
        "customer.view",
    },
    "risk_officer": {
        "allocation.daily_status",
        "allocation.settle",
        "loan.full_review",
        "loan.write_off",
        "stats.view",
        "audit.view",
        "calendar.manage",
        "customer.view",
        "dashboard.view",
    },
    "finance": {
        "withdrawal.approve",
        "capital.manage",
        "allocation.assign_account",
        "stats.view",
        "audit.view",
        "payment.resolve",
        "customer.view",
    },
    "support": {"stats.view", "customer.view"},
    "customer": set(),
    "inactive_super_admin": set(),
}
"""Who may do what: a changed default role or a new permission must be reflected here by hand."""

ACTORS: dict[str, Administrator | None] = {
    **{name: Administrator(id=f"admin-{name}", roles=frozenset({name})) for name in DEFAULT_ROLES},
    "customer": None,
    "inactive_super_admin": Administrator(id="admin-old", roles=frozenset({"super_admin"}), active=False),
}


def _allowed(admin: Administrator | None, permission: Permission, vetoes: tuple[Veto, ...] = ()) -> bool:
    try:
        require(admin, permission, DEFAULT_ROLES, vetoes)
    except PermissionDenied as denied:
        assert denied.permission is permission
        assert denied.actor_id == (admin.id if admin is not None else None)
        return False
    return True


@pytest.mark.parametrize("permission", list(Permission), ids=str)
@pytest.mark.parametrize("actor", list(EXPECTED))
def test_matrix(actor: str, permission: Permission) -> None:
    assert _allowed(ACTORS[actor], permission) is (permission.value in EXPECTED[actor])


def test_matrix_covers_every_permission_and_role() -> None:
    assert {permission.value for permission in Permission} == ALL
    assert set(EXPECTED) - {"customer", "inactive_super_admin"} == set(DEFAULT_ROLES)
    assert set(ACTORS) == set(EXPECTED)
    for name, role in DEFAULT_ROLES.items():
        assert role.name == name
        assert role.description.strip()
        assert {permission.value for permission in role.permissions} == EXPECTED[name]


def test_unknown_role_names_grant_nothing() -> None:
    ghost = Administrator(id="admin-ghost", roles=frozenset({"auditor", "root"}))
    assert permissions_of(ghost, DEFAULT_ROLES) == frozenset()
    assert not any(_allowed(ghost, permission) for permission in Permission)


def test_several_roles_union_their_permissions() -> None:
    admin = Administrator(id="admin-both", roles=frozenset({"reviewer", "finance", "nonexistent"}))
    expected = EXPECTED["reviewer"] | EXPECTED["finance"]
    assert {permission.value for permission in permissions_of(admin, DEFAULT_ROLES)} == expected
    for permission in Permission:
        assert _allowed(admin, permission) is (permission.value in expected)


def test_custom_roles_mapping_is_used() -> None:
    roles = {"catalogue": Role("catalogue", frozenset({Permission.PRODUCT_MANAGE}), "Products.")}
    admin = Administrator(id="admin-cat", roles=frozenset({"catalogue"}))
    require(admin, Permission.PRODUCT_MANAGE, roles)
    with pytest.raises(PermissionDenied):
        require(admin, Permission.STATS_VIEW, roles)


def test_a_veto_denies_an_otherwise_allowed_action() -> None:
    admin = ACTORS["finance"]
    seen: list[tuple[Administrator | None, Permission]] = []

    def no_withdrawals(actor: Administrator | None, permission: Permission) -> bool:
        seen.append((actor, permission))
        return permission is not Permission.WITHDRAWAL_APPROVE

    assert _allowed(admin, Permission.CAPITAL_MANAGE, (no_withdrawals,))
    assert not _allowed(admin, Permission.WITHDRAWAL_APPROVE, (lambda _a, _p: True, no_withdrawals))
    assert seen == [(admin, Permission.CAPITAL_MANAGE), (admin, Permission.WITHDRAWAL_APPROVE)]


def test_a_veto_returning_true_cannot_grant_a_missing_permission() -> None:
    def always(_actor: Administrator | None, _permission: Permission) -> bool:
        return True

    for actor in ("support", "customer", "inactive_super_admin"):
        assert not _allowed(ACTORS[actor], Permission.ROLE_MANAGE, (always,))


@pytest.mark.parametrize(
    "name", ["", "Admin", "super-admin", "super admin", "_admin", "admin_", "a__b", "r2d2", "x" * 41, 7]
)
def test_bad_role_names_are_refused(name: object) -> None:
    with pytest.raises(InvalidInput):
        Role(name, frozenset(), "bad")  # type: ignore[arg-type]
    with pytest.raises(InvalidInput):
        Administrator(id="admin-1", roles=frozenset({name}))


def test_good_role_names_and_bad_inputs() -> None:
    assert Role("a", frozenset(), "").name == "a"
    assert Role("x" * 40, frozenset(), "").name == "x" * 40
    with pytest.raises(InvalidInput):
        Role("ok", frozenset({"not.a.permission"}), "")
    with pytest.raises(InvalidInput):
        Administrator(id="bad id with spaces", roles=frozenset())


def test_denial_message_is_safe_for_a_customer() -> None:
    admin = Administrator(id="admin-secret-42", roles=frozenset({"reviewer", "support"}))
    for permission in Permission:
        if permission.value in EXPECTED["reviewer"]:
            continue
        with pytest.raises(PermissionDenied) as caught:
            require(admin, permission, DEFAULT_ROLES)
        message = str(caught.value)
        assert isinstance(caught.value, Refused)
        assert message.startswith("you are not allowed to ")
        assert permission.value not in message
        assert "admin-secret-42" not in message
        for leaked in (*EXPECTED, "role", "veto", "Permission", "{", "_"):
            assert leaked not in message, (leaked, message)
