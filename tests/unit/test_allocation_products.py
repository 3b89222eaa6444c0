"""Allocation products: the rate table's rules, and the quote — B, the lines, the fee and what is due."""

from __future__ import annotations

import attrs
import pytest

from p2pstock.core.allocation.products import Component, LeverageRate, Mode, Product, fee_of
from p2pstock.core.errors import InvalidInput

DAILY = Product(
    code="daily.standard",
    version=1,
    name="按天配资",
    mode=Mode.DAILY,
    rates=(LeverageRate(3, 500), LeverageRate(5, 600), LeverageRate(10, 800)),
    deposit_min=100_000,  # ¥1,000
    deposit_max=100_000_000,
    deposit_step=100_000,
    term_min=2,
    term_max=30,
    risk_fund_ppm=5_000,  # 0.5 % of B
)
MONTHLY = attrs.evolve(
    DAILY,
    code="monthly.standard",
    mode=Mode.MONTHLY,
    rates=(LeverageRate(4, 15_000),),
    term_min=1,
    term_max=6,
    prepaid_periods=1,
    risk_fund_ppm=0,
)


def test_a_daily_quote_has_the_allocated_funds_lines_fee_and_components() -> None:
    quote = DAILY.quote(deposit=1_000_000, leverage=5, term=10)  # ¥10,000 at 5×

    assert quote.allocated == 5_000_000
    assert (quote.warning_line, quote.liquidation_line) == (5_500_000, 5_300_000)  # B + 0.5·D, B + 0.3·D
    assert quote.fee_per_period == 3_000  # 0.06 % of ¥50,000 = ¥30 a trading day
    assert quote.due == {Component.DEPOSIT: 1_000_000, Component.RISK_FUND: 25_000}
    assert quote.total_due == 1_025_000


def test_a_monthly_quote_prepays_the_first_month() -> None:
    quote = MONTHLY.quote(deposit=2_000_000, leverage=4, term=3)

    assert quote.fee_per_period == 120_000  # 1.5 % of ¥80,000
    assert quote.due == {Component.DEPOSIT: 2_000_000, Component.PREPAID_FEE: 120_000}


def test_fees_round_half_up_to_the_fen() -> None:
    assert fee_of(1_000_999, 500) == 500  # 500.4995 fen
    assert fee_of(1_001_000, 500) == 501  # 500.5 fen, half up
    assert fee_of(3, 500_000) == 2  # 1.5 fen


@pytest.mark.parametrize(
    ("deposit", "leverage", "term", "problem"),
    [
        (50_000, 5, 10, "between"),
        (150_000, 5, 10, "steps"),
        (1_000_000, 7, 10, "offers leverage 3, 5, 10"),
        (1_000_000, 5, 31, "2–30 trading days"),
        (1_000_000, 5, 1, "2–30 trading days"),
        (10.5, 5, 10, "integer"),
    ],
)
def test_an_application_outside_the_table_is_refused_with_the_reason(
    deposit: object, leverage: int, term: int, problem: str
) -> None:
    with pytest.raises(InvalidInput, match=problem):
        DAILY.quote(deposit, leverage, term)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"warning_ratio_pct": 30, "liquidation_ratio_pct": 30}, "liquidation < warning"),
        ({"rates": ()}, "at least one leverage"),
        ({"rates": (LeverageRate(3, 500), LeverageRate(3, 600))}, "each listed once"),
        ({"deposit_min": 150_000}, "start on a step"),
        ({"term_min": 40}, "term range"),
        ({"prepaid_periods": 5}, "prepaid"),
        ({"name": " "}, "name"),
    ],
)
def test_an_inconsistent_product_cannot_be_defined(change: dict[str, object], problem: str) -> None:
    with pytest.raises(InvalidInput, match=problem):
        attrs.evolve(DAILY, **change)


def test_leverage_is_capped() -> None:
    with pytest.raises(InvalidInput, match="at most 10"):
        LeverageRate(11, 500)
