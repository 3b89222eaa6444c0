"""The texts of daily statuses held as implausible (the administrators' "⚠️ Flagged statuses" list in the
bot, ``p2pstock allocation flagged`` on the command line, and what entering or importing one says), in
Chinese and English (merged into ``texts.TEXTS``)."""

from __future__ import annotations

from types import MappingProxyType

from p2pstock.bots.telegram.bilingual import Texts, both

FLAGGED_TEXTS: Texts = MappingProxyType(
    {
        "admin.alloc.q.flagged": both("⚠️ 待复核状态", "⚠️ Flagged statuses"),
        "flagged.title": both(
            "待复核日状态 {count} 项（暂不生效，须由录入人以外的管理员确认或驳回）：",
            "{count} flagged statuses (not in effect until an administrator other than the one who "
            "entered them confirms or rejects them):",
        ),
        "flagged.none": both("没有待复核的日状态。", "No status waits for a second administrator."),
        "flagged.head": both(
            "⚠️ 配资 {id}｜{day}（第 {revision} 版）｜{flag}",
            "⚠️ Allocation {id} | {day} (revision {revision}) | {flag}",
        ),
        "flagged.move": both(
            "总资产：前一状态 {previous} → 本日 {assets}（{move}）",
            "Total assets: previous {previous} → this day {assets} ({move})",
        ),
        "flagged.pnl": both(
            "当日盈亏 {pnl}：按前一日资产，本日应为 {expected}",
            "Profit or loss of the day {pnl}: the day before says {expected}",
        ),
        "flagged.entered": both("{source}：{by}，{at}", "{source} by {by} at {at}"),
        "admin.alloc.b.flag_ok": both("✅ 确认生效", "✅ Confirm"),
        "admin.alloc.b.flag_no": both("❌ 驳回", "❌ Reject"),
        "admin.alloc.flag_ask_reason": both(
            "请输入驳回此日状态的原因（录入人会看到），或发送 /cancel 取消：",
            "Why is this status rejected? The administrator who entered it reads it. Or send /cancel:",
        ),
        "admin.alloc.flag_confirmed": both(
            "配资 {id} {day} 的日状态（第 {revision} 版）已确认生效：风险状态 {before} → {after}。",
            "Allocation {id}'s status of {day} (revision {revision}) is in effect: risk {before} → {after}.",
        ),
        "admin.alloc.flag_rejected": both(
            "配资 {id} {day} 的日状态（第 {revision} 版）已驳回，原因：{reason}。它保留在历史中，不会生效；"
            "可录入更正。",
            "Allocation {id}'s status of {day} (revision {revision}) is rejected: {reason}. It stays in the "
            "history and never counts; a correction may be entered.",
        ),
        "admin.alloc.status_held": both(
            "⚠️ 此状态看似异常（{flag}），已保存但暂不生效，须由另一位管理员在「待复核状态」中确认或驳回。",
            "⚠️ This status looks implausible ({flag}): it is stored but not in effect until another "
            "administrator confirms or rejects it (Flagged statuses).",
        ),
        "admin.alloc.import_flagged": both(
            "其中 {count} 行看似异常，已保存但暂不生效，待另一位管理员复核（「待复核状态」）。",
            "{count} of them look implausible: stored, but not in effect until another administrator "
            "checks them (Flagged statuses).",
        ),
        "admin.alloc.event.status_confirmed": both("复核确认日状态", "flagged status confirmed"),
        "admin.alloc.event.status_rejected": both("复核驳回日状态", "flagged status rejected"),
        "refusal.plausibility_limits": both(
            "单日异常变动须为 0–{most}%，盈亏容差须为 0–100%。",
            "The implausible move must be 0–{most} % and the profit tolerance 0–100 %.",
        ),
        "refusal.status_not_found": both(
            "配资 {allocation} 没有 {day} 第 {revision} 版的日状态。",
            "Allocation {allocation} has no status of {day} at revision {revision}.",
        ),
        "refusal.status_not_held": both(
            "{day} 第 {revision} 版的日状态不在待复核中（已处理，或无需复核）。",
            "The status of {day} (revision {revision}) is not waiting for a second administrator (it was "
            "decided, or never held).",
        ),
        "refusal.same_administrator": both(
            "录入或导入此日状态的管理员不能复核它，须由另一位管理员处理。",
            "You entered or imported this status; another administrator has to decide it.",
        ),
    }
)
