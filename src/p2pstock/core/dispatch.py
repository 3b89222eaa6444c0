"""Delivering the outbox: notifications written by committed transactions leave through senders.

Each round claims the due notifications of the channels it has senders for, for a lease (so two
dispatchers never send the same one at the same time; one without a sender for a channel leaves that
channel's to a process that has one), sends them, and records each outcome: sent; rejected for good
(``DeliveryRejected``, e.g. ``SmsRejected``) → failed at once; anything else → retried with backoff
(``RetryPolicy``), later when the provider asked for a wait (``SmsUnavailable.retry_after``), until the
attempts run out.
Delivery is at least once: a dispatcher that dies after sending and before recording sends again once
its lease ran out. Database work runs off the event loop. A verification code stays readable in the
outbox only until its text is sent or given up, and is masked in every reason logged or stored.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import Protocol

import attrs

from p2pstock.core.backoffice import Backoffice, Tx
from p2pstock.core.notifications import Channel, DeliveryStatus, Notification, RetryPolicy, mask
from p2pstock.core.sms import DeliveryRejected, SmsError, SmsUnavailable

log = logging.getLogger(__name__)
_MICROS = 1_000_000


class MessageSender(Protocol):
    """Delivers one text to one recipient of its channel; answers the provider's message id."""

    async def send(self, recipient: str, text: str) -> str: ...


@attrs.frozen
class DispatchReport:
    """What one round did."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0

    def __add__(self, other: DispatchReport) -> DispatchReport:
        return DispatchReport(
            self.sent + other.sent, self.retrying + other.retrying, self.failed + other.failed
        )


@attrs.define
class Dispatcher:
    office: Backoffice
    senders: Mapping[Channel, MessageSender]
    policy: RetryPolicy = attrs.Factory(RetryPolicy)
    lease_seconds: int = 300
    batch: int = 100

    def dispatch_now(self) -> DispatchReport:
        """One round, for callers without an event loop (the command line, scheduled jobs)."""
        return asyncio.run(self.dispatch())

    async def dispatch(self) -> DispatchReport:
        """Send what is due now; the report of this round."""
        report = DispatchReport()
        for notification in await asyncio.to_thread(self.office.run, self._claim):
            outcome = await self._send(notification)
            recorded = await asyncio.to_thread(
                self.office.run, lambda tx, n=notification, o=outcome: _record(tx, n, o, self.policy)
            )
            report += recorded
        return report

    def _claim(self, tx: Tx) -> list[Notification]:
        """The due notifications of the channels this dispatcher has a sender for: one of another channel
        waits for a process that can deliver it (a web worker without the bot leaves Telegram messages to
        one with it) instead of failing here."""
        until = tx.now + self.lease_seconds * _MICROS
        due = tx.uow.outbox.due(tx.now, self.batch, channels=frozenset(self.senders))
        claimed = [n.claimed(until) for n in due]
        for notification in claimed:
            tx.uow.outbox.save(notification)
        return claimed

    async def _send(self, notification: Notification) -> BaseException | None:
        sender = self.senders.get(notification.channel)
        if sender is None:
            return LookupError(f"no sender for {notification.channel.value}")
        try:
            await sender.send(notification.recipient, notification.text)
        except Exception as error:  # every failure is recorded; none may stop the round
            why = notification.scrub(_why(error))
            log.warning("could not deliver %s to %s: %s", notification.id, mask(notification.recipient), why)
            return error
        return None


def _why(error: BaseException) -> str:
    """A failure's description without anything the message held: our errors' text, else the class."""
    return str(error) if isinstance(error, SmsError | DeliveryRejected) else type(error).__name__


def _record(
    tx: Tx, claimed: Notification, error: BaseException | None, policy: RetryPolicy
) -> DispatchReport:
    current = tx.uow.outbox.get(claimed.id, lock=True)
    if current is None or current.status is not DeliveryStatus.PENDING:
        return DispatchReport()  # another dispatcher took over after our lease ran out and finished it
    if error is None:
        tx.uow.outbox.save(current.sent(tx.now))
        return DispatchReport(sent=1)
    if isinstance(error, DeliveryRejected):
        tx.uow.outbox.save(current.given_up(tx.now, _why(error)))
        return DispatchReport(failed=1)
    later = current.failed(tx.now, _why(error), policy)
    wait = error.retry_after if isinstance(error, SmsUnavailable) else None
    if wait and later.status is DeliveryStatus.PENDING:
        later = attrs.evolve(later, next_attempt_at=max(later.next_attempt_at, tx.now + wait * _MICROS))
    tx.uow.outbox.save(later)
    return DispatchReport(failed=1) if later.status is DeliveryStatus.FAILED else DispatchReport(retrying=1)
