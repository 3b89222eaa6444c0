"""``p2pstock allocation import``: a statement of daily statuses, all rows or none; a statement imported
before (its content, or the ``--id`` given) is not stored again. The file goes to core as its bytes: a CSV
in UTF-8 or GBK/GB18030, or an .xlsx workbook, told apart by their content."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from p2pstock.bootstrap import App
from p2pstock.cli import allocation_flagged, allocation_stress
from p2pstock.cli.common import Commands, on_app
from p2pstock.core.clock import from_micros


def register(commands: Commands) -> None:
    allocation = commands.add_parser("allocation", help="stock fund allocations").add_subparsers(
        title="allocation commands"
    )
    statement = allocation.add_parser(
        "import", help="import a statement of daily statuses, CSV or .xlsx (all rows or none)"
    )
    statement.add_argument(
        "file",
        type=Path,
        help="the statement: CSV (UTF-8 or GBK) or .xlsx, header row first (English or Chinese names)",
    )
    statement.add_argument("--by", required=True, help="the administrator importing it")
    statement.add_argument(
        "--id", dest="statement_id", help="the statement's own id (default: known by its content)"
    )
    statement.set_defaults(run=_import)
    allocation_stress.register(allocation)
    allocation_flagged.register(allocation)


def _import(args: argparse.Namespace) -> int:
    try:
        content = args.file.read_bytes()
    except OSError as error:
        print(f"cannot read {args.file}: {error}", file=sys.stderr)
        return 1
    return on_app(lambda app: _import_text(app, content, args.by, args.statement_id))


def _import_text(app: App, text: str | bytes, by: str, statement_id: str | None) -> int:
    report = app.allocations.import_statement(text, by=by, statement_id=statement_id)
    if report.already_imported and report.statement is not None:
        earlier = report.statement
        when = from_micros(earlier.imported_at).astimezone(app.ledger.timezone).strftime("%Y-%m-%d %H:%M")
        print(
            f"already imported: statement {earlier.id} ({earlier.rows} statuses) by {earlier.imported_by} "
            f"at {when}; nothing stored again"
        )
        return 0
    if not report.ok:
        for problem in report.errors:
            print(problem, file=sys.stderr)
        print(f"nothing imported: {len(report.errors)} bad rows", file=sys.stderr)
        return 1
    print(f"{report.applied} statuses imported")
    if report.flagged:
        print(f"{len(report.flagged)} held as implausible until a second administrator decides them")
    for allocation_id, before, after in report.changes:
        print(f"  {allocation_id}: {before.value} → {after.value}")
    return 0
