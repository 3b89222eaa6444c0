"""Allocations at the end of their term. The customer and the risk officers are told once, on the last day
(or the first run of the jobs after it): the customer may still ask for an extension that day; after it
the allocation runs on without fees until it is settled."""

from __future__ import annotations

from datetime import date

import attrs

from p2pstock.core.allocation.allocations import Status
from p2pstock.core.allocation.desk import Desk
from p2pstock.core.backoffice import SYSTEM, Tx
from p2pstock.core.people.permissions import Permission

BATCH = 500


def tell_term_ends(desk: Desk, tx: Tx, *, day: date, after: str) -> tuple[int, int, str]:
    """One page of running allocations: (read, told, the last id read)."""
    page = tx.uow.allocations.in_status([Status.IN_PROGRESS], BATCH, after=after)
    told = 0
    for allocation in page:
        if allocation.term_end_told or allocation.end_date is None or allocation.end_date > day:
            continue
        locked = desk.load(tx, allocation.id)
        if locked.term_end_told or locked.status is not Status.IN_PROGRESS:
            continue
        ended = attrs.evolve(locked, term_end_told=True)
        desk.change(tx, locked, ended, actor=SYSTEM, kind="term_ended", end=str(locked.end_date))
        end = str(locked.end_date)
        tx.tell(tx.uow.customers.get(locked.customer_id), "allocation.term_ended", id=locked.id, end=end)
        tx.tell_staff(Permission.ALLOCATION_SETTLE, "allocation.staff_term_ended", id=locked.id, end=end)
        told += 1
    return len(page), told, page[-1].id if page else after
