"""``p2pstock lending reserve|fund-reserve``: the loan products' guarantee reserves. ``reserve`` prints each
product's reserve as a table (``--lang``: the bot's language of the operator, Chinese by default); funding
names its administrator (``--by``, holding ``capital.manage``) and, from the capital four-eyes threshold on,
waits for a second administrator (``p2pstock approval approve``)."""

from __future__ import annotations

import argparse
import unicodedata
from collections.abc import Sequence

from p2pstock.bootstrap import App
from p2pstock.bots.telegram.texts import DEFAULT_LANGUAGE, LANGUAGES, text
from p2pstock.cli.common import Commands, on_app, yuan
from p2pstock.core.lending.reserve import ReserveFigures
from p2pstock.core.money import Money
from p2pstock.core.people.four_eyes import ApprovalRequest

COLUMNS = ("product", "days", "balance", "advanced", "recovered", "outstanding", "written_off", "investors")


def register(commands: Commands) -> None:
    lending = commands.add_parser("lending", help="P2P lending").add_subparsers(title="lending commands")
    table = lending.add_parser("reserve", help="each loan product's guarantee reserve, as a table")
    table.add_argument("--by", required=True, help="an administrator holding capital.manage or stats.view")
    table.add_argument("--lang", choices=LANGUAGES, default=DEFAULT_LANGUAGE, help="zh (default) or en")
    table.set_defaults(run=lambda args: on_app(lambda app: _show(app, args.by, args.lang)))
    fund = lending.add_parser("fund-reserve", help="put the platform's own money into a product's reserve")
    fund.add_argument("product", help="the loan product's code")
    fund.add_argument("amount", type=yuan, help="in yuan: 100000, 100,000.00")
    fund.add_argument("--reference", required=True, help="names the funding: repeating it moves once")
    fund.add_argument("--by", required=True)
    fund.set_defaults(run=lambda args: on_app(lambda app: _fund(app, args)))


def _show(app: App, by: str, lang: str) -> int:
    rows = [[text(f"reserve.table.{column}", lang) for column in COLUMNS]]
    rows += [_row(found) for found in app.guarantee.figures(by=by)]
    for line in table_lines(rows):
        print(line)
    return 0


def _row(f: ReserveFigures) -> list[str]:
    amounts = (f.balance, f.advanced, f.recovered, f.outstanding, f.written_off, f.investors_written_off)
    return [f.product, str(f.guarantee_days), *(str(Money(amount)) for amount in amounts)]


def table_lines(rows: Sequence[Sequence[str]]) -> list[str]:
    """``rows`` in columns, the first left-aligned and the rest right-aligned, by the width a terminal
    shows (a Chinese character takes two columns)."""
    widths = [max(_width(row[n]) for row in rows) for n in range(len(rows[0]))]
    return [
        "  ".join(
            _pad(cell, width, left=n == 0) for n, (cell, width) in enumerate(zip(row, widths, strict=True))
        )
        for row in rows
    ]


def _width(cell: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in cell)


def _pad(cell: str, width: int, *, left: bool) -> str:
    room = " " * (width - _width(cell))
    return cell + room if left else room + cell


def _fund(app: App, args: argparse.Namespace) -> int:
    done = app.guarantee.fund_reserve(args.product, args.amount.minor, reference=args.reference, by=args.by)
    if isinstance(done, ApprovalRequest):
        print(f"{Money(args.amount.minor)} waits for a second administrator: approval {done.id}")
    else:
        print(f"done; the reserve of {args.product} holds {done}")
    return 0
