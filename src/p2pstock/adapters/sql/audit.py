"""The audit trail on SQLite and PostgreSQL: ``audit_record`` rows that triggers keep from changing, and
the single ``audit_head`` row (the last sequence number and hash) that appenders lock to take turns.
"""

from __future__ import annotations

from typing import Any

from p2pstock.adapters.sql.repository import Row, SqlRepository
from p2pstock.core import trusted
from p2pstock.core.audit import AuditRecord
from p2pstock.core.errors import StorageError, TransientConflict

_RECORD = "seq, at, actor, action, target, before, after, previous_hash, hash"
_HEAD = "SELECT seq, hash FROM audit_head WHERE id = 1"
_RECORD_AT = f"SELECT {_RECORD} FROM audit_record WHERE seq = :seq"
_RECORDS_AFTER = f"SELECT {_RECORD} FROM audit_record WHERE seq > :after ORDER BY seq LIMIT :limit"
_ADD = (
    f"INSERT INTO audit_record ({_RECORD}) VALUES (:seq, :at, :actor, :action, :target, :before, :after, "
    ":previous_hash, :hash)"
)
_ADVANCE = (
    "UPDATE audit_head SET seq = :seq, hash = :hash WHERE id = 1 AND seq = :previous_seq "
    "AND hash = :previous_hash"
)


class SqlAuditLog(SqlRepository):
    """``head`` and ``append`` write (``head`` takes the lock); a read-only unit of work has ``records`` only."""

    def __init__(self, cursor: Any, dialect: str, *, readonly: bool = False) -> None:
        super().__init__(cursor, dialect)
        self._readonly = readonly

    def head(self) -> AuditRecord | None:
        self._writing("head")
        row = self._first(_HEAD + self._for_update(True), {})
        if row is None:
            raise StorageError("the audit head row is missing (revision 0002 inserts it)")
        if row[0] == 0:
            return None
        record = self._first(_RECORD_AT, {"seq": row[0]})
        if record is None:
            raise StorageError(f"the audit head names record {row[0]}, which is not stored")
        return _record(record)

    def append(self, record: AuditRecord) -> None:
        """Store ``record``, which must follow the head; otherwise the trail moved on meanwhile."""
        self._writing("append")
        advance = {
            "seq": record.seq,
            "hash": record.hash,
            "previous_seq": record.seq - 1,
            "previous_hash": record.previous_hash,
        }
        if int(self._run(_ADVANCE, advance).rowcount) != 1:
            raise TransientConflict("the audit trail moved on since its head was read")
        self._run(_ADD, _record_row(record))

    def records(self, after_seq: int, limit: int) -> list[AuditRecord]:
        return [_record(row) for row in self._rows(_RECORDS_AFTER, {"after": after_seq, "limit": limit})]

    def _writing(self, operation: str) -> None:
        if self._readonly:
            raise RuntimeError(
                f"audit {operation}() needs a unit of work that writes (this one is read-only)"
            )


def _record_row(r: AuditRecord) -> dict[str, Any]:
    return {
        "seq": r.seq,
        "at": r.at,
        "actor": r.actor,
        "action": r.action,
        "target": r.target,
        "before": r.before,
        "after": r.after,
        "previous_hash": r.previous_hash,
        "hash": r.hash,
    }


def _record(row: Row) -> AuditRecord:
    # Not validated on the way back: whatever is stored must reach ``verify``, which reports a changed
    # record as a broken link rather than failing to read it.
    return trusted.build(AuditRecord, *row)
