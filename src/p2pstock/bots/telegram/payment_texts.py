"""The texts of held payments in the administrators' bot, in Chinese and English (merged into
``texts.TEXTS``). Amounts arrive as text (``¥90.00``), times as local ``YYYY-MM-DD HH:MM``."""

from __future__ import annotations

from types import MappingProxyType

from p2pstock.bots.telegram.bilingual import Texts, both

PAYMENT_TEXTS: Texts = MappingProxyType(
    {
        "admin.queue.payments": both("💳 待处理支付", "💳 Payments to resolve"),
        "admin.payment.card": both(
            "充值订单 {id}\n客户：{customer}\n渠道：{provider}（交易 {transaction}）\n应付：{asked}\n"
            "渠道报告实付：{paid}\n下单时间：{at}",
            "Deposit order {id}\nCustomer: {customer}\nProvider: {provider} (transaction {transaction})\n"
            "Ordered: {asked}\nThe provider reports: {paid}\nOrdered at: {at}",
        ),
        "admin.payment.waiting": both(
            "已申请{outcome}（发起人 {maker}，原因：{reason}），等待另一位管理员复核（{approval}）。",
            "{outcome} asked for by {maker} ({reason}); waits for a second administrator ({approval}).",
        ),
        "admin.payment.credit": both("✅ 入账 {paid}", "✅ Credit {paid}"),
        "admin.payment.refund": both("↩️ 原路退款", "↩️ Refund"),
        "admin.payment.ask_reason.pay_cr": both(
            "请输入入账原因（复核人和审计记录可见），或发送 /cancel 取消：",
            "Type why this payment should be credited (the checker and the audit trail will read it),"
            " or send /cancel:",
        ),
        "admin.payment.ask_reason.pay_rf": both(
            "请输入退款原因（客户、复核人和审计记录可见），或发送 /cancel 取消：",
            "Type why this payment is refunded (the customer, the checker and the audit trail will read"
            " it), or send /cancel:",
        ),
        "admin.payment.asked": both(
            "订单 {id}：{outcome}申请已提交，需另一位管理员在复核队列中同意（{approval}）。",
            "Order {id}: {outcome} asked for; a second administrator must approve it ({approval}).",
        ),
        "admin.payment.credited": both("订单 {id}：已入账 {paid}。", "Order {id}: {paid} credited."),
        "admin.payment.refunded": both(
            "订单 {id}：已记录原路退款，未入账。", "Order {id}: the refund is recorded; nothing was credited."
        ),
        # -- refusals (the error table in errors.py) -------------------------------------------------
        "error.payment.waiting": both(
            "该订单已有另一项处理申请在等待复核，请先同意或驳回它。",
            "Another resolution of this order waits for a second administrator; approve or reject it first.",
        ),
        "error.payment.report_changed": both(
            "申请之后支付渠道再次报告了该订单，请驳回原申请后重新申请。",
            "The payment provider reported again on this order since this was asked for; reject the request"
            " and ask again.",
        ),
        "error.payment.cannot_credit": both(
            "渠道报告的币种与钱包不同，只能退款。",
            "The provider reports another currency than the wallets'; it can only be refunded.",
        ),
    }
)
"""Text key → language → text with ``{name}`` placeholders."""
