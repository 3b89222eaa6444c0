"""``p2pstock allocation import`` of brokers' exports: an .xlsx workbook and a GBK CSV with Chinese
column names, each applied; a workbook lacking a column refused, naming it, and nothing stored."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import Workbook

from p2pstock.bootstrap import bootstrap
from p2pstock.cli import main
from test_cli import running_allocation

pytestmark = pytest.mark.usefixtures("operator_shell")

HEADER = ("资金账号", "交易日期", "资产总值（元）", "证券市值", "可用资金")


def xlsx(*rows: tuple[object, ...]) -> bytes:
    book = Workbook()
    assert book.active is not None
    book.active.title = "资金对账单"
    for values in rows:
        book.active.append(list(values))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def last_assets() -> int | None:
    app = bootstrap()
    [allocation] = app.allocations.of_customer("alice")
    app.close()
    return allocation.last_assets


def test_an_xlsx_statement_is_imported(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    running_allocation(monkeypatch)
    statement = tmp_path / "对账单.xlsx"
    statement.write_bytes(xlsx(HEADER, ("HOMS-001", "2026-01-05", 54_000, 43_200, "10,800.00")))

    assert main(["allocation", "import", str(statement), "--by", "risk-1", "--lang", "en"]) == 0

    out = capsys.readouterr().out
    assert "Statement imported: 1 rows applied." in out
    assert "🟢 normal → 🟠 warning" in out
    assert last_assets() == 5_400_000


def test_a_gbk_csv_with_chinese_headers_is_imported_whatever_its_name(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    running_allocation(monkeypatch)
    statement = tmp_path / "export.txt"
    text = ",".join(HEADER) + '\nHOMS-001,20260105,"54,000.00","43,200.00","10,800.00"\n'
    statement.write_bytes(text.encode("gbk"))

    assert main(["allocation", "import", str(statement), "--by", "risk-1"]) == 0

    assert "对账单已导入：1 行已录入。" in capsys.readouterr().out
    assert last_assets() == 5_400_000


def test_a_workbook_lacking_a_column_is_refused_naming_it_and_stores_nothing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    running_allocation(monkeypatch)
    statement = tmp_path / "statement.xlsx"
    statement.write_bytes(xlsx(HEADER[:4], ("HOMS-001", "2026-01-05", 54_000, 43_200)))

    assert main(["allocation", "import", str(statement), "--by", "risk-1"]) == 1

    err = capsys.readouterr().err
    assert "· 第 1 行：表头缺少：可用资金（cash_available）。" in err
    assert last_assets() is None
