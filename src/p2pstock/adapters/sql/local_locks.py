"""Locks among the processes of one machine for a SQLite file (``LocalLocks``, see ``p2pstock.core.leases``).

Every process that opens a SQLite file in WAL mode runs on the machine the file is on (the WAL index is
memory they share), so a lock of that machine is enough to keep them apart. The locks of one database are
POSIX record locks on a file beside it (``<database>-locks``, empty): a name is a lock on one byte of it,
at a place its hash chooses (one of 2**62; two names on the same byte only wait for each other across
processes, which is safe). The operating system lets go a process's locks when the process ends,
however it ends, so nothing is left held by a process that died.

In this process a table says which holder holds each name: POSIX locks belong to the process, not to a
thread or a holder, so the table keeps two holders of one process apart, and lets a byte go only when no
name on it is held any more. Every ``FileLocks`` on one path (symlinks resolved) shares one table and one
descriptor, which stays open while anything holds it (closing a descriptor of the file would let go every
lock of the process on it).

Processes of an earlier version took a chat's turn as a lease row, which these locks do not see: upgrade
every worker on one SQLite file together (stop them all, then start them).
"""

from __future__ import annotations

import errno
import hashlib
import os
import sys
import threading
import weakref
from collections import Counter

from sqlalchemy.engine import Engine

if sys.platform != "win32":
    import fcntl

_files: weakref.WeakValueDictionary[str, FileLocks] = weakref.WeakValueDictionary()
_registry = threading.Lock()


def local_locks(engine: Engine) -> FileLocks | None:
    """The locks of ``engine``'s SQLite file; ``None`` for PostgreSQL, an in-memory database or where
    there are no POSIX locks."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:" or sys.platform == "win32":
        return None
    path = os.path.realpath(database) + "-locks"
    with _registry:
        locks = _files.get(path)
        if locks is None:
            locks = _files[path] = FileLocks(path)
        return locks


def _place(name: str) -> int:
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest()) >> 2


class FileLocks:
    """Named locks on the file ``path`` (made when first needed, with the permissions of the database
    beside it, so that every process that may write the database may lock)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._mutex = threading.Lock()
        self._holders: dict[str, str] = {}
        self._names_at: Counter[int] = Counter()
        self._descriptor: int | None = None

    def take(self, name: str, holder: str) -> bool:
        with self._mutex:
            if name in self._holders:
                return self._holders[name] == holder
            place = _place(name)
            if not self._names_at[place] and not self._lock(place):
                return False
            self._names_at[place] += 1
            self._holders[name] = holder
            return True

    def release(self, name: str, holder: str) -> None:
        with self._mutex:
            if self._holders.get(name) != holder:
                return
            del self._holders[name]
            place = _place(name)
            self._names_at[place] -= 1
            if not self._names_at[place]:
                del self._names_at[place]
                fcntl.lockf(self._open(), fcntl.LOCK_UN, 1, place)

    def _lock(self, place: int) -> bool:
        """The byte at ``place`` locked for this process, unless another process holds it."""
        try:
            fcntl.lockf(self._open(), fcntl.LOCK_EX | fcntl.LOCK_NB, 1, place)
        except OSError as error:
            if error.errno in (errno.EACCES, errno.EAGAIN):
                return False
            raise
        return True

    def _open(self) -> int:
        if self._descriptor is None:
            database = self.path.removesuffix("-locks")
            mode = os.stat(database).st_mode & 0o666 if os.path.exists(database) else 0o644
            self._descriptor = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, mode)
            weakref.finalize(self, os.close, self._descriptor)
        return self._descriptor
