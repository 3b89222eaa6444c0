"""What the administrators who keep the trading calendar are told (``calendar_watch.py``), in Chinese and
English."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType


def _t(zh: str, en: str) -> Mapping[str, str]:
    return MappingProxyType({"zh": zh, "en": en})


CALENDAR_TEMPLATES: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        "calendar.unknown_year": _t(
            "交易日历提醒：{year} 年的休市安排尚未导入，各数据源也都没有。"
            "期限跨入 {year} 年的配资申请会被拒绝。"
            "交易所公布后，请在 /admin →「交易日历」或用 p2pstock calendar load 导入。",
            "Trading calendar: {year}'s exchange closures are not loaded and no source has them. "
            "Applications whose term runs into {year} are refused. Load them once the exchanges publish "
            "them: /admin → Trading calendar, or p2pstock calendar load.",
        ),
        "calendar.dispute_closed": _t(
            "交易日历提醒：各数据源对 {day} 是否交易意见不一（休市：{closed_by}；交易：{open_by}）。"
            "在管理员设置该日之前按休市处理。",
            "Trading calendar: the sources disagree about {day} (closed: {closed_by}; trading: "
            "{open_by}). It is treated as closed until an administrator decides the day.",
        ),
        "calendar.dispute_trading": _t(
            "交易日历提醒：各数据源对 {day} 是否交易意见不一（休市：{closed_by}；交易：{open_by}）。"
            "在管理员设置该日之前按交易日处理。",
            "Trading calendar: the sources disagree about {day} (closed: {closed_by}; trading: "
            "{open_by}). It is treated as a trading day until an administrator decides the day.",
        ),
    }
)
