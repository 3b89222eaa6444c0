"""The pure rules of allocations: risk states with hysteresis, where a settlement's money goes, statements
read from CSV, and an allocation surviving storage as text."""

from __future__ import annotations

import json
from datetime import date

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from p2pstock.core.allocation.allocations import (
    LATEST,
    Allocation,
    CallOutcome,
    Hold,
    PhoneCall,
    Risk,
    Settlement,
    Status,
    from_json,
    to_json,
)
from p2pstock.core.allocation.products import Component, LeverageRate, Mode, Product
from p2pstock.core.allocation.risk import next_risk, read_risk
from p2pstock.core.allocation.settlement import Split
from p2pstock.core.allocation.statuses import CSV_COLUMNS, TOLERANCE, _read_csv, _read_lines, parse_csv
from p2pstock.core.money import Money

WL, CL = 5_500_000, 5_300_000
PRODUCT = Product(
    code="daily",
    version=3,
    name="按天配资",
    mode=Mode.DAILY,
    rates=(LeverageRate(5, 600),),
    deposit_min=100_000,
    deposit_max=100_000_000,
    deposit_step=100_000,
    term_min=2,
    term_max=30,
    risk_fund_ppm=5_000,
)


def allocation(**changes: object) -> Allocation:
    base = Allocation(
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
    )
    return attrs.evolve(base, **changes)


# -- risk


