"""``p2pstock allocation import``: a statement of daily statuses, all rows or none; a statement imported
before (its content, or the ``--id`` given) is not stored again. The file goes to core as its bytes: a CSV
in UTF-8 or GBK/GB18030, or an .xlsx workbook, told apart by their content. What it did is said as the bot
says it, in Chinese by default (``--lang en``: English)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from p2pstock.bootstrap import App
from p2pstock.bots.telegram.import_lines import bad_row, imported_lines
from p2pstock.bots.telegram.texts import DEFAULT_LANGUAGE, LANGUAGES, text
from p2pstock.cli import allocation_expired, allocation_flagged, allocation_stress
from p2pstock.cli.common import Commands, on_app


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
    statement.add_argument("--lang", choices=LANGUAGES, default=DEFAULT_LANGUAGE, help="zh (default) or en")
    statement.set_defaults(run=_import)
    allocation_stress.register(allocation)
    allocation_flagged.register(allocation)
    allocation_expired.register(allocation)


def _import(args: argparse.Namespace) -> int:
    try:
        content = args.file.read_bytes()
    except OSError as error:
        print(f"cannot read {args.file}: {error}", file=sys.stderr)
        return 1
    return on_app(lambda app: _import_text(app, content, args.by, args.statement_id, args.lang))


def _import_text(app: App, content: str | bytes, by: str, statement_id: str | None, lang: str) -> int:
    report = app.allocations.import_statement(content, by=by, statement_id=statement_id)
    if not report.ok:
        print(text("admin.alloc.import_refused", lang, count=len(report.errors)), file=sys.stderr)
        for problem in report.errors:
            print(bad_row(problem, lang), file=sys.stderr)
        return 1
    for line in imported_lines(report, lang, app.ledger.timezone):
        print(line)
    return 0
