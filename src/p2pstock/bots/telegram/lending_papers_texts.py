"""The texts of the lender's risk disclosure and of the loan agreements in the bot."""

from __future__ import annotations

from p2pstock.bots.telegram.bilingual import Texts, both

RISK_DISCLOSURE_V1 = both(
    "《出借人风险揭示书》（第 1 版）\n"
    "出借前请仔细阅读：\n"
    "1. 出借不是存款，平台不承诺保本保息。借款人可能逾期或无法还款，您可能损失部分或全部本金和利息。\n"
    "2. 平台对借款人的审核不能消除信用风险；借款人提供的信息可能不真实或发生变化。\n"
    "3. 设有平台垫付的产品，仅在风险准备金足以覆盖时按产品约定垫付，准备金不足时不能保证垫付。\n"
    "4. 出借期间资金不能随时取回；债权转让须有人受让，可能需要折价，也可能无法转让。\n"
    "5. 利率、期限、费用以借款协议为准。政策、法律或市场变化可能影响借款的回收。\n"
    "6. 请以自有闲置资金出借，分散出借，量力而行。\n"
    "点击“我已阅读并同意”即表示您已理解并愿意承担上述风险。",
    "Lender's risk disclosure (version 1)\n"
    "Read this before you lend:\n"
    "1. Lending is not a deposit; the platform does not promise your principal or interest. A borrower may "
    "pay late or not at all, and you may lose part or all of your principal and interest.\n"
    "2. The platform's review of borrowers does not remove credit risk; what a borrower said may be untrue "
    "or change.\n"
    "3. Where a product has the platform's guarantee, installments are advanced only as far as its reserve "
    "covers them; a short reserve cannot advance.\n"
    "4. Money lent cannot be taken back at any time; a debt transfer needs a buyer, may need a discount, and "
    "may not sell.\n"
    "5. The loan agreement sets the rate, term and fees. "
    "Changes in policy, law or the market may affect what "
    "is recovered.\n"
    "6. Lend only spare money of your own, spread it over loans, and within your means.\n"
    "Pressing “I have read and accept” says you understand these risks and take them.",
)

PAPER_TEXTS: Texts = {
    "paper.lending_risk.v1": RISK_DISCLOSURE_V1,
    "paper.accept.button": both("✅ 我已阅读并同意", "✅ I have read and accept"),
    "paper.lending_risk.accepted": both(
        "已记录：您于 {at} 接受《出借人风险揭示书》第 {version} 版。",
        "Recorded: you accepted version {version} of the lender's risk disclosure at {at}.",
    ),
    "paper.lending_risk.accepted_before": both(
        "您已于 {at} 接受《出借人风险揭示书》第 {version} 版。",
        "You accepted version {version} of the lender's risk disclosure at {at}.",
    ),
    "paper.lending_risk.first": both(
        "首次出借前，请先阅读并接受《出借人风险揭示书》：",
        "Before your first investment, read and accept the lender's risk disclosure:",
    ),
    "contract.title": both(
        "📄 我的借款协议（点击下载 PDF）：", "📄 Your loan agreements (press one for its PDF):"
    ),
    "contract.none": both(
        "您还没有已签发的借款协议。借款发放后，借款人和每位出借人都会得到一份。",
        "You have no loan agreement yet. Once a loan is disbursed, its borrower and every lender get one.",
    ),
    "contract.button.loan": both("📄 借款协议 {id}", "📄 Loan agreement {id}"),
    "contract.button.transfer": both("📄 债权转让协议 {id}", "📄 Debt transfer agreement {id}"),
    "contract.caption": both(
        "借款协议 {id}（模板 {template}），SHA-256 {digest}…，与签发时的记录一致。",
        "Loan agreement {id} (template {template}), SHA-256 {digest}…, as recorded when it was issued.",
    ),
    "contract.caption.transfer": both(
        "债权转让协议 {id}，SHA-256 {digest}…，与签发时的记录一致。",
        "Debt transfer agreement {id}, SHA-256 {digest}…, as recorded when it was issued.",
    ),
    "refusal.lending_risk_first": both(
        "出借前请先阅读并接受《出借人风险揭示书》：发送 /risk 。",
        "Read and accept the lender's risk disclosure before investing: send /risk.",
    ),
    "refusal.contract_tampered": both(
        "{of} 的协议文件与签发时记录的哈希不符，不能发送；平台已记录，请联系客服。",
        "The agreement file of {of} no longer matches the hash recorded when it was issued, so it is not "
        "sent; this is logged, please contact support.",
    ),
    "refusal.purchase_not_found": both("未找到转让交易 {purchase}。", "There is no purchase {purchase}."),
    "refusal.contract_not_issued": both(
        "{of} 的协议正在生成，请稍后再试。", "The agreement of {of} is being issued; try again soon."
    ),
}
