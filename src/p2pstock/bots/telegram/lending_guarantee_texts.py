"""The texts of the guarantee reserves and write-offs in the bot, administrators' and customers', in Chinese
and English (merged into ``texts.TEXTS``)."""

from __future__ import annotations

from types import MappingProxyType

from p2pstock.bots.telegram.bilingual import Texts, both

GUARANTEE_TEXTS: Texts = MappingProxyType(
    {
        # -- the reserves -----------------------------------------------------------------------------
        "admin.queue.reserve": both("🛡️ 风险准备金", "🛡️ Guarantee reserves"),
        "admin.reserve.title": both("风险准备金（按借款产品）：", "Guarantee reserves, by loan product:"),
        "admin.reserve.empty": both("还没有借款产品。", "There are no loan products yet."),
        "admin.reserve.line": both(
            "{name}（{product}，{guarantee}）：余额 {balance}；已垫付 {advanced}，已收回 {recovered}，"
            "待收回 {outstanding}；核销损失：风险准备金 {written_off}，出借人本金 {investors}",
            "{name} ({product}, {guarantee}): holds {balance}; advanced {advanced}, recovered {recovered}, "
            "still owed {outstanding}; lost to write-offs: the reserve {written_off}, investors' principal "
            "{investors}",
        ),
        "admin.reserve.days": both("逾期超过 {days} 天垫付", "advances past {days} days overdue"),
        "admin.reserve.none": both("不垫付", "no guarantee"),
        "admin.reserve.fund": both("➕ 注资 {product}", "➕ Fund {product}"),
        "admin.reserve.ask": both(
            "向产品 {product} 的风险准备金注资（平台自有资金）。请输入一行：金额（元）和编号，"
            "例如 10,000 2026-04-reserve。发送 /cancel 取消。",
            "Fund the guarantee reserve of product {product} from the platform's own money. Send one line: "
            "the amount (yuan) and a reference, e.g. 10,000 2026-04-reserve. Send /cancel to stop.",
        ),
        "admin.reserve.format": both(
            "格式不对：金额 编号（编号用字母、数字、-、_），例如 10,000 2026-04-reserve。",
            "That is not the format: amount reference (letters, digits, - and _), e.g. 10,000 "
            "2026-04-reserve.",
        ),
        "admin.reserve.confirm": both(
            "向产品 {product} 的风险准备金注资 {amount}（编号 {reference}）？",
            "Put {amount} into the guarantee reserve of product {product} ({reference})?",
        ),
        "admin.reserve.done": both(
            "已注资：产品 {product} 的风险准备金余额 {balance}。",
            "Done: the guarantee reserve of product {product} holds {balance}.",
        ),
        "admin.reserve.waiting": both(
            "注资 {amount} 需要另一位管理员复核（复核单 {approval}），复核通过后执行。",
            "Funding {amount} waits for a second administrator (approval {approval}); it is carried out once "
            "approved.",
        ),
        "reserve.table.product": both("产品", "product"),
        "reserve.table.days": both("垫付天数", "guarantee days"),
        "reserve.table.balance": both("余额", "balance"),
        "reserve.table.advanced": both("已垫付", "advanced"),
        "reserve.table.recovered": both("已收回", "recovered"),
        "reserve.table.outstanding": both("待收回", "still owed"),
        "reserve.table.written_off": both("核销损失", "lost to write-offs"),
        "reserve.table.investors": both("出借人核销损失", "investors' loss"),
        "admin.pd.field.guarantee_days": both(
            "平台垫付：逾期超过几天由风险准备金垫付，0 为不垫付，例如 3",
            "The guarantee: days overdue after which the guarantee reserve advances an installment, 0 for "
            "none, e.g. 3",
        ),
        "admin.pd.field.reserve_fee_share": both(
            "计提风险准备金：平台服务费的百分比，例如 20%",
            "The guarantee reserve's share of the platform's fees, e.g. 20%",
        ),
        # -- write-offs --------------------------------------------------------------------------------
        "admin.loan.write_off": both("🗑️ 核销", "🗑️ Write off"),
        "admin.write_off.ask_reason": both(
            "请输入核销该借款的理由（借款人和出借人会看到）。发送 /cancel 取消。",
            "Type why the loan is written off (the borrower and the investors read it). Send /cancel to "
            "stop.",
        ),
        "admin.write_off.waiting": both(
            "借款 {id} 的核销需要另一位管理员复核（复核单 {approval}），复核通过后执行。",
            "Writing off loan {id} waits for a second administrator (approval {approval}); it is carried out "
            "once approved.",
        ),
        "admin.write_off.done": both("借款 {id} 已核销。", "Loan {id} is written off."),
        "admin.approval.then.loan.write_off": both(
            "核销后：托管中待分配的 {paid_out} 先分给出借人；"
            "{investors} 位出借人未收回的本金 {lost} 计为损失，"
            "风险准备金未收回的垫付款 {reserve} 计为损失。最早未还的一期已逾期 {days} 天。理由：{reason}",
            "Once written off: the {paid_out} waiting in the escrow is paid to the investors first; the "
            "{lost} of principal {investors} investor(s) have not got back is their loss, the {reserve} of "
            "advances the guarantee reserve has not got back its loss. The oldest unpaid installment is "
            "{days} days overdue. Reason: {reason}",
        ),
        # -- what customers see -----------------------------------------------------------------------
        "loan.own.advanced": both(
            "（风险准备金已垫付，还款归还风险准备金）",
            " (advanced by the guarantee reserve: repay it to the reserve)",
        ),
        "loan.mine.advanced": both(
            " · 逾期期数已由风险准备金垫付", " · overdue installments advanced by the guarantee"
        ),
        "loan.mine.written_off": both(
            "借款 {id}：投资 {amount}，已核销；已回款 {received}，未收回本金 {lost}",
            "Loan {id}: {amount} invested, written off; received {received}, principal not got back {lost}",
        ),
        "loan.own.written_off": both(
            "该借款已核销，尚欠 {owed}；您的还款将返还出借人和风险准备金。",
            "This loan is written off and {owed} is still owed; what you repay goes to the investors and the "
            "guarantee reserve.",
        ),
    }
)
