"""Payment orders (deposits through gateways) and the frontends' UI state.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    op.create_table(
        "payment_order",
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column("customer_id", sa.String(64), nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("provider", sa.String(64), nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("transaction_id", sa.String(200), nullable=False),
        sa.Column("paid_at", sa.BigInteger, nullable=True),
        sa.CheckConstraint("amount > 0", name="ck_payment_order_amount_positive"),
    )
    op.create_index("ix_payment_order_customer", "payment_order", ["customer_id", "created_at"])
    op.create_table(
        "ui_state",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("ui_state")
    op.drop_table("payment_order")
