"""The glossary: what p2pstock calls each thing a person reads, once per language.

- ``name_of(member, lang)``: the name of an enum member shown to a person (a status, a request kind, a
  product mode, a permission …). ``render`` (notifications) and the bot's ``text`` show every enum value
  they are given by this name, so no ``in_progress`` or ``termination`` reaches a reader.
- ``code_name(family, code, lang)``: the name of a code kept as text: a ledger code (``ledger``), an
  overdue bucket (``bucket``), a role shipped with p2pstock (``role``; a custom role is shown by the name
  it was given), an action waiting for a second administrator (``action``).
- ``CONCEPTS``: the one word of each concept per language, and ``SYNONYMS`` the words the texts must not
  use for it (a test reads every text against them), so that a reader meets one name for one thing.

Enums are named by where they are defined (``allocation.allocations.Status``), so that this module
imports none of them: they live in modules that render texts themselves. A test holds the table to the
enums: every key names an enum of core and every member of it.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Mapping
from types import MappingProxyType
from typing import NamedTuple

Names = tuple[str, str]
"""A name in Chinese and in English."""

LANGUAGES = ("zh", "en")

CONCEPTS: Mapping[str, Names] = MappingProxyType(
    {
        "allocation": ("配资", "allocation"),
        "deposit": ("保证金", "deposit"),
        "risk_fund": ("风险保证金", "risk fund"),
        "management_fee": ("管理费", "management fee"),
        "warning_line": ("警戒线", "warning line"),
        "liquidation_line": ("平仓线", "liquidation line"),
        "sub_account": ("子账户", "sub-account"),
        "capital_pool": ("资金池", "capital pool"),
        "full_review": ("满标复审", "full review"),
        "first_review": ("初审", "first review"),
        "four_eyes": ("复核", "second approval"),
        "repayment": ("还款", "repayment"),
        "interest": ("利息", "interest"),
        "penalty": ("罚息", "penalty interest"),
    }
)
"""Concept → its name; every text says the concept with this word."""

SYNONYMS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "warning_line": ("预警线", "alert line"),
        "risk_fund": ("风险金", "risk deposit"),
        "full_review": ("全面审核", "final funding review"),
        "liquidation_line": ("强平线", "止损线", "stop-out line"),
        "sub_account": ("子帐户", "sub account"),
    }
)
"""Concept → words that must not name it in any text (the concept's own word is in ``CONCEPTS``)."""


def name_of(member: enum.Enum, lang: str) -> str:
    """The name of ``member`` in ``lang`` (Chinese for a language without names); its value when the
    glossary does not name its enum (an embedder's own)."""
    names = ENUM_NAMES.get(enum_key(type(member)), {}).get(str(member.value))
    return _pick(names, lang) if names else str(member.value)


@functools.cache
def enum_key(kind: type[enum.Enum]) -> str:
    """Where ``kind`` is defined, as ``ENUM_NAMES`` names it (``allocation.allocations.Status``)."""
    return f"{kind.__module__.removeprefix('p2pstock.core.')}.{kind.__qualname__}"


def code_name(family: str, code: str, lang: str) -> str:
    """The name of ``code`` of ``family`` (``ledger``, ``bucket``, ``action``) in ``lang``; for a ledger
    code without a name of its own, the name of its prefix (``allocation.x`` → ``allocation``), else the
    family's name for any other (``""``); the code itself when nothing names it."""
    names = CODE_NAMES.get(family, {})
    found = names.get(code) or names.get(code.split(".", maxsplit=1)[0]) or names.get("")
    return _pick(found, lang) if found else code


def value_name(kind: type[enum.Enum], value: object, lang: str) -> str:
    """The name of the member of ``kind`` whose value is ``value`` (as stored in an event or a callback),
    or ``value`` itself when ``kind`` has no such member."""
    try:
        return name_of(kind(value), lang)
    except ValueError:
        return str(value)


class Phrase(NamedTuple):
    """A text given in both languages by a person (a product's own alert message): shown in the reader's."""

    zh: str
    en: str


def shown(value: object, lang: str) -> object:
    """``value`` as a text shows it: an enum member by its name, a ``Phrase`` in ``lang``, anything else as
    it is."""
    if isinstance(value, Phrase):
        return _pick(value, lang)
    return name_of(value, lang) if isinstance(value, enum.Enum) else value


def _pick(names: Names, lang: str) -> str:
    return names[1] if lang == "en" else names[0]


CODE_NAMES: Mapping[str, Mapping[str, Names]] = MappingProxyType(
    {
        "ledger": MappingProxyType(
            {
                "": ("其他", "other"),
                "deposit": ("充值", "deposit"),
                "withdrawal": ("提现", "withdrawal"),
                "fee": ("手续费", "fee"),
                "interest": ("利息", "interest"),
                "investment": ("投资", "investment"),
                "repayment": ("还款", "repayment"),
                "allocation": ("配资", "allocation"),
                "allocation.deposit": ("配资保证金", "allocation deposit"),
                "allocation.risk_fund": ("配资风险保证金", "allocation risk fund"),
                "allocation.fee": ("配资管理费", "management fee"),
                "allocation.prepaid_fee": ("预付配资管理费", "prepaid management fee"),
                "allocation.top_up": ("追加保证金", "margin top-up"),
                "allocation.extension": ("配资续期管理费", "extension fees"),
                "allocation.capital": ("配资资金", "allocation capital"),
                "allocation.profit": ("提取盈利", "profit withdrawal"),
                "allocation.result": ("配资盈亏", "allocation profit or loss"),
                "allocation.payout": ("配资结算返还", "settlement payout"),
                "allocation.shortfall": ("配资穿仓", "allocation shortfall"),
                "allocation.refund": ("未用管理费退还", "unused fees refunded"),
                "capital": ("资金池", "capital pool"),
                "loan": ("借贷", "lending"),
                "loan.investment": ("投资", "investment"),
                "loan.disbursement": ("借款到账", "loan disbursed"),
                "loan.listing_fee": ("借款服务费", "listing fee"),
                "loan.repayment": ("还款", "repayment"),
                "loan.principal": ("回款本金", "principal received"),
                "loan.interest": ("回款利息", "interest received"),
                "loan.penalty": ("回款罚息", "penalty interest received"),
                "loan.interest_fee": ("利息管理费", "interest fee"),
                "loan.early_fee": ("提前还款费", "early repayment fee"),
                "loan.reserve_fee": ("计提风险准备金", "guarantee reserve share of fees"),
                "loan.reserve_funding": ("风险准备金注资", "guarantee reserve funding"),
                "loan.advance": ("风险准备金垫付", "guarantee advance"),
                "loan.advance_recovery": ("垫付款收回", "guarantee advance recovered"),
                "loan.recovery": ("核销后追回", "recovered after write-off"),
                "loan.transfer": ("债权转让", "debt transfer"),
                "loan.transfer_fee": ("债权转让手续费", "debt transfer fee"),
            }
        ),
        "bucket": MappingProxyType(
            {
                "current": ("正常", "current"),
                "M1": ("逾期 M1", "overdue M1"),
                "M2": ("逾期 M2", "overdue M2"),
                "M3": ("逾期 M3", "overdue M3"),
                "M3+": ("逾期 M3+", "overdue M3+"),
            }
        ),
        "role": MappingProxyType(
            {
                "super_admin": ("超级管理员", "super administrator"),
                "reviewer": ("审核员", "reviewer"),
                "risk_officer": ("风控专员", "risk officer"),
                "finance": ("财务", "finance"),
                "support": ("客服", "support"),
            }
        ),
        "action": MappingProxyType(
            {
                "withdrawal.approve": ("批准提现", "approve a withdrawal"),
                "allocation.settle": ("配资结算", "settle an allocation"),
                "capital.move": ("资金池调拨", "move capital-pool funds"),
                "payment.credit": ("支付异常入账", "credit a mismatched payment"),
                "payment.refund": ("支付异常退款", "refund a mismatched payment"),
                "admin.appoint": ("任命管理员", "appoint an administrator"),
                "admin.roles": ("变更管理员角色", "change an administrator's roles"),
                "admin.deactivate": ("停用管理员", "deactivate an administrator"),
                "role.define": ("定义角色", "define a role"),
                "loan.write_off": ("借款核销", "write off a loan"),
                "loan.reserve_fund": ("风险准备金注资", "fund a guarantee reserve"),
            }
        ),
    }
)
"""Family → code → its name."""


def _names(**members: Names) -> Mapping[str, Names]:
    return MappingProxyType(members)


ENUM_NAMES: Mapping[str, Mapping[str, Names]] = MappingProxyType(
    {
        "allocation.allocations.Status": _names(
            applied=("待支付", "awaiting payment"),
            partially_paid=("部分支付，待补缴", "partly paid, to make up"),
            under_review=("待审核", "under review"),
            confirmed=("已确认，待分配子账户", "confirmed, awaiting its sub-account"),
            in_progress=("交易中", "in progress"),
            settled=("已结算", "settled"),
            rejected=("未通过审核", "rejected"),
            cancelled=("已撤销", "cancelled"),
        ),
        "allocation.allocations.Risk": _names(
            normal=("正常", "normal"),
            warning=("已触及警戒线", "at the warning line"),
            liquidation=("已触及平仓线", "at the liquidation line"),
        ),
        "allocation.allocations.CallOutcome": _names(
            confirmed=("客户已确认", "confirmed by the customer"),
            no_answer=("无人接听", "no answer"),
            declined=("客户拒绝", "declined by the customer"),
        ),
        "allocation.desk.ShortfallPolicy": _names(
            receivable=("记为客户欠款", "owed by the customer"),
            loss=("平台承担", "borne by the platform"),
        ),
        "allocation.products.Mode": _names(
            daily=("按天", "daily"), monthly=("按月", "monthly"), weekly=("按周", "weekly")
        ),
        "allocation.renewals.Unrenewed": _names(
            not_opted_in=("未开启自动续期", "automatic renewal not chosen"),
            balance_short=("余额不足以续期", "balance short of the next fee"),
            term_max=("已达最长期限", "longest term reached"),
        ),
        "allocation.products.Component": _names(
            deposit=("保证金", "deposit"),
            risk_fund=("风险保证金", "risk fund"),
            prepaid_fee=("预付管理费", "prepaid fee"),
        ),
        "allocation.products.RefundPolicy": _names(
            none=("不退还", "no refund"), unused_periods=("退还未用期数", "unused periods refunded")
        ),
        "allocation.side_requests.Kind": _names(
            top_up=("追加保证金", "margin top-up"),
            extension=("续期", "extension"),
            profit=("提取盈利", "profit withdrawal"),
            termination=("终止配资", "termination"),
            expansion=("扩大配资", "expansion"),
            reduction=("缩小配资", "reduction"),
        ),
        "allocation.side_requests.RequestStatus": _names(
            pending=("待审核", "pending"), approved=("已批准", "approved"), rejected=("已驳回", "rejected")
        ),
        "allocation.ladder.Audience": _names(
            customer=("客户", "the customer"),
            risk_officers=("风控人员", "the risk officers"),
            both=("客户和风控人员", "the customer and the risk officers"),
        ),
        "allocation.statuses.Source": _names(
            manual=("手工录入", "typed in"), csv=("对账单导入", "statement")
        ),
        "allocation.statuses.Flag": _names(
            jump=("单日变动过大", "moved too far in a day"),
            pnl_mismatch=("与上日资产加当日盈亏不符", "off the day before plus its profit or loss"),
        ),
        "allocation.statuses.Review": _names(
            **{"": ("无需复核", "not held")},
            held=("待复核", "waiting for a second administrator"),
            confirmed=("已复核确认", "confirmed by a second administrator"),
            rejected=("复核驳回", "rejected by a second administrator"),
        ),
        "lending.loans.LoanStatus": _names(
            applied=("待初审", "awaiting first review"),
            first_reviewed=("待终审", "awaiting final review"),
            listed=("招标中", "open for bidding"),
            full=("已满标，待满标复审", "fully funded, awaiting full review"),
            repaying=("还款中", "being repaid"),
            repaid=("已结清", "repaid"),
            rejected=("审核未通过", "rejected"),
            withdrawn=("已撤回", "withdrawn"),
            failed=("流标", "not funded in time"),
            refused=("满标复审未通过", "refused at full review"),
            written_off=("已核销", "written off"),
        ),
        "lending.loans.InvestmentStatus": _names(
            frozen=("冻结中", "frozen"),
            holding=("持有中", "holding"),
            released=("已解冻", "released"),
            written_off=("已核销", "written off"),
        ),
        "lending.debt_transfer.ListingStatus": _names(
            open=("挂出中", "open"),
            sold=("已全部售出", "sold"),
            cancelled=("已撤回", "cancelled"),
            expired=("已到期", "ended"),
        ),
        "lending.schedules.Method": _names(
            equal_installments=("等额本息", "equal installments"),
            equal_principal=("等额本金", "equal principal"),
            interest_only=("先息后本", "interest monthly, principal at maturity"),
            bullet=("到期还本付息", "all at maturity"),
        ),
        "ledger.entries.EntryKind": _names(
            posted=("完成", "completed"),
            pending=("冻结", "frozen"),
            post=("完成", "completed"),
            void=("解冻", "released"),
            expire=("到期解冻", "expired, released"),
        ),
        "notifications.Channel": _names(
            sms=("短信", "SMS"), telegram=("Telegram", "Telegram"), email=("邮件", "email")
        ),
        "notifications.DeliveryStatus": _names(
            pending=("待发送", "pending"), sent=("已发送", "sent"), failed=("发送失败", "failed")
        ),
        "payments.OrderStatus": _names(
            created=("待支付", "created"),
            paid=("已支付", "paid"),
            mismatched=("金额不符，待处理", "mismatched, to resolve"),
            credited=("已入账", "credited"),
            refunded=("已退款", "refunded"),
        ),
        "payments.Resolution": _names(credit=("入账", "Credit"), refund=("退款", "Refund")),
        "people.customers.KycStatus": _names(
            registered=("已注册，待验证手机", "registered, phone not verified yet"),
            phone_verified=("手机已验证，待实名认证", "phone verified, identity not submitted yet"),
            identity_submitted=("实名信息审核中", "identity under review"),
            verified=("已完成认证", "verified"),
            rejected=("未通过审核", "rejected"),
        ),
        "people.documents.DocumentKind": _names(
            id_card_front=("身份证正面", "ID card (front)"),
            id_card_back=("身份证反面", "ID card (back)"),
            house_certificate=("房产证", "House certificate"),
            bank_statement=("银行流水", "Bank statement"),
            other=("其他材料", "Other"),
        ),
        "people.documents.ReviewStatus": _names(
            pending=("待审核", "pending review"),
            accepted=("已通过", "accepted"),
            rejected=("未通过", "rejected"),
        ),
        "people.four_eyes.ApprovalStatus": _names(
            pending=("待复核", "pending"),
            approved=("已同意", "approved"),
            rejected=("已驳回", "rejected"),
            expired=("已过期", "expired"),
        ),
        "people.permissions.Permission": MappingProxyType(
            {
                "kyc.review": ("实名审核", "Identities"),
                "document.review": ("材料审核", "Documents"),
                "withdrawal.approve": ("提现审批", "Withdrawals"),
                "allocation.review": ("配资审核", "Allocation review"),
                "allocation.assign_account": ("配资账户分配", "Allocation accounts"),
                "allocation.daily_status": ("配资日状态", "Allocation daily status"),
                "allocation.settle": ("配资结算", "Allocation settlement"),
                "loan.review": ("借款审核", "Loan review"),
                "loan.full_review": ("满标复审", "Loan full review"),
                "capital.manage": ("资金管理", "Capital"),
                "role.manage": ("角色管理", "Roles"),
                "stats.view": ("查看统计", "Statistics"),
                "audit.view": ("审计日志", "Audit trail"),
                "product.manage": ("产品管理", "Products"),
                "calendar.manage": ("交易日历", "Trading calendar"),
                "payment.resolve": ("支付异常处理", "Mismatched payments"),
                "customer.view": ("客户查询", "Customer look-up"),
                "dashboard.view": ("运营看板", "Dashboard"),
                "loan.write_off": ("借款核销", "Loan write-off"),
            }
        ),
        "ledger.activity.Outcome": _names(
            done=("已完成", "done"),
            held=("冻结中", "frozen"),
            taken=("已扣划", "taken"),
            partly=("部分扣划", "partly taken"),
            released=("已解冻退回", "released"),
            expired=("到期解冻", "expired, released"),
        ),
        "wallet.withdrawals.WithdrawalStatus": _names(
            pending=("待审核", "pending"), approved=("已批准", "approved"), rejected=("已驳回", "rejected")
        ),
    }
)
"""Where an enum is defined → its value → its name. Enums no person reads (ledger results and flags, the
audit trail's faults, content types) are not here."""
