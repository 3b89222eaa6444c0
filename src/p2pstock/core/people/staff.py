"""The administrators and their roles: appointing, changing roles, deactivating, defining custom roles.

Each change is an administrative action under ``role.manage`` and, by the default four-eyes rules,
waits for a second administrator. The one way around that is the operator's: whoever runs the server
enrols administrators from the command line (``p2pstock admin create``), which is audited as such.
A change that would leave no active administrator able to manage roles is refused.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from p2pstock.core.backoffice import OPERATOR, SYSTEM, Backoffice, Command, Tx
from p2pstock.core.errors import InvalidInput, NotFound, Refused
from p2pstock.core.people.four_eyes import ApprovalRequest
from p2pstock.core.people.permissions import (
    DEFAULT_ROLES,
    Administrator,
    Permission,
    Role,
    check_role_name,
    permissions_of,
)
from p2pstock.core.validation import check_id, check_text, optional_telegram_user_id

MANAGE = Permission.ROLE_MANAGE


def check_admin_id(value: object) -> str:
    """An administrator id: any caller id except the reserved actors ``system`` and ``operator``."""
    admin_id = check_id(value, "administrator id")
    if admin_id in (SYSTEM, OPERATOR):
        raise InvalidInput(
            f"{admin_id!r} is reserved and cannot be an administrator's id",
            code="admin_id_reserved",
            admin=admin_id,
        )
    return admin_id


def _state(admin: Administrator | None) -> dict[str, object] | None:
    if admin is None:
        return None
    return {"roles": sorted(admin.roles), "active": admin.active, "telegram_user_id": admin.telegram_user_id}


@attrs.define
class Staff:
    office: Backoffice

    def __attrs_post_init__(self) -> None:
        self.office.register("admin.appoint", self._appoint)
        self.office.register("admin.roles", self._change_roles)
        self.office.register("admin.deactivate", self._deactivate)
        self.office.register("role.define", self._define_role)

    # -- reading ------------------------------------------------------------------------------------

    def administrator(self, admin_id: str) -> Administrator | None:
        return self.office.read(lambda tx: tx.uow.staff.get(check_id(admin_id, "administrator id")))

    def by_telegram(self, telegram_user_id: int) -> Administrator | None:
        """The administrator using this Telegram account, if any (how frontends know who is acting)."""
        user = optional_telegram_user_id(telegram_user_id)
        return self.office.read(lambda tx: tx.uow.staff.by_telegram(user)) if user else None

    def roles(self) -> dict[str, Role]:
        """Every role, default and custom, by name."""
        return self.office.read(lambda tx: tx.roles())

    def permissions(self, admin_id: str) -> frozenset[Permission]:
        """What ``admin_id`` may do now (nothing for an unknown or inactive administrator)."""
        return self.office.read(lambda tx: permissions_of(tx.uow.staff.get(admin_id), tx.roles()))

    def administrators(self, *, by: str) -> list[Administrator]:
        def look(tx: Tx) -> list[Administrator]:
            tx.admin(by, MANAGE)
            return tx.uow.staff.all()

        return self.office.read(look)

    # -- the operator's path --------------------------------------------------------------------------

    def enrol_by_operator(
        self, admin_id: str, roles: Iterable[str], *, telegram_user_id: int | None = None
    ) -> Administrator:
        """Create or update an administrator with the server operator's authority (no second pair)."""
        admin = Administrator(
            check_admin_id(admin_id), frozenset(roles), True, optional_telegram_user_id(telegram_user_id)
        )

        def enrol(tx: Tx) -> Administrator:
            _check_known_roles(tx, admin.roles)
            before = tx.uow.staff.get(admin.id, lock=True)
            if before == admin:
                return admin
            tx.uow.staff.put(admin)
            tx.audit(OPERATOR, "admin.enrol", admin.id, before=_state(before), after=_state(admin))
            return admin

        return self.office.run(enrol)

    # -- administrative actions (four eyes by default) --------------------------------------------------

    def appoint(
        self, admin_id: str, roles: Iterable[str], *, by: str, telegram_user_id: int | None = None
    ) -> Administrator | ApprovalRequest:
        """Make ``admin_id`` an administrator holding ``roles``."""
        names = sorted(check_role_name(name) for name in roles)
        payload = {"roles": names, "telegram_user_id": optional_telegram_user_id(telegram_user_id)}
        command = Command("admin.appoint", MANAGE, check_admin_id(admin_id), payload)
        return self._act(by, command)

    def change_roles(
        self, admin_id: str, roles: Iterable[str], *, by: str
    ) -> Administrator | ApprovalRequest:
        """Give ``admin_id`` exactly ``roles``."""
        names = sorted(check_role_name(name) for name in roles)
        return self._act(by, Command("admin.roles", MANAGE, check_admin_id(admin_id), {"roles": names}))

    def deactivate(self, admin_id: str, *, by: str) -> Administrator | ApprovalRequest:
        """Take every permission away from ``admin_id`` (the record and its history stay)."""
        return self._act(by, Command("admin.deactivate", MANAGE, check_admin_id(admin_id)))

    def define_role(
        self, name: str, permissions: Iterable[str], *, by: str, description: str = ""
    ) -> Role | ApprovalRequest:
        """Create or change a custom role; the default roles cannot be redefined."""
        role = Role(
            check_role_name(name), frozenset(permissions), check_text(description, "description", 200)
        )
        if role.name in DEFAULT_ROLES:
            raise Refused(
                f"{role.name} is a default role and cannot be redefined", code="default_role", role=role.name
            )
        payload = {"permissions": sorted(role.permissions), "description": role.description}
        command = Command("role.define", MANAGE, role.name, payload)
        return self.office.run(lambda tx: tx.act(by, command, Role))

    def _act(self, by: str, command: Command) -> Administrator | ApprovalRequest:
        return self.office.run(lambda tx: tx.act(by, command, Administrator))

    # -- executors: run now, or when a second administrator approves ----------------------------------

    def _appoint(self, tx: Tx, command: Command, actor: Administrator) -> Administrator:
        roles = frozenset(_strings(command.payload["roles"]))
        telegram = command.payload.get("telegram_user_id")
        before = tx.uow.staff.get(command.target, lock=True)
        if before is not None and before.active:
            raise Refused(
                f"{command.target} is already an administrator; change their roles instead",
                code="already_admin",
                admin=command.target,
            )
        admin = Administrator(command.target, roles, True, telegram if isinstance(telegram, int) else None)
        return _store(tx, actor, command, before, admin)

    def _change_roles(self, tx: Tx, command: Command, actor: Administrator) -> Administrator:
        before = _existing(tx, command.target)
        admin = attrs.evolve(before, roles=frozenset(_strings(command.payload["roles"])))
        return _store(tx, actor, command, before, admin)

    def _deactivate(self, tx: Tx, command: Command, actor: Administrator) -> Administrator:
        before = _existing(tx, command.target)
        return _store(tx, actor, command, before, attrs.evolve(before, active=False))

    def _define_role(self, tx: Tx, command: Command, actor: Administrator) -> Role:
        description = command.payload.get("description", "")
        role = Role(
            command.target,
            frozenset(_strings(command.payload["permissions"])),
            description if isinstance(description, str) else "",
        )
        before = tx.uow.staff.custom_roles().get(role.name)
        tx.uow.staff.put_role(role)
        _check_someone_can_manage(tx)
        tx.audit(
            actor.id,
            "role.define",
            role.name,
            before=None if before is None else {"permissions": sorted(before.permissions)},
            after={"permissions": sorted(role.permissions), "description": role.description},
        )
        return role


