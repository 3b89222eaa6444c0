"""The texts of the graded alert ladder and the top-up deadline (``core.allocation.ladder``,
``top_up_deadline``): the lines the customer's and the risk officers' cards add, the running list's marks,
the timeline's events, the product form's step and the refusals of a ladder, in Chinese and English
(merged into ``texts.TEXTS``)."""

from __future__ import annotations

from types import MappingProxyType

from p2pstock.bots.telegram.bilingual import Texts, both

LADDER_TEXTS: Texts = MappingProxyType(
    {
        # -- the customer's card
        "alloc.detail.rung": both(
            "🔔 总资产已到第 {rung} 级缓冲线 {line}（警戒线 {warning} 之上），请留意风险",
            "🔔 Total assets are at cushion line {rung} ({line}, above the warning line {warning}): mind the "
            "risk",
        ),
        "alloc.detail.top_up_by": both(
            "⏰ 请在 {by} 前追加保证金，使总资产回到 {target} 以上，否则将进入待平仓状态",
            "⏰ Top up by {by} to bring the total assets above {target}, or the allocation is due for "
            "liquidation",
        ),
        "alloc.detail.top_up_met": both(
            "✅ 已追加保证金，{by} 的补足期限已解除", "✅ Topped up: the top-up deadline of {by} is lifted"
        ),
        "alloc.detail.liquidation_due": both(
            "⛔ 未在 {by} 前补足保证金，已进入待平仓状态", "⛔ Not topped up by {by}: due for liquidation"
        ),
        # -- the risk officers' card
        "admin.alloc.card.rungs": both("缓冲线（当前：{where}）：", "Cushion lines (now: {where}):"),
        "admin.alloc.card.rung_above": both("全部之上", "above them all"),
        "admin.alloc.card.rung_at": both("第 {rung} 级", "rung {rung}"),
        "admin.alloc.card.rung": both(
            "· 第 {rung} 级 {line}（警戒线上方 {cushion}，通知{audience}）{own}",
            "· rung {rung} {line} ({cushion} above the warning line, tells {audience}){own}",
        ),
        "admin.alloc.card.rung_own": both("，有专用提示语", ", with its own message"),
        "admin.alloc.card.top_up_by": both(
            "⏰ 补足期限：{by}（须回到 {target} 以上）", "⏰ Top up by {by} (above {target})"
        ),
        "admin.alloc.card.top_up_met": both(
            "✅ 补足期限 {by} 已由追加保证金满足", "✅ Top-up deadline {by} met by top-ups"
        ),
        "admin.alloc.card.liquidation_due": both(
            "⛔ 待平仓：补足期限 {by} 已过", "⛔ Liquidation due: top-up deadline {by} passed"
        ),
        # -- the running list
        "admin.alloc.due_mark": both("｜⛔ 待平仓", " | ⛔ liquidation due"),
        # -- an import
        "admin.alloc.import_rungs": both(
            "到达缓冲线 {count} 项（已通知）", "Cushion lines reached: {count} (told)"
        ),
        # -- the timeline
        "alloc.event.rung": both(
            "总资产跌至第 {rung} 级缓冲线 {line}", "total assets fell to cushion line {rung} at {line}"
        ),
        "alloc.event.top_up_met": both(
            "追加保证金满足补足期限 {top_up_by}", "top-up deadline {top_up_by} met"
        ),
        "alloc.event.liquidation_due": both(
            "未在 {top_up_by} 前补足保证金，进入待平仓状态",
            "not topped up by {top_up_by}: due for liquidation",
        ),
        "admin.alloc.event.rung": both("到达缓冲线", "cushion line reached"),
        "admin.alloc.event.top_up_met": both("补足期限已满足", "top-up deadline met"),
        "admin.alloc.event.liquidation_due": both(
            "补足期限已过，待平仓", "top-up deadline passed, liquidation due"
        ),
        # -- the product form
        "admin.pd.field.rungs": both(
            "分级提醒：警戒线上方的缓冲线，例如 5%:both, 10%:customer（通知对象 customer、risk_officers 或 "
            "both；发送 none 为不设）。各级的专用提示语请用产品文件设置",
            "Graded alerts: cushion lines above the warning line, e.g. 5%:both, 10%:customer (who is told: "
            "customer, risk_officers or both; none for no ladder). Give each rung its own message in a "
            "product file",
        ),
        "admin.pd.why.rungs": both(
            '须列出各级缓冲线，例如 [{{ cushion = "5%", audience = "both" }}]',
            'must list the rungs, e.g. [{{ cushion = "5%", audience = "both" }}]',
        ),
        "admin.pd.why.rung_cushion": both(
            "缓冲须大于 0，且不超过警戒线的 {most}",
            "a cushion is above 0 and at most {most} of the warning line",
        ),
        "admin.pd.why.rung_audience": both("通知对象须为以下之一：{known}", "the audience is one of {known}"),
        "admin.pd.why.rung_message": both(
            "专用提示语须同时给出中文（zh）和英文（en），或都不给",
            "a rung's message is given in Chinese (zh) and English (en), or not at all",
        ),
        "admin.pd.why.rungs_too_many": both("最多 {most} 级缓冲线", "at most {most} rungs"),
        "admin.pd.why.rungs_twice": both("各级缓冲不能相同", "each rung has a cushion of its own"),
        # -- refusals
        "refusal.rung_cushion": both(
            "缓冲须大于 0，且不超过警戒线的 {most}。",
            "A cushion is above 0 and at most {most} of the warning line.",
        ),
        "refusal.rung_audience": both("通知对象须为以下之一：{known}。", "The audience is one of {known}."),
        "refusal.rung_message": both(
            "缓冲线的专用提示语须同时给出中文和英文，或都不给。",
            "A rung's message is given in Chinese and English, or not at all.",
        ),
        "refusal.rungs_too_many": both(
            "一个产品最多 {most} 级缓冲线。", "A product has at most {most} rungs."
        ),
        "refusal.rungs_twice": both(
            "同一产品各级缓冲线的缓冲不能相同。", "Each rung of a product has a cushion of its own."
        ),
    }
)
