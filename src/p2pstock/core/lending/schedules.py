"""Repayment schedules of P2P loans, exact to the fen, and how each installment reaches the investors.

Money is in integer fen, rates in basis points a year (1200 bp is 12 %); the monthly rate is the annual
rate divided by twelve, kept exact as a ``Fraction``. Four methods:

* ``EQUAL_INSTALLMENTS`` (等额本息): a level monthly payment, the annuity rounded half up to a whole
  ``payment_unit`` (one yuan unless told); interest on the declining balance, the rest repays principal,
  and the last installment repays whatever is left, so it absorbs all the rounding.
* ``EQUAL_PRINCIPAL`` (等额本金): the same principal every month (the last takes the remainder fen),
  interest on the declining balance.
* ``INTEREST_ONLY`` (先息后本): interest on the whole principal every month, the principal at maturity.
* ``BULLET`` (到期还本付息): one payment at maturity of the principal and simple interest for the term.

Installment ``k`` falls due ``k`` months after the start, counted from the start each time and clamped
to the month's end: a loan started on 31 January is due on 28 (or 29) February, 31 March, 30 April.
Interest is rounded half up to the fen, month by month.

Investors share every installment in proportion to the principal they still have outstanding, by the
largest-remainder method, so that their shares add up to the borrower's payment to the fen.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from fractions import Fraction

import attrs

from p2pstock.core.allocation.calendar import add_months
from p2pstock.core.errors import InvalidInput
from p2pstock.core.money import split_amount

MAX_MONTHS = 360
"""The longest term a schedule is drawn for: thirty years."""

MAX_RATE_BP = 10_000
"""The highest annual rate accepted, in basis points (100 % a year)."""

_BP_A_YEAR = 12 * 10_000
"""Turns an annual rate in basis points into a monthly fraction."""

_OTHERS, _INVESTOR = "others", "you"
"""Keys of ``share_schedule``'s two holdings; sorted, the others come first and win a tied fen."""


class Method(enum.StrEnum):
    """How a loan is repaid."""

    EQUAL_INSTALLMENTS = "equal_installments"
    """等额本息: a level monthly payment of principal and interest (an annuity)."""
    EQUAL_PRINCIPAL = "equal_principal"
    """等额本金: level monthly principal plus interest on the declining balance."""
    INTEREST_ONLY = "interest_only"
    """先息后本: monthly interest, the whole principal with the last installment."""
    BULLET = "bullet"
    """到期还本付息: principal and simple interest in one payment at maturity."""


@attrs.frozen
class Installment:
    """One payment of a schedule: its 1-based ``number``, the day it is due, and its parts in fen."""

    number: int
    due: date
    principal: int
    interest: int

    @property
    def total(self) -> int:
        """What is paid on the day: principal plus interest."""
        return self.principal + self.interest


# --------------------------------------------------------------------------- the borrower's schedule


def schedule(
    principal: int,
    annual_rate_bp: int,
    months: int,
    method: Method,
    start: date,
    *,
    payment_unit: int = 100,
) -> tuple[Installment, ...]:
    """The borrower's schedule for a loan of ``principal`` fen over ``months`` months from ``start``.

    ``payment_unit`` (fen) is what the level payment of ``EQUAL_INSTALLMENTS`` is rounded to; the other
    methods do not use it. The installments' principal always adds up to ``principal`` exactly. A month in
    which nothing would be due (a rounded level payment that repaid the loan early, no interest at a zero
    rate) has no installment: the installments are numbered in order and keep their months' due dates.
    """
    _check_loan(principal, annual_rate_bp, months, method, start, payment_unit=payment_unit)
    rate = Fraction(annual_rate_bp, _BP_A_YEAR)
    if method is Method.BULLET:
        return (
            Installment(1, add_months(start, months), principal, _bullet_interest(principal, rate, months)),
        )
    if method is Method.EQUAL_INSTALLMENTS:
        parts = _equal_installments(principal, rate, months, payment_unit)
    elif method is Method.EQUAL_PRINCIPAL:
        parts = _equal_principal(principal, rate, months)
    else:
        parts = _interest_only(principal, rate, months)
    due = [
        (add_months(start, month), paid, interest) for month, (paid, interest) in enumerate(parts, start=1)
    ]
    owing = [(day, paid, interest) for day, paid, interest in due if paid or interest]
    return tuple(
        Installment(number, day, paid, interest)
        for number, (day, paid, interest) in enumerate(owing, start=1)
    )


