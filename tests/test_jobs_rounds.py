"""The rounds of scheduled jobs of ``serve`` and ``bot``: a round runs in the process that takes its lease
and is skipped by the others, on every storage; rounds are named by the second they start at."""

from __future__ import annotations

import asyncio

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
