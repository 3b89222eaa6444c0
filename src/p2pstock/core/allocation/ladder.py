"""The graded alert ladder of a product: rungs above the warning line that alert before it does.

A rung is a cushion above the warning line, in basis points of it: a 5 % cushion (``cushion_bp`` 500) puts
the rung's line at ``WL × 1.05``. Each rung says who hears of a crossing (``Audience``: the customer, the
risk officers, or both) and may carry its own message in Chinese and English (both or neither; without one
a default text is sent). A product holds at most ``MAX_RUNGS`` rungs with distinct cushions of 0.01 % to
``MAX_CUSHION_BP``; they are kept highest line first, so that rung 1 is the first met on the way down::

    A ──────────────────────────── rung 1   WL × 1.10    (cushion 10 %)
      ──────────────────────────── rung 2   WL × 1.05    (cushion 5 %)
      ════════════════════════════ WL       warning: top up by the next trading day's open
      ════════════════════════════ CL       liquidation

Where an allocation stands on the ladder (``risk.next_rung``: the deepest rung reached, 0 above them all)
moves with the same hysteresis as the lines: leaving a rung needs assets above its line × 102 %. Crossing
down into a rung alerts its audience once (``alert_ladder``); climbing back out is silent — the
``recovered`` alert already tells the way out of the warning.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import Any

import attrs

from p2pstock.core.errors import InvalidInput
from p2pstock.core.validation import check_text

MAX_RUNGS = 5
MAX_CUSHION_BP = 5_000
"""The widest cushion: 50 % above the warning line."""
MOST = "50%"
MAX_MESSAGE = 200
"""The longest message of a rung, in characters (an SMS carries about 70 Chinese characters a part)."""


class Audience(enum.StrEnum):
    """Who is told when an allocation crosses down into a rung."""

    CUSTOMER = "customer"
    RISK_OFFICERS = "risk_officers"
    BOTH = "both"

    @property
    def customer(self) -> bool:
        return self is not Audience.RISK_OFFICERS

    @property
    def staff(self) -> bool:
        return self is not Audience.CUSTOMER


_AUDIENCES = tuple(member.value for member in Audience)


def _audience(value: object) -> Audience:
    if not isinstance(value, str) or value not in _AUDIENCES:
        known = ", ".join(_AUDIENCES)
        raise InvalidInput(f"a rung's audience is one of {known}", code="rung_audience", known=known)
    return Audience(value)


def _message(value: object) -> str:
    return check_text(value, "a rung's message", MAX_MESSAGE)


@attrs.frozen
class Rung:
    """One rung: its line at ``WL × (1 + cushion_bp / 10,000)``, who hears of it, and its own message (in
    Chinese ``zh`` and English ``en``; both empty for the default)."""

    cushion_bp: int
    audience: Audience = attrs.field(default=Audience.BOTH, converter=_audience)
    zh: str = attrs.field(default="", converter=_message)
    en: str = attrs.field(default="", converter=_message)

    def __attrs_post_init__(self) -> None:
        bp = self.cushion_bp
        if isinstance(bp, bool) or not isinstance(bp, int) or not 0 < bp <= MAX_CUSHION_BP:
            raise InvalidInput(
                f"a rung's cushion is above 0 and at most {MOST} of the warning line",
                code="rung_cushion",
                most=MOST,
            )
        if bool(self.zh) != bool(self.en):
            raise InvalidInput(
                "a rung's message is given in Chinese and English, or not at all", code="rung_message"
            )

    @property
    def own_message(self) -> bool:
        return bool(self.zh)

    def line(self, warning_line: int) -> int:
        """The rung's line for an allocation whose warning line is ``warning_line`` (rounded down)."""
        return warning_line * (10_000 + self.cushion_bp) // 10_000


def ladder(rungs: Iterable[Rung | dict[str, Any]]) -> tuple[Rung, ...]:
    """``rungs`` checked and in order, highest line first (rungs given as their stored fields are read)."""
    if isinstance(rungs, str | bytes | dict) or not isinstance(rungs, Iterable):
        raise InvalidInput("a product's rungs are a list", code="wrong_type")
    read = tuple(rung if isinstance(rung, Rung) else _stored(rung) for rung in rungs)
    if len(read) > MAX_RUNGS:
        raise InvalidInput(f"a product has at most {MAX_RUNGS} rungs", code="rungs_too_many", most=MAX_RUNGS)
    if len({rung.cushion_bp for rung in read}) != len(read):
        raise InvalidInput("each rung of a product has a cushion of its own", code="rungs_twice")
    return tuple(sorted(read, key=lambda rung: -rung.cushion_bp))


def _stored(fields: object) -> Rung:
    if not isinstance(fields, dict):
        raise InvalidInput("a rung is a table of its fields", code="wrong_type")
    try:
        return Rung(**fields)
    except TypeError:
        raise InvalidInput("a rung has a cushion, an audience and messages", code="wrong_type") from None


def lines_of(rungs: tuple[Rung, ...], warning_line: int) -> tuple[int, ...]:
    """The rungs' lines for ``warning_line``, highest first."""
    return tuple(rung.line(warning_line) for rung in rungs)
