"""The papers customers acknowledged (the lending risk disclosure, by version, and when), and the agreements
still to be issued: ``loan.contract_due`` holds when a loan was disbursed until its agreement's hash is
recorded, and a debt purchase without a hash is found by a partial index, so the jobs find what a crash
left without one. ``loan.contract_due`` is filled from ``data`` for the loans stored before (a loan
disbursed before agreements existed gets one). A customer's purchases, bought or sold, are found by two
indexes (their agreements, in the bot).

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
_UNISSUED = "contract_hash = ''"


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
    op.create_index(
        "ix_transfer_purchase_contract_due",
        "transfer_purchase",
        ["at", "id"],
        sqlite_where=sa.text(_UNISSUED),
        postgresql_where=sa.text(_UNISSUED),
    )
    op.create_index("ix_transfer_purchase_buyer", "transfer_purchase", ["buyer_id", "at"])
    op.create_index("ix_transfer_purchase_seller", "transfer_purchase", ["seller_id", "at"])
    connection = op.get_bind()
    for loan_id, data in connection.execute(sa.text("SELECT id, data FROM loan")).all():
        fields = json.loads(data)
        due = None if fields.get("contract_hash") else fields.get("disbursed_at")
        if due is not None:
            connection.execute(
                sa.text("UPDATE loan SET contract_due = :due WHERE id = :id"), {"due": due, "id": loan_id}
            )


def downgrade() -> None:
    for index in (
        "ix_transfer_purchase_seller",
        "ix_transfer_purchase_buyer",
        "ix_transfer_purchase_contract_due",
    ):
        op.drop_index(index, "transfer_purchase")
    op.drop_index("ix_loan_contract_due", "loan")
    with op.batch_alter_table("loan") as table:
        table.drop_column("contract_due")
    op.drop_table("acknowledgement")
