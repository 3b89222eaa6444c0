"""What a customer is told when an expansion or a reduction of their allocation is approved
(``resize_requests``), in Chinese and English: the allocation's new deposit, B, lines and fee."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from p2pstock.core.bilingual import both

RESIZE_TEMPLATES: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        "allocation.resized": both(
            "配资 {id} 的{kind}申请已批准：保证金 {deposit}，配资金额 {allocated}，警戒线 {warning}，"
            "平仓线 {liquidation}，自下一期起管理费每期 {fee}。",
            "Your {kind} request on allocation {id} was approved: deposit {deposit}, allocated {allocated}, "
            "warning line {warning}, liquidation line {liquidation}; from the next period the management "
            "fee is {fee} a period.",
        ),
    }
)
