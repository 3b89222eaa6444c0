"""Trading-calendar overrides set by administrators.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"


def upgrade() -> None:
    op.create_table(
        "calendar_override",
        sa.Column("day", sa.String(10), primary_key=True),
        sa.Column("trades", sa.Boolean, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("set_by", sa.String(200), nullable=False),
        sa.Column("set_at", sa.BigInteger, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("calendar_override")
