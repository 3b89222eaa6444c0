"""The one table from p2pstock's error classes to what the bot tells the user.

An error raised with a ``code`` that has a ``refusal.<code>`` text (``refusal_texts.py``) is told with
that text and the error's own ``values``. Any other error is told by the first row whose class matches,
so the specific classes come before their bases; a row's ``values`` picks from the error what its text
shows (attempts left, seconds to wait). The last rows are the generic fallbacks of the tree's branches:
they never show core's English, and core raises nothing that reaches them (a test holds every raise in
core to a code with a text). Errors outside the tree are not here: the application's error handler
logs them and tells the user something went wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import attrs

from p2pstock.bots.telegram.texts import TEXTS, file_size, text
from p2pstock.core.allocation.calendar import TermBeyondCalendar
from p2pstock.core.errors import (
    AlreadyDecided,
    IdempotencyConflict,
    InsufficientFunds,
    InvalidInput,
    NotFound,
    P2PStockError,
    Refused,
    StorageError,
    UnsafeText,
    WithdrawalBlocked,
)
from p2pstock.core.money import MoneyError
from p2pstock.core.payments import CannotCredit, ReportChanged, ResolutionWaiting
from p2pstock.core.people.documents import MAX_DOCUMENT_BYTES, DocumentRefused
from p2pstock.core.people.four_eyes import ApprovalExpired, MakerCannotCheck
from p2pstock.core.people.permissions import PermissionDenied
from p2pstock.core.people.phone_codes import (
    CodeAlreadyUsed,
    CodeExpired,
    ResendTooSoon,
    TooManyAttempts,
    TooManyCodes,
)
from p2pstock.core.people.registration import WrongCode


def _none(_error: P2PStockError) -> Mapping[str, object]:
    return {}


@attrs.frozen
class Row:
    """Errors of ``kind`` are told as text ``key`` (a callable picks the key from the error)."""

    kind: type[P2PStockError]
    key: str | Callable[[P2PStockError], str]
    values: Callable[[P2PStockError], Mapping[str, object]] = _none


def _money_key(error: P2PStockError) -> str:
    key = f"money.{getattr(error, 'reason', '')}"
    return key if key in TEXTS else "money.invalid"


_DOCUMENT_KEYS = {"type": "documents.wrong_type", "too_large": "file.too_big"}
"""A refused document's reason → its text, where the upload step has one already."""


def _document_key(error: P2PStockError) -> str:
    reason = getattr(error, "reason", "")
    return _DOCUMENT_KEYS.get(reason, f"documents.refused.{reason}")


def _size(_error: P2PStockError) -> Mapping[str, object]:
    return {"size": file_size(MAX_DOCUMENT_BYTES)}


def _window_key(error: P2PStockError) -> str:
    return "code.too_many.day" if getattr(error, "window", "") == "day" else "code.too_many.hour"


ERROR_TABLE: tuple[Row, ...] = (
    Row(WrongCode, "code.wrong", lambda e: {"attempts": getattr(e, "attempts_left", 0)}),
    Row(ResendTooSoon, "code.resend_too_soon", lambda e: {"seconds": getattr(e, "seconds_left", 60)}),
    Row(TooManyCodes, _window_key),
    Row(CodeExpired, "code.expired"),
    Row(CodeAlreadyUsed, "code.used"),
    Row(TooManyAttempts, "code.too_many_attempts"),
    Row(MoneyError, _money_key),
    Row(DocumentRefused, _document_key, _size),
    Row(InsufficientFunds, "error.insufficient_funds"),
    Row(WithdrawalBlocked, "error.withdrawal_blocked"),
    Row(PermissionDenied, "error.permission"),
    Row(TermBeyondCalendar, "error.term_beyond_calendar", lambda e: {"year": getattr(e, "year", "")}),
    Row(MakerCannotCheck, "error.maker_cannot_check"),
    Row(ApprovalExpired, "error.approval_expired"),
    Row(ResolutionWaiting, "error.payment.waiting"),
    Row(ReportChanged, "error.payment.report_changed"),
    Row(CannotCredit, "error.payment.cannot_credit"),
    Row(AlreadyDecided, "error.already_decided"),
    Row(IdempotencyConflict, "error.idempotency"),
    Row(NotFound, "error.not_found"),
    Row(UnsafeText, "error.unsafe_text"),
    Row(InvalidInput, "error.invalid"),
    Row(Refused, "error.refused"),
    Row(StorageError, "error.busy"),
    Row(P2PStockError, "error.generic"),
)
"""Error class → text key, most specific first."""


def error_key(error: P2PStockError) -> str:
    """The text key ``error`` is told with."""
    return _refusal_key(error) or _row(error)[1]


def error_text(error: P2PStockError, lang: str) -> str:
    """What to tell a user about ``error``, in ``lang``."""
    key = _refusal_key(error)
    if key:
        return text(key, lang, **error.values)
    row, key = _row(error)
    return text(key, lang, **row.values(error))


def _refusal_key(error: P2PStockError) -> str:
    """``refusal.<code>`` if the error's code has that text, else ""."""
    key = f"refusal.{error.code}"
    return key if error.code and key in TEXTS else ""


def _row(error: P2PStockError) -> tuple[Row, str]:
    for row in ERROR_TABLE:
        if isinstance(error, row.kind):
            return row, row.key if isinstance(row.key, str) else row.key(error)
    raise TypeError(
        f"{type(error).__name__} is not a p2pstock error"
    )  # unreachable: the last row is the base
