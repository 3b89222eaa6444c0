"""The graded alert ladder and the top-up deadline (``core.allocation.ladder``, ``top_up_deadline``): each
daily status says where it found and left its allocation on its product's ladder (``rung_before``,
``rung_after``; 0 above every rung) and the top-up deadline in force after it (``top_up_by``, microseconds;
null when none). The statuses stored before stand at rung 0 — no product had rungs — and carry no deadline:
an allocation in warning at the upgrade gets one when it next crosses into the warning.

The allocation row keeps the lines of its product's rungs (``rung_lines``: the amounts, highest first,
comma separated; empty without a ladder) beside the warning line, so that a statement of thousands of
statuses reads them without reading the allocation's text. The allocations stored before have none.

Revision ID: 0021
Revises: 0020
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"


def upgrade() -> None:
    with op.batch_alter_table("allocation_daily_status") as table:
        table.add_column(sa.Column("rung_before", sa.SmallInteger, nullable=False, server_default="0"))
        table.add_column(sa.Column("rung_after", sa.SmallInteger, nullable=False, server_default="0"))
        table.add_column(sa.Column("top_up_by", sa.BigInteger, nullable=True))
    with op.batch_alter_table("allocation") as table:
        table.add_column(sa.Column("rung_lines", sa.Text, nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("allocation") as table:
        table.drop_column("rung_lines")
    with op.batch_alter_table("allocation_daily_status") as table:
        for column in ("top_up_by", "rung_after", "rung_before"):
            table.drop_column(column)
