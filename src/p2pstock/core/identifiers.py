"""Ids of new business records: named by the caller's request id, so that asking again finds the record the
first request made, or random."""

from __future__ import annotations

import hashlib
import uuid

from p2pstock.core.validation import check_id


def record_id(prefix: str, owner: str, request_id: str | None, *, digits: int) -> str:
    """``prefix`` and ``digits`` hex digits: a hash of ``owner`` and ``request_id``, or random without one."""
    if request_id is None:
        return f"{prefix}{uuid.uuid4().hex[:digits]}"
    key = f"{owner}\x00{check_id(request_id, 'request id')}".encode()
    return f"{prefix}{hashlib.sha256(key).hexdigest()[:digits]}"
