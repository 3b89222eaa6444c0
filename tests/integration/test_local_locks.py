"""Locks among the processes of one machine for a SQLite file (``adapters/sql/local_locks.py``): a chat's
turn on SQLite. One holder at a time, in this process and across processes; the locks of a process that
dies are let go at once."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from p2pstock.adapters.sql import local_locks as module
from p2pstock.adapters.sql.database import create_engine
from p2pstock.adapters.sql.local_locks import FileLocks, local_locks
from p2pstock.adapters.sql.uow import SqlUnitOfWorkFactory
from p2pstock.core.backoffice import Backoffice
from p2pstock.core.leases import Leases

HOLDER = """
import sys
from p2pstock.adapters.sql import local_locks
path, name, *place = sys.argv[1:]
if place:
    local_locks._place = lambda _name: int(place[0])
locks = local_locks.FileLocks(path)  # kept: its descriptor closed would let its locks go
print(locks.take(name, "other"), flush=True)
sys.stdin.read()  # held until this process is killed
"""


class OtherProcess:
    """A process that tries to take ``name`` on ``path`` (on the byte ``place``, if given) and holds it until
    it is killed."""

    def __init__(self, path: str, name: str, place: int | None = None) -> None:
        arguments = [path, name] if place is None else [path, name, str(place)]
        self.process = subprocess.Popen(
            [sys.executable, "-c", HOLDER, *arguments],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        self.took = self.process.stdout.readline().strip() == "True"

    def kill(self) -> None:
        self.process.kill()
        self.process.communicate(timeout=30)  # and its pipes closed


@pytest.fixture
def path(tmp_path: Path) -> str:
    return str(tmp_path / "p2pstock.db-locks")


def test_a_name_is_held_by_one_holder_at_a_time(path: str) -> None:
    locks = FileLocks(path)

    assert locks.take("tg:turn:1", "one")
    assert locks.take("tg:turn:1", "one")  # holding it already
    assert not locks.take("tg:turn:1", "two")
    locks.release("tg:turn:1", "two")  # not its lock: nothing happens
    assert not locks.take("tg:turn:1", "two")
    assert locks.take("tg:turn:2", "two")
    locks.release("tg:turn:1", "one")
    assert locks.take("tg:turn:1", "two")


def test_a_name_another_process_holds_is_refused_until_that_process_dies(path: str) -> None:
    other = OtherProcess(path, "tg:turn:1")
    try:
        assert other.took
        locks = FileLocks(path)
        assert not locks.take("tg:turn:1", "one")
        assert locks.take("tg:turn:2", "one")
    finally:
        other.kill()
    assert locks.take("tg:turn:1", "one")  # at once: no lease had to run out


def test_a_name_this_process_holds_is_refused_to_another_process(path: str) -> None:
    locks = FileLocks(path)
    assert locks.take("tg:turn:1", "one")
    other = OtherProcess(path, "tg:turn:1")
    other.kill()
    assert not other.took

    locks.release("tg:turn:1", "one")
    other = OtherProcess(path, "tg:turn:1")
    other.kill()
    assert other.took


def test_two_names_on_one_byte_keep_it_locked_until_both_are_let_go(
    path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(module, "_place", lambda _name: 7)
    locks = FileLocks(path)
    assert locks.take("tg:turn:1", "one")
    assert locks.take("tg:turn:2", "two")  # the same byte, this process: the table keeps them apart
    assert not locks.take("tg:turn:2", "one")

    locks.release("tg:turn:1", "one")
    other = OtherProcess(path, "tg:turn:3", place=7)  # "tg:turn:2" still holds the byte
    other.kill()
    assert not other.took
    locks.release("tg:turn:2", "two")
    other = OtherProcess(path, "tg:turn:3", place=7)
    other.kill()
    assert other.took


def test_every_engine_on_one_file_shares_its_locks_and_postgresql_and_memory_have_none(
    sqlite_url: str, tmp_path: Path
) -> None:
    one, two = create_engine(sqlite_url), create_engine(sqlite_url)
    assert local_locks(one) is local_locks(two) is not None
    assert local_locks(sa.create_engine("sqlite://")) is None
    assert local_locks(sa.create_engine("postgresql+psycopg://nobody@127.0.0.1/none")) is None
    one.dispose()
    two.dispose()


def test_a_turn_on_sqlite_writes_no_lease(sqlite_url: str) -> None:
    engine = create_engine(sqlite_url)
    office = Backoffice(SqlUnitOfWorkFactory(engine))
    one, two = Leases(office, holder="one"), Leases(office, holder="two")

    assert one.take_turn("tg:turn:1", 60)
    assert not two.take_turn("tg:turn:1", 60)
    one.end_turn("tg:turn:1")
    assert two.take_turn("tg:turn:1", 60)
    two.end_turn("tg:turn:1")

    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM lease").scalar() == 0
    engine.dispose()
