"""Approvals: the queue of administrative actions waiting for a second administrator (four eyes).

A request is opened by ``Tx.act`` when a rule applies; here another administrator holding the same
permission approves it — which carries out the action in the same transaction — or rejects it with a
reason. The maker can never decide their own request. Requests left pending past their time to live
are expired by ``expire_due`` (run by the scheduled jobs).
"""

from __future__ import annotations

import attrs

from p2pstock.core.backoffice import Backoffice, Tx, approval_state, expire_request
from p2pstock.core.errors import NotFound
from p2pstock.core.people.four_eyes import ApprovalRequest, ApprovalStatus
from p2pstock.core.people.permissions import permissions_of
from p2pstock.core.validation import check_id, check_reason


@attrs.define
class Approvals:
    office: Backoffice

    def consequences(self, request_id: str, *, by: str) -> dict[str, object]:
        """What carrying out the stored request ``request_id`` would do as things stand now (its action's
        ``Preview``; empty for an action that says no more than the request), for an administrator holding
        its permission."""

        def look(tx: Tx) -> dict[str, object]:
            request = tx.uow.approvals.get(check_id(request_id, "approval request id"))
            if request is None:
                raise NotFound(
                    f"no approval request {request_id}", code="approval_not_found", request=request_id
                )
            tx.admin(by, request.permission)
            preview = self.office.previews.get(request.action)
            return dict(preview(tx, request)) if preview else {}

        return self.office.read(look)

    def pending(self, *, by: str, limit: int = 50) -> list[ApprovalRequest]:
        """Requests waiting for a checker that ``by`` could decide (holding the permission, not the maker)."""

        def look(tx: Tx) -> list[ApprovalRequest]:
            admin = tx.uow.staff.get(check_id(by, "administrator id"))
            waiting = [
                request
                for permission in permissions_of(admin, tx.roles())
                for request in tx.uow.approvals.decidable(permission, by, tx.now, limit)
            ]
            return sorted(waiting, key=lambda r: (r.created_at, r.id))[:limit]

        return self.office.read(look)

    def get(self, request_id: str) -> ApprovalRequest:
        found = self.office.read(lambda tx: tx.uow.approvals.get(check_id(request_id, "approval request id")))
        if found is None:
            raise NotFound(f"no approval request {request_id}", code="approval_not_found", request=request_id)
        return found

    def approve(self, request_id: str, *, by: str) -> ApprovalRequest:
        """Agree as the second administrator: the action is carried out now, or nothing happens."""

        def approve(tx: Tx) -> ApprovalRequest:
            request = _locked(tx, request_id)
            checker = tx.admin(by, request.permission)
            if request.status is ApprovalStatus.APPROVED and request.checker_id == checker.id:
                return request  # a double tap
            decided = request.approve(checker, now=tx.now, roles=tx.roles())
            tx.replay(request, checker)
            return _decided(tx, request, decided)

        return self.office.run(approve)

    def reject(self, request_id: str, *, by: str, reason: str) -> ApprovalRequest:
        """Refuse as the second administrator, saying why; the action never happens."""
        why = check_reason(reason)

        def reject(tx: Tx) -> ApprovalRequest:
            request = _locked(tx, request_id)
            checker = tx.admin(by, request.permission)
            if request.status is ApprovalStatus.REJECTED and request.checker_id == checker.id:
                return request
            return _decided(tx, request, request.reject(checker, now=tx.now, roles=tx.roles(), reason=why))

        return self.office.run(reject)

    def expire_due(self, *, limit: int = 500) -> int:
        """Expire the pending requests whose time is up; the number expired."""

        def expire(tx: Tx) -> int:
            count = 0
            for request in tx.uow.approvals.pending(limit):
                locked = tx.uow.approvals.get(request.id, lock=True)
                if (
                    locked is not None
                    and locked.status is ApprovalStatus.PENDING
                    and locked.is_expired(tx.now)
                ):
                    expire_request(tx, locked)
                    count += 1
            return count

        return self.office.run(expire)


def _locked(tx: Tx, request_id: str) -> ApprovalRequest:
    request = tx.uow.approvals.get(check_id(request_id, "approval request id"), lock=True)
    if request is None:
        raise NotFound(f"no approval request {request_id}", code="approval_not_found", request=request_id)
    return request


def _decided(tx: Tx, before: ApprovalRequest, after: ApprovalRequest) -> ApprovalRequest:
    tx.uow.approvals.save(after)
    action = "approval.approve" if after.status is ApprovalStatus.APPROVED else "approval.reject"
    tx.audit(after.checker_id, action, after.id, before=approval_state(before), after=approval_state(after))
    return after
