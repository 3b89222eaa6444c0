"""People and their paper trail: customers, phone codes, documents, staff, approvals, audit, outbox.

Guards held by the database itself: one customer per Telegram account, per resident identity number and
per verified phone number; one administrator per Telegram account; audit records never updated or
deleted, each sequence number used once. ``audit_head`` holds the last record's sequence number and hash
in its single row; appenders lock that row, so they take turns.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"

_ID = 200
_GENESIS_HASH = "0" * 64
_TABLES = (
    "notification",
    "audit_head",
    "audit_record",
    "approval_request",
    "administrator",
    "admin_role",
    "customer_document",
    "phone_code",
    "customer",
)


def upgrade() -> None:
    _customers()
    _phone_codes()
    _documents()
    _staff()
    _approvals()
    _audit()
    _notifications()


def _customers() -> None:
    op.create_table(
        "customer",
        sa.Column("id", sa.String(_ID), primary_key=True),
        sa.Column("telegram_user_id", sa.BigInteger, nullable=True),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("phone", sa.String(16), nullable=False),
        sa.Column("real_name", sa.Text, nullable=False),
        sa.Column("resident_id", sa.String(18), nullable=True),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("rejection_reason", sa.Text, nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.UniqueConstraint("telegram_user_id", name="uq_customer_telegram_user_id"),
        sa.UniqueConstraint("resident_id", name="uq_customer_resident_id"),
    )
    verified = sa.text("phone <> ''")  # "" means no verified number yet, which many customers share
    op.create_index(
        "uq_customer_phone",
        "customer",
        ["phone"],
        unique=True,
        sqlite_where=verified,
        postgresql_where=verified,
    )
    op.create_index("ix_customer_status", "customer", ["status", "created_at"])


def _phone_codes() -> None:
    op.create_table(
        "phone_code",
        sa.Column("phone", sa.String(16), primary_key=True),
        sa.Column("customer_id", sa.String(_ID), nullable=False),
        sa.Column("code_hash", sa.String(128), nullable=False),
        sa.Column("salt", sa.String(64), nullable=False),
        sa.Column("issued_at", sa.BigInteger, nullable=False),
        sa.Column("expires_at", sa.BigInteger, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("used", sa.Boolean, nullable=False),
        sa.Column("sent", sa.Text, nullable=False),
    )


def _documents() -> None:
    op.create_table(
        "customer_document",
        sa.Column("id", sa.String(_ID), primary_key=True),
        sa.Column("customer_id", sa.String(_ID), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("content_type", sa.String(32), nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("uploaded_at", sa.BigInteger, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reviewed_by", sa.String(_ID), nullable=False),
        sa.Column("reviewed_at", sa.BigInteger, nullable=True),
        sa.Column("reason", sa.Text, nullable=False),
    )
    op.create_index("ix_customer_document_customer", "customer_document", ["customer_id", "uploaded_at"])
    op.create_index("ix_customer_document_status", "customer_document", ["status", "uploaded_at"])


def _staff() -> None:
    op.create_table(
        "admin_role",
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("permissions", sa.Text, nullable=False),
        sa.Column("description", sa.Text, nullable=False),
    )
    op.create_table(
        "administrator",
        sa.Column("id", sa.String(_ID), primary_key=True),
        sa.Column("roles", sa.Text, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("telegram_user_id", sa.BigInteger, nullable=True),
        sa.UniqueConstraint("telegram_user_id", name="uq_administrator_telegram_user_id"),
    )


def _approvals() -> None:
    op.create_table(
        "approval_request",
        sa.Column("id", sa.String(_ID), primary_key=True),
        sa.Column("permission", sa.String(48), nullable=False),
        sa.Column("action", sa.String(48), nullable=False),
        sa.Column("target", sa.String(_ID), nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=True),
        sa.Column("maker_id", sa.String(_ID), nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("expires_at", sa.BigInteger, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("checker_id", sa.String(_ID), nullable=False),
        sa.Column("decided_at", sa.BigInteger, nullable=True),
        sa.Column("reason", sa.Text, nullable=False),
    )
    op.create_index("ix_approval_request_status", "approval_request", ["status", "created_at"])
    op.create_index("ix_approval_request_action", "approval_request", ["action", "target", "status"])
    pending = sa.text("status = 'pending'")  # one waiting request per action and target, however many taps
    op.create_index(
        "ux_approval_request_pending",
        "approval_request",
        ["action", "target"],
        unique=True,
        sqlite_where=pending,
        postgresql_where=pending,
    )
    op.create_index("ix_approval_request_queue", "approval_request", ["permission", "status", "created_at"])


def _audit() -> None:
    op.create_table(
        "audit_record",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),  # assigned by the chain
        sa.Column("at", sa.BigInteger, nullable=False),
        sa.Column("actor", sa.String(_ID), nullable=False),
        sa.Column("action", sa.String(48), nullable=False),
        sa.Column("target", sa.String(_ID), nullable=False),
        sa.Column("before", sa.Text, nullable=False),
        sa.Column("after", sa.Text, nullable=False),
        sa.Column("previous_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.CheckConstraint("seq > 0", name="ck_audit_record_seq_positive"),
    )
    _make_immutable("audit_record")
    head = op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.CheckConstraint("id = 1", name="ck_audit_head_single_row"),
    )
    op.bulk_insert(head, [{"id": 1, "seq": 0, "hash": _GENESIS_HASH}])


def _notifications() -> None:
    op.create_table(
        "notification",
        sa.Column("id", sa.String(_ID), primary_key=True),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("recipient", sa.String(320), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", sa.BigInteger, nullable=False),
        sa.Column("last_error", sa.Text, nullable=False),
    )
    op.create_index("ix_notification_due", "notification", ["status", "next_attempt_at"])
    op.create_index("ix_notification_recipient", "notification", ["recipient", "created_at"])


def _make_immutable(table: str) -> None:
    """The same guard as revision 0001's (a copy: a revision must not change when a later one does)."""
    if op.get_bind().dialect.name == "sqlite":
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} rows are immutable'); END"
            )
        return
    op.execute(
        "CREATE OR REPLACE FUNCTION p2pstock_immutable() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION '% rows are immutable', TG_TABLE_NAME USING ERRCODE = 'restrict_violation'; END $$"
    )
    op.execute(
        f"CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION p2pstock_immutable()"
    )
    op.execute(
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} EXECUTE FUNCTION p2pstock_immutable()"
    )


def downgrade() -> None:
    for table in _TABLES:
        op.drop_table(table)  # a table's triggers go with it; p2pstock_immutable() belongs to 0001
