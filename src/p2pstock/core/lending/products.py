"""Loan products: the limits a borrower's application must keep to and the fees the platform takes.

A product is defined by an administrator holding ``product.manage`` and versioned like the allocation
rate table: a loan keeps the version it was applied under. Rates are basis points a year (1200 = 12 %),
fees basis points of what they are charged on, amounts fen.
"""

from __future__ import annotations

import json
from typing import Any

import attrs

from p2pstock.core.errors import InvalidInput
from p2pstock.core.lending.schedules import MAX_MONTHS, Method
from p2pstock.core.money import Money
from p2pstock.core.validation import check_code

BP = 10_000
"""Basis points in a whole."""


def _positive(_instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise InvalidInput(
            f"{attribute.name.replace('_', ' ')} must be a positive integer",
            code="positive",
            field=attribute.name,
        )


def _basis_points(_instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= BP:
        raise InvalidInput(
            f"{attribute.name.replace('_', ' ')} must be 0 to {BP} basis points",
            code="basis_points",
            field=attribute.name,
        )


def _days_or_none(_instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_DAYS:
        raise InvalidInput(
            f"{attribute.name.replace('_', ' ')} must be 0 to {MAX_DAYS} days",
            code="days_range",
            field=attribute.name,
            most=MAX_DAYS,
        )


MAX_DAYS = 365


def _methods(value: object) -> tuple[Method, ...]:
    if isinstance(value, str) or not isinstance(value, list | tuple):
        raise InvalidInput("a product lists its repayment methods", code="methods")
    return tuple(Method(m) for m in value)


def share_of(amount: int, bp: int) -> int:
    """``bp`` basis points of ``amount``, rounded down to the fen (a fee never rounds against the payer)."""
    return amount * bp // BP


@attrs.frozen
class LoanTerms:
    """What a borrower asks for, checked against a product."""

    amount: int
    months: int
    rate_bp: int
    method: Method
    bidding_days: int
    min_bid: int


@attrs.frozen
class LoanProduct:
    """A loan product as an administrator defines it."""

    code: str = attrs.field(validator=lambda _i, _a, v: check_code(v, "product code"))
    version: int = attrs.field(validator=_positive)
    name: str
    amount_min: int = attrs.field(validator=_positive)
    amount_max: int = attrs.field(validator=_positive)
    months_min: int = attrs.field(validator=_positive)
    months_max: int = attrs.field(validator=_positive)
    rate_min_bp: int = attrs.field(validator=_basis_points)
    rate_max_bp: int = attrs.field(validator=_basis_points)
    methods: tuple[Method, ...] = attrs.field(converter=_methods)
    min_bid: int = attrs.field(default=5_000, validator=_positive)
    """The smallest investment a loan of this product may ask for (a loan may ask for more)."""
    bid_step: int = attrs.field(default=100, validator=_positive)
    """Investments above the minimum go up in steps of this many fen."""
    bidding_days_max: int = attrs.field(default=7, validator=_positive)
    listing_fee_bp: int = attrs.field(default=0, validator=_basis_points)
    """Taken from the loan at disbursement: the borrower receives the amount less this fee."""
    interest_fee_bp: int = attrs.field(default=0, validator=_basis_points)
    """Taken from the interest investors receive (利息管理费)."""
    early_fee_bp: int = attrs.field(default=0, validator=_basis_points)
    """Charged on the outstanding principal when the borrower repays the whole loan early."""
    penalty_bp_per_day: int = attrs.field(default=5, validator=_basis_points)
    """Penalty interest a day on overdue principal (5 = 0.05 % a day)."""
    auto_share_bp: int = attrs.field(default=7_000, validator=_basis_points)
    """The most of a loan investors' auto-invest rules may take (自动投标比例); the rest stays open to bids
    by hand."""
    transfer_fee_bp: int = attrs.field(default=0, validator=_basis_points)
    """The debt transfer fee (债权转让手续费) a seller pays: this share of the principal sold for each
    installment still to come, at most ``transfer_fee_cap_bp``."""
    transfer_fee_cap_bp: int = attrs.field(default=0, validator=_basis_points)
    transfer_price_bp: int = attrs.field(default=0, validator=_basis_points)
    """The largest discount or premium a seller may set on the price, a share of the principal sold."""
    transfer_closed_days: int = attrs.field(default=3, validator=_days_or_none)
    """No sale is listed within this many days of the next due date."""
    transfer_listing_days: int = attrs.field(default=3, validator=_positive)
    """How long a sale stays listed; what is unsold then returns to the seller."""
    guarantee_days: int = attrs.field(default=0, validator=_days_or_none)
    """The platform's guarantee (垫付): an installment overdue more than this many days is advanced to the
    investors from the product's guarantee reserve (0: the product has no guarantee)."""
    reserve_fee_bp: int = attrs.field(default=0, validator=_basis_points)
    """The share of the listing fee and of the interest fee on the product's loans that funds its guarantee
    reserve (the early repayment and debt transfer fees stay the platform's)."""

    def __attrs_post_init__(self) -> None:
        if not self.name.strip():
            raise InvalidInput("a product needs a name", code="product_name")
        if self.amount_min > self.amount_max or self.months_min > self.months_max:
            raise InvalidInput(
                "the amount and term ranges must not end before they start", code="loan_ranges"
            )
        if self.months_max > MAX_MONTHS:
            raise InvalidInput(f"a loan runs at most {MAX_MONTHS} months", code="max_months", most=MAX_MONTHS)
        if self.rate_min_bp > self.rate_max_bp:
            raise InvalidInput("the rate range must not end before it starts", code="rate_range")
        if not self.methods or len(set(self.methods)) != len(self.methods):
            raise InvalidInput(
                "a product needs at least one repayment method, each listed once", code="methods"
            )
        if self.transfer_fee_cap_bp < self.transfer_fee_bp:
            raise InvalidInput(
                "the transfer fee's cap must not be below its rate a period", code="transfer_fee_cap"
            )
        if self.min_bid > self.amount_min:
            raise InvalidInput("the minimum bid cannot exceed the smallest loan", code="min_bid")

    def check(self, terms: LoanTerms) -> LoanTerms:
        """Raise ``InvalidInput`` unless ``terms`` keep to this product."""
        low, high = self.amount_min, self.amount_max
        if problem := _outside("amount", terms.amount, low, high, Money):
            raise InvalidInput(problem, code="loan_amount_range", least=Money(low), most=Money(high))
        if problem := _outside("term", terms.months, self.months_min, self.months_max, _months):
            raise InvalidInput(problem, code="loan_term_range", least=self.months_min, most=self.months_max)
        low, high = self.rate_min_bp, self.rate_max_bp
        if problem := _outside("rate", terms.rate_bp, low, high, _percent):
            raise InvalidInput(problem, code="loan_rate_range", least=_percent(low), most=_percent(high))
        if terms.method not in self.methods:
            offered = ", ".join(m.value for m in self.methods)
            raise InvalidInput(
                f"this product is repaid by {offered}, not {terms.method}", code="method_not_offered"
            )
        if problem := _outside("bidding period", terms.bidding_days, 1, self.bidding_days_max, _days):
            raise InvalidInput(problem, code="bidding_days_range", least=1, most=self.bidding_days_max)
        low, high = self.min_bid, terms.amount
        if problem := _outside("minimum bid", terms.min_bid, low, high, Money):
            raise InvalidInput(problem, code="min_bid_range", least=Money(low), most=Money(high))
        if terms.amount % self.bid_step or (terms.min_bid - self.min_bid) % self.bid_step:
            raise InvalidInput(
                f"the amount and the minimum bid must go in steps of {Money(self.bid_step)}",
                code="bid_step",
                step=Money(self.bid_step),
            )
        return terms


def _outside(what: str, value: object, low: int, high: int, show: Any) -> str:
    """Why ``value`` is not from ``low`` to ``high`` ("" if it is); ``InvalidInput`` unless it is whole."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(f"the {what} must be a whole number", code="whole_number")
    return "" if low <= value <= high else f"the {what} must be between {show(low)} and {show(high)}"


def _months(months: int) -> str:
    return f"{months} months"


def _days(days: int) -> str:
    return f"{days} days"


def _percent(bp: int) -> str:
    whole, part = divmod(bp, 100)
    return f"{whole}.{part:02d} %"


def to_json(product: LoanProduct) -> str:
    """The canonical text a product version is stored as."""
    fields = attrs.asdict(product, value_serializer=lambda _i, _f, v: v.value if isinstance(v, Method) else v)
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def from_json(text: str) -> LoanProduct:
    fields: dict[str, Any] = json.loads(text)
    return LoanProduct(**fields)
