"""P2P lending: loan products, loans, the investments in them and their borrower installments.

A product version and a loan are stored whole as JSON (``data``) beside the columns their queries need;
a loan's ``version`` column wins over the text. Investments and installments are plain rows. Indexes
serve the financing hall (listed loans, the newest first), a borrower's loans, the bidding deadline job,
a loan's and an investor's investments, and the unsettled installments falling due.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"

_ID = 200
_UNSETTLED = sa.text("settled_at IS NULL")


def upgrade() -> None:
    op.create_table(
        "loan_product",
        sa.Column("code", sa.String(48), primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("defined_at", sa.BigInteger, nullable=False),
        sa.Column("defined_by", sa.String(_ID), nullable=False),
        sa.Column("offered", sa.Boolean, nullable=False),
    )

    op.create_table(
        "loan",
        sa.Column("id", sa.String(_ID), primary_key=True),
        sa.Column("borrower_id", sa.String(_ID), nullable=False),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("listed_at", sa.BigInteger, nullable=True),
        sa.Column("deadline", sa.BigInteger, nullable=True),
        sa.Column("rate_bp", sa.Integer, nullable=False),
        sa.Column("months", sa.Integer, nullable=False),
        sa.Column("method", sa.String(32), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("data", sa.Text, nullable=False),
    )
    op.create_index("ix_loan_hall", "loan", ["status", "listed_at"])
    op.create_index("ix_loan_borrower", "loan", ["borrower_id", "created_at"])
    op.create_index("ix_loan_deadline", "loan", ["status", "deadline"])

    op.create_table(
        "loan_investment",
        sa.Column("id", sa.String(_ID), primary_key=True),
        sa.Column("loan_id", sa.String(_ID), nullable=False),
        sa.Column("investor_id", sa.String(_ID), nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("at", sa.BigInteger, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("principal_received", sa.BigInteger, nullable=False),
        sa.Column("interest_received", sa.BigInteger, nullable=False),
        sa.Column("penalty_received", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_loan_investment_loan", "loan_investment", ["loan_id", "at", "id"])
    op.create_index("ix_loan_investment_investor", "loan_investment", ["investor_id", "at"])

    op.create_table(
        "loan_installment",
        sa.Column("loan_id", sa.String(_ID), primary_key=True),
        sa.Column("number", sa.Integer, primary_key=True, autoincrement=False),  # 1, 2, … per loan
        sa.Column("due", sa.String(10), nullable=False),  # ISO date, as calendar_override.day
        sa.Column("principal", sa.BigInteger, nullable=False),
        sa.Column("interest", sa.BigInteger, nullable=False),
        sa.Column("paid_principal", sa.BigInteger, nullable=False),
        sa.Column("paid_interest", sa.BigInteger, nullable=False),
        sa.Column("paid_penalty", sa.BigInteger, nullable=False),
        sa.Column("settled_at", sa.BigInteger, nullable=True),
        sa.Column("penalty", sa.BigInteger, nullable=False),
        sa.Column("overdue_fen_days", sa.BigInteger, nullable=False),
        sa.Column("penalty_through", sa.String(10), nullable=True),
        sa.Column("reminded", sa.Boolean, nullable=False),
        sa.Column("overdue_told", sa.Boolean, nullable=False),
    )
    op.create_index(
        "ix_loan_installment_due",
        "loan_installment",
        ["due", "loan_id", "number"],
        sqlite_where=_UNSETTLED,
        postgresql_where=_UNSETTLED,
    )


def downgrade() -> None:
    op.drop_table("loan_installment")
    op.drop_table("loan_investment")
    op.drop_table("loan")
    op.drop_table("loan_product")
