"""Debt transfer (债权转让): an investor sells all or part of a holding in a loan being repaid to other
investors, at its outstanding principal plus the interest accrued on it in the current period, less a
discount or plus a premium the seller sets; the platform takes a fee from what the seller receives.

::

    holding ──list──▶ open listing ──purchases, whole or in parts──▶ sold
                        │ cancelled by the seller, expired (jobs), or ended by a payment of the loan
                        ▼
                      cancelled / expired        (what is unsold was never moved: it stays the seller's)

A sale is priced once, the day it is listed, in integer fen:

* ``accrued``: the seller's part of the current installment's interest (the principal listed out of the
  loan's outstanding principal, as installments are split), for the days elapsed of its period, rounded
  half up once — as an early payoff counts the interest to date. The buyer pays it to the seller and
  receives the whole period's interest with the next installment.
* ``adjustment``: ``premium_bp`` of the principal, rounded toward zero (negative: a discount), at most
  the product's ``transfer_price_bp`` either way.
* ``price`` = principal + accrued + adjustment.
* ``fee`` = principal × min(``transfer_fee_bp`` × installments left, ``transfer_fee_cap_bp``) / 10000,
  rounded down; the seller pays it out of the price.

A purchase of part of a listing pays ``floor(price × sold after / principal) − floor(price × sold before
/ principal)``, and its share of the fee alike: each part is within a fen of its exact share, and the
parts of a listing add up to its price and fee exactly (the part that completes it takes the rest).

No sale is listed on a loan not being repaid, while an installment is overdue, within the product's
``transfer_closed_days`` of the next due date, or while another sale of the holding is open; a listing
lasts ``transfer_listing_days`` but never into that closed window, so it never meets a due date.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from fractions import Fraction

import attrs

from p2pstock.core.bilingual import both
from p2pstock.core.errors import InvalidInput, Refused
from p2pstock.core.lending.loans import Investment, Loan, LoanInstallment, LoanStatus
from p2pstock.core.lending.products import BP, LoanProduct
from p2pstock.core.money import Money


class ListingStatus(enum.StrEnum):
    OPEN = "open"
    SOLD = "sold"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


@attrs.frozen
class Quote:
    """What selling ``principal`` of a holding in loan ``loan_id`` today comes to (money in fen), and the
    largest discount or premium its product allows."""

    loan_id: str
    principal: int
    accrued: int
    premium_bp: int
    adjustment: int
    fee: int
    installments_left: int
    next_due: date
    most_premium_bp: int

    @property
    def price(self) -> int:
        return self.principal + self.accrued + self.adjustment

    @property
    def proceeds(self) -> int:
        """What reaches the seller once everything is sold: the price less the fee."""
        return self.price - self.fee


@attrs.frozen
class TransferListing:
    """A holding offered for sale, priced once when it was listed (``sold``: the principal bought so far)."""

    id: str
    loan_id: str
    investment_id: str
    seller_id: str
    principal: int
    accrued: int
    premium_bp: int
    price: int
    fee: int
    installments_left: int
    payments_seen: int
    """The loan's ``payments`` when it was listed: a payment since ends the sale (its price is stale)."""
    listed_at: int
    expires_at: int
    status: ListingStatus = ListingStatus.OPEN
    sold: int = 0
    closed_at: int | None = None
    version: int = 1

    @property
    def left(self) -> int:
        """The principal still for sale."""
        return self.principal - self.sold

    @property
    def adjustment(self) -> int:
        return self.price - self.principal - self.accrued

    @property
    def price_left(self) -> int:
        """What buying everything still for sale costs."""
        return self.price - _share(self.price, self.principal, self.sold)

    def part(self, bought: int) -> tuple[int, int]:
        """The price and the fee of the next ``bought`` of the principal."""
        before, after = self.sold, self.sold + bought
        return (
            _share(self.price, self.principal, after) - _share(self.price, self.principal, before),
            _share(self.fee, self.principal, after) - _share(self.fee, self.principal, before),
        )

    def buyable(self, now: int, loan: Loan) -> bool:
        """Whether it can be bought now: open, not past its time, its loan repaid as it was when listed."""
        return (
            self.status is ListingStatus.OPEN
            and now < self.expires_at
            and loan.status is LoanStatus.REPAYING
            and loan.payments == self.payments_seen
        )

    def after_purchase(self, bought: int, now: int) -> TransferListing:
        sold = self.sold + bought
        if sold == self.principal:
            return attrs.evolve(self, sold=sold, status=ListingStatus.SOLD, closed_at=now)
        return attrs.evolve(self, sold=sold)

    def closed(self, status: ListingStatus, now: int) -> TransferListing:
        return attrs.evolve(self, status=status, closed_at=now)


