"""Held payment orders and their resolution: what the gateway reported when it disagreed with the order,
who resolved the order (the maker and the checker), when and why; the queue of held orders by status.

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"

_COLUMNS = (
    ("reported_amount", sa.BigInteger, True, None),
    ("reported_currency", sa.String(3), False, ""),
    ("resolved_by", sa.String(200), False, ""),
    ("approved_by", sa.String(200), False, ""),
    ("resolved_at", sa.BigInteger, True, None),
    ("reason", sa.String(600), False, ""),
)


def upgrade() -> None:
    with op.batch_alter_table("payment_order") as table:
        for name, kind, nullable, default in _COLUMNS:
            server_default = None if default is None else sa.text("''")
            table.add_column(sa.Column(name, kind, nullable=nullable, server_default=server_default))
        table.create_check_constraint(
            "ck_payment_order_reported_positive", "reported_amount IS NULL OR reported_amount > 0"
        )
    op.create_index("ix_payment_order_status", "payment_order", ["status", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_payment_order_status", "payment_order")
    with op.batch_alter_table("payment_order") as table:
        table.drop_constraint("ck_payment_order_reported_positive", type_="check")
        for name, *_ in reversed(_COLUMNS):
            table.drop_column(name)
