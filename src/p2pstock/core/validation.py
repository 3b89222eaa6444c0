"""Small checks shared by the domain: identifiers and codes that arrive from callers, and — in one place,
``check_text`` — every text a person typed that is stored: names, reasons, notes, purposes, descriptions,
references."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from p2pstock.core.errors import InvalidInput, UnsafeText

_ID = re.compile(r"[A-Za-z0-9_.:@/+=-]{1,200}")
_CODE = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*")
_NAME = re.compile(r"[A-Za-z0-9_.-]{1,64}")
_CURRENCY = re.compile(r"[A-Z]{3}")
MAX_REASON = 500
"""The longest reason an administrator may give for a rejection, in characters."""


def check_id(value: object, what: str) -> str:
    """An identifier chosen by a caller: 1–200 characters of ``A–Z a–z 0–9 _ . : @ / + = -``."""
    if not isinstance(value, str) or not _ID.fullmatch(value):
        raise InvalidInput(
            f"{what} must be 1–200 characters of letters, digits and _.:@/+=- (got {value!r:.60})",
            code="id_invalid",
        )
    return value


def check_name(value: object, what: str) -> str:
    """A short name that is embedded in identifiers (customer ids, gateway names, sub-account codes): no
    ``:``. One typed with a hidden character is refused as ``check_text`` refuses it (``UnsafeText``)."""
    if isinstance(value, str):
        _refuse_hidden(value, what, lines=False)
    if not isinstance(value, str) or not _NAME.fullmatch(value):
        raise InvalidInput(
            f"{what} must be 1–64 characters of letters, digits and _.- (got {value!r:.60})",
            code="name_invalid",
        )
    return value


def check_code(value: object, what: str) -> str:
    """A business code such as ``deposit`` or ``allocation.deposit`` (at most 48 characters)."""
    if not isinstance(value, str) or len(value) > 48 or not _CODE.fullmatch(value):
        raise InvalidInput(
            f"{what} must be lowercase words joined by dots, at most 48 characters (got {value!r:.60})",
            code="code_invalid",
        )
    return value


def check_amount(value: object, what: str = "amount") -> int:
    """A non-negative integer number of minor units (never a float or a bool)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(
            f"{what} must be an integer number of minor units (got {type(value).__name__})",
            code="whole_number",
        )
    if value < 0:
        raise InvalidInput(f"{what} must not be negative", code="amount_negative")
    return value


def check_currency(value: object) -> str:
    """An ISO 4217 currency code such as ``CNY``."""
    if not isinstance(value, str) or not _CURRENCY.fullmatch(value):
        raise InvalidInput(
            f"currency must be three capital letters such as CNY (got {value!r:.20})", code="currency_invalid"
        )
    return value


def check_flags(value: object, known: int, what: str) -> int:
    """Flag bits as an int, refusing bits the ledger does not define."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0 or value & ~known:
        raise InvalidInput(f"{what} has undefined bits (got {value!r:.20})", code="flags_invalid")
    return value


_HIDDEN = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
"""Unicode categories never stored from typed text: controls (NUL among them), format characters
(text-direction overrides and isolates, zero-width characters, the byte order mark, soft hyphens, tags),
surrogates (half a character; UTF-8 cannot hold one), and the line and paragraph separators."""
_LINE_BREAKS = frozenset("\n\r\t")
"""Kept in text of several lines (a reason, a note), refused on one line (a name)."""
_ASCII_HIDDEN = re.compile(r"[\x00-\x1f\x7f]")
_ASCII_HIDDEN_IN_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _hidden(text: str, lines: bool) -> str | None:
    """The first character of ``text`` that cannot be shown as typed, if any."""
    if text.isascii():  # the usual case, and the ledger's references: one regular expression
        found = (_ASCII_HIDDEN_IN_LINES if lines else _ASCII_HIDDEN).search(text)
        return None if found is None else found.group()
    for character in text:
        if unicodedata.category(character) in _HIDDEN and not (lines and character in _LINE_BREAKS):
            return character
    return None


def _refuse_hidden(text: str, what: str, *, lines: bool) -> None:
    hidden = _hidden(text, lines)
    if hidden is not None:
        raise UnsafeText(what, f"U+{ord(hidden):04X}")


def check_text(value: object, what: str, max_length: int, *, min_length: int = 0, lines: bool = False) -> str:
    """Text a person typed, fit to store and to show: the one check every such text goes through.

    Answers the text without the blanks around it, which must be ``min_length`` to ``max_length``
    characters (``InvalidInput``; checked first, so that no long text is read character by character),
    and holds no character of ``_HIDDEN`` — line breaks and tabs only when ``lines`` is false — anywhere,
    the blanks around included (``UnsafeText``)."""
    if not isinstance(value, str):
        raise InvalidInput(f"{what} must be text", code="wrong_type")
    text = value.strip()
    if not min_length <= len(text) <= max_length:
        if not min_length:
            raise InvalidInput(
                f"{what} must be at most {max_length} characters", code="text_too_long", most=max_length
            )
        raise InvalidInput(
            f"{what} must be {min_length}–{max_length} characters",
            code="text_length",
            least=min_length,
            most=max_length,
        )
    _refuse_hidden(value, what, lines=lines)
    return text


def check_reason(reason: object) -> str:
    """A rejection's reason, as the customer will read it: 1 to ``MAX_REASON`` characters after stripping,
    one line or several."""
    if not isinstance(reason, str) or not reason.strip():
        raise InvalidInput("a rejection needs a reason", code="reason_missing")
    return check_text(reason, "the rejection reason", MAX_REASON, lines=True)


MAX_TELEGRAM_USER_ID = 2**53
"""Telegram user ids fit in 52 bits (Telegram's promise); anything larger is not one."""


def check_telegram_user_id(value: object) -> int:
    """A Telegram user id: a positive integer below ``MAX_TELEGRAM_USER_ID``."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < MAX_TELEGRAM_USER_ID:
        raise InvalidInput(
            "a Telegram user id must be a positive integer of at most 52 bits", code="telegram_id_invalid"
        )
    return value


def optional_telegram_user_id(value: object) -> int | None:
    """``None``, or a Telegram user id as ``check_telegram_user_id`` accepts it."""
    return None if value is None else check_telegram_user_id(value)


def positive_int(_instance: object, attribute: Any, value: object) -> None:
    """An attrs validator: a whole number above zero (never a bool)."""
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise InvalidInput(
            f"{attribute.name} must be a positive integer", code="positive", field=attribute.name
        )
