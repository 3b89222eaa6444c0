"""What the administrators who enter daily statuses are told of a status held as implausible
(``plausibility``, ``monitoring.tell_held``), in Chinese and English."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType


def _t(zh: str, en: str) -> Mapping[str, str]:
    return MappingProxyType({"zh": zh, "en": en})


FLAG_TEMPLATES: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        "allocation.status_held.staff": _t(
            "待复核：配资 {id} {day} 的日状态（{flag}），总资产 {previous} → {assets}（{move}），暂不生效。"
            "请另一位管理员在 /admin →「配资」→「待复核状态」确认或驳回。",
            "To check: allocation {id}'s status of {day} ({flag}): total assets {previous} → {assets} "
            "({move}); not in effect until another administrator confirms or rejects it (/admin → "
            "Allocations → Flagged statuses).",
        ),
        "allocation.status_held_line.staff": _t(
            "配资 {id} {day}：{flag}，{previous} → {assets}（{move}）",
            "allocation {id} {day}: {flag}, {previous} → {assets} ({move})",
        ),
        "allocation.held_digest.staff": _t(
            "待复核日状态 {count} 项，暂不生效{part}：",
            "{count} statuses wait for a second administrator, not in effect{part}:",
        ),
    }
)
