"""Reading and checking the audit trail: pages of records for administrators holding ``audit.view``,
and the chain check behind ``p2pstock audit verify``."""

from __future__ import annotations

from collections.abc import Iterator

import attrs

from p2pstock.core.audit import AuditRecord, ChainCheck, ChainHead, verify
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
            raise InvalidInput("after_seq must be a non-negative integer", code="after_seq_invalid")

        def look(tx: Tx) -> list[AuditRecord]:
            tx.admin(by, Permission.AUDIT_VIEW)
            return tx.uow.audit.records(after_seq, min(max(limit, 1), PAGE))

        return self.office.read(look)

    def verify(self, *, recorded: ChainHead | None = None) -> ChainCheck:
        """Walk the whole chain, checking its seals when the trail is keyed, and hold its end against the
        stored head and ``recorded`` (a head the operator kept elsewhere). The command line runs it."""
        walk = _Pages(self.office)
        return verify(walk, key=self.office.audit_key, stored_head=walk.stored_head, recorded=recorded)

    def verify_as(self, *, by: str) -> ChainCheck:
        """The same check, asked for by an administrator holding ``audit.view``."""
        self.office.read(lambda tx: tx.admin(by, Permission.AUDIT_VIEW))
        return self.verify()


@attrs.define
class _Pages:
    """The stored records in order, a page per read transaction, and then the stored head.

    Records are appended together with the head that names them, so a head read after the last record
    names that record or a later one. A later one is looked for again: found, the walk goes on (it was
    appended meanwhile); not found, it was deleted."""

    office: Backoffice
    seen: int = 0
    head: ChainHead | None = None

    def __iter__(self) -> Iterator[AuditRecord]:
        while True:
            page = self._page()
            yield from page
            if page:
                self.seen = page[-1].seq
            if len(page) == PAGE:
                continue
            head = self.office.read(lambda tx: tx.uow.audit.stored_head())
            if head.seq <= self.seen or not self._page(limit=1):
                self.head = head
                return

    def _page(self, limit: int = PAGE) -> list[AuditRecord]:
        return self.office.read(lambda tx: tx.uow.audit.records(self.seen, limit))

    def stored_head(self) -> ChainHead:
        if self.head is None:
            raise RuntimeError("the stored head is read once every record was walked")
        return self.head
