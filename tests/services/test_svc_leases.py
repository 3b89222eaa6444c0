"""Leases: one holder at a time for a named piece of work among processes sharing the storage; the jobs'
lease is taken once per round. On memory, SQLite and PostgreSQL, raced with real threads."""

from __future__ import annotations

import threading
from datetime import timedelta

from racing import at_once

from p2pstock.adapters.clock import ManualClock
from p2pstock.core.backoffice import Backoffice
from p2pstock.core.clock import SystemClock
from p2pstock.core.leases import Leases
from p2pstock.core.ports import UnitOfWorkFactory


def workers(uow_factory: UnitOfWorkFactory, clock: ManualClock, count: int) -> list[Leases]:
    office = Backoffice(uow_factory, clock)
    return [Leases(office, holder=f"worker-{i}") for i in range(count)]


def test_a_lease_held_by_one_worker_is_refused_to_another_until_let_go(
    uow_factory: UnitOfWorkFactory, clock: ManualClock
) -> None:
    one, two = workers(uow_factory, clock, 2)

    assert one.take("jobs", 60)
    assert one.take("jobs", 60)  # holding it, the time is extended
    assert not two.take("jobs", 60)
    two.release("jobs")  # not its lease: nothing happens
    assert not two.take("jobs", 60)
    one.release("jobs")
    assert two.take("jobs", 60)


def test_a_lease_whose_holder_stopped_renewing_it_passes_to_another_when_it_runs_out(
    uow_factory: UnitOfWorkFactory, clock: ManualClock
) -> None:
    crashed, other = workers(uow_factory, clock, 2)
    assert crashed.take("jobs", 60)

    clock.advance(timedelta(seconds=59))
    assert not other.take("jobs", 60)
    clock.advance(timedelta(seconds=1))
    assert other.take("jobs", 60)
    assert not crashed.take("jobs", 60)


def test_a_round_is_taken_once_even_after_its_holder_let_the_lease_go(
    uow_factory: UnitOfWorkFactory, clock: ManualClock
) -> None:
    one, two, three = workers(uow_factory, clock, 3)

    assert one.take("jobs", 60, round_=100)
    one.release("jobs")
    assert not two.take("jobs", 60, round_=100)
    assert not one.take("jobs", 60, round_=100)
    assert not three.take("jobs", 60, round_=99)  # a late worker's older round
    assert two.take("jobs", 60, round_=101)
    assert not three.take("jobs", 60, round_=102)  # the next round waits for the holder of this one
    two.release("jobs")
    assert three.take("jobs", 60, round_=102)


def test_leases_of_different_names_are_independent(
    uow_factory: UnitOfWorkFactory, clock: ManualClock
) -> None:
    one, two = workers(uow_factory, clock, 2)

    assert one.take("tg:turn:1", 60)
    assert two.take("tg:turn:2", 60)
    assert two.take("jobs", 60, round_=1)


def test_of_eight_workers_asking_for_a_round_at_once_exactly_one_gets_it(
    uow_factory: UnitOfWorkFactory, clock: ManualClock
) -> None:
    racers = workers(uow_factory, clock, 8)
    for round_ in (7, 8):  # the first round inserts the lease, the second updates it
        answers, errors = at_once(8, lambda i, r=round_: racers[i].take("jobs", 60, round_=r))  # type: ignore[misc]
        assert errors == []
        assert sorted(answers, key=bool) == [False] * 7 + [True]
        for worker in racers:
            worker.release("jobs")


def test_a_lease_renewed_while_blocking_work_runs_outlives_its_time_and_is_let_go_after(
    uow_factory: UnitOfWorkFactory,
) -> None:
    office = Backoffice(uow_factory, SystemClock())
    one, two = Leases(office, holder="worker-1"), Leases(office, holder="worker-2")
    assert one.take("jobs", 1)

    with one.renewed("jobs", 1):
        threading.Event().wait(2.5)  # the work outlasts the lease's second twice over
        assert not two.take("jobs", 1)

    assert two.take("jobs", 1)


def test_a_turn_is_held_by_one_worker_at_a_time_and_can_be_taken_again_once_let_go(
    uow_factory: UnitOfWorkFactory, clock: ManualClock
) -> None:
    one, two = workers(uow_factory, clock, 2)

    assert one.take_turn("tg:turn:1", 60)
    assert not two.take_turn("tg:turn:1", 60)
    two.end_turn("tg:turn:1")  # not its turn: nothing happens
    assert not two.take_turn("tg:turn:1", 60)
    assert two.take_turn("tg:turn:2", 60)
    one.end_turn("tg:turn:1")
    assert two.take_turn("tg:turn:1", 60)