@pytest.mark.parametrize(
    ("before", "assets", "after"),
    [
        (Risk.NORMAL, WL + 1, Risk.NORMAL),
        (Risk.NORMAL, WL, Risk.WARNING),
        (Risk.NORMAL, CL, Risk.LIQUIDATION),
        (Risk.WARNING, WL + 1, Risk.WARNING),  # above the line, not yet by the margin
        (Risk.WARNING, WL * 102 // 100 + 1, Risk.NORMAL),
        (Risk.WARNING, CL, Risk.LIQUIDATION),
        (Risk.LIQUIDATION, CL + 1, Risk.LIQUIDATION),
        (Risk.LIQUIDATION, CL * 102 // 100 + 1, Risk.WARNING),
        (Risk.LIQUIDATION, WL * 102 // 100 + 1, Risk.NORMAL),
    ],
)
def test_a_line_is_crossed_down_at_once_and_up_only_with_a_margin(
    before: Risk, assets: int, after: Risk
) -> None:
    assert next_risk(before, assets, WL, CL) is after


def test_the_risk_ratio_counts_unpaid_fees_as_owed() -> None:
    reading = read_risk(
        Risk.NORMAL,
        6_000_000,
        warning_line=WL,
        liquidation_line=CL,
        allocated=5_000_000,
        unpaid_fees=1_000_000,
    )

    assert (reading.ratio_bp, reading.to_warning, reading.to_liquidation) == (10_000, 500_000, 700_000)


# -- settlement


@given(
    allocated=st.integers(1, 10**9),
    unpaid=st.integers(0, 10**7),
    fund=st.integers(0, 10**7),
    final=st.integers(0, 2 * 10**9),
)
def test_a_settlement_accounts_for_every_fen_of_capital_fees_and_final_assets(
    allocated: int, unpaid: int, fund: int, final: int
) -> None:
    holds = {Component.DEPOSIT: Hold("d", 1)} | ({Component.RISK_FUND: Hold("r", fund)} if fund else {})
    split = Split.of(allocation(allocated=allocated, fees_unpaid=unpaid, holds=holds), final)

    assert split.capital_back + split.fund_capital + split.uncovered_capital == allocated
    assert split.fees_collected + split.fund_fees + split.uncovered_fees == unpaid
    assert split.capital_back + split.fees_collected + split.payout_paid == final
    assert min(split.payout_paid, split.uncovered_capital, split.uncovered_fees) >= 0
    assert split.from_fund <= fund
    assert split.payout_paid == max(final - allocated - unpaid, 0)
    if split.uncovered_capital or split.uncovered_fees:
        assert split.from_fund == fund  # the fund is used up before anyone else bears a shortfall


# -- statements


HEADER = (
    "sub_account,trade_date,total_assets,market_value,cash_available,cash_frozen,cash_withdrawable,"
    "daily_pnl,floating_pnl\n"
)


def test_a_statement_row_reads_yuan_into_fen_and_allows_losses() -> None:
    rows, errors = parse_csv(HEADER + 'S-1,2026-01-05,"58,000.50",46400.50,11600,0,11600,-3200.5,-100\n')

    assert errors == []
    [row] = rows
    assert (row.sub_account, row.trade_date, row.line) == ("S-1", date(2026, 1, 5), 2)
    assert (row.figures.total_assets, row.figures.daily_pnl, row.figures.floating_pnl) == (
        5_800_050,
        -320_050,
        -10_000,
    )


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("S-1,2026-01-05,1.001,1,0,0,0,0,0", "total_assets"),
        ("S-1,2026-01-05,-1,0,0,0,0,0,0", "total_assets"),
        ("S-1,2026-01-05,,0,0,0,0,0,0", "total_assets is empty"),
        (",2026-01-05,1,1,0,0,0,0,0", "sub_account is empty"),
        ("S-1,5/1/2026,1,1,0,0,0,0,0", "trade_date"),
        ("S-1,2026-01-05,1,1,0,0,0,0,0,extra", "more fields"),
        ("S-1,2026-01-05,100,1,0,0,0,0,0", "differ from cash plus market value"),
    ],
)
def test_a_bad_statement_row_is_named_by_its_line_and_reason(row: str, reason: str) -> None:
    rows, errors = parse_csv(HEADER + "S-0,2026-01-05,1,1,0,0,0,0,0\n" + row + "\n")

    assert [r.sub_account for r in rows] == ["S-0"]
    [error] = errors
    assert error.line == 3
    assert reason in error.reason


@pytest.mark.parametrize(
    ("amount", "fen"),
    [
        ("58000.5", 5_800_050),
        ("58,000.50", 5_800_050),
        (" 12.30 ", 1_230),
        ("１２.３", 1_230),
        ("007", 700),
        ("1000000000000.00", 10**14),
    ],
)
def test_statement_amounts_read_in_any_shape_money_accepts(amount: str, fen: int) -> None:
    rows, errors = parse_csv(HEADER + f'S-1,2026-01-05,"{amount}","{amount}",0,0,0,0,0\n')

    assert errors == []
    assert (rows[0].figures.total_assets, rows[0].figures.market_value) == (fen, fen)


@given(
    st.integers(min_value=-(10**14) + 1, max_value=10**14 - 1), st.sampled_from(["{}.{:02d}", "{}.{}", "{}"])
)
def test_a_plain_profit_reads_as_money_parse_reads_it(fen: int, shape: str) -> None:
    whole, cents = divmod(abs(fen), 100)
    text = ("-" if fen < 0 else "") + shape.format(whole, cents if shape != "{}.{}" else cents % 10)
    expected = Money.parse(text, allow_zero=True, allow_negative=True).minor

    rows, errors = parse_csv(HEADER + f"S-1,2026-01-05,1,1,0,0,0,{text},0\n")

    assert errors == []
    assert rows[0].figures.daily_pnl == expected


def test_a_statement_may_order_its_columns_freely_leave_optional_amounts_empty_and_skip_blank_lines() -> None:
    header = "note,floating_pnl,daily_pnl,cash_withdrawable,cash_frozen,total_assets,trade_date,sub_account,"
    text = header + "market_value,cash_available\n\n备注,,,,,10,2026-01-05,S-1,4,6\n"

    rows, errors = parse_csv(text)

    assert errors == []
    [row] = rows
    assert (row.line, row.sub_account, row.figures.note, row.figures.daily_pnl) == (3, "S-1", "备注", 0)
    assert (row.figures.total_assets, row.figures.market_value, row.figures.cash_available) == (
        1000,
        400,
        600,
    )


def test_a_negative_amount_where_only_a_profit_may_be_negative_is_refused_with_money_s_reason() -> None:
    rows, errors = parse_csv(HEADER + "S-1,2026-01-05,1,1,-0.5,0,0,0,0\nS-2,2026-01-05,1,1,0,0,0,0\n")

    assert rows[0].sub_account == "S-2"  # a short row: the missing amount is 0
    [error] = errors
    assert (error.line, error.reason) == (2, "cash_available: amount must not be negative")


_FIELDS = {
    "sub_account": st.sampled_from(["S-1", "S-2", "HOMS-000001", "", " S-1", "子账户", "S 1", "S-1\t"]),
    "trade_date": st.sampled_from(["2026-01-05", "2026-01-06", "2026-02-30", "5/1/2026", "", " 2026-01-05"]),
    "amount": st.one_of(
        st.sampled_from(
            ["0.00", "-0.00", "1.5", "100", "1,000.00", " 12.30", "１２.３", "abc", "", "-", "1e3"]
        ),
        st.builds(
            lambda whole, cents, sign: f"{sign}{whole}.{cents:02d}",
            st.integers(0, 10**13),
            st.integers(0, 99),
            st.sampled_from(["", "-"]),
        ),
    ),
    "note": st.sampled_from(["", "备注", " spaced ", "x" * 201, "a\x0bb"]),
}


@st.composite
def statements(draw: st.DrawFn) -> str:
    """Statements without quotes or carriage returns: headers in the usual order or another, with or
    without a note, rows of any fields (mostly plausible ones), some short or long, blank lines between."""
    columns = [*CSV_COLUMNS, "note"] if draw(st.booleans()) else list(CSV_COLUMNS)
    if draw(st.integers(0, 3)) == 0:
        columns = draw(st.permutations(columns))
    lines = [",".join(columns)]
    for _ in range(draw(st.integers(0, 6))):
        if draw(st.integers(0, 9)) == 0:
            lines.append("")
            continue
        assets = draw(st.integers(0, 10**9) | st.integers(10**13, 10**15))  # up to 13 digits of yuan
        cash = draw(st.integers(0, assets))
        plausible: dict[str, object] = {
            "sub_account": draw(st.sampled_from(["S-1", "S-2", "HOMS-000001"])),
            "trade_date": draw(st.sampled_from(["2026-01-05", "2026-01-06"])),
            "note": draw(st.sampled_from(["", "备注", "x" * 200])),
            "total_assets": assets,
            "market_value": assets - cash + draw(st.sampled_from([0, 0, 0, -TOLERANCE - 1, TOLERANCE])),
            "cash_available": cash,
            "cash_frozen": 0,
            "cash_withdrawable": cash + draw(st.sampled_from([0, 0, -cash, 1])),
            "daily_pnl": draw(st.integers(-(10**8), 10**8)),
            "floating_pnl": draw(st.integers(-(10**8), 10**8)),
        }
        fields = []
        for name in columns:
            value = plausible[name]
            if draw(st.integers(0, 9)) and isinstance(value, str):
                fields.append(value)
            elif draw(st.integers(0, 9)) and isinstance(value, int):
                fields.append(f"{'-' if value < 0 else ''}{abs(value) // 100}.{abs(value) % 100:02d}")
            else:
                fields.append(draw(_FIELDS.get(name, _FIELDS["amount"])))
        cut = len(fields) + draw(st.sampled_from([0] * 6 + [-1, 1]))
        lines.append(",".join([*fields, "extra"][:cut]))
    return "\n".join(lines) + draw(st.sampled_from(["", "\n", "\n\n"]))


@given(statements())
def test_a_statement_read_line_by_line_reads_as_the_csv_module_reads_it(text: str) -> None:
    assert _read_lines(text) == _read_csv(text)


def test_a_statement_with_quotes_or_carriage_returns_is_read_by_the_csv_module() -> None:
    text = HEADER.replace("\n", "\r\n") + 'S-1,2026-01-05,"58,000.50",46400.50,11600,0,11600,0,0\r\n'

    rows, errors = parse_csv(text)

    assert errors == []
    assert [(r.sub_account, r.figures.total_assets) for r in rows] == [("S-1", 5_800_050)]


# -- storage


def test_an_allocation_survives_storage_as_text_exactly() -> None:
    full = allocation(
        status=Status.SETTLED,
        holds={Component.DEPOSIT: Hold("alloc:a1:deposit", 1_000_000)},
        calls=(PhoneCall("reviewer-1", 5, CallOutcome.CONFIRMED, "好的"),),
        start_date=date(2026, 1, 5),
        end_date=date(2026, 1, 9),
        top_up_holds=(Hold("t", 5),),
        settlement=Settlement(1, 2, 3, 4, 5, 6, 7, 8, "risk-1", 9),
        sealed_password="v1.abc",
        risk=Risk.WARNING,
        version=7,
        withdrawn_since_status=300,
        last_status_date=date(2026, 1, 8),
        last_assets=5_400_000,
        last_withdrawable=1_000,
    )
    apart = {name: getattr(full, name) for name in ("risk", "version", "withdrawn_since_status", *LATEST)}

    assert from_json(to_json(full), **apart) == full


def test_the_stored_text_leaves_out_what_storage_keeps_apart_and_reads_older_texts() -> None:
    text = to_json(allocation(risk=Risk.WARNING, last_assets=5_400_000, withdrawn_since_status=300))
    stored = json.loads(text)
    older = json.dumps({**stored, "risk": "liquidation", "risk_before_day": "normal", "last_assets": 1})

    assert stored.keys().isdisjoint({"risk", "version", "withdrawn_since_status", *LATEST})
    assert from_json(older, risk="normal") == allocation()
