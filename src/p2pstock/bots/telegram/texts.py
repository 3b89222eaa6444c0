"""Every text the bot sends, in Chinese and English.

``TEXTS`` maps a key to its two versions; ``text(key, lang, **values)`` fills the ``{name}``
placeholders. Both versions of a key name the same placeholders (a test holds them to it). A customer
reads the language stored with them; a new customer starts in the language of their Telegram app
(``language_from_telegram``) and switches with /language. Texts are sent as plain text (no parse mode),
so nothing a user typed can turn into markup.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from types import MappingProxyType

from p2pstock.bots.telegram.allocation_admin_texts import ADMIN_ALLOCATION_TEXTS
from p2pstock.bots.telegram.allocation_texts import ALLOCATION_TEXTS
from p2pstock.bots.telegram.back_office_texts import CAPITAL_TEXTS, PRODUCT_TEXTS
from p2pstock.bots.telegram.calendar_texts import ADMIN_CALENDAR_TEXTS
from p2pstock.bots.telegram.lending_texts import LENDING_TEXTS
from p2pstock.bots.telegram.payment_texts import PAYMENT_TEXTS
from p2pstock.bots.telegram.refusal_texts import REFUSAL_TEXTS
from p2pstock.core.names import shown

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"


def _t(zh: str, en: str) -> Mapping[str, str]:
    return MappingProxyType({"zh": zh, "en": en})


TEXTS: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        # -- general ---------------------------------------------------------------------------------
        "welcome": _t(
            "欢迎使用 {brand}，{name}！请选择您要办理的业务：",
            "Welcome to {brand}, {name}! What would you like to do?",
        ),
        "menu.title": _t("请选择您要办理的业务：", "What would you like to do?"),
        "menu.wallet": _t("💰 我的钱包", "💰 Wallet"),
        "menu.statement": _t("📜 资金动态", "📜 Fund activity"),
        "menu.deposit": _t("➕ 充值", "➕ Deposit"),
        "menu.withdraw": _t("➖ 提现", "➖ Withdraw"),
        "menu.phone": _t("📱 验证手机", "📱 Verify phone"),
        "menu.identity": _t("🪪 实名认证", "🪪 Identity"),
        "menu.documents": _t("📎 上传材料", "📎 Documents"),
        "menu.status": _t("✅ 认证状态", "✅ Verification status"),
        "menu.language": _t("🌐 语言 / Language", "🌐 Language / 语言"),
        "outdated": _t("此按钮已失效。", "This button is outdated."),
        "cancelled": _t("已取消。", "Cancelled."),
        "busy": _t("正在处理，请稍候。", "Working on it, one moment."),
        "unknown_message": _t(
            "没有理解您的消息。请使用下方菜单或发送 /menu。",
            "I did not understand that. Please use the menu below or send /menu.",
        ),
        "error.generic": _t(
            "抱歉，系统出了点问题，请稍后再试。", "Sorry, something went wrong. Please try again later."
        ),
        # -- language --------------------------------------------------------------------------------
        "language.choose": _t("请选择语言：", "Choose your language:"),
        "language.set": _t("语言已设置为中文。", "Language set to English."),
        # -- phone -----------------------------------------------------------------------------------
        "phone.ask": _t(
            "请点击下方按钮分享您的手机号，我们会发送短信验证码。",
            "Please tap the button below to share your phone number; we will text you a code.",
        ),
        "phone.button": _t("📱 分享我的手机号", "📱 Share my phone number"),
        "phone.use_button": _t(
            "请使用下方按钮分享手机号，或发送 /cancel 取消。",
            "Please use the button below to share your number, or send /cancel.",
        ),
        "phone.not_own": _t(
            "请分享您本人的手机号（使用下方按钮），不要转发他人的名片。",
            "Please share your own number with the button below, not someone else's contact.",
        ),
        "phone.not_mainland": _t(
            "目前仅支持中国大陆手机号。", "Only mainland China mobile numbers are supported for now."
        ),
        "phone.locked": _t(
            "您的身份信息已提交，暂不能更换手机号。",
            "Your identity has been submitted; the phone number cannot be changed now.",
        ),
        "phone.code_sent": _t(
            "验证码已发送至 {phone}，{minutes} 分钟内有效。请输入短信中的验证码：",
            "A code was sent to {phone}; it is valid for {minutes} minutes. Please type it here:",
        ),
        "phone.code_format": _t(
            "请输入短信中的 {length} 位数字验证码。如需新验证码，请发送 /phone。",
            "Please type the {length}-digit code from the text message. For a new code, send /phone.",
        ),
        "phone.verified": _t("手机号 {phone} 已验证。", "Your phone number {phone} is verified."),
        "code.wrong": _t(
            "验证码不正确，您还可以尝试 {attempts} 次。",
            "That code is not right. You have {attempts} attempts left.",
        ),
        "code.resend_too_soon": _t(
            "验证码刚刚发送过，请在 {seconds} 秒后再获取新的验证码。",
            "A code was sent moments ago; please wait {seconds} seconds before asking for another.",
        ),
        "code.too_many.hour": _t(
            "该号码在一小时内获取验证码次数过多，请稍后再试。",
            "Too many codes were sent to this number in the last hour; please try again later.",
        ),
        "code.too_many.day": _t(
            "该号码今天获取验证码次数过多，请明天再试。",
            "Too many codes were sent to this number today; please try again tomorrow.",
        ),
        "code.expired": _t(
            "验证码已过期，请发送 /phone 获取新的验证码。",
            "The code has expired. Send /phone to get a new one.",
        ),
        "code.used": _t(
            "该验证码已使用过，请发送 /phone 获取新的验证码。",
            "That code was already used. Send /phone to get a new one.",
        ),
        "code.too_many_attempts": _t(
            "错误次数过多，该验证码已失效。请发送 /phone 获取新的验证码。",
            "Too many wrong codes; this code no longer works. Send /phone to get a new one.",
        ),
        # -- identity --------------------------------------------------------------------------------
        "identity.need_phone": _t(
            "请先验证手机号（/phone），再进行实名认证。",
            "Please verify your phone number first (/phone), then your identity.",
        ),
        "identity.already_submitted": _t(
            "您的身份信息已提交，正在审核中。", "Your identity has been submitted and is being reviewed."
        ),
        "identity.already_verified": _t("您已完成实名认证。", "Your identity is already verified."),
        "identity.ask_name": _t("请输入您的真实姓名：", "Please type your real name:"),
        "identity.bad_name": _t(
            "姓名应为 2 到 50 个字符，请重新输入：", "A name has 2 to 50 characters; please type it again:"
        ),
        "identity.ask_number": _t(
            "请输入您的 18 位居民身份证号码：", "Please type your 18-character resident ID number:"
        ),
        "identity.bad_number": _t(
            "{detail}\n请检查身份证号码后重新输入，或发送 /cancel 取消。",
            "{detail}\nPlease check the ID number and type it again, or send /cancel.",
        ),
        "identity.submitted": _t(
            "已提交实名信息：{name}，身份证号 {masked}。"
            "请上传身份证正反面照片（/documents），我们会尽快审核。",
            "Identity submitted: {name}, ID number {masked}. Please upload both sides of your ID card"
            " (/documents); we will review them soon.",
        ),
        # -- documents -------------------------------------------------------------------------------
        "documents.choose": _t("请选择要上传的材料：", "Which document would you like to upload?"),
        "documents.send_file": _t(
            "请发送{kind}的照片或文件（JPEG、PNG 或 PDF，不超过 {megabytes} MB）：",
            "Please send a photo or file of your {kind} (JPEG, PNG or PDF, at most {megabytes} MB):",
        ),
        "documents.need_file": _t(
            "请发送照片或文件，或发送 /cancel 取消。", "Please send a photo or a file, or send /cancel."
        ),
        "documents.wrong_type": _t(
            "只接受 JPEG、PNG 或 PDF 文件。", "Only JPEG, PNG and PDF files are accepted."
        ),
        "documents.too_large": _t(
            "文件过大，最大 {megabytes} MB。", "The file is too large; at most {megabytes} MB."
        ),
        "documents.refused.empty": _t("文件是空的，请重新发送。", "The file is empty; please send it again."),
        "documents.refused.image": _t(
            "这张图片无法打开（文件已损坏或并非真正的 JPEG/PNG 图片），未保存。请重新拍照或导出后发送。",
            "This picture cannot be opened (the file is damaged or not really a JPEG or PNG image), so it"
            " was not kept. Please take the photo again or export it anew, and send it.",
        ),
        "documents.refused.too_many_pixels": _t(
            "图片像素过多，未保存。请发送普通尺寸的照片。",
            "The picture has far too many pixels, so it was not kept. Please send a photo of ordinary size.",
        ),
        "documents.refused.pdf": _t(
            "这个 PDF 文件已损坏或并非真正的 PDF，未保存。请重新导出后发送。",
            "This PDF is damaged or not really a PDF, so it was not kept. Please export it again and"
            " send it.",
        ),
        "documents.received": _t(
            "已收到{kind}，等待审核。还可以继续上传其他材料：",
            "Your {kind} was received and awaits review. You may upload another document:",
        ),
        # -- status ----------------------------------------------------------------------------------
        "status.title": _t("认证状态：{status}", "Verification status: {status}"),
        "status.reason": _t("原因：{reason}", "Reason: {reason}"),
        "status.phone": _t("手机号：{phone}", "Phone: {phone}"),
        "status.identity": _t("实名：{name}（{masked}）", "Identity: {name} ({masked})"),
        "status.documents": _t("已上传材料：", "Documents:"),
        "status.no_documents": _t("尚未上传材料。", "No documents uploaded yet."),
        "status.document": _t("· {kind}：{review}", "· {kind}: {review}"),
        "status.document_rejected": _t("· {kind}：{review}（{reason}）", "· {kind}: {review} ({reason})"),
        # -- wallet ----------------------------------------------------------------------------------
        "wallet.show": _t(
            "💰 我的钱包\n可用余额：{available}\n冻结金额：{frozen}\n总额：{total}",
            "💰 Your wallet\nAvailable: {available}\nFrozen: {frozen}\nTotal: {total}",
        ),
        "deposit.ask": _t(
            "请输入充值金额（例如 1000 或 1,000.50）：",
            "How much would you like to deposit? (for example 1000 or 1,000.50)",
        ),
        "deposit.unavailable": _t(
            "暂时无法在线充值，请稍后再试。", "Deposits are not available right now; please try later."
        ),
        "deposit.link": _t(
            "充值订单已创建：{amount}。请点击下方按钮完成支付，到账后我们会通知您。",
            "Your deposit order for {amount} is ready. Tap the button below to pay; we will tell you"
            " when it is credited.",
        ),
        "deposit.button": _t("前往支付", "Pay now"),
        "withdraw.ask": _t(
            "可用余额 {available}。请输入提现金额：",
            "You have {available} available. How much would you like to withdraw?",
        ),
        "withdraw.confirm": _t("确认提现 {amount}？", "Withdraw {amount}?"),
        "withdraw.confirm_button": _t("✅ 确认提现", "✅ Confirm"),
        "withdraw.cancel_button": _t("✖️ 取消", "✖️ Cancel"),
        "withdraw.requested": _t(
            "提现申请已提交：{amount} 已冻结，等待审核。",
            "Withdrawal requested: {amount} is frozen and awaits review.",
        ),
        "withdraw.cancelled": _t("已取消提现。", "Withdrawal cancelled."),
        # -- fund activity ---------------------------------------------------------------------------
        "statement.title": _t("📜 资金动态（第 {page} 页）", "📜 Fund activity (page {page})"),
        "statement.empty": _t("暂无资金动态。", "No fund activity yet."),
        "statement.line": _t(
            "{day} {what} {change}\n    可用 {available}，冻结 {frozen}",
            "{day} {what} {change}\n    available {available}, frozen {frozen}",
        ),
        "statement.previous": _t("◀ 上一页", "◀ Previous"),
        "statement.next": _t("下一页 ▶", "Next ▶"),
        "entry.pending": _t("（冻结）", "(frozen)"),
        "entry.post": _t("（完成）", "(completed)"),
        "entry.void": _t("（解冻）", "(released)"),
        "entry.expire": _t("（到期解冻）", "(expired, released)"),
        # -- amounts typed ---------------------------------------------------------------------------
        "money.invalid": _t("金额无法识别，请重新输入：", "That amount is not clear; please type it again:"),
        "money.too_many_decimals": _t("金额最多两位小数。", "An amount has at most two decimals."),
        "money.negative": _t("金额不能为负数。", "The amount cannot be negative."),
        "money.zero": _t("金额必须大于零。", "The amount must be more than zero."),
        "money.too_large": _t("金额过大。", "The amount is too large."),
        "money.empty": _t("请输入金额。", "Please type an amount."),
        "money.bad_grouping": _t(
            "千位分隔符应每三位一组，例如 1,000.50。", "Thousands separators group three digits: 1,000.50."
        ),
        "money.exponent": _t("请不要使用科学计数法。", "Please do not use exponent notation."),
        "money.currency_mismatch": _t("请输入人民币金额。", "Please type an amount in yuan (CNY)."),
        # -- administrators ----------------------------------------------------------------------------
        "admin.menu": _t("管理菜单（{admin}）：", "Administration ({admin}):"),
        "admin.no_queues": _t("您的角色没有可处理的队列。", "Your roles give you no queue to work on."),
        "admin.queue.documents": _t("📎 待审材料", "📎 Documents to review"),
        "admin.queue.identities": _t("🪪 待审实名", "🪪 Identities to review"),
        "admin.queue.withdrawals": _t("💸 待审提现", "💸 Withdrawals to decide"),
        "admin.queue.approvals": _t("👥 待复核", "👥 Approvals (four eyes)"),
        "admin.queue.audit": _t("🔍 审计校验", "🔍 Check the audit trail"),
        "admin.queue.stats": _t("📊 平台统计", "📊 Platform statistics"),
        "admin.queue.roles": _t("🛡 管理员与角色", "🛡 Administrators and roles"),
        "admin.empty": _t("队列为空。", "Nothing is waiting."),
        "admin.more": _t(
            "以上为前 {shown} 项，处理后再次打开队列可查看更多。",
            "These are the first {shown}; open the queue again for more.",
        ),
        "admin.document": _t(
            "材料 {id}\n客户：{customer}\n类型：{kind}\n上传时间：{uploaded}",
            "Document {id}\nCustomer: {customer}\nKind: {kind}\nUploaded: {uploaded}",
        ),
        "admin.identity": _t(
            "实名 {customer}\n姓名：{name}\n身份证：{masked}\n手机：{phone}",
            "Identity of {customer}\nName: {name}\nID number: {masked}\nPhone: {phone}",
        ),
        "admin.withdrawal": _t(
            "提现 {id}\n客户：{customer}\n金额：{amount}\n申请时间：{requested}",
            "Withdrawal {id}\nCustomer: {customer}\nAmount: {amount}\nRequested: {requested}",
        ),
        "admin.approval": _t(
            "复核 {id}\n操作：{action}\n对象：{target}\n金额：{amount}\n发起人：{maker}\n截止：{expires}",
            "Approval {id}\nAction: {action}\nTarget: {target}\nAmount: {amount}\nMaker: {maker}\n"
            "Expires: {expires}",
        ),
        "admin.no_buttons": _t(
            "（编号过长，无法用按钮处理）", "(the id is too long for buttons; decide it elsewhere)"
        ),
        "admin.accept": _t("✅ 通过", "✅ Accept"),
        "admin.reject": _t("❌ 驳回", "❌ Reject"),
        "admin.approve": _t("✅ 同意", "✅ Approve"),
        "admin.ask_reason": _t(
            "请输入驳回原因（客户或发起人会看到），或发送 /cancel 取消：",
            "Type the reason for the rejection (the customer or the maker will read it), or send /cancel:",
        ),
        "admin.document_accepted": _t("材料 {id} 已通过。", "Document {id} accepted."),
        "admin.document_rejected": _t("材料 {id} 已驳回：{reason}", "Document {id} rejected: {reason}"),
        "admin.identity_verified": _t(
            "客户 {customer} 已通过实名认证。", "The identity of {customer} is verified."
        ),
        "admin.identity_rejected": _t(
            "客户 {customer} 的实名认证已驳回：{reason}", "The identity of {customer} was rejected: {reason}"
        ),
        "admin.withdrawal_approved": _t(
            "提现 {id}（{amount}）已批准。", "Withdrawal {id} ({amount}) approved."
        ),
        "admin.withdrawal_waiting": _t(
            "提现 {id}（{amount}）需要第二位管理员复核，已提交复核申请 {approval}。",
            "Withdrawal {id} ({amount}) needs a second administrator: approval request {approval} is open.",
        ),
        "admin.withdrawal_rejected": _t(
            "提现 {id}（{amount}）已驳回：{reason}", "Withdrawal {id} ({amount}) rejected: {reason}"
        ),
        "admin.approval_approved": _t(
            "复核 {id} 已同意，操作已执行。", "Approval {id} approved; the action was carried out."
        ),
        "admin.approval_rejected": _t("复核 {id} 已驳回：{reason}", "Approval {id} rejected: {reason}"),
        "admin.audit_ok": _t(
            "审计链完整，共校验 {checked} 条记录。", "The audit trail is intact: {checked} records checked."
        ),
        "admin.audit_broken": _t(
            "审计链在第 {seq} 条记录处断开（{reason}），此前 {checked} 条完好。",
            "The audit trail is broken at record {seq} ({reason}); the {checked} before it hold.",
        ),
        "admin.audit.fault.hash": _t("记录内容与其哈希不符", "hash does not match the record"),
        "admin.audit.fault.previous": _t("与前一条记录的哈希不衔接", "previous hash does not match"),
        "admin.audit.fault.gap": _t("序号不连续", "sequence gap"),
        "admin.audit.fault.seal": _t(
            "签章与记录不符（未用审计密钥写入）",
            "seal does not match the record (written without the audit key)",
        ),
        "admin.audit.fault.unsealed": _t(
            "此前的记录有签章，这条却没有", "record is not sealed, though one before it is"
        ),
        "admin.audit.fault.unsealed_head": _t(
            "最新记录没有签章：签章被去除，或设置审计密钥后尚无新记录",
            "the newest record is not sealed: the seals were stripped, or nothing was audited since the "
            "audit key was set",
        ),
        "admin.audit.fault.missing": _t(
            "链头指向更后的记录：最新的记录不见了",
            "the stored head names a later record: the newest records are missing",
        ),
        "admin.audit.fault.head": _t(
            "链头与最新记录不符", "the stored head does not match the newest record"
        ),
        "admin.audit.fault.beyond_head": _t(
            "链头之后还有记录：链头被回退", "records follow the stored head: the head was rewound"
        ),
        "admin.audit.fault.not_held": _t(
            "审计链中没有先前记下的链头", "the trail does not hold the head recorded earlier"
        ),
        # -- statistics ------------------------------------------------------------------------------
        "admin.stats": _t(
            "📊 平台统计\n客户总数：{customers}\n{statuses}\n待审材料：{documents}\n待审实名：{identities}\n"
            "待审提现：{withdrawals} 笔，共 {pending}\n{day} 资金流动：\n{moved}",
            "📊 Platform statistics\nCustomers: {customers}\n{statuses}\nDocuments to review: {documents}\n"
            "Identities to review: {identities}\nPending withdrawals: {withdrawals}, {pending} in all\n"
            "Money moved on {day}:\n{moved}",
        ),
        "admin.stats.status": _t("· {status}：{count}", "· {status}: {count}"),
        "admin.stats.moved": _t(
            "· {code}：{amount}，共 {count} 笔", "· {code}: {amount}, transfers: {count}"
        ),
        "admin.stats.nothing_moved": _t("· 无", "· none"),
        # -- administrators and roles ----------------------------------------------------------------
        "admin.roles.title": _t("管理员：", "Administrators:"),
        "admin.roles.line": _t("· {admin}：{roles}（{state}）", "· {admin}: {roles} ({state})"),
        "admin.roles.active": _t("在职", "active"),
        "admin.roles.inactive": _t("已停用", "deactivated"),
        "admin.roles.appoint": _t("➕ 任命管理员", "➕ Appoint an administrator"),
        "admin.roles.change": _t("🔁 更改角色", "🔁 Change roles"),
        "admin.roles.deactivate": _t("⛔ 停用管理员", "⛔ Deactivate an administrator"),
        "admin.roles.define": _t("🧩 定义角色", "🧩 Define a role"),
        "admin.roles.custom_title": _t("自定义角色：", "Custom roles:"),
        "admin.roles.custom_line": _t("· {role}：{permissions}", "· {role}: {permissions}"),
        "admin.roles.custom_description": _t("  {description}", "  {description}"),
        "admin.roles.left_out": _t(
            "（另有 {count} 项无法用按钮显示）", "({count} more cannot be shown as buttons)"
        ),
        "admin.roles.waiting": _t(
            "对 {admin} 的变更正在等待第二位管理员复核（申请 {approval}）。",
            "The change for {admin} is waiting for a second administrator (request {approval}).",
        ),
        "admin.roles.other_waiting": _t(
            "对 {admin} 的另一项变更已在等待第二位管理员复核（申请 {approval}），请先让其通过或驳回。",
            "Another change for {admin} is already waiting for a second administrator (request"
            " {approval}); have it approved or rejected first.",
        ),
        "admin.appoint.ask_id": _t(
            "请输入新管理员的编号（字母、数字及 _.:@/+=-），或发送 /cancel 取消：",
            "Type the new administrator's id (letters, digits and _.:@/+=-), or send /cancel:",
        ),
        "admin.appoint.exists": _t(
            "{admin} 已是在职管理员，请改用“更改角色”。请输入另一个编号，或发送 /cancel 取消：",
            "{admin} is already an active administrator; change their role instead. Type another id,"
            " or send /cancel:",
        ),
        "admin.appoint.ask_telegram": _t(
            "请输入 {admin} 使用的 Telegram 用户 ID（一串数字），或发送 /cancel 取消：",
            "Type the Telegram user id {admin} uses (a number), or send /cancel:",
        ),
        "admin.appoint.telegram_taken": _t(
            "该 Telegram 账号已属于管理员 {admin}。请输入另一个 ID，或发送 /cancel 取消：",
            "That Telegram account already belongs to administrator {admin}. Type another id, or send"
            " /cancel:",
        ),
        "admin.appoint.choose_role": _t(
            "请选择 {admin}（Telegram {telegram}）的角色：",
            "Choose the role of {admin} (Telegram {telegram}):",
        ),
        "admin.appoint.done": _t(
            "{admin} 已任命为管理员，角色：{roles}。", "{admin} is now an administrator: {roles}."
        ),
        "admin.change.choose_admin": _t("请选择要更改角色的管理员：", "Whose roles are to change?"),
        "admin.change.choose_role": _t(
            "点击角色，为 {admin} 添加或取消该角色（✓ 为目前担任的：{roles}）：",
            "Tap a role to give it to {admin} or take it away (✓ held now: {roles}):",
        ),
        "admin.change.last_role": _t(
            "{role} 是 {admin} 唯一的角色，不能取消；如需收回全部权限，请停用该管理员。",
            "{role} is the only role {admin} holds; to take every permission away, deactivate them instead.",
        ),
        "admin.change.done": _t("{admin} 的角色已改为：{roles}。", "{admin} now holds: {roles}."),
        "admin.deactivate.choose_admin": _t(
            "请选择要停用的管理员：", "Which administrator is to be deactivated?"
        ),
        "admin.deactivate.confirm": _t(
            "确认停用 {admin}（{roles}）？停用后其所有权限将被收回。",
            "Deactivate {admin} ({roles})? They lose every permission.",
        ),
        "admin.deactivate.yes": _t("⛔ 确认停用", "⛔ Deactivate"),
        "admin.deactivate.no": _t("✖️ 取消", "✖️ Keep"),
        "admin.deactivate.done": _t("{admin} 已停用。", "{admin} is deactivated."),
        "admin.define.ask_name": _t(
            "请输入新角色的名称（小写英文单词，用 _ 连接，最多 {max} 个字符，例如 risk_auditor），"
            "或发送 /cancel 取消：",
            "Type the name of the role (lowercase words joined by _, at most {max} characters, for"
            " example risk_auditor), or send /cancel:",
        ),
        "admin.define.bad_name": _t(
            "角色名称须为小写英文单词并用 _ 连接，最多 {max} 个字符。请重新输入，或发送 /cancel 取消：",
            "A role name is lowercase words joined by _, at most {max} characters. Type it again, or"
            " send /cancel:",
        ),
        "admin.define.default_name": _t(
            "{role} 是系统默认角色，不能重新定义。请输入另一个名称，或发送 /cancel 取消：",
            "{role} is a default role and cannot be redefined. Type another name, or send /cancel:",
        ),
        "admin.define.choose_permissions": _t(
            "请选择角色 {role} 的权限（点击勾选或取消），选好后点击“完成”：",
            "Choose the permissions of the role {role} (tap to tick or untick), then press Done:",
        ),
        "admin.define.redefine": _t(
            "角色 {role} 已存在，已勾选其现有权限；您的选择将替换它们。",
            "The role {role} exists: its permissions are ticked, and what you choose replaces them.",
        ),
        "admin.define.done_button": _t("✅ 完成", "✅ Done"),
        "admin.define.no_permissions": _t(
            "请至少选择一项权限，然后点击“完成”。", "Choose at least one permission, then press Done."
        ),
        "admin.define.use_buttons": _t(
            "请用上方按钮选择权限并点击“完成”，或发送 /cancel 取消。",
            "Choose the permissions with the buttons above and press Done, or send /cancel.",
        ),
        "admin.define.ask_description": _t(
            "请输入角色 {role} 的说明（最多 {max} 个字符），或点击“跳过”：",
            "Type a description of the role {role} (at most {max} characters), or press Skip:",
        ),
        "admin.define.skip": _t("⏭ 跳过", "⏭ Skip"),
        "admin.define.bad_description": _t(
            "说明最多 {max} 个字符，请重新输入，或点击“跳过”：",
            "A description has at most {max} characters; type it again, or press Skip:",
        ),
        "admin.define.done": _t(
            "角色 {role} 已定义：{permissions}", "The role {role} is defined: {permissions}"
        ),
        "admin.define.waiting": _t(
            "角色 {role} 的定义正在等待第二位管理员复核（申请 {approval}）。",
            "The role {role} is waiting for a second administrator (request {approval}).",
        ),
        "admin.define.other_waiting": _t(
            "角色 {role} 的另一项定义已在等待第二位管理员复核（申请 {approval}），请先让其通过或驳回。",
            "Another definition of the role {role} is already waiting for a second administrator"
            " (request {approval}); have it approved or rejected first.",
        ),
        # -- permissions, as buttons and in lists of a role's permissions ----------------------------
        # -- refusals (the error table in errors.py) -------------------------------------------------
        "error.insufficient_funds": _t("可用余额不足。", "Your available balance is not enough."),
        "error.withdrawal_blocked": _t(
            "您有资金冻结在配资中，暂时无法提现。",
            "Withdrawals are paused while funds are frozen in an allocation.",
        ),
        "error.already_decided": _t("该申请已处理过。", "This request has already been decided."),
        "error.idempotency": _t(
            "该申请编号已用于另一笔操作，请重新发起。",
            "This request was already used for something else; please start again.",
        ),
        "error.not_found": _t("未找到相关记录。", "Nothing was found."),
        "error.permission": _t("抱歉，您没有权限执行此操作。", "Sorry, you are not allowed to do that."),
        "error.maker_cannot_check": _t(
            "发起人不能审批自己的申请，需由另一位管理员处理。",
            "You opened this request; another administrator has to decide it.",
        ),
        "error.approval_expired": _t("该审批申请已过期。", "This approval request has expired."),
        "error.term_beyond_calendar": _t(
            "该期限将延续到 {year} 年，而交易所尚未公布 {year} 年的休市安排，暂时无法计算交易日。"
            "请选择较短的期限，或待 {year} 年休市安排公布后再申请。",
            "This term would run into {year}, whose exchange closures are not published yet, so its "
            "trading days cannot be counted. Choose a shorter term, or apply again once {year}'s "
            "closures are published.",
        ),
        "error.refused": _t("操作未能完成。", "That was refused."),
        "error.invalid": _t(
            "输入有误，请检查后重试。", "That input is not valid; please check it and try again."
        ),
        "error.unsafe_text": _t(
            "输入中含有控制字符或不可见字符（如零宽字符、文字方向控制符），请删除后重新输入。",
            "That text holds a control or invisible character (such as a zero-width or text-direction "
            "character); please type it again without it.",
        ),
        "error.busy": _t("系统繁忙，请稍后再试。", "The system is busy; please try again in a moment."),
        **REFUSAL_TEXTS,
        **ALLOCATION_TEXTS,
        **ADMIN_ALLOCATION_TEXTS,
        **LENDING_TEXTS,
        **ADMIN_CALENDAR_TEXTS,
        **PRODUCT_TEXTS,
        **CAPITAL_TEXTS,
        **PAYMENT_TEXTS,
    }
)
"""Text key → language → text with ``{name}`` placeholders."""


def language_from_telegram(language_code: str | None) -> str:
    """The language a new customer starts in: Chinese for any ``zh*`` Telegram app, else English."""
    return "zh" if (language_code or "").lower().startswith("zh") else "en"


def placeholders(template: str) -> frozenset[str]:
    """The names of the ``{name}`` fields in ``template``."""
    return frozenset(name for _text, name, _spec, _conv in string.Formatter().parse(template) if name)


def text(key: str, lang: str, **values: object) -> str:
    """The text ``key`` in ``lang`` (Chinese for a language the bot has no texts in), filled in; an enum
    value is shown by its name in ``lang`` (``core.names``)."""
    versions = TEXTS[key]
    return versions.get(lang, versions[DEFAULT_LANGUAGE]).format(
        **{name: shown(value, lang) for name, value in values.items()}
    )