def _strings(value: object) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise InvalidInput("expected a list of names", code="wrong_type")
    return value


def _existing(tx: Tx, admin_id: str) -> Administrator:
    admin = tx.uow.staff.get(admin_id, lock=True)
    if admin is None:
        raise NotFound(f"no administrator {admin_id}", code="admin_not_found", admin=admin_id)
    return admin


def _check_known_roles(tx: Tx, names: Iterable[str]) -> None:
    unknown = sorted(set(names) - tx.roles().keys())
    if unknown:
        raise InvalidInput(
            f"unknown role: {', '.join(unknown)}", code="role_unknown", roles=", ".join(unknown)
        )


def _check_someone_can_manage(tx: Tx) -> None:
    roles = tx.roles()
    if not any(MANAGE in permissions_of(admin, roles) for admin in tx.uow.staff.all()):
        raise Refused(
            "this would leave no active administrator able to manage roles", code="last_role_manager"
        )


def _store(
    tx: Tx, actor: Administrator, command: Command, before: Administrator | None, admin: Administrator
) -> Administrator:
    _check_known_roles(tx, admin.roles)
    tx.uow.staff.put(admin)
    _check_someone_can_manage(tx)
    tx.audit(actor.id, command.action, admin.id, before=_state(before), after=_state(admin))
    return admin
