"""Loan products, loans, investments and installments keep the same contract in memory, in a SQLite file
and in PostgreSQL: records come back exactly as stored, queries answer in the promised order, a stale
version or a duplicate is a conflict, saving what was never stored is not found, and on PostgreSQL a loan
read with a lock is a loan no other writer can change until the transaction ends."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import TypeVar

import attrs
import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from p2pstock.adapters.sql.database import create_engine
from p2pstock.adapters.sql.migrate import MIGRATIONS, current_revision, head_revision, upgrade
from p2pstock.adapters.sql.uow import SqlUnitOfWorkFactory
from p2pstock.core.errors import NotFound, TransientConflict
from p2pstock.core.lending.loans import (
    Investment,
    InvestmentStatus,
    Loan,
    LoanInstallment,
    LoanStatus,
    Review,
)
from p2pstock.core.lending.ports import HallFilter, LoanCatalogEntry
from p2pstock.core.lending.products import LoanProduct, LoanTerms
from p2pstock.core.lending.schedules import Method
from p2pstock.core.people.customers import Customer
from p2pstock.core.ports import UnitOfWork, UnitOfWorkFactory

T = TypeVar("T")

NOW = 1_767_225_600_123_456  # 2026-01-01 00:00:00.123456 UTC, in microseconds
SECOND = 1_000_000
HOUR = 3_600 * SECOND
DAY = 24 * HOUR
MONDAY = date(2026, 1, 5)

PRODUCT = LoanProduct(
    "personal",
    1,
    "Personal",
    100_000,
    10_000_000,
    1,
    36,
    600,
    2_400,
    [Method.EQUAL_INSTALLMENTS, Method.BULLET, Method.INTEREST_ONLY],
)


def product(code: str = "personal", version: int = 1, **changes: object) -> LoanProduct:
    return attrs.evolve(PRODUCT, code=code, version=version, **changes)


def entry(code: str = "personal", version: int = 1, *, offered: bool = True) -> LoanCatalogEntry:
    return LoanCatalogEntry(product(code, version), NOW + version * SECOND, "root", offered)


def loan(
    loan_id: str,
    *,
    borrower_id: str = "c1",
    status: LoanStatus = LoanStatus.APPLIED,
    created_at: int = NOW,
    listed_at: int | None = None,
    deadline: int | None = None,
    rate_bp: int = 1_200,
    months: int = 18,
    method: Method = Method.EQUAL_INSTALLMENTS,
) -> Loan:
    terms = PRODUCT.check(LoanTerms(500_000, months, rate_bp, method, 5, 5_000))
    return Loan(
        loan_id,
        borrower_id,
        PRODUCT,
        terms,
        "car",
        ("d1",),
        created_at=created_at,
        status=status,
        listed_at=listed_at,
        deadline=deadline,
    )


def listed(loan_id: str, listed_at: int, **changes: object) -> Loan:
    return attrs.evolve(
        loan(loan_id, status=LoanStatus.LISTED, listed_at=listed_at, deadline=listed_at + 5 * DAY),
        **changes,
    )


def full_loan() -> Loan:
    """A loan with every field away from its default, on a product with every field away from its own."""
    special = product(
        "personal.plus",
        4,
        name="个人消费贷",
        min_bid=10_000,
        bid_step=500,
        bidding_days_max=10,
        listing_fee_bp=150,
        interest_fee_bp=1_000,
        early_fee_bp=100,
        penalty_bp_per_day=7,
    )
    terms = special.check(LoanTerms(1_000_000, 12, 1_500, Method.INTEREST_ONLY, 7, 20_000))
    return Loan(
        "loan-full",
        "借款人-1",
        special,
        terms,
        "装修房子",
        ("doc-1", "doc-2"),
        created_at=NOW,
        status=LoanStatus.REPAYING,
        reviews=(
            Review("reviewer-1", NOW + HOUR, True, "资料齐全"),
            Review("reviewer-2", NOW + 2 * HOUR, True),
            Review("risk-1", NOW + 9 * DAY, True, "满标复审通过"),
        ),
        listed_at=NOW + 3 * HOUR,
        deadline=NOW + 3 * HOUR + 7 * DAY,
        funded=1_000_000,
        investors=17,
        disbursed_at=NOW + 9 * DAY + HOUR,
        start_date=date(2026, 1, 10),
        reason="按时放款",
        version=6,
    )


def investment(
    investment_id: str,
    loan_id: str = "l1",
    *,
    investor_id: str = "i1",
    at: int = NOW,
    amount: int = 50_000,
) -> Investment:
    return Investment(investment_id, loan_id, investor_id, amount, at)


def installment(loan_id: str, number: int, due: date, *, settled_at: int | None = None) -> LoanInstallment:
    return LoanInstallment(loan_id, number, due, 80_000 + number, 5_000 - number, settled_at=settled_at)


def write(units: UnitOfWorkFactory, action: Callable[[UnitOfWork], object]) -> None:
    with units() as uow:
        action(uow)
        uow.commit()


def read(units: UnitOfWorkFactory, query: Callable[[UnitOfWork], T]) -> T:
    with units(readonly=True) as uow:
        return query(uow)


def add_loans(units: UnitOfWorkFactory, *loans: Loan) -> None:
    def run(uow: UnitOfWork) -> None:
        for each in loans:
            uow.loans.add(each)

    write(units, run)


def ids(records: list[Loan] | list[Investment]) -> list[str]:
    return [r.id for r in records]


# -- loan products


def test_a_loan_product_version_comes_back_as_stored_and_the_newest_version_is_the_latest(
    uow_factory: UnitOfWorkFactory,
) -> None:
    full = LoanCatalogEntry(full_loan().product, NOW, "root-2", offered=False)
    write(
        uow_factory,
        lambda uow: [uow.loan_products.add(e) for e in (entry(version=1), full, entry(version=2))],
    )

    assert read(uow_factory, lambda uow: uow.loan_products.get("personal.plus", 4)) == full
    assert read(uow_factory, lambda uow: uow.loan_products.get("personal", 1)) == entry(version=1)
    assert read(uow_factory, lambda uow: uow.loan_products.latest("personal")) == entry(version=2)
    assert read(uow_factory, lambda uow: uow.loan_products.latest("personal", lock=True)) == entry(version=2)
    assert read(uow_factory, lambda uow: uow.loan_products.get("personal", 3)) is None
    assert read(uow_factory, lambda uow: uow.loan_products.latest("business")) is None


def test_adding_a_loan_product_version_that_exists_is_a_conflict(uow_factory: UnitOfWorkFactory) -> None:
    write(uow_factory, lambda uow: uow.loan_products.add(entry()))

    with pytest.raises(TransientConflict), uow_factory() as uow:
        uow.loan_products.add(LoanCatalogEntry(product(name="Another"), NOW, "root-2"))

    assert read(uow_factory, lambda uow: uow.loan_products.get("personal", 1)) == entry()


def test_offered_products_are_the_newest_version_of_each_code_still_offered(
    uow_factory: UnitOfWorkFactory,
) -> None:
    entries = [
        entry("personal", 1),
        entry("personal", 2),
        entry("business", 1),
        entry("business", 2, offered=False),  # the newest is withdrawn: business is not offered at all
        entry("car", 3),
        entry("auto", 1),
    ]
    write(uow_factory, lambda uow: [uow.loan_products.add(e) for e in entries])
    write(uow_factory, lambda uow: uow.loan_products.set_offered("car", 3, False))
    write(uow_factory, lambda uow: uow.loan_products.set_offered("auto", 1, True))

    offered = read(uow_factory, lambda uow: uow.loan_products.offered())

    assert offered == [entry("auto", 1), entry("personal", 2)]
    write(uow_factory, lambda uow: uow.loan_products.set_offered("car", 3, True))
    assert [e.product.code for e in read(uow_factory, lambda uow: uow.loan_products.offered())] == [
        "auto",
        "car",
        "personal",
    ]


def test_withdrawing_a_loan_product_version_that_was_never_defined_is_not_found(
    uow_factory: UnitOfWorkFactory,
) -> None:
    write(uow_factory, lambda uow: uow.loan_products.add(entry()))

    with pytest.raises(NotFound), uow_factory() as uow:
        uow.loan_products.set_offered("personal", 2, False)


# -- loans


def test_a_loan_with_every_field_filled_comes_back_exactly_as_stored(uow_factory: UnitOfWorkFactory) -> None:
    add_loans(uow_factory, full_loan(), loan("l1"))

    assert read(uow_factory, lambda uow: uow.loans.get("loan-full")) == full_loan()
    assert read(uow_factory, lambda uow: uow.loans.get("loan-full", lock=True)) == full_loan()
    assert read(uow_factory, lambda uow: uow.loans.get("l1")) == loan("l1")
    assert read(uow_factory, lambda uow: uow.loans.get("no-such")) is None


def test_a_loan_added_without_commit_is_not_stored(uow_factory: UnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        uow.loans.add(loan("l1"))
        assert uow.loans.get("l1") == loan("l1")

    assert read(uow_factory, lambda uow: uow.loans.get("l1")) is None


def test_adding_a_loan_whose_id_exists_is_a_conflict(uow_factory: UnitOfWorkFactory) -> None:
    add_loans(uow_factory, loan("l1"))

    with pytest.raises(TransientConflict), uow_factory() as uow:
        uow.loans.add(loan("l1", borrower_id="c2"))

    assert read(uow_factory, lambda uow: uow.loans.get("l1")) == loan("l1")


def test_a_loan_is_saved_only_over_the_version_it_was_read_at(uow_factory: UnitOfWorkFactory) -> None:
    add_loans(uow_factory, loan("l1"))
    first = listed("l1", NOW + HOUR, version=2)
    write(uow_factory, lambda uow: uow.loans.save(first))

    with pytest.raises(TransientConflict), uow_factory() as uow:
        uow.loans.save(attrs.evolve(first, reason="stale", version=2))  # over version 1, which moved on
    with pytest.raises(TransientConflict), uow_factory() as uow:
        uow.loans.save(attrs.evolve(first, version=4))  # over version 3, which never was
    with pytest.raises(TransientConflict), uow_factory() as uow:
        uow.loans.save(loan("ghost", status=LoanStatus.LISTED, listed_at=NOW))  # never added

    assert read(uow_factory, lambda uow: uow.loans.get("l1")) == first
    assert read(uow_factory, lambda uow: uow.loans.get("ghost")) is None
    second = attrs.evolve(first, status=LoanStatus.FULL, funded=500_000, investors=3, version=3)
    write(uow_factory, lambda uow: uow.loans.save(second))
    assert read(uow_factory, lambda uow: uow.loans.get("l1")) == second


def test_the_financing_hall_shows_listed_loans_the_newest_listing_first_a_page_at_a_time(
    uow_factory: UnitOfWorkFactory,
) -> None:
    add_loans(
        uow_factory,
        listed("l1", NOW + 1 * HOUR),
        listed("l2", NOW + 3 * HOUR),
        listed("l4", NOW + 2 * HOUR),
        listed("l3", NOW + 2 * HOUR),  # listed the same moment as l4: the smaller id first
        listed("l5", NOW + 9 * HOUR, status=LoanStatus.FULL),
        loan("l6", status=LoanStatus.FIRST_REVIEWED),
        listed("l0", NOW),
    )
    everything = HallFilter()

    pages = [read(uow_factory, lambda uow, o=o: uow.loans.listed(everything, o, 2)) for o in (0, 2, 4, 6)]

    assert [ids(page) for page in pages] == [["l2", "l3"], ["l4", "l1"], ["l0"], []]
    assert ids(read(uow_factory, lambda uow: uow.loans.listed(everything, 1, 10))) == ["l3", "l4", "l1", "l0"]
    assert read(uow_factory, lambda uow: uow.loans.listed(everything, 0, 10))[0] == listed(
        "l2", NOW + 3 * HOUR
    )


def test_the_financing_hall_filters_on_rate_term_and_method_with_every_bound_inclusive(
    uow_factory: UnitOfWorkFactory,
) -> None:
    add_loans(
        uow_factory,
        listed("a", NOW + 6 * HOUR, terms=attrs.evolve(loan("a").terms, rate_bp=800, months=6)),
        listed("b", NOW + 5 * HOUR, terms=attrs.evolve(loan("b").terms, rate_bp=1_200, months=12)),
        listed(
            "c",
            NOW + 4 * HOUR,
            terms=attrs.evolve(loan("c").terms, rate_bp=1_500, months=24, method=Method.BULLET),
        ),
        listed(
            "d",
            NOW + 3 * HOUR,
            terms=attrs.evolve(loan("d").terms, rate_bp=2_000, months=36, method=Method.INTEREST_ONLY),
        ),
        attrs.evolve(
            loan("e", status=LoanStatus.REPAYING, listed_at=NOW),
            terms=attrs.evolve(loan("e").terms, rate_bp=1_500, months=24, method=Method.BULLET),
        ),
    )

    def hall(where: HallFilter) -> list[str]:
        return ids(read(uow_factory, lambda uow: uow.loans.listed(where, 0, 10)))

    assert hall(HallFilter()) == ["a", "b", "c", "d"]
    assert hall(HallFilter(rate_min_bp=1_200)) == ["b", "c", "d"]
    assert hall(HallFilter(rate_max_bp=1_500)) == ["a", "b", "c"]
    assert hall(HallFilter(rate_min_bp=1_200, rate_max_bp=1_500)) == ["b", "c"]
    assert hall(HallFilter(months_min=12, months_max=24)) == ["b", "c"]
    assert hall(HallFilter(months_min=25)) == ["d"]
    assert hall(HallFilter(months_max=6)) == ["a"]
    assert hall(HallFilter(method=Method.BULLET)) == ["c"]
    assert hall(HallFilter(method=Method.EQUAL_PRINCIPAL)) == []
    assert hall(HallFilter(1_000, 2_000, 6, 36, Method.EQUAL_INSTALLMENTS)) == ["b"]
    stored = read(uow_factory, lambda uow: uow.loans.listed(HallFilter(method=Method.INTEREST_ONLY), 0, 1))
    assert [HallFilter(rate_min_bp=2_000).admits(each) for each in stored] == [True]


def test_listed_loans_whose_bidding_deadline_has_come_come_earliest_deadline_first(
    uow_factory: UnitOfWorkFactory,
) -> None:
    add_loans(
        uow_factory,
        listed("l1", NOW, deadline=NOW + 3 * HOUR),
        listed("l2", NOW, deadline=NOW + HOUR),
        listed("l3", NOW, deadline=NOW + 2 * HOUR),
        listed("l0", NOW, deadline=NOW + 2 * HOUR),  # the same deadline as l3: the smaller id first
        listed("l4", NOW, deadline=NOW + 4 * HOUR),  # not yet
        listed("l5", NOW, deadline=NOW, status=LoanStatus.FULL),  # full before its deadline
        loan("l6"),  # no deadline yet
    )

    closed = read(uow_factory, lambda uow: uow.loans.bidding_closed(NOW + 3 * HOUR, 10))

    assert ids(closed) == ["l2", "l0", "l3", "l1"]
    assert ids(read(uow_factory, lambda uow: uow.loans.bidding_closed(NOW + 3 * HOUR, 2))) == ["l2", "l0"]
    assert read(uow_factory, lambda uow: uow.loans.bidding_closed(NOW, 10)) == []


def test_loans_in_the_given_statuses_come_oldest_application_first(uow_factory: UnitOfWorkFactory) -> None:
    add_loans(
        uow_factory,
        loan("l1", created_at=NOW + 3 * SECOND),
        loan("l2", created_at=NOW + SECOND, status=LoanStatus.FIRST_REVIEWED),
        loan("l3", created_at=NOW + 2 * SECOND),
        loan("l0", created_at=NOW + 2 * SECOND),  # the same moment as l3: the smaller id first
        loan("l4", created_at=NOW, status=LoanStatus.REJECTED),
        loan("l5", created_at=NOW + 9 * SECOND, status=LoanStatus.FIRST_REVIEWED),
    )
    waiting = [LoanStatus.APPLIED, LoanStatus.FIRST_REVIEWED]

    assert ids(read(uow_factory, lambda uow: uow.loans.in_status(waiting, 10))) == [
        "l2",
        "l0",
        "l3",
        "l1",
        "l5",
    ]
    assert ids(read(uow_factory, lambda uow: uow.loans.in_status(waiting, 3))) == ["l2", "l0", "l3"]
    assert ids(read(uow_factory, lambda uow: uow.loans.in_status((LoanStatus.REJECTED,), 10))) == ["l4"]
    assert read(uow_factory, lambda uow: uow.loans.in_status([LoanStatus.REPAID], 10)) == []
    assert read(uow_factory, lambda uow: uow.loans.in_status([], 10)) == []


def test_a_borrowers_loans_come_newest_first(uow_factory: UnitOfWorkFactory) -> None:
    add_loans(
        uow_factory,
        loan("l1", created_at=NOW),
        loan("l2", created_at=NOW + 2 * SECOND, status=LoanStatus.WITHDRAWN),
        loan("l3", created_at=NOW + SECOND, borrower_id="c2"),
        loan("l4", created_at=NOW + SECOND),
        loan("l0", created_at=NOW + SECOND),  # the same moment as l4: the smaller id first
    )

    assert ids(read(uow_factory, lambda uow: uow.loans.of_borrower("c1"))) == ["l2", "l0", "l4", "l1"]
    assert ids(read(uow_factory, lambda uow: uow.loans.of_borrower("c2"))) == ["l3"]
    assert read(uow_factory, lambda uow: uow.loans.of_borrower("c3")) == []


# -- investments


def test_an_investment_comes_back_as_stored_and_as_saved(uow_factory: UnitOfWorkFactory) -> None:
    write(uow_factory, lambda uow: [uow.investments.add(investment(i)) for i in ("v1", "v2")])
    assert read(uow_factory, lambda uow: uow.investments.get("v1")) == investment("v1")

    holding = attrs.evolve(
        investment("v1"),
        status=InvestmentStatus.HOLDING,
        principal_received=12_345,
        interest_received=678,
        penalty_received=9,
    )
    released = attrs.evolve(investment("v2"), status=InvestmentStatus.RELEASED)
    write(uow_factory, lambda uow: uow.investments.save_all([holding, released]))
    write(uow_factory, lambda uow: uow.investments.save_all([]))

    assert read(uow_factory, lambda uow: uow.investments.get("v1")) == holding
    assert read(uow_factory, lambda uow: uow.investments.get("v2")) == released
    assert read(uow_factory, lambda uow: uow.investments.get("v3")) is None


def test_adding_an_investment_whose_id_exists_is_a_conflict(uow_factory: UnitOfWorkFactory) -> None:
    write(uow_factory, lambda uow: uow.investments.add(investment("v1")))

    with pytest.raises(TransientConflict), uow_factory() as uow:
        uow.investments.add(investment("v1", "l2", amount=70_000))

    assert read(uow_factory, lambda uow: uow.investments.get("v1")) == investment("v1")


def test_saving_an_investment_that_was_never_added_is_not_found_and_saves_none(
    uow_factory: UnitOfWorkFactory,
) -> None:
    write(uow_factory, lambda uow: uow.investments.add(investment("v1")))

    with pytest.raises(NotFound), uow_factory() as uow:
        changed = attrs.evolve(investment("v1"), status=InvestmentStatus.HOLDING)
        uow.investments.save_all([changed, investment("ghost")])
        uow.commit()

    assert read(uow_factory, lambda uow: uow.investments.get("v1")) == investment("v1")
    assert read(uow_factory, lambda uow: uow.investments.get("ghost")) is None


def test_a_loans_investments_come_in_the_order_made_and_an_investors_newest_first(
    uow_factory: UnitOfWorkFactory,
) -> None:
    made = [
        investment("v3", at=NOW + 2 * SECOND),
        investment("v1", at=NOW, investor_id="i2"),
        investment("v2", at=NOW + 2 * SECOND, investor_id="i2"),  # the same moment as v3: v2 first
        investment("v4", "l2", at=NOW + SECOND),
        investment("v0", "l2", at=NOW + 3 * SECOND, investor_id="i2"),
    ]
    write(uow_factory, lambda uow: [uow.investments.add(i) for i in made])

    assert ids(read(uow_factory, lambda uow: uow.investments.of_loan("l1"))) == ["v1", "v2", "v3"]
    assert ids(read(uow_factory, lambda uow: uow.investments.of_loan("l2"))) == ["v4", "v0"]
    assert ids(read(uow_factory, lambda uow: uow.investments.of_investor("i1"))) == ["v3", "v4"]
    assert ids(read(uow_factory, lambda uow: uow.investments.of_investor("i2"))) == ["v0", "v2", "v1"]
    assert read(uow_factory, lambda uow: uow.investments.of_loan("l3")) == []
    assert read(uow_factory, lambda uow: uow.investments.of_investor("i3")) == []


def test_a_loans_holders_come_in_the_order_made_each_with_the_investors_record(
    uow_factory: UnitOfWorkFactory,
) -> None:
    people = [Customer("i1", telegram_user_id=7001, language="en"), Customer("i2", phone="+8613800138000")]
    made = [
        investment("v2", at=NOW + SECOND, investor_id="i2"),
        investment("v1", at=NOW),
        investment("v3", at=NOW + 2 * SECOND, investor_id="gone"),  # no customer record
        investment("v4", "l2", at=NOW),
    ]
    write(
        uow_factory,
        lambda uow: [uow.customers.add(c) for c in people] + [uow.investments.add(i) for i in made],
    )

    holders = read(uow_factory, lambda uow: uow.investments.holders("l1"))

    assert holders == [(made[1], people[0]), (made[0], people[1]), (made[2], None)]
    assert read(uow_factory, lambda uow: uow.investments.holders("l3")) == []


def test_many_investments_are_saved_in_one_go(uow_factory: UnitOfWorkFactory) -> None:
    made = [investment(f"v{i:04}", at=NOW + i) for i in range(900)]
    write(uow_factory, lambda uow: [uow.investments.add(i) for i in made])
    holding = [attrs.evolve(i, status=InvestmentStatus.HOLDING, principal_received=100) for i in made]

    write(uow_factory, lambda uow: uow.investments.save_all(holding))

    assert read(uow_factory, lambda uow: uow.investments.of_loan("l1")) == holding
    with pytest.raises(NotFound), uow_factory() as uow:
        uow.investments.save_all([*holding[:500], investment("ghost"), *holding[500:]])


# -- installments


def test_a_loans_installments_come_back_by_number_as_stored_and_as_paid(
    uow_factory: UnitOfWorkFactory,
) -> None:
    schedule = [installment("l1", n, MONDAY + timedelta(days=30 * n)) for n in (3, 1, 2)]
    write(uow_factory, lambda uow: uow.installments.add_all(schedule))
    write(uow_factory, lambda uow: uow.installments.add_all([installment("l2", 1, MONDAY)]))
    write(uow_factory, lambda uow: uow.installments.add_all([]))

    assert read(uow_factory, lambda uow: uow.installments.of_loan("l1")) == [
        schedule[1],
        schedule[2],
        schedule[0],
    ]

    paid = attrs.evolve(
        schedule[1], paid_principal=80_001, paid_interest=4_999, paid_penalty=123, settled_at=NOW + DAY
    )
    part = attrs.evolve(schedule[2], paid_interest=1_000)
    write(uow_factory, lambda uow: uow.installments.save_all([paid, part]))
    write(uow_factory, lambda uow: uow.installments.save_all([]))

    assert read(uow_factory, lambda uow: uow.installments.of_loan("l1")) == [paid, part, schedule[0]]
    assert read(uow_factory, lambda uow: uow.installments.of_loan("l2")) == [installment("l2", 1, MONDAY)]
    assert read(uow_factory, lambda uow: uow.installments.of_loan("l3")) == []


def test_adding_an_installment_that_exists_is_a_conflict_and_adds_none(
    uow_factory: UnitOfWorkFactory,
) -> None:
    write(uow_factory, lambda uow: uow.installments.add_all([installment("l1", 1, MONDAY)]))

    with pytest.raises(TransientConflict), uow_factory() as uow:
        uow.installments.add_all([installment("l1", 2, MONDAY), installment("l1", 1, date(2026, 2, 5))])
        uow.commit()

    assert read(uow_factory, lambda uow: uow.installments.of_loan("l1")) == [installment("l1", 1, MONDAY)]


def test_saving_an_installment_that_was_never_added_is_not_found_and_saves_none(
    uow_factory: UnitOfWorkFactory,
) -> None:
    write(uow_factory, lambda uow: uow.installments.add_all([installment("l1", 1, MONDAY)]))

    with pytest.raises(NotFound), uow_factory() as uow:
        paid = installment("l1", 1, MONDAY, settled_at=NOW)
        uow.installments.save_all([paid, installment("l1", 2, MONDAY)])
        uow.commit()

    assert read(uow_factory, lambda uow: uow.installments.of_loan("l1")) == [installment("l1", 1, MONDAY)]


def test_unsettled_installments_due_by_a_day_come_earliest_first(uow_factory: UnitOfWorkFactory) -> None:
    tuesday = MONDAY + timedelta(days=1)
    write(
        uow_factory,
        lambda uow: uow.installments.add_all(
            [
                installment("l2", 1, MONDAY - timedelta(days=31)),  # overdue since last month
                installment("l2", 2, MONDAY),
                installment("l1", 2, tuesday),  # not yet due on Monday
                installment("l1", 1, MONDAY - timedelta(days=31), settled_at=NOW),  # paid
                installment("l0", 4, MONDAY),  # due the same day as l2's second: loan l0 first
                installment("l0", 3, MONDAY),  # and of one loan, the smaller number first
            ]
        ),
    )

    def due(day: date, limit: int) -> list[tuple[str, int]]:
        return [
            (i.loan_id, i.number) for i in read(uow_factory, lambda uow: uow.installments.due_by(day, limit))
        ]

    assert due(MONDAY, 10) == [("l2", 1), ("l0", 3), ("l0", 4), ("l2", 2)]
    assert due(MONDAY, 2) == [("l2", 1), ("l0", 3)]
    assert due(tuesday, 10) == [("l2", 1), ("l0", 3), ("l0", 4), ("l2", 2), ("l1", 2)]
    assert due(MONDAY - timedelta(days=32), 10) == []
    write(
        uow_factory,
        lambda uow: uow.installments.save_all(
            [installment("l2", 1, MONDAY - timedelta(days=31), settled_at=NOW)]
        ),
    )
    assert due(MONDAY, 10) == [("l0", 3), ("l0", 4), ("l2", 2)]


# -- SQL only: the version column, locks, races, the migration


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest) -> Iterator[sa.Engine]:
    engine = create_engine(request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url"))
    yield engine
    engine.dispose()


@pytest.fixture
def pg_engine(pg_url: str) -> Iterator[sa.Engine]:
    """A PostgreSQL engine whose lock waits give up after 5 s: a missing lock fails, not hangs."""
    engine = create_engine(pg_url)

    @sa.event.listens_for(engine, "connect")
    def _lock_timeout(dbapi_connection: object, _record: object) -> None:
        with dbapi_connection.cursor() as cursor:  # type: ignore[attr-defined]
            cursor.execute("SET lock_timeout = '5s'")
        dbapi_connection.commit()  # type: ignore[attr-defined]

    yield engine
    engine.dispose()


def test_a_loans_version_column_wins_over_its_stored_text(engine: sa.Engine) -> None:
    units = SqlUnitOfWorkFactory(engine)
    add_loans(units, loan("l1"))
    with engine.begin() as connection:
        connection.execute(sa.text("UPDATE loan SET version = 5 WHERE id = 'l1'"))

    assert read(units, lambda uow: uow.loans.get("l1")) == attrs.evolve(loan("l1"), version=5)
    write(units, lambda uow: uow.loans.save(attrs.evolve(loan("l1"), reason="moved", version=6)))
    assert read(units, lambda uow: uow.loans.get("l1")) == attrs.evolve(loan("l1"), reason="moved", version=6)


def _row_is_free(engine: sa.Engine, table: str, where: str) -> bool:
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql(f"SELECT 1 FROM {table} WHERE {where} FOR UPDATE NOWAIT")
    except sa.exc.OperationalError:  # 55P03 lock_not_available
        return False
    return True


@pytest.mark.postgres
def test_reading_a_loan_or_a_product_with_lock_holds_the_row_until_the_transaction_ends_on_postgres(
    pg_engine: sa.Engine,
) -> None:
    units = SqlUnitOfWorkFactory(pg_engine)
    write(units, lambda uow: (uow.loans.add(loan("k1")), uow.loan_products.add(entry())))
    loan_row, product_row = ("loan", "id = 'k1'"), ("loan_product", "code = 'personal'")

    with units() as uow:
        assert uow.loans.get("k1") is not None
        assert uow.loan_products.latest("personal") is not None
        assert _row_is_free(pg_engine, *loan_row)
        assert _row_is_free(pg_engine, *product_row)
        assert uow.loans.get("k1", lock=True) is not None
        assert uow.loan_products.latest("personal", lock=True) is not None
        assert not _row_is_free(pg_engine, *loan_row)
        assert not _row_is_free(pg_engine, *product_row)
    assert _row_is_free(pg_engine, *loan_row)
    assert _row_is_free(pg_engine, *product_row)


def _wait_until_someone_waits_for_a_lock(engine: sa.Engine) -> None:
    deadline = time.monotonic() + 10
    with engine.connect() as connection:
        while time.monotonic() < deadline:
            waiting = connection.exec_driver_sql(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock'"
            ).scalar()
            connection.rollback()
            if waiting:
                return
            time.sleep(0.01)
    raise AssertionError("the second writer never waited for the first")


def _in_thread(action: Callable[[], None]) -> tuple[threading.Thread, list[BaseException | None]]:
    """``action`` started on a thread; its outcome (None or what it raised) lands in the list."""
    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            action()
            outcome.append(None)
        except BaseException as error:  # handed to the test thread
            outcome.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


@pytest.mark.postgres
def test_two_writers_locking_the_same_loan_take_turns_and_neither_change_is_lost_on_postgres(
    pg_engine: sa.Engine,
) -> None:
    units = SqlUnitOfWorkFactory(pg_engine)
    add_loans(units, loan("l1"))
    seen: list[int] = []

    def second_writer() -> None:
        with units() as uow:
            stored = uow.loans.get("l1", lock=True)  # waits for the first writer
            assert stored is not None
            seen.append(stored.version)
            uow.loans.save(attrs.evolve(stored, investors=stored.investors + 1, version=stored.version + 1))
            uow.commit()

    with units() as uow:
        stored = uow.loans.get("l1", lock=True)
        assert stored is not None
        thread, outcome = _in_thread(second_writer)
        _wait_until_someone_waits_for_a_lock(pg_engine)
        uow.loans.save(attrs.evolve(stored, funded=5_000, investors=1, version=2))
        uow.commit()
    thread.join(10)

    assert outcome == [None]
    assert seen == [2]  # the second writer read what the first one saved
    stored = read(units, lambda uow: uow.loans.get("l1"))
    assert stored is not None
    assert (stored.version, stored.funded, stored.investors) == (3, 5_000, 2)


@pytest.mark.postgres
def test_a_writer_that_read_a_loan_without_a_lock_cannot_save_over_a_version_saved_meanwhile_on_postgres(
    pg_engine: sa.Engine,
) -> None:
    units = SqlUnitOfWorkFactory(pg_engine)
    add_loans(units, loan("l1"))

    def second_writer() -> None:
        with units() as uow:
            stored = uow.loans.get("l1")  # version 1: the first writer has not committed
            assert stored is not None
            uow.loans.save(attrs.evolve(stored, reason="second", version=stored.version + 1))  # waits
            uow.commit()

    with units() as uow:
        stored = uow.loans.get("l1", lock=True)
        assert stored is not None
        uow.loans.save(attrs.evolve(stored, reason="first", version=2))
        thread, outcome = _in_thread(second_writer)
        _wait_until_someone_waits_for_a_lock(pg_engine)
        uow.commit()
    thread.join(10)

    assert len(outcome) == 1
    assert isinstance(outcome[0], TransientConflict)
    assert read(units, lambda uow: uow.loans.get("l1")) == attrs.evolve(loan("l1"), reason="first", version=2)


_TABLES = {"loan_product", "loan", "loan_investment", "loan_installment"}


@pytest.mark.own_database  # migrations run down and up on it
def test_revision_0008_can_be_downgraded_to_0007_and_upgraded_again(engine: sa.Engine) -> None:
    units = SqlUnitOfWorkFactory(engine)
    add_loans(units, loan("l1"))
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine

    command.downgrade(config, "0007")

    assert current_revision(engine) == "0007"
    tables = set(sa.inspect(engine).get_table_names())
    assert not _TABLES & tables
    assert {"allocation", "allocation_product"} <= tables

    upgrade(engine)

    assert current_revision(engine) == head_revision()
    assert set(sa.inspect(engine).get_table_names()) >= _TABLES
    assert read(units, lambda uow: uow.loans.get("l1")) is None
    add_loans(units, full_loan())
    assert read(units, lambda uow: uow.loans.get("loan-full")) == full_loan()


def test_the_installments_falling_due_are_found_through_a_partial_index_of_the_unsettled(
    engine: sa.Engine,
) -> None:
    indexes = {i["name"]: i for i in sa.inspect(engine).get_indexes("loan_installment")}

    due = indexes["ix_loan_installment_due"]

    assert due["column_names"] == ["due", "loan_id", "number"]
    where = due.get("dialect_options", {}).get(f"{engine.dialect.name}_where")
    assert where is not None
    assert "settled_at is null" in str(where).lower()
    loan_indexes = {i["name"]: i["column_names"] for i in sa.inspect(engine).get_indexes("loan")}
    assert loan_indexes == {
        "ix_loan_hall": ["status", "listed_at"],
        "ix_loan_borrower": ["borrower_id", "created_at"],
        "ix_loan_deadline": ["status", "deadline"],
        "ix_loan_contract_due": ["contract_due", "id"],
    }
