"""The papers customers acknowledged (the lending risk disclosure, by version, and when), and the loans
whose agreement is still to be issued: ``loan.contract_due`` holds when a loan was disbursed until its
agreement's hash is recorded, so the jobs find a loan a crash left without one by an index. Filled from
``data`` for the loans stored before (a loan disbursed before agreements existed gets one).

Revision ID: 0019
Revises: 0018
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
_ID = 200
_DUE = "contract_due IS NOT NULL"


def upgrade() -> None:
    op.create_table(
        "acknowledgement",
        sa.Column("customer_id", sa.String(_ID), primary_key=True),
        sa.Column("paper", sa.String(64), primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("at", sa.BigInteger, nullable=False),
    )
    with op.batch_alter_table("loan") as table:
        table.add_column(sa.Column("contract_due", sa.BigInteger, nullable=True))
    op.create_index(
        "ix_loan_contract_due",
        "loan",
        ["contract_due", "id"],
        sqlite_where=sa.text(_DUE),
        postgresql_where=sa.text(_DUE),
    )
    connection = op.get_bind()
    for loan_id, data in connection.execute(sa.text("SELECT id, data FROM loan")).all():
        fields = json.loads(data)
        due = None if fields.get("contract_hash") else fields.get("disbursed_at")
        if due is not None:
            connection.execute(
                sa.text("UPDATE loan SET contract_due = :due WHERE id = :id"), {"due": due, "id": loan_id}
            )


def downgrade() -> None:
    op.drop_index("ix_loan_contract_due", "loan")
    with op.batch_alter_table("loan") as table:
        table.drop_column("contract_due")
    op.drop_table("acknowledgement")
