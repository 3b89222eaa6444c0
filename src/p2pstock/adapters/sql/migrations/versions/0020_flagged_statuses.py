"""Implausible daily statuses held for a second administrator (``core.allocation.plausibility``): each status
says why it was held (``flag``: ``jump`` or ``pnl_mismatch``, empty when it was plausible), where it stands
(``review``: empty for a status never held, ``held``, ``confirmed`` or ``rejected``), who decided it
(``reviewed_by``) and the total assets it was compared with (``compared_with``). Only a status whose review
is empty or ``confirmed`` is in effect; the statuses stored before are all in effect, as they were.
Downgrade deletes the statuses not in effect, which the earlier schema could not tell from the others.

The statuses waiting for a decision, and those not in effect (which a new status of their day must count
to find its revision), are found by a partial index on the few rows held or rejected.

The allocation row keeps its product's ``implausible_move_pct`` and ``pnl_tolerance_pct`` beside the lines
and B, so that a statement of thousands of statuses checks each without reading the allocation's text. The
allocations stored before read their product's defaults (30 and 5), which their products held unsaid.

Revision ID: 0020
Revises: 0019
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
_ID = 200
_NOT_IN_EFFECT = "review IN ('held', 'rejected')"


def upgrade() -> None:
    with op.batch_alter_table("allocation_daily_status") as table:
        table.add_column(sa.Column("flag", sa.String(16), nullable=False, server_default=""))
        table.add_column(sa.Column("review", sa.String(16), nullable=False, server_default=""))
        table.add_column(sa.Column("reviewed_by", sa.String(_ID), nullable=False, server_default=""))
        table.add_column(sa.Column("compared_with", sa.BigInteger, nullable=True))
    with op.batch_alter_table("allocation") as table:
        table.add_column(sa.Column("implausible_move_pct", sa.Integer, nullable=False, server_default="30"))
        table.add_column(sa.Column("pnl_tolerance_pct", sa.Integer, nullable=False, server_default="5"))
    op.create_index(
        "ix_status_not_in_effect",
        "allocation_daily_status",
        ["review", "entered_at"],
        sqlite_where=sa.text(_NOT_IN_EFFECT),
        postgresql_where=sa.text(_NOT_IN_EFFECT),
    )


def downgrade() -> None:
    op.execute(f"DELETE FROM allocation_daily_status WHERE {_NOT_IN_EFFECT}")
    op.drop_index("ix_status_not_in_effect", "allocation_daily_status")
    with op.batch_alter_table("allocation") as table:
        table.drop_column("pnl_tolerance_pct")
        table.drop_column("implausible_move_pct")
    with op.batch_alter_table("allocation_daily_status") as table:
        for column in ("compared_with", "reviewed_by", "review", "flag"):
            table.drop_column(column)
