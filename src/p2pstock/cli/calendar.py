"""``p2pstock calendar show|load|override|clear``: the trading calendar, kept from the command line.

Without ``--by`` a change is the server's operator's (audited as ``operator``); with it, the named
administrator's, who must hold ``calendar.manage``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

from p2pstock.bootstrap import App
from p2pstock.cli.common import Commands, on_app, read_text
from p2pstock.core.allocation.calendar import Dispute, closure_ranges
from p2pstock.core.allocation.closing_notice import NoticeUnreadable
from p2pstock.core.allocation.trading_days import YearView
from p2pstock.core.clock import from_micros


def register(commands: Commands) -> None:
    calendar = commands.add_parser("calendar", help="the trading calendar").add_subparsers(
        title="calendar commands"
    )
    show = calendar.add_parser("show", help="what the platform knows of a year: sources, loads, disputes")
    show.add_argument("year", type=int)
    show.set_defaults(run=lambda args: on_app(lambda app: _show(app, args.year)))
    load = calendar.add_parser(
        "load", help="load a year's closed days from the exchanges' notice (dates or ranges, one a line)"
    )
    load.add_argument("file", type=Path, help="UTF-8 text: 2027-02-05 ~ 2027-02-11, 2月5日至2月11日 …")
    load.add_argument("--year", type=int, default=None, help="the year, when the dates do not say it")
    load.add_argument("--note", default="", help="where the days come from (the notice's title)")
    _by(load)
    load.set_defaults(run=_load)
    override = calendar.add_parser("override", help="decide one day: it trades or it is closed")
    override.add_argument("day", type=_day)
    side = override.add_mutually_exclusive_group(required=True)
    side.add_argument("--closed", dest="trades", action="store_false", help="the exchanges are closed")
    side.add_argument("--open", dest="trades", action="store_true", help="the exchanges trade")
    override.add_argument("--reason", required=True)
    _by(override)
    override.set_defaults(run=lambda args: on_app(lambda app: _override(app, args)))
    clear = calendar.add_parser("clear", help="remove a day's override")
    clear.add_argument("day", type=_day)
    _by(clear)
    clear.set_defaults(run=lambda args: on_app(lambda app: _clear(app, args)))


def _by(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--by", default=None, help="the administrator acting (default: the operator)")


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _load(args: argparse.Namespace) -> int:
    text = read_text(args.file)
    return 1 if text is None else on_app(lambda app: _load_text(app, text, args))


def _load_text(app: App, text: str, args: argparse.Namespace) -> int:
    try:
        load = app.trading_days.load_year(text, by=args.by, year=args.year, note=args.note)
    except NoticeUnreadable as unreadable:
        for problem in unreadable.problems:
            print(problem, file=sys.stderr)
        print(f"nothing loaded: {len(unreadable.problems)} bad lines", file=sys.stderr)
        return 1
    print(f"{load.year} loaded (version {load.version}): {len(load.closed)} closed weekdays")
    return _show(app, load.year)


def _show(app: App, year: int) -> int:
    view = app.trading_days.year(year)
    for line in year_lines(view, lambda micros: _local(app, micros)):
        print(line)
    return 0


def year_lines(view: YearView, stamp: Callable[[int], str]) -> list[str]:
    """What ``calendar show`` prints of a year (``stamp`` writes a time in microseconds)."""
    lines = [f"{view.year}: " + (f"known, {view.trading_days} trading days" if view.known else "NOT known")]
    if view.known:
        lines.append("  closed weekdays: " + _ranges(view.closed))
    lines.append("  sources:")
    for name, days in view.opinions:
        lines.append(
            f"    {name:<16} " + ("does not cover it" if days is None else f"{len(days)} closed weekdays")
        )
    for dispute in view.disputes:
        lines.append("  " + _dispute(view, dispute))
    lines += [
        f"  override {o.day}: {'trades' if o.trades else 'closed'} — {o.reason} ({o.set_by})"
        for o in view.overrides
    ]
    lines += [
        f"  load v{load.version} by {load.loaded_by} at {stamp(load.loaded_at)}: {len(load.closed)} days"
        + (f" — {load.note}" if load.note else "")
        for load in view.loads
    ]
    return lines


def _dispute(view: YearView, dispute: Dispute) -> str:
    said = f"sources disagree about {dispute.day}: closed by {', '.join(dispute.closed_by)}; trading for "
    said += ", ".join(dispute.open_by)
    return said + (" — decided by an override" if view.decided(dispute) else " — UNDECIDED")


def _ranges(days: tuple[date, ...]) -> str:
    shown = [f"{a}" if a == b else f"{a} – {b}" for a, b in closure_ranges(days)]
    return ", ".join(shown) or "none"


def _local(app: App, micros: int) -> str:
    return from_micros(micros).astimezone(app.ledger.timezone).strftime("%Y-%m-%d %H:%M")


def _override(app: App, args: argparse.Namespace) -> int:
    entry = app.trading_days.set_override(args.day, trades=args.trades, reason=args.reason, by=args.by)
    print(f"{entry.day} {'trades' if entry.trades else 'is closed'} ({entry.reason})")
    return 0


def _clear(app: App, args: argparse.Namespace) -> int:
    removed = app.trading_days.clear_override(args.day, by=args.by)
    print(f"{args.day}: override removed" if removed else f"{args.day} had no override")
    return 0
