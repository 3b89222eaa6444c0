"""Document stores: content-addressed files on disk, or a dict in memory.

On disk a document lives at ``root/ab/cd/<sha256>`` (the first two byte-pairs of its hash as
directories). It is written to a temporary file in the same directory, flushed to disk and renamed
into place, so a reader never sees half a document; an existing file is never overwritten. Reading
hashes the bytes again and raises ``StorageError`` if they no longer match their address.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
from pathlib import Path

from p2pstock.core.errors import NotFound, StorageError
from p2pstock.core.people.documents import StoredDocument, check_sha256, sha256_of


class FilesystemDocumentStore:
    """Documents as files under ``root``, addressed by content."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def path_of(self, sha256: str) -> Path:
        """Where the document with hash ``sha256`` is (or would be) kept."""
        check_sha256(sha256)
        return self.root / sha256[0:2] / sha256[2:4] / sha256

    def put(self, content: bytes) -> StoredDocument:
        record = StoredDocument.of(content)
        path = self.path_of(record.sha256)
        if not path.exists():
            self._write_new(path, content)
        return record

    def get(self, sha256: str) -> bytes:
        path = self.path_of(sha256)
        try:
            content = path.read_bytes()
        except FileNotFoundError:
            raise NotFound(f"no document {sha256}") from None
        except OSError as e:
            raise StorageError(f"document {sha256} could not be read: {e.strerror}") from e
        if sha256_of(content) != sha256:
            raise StorageError(f"document {sha256} is corrupted: its bytes no longer match its hash")
        return content

    def exists(self, sha256: str) -> bool:
        return self.path_of(sha256).is_file()

    @staticmethod
    def _write_new(path: Path, content: bytes) -> None:
        """Write ``content`` to ``path`` atomically, leaving a file already there untouched."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, temp_name = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
        except OSError as e:
            raise StorageError(f"document could not be stored: {e.strerror}") from e
        try:
            with os.fdopen(fd, "wb") as temp:
                temp.write(content)
                temp.flush()
                os.fsync(temp.fileno())
            _place(temp_name, path)
            _fsync_directory(path.parent)
        except OSError as e:
            raise StorageError(f"document could not be stored: {e.strerror}") from e
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp_name)


def _place(temp_name: str, path: Path) -> None:
    """Move the finished temporary file to ``path`` unless a file is already there.

    A hard link fails rather than overwrite, so two writers racing on the same document keep the
    first copy; where links are not supported, ``os.replace`` after a check is the fallback.
    """
    try:
        os.link(temp_name, path)
    except FileExistsError:
        pass
    except OSError:
        if not path.exists():
            os.replace(temp_name, path)


def _fsync_directory(directory: Path) -> None:
    """Make a rename in ``directory`` durable (where the platform allows opening directories)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


class MemoryDocumentStore:
    """Documents in a dict, for tests and embedders; safe to share between threads."""

    def __init__(self) -> None:
        self._documents: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def put(self, content: bytes) -> StoredDocument:
        record = StoredDocument.of(content)
        with self._lock:
            self._documents.setdefault(record.sha256, bytes(content))
        return record

    def get(self, sha256: str) -> bytes:
        check_sha256(sha256)
        with self._lock:
            content = self._documents.get(sha256)
        if content is None:
            raise NotFound(f"no document {sha256}")
        return content

    def exists(self, sha256: str) -> bool:
        check_sha256(sha256)
        with self._lock:
            return sha256 in self._documents
