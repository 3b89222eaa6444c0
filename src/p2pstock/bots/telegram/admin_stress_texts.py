"""The texts of the stress view (``admin_stress`` in the bot, ``p2pstock allocation stress`` on the command
line), in Chinese and English (merged into ``texts.TEXTS``)."""

from __future__ import annotations

from types import MappingProxyType

from p2pstock.bots.telegram.bilingual import Texts, both

STRESS_TEXTS: Texts = MappingProxyType(
    {
        "admin.queue.stress": both("🌪️ 压力测试", "🌪️ Stress view"),
        "refusal.shock_invalid": both(
            "冲击幅度须为 -100% 到 +100% 之间的基点整数。",
            "A shock is a whole number of basis points from -100 % to +100 %.",
        ),
        "stress.title": both(
            "压力测试：按每笔进行中配资的最新状态（截至 {day}），冲击只作用于持仓市值，现金不变。",
            "Stress view: each running allocation's latest status (as of {day}); the shock moves the market "
            "value only, cash stays.",
        ),
        "stress.no_day": both("暂无", "none yet"),
        "stress.boards": both(
            "状态未按板块记录持仓：冲击作用于全部市值，分板块冲击（如创业板 ±20%）暂不适用。",
            "Statuses carry no positions by board: the shock applies to the whole market value; a per-board "
            "shock (ChiNext ±20 %) applies only where positions exist.",
        ),
        "stress.shock": both("市场 {shock}：", "Market {shock}:"),
        "stress.totals": both(
            "{allocations} 笔配资中 {warning} 笔跌破警戒线，{liquidation} 笔跌破平仓线"
            "（平仓线下本金 {at_risk}）；穿仓 {gap}，风险保证金承担 {from_fund}，"
            "平台承担 {shortfall}（{bearer}）",
            "of {allocations} allocations {warning} at or below the warning line, {liquidation} at or "
            "below the liquidation line (capital at risk {at_risk}); shortfall {gap}, risk funds cover "
            "{from_fund}, the platform bears {shortfall} ({bearer})",
        ),
        "stress.bearer.receivable": both("记为客户欠款", "booked as owed by the customer"),
        "stress.bearer.loss": both("记为平台损失", "booked as a platform loss"),
        "stress.without_status": both(
            "另有 {count} 笔尚无状态，未计入。", "{count} more have no status yet and are left out."
        ),
        "stress.empty": both("没有进行中的配资。", "No allocation is in progress."),
        "stress.worst": both("{shock} 时最差的 {count} 笔：", "The worst {count} at {shock}:"),
        "stress.none": both("没有配资跌破警戒线。", "No allocation falls to its warning line."),
        "stress.line": both(
            "{sub_account}（{id}）：资产 {before} → {after}，{risk}；穿仓 {gap}，平台承担 {shortfall}",
            "{sub_account} ({id}): assets {before} → {after}, {risk}; shortfall {gap}, the platform bears "
            "{shortfall}",
        ),
        "stress.risk.warning": both("跌破警戒线", "below the warning line"),
        "stress.risk.liquidation": both("跌破平仓线", "below the liquidation line"),
        "stress.chart": both(
            "平台承担的穿仓金额 — 市场下跌 0 至 20%", "Shortfall the platform bears — market down 0 to 20 %"
        ),
        "stress.table.sub_account": both("子账户", "sub-account"),
        "stress.table.id": both("配资编号", "allocation"),
        "stress.table.before": both("当前资产", "assets now"),
        "stress.table.after": both("冲击后资产", "assets after"),
        "stress.table.line": both("越线", "line"),
        "stress.table.gap": both("穿仓", "shortfall"),
        "stress.table.from_fund": both("风险保证金承担", "risk fund covers"),
        "stress.table.shortfall": both("平台承担", "platform bears"),
        "stress.table.warning": both("警戒", "warning"),
        "stress.table.liquidation": both("平仓", "liquidation"),
        "stress.table.more": both("另有 {count} 笔未列出（--top）。", "{count} more not shown (--top)."),
    }
)
