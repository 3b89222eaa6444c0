"""The texts of /holdings, an investor's lending this month so far and their monthly summary switched on or
off, in Chinese and English (merged into ``texts.TEXTS``). The summary's own lines are core's notification
templates (``loan.summary_*``), the ones the monthly digest is written with; and the refusal of a month
that has not ended (``MonthlySummaries.send``)."""

from __future__ import annotations

from types import MappingProxyType

from p2pstock.bots.telegram.bilingual import Texts, both

HOLDINGS_TEXTS: Texts = MappingProxyType(
    {
        "holdings.so_far": both("📈 本月出借（截至今日）：", "📈 Your lending this month so far:"),
        "holdings.none": both("本月您没有出借中的投资。", "You had no holdings this month."),
        "holdings.on": both(
            "出借月报：已开启。每月初您会收到上月的出借月报（回款、待收本金、下期回款）。"
            "发送 /holdings_off 关闭。",
            "Monthly lending summary: on. Early each month you get last month's summary (what you received, "
            "what is outstanding, what comes next). Send /holdings_off to switch it off.",
        ),
        "holdings.off": both(
            "出借月报：已关闭。每期回款通知仍会照常发送。发送 /holdings_on 开启。",
            "Monthly lending summary: off. Each installment you receive is still told. Send /holdings_on "
            "to switch it on.",
        ),
        "holdings.holdings_off": both("🔕 关闭月报", "🔕 Switch it off"),
        "holdings.holdings_on": both("🔔 开启月报", "🔔 Switch it on"),
        "refusal.month_not_ended": both(
            "{month} 尚未结束：月报从次月起才能生成。",
            "{month} has not ended: a month is summarised after it.",
        ),
    }
)
