"""The electronic agreements (电子合同) lending issues (``core.agreements``): what a loan agreement and a debt
transfer agreement say, built from the loan as it stood when it was disbursed or the debt bought.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from p2pstock.core.agreements import (
    Agreement,
    Bilingual,
    Row,
    Template,
    party,
    percent,
    percent_signed,
)
from p2pstock.core.lending.debt_transfer import TransferListing, TransferPurchase
from p2pstock.core.lending.loans import Investment, Loan, LoanInstallment
from p2pstock.core.money import Money
from p2pstock.core.names import name_of
from p2pstock.core.people.customers import Customer

LOAN_AGREEMENT = Template(
    "loan-agreement",
    1,
    ("借款协议", "Loan Agreement"),
    (
        (
            "出借人通过平台向借款人出借本协议所列款项，借款人同意按本协议约定的期限、"
            "利率与还款方式归还本金并支付利息。",
            "The lenders lend the borrower the sums listed in this agreement through the platform; the "
            "borrower agrees to repay the principal and pay interest "
            "on the term, rate and method set out here.",
        ),
        (
            "借款人应于每期还款日前将当期应还款项存入平台账户，平台于还款日自动扣款，"
            "并按各出借人持有的未还本金比例分配。",
            "The borrower keeps each installment in their platform "
            "wallet by its due date; the platform takes it "
            "on the due date and splits it among the lenders by the principal each has outstanding.",
        ),
        (
            "逾期未还的，借款人自逾期之日起按产品约定的日罚息率就逾期本金支付罚息，"
            "平台可依约催收并记录于征信。",
            "Overdue principal bears penalty interest at the product's daily rate from the day after the due "
            "date; the platform may collect it as agreed.",
        ),
        (
            "借款人可提前归还全部借款，须支付截至当日的利息及产品约定的提前还款手续费。",
            "The borrower may repay the whole loan early, paying interest to the day and the product's early "
            "repayment fee.",
        ),
        (
            "出借人可在平台上将其持有的债权全部或部分转让，受让人自转让之日起享有相应的权利。",
            "A lender may transfer all or part of their claim "
            "on the platform; the buyer holds its rights from "
            "the day of the transfer.",
        ),
        (
            "平台收取的服务费用以本协议及产品说明为准。出借有风险，出借人已阅读并确认《出借人风险揭示书》。",
            "The platform's fees are those stated here and in the product's terms. Lending carries risk; the "
            "lenders have read and accepted the lender's risk disclosure.",
        ),
        (
            "本协议以电子形式订立，自满标复审通过、借款发放之日起生效；中英文本如有不一致，以中文为准。",
            "This agreement is made electronically and takes effect "
            "on the day the loan is disbursed after its "
            "full review; the Chinese text prevails over the English.",
        ),
    ),
)
TRANSFER_AGREEMENT = Template(
    "transfer-agreement",
    1,
    ("债权转让协议", "Debt Transfer Agreement"),
    (
        (
            "转让人将其在下述借款中持有的债权（未还本金）按本协议所列价格转让给受让人。",
            "The seller transfers to the buyer the claim (outstanding "
            "principal) they hold in the loan below, "
            "at the price stated here.",
        ),
        (
            "转让价格为所转让本金加当期截至转让日应计利息，并计入转让人设定的折价或溢价；"
            "转让手续费由转让人承担。",
            "The price is the principal transferred plus the interest accrued on it in the current period to "
            "the day, with the seller's discount or premium; the seller pays the transfer fee.",
        ),
        (
            "自转让之日起，受让人按所受让本金享有以后各期的本金、利息及罚息，原借款协议的其他条款不变。",
            "From the day of the transfer the buyer receives the principal, interest and penalty interest of "
            "every later installment on the principal bought; the loan agreement is otherwise unchanged.",
        ),
        (
            "本协议以电子形式订立，自价款支付之时起生效；中英文本如有不一致，以中文为准。",
            "This agreement is made electronically and takes effect when the price is paid; the Chinese text "
            "prevails over the English.",
        ),
    ),
)


BORROWER: Bilingual = ("借款人", "Borrower")
LENDER: Bilingual = ("出借人", "Lender")
SELLER: Bilingual = ("转让人", "Seller")
BUYER: Bilingual = ("受让人", "Buyer")


def loan_agreement(
    loan: Loan,
    holders: Sequence[tuple[Investment, Customer | None]],
    borrower: Customer | None,
    plan: Sequence[LoanInstallment],
    *,
    brand: str,
    made_on: date,
) -> Agreement:
    """The loan agreement of a disbursed loan: the borrower, every lender and what they lent (``holders``:
    the investments made in the loan, not those bought from its lenders since), the terms and the schedule."""
    lenders = tuple(party(LENDER, customer, i.amount) for i, customer in holders)
    return Agreement(
        LOAN_AGREEMENT,
        f"JK-{loan.id}",
        brand,
        made_on,
        loan.disbursed_at or loan.created_at,
        (party(BORROWER, borrower, loan.amount), *lenders),
        loan_terms(loan),
        tuple(Row(i.number, i.due, i.principal, i.interest) for i in plan),
    )


def transfer_agreement(
    purchase: TransferPurchase,
    listing: TransferListing,
    loan: Loan,
    parties: tuple[Customer | None, Customer | None],
    plan: Sequence[LoanInstallment],
    *,
    brand: str,
    made_on: date,
) -> Agreement:
    """The agreement of one purchase of a debt: the seller and the buyer, the principal bought, its price
    and the seller's fee, the loan's terms, and the installments of the loan due after the purchase (so the
    agreement says the same whenever it is printed)."""
    seller, buyer = parties
    terms = (
        (("转让编号", "Transfer"), f"{listing.id} / {purchase.id}"),
        (("转让本金", "Principal transferred"), str(Money(purchase.principal))),
        (("转让价格", "Price"), str(Money(purchase.price))),
        (("转让手续费（转让人承担）", "Transfer fee (paid by the seller)"), str(Money(purchase.fee))),
        (("折价/溢价", "Discount or premium"), percent_signed(listing.premium_bp)),
        *loan_terms(loan),
    )
    return Agreement(
        TRANSFER_AGREEMENT,
        f"ZR-{purchase.id}",
        brand,
        made_on,
        purchase.at,
        (party(SELLER, seller, purchase.principal), party(BUYER, buyer, purchase.principal)),
        terms,
        tuple(Row(i.number, i.due, i.principal, i.interest) for i in plan if i.due > made_on),
    )


def loan_terms(loan: Loan) -> tuple[tuple[Bilingual, str], ...]:
    terms, product = loan.terms, loan.product
    method = terms.method
    return (
        (("借款编号", "Loan"), loan.id),
        (("产品", "Product"), f"{product.name} ({product.code} v{product.version})"),
        (("借款金额", "Amount"), str(Money(terms.amount))),
        (("年化利率", "Annual rate"), percent(terms.rate_bp)),
        (("期限", "Term"), f"{terms.months} 个月 / months"),
        (("还款方式", "Repayment method"), f"{name_of(method, 'zh')} / {name_of(method, 'en')}"),
        (("起息日", "Interest from"), str(loan.start_date or "")),
        (("借款用途", "Purpose"), loan.purpose),
        (("服务费", "Listing fee"), percent(product.listing_fee_bp)),
        (("利息管理费", "Interest fee"), percent(product.interest_fee_bp)),
        (("提前还款手续费", "Early repayment fee"), percent(product.early_fee_bp)),
        (("逾期罚息（日）", "Penalty interest a day"), percent(product.penalty_bp_per_day)),
        (("平台垫付", "Platform guarantee"), _guarantee(product.guarantee_days)),
    )


def _guarantee(days: int) -> str:
    return f"逾期超过 {days} 天垫付 / advanced after {days} days overdue" if days else "无 / none"
