"""Reading and checking the audit trail: pages of records for administrators holding ``audit.view``,
and the chain check behind ``p2pstock audit verify``."""

from __future__ import annotations

from collections.abc import Iterator

import attrs

from p2pstock.core.audit import AuditRecord, ChainCheck, verify
from p2pstock.core.backoffice import Backoffice, Tx
from p2pstock.core.errors import InvalidInput
from p2pstock.core.people.permissions import Permission

PAGE = 1000


@attrs.define
class AuditTrail:
    office: Backoffice

    def records(self, *, by: str, after_seq: int = 0, limit: int = 50) -> list[AuditRecord]:
        """Up to ``limit`` records after ``after_seq``, oldest first."""
        if isinstance(after_seq, bool) or not isinstance(after_seq, int) or after_seq < 0:
            raise InvalidInput("after_seq must be a non-negative integer")

        def look(tx: Tx) -> list[AuditRecord]:
            tx.admin(by, Permission.AUDIT_VIEW)
            return tx.uow.audit.records(after_seq, min(max(limit, 1), PAGE))

        return self.office.read(look)

    def verify(self) -> ChainCheck:
        """Walk the whole chain (the operator's check: the command line runs it)."""
        return verify(self._all())

    def verify_as(self, *, by: str) -> ChainCheck:
        """The same check, asked for by an administrator holding ``audit.view``."""
        self.office.read(lambda tx: tx.admin(by, Permission.AUDIT_VIEW))
        return self.verify()

    def _all(self) -> Iterator[AuditRecord]:
        after = 0
        while True:
            page = self.office.read(lambda tx: tx.uow.audit.records(after, PAGE))  # noqa: B023 - read at once
            yield from page
            if len(page) < PAGE:
                return
            after = page[-1].seq
