"""The texts of the allocation agreement and risk disclosure and of the allocation agreement's PDF in the
bot."""

from __future__ import annotations

from p2pstock.bots.telegram.bilingual import Texts, both

RISK_DISCLOSURE_V1 = both(
    "《配资协议及风险揭示书》（第 1 版）\n"
    "申请配资前请仔细阅读：\n"
    "1. 配资按倍数放大收益，也同样放大亏损：股价下跌 1/倍数 即可亏完全部保证金，"
    "跳空或跌停时亏损可能超过保证金。\n"
    "2. 总资产低于警戒线时请及时追加保证金；低于平仓线时平台有权平仓，平仓价格可能低于平仓线。\n"
    "3. 平仓后不足偿还配资资金的部分（穿仓）先由风险保证金弥补，仍不足的由您承担。\n"
    "4. 管理费按期收取，不论盈亏；欠费可从风险保证金中扣收，长期欠费平台可提前终止配资。\n"
    "5. 配资期间保证金冻结，不能提现；盈利提取、追加、扩大或缩小配资、终止均需平台审核。\n"
    "6. 确认配资后，平台按您的申请生成《配资协议》，写明保证金、倍数、配资资金、期限、费用和两条线，"
    "以电子文件保存并可随时下载。\n"
    "7. 请以自有闲置资金参与，量力而行。\n"
    "点击“我已阅读并同意”即表示您同意《配资协议》的条款，理解并愿意承担上述风险。",
    "Allocation agreement and risk disclosure (version 1)\n"
    "Read this before you apply:\n"
    "1. Leverage multiplies gains and losses alike: a fall of 1/leverage in the shares loses the whole "
    "deposit, and a gap or a limit-down day can lose more than the deposit.\n"
    "2. Below the warning line you top up the margin; below the liquidation line the platform may close the "
    "positions, possibly at prices below the line.\n"
    "3. What a liquidation leaves short of the capital lent (a shortfall) is covered by the risk fund first, "
    "and by you for the rest.\n"
    "4. The fee is charged every period whatever the result; an unpaid fee may be taken from the risk fund, "
    "and fees long unpaid may end the allocation early.\n"
    "5. While the allocation runs the deposit is frozen and cannot be withdrawn; taking profit, topping up, "
    "expanding, reducing or ending it each need the platform's review.\n"
    "6. Once your allocation is confirmed the platform makes its allocation agreement — deposit, leverage, "
    "capital lent, term, fees and both lines — kept as an electronic file you can download at any time.\n"
    "7. Take part only with spare money of your own, and within your means.\n"
    "Pressing “I have read and accept” says you agree to the allocation agreement's terms and understand "
    "and take these risks.",
)

ALLOCATION_PAPER_TEXTS: Texts = {
    "paper.allocation_risk.v1": RISK_DISCLOSURE_V1,
    "paper.allocation_risk.accepted": both(
        "已记录：您于 {at} 接受《配资协议及风险揭示书》第 {version} 版。",
        "Recorded: you accepted version {version} of the allocation agreement and risk disclosure at {at}.",
    ),
    "paper.allocation_risk.accepted_before": both(
        "您已于 {at} 接受《配资协议及风险揭示书》第 {version} 版。",
        "You accepted version {version} of the allocation agreement and risk disclosure at {at}.",
    ),
    "paper.allocation_risk.first": both(
        "首次申请配资前，请先阅读并接受《配资协议及风险揭示书》：",
        "Before your first allocation, read and accept the allocation agreement and risk disclosure:",
    ),
    "refusal.allocation_risk_first": both(
        "申请配资前请先阅读并接受《配资协议及风险揭示书》：发送 /allocate 选择产品即可看到。",
        "Read and accept the allocation agreement and risk disclosure before applying: send /allocate and "
        "choose a product to see it.",
    ),
    "alloc.button.agreement": both("📄 配资协议", "📄 Agreement"),
    "alloc.agreement.caption": both(
        "配资协议 PZ-{id}（模板 {template}），SHA-256 {digest}…，与签发时的记录一致。",
        "Allocation agreement PZ-{id} (template {template}), SHA-256 {digest}…, as recorded when it was "
        "issued.",
    ),
}