def _share(total: int, whole: int, upto: int) -> int:
    """The part of ``total`` that ``upto`` of ``whole`` carries, rounded down."""
    return total * upto // whole


@attrs.frozen
class TransferPurchase:
    """One buyer's purchase of (part of) a listing: the principal bought, what the buyer paid the seller,
    the seller's fee out of it, and the buyer's new holding."""

    id: str
    listing_id: str
    loan_id: str
    seller_id: str
    buyer_id: str
    investment_id: str
    principal: int
    price: int
    fee: int
    at: int
    contract: str = ""
    """The document id of the transfer agreement, "" until one is issued."""
    contract_hash: str = ""


@attrs.frozen
class ListingView:
    """A listing with its loan, as the transfer hall shows it."""

    listing: TransferListing
    loan: Loan

    @property
    def yield_bp(self) -> int:
        """A yield idea: the loan's rate on what the principal costs after the discount or premium."""
        listing, rate = self.listing, self.loan.terms.rate_bp
        cost = listing.principal + listing.adjustment
        return (2 * rate * listing.principal + cost) // (2 * cost) if cost > 0 else rate


# -- the rules ------------------------------------------------------------------------------------------


def current_installment(loan: Loan, plan: Sequence[LoanInstallment], day: date) -> LoanInstallment:
    """The installment whose period ``day`` is in; refused while one is overdue or the loan not repaid."""
    loan.require(LoanStatus.REPAYING)
    open_ = [i for i in plan if not i.settled]
    if not open_:
        raise Refused(f"loan {loan.id} is repaid", code="loan_status", loan=loan.id)
    if open_[0].due < day:
        raise Refused(f"loan {loan.id} has an overdue installment", code="transfer_overdue", loan=loan.id)
    return open_[0]


def closes_on(product: LoanProduct, due: date) -> date:
    """The first day no sale is listed before an installment falls due on ``due``."""
    return due - timedelta(days=product.transfer_closed_days)


def check_window(loan: Loan, current: LoanInstallment, day: date) -> None:
    days = loan.product.transfer_closed_days
    if day >= closes_on(loan.product, current.due):
        raise Refused(
            f"no sale is listed within {days} days of the next due date ({current.due})",
            code="transfer_closed",
            due=current.due,
            days=days,
        )


def check_holding(investment: Investment | None, seller_id: str) -> Investment:
    """``investment`` if ``seller_id`` holds principal of it."""
    if investment is None or investment.investor_id != seller_id:
        raise Refused("only its holder can sell a holding", code="transfer_not_holder")
    if investment.outstanding <= 0:
        raise Refused("nothing of this holding is left to sell", code="transfer_nothing_held")
    return investment


