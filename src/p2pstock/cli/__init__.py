"""The ``p2pstock`` command line: one module per group of commands, each adding its own sub-commands.

::

    p2pstock db upgrade | demo | ledger … | admin create | bot | serve | jobs run | allocation import
             | product … | capital … | lending … | approval … | payment … | calendar … | audit verify
             | backup DIR

A module offers ``register(commands)``, which adds its parsers to ``commands`` and sets ``run`` on each
to a function taking the parsed arguments and answering the exit status.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import sys
from collections.abc import Sequence

from p2pstock import logs
from p2pstock.cli import (
    allocations,
    approvals,
    auditing,
    backup,
    calendar,
    capital,
    database,
    ledger,
    lending,
    payments,
    people,
    products,
    running,
)
from p2pstock.config import Settings
from p2pstock.core.errors import InvalidInput

GROUPS = (
    database,
    running,
    ledger,
    people,
    products,
    capital,
    lending,
    approvals,
    payments,
    allocations,
    calendar,
    auditing,
    backup,
)
"""The modules whose commands make up the command line, in the order ``--help`` lists them."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command ``argv`` names. The settings are read first: a value they refuse is one line
    (``cannot start: …``) and exit status 2; then the log goes where they say (``p2pstock.logs``)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help()
        return 2
    try:
        settings = Settings.from_env()
    except InvalidInput as error:
        print(f"cannot start: {error}", file=sys.stderr)
        return 2
    logs.configure(settings.log_level, settings.log_format)
    result: int = args.run(args)
    return result


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="p2pstock", description="P2P lending and stock fund allocation platform"
    )
    parser.add_argument("--version", action="version", version=f"p2pstock {version()}")
    commands = parser.add_subparsers(title="commands")
    for group in GROUPS:
        group.register(commands)
    return parser


def version() -> str:
    """The installed distribution's version (``0+unknown`` when run from a tree that was never installed)."""
    try:
        return importlib.metadata.version("p2pstock")
    except importlib.metadata.PackageNotFoundError:
        return "0+unknown"
