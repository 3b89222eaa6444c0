"""The audit trail on SQLite and PostgreSQL: ``audit_record`` rows that triggers keep from changing, and
the single ``audit_head`` row (the last sequence number and hash) that appenders lock to take turns and
``verify`` compares the chain's end with. A record's ``seal`` is empty unless the trail is keyed.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

from p2pstock.adapters.sql.repository import Row, SqlRepository
from p2pstock.core import trusted
from p2pstock.core.audit import AuditRecord, ChainHead
from p2pstock.core.errors import StorageError, TransientConflict

_RECORD = "seq, at, actor, action, target, before, after, previous_hash, hash, seal"
_HEAD = "SELECT seq, hash FROM audit_head WHERE id = 1"
_RECORD_AT = f"SELECT {_RECORD} FROM audit_record WHERE seq = :seq"
_RECORDS_AFTER = f"SELECT {_RECORD} FROM audit_record WHERE seq > :after ORDER BY seq LIMIT :limit"
_COLUMNS = tuple(_RECORD.split(", "))
_ADVANCE = (
    "UPDATE audit_head SET seq = :seq, hash = :hash WHERE id = 1 AND seq = :previous_seq "
    "AND hash = :previous_hash"
)


class SqlAuditLog(SqlRepository):
    """``head`` and ``append`` write (``head`` takes the lock); a read-only unit of work has ``records`` and
    ``stored_head`` only."""

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

    def append(self, records: Sequence[AuditRecord]) -> None:
        """Store ``records``, which must follow the head; otherwise the trail moved on meanwhile."""
        self._writing("append")
        if not records:
            return
        first, last = records[0], records[-1]
        advance = {
            "seq": last.seq,
            "hash": last.hash,
            "previous_seq": first.seq - 1,
            "previous_hash": first.previous_hash,
        }
        if int(self._run(_ADVANCE, advance).rowcount) != 1:
            raise TransientConflict("the audit trail moved on since its head was read")
        _check_chain(records)
        self._insert("audit_record", _COLUMNS, [_values(r) for r in records])

    def records(self, after_seq: int, limit: int) -> list[AuditRecord]:
        return [_record(row) for row in self._rows(_RECORDS_AFTER, {"after": after_seq, "limit": limit})]

    def stored_head(self) -> ChainHead:
        row = self._first(_HEAD, {})
        if row is None:
            raise StorageError("the audit head row is missing (revision 0002 inserts it)")
        return ChainHead(int(row[0]), str(row[1]))

    def _writing(self, operation: str) -> None:
        if self._readonly:
            raise RuntimeError(
                f"audit {operation}() needs a unit of work that writes (this one is read-only)"
            )


def _check_chain(records: Sequence[AuditRecord]) -> None:
    """Refuse records that do not follow one another (the head check covers only the first)."""
    for earlier, later in itertools.pairwise(records):
        if later.seq != earlier.seq + 1 or later.previous_hash != earlier.hash:
            raise TransientConflict(f"audit record {later.seq} does not follow record {earlier.seq}")


def _values(r: AuditRecord) -> Row:
    return (r.seq, r.at, r.actor, r.action, r.target, r.before, r.after, r.previous_hash, r.hash, r.seal)


def _record(row: Row) -> AuditRecord:
    # Not validated on the way back: whatever is stored must reach ``verify``, which reports a changed
    # record as a broken link rather than failing to read it.
    return trusted.build(AuditRecord, *row)
