"""The rounds of scheduled jobs of ``serve`` and ``bot``: a round runs in the process that takes its lease
and is skipped by the others, on every storage; rounds are named by the second they start at."""

from __future__ import annotations

import asyncio
import gc
import threading
import time
from typing import Any

import attrs
import pytest

from p2pstock import serving
from p2pstock.bootstrap import App
from p2pstock.core.leases import Leases


def test_a_round_runs_in_the_process_that_takes_its_lease_and_is_skipped_by_the_others(app: App) -> None:
    one, two = Leases(app.office, holder="worker-1"), Leases(app.office, holder="worker-2")

    async def rounds() -> list[object]:
        return [
            await serving.jobs_round(app, one, 600),
            await serving.jobs_round(app, two, 600),
            await serving.jobs_round(app, two, 660),
            await serving.jobs_round(app, one, 660),
        ]

    ran = asyncio.run(rounds())

    assert [report is not None for report in ran] == [True, False, True, False]


def test_a_round_is_named_by_the_second_it_starts_at_so_a_longer_interval_goes_on_with_later_rounds(
    app: App,
) -> None:
    leases = Leases(app.office, holder="worker-1")
    assert serving.round_at(1_000.5, 30) == 990
    assert leases.take(serving.JOBS_LEASE, 60, round_=serving.round_at(1_000.5, 30))
    leases.release(serving.JOBS_LEASE)

    # the interval became 60 s: one round may fall before the last one taken, the next comes after it
    assert not leases.take(serving.JOBS_LEASE, 60, round_=serving.round_at(1_010, 60))
    assert leases.take(serving.JOBS_LEASE, 60, round_=serving.round_at(1_080, 60))


def test_a_settled_process_works_in_its_worker_threads_and_runs_the_jobs_in_a_thread_of_their_own(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = attrs.evolve(app, settings=attrs.evolve(app.settings, worker_threads=2))
    jobs_threads: list[str] = []

    def run_jobs(*args: Any, **kwargs: Any) -> Any:
        jobs_threads.append(threading.current_thread().name)
        return real_run_jobs(*args, **kwargs)

    real_run_jobs = serving.run_jobs
    monkeypatch.setattr(serving, "run_jobs", run_jobs)

    def busy() -> str:
        time.sleep(0.05)
        return threading.current_thread().name

    async def settled() -> set[str]:
        serving.settle_in(app)
        names = await asyncio.gather(*(asyncio.to_thread(busy) for _ in range(6)))
        await serving.jobs_round(app, Leases(app.office, holder="worker-1"), 600)
        return set(names)

    work_threads = asyncio.run(settled())

    assert len(work_threads) == 2 and all(name.startswith("p2pstock-work") for name in work_threads)
    assert len(jobs_threads) == 1 and jobs_threads[0].startswith("p2pstock-jobs")
    assert gc.get_freeze_count() > 0  # what start-up loaded is out of the collector's way


def test_a_cancelled_round_lets_the_event_loop_go_on_and_holds_its_lease_until_the_jobs_end(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    jobs_ended = threading.Event()

    def slow_jobs(*_args: Any, **_kwargs: Any) -> None:
        time.sleep(1)
        jobs_ended.set()

    monkeypatch.setattr(serving, "run_jobs", slow_jobs)
    other = Leases(app.office, holder="worker-2")

    async def cancelled_round() -> tuple[float, list[bool], bool]:
        round_ = asyncio.create_task(serving.jobs_round(app, Leases(app.office, holder="worker-1"), 600))
        await asyncio.sleep(0.2)
        round_.cancel()
        longest_pause, last, taken_meanwhile = 0.0, time.monotonic(), []
        while not round_.done():
            await asyncio.sleep(0.01)
            longest_pause, last = max(longest_pause, time.monotonic() - last), time.monotonic()
            if not jobs_ended.is_set():
                taken_meanwhile.append(await asyncio.to_thread(other.take, serving.JOBS_LEASE, 60))
        with pytest.raises(asyncio.CancelledError):
            await round_
        return longest_pause, taken_meanwhile, jobs_ended.is_set()

    longest_pause, taken_meanwhile, ended = asyncio.run(cancelled_round())

    assert longest_pause < 0.5  # the loop was never held while the jobs went on
    assert taken_meanwhile and not any(taken_meanwhile)  # nobody else got the lease meanwhile
    assert ended  # the round ended with its jobs