def quote(
    loan: Loan,
    plan: Sequence[LoanInstallment],
    investment: Investment,
    day: date,
    *,
    principal: int,
    premium_bp: int,
) -> Quote:
    """Selling ``principal`` of ``investment`` on ``day`` at ``premium_bp`` (negative: a discount)."""
    current = current_installment(loan, plan, day)
    check_window(loan, current, day)
    _check_principal(principal, investment.outstanding)
    _check_premium(premium_bp, loan.product.transfer_price_bp)
    left = [i for i in plan if not i.settled]
    outstanding = sum(i.principal for i in left)  # what the holders' shares are weighed on
    start = next((i.due for i in plan if i.number == current.number - 1), loan.start_date or day)
    period = max((current.due - start).days, 1)
    elapsed = min(max((day - start).days, 0), period)
    accrued = _half_up(Fraction(current.interest * principal * elapsed, outstanding * period))
    adjustment = (1 if premium_bp >= 0 else -1) * (principal * abs(premium_bp) // BP)
    product = loan.product
    fee = principal * min(product.transfer_fee_bp * len(left), product.transfer_fee_cap_bp) // BP
    most = product.transfer_price_bp
    sale = Quote(loan.id, principal, accrued, premium_bp, adjustment, fee, len(left), current.due, most)
    if sale.price < max(fee, 1):
        raise InvalidInput(
            "the discount leaves less than the transfer fee", code="transfer_price_below_fee", fee=Money(fee)
        )
    return sale


def _half_up(value: Fraction) -> int:
    return int((2 * value.numerator + value.denominator) // (2 * value.denominator))


def _check_principal(principal: int, outstanding: int) -> None:
    if isinstance(principal, bool) or not isinstance(principal, int) or not 0 < principal <= outstanding:
        raise InvalidInput(
            f"sell from ¥0.01 to {Money(outstanding)} of the principal",
            code="transfer_principal_range",
            most=Money(outstanding),
        )


def _check_premium(premium_bp: int, most: int) -> None:
    if isinstance(premium_bp, bool) or not isinstance(premium_bp, int) or abs(premium_bp) > most:
        raise InvalidInput(
            f"the discount or premium is at most {percent(most)} of the principal",
            code="transfer_premium_range",
            most=percent(most),
        )


def percent(bp: int) -> str:
    """Basis points as a percentage: 150 → ``1.50%``, −50 → ``-0.50%``."""
    whole, part = divmod(abs(bp), 100)
    return f"{'-' if bp < 0 else ''}{whole}.{part:02d}%"


def check_purchase(listing: TransferListing, principal: int, step: int) -> None:
    """Raise ``InvalidInput`` unless ``principal`` is a purchase the listing takes: from one ``step`` (or
    what is left, if less) up to what is left, in steps; what is left is always taken."""
    low, high = min(step, listing.left), listing.left
    if isinstance(principal, bool) or not isinstance(principal, int) or not low <= principal <= high:
        raise InvalidInput(
            f"buy from {Money(low)} to {Money(high)} of the principal",
            code="transfer_purchase_range",
            least=Money(low),
            most=Money(high),
        )
    if principal != high and principal % step:
        raise InvalidInput(f"buy in steps of {Money(step)}", code="transfer_purchase_step", step=Money(step))


TRANSFER_TEMPLATES: Mapping[str, Mapping[str, str]] = {
    "loan.transfer.sold": both(
        "您转让的借款 {id} 债权已售出本金 {principal}：成交价 {price}，扣除转让手续费 {fee}，"
        "到账 {proceeds}；尚未售出 {left}。",
        "{principal} of your holding in loan {id} was sold for {price}; after the transfer fee of {fee}, "
        "{proceeds} is in your wallet. {left} is still for sale.",
    ),
    "loan.transfer.sold_all": both(
        "您转让的借款 {id} 债权已售出本金 {principal}：成交价 {price}，扣除转让手续费 {fee}，"
        "到账 {proceeds}；该转让单已全部售出。",
        "{principal} of your holding in loan {id} was sold for {price}; after the transfer fee of {fee}, "
        "{proceeds} is in your wallet. Everything you listed is sold.",
    ),
    "loan.transfer.bought": both(
        "您已受让借款 {id} 的债权：本金 {principal}，支付 {price}。下一期回款日 {due}。",
        "You bought {principal} of the principal of loan {id} for {price}. The next installment is due "
        "{due}.",
    ),
    "loan.transfer.expired": both(
        "您转让的借款 {id} 债权（转让单 {listing}）已到期下架，未售出的本金 {left} 仍归您持有。",
        "Your sale {listing} of loan {id} has ended; the {left} of principal not sold stays yours.",
    ),
}
"""The texts a debt transfer sends sellers and buyers (merged into ``notifications.TEMPLATES``)."""
