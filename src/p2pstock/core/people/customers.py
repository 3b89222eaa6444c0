"""Customers and their identity verification (KYC), as immutable records with checked transitions.

::

    phone_verified    REGISTERED, PHONE_VERIFIED   → PHONE_VERIFIED   (again: a new number)
    submit_identity   PHONE_VERIFIED, REJECTED     → IDENTITY_SUBMITTED
    verify            IDENTITY_SUBMITTED           → VERIFIED
    reject            IDENTITY_SUBMITTED           → REJECTED

Each transition returns a new ``Customer``; one the current status does not allow raises ``Refused``.
"""

from __future__ import annotations

import enum

import attrs

from p2pstock.core.errors import InvalidInput, Refused
from p2pstock.core.people.phone_codes import normalise_phone
from p2pstock.core.people.resident_id import ResidentId
from p2pstock.core.validation import check_id, check_reason, check_text

LANGUAGES = ("zh", "en")
"""Languages a customer may choose."""
MAX_REAL_NAME = 50


class KycStatus(enum.StrEnum):
    """How far a customer got in proving who they are."""

    REGISTERED = "registered"
    PHONE_VERIFIED = "phone_verified"
    IDENTITY_SUBMITTED = "identity_submitted"
    VERIFIED = "verified"
    REJECTED = "rejected"


def check_language(value: object) -> str:
    """One of ``LANGUAGES``."""
    if value not in LANGUAGES:
        raise InvalidInput(
            f"language must be one of {', '.join(LANGUAGES)} (got {value!r:.20})", code="language_invalid"
        )
    return str(value)


def _language(_instance: object, _attribute: object, value: object) -> None:
    check_language(value)


def check_real_name(real_name: object) -> str:
    """A real name as typed: 2–50 characters on one line, none hidden (``check_text``)."""
    return check_text(real_name, "the real name", MAX_REAL_NAME, min_length=2)


@attrs.frozen
class Customer:
    """A customer; ``resident_id`` shows only masked in ``repr`` (see :class:`ResidentId`).

    ``created_at`` is in microseconds since the epoch; ``phone`` stays ``""`` until verified.
    """

    id: str = attrs.field(validator=lambda _i, _a, v: check_id(v, "customer id"))
    telegram_user_id: int | None = None
    language: str = attrs.field(default="zh", validator=_language)
    phone: str = attrs.field(
        default="", repr=lambda phone: repr(phone[:3] + "****" + phone[-4:] if phone else "")
    )
    real_name: str = ""
    resident_id: ResidentId | None = None
    status: KycStatus = attrs.field(default=KycStatus.REGISTERED, converter=KycStatus)
    rejection_reason: str = ""
    created_at: int = 0

    @classmethod
    def register(
        cls, id: str, *, telegram_user_id: int | None = None, language: str = "zh", at: int
    ) -> Customer:
        """A new customer who has proved nothing yet."""
        return cls(id=id, telegram_user_id=telegram_user_id, language=language, created_at=at)

    def _require(self, action: str, *allowed: KycStatus) -> None:
        if self.status not in allowed:
            raise Refused(
                f"cannot {action} while the customer's status is {self.status.value}", code="customer_status"
            )

    def phone_verified(self, phone: str) -> Customer:
        """The customer proved they own ``phone``; allowed again later to change the number."""
        self._require("verify a phone number", KycStatus.REGISTERED, KycStatus.PHONE_VERIFIED)
        return attrs.evolve(self, phone=normalise_phone(phone), status=KycStatus.PHONE_VERIFIED)

    def submit_identity(self, real_name: str, resident_id: ResidentId) -> Customer:
        """The customer sent their name and identity number; a rejected customer may try again."""
        self._require("submit an identity", KycStatus.PHONE_VERIFIED, KycStatus.REJECTED)
        if not isinstance(resident_id, ResidentId):
            raise InvalidInput("the identity must be a parsed resident identity number", code="wrong_type")
        return attrs.evolve(
            self,
            real_name=check_real_name(real_name),
            resident_id=resident_id,
            status=KycStatus.IDENTITY_SUBMITTED,
            rejection_reason="",
        )

    def verify(self) -> Customer:
        """A reviewer accepted the submitted identity."""
        self._require("verify an identity", KycStatus.IDENTITY_SUBMITTED)
        return attrs.evolve(self, status=KycStatus.VERIFIED)

    def reject(self, reason: str) -> Customer:
        """A reviewer refused the submitted identity, saying why."""
        self._require("reject an identity", KycStatus.IDENTITY_SUBMITTED)
        return attrs.evolve(self, status=KycStatus.REJECTED, rejection_reason=check_reason(reason))


PHONE_TAIL = 4
"""Fewest digits a phone number is looked up by its end with."""


def phone_tail(words: str) -> bool:
    """Whether ``words`` can be the end of a phone number: ``PHONE_TAIL`` or more ASCII digits."""
    return len(words) >= PHONE_TAIL and words.isascii() and words.isdigit()
