"""``p2pstock db upgrade``: create or migrate the configured database."""

from __future__ import annotations

import argparse

from p2pstock.adapters.sql.database import create_engine
from p2pstock.adapters.sql.migrate import upgrade
from p2pstock.cli.common import Commands
from p2pstock.config import Settings


def register(commands: Commands) -> None:
    db = commands.add_parser("db", help="the database").add_subparsers(title="db commands")
    db.add_parser("upgrade", help="create or migrate the database schema").set_defaults(run=_upgrade)


def _upgrade(_args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    if settings.is_embedded and not settings.database_url:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = create_engine(settings.effective_database_url, synchronous=settings.sqlite_synchronous)
    upgrade(engine)
    engine.dispose()
    print(f"database {settings.safe_database_url} is up to date")
    return 0
