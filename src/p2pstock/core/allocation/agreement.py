"""The allocation agreement (配资协议): what it says of an allocation once it is confirmed — the customer and
the platform, the deposit, the leverage and the capital lent, the term, the fees, the warning and
liquidation lines fixed at confirmation, and the clauses — as an ``Agreement`` an ``AgreementPrinter`` lays
out (``core.agreements``). The customer accepts the agreement's terms and the risk disclosure before a first
application (``papers.ALLOCATION_RISK``); the agreement with the allocation's own figures is made when the
lines are fixed.
"""

from __future__ import annotations

from datetime import date

from p2pstock.core.agreements import Agreement, Bilingual, Party, Template, id_number, masked_name
from p2pstock.core.allocation.allocations import Allocation
from p2pstock.core.allocation.products import fee_of
from p2pstock.core.money import Money
from p2pstock.core.names import name_of
from p2pstock.core.people.customers import Customer

ALLOCATION_AGREEMENT = Template(
    "allocation-agreement",
    1,
    ("配资协议", "Allocation Agreement"),
    (
        (
            "平台按本协议所列倍数向客户提供配资资金，与客户的保证金一并存入约定的证券子账户，"
            "由客户自主交易并自负盈亏。",
            "The platform lends the customer the capital listed here, at the leverage listed, into the "
            "agreed securities sub-account with the customer's deposit; the customer trades it and bears "
            "the result.",
        ),
        (
            "客户按约定周期支付配资管理费；逾期未付的，平台可从风险保证金中扣收，仍不足的可终止本协议。",
            "The customer pays the management fee each period; a fee unpaid may be taken from the risk "
            "fund, and the agreement may be ended when that is not enough.",
        ),
        (
            "账户总资产低于警戒线时客户应及时追加保证金；低于平仓线时平台有权平仓，"
            "平仓后不足部分由客户承担。",
            "When the account's total assets fall below the warning line the customer tops up the margin; "
            "below the liquidation line the platform may close the positions, and the customer owes any "
            "shortfall.",
        ),
        (
            "配资期满或客户申请终止时，经平台结算：先归还配资资金，再返还客户剩余资产；"
            "结算须经第二位管理员复核。",
            "At the end of the term or on the customer's request the platform settles: the capital lent is "
            "repaid first, then the rest returned to the customer; every settlement is checked by a second "
            "administrator.",
        ),
        (
            "股票投资有风险，可能损失全部保证金甚至更多；客户已阅读并确认《配资风险揭示书》。",
            "Trading shares carries risk: the customer may lose the whole deposit, and more; the customer "
            "has read and accepted the allocation risk disclosure.",
        ),
        (
            "本协议以电子形式订立，自平台确认之日起生效；中英文本如有不一致，以中文为准。",
            "This agreement is made electronically and takes effect on the day the platform confirms it; "
            "the Chinese text prevails over the English.",
        ),
    ),
)
CUSTOMER: Bilingual = ("客户（配资人）", "Customer")
PLATFORM: Bilingual = ("平台（出资方）", "Platform")


def allocation_agreement(
    allocation: Allocation, customer: Customer | None, *, brand: str, made_on: date, made_at: int
) -> Agreement:
    """The agreement of a confirmed allocation: the customer with their deposit, the platform with the
    capital it lends, and the terms the lines were fixed with."""
    parties = (
        Party(CUSTOMER, masked_name(customer), id_number(customer), allocation.deposit),
        Party(PLATFORM, brand, "—", allocation.allocated),
    )
    return Agreement(
        ALLOCATION_AGREEMENT,
        f"PZ-{allocation.id}",
        brand,
        made_on,
        made_at,
        parties,
        terms(allocation),
        (),
    )


_UNITS: dict[str, Bilingual] = {
    "daily": ("个交易日", "trading days"),
    "weekly": ("周", "weeks"),
    "monthly": ("个月", "months"),
}
"""A term's unit by mode."""


def terms(allocation: Allocation) -> tuple[tuple[Bilingual, str], ...]:
    product, mode = allocation.product, allocation.mode
    unit = _UNITS[mode.value]
    return (
        (("配资编号", "Allocation"), allocation.id),
        (("产品", "Product"), f"{product.name} ({product.code} v{product.version})"),
        (("计费方式", "Charged"), f"{name_of(mode, 'zh')} / {name_of(mode, 'en')}"),
        (("保证金", "Deposit"), str(Money(allocation.deposit))),
        (("倍数", "Leverage"), f"{allocation.leverage}"),
        (("配资资金", "Capital lent"), str(Money(allocation.allocated))),
        (("期限", "Term"), f"{allocation.term} {unit[0]} / {allocation.term} {unit[1]}"),
        (("每期管理费", "Fee a period"), str(Money(allocation.fee_per_period))),
        (("风险保证金", "Risk fund"), str(Money(fee_of(allocation.allocated, product.risk_fund_ppm)))),
        (("警戒线", "Warning line"), str(Money(allocation.warning_line))),
        (("平仓线", "Liquidation line"), str(Money(allocation.liquidation_line))),
    )
