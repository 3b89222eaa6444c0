"""Statements as brokers' software exports them: CSV in GBK / GB18030 or UTF-8 (with or without a byte
order mark), .xlsx workbooks, Chinese column names with units and full-width characters, amounts with
thousands separators — read to the fen exactly; a file that is none of these, or lacks a needed column, is
refused whole and nothing is stored."""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from datetime import date

import pytest
from allocation_world import assert_books_hold, open_platform, running, verified_customer
from openpyxl import Workbook

from p2pstock.adapters.broker_exports import xlsx_rows
from p2pstock.bootstrap import App
from p2pstock.core.allocation.statement_files import decode, read_statement
from p2pstock.core.allocation.statuses import Figures

ENGLISH = (
    "sub_account,trade_date,total_assets,market_value,cash_available,cash_frozen,cash_withdrawable,"
    "daily_pnl,floating_pnl,note\n"
)
CHINESE = " 资金账号 ,交易日期,资产总值（元）,证券市值(元),可用资金,冻结资金,当日盈亏,币种,备注\n"
"""A header as a Chinese broker's export writes it: spaces, units, full-width brackets, a column p2pstock
does not read (币种)."""
CHINESE_ROW = 'S-1,2026/1/5,"1,058,000.00","846,400.50","211,599.50",0.00,"-3,200.10",人民币,收盘\n'
EXPECTED = Figures(105_800_000, 84_640_050, 21_159_950, 0, 0, -320_010, 0, "收盘")


def workbook(rows: Sequence[Sequence[object]], *, title: str = "资金对账单", first: str = "说明") -> bytes:
    """An .xlsx with a first sheet that is not the statement, and the statement under ``title``."""
    book = Workbook()
    assert book.active is not None
    book.active.title = first
    book.active.append(["导出说明：本文件由交易软件生成"])
    sheet = book.create_sheet(title)
    for values in rows:
        sheet.append(list(values))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


XLSX_HEADER = ("资金账号", "日期", "总资产", "参考市值", "可用金额", "冻结资金", "浮动盈亏")
XLSX_ROW = ("S-1", date(2026, 1, 5), 1_058_000, 846_400.5, "211,599.50", 0, 1234.56)


# -- reading a file -----------------------------------------------------------------------------------


def test_a_gbk_export_with_chinese_headers_and_thousands_separators_is_read_to_the_fen() -> None:
    content = (CHINESE + CHINESE_ROW).encode("gbk")
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")

    digest, rows, errors = read_statement(content)

    assert errors == []
    [row] = rows
    assert (row.line, row.sub_account, row.trade_date, row.figures) == (2, "S-1", date(2026, 1, 5), EXPECTED)
    assert digest == read_statement(CHINESE + CHINESE_ROW)[0]  # the same statement, whatever its encoding


def test_a_gb18030_file_with_characters_gbk_lacks_is_read() -> None:
    note = "𠀀㐀收盘"  # outside GBK: GB18030's four-byte sequences
    content = (CHINESE + CHINESE_ROW.replace("收盘", note)).encode("gb18030")

    _, [row], errors = read_statement(content)

    assert errors == []
    assert row.figures.note == note


def test_a_utf8_file_with_a_byte_order_mark_is_read_as_before() -> None:
    text = ENGLISH + "S-1,2026-01-05,58000.00,46400.00,11600.00,0,0,0,0,\n"

    digest, [row], errors = read_statement(("\ufeff" + text).encode("utf-8"))

    assert errors == []
    assert row.figures.total_assets == 5_800_000
    assert digest == read_statement(text)[0] == read_statement(text.encode())[0]


def test_the_encoding_is_tried_utf8_first_then_gb18030_and_neither_is_none() -> None:
    assert decode("资产总值".encode()) == "资产总值"
    assert decode("资产总值".encode("gbk")) == "资产总值"
    assert decode("\ufeffabc".encode()) == "abc"
    assert decode("资产总值".encode("utf-16")) is None


def test_a_file_in_neither_encoding_is_refused_whole_at_line_1() -> None:
    _, rows, [error] = read_statement((CHINESE + CHINESE_ROW).encode("utf-16"))

    assert rows == []
    assert (error.line, error.code) == (1, "statement_encoding_unknown")


def test_an_xlsx_is_read_from_its_statement_sheet_with_numbers_dates_and_text_amounts() -> None:
    content = workbook([XLSX_HEADER, XLSX_ROW, (), ("S-2", "2026-01-05", 100, 0, 100)])

    digest, rows, errors = read_statement(content, xlsx_rows)

    assert errors == []
    assert [(r.line, r.sub_account, r.trade_date) for r in rows] == [
        (2, "S-1", date(2026, 1, 5)),
        (4, "S-2", date(2026, 1, 5)),
    ]
    assert rows[0].figures == Figures(105_800_000, 84_640_050, 21_159_950, floating_pnl=123_456)
    assert rows[1].figures == Figures(10_000, 0, 10_000)
    assert len(digest) == 64


def test_an_xlsx_is_told_by_its_content_not_its_name_and_its_first_sheet_read_when_none_is_named() -> None:
    book = Workbook()
    assert book.active is not None
    for values in (XLSX_HEADER, XLSX_ROW):
        book.active.append(list(values))
    out = io.BytesIO()
    book.save(out)

    _, [row], errors = read_statement(out.getvalue(), xlsx_rows)

    assert (errors, row.sub_account) == ([], "S-1")


