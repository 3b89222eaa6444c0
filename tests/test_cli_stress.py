"""``p2pstock allocation stress``: the platform under a market shock from the command line, the totals and
the allocations across a line in a table, in Chinese by default or in English; a bad shock refused in one
line."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bots.language_check import foreign_words
from conftest import TEST_ENCRYPTION_KEY
from p2pstock.adapters.clock import ManualClock
from p2pstock.bootstrap import bootstrap
from p2pstock.cli import main
from p2pstock.cli.allocation_stress import shock
from p2pstock.core.allocation.allocations import CallOutcome
from p2pstock.core.allocation.products import LeverageRate, Mode, Product
from p2pstock.core.allocation.statuses import Figures
from p2pstock.core.money import Money
from p2pstock.core.papers import ALLOCATION_RISK
from p2pstock.core.people.customers import Customer, KycStatus

TEN = Product(
    code="daily", version=1, name="按天配资", mode=Mode.DAILY, rates=(LeverageRate(10, 600),),
    deposit_min=100_000, deposit_max=100_000_000, deposit_step=100_000, term_min=2, term_max=30,
    risk_fund_ppm=5_000,
)  # fmt: skip
"""Deposit ¥10,000 at 10×: B = ¥100,000, CL = ¥103,000, a ¥500 risk fund."""


@pytest.fixture(autouse=True)
def a_running_allocation(operator_shell: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """All in shares at T0 = ¥110,000: one −10 % day leaves ¥99,000, ¥1,000 below B; the platform bears
    ¥500 after the risk fund."""
    monkeypatch.setenv("P2PSTOCK_ENCRYPTION_KEY", TEST_ENCRYPTION_KEY)
    app = bootstrap(clock=ManualClock())  # Monday 2026-01-05, a trading day
    for admin_id, role in {"root": "super_admin", "risk-1": "risk_officer", "support-1": "support"}.items():
        app.staff.enrol_by_operator(admin_id, [role])
    app.staff.enrol_by_operator("finance-1", ["finance"])
    app.staff.enrol_by_operator("reviewer-1", ["reviewer"])
    app.products.define(TEN, by="root")
    app.capital.fund(50_000_000, reference="seed", by="finance-1")
    alice = Customer("alice", language="en", phone="+8613800138000", status=KycStatus.VERIFIED)
    app.office.run(lambda tx: tx.uow.customers.add(alice))
    app.papers.acknowledge(alice.id, ALLOCATION_RISK)
    app.wallets.open("alice")
    app.wallets.confirm_deposit("alice", gateway="bank", transaction_id="t-1", amount=Money(5_000_000))
    a = app.allocations.apply("alice", product="daily", deposit=1_000_000, leverage=10, term=5)
    for component in a.due:
        app.allocations.pay(a.id, component, customer_id="alice")
    app.allocations.record_call(a.id, by="reviewer-1", outcome=CallOutcome.CONFIRMED)
    app.allocations.confirm(a.id, by="reviewer-1")
    app.allocations.assign_account(a.id, by="finance-1", sub_account="S-1", password="Tr4de!pass")
    app.allocations.record_status(a.id, date(2026, 1, 5), Figures(11_000_000, 11_000_000, 0), by="risk-1")
    app.close()


def test_a_ten_percent_fall_in_english_lists_the_allocation_through_its_liquidation_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["allocation", "stress", "--shock", "-10%", "--by", "risk-1", "--lang", "en"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[2].startswith("Market -10%: of 1 allocations 1 at or below the warning line, 1 at or below")
    assert "shortfall ¥1,000.00, risk funds cover ¥500.00, the platform bears ¥500.00" in out[2]
    assert out[3] == "The worst 1 at -10%:"
    head, row = out[4:6]
    assert head.split()[:2] == ["sub-account", "allocation"]
    assert row.split()[0] == "S-1" and row.split()[2:] == [
        "¥110,000.00", "¥99,000.00", "liquidation", "¥1,000.00", "¥500.00", "¥500.00",
    ]  # fmt: skip


def test_the_table_reads_in_chinese_by_default_and_minus_ten_without_a_sign_is_the_same_shock(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["allocation", "stress", "--shock=-10", "--by", "risk-1"]) == 0
    out = capsys.readouterr().out
    assert "市场 -10%：1 笔配资中 1 笔跌破警戒线" in out and "平仓" in out
    assert foreign_words(out, "zh", data=["S-1", *ids()]) == []
    assert main(["allocation", "stress", "--shock", "-1%", "--by", "risk-1", "--top", "0"]) == 0
    assert "没有配资跌破警戒线。" in capsys.readouterr().out


def ids() -> list[str]:
    app = bootstrap()
    try:
        return [a.id for a in app.allocations.of_customer("alice")]
    finally:
        app.close()


@pytest.mark.parametrize(
    ("given", "said"),
    [
        ("-0.1", "ambiguous shock '-0.1'"),
        ("-101%", "outside -100% to +100%"),
        ("ten", "not a shock: 'ten'"),
        ("-10.555%", "not a shock"),
    ],
)
def test_a_bad_shock_is_refused_in_one_line(
    given: str, said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["allocation", "stress", f"--shock={given}", "--by", "risk-1"])
    assert exited.value.code == 2
    assert said in capsys.readouterr().err.splitlines()[-1]


def test_shocks_are_read_in_per_cent_to_the_basis_point() -> None:
    assert [shock(s) for s in ("-10%", "-10", "-2.5%", "+5", "0", "-0.1%", "-100%")] == [
        -1000, -1000, -250, 500, 0, -10, -10_000,
    ]  # fmt: skip


def test_support_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["allocation", "stress", "--shock", "-10%", "--by", "support-1"]) == 1
    assert "refused: you are not allowed to view the dashboard" in capsys.readouterr().err
