"""``p2pstock allocation flagged --by ADMIN [--limit N] [--lang zh|en]``: the daily statuses held as
implausible, oldest first — each with why it was held, the previous total assets against the day's and the
move, and who entered it when — in Chinese by default (``--lang en``: English). A second administrator
decides them in the bot (/admin → Allocations → Flagged statuses)."""

from __future__ import annotations

import argparse

from p2pstock.bootstrap import App
from p2pstock.bots.telegram.flagged_lines import held_lines
from p2pstock.bots.telegram.texts import DEFAULT_LANGUAGE, LANGUAGES, text
from p2pstock.cli.common import Commands, on_app


def register(allocation: Commands) -> None:
    flagged = allocation.add_parser(
        "flagged", help="the daily statuses held as implausible, waiting for a second administrator"
    )
    flagged.add_argument("--by", required=True, help="an administrator holding allocation.daily_status")
    flagged.add_argument("--limit", type=_count, default=100, help="statuses listed at most (default 100)")
    flagged.add_argument("--lang", choices=LANGUAGES, default=DEFAULT_LANGUAGE, help="zh (default) or en")
    flagged.set_defaults(run=lambda a: on_app(lambda app: show(app, a.by, a.limit, a.lang)))


def _count(value: str) -> int:
    if not value.isdigit() or int(value) == 0:
        raise argparse.ArgumentTypeError(f"not a count above zero: {value!r}")
    return int(value)


def show(app: App, by: str, limit: int, lang: str) -> int:
    held = app.allocations.flagged(by=by, limit=limit)
    if not held:
        print(text("flagged.none", lang))
        return 0
    print(text("flagged.title", lang, count=len(held)))
    for status in held:
        print()
        for line in held_lines(status, lang, app.ledger.timezone):
            print(line)
    return 0
