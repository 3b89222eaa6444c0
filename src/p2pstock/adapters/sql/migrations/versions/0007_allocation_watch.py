"""What daily statuses need of an allocation, and what they move, as columns of its row: a statement of
thousands of statuses reads and writes these alone, not the allocation's whole text. The watched columns
win over the same fields in ``data``.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"


def _columns() -> tuple[sa.Column[object], ...]:
    return (
        sa.Column("start_date", sa.String(10), nullable=True),
        sa.Column("warning_line", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("liquidation_line", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("allocated", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("fees_unpaid", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("risk", sa.String(16), nullable=False, server_default="normal"),
        sa.Column("risk_before_day", sa.String(16), nullable=False, server_default="normal"),
        sa.Column("last_status_date", sa.String(10), nullable=True),
        sa.Column("last_assets", sa.BigInteger, nullable=True),
        sa.Column("last_withdrawable", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("withdrawn_since_status", sa.BigInteger, nullable=False, server_default="0"),
    )


def upgrade() -> None:
    with op.batch_alter_table("allocation") as table:
        for column in _columns():
            table.add_column(column)
    connection = op.get_bind()
    names = [column.name for column in _columns()]
    for allocation_id, data in connection.execute(sa.text("SELECT id, data FROM allocation")).all():
        fields = json.loads(data)
        values = {name: fields.get(name) for name in names}
        values["risk_before_day"] = values["risk_before_day"] or "normal"
        values["withdrawn_since_status"] = values["withdrawn_since_status"] or 0
        assignments = ", ".join(f"{name} = :{name}" for name in names)
        connection.execute(
            sa.text(f"UPDATE allocation SET {assignments} WHERE id = :id"), {**values, "id": allocation_id}
        )


def downgrade() -> None:
    with op.batch_alter_table("allocation") as table:
        for column in reversed(_columns()):
            table.drop_column(column.name)
