"""What the bot says when core refuses an allocation, its settlement or a loan, by the refusal's stable
code, in Chinese and English (``refusal_texts`` holds the rest, and the rules both follow)."""

from __future__ import annotations

from p2pstock.bots.telegram.bilingual import Texts, both

_ALLOCATION: Texts = {
    "refusal.allocation_not_started": both("该配资尚未开始。", "The allocation has not started."),
    "refusal.allocation_status": both(
        "配资 {allocation} 当前的状态不允许此操作。",
        "Allocation {allocation} is not in a state that allows this.",
    ),
    "refusal.calendar_not_loaded": both(
        "该配资的期限延续到 {year} 年，而 {year} 年的交易日尚未导入，请先导入交易日历。",
        "The allocation's term runs into {year}, whose trading days are not loaded yet; load them first.",
    ),
    "refusal.call_first": both(
        "请先记录一次客户确认申请的电话回访。",
        "Record a phone call in which the customer confirmed the application first.",
    ),
    "refusal.capital_pool_short": both(
        "资金池余额不足以覆盖 {amount}。", "The capital pool cannot cover {amount}."
    ),
    "refusal.deposit_out_of_range": both(
        "保证金须在 {least} 至 {most} 之间。", "The deposit must be between {least} and {most}."
    ),
    "refusal.deposit_step": both("保证金须按 {step} 递增。", "The deposit must go up in steps of {step}."),
    "refusal.encryption_key_missing": both(
        "系统未配置加密密钥，暂时无法处理子账户密码，请联系技术人员。",
        "Sub-account passwords cannot be handled: the encryption key is not set; ask the operators.",
    ),
    "refusal.extension_range": both("每次可展期 1 至 {most} 期。", "An extension is 1 to {most} periods."),
    "refusal.leverage_not_offered": both(
        "该产品提供的杠杆倍数为：{offered}。", "This product offers leverage {offered}."
    ),
    "refusal.no_password": both(
        "该配资没有可查看的密码。", "There is no password to show for this allocation."
    ),
    "refusal.nothing_to_pay": both(
        "该配资没有这项需要支付的费用。", "This allocation has nothing of this kind to pay."
    ),
    "refusal.password_length": both(
        "子账户密码须为 1 至 {most} 个字符。", "The sub-account password must be 1 to {most} characters."
    ),
    "refusal.password_on_its_way": both(
        "密码正在发送中，请稍后查看聊天记录。", "The password is being sent; look at the chat in a moment."
    ),
    "refusal.password_shown": both(
        "密码已查看过一次，如需重置请联系客服。",
        "The password was shown once already; ask support to reset it at the broker.",
    ),
    "refusal.payment_deadline_passed": both("付款期限已过。", "The payment deadline has passed."),
    "refusal.profit_available": both(
        "目前最多可提取盈利 {most}。", "At most {most} of profit can be withdrawn now."
    ),
    "refusal.request_pending": both(
        "已有一笔同类申请（{request}）正在处理中。", "A request of this kind ({request}) is pending already."
    ),
    "refusal.review_started": both(
        "审核已开始，请联系审核人员驳回该申请。",
        "The review has started; ask the reviewer to reject the application instead.",
    ),
    "refusal.sub_account_in_use": both(
        "子账户 {sub_account} 正被另一笔进行中的配资使用。",
        "Sub-account {sub_account} is in use by another running allocation.",
    ),
    "refusal.term_days": both(
        "期限须为 {least} 至 {most} 个交易日。", "The term must be {least} to {most} trading days."
    ),
    "refusal.term_ended": both(
        "配资期限已于 {day} 结束，无法再展期。", "The term ended on {day}; it can no longer be extended."
    ),
    "refusal.status_held": both(
        "{day} 的日状态正待另一位管理员复核，复核后才能办理出入金或调整配资。",
        "The status of {day} waits for a second administrator; money can move in or out once it is decided.",
    ),
    "refusal.settlement_waiting": both(
        "该配资的结算正待第二位管理员复核，不能再办理出入金或调整配资。",
        "A settlement of this allocation waits for a second administrator; no money moves in or out "
        "meanwhile.",
    ),
    "refusal.resize_expired": both(
        "配资已于 {day} 到期未续，待结算，不能再扩大或缩小。",
        "The term ended on {day} without renewal; the allocation is to be settled and cannot be resized.",
    ),
    "refusal.expiry_grace": both(
        "到期未续后的结算宽限期为 0–{most} 个交易日。",
        "The grace after an unrenewed term is 0–{most} trading days.",
    ),
    "refusal.term_max": both("期限最长为 {most} 期。", "The term can be at most {most} periods."),
    "refusal.term_months": both(
        "期限须为 {least} 至 {most} 个月。", "The term must be {least} to {most} months."
    ),
    "refusal.term_weeks": both(
        "期限须为 {least} 至 {most} 周。", "The term must be {least} to {most} weeks."
    ),
    "refusal.trial_used": both(
        "免息体验每位客户限一次，您已体验过（配资 {allocation}）。",
        "The free trial is once per customer; you have had yours (allocation {allocation}).",
    ),
    "refusal.termination_approved": both(
        "终止申请已获批准，该配资正在等待结算。",
        "The termination was approved already; the allocation waits for its settlement.",
    ),
}

