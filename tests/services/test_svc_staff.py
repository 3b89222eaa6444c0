"""Service tests of the administrators: the operator's enrolment, and appointments, role changes,
deactivations and custom roles that wait for a second super admin before anything changes."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest

from p2pstock.bootstrap import App
from p2pstock.core.audit import AuditRecord
from p2pstock.core.errors import AlreadyDecided, InvalidInput, Refused
from p2pstock.core.money import CNY, Money
from p2pstock.core.people.four_eyes import ApprovalRequest, ApprovalStatus
from p2pstock.core.people.permissions import (
    DEFAULT_ROLES,
    Administrator,
    Permission,
    PermissionDenied,
    Role,
)
from p2pstock.core.wallet.withdrawals import Withdrawal

EVERYTHING = frozenset(Permission)
REVIEWER = DEFAULT_ROLES["reviewer"].permissions
FINANCE = DEFAULT_ROLES["finance"].permissions
SUPPORT = DEFAULT_ROLES["support"].permissions
AUDITOR = frozenset({Permission.AUDIT_VIEW, Permission.STATS_VIEW})
WITHOUT_ROLE_MANAGE = ("reviewer-1", "risk-1", "finance-1", "support-1", "nobody")

Change = Callable[[App, str], object]
"""Asks, as the given administrator, for one change under ``role.manage``."""

CHANGES: dict[str, Change] = {
    "appoint": lambda app, by: app.staff.appoint("newbie", ["reviewer"], by=by),
    "change_roles": lambda app, by: app.staff.change_roles("reviewer-1", ["finance"], by=by),
    "deactivate": lambda app, by: app.staff.deactivate("finance-1", by=by),
    "define_role": lambda app, by: app.staff.define_role("auditor", ["audit.view", "stats.view"], by=by),
}


def trail(app: App) -> list[AuditRecord]:
    return app.office.read(lambda tx: tx.uow.audit.records(0, 1000))


def staff_state(app: App) -> tuple[list[Administrator], dict[str, Role]]:
    """Every administrator and every custom role, as stored."""
    return app.office.read(lambda tx: (tx.uow.staff.all(), tx.uow.staff.custom_roles()))


def requested(result: object) -> ApprovalRequest:
    assert isinstance(result, ApprovalRequest), f"expected an approval request, got {result!r}"
    return result


# -- the operator's path


def test_the_operator_enrols_an_administrator_once_however_often_asked(app: App) -> None:
    first = app.staff.enrol_by_operator("ops-x", ["finance"], telegram_user_id=777)
    records = len(trail(app))

    again = app.staff.enrol_by_operator("ops-x", ["finance"], telegram_user_id=777)

    assert first == again == Administrator("ops-x", frozenset({"finance"}), True, 777)
    assert len(trail(app)) == records
    last = trail(app)[-1]
    assert (last.actor, last.action, last.target) == ("operator", "admin.enrol", "ops-x")
    assert app.staff.permissions("ops-x") == FINANCE


def test_the_operator_can_change_an_administrator_without_a_second_pair(app: App) -> None:
    changed = app.staff.enrol_by_operator("support-1", ["reviewer"])

    assert changed.roles == {"reviewer"}
    assert app.staff.permissions("support-1") == REVIEWER
    assert json.loads(trail(app)[-1].before)["roles"] == ["support"]


def test_the_operator_cannot_enrol_an_unknown_role(app: App) -> None:
    before, records = staff_state(app), len(trail(app))

    with pytest.raises(InvalidInput, match="unknown role: auditor"):
        app.staff.enrol_by_operator("ops-x", ["auditor"])

    assert app.staff.administrator("ops-x") is None
    assert (staff_state(app), len(trail(app))) == (before, records)


@pytest.mark.parametrize("reserved", ["system", "operator"])
def test_the_reserved_actors_can_never_be_administrators(app: App, reserved: str) -> None:
    before, records = staff_state(app), len(trail(app))

    with pytest.raises(InvalidInput, match="reserved"):
        app.staff.enrol_by_operator(reserved, ["super_admin"])
    with pytest.raises(InvalidInput, match="reserved"):
        app.staff.appoint(reserved, ["super_admin"], by="root")

    assert app.staff.administrator(reserved) is None
    assert (staff_state(app), len(trail(app))) == (before, records)


# -- changes wait for a second super admin


def test_an_appointment_changes_nothing_until_a_second_super_admin_approves(app: App) -> None:
    request = requested(app.staff.appoint("newbie", ["reviewer"], by="root"))

    assert (request.status, request.maker_id, request.permission) == (
        ApprovalStatus.PENDING,
        "root",
        Permission.ROLE_MANAGE,
    )
    assert (request.action, request.target) == ("admin.appoint", "newbie")
    assert app.staff.administrator("newbie") is None
    assert app.staff.permissions("newbie") == frozenset()

    approved = app.approvals.approve(request.id, by="root-2")

    assert (approved.status, approved.checker_id) == (ApprovalStatus.APPROVED, "root-2")
    assert app.staff.administrator("newbie") == Administrator("newbie", frozenset({"reviewer"}))
    assert app.staff.permissions("newbie") == REVIEWER


def test_a_role_change_changes_nothing_until_a_second_super_admin_approves(app: App) -> None:
    request = requested(app.staff.change_roles("reviewer-1", ["finance"], by="root"))

    assert (request.action, request.target) == ("admin.roles", "reviewer-1")
    assert app.staff.permissions("reviewer-1") == REVIEWER

    app.approvals.approve(request.id, by="root-2")

    assert app.staff.administrator("reviewer-1") == Administrator("reviewer-1", frozenset({"finance"}))
    assert app.staff.permissions("reviewer-1") == FINANCE


def test_a_deactivation_changes_nothing_until_a_second_super_admin_approves(app: App) -> None:
    request = requested(app.staff.deactivate("support-1", by="root"))

    assert (request.action, request.target) == ("admin.deactivate", "support-1")
    assert app.staff.permissions("support-1") == SUPPORT

    app.approvals.approve(request.id, by="root-2")

    assert app.staff.administrator("support-1") == Administrator("support-1", frozenset({"support"}), False)
    assert app.staff.permissions("support-1") == frozenset()


def test_a_custom_role_is_defined_only_once_a_second_super_admin_approves(app: App) -> None:
    request = requested(
        app.staff.define_role(
            "auditor", ["audit.view", "stats.view"], by="root", description="Reads the log."
        )
    )

    assert (request.action, request.target) == ("role.define", "auditor")
    assert "auditor" not in app.staff.roles()

    app.approvals.approve(request.id, by="root-2")

    assert app.staff.roles()["auditor"] == Role("auditor", AUDITOR, "Reads the log.")
    assert app.staff.roles().keys() == {*DEFAULT_ROLES, "auditor"}


def test_the_approved_change_is_audited_with_maker_and_checker(app: App) -> None:
    request = requested(app.staff.appoint("newbie", ["support"], by="root"))
    app.approvals.approve(request.id, by="root-2")

    opened, appointed, approved = trail(app)[-3:]

    assert (opened.actor, opened.action, opened.target) == ("root", "approval.open", request.id)
    assert (appointed.actor, appointed.action, appointed.target) == ("root-2", "admin.appoint", "newbie")
    assert json.loads(appointed.after) == {"roles": ["support"], "active": True, "telegram_user_id": None}
    assert (approved.actor, approved.action, approved.target) == ("root-2", "approval.approve", request.id)
    after = json.loads(approved.after)
    assert (after["maker"], after["checker"], after["status"]) == ("root", "root-2", "approved")


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_a_rejected_change_leaves_everything_as_it_was(app: App, change: str) -> None:
    before = staff_state(app)
    request = requested(CHANGES[change](app, "root"))

    rejected = app.approvals.reject(request.id, by="root-2", reason="  not agreed with the board  ")

    assert (rejected.status, rejected.checker_id, rejected.reason) == (
        ApprovalStatus.REJECTED,
        "root-2",
        "not agreed with the board",
    )
    assert staff_state(app) == before
    assert (trail(app)[-1].actor, trail(app)[-1].action) == ("root-2", "approval.reject")
    with pytest.raises(AlreadyDecided):
        app.approvals.approve(request.id, by="root-2")
    assert staff_state(app) == before


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_asking_again_after_a_rejection_opens_a_new_request(app: App, change: str) -> None:
    first = requested(CHANGES[change](app, "root"))
    app.approvals.reject(first.id, by="root-2", reason="wait for the audit")

    second = requested(CHANGES[change](app, "root"))

    assert second.id != first.id
    assert second.status is ApprovalStatus.PENDING


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_a_rejection_needs_a_reason(app: App, change: str) -> None:
    request = requested(CHANGES[change](app, "root"))

    with pytest.raises(InvalidInput):
        app.approvals.reject(request.id, by="root-2", reason="   ")

    assert app.approvals.get(request.id).status is ApprovalStatus.PENDING


# -- custom roles


def test_the_holder_of_an_approved_custom_role_can_do_what_it_grants_and_nothing_more(app: App) -> None:
    app.approvals.approve(
        requested(app.staff.define_role("auditor", ["audit.view", "stats.view"], by="root")).id, by="root-2"
    )
    appointment = requested(app.staff.appoint("aud-1", ["auditor"], by="root-2"))
    with pytest.raises(PermissionDenied):
        app.audit.verify_as(by="aud-1")

    app.approvals.approve(appointment.id, by="root")

    assert app.staff.permissions("aud-1") == AUDITOR
    check = app.audit.verify_as(by="aud-1")
    assert check.ok
    assert check.checked == len(trail(app))
    assert [r.seq for r in app.audit.records(by="aud-1", limit=3)] == [1, 2, 3]
    with pytest.raises(PermissionDenied):
        app.staff.administrators(by="aud-1")
    with pytest.raises(PermissionDenied):
        app.kyc.pending_documents(by="aud-1")


def test_an_appointment_to_a_role_not_yet_defined_cannot_be_approved(app: App) -> None:
    definition = requested(app.staff.define_role("auditor", ["audit.view"], by="root"))
    appointment = requested(app.staff.appoint("aud-1", ["auditor"], by="root"))

    with pytest.raises(InvalidInput, match="unknown role: auditor"):
        app.approvals.approve(appointment.id, by="root-2")

    assert app.approvals.get(appointment.id).status is ApprovalStatus.PENDING
    assert app.staff.administrator("aud-1") is None
    app.approvals.approve(definition.id, by="root-2")
    app.approvals.approve(appointment.id, by="root-2")
    assert app.staff.permissions("aud-1") == {Permission.AUDIT_VIEW}


def test_an_unknown_permission_in_a_custom_role_is_refused(app: App) -> None:
    before, records = staff_state(app), len(trail(app))

    with pytest.raises(InvalidInput, match="unknown permission"):
        app.staff.define_role("auditor", ["audit.view", "audit.erase"], by="root")

    assert (staff_state(app), len(trail(app))) == (before, records)


@pytest.mark.parametrize("name", sorted(DEFAULT_ROLES))
def test_a_default_role_cannot_be_redefined(app: App, name: str) -> None:
    before, records = staff_state(app), len(trail(app))

    with pytest.raises(Refused, match="default role"):
        app.staff.define_role(name, ["stats.view"], by="root")

    assert app.approvals.pending(by="root-2") == []
    assert app.staff.roles()[name] == DEFAULT_ROLES[name]
    assert (staff_state(app), len(trail(app))) == (before, records)


# -- someone must always be able to manage roles


@pytest.mark.parametrize("change", ["deactivate", "change_roles"])
def test_the_last_active_super_admin_cannot_be_deactivated_or_demoted(app: App, change: str) -> None:
    if change == "deactivate":
        request = requested(app.staff.deactivate("root-2", by="root"))
    else:
        request = requested(app.staff.change_roles("root-2", ["support"], by="root"))
    app.staff.enrol_by_operator("root", ["support"])  # root-2 is now the only one who manages roles
    before, records = staff_state(app), len(trail(app))

    with pytest.raises(Refused, match="no active administrator able to manage roles"):
        app.approvals.approve(request.id, by="root-2")

    assert app.staff.permissions("root-2") == EVERYTHING
    assert app.approvals.get(request.id).status is ApprovalStatus.PENDING
    assert (staff_state(app), len(trail(app))) == (before, records)


def test_a_custom_role_cannot_lose_role_manage_while_only_its_holders_manage_roles(app: App) -> None:
    app.approvals.approve(
        requested(app.staff.define_role("keyholder", ["role.manage"], by="root")).id, by="root-2"
    )
    app.staff.enrol_by_operator("key-1", ["keyholder"])
    app.staff.enrol_by_operator("key-2", ["keyholder"])
    app.staff.enrol_by_operator("root", ["support"])
    app.staff.enrol_by_operator("root-2", ["support"])
    request = requested(app.staff.define_role("keyholder", ["stats.view"], by="key-1"))
    before, records = staff_state(app), len(trail(app))

    with pytest.raises(Refused, match="no active administrator able to manage roles"):
        app.approvals.approve(request.id, by="key-2")

    assert app.staff.roles()["keyholder"].permissions == {Permission.ROLE_MANAGE}
    assert (staff_state(app), len(trail(app))) == (before, records)


def test_deactivating_one_of_two_super_admins_is_allowed(app: App) -> None:
    request = requested(app.staff.deactivate("root-2", by="root"))
    app.staff.enrol_by_operator("other", ["super_admin"])

    app.approvals.approve(request.id, by="other")

    assert app.staff.permissions("root-2") == frozenset()
    assert app.staff.permissions("root") == EVERYTHING


# -- who may manage roles


@pytest.mark.parametrize("change", sorted(CHANGES))
@pytest.mark.parametrize("by", WITHOUT_ROLE_MANAGE)
def test_only_holders_of_role_manage_may_ask_for_a_change(app: App, change: str, by: str) -> None:
    before, records = staff_state(app), len(trail(app))

    with pytest.raises(PermissionDenied) as denied:
        CHANGES[change](app, by)

    assert denied.value.permission is Permission.ROLE_MANAGE
    assert app.approvals.pending(by="root") == []
    assert (staff_state(app), len(trail(app))) == (before, records)


@pytest.mark.parametrize("by", WITHOUT_ROLE_MANAGE)
def test_only_holders_of_role_manage_may_decide_a_role_change(app: App, by: str) -> None:
    request = requested(app.staff.appoint("newbie", ["reviewer"], by="root"))
    before, records = staff_state(app), len(trail(app))

    with pytest.raises(PermissionDenied):
        app.approvals.approve(request.id, by=by)
    with pytest.raises(PermissionDenied):
        app.approvals.reject(request.id, by=by, reason="no")

    assert app.approvals.get(request.id).status is ApprovalStatus.PENDING
    assert (staff_state(app), len(trail(app))) == (before, records)


@pytest.mark.parametrize("by", WITHOUT_ROLE_MANAGE)
def test_only_holders_of_role_manage_may_list_the_administrators(app: App, by: str) -> None:
    with pytest.raises(PermissionDenied):
        app.staff.administrators(by=by)


def test_a_super_admin_lists_every_administrator_by_id(app: App) -> None:
    listed = app.staff.administrators(by="root")

    assert [a.id for a in listed] == sorted(a.id for a in listed)
    assert {a.id: a.roles for a in listed} == {
        "finance-1": {"finance"},
        "finance-2": {"finance"},
        "reviewer-1": {"reviewer"},
        "reviewer-2": {"reviewer"},
        "risk-1": {"risk_officer"},
        "root": {"super_admin"},
        "root-2": {"super_admin"},
        "support-1": {"support"},
    }


# -- deactivated administrators


def test_a_deactivated_administrator_loses_every_permission_at_once(app: App) -> None:
    app.wallets.open("alice")
    app.wallets.confirm_deposit("alice", gateway="bank", transaction_id="t1", amount=Money(100_000, CNY))
    app.wallets.request_withdrawal("alice", request_id="w1", amount=Money(10_000, CNY))
    assert app.audit.records(by="finance-1", limit=1)

    app.approvals.approve(requested(app.staff.deactivate("finance-1", by="root")).id, by="root-2")

    assert app.staff.permissions("finance-1") == frozenset()
    with pytest.raises(PermissionDenied):
        app.wallets.approve_withdrawal("w1", by="finance-1")
    with pytest.raises(PermissionDenied):
        app.audit.records(by="finance-1")
    assert app.wallets.balance("alice").frozen == Money(10_000, CNY)
    approved = app.wallets.approve_withdrawal("w1", by="finance-2")
    assert isinstance(approved, Withdrawal)
    assert approved.decided_by == "finance-2"


def test_a_deactivated_super_admin_can_no_longer_decide_a_pending_request(app: App) -> None:
    app.staff.enrol_by_operator("root-3", ["super_admin"])
    request = requested(app.staff.appoint("newbie", ["support"], by="root"))
    app.approvals.approve(requested(app.staff.deactivate("root-2", by="root")).id, by="root-3")

    with pytest.raises(PermissionDenied):
        app.approvals.approve(request.id, by="root-2")

    assert app.approvals.pending(by="root-2") == []
    assert app.approvals.get(request.id).status is ApprovalStatus.PENDING


def test_a_deactivated_administrator_can_be_appointed_again(app: App) -> None:
    app.approvals.approve(requested(app.staff.deactivate("support-1", by="root")).id, by="root-2")

    app.approvals.approve(requested(app.staff.appoint("support-1", ["reviewer"], by="root")).id, by="root-2")

    assert app.staff.administrator("support-1") == Administrator("support-1", frozenset({"reviewer"}))
    assert app.staff.permissions("support-1") == REVIEWER


def test_appointing_an_active_administrator_is_refused_on_approval(app: App) -> None:
    request = requested(app.staff.appoint("reviewer-1", ["finance"], by="root"))
    before = staff_state(app)

    with pytest.raises(Refused, match="already an administrator"):
        app.approvals.approve(request.id, by="root-2")

    assert staff_state(app) == before
    assert app.approvals.get(request.id).status is ApprovalStatus.PENDING


# -- Telegram


def test_by_telegram_finds_the_administrator_using_that_account(app: App) -> None:
    app.staff.enrol_by_operator("tg-admin", ["reviewer"], telegram_user_id=424242)

    found = app.staff.by_telegram(424242)

    assert found is not None
    assert found.id == "tg-admin"
    assert app.staff.by_telegram(424243) is None


def test_an_appointed_administrator_is_found_by_telegram_once_approved(app: App) -> None:
    request = requested(app.staff.appoint("newbie", ["support"], by="root", telegram_user_id=9001))
    assert app.staff.by_telegram(9001) is None

    app.approvals.approve(request.id, by="root-2")

    found = app.staff.by_telegram(9001)
    assert found == Administrator("newbie", frozenset({"support"}), True, 9001)


@pytest.mark.parametrize("telegram", [0, -5, True, "42"])
def test_a_telegram_user_id_must_be_a_positive_integer(app: App, telegram: object) -> None:
    with pytest.raises(InvalidInput):
        app.staff.by_telegram(telegram)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput):
        app.staff.enrol_by_operator("tg-admin", ["support"], telegram_user_id=telegram)  # type: ignore[arg-type]
    assert app.staff.administrator("tg-admin") is None


# -- double taps


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_asking_again_while_a_request_is_pending_returns_the_same_request(app: App, change: str) -> None:
    first = requested(CHANGES[change](app, "root"))
    records = len(trail(app))

    again = requested(CHANGES[change](app, "root"))
    from_another = requested(CHANGES[change](app, "root-2"))

    assert again == from_another == first
    assert len(trail(app)) == records
    assert [r.id for r in app.approvals.pending(by="root-2")] == [first.id]


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_taps_at_once_open_one_request(app: App, change: str) -> None:
    app.staff.enrol_by_operator("root-3", ["super_admin"])
    rounds, taps = 5, ("root", "root", "root-2", "root-2")
    opened_per_round = []
    for _ in range(rounds):
        start = threading.Barrier(len(taps))

        def tap(by: str, start: threading.Barrier = start) -> object:
            start.wait(timeout=30)
            return CHANGES[change](app, by)

        with ThreadPoolExecutor(max_workers=len(taps)) as pool:
            results = [future.result(timeout=60) for future in [pool.submit(tap, by) for by in taps]]
        assert all(isinstance(r, ApprovalRequest) for r in results), results
        waiting = app.approvals.pending(by="root-3")
        opened_per_round.append(len(waiting))
        for request in waiting:  # clear the way for the next round
            app.approvals.reject(request.id, by="root-3", reason="next round")

    assert opened_per_round == [1] * rounds
    assert [r.action for r in trail(app)].count("approval.open") == rounds


def test_approving_twice_carries_out_the_change_once(app: App) -> None:
    request = requested(app.staff.appoint("newbie", ["support"], by="root"))
    first = app.approvals.approve(request.id, by="root-2")
    records = len(trail(app))

    again = app.approvals.approve(request.id, by="root-2")

    assert again == first
    assert len(trail(app)) == records
    assert [r.action for r in trail(app)].count("admin.appoint") == 1
