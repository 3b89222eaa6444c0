"""The ``p2pstock`` command line."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from p2pstock import serving
from p2pstock.adapters.sql.database import create_engine
from p2pstock.adapters.sql.migrate import upgrade
from p2pstock.bootstrap import App, bootstrap
from p2pstock.config import Settings
from p2pstock.conversation_demo import run_conversation_demo
from p2pstock.core.errors import P2PStockError
from p2pstock.demo import run_demo
from p2pstock.jobs import run_jobs


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    parser = _parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help()
        return 2
    result: int = args.run(args)
    return result


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="p2pstock", description="P2P lending and stock fund allocation platform"
    )
    commands = parser.add_subparsers(title="commands")
    db = commands.add_parser("db", help="the database").add_subparsers(title="db commands")
    upgrade = db.add_parser("upgrade", help="create or migrate the database schema")
    upgrade.set_defaults(run=_db_upgrade)
    demo = commands.add_parser(
        "demo", help="a customer and two administrators through the Telegram bot, on a SQLite file"
    )
    demo.add_argument(
        "--data-dir", type=Path, default=None, help="where demo.db goes (default: the data dir)"
    )
    demo.add_argument("--kernel", action="store_true", help="walk through the fund kernel instead")
    demo.set_defaults(run=_demo)
    ledger = commands.add_parser("ledger", help="ledger maintenance").add_subparsers(title="ledger commands")
    ledger.add_parser("audit", help="replay every transfer and compare with stored balances").set_defaults(
        run=_audit
    )
    ledger.add_parser("expire", help="expire pending transfers whose timeout passed").set_defaults(
        run=_expire
    )
    admin = commands.add_parser("admin", help="administrators").add_subparsers(title="admin commands")
    create = admin.add_parser(
        "create", help="enrol an administrator as the server's operator (the first super admin, say)"
    )
    create.add_argument("admin_id", help="the administrator's id, e.g. alice")
    create.add_argument("--telegram-user-id", type=int, required=True, help="their Telegram user id")
    create.add_argument(
        "--role", action="append", dest="roles", help="a role to hold (repeatable; default super_admin)"
    )
    create.set_defaults(run=_admin_create)
    commands.add_parser("bot", help="run the Telegram bot by long polling (development)").set_defaults(
        run=_bot
    )
    commands.add_parser(
        "serve", help="run the web server (payments, health; the bot behind its webhook when configured)"
    ).set_defaults(run=_serve)
    jobs = commands.add_parser("jobs", help="scheduled work").add_subparsers(title="jobs commands")
    run = jobs.add_parser("run", help="run the scheduled work for a business date (safe to repeat)")
    run.add_argument("--date", type=_business_date, default=None, help="YYYY-MM-DD (default: today)")
    run.set_defaults(run=_jobs_run)
    allocation = commands.add_parser("allocation", help="stock fund allocations").add_subparsers(
        title="allocation commands"
    )
    statement = allocation.add_parser(
        "import", help="import a CSV statement of daily statuses (all rows or none)"
    )
    statement.add_argument("file", type=Path, help="the CSV file (UTF-8, header row first)")
    statement.add_argument("--by", required=True, help="the administrator importing it")
    statement.set_defaults(run=_allocation_import)
    audit = commands.add_parser("audit", help="the audit trail").add_subparsers(title="audit commands")
    audit.add_parser("verify", help="check the hash chain; report the first broken link").set_defaults(
        run=_audit_verify
    )
    return parser


def _db_upgrade(_args: argparse.Namespace) -> int:

    settings = Settings.from_env()
    if settings.is_embedded and not settings.database_url:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = create_engine(settings.effective_database_url, synchronous=settings.sqlite_synchronous)
    upgrade(engine)
    engine.dispose()
    print(f"database {settings.safe_database_url} is up to date")
    return 0


def _demo(args: argparse.Namespace) -> int:
    data_dir = args.data_dir or Settings.from_env().data_dir
    data_dir.mkdir(parents=True, exist_ok=True)
    (run_demo if args.kernel else run_conversation_demo)(data_dir).close()
    return 0


def _audit(_args: argparse.Namespace) -> int:
    app = bootstrap()
    report, trial = app.ledger.audit(), app.ledger.trial_balance()
    app.close()
    print(
        f"{report.accounts} accounts, {report.transfers} transfers, trial balance "
        f"{'balanced' if trial.balanced else 'NOT balanced'}"
    )
    for problem in report.problems:
        print(f"problem: {problem}")
    return 0 if report.ok and trial.balanced else 1


def _admin_create(args: argparse.Namespace) -> int:
    app = bootstrap()
    try:
        admin = app.staff.enrol_by_operator(
            args.admin_id, args.roles or ["super_admin"], telegram_user_id=args.telegram_user_id
        )
    except P2PStockError as error:
        print(f"refused: {error}", file=sys.stderr)
        return 1
    finally:
        app.close()
    print(f"administrator {admin.id} holds {', '.join(sorted(admin.roles))}")
    return 0


def _bot(_args: argparse.Namespace) -> int:
    return _long_running(serving.poll)


def _serve(_args: argparse.Namespace) -> int:
    return _long_running(serving.serve)


def _long_running(run: Callable[[App], None]) -> int:
    try:
        app = bootstrap()
    except P2PStockError as error:
        print(f"cannot start: {error}", file=sys.stderr)
        return 1
    try:
        run(app)
    except P2PStockError as error:
        print(f"cannot start: {error}", file=sys.stderr)
        return 1
    finally:
        app.close()
    return 0


def _business_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _jobs_run(args: argparse.Namespace) -> int:
    app = bootstrap()
    try:
        report = run_jobs(app, args.date)
    except P2PStockError as error:
        print(f"refused: {error}", file=sys.stderr)
        return 1
    finally:
        app.close()
    for line in report.lines():
        print(line)
    return 0


def _allocation_import(args: argparse.Namespace) -> int:
    try:
        text = args.file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        print(f"cannot read {args.file}: {error}", file=sys.stderr)
        return 1
    app = bootstrap()
    try:
        report = app.allocations.import_statement(text, by=args.by)
    except P2PStockError as error:
        print(f"refused: {error}", file=sys.stderr)
        return 1
    finally:
        app.close()
    if not report.ok:
        for problem in report.errors:
            print(problem, file=sys.stderr)
        print(f"nothing imported: {len(report.errors)} bad rows", file=sys.stderr)
        return 1
    print(f"{report.applied} statuses imported")
    for allocation_id, before, after in report.changes:
        print(f"  {allocation_id}: {before.value} → {after.value}")
    return 0


def _audit_verify(_args: argparse.Namespace) -> int:
    app = bootstrap()
    check = app.audit.verify()
    app.close()
    if check.ok:
        print(f"audit trail intact: {check.checked} records")
        return 0
    where = f"record {check.first_broken}: {check.reason}"
    print(f"audit trail BROKEN at {where} ({check.checked} records before it hold)")
    return 1


def _expire(_args: argparse.Namespace) -> int:
    app = bootstrap()
    expired = app.ledger.expire_pending()
    app.close()
    print(f"{expired} pending transfers expired")
    return 0


if __name__ == "__main__":
    sys.exit(main())
