"""Phone verification by SMS code: the pure rules (no storage, no sending, time passed in).

A service asks ``CodeChallenge.issue`` for a code, stores the challenge and sends the plain code by SMS;
when the customer types it back, ``CodeChallenge.check`` answers and returns the challenge to store again.
Only a salted PBKDF2 hash of the code is ever kept, and nothing secret appears in a repr or an error.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re
import secrets
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Literal

import attrs

from p2pstock.core.errors import InvalidInput, Refused
from p2pstock.core.validation import positive_int

HASH_ITERATIONS = 10_000
"""PBKDF2-HMAC-SHA256 rounds: a short-lived code needs little stretching, only no plain storage."""

SALT_BYTES = 16

_HOUR = timedelta(hours=1)
_DAY = timedelta(days=1)
_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_PREFIX = re.compile(r"(?:\+86|0086)?([0-9]+)")


class ResendTooSoon(Refused):
    """A code was sent to this number moments ago; ``seconds_left`` says when another may be sent."""

    code = "resend_too_soon"

    def __init__(self, seconds_left: int) -> None:
        super().__init__(f"please wait {seconds_left} seconds before asking for another code")
        self.seconds_left = seconds_left


class TooManyCodes(Refused):
    """This number received as many codes as the ``window`` (``"hour"`` or ``"day"``) allows."""

    code = "too_many_codes"

    def __init__(self, window: Literal["hour", "day"]) -> None:
        super().__init__(f"too many codes were sent to this number in the last {window}; try again later")
        self.window = window


class CodeExpired(Refused):
    """The code is too old; ask for a new one."""

    code = "code_expired"

    def __init__(self) -> None:
        super().__init__("the code has expired; please ask for a new one")


class CodeAlreadyUsed(Refused):
    """The code was already used once; a code confirms a number only once."""

    code = "code_used"

    def __init__(self) -> None:
        super().__init__("the code has already been used; please ask for a new one")


class TooManyAttempts(Refused):
    """Too many wrong codes were typed; the challenge is dead even for the right code."""

    code = "too_many_attempts"

    def __init__(self) -> None:
        super().__init__("too many wrong codes were entered; please ask for a new one")


@attrs.frozen
class CodePolicy:
    """How codes look, how long they live, and how often a number may receive and try them."""

    length: int = attrs.field(default=6, validator=positive_int)
    expiry_seconds: int = attrs.field(default=300, validator=positive_int)
    resend_cooldown_seconds: int = attrs.field(default=60, validator=positive_int)
    max_codes_per_hour: int = attrs.field(default=5, validator=positive_int)
    max_codes_per_day: int = attrs.field(default=10, validator=positive_int)
    max_attempts: int = attrs.field(default=5, validator=positive_int)
    """Wrong codes tolerated per challenge; the next attempt after these is refused."""

    @property
    def expiry(self) -> timedelta:
        return timedelta(seconds=self.expiry_seconds)

    @property
    def resend_cooldown(self) -> timedelta:
        return timedelta(seconds=self.resend_cooldown_seconds)

    def well_formed(self, code: str) -> bool:
        """Whether ``code`` is exactly ``length`` ASCII digits."""
        return len(code) == self.length and code.isascii() and code.isdigit()


def normalise_phone(text: str) -> str:
    """A mainland China mobile number in E.164 form (``+8613812345678``).

    Accepts the bare 11 digits or the ``+86`` / ``0086`` prefix, with spaces and dashes anywhere.
    """
    compact = text.strip().replace(" ", "").replace("-", "") if isinstance(text, str) else ""
    match = _PREFIX.fullmatch(compact)
    if match is None or not _MOBILE.fullmatch(match.group(1)):
        raise InvalidInput(
            "a mobile number must be 11 digits starting with 13–19, optionally after +86 or 0086",
            code="phone_invalid",
        )
    return "+86" + match.group(1)


def _phone(_instance: object, _attribute: object, value: str) -> None:
    if normalise_phone(value) != value:
        raise InvalidInput(
            "the phone number must be normalised (+86 and 11 digits)", code="phone_not_normalised"
        )


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidInput("times must be timezone-aware", code="naive_time")
    return moment


def _random_code(length: int) -> str:
    return "".join(secrets.choice("0123456789") for _ in range(length))


def _hash(code: str, salt: bytes) -> bytes:
    return hashlib.pbkdf2_hmac("sha256", code.encode("ascii"), salt, HASH_ITERATIONS)


def _check_limits(now: datetime, policy: CodePolicy, history: Sequence[datetime]) -> None:
    """Refuse when the day, the hour or the resend cooldown does not allow another code."""
    ages = [now - _aware(moment) for moment in history]
    if sum(age < _DAY for age in ages) >= policy.max_codes_per_day:
        raise TooManyCodes("day")
    if sum(age < _HOUR for age in ages) >= policy.max_codes_per_hour:
        raise TooManyCodes("hour")
    if ages:
        wait = policy.resend_cooldown - min(ages)
        if wait > timedelta(0):
            raise ResendTooSoon(max(1, math.ceil(wait.total_seconds())))


@attrs.frozen
class CodeChallenge:
    """One code sent to one number: its salted hash, its lifetime and what has happened to it."""

    phone: str = attrs.field(validator=_phone)
    code_hash: str = attrs.field(repr=False)
    salt: str = attrs.field(repr=False)
    issued_at: datetime
    expires_at: datetime
    attempts: int = 0
    used: bool = False

    @classmethod
    def issue(
        cls,
        phone: str,
        *,
        now: datetime,
        policy: CodePolicy,
        history: Sequence[datetime],
        random_source: Callable[[int], str] | None = None,
    ) -> tuple[CodeChallenge, str]:
        """A new challenge and its plain code (to send, never to store).

        ``history`` holds the issue times of earlier codes for this number. Raises ``TooManyCodes``
        or ``ResendTooSoon`` when the policy allows no code now.
        """
        number = normalise_phone(phone)
        _aware(now)
        _check_limits(now, policy, history)
        code = (random_source or _random_code)(policy.length)
        if not policy.well_formed(code):
            raise ValueError(f"the code source must return {policy.length} ASCII digits")
        salt = secrets.token_bytes(SALT_BYTES)
        challenge = cls(
            phone=number,
            code_hash=_hash(code, salt).hex(),
            salt=salt.hex(),
            issued_at=now,
            expires_at=now + policy.expiry,
        )
        return challenge, code

    def check(self, code: str, *, now: datetime, policy: CodePolicy) -> tuple[CodeChallenge, bool]:
        """The updated challenge (to store) and whether ``code`` is the one sent.

        Raises ``CodeAlreadyUsed``, ``CodeExpired`` or ``TooManyAttempts`` before looking at the code.
        A wrong or malformed code counts as one more attempt; the right one marks the challenge used.
        """
        _aware(now)
        if self.used:
            raise CodeAlreadyUsed()
        if now >= self.expires_at:
            raise CodeExpired()
        if self.attempts >= policy.max_attempts:
            raise TooManyAttempts()
        if isinstance(code, str) and policy.well_formed(code):
            expected = bytes.fromhex(self.code_hash)
            if hmac.compare_digest(_hash(code, bytes.fromhex(self.salt)), expected):
                return attrs.evolve(self, used=True), True
        return attrs.evolve(self, attempts=self.attempts + 1), False


@attrs.frozen
class PhoneCodes:
    """Everything kept about one phone number: who asked last, the live challenge, recent send times.

    ``sent`` holds the issue times of the last day's codes (older ones no longer count toward a limit).
    """

    phone: str = attrs.field(validator=_phone)
    customer_id: str
    challenge: CodeChallenge
    sent: tuple[datetime, ...]

    def reissued(self, customer_id: str, challenge: CodeChallenge) -> PhoneCodes:
        """This record after ``challenge`` was issued for ``customer_id``; sends older than a day dropped."""
        recent = tuple(moment for moment in self.sent if challenge.issued_at - moment < _DAY)
        return PhoneCodes(self.phone, customer_id, challenge, (*recent, challenge.issued_at))
