"""Every text the bot sends, in Chinese and English.

``TEXTS`` maps a key to its two versions; ``text(key, lang, **values)`` fills the ``{name}``
placeholders. Both versions of a key name the same placeholders (a test holds them to it). A customer
reads the language stored with them; a new customer starts in the language of their Telegram app
(``language_from_telegram``) and switches with /language. Texts are sent as plain text (no parse mode),
so nothing a user typed can turn into markup.
"""

from __future__ import annotations

import string
from types import MappingProxyType

from p2pstock.bots.telegram.admin_lookup_texts import LOOKUP_TEXTS
from p2pstock.bots.telegram.admin_stress_texts import STRESS_TEXTS
from p2pstock.bots.telegram.allocation_admin_texts import ADMIN_ALLOCATION_TEXTS
from p2pstock.bots.telegram.allocation_flagged_texts import FLAGGED_TEXTS
from p2pstock.bots.telegram.allocation_ladder_texts import LADDER_TEXTS
from p2pstock.bots.telegram.allocation_papers_texts import ALLOCATION_PAPER_TEXTS
from p2pstock.bots.telegram.allocation_resizing_texts import RESIZE_TEXTS
from p2pstock.bots.telegram.allocation_texts import ALLOCATION_TEXTS
from p2pstock.bots.telegram.back_office_texts import CAPITAL_TEXTS, PRODUCT_TEXTS
from p2pstock.bots.telegram.bilingual import Texts, both
from p2pstock.bots.telegram.calendar_texts import ADMIN_CALENDAR_TEXTS
from p2pstock.bots.telegram.holdings_texts import HOLDINGS_TEXTS
from p2pstock.bots.telegram.lending_auto_texts import AUTO_INVEST_TEXTS
from p2pstock.bots.telegram.lending_guarantee_texts import GUARANTEE_TEXTS
from p2pstock.bots.telegram.lending_papers_texts import PAPER_TEXTS
from p2pstock.bots.telegram.lending_texts import LENDING_TEXTS
from p2pstock.bots.telegram.lending_transfer_texts import TRANSFER_TEXTS
from p2pstock.bots.telegram.payment_texts import PAYMENT_TEXTS
from p2pstock.bots.telegram.refusal_texts import REFUSAL_TEXTS
from p2pstock.bots.telegram.staff_texts import STAFF_TEXTS
from p2pstock.bots.telegram.statement_texts import STATEMENT_TEXTS
from p2pstock.core.names import shown

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"


