"""The back office without Python: products published from a file (all of them or none, each as its next
version, unchanged ones left, withdrawn ones offered again), written back as a file that reads as the same
products; the capital pool's movements, four eyes from the threshold, and what it has lent by mode."""

from __future__ import annotations

import pytest
from allocation_world import DAILY, MONTHLY, B, open_platform, running, verified_customer

from p2pstock.bootstrap import App
from p2pstock.core.allocation.products import Mode
from p2pstock.core.catalog_file import CatalogUnreadable, catalog_text, read_catalog
from p2pstock.core.lending.products import LoanProduct
from p2pstock.core.lending.schedules import Method
from p2pstock.core.money import Money
from p2pstock.core.people.four_eyes import ApprovalRequest
from p2pstock.core.people.permissions import PermissionDenied

LOAN = LoanProduct(
    code="personal",
    version=1,
    name="个人信用借款",
    amount_min=100_000,
    amount_max=10_000_000,
    months_min=1,
    months_max=12,
    rate_min_bp=600,
    rate_max_bp=2_400,
    methods=(Method.EQUAL_INSTALLMENTS,),
)
FILE = catalog_text([DAILY, MONTHLY], [LOAN])


def test_a_file_publishes_every_product_it_defines_each_as_a_version(app: App) -> None:
    done = app.product_files.publish(FILE, by="root")

    assert [(d.kind, d.code, d.version, d.changed) for d in done] == [
        ("allocation_product", "daily", 1, True),
        ("allocation_product", "monthly", 1, True),
        ("loan_product", "personal", 1, True),
    ]
    assert app.products.rate_table() == [DAILY, MONTHLY]
    assert app.loan_products.offered() == [LOAN]


def test_publishing_the_same_file_again_changes_nothing_and_a_changed_product_is_its_next_version(
    app: App,
) -> None:
    app.product_files.publish(FILE, by="root")
    changed = FILE.replace('name = "按月配资"', 'name = "按月配资 2027"')

    again = app.product_files.publish(FILE, by="root")
    later = app.product_files.publish(changed, by="root")

    assert [d.changed for d in again] == [False, False, False]
    assert [(d.code, d.version, d.changed) for d in later][1] == ("monthly", 2, True)
    assert app.products.version("monthly", 1).name == "按月配资"


def test_a_withdrawn_product_published_again_is_offered_again(app: App) -> None:
    app.product_files.publish(FILE, by="root")
    app.products.withdraw("daily", by="root")
    assert [p.code for p in app.products.rate_table()] == ["monthly"]

    (daily, _monthly, _loan) = app.product_files.publish(FILE, by="root")

    assert (daily.version, daily.changed) == (1, True)
    assert [p.code for p in app.products.rate_table()] == ["daily", "monthly"]


def test_a_file_whose_one_product_breaks_a_rule_publishes_nothing(app: App) -> None:
    broken = FILE.replace("months_max = 12", "months_max = 400")

    with pytest.raises(CatalogUnreadable) as refused:
        app.product_files.publish(broken, by="root")

    ((where, code),) = [(p.where, p.code) for p in refused.value.problems]
    assert (where, code) == ("loan_product[1]", "max_months")
    assert app.products.rate_table() == [] and app.loan_products.offered() == []


def test_the_products_written_back_read_as_the_same_products(app: App) -> None:
    app.product_files.publish(FILE, by="root")

    exported = read_catalog(app.product_files.export(by="root"))

    assert exported.allocation_products == (DAILY, MONTHLY) and exported.loan_products == (LOAN,)
    with pytest.raises(PermissionDenied):
        app.product_files.export(by="finance-1")


def test_a_capital_movement_from_the_threshold_waits_for_a_second_administrator(app: App) -> None:
    small = app.capital.fund(100_000_000, reference="seed", by="finance-1")
    large = app.capital.fund(500_000_000, reference="big", by="finance-1")

    assert small == Money(100_000_000)
    assert isinstance(large, ApprovalRequest) and app.capital.balance() == Money(100_000_000)
    app.approvals.approve(large.id, by="finance-2")
    assert app.capital.balance() == Money(600_000_000)
    actors = [
        (r.actor, r.action)
        for r in app.audit.records(by="root", limit=500)
        if r.action.startswith("capital.")
    ]
    assert actors == [("finance-1", "capital.fund"), ("finance-2", "capital.fund")]


def test_the_pool_tells_what_running_allocations_hold_of_it_by_mode(app: App) -> None:
    open_platform(app)
    verified_customer(app)
    running(app, DAILY)

    position = app.capital.position(by="finance-1")

    assert dict((lent.mode, (lent.allocations, lent.amount)) for lent in position.lent) == {
        Mode.DAILY: (1, Money(B)),
        Mode.MONTHLY: (0, Money(0)),
        Mode.WEEKLY: (0, Money(0)),
    }
    assert position.available + position.lent_total == Money(100_000_000)


def test_a_product_name_with_a_hidden_character_is_refused_and_nothing_published(app: App) -> None:
    hidden = FILE.replace('name = "按天配资"', 'name = "按天\u202e配资"')

    with pytest.raises(CatalogUnreadable) as refused:
        app.product_files.publish(hidden, by="root")

    assert [(p.where, p.code) for p in refused.value.problems] == [
        ("allocation_product[1].name", "unsafe_text")
    ]
    assert app.products.rate_table() == []