def total_interest(installments: Iterable[Installment]) -> int:
    """The interest of all ``installments``, in fen: what the loan costs the borrower."""
    return sum(installment.interest for installment in installments)


def _check_loan(
    principal: int, annual_rate_bp: int, months: int, method: Method, start: date, *, payment_unit: int
) -> None:
    if not _is_int(principal) or principal <= 0:
        raise InvalidInput(
            f"the principal must be a positive whole number of fen, not {principal!r}",
            code="schedule_input_invalid",
        )
    if not _is_int(annual_rate_bp) or not 0 <= annual_rate_bp <= MAX_RATE_BP:
        raise InvalidInput(
            f"the annual rate must be a whole number of basis points from 0 to {MAX_RATE_BP}, "
            f"not {annual_rate_bp!r}",
            code="schedule_input_invalid",
        )
    if not _is_int(months) or not 1 <= months <= MAX_MONTHS:
        raise InvalidInput(
            f"the term must be a whole number of months from 1 to {MAX_MONTHS}, not {months!r}",
            code="schedule_input_invalid",
        )
    if not isinstance(method, Method):
        raise InvalidInput(f"unknown repayment method {method!r}", code="unknown_method")
    if not isinstance(start, date):
        raise InvalidInput(f"the start of a loan must be a date, not {start!r}", code="wrong_type")
    if not _is_int(payment_unit) or payment_unit <= 0:
        raise InvalidInput(
            f"the payment unit must be a positive whole number of fen, not {payment_unit!r}",
            code="schedule_input_invalid",
        )


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _half_up(value: Fraction) -> int:
    """``value`` (not negative) rounded to the nearest whole number, halves up."""
    return math.floor(value + Fraction(1, 2))


def _monthly_interest(balance: int, rate: Fraction) -> int:
    """A month's interest on ``balance`` at the monthly ``rate``, rounded half up to the fen."""
    return _half_up(balance * rate)


def _bullet_interest(principal: int, rate: Fraction, months: int) -> int:
    """Simple interest on ``principal`` for ``months`` at the monthly ``rate``, rounded once, half up."""
    return _half_up(principal * rate * months)


def _level_payment(principal: int, rate: Fraction, months: int, payment_unit: int) -> int:
    """The annuity ``P·r·(1+r)ⁿ / ((1+r)ⁿ − 1)`` (``P/n`` at a zero rate), half up to ``payment_unit``."""
    if rate == 0:
        exact = Fraction(principal, months)
    else:
        growth = (1 + rate) ** months
        exact = principal * rate * growth / (growth - 1)
    return _half_up(exact / payment_unit) * payment_unit


def _equal_installments(
    principal: int, rate: Fraction, months: int, payment_unit: int
) -> list[tuple[int, int]]:
    """等额本息, month by month: the level payment covers the interest first, the rest repays principal.

    The last month repays the whole remaining balance with its interest, absorbing the rounding of the
    payment. Rounding can make the payment too big or too small for the balance, so a month's principal
    is kept between nothing (a payment that does not cover the interest, possible only on tiny loans,
    repays no principal and the interest is still paid in full) and the remaining balance (a payment that
    would repay the loan early stops there; the months after it are zero).
    """
    payment = _level_payment(principal, rate, months, payment_unit)
    balance, parts = principal, []
    for _ in range(months - 1):
        interest = _monthly_interest(balance, rate)
        paid = min(max(payment - interest, 0), balance)
        parts.append((paid, interest))
        balance -= paid
    parts.append((balance, _monthly_interest(balance, rate)))
    return parts


def _equal_principal(principal: int, rate: Fraction, months: int) -> list[tuple[int, int]]:
    """等额本金: ``P // n`` of principal a month, the remainder fen with the last; interest on the balance."""
    level = principal // months
    balance, parts = principal, []
    for number in range(1, months + 1):
        paid = balance if number == months else level
        parts.append((paid, _monthly_interest(balance, rate)))
        balance -= paid
    return parts


def _interest_only(principal: int, rate: Fraction, months: int) -> list[tuple[int, int]]:
    """先息后本: the same month's interest on the whole principal every month; the principal last."""
    interest = _monthly_interest(principal, rate)
    return [(0, interest)] * (months - 1) + [(principal, interest)]


# --------------------------------------------------------------------------- the investors' shares


