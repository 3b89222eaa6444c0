"""One writing transaction at a time per SQLite file in this process, handed from writer to writer.

SQLite lets one transaction write at a time. A writer that finds the database locked sleeps in SQLite's
busy handler, in steps of 1, 2, 5, 10 … up to 100 ms, and is not woken when the lock frees: under
contention the database stands idle while the waiting writers sleep, and an unlucky one waits hundreds of
milliseconds. So the writing units of work of one process on one file take a lock of the process before
``BEGIN IMMEDIATE`` and let it go once the transaction has ended; a writer waiting for it is woken the
moment the one before lets go.

- **Other processes** on the file are still kept out by SQLite's own lock: the writer holding this lock
  waits for them in the busy handler, as every writer did before. Nothing in this process waits for this
  lock while it holds SQLite's, so the two locks cannot wait for each other.
- **Readers** take neither lock (WAL lets them read beside the writer).
- **Per file:** every engine on one path (symlinks resolved) shares one lock, so two engines in one
  process queue on it too. A file reached by another path (a hard link) falls back to SQLite's lock.
- **PostgreSQL** has no such lock: its writers lock rows, not the database.
- A writer waits for the lock as long as it would wait for SQLite's (``BUSY_TIMEOUT_MS``), then gives up
  with ``TransientConflict``, as SQLite's "database is locked" does.
"""

from __future__ import annotations

import os
import threading
import weakref

from sqlalchemy.engine import Engine

from p2pstock.adapters.sql.database import BUSY_TIMEOUT_MS
from p2pstock.core.errors import TransientConflict

WAIT_SECONDS = BUSY_TIMEOUT_MS / 1000

_locks: weakref.WeakValueDictionary[str, threading.Lock] = weakref.WeakValueDictionary()
_registry = threading.Lock()


def writer_lock(engine: Engine) -> threading.Lock | None:
    """The lock the writers on ``engine``'s SQLite file take in this process; ``None`` for PostgreSQL.
    Kept while anything holds it (the unit-of-work factories on that file)."""
    if engine.dialect.name != "sqlite" or not engine.url.database:
        return None
    path = os.path.realpath(engine.url.database)
    with _registry:
        lock = _locks.get(path)
        if lock is None:
            lock = _locks[path] = threading.Lock()
        return lock


def take(lock: threading.Lock) -> None:
    """Wait for ``lock`` as a writer waits for SQLite's; ``TransientConflict`` if it stays taken."""
    if not lock.acquire(timeout=WAIT_SECONDS):
        raise TransientConflict(f"another writer of this process held the database for {WAIT_SECONDS:.0f} s")
