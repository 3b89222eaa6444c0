"""What the lending marketplace adds to an investment and an installment: the principal an investor sold
on (债权转让) or lost to a write-off (核销) and how the investment was made (by hand, by an auto-invest
rule, bought from another investor); when the guarantee reserve advanced an installment (垫付), how much,
and what of it the reserve recovered since.

Revision ID: 0016
Revises: 0015
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"


def upgrade() -> None:
    with op.batch_alter_table("loan_investment") as table:
        table.add_column(sa.Column("sold", sa.BigInteger, nullable=False, server_default="0"))
        table.add_column(sa.Column("written_off", sa.BigInteger, nullable=False, server_default="0"))
        table.add_column(sa.Column("origin", sa.String(80), nullable=False, server_default=""))
    with op.batch_alter_table("loan_installment") as table:
        table.add_column(sa.Column("advanced_at", sa.BigInteger, nullable=True))
        table.add_column(sa.Column("advanced", sa.BigInteger, nullable=False, server_default="0"))
        table.add_column(sa.Column("recovered", sa.BigInteger, nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("loan_installment") as table:
        for column in ("recovered", "advanced", "advanced_at"):
            table.drop_column(column)
    with op.batch_alter_table("loan_investment") as table:
        for column in ("origin", "written_off", "sold"):
            table.drop_column(column)
