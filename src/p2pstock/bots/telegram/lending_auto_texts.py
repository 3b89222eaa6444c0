"""The texts of an investor's auto-invest rule (自动投标) in the bot, in Chinese and English (merged into
``texts.TEXTS``). Amounts arrive as ``Money``, rates and shares as text such as ``12.00%``."""

from __future__ import annotations

from types import MappingProxyType

from p2pstock.bots.telegram.bilingual import Texts, both

AUTO_INVEST_TEXTS: Texts = MappingProxyType(
    {
        "menu.autoinvest": both("🤖 自动投标", "🤖 Auto-invest"),
        "auto.verify_first": both(
            "使用自动投标前须完成实名认证。请先验证手机、提交实名信息和身份证照片，审核通过后即可设置。",
            "Please verify your identity before setting up auto-invest: verify your phone, submit your "
            "identity and your ID card photos; once they are accepted you can set it up.",
        ),
        "auto.none": both(
            "🤖 自动投标：新借款发布到理财大厅时，按您的规则自动投资"
            "（按规则设置先后轮流，每笔借款最多投一次）。\n"
            "您还没有规则。请先设置每笔投标金额，或按可用余额的比例投标：",
            "🤖 Auto-invest: when a loan is listed in the financing hall, your rule invests in it for you "
            "(rules take turns, each at most once a loan).\nYou have no rule yet. Start with an amount per "
            "loan, or a share of your available balance:",
        ),
        "auto.rule": both(
            "🤖 自动投标（{state}）\n每笔投标：{stake}\n保留金额：{keep}\n单笔上限：{cap}\n"
            "期限：{months_min}–{months_max} 个月\n年利率：{rate_min}–{rate_max}\n还款方式：{methods}\n"
            "借款产品：{products}",
            "🤖 Auto-invest ({state})\nPer loan: {stake}\nBalance kept: {keep}\nCap per loan: {cap}\n"
            "Term: {months_min}–{months_max} months\nRate: {rate_min}–{rate_max} a year\n"
            "Repayment methods: {methods}\nLoan products: {products}",
        ),
        "auto.state.on": both("已开启", "on"),
        "auto.state.off": both("已暂停", "paused"),
        "auto.stake.amount": both("固定金额 {amount}", "a fixed {amount}"),
        "auto.stake.share": both("可用余额的 {share}", "{share} of the available balance"),
        "auto.cap.none": both("不限", "none"),
        "auto.products.any": both("不限", "any"),
        "auto.recent": both("最近的自动投标：", "Recently auto-invested:"),
        "auto.recent.line": both("· 借款 {id}：{amount}，{status}", "· Loan {id}: {amount}, {status}"),
        # -- buttons -------------------------------------------------------------------------------------
        "auto.button.amount": both("💰 每笔金额", "💰 Amount per loan"),
        "auto.button.share": both("📊 余额比例", "📊 Share of balance"),
        "auto.button.keep": both("🔒 保留金额", "🔒 Balance kept"),
        "auto.button.cap": both("🔝 单笔上限", "🔝 Cap per loan"),
        "auto.button.term": both("📅 期限", "📅 Term"),
        "auto.button.rate": both("📈 年利率", "📈 Rate"),
        "auto.button.methods": both("🔁 还款方式", "🔁 Repayment methods"),
        "auto.button.products": both("🏷 借款产品", "🏷 Loan products"),
        "auto.button.pause": both("⏸ 暂停", "⏸ Pause"),
        "auto.button.resume": both("▶️ 恢复", "▶️ Resume"),
        "auto.button.delete": both("🗑 删除规则", "🗑 Delete the rule"),
        "auto.button.delete_ok": both("🗑 确认删除", "🗑 Yes, delete it"),
        "auto.button.back": both("↩️ 返回规则", "↩️ Back to the rule"),
        # -- what each step asks ---------------------------------------------------------------------------
        "auto.ask.amount": both(
            "请输入每笔借款自动投标的金额（例如 500）：",
            "How much should go into each loan? (for example 500)",
        ),
        "auto.ask.share": both(
            "请输入每笔借款投入可用余额的比例，单位 %（例如 10 或 12.5）：",
            "What share of your available balance should go into each loan, in %? (for example 10 or 12.5)",
        ),
        "auto.ask.keep": both(
            "请输入钱包中始终保留、不用于自动投标的金额（0 表示不保留）：",
            "How much should always stay in your wallet, untouched by auto-invest? (0 for nothing)",
        ),
        "auto.ask.cap": both(
            "请输入每笔借款最多投入的金额（0 表示不限）：",
            "What is the most to put into one loan? (0 for no cap)",
        ),
        "auto.ask.term": both(
            "请输入借款期限范围（月），例如“3 12”：",
            "Which loan terms, in months? Type the shortest and the longest, for example “3 12”.",
        ),
        "auto.ask.rate": both(
            "请输入年利率范围（%），例如“8 15”：",
            "Which yearly rates, in %? Type the lowest and the highest, for example “8 15”.",
        ),
        "auto.ask.products": both(
            "请输入要投资的借款产品代码，多个用空格分隔（0 表示不限）。可选：{offered}",
            "Which loan products? Type their codes separated by spaces (0 for any). Offered: {offered}",
        ),
        "auto.methods.ask": both(
            "请选择要自动投标的还款方式（点按切换）：",
            "Choose the repayment methods to auto-invest in (tap to switch):",
        ),
        # -- typed wrongly ---------------------------------------------------------------------------------
        "auto.bad.share": both(
            "没看懂，请输入比例数字，例如 10 或 12.5：",
            "That could not be read; type a share such as 10 or 12.5:",
        ),
        "auto.bad.term": both(
            "没看懂，请输入两个整数月份，例如“3 12”：",
            "That could not be read; type two whole months, such as “3 12”:",
        ),
        "auto.bad.rate": both(
            "没看懂，请输入两个年利率，例如“8 15”：",
            "That could not be read; type two rates, such as “8 15”:",
        ),
        # -- done ------------------------------------------------------------------------------------------
        "auto.delete.ask": both(
            "确认删除自动投标规则？已投资的借款不受影响。",
            "Delete your auto-invest rule? What it invested stays invested.",
        ),
        "auto.deleted": both("自动投标规则已删除。", "Your auto-invest rule is deleted."),
    }
)
"""Text key → language → text of the auto-invest steps."""
