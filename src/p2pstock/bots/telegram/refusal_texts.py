"""What the bot says when core refuses, by the refusal's stable code, in Chinese and English.

``refusal.<code>`` is the text of every error raised with that ``code``; its placeholders are exactly
the values the raise sites pass (a test holds them to it). Amounts show as the ``Money`` shows itself
(¥1,000.00), days as ISO dates. Errors whose class has a row of its own in ``errors.ERROR_TABLE``
(a wrong code, an amount that cannot be read, a refused document, ...) are told by that row instead.
"""

from __future__ import annotations

from p2pstock.bots.telegram.bilingual import Texts, both
from p2pstock.bots.telegram.business_refusal_texts import BUSINESS_REFUSAL_TEXTS

_NOT_FOUND: Texts = {
    "refusal.account_not_found": both("未找到账户 {account}。", "There is no account {account}."),
    "refusal.admin_not_found": both("未找到管理员 {admin}。", "There is no administrator {admin}."),
    "refusal.allocation_not_found": both("未找到配资 {allocation}。", "There is no allocation {allocation}."),
    "refusal.approval_not_found": both(
        "未找到审批申请 {request}。", "There is no approval request {request}."
    ),
    "refusal.customer_not_found": both("未找到客户 {customer}。", "There is no customer {customer}."),
    "refusal.document_not_found": both(
        "未找到您的材料 {document}。", "There is no document {document} of yours."
    ),
    "refusal.loan_not_found": both("未找到借款 {loan}。", "There is no loan {loan}."),
    "refusal.loan_not_in_hall": both(
        "借款 {loan} 不在投资大厅中。", "Loan {loan} is not in the financing hall."
    ),
    "refusal.loan_product_not_found": both(
        "没有在售的借款产品 {product}。", "There is no loan product {product} on offer."
    ),
    "refusal.no_service": both("没有可执行“{action}”的服务。", "No service carries out {action}."),
    "refusal.payment_order_not_found": both("未找到支付订单 {order}。", "There is no payment order {order}."),
    "refusal.product_not_found": both(
        "没有在售的配资产品 {product}。", "There is no product {product} on offer."
    ),
    "refusal.product_version_not_found": both(
        "未找到产品 {product} 的第 {version} 版。", "There is no version {version} of product {product}."
    ),
    "refusal.request_not_found": both("未找到申请 {request}。", "There is no request {request}."),
    "refusal.wallet_not_found": both("您还没有钱包账户。", "You have no wallet yet."),
    "refusal.withdrawal_not_found": both(
        "未找到提现申请 {withdrawal}。", "There is no withdrawal request {withdrawal}."
    ),
}

_DECIDED: Texts = {
    "refusal.already_settled": both(
        "配资 {allocation} 已按另一个期末总资产结算过。",
        "Allocation {allocation} was settled already with other final assets.",
    ),
    "refusal.approval_decided": both(
        "该审批申请已处理过。", "This approval request has been decided already."
    ),
    "refusal.document_decided": both("该材料已审核过。", "This document has been reviewed already."),
    "refusal.notification_decided": both("该通知已处理过。", "This notification has been handled already."),
    "refusal.payment_order_decided": both(
        "支付订单 {order} 已处理过。", "Payment order {order} has been handled already."
    ),
    "refusal.payment_order_paid": both(
        "支付订单 {order} 已由另一笔交易支付。", "Payment order {order} was paid by another transaction."
    ),
    "refusal.payment_order_settled": both(
        "支付订单 {order} 已处理完毕，无需再处理。",
        "Payment order {order} is settled; there is nothing to resolve.",
    ),
    "refusal.request_already_decided": both(
        "申请 {request} 已处理过。", "Request {request} has been decided already."
    ),
    "refusal.withdrawal_decided": both(
        "提现申请 {withdrawal} 已处理过。", "Withdrawal {withdrawal} has been decided already."
    ),
}

_REUSED: Texts = {
    "refusal.deposit_mismatch": both(
        "该笔交易已入账，但金额与本次不同。", "This transaction was credited already with another amount."
    ),
    "refusal.request_reused": both(
        "该申请编号已用于另一笔不同的操作，请重新发起。",
        "This request was already used for something else; please start again.",
    ),
    "refusal.statement_reused": both(
        "对账单 {statement} 已导入过，且内容不同。",
        "Statement {statement} was imported already with other content.",
    ),
}

