"""The audit trail on SQLite and PostgreSQL: a trail written before revision 0012 still verifies after it,
with or without an audit key; sealed records come back with their seals; and a check running while
others append never mistakes a new record for a deleted or forged one."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from p2pstock.adapters.clock import ManualClock
from p2pstock.adapters.documents import MemoryDocumentStore
from p2pstock.adapters.sql.database import create_engine
from p2pstock.adapters.sql.migrate import MIGRATIONS, upgrade
from p2pstock.adapters.sql.uow import SqlUnitOfWorkFactory
from p2pstock.bootstrap import App, bootstrap
from p2pstock.config import Settings
from p2pstock.core import audit_trail
from p2pstock.core.audit import AuditKey, AuditRecord, ChainHead

AUDIT_KEY = "audit-key-for-tests-only-0123456789abcdef"
T0 = 1_767_225_600_000_000


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url"))


@pytest.fixture
def engine(url: str) -> Iterator[sa.Engine]:
    engine = create_engine(url)
    yield engine
    engine.dispose()


def platform(engine: sa.Engine, tmp_path: Path, *, audit_key: str = "") -> App:
    return bootstrap(
        Settings(data_dir=tmp_path, audit_key=audit_key),
        uow_factory=SqlUnitOfWorkFactory(engine),
        clock=ManualClock(),
        documents=MemoryDocumentStore(),
        senders={},
    )


def old_trail(engine: sa.Engine, count: int) -> list[AuditRecord]:
    """``count`` records written as revision 0009 stored them (no seal column), with the head."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    command.downgrade(config, "0011")  # before 0012
    records: list[AuditRecord] = []
    for index in range(count):
        records.append(
            AuditRecord.append(
                records[-1] if records else None,
                at=T0 + index,
                actor="operator",
                action="admin.enrol",
                target=f"admin-{index}",
                after={"roles": ["finance"], "名字": "张三"},
            )
        )
    with engine.begin() as connection:
        for r in records:
            connection.execute(
                sa.text(
                    "INSERT INTO audit_record (seq, at, actor, action, target, before, after, "
                    "previous_hash, hash) VALUES (:seq, :at, :actor, :action, :target, :before, :after, "
                    ":previous_hash, :hash)"
                ),
                {"seq": r.seq, "at": r.at, "actor": r.actor, "action": r.action, "target": r.target,
                 "before": r.before, "after": r.after, "previous_hash": r.previous_hash, "hash": r.hash},
            )  # fmt: skip
        connection.execute(
            sa.text("UPDATE audit_head SET seq = :seq, hash = :hash"),
            {"seq": records[-1].seq, "hash": records[-1].hash},
        )
    return records


@pytest.mark.own_database  # migrations run down and up on it
def test_a_trail_written_before_the_migration_verifies_after_it(engine: sa.Engine, tmp_path: Path) -> None:
    written = old_trail(engine, 3)
    upgrade(engine)
    app = platform(engine, tmp_path)

    check = app.audit.verify()

    assert (check.ok, check.checked, check.head, check.sealed) == (True, 3, ChainHead.of(written[-1]), 0)
    assert [r.seal for r in app.office.read(lambda tx: tx.uow.audit.records(0, 10))] == ["", "", ""]


@pytest.mark.own_database  # migrations run down and up on it
def test_a_trail_keyed_after_the_migration_seals_what_follows_and_vouches_for_what_came_before(
    engine: sa.Engine, tmp_path: Path
) -> None:
    old_trail(engine, 3)
    upgrade(engine)
    app = platform(engine, tmp_path, audit_key=AUDIT_KEY)
    app.staff.enrol_by_operator("root", ["super_admin"])
    app.staff.enrol_by_operator("finance-1", ["finance"])

    check = app.audit.verify()

    assert (check.ok, check.checked, check.sealed) == (True, 5, 2)
    stored = app.office.read(lambda tx: tx.uow.audit.records(0, 10))
    key = AuditKey.from_text(AUDIT_KEY)
    assert [bool(r.seal) for r in stored] == [False, False, False, True, True]
    assert all(key.holds(r) for r in stored[3:])
    assert app.office.read(lambda tx: tx.uow.audit.stored_head()) == ChainHead.of(stored[-1])


@pytest.mark.own_database  # migrations run down and up on it
def test_revision_0012_can_be_downgraded_and_upgraded_again(engine: sa.Engine, tmp_path: Path) -> None:
    platform(engine, tmp_path, audit_key=AUDIT_KEY).staff.enrol_by_operator("root", ["super_admin"])
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine

    command.downgrade(config, "0011")  # before 0012
    upgrade(engine)

    app = platform(engine, tmp_path)
    assert app.audit.verify().ok


def test_a_check_running_while_others_append_never_reports_a_broken_trail(
    engine: sa.Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(audit_trail, "PAGE", 2)  # many pages: many moments to read between appends
    app = platform(engine, tmp_path, audit_key=AUDIT_KEY)
    app.staff.enrol_by_operator("root", ["super_admin"])
    done = threading.Event()
    failures: list[BaseException] = []

    def append() -> None:
        try:
            for user in range(1, 41):
                app.customers.register(telegram_user_id=user)
        except BaseException as error:  # handed to the test thread
            failures.append(error)
        finally:
            done.set()

    writer = threading.Thread(target=append)
    writer.start()
    checks = []
    while not done.is_set():
        checks.append(app.audit.verify())
    writer.join()

    assert failures == []
    assert [c for c in checks if not c.ok] == []
    final = app.audit.verify()
    assert (final.ok, final.checked, final.sealed) == (True, 41, 41)
