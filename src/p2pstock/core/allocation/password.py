"""The trading sub-account's password, handed to the customer once — counted as shown only once it was
delivered.

A frontend that sends the password somewhere (the bot, to the customer's chat) must not lose it when the
sending fails, nor send it twice when the customer presses twice::

    to_send(allocation, customer)      the password and a hold: for HOLD_SECONDS nobody else gets it
                                       (a second press meanwhile is refused with ``PasswordOnItsWay``)
    sent(allocation, customer)         the sender's channel accepted it: shown, for good (on the timeline
                                       and in the audit trail); once shown it is never handed out again
    not_sent(allocation, customer, t)  the sending failed: the hold ``t`` is released, the customer may ask
                                       again at once

A sender that dies between ``to_send`` and ``sent`` leaves a hold that lapses after ``HOLD_SECONDS``: the
customer may then ask again. So a password is never lost; it is sent twice at most when the sender's
channel took it but the sender died before it could say so (or the channel's answer was lost).

The hold is a lock, not a change of the allocation's business state: it is stored with the allocation
(its version moves, so concurrent writers take turns) but it is neither on the timeline nor audited.
``reveal`` is the one-step form for a caller that hands the password over in the same breath and cannot
fail afterwards (an embedder showing it on a screen).
"""

from __future__ import annotations

import uuid

import attrs

from p2pstock.core.allocation.allocations import Allocation, Status
from p2pstock.core.allocation.desk import Desk
from p2pstock.core.backoffice import Tx
from p2pstock.core.errors import Refused

HOLD_SECONDS = 120
"""How long a password handed out for sending is held for that one delivery."""


class PasswordOnItsWay(Refused):
    """The password is being sent already (another press a moment ago)."""

    code = "password_on_its_way"


@attrs.frozen
class PasswordDelivery:
    """A password handed out for sending; ``hold`` names this delivery (for ``not_sent``)."""

    allocation_id: str
    sub_account: str | None
    password: str = attrs.field(repr=False)
    hold: str


def to_send(desk: Desk, tx: Tx, allocation_id: str, customer_id: str) -> PasswordDelivery:
    """The password, held for one delivery; refused when it was shown already or is on its way."""
    allocation = _showable(desk, tx, allocation_id, customer_id)
    if allocation.password_hold and tx.now < allocation.password_hold_until:
        raise PasswordOnItsWay("the password is being sent; look at the chat in a moment")
    password = _open(desk, allocation)
    hold = uuid.uuid4().hex
    held = attrs.evolve(
        allocation,
        password_hold=hold,
        password_hold_until=tx.now + HOLD_SECONDS * 1_000_000,
        version=allocation.version + 1,
    )
    tx.uow.allocations.save(held)
    return PasswordDelivery(allocation.id, allocation.sub_account, password, hold)


def sent(desk: Desk, tx: Tx, allocation_id: str, customer_id: str) -> Allocation:
    """The password was delivered: shown, for good (asking again answers the allocation as it is)."""
    allocation = _own(desk, tx, allocation_id, customer_id)
    if allocation.password_shown:
        return allocation
    return _shown(desk, tx, allocation)


def not_sent(desk: Desk, tx: Tx, allocation_id: str, customer_id: str, hold: str) -> None:
    """The delivery ``hold`` failed: released, so the customer may ask again (a lapsed or later hold, or a
    password shown meanwhile, is left as it is)."""
    allocation = _own(desk, tx, allocation_id, customer_id)
    if allocation.password_shown or not hold or allocation.password_hold != hold:
        return
    released = attrs.evolve(
        allocation, password_hold="", password_hold_until=0, version=allocation.version + 1
    )
    tx.uow.allocations.save(released)


def reveal(desk: Desk, tx: Tx, allocation_id: str, customer_id: str) -> str:
    """The password, shown at once: for a caller that hands it over in the same step and cannot fail
    afterwards. A second request is refused."""
    allocation = _showable(desk, tx, allocation_id, customer_id)
    if allocation.password_hold and tx.now < allocation.password_hold_until:
        raise PasswordOnItsWay("the password is being sent; look at the chat in a moment")
    password = _open(desk, allocation)
    _shown(desk, tx, allocation)
    return password


def _own(desk: Desk, tx: Tx, allocation_id: str, customer_id: str) -> Allocation:
    allocation = desk.load(tx, allocation_id)
    if allocation.customer_id != customer_id or allocation.status is not Status.IN_PROGRESS:
        raise Refused("there is no password to show for this allocation", code="no_password")
    return allocation


def _showable(desk: Desk, tx: Tx, allocation_id: str, customer_id: str) -> Allocation:
    allocation = _own(desk, tx, allocation_id, customer_id)
    if allocation.password_shown:
        raise Refused(
            "the password was shown once already; ask support to reset it at the broker",
            code="password_shown",
        )
    return allocation


def _open(desk: Desk, allocation: Allocation) -> str:
    if desk.box is None:
        raise Refused(
            "sub-account passwords cannot be read: set P2PSTOCK_ENCRYPTION_KEY", code="encryption_key_missing"
        )
    return desk.box.open(allocation.sealed_password)


def _shown(desk: Desk, tx: Tx, allocation: Allocation) -> Allocation:
    shown = attrs.evolve(allocation, password_shown=True, password_hold="", password_hold_until=0)
    return desk.change(tx, allocation, shown, actor=allocation.customer_id, kind="password_shown")
