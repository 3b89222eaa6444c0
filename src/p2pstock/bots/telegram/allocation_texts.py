"""The texts of a customer's allocation (配资) flows, in Chinese and English (merged into ``texts.TEXTS``).

Amounts arrive as ``Money`` (shown like ¥1,000.00), dates as ISO text, times as ``YYYY-MM-DD HH:MM`` in the
platform's time zone (Asia/Shanghai). The names of statuses, risk states, components, modes and request
kinds are texts of their own (``alloc.status.<value>`` …), filled into the sentences that mention them.
"""

from __future__ import annotations

from types import MappingProxyType

from p2pstock.bots.telegram.bilingual import Texts, both

ALLOCATION_TEXTS: Texts = MappingProxyType(
    {
        "menu.allocate": both("📈 申请配资", "📈 Apply for an allocation"),
        "menu.allocations": both("📊 我的配资", "📊 My allocations"),
        # -- names -----------------------------------------------------------------------------------
        "alloc.per.daily": both("交易日", "trading day"),
        "alloc.per.monthly": both("月", "month"),
        "alloc.per.weekly": both("周", "week"),
        "alloc.unit.daily": both("个交易日", "trading days"),
        "alloc.unit.monthly": both("个月", "months"),
        "alloc.unit.weekly": both("周", "weeks"),
        "alloc.risk.normal": both("正常", "normal"),
        "alloc.risk.warning": both("⚠️ 已触及警戒线", "⚠️ at the warning line"),
        "alloc.risk.liquidation": both("⛔ 已触及平仓线", "⛔ at the liquidation line"),
        # -- the rate table --------------------------------------------------------------------------
        "alloc.table.title": both("📈 配资产品与费率", "📈 Allocation products and rates"),
        "alloc.table.empty": both(
            "目前没有可申请的配资产品，请稍后再来。",
            "No allocation product is on offer right now; please come back later.",
        ),
        "alloc.table.product": both(
            "【{name}】{mode}\n"
            "· 杠杆与费率：{rates}\n"
            "· 保证金：{low} – {high}，按 {step} 递增\n"
            "· 期限：{term_min}–{term_max} {unit}\n"
            "· 警戒线 = B + {warning} % × D，平仓线 = B + {liquidation} % × D",
            "【{name}】 {mode}\n"
            "· Leverage and rate: {rates}\n"
            "· Deposit: {low} – {high}, in steps of {step}\n"
            "· Term: {term_min}–{term_max} {unit}\n"
            "· Warning line = B + {warning} % × D, liquidation line = B + {liquidation} % × D",
        ),
        "alloc.table.rate": both("{leverage} 倍 {rate} %/{per}", "{leverage}× {rate} % per {per}"),
        "alloc.table.risk_fund": both("· 风险保证金：B 的 {rate} %", "· Risk fund: {rate} % of B"),
        "alloc.table.prepaid": both(
            "· 申请时预付 {periods} 期费用", "· The fees of the first {periods} period(s) are paid upfront"
        ),
        "alloc.table.trial": both(
            "· 🎁 免息体验：不收管理费，每位客户限体验一次",
            "· 🎁 Free trial: no fees, once per customer",
        ),
        "alloc.table.trial_button": both("🎁 免息体验 · {name}", "🎁 Free trial · {name}"),
        "alloc.table.deadline": both(
            "· 申请后须在 {minutes} 分钟内付清", "· Pay within {minutes} minutes of applying"
        ),
        "alloc.table.legend": both(
            "D 为保证金，B = D × 杠杆 为配资金额。请选择产品：",
            "D is your deposit, B = D × leverage the allocated funds. Choose a product:",
        ),
        "alloc.product.gone": both(
            "该产品已不再提供或已更新，请重新查看费率表（/allocate）。",
            "That product is no longer offered or has changed; please look at the rates again (/allocate).",
        ),
        "alloc.leverage.choose": both("【{name}】请选择杠杆倍数：", "【{name}】 Choose the leverage:"),
        "alloc.leverage.button": both("{leverage} 倍 · {rate} %/{per}", "{leverage}× · {rate} % per {per}"),
        # -- applying --------------------------------------------------------------------------------
        "alloc.deposit.ask": both(
            "【{name}】杠杆 {leverage} 倍。\n请输入保证金金额（{low} – {high}，按 {step} 递增）：",
            "【{name}】 leverage {leverage}×.\nHow much deposit? ({low} – {high}, in steps of {step})",
        ),
        "alloc.deposit.bad": both(
            "保证金须在 {low} 至 {high} 之间，并按 {step} 递增。请重新输入，或发送 /cancel 取消：",
            "The deposit must be between {low} and {high}, in steps of {step}. Please type it again,"
            " or send /cancel:",
        ),
        "alloc.term.ask": both(
            "保证金 {deposit}。请输入期限（{low}–{high} {unit}）：",
            "Deposit {deposit}. How long? ({low}–{high} {unit})",
        ),
        "alloc.term.bad": both(
            "期限须为 {low} 到 {high} 之间的整数（{unit}）。请重新输入，或发送 /cancel 取消：",
            "The term is a whole number from {low} to {high} ({unit}). Please type it again, or send"
            " /cancel:",
        ),
        "alloc.draft.lost": both(
            "申请信息已失效，请重新选择产品（/allocate）。",
            "That application was lost; please choose a product again (/allocate).",
        ),
        "alloc.quote": both(
            "📝 配资报价 · {name}（{mode}）\n"
            "保证金 D {deposit} × {leverage} 倍 = 配资金额 B {allocated}\n"
            "期限 {term} {unit}\n"
            "警戒线 {warning} · 平仓线 {liquidation}\n"
            "费用 {fee}/{per}\n"
            "应付款项：\n{due}\n"
            "合计 {total}。申请后请在 {minutes} 分钟内付清，各项支付后即冻结在您的钱包中。",
            "📝 Your quote · {name} ({mode})\n"
            "Deposit D {deposit} × {leverage} = allocated funds B {allocated}\n"
            "Term {term} {unit}\n"
            "Warning line {warning} · liquidation line {liquidation}\n"
            "Fee {fee} per {per}\n"
            "To pay:\n{due}\n"
            "Total {total}. Pay it within {minutes} minutes of applying; each part is frozen in your"
            " wallet as you pay it.",
        ),
        "alloc.quote.due": both("· {component}：{amount}", "· {component}: {amount}"),
        "alloc.quote.short": both(
            "钱包可用 {available}，还差 {short}：请在付款期限内充值，也可先申请、分项补缴。",
            "Your wallet has {available} available, {short} short: deposit it before the payment"
            " deadline (you may apply now and pay each part as you can).",
        ),
        "alloc.apply.button": both("✅ 确认申请", "✅ Apply"),
        "alloc.verify_first": both(
            "申请配资前须完成实名认证。请先验证手机、提交实名信息和身份证照片，审核通过后即可申请。",
            "Please verify your identity before applying for an allocation: verify your phone, submit"
            " your identity and your ID card photos; once they are accepted you can apply.",
        ),
        "alloc.applied": both(
            "✅ 配资申请已提交。请逐项支付下列款项（补缴）：",
            "✅ Your application is in. Pay each part below (make-up):",
        ),
        # -- my allocations --------------------------------------------------------------------------
        "alloc.list.title": both("📊 我的配资（第 {page} 页）", "📊 My allocations (page {page})"),
        "alloc.list.empty": both(
            "您还没有配资。点击下方按钮查看产品并申请：",
            "You have no allocation yet. Tap below to see the products and apply:",
        ),
        "alloc.list.line": both(
            "{number}. {id} · {name} · B {allocated} · {status}",
            "{number}. {id} · {name} · B {allocated} · {status}",
        ),
        "alloc.list.button": both("{id} · {status}", "{id} · {status}"),
        "alloc.detail.title": both("📊 配资 {id} · {name}（{mode}）", "📊 Allocation {id} · {name} ({mode})"),
        "alloc.detail.status": both("状态：{status}", "Status: {status}"),
        "alloc.detail.trial": both("🎁 免息体验：不收管理费", "🎁 Free trial: no fees"),
        "alloc.detail.risk": both("风险状态：{risk}", "Risk: {risk}"),
        "alloc.detail.overdue": both("⚠️ 费用逾期未缴：{amount}", "⚠️ Fees overdue: {amount}"),
        "alloc.detail.funds": both(
            "保证金 D {deposit} × {leverage} 倍 = 配资金额 B {allocated}",
            "Deposit D {deposit} × {leverage} = allocated funds B {allocated}",
        ),
        "alloc.detail.term": both(
            "期限 {term} {unit} · 费用 {fee}/{per}", "Term {term} {unit} · fee {fee} per {per}"
        ),
        "alloc.detail.dates": both("起止日期：{start} 至 {end}", "From {start} to {end}"),
        "alloc.detail.sub_account": both("交易子账户：{sub_account}", "Trading sub-account: {sub_account}"),
        "alloc.detail.lines": both(
            "警戒线 {warning} · 平仓线 {liquidation}",
            "Warning line {warning} · liquidation line {liquidation}",
        ),
        "alloc.detail.assets": both("最新总资产 {assets}（{day}）", "Latest total assets {assets} ({day})"),
        "alloc.detail.ratio": both("风险率 R = {ratio} %", "Risk ratio R = {ratio} %"),
        "alloc.detail.fees": both("已缴费用 {paid} · 未缴 {unpaid}", "Fees paid {paid} · unpaid {unpaid}"),
        "alloc.detail.risk_fund": both("风险保证金余额 {amount}", "Risk fund left {amount}"),
        "alloc.detail.extras": both(
            "追加保证金 {top_ups} · 已提取盈利 {profit}", "Top-ups {top_ups} · profit withdrawn {profit}"
        ),
        "alloc.detail.expired": both(
            "⏰ {end} 到期未续：请在 {settle_by} 前结算，其间不收管理费。",
            "⏰ The term ended on {end} without renewal: it is to be settled by {settle_by}, with no fee "
            "meanwhile.",
        ),
        "alloc.detail.auto_renew": both(
            "🔁 已开启自动续期：到期时从余额（不足时从风险保证金）扣下一期管理费并续期一期。",
            "🔁 Automatic renewal is on: at the end of the term the next period's fee is taken from the "
            "wallet (then the risk fund) and the term grows by a period.",
        ),
        "alloc.detail.terminating": both(
            "🛑 终止申请已批准，等待结算。",
            "🛑 The termination was approved; the allocation awaits settlement.",
        ),
        "alloc.detail.due_title": both("应付款项（请于 {deadline} 前付清）：", "To pay (by {deadline}):"),
        "alloc.detail.due_paid": both("· {component} {amount} ✅ 已付", "· {component} {amount} ✅ paid"),
        "alloc.detail.due_open": both("· {component} {amount} ⏳ 待付", "· {component} {amount} ⏳ to pay"),
        "alloc.detail.due_total": both("合计 {total}，已付 {paid}", "Total {total}, paid {paid}"),
        "alloc.detail.settlement": both(
            "结算：最终总资产 {final}，返还给您 {payout}（收取费用 {fees}，风险保证金抵扣 {from_fund}，"
            "退还预付费用 {refund}）",
            "Settlement: final assets {final}, paid to you {payout} (fees collected {fees}, taken from the"
            " risk fund {from_fund}, prepaid fees refunded {refund})",
        ),
        "alloc.detail.receivable": both("穿仓欠款（需您偿还）：{amount}", "Shortfall you owe: {amount}"),
        "alloc.detail.loss": both(
            "穿仓部分由平台承担：{amount}", "Shortfall borne by the platform: {amount}"
        ),
        "alloc.button.pay": both("💳 补缴{component} {amount}", "💳 Pay the {component} {amount}"),
        "alloc.button.cancel": both("✖️ 撤销申请", "✖️ Cancel the application"),
        "alloc.button.password": both("🔑 查看交易密码", "🔑 Show the password"),
        "alloc.button.chart": both("📈 资产走势", "📈 Chart"),
        "alloc.button.timeline": both("🕘 配资动态", "🕘 Timeline"),
        "alloc.button.top_up": both("➕ 追加保证金", "➕ Top up"),
        "alloc.button.extension": both("⏩ 续期", "⏩ Extend"),
        "alloc.button.profit": both("💴 提取盈利", "💴 Withdraw profit"),
        "alloc.button.termination": both("🛑 申请终止", "🛑 End it"),
        "expired.none": both("没有到期未续的配资。", "No allocation's term ended without renewal."),
        "expired.title": both(
            "到期未续的配资 {count} 笔（最早须结算的在前）：",
            "{count} allocations whose term ended without renewal (the earliest to settle first):",
        ),
        "expired.line": both(
            "· {id}｜客户 {customer}｜配资资金 {allocated}｜{end} 到期，须于 {settle_by} 前结算",
            "· {id} | customer {customer} | allocated {allocated} | ended {end}, to be settled by "
            "{settle_by}",
        ),
        "expired.late": both(
            "· {id}｜客户 {customer}｜配资资金 {allocated}｜{end} 到期，已超过结算期限 {settle_by}",
            "· {id} | customer {customer} | allocated {allocated} | ended {end}, settlement late since "
            "{settle_by}",
        ),
        "alloc.button.auto_renew_on": both("🔁 开启自动续期", "🔁 Renew automatically"),
        "alloc.button.auto_renew_off": both("⏹ 关闭自动续期", "⏹ Stop renewing"),
        "alloc.auto_renew.on": both(
            "已开启自动续期：到期时余额（或风险保证金）足够支付下一期管理费即自动续期一期。",
            "Automatic renewal is on: at the end of the term, when the wallet (or the risk fund) pays the "
            "next period's fee, the allocation renews for one more period.",
        ),
        "alloc.auto_renew.off": both(
            "已关闭自动续期：到期后请结算或在到期日前申请展期。",
            "Automatic renewal is off: at the end of the term the allocation is settled, unless you ask for "
            "an extension by its last day.",
        ),
        "alloc.button.refresh": both("🔄 刷新", "🔄 Refresh"),
        "alloc.button.list": both("◀ 我的配资", "◀ My allocations"),
        "alloc.cancelled": both(
            "申请已撤销，已支付的款项均已解冻。", "The application is cancelled; everything paid is released."
        ),
        # -- password, chart, timeline ---------------------------------------------------------------
        "alloc.password.show": both(
            "配资 {id} 子账户 {sub_account} 的交易密码：{password}",
            "The password of sub-account {sub_account} (allocation {id}): {password}",
        ),
        "alloc.password.keep_safe": both(
            "⚠️ 此密码只显示这一次。请立即登录交易软件修改密码，妥善保管，不要告诉任何人，并删除上面的消息。",
            "⚠️ This password is shown only this once. Log in to the trading app and change it now, keep it"
            " to yourself, and delete the message above.",
        ),
        "alloc.password.on_its_way": both(
            "交易密码正在发送，请稍候查看对话中的消息。",
            "The password is on its way; look for it in this chat in a moment.",
        ),
        "alloc.password.not_sent": both(
            "交易密码未能发出，因此未计为已查看。请稍后再点一次“查看交易密码”。",
            "The password could not be sent, so it does not count as shown. Tap “Show the password”"
            " again in a moment.",
        ),
        "alloc.password.refused": both(
            "交易密码只能在分配子账户后查看一次。如已遗失，请联系客服在券商处重置。",
            "The password can be shown once, after the sub-account is assigned. If you lost it, ask"
            " support to reset it at the broker.",
        ),
        "alloc.chart.no_lines": both(
            "配资确认后才有警戒线和平仓线，届时可查看资产走势图。",
            "The chart is available once the allocation is confirmed and has its lines.",
        ),
        "alloc.chart.title": both("配资 {id} 总资产", "Allocation {id}: total assets"),
        "alloc.chart.assets": both("总资产", "Total assets"),
        "alloc.chart.warning": both("警戒线", "Warning line"),
        "alloc.chart.liquidation": both("平仓线", "Liquidation line"),
        "alloc.chart.no_data": both("暂无每日状态", "No daily status yet"),
        "alloc.chart.baseline": both("起始资金", "Starting capital"),
        "alloc.chart.pnl": both("累计盈亏", "Profit/loss"),
        "alloc.chart.caption": both(
            "配资 {id}：总资产走势（{days} 个交易日），警戒线 {warning}，平仓线 {liquidation}",
            "Allocation {id}: total assets over {days} trading day(s), warning line {warning},"
            " liquidation line {liquidation}",
        ),
        "alloc.timeline.title": both(
            "🕘 配资 {id} 的动态（最近 {shown} 条，共 {total} 条）：",
            "🕘 Timeline of allocation {id} (the last {shown} of {total}):",
        ),
        "alloc.timeline.line": both("{at} {what}", "{at} {what}"),
        "alloc.timeline.requests": both("申请：", "Requests:"),
        "alloc.timeline.request": both(
            "· {kind} {amount}（{at}）：{status}", "· {kind} {amount} ({at}): {status}"
        ),
        "alloc.event.applied": both("提交申请（产品 {product}）", "applied (product {product})"),
        "alloc.event.paid": both("支付{component} {amount}", "paid the {component} {amount}"),
        "alloc.event.call": both("电话确认：{outcome}", "phone call: {outcome}"),
        "alloc.event.confirmed": both(
            "审核通过，警戒线 {warning}，平仓线 {liquidation}",
            "confirmed; warning line {warning}, liquidation line {liquidation}",
        ),
        "alloc.event.auto_renew_on": both("开启自动续期", "automatic renewal turned on"),
        "alloc.event.auto_renew_off": both("关闭自动续期", "automatic renewal turned off"),
        "alloc.event.renewed": both("自动续期一期，至 {end}", "renewed for one more period, to {end}"),
        "alloc.event.term_ended": both("{end} 到期未续", "term ended on {end} without renewal"),
        "alloc.event.settle_overdue": both(
            "结算宽限期已于 {settle_by} 结束", "the grace to settle ended on {settle_by}"
        ),
        "alloc.event.agreement": both(
            "签发《配资协议》（可在本配资页面下载）",
            "allocation agreement issued (download it from this page)",
        ),
        "alloc.event.account_assigned": both(
            "分配交易子账户 {sub_account}", "sub-account {sub_account} assigned"
        ),
        "alloc.event.started": both(
            "{start} 开始交易，配资金额 {capital}", "trading from {start} with {capital}"
        ),
        "alloc.event.password_shown": both("已查看交易密码", "password shown"),
        "alloc.event.status": both(
            "{day} 日状态：总资产 {assets}，风险率 {ratio} %",
            "status of {day}: total assets {assets}, risk ratio {ratio} %",
        ),
        "alloc.event.risk": both("风险状态：{before} → {after}", "risk: {before} → {after}"),
        "alloc.event.fee": both(
            "第 {period} 期费用（{day}）：钱包扣 {wallet}，风险保证金扣 {fund}，未缴 {unpaid}",
            "fee of period {period} ({day}): {wallet} from the wallet, {fund} from the risk fund,"
            " {unpaid} unpaid",
        ),
        "alloc.event.fee_prepaid": both(
            "第 {period} 期费用（{day}）：已预付", "fee of period {period} ({day}): prepaid"
        ),
        "alloc.event.request.top_up": both("申请追加保证金 {amount}", "asked to top up {amount}"),
        "alloc.event.request.extension": both(
            "申请续期 {periods} 期（费用 {amount}）", "asked to extend by {periods} period(s) (fees {amount})"
        ),
        "alloc.event.request.profit": both("申请提取盈利 {amount}", "asked to withdraw {amount} of profit"),
        "alloc.event.request.termination": both("申请终止", "asked to end the allocation"),
        "alloc.event.request.approved": both("{kind}申请已批准", "{kind} request approved"),
        "alloc.event.request.released": both(
            "结算时撤销{request_kind}申请", "{request_kind} request withdrawn at the settlement"
        ),
        "alloc.event.request.rejected": both(
            "{kind}申请被驳回：{reason}", "{kind} request rejected: {reason}"
        ),
        "alloc.event.settled": both(
            "结算：最终总资产 {final}，返还 {payout}", "settled: final assets {final}, paid out {payout}"
        ),
        "alloc.event.cancelled": both("已撤销：{reason}", "cancelled: {reason}"),
        "alloc.event.rejected": both("未通过审核：{reason}", "rejected: {reason}"),
        "alloc.event.other": both("{kind}", "{kind}"),
        # -- side requests ---------------------------------------------------------------------------
        "alloc.not_running": both(
            "配资 {id} 不在交易中，无法办理此项。",
            "Allocation {id} is not in progress; that is not possible now.",
        ),
        "alloc.top_up.ask": both(
            "请输入为配资 {id} 追加的保证金金额（钱包可用余额 {available}）：",
            "How much margin to add to allocation {id}? ({available} available in your wallet)",
        ),
        "alloc.top_up.confirm": both(
            "确认为配资 {id} 追加保证金 {amount}？该金额将从钱包冻结，等待审核。",
            "Top up allocation {id} with {amount}? It is frozen in your wallet until an administrator"
            " decides.",
        ),
        "alloc.extension.ask": both(
            "配资 {id} 续期多少期？请输入 1 到 {max} 之间的整数（每期一{per}，费用 {fee}，提交时冻结）：",
            "Extend allocation {id} by how many periods? Type a whole number from 1 to {max} (a period is"
            " a {per}, its fee {fee}, frozen when you ask):",
        ),
        "alloc.extension.bad": both(
            "请输入 1 到 {max} 之间的整数，或发送 /cancel 取消：",
            "Please type a whole number from 1 to {max}, or send /cancel:",
        ),
        "alloc.extension.confirm": both(
            "确认为配资 {id} 续期 {periods} {unit}？费用 {amount} 将从钱包冻结，等待审核。",
            "Extend allocation {id} by {periods} {unit}? Their fees, {amount}, are frozen in your wallet"
            " until an administrator decides.",
        ),
        "alloc.profit.none": both(
            "配资 {id} 目前没有可提取的盈利（总资产须高于初始资金的 {floor} %，风险状态正常且无欠费）。",
            "Allocation {id} has no profit to withdraw now (the assets must be above {floor} % of the"
            " initial capital, the risk normal and no fee overdue).",
        ),
        "alloc.profit.ask": both(
            "配资 {id} 目前最多可提取 {available}。请输入提取金额：",
            "Up to {available} can be withdrawn from allocation {id} now. How much?",
        ),
        "alloc.profit.too_much": both(
            "最多可提取 {available}，请重新输入，或发送 /cancel 取消：",
            "At most {available} can be withdrawn; please type it again, or send /cancel:",
        ),
        "alloc.profit.confirm": both(
            "确认从配资 {id} 提取盈利 {amount}？审核通过后转入您的钱包。",
            "Withdraw {amount} of profit from allocation {id}? It comes to your wallet once approved.",
        ),
        "alloc.termination.confirm": both(
            "确认申请终止配资 {id}？批准后管理员将按最终总资产为您结算。",
            "Ask to end allocation {id}? Once approved, an administrator settles it with the final assets.",
        ),
        "alloc.ask.button": both("✅ 确认提交", "✅ Send the request"),
        "alloc.asked": both(
            "{kind}申请 {request} 已提交，等待管理员审核，结果会通知您。",
            "Your {kind} request {request} was sent; an administrator will decide it and we will tell you.",
        ),
    }
)