def split(amount: int, weights: Mapping[str, int]) -> dict[str, int]:
    """Split ``amount`` fen among the keys in proportion to their ``weights``, exactly.

    Largest-remainder method: everyone gets the floor of their exact share, and the fen left over go one
    each to the largest remainders, ties to the key that sorts first. The shares add up to ``amount``,
    each is the floor or the ceiling of its exact share, and a zero weight gets nothing.
    """
    if not _is_int(amount) or amount < 0:
        raise InvalidInput(
            f"the amount to split must be a non-negative whole number of fen, not {amount!r}",
            code="schedule_input_invalid",
        )
    keys = sorted(weights)
    values = [weights[key] for key in keys]
    if any(not _is_int(value) or value < 0 for value in values) or sum(values) <= 0:
        raise InvalidInput(
            "split weights must be non-negative whole numbers with a positive sum",
            code="schedule_input_invalid",
        )
    shares = dict(zip(keys, split_amount(amount, values), strict=True))
    return {key: shares[key] for key in weights}


def investor_schedules(
    borrower: Sequence[Installment], holdings: Mapping[str, int]
) -> dict[str, tuple[Installment, ...]]:
    """Each investor's part of the borrower's schedule, given the principal each holds of the loan.

    Before every installment each investor weighs by the principal they still have outstanding (their
    holding less the principal already repaid to them), and the installment's principal and interest are
    each ``split`` on those weights; in the last installment everyone simply receives their outstanding
    principal. The investors' shares add up to the borrower's principal and interest to the fen. A share
    of principal ``p`` out of ``O`` outstanding is at most ``ceil(p·o/O) ≤ o``, so nobody is ever repaid
    more than they are owed. Should nothing be outstanding any more while interest is still due, the
    interest is split on the original holdings.
    """
    _check_holdings(borrower, holdings)
    outstanding = dict(holdings)
    rows: dict[str, list[Installment]] = {investor: [] for investor in holdings}
    for index, installment in enumerate(borrower):
        weights = outstanding if sum(outstanding.values()) > 0 else dict(holdings)
        if index == len(borrower) - 1:
            principals = dict(outstanding)
        else:
            principals = split(installment.principal, weights)
        interests = split(installment.interest, weights)
        for investor, row in rows.items():
            row.append(
                attrs.evolve(installment, principal=principals[investor], interest=interests[investor])
            )
            outstanding[investor] -= principals[investor]
    return {investor: tuple(row) for investor, row in rows.items()}


def _check_borrower(borrower: Sequence[Installment]) -> None:
    if not borrower or not all(isinstance(installment, Installment) for installment in borrower):
        raise InvalidInput(
            "a borrower's schedule must be a non-empty sequence of installments",
            code="schedule_input_invalid",
        )
    if any(installment.principal < 0 or installment.interest < 0 for installment in borrower):
        raise InvalidInput(
            "a borrower's installment cannot have negative principal or interest",
            code="schedule_input_invalid",
        )


def _check_holdings(borrower: Sequence[Installment], holdings: Mapping[str, int]) -> None:
    _check_borrower(borrower)
    if not holdings or any(not _is_int(held) or held <= 0 for held in holdings.values()):
        raise InvalidInput(
            "every holding must be a positive whole number of fen", code="schedule_input_invalid"
        )
    lent, held = sum(installment.principal for installment in borrower), sum(holdings.values())
    if held != lent:
        raise InvalidInput(
            f"the holdings add up to {held} fen, but the loan's principal is {lent} fen",
            code="holdings_mismatch",
        )


def share_schedule(borrower: Sequence[Installment], amount: int) -> tuple[Installment, ...]:
    """What an investor putting ``amount`` fen into the loan can expect back, installment by installment.

    For the financing hall's "your schedule for X": the loan is taken as held by the investor and one
    other holder of the rest, and shared as ``investor_schedules`` does. Their principal comes to
    ``amount`` exactly; the real shares of interest (and of principal, month by month) may differ by a fen
    per installment, because how the rest is split among the actual other investors moves the leftover
    fen. A fen tied between the investor and the rest goes to the rest, so the display never promises the
    investor a tied fen.
    """
    _check_borrower(borrower)
    lent = sum(installment.principal for installment in borrower)
    if not _is_int(amount) or not 0 < amount <= lent:
        raise InvalidInput(
            f"the amount invested must be from 1 to {lent} fen, not {amount!r}", code="schedule_input_invalid"
        )
    holdings = {_INVESTOR: amount} | ({_OTHERS: lent - amount} if amount < lent else {})
    return investor_schedules(borrower, holdings)[_INVESTOR]
