"""In-memory storage of the papers customers acknowledged."""

from __future__ import annotations

from p2pstock.adapters.memory_people import Undo, put
from p2pstock.core.errors import TransientConflict
from p2pstock.core.papers import Acknowledgement


class MemoryAcknowledgements:
    def __init__(self, rows: dict[str, Acknowledgement], undo: Undo) -> None:
        self._rows, self._undo = rows, undo

    def get(self, customer_id: str, paper: str, version: int) -> Acknowledgement | None:
        return self._rows.get(_key(customer_id, paper, version))

    def add(self, acknowledgement: Acknowledgement) -> None:
        a = acknowledgement
        key = _key(a.customer_id, a.paper, a.version)
        if key in self._rows:
            raise TransientConflict(f"{a.customer_id} acknowledged {a.paper} v{a.version} already")
        put(self._rows, key, a, self._undo)

    def of_customer(self, customer_id: str) -> list[Acknowledgement]:
        mine = (a for a in self._rows.values() if a.customer_id == customer_id)
        return sorted(mine, key=lambda a: (a.at, a.paper, a.version))


def _key(customer_id: str, paper: str, version: int) -> str:
    return f"{customer_id}\x00{paper}\x00{version}"
