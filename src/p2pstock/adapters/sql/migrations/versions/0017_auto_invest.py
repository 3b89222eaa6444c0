"""The lending marketplace's auto-invest rules.

One row per investor: the terms they chose (an amount per loan or a share of the available balance in basis
points, the balance kept, term and rate ranges, the repayment methods and product codes as comma-separated
text, a cap per loan or none), whether the rule is active, and where it stands in the queue (when it last
fired, whether the investor was told their balance is too low). The index serves a listed loan's run: the
active rules whose term range holds the loan's.

Revision ID: 0017
Revises: 0016
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"

_ID = 200


def upgrade() -> None:
    op.create_table(
        "auto_invest_rule",
        sa.Column("investor_id", sa.String(_ID), primary_key=True),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("share_bp", sa.Integer, nullable=False),
        sa.Column("keep", sa.BigInteger, nullable=False),
        sa.Column("months_min", sa.Integer, nullable=False),
        sa.Column("months_max", sa.Integer, nullable=False),
        sa.Column("rate_min_bp", sa.Integer, nullable=False),
        sa.Column("rate_max_bp", sa.Integer, nullable=False),
        sa.Column("methods", sa.String(200), nullable=False),
        sa.Column("products", sa.String(1000), nullable=False),
        sa.Column("cap", sa.BigInteger, nullable=True),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("last_fired_at", sa.BigInteger, nullable=True),
        sa.Column("low_balance_told", sa.Boolean, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_index("ix_auto_invest_rule_term", "auto_invest_rule", ["active", "months_min", "months_max"])


def downgrade() -> None:
    op.drop_table("auto_invest_rule")
