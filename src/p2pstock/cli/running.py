"""The running platform: ``p2pstock demo``, ``bot``, ``serve``, ``jobs run`` and ``jobs holdings``."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from p2pstock import serving
from p2pstock.bootstrap import App, bootstrap
from p2pstock.cli.common import Commands, on_app
from p2pstock.config import Settings
from p2pstock.conversation_demo import LANGUAGES, run_conversation_demo
from p2pstock.core.errors import P2PStockError
from p2pstock.core.leases import Leases
from p2pstock.core.lending.monthly_summary import MonthlySummaries
from p2pstock.demo import run_demo
from p2pstock.jobs import run_jobs


def register(commands: Commands) -> None:
    demo = commands.add_parser(
        "demo",
        help="a customer and the administrators through the Telegram bot, on a SQLite file",
    )
    demo.add_argument(
        "--data-dir", type=Path, default=None, help="where demo.db goes (default: the data dir)"
    )
    demo.add_argument(
        "--lang",
        choices=LANGUAGES,
        default="zh",
        help="the language of the walk-through: the Telegram apps, the narration, the report (default: zh)",
    )
    demo.add_argument("--kernel", action="store_true", help="walk through the fund kernel instead")
    demo.set_defaults(run=_demo)
    commands.add_parser("bot", help="run the Telegram bot by long polling (development)").set_defaults(
        run=lambda _args: _long_running(serving.poll)
    )
    commands.add_parser(
        "serve", help="run the web server (payments, health; the bot behind its webhook when configured)"
    ).set_defaults(run=lambda _args: _long_running(serving.serve))
    jobs = commands.add_parser("jobs", help="scheduled work").add_subparsers(title="jobs commands")
    run = jobs.add_parser("run", help="run the scheduled work for a business date (safe to repeat)")
    run.add_argument("--date", type=_business_date, default=None, help="YYYY-MM-DD (default: today)")
    run.set_defaults(run=lambda args: on_app(lambda app: _jobs(app, args.date)))
    holdings = jobs.add_parser(
        "holdings", help="tell investors the summary of their holdings in an ended month (each once)"
    )
    holdings.add_argument("--month", type=_month, required=True, help="YYYY-MM")
    holdings.set_defaults(run=lambda args: on_app(lambda app: _holdings(app, args.month)))


def _demo(args: argparse.Namespace) -> int:
    data_dir = args.data_dir or Settings.from_env().data_dir
    data_dir.mkdir(parents=True, exist_ok=True)
    app = run_demo(data_dir) if args.kernel else run_conversation_demo(data_dir, lang=args.lang)
    app.close()
    return 0


def _long_running(run: Callable[[App], None]) -> int:
    """``run`` on the configured application; a start-up that cannot succeed (a setting refused, the
    database or Telegram unreachable) is one line, ``cannot start: …``, and exit status 1."""
    try:
        app = bootstrap()
    except P2PStockError as error:
        print(f"cannot start: {error}", file=sys.stderr)
        return 1
    try:
        serving.database_ok(app)
        run(app)
    except (P2PStockError, serving.CannotStart) as error:
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


def _month(text: str) -> date:
    try:
        return date.fromisoformat(f"{text}-01")
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a month (YYYY-MM): {text!r}") from None


def _holdings(app: App, month: date) -> int:
    """The month's summaries by hand (a month the jobs missed): investors already told are not told again."""
    told = MonthlySummaries(app.lending.desk).send(month)
    print(f"investors told the holdings summary of {month:%Y-%m}: {told}")
    return 0


def _jobs(app: App, day: date | None) -> int:
    """The jobs under their lease, so that they never run beside a server's round (waiting for it)."""
    leases = Leases(app.office)
    if not leases.take(serving.JOBS_LEASE, serving.JOBS_LEASE_SECONDS):
        print("another process is running the scheduled jobs; waiting for it", file=sys.stderr)
        while not leases.take(serving.JOBS_LEASE, serving.JOBS_LEASE_SECONDS):
            time.sleep(1)
    with leases.renewed(serving.JOBS_LEASE, serving.JOBS_LEASE_SECONDS):
        report = run_jobs(app, day)
    for line in report.lines():
        print(line)
    return 0
