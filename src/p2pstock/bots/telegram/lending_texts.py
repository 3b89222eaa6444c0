"""The texts of the lending flows, customers' and administrators', in Chinese and English (merged into
``texts.TEXTS``). Amounts arrive as ``Money``, rates as text such as ``12.00%``, dates as ISO text."""

from __future__ import annotations

from types import MappingProxyType

from p2pstock.bots.telegram.bilingual import Texts, both

LENDING_TEXTS: Texts = MappingProxyType(
    {
        "menu.hall": both("🏦 理财大厅", "🏦 Financing hall"),
        "menu.borrow": both("💴 我要借款", "💴 Borrow"),
        "menu.loans": both("📒 我的借贷", "📒 My loans"),
        "loan.yes": both("是", "yes"),
        "loan.no": both("否", "no"),
        # -- the financing hall ------------------------------------------------------------------------
        "loan.hall.empty": both(
            "暂无符合条件的可投借款。", "No loans of this kind are open for bidding right now."
        ),
        "loan.hall.title": both(
            "🏦 理财大厅（第 {page} 页，{filter}）", "🏦 Financing hall (page {page}, {filter})"
        ),
        "loan.filter.all": both("全部", "all loans"),
        "loan.filter.short": both("6 个月以内", "up to 6 months"),
        "loan.filter.mid": both("7–12 个月", "7–12 months"),
        "loan.filter.long": both("12 个月以上", "over 12 months"),
        "loan.filter.r10": both("年化 10% 以上", "10 % a year or more"),
        "loan.filter.equal_installments": both("等额本息", "equal installments"),
        "loan.filter.equal_principal": both("等额本金", "equal principal"),
        "loan.filter.interest_only": both("先息后本", "interest only"),
        "loan.filter.bullet": both("到期还本付息", "all at maturity"),
        "loan.card.terms": both(
            "借款 {id}：{amount}，年化 {rate}，{months} 个月，{method}",
            "Loan {id}: {amount} at {rate} a year over {months} months, {method}",
        ),
        "loan.hall.line": both(
            "{terms}；已投 {progress}，剩余可投 {left}", "{terms}; {progress} funded, {left} left"
        ),
        "loan.hall.button": both("查看 {id}", "Open {id}"),
        "loan.page.purpose": both("用途：{purpose}", "Purpose: {purpose}"),
        "loan.page.bids": both(
            "投资金额：{low} 至 {high}，按 {step} 递增", "Invest from {low} to {high}, in steps of {step}"
        ),
        "loan.page.borrower": both(
            "借款人 {name}：实名认证 {identity}，手机认证 {phone}；"
            "已审核材料：{documents}；已还清借款 {repaid} 笔",
            "Borrower {name}: identity verified {identity}, phone verified {phone}; documents checked: "
            "{documents}; loans repaid: {repaid}",
        ),
        "loan.invest.button": both("💰 投资", "💰 Invest"),
        "loan.invest.closed": both("借款 {id} 已不再接受投资。", "Loan {id} no longer takes investments."),
        "loan.invest.row": both(
            "· 第 {number} 期 {due}：本金 {principal}，利息 {interest}",
            "· {number}. {due}: principal {principal}, interest {interest}",
        ),
        "loan.invest.ask": both(
            "请输入投资借款 {id} 的金额（{low} 至 {high}）：",
            "How much do you want to invest in loan {id}? ({low} to {high})",
        ),
        "loan.invest.over_available": both(
            "投资金额超过可用余额 {available}，请充值或重新输入金额：",
            "That is more than the {available} you have available: deposit more, or type another amount.",
        ),
        "loan.invest.verify_first": both(
            "投资前须完成实名认证。请先验证手机、提交实名信息和身份证照片，审核通过后即可投资。",
            "Please verify your identity before investing: verify your phone, submit your identity and your"
            " ID card photos; once they are accepted you can invest.",
        ),
        "loan.apply.verify_first": both(
            "申请借款前须完成实名认证。请先验证手机、提交实名信息和身份证照片，审核通过后即可申请。",
            "Please verify your identity before applying for a loan: verify your phone, submit your"
            " identity and your ID card photos; once they are accepted you can apply.",
        ),
        "loan.invest.confirm": both(
            "投资借款 {id}：{amount}，预计收益 {interest}（已扣平台管理费）。确认后资金立即冻结。",
            "Invest {amount} in loan {id}: about {interest} of interest after the platform's fee. The money "
            "is frozen as soon as you confirm.",
        ),
        # -- borrowing ---------------------------------------------------------------------------------
        "loan.products.empty": both("暂无可申请的借款产品。", "No loan products are offered right now."),
        "loan.products.title": both("💴 借款产品", "💴 Loan products"),
        "loan.product": both(
            "{name}：{low} 至 {high}，{months_min}–{months_max} 个月，"
            "年化 {rate_min}–{rate_max}，服务费 {fee}",
            "{name}: {low} to {high} over {months_min}–{months_max} months at {rate_min}–{rate_max} a year; "
            "listing fee {fee}",
        ),
        "loan.product.gone": both(
            "该产品已下架，请重新选择。", "That product is no longer offered; choose again."
        ),
        "loan.method.ask": both("{name}：请选择还款方式。", "{name}: choose how to repay."),
        "loan.terms.ask": both(
            "请在一条消息中输入：金额 期限(月) 年利率% 用途，例如“5000 18 12 店铺装修”。\n"
            "金额 {low} 至 {high}，期限 {months_min}–{months_max} 个月，年利率 {rate_min}–{rate_max}。",
            "Type in one message: amount, months, yearly rate % and purpose, e.g. “5000 18 12 shop "
            "renovation”.\nAmount {low} to {high}, {months_min}–{months_max} months, "
            "rate {rate_min}–{rate_max}.",
        ),
        "loan.terms.bad": both(
            "没看懂，请按“金额 期限 年利率 用途”输入：金额 {low} 至 {high}，"
            "期限 {months_min}–{months_max} 个月，年利率 {rate_min}–{rate_max}。",
            "That could not be read. Type amount, months, rate and purpose: amount {low} to {high}, "
            "{months_min}–{months_max} months, rate {rate_min}–{rate_max}.",
        ),
        "loan.documents.none": both(
            "请先在“上传材料”中上传房产证、银行流水或其他资质材料。",
            "Upload a house certificate, a bank statement or another qualification document first "
            "(Documents in the menu).",
        ),
        "loan.apply.confirm": both(
            "申请借款：{name}，{amount}，{months} 个月，年化 {rate}，{method}。\n用途：{purpose}\n"
            "资质材料 {documents} 份；审核通过后在理财大厅招标 {days} 天。",
            "Apply for a loan: {name}, {amount} over {months} months at {rate}, {method}.\n"
            "Purpose: {purpose}\n{documents} qualification document(s); once approved it is open for "
            "bidding for {days} days.",
        ),
        "loan.apply.button": both("✅ 提交申请", "✅ Apply"),
        # -- the customer's loans -------------------------------------------------------------------
        "loan.mine.empty": both("您还没有借款或投资。", "You have no loans or investments yet."),
        "loan.mine.borrowed": both("📒 我的借款", "📒 Your loans"),
        "loan.mine.loan": both("借款 {id}：{amount}，{status}", "Loan {id}: {amount}, {status}"),
        "loan.mine.button": both("借款 {id}", "Loan {id}"),
        "loan.mine.invested": both("💰 我的投资", "💰 Your investments"),
        "loan.mine.holding": both(
            "借款 {id}：投资 {amount}，{status}；已回款 {received}，待回款 {expected}（{bucket}）",
            "Loan {id}: {amount} invested, {status}; received {received}, expected {expected} ({bucket})",
        ),
        "loan.own.installment": both(
            "第 {number} 期 {due}：待还 {owed}{late}", "Installment {number}, {due}: {owed} to pay{late}"
        ),
        "loan.own.late": both("（已逾期 {days} 天，{bucket}）", " (overdue {days} days, {bucket})"),
        "loan.pay.button": both("💳 还款", "💳 Repay"),
        "loan.early.button": both("⏩ 提前还清", "⏩ Repay in full"),
        "loan.withdraw.button": both("↩️ 撤回申请", "↩️ Withdraw the application"),
        "loan.withdrawn": both("借款申请 {id} 已撤回。", "Loan application {id} is withdrawn."),
        "loan.pay.confirm": both(
            "借款 {id} 本次应还 {amount}，从钱包扣款。", "Repay {amount} on loan {id} from your wallet."
        ),
        "loan.early.confirm": both(
            "提前还清借款 {id}：共 {amount}（含当期利息和提前还款费），从钱包扣款。",
            "Repay loan {id} in full: {amount} (interest to date and the early repayment fee included), "
            "from your wallet.",
        ),
        "loan.confirm.button": both("✅ 确认还款", "✅ Repay"),
        "loan.done.invest": both("✅ 已投资借款 {id}：{amount}。", "✅ {amount} invested in loan {id}."),
        "loan.done.apply": both("✅ 借款申请 {id} 已提交。", "✅ Loan application {id} sent."),
        "loan.done.repay": both("✅ 借款 {id} 已还款 {amount}。", "✅ {amount} repaid on loan {id}."),
        "loan.step.lost": both(
            "这一步已失效，请从菜单重新开始。", "That step has expired; start again from the menu."
        ),
        # -- administrators ---------------------------------------------------------------------------
        "admin.queue.loans": both("🏦 借款管理", "🏦 Loans"),
        "admin.loans.menu": both("借款队列：", "Loan queues:"),
        "admin.loans.applied": both("待初审", "First review"),
        "admin.loans.reviewed": both("待终审（发布）", "Final review (listing)"),
        "admin.loans.full": both("满标待复审", "Full, awaiting full review"),
        "admin.loans.repaying": both("还款中", "Being repaid"),
        "admin.loans.empty": both("队列为空。", "Nothing waits here."),
        "admin.stats.lending": both(
            "借贷：在贷本金 {outstanding}，逾期本金 {overdue}（逾期率 {ratio}）；借款 {loans}\n"
            "平台收入：{income}",
            "Lending: {outstanding} of principal outstanding, {overdue} overdue ({ratio}); loans {loans}\n"
            "Platform income: {income}",
        ),
        "admin.loan.card": both(
            "借款人 {borrower}；状态：{status}；已投 {funded}（{investors} 人）",
            "Borrower {borrower}; status: {status}; funded {funded} by {investors} investor(s)",
        ),
        "admin.loan.document": both("材料 {id}：{kind}，{status}", "Document {id}: {kind}, {status}"),
        "admin.loan.review": both("审核：{by}，通过 {outcome}", "Review by {by}: approved {outcome}"),
        "admin.loan.first": both("✅ 初审通过", "✅ Pass first review"),
        "admin.loan.final": both("✅ 终审通过并发布", "✅ Pass and list"),
        "admin.loan.full": both("✅ 满标复审通过并放款", "✅ Approve and disburse"),
        "admin.loan.first_done": both("借款 {id} 初审通过。", "Loan {id} passed its first review."),
        "admin.loan.listed": both(
            "借款 {id} 已发布到理财大厅。", "Loan {id} is listed in the financing hall."
        ),
        "admin.loan.disbursed": both("借款 {id} 已放款（{amount}）。", "Loan {id} is disbursed ({amount})."),
        "admin.loan.rejected": both("借款 {id} 已驳回：{reason}", "Loan {id} was turned down: {reason}"),
    }
)
