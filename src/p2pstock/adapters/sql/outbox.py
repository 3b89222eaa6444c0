"""The notification outbox on SQLite and PostgreSQL. ``secret`` holds what of a text must not outlive its
delivery (a verification code) while it waits; saving it done leaves it empty and the text masked."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from p2pstock.adapters.sql.repository import Row, SqlRepository, placeholders
from p2pstock.core.notifications import Channel, DeliveryStatus, Notification

_NOTIFICATION = (
    "id, channel, recipient, text, created_at, status, attempts, next_attempt_at, last_error, secret"
)
_SELECT = f"SELECT {_NOTIFICATION} FROM notification"
_COLUMNS = tuple(_NOTIFICATION.split(", "))
_SAVE = (
    "UPDATE notification SET channel = :channel, recipient = :recipient, text = :text, "
    "created_at = :created_at, status = :status, attempts = :attempts, next_attempt_at = :next_attempt_at, "
    "last_error = :last_error, secret = :secret WHERE id = :id"
)
_DUE = (
    f"{_SELECT} WHERE status = :status AND next_attempt_at <= :now{{of_channels}} "
    "ORDER BY next_attempt_at, id LIMIT :limit"
)
_OF_RECIPIENT = f"{_SELECT} WHERE recipient = :recipient ORDER BY created_at DESC, id DESC LIMIT :limit"


class SqlOutbox(SqlRepository):
    def add(self, notifications: Sequence[Notification]) -> None:
        self._insert("notification", _COLUMNS, [_values(n) for n in notifications])

    def get(self, notification_id: str, *, lock: bool = False) -> Notification | None:
        row = self._first(f"{_SELECT} WHERE id = :id{self._for_update(lock)}", {"id": notification_id})
        return None if row is None else _notification(row)

    def save(self, notification: Notification) -> None:
        self._change(_SAVE, _row(notification), "notification")

    def due(self, now: int, limit: int, channels: Collection[Channel] | None = None) -> list[Notification]:
        skip_locked = " FOR UPDATE SKIP LOCKED" if self._postgresql else ""
        params: dict[str, Any] = {"status": str(DeliveryStatus.PENDING), "now": now, "limit": limit}
        of_channels = ""
        if channels is not None:
            if not channels:
                return []
            names, named = placeholders("channel", sorted(str(channel) for channel in channels))
            of_channels, params = f" AND channel IN ({names})", {**params, **named}
        statement = _DUE.format(of_channels=of_channels) + skip_locked
        return [_notification(row) for row in self._rows(statement, params)]

    def of_recipient(self, recipient: str, limit: int) -> list[Notification]:
        rows = self._rows(_OF_RECIPIENT, {"recipient": recipient, "limit": limit})
        return [_notification(row) for row in rows]


def _row(n: Notification) -> dict[str, Any]:
    return {
        "id": n.id,
        "channel": str(n.channel),
        "recipient": n.recipient,
        "text": n.text,
        "created_at": n.created_at,
        "status": str(n.status),
        "attempts": n.attempts,
        "next_attempt_at": n.next_attempt_at,
        "last_error": n.last_error,
        "secret": n.secret,
    }


def _values(n: Notification) -> Row:
    """The values of a new row, in the order of ``_COLUMNS``."""
    return (
        n.id,
        str(n.channel),
        n.recipient,
        n.text,
        n.created_at,
        str(n.status),
        n.attempts,
        n.next_attempt_at,
        n.last_error,
        n.secret,
    )


def _notification(row: Row) -> Notification:
    return Notification(
        id=row[0],
        channel=Channel(row[1]),
        recipient=row[2],
        text=row[3],
        created_at=row[4],
        status=DeliveryStatus(row[5]),
        attempts=row[6],
        next_attempt_at=row[7],
        last_error=row[8],
        secret=row[9],
    )
