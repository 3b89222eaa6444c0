"""The back office's texts for administrators in the bot — products (``admin_products.py``) and the
capital pool (``admin_capital.py``) — in Chinese and English."""

from __future__ import annotations

from p2pstock.bots.telegram.bilingual import Texts, both

PRODUCT_TEXTS: Texts = {
    "admin.queue.products": both("🗂 产品管理", "🗂 Products"),
    "admin.pd.menu": both("产品（最新版本）：", "Products (newest versions):"),
    "admin.pd.none": both("· 还没有产品", "· none yet"),
    "admin.pd.line.a": both(
        "· 配资 {code}@{version} {name}（{state}）", "· allocation {code}@{version} {name} ({state})"
    ),
    "admin.pd.line.l": both(
        "· 借款 {code}@{version} {name}（{state}）", "· loan {code}@{version} {name} ({state})"
    ),
    "admin.pd.offered": both("在售", "offered"),
    "admin.pd.withdrawn": both("已下架", "withdrawn"),
    "admin.pd.edit": both("✏️ 修改 {code}", "✏️ Change {code}"),
    "admin.pd.withdraw": both("⏹ 下架", "⏹ Withdraw"),
    "admin.pd.upload": both("📤 发送产品文件（TOML）", "📤 Send a product file (TOML)"),
    "admin.pd.new.a": both("➕ 新配资产品", "➕ New allocation product"),
    "admin.pd.new.l": both("➕ 新借款产品", "➕ New loan product"),
    "admin.pd.export": both("📄 导出产品文件", "📄 Export the products"),
    "admin.pd.exported": both(
        "全部产品的最新版本。修改后发回即可发布新版本。",
        "The newest version of every product. Edit it and send it back to publish new versions.",
    ),
    "admin.pd.ask_file": both(
        "请发送产品文件（.toml 文件或直接粘贴文字）。"
        "可先用「导出产品文件」取得现有产品作为模板。发送 /cancel 取消。",
        "Send the product file (a .toml file, or paste its text). “Export the products” gives the current "
        "ones as a template. Send /cancel to stop.",
    ),
    "admin.pd.preview": both(
        "客户将看到（发布前请核对）：", "Customers will see this (check it before publishing):"
    ),
    "admin.pd.publish": both("✅ 发布为新版本", "✅ Publish as new versions"),
    "admin.pd.published": both("已发布：", "Published:"),
    "admin.pd.published_line": both("· {code} 第 {version} 版", "· {code} version {version}"),
    "admin.pd.unchanged_line": both(
        "· {code} 第 {version} 版（未变）", "· {code} version {version} (unchanged)"
    ),
    "admin.pd.withdrawn_now": both(
        "{code} 已下架；进行中的业务不受影响。", "{code} is withdrawn; business already under way keeps it."
    ),
    "admin.pd.unreadable": both("有 {count} 处问题，未读取任何产品：", "{count} problems; nothing was read:"),
    "admin.pd.problem": both("· {where}：{why}", "· {where}: {why}"),
    "admin.pd.step": both("第 {number}/{count} 项", "Step {number} of {count}"),
    "admin.pd.current": both("当前：{value}（发送 - 保留）", "Now: {value} (send - to keep it)"),
    "admin.pd.default": both("发送 - 使用默认值", "Send - for the default"),
    "admin.pd.required": both("此项必填。", "This one is required."),
    "admin.pd.field.code": both(
        "产品代码（小写字母、数字、下划线，例如 daily）",
        "The product code (lowercase letters, digits, _; e.g. daily)",
    ),
    "admin.pd.field.name": both(
        "客户看到的名称，例如 按天配资", "The name customers see, e.g. Daily allocation"
    ),
    "admin.pd.field.mode": both("计费方式：按天、按周或按月", "daily, weekly or monthly"),
    "admin.pd.field.deposit_min": both(
        "最低保证金（元），例如 1,000", "The smallest deposit (yuan), e.g. 1,000"
    ),
    "admin.pd.field.deposit_max": both(
        "最高保证金（元），例如 1,000,000", "The largest deposit (yuan), e.g. 1,000,000"
    ),
    "admin.pd.field.deposit_step": both(
        "保证金递增单位（元），例如 1,000", "The deposit step (yuan), e.g. 1,000"
    ),
    "admin.pd.field.term_min": both(
        "最短期限（交易日、周或月），例如 2", "The shortest term (trading days, weeks or months), e.g. 2"
    ),
    "admin.pd.field.term_max": both(
        "最长期限（交易日、周或月），例如 30", "The longest term (trading days, weeks or months), e.g. 30"
    ),
    "admin.pd.field.rates": both(
        "各杠杆的费率（每期，配资金额的百分比），例如 3:0.05%, 5:0.06%",
        "Each leverage's rate (per period, a share of the allocated funds), e.g. 3:0.05%, 5:0.06%",
    ),
    "admin.pd.field.warning_ratio": both(
        "警戒线：配资金额之上保证金的百分比，例如 50%",
        "The warning line: a share of the deposit above B, e.g. 50%",
    ),
    "admin.pd.field.liquidation_ratio": both(
        "平仓线：配资金额之上保证金的百分比，例如 30%",
        "The liquidation line: a share of the deposit above B, e.g. 30%",
    ),
    "admin.pd.field.risk_fund": both(
        "风险保证金：配资金额的百分比，例如 0.5%", "The risk fund: a share of B, e.g. 0.5%"
    ),
    "admin.pd.field.prepaid_periods": both(
        "申请时预付的期数，例如 1", "Fee periods paid with the application, e.g. 1"
    ),
    "admin.pd.field.payment_deadline_minutes": both(
        "付款期限（分钟），例如 120", "Minutes to pay after applying, e.g. 120"
    ),
    "admin.pd.field.same_day_cutoff": both(
        "当日起算的截止时间（北京时间），例如 14:30",
        "The cut-off for starting the same day (Beijing time), e.g. 14:30",
    ),
    "admin.pd.field.refund_policy": both(
        "提前终止时预付费：不退（none）或退未用期（unused_periods）",
        "Prepaid fees at early termination: none, or unused_periods",
    ),
    "admin.pd.field.implausible_move": both(
        "日状态总资产较上一状态变动超过此比例即待第二位管理员复核，例如 30%（0 为不检查）",
        "A daily status whose total assets move more than this since the previous one waits for a second "
        "administrator, e.g. 30% (0 checks nothing)",
    ),
    "admin.pd.field.pnl_tolerance": both(
        "总资产与上一交易日资产加当日盈亏之差超过上一日资产的此比例即待复核，例如 5%（0 为不检查）",
        "How far total assets may differ from the previous day's plus the day's profit or loss, as a share "
        "of the previous day's, before the status waits for a second administrator, e.g. 5% (0 checks "
        "nothing)",
    ),
    "admin.pd.field.expiry_grace_days": both(
        "到期未续后的结算宽限期（交易日，0–20，例如 2）",
        "Trading days to settle a term that ended without renewal (0–20, e.g. 2)",
    ),
    "admin.pd.field.trial": both(
        "是否为免息体验（是 或 否）：按天、最长 2 个交易日、费率为 0、每位客户限一次",
        "A free trial? true or false: daily, at most 2 trading days, every rate 0, once per customer",
    ),
    "admin.pd.field.amount_min": both(
        "最低借款金额（元），例如 1,000", "The smallest loan (yuan), e.g. 1,000"
    ),
    "admin.pd.field.amount_max": both(
        "最高借款金额（元），例如 100,000", "The largest loan (yuan), e.g. 100,000"
    ),
    "admin.pd.field.months_min": both("最短期限（月），例如 1", "The shortest term (months), e.g. 1"),
    "admin.pd.field.months_max": both("最长期限（月），例如 12", "The longest term (months), e.g. 12"),
    "admin.pd.field.rate_min": both("最低年化利率，例如 6%", "The lowest rate a year, e.g. 6%"),
    "admin.pd.field.rate_max": both("最高年化利率，例如 24%", "The highest rate a year, e.g. 24%"),
    "admin.pd.field.methods": both(
        "还款方式，用逗号分隔：等额本息, 等额本金, 先息后本, 到期还本付息",
        "Repayment methods, comma-separated: equal_installments, equal_principal, interest_only, bullet",
    ),
    "admin.pd.field.min_bid": both("最低投标金额（元），例如 50", "The smallest bid (yuan), e.g. 50"),
    "admin.pd.field.bid_step": both("投标递增单位（元），例如 1", "The bid step (yuan), e.g. 1"),
    "admin.pd.field.bidding_days_max": both(
        "最长招标天数，例如 3", "The longest bidding period (days), e.g. 3"
    ),
    "admin.pd.field.listing_fee": both(
        "服务费：借款金额的百分比，例如 2%", "The listing fee: a share of the loan, e.g. 2%"
    ),
    "admin.pd.field.interest_fee": both(
        "利息管理费：投资人利息的百分比，例如 10%",
        "The interest fee: a share of investors' interest, e.g. 10%",
    ),
    "admin.pd.field.early_fee": both(
        "提前还款费：提前还的本金的百分比，例如 1%",
        "The early repayment fee: a share of the principal, e.g. 1%",
    ),
    "admin.pd.field.penalty_per_day": both(
        "逾期罚息：每天逾期本金的百分比，例如 0.05%",
        "Penalty interest a day on overdue principal, e.g. 0.05%",
    ),
    "admin.pd.field.auto_invest_share": both(
        "自动投标比例：一笔借款最多由自动投标投满的百分比，例如 70%",
        "The auto-invest share: the most of a loan auto-invest rules may take, e.g. 70%",
    ),
    "admin.pd.field.transfer_fee_per_period": both(
        "债权转让手续费：每个剩余还款期收取转让本金的百分比，例如 0.2%",
        "The debt transfer fee: a share of the principal sold for each installment still to come, e.g. 0.2%",
    ),
    "admin.pd.field.transfer_fee_cap": both(
        "债权转让手续费上限：转让本金的百分比，例如 1%",
        "The debt transfer fee's cap: a share of the principal sold, e.g. 1%",
    ),
    "admin.pd.field.transfer_price_range": both(
        "转让折价或溢价的上限：转让本金的百分比，例如 5%",
        "The largest discount or premium on a debt transfer: a share of the principal sold, e.g. 5%",
    ),
    "admin.pd.field.transfer_closed_days": both(
        "还款日前多少天内不能发起转让，例如 3",
        "How many days before a due date no debt transfer may be listed, e.g. 3",
    ),
    "admin.pd.field.transfer_listing_days": both(
        "转让挂牌天数：到期未售出的部分退回转让人，例如 3",
        "How many days a debt transfer stays listed before what is unsold returns to the seller, e.g. 3",
    ),
    "admin.pd.field.guarantee_days": both(
        "平台垫付：逾期超过多少天由风险准备金垫付，0 表示不垫付，例如 30",
        "The platform guarantee: advance an installment overdue more than this many days (0: none), e.g. 30",
    ),
    "admin.pd.field.reserve_fee_share": both(
        "风险准备金计提：平台服务费中转入准备金的百分比，例如 20%",
        "The reserve's share of the platform's fees on the product's loans, e.g. 20%",
    ),
    "admin.pd.why.text": both("须为文字", "must be text"),
    "admin.pd.why.unsafe_text": both(
        "须为一行可见文字，最多 {most} 个字，不含控制字符或不可见字符",
        "must be one line of at most {most} visible characters, without control or invisible characters",
    ),
    "admin.pd.why.whole": both("须为大于零的整数", "must be a whole number above zero"),
    "admin.pd.why.float": both(
        '请写成文字（如 "1,000.50" 或 "0.06%"），不要写小数',
        'write it as text ("1,000.50", "0.06%"), not a decimal number',
    ),
    "admin.pd.why.yuan": both("须为以元计的金额", "must be an amount in yuan"),
    "admin.pd.why.percent": both("须为百分比，例如 0.06%", "must be a percentage such as 0.06%"),
    "admin.pd.why.percent_precision": both(
        "百分比最多 {digits} 位小数", "must be a percentage with at most {digits} decimals"
    ),
    "admin.pd.why.time": both("须为时间，例如 14:30", "must be a time of day such as 14:30"),
    "admin.pd.why.choice": both("须为以下之一：{known}", "must be one of {known}"),
    "admin.pd.why.flag": both("须为「是」或「否」", "must be true or false"),
    "admin.pd.why.methods": both("须列出还款方式", "must list the repayment methods"),
    "admin.pd.why.rates": both(
        "须写出每个杠杆的费率，例如 3:0.05%, 5:0.06%",
        "must give each leverage its rate, e.g. 3:0.05%, 5:0.06%",
    ),
    "admin.pd.why.missing": both("缺少此项", "is missing"),
    "admin.pd.why.unknown": both("不认识此项", "is not known here"),
    "admin.pd.why.twice": both("重复定义", "is defined twice"),
    "admin.pd.why.empty": both("没有定义任何产品", "defines no product"),
    "admin.pd.why.toml": both("不是有效的 TOML 文件", "is not a TOML file"),
    "admin.pd.why.entries": both("产品列表格式不对", "must be a list of products"),
    "admin.pd.why.entry": both("须为一组字段", "must be a table of fields"),
    "admin.pd.why.product_name": both("产品须有名称", "a product needs a name"),
    "admin.pd.why.leverages": both("至少一个杠杆，且不能重复", "at least one leverage, each listed once"),
    "admin.pd.why.max_leverage": both("杠杆最多 {most} 倍", "leverage may be at most {most}"),
    "admin.pd.why.deposit_range": both(
        "保证金范围须从递增单位的整数倍开始，且上限不低于下限",
        "the deposit range must start on a step and not end before it starts",
    ),
    "admin.pd.why.term_range": both("期限上限不能低于下限", "the term range must not end before it starts"),
    "admin.pd.why.negative": both(
        "风险保证金和预付期数不能为负", "the risk fund and prepaid periods cannot be negative"
    ),
    "admin.pd.why.prepaid_periods": both(
        "预付期数不能多于最短期限", "more periods cannot be prepaid than the shortest term"
    ),
    "admin.pd.why.ratios": both(
        "须满足 0 < 平仓线 < 警戒线 ≤ 100%", "the lines must satisfy 0 < liquidation < warning ≤ 100%"
    ),
    "admin.pd.why.rate_zero": both(
        "只有免息体验产品的费率可以为 0", "only a free-trial product may have a rate of 0"
    ),
    "admin.pd.why.trial_mode": both("免息体验产品须按天计", "a free-trial product is daily"),
    "admin.pd.why.trial_term": both(
        "免息体验最长 {most} 个交易日", "a free trial runs at most {most} trading days"
    ),
    "admin.pd.why.trial_fee": both(
        "免息体验不收费：各杠杆费率须为 0，且不预付",
        "a free trial charges no fee: every rate 0, nothing prepaid",
    ),
    "admin.pd.why.trial_size": both(
        "免息体验的配资金额（最高保证金 × 最高杠杆）最多 {most}",
        "a free trial lends at most {most} (the largest deposit times the largest leverage)",
    ),
    "admin.pd.why.not_negative": both(
        "{field} 须为零或正整数", "{field} must be a whole number, zero or more"
    ),
    "admin.pd.why.positive": both("{field} 须为大于零的整数", "{field} must be a whole number above zero"),
    "admin.pd.why.basis_points": both("{field} 须在 0% 到 100% 之间", "{field} must be from 0% to 100%"),
    "admin.pd.why.days_range": both("{field} 须为 0 至 {most} 天", "{field} must be 0 to {most} days"),
    "admin.pd.why.transfer_fee_cap": both(
        "债权转让手续费的上限不能低于每期费率", "the transfer fee's cap must not be below its rate a period"
    ),
    "admin.pd.why.loan_ranges": both(
        "金额和期限的上限不能低于下限", "the amount and term ranges must not end before they start"
    ),
    "admin.pd.why.max_months": both("借款期限最多 {most} 个月", "a loan runs at most {most} months"),
    "admin.pd.why.rate_range": both("利率上限不能低于下限", "the rate range must not end before it starts"),
    "admin.pd.why.min_bid": both(
        "最低投标额不能高于最低借款额", "the smallest bid cannot exceed the smallest loan"
    ),
    "admin.pd.why.product": both(
        "产品设置不一致，请检查", "the product's settings do not fit together; check them"
    ),
}

