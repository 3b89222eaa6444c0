"""Years of exchange closures loaded by administrators, every version kept (immutable rows), and marks of
notices told once (the weekly warning of an unknown year, a dispute between calendar sources).

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"


def upgrade() -> None:
    op.create_table(
        "calendar_year",
        sa.Column("year", sa.Integer, primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("closed", sa.Text, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("loaded_by", sa.String(200), nullable=False),
        sa.Column("loaded_at", sa.BigInteger, nullable=False),
        sa.CheckConstraint("version >= 1", name="ck_calendar_year_version"),
    )
    _make_immutable("calendar_year")
    op.create_table(
        "notice_mark",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("at", sa.BigInteger, nullable=False),
    )


def _make_immutable(table: str) -> None:
    """The same guard as revision 0001's (a copy: a revision must not change when a later one does)."""
    if op.get_bind().dialect.name == "sqlite":
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} rows are immutable'); END"
            )
        return
    op.execute(
        f"CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION p2pstock_immutable()"
    )
    op.execute(
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} EXECUTE FUNCTION p2pstock_immutable()"
    )


def downgrade() -> None:
    op.drop_table("notice_mark")
    op.drop_table("calendar_year")
