"""The allocation agreement (配资协议) built from a confirmed allocation: the customer with the deposit and
the platform with the capital it lends, and the figures the lines were fixed with."""

from __future__ import annotations

from datetime import date

import pytest
from allocation_world import (
    CL,
    DAILY_FEE,
    DEPOSIT,
    RISK_FUND,
    WL,
    B,
    confirmed,
    open_platform,
    verified_customer,
)

from p2pstock.bootstrap import App
from p2pstock.core.allocation.agreement import ALLOCATION_AGREEMENT, CUSTOMER, PLATFORM, allocation_agreement
from p2pstock.core.money import Money


@pytest.fixture
def backend() -> str:
    return "memory"  # the agreement is built from an allocation as any storage returns it


def test_the_agreement_names_both_parties_and_the_lines_fixed_at_confirmation(app: App) -> None:
    open_platform(app)
    verified_customer(app)
    allocation = confirmed(app)
    customer = app.customers.get("alice")

    made = allocation_agreement(allocation, customer, brand="p2pstock", made_on=date(2026, 1, 5), made_at=1)

    assert made.template is ALLOCATION_AGREEMENT and made.number == f"PZ-{allocation.id}"
    assert [(p.role, p.name, p.amount) for p in made.parties] == [
        (CUSTOMER, "张*", DEPOSIT),
        (PLATFORM, "p2pstock", B),
    ]
    terms = dict(made.terms)
    assert terms[("倍数", "Leverage")] == "5"
    assert terms[("警戒线", "Warning line")] == str(Money(WL)) == "¥55,000.00"
    assert terms[("平仓线", "Liquidation line")] == str(Money(CL))
    assert terms[("每期管理费", "Fee a period")] == str(Money(DAILY_FEE))
    assert terms[("风险保证金", "Risk fund")] == str(Money(RISK_FUND))
    assert terms[("期限", "Term")] == "5 个交易日 / 5 trading days"
    assert all(zh and en for zh, en in ALLOCATION_AGREEMENT.clauses)
