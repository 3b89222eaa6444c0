"""Hardening after the platform was attacked.

- ``audit_record.seal``: the HMAC of a record's hash under the audit key when the trail is keyed, else
  empty. Records written before stay unsealed and verify as they did (adding a column fires no trigger).
- ``allocation_statement``: each statement of daily statuses imported, under its identity (the caller's
  id, or ``sha256:`` and its content hash) and with its content hash, each unique, so that a statement
  imported again — or by two importers at once — is stored once.
- ``notification.secret``: what of a text must not outlive its delivery (a verification code), kept while
  it waits. Codes texted before are found by the templates' wording: masked in the texts already sent or
  given up, and kept as the secret of those still waiting, to be masked once they are done.

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import re
import sqlite3

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"


_ID = 200
_CODE_TEXTS = (
    re.compile(r"(?<=您的 p2pstock 验证码是 )[0-9]+(?=，)"),
    re.compile(r"(?<=Your p2pstock verification code is )[0-9]+(?=\.)"),
)
"""Where a verification code sits in the texts of the ``phone.code`` template (a copy of its wording as
it was: a revision must not change when the templates do)."""


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
    if "secret" not in _columns("notification"):
        op.add_column("notification", sa.Column("secret", sa.Text, nullable=False, server_default=""))
    _mask_codes_sent()


def _mask_codes_sent() -> None:
    """Mask the codes of code texts that are done; remember as the secret those of texts still waiting."""
    connection = op.get_bind()
    rows = connection.execute(
        sa.text("SELECT id, text, status FROM notification WHERE text LIKE :zh OR text LIKE :en"),
        {"zh": "%p2pstock 验证码是 %", "en": "%p2pstock verification code is %"},
    ).all()
    for notification_id, text, status in rows:
        codes = [found.group() for pattern in _CODE_TEXTS for found in pattern.finditer(text)]
        if not codes:
            continue
        if status == "pending":
            change = {"text": text, "secret": codes[0]}
        else:
            change = {"text": _masked(text), "secret": ""}
        connection.execute(
            sa.text("UPDATE notification SET text = :text, secret = :secret WHERE id = :id"),
            {**change, "id": notification_id},
        )


def _masked(text: str) -> str:
    for pattern in _CODE_TEXTS:
        text = pattern.sub(lambda found: "*" * len(found.group()), text)
    return text


def downgrade() -> None:
    op.drop_table("allocation_statement")
    if _can_drop_columns():
        op.execute("ALTER TABLE audit_record DROP COLUMN seal")
        op.execute("ALTER TABLE notification DROP COLUMN secret")


def _columns(table: str) -> set[str]:
    return {column["name"] for column in sa.inspect(op.get_bind()).get_columns(table)}


def _can_drop_columns() -> bool:
    return op.get_bind().dialect.name != "sqlite" or sqlite3.sqlite_version_info >= (3, 35, 0)
