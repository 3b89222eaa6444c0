"""The 18-character resident identity number of mainland China (GB 11643-1999).

Seventeen digits then a check character: six digits of region, eight of birth date (``YYYYMMDD``), three of
sequence (the last one odd for men, even for women) and an ISO 7064 MOD 11-2 check character (``0–9`` or
``X``). The number is personal data: it never appears whole in a ``repr`` or an error message.
"""

from __future__ import annotations

import re
from datetime import date

import attrs

from p2pstock.core.errors import InvalidInput

LENGTH = 18
"""Characters in a resident identity number."""

EARLIEST_BIRTH_DATE = date(1900, 1, 1)
"""No birth date before this one is accepted."""

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARACTERS = "10X98765432"
_SHAPE = re.compile(r"[0-9]{17}[0-9X]")
_FIRST17 = re.compile(r"[0-9]{17}")


def check_digit(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character (``0–9`` or ``X``) for the first 17 digits of a number."""
    if not _FIRST17.fullmatch(first17):
        raise InvalidInput(
            "the check character is computed from exactly 17 digits", code="resident_id_check_input"
        )
    total = sum(int(digit) * weight for digit, weight in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARACTERS[total % 11]


def _birth_date(number: str) -> date:
    """The birth date in positions 7–14, refusing dates the calendar does not have."""
    year, month, day = int(number[6:10]), int(number[10:12]), int(number[12:14])
    try:
        return date(year, month, day)
    except ValueError:
        raise InvalidInput(
            "the birth date in a resident identity number is not a real date", code="resident_id_birth_date"
        ) from None


def _check(number: str, today: date | None) -> None:
    """Refuse ``number`` with one clear message per rule; ``today`` of None skips the future check."""
    if not isinstance(number, str) or len(number) != LENGTH:
        raise InvalidInput(
            f"a resident identity number has exactly {LENGTH} characters",
            code="resident_id_length",
            length=LENGTH,
        )
    if not _SHAPE.fullmatch(number):
        raise InvalidInput(
            "a resident identity number is 17 digits followed by a digit or X", code="resident_id_format"
        )
    if check_digit(number[:17]) != number[17]:
        raise InvalidInput(
            "the resident identity number is mistyped: its check character does not match",
            code="resident_id_checksum",
        )
    if number[0] == "0":
        raise InvalidInput(
            "the region code of a resident identity number cannot start with 0", code="resident_id_region"
        )
    born = _birth_date(number)
    if born < EARLIEST_BIRTH_DATE:
        raise InvalidInput(
            "the birth date in a resident identity number cannot be before 1900-01-01",
            code="resident_id_too_old",
        )
    if today is not None and born > today:
        raise InvalidInput(
            "the birth date in a resident identity number cannot be in the future", code="resident_id_future"
        )


def _mask(number: str) -> str:
    return number[:3] + "*" * (len(number) - 5) + number[-2:]


@attrs.frozen
class ResidentId:
    """A resident identity number that passed every check; ``repr`` shows it masked.

    Build it with :meth:`parse`, which also refuses birth dates after ``today``; the plain constructor
    checks everything else (it has no date to compare with).
    """

    number: str = attrs.field(repr=False, validator=lambda _i, _a, v: _check(v, None))

    @classmethod
    def parse(cls, text: str, *, today: date) -> ResidentId:
        """The number in ``text``: surrounding spaces removed, a lowercase check ``x`` read as ``X``."""
        if not isinstance(text, str):
            raise InvalidInput("a resident identity number must be text", code="wrong_type")
        number = text.strip()
        if number.endswith("x"):
            number = number[:-1] + "X"
        _check(number, today)
        return cls(number)

    @property
    def birth_date(self) -> date:
        """The date of birth written in positions 7–14."""
        return _birth_date(self.number)

    @property
    def sex(self) -> str:
        """``"male"`` when the 17th digit is odd, else ``"female"``."""
        return "male" if int(self.number[16]) % 2 else "female"

    @property
    def masked(self) -> str:
        """The number with all but its first 3 and last 2 characters hidden, safe to show or log."""
        return _mask(self.number)

    def __repr__(self) -> str:
        return f"ResidentId({self.masked!r})"
