"""The lender's risk disclosure before a first investment, and the loan agreement issued at disbursement:
printed, kept with its hash, handed to its parties only, refused once the stored file was changed, and
issued by the jobs when the disbursement's own attempt failed."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from lending_world import (
    AMOUNT,
    INVESTORS,
    available,
    credit,
    full,
    listed,
    move_to,
    open_lending,
    verified,
)
from pypdf import PdfReader

from agreement_sketch import ChangedFiles
from p2pstock.adapters.clock import ManualClock
from p2pstock.adapters.documents import FilesystemDocumentStore
from p2pstock.bootstrap import App
from p2pstock.core.agreements import Agreement, ContractTampered
from p2pstock.core.backoffice import Tx
from p2pstock.core.errors import NotFound, Refused, StorageError
from p2pstock.core.lending import agreements
from p2pstock.core.lending.debt_transfer import TransferPurchase
from p2pstock.core.lending.loans import Loan, LoanStatus
from p2pstock.core.money import Money
from p2pstock.core.papers import LENDING_RISK, Paper
from p2pstock.core.people.customers import Customer, KycStatus
from p2pstock.jobs import run_jobs


@pytest.fixture(autouse=True)
def platform(printed_agreements: App, clock: ManualClock) -> Iterator[None]:
    app = printed_agreements
    open_lending(app, clock)
    yield


def newcomer(app: App, customer_id: str = "nina") -> None:
    """A verified customer with money who never accepted the risk disclosure."""
    customer = Customer(customer_id, language="zh", real_name="倪娜", status=KycStatus.VERIFIED)
    app.office.run(lambda tx: tx.uow.customers.add(customer))
    app.wallets.open(customer_id)
    credit(app, customer_id, 100_000, f"{customer_id}-start")


def disbursed(app: App) -> Loan:
    return app.lending.approve_full(full(app).id, by="risk-1")


def test_a_first_investment_waits_for_the_risk_disclosure_and_changes_nothing(app: App) -> None:
    newcomer(app)
    loan = listed(app)

    with pytest.raises(Refused) as refused:
        app.lending.invest(loan.id, investor_id="nina", amount=10_000)

    assert refused.value.code == "lending_risk_first"
    assert app.lending.get(loan.id).funded == 0 and available(app, "nina") == 100_000
    assert app.papers.acknowledged("nina", LENDING_RISK) is None


def test_the_acceptance_is_recorded_with_its_version_and_time_once(app: App, clock: ManualClock) -> None:
    newcomer(app)
    first = app.papers.acknowledge("nina", LENDING_RISK)
    clock.advance(seconds=60)

    again = app.papers.acknowledge("nina", LENDING_RISK)
    investment = app.lending.invest(listed(app).id, investor_id="nina", amount=10_000)

    assert again == first and (first.paper, first.version) == ("lending_risk", 1)
    assert app.papers.of_customer("nina") == [first]
    assert investment.amount == 10_000


def test_a_later_version_of_the_disclosure_is_accepted_anew(app: App) -> None:
    newcomer(app)
    app.papers.acknowledge("nina", LENDING_RISK)
    newer = Paper(LENDING_RISK.name, LENDING_RISK.version + 1)

    assert app.papers.acknowledged("nina", newer) is None
    app.papers.acknowledge("nina", newer)
    assert [a.version for a in app.papers.of_customer("nina")] == [1, 2]


def test_acknowledging_for_nobody_is_refused(app: App) -> None:
    with pytest.raises(NotFound):
        app.papers.acknowledge("nobody", LENDING_RISK)


def test_disbursement_issues_the_agreement_and_records_its_hash(app: App) -> None:
    loan = disbursed(app)

    content = app.contracts.download(loan.id, customer_id="bella")

    assert loan.status is LoanStatus.REPAYING and loan.contract == "loan-agreement@1"
    assert content.startswith(b"%PDF-") and hashlib.sha256(content).hexdigest() == loan.contract_hash
    assert all(app.contracts.download(loan.id, customer_id=i) == content for i in INVESTORS)
    assert app.contracts.verify(loan.id, by="risk-1")


def test_the_agreement_names_every_party_with_what_they_lent_and_the_schedule(app: App) -> None:
    loan = disbursed(app)

    made = agreement_of(app, loan)

    borrower, *lenders = made.parties
    assert (borrower.role, borrower.name, borrower.amount) == (agreements.BORROWER, "王**", AMOUNT)
    half, part = AMOUNT // 2, AMOUNT * 3 // 10
    assert sorted(p.amount for p in lenders) == sorted([half, part, AMOUNT - half - part])
    assert all(p.role == agreements.LENDER and p.name == "李*" for p in lenders)
    plan = app.lending.installments(loan.id)
    assert [(r.number, r.due, r.principal, r.interest) for r in made.schedule] == [
        (i.number, i.due, i.principal, i.interest) for i in plan
    ]
    assert sum(r.principal for r in made.schedule) == AMOUNT
    assert dict(made.terms)[("借款金额", "Amount")] == "¥5,000.00"


def test_the_recorded_file_is_that_agreement_printed_and_printing_it_again_gives_the_same_bytes(
    app: App,
) -> None:
    loan = disbursed(app)

    again = [app.contracts.printer.print(agreement_of(app, loan)) for _ in range(2)]

    assert again[0] == again[1]
    assert hashlib.sha256(again[0]).hexdigest() == loan.contract_hash


def agreement_of(app: App, loan: Loan) -> Agreement:
    """The loan's agreement built from what is stored, as the disbursement built it."""

    def build(tx: Tx) -> Agreement:
        return agreements.loan_agreement(
            loan,
            tx.uow.investments.holders(loan.id),
            tx.uow.customers.get(loan.borrower_id),
            tx.uow.installments.of_loan(loan.id),
            brand=app.office.brand,
            made_on=app.lending.desk.local(loan.disbursed_at or 0).date(),
        )

    return app.office.read(build)


