"""``p2pstock approval list|approve|reject``: the four-eyes queue, for the second administrator."""

from __future__ import annotations

import argparse

from p2pstock.bootstrap import App
from p2pstock.cli.common import Commands, on_app
from p2pstock.core.money import Money


def register(commands: Commands) -> None:
    approval = commands.add_parser("approval", help="actions waiting for a second administrator")
    approvals = approval.add_subparsers(title="approval commands")
    listing = approvals.add_parser("list", help="the requests this administrator could decide")
    listing.add_argument("--by", required=True)
    listing.set_defaults(run=lambda args: on_app(lambda app: _list(app, args.by)))
    approve = approvals.add_parser("approve", help="approve a request: it is carried out now")
    approve.add_argument("id")
    approve.add_argument("--by", required=True)
    approve.set_defaults(run=lambda args: on_app(lambda app: _approve(app, args)))
    reject = approvals.add_parser("reject", help="reject a request, saying why")
    reject.add_argument("id")
    reject.add_argument("--reason", required=True)
    reject.add_argument("--by", required=True)
    reject.set_defaults(run=lambda args: on_app(lambda app: _reject(app, args)))


def _list(app: App, by: str) -> int:
    for request in app.approvals.pending(by=by):
        amount = "" if request.amount is None else f" {Money(request.amount)}"
        print(f"{request.id}  {request.action} {request.target}{amount}  by {request.maker_id}")
    return 0


def _approve(app: App, args: argparse.Namespace) -> int:
    request = app.approvals.approve(args.id, by=args.by)
    print(f"{request.id} approved: {request.action} {request.target} carried out")
    return 0


def _reject(app: App, args: argparse.Namespace) -> int:
    request = app.approvals.reject(args.id, by=args.by, reason=args.reason)
    print(f"{request.id} rejected: {request.reason}")
    return 0
