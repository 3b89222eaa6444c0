"""The texts of debt transfer (债权转让) in the bot, in Chinese and English (merged into ``texts.TEXTS``).
Amounts arrive as ``Money``, rates and shares of the principal as text such as ``12.00%``, times as text."""

from __future__ import annotations

from types import MappingProxyType

from p2pstock.bots.telegram.bilingual import Texts, both

TRANSFER_TEXTS: Texts = MappingProxyType(
    {
        "menu.transfers": both("💱 债权转让", "💱 Debt transfers"),
        # -- the transfer hall -------------------------------------------------------------------------
        "loan.transfer.hall.title": both("💱 债权转让（第 {page} 页）", "💱 Debt transfers (page {page})"),
        "loan.transfer.hall.empty": both("暂无可购买的债权。", "No holdings are for sale right now."),
        "loan.transfer.line": both(
            "转让单 {listing}：借款 {id}（年化 {rate}），剩余本金 {left}，价格 {price}（{premium}），"
            "约年化收益 {returns}，剩余 {installments} 期，{expires} 截止",
            "Sale {listing}: loan {id} at {rate}, {left} of principal for {price} ({premium}), yield about "
            "{returns}, {installments} installments left, until {expires}",
        ),
        "loan.transfer.par": both("平价", "at par"),
        "loan.transfer.discount": both("折让 {share}", "{share} off"),
        "loan.transfer.premium": both("溢价 {share}", "{share} premium"),
        "loan.transfer.buy.button": both("买入 {listing}", "Buy {listing}"),
        "loan.transfer.mine.button": both("📋 我的转让", "📋 My sales"),
        # -- buying ------------------------------------------------------------------------------------
        "loan.transfer.buy.ask": both(
            "请输入要购买的转让单 {listing} 的本金（{low} 至 {high}，按 {step} 递增）：",
            "How much of the principal of sale {listing} do you want to buy? ({low} to {high}, in steps "
            "of {step})",
        ),
        "loan.transfer.closed": both("转让单 {listing} 已结束。", "Sale {listing} is no longer open."),
        "loan.transfer.buy.confirm": both(
            "购买借款 {id} 的债权：本金 {principal}，支付 {price}（含应计利息及折让或溢价）。"
            "剩余 {installments} 期，下一期回款起按本金分得本息。",
            "Buy {principal} of the principal of loan {id} for {price} (interest accrued and the discount "
            "or premium included). {installments} installments are left; from the next one you receive "
            "your share.",
        ),
        "loan.transfer.buy.ok": both("✅ 确认购买", "✅ Buy"),
        "loan.transfer.done.buy": both(
            "✅ 已购买借款 {id} 的债权本金 {principal}，支付 {price}。",
            "✅ You bought {principal} of the principal of loan {id} for {price}.",
        ),
        # -- selling -----------------------------------------------------------------------------------
        "loan.transfer.sell.button": both("💱 转让 {id}", "💱 Sell {id}"),
        "loan.transfer.sell.ask": both(
            "您持有借款 {id} 的待收本金 {most}。请输入要转让的本金（¥0.01 至 {most}）：",
            "You hold {most} of the principal of loan {id}. How much of it do you want to sell? "
            "(¥0.01 to {most})",
        ),
        "loan.transfer.premium.ask": both(
            "请输入折让或溢价，占本金的百分比（最多 {most}）：例如 -1.5 为折让 1.5%，0 为平价，1 为溢价 1%。",
            "Type a discount or premium as a share of the principal (at most {most}): -1.5 for 1.5% off, 0 "
            "for none, 1 for a 1% premium.",
        ),
        "loan.transfer.premium.bad": both(
            "请输入百分比数字，例如 -1.5、0 或 1：", "Type a percentage such as -1.5, 0 or 1:"
        ),
        "loan.transfer.sell.confirm": both(
            "转让借款 {id} 的债权本金 {principal}：应计利息 {accrued}，{premium}，转让价格 {price}；"
            "转让手续费 {fee}（由您支付），全部售出后到账 {proceeds}。挂出期间未售出的本金仍归您持有。",
            "Sell {principal} of the principal of loan {id}: interest accrued {accrued}, {premium}, price "
            "{price}; the transfer fee of {fee} is yours to pay, so {proceeds} reaches you once all is "
            "sold. What is not sold stays yours.",
        ),
        "loan.transfer.sell.ok": both("✅ 确认挂出", "✅ List it"),
        "loan.transfer.done.sell": both(
            "✅ 已挂出转让单 {listing}：借款 {id}，本金 {principal}，价格 {price}，{expires} 截止。",
            "✅ Sale {listing} is listed: {principal} of loan {id} for {price}, until {expires}.",
        ),
        # -- the customer's own sales ------------------------------------------------------------------
        "loan.transfer.mine.title": both("📋 我的转让", "📋 Your sales"),
        "loan.transfer.mine.empty": both("您还没有转让过债权。", "You have not sold any holding yet."),
        "loan.transfer.mine.line": both(
            "转让单 {listing}：借款 {id}，本金 {principal}，已售 {sold}，价格 {price}，{status}",
            "Sale {listing}: loan {id}, {principal} of principal, {sold} sold, price {price}, {status}",
        ),
        "loan.transfer.open_until": both("挂出中，{expires} 截止", "open until {expires}"),
        "loan.transfer.cancel.button": both("↩️ 撤回 {listing}", "↩️ Cancel {listing}"),
        "loan.transfer.cancelled": both(
            "已撤回转让单 {listing}，未售出的本金 {left} 仍归您持有。",
            "Sale {listing} is cancelled; the {left} of principal not sold stays yours.",
        ),
    }
)
