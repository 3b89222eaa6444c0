"""Administrators, their custom roles, and four-eyes approval requests on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from p2pstock.adapters.sql.repository import Row, SqlRepository, sorted_list, split_list
from p2pstock.core.people.four_eyes import ApprovalRequest, ApprovalStatus
from p2pstock.core.people.permissions import Administrator, Permission, Role

# -- staff

_ROLES = "SELECT name, permissions, description FROM admin_role ORDER BY name"
_PUT_ROLE = (
    "INSERT INTO admin_role (name, permissions, description) VALUES (:name, :permissions, :description) "
    "ON CONFLICT (name) DO UPDATE SET permissions = excluded.permissions, description = excluded.description"
)
_ADMIN = "id, roles, active, telegram_user_id"
_SELECT_ADMIN = f"SELECT {_ADMIN} FROM administrator"
_PUT_ADMIN = (
    f"INSERT INTO administrator ({_ADMIN}) VALUES (:id, :roles, :active, :telegram_user_id) "
    "ON CONFLICT (id) DO UPDATE SET roles = excluded.roles, active = excluded.active, "
    "telegram_user_id = excluded.telegram_user_id"
)


class SqlStaff(SqlRepository):
    def custom_roles(self) -> dict[str, Role]:
        roles = (_role(row) for row in self._rows(_ROLES, {}))
        return {role.name: role for role in roles}

    def put_role(self, role: Role) -> None:
        row = {
            "name": role.name,
            "permissions": sorted_list(role.permissions),
            "description": role.description,
        }
        self._run(_PUT_ROLE, row)

    def get(self, admin_id: str, *, lock: bool = False) -> Administrator | None:
        row = self._first(f"{_SELECT_ADMIN} WHERE id = :key{self._for_update(lock)}", {"key": admin_id})
        return None if row is None else _admin(row)

    def by_telegram(self, telegram_user_id: int) -> Administrator | None:
        row = self._first(f"{_SELECT_ADMIN} WHERE telegram_user_id = :key", {"key": telegram_user_id})
        return None if row is None else _admin(row)

    def put(self, admin: Administrator) -> None:
        row = {
            "id": admin.id,
            "roles": sorted_list(admin.roles),
            "active": admin.active,
            "telegram_user_id": admin.telegram_user_id,
        }
        self._run(_PUT_ADMIN, row)

    def all(self) -> list[Administrator]:
        return [_admin(row) for row in self._rows(f"{_SELECT_ADMIN} ORDER BY id", {})]


def _role(row: Row) -> Role:
    return Role(row[0], frozenset(Permission(value) for value in split_list(row[1])), row[2])


def _admin(row: Row) -> Administrator:
    return Administrator(row[0], frozenset(split_list(row[1])), bool(row[2]), row[3])


# -- approvals

_REQUEST = (
    "id, permission, action, target, payload, amount, maker_id, created_at, expires_at, status, checker_id, "
    "decided_at, reason"
)
_SELECT_REQUEST = f"SELECT {_REQUEST} FROM approval_request"
_ADD_REQUEST = (
    f"INSERT INTO approval_request ({_REQUEST}) VALUES (:id, :permission, :action, :target, :payload, :amount, "
    ":maker_id, :created_at, :expires_at, :status, :checker_id, :decided_at, :reason)"
)
_SAVE_REQUEST = (
    "UPDATE approval_request SET permission = :permission, action = :action, target = :target, "
    "payload = :payload, amount = :amount, maker_id = :maker_id, created_at = :created_at, "
    "expires_at = :expires_at, status = :status, checker_id = :checker_id, decided_at = :decided_at, "
    "reason = :reason WHERE id = :id"
)
_PENDING = {
    (action, target): (
        f"{_SELECT_REQUEST} WHERE status = :status"
        + (" AND action = :action" if action else "")
        + (" AND target = :target" if target else "")
        + " ORDER BY created_at, id LIMIT :limit"
    )
    for action in (False, True)
    for target in (False, True)
}
_DECIDABLE = (
    f"{_SELECT_REQUEST} WHERE permission = :permission AND status = 'pending' AND maker_id <> :checker "
    "AND expires_at > :now ORDER BY created_at, id LIMIT :limit"
)


class SqlApprovals(SqlRepository):
    def get(self, request_id: str, *, lock: bool = False) -> ApprovalRequest | None:
        row = self._first(f"{_SELECT_REQUEST} WHERE id = :id{self._for_update(lock)}", {"id": request_id})
        return None if row is None else _request(row)

    def add(self, request: ApprovalRequest) -> None:
        self._run(_ADD_REQUEST, _request_row(request))

    def save(self, request: ApprovalRequest) -> None:
        self._change(_SAVE_REQUEST, _request_row(request), "approval request")

    def pending(self, limit: int, *, action: str = "", target: str = "") -> list[ApprovalRequest]:
        params = {"status": str(ApprovalStatus.PENDING), "action": action, "target": target, "limit": limit}
        rows = self._rows(_PENDING[bool(action), bool(target)], params)
        return [_request(row) for row in rows]

    def decidable(self, permission: str, checker_id: str, now: int, limit: int) -> list[ApprovalRequest]:
        params = {"permission": permission, "checker": checker_id, "now": now, "limit": limit}
        return [_request(row) for row in self._rows(_DECIDABLE, params)]


def _request_row(r: ApprovalRequest) -> dict[str, Any]:
    return {
        "id": r.id,
        "permission": str(r.permission),
        "action": r.action,
        "target": r.target,
        "payload": r.payload,
        "amount": r.amount,
        "maker_id": r.maker_id,
        "created_at": r.created_at,
        "expires_at": r.expires_at,
        "status": str(r.status),
        "checker_id": r.checker_id,
        "decided_at": r.decided_at,
        "reason": r.reason,
    }


def _request(row: Row) -> ApprovalRequest:
    return ApprovalRequest(
        id=row[0],
        permission=Permission(row[1]),
        action=row[2],
        target=row[3],
        payload=row[4],
        amount=row[5],
        maker_id=row[6],
        created_at=row[7],
        expires_at=row[8],
        status=ApprovalStatus(row[9]),
        checker_id=row[10],
        decided_at=row[11],
        reason=row[12],
    )