_CUSTOMER: Texts = {
    "refusal.customer_status": both(
        "您当前的认证状态不允许此操作。", "Your verification status does not allow this now."
    ),
    "refusal.documents_missing": both(
        "相关材料审核通过后才能完成实名认证。",
        "The identity can be verified only once the documents are accepted.",
    ),
    "refusal.identity_taken": both(
        "该身份证号码已被其他账户登记。", "This identity number is already registered to another account."
    ),
    "refusal.no_code_sent": both(
        "尚未向该号码发送验证码，请先获取验证码。",
        "No code was sent to this number for you; ask for one first.",
    ),
    "refusal.phone_invalid": both(
        "手机号码应为 11 位数字，以 13–19 开头（可带 +86 或 0086）。",
        "A mobile number is 11 digits starting with 13–19, optionally after +86 or 0086.",
    ),
    "refusal.phone_not_normalised": both(
        "手机号码格式不正确（应为 +86 加 11 位数字）。", "The phone number must be +86 and 11 digits."
    ),
    "refusal.phone_taken": both("该手机号已绑定其他账户。", "This phone number belongs to another account."),
    "refusal.verify_identity_and_phone": both(
        "请先完成手机验证和实名认证，再申请借款。",
        "Verify your phone and identity before applying for a loan.",
    ),
    "refusal.verify_identity_first": both("请先完成实名认证。", "Please verify your identity first."),
    "refusal.resident_id_birth_date": both(
        "身份证号码中的出生日期不存在，请检查。",
        "The birth date in the ID number is not a real date; please check it.",
    ),
    "refusal.resident_id_check_input": both(
        "校验位须由 17 位数字计算。", "The check character is computed from exactly 17 digits."
    ),
    "refusal.resident_id_checksum": both(
        "身份证号码有误：校验位不符，请检查是否输错。",
        "The ID number is mistyped: its check character does not match.",
    ),
    "refusal.resident_id_format": both(
        "身份证号码应为 17 位数字加 1 位数字或 X。",
        "An ID number is 17 digits followed by a digit or X.",
    ),
    "refusal.resident_id_future": both(
        "身份证号码中的出生日期不能晚于今天。", "The birth date in the ID number cannot be in the future."
    ),
    "refusal.resident_id_length": both(
        "身份证号码应为 {length} 位。", "An ID number has exactly {length} characters."
    ),
    "refusal.resident_id_region": both(
        "身份证号码的地区码不能以 0 开头。", "The region code of an ID number cannot start with 0."
    ),
    "refusal.resident_id_too_old": both(
        "身份证号码中的出生日期不能早于 1900-01-01。",
        "The birth date in the ID number cannot be before 1900-01-01.",
    ),
}

_MONEY: Texts = {
    "refusal.account_settings": both(
        "账户 {account} 已存在，但设置不同。", "Account {account} exists with other settings."
    ),
    "refusal.amount_negative": both("金额不能为负数。", "The amount must not be negative."),
    "refusal.amount_not_positive": both("金额须大于零。", "The amount must be positive."),
    "refusal.amount_too_large": both("金额最多为 {most}。", "The amount must be at most {most}."),
    "refusal.currency_not_accepted": both(
        "只接受 {expected}，不接受 {currency}。", "Only {expected} is accepted, not {currency}."
    ),
    "refusal.invalid_callback": both(
        "支付渠道的回调内容无效。", "The payment gateway's callback is not valid."
    ),
    "refusal.ledger_refused": both(
        "账务系统拒绝了此操作，资金未变动。", "The ledger refused this; no money moved."
    ),
    "refusal.resolution_kind": both("支付订单只能入账或退款。", "A payment is resolved by credit or refund."),
    "refusal.unknown_component": both("不认识该费用项目。", "That payment component is not known."),
    "refusal.unknown_provider": both("不认识支付渠道 {provider}。", "Unknown payment provider {provider}."),
    "refusal.withdrawal_failed_before": both(
        "该提现申请此前已失败，请重新发起。", "This withdrawal request failed before; make a new request."
    ),
}

