"""An allocation's risk state is read from its statuses: the latest status's ``risk_after`` is the state, and
a status whose ``risk_before`` and ``risk_after`` differ is the timeline's ``risk`` line. A statement of
daily statuses so writes its status rows and no row per allocation that crossed a line.

- ``allocation.risk`` is dropped (on SQLite where the engine can drop a column, 3.35 and later; an older
  SQLite keeps it, unused). Statuses have always been written with the state they left, so the latest
  one holds the state the column held; where it does not (an allocation moved by hand in the database),
  the latest status is given the column's state, so that the allocation reads as it did.
- The ``risk`` events stored for a status — same allocation, day, revision, state before and after — are
  deleted: the timeline tells the same line from the status. Any other ``risk`` event stays and is told
  as before.

Downgrade puts both back: the column from the latest status (normal without one), and a ``risk`` event
for each status that changed the state and has none, at the status's time and numbered after the
allocation's other events.

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"

_LATEST = (
    "(SELECT t.trade_date, t.revision FROM allocation_daily_status t "
    "WHERE t.allocation_id = allocation_daily_status.allocation_id "
    "ORDER BY t.trade_date DESC, t.revision DESC LIMIT 1)"
)
_STORED_RISK = "(SELECT a.risk FROM allocation a WHERE a.id = allocation_daily_status.allocation_id)"
_CHANGES = (
    "SELECT allocation_id, trade_date, revision, risk_before, risk_after, entered_at, entered_by "
    "FROM allocation_daily_status WHERE risk_before <> risk_after"
)
_CHUNK = 500


def upgrade() -> None:
    if "risk" in _columns():
        op.execute(
            f"UPDATE allocation_daily_status SET risk_after = {_STORED_RISK} "
            f"WHERE (trade_date, revision) = {_LATEST} AND risk_after <> {_STORED_RISK}"
        )
    _delete_told_by_statuses()
    if "risk" in _columns() and _can_drop_columns():
        op.execute("ALTER TABLE allocation DROP COLUMN risk")


def downgrade() -> None:
    if "risk" not in _columns():
        op.add_column("allocation", sa.Column("risk", sa.String(16), nullable=False, server_default="normal"))
    latest = (
        "(SELECT s.risk_after FROM allocation_daily_status s WHERE s.allocation_id = allocation.id "
        "ORDER BY s.trade_date DESC, s.revision DESC LIMIT 1)"
    )
    op.execute(f"UPDATE allocation SET risk = coalesce({latest}, 'normal')")
    _store_risk_events()


def _changes() -> dict[tuple[str, str, int], tuple[str, str, int, str]]:
    """Each status that changed the state, by (allocation, day, revision): before, after, time, actor."""
    rows = op.get_bind().execute(sa.text(_CHANGES)).all()
    return {(a, day, revision): (before, after, at, by) for a, day, revision, before, after, at, by in rows}


def _stored_risk_events() -> list[tuple[str, int, dict[str, object]]]:
    rows = op.get_bind().execute(
        sa.text("SELECT allocation_id, seq, data FROM allocation_event WHERE kind = 'risk'")
    )
    events = []
    for allocation_id, seq, data in rows:
        try:
            told = json.loads(data)
        except ValueError:
            told = {}
        events.append((allocation_id, seq, told if isinstance(told, dict) else {}))
    return events


def _delete_told_by_statuses() -> None:
    changes = _changes()
    told = []
    for allocation_id, seq, data in _stored_risk_events():
        change = changes.get((allocation_id, str(data.get("day")), _revision(data)))
        if change is not None and change[:2] == (data.get("before"), data.get("after")):
            told.append({"allocation_id": allocation_id, "seq": seq})
    delete = sa.text("DELETE FROM allocation_event WHERE allocation_id = :allocation_id AND seq = :seq")
    for start in range(0, len(told), _CHUNK):
        op.get_bind().execute(delete, told[start : start + _CHUNK])


def _store_risk_events() -> None:
    connection = op.get_bind()
    stored = {(a, str(data.get("day")), _revision(data)) for a, _, data in _stored_risk_events()}
    last: defaultdict[str, int] = defaultdict(int)
    for allocation_id, seq in connection.execute(
        sa.text("SELECT allocation_id, max(seq) FROM allocation_event GROUP BY allocation_id")
    ):
        last[allocation_id] = int(seq)
    rows = []
    for key, (before, after, at, by) in sorted(_changes().items(), key=lambda item: (item[1][2], item[0])):
        if key in stored:
            continue
        allocation_id, day, revision = key
        last[allocation_id] += 1
        data = json.dumps(
            {"before": before, "after": after, "day": day, "revision": revision}, sort_keys=True
        )
        rows.append({"a": allocation_id, "seq": last[allocation_id], "at": at, "actor": by, "data": data})
    insert = sa.text(
        "INSERT INTO allocation_event (allocation_id, seq, at, kind, actor, data) "
        "VALUES (:a, :seq, :at, 'risk', :actor, :data)"
    )
    for start in range(0, len(rows), _CHUNK):
        connection.execute(insert, rows[start : start + _CHUNK])


def _revision(data: dict[str, object]) -> int:
    revision = data.get("revision")
    return revision if isinstance(revision, int) and not isinstance(revision, bool) else -1


def _columns() -> set[str]:
    return {column["name"] for column in sa.inspect(op.get_bind()).get_columns("allocation")}


def _can_drop_columns() -> bool:
    return op.get_bind().dialect.name != "sqlite" or sqlite3.sqlite_version_info >= (3, 35, 0)
