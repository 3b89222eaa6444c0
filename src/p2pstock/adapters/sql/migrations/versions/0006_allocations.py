"""Allocations, their side requests, daily statuses and timelines.

An allocation is stored whole as JSON (``data``) beside the columns its queries need. Guards held by the
database: one running allocation per trading sub-account (a code is free again once its allocation is no
longer in progress); one row per allocation, trade day and revision of a daily status; one event per
allocation and sequence number, so two writers racing for the same number conflict.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"

_ID = 200
_RUNNING = sa.text("status = 'in_progress'")


def upgrade() -> None:
    op.create_table(
        "allocation",
        sa.Column("id", sa.String(_ID), primary_key=True),
        sa.Column("customer_id", sa.String(_ID), nullable=False),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("sub_account", sa.String(64), nullable=True),
        sa.Column("deadline", sa.BigInteger, nullable=False),
        sa.Column("next_fee_date", sa.String(10), nullable=True),  # ISO date, as calendar_override.day
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("data", sa.Text, nullable=False),
    )
    op.create_index(
        "uq_allocation_sub_account",
        "allocation",
        ["sub_account"],
        unique=True,
        sqlite_where=_RUNNING,
        postgresql_where=_RUNNING,
    )
    op.create_index("ix_allocation_customer", "allocation", ["customer_id", "created_at"])
    op.create_index("ix_allocation_status", "allocation", ["status", "id"])
    op.create_index("ix_allocation_fees_due", "allocation", ["status", "next_fee_date"])
    op.create_index("ix_allocation_deadline", "allocation", ["status", "deadline"])

    op.create_table(
        "allocation_side_request",
        sa.Column("id", sa.String(_ID), primary_key=True),
        sa.Column("allocation_id", sa.String(_ID), nullable=False),
        sa.Column("customer_id", sa.String(_ID), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("periods", sa.Integer, nullable=False),
        sa.Column("hold_id", sa.String(_ID), nullable=False),
        sa.Column("requested_at", sa.BigInteger, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("decided_by", sa.String(_ID), nullable=False),
        sa.Column("decided_at", sa.BigInteger, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
    )
    op.create_index(
        "ix_allocation_side_requests_allocation",
        "allocation_side_request",
        ["allocation_id", "requested_at"],
    )
    op.create_index(
        "ix_allocation_side_requests_status", "allocation_side_request", ["status", "requested_at"]
    )

    op.create_table(
        "allocation_daily_status",
        sa.Column("allocation_id", sa.String(_ID), primary_key=True),
        sa.Column("trade_date", sa.String(10), primary_key=True),
        sa.Column("revision", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("total_assets", sa.BigInteger, nullable=False),
        sa.Column("market_value", sa.BigInteger, nullable=False),
        sa.Column("cash_available", sa.BigInteger, nullable=False),
        sa.Column("cash_frozen", sa.BigInteger, nullable=False),
        sa.Column("cash_withdrawable", sa.BigInteger, nullable=False),
        sa.Column("daily_pnl", sa.BigInteger, nullable=False),
        sa.Column("floating_pnl", sa.BigInteger, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("entered_by", sa.String(_ID), nullable=False),
        sa.Column("entered_at", sa.BigInteger, nullable=False),
        sa.Column("ratio_bp", sa.BigInteger, nullable=False),
        sa.Column("risk_before", sa.String(16), nullable=False),
        sa.Column("risk_after", sa.String(16), nullable=False),
    )

    op.create_table(
        "allocation_event",
        sa.Column("allocation_id", sa.String(_ID), primary_key=True),
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),  # 1, 2, … per allocation
        sa.Column("at", sa.BigInteger, nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("actor", sa.String(_ID), nullable=False),
        sa.Column("data", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("allocation_event")
    op.drop_table("allocation_daily_status")
    op.drop_table("allocation_side_request")
    op.drop_table("allocation")
