"""Leases: one process at a time for a named piece of work, among all the processes sharing the storage.

A lease is a row (``name``, ``holder``, ``expires_at``, ``round``). A process takes it when nobody holds
it, or the holder let it go, or the holder's time ran out (it died): nothing else is needed for a
crashed holder to be replaced. Two uses:

- **the scheduled jobs** (``jobs``): every worker wakes at each round (``p2pstock.serving``: a round is
  named by the wall-clock second it starts at) and asks for the lease *for that round*; the first
  takes it and records the round, the others are refused, also after it was let go, until the next round.
  The holder renews the lease while its round runs, so a long round is never run twice at once.
- **a chat's turn** (``tg:turn:<chat id>``, ``p2pstock.bots.telegram.persistence``): a bot worker holds the
  chat's turn (``take_turn``) while it reads the chat's conversation state, handles the update and writes
  the state back, so two updates of one chat reaching two workers at once are handled one after the other.

On PostgreSQL the take is one conditional ``UPDATE`` (a concurrent one waits for the first and then finds
the row taken) or an ``INSERT … ON CONFLICT DO NOTHING``; on SQLite the writer lock serialises takes.

**Turns on one machine.** A turn is short, never renewed and has no round. Where only the processes of
one machine can open the storage (a SQLite file: its WAL needs memory they share), a turn is not a row but
a lock of that machine (``UnitOfWorkFactory.local_locks``): taking and letting it go writes nothing, so a
turn costs the database's one writer no transaction, and the operating system lets go the locks of a
process the moment it ends, however it ends. A process that hangs keeps its turns (a lease would run out
after ``seconds``, while it might still be at work). Elsewhere a turn is a lease of ``seconds``.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING, Protocol

import attrs

if TYPE_CHECKING:
    from p2pstock.core.backoffice import Backoffice

_MICROS = 1_000_000
log = logging.getLogger(__name__)


class LeaseRepository(Protocol):
    """The stored leases."""

    def take(self, name: str, holder: str, now: int, until: int, round_: int | None = None) -> bool:
        """Hold ``name`` for ``holder`` until ``until`` (microseconds) if at ``now`` it is free, expired or
        already ``holder``'s; with ``round_``, only if it was not taken for ``round_`` or a later round
        yet (and record ``round_``). Answers whether ``holder`` holds it now."""
        ...

    def release(self, name: str, holder: str) -> None:
        """Let ``name`` go if ``holder`` holds it (its round stays recorded)."""
        ...


class LocalLocks(Protocol):
    """Named locks among the processes of one machine, each held by one holder at a time; the operating
    system lets go those of a process that ends."""

    def take(self, name: str, holder: str) -> bool:
        """Hold ``name`` for ``holder`` if nobody else holds it; whether ``holder`` holds it now."""
        ...

    def release(self, name: str, holder: str) -> None:
        """Let ``name`` go if ``holder`` holds it."""
        ...


def this_process() -> str:
    """A holder name unique to this process: host, process id and a random part (pids are reused)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@attrs.frozen
class Leases:
    """Takes and lets go leases for ``holder`` (this process), one short transaction each."""

    office: Backoffice
    holder: str = attrs.field(factory=this_process)

    def take(self, name: str, seconds: float, *, round_: int | None = None) -> bool:
        """Hold ``name`` for ``seconds`` from now (see ``LeaseRepository.take``); holding it already, the
        time is extended."""
        return self.office.run(
            lambda tx: tx.uow.leases.take(name, self.holder, tx.now, tx.now + int(seconds * _MICROS), round_)
        )

    def release(self, name: str) -> None:
        self.office.run(lambda tx: tx.uow.leases.release(name, self.holder))

    def take_turn(self, name: str, seconds: float) -> bool:
        """Hold the turn ``name``: a lock of this machine where the storage has them, else the lease
        ``name`` for ``seconds`` (see "Turns on one machine" above)."""
        local = self.office.uow_factory.local_locks
        return local.take(name, self.holder) if local is not None else self.take(name, seconds)

    def end_turn(self, name: str) -> None:
        local = self.office.uow_factory.local_locks
        if local is not None:
            local.release(name, self.holder)
        else:
            self.release(name)

    @contextlib.contextmanager
    def renewed(self, name: str, seconds: float) -> Iterator[None]:
        """Inside the block, a thread renews the lease ``name`` (taken already) every third of ``seconds``;
        it is let go when the block ends. For blocking work (``p2pstock jobs run``)."""
        done = threading.Event()

        def renew() -> None:
            while not done.wait(seconds / 3):
                if not self.take(name, seconds):
                    log.warning("the lease %s passed to another process", name)

        renewer = threading.Thread(target=renew, name=f"lease {name}", daemon=True)
        renewer.start()
        try:
            yield
        finally:
            done.set()
            renewer.join()
            self.release(name)
