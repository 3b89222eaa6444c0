"""The texts of the administrators' allocation (配资) flows, in Chinese and English (merged into
``texts.TEXTS``)."""

from __future__ import annotations

from p2pstock.bots.telegram.bilingual import Texts, both

ADMIN_ALLOCATION_TEXTS: Texts = {
    "admin.queue.allocations": both("📈 配资管理", "📈 Allocations"),
    # -- the menu and its lists ------------------------------------------------------------------
    "admin.alloc.menu": both("📈 配资管理：请选择列表。", "📈 Allocations: choose a list."),
    "admin.alloc.nothing": both(
        "您的角色没有可处理的配资列表。", "Your roles give you no allocation list to work on."
    ),
    "admin.alloc.q.review": both("🧐 待审核", "🧐 Under review"),
    "admin.alloc.q.confirmed": both("🔐 待分配子账户", "🔐 To assign a sub-account"),
    "admin.alloc.q.running": both("📊 进行中", "📊 Running"),
    "admin.alloc.q.requests": both("📨 待处理申请", "📨 Side requests pending"),
    "admin.alloc.q.import": both("📥 导入对账单（CSV）", "📥 Import a statement (CSV)"),
    "admin.alloc.listed": both("{queue}：{count} 项，点按查看：", "{queue}: {count}; tap one to open it:"),
    "admin.alloc.line": both(
        "· {id}｜{customer}｜{product}｜本金 {deposit} × {leverage} = {allocated}",
        "· {id} | {customer} | {product} | {deposit} × {leverage} = {allocated}",
    ),
    "admin.alloc.line_running": both(
        "· {id}｜子账户 {sub_account}｜总资产 {assets}｜{risk}{overdue}",
        "· {id} | sub-account {sub_account} | assets {assets} | {risk}{overdue}",
    ),
    "admin.alloc.open": both("🔎 {id} · {customer}", "🔎 {id} · {customer}"),
    "admin.alloc.no_assets": both("暂无", "none yet"),
    "admin.alloc.separator": both("，", ", "),
    "admin.alloc.overdue_mark": both("｜⚠️ 欠费", " | ⚠️ overdue"),
    # -- names -----------------------------------------------------------------------------------
    "admin.alloc.risk.normal": both("🟢 正常", "🟢 normal"),
    "admin.alloc.risk.warning": both("🟠 预警", "🟠 warning"),
    "admin.alloc.risk.liquidation": both("🔴 平仓", "🔴 liquidation"),
    # -- the card --------------------------------------------------------------------------------
    "admin.alloc.card.head": both("配资 {id}：{status}", "Allocation {id}: {status}"),
    "admin.alloc.card.customer": both("客户：{customer}", "Customer: {customer}"),
    "admin.alloc.card.product": both(
        "产品：{product}（第 {version} 版，{mode}）", "Product: {product} (version {version}, {mode})"
    ),
    "admin.alloc.card.funds": both(
        "保证金 D {deposit} × 杠杆 {leverage} = 配资 B {allocated}",
        "Deposit D {deposit} × leverage {leverage} = allocated B {allocated}",
    ),
    "admin.alloc.card.applied": both(
        "申请于 {applied}，支付截止 {deadline}", "Applied {applied}, to be paid by {deadline}"
    ),
    "admin.alloc.card.paid": both("支付：{components}", "Payments: {components}"),
    "admin.alloc.card.component_paid": both("{component} {amount} ✓", "{component} {amount} ✓"),
    "admin.alloc.card.component_open": both("{component} {amount} 未付", "{component} {amount} unpaid"),
    "admin.alloc.card.no_calls": both("电话确认：尚无", "Phone calls: none yet"),
    "admin.alloc.card.calls": both("电话确认：", "Phone calls:"),
    "admin.alloc.card.call": both("· {when} {by}：{outcome}{note}", "· {when} {by}: {outcome}{note}"),
    "admin.alloc.card.account": both(
        "子账户：{sub_account}，{start} 至 {end}", "Sub-account: {sub_account}, {start} to {end}"
    ),
    "admin.alloc.card.last_status": both(
        "最近日状态 {day}：总资产 {assets}，风险率 {ratio}，{risk}",
        "Last status {day}: total assets {assets}, risk ratio {ratio}, {risk}",
    ),
    "admin.alloc.card.no_status": both("尚无日状态，{risk}", "No daily status yet, {risk}"),
    "admin.alloc.card.periods": both(
        "已计费 {charged} 期，预付剩余 {prepaid} 期", "{charged} periods charged, {prepaid} prepaid left"
    ),
    "admin.alloc.card.next_fee": both("下次扣费：{day}", "Next fee: {day}"),
    "admin.alloc.card.requests": both("待处理申请：{requests}", "Pending requests: {requests}"),
    "admin.alloc.card.settlement": both(
        "结算：最终总资产 {final}，应付客户 {payout}，收取管理费 {fees}，风险保证金承担 {from_fund}，"
        "应收 {receivable}，平台损失 {loss}，退还预付费 {refund}",
        "Settlement: final assets {final}, payout {payout}, fees collected {fees}, from the risk fund "
        "{from_fund}, receivable {receivable}, platform loss {loss}, prepaid fees refunded {refund}",
    ),
    # -- the card's buttons ----------------------------------------------------------------------
    "admin.alloc.b.call": both("📞 {outcome}", "📞 {outcome}"),
    "admin.alloc.b.reject": both("✖️ 驳回", "✖️ Reject"),
    "admin.alloc.b.assign": both("🔐 分配子账户", "🔐 Assign the sub-account"),
    "admin.alloc.b.status": both("📝 录入日状态", "📝 Daily status"),
    "admin.alloc.b.chart": both("📈 走势图", "📈 Chart"),
    "admin.alloc.b.settle": both("🧾 结算", "🧾 Settle"),
    "admin.alloc.b.timeline": both("🕘 动态", "🕘 Timeline"),
    "admin.alloc.b.open": both("🔎 查看配资 {id}", "🔎 Open allocation {id}"),
    # -- review ----------------------------------------------------------------------------------
    "admin.alloc.ask_note": both(
        "配资 {id} 的电话确认结果：{outcome}。请输入备注（无备注请发送 -），或发送 /cancel 取消：",
        "Phone call about {id}: {outcome}. Type a note (- for none), or send /cancel:",
    ),
    "admin.alloc.call_recorded": both(
        "已记录配资 {id} 的电话确认：{outcome}。", "Call recorded for {id}: {outcome}."
    ),
    "admin.alloc.confirmed": both(
        "配资 {id} 已确认。警戒线 {warning}，平仓线 {liquidation}。下一步：分配子账户。",
        "Allocation {id} confirmed. Warning line {warning}, liquidation line {liquidation}. "
        "Next: its sub-account is assigned.",
    ),
    "admin.alloc.rejected": both(
        "配资 {id} 已驳回：{reason}。客户已支付的款项均已解冻。",
        "Allocation {id} rejected: {reason}. Everything the customer paid is unfrozen.",
    ),
    # -- assigning the sub-account ---------------------------------------------------------------
    "admin.alloc.ask_sub_account": both(
        "请输入配资 {id} 的交易子账户代码，或发送 /cancel 取消：",
        "Type the trading sub-account code for {id}, or send /cancel:",
    ),
    "admin.alloc.ask_password": both(
        "请输入子账户 {sub_account} 的密码。读取后本机器人会从聊天中删除该消息；密码加密保存，"
        "只向客户显示一次。发送 /cancel 取消：",
        "Type the password of sub-account {sub_account}. The bot deletes your message from this chat "
        "once read; the password is stored encrypted and shown to the customer once. Send /cancel to "
        "stop:",
    ),
    "admin.alloc.password_left": both(
        "⚠️ 无法从聊天中删除您的密码消息，请手动删除。",
        "⚠️ Your password message could not be deleted from the chat: please delete it yourself.",
    ),
    "admin.alloc.assigned": both(
        "子账户 {sub_account} 已分配给配资 {id}，交易期 {start} 至 {end}。客户可在机器人中查看一次密码。",
        "Sub-account {sub_account} is assigned to {id}: it trades from {start} to {end}. The customer "
        "can read the password once in the bot.",
    ),
    # -- daily status ----------------------------------------------------------------------------
    "admin.alloc.ask_status": both(
        "请在一行中输入配资 {id}（子账户 {sub_account}）的日状态，金额单位为元：\n"
        "日期 总资产 持仓市值 可用资金 [冻结资金] [可取资金]\n"
        "例如：2026-01-05 58000 46400 11600\n"
        "总资产应等于资金加市值；未填的冻结资金和可取资金按 0 计。发送 /cancel 取消。",
        "Type the daily status of {id} (sub-account {sub_account}) in one line, amounts in yuan:\n"
        "date total_assets market_value cash_available [cash_frozen] [cash_withdrawable]\n"
        "e.g. 2026-01-05 58000 46400 11600\n"
        "Total assets must equal cash plus market value; a frozen or withdrawable cash left out counts "
        "as 0. Send /cancel to stop.",
    ),
    "admin.alloc.bad_status": both(
        "无法读取这一行：{problem}\n格式：日期 总资产 持仓市值 可用资金 [冻结资金] [可取资金]，"
        "例如 2026-01-05 58000 46400 11600。请重新输入，或发送 /cancel 取消。",
        "That line cannot be read: {problem}\nThe format is: date total_assets market_value "
        "cash_available [cash_frozen] [cash_withdrawable], e.g. 2026-01-05 58000 46400 11600. Type it "
        "again, or send /cancel.",
    ),
    "admin.alloc.problem.count": both(
        "应有 4 至 6 项，实际为 {count} 项。", "it needs 4 to 6 fields, not {count}."
    ),
    "admin.alloc.problem.date": both(
        "日期应写作 2026-01-05 的形式。", "the date must be written like 2026-01-05."
    ),
    "admin.alloc.problem.amount": both("{field}：{detail}", "{field}: {detail}"),
    "admin.alloc.field.total_assets": both("总资产", "total assets"),
    "admin.alloc.field.market_value": both("持仓市值", "market value"),
    "admin.alloc.field.cash_available": both("可用资金", "available cash"),
    "admin.alloc.field.cash_frozen": both("冻结资金", "frozen cash"),
    "admin.alloc.field.cash_withdrawable": both("可取资金", "withdrawable cash"),
    "admin.alloc.status_again": both(
        "请更正后重新输入，或发送 /cancel 取消。", "Type the corrected line, or send /cancel."
    ),
    "admin.alloc.status_recorded": both(
        "已录入配资 {id} {day} 的日状态（第 {revision} 版）：总资产 {assets}，风险率 {ratio}，"
        "风险状态 {before} → {after}。",
        "Status of {day} recorded for {id} (revision {revision}): total assets {assets}, risk ratio "
        "{ratio}, risk {before} → {after}.",
    ),
    # -- chart and timeline ----------------------------------------------------------------------
    "admin.alloc.chart_caption": both(
        "配资 {id}（子账户 {sub_account}）：总资产与警戒线 {warning}、平仓线 {liquidation}，"
        "共 {days} 个交易日。",
        "Allocation {id} (sub-account {sub_account}): total assets against the warning line "
        "{warning} and the liquidation line {liquidation}, {days} trading days.",
    ),
    "admin.alloc.timeline": both(
        "配资 {id} 的动态（最近 {shown} 条，共 {total} 条）：",
        "Timeline of {id} (the last {shown} of {total} events):",
    ),
    "admin.alloc.timeline_line": both(
        "· {when}｜{what}｜{actor}{detail}", "· {when} | {what} | {actor}{detail}"
    ),
    "admin.alloc.event.applied": both("申请", "applied"),
    "admin.alloc.event.paid": both("支付", "paid"),
    "admin.alloc.event.call": both("电话确认", "phone call"),
    "admin.alloc.event.confirmed": both("确认", "confirmed"),
    "admin.alloc.event.rejected": both("驳回", "rejected"),
    "admin.alloc.event.cancelled": both("取消", "cancelled"),
    "admin.alloc.event.account_assigned": both("分配子账户", "sub-account assigned"),
    "admin.alloc.event.agreement": both("签发配资协议", "agreement issued"),
    "admin.alloc.event.auto_renew_on": both("客户开启自动续期", "automatic renewal turned on"),
    "admin.alloc.event.auto_renew_off": both("客户关闭自动续期", "automatic renewal turned off"),
    "admin.alloc.event.renewed": both("自动续期", "renewed automatically"),
    "admin.alloc.event.term_ended": both("到期未续", "term ended without renewal"),
    "admin.alloc.event.settle_overdue": both("结算宽限期已过", "settlement grace passed"),
    "admin.alloc.event.started": both("开始交易", "started"),
    "admin.alloc.event.password_shown": both("客户查看密码", "password shown to the customer"),
    "admin.alloc.event.status": both("日状态", "daily status"),
    "admin.alloc.event.risk": both("风险状态变化", "risk state changed"),
    "admin.alloc.event.fee": both("管理费", "fee"),
    "admin.alloc.event.settled": both("结算", "settled"),
    "admin.alloc.event.request.top_up": both("申请追加保证金", "top-up asked"),
    "admin.alloc.event.request.extension": both("申请续期", "extension asked"),
    "admin.alloc.event.request.profit": both("申请提取盈利", "profit withdrawal asked"),
    "admin.alloc.event.request.termination": both("申请终止", "termination asked"),
    "admin.alloc.event.request.approved": both("申请已批准", "request approved"),
    "admin.alloc.event.request.rejected": both("申请已驳回", "request rejected"),
    "admin.alloc.event.request.released": both("结算时撤销申请", "request withdrawn at the settlement"),
    # -- settlement ------------------------------------------------------------------------------
    "admin.alloc.ask_final": both(
        "请输入配资 {id}（子账户 {sub_account}）的最终总资产（元，例如 57200.00），或发送 /cancel 取消。"
        "结算需第二位管理员复核。",
        "Type the final total assets of {id} (sub-account {sub_account}) in yuan, e.g. 57200.00, or "
        "send /cancel. The settlement waits for a second administrator.",
    ),
    "admin.alloc.settle_waiting": both(
        "配资 {id} 的结算（最终总资产 {assets}）需要第二位管理员复核，已提交复核申请 {approval}。",
        "The settlement of {id} with final assets {assets} waits for a second administrator: approval "
        "request {approval} is open.",
    ),
    "admin.alloc.settle_other_waiting": both(
        "配资 {id} 已有一笔结算（最终总资产 {assets}）在等待复核（{approval}），请先处理该申请。",
        "A settlement of {id} with final assets {assets} is already waiting (request {approval}); "
        "have it decided first.",
    ),
    "admin.alloc.settled": both(
        "配资 {id} 已结算：最终总资产 {assets}，应付客户 {payout}。",
        "Allocation {id} is settled: final assets {assets}, payout {payout}.",
    ),
    # -- side requests ---------------------------------------------------------------------------
    "admin.alloc.request": both(
        "申请 {id}：{kind}\n配资：{allocation}\n客户：{customer}\n金额：{amount}\n期数：{periods}\n"
        "申请时间：{asked}",
        "Request {id}: {kind}\nAllocation: {allocation}\nCustomer: {customer}\nAmount: {amount}\n"
        "Periods: {periods}\nAsked: {asked}",
    ),
    "admin.alloc.request_approved": both(
        "配资 {allocation} 的申请 {id}（{kind}）已批准。",
        "Request {id} ({kind}) of {allocation} approved.",
    ),
    "admin.alloc.request_rejected": both(
        "配资 {allocation} 的申请 {id}（{kind}）已驳回：{reason}",
        "Request {id} ({kind}) of {allocation} rejected: {reason}",
    ),
    # -- importing a statement -------------------------------------------------------------------
    "admin.alloc.ask_statement": both(
        "请以文件形式发送对账单：CSV（UTF-8 或 GBK 编码）或 .xlsx 工作簿。首行为表头：{columns}"
        "（note 可选），也可用券商导出的中文列名（资金账号、日期、资产总值、证券市值、可用资金……）；"
        "金额单位为元。全部行无误才会导入，否则一行也不导入。发送 /cancel 取消。",
        "Send the statement as a file: a CSV (UTF-8 or GBK) or an Excel workbook (.xlsx). Its first row "
        "names the columns: {columns} (note optional), or the Chinese names brokers' exports give them; "
        "amounts in yuan. Either every row is applied or none is. Send /cancel to stop.",
    ),
    "admin.alloc.send_a_file": both(
        "请以文件形式发送对账单（CSV 或 .xlsx），或发送 /cancel 取消。",
        "Please send the statement as a CSV or .xlsx file, or send /cancel.",
    ),
    "admin.alloc.imported": both(
        "对账单已导入：{applied} 行已录入。", "Statement imported: {applied} rows applied."
    ),
    "admin.alloc.already_imported": both(
        "该对账单已于 {when} 由 {by} 导入（{rows} 行），本次未重复录入。",
        "This statement was already imported on {when} by {by} ({rows} rows); nothing was stored again.",
    ),
    "admin.alloc.import_change": both("· {id}：{before} → {after}", "· {id}: {before} → {after}"),
    "admin.alloc.import_changes": both("风险状态变化：", "Risk states changed:"),
    "admin.alloc.import_refused": both(
        "对账单有 {count} 行有误，未导入任何数据：", "{count} rows are wrong; nothing was applied:"
    ),
    "admin.alloc.import_row": both("· 第 {line} 行：{reason}", "· line {line}: {reason}"),
    "admin.alloc.import_more": both("……另有 {count} 行", "… and {count} more"),
    "admin.alloc.import_again": both(
        "请更正后重新发送文件，或发送 /cancel 取消。",
        "Correct the file and send it again, or send /cancel.",
    ),
}