def test_a_stranger_cannot_download_the_agreement(app: App) -> None:
    loan = disbursed(app)
    verified(app, "stan", wallet=10_000)

    with pytest.raises(NotFound):
        app.contracts.download(loan.id, customer_id="stan")


def test_an_agreement_changed_in_the_store_is_refused_not_handed_out(app: App) -> None:
    app.contracts.store = ChangedFiles()
    loan = disbursed(app)

    with pytest.raises(ContractTampered) as refused:
        app.contracts.download(loan.id, customer_id="bella")

    assert refused.value.code == "contract_tampered"
    assert not app.contracts.verify(loan.id, by="risk-1")


def test_an_agreement_file_changed_on_disk_is_detected(app: App, tmp_path: Path) -> None:
    store = FilesystemDocumentStore(tmp_path / "documents")
    app.contracts.store = store
    loan = disbursed(app)
    assert app.contracts.verify(loan.id, by="risk-1")

    path = store.path_of(loan.contract_hash)
    path.chmod(0o600)
    path.write_bytes(path.read_bytes().replace(b"%PDF-", b"%PDX-", 1))

    assert not app.contracts.verify(loan.id, by="risk-1")
    with pytest.raises(ContractTampered):
        app.contracts.download(loan.id, customer_id="ivan")


class BrokenPrinter:
    def print(self, agreement: Agreement) -> bytes:
        raise StorageError("the printer is down")


