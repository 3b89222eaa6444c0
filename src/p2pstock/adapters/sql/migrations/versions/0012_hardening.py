"""Hardening after the platform was attacked.

- ``audit_record.seal``: the HMAC of a record's hash under the audit key when the trail is keyed, else
  empty. Records written before stay unsealed and verify as they did (adding a column fires no trigger).
- ``allocation_statement``: each statement of daily statuses imported, under its identity (the caller's
  id, or ``sha256:`` and its content hash) and with its content hash, each unique, so that a statement
  imported again — or by two importers at once — is stored once.

Revision ID: 0012
Revises: 0009
"""

from __future__ import annotations

import sqlite3

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0009"


_ID = 200


def upgrade() -> None:
    if "seal" not in _columns("audit_record"):  # an older SQLite keeps it through a downgrade
        op.add_column("audit_record", sa.Column("seal", sa.String(64), nullable=False, server_default=""))
    op.create_table(
        "allocation_statement",
        sa.Column("id", sa.String(_ID), primary_key=True),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("row_count", sa.Integer, nullable=False),
        sa.Column("imported_by", sa.String(_ID), nullable=False),
        sa.Column("imported_at", sa.BigInteger, nullable=False),
        sa.UniqueConstraint("sha256", name="uq_allocation_statement_sha256"),
    )


def downgrade() -> None:
    op.drop_table("allocation_statement")
    if _can_drop_columns():
        op.execute("ALTER TABLE audit_record DROP COLUMN seal")


def _columns(table: str) -> set[str]:
    return {column["name"] for column in sa.inspect(op.get_bind()).get_columns(table)}


def _can_drop_columns() -> bool:
    return op.get_bind().dialect.name != "sqlite" or sqlite3.sqlite_version_info >= (3, 35, 0)
