"""An allocation's stored text as the fee job reads and writes it: the product looked up as stored, and a
fee period's changes rewritten in the text read rather than encoded again — the same text either way."""

from __future__ import annotations

import json
from datetime import date

import attrs
from hypothesis import given
from hypothesis import strategies as st

from p2pstock.core.allocation.allocations import (
    Allocation,
    CallOutcome,
    Hold,
    PhoneCall,
    from_json,
    rewrite_json,
    to_json,
)
from p2pstock.core.allocation.products import Component, LeverageRate, Mode, Product

PRODUCT = Product(
    code="daily",
    version=3,
    name='按天配资 "quoted", \\ and ,"due":',
    mode=Mode.DAILY,
    rates=(LeverageRate(5, 600),),
    deposit_min=100_000,
    deposit_max=100_000_000,
    deposit_step=100_000,
    term_min=2,
    term_max=30,
    risk_fund_ppm=5_000,
)
READ = Allocation(
    id="a1",
    customer_id="alice",
    product=PRODUCT,
    deposit=1_000_000,
    leverage=5,
    term=5,
    allocated=5_000_000,
    fee_per_period=3_000,
    due={Component.DEPOSIT: 1_000_000, Component.RISK_FUND: 25_000},
    created_at=1,
    deadline=2,
    holds={Component.RISK_FUND: Hold("alloc:a1:risk_fund", 25_000)},
    calls=(PhoneCall("reviewer-1", 5, CallOutcome.CONFIRMED, 'ok,"fees_paid":9,"overdue":true'),),
    sub_account="HOMS-1",
    password_hold=',"periods_charged":1,',
    start_date=date(2026, 1, 5),
    next_fee_date=date(2026, 1, 6),
    periods_charged=1,
    fees_paid=3_000,
    reason=',"next_fee_date":"2026-01-01",',
)
TEXT = to_json(READ)

fee_changes = st.fixed_dictionaries(
    {},
    optional={
        "periods_charged": st.integers(0, 10**6),
        "prepaid_left": st.integers(0, 100),
        "fees_paid": st.integers(0, 10**15),
        "fees_unpaid": st.integers(0, 10**15),
        "overdue": st.booleans(),
        "next_fee_date": st.none() | st.dates(),
    },
)


@given(fee_changes)
def test_a_fee_periods_changes_rewritten_in_the_text_read_are_the_text_of_the_allocation(
    changes: dict[str, object],
) -> None:
    after = attrs.evolve(READ, version=READ.version + 1, **changes)

    assert rewrite_json(TEXT, READ, after) == to_json(after)


def test_any_other_change_encodes_the_allocation_again() -> None:
    after = attrs.evolve(READ, holds={}, fees_paid=6_000, reason="settled")

    assert rewrite_json(TEXT, READ, after) == to_json(after)


def test_a_text_read_with_its_product_looked_up_is_the_allocation() -> None:
    assert from_json(TEXT, risk="normal") == READ
    other = attrs.evolve(READ, product=attrs.evolve(PRODUCT, version=4))

    assert from_json(to_json(other), risk="normal") == other


def test_a_text_with_its_names_in_another_order_reads_the_same() -> None:
    stored = json.loads(TEXT)
    first = ("id", "product", "customer_id", "due")  # a text between the product and "due"
    reordered = {**{name: stored[name] for name in first}, **stored}

    for text in (
        json.dumps(reordered, separators=(",", ":"), ensure_ascii=False),
        json.dumps({name: stored[name] for name in reversed(stored)}, separators=(",", ":")),
        json.dumps(stored),
    ):
        assert from_json(text, risk="normal") == READ
