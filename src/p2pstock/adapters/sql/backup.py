"""A consistent copy of the embedded SQLite database while the platform runs, through SQLite's online
backup API: the copy is the database as one read transaction saw it, whatever other processes write
meanwhile (in WAL mode writers go on while it is taken)."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

from p2pstock.core.errors import StorageError


def backup_sqlite(source: Path, target: Path) -> int:
    """Copy the SQLite database ``source`` to the new file ``target`` (readable by its owner only); the
    copy's page count. A copy that fails SQLite's integrity check is removed and raises ``StorageError``."""
    if not source.is_file():
        raise StorageError(f"there is no SQLite database at {source}")
    target.touch(mode=0o600, exist_ok=False)
    try:
        with (
            contextlib.closing(sqlite3.connect(source, timeout=30)) as original,
            contextlib.closing(sqlite3.connect(target)) as copy,
        ):
            original.backup(copy)  # reads only
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            (verdict,) = copy.execute("PRAGMA integrity_check").fetchone()
            (pages,) = copy.execute("PRAGMA page_count").fetchone()
        if verdict != "ok":
            raise StorageError(f"the copy of {source} failed SQLite's integrity check: {verdict}")
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    os.chmod(target, 0o600)
    return int(pages)
