"""The pure rules of auto-invest: which loans a rule admits, what it puts in one, rounded down to a bid the
loan accepts, the queue's order and a run's picks."""

from __future__ import annotations

import attrs
import pytest

from p2pstock.core.lending.auto_invest import AutoInvestRule, RuleTerms, bid_within, pick, queue, room
from p2pstock.core.lending.loans import AUTO, Investment, Loan, LoanStatus
from p2pstock.core.lending.products import LoanProduct, LoanTerms
from p2pstock.core.lending.schedules import Method

PRODUCT = LoanProduct(
    code="personal",
    version=1,
    name="个人信用借款",
    amount_min=100_000,
    amount_max=100_000_000,
    months_min=1,
    months_max=36,
    rate_min_bp=600,
    rate_max_bp=2_400,
    methods=tuple(Method),
    min_bid=5_000,
    bid_step=100,
)
LOAN = Loan(
    id="L1",
    borrower_id="bella",
    product=PRODUCT,
    terms=LoanTerms(500_000, 18, 1_200, Method.EQUAL_INSTALLMENTS, 3, 5_000),
    purpose="shop",
    documents=("d1",),
    created_at=0,
    status=LoanStatus.LISTED,
)


def rule(investor: str, made: int = 0, fired: int | None = None, **terms: object) -> AutoInvestRule:
    return AutoInvestRule(investor, RuleTerms(**terms).check(), made, last_fired_at=fired)  # type: ignore[arg-type]


def funded(amount: int) -> Loan:
    return attrs.evolve(LOAN, funded=amount)


@pytest.mark.parametrize(
    ("loan", "most", "bid"),
    [
        (LOAN, 12_345, 12_300),  # down to a ¥1 step up from the ¥50 minimum bid
        (LOAN, 4_999, 0),  # below the minimum bid: none
        (LOAN, 10**9, 500_000),  # never more than the remainder
        (funded(497_000), 2_999, 0),  # ¥30 left: only the remainder itself is a bid
        (funded(497_000), 3_000, 3_000),
        (funded(500_000), 10_000, 0),  # full
    ],
)
def test_an_amount_is_rounded_down_to_a_bid_the_loan_accepts(loan: Loan, most: int, bid: int) -> None:
    assert bid_within(loan, most) == bid


def test_a_rule_admits_a_loan_by_term_rate_method_and_product_but_never_its_borrowers_own() -> None:
    assert rule("ivan", amount=10_000, months_min=12, months_max=24, rate_min_bp=1_000).admits(LOAN)
    assert not rule("ivan", amount=10_000, months_max=12).admits(LOAN)
    assert not rule("ivan", amount=10_000, rate_min_bp=1_500).admits(LOAN)
    assert not rule("ivan", amount=10_000, methods=(Method.BULLET,)).admits(LOAN)
    assert not rule("ivan", amount=10_000, products=("car",)).admits(LOAN)
    assert rule("ivan", amount=10_000, products=("car", "personal")).admits(LOAN)
    assert not rule("bella", amount=10_000).admits(LOAN)
    assert not attrs.evolve(rule("ivan", amount=10_000), active=False).admits(LOAN)


def test_the_amount_is_the_least_of_the_stake_the_cap_the_balance_over_what_is_kept_and_the_room() -> None:
    assert rule("i", amount=80_000).amount_for(1_000_000, LOAN, 350_000) == 80_000
    assert rule("i", amount=80_000, cap=60_000).amount_for(1_000_000, LOAN, 350_000) == 60_000
    assert rule("i", amount=80_000, keep=950_000).amount_for(1_000_000, LOAN, 350_000) == 50_000
    assert rule("i", amount=80_000).amount_for(1_000_000, LOAN, 20_000) == 20_000
    assert rule("i", share_bp=2_500).amount_for(123_456, LOAN, 350_000) == 30_800  # a quarter, down to ¥1


def test_the_room_is_the_products_auto_share_less_what_auto_invest_put_in() -> None:
    assert room(LOAN, 0) == 350_000
    assert room(LOAN, 340_000) == 10_000
    assert room(funded(480_000), 0) == 20_000  # never more than the remainder


def test_the_queue_serves_the_never_fired_first_then_the_longest_since_it_fired() -> None:
    made_fired = {"d": (1, 50), "c": (2, None), "b": (3, 40), "a": (2, None), "e": (0, 40)}
    rules = [rule(who, made, fired, amount=10_000) for who, (made, fired) in made_fired.items()]
    assert [r.investor_id for r in queue(rules)] == ["a", "c", "e", "b", "d"]


def test_a_pick_serves_rules_in_turn_while_there_is_room_and_marks_the_short_once() -> None:
    rules = [
        rule("short", 1, amount=10_000, keep=100_000),
        rule("told", 2, amount=10_000, keep=100_000),
        rule("refused", 3, amount=10_000),
        rule("served", 4, amount=10_000),
        rule("big", 5, amount=400_000),
        rule("late", 6, amount=10_000),
    ]
    rules[1] = attrs.evolve(rules[1], low_balance_told=True)
    available = dict.fromkeys(("short", "told", "refused", "big", "late", "served"), 100_000)
    before = [Investment("i0", LOAN.id, "served", 10_000, 0, origin=AUTO)]

    picked = pick(LOAN, rules, available, before, lambda _loan, who, _amount: who != "refused")

    assert picked.amounts == (("big", 100_000), ("late", 10_000))  # big: all of its ¥1,000
    assert [r.investor_id for r in picked.short] == ["short"]
    assert picked.funded.funded == 110_000 and picked.funded.investors == 2
