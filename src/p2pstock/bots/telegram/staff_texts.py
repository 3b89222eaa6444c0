"""What the bot says to administrators, in Chinese and English: the menu and review queues, statistics,
staff roles and appointments (``texts`` gathers every table and holds the rules they follow)."""

from __future__ import annotations

from p2pstock.bots.telegram.bilingual import Texts, both

STAFF_TEXTS: Texts = {
    # -- administrators ----------------------------------------------------------------------------
    "admin.menu": both("管理菜单（{admin}）：", "Administration ({admin}):"),
    "admin.no_queues": both("您的角色没有可处理的队列。", "Your roles give you no queue to work on."),
    "admin.queue.documents": both("📎 待审材料", "📎 Documents to review"),
    "admin.queue.identities": both("🪪 待审实名", "🪪 Identities to review"),
    "admin.queue.withdrawals": both("💸 待审提现", "💸 Withdrawals to decide"),
    "admin.queue.approvals": both("👥 待复核", "👥 Approvals (four eyes)"),
    "admin.queue.audit": both("🔍 审计校验", "🔍 Check the audit trail"),
    "admin.queue.stats": both("📊 平台统计", "📊 Platform statistics"),
    "admin.queue.roles": both("🛡 管理员与角色", "🛡 Administrators and roles"),
    "admin.empty": both("队列为空。", "Nothing is waiting."),
    "admin.page": both("第 {page}/{pages} 页 · 共 {count} 项", "Page {page} of {pages} · {count} in all"),
    "admin.customer_named": both("{name}（{id}）", "{name} ({id})"),
    "admin.document": both(
        "材料 {id}\n客户：{customer}\n身份证：{masked}\n类型：{kind}\n上传时间：{uploaded}",
        "Document {id}\nCustomer: {customer}\nID number: {masked}\nKind: {kind}\nUploaded: {uploaded}",
    ),
    "admin.identity": both(
        "实名 {customer}\n姓名：{name}\n身份证：{masked}\n手机：{phone}",
        "Identity of {customer}\nName: {name}\nID number: {masked}\nPhone: {phone}",
    ),
    "admin.withdrawal": both(
        "提现 {id}\n客户：{customer}\n金额：{amount}\n提现后钱包余额：{after}\n申请时间：{requested}",
        "Withdrawal {id}\nCustomer: {customer}\nAmount: {amount}\nWallet after it: {after}\n"
        "Requested: {requested}",
    ),
    "admin.approval.then.withdrawal.approve": both(
        "批准后钱包余额：{after}", "Once approved the wallet holds {after}"
    ),
    "admin.approval.then.allocation.settle": both(
        "结算后：返还客户 {payout}，客户盈亏 {pnl}（对比本金 {book}：B 加保证金与追加，减已提盈利），"
        "风险保证金抵扣 {from_fund}，穿仓 {shortfall}（{bearer}）",
        "Once settled: {payout} paid to the customer, their profit or loss {pnl} (against {book}: B, the "
        "deposit and top-ups, less profit withdrawn), {from_fund} from the risk fund, a shortfall of "
        "{shortfall} ({bearer})",
    ),
    "admin.approval": both(
        "复核 {id}\n操作：{action}\n对象：{target}\n金额：{amount}\n发起人：{maker}\n截止：{expires}",
        "Approval {id}\nAction: {action}\nTarget: {target}\nAmount: {amount}\nMaker: {maker}\n"
        "Expires: {expires}",
    ),
    "admin.no_buttons": both(
        "（编号过长，无法用按钮处理）", "(the id is too long for buttons; decide it elsewhere)"
    ),
    "admin.accept": both("✅ 通过", "✅ Accept"),
    "admin.reject": both("❌ 驳回", "❌ Reject"),
    "admin.approve": both("✅ 同意", "✅ Approve"),
    "admin.ask_reason": both(
        "请输入驳回原因（客户或发起人会看到），或发送 /cancel 取消：",
        "Type the reason for the rejection (the customer or the maker will read it), or send /cancel:",
    ),
    "admin.document_accepted": both("材料 {id} 已通过。", "Document {id} accepted."),
    "admin.document_rejected": both("材料 {id} 已驳回：{reason}", "Document {id} rejected: {reason}"),
    "admin.identity_verified": both(
        "客户 {customer} 已通过实名认证。", "The identity of {customer} is verified."
    ),
    "admin.identity_rejected": both(
        "客户 {customer} 的实名认证已驳回：{reason}", "The identity of {customer} was rejected: {reason}"
    ),
    "admin.withdrawal_approved": both(
        "提现 {id}（{amount}）已批准。", "Withdrawal {id} ({amount}) approved."
    ),
    "admin.withdrawal_waiting": both(
        "提现 {id}（{amount}）需要第二位管理员复核，已提交复核申请 {approval}。",
        "Withdrawal {id} ({amount}) needs a second administrator: approval request {approval} is open.",
    ),
    "admin.withdrawal_rejected": both(
        "提现 {id}（{amount}）已驳回：{reason}", "Withdrawal {id} ({amount}) rejected: {reason}"
    ),
    "admin.approval_approved": both(
        "复核 {id} 已同意，操作已执行。", "Approval {id} approved; the action was carried out."
    ),
    "admin.approval_rejected": both("复核 {id} 已驳回：{reason}", "Approval {id} rejected: {reason}"),
    "admin.audit_ok": both(
        "审计链完整，共校验 {checked} 条记录。", "The audit trail is intact: {checked} records checked."
    ),
    "admin.audit_broken": both(
        "审计链在第 {seq} 条记录处断开（{reason}），此前 {checked} 条完好。",
        "The audit trail is broken at record {seq} ({reason}); the {checked} before it hold.",
    ),
    "admin.audit.fault.hash": both("记录内容与其哈希不符", "hash does not match the record"),
    "admin.audit.fault.previous": both("与前一条记录的哈希不衔接", "previous hash does not match"),
    "admin.audit.fault.gap": both("序号不连续", "sequence gap"),
    "admin.audit.fault.seal": both(
        "签章与记录不符（未用审计密钥写入）",
        "seal does not match the record (written without the audit key)",
    ),
    "admin.audit.fault.unsealed": both(
        "此前的记录有签章，这条却没有", "record is not sealed, though one before it is"
    ),
    "admin.audit.fault.unsealed_head": both(
        "最新记录没有签章：签章被去除，或设置审计密钥后尚无新记录",
        "the newest record is not sealed: the seals were stripped, or nothing was audited since the "
        "audit key was set",
    ),
    "admin.audit.fault.missing": both(
        "链头指向更后的记录：最新的记录不见了",
        "the stored head names a later record: the newest records are missing",
    ),
    "admin.audit.fault.head": both("链头与最新记录不符", "the stored head does not match the newest record"),
    "admin.audit.fault.beyond_head": both(
        "链头之后还有记录：链头被回退", "records follow the stored head: the head was rewound"
    ),
    "admin.audit.fault.not_held": both(
        "审计链中没有先前记下的链头", "the trail does not hold the head recorded earlier"
    ),
    # -- statistics ------------------------------------------------------------------------------
    "admin.stats": both(
        "📊 平台统计\n客户总数：{customers}\n{statuses}\n待审材料：{documents}\n待审实名：{identities}\n"
        "待审提现：{withdrawals} 笔，共 {pending}\n{day} 资金流动：\n{moved}",
        "📊 Platform statistics\nCustomers: {customers}\n{statuses}\nDocuments to review: {documents}\n"
        "Identities to review: {identities}\nPending withdrawals: {withdrawals}, {pending} in all\n"
        "Money moved on {day}:\n{moved}",
    ),
    "admin.stats.status": both("· {status}：{count}", "· {status}: {count}"),
    "admin.stats.moved": both("· {code}：{amount}，共 {count} 笔", "· {code}: {amount}, transfers: {count}"),
    "admin.stats.nothing_moved": both("· 无", "· none"),
    # -- administrators and roles ----------------------------------------------------------------
    "admin.roles.title": both("管理员：", "Administrators:"),
    "admin.roles.line": both("· {admin}：{roles}（{state}）", "· {admin}: {roles} ({state})"),
    "admin.roles.active": both("在职", "active"),
    "admin.roles.inactive": both("已停用", "deactivated"),
    "admin.roles.appoint": both("➕ 任命管理员", "➕ Appoint an administrator"),
    "admin.roles.change": both("🔁 更改角色", "🔁 Change roles"),
    "admin.roles.deactivate": both("⛔ 停用管理员", "⛔ Deactivate an administrator"),
    "admin.roles.define": both("🧩 定义角色", "🧩 Define a role"),
    "admin.roles.custom_title": both("自定义角色：", "Custom roles:"),
    "admin.roles.custom_line": both("· {role}：{permissions}", "· {role}: {permissions}"),
    "admin.roles.custom_description": both("  {description}", "  {description}"),
    "admin.roles.left_out": both(
        "（另有 {count} 项无法用按钮显示）", "({count} more cannot be shown as buttons)"
    ),
    "admin.roles.waiting": both(
        "对 {admin} 的变更正在等待第二位管理员复核（申请 {approval}）。",
        "The change for {admin} is waiting for a second administrator (request {approval}).",
    ),
    "admin.roles.other_waiting": both(
        "对 {admin} 的另一项变更已在等待第二位管理员复核（申请 {approval}），请先让其通过或驳回。",
        "Another change for {admin} is already waiting for a second administrator (request"
        " {approval}); have it approved or rejected first.",
    ),
    "admin.appoint.ask_id": both(
        "请输入新管理员的编号（字母、数字及 _.:@/+=-），或发送 /cancel 取消：",
        "Type the new administrator's id (letters, digits and _.:@/+=-), or send /cancel:",
    ),
    "admin.appoint.exists": both(
        "{admin} 已是在职管理员，请改用“更改角色”。请输入另一个编号，或发送 /cancel 取消：",
        "{admin} is already an active administrator; change their role instead. Type another id,"
        " or send /cancel:",
    ),
    "admin.appoint.ask_telegram": both(
        "请输入 {admin} 使用的 Telegram 用户 ID（一串数字），或发送 /cancel 取消：",
        "Type the Telegram user id {admin} uses (a number), or send /cancel:",
    ),
    "admin.appoint.telegram_taken": both(
        "该 Telegram 账号已属于管理员 {admin}。请输入另一个 ID，或发送 /cancel 取消：",
        "That Telegram account already belongs to administrator {admin}. Type another id, or send /cancel:",
    ),
    "admin.appoint.choose_role": both(
        "请选择 {admin}（Telegram {telegram}）的角色：",
        "Choose the role of {admin} (Telegram {telegram}):",
    ),
    "admin.appoint.done": both(
        "{admin} 已任命为管理员，角色：{roles}。", "{admin} is now an administrator: {roles}."
    ),
    "admin.change.choose_admin": both("请选择要更改角色的管理员：", "Whose roles are to change?"),
    "admin.change.choose_role": both(
        "点击角色，为 {admin} 添加或取消该角色（✓ 为目前担任的：{roles}）：",
        "Tap a role to give it to {admin} or take it away (✓ held now: {roles}):",
    ),
    "admin.change.last_role": both(
        "{role} 是 {admin} 唯一的角色，不能取消；如需收回全部权限，请停用该管理员。",
        "{role} is the only role {admin} holds; to take every permission away, deactivate them instead.",
    ),
    "admin.change.done": both("{admin} 的角色已改为：{roles}。", "{admin} now holds: {roles}."),
    "admin.deactivate.choose_admin": both(
        "请选择要停用的管理员：", "Which administrator is to be deactivated?"
    ),
    "admin.deactivate.confirm": both(
        "确认停用 {admin}（{roles}）？停用后其所有权限将被收回。",
        "Deactivate {admin} ({roles})? They lose every permission.",
    ),
    "admin.deactivate.yes": both("⛔ 确认停用", "⛔ Deactivate"),
    "admin.deactivate.no": both("✖️ 取消", "✖️ Keep"),
    "admin.deactivate.done": both("{admin} 已停用。", "{admin} is deactivated."),
    "admin.define.ask_name": both(
        "请输入新角色的名称（小写英文单词，用 _ 连接，最多 {max} 个字符，例如 risk_auditor），"
        "或发送 /cancel 取消：",
        "Type the name of the role (lowercase words joined by _, at most {max} characters, for"
        " example risk_auditor), or send /cancel:",
    ),
    "admin.define.bad_name": both(
        "角色名称须为小写英文单词并用 _ 连接，最多 {max} 个字符。请重新输入，或发送 /cancel 取消：",
        "A role name is lowercase words joined by _, at most {max} characters. Type it again, or"
        " send /cancel:",
    ),
    "admin.define.default_name": both(
        "{role} 是系统默认角色，不能重新定义。请输入另一个名称，或发送 /cancel 取消：",
        "{role} is a default role and cannot be redefined. Type another name, or send /cancel:",
    ),
    "admin.define.choose_permissions": both(
        "请选择角色 {role} 的权限（点击勾选或取消），选好后点击“完成”：",
        "Choose the permissions of the role {role} (tap to tick or untick), then press Done:",
    ),
    "admin.define.redefine": both(
        "角色 {role} 已存在，已勾选其现有权限；您的选择将替换它们。",
        "The role {role} exists: its permissions are ticked, and what you choose replaces them.",
    ),
    "admin.define.done_button": both("✅ 完成", "✅ Done"),
    "admin.define.no_permissions": both(
        "请至少选择一项权限，然后点击“完成”。", "Choose at least one permission, then press Done."
    ),
    "admin.define.use_buttons": both(
        "请用上方按钮选择权限并点击“完成”，或发送 /cancel 取消。",
        "Choose the permissions with the buttons above and press Done, or send /cancel.",
    ),
    "admin.define.ask_description": both(
        "请输入角色 {role} 的说明（最多 {max} 个字符），或点击“跳过”：",
        "Type a description of the role {role} (at most {max} characters), or press Skip:",
    ),
    "admin.define.skip": both("⏭ 跳过", "⏭ Skip"),
    "admin.define.bad_description": both(
        "说明最多 {max} 个字符，请重新输入，或点击“跳过”：",
        "A description has at most {max} characters; type it again, or press Skip:",
    ),
    "admin.define.done": both(
        "角色 {role} 已定义：{permissions}", "The role {role} is defined: {permissions}"
    ),
    "admin.define.waiting": both(
        "角色 {role} 的定义正在等待第二位管理员复核（申请 {approval}）。",
        "The role {role} is waiting for a second administrator (request {approval}).",
    ),
    "admin.define.other_waiting": both(
        "角色 {role} 的另一项定义已在等待第二位管理员复核（申请 {approval}），请先让其通过或驳回。",
        "Another definition of the role {role} is already waiting for a second administrator"
        " (request {approval}); have it approved or rejected first.",
    ),
}
"""Text key → language → text, for administrators."""
