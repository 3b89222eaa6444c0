"""``p2pstock payment …``: the held (mismatched) deposit orders and their resolution, under four eyes.

::

    p2pstock payment list --mismatched --by ADMIN             the held orders, oldest first
    p2pstock payment resolve ORDER --credit|--refund --reason TEXT --by ADMIN
                                                              ask for a resolution (waits for a checker)
    p2pstock payment approve ORDER --by ADMIN                 a second administrator carries it out
    p2pstock payment reject ORDER --reason TEXT --by ADMIN    … or refuses it, saying why

Core checks ``payment.resolve`` and the four eyes on every call, as it does for the bot.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from p2pstock.bootstrap import App
from p2pstock.cli.common import Commands, on_app
from p2pstock.core.clock import from_micros
from p2pstock.core.payment_resolution import OrderToResolve, shown
from p2pstock.core.payment_service import MAX_ORDERS
from p2pstock.core.payments import PaymentOrder, Resolution
from p2pstock.core.people.four_eyes import ApprovalRequest


def register(commands: Commands) -> None:
    payment = commands.add_parser("payment", help="held deposit orders").add_subparsers(
        title="payment commands"
    )
    listing = payment.add_parser("list", help="the deposit orders a gateway paid with another amount")
    listing.add_argument(
        "--mismatched", action="store_true", required=True, help="the held orders (the only list so far)"
    )
    listing.add_argument("--limit", type=int, default=50, help=f"at most this many (1–{MAX_ORDERS})")
    listing.add_argument("--by", required=True, help="the administrator asking (payment.resolve)")
    listing.set_defaults(run=_on_app(_list))

    resolve = payment.add_parser("resolve", help="ask to credit what arrived, or to record its refund")
    resolve.add_argument("order", help="the held order's id")
    outcome = resolve.add_mutually_exclusive_group(required=True)
    outcome.add_argument("--credit", dest="resolution", action="store_const", const=Resolution.CREDIT)
    outcome.add_argument("--refund", dest="resolution", action="store_const", const=Resolution.REFUND)
    resolve.add_argument("--reason", required=True, help="why (the checker and the audit trail read it)")
    resolve.add_argument("--by", required=True, help="the administrator asking (the maker)")
    resolve.set_defaults(run=_on_app(_resolve))

    approve = payment.add_parser("approve", help="agree, as the second administrator: carried out now")
    approve.add_argument("order", help="the held order's id")
    approve.add_argument("--by", required=True, help="the second administrator (not the maker)")
    approve.set_defaults(run=_on_app(_approve))

    reject = payment.add_parser("reject", help="refuse the resolution asked for, saying why")
    reject.add_argument("order", help="the held order's id")
    reject.add_argument("--reason", required=True, help="why (the maker reads it)")
    reject.add_argument("--by", required=True, help="the second administrator (not the maker)")
    reject.set_defaults(run=_on_app(_reject))


def _on_app(work: Callable[[App, argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    return lambda args: on_app(lambda app: work(app, args))


def _list(app: App, args: argparse.Namespace) -> int:
    held = app.payments.to_resolve(by=args.by, limit=args.limit)
    for entry in held:
        print(_line(app, entry.order))
        if entry.waiting is not None and entry.asked is not None:
            print(f"    {entry.asked} asked by {entry.waiting.maker_id} ({entry.reason}): {entry.waiting.id}")
    print(f"held orders: {len(held)}")
    return 0


def _line(app: App, order: PaymentOrder) -> str:
    at = from_micros(order.created_at).astimezone(app.ledger.timezone).strftime("%Y-%m-%d %H:%M")
    asked = shown(order.amount, order.currency)
    paid = shown(order.reported_amount or 0, order.reported_currency)
    return (
        f"{order.id}  {order.customer_id}  ordered {asked}  {order.provider} reports {paid}"
        f" (transaction {order.transaction_id})  {at}"
    )


def _resolve(app: App, args: argparse.Namespace) -> int:
    done = app.payments.resolve(args.order, args.resolution, by=args.by, reason=args.reason)
    if isinstance(done, ApprovalRequest):
        print(f"{args.resolution} of {args.order} asked for; a second administrator must approve it:")
        print(f"  p2pstock payment approve {args.order} --by ADMIN   (approval {done.id})")
        return 0
    print(f"{done.id} is {done.status.value}")
    return 0


def _approve(app: App, args: argparse.Namespace) -> int:
    request = _waiting(app, args)
    if request is None:
        return 1
    app.approvals.approve(request.id, by=args.by)
    print(f"{args.order} is {app.payments.order(args.order).status.value}")
    return 0


def _reject(app: App, args: argparse.Namespace) -> int:
    request = _waiting(app, args)
    if request is None:
        return 1
    app.approvals.reject(request.id, by=args.by, reason=args.reason)
    print(f"the {request.action} of {args.order} was rejected; the order stays held")
    return 0


def _waiting(app: App, args: argparse.Namespace) -> ApprovalRequest | None:
    entry: OrderToResolve = app.payments.to_resolve_one(args.order, by=args.by)
    if entry.waiting is None:
        print(f"no resolution of {args.order} waits for a second administrator", file=sys.stderr)
    return entry.waiting
