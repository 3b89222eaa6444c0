"""Telling a rung of the alert ladder crossed (``ladder``): a status that takes a normal allocation down into
a deeper rung — its risk state unchanged — alerts the rung's audience once.

Of the rungs one status crosses, each audience hears of the deepest one it is an audience of: the customer
on every channel they have (the bot, and SMS to a verified phone), as risk alerts are sent; the risk
officers (``allocation.daily_status``) in the line this module answers, which ``monitoring.alert_crossings``
tells them with the risk changes (the change itself, or one digest of all). A rung's own message, in the
reader's language, leads the text; without one the default text says what happened. A status that also
crosses the warning line tells the warning alone, and climbing back out of a rung is silent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from p2pstock.core.allocation.allocations import Risk, Watch
from p2pstock.core.allocation.ladder import Rung
from p2pstock.core.allocation.statuses import DailyStatus
from p2pstock.core.backoffice import Tx
from p2pstock.core.money import Money
from p2pstock.core.names import Phrase
from p2pstock.core.people.customers import Customer

Told = tuple[str, dict[str, object]]
"""A text to tell: its template's key and values."""


def crossed(status: DailyStatus) -> bool:
    """Whether ``status`` took its allocation down into a deeper rung while leaving it normal."""
    return status.risk_after is Risk.NORMAL and status.rung_after > status.rung_before


def ladders(tx: Tx, watched: Sequence[Watch]) -> dict[str, tuple[Rung, ...]]:
    """The rungs of each of these allocations' products, by allocation (one read of the allocations)."""
    codes = sorted({w.sub_account for w in watched if w.sub_account is not None})
    found = tx.uow.allocations.by_sub_account(codes) if codes else {}
    return {a.id: a.product.rungs for a in found.values()}


def ring(
    tx: Tx,
    crossings: Sequence[tuple[Watch, DailyStatus]],
    rungs: Mapping[str, tuple[Rung, ...]],
    customers: Mapping[str, Customer],
) -> list[Told]:
    """Alert each customer of the rungs they hear of, and answer the risk officers' lines."""
    staff: list[Told] = []
    for watch, status in crossings:
        ladder = rungs.get(watch.id, ())
        for_customer = deepest(ladder, status, customer=True)
        if for_customer is not None:
            key, values = _told(watch, status, ladder, for_customer)
            tx.alert(customers.get(watch.customer_id), key, **values)
        for_staff = deepest(ladder, status, customer=False)
        if for_staff is not None:
            key, values = _told(watch, status, ladder, for_staff)
            staff.append((f"{key}.staff", values))
    return staff


def deepest(ladder: tuple[Rung, ...], status: DailyStatus, *, customer: bool) -> int | None:
    """The number of the deepest rung ``status`` crossed whose audience is the customer (or else the risk
    officers), if any."""
    for number in range(min(status.rung_after, len(ladder)), status.rung_before, -1):
        audience = ladder[number - 1].audience
        if audience.customer if customer else audience.staff:
            return number
    return None


def _told(watch: Watch, status: DailyStatus, ladder: tuple[Rung, ...], number: int) -> Told:
    rung = ladder[number - 1]
    values: dict[str, object] = {
        "id": watch.id,
        "assets": Money(status.figures.total_assets),
        "rung": number,
        "line": Money(rung.line(watch.warning_line)),
        "warning": Money(watch.warning_line),
    }
    if rung.own_message:
        return "allocation.rung_own", {**values, "message": Phrase(rung.zh, rung.en)}
    return "allocation.rung", values
