"""Hardening after the platform was attacked.

- ``audit_record.seal``: the HMAC of a record's hash under the audit key when the trail is keyed, else
  empty. Records written before stay unsealed and verify as they did (adding a column fires no trigger).

Revision ID: 0012
Revises: 0009
"""

from __future__ import annotations

import sqlite3

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0009"


def upgrade() -> None:
    if "seal" not in _columns("audit_record"):  # an older SQLite keeps it through a downgrade
        op.add_column("audit_record", sa.Column("seal", sa.String(64), nullable=False, server_default=""))


def downgrade() -> None:
    if _can_drop_columns():
        op.execute("ALTER TABLE audit_record DROP COLUMN seal")


def _columns(table: str) -> set[str]:
    return {column["name"] for column in sa.inspect(op.get_bind()).get_columns(table)}


def _can_drop_columns() -> bool:
    return op.get_bind().dialect.name != "sqlite" or sqlite3.sqlite_version_info >= (3, 35, 0)
