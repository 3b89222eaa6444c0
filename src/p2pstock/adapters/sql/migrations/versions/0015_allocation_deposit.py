"""An allocation's deposit D as a column of its row, beside the lines and B it already holds: a statement
of thousands of statuses tells each customer their profit or loss against the start (B + D) without
reading the allocation's whole text. Filled from ``data`` for the allocations stored before.

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"


def upgrade() -> None:
    with op.batch_alter_table("allocation") as table:
        table.add_column(sa.Column("deposit", sa.BigInteger, nullable=False, server_default="0"))
    connection = op.get_bind()
    for allocation_id, data in connection.execute(sa.text("SELECT id, data FROM allocation")).all():
        deposit = json.loads(data).get("deposit", 0)
        connection.execute(
            sa.text("UPDATE allocation SET deposit = :deposit WHERE id = :id"),
            {"deposit": deposit, "id": allocation_id},
        )


def downgrade() -> None:
    with op.batch_alter_table("allocation") as table:
        table.drop_column("deposit")
