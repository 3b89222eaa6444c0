"""``p2pstock backup DIR``: a consistent copy of the embedded SQLite database and the document store,
taken while the server runs.

The database is copied first, through SQLite's online backup API, then the documents: documents are
written (content-addressed, never changed) before the rows that name them commit, so every document the
copied database names is in the copied store. A PostgreSQL database is backed up with ``pg_dump`` (see
the README); this command then says so and copies nothing.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

import sqlalchemy as sa

from p2pstock.adapters.sql.backup import backup_sqlite
from p2pstock.cli.common import Commands
from p2pstock.config import Settings
from p2pstock.core.errors import StorageError


def register(commands: Commands) -> None:
    backup = commands.add_parser(
        "backup", help="copy the SQLite database and the documents into a new directory, while running"
    )
    backup.add_argument("directory", type=Path, help="where the copy goes (new, or empty)")
    backup.set_defaults(run=_backup)


def _backup(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    target: Path = args.directory
    if not settings.is_embedded:
        print(
            "cannot back up: the database is PostgreSQL; take it with pg_dump (see the README's Backups)"
            " and copy the document store beside it",
            file=sys.stderr,
        )
        return 1
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        print(f"cannot back up: {target} exists and is not an empty directory", file=sys.stderr)
        return 1
    target.mkdir(parents=True, exist_ok=True, mode=0o700)
    source = Path(sa.engine.make_url(settings.effective_database_url).database or "")
    try:
        pages = backup_sqlite(source, target / source.name)
    except StorageError as error:
        print(f"cannot back up: {error}", file=sys.stderr)
        return 1
    print(f"database {settings.safe_database_url} copied to {target / source.name} ({pages} pages)")
    print(_copy_documents(settings, target))
    return 0


def _copy_documents(settings: Settings, target: Path) -> str:
    """Copy the ``filesystem`` document store under ``target``; what was done, in a line."""
    if settings.document_store != "filesystem":
        store = settings.document_store
        return f"documents: the {store!r} store is not a directory here; back it up its own way"
    root = settings.data_dir / "documents"
    if not root.is_dir():
        return "documents: none stored yet"
    copied = shutil.copytree(root, target / "documents")
    count = sum(1 for path in copied.rglob("*") if path.is_file())
    return f"documents: {count} files copied to {copied}"