CAPITAL_TEXTS: Texts = {
    "admin.queue.capital": both("🏦 资金池", "🏦 Capital pool"),
    "admin.cap.menu": both("资金池可用：{available}", "In the pool: {available}"),
    "admin.cap.lent.daily": both(
        "· 按天配资 {count} 笔占用：{amount}", "· lent to {count} running daily allocations: {amount}"
    ),
    "admin.cap.lent.monthly": both(
        "· 按月配资 {count} 笔占用：{amount}", "· lent to {count} running monthly allocations: {amount}"
    ),
    "admin.cap.lent.weekly": both(
        "· 按周配资 {count} 笔占用：{amount}", "· lent to {count} running weekly allocations: {amount}"
    ),
    "admin.cap.total": both("合计借出：{amount}", "Lent in all: {amount}"),
    "admin.cap.fund": both("➕ 注资", "➕ Fund"),
    "admin.cap.take_out": both("➖ 取出", "➖ Take out"),
    "admin.cap.ask_in": both(
        "请输入一行：金额（元）和用途编号，例如 1,000,000 2026-12-seed。发送 /cancel 取消。",
        "Send one line: the amount (yuan) and a reference, e.g. 1,000,000 2026-12-seed. "
        "Send /cancel to stop.",
    ),
    "admin.cap.ask_out": both(
        "请输入一行：取出的金额（元）和用途编号，例如 500,000 2026-12-return。发送 /cancel 取消。",
        "Send one line: the amount to take out (yuan) and a reference, e.g. 500,000 2026-12-return. "
        "Send /cancel to stop.",
    ),
    "admin.cap.format": both(
        "格式不对：金额 用途编号（编号用字母、数字、-、_），例如 1,000,000 2026-12-seed。",
        "That is not the format: amount reference (letters, digits, - and _), e.g. 1,000,000 2026-12-seed.",
    ),
    "admin.cap.confirm_in": both(
        "向资金池注资 {amount}（编号 {reference}）？", "Put {amount} into the pool ({reference})?"
    ),
    "admin.cap.confirm_out": both(
        "从资金池取出 {amount}（编号 {reference}）？", "Take {amount} out of the pool ({reference})?"
    ),
    "admin.cap.done": both("已完成，资金池可用：{available}", "Done; the pool holds {available}."),
    "admin.cap.waiting": both(
        "{amount} 需要另一位管理员复核（复核单 {approval}），复核通过后执行。",
        "{amount} waits for a second administrator (approval {approval}); it is carried out once approved.",
    ),
}
