"""What the customer has in an allocation at book — the deposit D, plus its top-ups, less the profit
withdrawn (``Allocation.stake``) — as a column of its row, beside the lines and B it already holds: a
statement of thousands of statuses tells each customer their profit or loss (A − B − stake, what a
settlement books as the market's result) without reading the allocation's whole text. Filled from ``data``
for the allocations stored before.

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
        table.add_column(sa.Column("stake", sa.BigInteger, nullable=False, server_default="0"))
    connection = op.get_bind()
    for allocation_id, data in connection.execute(sa.text("SELECT id, data FROM allocation")).all():
        fields = json.loads(data)
        top_ups = sum(amount for _, amount in fields.get("top_up_holds", []))
        stake = fields.get("deposit", 0) + top_ups - fields.get("profit_withdrawn", 0)
        connection.execute(
            sa.text("UPDATE allocation SET stake = :stake WHERE id = :id"),
            {"stake": stake, "id": allocation_id},
        )


def downgrade() -> None:
    with op.batch_alter_table("allocation") as table:
        table.drop_column("stake")
