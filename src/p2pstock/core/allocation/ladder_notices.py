"""What the graded alert ladder tells, in Chinese and English: a rung crossed (``alert_ladder``; a rung's own
message, when its product gives one, leads its text), the warning with its top-up deadline, and the
deadline met or missed (``top_up_deadline``). A key ending in ``.staff`` is the risk officers' line."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from p2pstock.core.bilingual import both

LADDER_TEMPLATES: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        "allocation.rung": both(
            "提示：配资 {id} 总资产 {assets} 已跌至第 {rung} 级缓冲线 {line}（警戒线 {warning} 之上），"
            "请留意风险，必要时追加保证金。",
            "Notice: allocation {id} total assets {assets} fell to cushion line {rung} at {line}, above the "
            "warning line {warning}. Mind the risk and add margin if needed.",
        ),
        "allocation.rung_own": both(
            "{message}（配资 {id} 总资产 {assets}，第 {rung} 级缓冲线 {line}，警戒线 {warning}）",
            "{message} (allocation {id}: total assets {assets}, cushion line {rung} at {line}, warning line "
            "{warning})",
        ),
        "allocation.rung.staff": both(
            "缓冲线：配资 {id} 总资产 {assets}，第 {rung} 级缓冲线 {line}，警戒线 {warning}。",
            "Cushion line: allocation {id} assets {assets}, cushion line {rung} {line}, warning line "
            "{warning}.",
        ),
        "allocation.rung_own.staff": both(
            "缓冲线：配资 {id} 总资产 {assets}，第 {rung} 级缓冲线 {line}，警戒线 {warning}：{message}",
            "Cushion line: allocation {id} assets {assets}, cushion line {rung} {line}, warning line "
            "{warning}: {message}",
        ),
        "allocation.warning_by": both(
            "风险提示：配资 {id} 总资产 {assets} 已跌破警戒线 {line}，请在 {by} 前追加保证金，使总资产回到 "
            "{target} 以上，否则将进入待平仓状态。",
            "Risk warning: allocation {id} total assets {assets} fell to the warning line {line}. Add margin "
            "by {by} to bring them above {target}, or the allocation is due for liquidation.",
        ),
        "allocation.warning_by.staff": both(
            "警戒：配资 {id} 总资产 {assets}，警戒线 {line}，须在 {by} 前回到 {target} 以上。",
            "Warning: allocation {id} assets {assets}, warning line {line}; above {target} by {by}.",
        ),
        "allocation.liquidation_due": both(
            "平仓提示：配资 {id} 未在 {by} 前补足保证金（总资产 {assets}，警戒线 {line}），"
            "已进入待平仓状态。",
            "Liquidation due: allocation {id} was not topped up by {by} (total assets {assets}, warning "
            "line {line}); it is due for liquidation.",
        ),
        "allocation.liquidation_due.staff": both(
            "待平仓：配资 {id} 补足期限 {by} 已过，总资产 {assets}，警戒线 {line}。",
            "Liquidation due: allocation {id} missed its top-up deadline {by}; assets {assets}, warning line "
            "{line}.",
        ),
        "allocation.liquidation_due_digest.staff": both(
            "补足期限已过、待平仓 {count} 项{part}：", "{count} allocations past their top-up deadline{part}:"
        ),
        "allocation.top_up_met": both(
            "配资 {id} 已追加保证金：按最新状态总资产约 {assets}，{by} 的补足期限已解除。",
            "Allocation {id} is topped up: about {assets} of total assets with the latest status; the top-up "
            "deadline of {by} is lifted.",
        ),
        "allocation.top_up_met.staff": both(
            "已补足：配资 {id} 总资产约 {assets}，补足期限 {by} 解除。",
            "Topped up: allocation {id} about {assets}; the top-up deadline {by} is lifted.",
        ),
    }
)