_STAFF: Texts = {
    "refusal.admin_id_reserved": both(
        "{admin} 为保留名称，不能用作管理员编号。", "{admin} is reserved and cannot be an administrator's id."
    ),
    "refusal.already_admin": both(
        "{admin} 已是管理员，请改为调整其角色。",
        "{admin} is already an administrator; change their roles instead.",
    ),
    "refusal.default_role": both(
        "{role} 是默认角色，不能重新定义。", "{role} is a default role and cannot be redefined."
    ),
    "refusal.last_role_manager": both(
        "此操作会导致没有任何在职管理员可以管理角色。",
        "This would leave no active administrator able to manage roles.",
    ),
    "refusal.permission_unknown": both("不认识该权限。", "That permission is not known."),
    "refusal.reason_missing": both("驳回时须填写理由。", "A rejection needs a reason."),
    "refusal.role_name_invalid": both(
        "角色名须为以 _ 连接的小写英文单词，最多 {most} 个字符。",
        "A role name must be lowercase words joined by _, at most {most} characters.",
    ),
    "refusal.role_unknown": both("不认识的角色：{roles}。", "Unknown role: {roles}."),
}

_PRODUCT: Texts = {
    "refusal.basis_points": both("{field} 须在 0% 到 100% 之间。", "{field} must be from 0% to 100%."),
    "refusal.days_range": both("{field} 须为 0 至 {most} 天。", "{field} must be 0 to {most} days."),
    "refusal.transfer_fee_cap": both(
        "债权转让手续费的上限不能低于每期费率。",
        "The transfer fee's cap must not be below its rate a period.",
    ),
    "refusal.catalog_unreadable": both(
        "产品文件无法读取，未导入任何内容。", "The product file cannot be read; nothing was read."
    ),
    "refusal.deposit_range": both(
        "保证金范围须从递增单位的整数倍开始，且上限不低于下限。",
        "The deposit range must start on a step and not end before it starts.",
    ),
    "refusal.file_size": both("产品文件过大。", "The product file is too large."),
    "refusal.leverages": both(
        "产品至少须有一个杠杆倍数，且不能重复。", "A product needs at least one leverage, each listed once."
    ),
    "refusal.loan_ranges": both(
        "金额和期限的上限不能低于下限。", "The amount and term ranges must not end before they start."
    ),
    "refusal.max_leverage": both("杠杆最多 {most} 倍。", "Leverage may be at most {most}."),
    "refusal.max_months": both("借款期限最多 {most} 个月。", "A loan runs at most {most} months."),
    "refusal.methods": both(
        "产品至少须有一种还款方式，且不能重复。",
        "A product needs at least one repayment method, each listed once.",
    ),
    "refusal.min_bid": both(
        "最低投标额不能高于最低借款额。", "The smallest bid cannot exceed the smallest loan."
    ),
    "refusal.negative": both(
        "风险保证金和预付期数不能为负。", "The risk fund and the prepaid periods cannot be negative."
    ),
    "refusal.positive": both("{field} 须为大于零的整数。", "{field} must be a whole number above zero."),
    "refusal.prepaid_periods": both(
        "预付期数不能多于最短期限。", "More periods cannot be prepaid than the shortest term has."
    ),
    "refusal.product_name": both("产品须有名称。", "A product needs a name."),
    "refusal.rate_range": both("利率上限不能低于下限。", "The rate range must not end before it starts."),
    "refusal.ratios": both(
        "须满足 0 < 平仓线 < 警戒线 ≤ 100%。", "The lines must satisfy 0 < liquidation < warning ≤ 100%."
    ),
    "refusal.term_range": both("期限上限不能低于下限。", "The term range must not end before it starts."),
    "refusal.not_negative": both("{field} 须为零或正整数。", "{field} must be a whole number, zero or more."),
    "refusal.rate_zero": both(
        "只有免息体验产品的费率可以为 0。", "Only a free-trial product may have a rate of 0."
    ),
    "refusal.trial_mode": both(
        "免息体验产品须按天计。", "A free-trial product is charged by the day (daily)."
    ),
    "refusal.trial_term": both(
        "免息体验最长 {most} 个交易日。", "A free trial runs at most {most} trading days."
    ),
    "refusal.trial_fee": both(
        "免息体验不收费：各杠杆费率须为 0，且不预付。",
        "A free trial charges no fee: every rate 0, nothing prepaid.",
    ),
    "refusal.trial_size": both(
        "免息体验的配资金额（最高保证金 × 最高杠杆）最多 {most}。",
        "A free trial lends at most {most} (the largest deposit times the largest leverage).",
    ),
}

