"""In-memory leases (see ``p2pstock.core.leases``): the memory database's one lock serialises takes."""

from __future__ import annotations

import attrs

from p2pstock.adapters.memory_people import Undo, put


@attrs.frozen
class Lease:
    holder: str
    expires_at: int
    round: int = 0


class MemoryLeases:
    def __init__(self, rows: dict[str, Lease], undo: Undo) -> None:
        self._rows, self._undo = rows, undo

    def take(self, name: str, holder: str, now: int, until: int, round_: int | None = None) -> bool:
        current = self._rows.get(name)
        if current is not None:
            free = current.holder == holder or current.expires_at <= now
            if not free or (round_ is not None and current.round >= round_):
                return False
        kept = current.round if current is not None else 0
        put(self._rows, name, Lease(holder, until, kept if round_ is None else round_), self._undo)
        return True

    def release(self, name: str, holder: str) -> None:
        current = self._rows.get(name)
        if current is not None and current.holder == holder:
            put(self._rows, name, attrs.evolve(current, expires_at=0), self._undo)