_SETTLING: Texts = {
    "refusal.assets_mismatch": both(
        "总资产 {total} 与现金加市值相差 {gap}。",
        "Total assets {total} differ from cash plus market value by {gap}.",
    ),
    "refusal.calendar_unknown": both(
        "{year} 年的交易所休市安排尚未导入，请先导入后再使用该年份。",
        "The exchange holidays of {year} are not known; load them before using that year.",
    ),
    "refusal.calendar_year_range": both(
        "日历年份须在 {least} 至 {most} 之间。", "A calendar year must be from {least} to {most}."
    ),
    "refusal.day_ahead": both(
        "不能提前执行：{day} 晚于今天（{today}）。", "This cannot run ahead: {day} is after today ({today})."
    ),
    "refusal.field_amount_invalid": both("{field} 的金额无法识别。", "{field} is not an amount."),
    "refusal.field_empty": both("{field} 不能为空。", "{field} is empty."),
    "refusal.field_negative": both("{field} 不能为负数。", "{field} cannot be negative."),
    "refusal.field_not_whole": both("{field} 须为以分计的整数。", "{field} must be a whole number of fen."),
    "refusal.final_assets_invalid": both(
        "期末总资产须为以分计、不小于 0 的整数。",
        "The final total assets must be a whole number of fen, 0 or more.",
    ),
    "refusal.final_assets_missing": both("结算缺少期末总资产。", "The settlement lacks its final assets."),
    "refusal.header_missing": both("表头缺少：{fields}。", "The header lacks {fields}."),
    "refusal.no_trading_day_near": both(
        "{day} 前后 {days} 天内没有交易日。", "There is no trading day within {days} days of {day}."
    ),
    "refusal.notice_unreadable": both(
        "休市通知无法读取，未导入任何内容。", "The notice cannot be read; nothing was loaded."
    ),
    "refusal.override_incomplete": both(
        "调整须写明日期以及当天是否交易。", "An override needs a date and whether the day trades."
    ),
    "refusal.row_too_long": both("该行的字段比表头多。", "The row has more fields than the header."),
    # a statement's rows, told after "第 N 行：" / "line N: "
    "refusal.statement_too_long": both("一份对账单最多 {most} 行", "a statement holds at most {most} rows"),
    "refusal.row_repeats": both(
        "与第 {first} 行重复（同一子账户、同一日）", "repeats line {first} (same sub-account and day)"
    ),
    "refusal.header_unreadable": both("无法读取表头", "the header cannot be read"),
    "refusal.csv_unreadable": both("此处起无法按 CSV 读取", "unreadable CSV"),
    "refusal.sub_account_unknown": both(
        "没有进行中的配资使用子账户 {sub_account}", "no running allocation uses sub-account {sub_account}"
    ),
    "refusal.statement_empty": both("对账单没有数据行", "the statement has no rows"),
    "refusal.statement_encoding_unknown": both(
        "文件既不是 UTF-8 或 GBK/GB18030 编码的 CSV，也不是 .xlsx 工作簿，未导入任何内容",
        "the file is neither a CSV in UTF-8 or GBK/GB18030 nor an .xlsx workbook; nothing was imported",
    ),
    "refusal.statement_unreadable": both(
        "工作簿无法读取（文件损坏或不是 .xlsx），未导入任何内容",
        "the workbook cannot be read (damaged, or not .xlsx); nothing was imported",
    ),
    "refusal.statement_xls_unsupported": both(
        "无法读取旧版 .xls 工作簿：请另存为 .xlsx 或 CSV 后重新发送",
        "an old .xls workbook cannot be read: save it as .xlsx or CSV and send it again",
    ),
    "refusal.statement_xlsx_unsupported": both(
        "本平台未配置 .xlsx 读取，请发送 CSV 文件", "this platform reads no .xlsx workbooks: send a CSV file"
    ),
    "refusal.allocation_not_running": both("配资 {id} 不在交易中", "allocation {id} is not running"),
    "refusal.status_before_start": both(
        "{day} 早于配资起始日 {start}", "{day} is before the allocation started ({start})"
    ),
    "refusal.status_day_refused": both(
        "{day} 无法录入每日状态（非交易日、日历未导入或日期未到）。",
        "No status can be recorded for {day} (not a trading day, its calendar is not loaded, or it is "
        "still to come).",
    ),
    "refusal.sub_account_empty": both("子账户不能为空。", "The sub-account is empty."),
    "refusal.trade_date_invalid": both(
        "交易日期须为日期，例如 2026-01-05。", "The trade date must be a date such as 2026-01-05."
    ),
    "refusal.withdrawable_exceeds_available": both(
        "可取现金不能超过可用现金。", "Withdrawable cash cannot exceed available cash."
    ),
}

