"""The names a statement's columns go by: p2pstock's own (``total_assets``) and those brokers' software
exports in Chinese (资产总值, 总资产, 资产总额 …), each mapped to the field it fills.

A header cell is read as its column's name after ``header_name``: NFKC (full-width letters, digits and
brackets become ASCII), spaces dropped, a unit in brackets at the end dropped (``资产总值（元）`` →
``资产总值``), lower case. A name no field has is a column the import ignores.
"""

from __future__ import annotations

import re
import unicodedata

REQUIRED = ("sub_account", "trade_date", "total_assets", "market_value", "cash_available")
"""The columns a statement cannot do without; any other amount column read as 0 when absent."""

ALIASES: dict[str, tuple[str, ...]] = {
    "sub_account": ("资金账号", "资金账户", "账号", "子账户", "子账号", "账户"),
    "trade_date": ("日期", "交易日期", "成交日期", "发生日期", "业务日期"),
    "total_assets": ("资产总值", "总资产", "资产总额", "账户总资产"),
    "market_value": ("市值", "证券市值", "股票市值", "参考市值", "最新市值", "持仓市值"),
    "cash_available": ("可用资金", "可用金额", "资金余额", "可用"),
    "cash_frozen": ("冻结资金", "冻结金额", "冻结"),
    "cash_withdrawable": ("可取资金", "可取金额", "可取"),
    "daily_pnl": ("当日盈亏", "今日盈亏", "当日参考盈亏"),
    "floating_pnl": ("浮动盈亏", "参考盈亏", "持仓盈亏"),
    "note": ("备注", "说明"),
}
"""Each field's Chinese names, the first the one a refusal shows."""

_FIELD_OF = {
    name: (field, rank) for field, names in ALIASES.items() for rank, name in enumerate((field, *names))
}
_UNIT = re.compile(r"[(\[【][^()\[\]【】]*[)\]】]$")


def header_name(cell: str) -> str:
    """A header cell as a column's name: ``' 资产总值（元） '`` → ``'资产总值'``."""
    name = "".join(unicodedata.normalize("NFKC", cell).split()).lower()
    return _UNIT.sub("", name)


def field_of(cell: str) -> tuple[str, int]:
    """The field a header cell names ("" for a column the import ignores), and the rank of the name among
    the field's (0 for p2pstock's own, then as ``ALIASES`` lists them)."""
    return _FIELD_OF.get(cell) or _FIELD_OF.get(header_name(cell)) or ("", 0)


def names_of(fields: list[str]) -> str:
    """The names each of ``fields`` may go by, for a refusal: ``total_assets (资产总值/总资产/…)``."""
    return "; ".join(f"{field} ({'/'.join(ALIASES[field])})" for field in fields)