def test_an_agreement_the_disbursement_could_not_issue_is_issued_by_the_jobs(app: App) -> None:
    printer = app.contracts.printer
    app.contracts.printer = BrokenPrinter()
    loan = disbursed(app)
    assert loan.status is LoanStatus.REPAYING and loan.contract_hash == ""
    with pytest.raises(NotFound) as waiting:
        app.contracts.download(loan.id, customer_id="bella")
    assert waiting.value.code == "contract_not_issued"
    assert run_jobs(app, deliver=False).contracts_issued == 0  # still down: the round goes on without it

    app.contracts.printer = printer
    first, second = run_jobs(app, deliver=False), run_jobs(app, deliver=False)

    assert (first.contracts_issued, second.contracts_issued) == (1, 0)
    issued = app.lending.get(loan.id)
    assert (
        hashlib.sha256(app.contracts.download(loan.id, customer_id="bella")).hexdigest()
        == issued.contract_hash
    )


def test_the_pdf_reads_as_the_agreement_in_chinese_and_english(app: App) -> None:
    loan = disbursed(app)

    pages = PdfReader(io.BytesIO(app.contracts.download(loan.id, customer_id="ivan"))).pages
    read = "\n".join(page.extract_text() for page in pages)

    assert "借款协议  Loan Agreement" in read and f"合同编号 No.: JK-{loan.id}" in read
    assert "借款人 Borrower 王** — ¥5,000.00" in read
    assert read.count("出借人 Lender 李*") == len(INVESTORS)
    assert "年化利率 Annual rate 12.00%" in read and "等额本息 / equal installments" in read
    assert all(zh[:12] in read.replace("\n", "") for zh, _ in agreements.LOAN_AGREEMENT.clauses)
    plan = app.lending.installments(loan.id)
    total = sum(i.principal + i.interest for i in plan)
    assert f"合计 Total ¥5,000.00 {Money(total - AMOUNT)} {Money(total)}" in read


# -- the transfer agreement ---------------------------------------------------------------------------------


def sold_on(app: App, clock: ManualClock) -> TransferPurchase:
    """Half of Ivan's holding bought by Stan mid-period."""
    loan = disbursed(app)
    verified(app, "stan", wallet=500_000)
    move_to(clock, date(2026, 3, 17), 10)
    [ivan] = [i for i in app.lending.investments(loan.id) if i.investor_id == "ivan"]
    listing = app.debt_market.list_for_sale(
        ivan.id, seller_id="ivan", principal=ivan.amount // 2, premium_bp=0, request_id="sell-1"
    )
    return app.debt_market.buy(listing.id, buyer_id="stan", principal=ivan.amount // 2, request_id="buy-1")


def test_a_purchase_issues_its_transfer_agreement_to_the_seller_and_the_buyer(
    app: App, clock: ManualClock
) -> None:
    purchase = sold_on(app, clock)

    content = app.contracts.download_transfer(purchase.id, customer_id="stan")

    assert purchase.contract == "transfer-agreement@1"
    assert hashlib.sha256(content).hexdigest() == purchase.contract_hash
    assert app.contracts.download_transfer(purchase.id, customer_id="ivan") == content
    read = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert "债权转让协议  Debt Transfer Agreement" in read and f"ZR-{purchase.id}" in read
    assert f"转让人 Seller 李* — {Money(purchase.principal)}" in read
    assert f"转让价格 Price {Money(purchase.price)}" in read
    with pytest.raises(NotFound):
        app.contracts.download_transfer(purchase.id, customer_id="iris")


def test_a_transfer_agreement_a_purchase_could_not_issue_is_issued_by_the_jobs(
    app: App, clock: ManualClock
) -> None:
    printer = app.contracts.printer
    app.contracts.printer = BrokenPrinter()
    purchase = sold_on(app, clock)
    assert purchase.contract_hash == ""
    app.contracts.printer = printer

    first, second = run_jobs(app, deliver=False), run_jobs(app, deliver=False)

    assert (first.contracts_issued, second.contracts_issued) == (2, 0)  # the loan's and the purchase's
    [issued] = app.debt_market.purchases(purchase.listing_id)
    content = app.contracts.download_transfer(purchase.id, customer_id="stan")
    assert hashlib.sha256(content).hexdigest() == issued.contract_hash != ""
