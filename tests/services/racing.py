"""Work started in several real threads at the same moment."""

from __future__ import annotations

import threading
from collections.abc import Callable


def at_once(count: int, work: Callable[[int], object]) -> tuple[list[object], list[BaseException]]:
    """Run ``work(i)`` in ``count`` threads released together; what they answered and raised."""
    start = threading.Barrier(count)
    answers: list[object] = []
    errors: list[BaseException] = []

    def run(i: int) -> None:
        start.wait()
        try:
            answers.append(work(i))
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers, errors
