"""The texts of an administrator's look-ups: a customer found and their page (``admin_customers``), and
the dashboard (``admin_dashboard``)."""

from __future__ import annotations

from p2pstock.bots.telegram.bilingual import both

LOOKUP_TEXTS = {
    # -- customers -------------------------------------------------------------------------------------
    "admin.queue.customers": both("🔎 客户查询", "🔎 Customers"),
    "admin.cu.ask": both(
        "请输入客户手机号后 4 位以上、姓名或客户编号：",
        "Type the last 4 or more digits of the customer's phone number, their name or their id:",
    ),
    "admin.cu.none": both(
        "没有找到与“{words}”匹配的客户，请重新输入：", "Nobody matches “{words}”. Type another search:"
    ),
    "admin.cu.found": both("找到 {count} 位客户，点按查看：", "{count} found; tap one to open their page:"),
    "admin.cu.line": both("· {id} | {name} | {phone} | {status}", "· {id} | {name} | {phone} | {status}"),
    "admin.cu.open": both("👤 {name}（{id}）", "👤 {name} ({id})"),
    "admin.cu.title": both("👤 客户 {name}（{id}）", "👤 Customer {name} ({id})"),
    "admin.cu.kyc": both(
        "认证：{status}；手机 {phone}；身份证 {masked}；注册于 {joined}",
        "Verification: {status}; phone {phone}; ID {masked}; joined {joined}",
    ),
    "admin.cu.documents": both("材料：{documents}", "Documents: {documents}"),
    "admin.cu.wallet": both(
        "钱包：可用 {available}，冻结 {frozen}", "Wallet: {available} available, {frozen} frozen"
    ),
    "admin.cu.recent": both("最近资金动态：", "Latest movements:"),
    "admin.cu.movement": both("· {day} {what} {change}（{outcome}）", "· {day} {what} {change} ({outcome})"),
    "admin.cu.allocations": both("配资 {count} 笔：", "Allocations ({count}):"),
    "admin.cu.allocation_line": both(
        "· {id} {status}，配资金额 {allocated}，总资产 {assets}",
        "· {id} {status}, allocated {allocated}, assets {assets}",
    ),
    "admin.cu.allocation": both("📈 配资 {id}", "📈 Allocation {id}"),
    "admin.cu.loans": both("借款 {count} 笔：", "Loans borrowed ({count}):"),
    "admin.cu.loan_line": both("· {id} {status}，{amount}", "· {id} {status}, {amount}"),
    "admin.cu.investments": both("投资 {count} 笔，共 {amount}", "Investments: {count}, {amount} in all"),
    "admin.cu.no_business": both("尚无配资、借款或投资。", "No allocations, loans or investments yet."),
    # -- dashboard -------------------------------------------------------------------------------------
    "admin.queue.dashboard": both("📊 运营看板", "📊 Dashboard"),
    "admin.dash.title": both("📊 运营看板 {day}", "📊 Dashboard {day}"),
    "admin.dash.pool": both("配资资金池：已用 {used}，可用 {free}", "Capital pool: {used} used, {free} free"),
    "admin.dash.allocations": both(
        "配资：待审核 {review}，待开户 {confirmed}，操盘中 {running}（其中到期未结 {overdue}）",
        "Allocations: {review} under review, {confirmed} to open, {running} running ({overdue} past term)",
    ),
    "admin.dash.distances": both(
        "距警戒线：安全 {clear}，接近警戒线 {near}，低于警戒线 {warning}，"
        "低于平仓线 {liquidation}，无数据 {no_status}",
        "Against the lines: {clear} clear, {near} near the warning line, {warning} below it, "
        "{liquidation} below the liquidation line, {no_status} without a status",
    ),
    "admin.dash.today": both(
        "今日：配资管理费 {fees}，投资人利息 {interest}，借贷服务费 {income}",
        "Today: management fees {fees}, interest to investors {interest}, lending fees {income}",
    ),
    "admin.dash.loans": both(
        "借款：{loans}；还款中按逾期：{buckets}", "Loans: {loans}; repaying by bucket: {buckets}"
    ),
    "admin.dash.chart": both(
        "操盘中配资距警戒线、平仓线 {day}", "Allocations in progress against their lines, {day}"
    ),
    "admin.dash.bar.clear": both("安全", "Clear"),
    "admin.dash.bar.near": both("接近警戒线", "Near the warning line"),
    "admin.dash.bar.warning": both("低于警戒线", "Below the warning line"),
    "admin.dash.bar.liquidation": both("低于平仓线", "Below the liquidation line"),
    "admin.dash.bar.no_status": both("暂无数据", "No status yet"),
    "admin.dash.waiting": both(
        "待处理：复核 {approvals}，提现 {withdrawals}，材料 {documents}",
        "Waiting: {approvals} approvals, {withdrawals} withdrawals, {documents} documents",
    ),
}
