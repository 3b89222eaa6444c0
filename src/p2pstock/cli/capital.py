"""``p2pstock capital show|fund|withdraw``: the capital pool allocations draw from. Movements name their
administrator (``--by``, holding ``capital.manage``); from the four-eyes threshold on a movement waits for
a second administrator (``p2pstock approval approve``)."""

from __future__ import annotations

import argparse

from p2pstock.bootstrap import App
from p2pstock.cli.common import Commands, on_app, yuan
from p2pstock.core.money import Money
from p2pstock.core.people.four_eyes import ApprovalRequest


def register(commands: Commands) -> None:
    capital = commands.add_parser("capital", help="the capital pool").add_subparsers(title="capital commands")
    show = capital.add_parser("show", help="what the pool holds and what is lent out, by product mode")
    show.add_argument("--by", required=True)
    show.set_defaults(run=lambda args: on_app(lambda app: _show(app, args.by)))
    for name, helps in (("fund", "put money into the pool"), ("withdraw", "take money out of the pool")):
        move = capital.add_parser(name, help=helps)
        move.add_argument("amount", type=yuan, help="in yuan: 1000000, 1,000,000.00")
        move.add_argument("--reference", required=True, help="names the movement: repeating it moves once")
        move.add_argument("--by", required=True)
        move.set_defaults(run=lambda args, into=name == "fund": on_app(lambda app: _move(app, args, into)))


def _show(app: App, by: str) -> int:
    position = app.capital.position(by=by)
    print(f"in the pool: {position.available}")
    for lent in position.lent:
        print(f"lent to {lent.allocations} running {lent.mode.value} allocations: {lent.amount}")
    print(f"lent in all: {position.lent_total}")
    return 0


def _move(app: App, args: argparse.Namespace, into: bool) -> int:
    move = app.capital.fund if into else app.capital.take_out
    done = move(args.amount.minor, reference=args.reference, by=args.by)
    if isinstance(done, ApprovalRequest):
        print(f"{Money(args.amount.minor)} waits for a second administrator: approval {done.id}")
    else:
        print(f"done; the pool holds {done}")
    return 0
