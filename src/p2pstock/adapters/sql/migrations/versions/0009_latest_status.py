"""An allocation's latest status is read from ``allocation_daily_status``: the allocation row keeps its risk
state, and the profit withdrawn since a status together with that status's day (``withdrawn_status_date``),
so that a later day's status frees it without touching the row. A statement of thousands of statuses then
writes its status rows and moves only the allocations whose risk state changed.

Writers of statuses take turns on the one row of ``allocation_status_turn`` (PostgreSQL; a SQLite writer
holds the whole database already), so that each reads the statuses the one before it stored.

The columns that copied the latest status onto the allocation row (``risk_before_day``,
``last_status_date``, ``last_assets``, ``last_withdrawable``) are dropped — on SQLite where the engine can
drop a column (3.35 and later); an older SQLite keeps them, unused.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlite3

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"

_COPIES = ("risk_before_day", "last_status_date", "last_assets", "last_withdrawable")
_LATEST = (
    "(SELECT s.{column} FROM allocation_daily_status s WHERE s.allocation_id = allocation.id "
    "ORDER BY s.trade_date DESC, s.revision DESC LIMIT 1)"
)


def upgrade() -> None:
    turn = op.create_table("allocation_status_turn", sa.Column("id", sa.Integer, primary_key=True))
    op.bulk_insert(turn, [{"id": 1}])
    if "withdrawn_status_date" not in _columns():  # an older SQLite keeps it through a downgrade
        op.add_column("allocation", sa.Column("withdrawn_status_date", sa.String(10), nullable=True))
    op.execute("UPDATE allocation SET withdrawn_status_date = last_status_date")
    if _can_drop_columns():
        for column in _COPIES:
            op.execute(f"ALTER TABLE allocation DROP COLUMN {column}")


def downgrade() -> None:
    op.drop_table("allocation_status_turn")
    existing = _columns()
    columns = (
        sa.Column("risk_before_day", sa.String(16), nullable=False, server_default="normal"),
        sa.Column("last_status_date", sa.String(10), nullable=True),
        sa.Column("last_assets", sa.BigInteger, nullable=True),
        sa.Column("last_withdrawable", sa.BigInteger, nullable=False, server_default="0"),
    )
    for column in columns:
        if column.name not in existing:
            op.add_column("allocation", column)
    first_of_day = (
        "(SELECT s.risk_before FROM allocation_daily_status s WHERE s.allocation_id = allocation.id "
        "AND s.trade_date = allocation.last_status_date AND s.revision = 1)"
    )
    op.execute(
        f"UPDATE allocation SET last_status_date = {_LATEST.format(column='trade_date')}, "
        f"last_assets = {_LATEST.format(column='total_assets')}, "
        f"last_withdrawable = coalesce({_LATEST.format(column='cash_withdrawable')}, 0)"
    )
    op.execute(f"UPDATE allocation SET risk_before_day = coalesce({first_of_day}, risk)")
    op.execute(
        "UPDATE allocation SET withdrawn_since_status = 0 WHERE withdrawn_status_date IS NULL "
        "OR last_status_date IS NULL OR withdrawn_status_date <> last_status_date"
    )
    if _can_drop_columns():
        op.execute("ALTER TABLE allocation DROP COLUMN withdrawn_status_date")


def _columns() -> set[str]:
    return {column["name"] for column in sa.inspect(op.get_bind()).get_columns("allocation")}


def _can_drop_columns() -> bool:
    return op.get_bind().dialect.name != "sqlite" or sqlite3.sqlite_version_info >= (3, 35, 0)