_SYSTEM: Texts = {
    "refusal.after_seq_invalid": both("起始序号须为非负整数。", "The starting sequence must be 0 or more."),
    "refusal.audit_head_format": both("审计链头的格式应为 序号:哈希。", "An audit head is written SEQ:HASH."),
    "refusal.audit_key_short": both(
        "审计密钥至少须有 {least} 个字符。", "The audit key must be at least {least} characters."
    ),
    "refusal.audit_malformed": both("审计记录的格式不正确。", "The audit record is malformed."),
    "refusal.bad_day_count": both("交易日数须为非负整数。", "The number of trading days must be 0 or more."),
    "refusal.bad_month_count": both("月数须为非负整数。", "The number of months must be 0 or more."),
    "refusal.bad_week_count": both("周数须为非负整数。", "The number of weeks must be 0 or more."),
    "refusal.batch_too_large": both("每批最多 {most} 笔转账。", "A batch holds at most {most} transfers."),
    "refusal.code_invalid": both(
        "编码须为以点连接的小写英文单词，最多 48 个字符。",
        "A code must be lowercase words joined by dots, at most 48 characters.",
    ),
    "refusal.currency_invalid": both(
        "币种须为三个大写字母，例如 CNY。", "A currency is three capital letters such as CNY."
    ),
    "refusal.day_range_too_long": both(
        "交易日区间最多跨 {most} 天。", "A range of trading days may span at most {most} days."
    ),
    "refusal.document_hash_invalid": both(
        "材料的哈希值须为 64 位小写十六进制数。", "A document hash is 64 lowercase hex digits."
    ),
    "refusal.document_kind_invalid": both("不认识该材料类型。", "That document kind is not known."),
    "refusal.flags_invalid": both("标志位中含有未定义的位。", "The flags hold undefined bits."),
    "refusal.id_invalid": both(
        "编号须为 1 至 200 个字母、数字或 _.:@/+=- 字符。",
        "An id must be 1 to 200 letters, digits or _.:@/+=- characters.",
    ),
    "refusal.language_invalid": both("不支持该语言。", "That language is not supported."),
    "refusal.limit_invalid": both(
        "数量须为 1 至 {most} 的整数。", "The limit must be a whole number from 1 to {most}."
    ),
    "refusal.naive_time": both("时间须带时区。", "Times must carry their time zone."),
    "refusal.name_invalid": both(
        "名称须为 1 至 64 个字母、数字或 _.- 字符。",
        "A name must be 1 to 64 letters, digits or _.- characters.",
    ),
    "refusal.notification_incomplete": both(
        "通知须有收件人和内容。", "A notification needs a recipient and a text."
    ),
    "refusal.notification_secret": both(
        "通知中的密文须包含在通知内容里。", "A notification's secret must be part of its text."
    ),
    "refusal.page_invalid": both(
        "每页 1 至 {most} 条，页码从 0 开始。", "A page holds 1 to {most} loans and pages count from 0."
    ),
    "refusal.period_invalid": both("统计周期须为按日或按月。", "The period must be a day or a month."),
    "refusal.request_id_too_long": both(
        "申请编号最多 {most} 个字符。", "A request id is at most {most} characters."
    ),
    "refusal.statement_page_size": both(
        "每页流水为 1 至 1000 条。", "A statement page holds 1 to 1000 entries."
    ),
    "refusal.telegram_id_invalid": both("Telegram 用户编号无效。", "That is not a Telegram user id."),
    "refusal.template_unknown": both("没有该通知模板。", "There is no such notification template."),
    "refusal.template_values": both(
        "通知模板的参数与模板不符。", "The values do not fit the notification template."
    ),
    "refusal.text_length": both(
        "文字长度须为 {least} 至 {most} 个字。", "The text must be {least} to {most} characters long."
    ),
    "refusal.text_too_long": both(
        "文字最多 {most} 个字。", "The text may be at most {most} characters long."
    ),
    "refusal.timeout_invalid": both(
        "超时须为 0 至 {most} 秒的整数。", "The timeout must be a whole number of seconds from 0 to {most}."
    ),
    "refusal.transaction_id_too_long": both(
        "交易编号最多 {most} 个字符。", "A transaction id is at most {most} characters."
    ),
    "refusal.ttl_invalid": both(
        "有效期须为正的秒数。", "The time to live must be a positive number of seconds."
    ),
    "refusal.whole_number": both("数值须为整数。", "The value must be a whole number."),
    "refusal.wrong_type": both("输入的数据类型不正确。", "The input is of the wrong type."),
}

REFUSAL_TEXTS: Texts = {
    **_NOT_FOUND,
    **_DECIDED,
    **_REUSED,
    **_CUSTOMER,
    **BUSINESS_REFUSAL_TEXTS,
    **_MONEY,
    **_STAFF,
    **_PRODUCT,
    **_SYSTEM,
}
"""``refusal.<code>`` → its text, for every code core raises with (a test holds them to one another)."""