TEXTS: Texts = MappingProxyType(
    {
        # -- general ---------------------------------------------------------------------------------
        "welcome": both(
            "欢迎使用 {brand}，{name}！请选择您要办理的业务：",
            "Welcome to {brand}, {name}! What would you like to do?",
        ),
        "menu.title": both("请选择您要办理的业务：", "What would you like to do?"),
        "menu.wallet": both("💰 我的钱包", "💰 Wallet"),
        "menu.statement": both("📜 资金动态", "📜 Fund activity"),
        "menu.deposit": both("➕ 充值", "➕ Deposit"),
        "menu.withdraw": both("➖ 提现", "➖ Withdraw"),
        "menu.phone": both("📱 验证手机", "📱 Verify phone"),
        "menu.identity": both("🪪 实名认证", "🪪 Identity"),
        "menu.documents": both("📎 上传材料", "📎 Documents"),
        "menu.status": both("✅ 认证状态", "✅ Verification status"),
        "menu.language": both("🌐 语言 / Language", "🌐 Language / 语言"),
        "outdated": both("此按钮已失效。", "This button is outdated."),
        "cancelled": both("已取消。", "Cancelled."),
        "drop.button": both("✖️ 取消", "✖️ Cancel"),
        "confirm.button": both("✅ 确认", "✅ Confirm"),
        "reason": both("原因：{reason}", "Reason: {reason}"),
        "busy": both("正在处理，请稍候。", "Working on it, one moment."),
        "unknown_message": both(
            "没有理解您的消息。请使用下方菜单或发送 /menu。",
            "I did not understand that. Please use the menu below or send /menu.",
        ),
        "error.generic": both(
            "抱歉，系统出了点问题，请稍后再试。", "Sorry, something went wrong. Please try again later."
        ),
        # -- language --------------------------------------------------------------------------------
        "language.choose": both("请选择语言：", "Choose your language:"),
        "language.set": both("语言已设置为中文。", "Language set to English."),
        # -- phone -----------------------------------------------------------------------------------
        "phone.ask": both(
            "请点击下方按钮分享您的手机号，我们会发送短信验证码。",
            "Please tap the button below to share your phone number; we will text you a code.",
        ),
        "phone.button": both("📱 分享我的手机号", "📱 Share my phone number"),
        "phone.use_button": both(
            "请使用下方按钮分享手机号，或发送 /cancel 取消。",
            "Please use the button below to share your number, or send /cancel.",
        ),
        "phone.not_own": both(
            "请分享您本人的手机号（使用下方按钮），不要转发他人的名片。",
            "Please share your own number with the button below, not someone else's contact.",
        ),
        "phone.not_mainland": both(
            "目前仅支持中国大陆手机号。", "Only mainland China mobile numbers are supported for now."
        ),
        "phone.locked": both(
            "您的身份信息已提交，暂不能更换手机号。",
            "Your identity has been submitted; the phone number cannot be changed now.",
        ),
        "phone.code_sent": both(
            "验证码已发送至 {phone}，{minutes} 分钟内有效。请输入短信中的验证码：",
            "A code was sent to {phone}; it is valid for {minutes} minutes. Please type it here:",
        ),
        "phone.code_format": both(
            "请输入短信中的 {length} 位数字验证码。如需新验证码，请发送 /phone。",
            "Please type the {length}-digit code from the text message. For a new code, send /phone.",
        ),
        "phone.verified": both("手机号 {phone} 已验证。", "Your phone number {phone} is verified."),
        "code.wrong": both(
            "验证码不正确，您还可以尝试 {attempts} 次。",
            "That code is not right. You have {attempts} attempts left.",
        ),
        "code.resend_too_soon": both(
            "验证码刚刚发送过，请在 {seconds} 秒后再获取新的验证码。",
            "A code was sent moments ago; please wait {seconds} seconds before asking for another.",
        ),
        "code.too_many.hour": both(
            "该号码在一小时内获取验证码次数过多，请稍后再试。",
            "Too many codes were sent to this number in the last hour; please try again later.",
        ),
        "code.too_many.day": both(
            "该号码今天获取验证码次数过多，请明天再试。",
            "Too many codes were sent to this number today; please try again tomorrow.",
        ),
        "code.expired": both(
            "验证码已过期，请发送 /phone 获取新的验证码。",
            "The code has expired. Send /phone to get a new one.",
        ),
        "code.used": both(
            "该验证码已使用过，请发送 /phone 获取新的验证码。",
            "That code was already used. Send /phone to get a new one.",
        ),
        "code.too_many_attempts": both(
            "错误次数过多，该验证码已失效。请发送 /phone 获取新的验证码。",
            "Too many wrong codes; this code no longer works. Send /phone to get a new one.",
        ),
        # -- identity --------------------------------------------------------------------------------
        "identity.need_phone": both(
            "请先验证手机号（/phone），再进行实名认证。",
            "Please verify your phone number first (/phone), then your identity.",
        ),
        "identity.already_submitted": both(
            "您的身份信息已提交，正在审核中。", "Your identity has been submitted and is being reviewed."
        ),
        "identity.already_verified": both("您已完成实名认证。", "Your identity is already verified."),
        "identity.ask_name": both("请输入您的真实姓名：", "Please type your real name:"),
        "identity.bad_name": both(
            "姓名应为 2 到 50 个字符，请重新输入：", "A name has 2 to 50 characters; please type it again:"
        ),
        "identity.ask_number": both(
            "请输入您的 18 位居民身份证号码：", "Please type your 18-character resident ID number:"
        ),
        "identity.bad_number": both(
            "{detail}\n请检查身份证号码后重新输入，或发送 /cancel 取消。",
            "{detail}\nPlease check the ID number and type it again, or send /cancel.",
        ),
        "identity.submitted": both(
            "已提交实名信息：{name}，身份证号 {masked}。"
            "请上传身份证正反面照片（/documents），我们会尽快审核。",
            "Identity submitted: {name}, ID number {masked}. Please upload both sides of your ID card"
            " (/documents); we will review them soon.",
        ),
        # -- documents -------------------------------------------------------------------------------
        "documents.choose": both("请选择要上传的材料：", "Which document would you like to upload?"),
        "documents.send_file": both(
            "请发送{kind}的照片或文件（JPEG、PNG 或 PDF，不超过 {megabytes} MB）：",
            "Please send a photo or file of your {kind} (JPEG, PNG or PDF, at most {megabytes} MB):",
        ),
        "documents.need_file": both(
            "请发送照片或文件，或发送 /cancel 取消。", "Please send a photo or a file, or send /cancel."
        ),
        "documents.wrong_type": both(
            "只接受 JPEG、PNG 或 PDF 文件。", "Only JPEG, PNG and PDF files are accepted."
        ),
        "file.too_big": both("文件过大，最大 {size}。", "The file is too large; at most {size}."),
        "file.not_utf8": both(
            "无法读取该文件：请用 UTF-8 文本。", "That file cannot be read: send UTF-8 text."
        ),
        "file.send_again": both("请修改后重新发送，或发送 /cancel。", "Send it again corrected, or /cancel."),
        "documents.refused.empty": both(
            "文件是空的，请重新发送。", "The file is empty; please send it again."
        ),
        "documents.refused.image": both(
            "这张图片无法打开（文件已损坏或并非真正的 JPEG/PNG 图片），未保存。请重新拍照或导出后发送。",
            "This picture cannot be opened (the file is damaged or not really a JPEG or PNG image), so it"
            " was not kept. Please take the photo again or export it anew, and send it.",
        ),
        "documents.refused.too_many_pixels": both(
            "图片像素过多，未保存。请发送普通尺寸的照片。",
            "The picture has far too many pixels, so it was not kept. Please send a photo of ordinary size.",
        ),
        "documents.refused.pdf": both(
            "这个 PDF 文件已损坏或并非真正的 PDF，未保存。请重新导出后发送。",
            "This PDF is damaged or not really a PDF, so it was not kept. Please export it again and"
            " send it.",
        ),
        "documents.received": both(
            "已收到{kind}，等待审核。还可以继续上传其他材料：",
            "Your {kind} was received and awaits review. You may upload another document:",
        ),
        # -- status ----------------------------------------------------------------------------------
        "status.title": both("认证状态：{status}", "Verification status: {status}"),
        "status.phone": both("手机号：{phone}", "Phone: {phone}"),
        "status.identity": both("实名：{name}（{masked}）", "Identity: {name} ({masked})"),
        "status.documents": both("已上传材料：", "Documents:"),
        "status.no_documents": both("尚未上传材料。", "No documents uploaded yet."),
        "status.document": both("· {kind}：{review}", "· {kind}: {review}"),
        "status.document_rejected": both("· {kind}：{review}（{reason}）", "· {kind}: {review} ({reason})"),
        # -- wallet ----------------------------------------------------------------------------------
        "wallet.show": both(
            "💰 我的钱包\n可用余额：{available}\n冻结金额：{frozen}\n总额：{total}",
            "💰 Your wallet\nAvailable: {available}\nFrozen: {frozen}\nTotal: {total}",
        ),
        "deposit.ask": both(
            "请输入充值金额（例如 1000 或 1,000.50）：",
            "How much would you like to deposit? (for example 1000 or 1,000.50)",
        ),
        "deposit.unavailable": both(
            "暂时无法在线充值，请稍后再试。", "Deposits are not available right now; please try later."
        ),
        "deposit.link": both(
            "充值订单已创建：{amount}。请点击下方按钮完成支付，到账后我们会通知您。",
            "Your deposit order for {amount} is ready. Tap the button below to pay; we will tell you"
            " when it is credited.",
        ),
        "deposit.button": both("前往支付", "Pay now"),
        "withdraw.ask": both(
            "可用余额 {available}。请输入提现金额：",
            "You have {available} available. How much would you like to withdraw?",
        ),
        "withdraw.over_available": both(
            "提现金额超过可用余额 {available}，请重新输入：",
            "That is more than the {available} you have available. How much would you like to withdraw?",
        ),
        "withdraw.confirm": both("确认提现 {amount}？", "Withdraw {amount}?"),
        "withdraw.confirm_button": both("✅ 确认提现", "✅ Confirm"),
        "withdraw.requested": both(
            "提现申请已提交：{amount} 已冻结，等待审核。",
            "Withdrawal requested: {amount} is frozen and awaits review.",
        ),
        "withdraw.cancelled": both("已取消提现。", "Withdrawal cancelled."),
        # -- fund activity ---------------------------------------------------------------------------
        "statement.title": both(
            "📜 资金动态 · {period}（第 {page} 页，最新在前）",
            "📜 Fund activity · {period} (page {page}, newest first)",
        ),
        "statement.balance": both(
            "可用 {available}，冻结 {frozen}", "Available {available}, frozen {frozen}"
        ),
        "statement.empty": both("暂无资金动态。", "No fund activity yet."),
        "statement.movement": both("{day} {what} {change}{state}", "{day} {what} {change}{state}"),
        "statement.state": both("（{state}）", " ({state})"),
        "statement.partly": both("冻结 {held}，已扣划 {taken}", "{held} frozen, {taken} taken"),
        "statement.released": both("冻结 {held}，{state}", "{held} frozen, {state}"),
        "statement.period.all": both("全部", "everything"),
        "statement.period.month": both("本月", "this month"),
        "statement.period.last": both("上月", "last month"),
        "report.on": both(
            "配资日报：已开启。每个交易日录入状态后，您会收到各笔配资的总资产、盈亏、距警戒线和平仓线的距离与风险率。",
            "Daily allocation report: on. After each trading day's status you get each allocation's total "
            "assets, profit or loss, distance to the warning and liquidation lines and risk ratio.",
        ),
        "report.off": both(
            "配资日报：已关闭。风险提示（触及警戒线、平仓线）仍会照常发送。",
            "Daily allocation report: off. Risk alerts (the warning and liquidation lines) still reach you.",
        ),
        "report.report_off": both("🔕 关闭日报", "🔕 Switch it off"),
        "report.report_on": both("🔔 开启日报", "🔔 Switch it on"),
        "statement.export": both("📄 导出 CSV", "📄 Export as CSV"),
        "statement.exported": both("资金动态，共 {count} 条。", "Fund activity: {count} lines."),
        "statement.csv.time": both("时间", "time"),
        "statement.csv.what": both("项目", "what"),
        "statement.csv.change": both("金额", "amount"),
        "statement.csv.state": both("状态", "state"),
        "statement.previous": both("◀ 上一页", "◀ Previous"),
        "statement.next": both("下一页 ▶", "Next ▶"),
        # -- amounts typed ---------------------------------------------------------------------------
        "money.invalid": both(
            "金额无法识别，请重新输入：", "That amount is not clear; please type it again:"
        ),
        "money.too_many_decimals": both("金额最多两位小数。", "An amount has at most two decimals."),
        "money.negative": both("金额不能为负数。", "The amount cannot be negative."),
        "money.zero": both("金额必须大于零。", "The amount must be more than zero."),
        "money.too_large": both("金额过大。", "The amount is too large."),
        "money.empty": both("请输入金额。", "Please type an amount."),
        "money.bad_grouping": both(
            "千位分隔符应每三位一组，例如 1,000.50。", "Thousands separators group three digits: 1,000.50."
        ),
        "money.exponent": both("请不要使用科学计数法。", "Please do not use exponent notation."),
        "money.currency_mismatch": both("请输入人民币金额。", "Please type an amount in yuan (CNY)."),
        # -- refusals (the error table in errors.py) -------------------------------------------------
        "error.insufficient_funds": both("可用余额不足。", "Your available balance is not enough."),
        "error.withdrawal_blocked": both(
            "您有资金冻结在配资中，暂时无法提现。",
            "Withdrawals are paused while funds are frozen in an allocation.",
        ),
        "error.already_decided": both("该申请已处理过。", "This request has already been decided."),
        "error.idempotency": both(
            "该申请编号已用于另一笔操作，请重新发起。",
            "This request was already used for something else; please start again.",
        ),
        "error.not_found": both("未找到相关记录。", "Nothing was found."),
        "error.permission": both("抱歉，您没有权限执行此操作。", "Sorry, you are not allowed to do that."),
        "error.maker_cannot_check": both(
            "发起人不能审批自己的申请，需由另一位管理员处理。",
            "You opened this request; another administrator has to decide it.",
        ),
        "error.approval_expired": both("该审批申请已过期。", "This approval request has expired."),
        "error.term_beyond_calendar": both(
            "该期限将延续到 {year} 年，而交易所尚未公布 {year} 年的休市安排，暂时无法计算交易日。"
            "请选择较短的期限，或待 {year} 年休市安排公布后再申请。",
            "This term would run into {year}, whose exchange closures are not published yet, so its "
            "trading days cannot be counted. Choose a shorter term, or apply again once {year}'s "
            "closures are published.",
        ),
        "error.refused": both("操作未能完成。", "That was refused."),
        "error.invalid": both(
            "输入有误，请检查后重试。", "That input is not valid; please check it and try again."
        ),
        "error.unsafe_text": both(
            "输入中含有控制字符或不可见字符（如零宽字符、文字方向控制符），请删除后重新输入。",
            "That text holds a control or invisible character (such as a zero-width or text-direction "
            "character); please type it again without it.",
        ),
        "error.busy": both("系统繁忙，请稍后再试。", "The system is busy; please try again in a moment."),
        **REFUSAL_TEXTS,
        **STAFF_TEXTS,
        **LOOKUP_TEXTS,
        **ALLOCATION_TEXTS,
        **ADMIN_ALLOCATION_TEXTS,
        **FLAGGED_TEXTS,
        **LADDER_TEXTS,
        **RESIZE_TEXTS,
        **LENDING_TEXTS,
        **AUTO_INVEST_TEXTS,
        **GUARANTEE_TEXTS,
        **STRESS_TEXTS,
        **TRANSFER_TEXTS,
        **PAPER_TEXTS,
        **ALLOCATION_PAPER_TEXTS,
        **HOLDINGS_TEXTS,
        **ADMIN_CALENDAR_TEXTS,
        **PRODUCT_TEXTS,
        **CAPITAL_TEXTS,
        **PAYMENT_TEXTS,
        **STATEMENT_TEXTS,
    }
)
"""Text key → language → text with ``{name}`` placeholders."""


def language_from_telegram(language_code: str | None) -> str:
    """The language a new customer starts in: Chinese for any ``zh*`` Telegram app, else English."""
    return "zh" if (language_code or "").lower().startswith("zh") else "en"


def placeholders(template: str) -> frozenset[str]:
    """The names of the ``{name}`` fields in ``template``."""
    return frozenset(name for _text, name, _spec, _conv in string.Formatter().parse(template) if name)


def file_size(size: int) -> str:
    """A file's size limit as people read it: in whole megabytes, or kilobytes below one."""
    return f"{size >> 20} MB" if size >> 20 else f"{size >> 10} KB"


def text(key: str, lang: str, **values: object) -> str:
    """The text ``key`` in ``lang`` (Chinese for a language the bot has no texts in), filled in; an enum
    value is shown by its name in ``lang`` (``core.names``)."""
    versions = TEXTS[key]
    return versions.get(lang, versions[DEFAULT_LANGUAGE]).format(
        **{name: shown(value, lang) for name, value in values.items()}
    )
