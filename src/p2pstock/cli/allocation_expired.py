"""``p2pstock allocation expired --by ADMIN [--lang zh|en]``: the running allocations whose term ended
without renewal (到期未续), the earliest to settle first — each with its customer, B, the last day, the day
it is to be settled by, and whether that day has passed — in Chinese by default (``--lang en``: English).
They are settled in the bot (/admin → Allocations)."""

from __future__ import annotations

from p2pstock.bootstrap import App
from p2pstock.bots.telegram.texts import DEFAULT_LANGUAGE, LANGUAGES, text
from p2pstock.cli.common import Commands, on_app
from p2pstock.core.money import Money


def register(allocation: Commands) -> None:
    expired = allocation.add_parser(
        "expired", help="the running allocations whose term ended without renewal, to be settled"
    )
    expired.add_argument("--by", required=True, help="an administrator who may see allocations")
    expired.add_argument("--lang", choices=LANGUAGES, default=DEFAULT_LANGUAGE, help="zh (default) or en")
    expired.set_defaults(run=lambda a: on_app(lambda app: show(app, a.by, a.lang)))


def show(app: App, by: str, lang: str) -> int:
    found = app.allocations.expired(by=by)
    if not found:
        print(text("expired.none", lang))
        return 0
    today = app.office.clock.now().astimezone(app.ledger.timezone).date()
    print(text("expired.title", lang, count=len(found)))
    for a in found:
        late = a.settle_by is not None and a.settle_by < today
        print(
            text(
                "expired.late" if late else "expired.line",
                lang,
                id=a.id,
                customer=a.customer_id,
                allocated=Money(a.allocated),
                end=a.expired_on,
                settle_by=a.settle_by,
            )
        )
    return 0
