"""The lending marketplace's debt transfer listings and purchases.

A listing (债权转让) is a plain row of its terms, priced when it was listed, and its state; a holding has
at most one open listing (a partial unique index). Indexes serve the transfer hall (open listings, the
newest first), a seller's listings, the expiry job, and a listing's purchases.

Revision ID: 0018
Revises: 0017
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"

_ID = 200
_OPEN = sa.text("status = 'open'")


def upgrade() -> None:
    op.create_table(
        "transfer_listing",
        sa.Column("id", sa.String(_ID), primary_key=True),
        sa.Column("loan_id", sa.String(_ID), nullable=False),
        sa.Column("investment_id", sa.String(_ID), nullable=False),
        sa.Column("seller_id", sa.String(_ID), nullable=False),
        sa.Column("principal", sa.BigInteger, nullable=False),
        sa.Column("accrued", sa.BigInteger, nullable=False),
        sa.Column("premium_bp", sa.Integer, nullable=False),
        sa.Column("price", sa.BigInteger, nullable=False),
        sa.Column("fee", sa.BigInteger, nullable=False),
        sa.Column("installments_left", sa.Integer, nullable=False),
        sa.Column("payments_seen", sa.Integer, nullable=False),
        sa.Column("listed_at", sa.BigInteger, nullable=False),
        sa.Column("expires_at", sa.BigInteger, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("sold", sa.BigInteger, nullable=False),
        sa.Column("closed_at", sa.BigInteger, nullable=True),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_index("ix_transfer_listing_hall", "transfer_listing", ["status", "listed_at"])
    op.create_index("ix_transfer_listing_expiry", "transfer_listing", ["status", "expires_at"])
    op.create_index("ix_transfer_listing_seller", "transfer_listing", ["seller_id", "listed_at"])
    op.create_index(
        "ux_transfer_listing_open",
        "transfer_listing",
        ["investment_id"],
        unique=True,
        sqlite_where=_OPEN,
        postgresql_where=_OPEN,
    )

    op.create_table(
        "transfer_purchase",
        sa.Column("id", sa.String(_ID), primary_key=True),
        sa.Column("listing_id", sa.String(_ID), nullable=False),
        sa.Column("loan_id", sa.String(_ID), nullable=False),
        sa.Column("seller_id", sa.String(_ID), nullable=False),
        sa.Column("buyer_id", sa.String(_ID), nullable=False),
        sa.Column("investment_id", sa.String(_ID), nullable=False),
        sa.Column("principal", sa.BigInteger, nullable=False),
        sa.Column("price", sa.BigInteger, nullable=False),
        sa.Column("fee", sa.BigInteger, nullable=False),
        sa.Column("at", sa.BigInteger, nullable=False),
        sa.Column("contract", sa.String(_ID), nullable=False, server_default=""),
        sa.Column("contract_hash", sa.String(64), nullable=False, server_default=""),
    )
    op.create_index("ix_transfer_purchase_listing", "transfer_purchase", ["listing_id", "at", "id"])


def downgrade() -> None:
    op.drop_table("transfer_purchase")
    op.drop_table("transfer_listing")