def test_cells_of_an_xlsx_come_as_text_and_doubles_as_the_decimals_they_stand_for() -> None:
    content = workbook([("a", "b", "c", "d"), (0.1 + 0.2, 1234.56, 88001234, None, None), (None,)])

    assert list(xlsx_rows(content)) == [["a", "b", "c", "d"], ["0.30", "1234.56", "88001234"], []]


def test_an_xlsx_missing_a_required_column_is_refused_naming_it() -> None:
    header = tuple(name for name in XLSX_HEADER if name != "参考市值")
    content = workbook(
        [header, tuple(v for v, n in zip(XLSX_ROW, XLSX_HEADER, strict=True) if n != "参考市值")]
    )

    _, rows, [error] = read_statement(content, xlsx_rows)

    assert rows == []
    assert (error.line, error.code, dict(error.values)) == (1, "header_missing", {"fields": "market_value"})
    assert "参考市值" in error.reason  # the CLI's text names what the column may be called


def test_a_damaged_xlsx_an_old_xls_and_an_installation_without_a_reader_are_refused() -> None:
    good = workbook([XLSX_HEADER, XLSX_ROW])
    cases = {
        "statement_unreadable": read_statement(good[:200], xlsx_rows),
        "statement_xls_unsupported": read_statement(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100),
        "statement_xlsx_unsupported": read_statement(good, None),
    }

    for code, (_, rows, errors) in cases.items():
        assert rows == []
        assert [(e.line, e.code) for e in errors] == [(1, code)]


def test_a_sheet_that_breaks_while_read_is_refused_at_the_row_it_broke() -> None:
    def rows(_: bytes) -> Iterator[list[str]]:
        yield list(XLSX_HEADER)
        yield ["S-1", "2026-01-05", "100", "0", "100"]
        raise ValueError("truncated")

    _, read, errors = read_statement(b"PK\x03\x04", rows)

    assert [r.line for r in read] == [2]
    assert [(e.line, e.code) for e in errors] == [(3, "statement_unreadable")]


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("ＴＯＴＡＬ＿ＡＳＳＥＴＳ", "total_assets"),
        ("  资产总额 (元) ", "total_assets"),
        ("股票市值【元】", "market_value"),
        ("成交日期", "trade_date"),
        ("子账户", "sub_account"),
    ],
)
def test_a_header_is_read_through_spaces_full_width_characters_and_units(header: str, field: str) -> None:
    names = ["sub_account", "trade_date", "total_assets", "market_value", "cash_available"]
    names[names.index(field)] = header
    text = ",".join(names) + "\nS-1,2026-01-05,100.00,40.00,60.00\n"

    _, [row], errors = read_statement(text)

    assert errors == []
    assert row.figures == Figures(10_000, 4_000, 6_000)


def test_of_two_columns_for_one_field_the_usual_name_wins_and_unknown_columns_are_ignored() -> None:
    text = "资金余额,账号,日期,总资产,市值,可用资金,股东代码\n999.00,S-1,20260105,100.00,40.00,60.00,A123\n"

    _, [row], errors = read_statement(text)

    assert errors == []
    assert (row.trade_date, row.figures.cash_available) == (date(2026, 1, 5), 6_000)


# -- importing it -------------------------------------------------------------------------------------


@pytest.fixture
def platform(app: App) -> Iterator[App]:
    open_platform(app)
    verified_customer(app)
    app.staff.enrol_by_operator("risk-1", ["risk_officer"])
    yield app
    assert_books_hold(app)


def test_a_gbk_export_is_imported_and_the_same_statement_in_utf8_is_not_stored_twice(platform: App) -> None:
    allocation = running(platform, sub_account="S-1")

    report = platform.allocations.import_statement((CHINESE + CHINESE_ROW).encode("gbk"), by="risk-1")
    again = platform.allocations.import_statement(CHINESE + CHINESE_ROW, by="risk-1")

    assert (report.ok, report.applied) == (True, 1)
    assert again.already_imported
    [status] = platform.allocations.timeline(allocation.id, by="risk-1").statuses
    assert status.figures == EXPECTED


def test_an_xlsx_export_is_imported(platform: App) -> None:
    allocation = running(platform, sub_account="S-1")

    report = platform.allocations.import_statement(workbook([XLSX_HEADER, XLSX_ROW]), by="risk-1")

    assert (report.ok, report.applied) == (True, 1)
    [status] = platform.allocations.timeline(allocation.id, by="risk-1").statuses
    assert (status.trade_date, status.figures.total_assets) == (date(2026, 1, 5), 105_800_000)


def test_files_that_cannot_be_read_store_nothing(platform: App) -> None:
    allocation = running(platform, sub_account="S-1")
    missing = workbook([XLSX_HEADER[:4], XLSX_ROW[:4]])

    for content in ((CHINESE + CHINESE_ROW).encode("utf-16"), missing, b"PK\x03\x04broken"):
        report = platform.allocations.import_statement(content, by="risk-1")
        assert (report.applied, [e.line for e in report.errors]) == (0, [1])

    assert platform.allocations.timeline(allocation.id, by="risk-1").statuses == ()
    assert platform.allocations.get(allocation.id, customer_id="alice").last_assets is None
