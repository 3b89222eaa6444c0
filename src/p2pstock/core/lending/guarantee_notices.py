"""The texts the guarantee (垫付) and write-offs (核销) send investors, borrowers and administrators (template
key → language → text)."""

from __future__ import annotations

from collections.abc import Mapping

from p2pstock.core.bilingual import both

GUARANTEE_TEMPLATES: Mapping[str, Mapping[str, str]] = {
    "loan.advanced": both(
        "借款 {id} 第 {number} 期逾期，平台风险准备金已垫付，{amount} 已到账："
        "本金 {principal}，利息 {interest}，罚息 {penalty}（已扣平台服务费 {fee}）。",
        "Installment {number} of loan {id} is overdue and the platform's guarantee reserve advanced it: "
        "{amount} is in your wallet: principal {principal}, interest {interest}, penalty interest {penalty} "
        "(after the platform's fee of {fee}).",
    ),
    "loan.advanced.borrower": both(
        "借款 {id} 第 {number} 期逾期未还，平台风险准备金已向出借人垫付 {amount}。该期欠款仍须由您偿还，"
        "罚息继续计收，您的还款将归还风险准备金。",
        "Installment {number} of loan {id} is overdue: the platform's guarantee reserve advanced {amount} to "
        "the investors. You still owe the installment, penalty interest keeps accruing, and what you repay "
        "goes back to the reserve.",
    ),
    "loan.reserve_short.staff": both(
        "产品 {product} 的风险准备金余额 {left} 不足以垫付借款 {id} 第 {number} 期（{amount}），请注资。",
        "The guarantee reserve of product {product} holds {left}, too little to advance installment "
        "{number} of loan {id} ({amount}); fund it.",
    ),
    "loan.written_off": both(
        "借款 {id} 已核销：您未收回的本金 {amount} 计为损失。借款人日后的还款将按比例返还给您。",
        "Loan {id} is written off: the {amount} of principal you have not got back is booked as your loss. "
        "What the borrower repays later is shared with you in proportion.",
    ),
    "loan.written_off.borrower": both(
        "您的借款 {id} 逾期已超过 90 天，平台已将其核销。您仍须偿还全部欠款，还款将返还出借人和风险准备金。",
        "Your loan {id} is more than 90 days overdue and the platform wrote it off. You still owe all of it; "
        "what you repay goes to the investors and the guarantee reserve.",
    ),
    "loan.written_off.staff": both(
        "借款 {id} 已核销（{reason}）：出借人损失本金 {lost}，风险准备金损失垫付款 {reserve}。",
        "Loan {id} is written off ({reason}): the investors lost {lost} of principal, the guarantee reserve "
        "{reserve} of advances.",
    ),
    "loan.recovered": both(
        "已核销借款 {id} 追回 {amount}，已返还到您的钱包。",
        "{amount} was recovered on written-off loan {id} and is in your wallet.",
    ),
    "loan.recovery.borrower": both(
        "已收到您对已核销借款 {id} 的还款 {amount}，尚欠 {left}。",
        "You repaid {amount} on written-off loan {id}; {left} is still owed.",
    ),
}
