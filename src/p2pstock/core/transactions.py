"""Running a piece of business logic in one transaction, again from the start if the database says
another transaction got in the way (serialization failure, deadlock)."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import TypeVar

from p2pstock.core.errors import TransientConflict
from p2pstock.core.ports import UnitOfWork, UnitOfWorkFactory

T = TypeVar("T")
log = logging.getLogger(__name__)

ATTEMPTS = 12


def in_transaction(
    uow_factory: UnitOfWorkFactory, work: Callable[[UnitOfWork], T], *, readonly: bool = False
) -> T:
    """Run ``work`` in a unit of work and commit; retry the whole of it on ``TransientConflict``.

    ``work`` must have no effect outside the transaction, so that running it again is safe."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            with uow_factory(readonly=readonly) as uow:
                result = work(uow)
                if not readonly:
                    uow.commit()
                return result
        except TransientConflict:
            if attempt == ATTEMPTS:
                raise
            log.debug("transaction conflict, attempt %d of %d", attempt, ATTEMPTS)
            time.sleep(random.uniform(0, min(0.25, 0.002 * 2**attempt)))  # noqa: S311 - jitter, not security
    raise AssertionError("unreachable")
