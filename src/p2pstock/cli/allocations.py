"""``p2pstock allocation import``: a statement of daily statuses, all rows or none."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from p2pstock.bootstrap import App
from p2pstock.cli.common import Commands, on_app, read_text


def register(commands: Commands) -> None:
    allocation = commands.add_parser("allocation", help="stock fund allocations").add_subparsers(
        title="allocation commands"
    )
    statement = allocation.add_parser(
        "import", help="import a CSV statement of daily statuses (all rows or none)"
    )
    statement.add_argument("file", type=Path, help="the CSV file (UTF-8, header row first)")
    statement.add_argument("--by", required=True, help="the administrator importing it")
    statement.set_defaults(run=_import)


def _import(args: argparse.Namespace) -> int:
    text = read_text(args.file)
    return 1 if text is None else on_app(lambda app: _import_text(app, text, args.by))


def _import_text(app: App, text: str, by: str) -> int:
    report = app.allocations.import_statement(text, by=by)
    if not report.ok:
        for problem in report.errors:
            print(problem, file=sys.stderr)
        print(f"nothing imported: {len(report.errors)} bad rows", file=sys.stderr)
        return 1
    print(f"{report.applied} statuses imported")
    for allocation_id, before, after in report.changes:
        print(f"  {allocation_id}: {before.value} → {after.value}")
    return 0
