"""The allocation agreement and risk disclosure before a first application, and the allocation agreement
issued at confirmation: printed, kept with its hash, handed to its customer only, refused once the stored
file was changed, and issued by the jobs when the confirmation's own attempt failed."""

from __future__ import annotations

import hashlib
import io

import pytest
from allocation_world import (
    CL,
    DEPOSIT,
    WL,
    B,
    assert_books_hold,
    available,
    confirmed,
    credit,
    open_platform,
    paid,
    running,
    verified_customer,
)
from pypdf import PdfReader

from agreement_sketch import ChangedFiles
from p2pstock.adapters.clock import ManualClock
from p2pstock.bootstrap import App
from p2pstock.core.agreements import Agreement, ContractTampered
from p2pstock.core.allocation.agreement import ALLOCATION_AGREEMENT, allocation_agreement
from p2pstock.core.allocation.allocations import Allocation, Status
from p2pstock.core.errors import NotFound, Refused, StorageError
from p2pstock.core.money import Money
from p2pstock.core.papers import ALLOCATION_RISK, LENDING_RISK
from p2pstock.core.people.customers import Customer, KycStatus
from p2pstock.jobs import run_jobs


@pytest.fixture(autouse=True)
def platform(app: App) -> None:
    open_platform(app)
    verified_customer(app)


def newcomer(app: App, customer_id: str = "chen") -> None:
    """A verified customer with money who never accepted the allocation agreement and risk disclosure."""
    customer = Customer(customer_id, language="zh", real_name="陈明", status=KycStatus.VERIFIED)
    app.office.run(lambda tx: tx.uow.customers.add(customer))
    app.wallets.open(customer_id)
    credit(app, customer_id, 5_000_000, f"{customer_id}-start")


def apply(app: App, customer_id: str = "chen") -> Allocation:
    return app.allocations.apply(customer_id, product="daily", deposit=DEPOSIT, leverage=5, term=5)


def test_a_first_application_waits_for_the_disclosure_and_changes_nothing(app: App) -> None:
    newcomer(app)

    with pytest.raises(Refused) as refused:
        apply(app)

    assert refused.value.code == "allocation_risk_first"
    assert app.allocations.of_customer("chen") == []
    assert available(app, "chen") == 5_000_000
    assert app.papers.acknowledged("chen", ALLOCATION_RISK) is None


def test_the_lenders_disclosure_does_not_stand_for_the_allocation_one(app: App) -> None:
    newcomer(app)
    app.papers.acknowledge("chen", LENDING_RISK)

    with pytest.raises(Refused) as refused:
        apply(app)

    assert refused.value.code == "allocation_risk_first"


def test_once_accepted_with_its_version_and_time_the_customer_applies(app: App, clock: ManualClock) -> None:
    newcomer(app)
    when = clock.now()
    accepted = app.papers.acknowledge("chen", ALLOCATION_RISK)
    clock.advance(seconds=60)

    again = app.papers.acknowledge("chen", ALLOCATION_RISK)
    allocation = apply(app)

    assert again == accepted and (accepted.paper, accepted.version) == ("allocation_risk", 1)
    assert accepted.at == int(when.timestamp()) * 1_000_000 + when.microsecond
    assert [a.id for a in app.allocations.of_customer("chen")] == [allocation.id]


def test_confirming_issues_the_agreement_and_records_its_hash_on_the_timeline(app: App) -> None:
    allocation = confirmed(app)

    content = app.allocation_contracts.download(allocation.id, customer_id="alice")

    assert allocation.status is Status.CONFIRMED
    assert allocation.contract == ALLOCATION_AGREEMENT.id == "allocation-agreement@1"
    assert allocation.contract_hash == hashlib.sha256(content).hexdigest()
    kinds = [e.kind for e in app.allocations.timeline(allocation.id, by="reviewer-1").events]
    assert kinds[-2:] == ["confirmed", "agreement"]
    assert_books_hold(app)


def test_the_agreement_is_issued_once_and_printing_it_again_gives_the_same_bytes(app: App) -> None:
    allocation = confirmed(app)

    again = app.allocation_contracts.issue(allocation.id)
    made = allocation_agreement(
        allocation,
        app.customers.get("alice"),
        brand=app.office.brand,
        made_on=app.allocations.desk.local(allocation.confirmed_at).date(),
        made_at=allocation.confirmed_at,
    )
    printed = app.allocation_contracts.printer.print(made)

    assert again.version == allocation.version and again.contract_hash == allocation.contract_hash
    assert hashlib.sha256(printed).hexdigest() == allocation.contract_hash


def test_an_unconfirmed_application_has_no_agreement_to_download(app: App) -> None:
    allocation = paid(app)

    assert app.allocation_contracts.issue(allocation.id).contract_hash == ""
    with pytest.raises(NotFound) as waiting:
        app.allocation_contracts.download(allocation.id, customer_id="alice")
    assert waiting.value.code == "contract_not_issued"


def test_another_customer_cannot_download_the_agreement(app: App) -> None:
    allocation = confirmed(app)
    verified_customer(app, "bob")

    with pytest.raises(NotFound) as refused:
        app.allocation_contracts.download(allocation.id, customer_id="bob")

    assert refused.value.code == "allocation_not_found"


def test_an_agreement_changed_in_the_store_is_refused_not_handed_out(app: App) -> None:
    app.allocation_contracts.store = ChangedFiles()
    allocation = confirmed(app)

    with pytest.raises(ContractTampered) as refused:
        app.allocation_contracts.download(allocation.id, customer_id="alice")

    assert refused.value.code == "contract_tampered"


class BrokenPrinter:
    def print(self, agreement: Agreement) -> bytes:
        raise StorageError("the printer is down")


def test_an_agreement_the_confirmation_could_not_issue_is_issued_by_the_jobs(app: App) -> None:
    printer = app.allocation_contracts.printer
    app.allocation_contracts.printer = BrokenPrinter()
    allocation = running(app)  # confirmed and started while the printer was down
    assert allocation.status is Status.IN_PROGRESS and allocation.contract_hash == ""
    assert run_jobs(app, deliver=False).allocation_agreements_issued == 0  # still down: the round goes on

    app.allocation_contracts.printer = printer
    first, second = run_jobs(app, deliver=False), run_jobs(app, deliver=False)

    assert (first.allocation_agreements_issued, second.allocation_agreements_issued) == (1, 0)
    issued = app.allocations.get(allocation.id, customer_id="alice")
    content = app.allocation_contracts.download(allocation.id, customer_id="alice")
    assert hashlib.sha256(content).hexdigest() == issued.contract_hash
    assert_books_hold(app)


def test_the_printed_agreement_says_the_terms_fixed_at_confirmation_in_both_languages(
    printed_agreements: App,
) -> None:
    app = printed_agreements
    allocation = confirmed(app)

    content = app.allocation_contracts.download(allocation.id, customer_id="alice")
    words = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)

    for said in ("配资协议", "Allocation Agreement", f"PZ-{allocation.id}", "张*", str(Money(B))):
        assert said in words
    assert str(Money(WL)) in words and str(Money(CL)) in words
    assert "以中文为准" in words
