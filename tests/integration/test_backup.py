"""``p2pstock backup DIR``: a consistent copy of the SQLite database and the documents, taken while another
thread keeps writing; a PostgreSQL database is left to pg_dump."""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from pathlib import Path

import pytest

from p2pstock.adapters.documents import FilesystemDocumentStore
from p2pstock.bootstrap import bootstrap
from p2pstock.cli import main
from p2pstock.config import Settings
from p2pstock.core.money import Money
from sample_documents import jpeg

JPEG = jpeg("a photo of an ID card")


pytestmark = pytest.mark.usefixtures("operator_shell")


def test_a_backup_taken_while_deposits_go_on_is_a_sound_database_with_its_documents(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    app = bootstrap()
    app.customers.register(customer_id="alice", language="en")
    app.wallets.open("alice")
    document = app.customers.upload_document("alice", "id_card_front", JPEG)
    stop = threading.Event()
    deposits: list[int] = []

    def keep_depositing() -> None:
        while not stop.is_set():
            n = len(deposits)
            app.wallets.confirm_deposit("alice", gateway="bank", transaction_id=f"T-{n}", amount=Money(100))
            deposits.append(n)

    writer = threading.Thread(target=keep_depositing)
    writer.start()
    try:
        while len(deposits) < 5:
            stop.wait(0.01)
        assert main(["backup", str(tmp_path / "copy")]) == 0
    finally:
        stop.set()
        writer.join()
        app.close()

    copy = tmp_path / "copy"
    assert (copy / "p2pstock.db").stat().st_mode & 0o077 == 0  # the owner's alone
    with contextlib.closing(sqlite3.connect(copy / "p2pstock.db")) as check:  # one file, no -wal beside it
        assert check.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    restored = bootstrap(Settings(data_dir=copy, database_url=f"sqlite:///{copy / 'p2pstock.db'}"))
    try:
        assert restored.ledger.audit().ok
        credited = restored.wallets.balance("alice").total.minor
        assert 0 < credited <= len(deposits) * 100
        assert credited % 100 == 0  # whole deposits only: the copy is one moment of the database
        assert FilesystemDocumentStore(copy / "documents").get(document.sha256) == JPEG
    finally:
        restored.close()
    printed = capsys.readouterr().out
    assert "copied to" in printed
    assert "documents: 1 files copied" in printed


def test_a_backup_never_writes_into_a_directory_that_holds_something(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bootstrap().close()
    (tmp_path / "copy").mkdir()
    (tmp_path / "copy" / "p2pstock.db").write_text("yesterday's copy")

    assert main(["backup", str(tmp_path / "copy")]) == 1
    assert "is not an empty directory" in capsys.readouterr().err
    assert (tmp_path / "copy" / "p2pstock.db").read_text() == "yesterday's copy"


@pytest.mark.postgres
def test_a_postgresql_database_is_left_to_pg_dump(
    tmp_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("P2PSTOCK_DATABASE_URL", pg_url)

    assert main(["backup", str(tmp_path / "copy")]) == 1
    assert "pg_dump" in capsys.readouterr().err
    assert not (tmp_path / "copy").exists()
