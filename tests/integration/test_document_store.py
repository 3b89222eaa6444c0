"""Documents are accepted by what their bytes are, stored once per content, and read back intact.

Every behaviour is checked against both stores; corruption and the on-disk layout only against
the filesystem store.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from p2pstock.adapters.documents import FilesystemDocumentStore, MemoryDocumentStore
from p2pstock.core.errors import InvalidInput, NotFound, StorageError
from p2pstock.core.people.documents import (
    MAX_DOCUMENT_BYTES,
    ContentType,
    DocumentStore,
    StoredDocument,
)

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 32
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


def stored_files(root: Path) -> list[Path]:
    """The documents under ``root``, leaving out directories and temporary files."""
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.name.startswith("."))


@pytest.fixture(params=["filesystem", "memory"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> DocumentStore:
    if request.param == "filesystem":
        return FilesystemDocumentStore(tmp_path / "documents")
    return MemoryDocumentStore()


@pytest.fixture
def disk_store(tmp_path: Path) -> FilesystemDocumentStore:
    return FilesystemDocumentStore(tmp_path / "documents")


@pytest.mark.parametrize(
    ("content", "content_type"),
    [(JPEG, ContentType.JPEG), (PNG, ContentType.PNG), (PDF, ContentType.PDF)],
    ids=["jpeg", "png", "pdf"],
)
def test_a_jpeg_png_or_pdf_is_accepted_with_its_content_type(
    store: DocumentStore, content: bytes, content_type: ContentType
) -> None:
    record = store.put(content)

    assert record == StoredDocument(
        sha256=hashlib.sha256(content).hexdigest(), size=len(content), content_type=content_type
    )
    assert store.exists(record.sha256)


@pytest.mark.parametrize(
    "content",
    [
        b"just some text pretending to be a scan\n",
        b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64,
        b"",
        b"%PDF-" + b"\x00" * (MAX_DOCUMENT_BYTES - 4),
    ],
    ids=["text", "executable", "empty", "one-byte-over-the-limit"],
)
def test_anything_else_is_refused_and_nothing_is_stored(
    store: DocumentStore, tmp_path: Path, content: bytes
) -> None:
    with pytest.raises(InvalidInput):
        store.put(content)

    assert not store.exists(hashlib.sha256(content).hexdigest())
    assert stored_files(tmp_path) == []


def test_a_document_exactly_at_the_limit_is_accepted(store: DocumentStore) -> None:
    content = b"%PDF-" + b"\x00" * (MAX_DOCUMENT_BYTES - 5)

    assert store.put(content).size == MAX_DOCUMENT_BYTES


def test_the_declared_type_is_never_what_decides(store: DocumentStore) -> None:
    with pytest.raises(InvalidInput, match="only JPEG, PNG and PDF files are accepted"):
        store.put(b"<html>photo.jpg</html>")


def test_storing_the_same_bytes_twice_gives_one_copy_and_the_same_record(
    store: DocumentStore, tmp_path: Path
) -> None:
    first = store.put(PNG)
    second = store.put(PNG)

    assert first == second
    if isinstance(store, FilesystemDocumentStore):
        assert len(stored_files(tmp_path)) == 1


def test_get_returns_the_stored_bytes(store: DocumentStore) -> None:
    record = store.put(PDF)

    assert store.get(record.sha256) == PDF


def test_an_unknown_hash_is_not_found(store: DocumentStore) -> None:
    unknown = hashlib.sha256(b"never stored").hexdigest()

    assert not store.exists(unknown)
    with pytest.raises(NotFound):
        store.get(unknown)


@pytest.mark.parametrize(
    "malformed",
    [
        "../../etc/passwd",
        "",
        "abc",
        "A" * 64,
        "g" * 64,
        "0" * 63,
        "0" * 65,
        "../" + "0" * 61,
        "0" * 64 + "\n",
    ],
)
def test_a_malformed_hash_is_invalid_input(store: DocumentStore, malformed: str) -> None:
    with pytest.raises(InvalidInput):
        store.get(malformed)
    with pytest.raises(InvalidInput):
        store.exists(malformed)


def test_a_document_corrupted_on_disk_is_detected_on_get(disk_store: FilesystemDocumentStore) -> None:
    record = disk_store.put(JPEG)
    disk_store.path_of(record.sha256).write_bytes(JPEG[:-1] + b"\x01")

    with pytest.raises(StorageError, match="corrupted"):
        disk_store.get(record.sha256)


def test_the_on_disk_layout_is_content_addressed(disk_store: FilesystemDocumentStore, tmp_path: Path) -> None:
    record = disk_store.put(JPEG)
    digest = hashlib.sha256(JPEG).hexdigest()

    expected = tmp_path / "documents" / digest[0:2] / digest[2:4] / digest
    assert stored_files(tmp_path) == [expected]
    assert expected.read_bytes() == JPEG
    assert record.sha256 == digest


def test_an_existing_file_is_never_overwritten(disk_store: FilesystemDocumentStore) -> None:
    record = disk_store.put(PNG)
    path = disk_store.path_of(record.sha256)
    path.write_bytes(b"tampered")

    disk_store.put(PNG)

    assert path.read_bytes() == b"tampered"


def test_no_temporary_files_are_left_behind(disk_store: FilesystemDocumentStore, tmp_path: Path) -> None:
    disk_store.put(JPEG)
    disk_store.put(JPEG)

    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == [hashlib.sha256(JPEG).hexdigest()]
