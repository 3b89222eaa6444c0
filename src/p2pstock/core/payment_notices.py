"""The texts a held (mismatched) payment sends the customer and the administrators who resolve it
(template key → language → text)."""

from __future__ import annotations

from collections.abc import Mapping

from p2pstock.core.bilingual import both

PAYMENT_TEMPLATES: Mapping[str, Mapping[str, str]] = {
    "payment.held": both(
        "充值订单 {order} 应付 {asked}，支付渠道报告实付 {paid}，金额不符，暂未入账。"
        "财务人员将核实后为您入账或原路退回，届时会通知您。",
        "Your deposit order {order} was for {asked}, but the payment provider reports {paid}. Nothing"
        " was credited yet: our finance team will check it and either credit it or return it to you,"
        " and tell you which.",
    ),
    "payment.held.staff": both(
        "⚠️ 充值订单 {order}（客户 {customer}，渠道 {provider}）应付 {asked}，渠道报告实付 {paid}，"
        "未入账。请在 /admin「待处理支付」中入账或退款（需两人复核）。",
        "⚠️ Deposit order {order} (customer {customer}, {provider}) was for {asked}; the provider reports"
        " {paid}. Nothing was credited. Credit or refund it from /admin → payments to resolve (four eyes).",
    ),
    "payment.refunded": both(
        "充值订单 {order} 的付款 {paid} 将由支付渠道原路退回，未入账到您的钱包。原因：{reason}。",
        "The payment of {paid} for deposit order {order} is being returned to you through the payment"
        " provider; it was not credited to your wallet. Reason: {reason}.",
    ),
}