_LENDING: Texts = {
    "refusal.bid_step": both(
        "借款金额和最低投标额须按 {step} 递增。", "The amount and the minimum bid must go in steps of {step}."
    ),
    "refusal.bidding_days_range": both(
        "招标期须为 {least} 至 {most} 天。", "The bidding period must be {least} to {most} days."
    ),
    "refusal.document_rejected": both(
        "材料 {document} 未通过审核，请重新上传。", "Document {document} was rejected; upload it again."
    ),
    "refusal.documents_not_authenticated": both(
        "借款人的认证尚未全部完成。", "The borrower is not fully authenticated yet."
    ),
    "refusal.holdings_mismatch": both(
        "各笔投资之和与借款本金不符。", "The holdings do not add up to the loan's principal."
    ),
    "refusal.investment_range": both(
        "投资金额须在 {least} 至 {most} 之间。", "Invest between {least} and {most}."
    ),
    "refusal.investment_step": both(
        "投资金额须从 {least} 起按 {step} 递增。", "Investments go up from {least} in steps of {step}."
    ),
    "refusal.investments_mismatch": both(
        "借款 {loan} 的投资总额与借款金额不符。", "Loan {loan}'s investments do not add up to its amount."
    ),
    "refusal.loan_amount_range": both(
        "借款金额须在 {least} 至 {most} 之间。", "The amount must be between {least} and {most}."
    ),
    "refusal.loan_not_open": both("借款 {loan} 目前不在招标中。", "Loan {loan} is not open for bidding."),
    "refusal.loan_rate_range": both(
        "年利率须在 {least} 至 {most} 之间。", "The rate must be between {least} and {most}."
    ),
    "refusal.loan_status": both(
        "借款 {loan} 当前的状态不允许此操作。", "Loan {loan} is not in a state that allows this."
    ),
    "refusal.loan_term_range": both(
        "借款期限须为 {least} 至 {most} 个月。", "The term must be {least} to {most} months."
    ),
    "refusal.method_not_offered": both("该产品不提供这种还款方式。", "This product is not repaid this way."),
    "refusal.min_bid_range": both(
        "最低投标额须在 {least} 至 {most} 之间。", "The minimum bid must be between {least} and {most}."
    ),
    "refusal.not_qualification": both(
        "材料 {document} 是身份证明，不是资质证明。",
        "Document {document} is an identity document, not a qualification.",
    ),
    "refusal.owed_changed": both(
        "应还金额已变为 {amount}，请重新查看借款。",
        "What is owed changed to {amount} since it was shown; look at the loan again.",
    ),
    "refusal.own_loan": both("借款人不能投资自己的借款。", "A borrower cannot invest in their own loan."),
    "refusal.purpose_missing": both("请说明借款用途。", "Say what the loan is for."),
    "refusal.qualification_missing": both(
        "请至少选择一份资质材料（房产证、银行流水或其他）。",
        "Name at least one qualification document (house certificate, bank statement, other).",
    ),
    "refusal.repay_range": both(
        "本次还款须在 ¥0.01 至 {most} 之间；如需多还，请提前还清全部借款。",
        "Repay between ¥0.01 and {most} now; to repay more, repay the whole loan early.",
    ),
    "refusal.schedule_input_invalid": both(
        "还款计划的参数无效。", "The figures for the repayment schedule are not valid."
    ),
    "refusal.second_reviewer_needed": both(
        "终审须由初审以外的另一位管理员进行。",
        "The final review needs another administrator than the first review.",
    ),
    "refusal.unknown_method": both("不认识该还款方式。", "That repayment method is not known."),
    # -- the guarantee and write-offs (垫付、核销) --
    "refusal.write_off_too_early": both(
        "借款 {loan} 最早未还的一期已逾期 {days} 天；逾期超过 {most} 天（M3 以上）才能核销。",
        "Loan {loan}'s oldest unpaid installment is {days} days overdue; a loan is written off only once it "
        "is more than {most} days overdue (past M3).",
    ),
    "refusal.recovery_range": both(
        "本次还款须在 ¥0.01 至 {most} 之间。", "Repay between ¥0.01 and {most} on this written-off loan."
    ),
    # -- auto-invest (自动投标) --
    "refusal.auto_amount_range": both(
        "每笔投标金额须在 ¥0.01 至 {most} 之间。", "The amount per loan must be from ¥0.01 to {most}."
    ),
    "refusal.auto_cap_range": both(
        "单笔投标上限须在 ¥0.01 至 {most} 之间。", "The cap per loan must be from ¥0.01 to {most}."
    ),
    "refusal.auto_keep_range": both(
        "保留金额须在 ¥0.00 至 {most} 之间。", "The balance kept must be from ¥0.00 to {most}."
    ),
    "refusal.auto_methods": both(
        "请至少选择一种还款方式。", "Choose one or more repayment methods, each once."
    ),
    "refusal.auto_products": both(
        "最多可指定 {most} 个借款产品代码，且不能重复。", "Name up to {most} loan product codes, each once."
    ),
    "refusal.auto_rate_range": both(
        "年利率范围须在 0% 至 100% 之间，且下限不能高于上限。",
        "The rate runs from 0 % to 100 % a year, its lower end not above its upper end.",
    ),
    "refusal.auto_rule_not_found": both("您还没有设置自动投标规则。", "You have no auto-invest rule."),
    "refusal.auto_share_range": both(
        "投标比例须大于 0% 且不超过 100%。", "The share must be above 0 % and at most 100 %."
    ),
    "refusal.auto_stake": both(
        "请设置每笔投标金额或可用余额比例（二者选一）。",
        "Give either an amount per loan or a share of your available balance.",
    ),
    "refusal.auto_term_range": both(
        "期限范围须在 1 至 {most} 个月之间，且下限不能高于上限。",
        "The term runs from 1 to {most} months, its lower end not above its upper end.",
    ),
    # -- debt transfer (债权转让) --
    "refusal.transfer_already_listed": both(
        "该笔债权已有转让单 {listing} 在挂出中，请先撤回。",
        "Sale {listing} of this holding is open already; cancel it first.",
    ),
    "refusal.transfer_borrower": both(
        "借款人不能受让自己借款的债权。", "A borrower cannot buy a holding in their own loan."
    ),
    "refusal.transfer_closed": both(
        "下一期还款日（{due}）前 {days} 天内不能转让债权。",
        "No holding is sold within {days} days of the next due date ({due}).",
    ),
    "refusal.transfer_listing_closed": both("转让单 {listing} 已结束。", "Sale {listing} is no longer open."),
    "refusal.transfer_listing_not_found": both("未找到转让单 {listing}。", "There is no sale {listing}."),
    "refusal.transfer_not_holder": both(
        "只有债权持有人才能转让该笔债权。", "Only its holder can sell a holding."
    ),
    "refusal.transfer_nothing_held": both(
        "该笔投资已没有可转让的本金。", "Nothing of this holding is left to sell."
    ),
    "refusal.transfer_overdue": both(
        "借款 {loan} 有逾期未还的分期，暂不能转让债权。",
        "Loan {loan} has an overdue installment; its holdings cannot be sold now.",
    ),
    "refusal.transfer_own": both("不能购买自己挂出的债权。", "You cannot buy your own sale."),
    "refusal.transfer_premium_range": both(
        "折让或溢价最多为本金的 {most}。", "The discount or premium is at most {most} of the principal."
    ),
    "refusal.transfer_price_below_fee": both(
        "折让后的价格不足以支付转让手续费 {fee}。",
        "After the discount the price would not cover the transfer fee of {fee}.",
    ),
    "refusal.transfer_principal_range": both(
        "转让本金须在 ¥0.01 至 {most} 之间。", "Sell from ¥0.01 to {most} of the principal."
    ),
    "refusal.transfer_purchase_range": both(
        "购买本金须在 {least} 至 {most} 之间。", "Buy from {least} to {most} of the principal."
    ),
    "refusal.transfer_purchase_step": both("购买本金须按 {step} 递增。", "Buy in steps of {step}."),
}

BUSINESS_REFUSAL_TEXTS: Texts = {**_ALLOCATION, **_SETTLING, **_LENDING}
"""``refusal.<code>`` → its text, for the codes of allocations, settlements and loans."""
