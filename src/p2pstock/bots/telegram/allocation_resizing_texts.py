"""The texts of expanding and reducing a running allocation (扩大 / 缩小配资) in the bot, in Chinese and
English (merged into ``texts.TEXTS``): the customer's buttons, questions and previews, the timeline's
lines, the request card administrators decide from, and what core's refusals of a resize say."""

from __future__ import annotations

from types import MappingProxyType

from p2pstock.bots.telegram.bilingual import Texts, both

_FIGURES_ZH = (
    "保证金 {deposit_was} → {deposit}\n配资金额 {allocated_was} → {allocated}\n"
    "警戒线 {warning_was} → {warning}\n平仓线 {liquidation_was} → {liquidation}\n"
    "管理费自下一期起每{per} {fee_was} → {fee}"
)
_FIGURES_EN = (
    "Deposit {deposit_was} → {deposit}\nAllocated funds {allocated_was} → {allocated}\n"
    "Warning line {warning_was} → {warning}\nLiquidation line {liquidation_was} → {liquidation}\n"
    "Management fee from the next period {fee_was} → {fee} a {per}"
)
"""What a resize changes, as the customer's preview and the administrator's card show it."""

RESIZE_TEXTS: Texts = MappingProxyType(
    {
        # -- the customer's ------------------------------------------------------------------------
        "alloc.button.expansion": both("📈 扩大配资", "📈 Expand"),
        "alloc.button.reduction": both("📉 缩小配资", "📉 Reduce"),
        "alloc.expansion.ask": both(
            "配资 {id} 当前保证金 {deposit}，{leverage} 倍。请输入追加的保证金金额（按 {step} 递增，最多 "
            "{most}；钱包可用余额 {available}）：",
            "Allocation {id} has a deposit of {deposit} at {leverage}×. How much deposit to add? (in steps "
            "of {step}, at most {most}; {available} available in your wallet)",
        ),
        "alloc.reduction.ask": both(
            "配资 {id} 当前保证金 {deposit}，{leverage} 倍。请输入减少的保证金金额（按 {step} 递减，最多 "
            "{most}）：",
            "Allocation {id} has a deposit of {deposit} at {leverage}×. How much deposit to take out? (in "
            "steps of {step}, at most {most})",
        ),
        "alloc.expansion.at_limit": both(
            "配资 {id} 的保证金 {deposit} 已达产品上限，无法扩大。",
            "The deposit of allocation {id}, {deposit}, is at the product's maximum; it cannot grow.",
        ),
        "alloc.reduction.at_limit": both(
            "配资 {id} 的保证金 {deposit} 已达产品下限，无法缩小。",
            "The deposit of allocation {id}, {deposit}, is at the product's minimum; it cannot shrink.",
        ),
        "alloc.expansion.confirm": both(
            "确认扩大配资 {id}？\n"
            + _FIGURES_ZH
            + "\n将从钱包冻结 {frozen}（含风险保证金 {fund}），等待审核。",
            "Expand allocation {id}?\n" + _FIGURES_EN + "\n{frozen} is frozen in your wallet (the risk "
            "fund's {fund} included) until an administrator decides.",
        ),
        "alloc.reduction.confirm": both(
            "确认缩小配资 {id}？\n" + _FIGURES_ZH + "\n子账户将转出 {leaving}；审核通过后 {back} 退回钱包"
            "（含风险保证金 {fund}）。",
            "Reduce allocation {id}?\n" + _FIGURES_EN + "\n{leaving} leaves the sub-account; once approved, "
            "{back} comes back to your wallet (the risk fund's {fund} included).",
        ),
        # -- the timeline ----------------------------------------------------------------------------
        "alloc.event.request.expansion": both(
            "申请扩大配资，追加保证金 {amount}", "asked to expand with {amount} more deposit"
        ),
        "alloc.event.request.reduction": both(
            "申请缩小配资，减少保证金 {amount}", "asked to reduce the deposit by {amount}"
        ),
        "alloc.event.expanded": both(
            "扩大配资：保证金 {deposit_was} → {deposit}，配资金额 {allocated_was} → {allocated}，"
            "警戒线 {warning_line}，平仓线 {liquidation_line}",
            "expanded: deposit {deposit_was} → {deposit}, allocated funds {allocated_was} → {allocated}, "
            "warning line {warning_line}, liquidation line {liquidation_line}",
        ),
        "alloc.event.reduced": both(
            "缩小配资：保证金 {deposit_was} → {deposit}，配资金额 {allocated_was} → {allocated}，"
            "警戒线 {warning_line}，平仓线 {liquidation_line}",
            "reduced: deposit {deposit_was} → {deposit}, allocated funds {allocated_was} → {allocated}, "
            "warning line {warning_line}, liquidation line {liquidation_line}",
        ),
        "admin.alloc.event.request.expansion": both("申请扩大配资", "expansion asked"),
        "admin.alloc.event.request.reduction": both("申请缩小配资", "reduction asked"),
        "admin.alloc.event.expanded": both("扩大配资", "expanded"),
        "admin.alloc.event.reduced": both("缩小配资", "reduced"),
        # -- the administrator's request card --------------------------------------------------------
        "admin.alloc.request_expansion": both(
            _FIGURES_ZH + "\n批准后从资金池划出 {capital}。",
            _FIGURES_EN + "\nApproving it draws {capital} from the capital pool.",
        ),
        "admin.alloc.request_reduction": both(
            _FIGURES_ZH + "\n批准后 {capital} 返还资金池。最新总资产 {assets}，转出 {leaving} 后 {after}"
            "（须高于 {line}）。",
            _FIGURES_EN + "\nApproving it returns {capital} to the capital pool. Latest total assets "
            "{assets}; {after} once {leaving} leaves (it must stay above {line}).",
        ),
        # -- core's refusals -------------------------------------------------------------------------
        "refusal.resize_pending": both(
            "已有一笔扩大或缩小配资的申请（{request}）正在处理中。",
            "An expansion or reduction ({request}) is pending already.",
        ),
        "refusal.resize_at_limit": both(
            "保证金已达产品允许的上限或下限。", "The deposit is at the product's limit already."
        ),
        "refusal.resize_most": both("保证金最多可变动 {most}。", "The deposit can change by at most {most}."),
        "refusal.resize_overdue": both(
            "有 {amount} 管理费逾期未缴，请先补缴。", "Fees of {amount} are overdue; pay them first."
        ),
        "refusal.resize_prepaid_left": both(
            "该产品退还未用的预付期数：尚有 {periods} 期预付或续期申请待处理，用完后才能扩大或缩小配资。",
            "This product refunds unused prepaid periods: {periods} are left or an extension waits; "
            "resize once they are used.",
        ),
        "refusal.reduction_no_status": both(
            "子账户尚无日状态，暂不能缩小配资。",
            "The sub-account has no daily status yet; it cannot be reduced.",
        ),
        "refusal.reduction_risk": both(
            "风险状态正常时才能缩小配资。", "An allocation can be reduced only while its risk is normal."
        ),
        "refusal.reduction_cash_short": both(
            "子账户可取资金 {cash} 不足以转出 {amount}。",
            "The sub-account's withdrawable cash, {cash}, cannot give back {amount}.",
        ),
        "refusal.reduction_not_clear": both(
            "缩小后总资产 {assets} 须高于新警戒线加缓冲后的 {line}。",
            "After the reduction the assets, {assets}, must stay above {line} (the new warning line with "
            "its margin).",
        ),
    }
)
