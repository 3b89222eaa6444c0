"""Repayment schedules of P2P loans, checked against figures worked out independently (by hand or with
``decimal`` in a separately written loop), and the investors' shares of every installment."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from p2pstock.core.errors import InvalidInput
from p2pstock.core.lending import repayments
from p2pstock.core.lending.loans import Investment, InvestmentStatus
from p2pstock.core.lending.schedules import (
    Installment,
    Method,
    investor_schedules,
    schedule,
    share_schedule,
    split,
    total_interest,
)

START = date(2027, 1, 31)
CENT = Decimal("0.01")


def fen(yuan: Decimal) -> int:
    return int(yuan / CENT)


def rows(installments: Sequence[Installment]) -> list[tuple[int, int]]:
    return [(installment.principal, installment.interest) for installment in installments]


def expected_annuity_rows(principal: str, annual_pct: str, months: int) -> list[tuple[int, int]]:
    """等额本息 in yuan with ``decimal``: the payment half up to the yuan, the last month takes the rest."""
    with localcontext() as context:
        context.prec = 50
        balance, rate = Decimal(principal), Decimal(annual_pct) / 100 / 12
        growth = (1 + rate) ** months
        payment = (balance * rate * growth / (growth - 1)).quantize(Decimal(1), ROUND_HALF_UP)
        table = []
        for month in range(1, months + 1):
            interest = (balance * rate).quantize(CENT, ROUND_HALF_UP)
            repaid = balance if month == months else payment - interest
            table.append((fen(repaid), fen(interest)))
            balance -= repaid
        return table


# -- equal installments (等额本息)


def test_the_reference_loan_pays_305_a_month_and_the_last_installment_absorbs_the_rounding() -> None:
    loan = schedule(500_000, 1200, 18, Method.EQUAL_INSTALLMENTS, START)

    assert [installment.total for installment in loan[:-1]] == [30_500] * 17
    assert loan[0].interest == 5_000
    assert loan[-1].total == 30_322
    assert total_interest(loan) == 48_822


def test_every_row_of_the_reference_loan_matches_an_independent_decimal_table() -> None:
    loan = schedule(500_000, 1200, 18, Method.EQUAL_INSTALLMENTS, START)

    assert rows(loan) == expected_annuity_rows("5000.00", "12", 18)
    assert [installment.number for installment in loan] == list(range(1, 19))


@pytest.mark.parametrize(
    ("principal", "rate_bp", "months"),
    [(1_000_000, 900, 12), (12_345_678, 1550, 36), (300_000, 2400, 6), (80_000_000, 600, 360)],
)
def test_other_annuities_match_the_independent_decimal_table(
    principal: int, rate_bp: int, months: int
) -> None:
    loan = schedule(principal, rate_bp, months, Method.EQUAL_INSTALLMENTS, START)

    assert rows(loan) == expected_annuity_rows(
        str(Decimal(principal) / 100), str(Decimal(rate_bp) / 100), months
    )


def test_the_level_payment_can_be_rounded_to_the_fen_instead_of_the_yuan() -> None:
    loan = schedule(500_000, 1200, 18, Method.EQUAL_INSTALLMENTS, START, payment_unit=1)

    # 5000 × 0.01 × 1.01¹⁸ / (1.01¹⁸ − 1) = 304.9100…
    assert [installment.total for installment in loan[:-1]] == [30_491] * 17
    assert sum(installment.principal for installment in loan) == 500_000


def test_a_payment_rounded_up_past_the_balance_never_repays_more_than_is_owed() -> None:
    # 1.50 over 3 months: the payment of 0.50 rounds up to one yuan, which repays the loan in two months;
    # the third month, with nothing due, has no installment (a loan cannot be left open by it).
    loan = schedule(150, 0, 3, Method.EQUAL_INSTALLMENTS, START)

    assert rows(loan) == [(100, 0), (50, 0)]


def test_a_month_with_nothing_due_has_no_installment_and_the_rest_keep_their_due_dates() -> None:
    # 3.00 interest-free, interest only over 3 months: nothing is due until the principal in month three.
    loan = schedule(300, 0, 3, Method.INTEREST_ONLY, START)

    assert [(i.number, i.due, i.principal, i.interest) for i in loan] == [(1, date(2027, 4, 30), 300, 0)]


def test_a_payment_rounded_down_below_the_interest_repays_no_principal_until_the_last_month() -> None:
    # 0.40 at 36 % over 2 months: the annuity is 0.21, which rounds to nothing; interest is still due.
    loan = schedule(40, 3600, 2, Method.EQUAL_INSTALLMENTS, START)

    assert rows(loan) == [(0, 1), (40, 1)]


# -- equal principal (等额本金)


def test_equal_principal_repays_the_same_principal_and_the_last_month_takes_the_remainder() -> None:
    loan = schedule(1_000_000, 1200, 12, Method.EQUAL_PRINCIPAL, START)

    # balance before month k: 10,000.00 − 833.33 × (k − 1); interest 1 % of it, half up.
    interest = [10_000, 9_167, 8_333, 7_500, 6_667, 5_833, 5_000, 4_167, 3_333, 2_500, 1_667, 833]
    assert rows(loan) == list(zip([83_333] * 11 + [83_337], interest, strict=True))
    assert total_interest(loan) == 65_000


# -- interest only (先息后本) and bullet (到期还本付息)


def test_interest_only_pays_the_same_interest_every_month_and_the_principal_last() -> None:
    loan = schedule(100_000, 1000, 6, Method.INTEREST_ONLY, START)

    # 1,000.00 × 10 % / 12 = 8.333… → 8.33
    assert rows(loan) == [(0, 833)] * 5 + [(100_000, 833)]
    assert loan[-1].total == 100_833


def test_a_bullet_loan_is_one_payment_of_principal_and_simple_interest_at_maturity() -> None:
    loan = schedule(1_000_000, 1200, 6, Method.BULLET, START)

    # 10,000.00 × 12 % × 6 / 12 = 600.00, due 31 July 2027
    assert loan == (Installment(1, date(2027, 7, 31), 1_000_000, 60_000),)


def test_bullet_interest_is_rounded_once_half_up() -> None:
    # 1.00 × 1 bp × 5 / 12 / 10,000 = 0.0000417 fen → 0; 1,000.01 × 1 % × 6 / 12 = 5.00005 → 5.00
    assert schedule(100, 1, 5, Method.BULLET, START)[0].interest == 0
    assert schedule(100_001, 100, 6, Method.BULLET, START)[0].interest == 500


# -- due dates and zero rates


def test_installments_fall_due_month_by_month_from_the_start_clamped_to_the_month_end() -> None:
    loan = schedule(300_000, 1200, 3, Method.EQUAL_PRINCIPAL, START)

    assert [installment.due for installment in loan] == [
        date(2027, 2, 28),
        date(2027, 3, 31),
        date(2027, 4, 30),
    ]


def test_a_loan_started_at_the_end_of_january_of_a_leap_year_is_due_on_29_february() -> None:
    loan = schedule(300_000, 1200, 2, Method.INTEREST_ONLY, date(2028, 1, 31))

    assert [installment.due for installment in loan] == [date(2028, 2, 29), date(2028, 3, 31)]


@pytest.mark.parametrize("method", list(Method))
def test_a_zero_rate_repays_the_principal_without_interest_by_every_method(method: Method) -> None:
    loan = schedule(100_000, 0, 3, method, START)

    assert total_interest(loan) == 0
    assert sum(installment.principal for installment in loan) == 100_000


def test_a_zero_rate_annuity_rounds_the_payment_and_leaves_the_rest_to_the_last_month() -> None:
    # 1,000.00 / 3 = 333.33 → 333 a month, the last 334
    assert rows(schedule(100_000, 0, 3, Method.EQUAL_INSTALLMENTS, START)) == [
        (33_300, 0),
        (33_300, 0),
        (33_400, 0),
    ]


# -- properties of every schedule


@given(
    principal=st.integers(1, 10**9),
    rate_bp=st.integers(0, 3600),
    months=st.integers(1, 60),
    method=st.sampled_from(Method),
)
def test_every_schedule_repays_exactly_the_principal_and_never_overpays(
    principal: int, rate_bp: int, months: int, method: Method
) -> None:
    loan = schedule(principal, rate_bp, months, method, START)

    balance = principal
    for installment in loan:
        assert installment.principal >= 0
        assert installment.interest >= 0
        if method is not Method.BULLET:
            # interest on the balance before the payment, half up, in integers: (2·B·bp + D) // 2D
            assert installment.interest == (2 * balance * rate_bp + 120_000) // 240_000
        balance -= installment.principal
        assert balance >= 0
    assert balance == 0
    assert all(installment.principal + installment.interest > 0 for installment in loan)
    assert [i.number for i in loan] == list(range(1, len(loan) + 1))
    assert all(a.due < b.due for a, b in pairwise(loan))
    assert len(loan) == 1 if method is Method.BULLET else 1 <= len(loan) <= months


# -- split


def test_a_split_adds_up_exactly_and_gives_leftover_fen_to_the_largest_remainders() -> None:
    assert split(100, {"a": 1, "b": 1, "c": 1}) == {"a": 34, "b": 33, "c": 33}
    assert split(10, {"a": 1, "b": 2, "c": 7}) == {"a": 1, "b": 2, "c": 7}
    assert split(5, {"a": 2, "b": 8}) == {"a": 1, "b": 4}
    assert split(7, {"x": 5, "y": 5, "z": 0}) == {"x": 4, "y": 3, "z": 0}


def test_a_tied_fen_goes_to_the_key_that_sorts_first_whatever_the_order_given() -> None:
    assert split(1, {"b": 1, "a": 1}) == {"b": 0, "a": 1}
    assert split(2, {"c": 1, "b": 1, "a": 1}) == {"c": 0, "b": 1, "a": 1}
    assert list(split(1, {"b": 1, "a": 1})) == ["b", "a"]


def test_a_zero_weight_gets_nothing_and_nothing_splits_into_zeros() -> None:
    assert split(999, {"a": 0, "b": 3}) == {"a": 0, "b": 999}
    assert split(0, {"a": 1, "b": 2}) == {"a": 0, "b": 0}


@given(
    amount=st.integers(0, 10**12),
    weights=st.dictionaries(st.text(min_size=1, max_size=3), st.integers(0, 10**9), min_size=1, max_size=30),
)
def test_every_share_is_the_floor_or_ceiling_of_its_exact_share(amount: int, weights: dict[str, int]) -> None:
    total_weight = sum(weights.values())
    if total_weight == 0:
        with pytest.raises(InvalidInput):
            split(amount, weights)
        return

    shares = split(amount, weights)

    assert sum(shares.values()) == amount
    assert shares.keys() == weights.keys()
    for key, share in shares.items():
        exact = Fraction(amount * weights[key], total_weight)
        assert share in {exact.numerator // exact.denominator, -(-exact.numerator // exact.denominator)}
        if weights[key] == 0:
            assert share == 0


@pytest.mark.parametrize(
    ("amount", "weights"),
    [(-1, {"a": 1}), (1, {}), (1, {"a": 0}), (1, {"a": -1, "b": 2}), (True, {"a": 1}), (1, {"a": True})],
)
def test_a_split_refuses_a_negative_amount_and_weights_that_do_not_share(
    amount: int, weights: dict[str, int]
) -> None:
    with pytest.raises(InvalidInput):
        split(amount, weights)


# -- the investors' shares


def test_investors_share_each_installment_by_the_principal_they_still_have_outstanding() -> None:
    borrower = (Installment(1, date(2027, 2, 28), 5, 3), Installment(2, date(2027, 3, 31), 5, 1))

    shares = investor_schedules(borrower, {"a": 3, "b": 7})

    # month 1 on 3 : 7 — principal 1.5 / 3.5 (tie, to a), interest 0.9 / 2.1; month 2: a owes 1, b 4,
    # interest 0.2 / 0.8 goes to b's larger remainder
    assert rows(shares["a"]) == [(2, 1), (1, 0)]
    assert rows(shares["b"]) == [(3, 2), (4, 1)]
    assert [installment.due for installment in shares["a"]] == [date(2027, 2, 28), date(2027, 3, 31)]


@st.composite
def loans_with_holdings(draw: st.DrawFn) -> tuple[tuple[Installment, ...], dict[str, int]]:
    principal = draw(st.integers(1, 10**9))
    loan = schedule(
        principal, draw(st.integers(0, 3600)), draw(st.integers(1, 60)), draw(st.sampled_from(Method)), START
    )
    investors = draw(st.integers(1, min(50, principal)))
    cuts = draw(
        st.lists(
            st.integers(1, max(principal - 1, 1)), min_size=investors - 1, max_size=investors - 1, unique=True
        )
    )
    bounds = [0, *sorted(cuts), principal]
    holdings = {f"investor-{i:02}": high - low for i, (low, high) in enumerate(itertools.pairwise(bounds))}
    return loan, holdings


@given(loans_with_holdings())
def test_investors_shares_add_up_to_every_installment_and_repay_each_holding_exactly(
    case: tuple[tuple[Installment, ...], dict[str, int]],
) -> None:
    borrower, holdings = case

    shares = investor_schedules(borrower, holdings)

    assert shares.keys() == holdings.keys()
    for index, installment in enumerate(borrower):
        paid = [rows_[index] for rows_ in shares.values()]
        assert sum(share.principal for share in paid) == installment.principal
        assert sum(share.interest for share in paid) == installment.interest
        assert all(share.principal >= 0 and share.interest >= 0 for share in paid)
        assert all((share.number, share.due) == (installment.number, installment.due) for share in paid)
    for investor, own in shares.items():
        repaid = 0
        for share in own:
            repaid += share.principal
            assert repaid <= holdings[investor]
        assert repaid == holdings[investor]


def test_the_shares_of_an_equal_two_way_holding_differ_by_at_most_a_fen_per_installment() -> None:
    borrower = schedule(500_000, 1200, 18, Method.EQUAL_INSTALLMENTS, START)

    shares = investor_schedules(borrower, {"a": 250_000, "b": 250_000})

    for mine, theirs in zip(shares["a"], shares["b"], strict=True):
        assert abs(mine.principal - theirs.principal) <= 1
        assert abs(mine.interest - theirs.interest) <= 1
    assert total_interest(shares["a"]) + total_interest(shares["b"]) == 48_822


def test_a_share_schedule_shows_an_investor_their_part_of_each_installment() -> None:
    borrower = schedule(500_000, 1200, 18, Method.EQUAL_INSTALLMENTS, START)

    mine = share_schedule(borrower, 100_000)  # a fifth of the loan

    assert (mine[0].principal, mine[0].interest) == (5_100, 1_000)  # a fifth of 255.00 and 50.00
    assert sum(installment.principal for installment in mine) == 100_000
    for share, installment in zip(mine, borrower, strict=True):
        assert abs(5 * share.interest - installment.interest) <= 5  # within a fen of a fifth
    assert [installment.due for installment in mine] == [installment.due for installment in borrower]


def test_an_investor_holding_the_whole_loan_receives_the_whole_schedule() -> None:
    borrower = schedule(500_000, 1200, 18, Method.EQUAL_INSTALLMENTS, START)

    assert share_schedule(borrower, 500_000) == borrower


# -- refused input


@pytest.mark.parametrize(
    ("principal", "rate_bp", "months"),
    [
        (-1, 1200, 12),
        (0, 1200, 12),
        (True, 1200, 12),
        (100.0, 1200, 12),
        (100, 1200, 0),
        (100, 1200, 361),
        (100, 1200, True),
        (100, -1, 12),
        (100, 10_001, 12),
        (100, False, 12),
    ],
)
def test_a_schedule_refuses_a_loan_out_of_range(principal: int, rate_bp: int, months: int) -> None:
    with pytest.raises(InvalidInput):
        schedule(principal, rate_bp, months, Method.EQUAL_INSTALLMENTS, START)


def test_a_schedule_refuses_an_unknown_method_a_bad_start_or_a_bad_payment_unit() -> None:
    with pytest.raises(InvalidInput, match="method"):
        schedule(100, 1200, 12, "annuity", START)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="start"):
        schedule(100, 1200, 12, Method.BULLET, "2027-01-31")  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="payment unit"):
        schedule(100, 1200, 12, Method.EQUAL_INSTALLMENTS, START, payment_unit=0)


def test_a_schedule_takes_the_method_by_its_stored_name() -> None:
    assert schedule(100, 0, 1, Method("bullet"), START) == schedule(100, 0, 1, Method.BULLET, START)


@pytest.mark.parametrize(
    "holdings",
    [{"a": 400_000}, {"a": 500_000, "b": 1}, {"a": 500_000, "b": 0}, {"a": 250_000, "b": -250_000}, {}],
)
def test_holdings_must_be_positive_and_add_up_to_the_principal(holdings: dict[str, int]) -> None:
    borrower = schedule(500_000, 1200, 18, Method.EQUAL_INSTALLMENTS, START)

    with pytest.raises(InvalidInput):
        investor_schedules(borrower, holdings)


@pytest.mark.parametrize("amount", [0, -1, 500_001, True])
def test_a_share_schedule_refuses_an_amount_outside_the_loan(amount: int) -> None:
    borrower = schedule(500_000, 1200, 18, Method.EQUAL_INSTALLMENTS, START)

    with pytest.raises(InvalidInput):
        share_schedule(borrower, amount)


def test_an_empty_borrower_schedule_is_refused() -> None:
    with pytest.raises(InvalidInput):
        investor_schedules((), {"a": 1})


@given(
    amounts=st.lists(st.integers(1, 10_000_000), min_size=1, max_size=30),
    penalty=st.integers(0, 100_000),
    interest=st.integers(0, 1_000_000),
    principal=st.integers(0, 10_000_000),
    fee_bp=st.integers(0, 10_000),
)
def test_an_installment_s_parts_and_the_platform_s_fee_are_split_to_the_fen(
    amounts: list[int], penalty: int, interest: int, principal: int, fee_bp: int
) -> None:
    holding = [
        Investment(f"i{n}", "L1", f"c{n}", amount, 0, InvestmentStatus.HOLDING)
        for n, amount in enumerate(amounts)
    ]
    out = repayments.distribute(holding, repayments.Parts(penalty, interest, principal), fee_bp)

    parts = [share.parts for share in out.shares]
    assert sum(p.penalty for p in parts) == penalty
    assert sum(p.interest for p in parts) + out.fee == interest
    assert sum(p.principal for p in parts) == principal
    assert all(
        share.fee >= 0 for share in out.shares
    )  # a share that came to nothing is left out, fee and all
    assert sum(share.fee for share in out.shares) <= out.fee
