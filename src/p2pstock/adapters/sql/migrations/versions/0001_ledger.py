"""The fund kernel: accounts, transfers, entries, remembered failures, withdrawal requests.

Guards held by the database itself: running totals never negative; a flagged account never overdrawn;
positive transfer amounts; one transfer per id; a pending transfer resolved at most once; transfers,
entries and remembered failures never updated or deleted.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None

_IMMUTABLE = ("transfer", "entry", "failed_transfer")


def _serial() -> sa.types.TypeEngine[int]:
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    _accounts()
    _transfers()
    _entries()
    op.create_table(
        "failed_transfer",
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column("result", sa.String(64), nullable=False),
    )
    _withdrawals()
    for table in _IMMUTABLE:
        _make_immutable(table)


def _accounts() -> None:
    totals = ("debits_pending", "debits_posted", "credits_pending", "credits_posted")
    op.create_table(
        "account",
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("code", sa.String(48), nullable=False),
        sa.Column("flags", sa.Integer, nullable=False),
        *(sa.Column(name, sa.BigInteger, nullable=False) for name in totals),
        sa.Column("version", sa.BigInteger, nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        *(sa.CheckConstraint(f"{name} >= 0", name=f"ck_account_{name}_not_negative") for name in totals),
        sa.CheckConstraint(
            "(flags & 1) = 0 OR debits_pending + debits_posted <= credits_posted",
            name="ck_account_no_overdraft",
        ),
        sa.CheckConstraint(
            "(flags & 2) = 0 OR credits_pending + credits_posted <= debits_posted",
            name="ck_account_credit_limit",
        ),
    )


def _transfers() -> None:
    op.create_table(
        "transfer",
        sa.Column("seq", _serial(), primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(200), nullable=False, unique=True),
        sa.Column("debit_account_id", sa.String(200), sa.ForeignKey("account.id"), nullable=False),
        sa.Column("credit_account_id", sa.String(200), sa.ForeignKey("account.id"), nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("code", sa.String(48), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("flags", sa.Integer, nullable=False),
        sa.Column("pending_id", sa.String(200), sa.ForeignKey("transfer.id"), nullable=True, unique=True),
        sa.Column("timeout", sa.Integer, nullable=False),
        sa.Column("reference", sa.String(200), nullable=False),
        sa.Column("ts", sa.BigInteger, nullable=False),
        sa.Column("expires_at", sa.BigInteger, nullable=True),
        sa.Column("day", sa.String(10), nullable=False),
        sa.CheckConstraint("amount > 0", name="ck_transfer_amount_positive"),
        sa.CheckConstraint("debit_account_id <> credit_account_id", name="ck_transfer_accounts_differ"),
    )
    pending = sa.text("(flags & 2) <> 0")  # only holds are looked up by account (what is frozen, and why)
    op.create_index(
        "ix_transfer_pending_debit_account",
        "transfer",
        ["debit_account_id"],
        sqlite_where=pending,
        postgresql_where=pending,
    )
    op.create_index("ix_transfer_day_code", "transfer", ["day", "code"])
    op.create_index(
        "ix_transfer_expires_at",
        "transfer",
        ["expires_at"],
        sqlite_where=sa.text("expires_at IS NOT NULL"),
        postgresql_where=sa.text("expires_at IS NOT NULL"),
    )


def _entries() -> None:
    numbers = ("d_dp", "d_dpo", "d_cp", "d_cpo", "a_dp", "a_dpo", "a_cp", "a_cpo")
    op.create_table(
        "entry",
        sa.Column("seq", _serial(), primary_key=True, autoincrement=True),
        sa.Column("transfer_id", sa.String(200), sa.ForeignKey("transfer.id"), nullable=False),
        sa.Column("account_id", sa.String(200), sa.ForeignKey("account.id"), nullable=False),
        sa.Column("ts", sa.BigInteger, nullable=False),
        sa.Column("day", sa.String(10), nullable=False),
        sa.Column("code", sa.String(48), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("side", sa.String(6), nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("reference", sa.String(200), nullable=False),
        *(sa.Column(name, sa.BigInteger, nullable=False) for name in numbers),
    )
    op.create_index("ix_entry_account_seq", "entry", ["account_id", "seq"])
    op.create_index("ix_entry_account_ts", "entry", ["account_id", "ts"])


def _withdrawals() -> None:
    op.create_table(
        "withdrawal",
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column("customer_id", sa.String(64), nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("requested_at", sa.BigInteger, nullable=False),
        sa.Column("decided_at", sa.BigInteger, nullable=True),
        sa.Column("decided_by", sa.String(200), nullable=False),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.CheckConstraint("amount > 0", name="ck_withdrawal_amount_positive"),
    )
    op.create_index("ix_withdrawal_status", "withdrawal", ["status", "requested_at"])


def _make_immutable(table: str) -> None:
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
    for table in ("withdrawal", "failed_transfer", "entry", "transfer", "account"):
        op.drop_table(table)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS p2pstock_immutable()")
