"""Allocations, side requests, daily statuses and timelines keep the same contract in memory, in a SQLite
file and in PostgreSQL: records come back exactly as stored, queries answer in the promised order, a stale
version or a duplicate is a conflict, and a trading sub-account serves one running allocation at a time."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from datetime import time as clock_time
from typing import TypeVar

import attrs
import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from p2pstock.adapters.sql.database import create_engine
from p2pstock.adapters.sql.migrate import MIGRATIONS, current_revision, head_revision, upgrade
from p2pstock.adapters.sql.uow import SqlUnitOfWorkFactory
from p2pstock.core.allocation.allocations import (
    Allocation,
    CallOutcome,
    Hold,
    PhoneCall,
    Risk,
    Settlement,
    Status,
    Watch,
)
from p2pstock.core.allocation.ports import Event
from p2pstock.core.allocation.products import Component, LeverageRate, Mode, Product, RefundPolicy
from p2pstock.core.allocation.side_requests import Kind, RequestStatus, SideRequest
from p2pstock.core.allocation.statuses import DailyStatus, Figures, Source
from p2pstock.core.errors import NotFound, TransientConflict
from p2pstock.core.ports import UnitOfWork, UnitOfWorkFactory

T = TypeVar("T")

NOW = 1_767_225_600_123_456  # 2026-01-01 00:00:00.123456 UTC, in microseconds
SECOND = 1_000_000
HOUR = 3_600 * SECOND
MONDAY = date(2026, 1, 5)

PRODUCT = Product(
    code="monthly.standard",
    version=3,
    name="按月配资",
    mode=Mode.MONTHLY,
    rates=(LeverageRate(3, 12_000), LeverageRate(4, 15_000)),
    deposit_min=100_000,
    deposit_max=100_000_000,
    deposit_step=100_000,
    term_min=1,
    term_max=6,
    warning_ratio_pct=60,
    liquidation_ratio_pct=40,
    risk_fund_ppm=5_000,
    prepaid_periods=1,
    payment_deadline_minutes=90,
    same_day_cutoff=clock_time(14, 0),
    refund_policy=RefundPolicy.UNUSED_PERIODS,
)


def allocation(
    allocation_id: str,
    *,
    customer_id: str = "c1",
    status: Status = Status.APPLIED,
    created_at: int = NOW,
    deadline: int = NOW + 2 * HOUR,
    sub_account: str | None = None,
    next_fee_date: date | None = None,
) -> Allocation:
    return Allocation(
        id=allocation_id,
        customer_id=customer_id,
        product=PRODUCT,
        deposit=2_000_000,
        leverage=4,
        term=3,
        allocated=8_000_000,
        fee_per_period=120_000,
        due={Component.DEPOSIT: 2_000_000, Component.RISK_FUND: 40_000, Component.PREPAID_FEE: 120_000},
        created_at=created_at,
        deadline=deadline,
        status=status,
        sub_account=sub_account,
        next_fee_date=next_fee_date,
    )


def running(allocation_id: str, sub_account: str, **changes: object) -> Allocation:
    return attrs.evolve(
        allocation(allocation_id, status=Status.IN_PROGRESS, sub_account=sub_account), **changes
    )


def full_allocation() -> Allocation:
    """An allocation with every field away from its default — but those read from its latest status
    (``LATEST``: its day, assets, withdrawable cash and risk state), which it has none of."""
    return attrs.evolve(
        allocation("alloc-full", customer_id="客户-1", status=Status.SETTLED, sub_account="SUB-001"),
        holds={
            Component.DEPOSIT: Hold("hold-d", 2_000_000),
            Component.RISK_FUND: Hold("hold-r", 40_000),
            Component.PREPAID_FEE: Hold("hold-f", 120_000),
        },
        calls=(
            PhoneCall("reviewer-1", NOW + SECOND, CallOutcome.NO_ANSWER, "无人接听"),
            PhoneCall("reviewer-1", NOW + 2 * SECOND, CallOutcome.CONFIRMED),
        ),
        warning_line=9_200_000,
        liquidation_line=8_800_000,
        sealed_password="sealed:abc123",
        password_shown=True,
        start_date=MONDAY,
        end_date=date(2026, 4, 3),
        next_fee_date=date(2026, 2, 5),
        periods_charged=2,
        prepaid_left=1,
        fees_paid=240_000,
        fees_unpaid=120_000,
        overdue=True,
        top_up_holds=(Hold("top-1", 500_000), Hold("top-2", 250_000)),
        profit_withdrawn=300_000,
        reason="到期结算",
        settlement=Settlement(
            final_assets=10_400_000,
            payout=2_150_000,
            fees_collected=360_000,
            from_risk_fund=0,
            receivable=0,
            loss=0,
            fees_waived=5_000,
            refund=40_000,
            by="risk-1",
            at=NOW + 90 * 24 * HOUR,
        ),
        version=7,
    )


def side_request(
    request_id: str, allocation_id: str = "a1", *, at: int = NOW, kind: Kind = Kind.TOP_UP
) -> SideRequest:
    return SideRequest(request_id, allocation_id, "c1", kind, 500_000, 0, f"hold-{request_id}", at)


def daily_status(
    allocation_id: str, day: date, revision: int = 1, *, assets: int = 10_000_000
) -> DailyStatus:
    return DailyStatus(
        allocation_id=allocation_id,
        trade_date=day,
        revision=revision,
        figures=Figures(
            total_assets=assets,
            market_value=assets - 1_500_000,
            cash_available=1_200_000,
            cash_frozen=300_000,
            cash_withdrawable=1_000_000,
            daily_pnl=-32_050,
            floating_pnl=456_789,
            note=f"第{revision}版",
        ),
        source=Source.CSV if revision == 1 else Source.MANUAL,
        entered_by="risk-1",
        entered_at=NOW + revision * SECOND,
        ratio_bp=11_363,
        risk_before=Risk.NORMAL,
        risk_after=Risk.WARNING,
    )


def write(units: UnitOfWorkFactory, action: Callable[[UnitOfWork], object]) -> None:
    with units() as uow:
        action(uow)
        uow.commit()


def read(units: UnitOfWorkFactory, query: Callable[[UnitOfWork], T]) -> T:
    with units(readonly=True) as uow:
        return query(uow)


def add_all(units: UnitOfWorkFactory, *allocations: Allocation) -> None:
    def run(uow: UnitOfWork) -> None:
        for a in allocations:
            uow.allocations.add(a)

    write(units, run)


def saved(units: UnitOfWorkFactory, changed: Allocation) -> Allocation:
    """``changed`` saved as the next version of what is stored."""
    with units() as uow:
        stored = uow.allocations.get(changed.id, lock=True)
        assert stored is not None
        after = attrs.evolve(changed, version=stored.version + 1)
        uow.allocations.save(after)
        uow.commit()
    return after


def ids(allocations: list[Allocation]) -> list[str]:
    return [a.id for a in allocations]


# -- allocations


def test_an_allocation_with_every_field_filled_comes_back_exactly_as_stored(
    uow_factory: UnitOfWorkFactory,
) -> None:
    add_all(uow_factory, full_allocation())

    assert read(uow_factory, lambda uow: uow.allocations.get("alloc-full")) == full_allocation()
    assert read(uow_factory, lambda uow: uow.allocations.get("alloc-full", lock=True)) == full_allocation()
    assert read(uow_factory, lambda uow: uow.allocations.get("no-such")) is None


def test_an_allocation_added_without_commit_is_not_stored(uow_factory: UnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        uow.allocations.add(allocation("a1"))
        assert uow.allocations.get("a1") == allocation("a1")

    assert read(uow_factory, lambda uow: uow.allocations.get("a1")) is None


def test_adding_an_allocation_whose_id_exists_is_a_conflict(uow_factory: UnitOfWorkFactory) -> None:
    add_all(uow_factory, allocation("a1"))

    with pytest.raises(TransientConflict), uow_factory() as uow:
        uow.allocations.add(allocation("a1", customer_id="someone-else"))

    assert read(uow_factory, lambda uow: uow.allocations.get("a1")) == allocation("a1")


def test_saving_the_next_version_replaces_the_stored_allocation(uow_factory: UnitOfWorkFactory) -> None:
    add_all(uow_factory, allocation("a1"))
    paid = attrs.evolve(
        allocation("a1"),
        status=Status.PARTIALLY_PAID,
        holds={Component.DEPOSIT: Hold("h1", 2_000_000)},
        version=1,
    )

    write(uow_factory, lambda uow: uow.allocations.save(paid))

    assert read(uow_factory, lambda uow: uow.allocations.get("a1")) == paid
    assert read(uow_factory, lambda uow: uow.allocations.in_status([Status.PARTIALLY_PAID], 10)) == [paid]
    assert read(uow_factory, lambda uow: uow.allocations.in_status([Status.APPLIED], 10)) == []


@pytest.mark.parametrize("version", [0, 1, 3], ids=["same", "stale", "skipping"])
def test_saving_any_but_the_next_version_is_a_conflict_and_changes_nothing(
    uow_factory: UnitOfWorkFactory, version: int
) -> None:
    add_all(uow_factory, attrs.evolve(allocation("a1"), version=1))

    with pytest.raises(TransientConflict), uow_factory() as uow:
        uow.allocations.save(attrs.evolve(allocation("a1"), status=Status.CANCELLED, version=version))

    assert read(uow_factory, lambda uow: uow.allocations.get("a1")) == attrs.evolve(
        allocation("a1"), version=1
    )


def test_saving_an_allocation_that_was_never_added_is_a_conflict(uow_factory: UnitOfWorkFactory) -> None:
    with pytest.raises(TransientConflict), uow_factory() as uow:
        uow.allocations.save(attrs.evolve(allocation("ghost"), version=1))


def test_only_running_allocations_are_found_by_their_sub_account(uow_factory: UnitOfWorkFactory) -> None:
    add_all(
        uow_factory,
        running("a1", "SUB-1"),
        running("a2", "SUB-2"),
        allocation("a3", status=Status.SETTLED, sub_account="SUB-3"),
        allocation("a4", status=Status.CONFIRMED),
    )

    found = read(
        uow_factory, lambda uow: uow.allocations.by_sub_account(["SUB-1", "SUB-3", "SUB-9", "SUB-1"])
    )

    assert found == {"SUB-1": running("a1", "SUB-1")}
    assert read(uow_factory, lambda uow: uow.allocations.by_sub_account([])) == {}


def test_a_sub_account_serves_a_new_allocation_once_the_old_one_is_settled(
    uow_factory: UnitOfWorkFactory,
) -> None:
    add_all(uow_factory, running("old", "SUB-1"), allocation("new", status=Status.CONFIRMED))

    settled = saved(uow_factory, attrs.evolve(running("old", "SUB-1"), status=Status.SETTLED))
    started = saved(uow_factory, running("new", "SUB-1"))

    assert read(uow_factory, lambda uow: uow.allocations.by_sub_account(["SUB-1"])) == {"SUB-1": started}
    assert read(uow_factory, lambda uow: uow.allocations.get("old")) == settled


def test_two_running_allocations_cannot_share_a_sub_account(uow_factory: UnitOfWorkFactory) -> None:
    add_all(uow_factory, running("a1", "SUB-1"), allocation("a2", status=Status.CONFIRMED))

    with pytest.raises(TransientConflict), uow_factory() as uow:
        uow.allocations.save(attrs.evolve(running("a2", "SUB-1"), version=1))

    assert read(uow_factory, lambda uow: uow.allocations.get("a2")) == allocation(
        "a2", status=Status.CONFIRMED
    )
    assert read(uow_factory, lambda uow: uow.allocations.by_sub_account(["SUB-1"])) == {
        "SUB-1": running("a1", "SUB-1")
    }


def test_sub_accounts_are_looked_up_many_at_a_time(uow_factory: UnitOfWorkFactory) -> None:
    add_all(uow_factory, *(running(f"a{i:04}", f"SUB-{i:04}") for i in range(1_000)))
    codes = [f"SUB-{i:04}" for i in range(0, 1_200, 2)]  # more codes than one query takes, some unknown

    found = read(uow_factory, lambda uow: uow.allocations.by_sub_account(codes))

    assert sorted(found) == [f"SUB-{i:04}" for i in range(0, 1_000, 2)]
    assert all(a.id == f"a{code[4:]}" for code, a in found.items())


def test_what_statuses_need_is_watched_by_sub_account_with_the_risk_state_of_the_latest_status(
    uow_factory: UnitOfWorkFactory,
) -> None:
    stored = running("w1", "SUB-W", warning_line=5_500_000, liquidation_line=5_300_000, allocated=5_000_000)
    add_all(uow_factory, stored, allocation("w2"))
    [watch] = read(uow_factory, lambda uow: uow.allocations.watch(["SUB-W", "SUB-NONE"])).values()
    assert watch == Watch.of(stored)
    assert (watch.risk, watch.last_status_date) == (Risk.NORMAL, None)

    tuesday = MONDAY + timedelta(days=1)
    statuses = [
        daily_status("w1", tuesday),  # normal → warning
        attrs.evolve(daily_status("w1", MONDAY), risk_before=Risk.WARNING, risk_after=Risk.LIQUIDATION),
    ]
    write(uow_factory, lambda uow: uow.daily_statuses.add(statuses))

    [watch] = read(uow_factory, lambda uow: uow.allocations.watch(["SUB-W"])).values()
    assert (watch.risk, watch.last_status_date) == (Risk.WARNING, tuesday)
    found = read(uow_factory, lambda uow: uow.allocations.get("w1"))
    assert found is not None
    assert (found.risk, found.version) == (Risk.WARNING, stored.version)


def test_an_allocation_reads_its_latest_status_by_day_then_revision(uow_factory: UnitOfWorkFactory) -> None:
    add_all(uow_factory, running("a1", "SUB-1"), running("a2", "SUB-2"))
    tuesday = MONDAY + timedelta(days=1)
    statuses = [
        daily_status("a1", tuesday, assets=9_000_000),
        daily_status("a1", MONDAY, assets=8_000_000),
        daily_status("a1", MONDAY, 2, assets=8_100_000),
        daily_status("a1", tuesday, 2, assets=9_100_000),
    ]
    write(uow_factory, lambda uow: uow.daily_statuses.add(statuses))

    for lock in (False, True):
        found = read(uow_factory, lambda uow: uow.allocations.get("a1", lock=lock))  # noqa: B023
        assert found is not None
        assert (found.last_status_date, found.last_assets, found.last_withdrawable) == (
            tuesday,
            9_100_000,
            1_000_000,
        )
    [other] = read(uow_factory, lambda uow: uow.allocations.in_status([Status.IN_PROGRESS], 10, after="a1"))
    assert (other.id, other.last_status_date, other.last_assets, other.last_withdrawable) == (
        "a2",
        None,
        None,
        0,
    )


def test_saving_an_allocation_never_stores_its_latest_status(uow_factory: UnitOfWorkFactory) -> None:
    add_all(uow_factory, running("a1", "SUB-1"))
    write(uow_factory, lambda uow: uow.daily_statuses.add([daily_status("a1", MONDAY, assets=8_000_000)]))
    loaded = read(uow_factory, lambda uow: uow.allocations.get("a1"))
    assert loaded is not None

    made_up = attrs.evolve(loaded, version=loaded.version + 1, last_assets=1, last_withdrawable=2)
    write(uow_factory, lambda uow: uow.allocations.save(made_up))

    again = read(uow_factory, lambda uow: uow.allocations.get("a1"))
    assert again == attrs.evolve(made_up, last_assets=8_000_000, last_withdrawable=1_000_000)


def test_profit_withdrawn_since_a_status_counts_until_a_later_day_is_stored(
    uow_factory: UnitOfWorkFactory,
) -> None:
    add_all(uow_factory, running("a1", "SUB-1"))
    write(uow_factory, lambda uow: uow.daily_statuses.add([daily_status("a1", MONDAY)]))
    loaded = read(uow_factory, lambda uow: uow.allocations.get("a1"))
    assert loaded is not None
    write(
        uow_factory,
        lambda uow: uow.allocations.save(
            attrs.evolve(loaded, version=loaded.version + 1, withdrawn_since_status=300_000)
        ),
    )

    def withdrawn() -> int:
        found = read(uow_factory, lambda uow: uow.allocations.get("a1"))
        assert found is not None
        return found.withdrawn_since_status

    write(uow_factory, lambda uow: uow.daily_statuses.add([daily_status("a1", MONDAY, 2)]))  # a correction
    assert withdrawn() == 300_000
    write(uow_factory, lambda uow: uow.daily_statuses.add([daily_status("a1", MONDAY + timedelta(days=1))]))
    assert withdrawn() == 0


def test_a_customers_allocations_come_newest_first(uow_factory: UnitOfWorkFactory) -> None:
    add_all(
        uow_factory,
        allocation("a1", created_at=NOW),
        allocation("a2", created_at=NOW + 2 * SECOND),
        allocation("a3", created_at=NOW + SECOND),
        allocation("a4", created_at=NOW + 2 * SECOND),  # same moment as a2: the larger id first
        allocation("b1", customer_id="c2", created_at=NOW + 3 * SECOND),
    )

    assert ids(read(uow_factory, lambda uow: uow.allocations.of_customer("c1"))) == ["a4", "a2", "a3", "a1"]
    assert read(uow_factory, lambda uow: uow.allocations.of_customer("nobody")) == []


def test_allocations_in_some_statuses_come_by_id_a_page_at_a_time(uow_factory: UnitOfWorkFactory) -> None:
    statuses = [Status.UNDER_REVIEW, Status.CONFIRMED, Status.APPLIED, Status.UNDER_REVIEW, Status.CONFIRMED]
    add_all(uow_factory, *(allocation(f"a{i}", status=s) for i, s in enumerate(statuses)))
    wanted = [Status.UNDER_REVIEW, Status.CONFIRMED]

    first = read(uow_factory, lambda uow: uow.allocations.in_status(wanted, 2))
    second = read(uow_factory, lambda uow: uow.allocations.in_status(wanted, 2, after=first[-1].id))
    third = read(uow_factory, lambda uow: uow.allocations.in_status(wanted, 2, after=second[-1].id))

    assert (ids(first), ids(second), third) == (["a0", "a1"], ["a3", "a4"], [])
    assert ids(read(uow_factory, lambda uow: uow.allocations.in_status([Status.APPLIED], 10))) == ["a2"]
    assert read(uow_factory, lambda uow: uow.allocations.in_status([], 10)) == []


def test_fees_are_due_from_running_allocations_whose_next_fee_day_has_come(
    uow_factory: UnitOfWorkFactory,
) -> None:
    add_all(
        uow_factory,
        running("a1", "S1", next_fee_date=MONDAY - timedelta(days=3)),  # overdue since last week
        running("a2", "S2", next_fee_date=MONDAY + timedelta(days=1)),  # tomorrow
        running("a3", "S3", next_fee_date=MONDAY),
        running("a4", "S4"),  # no fee scheduled
        allocation("a5", status=Status.SETTLED, next_fee_date=MONDAY),
        running("a6", "S6", next_fee_date=MONDAY),
    )

    due = read(uow_factory, lambda uow: uow.allocations.fees_due(MONDAY, 10))
    first = read(uow_factory, lambda uow: uow.allocations.fees_due(MONDAY, 2))
    rest = read(uow_factory, lambda uow: uow.allocations.fees_due(MONDAY, 2, after="a3"))

    assert ids(due) == ["a1", "a3", "a6"]
    assert (ids(first), ids(rest)) == (["a1", "a3"], ["a6"])
    assert ids(read(uow_factory, lambda uow: uow.allocations.fees_due(date(2026, 2, 1), 10))) == [
        "a1",
        "a2",
        "a3",
        "a6",
    ]


def test_allocations_charged_together_are_stored_exactly_each_at_its_next_versions(
    uow_factory: UnitOfWorkFactory,
) -> None:
    add_all(uow_factory, *(running(f"a{n}", f"S{n}", next_fee_date=MONDAY) for n in range(1, 4)))
    charged = {
        "a1": {"periods_charged": 1, "fees_paid": 120_000, "next_fee_date": MONDAY + timedelta(days=1)},
        "a2": {"periods_charged": 2, "fees_unpaid": 120_000, "overdue": True, "next_fee_date": None},
        "a3": {"status": Status.SETTLED, "reason": "到期", "holds": {Component.DEPOSIT: Hold("h", 1)}},
    }

    with uow_factory() as uow:
        due = uow.allocations.fees_due(MONDAY, 10)
        after = [attrs.evolve(a, version=a.version + 2, **charged[a.id]) for a in due]
        uow.allocations.save_all(list(zip(due, after, strict=True)))
        uow.commit()

    assert read(uow_factory, lambda uow: [uow.allocations.get(a.id) for a in after]) == after
    assert ids(read(uow_factory, lambda uow: uow.allocations.fees_due(MONDAY, 10))) == []


def test_allocations_charged_together_fail_together_if_one_changed_meanwhile(
    uow_factory: UnitOfWorkFactory,
) -> None:
    add_all(uow_factory, running("a1", "S1", next_fee_date=MONDAY), running("a2", "S2", next_fee_date=MONDAY))
    due = read(uow_factory, lambda uow: uow.allocations.fees_due(MONDAY, 10))
    saved(uow_factory, attrs.evolve(due[1], reason="changed meanwhile"))
    after = [attrs.evolve(a, version=a.version + 1, fees_paid=1) for a in due]

    with pytest.raises(TransientConflict), uow_factory() as uow:
        uow.allocations.save_all(list(zip(due, after, strict=True)))
        uow.commit()

    assert read(uow_factory, lambda uow: uow.allocations.get("a1")) == due[0]


def test_unpaid_applications_past_their_deadline_come_earliest_deadline_first(
    uow_factory: UnitOfWorkFactory,
) -> None:
    add_all(
        uow_factory,
        allocation("a1", deadline=NOW + 3 * HOUR),
        allocation("a2", deadline=NOW + HOUR, status=Status.PARTIALLY_PAID),
        allocation("a3", deadline=NOW + 2 * HOUR),
        allocation("a4", deadline=NOW + 4 * HOUR),  # not yet past
        allocation("a5", deadline=NOW, status=Status.UNDER_REVIEW),  # fully paid
        allocation("a6", deadline=NOW, status=Status.CANCELLED),
        allocation("a0", deadline=NOW + 2 * HOUR),
    )

    late = read(uow_factory, lambda uow: uow.allocations.unpaid_past(NOW + 3 * HOUR, 10))

    assert ids(late) == ["a2", "a0", "a3", "a1"]
    assert ids(read(uow_factory, lambda uow: uow.allocations.unpaid_past(NOW + 3 * HOUR, 2))) == ["a2", "a0"]
    assert read(uow_factory, lambda uow: uow.allocations.unpaid_past(NOW, 10)) == []


# -- side requests


def test_a_side_request_comes_back_as_stored_and_as_decided(uow_factory: UnitOfWorkFactory) -> None:
    request = SideRequest("r1", "a1", "c1", Kind.EXTENSION, 240_000, 2, "hold-r1", NOW)
    write(uow_factory, lambda uow: uow.side_requests.add(request))
    assert read(uow_factory, lambda uow: uow.side_requests.get("r1")) == request

    decided = request.decided(RequestStatus.REJECTED, "risk-1", NOW + HOUR, "额度不足")
    write(uow_factory, lambda uow: uow.side_requests.save(decided))

    assert read(uow_factory, lambda uow: uow.side_requests.get("r1", lock=True)) == decided
    assert read(uow_factory, lambda uow: uow.side_requests.get("r2")) is None


def test_adding_a_side_request_whose_id_exists_is_a_conflict(uow_factory: UnitOfWorkFactory) -> None:
    write(uow_factory, lambda uow: uow.side_requests.add(side_request("r1")))

    with pytest.raises(TransientConflict), uow_factory() as uow:
        uow.side_requests.add(side_request("r1", kind=Kind.PROFIT))

    assert read(uow_factory, lambda uow: uow.side_requests.get("r1")) == side_request("r1")


def test_an_allocations_side_requests_come_oldest_first(uow_factory: UnitOfWorkFactory) -> None:
    requests = [
        side_request("r3", at=NOW + 2 * SECOND),
        side_request("r1", at=NOW),
        side_request("x1", "a2", at=NOW - SECOND),
        side_request("r2", at=NOW + 2 * SECOND),  # same moment as r3: the smaller id first
    ]
    write(uow_factory, lambda uow: [uow.side_requests.add(r) for r in requests])

    mine = read(uow_factory, lambda uow: uow.side_requests.of_allocation("a1"))

    assert [r.id for r in mine] == ["r1", "r2", "r3"]
    assert read(uow_factory, lambda uow: uow.side_requests.of_allocation("a3")) == []


def test_pending_side_requests_come_oldest_first_up_to_the_limit(uow_factory: UnitOfWorkFactory) -> None:
    requests = [side_request(f"r{i}", f"a{i}", at=NOW - i * SECOND) for i in range(5)]
    write(uow_factory, lambda uow: [uow.side_requests.add(r) for r in requests])
    approved = requests[3].decided(RequestStatus.APPROVED, "risk-1", NOW)
    write(uow_factory, lambda uow: uow.side_requests.save(approved))

    assert [r.id for r in read(uow_factory, lambda uow: uow.side_requests.pending(3))] == ["r4", "r2", "r1"]
    assert [r.id for r in read(uow_factory, lambda uow: uow.side_requests.pending(10))] == [
        "r4",
        "r2",
        "r1",
        "r0",
    ]


# -- daily statuses


def test_an_allocations_status_history_comes_by_day_then_revision(uow_factory: UnitOfWorkFactory) -> None:
    tuesday = MONDAY + timedelta(days=1)
    statuses = [
        daily_status("a1", tuesday),
        daily_status("a1", MONDAY, 2, assets=10_100_000),
        daily_status("a2", MONDAY),
        daily_status("a1", MONDAY),
    ]
    write(uow_factory, lambda uow: uow.daily_statuses.add(statuses))

    history = read(uow_factory, lambda uow: uow.daily_statuses.history("a1"))

    assert history == [statuses[3], statuses[1], statuses[0]]
    assert read(uow_factory, lambda uow: uow.daily_statuses.history("a3")) == []


def test_statuses_since_a_day_come_by_allocation_day_and_revision(uow_factory: UnitOfWorkFactory) -> None:
    tuesday = MONDAY + timedelta(days=1)
    stored = [
        daily_status("a2", tuesday),
        daily_status("a1", tuesday),
        daily_status("a1", MONDAY, 2),
        daily_status("a1", MONDAY),
        daily_status("a1", MONDAY - timedelta(days=3)),
        daily_status("a3", tuesday),
    ]
    write(uow_factory, lambda uow: uow.daily_statuses.add(stored))

    found = read(uow_factory, lambda uow: uow.daily_statuses.since(["a2", "a1", "a9"], MONDAY))

    assert [(s.allocation_id, s.trade_date, s.revision) for s in found] == [
        ("a1", MONDAY, 1),
        ("a1", MONDAY, 2),
        ("a1", tuesday, 1),
        ("a2", tuesday, 1),
    ]
    assert found[0] == daily_status("a1", MONDAY)
    assert read(uow_factory, lambda uow: uow.daily_statuses.since([], MONDAY)) == []


def test_a_revision_of_a_day_cannot_be_stored_twice(uow_factory: UnitOfWorkFactory) -> None:
    write(uow_factory, lambda uow: uow.daily_statuses.add([daily_status("a1", MONDAY)]))

    with pytest.raises(TransientConflict), uow_factory() as uow:
        uow.daily_statuses.add([daily_status("a2", MONDAY), daily_status("a1", MONDAY, assets=1)])

    assert read(uow_factory, lambda uow: uow.daily_statuses.history("a1")) == [daily_status("a1", MONDAY)]
    assert read(uow_factory, lambda uow: uow.daily_statuses.history("a2")) == []  # all or none


def test_a_large_statement_is_stored_and_what_it_follows_looked_up_in_one_go(
    uow_factory: UnitOfWorkFactory,
) -> None:
    days = [MONDAY + timedelta(days=d) for d in range(3)]
    first = [daily_status(f"a{i:04}", day) for i in range(500) for day in days]
    write(uow_factory, lambda uow: uow.daily_statuses.add(first))
    corrections = [daily_status(f"a{i:04}", days[1], 2) for i in range(0, 500, 5)]
    write(uow_factory, lambda uow: uow.daily_statuses.add(corrections))
    ids = [f"a{i:04}" for i in range(600)]  # more ids than one query takes, some without statuses

    found = read(uow_factory, lambda uow: uow.daily_statuses.since(ids, days[1]))

    expected = sorted(
        (s for s in [*first, *corrections] if s.trade_date >= days[1]),
        key=lambda s: (s.allocation_id, s.trade_date, s.revision),
    )
    assert found == expected


# -- timelines


def test_events_are_numbered_one_by_one_per_allocation(uow_factory: UnitOfWorkFactory) -> None:
    write(
        uow_factory,
        lambda uow: uow.allocation_events.add(
            [
                Event("a1", NOW, "applied", "c1", '{"deposit":2000000}'),
                Event("a2", NOW + 1, "applied", "c2"),
                Event("a1", NOW + 2, "paid", "c1", '{"component":"deposit"}'),
            ]
        ),
    )
    write(uow_factory, lambda uow: uow.allocation_events.add([Event("a1", NOW + 3, "call", "reviewer-1")]))
    write(uow_factory, lambda uow: uow.allocation_events.add([]))

    assert read(uow_factory, lambda uow: uow.allocation_events.of_allocation("a1")) == [
        Event("a1", NOW, "applied", "c1", '{"deposit":2000000}', seq=1),
        Event("a1", NOW + 2, "paid", "c1", '{"component":"deposit"}', seq=2),
        Event("a1", NOW + 3, "call", "reviewer-1", seq=3),
    ]
    assert read(uow_factory, lambda uow: uow.allocation_events.of_allocation("a2")) == [
        Event("a2", NOW + 1, "applied", "c2", seq=1)
    ]
    assert read(uow_factory, lambda uow: uow.allocation_events.of_allocation("a3")) == []


def test_events_of_many_allocations_are_numbered_in_one_go(uow_factory: UnitOfWorkFactory) -> None:
    write(uow_factory, lambda uow: uow.allocation_events.add([Event("a0007", NOW, "applied", "c1")]))
    events = [Event(f"a{i:04}", NOW + i, "fee", "system") for i in range(900)] * 2

    write(uow_factory, lambda uow: uow.allocation_events.add(events))

    timeline = read(uow_factory, lambda uow: uow.allocation_events.of_allocation("a0007"))
    assert [(e.seq, e.kind) for e in timeline] == [(1, "applied"), (2, "fee"), (3, "fee")]
    assert [e.seq for e in read(uow_factory, lambda uow: uow.allocation_events.of_allocation("a0899"))] == [
        1,
        2,
    ]


# -- SQL only: locks, races, the migration


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


def test_saving_a_side_request_that_was_never_added_is_refused(engine: sa.Engine) -> None:
    with pytest.raises(NotFound), SqlUnitOfWorkFactory(engine)() as uow:
        uow.side_requests.save(side_request("ghost"))


def _row_is_free(engine: sa.Engine, table: str, key: str) -> bool:
    try:
        with engine.connect() as connection:
            statement = f"SELECT 1 FROM {table} WHERE id = %(key)s FOR UPDATE NOWAIT"
            connection.exec_driver_sql(statement, {"key": key})
    except sa.exc.OperationalError:  # 55P03 lock_not_available
        return False
    return True


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("repository", "table"), [("allocations", "allocation"), ("side_requests", "allocation_side_request")]
)
def test_reading_with_lock_holds_the_row_until_the_transaction_ends_on_postgres(
    pg_engine: sa.Engine, repository: str, table: str
) -> None:
    units = SqlUnitOfWorkFactory(pg_engine)
    write(
        units, lambda uow: (uow.allocations.add(allocation("k1")), uow.side_requests.add(side_request("k1")))
    )

    with units() as uow:
        assert getattr(uow, repository).get("k1") is not None
        assert _row_is_free(pg_engine, table, "k1")
        assert getattr(uow, repository).get("k1", lock=True) is not None
        assert not _row_is_free(pg_engine, table, "k1")
    assert _row_is_free(pg_engine, table, "k1")


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


@pytest.mark.postgres
def test_two_writers_numbering_the_same_timeline_at_once_conflict_on_postgres(pg_engine: sa.Engine) -> None:
    units = SqlUnitOfWorkFactory(pg_engine)
    outcome: list[BaseException | None] = []

    def second_writer() -> None:
        try:
            with units() as uow:
                uow.allocation_events.add([Event("a1", NOW + 1, "paid", "c1")])  # waits for the first writer
                uow.commit()
            outcome.append(None)
        except BaseException as error:  # handed to the test thread
            outcome.append(error)

    with units() as uow:
        uow.allocation_events.add([Event("a1", NOW, "applied", "c1")])
        thread = threading.Thread(target=second_writer)
        thread.start()
        _wait_until_someone_waits_for_a_lock(pg_engine)  # it read the same last number, and hit the key
        uow.commit()
    thread.join(10)

    assert len(outcome) == 1
    assert isinstance(outcome[0], TransientConflict)
    assert [e.seq for e in read(units, lambda uow: uow.allocation_events.of_allocation("a1"))] == [1]


@pytest.mark.postgres
@pytest.mark.parametrize("waits_by", ["taking_turns", "locking_the_allocation"])
def test_a_second_writer_waits_for_the_first_then_reads_the_statuses_it_stored_on_postgres(
    pg_engine: sa.Engine, waits_by: str
) -> None:
    units = SqlUnitOfWorkFactory(pg_engine)
    add_all(units, running("a1", "SUB-1"))
    seen: list[object] = []

    def wait(uow: UnitOfWork) -> None:
        if waits_by == "taking_turns":
            uow.daily_statuses.take_turn()
        else:
            assert uow.allocations.get("a1", lock=True) is not None

    def second_writer() -> None:
        try:
            with units() as uow:
                wait(uow)  # until the first writer commits
                found = uow.allocations.get("a1")
                seen.append((uow.daily_statuses.since(["a1"], MONDAY), found and found.last_status_date))
        except BaseException as error:  # handed to the test thread
            seen.append(error)

    with units() as uow:
        wait(uow)
        thread = threading.Thread(target=second_writer)
        thread.start()
        _wait_until_someone_waits_for_a_lock(pg_engine)
        uow.daily_statuses.add([daily_status("a1", MONDAY)])
        uow.commit()
    thread.join(10)

    assert seen == [([daily_status("a1", MONDAY)], MONDAY)]


_TABLES = {"allocation", "allocation_side_request", "allocation_daily_status", "allocation_event"}


@pytest.mark.own_database  # migrations run down and up on it
def test_revision_0006_can_be_downgraded_to_0005_and_upgraded_again(engine: sa.Engine) -> None:
    units = SqlUnitOfWorkFactory(engine)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine

    command.downgrade(config, "0005")

    assert current_revision(engine) == "0005"
    assert not _TABLES & set(sa.inspect(engine).get_table_names())

    upgrade(engine)

    assert current_revision(engine) == head_revision()
    assert set(sa.inspect(engine).get_table_names()) >= _TABLES
    add_all(units, full_allocation())
    assert read(units, lambda uow: uow.allocations.get("alloc-full")) == full_allocation()


@pytest.mark.own_database  # migrations run down and up on it
def test_revision_0009_can_be_downgraded_with_the_latest_status_copied_back_and_upgraded_again(
    engine: sa.Engine,
) -> None:
    units = SqlUnitOfWorkFactory(engine)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    add_all(units, running("a1", "SUB-1", risk=Risk.WARNING), running("a2", "SUB-2"))
    tuesday = MONDAY + timedelta(days=1)
    statuses = [
        daily_status("a1", MONDAY, assets=8_000_000),
        attrs.evolve(daily_status("a1", tuesday, assets=7_000_000), risk_before=Risk.NORMAL),
        attrs.evolve(daily_status("a1", tuesday, 2, assets=6_900_000), risk_before=Risk.WARNING),
    ]
    write(units, lambda uow: uow.daily_statuses.add(statuses))
    loaded = read(units, lambda uow: uow.allocations.get("a1"))
    assert loaded is not None
    withdrawn = attrs.evolve(loaded, version=loaded.version + 1, withdrawn_since_status=50_000)
    write(units, lambda uow: uow.allocations.save(withdrawn))

    command.downgrade(config, "0008")

    with engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                "SELECT id, risk, risk_before_day, last_status_date, last_assets, last_withdrawable, "
                "withdrawn_since_status FROM allocation ORDER BY id"
            )
        ).all()
    assert [tuple(row) for row in rows] == [
        ("a1", "warning", "normal", "2026-01-06", 6_900_000, 1_000_000, 50_000),
        ("a2", "normal", "normal", None, None, 0, 0),
    ]

    upgrade(engine)

    assert current_revision(engine) == head_revision()
    assert read(units, lambda uow: uow.allocations.get("a1")) == withdrawn


def test_the_sub_account_guard_is_a_partial_unique_index(engine: sa.Engine) -> None:
    indexes = {i["name"]: i for i in sa.inspect(engine).get_indexes("allocation")}

    guard = indexes["uq_allocation_sub_account"]

    assert guard["unique"]
    assert guard["column_names"] == ["sub_account"]
    where = guard.get("dialect_options", {}).get(f"{engine.dialect.name}_where")
    assert where is not None
    assert "in_progress" in str(where)
