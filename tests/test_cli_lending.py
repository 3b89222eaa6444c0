"""``p2pstock lending reserve|fund-reserve``: the guarantee reserves from the command line, the table in
either language, funding once per reference and, from the capital threshold on, by two administrators."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bots.language_check import foreign_words
from p2pstock.bootstrap import bootstrap
from p2pstock.cli import main
from p2pstock.cli.lending import table_lines
from p2pstock.core.lending.products import LoanProduct
from p2pstock.core.lending.schedules import Method

GUARANTEED = LoanProduct(
    code="personal",
    version=1,
    name="个人信用借款",
    amount_min=100_000,
    amount_max=100_000_000,
    months_min=1,
    months_max=36,
    rate_min_bp=600,
    rate_max_bp=2_400,
    methods=(Method.EQUAL_INSTALLMENTS,),
    guarantee_days=3,
    reserve_fee_bp=2_000,
)


@pytest.fixture(autouse=True)
def a_guaranteed_product(operator_shell: Path) -> None:
    """In the CLI's embedded database: the reference loan product with a guarantee, four administrators."""
    app = bootstrap()
    for admin_id, role in {"root": "super_admin", "finance-1": "finance", "finance-2": "finance"}.items():
        app.staff.enrol_by_operator(admin_id, [role])
    app.staff.enrol_by_operator("support-1", ["support"])
    app.loan_products.define(GUARANTEED, by="root")
    app.close()


def test_a_reserve_is_funded_once_per_reference_and_shown_in_a_table(
    capsys: pytest.CaptureFixture[str],
) -> None:
    fund = ["lending", "fund-reserve", "personal", "10,000", "--reference", "seed", "--by", "finance-1"]
    assert main(fund) == 0
    assert main(fund) == 0
    assert capsys.readouterr().out.splitlines() == ["done; the reserve of personal holds ¥10,000.00"] * 2

    assert main(["lending", "reserve", "--by", "support-1", "--lang", "en"]) == 0
    head, row = capsys.readouterr().out.splitlines()
    assert head.split() == [
        "product", "guarantee", "days", "balance", "advanced", "recovered", "still", "owed", "lost", "to",
        "write-offs", "investors'", "loss",
    ]  # fmt: skip
    assert row.split() == ["personal", "3", "¥10,000.00", "¥0.00", "¥0.00", "¥0.00", "¥0.00", "¥0.00"]
    assert len(head) == len(row)  # the columns line up


def test_the_table_reads_in_chinese_by_default_its_columns_lined_up_by_what_a_terminal_shows(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["lending", "reserve", "--by", "finance-2"]) == 0
    out = capsys.readouterr().out
    head, _ = out.splitlines()
    assert head.split()[:3] == ["产品", "垫付天数", "余额"]
    assert foreign_words(out, "zh", data=["personal"]) == []
    assert table_lines([["余额", "x"], ["ab", "yyy"]]) == ["余额    x", "ab    yyy"]


def test_funding_from_the_capital_threshold_on_waits_for_a_second_administrator(
    capsys: pytest.CaptureFixture[str],
) -> None:
    big = ["lending", "fund-reserve", "personal", "6,000,000", "--reference", "big", "--by", "finance-1"]
    assert main(big) == 0
    approval = re.search(r"approval (approval-\w+)", capsys.readouterr().out)
    assert approval is not None
    assert main(["approval", "approve", approval[1], "--by", "finance-2"]) == 0
    assert main(["lending", "reserve", "--by", "finance-2", "--lang", "en"]) == 0
    assert "¥6,000,000.00" in capsys.readouterr().out.splitlines()[-1]
    assert main(["lending", "reserve", "--by", "nobody"]) == 1
    assert "refused: you are not allowed to manage capital" in capsys.readouterr().err
