"""Allocation products: every version of the rate table, kept.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"


def upgrade() -> None:
    op.create_table(
        "allocation_product",
        sa.Column("code", sa.String(48), primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("definition", sa.Text, nullable=False),
        sa.Column("defined_at", sa.BigInteger, nullable=False),
        sa.Column("defined_by", sa.String(200), nullable=False),
        sa.Column("offered", sa.Boolean, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("allocation_product")
