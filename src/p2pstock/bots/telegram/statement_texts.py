"""The customer's statement (📜 fund activity): what each line says it was for, the kinds of business it
narrows to, and the PDF statement, in Chinese and English."""

from __future__ import annotations

from types import MappingProxyType

from p2pstock.bots.telegram.bilingual import Texts, both

STATEMENT_TEXTS: Texts = MappingProxyType(
    {
        "statement.title_of_kind": both(
            "📜 资金动态 · {period} · {kind}（第 {page} 页，最新在前）",
            "📜 Fund activity · {period} · {kind} (page {page}, newest first)",
        ),
        "statement.kind.all": both("全部业务", "every kind"),
        "statement.kind.allocation": both("配资", "allocations"),
        "statement.kind.loan": both("借贷", "lending"),
        "statement.kind.cash": both("充值提现", "deposits and withdrawals"),
        "statement.export_pdf": both("📄 导出 PDF", "📄 Export as PDF"),
        # -- what a line was for: {what} is the ledger code's name (core.names) ------------------------
        "statement.what.allocation": both("{what} #{id}", "{what} #{id}"),
        "statement.what.daily": both("{what} #{id} 第 {n} 日", "{what} #{id}, day {n}"),
        "statement.what.monthly": both("{what} #{id} 第 {n} 月", "{what} #{id}, month {n}"),
        "statement.what.weekly": both("{what} #{id} 第 {n} 周", "{what} #{id}, week {n}"),
        "statement.what.period": both("{what} #{id} 第 {n} 期", "{what} #{id}, period {n}"),
        "statement.what.arrears": both("{what} #{id} 欠费补扣", "{what} #{id}, fees overdue"),
        "statement.what.rest_daily": both(
            "{what} #{id} 扣第 {n} 日管理费后", "{what} #{id}, after day {n}'s fee"
        ),
        "statement.what.rest_monthly": both(
            "{what} #{id} 扣第 {n} 月管理费后", "{what} #{id}, after month {n}'s fee"
        ),
        "statement.what.rest_weekly": both(
            "{what} #{id} 扣第 {n} 周管理费后", "{what} #{id}, after week {n}'s fee"
        ),
        "statement.what.rest_period": both(
            "{what} #{id} 扣第 {n} 期管理费后", "{what} #{id}, after period {n}'s fee"
        ),
        "statement.what.rest_arrears": both("{what} #{id} 扣欠费后", "{what} #{id}, after the fees overdue"),
        "statement.what.loan": both("{what} 借款 #{id}", "{what}, loan #{id}"),
        "statement.what.installment": both(
            "{what} 借款 #{id} 第 {first} 期", "{what}, loan #{id}, installment {first}"
        ),
        "statement.what.installments": both(
            "{what} 借款 #{id} 第 {first}–{last} 期", "{what}, loan #{id}, installments {first}–{last}"
        ),
        "statement.what.early": both("{what}（提前还款）", "{what} (repaid early)"),
        "statement.what.advanced": both("{what}（平台垫付）", "{what} (advanced by the guarantee)"),
        "statement.what.write_off": both("{what}（核销时结清）", "{what} (paid out at the write-off)"),
        # -- the PDF statement ------------------------------------------------------------------------
        "statement.pdf.title": both("{brand} 资金对账单", "{brand} statement of account"),
        "statement.pdf.customer": both("客户：{name}", "Customer: {name}"),
        "statement.pdf.period": both(
            "期间：{period}，{first} 至 {last}", "Period: {period}, {first} to {last}"
        ),
        "statement.pdf.period_all": both("期间：全部，截至 {last}", "Period: everything, up to {last}"),
        "statement.pdf.kind": both("业务：{kind}", "Kind: {kind}"),
        "statement.pdf.opening": both(
            "期初余额：可用 {available}，冻结 {frozen}",
            "Opening balance: available {available}, frozen {frozen}",
        ),
        "statement.pdf.closing": both(
            "期末余额：可用 {available}，冻结 {frozen}",
            "Closing balance: available {available}, frozen {frozen}",
        ),
        "statement.pdf.totals": both(
            "合计 {count} 笔：收入 {credits}，支出 {debits}，净额 {net}",
            "Totals of {count} lines: in {credits}, out {debits}, net {net}",
        ),
        "statement.pdf.note": both(
            "每笔金额是它对可用余额的影响（按其现状：冻结中、已扣划或已解冻退回）；期初、期末余额为当时的钱包余额。",
            "Each line's amount is what it did to the available balance as it stands now (frozen, taken or "
            "released); the opening and closing balances are the wallet's as they were then.",
        ),
        "statement.pdf.empty": both("本期没有资金动态。", "No fund activity in this period."),
        "statement.pdf.generated": both("生成时间：{time}", "Generated {time}"),
        "statement.pdf.page": both("第 {page} 页", "Page {page}"),
        "statement.pdf.sent": both(
            "资金对账单（PDF），共 {count} 条。", "Statement of account (PDF): {count} lines."
        ),
        "statement.pdf.sent_in_english": both(
            "资金对账单（PDF），共 {count} 条。服务器未安装中文字体，对账单以英文生成。",
            "Statement of account (PDF): {count} lines.",
        ),
    }
)
"""Text key → language → text."""
