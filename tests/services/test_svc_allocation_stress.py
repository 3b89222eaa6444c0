"""The stress view: running allocations against a market shock, worked out by hand for five of them at
−5 %, −10 % and −20 %, on every storage; its arithmetic agreeing with what a settlement books; and the
fact that makes it matter — at 10× leverage one −10 % day goes through the liquidation line into a
shortfall (穿仓)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import attrs
import pytest
from allocation_world import DAILY, SUB_ACCOUNT_PASSWORD, assert_books_hold, open_platform, verified_customer

from p2pstock.bootstrap import App
from p2pstock.core.allocation.allocations import Allocation, CallOutcome, Risk
from p2pstock.core.allocation.products import LeverageRate
from p2pstock.core.allocation.settlement import Split
from p2pstock.core.allocation.statuses import Figures
from p2pstock.core.allocation.stress import Exposure, check_shock, shocked, split, stress
from p2pstock.core.errors import InvalidInput
from p2pstock.core.people.permissions import PermissionDenied

MONDAY = date(2026, 1, 5)
TEN = attrs.evolve(DAILY, code="daily.ten", rates=(LeverageRate(5, 600), LeverageRate(10, 600)))
"""The daily product with 10× too: w = 50 %, c = 30 % of D, a risk fund of 0.5 % of B."""


@pytest.fixture(autouse=True)
def platform(app: App) -> Iterator[None]:
    open_platform(app)
    app.products.define(TEN, by="root")
    verified_customer(app, wallet=50_000_000)
    app.staff.enrol_by_operator("risk-1", ["risk_officer"])
    yield
    assert_books_hold(app)


def started(app: App, sub_account: str, leverage: int = 5) -> Allocation:
    a = app.allocations.apply("alice", product=TEN.code, deposit=1_000_000, leverage=leverage, term=5)
    for component in a.due:
        a = app.allocations.pay(a.id, component, customer_id="alice")
    app.allocations.record_call(a.id, by="reviewer-1", outcome=CallOutcome.CONFIRMED)
    app.allocations.confirm(a.id, by="reviewer-1")
    return app.allocations.assign_account(
        a.id, by="finance-1", sub_account=sub_account, password=SUB_ACCOUNT_PASSWORD
    )


def with_status(app: App, sub_account: str, assets: int, market_value: int, leverage: int = 5) -> Allocation:
    a = started(app, sub_account, leverage)
    figures = Figures(assets, market_value, assets - market_value)
    app.allocations.record_status(a.id, MONDAY, figures, by="risk-1")
    return a


# D = ¥10,000 (1,000,000 fen) for all five. At 5×: B = 5,000,000, WL = B + 0.5·D = 5,500,000,
# CL = B + 0.3·D = 5,300,000, risk fund 0.5 %·B = 25,000. At 10×: B = 10,000,000, WL = 10,500,000,
# CL = 10,300,000, risk fund 50,000. No fees are unpaid. A′ = A − MV + ⌊MV × (1 + s)⌋.
#
#  S-1 cash-heavy   A 6,000,000  MV 1,000,000   5×
#  S-2 all in       A 6,000,000  MV 6,000,000   5×
#  S-3 near WL      A 5,600,000  MV 5,000,000   5×
#  S-4 odd fen      A 5,800,001  MV 3,333,333   5×   (MV × 0.95 = 3,166,666.35 → 3,166,666, rounded down)
#  S-5 ten times    A 11,000,000 MV 11,000,000  10×  (T0 = B + D, all in shares)
#
# shock  alloc  MV′          A′          line         gap = B − A′   from fund   shortfall
# −5 %   S-1      950,000   5,950,000    —                    0           0           0
#        S-2    5,700,000   5,700,000    —                    0           0           0
#        S-3    4,750,000   5,350,000    warning              0           0           0
#        S-4    3,166,666   5,633,334    —                    0           0           0
#        S-5   10,450,000  10,450,000    warning              0           0           0
# −10 %  S-1      900,000   5,900,000    —                    0           0           0
#        S-2    5,400,000   5,400,000    warning              0           0           0
#        S-3    4,500,000   5,100,000    liquidation          0           0           0
#        S-4    2,999,999   5,466,667    warning              0           0           0   (2,999,999.7 ↓)
#        S-5    9,900,000   9,900,000    liquidation    100,000      50,000      50,000
# −20 %  S-1      800,000   5,800,000    —                    0           0           0
#        S-2    4,800,000   4,800,000    liquidation    200,000      25,000     175,000
#        S-3    4,000,000   4,600,000    liquidation    400,000      25,000     375,000
#        S-4    2,666,666   5,133,334    liquidation          0           0           0   (2,666,666.4 ↓)
#        S-5    8,800,000   8,800,000    liquidation  1,200,000      50,000   1,150,000
#
# Totals:  −5 %: 2 across WL, 0 across CL.  −10 %: 4 across WL, 2 across CL, shortfall 50,000, capital at
# risk B(S-3) + B(S-5) = 15,000,000.  −20 %: 4 across WL, all 4 across CL, gap 1,800,000, from the funds
# 100,000, shortfall 1,700,000, capital at risk 3 × 5,000,000 + 10,000,000 = 25,000,000.
# Worst first: the largest shortfall, then the largest gap, then the lowest A′ − CL (at −5 %: S-3 50,000
# above CL before S-5 150,000; at −10 %: S-3 −200,000, S-2 +100,000, S-4 +166,667).
HAND = {
    # shock: {sub-account: (A′, risk, gap, from fund, shortfall)}
    -500: {
        "S-1": (5_950_000, Risk.NORMAL, 0, 0, 0),
        "S-2": (5_700_000, Risk.NORMAL, 0, 0, 0),
        "S-3": (5_350_000, Risk.WARNING, 0, 0, 0),
        "S-4": (5_633_334, Risk.NORMAL, 0, 0, 0),
        "S-5": (10_450_000, Risk.WARNING, 0, 0, 0),
    },
    -1000: {
        "S-1": (5_900_000, Risk.NORMAL, 0, 0, 0),
        "S-2": (5_400_000, Risk.WARNING, 0, 0, 0),
        "S-3": (5_100_000, Risk.LIQUIDATION, 0, 0, 0),
        "S-4": (5_466_667, Risk.WARNING, 0, 0, 0),
        "S-5": (9_900_000, Risk.LIQUIDATION, 100_000, 50_000, 50_000),
    },
    -2000: {
        "S-1": (5_800_000, Risk.NORMAL, 0, 0, 0),
        "S-2": (4_800_000, Risk.LIQUIDATION, 200_000, 25_000, 175_000),
        "S-3": (4_600_000, Risk.LIQUIDATION, 400_000, 25_000, 375_000),
        "S-4": (5_133_334, Risk.LIQUIDATION, 0, 0, 0),
        "S-5": (8_800_000, Risk.LIQUIDATION, 1_200_000, 50_000, 1_150_000),
    },
}
TOTALS = {
    # shock: (across WL, across CL, gap, from funds, shortfall, capital at risk, worst first)
    -500: (2, 0, 0, 0, 0, 0, ["S-3", "S-5"]),
    -1000: (4, 2, 100_000, 50_000, 50_000, 15_000_000, ["S-5", "S-3", "S-2", "S-4"]),
    -2000: (4, 4, 1_800_000, 100_000, 1_700_000, 25_000_000, ["S-5", "S-3", "S-2", "S-4"]),
}


def five(app: App) -> None:
    with_status(app, "S-1", 6_000_000, 1_000_000)
    with_status(app, "S-2", 6_000_000, 6_000_000)
    with_status(app, "S-3", 5_600_000, 5_000_000)
    with_status(app, "S-4", 5_800_001, 3_333_333)
    with_status(app, "S-5", 11_000_000, 11_000_000, leverage=10)


def test_five_allocations_under_three_shocks_come_out_as_worked_by_hand(app: App) -> None:
    five(app)

    report = app.allocations.stress([-500, -1000, -2000], by="risk-1")

    assert report.as_of == MONDAY and report.bearer == "receivable"
    for shock, hand in HAND.items():
        view = report.at(shock)
        assert view.allocations == 5 and view.without_status == 0
        seen = {
            s.sub_account: (s.assets_after, s.risk, s.gap, s.from_fund, s.shortfall) for s in view.crossing
        }
        assert seen == {code: row for code, row in hand.items() if row[1] is not Risk.NORMAL}
        warning, liquidation, gap, from_fund, shortfall, at_risk, order = TOTALS[shock]
        assert (view.warning, view.liquidation) == (warning, liquidation)
        assert (view.gap, view.from_fund, view.shortfall, view.capital_at_risk) == (
            gap,
            from_fund,
            shortfall,
            at_risk,
        )
        assert [s.sub_account for s in view.crossing] == order


def test_at_ten_times_leverage_one_ten_percent_day_goes_through_the_liquidation_line_into_a_shortfall(
    app: App,
) -> None:
    a = with_status(app, "S-10", 11_000_000, 11_000_000, leverage=10)
    assert (a.allocated, a.liquidation_line) == (10_000_000, 10_300_000)  # CL = B + 0.3·D from the product

    [worst] = app.allocations.stress([-1000], by="risk-1").views[0].crossing

    assert worst.risk is Risk.LIQUIDATION
    assert worst.assets_after < a.allocated and worst.shortfall > 0


def test_an_allocation_without_a_status_is_counted_apart_and_a_settled_one_not_at_all(app: App) -> None:
    started(app, "S-new")
    with_status(app, "S-2", 6_000_000, 6_000_000)

    view = app.allocations.stress([0], by="risk-1").views[0]

    assert (view.allocations, view.without_status, view.warning) == (1, 1, 0)


def test_the_stress_view_is_for_risk_officers(app: App) -> None:
    with pytest.raises(PermissionDenied):
        app.allocations.stress([-1000], by="reviewer-1")


@pytest.mark.parametrize("shock", [-10_001, 10_001, True, 1.5, "-1000"])
def test_a_shock_outside_minus_to_plus_one_hundred_per_cent_is_refused(app: App, shock: object) -> None:
    with pytest.raises(InvalidInput) as refused:
        app.allocations.stress([shock], by="risk-1")  # type: ignore[list-item]
    assert refused.value.code == "shock_invalid"
    with pytest.raises(InvalidInput):
        check_shock(shock)


@pytest.mark.parametrize("backend", ["memory"], indirect=True)
def test_the_split_agrees_with_what_a_settlement_would_book(app: App) -> None:
    a = started(app, "S-split", leverage=10)
    for fees_unpaid in (0, 30_000):
        owing = attrs.evolve(a, fees_unpaid=fees_unpaid)
        for assets in (0, 9_900_000, 9_960_000, 9_990_000, 10_000_000, 10_010_000, 10_040_000, 12_000_000):
            booked = Split.of(owing, assets)
            fund_part = booked.from_fund
            uncovered = booked.uncovered_capital + booked.uncovered_fees
            gap = owing.allocated - booked.capital_back + owing.fees_unpaid - booked.fees_collected
            assert split(owing.allocated, fees_unpaid, owing.risk_fund, assets) == (gap, fund_part, uncovered)


def test_a_shocked_market_value_rounds_down_whatever_the_sign_of_the_shock() -> None:
    assert shocked(3_333_333, -1000) == 2_999_999  # 2,999,999.7
    assert shocked(3_333_333, 500) == 3_499_999  # 3,499,999.65
    assert shocked(1_000_000, -10_000) == 0


def test_the_pure_view_shocks_every_exposure_once() -> None:
    e = Exposure("a1", "c1", "S", 5_000_000, 5_500_000, 5_300_000, 0, 25_000, MONDAY, 6_000_000, 6_000_000)
    view = stress([e, e._replace(id="a2", total_assets=None, market_value=None)], -2000)
    assert (view.allocations, view.without_status, view.shortfall) == (1, 1, 175_000)
