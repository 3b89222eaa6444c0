"""The texts lending sends borrowers, investors and administrators (template key → language → text)."""

from __future__ import annotations

from collections.abc import Mapping

from p2pstock.core.bilingual import both

LOAN_TEMPLATES: Mapping[str, Mapping[str, str]] = {
    "loan.applied": both(
        "您的借款申请 {id}（{amount}）已提交，等待审核。",
        "Your loan application {id} for {amount} is in and awaits review.",
    ),
    "loan.rejected": both(
        "您的借款申请 {id} 未通过审核，原因：{reason}。",
        "Your loan application {id} was rejected: {reason}.",
    ),
    "loan.listed": both(
        "借款 {id} 已发布到理财大厅，投标截止 {deadline}。",
        "Loan {id} is listed in the financing hall; bidding closes {deadline}.",
    ),
    "loan.invested": both(
        "您已投资借款 {id}：{amount} 已冻结，满标复审后起息。",
        "You invested {amount} in loan {id}; it is frozen until the loan is full and reviewed.",
    ),
    "loan.full": both(
        "借款 {id} 已满标，等待复审放款。",
        "Loan {id} is fully funded and awaits its full review.",
    ),
    "loan.full.staff": both(
        "借款 {id} 已满标（{amount}），请复审。",
        "Loan {id} is fully funded ({amount}); it awaits the full review.",
    ),
    "loan.disbursed": both(
        "借款 {id} 已放款，{amount} 已到账。首期还款日 {due}。",
        "Loan {id} is disbursed: {amount} is in your wallet. The first installment is due {due}.",
    ),
    "loan.lent": both(
        "借款 {id} 已放款，您的投资 {amount} 开始计息。",
        "Loan {id} is disbursed; your {amount} now earns interest.",
    ),
    "loan.failed": both(
        "借款 {id} 流标，您投资的 {amount} 已解冻。",
        "Loan {id} was not fully funded in time; your {amount} is released.",
    ),
    "loan.failed.borrower": both(
        "借款 {id} 在截止时间前未满标（流标），已撤下。",
        "Loan {id} was not fully funded by its deadline and is withdrawn.",
    ),
    "loan.refused": both(
        "借款 {id} 复审未通过，您投资的 {amount} 已解冻。",
        "Loan {id} was refused at its full review; your {amount} is released.",
    ),
    "loan.refused.borrower": both(
        "借款 {id} 复审未通过，原因：{reason}。",
        "Loan {id} was refused at its full review: {reason}.",
    ),
    "loan.repayment": both(
        "借款 {id} 已还款 {amount}，剩余待还 {left}。",
        "You repaid {amount} on loan {id}; {left} is left to repay.",
    ),
    "loan.repaid": both(
        "借款 {id} 已全部还清，感谢您的按时还款。",
        "Loan {id} is repaid in full. Thank you.",
    ),
    "loan.received": both(
        "借款 {id} 回款 {amount} 已到账：本金 {principal}，利息 {interest}（已扣平台服务费 {fee}）。",
        "{amount} from loan {id} is in your wallet: principal {principal}, interest {interest} (after the "
        "platform's fee of {fee}).",
    ),
    "loan.received_penalty": both(
        "借款 {id} 回款 {amount} 已到账：本金 {principal}，利息 {interest}，罚息 {penalty}"
        "（已扣平台服务费 {fee}）。",
        "{amount} from loan {id} is in your wallet: principal {principal}, interest {interest}, penalty "
        "interest {penalty} (after the platform's fee of {fee}).",
    ),
    "loan.reminder": both(
        "借款 {id} 第 {number} 期 {amount} 将于 {due} 到期，请保持钱包余额充足，到期自动扣款。",
        "Installment {number} of loan {id}, {amount}, falls due on {due}; it is taken from your wallet "
        "that day.",
    ),
    "loan.overdue": both(
        "借款 {id} 第 {number} 期已逾期（应还日 {due}），未还 {amount}，逾期每日计收罚息，请尽快还款。",
        "Installment {number} of loan {id} is overdue (due {due}); {amount} is unpaid and penalty interest "
        "accrues every day. Please repay now.",
    ),
    "loan.overdue.staff": both(
        "逾期：借款 {id} 第 {number} 期（应还日 {due}）未还 {amount}。",
        "Overdue: installment {number} of loan {id} (due {due}), {amount} unpaid.",
    ),
}
