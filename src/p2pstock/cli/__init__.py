"""The ``p2pstock`` command line: one module per group of commands, each adding its own sub-commands.

::

    p2pstock db upgrade | demo | ledger … | admin create | bot | serve | jobs run | allocation import
             | audit verify | payment …

A module offers ``register(commands)``, which adds its parsers to ``commands`` and sets ``run`` on each
to a function taking the parsed arguments and answering the exit status.
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Sequence

from p2pstock.cli import allocations, auditing, database, ledger, payments, people, running

GROUPS = (database, running, ledger, people, allocations, auditing, payments)
"""The modules whose commands make up the command line, in the order ``--help`` lists them."""


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help()
        return 2
    result: int = args.run(args)
    return result


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="p2pstock", description="P2P lending and stock fund allocation platform"
    )
    commands = parser.add_subparsers(title="commands")
    for group in GROUPS:
        group.register(commands)
    return parser
