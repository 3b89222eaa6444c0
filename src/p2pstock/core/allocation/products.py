"""Allocation products and their rate table, and the quote a customer sees before applying.

Notation (DESIGN §5): D the deposit (margin), L the leverage, B = D × L the allocated funds, w and c the
warning and liquidation ratios, so that the lines are ``WL = B + w·D`` and ``CL = B + c·D``.

Rates are integers in parts per million of B per period (a daily rate of 0.06 % is 600 ppm; a monthly
rate of 1.5 % is 15,000 ppm); ratios are in per cent of D. Money is in minor units. A fee is rounded half
up to the fen. A product is immutable and versioned: an allocation keeps the version it was applied under.

A free trial (免息体验, ``trial``) is a daily product of at most ``TRIAL_MAX_DAYS`` trading days that
charges no fee (every rate 0, nothing prepaid) and lends at most ``TRIAL_MAX_ALLOCATED`` (its largest
deposit at its largest leverage); a rate of 0 is refused on any other product. Each customer has one free
trial (``trials.py``).

A product may define a graded alert ladder (``rungs``, see ``ladder``): lines above the warning line that
alert their audience before it is reached. The text of a product without rungs is what it was before them.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Callable
from datetime import time
from typing import Any

import attrs

from p2pstock.core.allocation.ladder import Audience, Rung, ladder
from p2pstock.core.errors import InvalidInput
from p2pstock.core.money import Money
from p2pstock.core.validation import check_code, positive_int

_positive: Callable[[Any, Any, int], None] = positive_int
PPM = 1_000_000
MAX_LEVERAGE = 10
MAX_MOVE_PCT = 1_000
"""The largest implausible move a product may set (per cent)."""
TRIAL_MAX_DAYS = 2
"""The longest free trial, in trading days."""
TRIAL_MAX_ALLOCATED = 10_000_000
"""The most a free trial lends (¥100,000 of B): its largest deposit times its largest leverage."""


class Mode(enum.StrEnum):
    DAILY = "daily"
    """Term in trading days, a fee per trading day."""
    MONTHLY = "monthly"
    """Term in months, a fee per month: the first at start, the next on the same day of later months."""
    WEEKLY = "weekly"
    """Term in weeks, a fee per week: the first at start, the next on the same weekday of later weeks."""


class Component(enum.StrEnum):
    """The parts of what an application costs; each is paid (and frozen) on its own."""

    DEPOSIT = "deposit"
    RISK_FUND = "risk_fund"
    PREPAID_FEE = "prepaid_fee"


class RefundPolicy(enum.StrEnum):
    """What an early termination gives back of prepaid fees."""

    NONE = "none"
    UNUSED_PERIODS = "unused_periods"


def _percent(amount: int, pct: int) -> int:
    return (amount * pct + 50) // 100


def _not_negative(_instance: object, attribute: Any, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidInput(
            f"{attribute.name} must be a whole number, zero or more",
            code="not_negative",
            field=attribute.name,
        )


def _check_flag(value: object, what: str) -> None:
    if not isinstance(value, bool):
        raise InvalidInput(f"{what} must be true or false", code="wrong_type")


def fee_of(allocated: int, rate_ppm: int) -> int:
    """``allocated × rate_ppm / 1e6`` rounded half up to the minor unit."""
    return (allocated * rate_ppm + PPM // 2) // PPM


@attrs.frozen
class LeverageRate:
    """One choice of the rate table: leverage ``leverage`` costs ``rate_ppm`` of B per period (0 only on a
    free trial: ``Product`` checks it)."""

    leverage: int = attrs.field(validator=_positive)
    rate_ppm: int = attrs.field(validator=_not_negative)

    def __attrs_post_init__(self) -> None:
        if self.leverage > MAX_LEVERAGE:
            raise InvalidInput(
                f"leverage may be at most {MAX_LEVERAGE}", code="max_leverage", most=MAX_LEVERAGE
            )


@attrs.frozen
class Quote:
    """What applying would mean: B, the lines, the fee per period and the amount due per component."""

    deposit: int
    leverage: int
    term: int
    allocated: int
    warning_line: int
    liquidation_line: int
    fee_per_period: int
    due: dict[Component, int]

    @property
    def total_due(self) -> int:
        return sum(self.due.values())


def _check_fees(product: Product) -> None:
    """A free trial charges nothing and is small and short; any other product charges a fee."""
    if not product.trial:
        if not all(r.rate_ppm for r in product.rates):
            raise InvalidInput("only a free-trial product may have a rate of 0", code="rate_zero")
        return
    if product.mode is not Mode.DAILY:
        raise InvalidInput("a free-trial product is charged by the day (daily)", code="trial_mode")
    if product.term_max > TRIAL_MAX_DAYS:
        raise InvalidInput(
            f"a free trial runs at most {TRIAL_MAX_DAYS} trading days", code="trial_term", most=TRIAL_MAX_DAYS
        )
    if any(r.rate_ppm for r in product.rates) or product.prepaid_periods:
        raise InvalidInput("a free trial charges no fee: every rate 0, nothing prepaid", code="trial_fee")
    if product.deposit_max * max(r.leverage for r in product.rates) > TRIAL_MAX_ALLOCATED:
        most = Money(TRIAL_MAX_ALLOCATED)
        raise InvalidInput(
            f"a free trial lends at most {most} (the largest deposit times the largest leverage)",
            code="trial_size",
            most=most,
        )


MAX_GRACE_DAYS = 20


def _check_grace(days: object) -> None:
    if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= MAX_GRACE_DAYS:
        raise InvalidInput(
            f"the grace after an unrenewed term is 0–{MAX_GRACE_DAYS} trading days",
            code="expiry_grace",
            most=MAX_GRACE_DAYS,
        )


def _check_ratios(product: Product) -> None:
    if not 0 < product.liquidation_ratio_pct < product.warning_ratio_pct <= 100:
        raise InvalidInput(
            "the ratios must satisfy 0 < liquidation < warning ≤ 100 (per cent of the deposit)", code="ratios"
        )


def _check_plausibility(product: Product) -> None:
    move, pnl = product.implausible_move_pct, product.pnl_tolerance_pct
    if not (0 <= move <= MAX_MOVE_PCT and 0 <= pnl <= 100):
        raise InvalidInput(
            f"the implausible move must be 0–{MAX_MOVE_PCT} % and the profit tolerance 0–100 %",
            code="plausibility_limits",
            most=MAX_MOVE_PCT,
        )


@attrs.frozen
class Product:
    """A product of the rate table, as an administrator holding ``product.manage`` defines it."""

    code: str = attrs.field(validator=lambda _i, _a, v: check_code(v, "product code"))
    version: int = attrs.field(validator=_positive)
    name: str
    mode: Mode = attrs.field(converter=Mode)
    rates: tuple[LeverageRate, ...]
    deposit_min: int = attrs.field(validator=_positive)
    deposit_max: int = attrs.field(validator=_positive)
    deposit_step: int = attrs.field(validator=_positive)
    term_min: int = attrs.field(validator=_positive)
    term_max: int = attrs.field(validator=_positive)
    warning_ratio_pct: int = 50
    liquidation_ratio_pct: int = 30
    risk_fund_ppm: int = 0
    """The risk fund as a share of B; 0 for none."""
    prepaid_periods: int = 0
    """Fee periods paid with the application (monthly products usually 1: the first month)."""
    payment_deadline_minutes: int = attrs.field(default=120, validator=_positive)
    same_day_cutoff: time = time(14, 30)
    """Paid and confirmed before this time (Asia/Shanghai) on a trading day, trading starts that day."""
    refund_policy: RefundPolicy = attrs.field(default=RefundPolicy.NONE, converter=RefundPolicy)
    implausible_move_pct: int = 30
    """A daily status whose total assets moved by more than this share (per cent) of the previous status's
    is held for a second administrator (``plausibility``); 0 turns the check off."""
    pnl_tolerance_pct: int = 5
    """How far (per cent of the previous day's assets) total assets may differ from the previous day's plus
    the day's profit or loss before the status is held; 0 turns the check off."""
    trial: bool = attrs.field(default=False, validator=lambda _i, _a, v: _check_flag(v, "trial"))
    """A free trial (免息体验): no fee, small and short, once per customer (see the module's docstring)."""
    expiry_grace_days: int = attrs.field(default=2, validator=lambda _i, _a, v: _check_grace(v))
    """Trading days after a term that ended without renewal (到期未续) within which the allocation is to be
    settled; the risk officers are told again once they have passed (``renewals``)."""
    rungs: tuple[Rung, ...] = attrs.field(default=(), converter=ladder)
    """The graded alert ladder above the warning line (``ladder``), highest line first; none by default."""

    def __attrs_post_init__(self) -> None:
        if not self.name.strip():
            raise InvalidInput("a product needs a name", code="product_name")
        if not self.rates or len({r.leverage for r in self.rates}) != len(self.rates):
            raise InvalidInput("a product needs at least one leverage, each listed once", code="leverages")
        if self.deposit_min > self.deposit_max or self.deposit_min % self.deposit_step:
            raise InvalidInput(
                "the deposit range must start on a step and not end before it starts", code="deposit_range"
            )
        if self.term_min > self.term_max:
            raise InvalidInput("the term range must not end before it starts", code="term_range")
        if self.risk_fund_ppm < 0 or self.prepaid_periods < 0:
            raise InvalidInput("the risk fund and the prepaid periods cannot be negative", code="negative")
        if self.prepaid_periods > self.term_min:
            raise InvalidInput(
                "more periods cannot be prepaid than the shortest term has", code="prepaid_periods"
            )
        _check_ratios(self)
        _check_plausibility(self)
        _check_fees(self)

    def rate(self, leverage: int) -> LeverageRate:
        for choice in self.rates:
            if choice.leverage == leverage:
                return choice
        offered = ", ".join(str(r.leverage) for r in self.rates)
        raise InvalidInput(
            f"this product offers leverage {offered}, not {leverage!r:.10}",
            code="leverage_not_offered",
            offered=offered,
        )

    def quote(self, deposit: int, leverage: int, term: int) -> Quote:
        """What an application for ``deposit`` at ``leverage`` over ``term`` periods costs, per component."""
        self._check_deposit(deposit)
        if isinstance(term, bool) or not isinstance(term, int) or not self.term_min <= term <= self.term_max:
            least, most = self.term_min, self.term_max
            if self.mode is Mode.DAILY:
                raise InvalidInput(
                    f"the term must be {least}–{most} trading days", code="term_days", least=least, most=most
                )
            if self.mode is Mode.WEEKLY:
                raise InvalidInput(
                    f"the term must be {least}–{most} weeks", code="term_weeks", least=least, most=most
                )
            raise InvalidInput(
                f"the term must be {least}–{most} months", code="term_months", least=least, most=most
            )
        rate = self.rate(leverage)
        allocated = deposit * leverage
        fee = fee_of(allocated, rate.rate_ppm)
        due = {Component.DEPOSIT: deposit}
        if self.risk_fund_ppm:
            due[Component.RISK_FUND] = fee_of(allocated, self.risk_fund_ppm)
        if self.prepaid_periods:
            due[Component.PREPAID_FEE] = fee * self.prepaid_periods
        return Quote(
            deposit=deposit,
            leverage=leverage,
            term=term,
            allocated=allocated,
            warning_line=allocated + _percent(deposit, self.warning_ratio_pct),
            liquidation_line=allocated + _percent(deposit, self.liquidation_ratio_pct),
            fee_per_period=fee,
            due=due,
        )

    def _check_deposit(self, deposit: int) -> None:
        if isinstance(deposit, bool) or not isinstance(deposit, int):
            raise InvalidInput("the deposit must be an integer number of minor units", code="whole_number")
        if not self.deposit_min <= deposit <= self.deposit_max:
            low, high = Money(self.deposit_min), Money(self.deposit_max)
            raise InvalidInput(
                f"the deposit must be between {low} and {high}",
                code="deposit_out_of_range",
                least=low,
                most=high,
            )
        if (deposit - self.deposit_min) % self.deposit_step:
            raise InvalidInput(
                f"the deposit must go up in steps of {Money(self.deposit_step)}",
                code="deposit_step",
                step=Money(self.deposit_step),
            )


def to_json(product: Product) -> str:
    """The canonical text a product version is stored as."""
    fields = attrs.asdict(product, recurse=True, value_serializer=_plain)
    if not product.trial:  # the text of a product defined before free trials existed stays as it was
        del fields["trial"]
    if not product.rungs:  # and so does the text of a product without an alert ladder
        del fields["rungs"]
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def from_json(text: str) -> Product:
    fields: dict[str, Any] = json.loads(text)
    fields["rates"] = tuple(LeverageRate(**rate) for rate in fields["rates"])
    fields["same_day_cutoff"] = time.fromisoformat(fields["same_day_cutoff"])
    fields["mode"], fields["refund_policy"] = Mode(fields["mode"]), RefundPolicy(fields["refund_policy"])
    return Product(**fields)


def _plain(_instance: object, _field: object, value: object) -> object:
    if isinstance(value, time):
        return value.isoformat()
    if isinstance(value, Mode | RefundPolicy | Audience):
        return value.value
    return value
