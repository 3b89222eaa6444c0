"""The environment of a command the server's operator runs, for tests that run ``p2pstock`` commands."""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest


@contextlib.contextmanager
def operator_environment(monkeypatch: pytest.MonkeyPatch, data: Path) -> Iterator[Path]:
    """No ``P2PSTOCK_*`` setting (but the test settings) except the data directory ``data``, which is
    answered (the environment is set through ``monkeypatch``, which undoes it). The log set up by the
    command (``p2pstock.logs``) is taken down afterwards."""
    for name in list(os.environ):
        if name.startswith("P2PSTOCK_") and not name.startswith("P2PSTOCK_TEST"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("P2PSTOCK_DATA_DIR", str(data))
    root, alembic = logging.getLogger(), logging.getLogger("alembic")
    handlers, level, alembic_level = list(root.handlers), root.level, alembic.level
    try:
        yield data
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
        alembic.setLevel(alembic_level)
