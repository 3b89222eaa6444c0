"""In-memory storage of investors' auto-invest rules (see ``memory.py``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import attrs

from p2pstock.adapters.memory_people import Undo, put, remove
from p2pstock.core.errors import TransientConflict
from p2pstock.core.lending.auto_invest import AutoInvestRule


class MemoryAutoInvestRules:
    def __init__(self, rows: dict[str, AutoInvestRule], undo: Undo) -> None:
        self._rows, self._undo = rows, undo

    def get(self, investor_id: str) -> AutoInvestRule | None:
        return self._rows.get(investor_id)

    def add(self, rule: AutoInvestRule) -> None:
        if rule.investor_id in self._rows:
            raise TransientConflict(f"the auto-invest rule of {rule.investor_id} exists")
        put(self._rows, rule.investor_id, rule, self._undo)

    def save(self, rule: AutoInvestRule) -> None:
        stored = self._rows.get(rule.investor_id)
        if stored is None or stored.version + 1 != rule.version:
            raise TransientConflict(f"the auto-invest rule of {rule.investor_id} changed meanwhile")
        kept = attrs.evolve(
            rule, last_fired_at=stored.last_fired_at, low_balance_told=stored.low_balance_told
        )
        put(self._rows, rule.investor_id, kept, self._undo)

    def remove(self, investor_id: str) -> bool:
        return remove(self._rows, investor_id, self._undo)

    def admitting(self, months: int, rate_bp: int) -> list[AutoInvestRule]:
        return [
            rule
            for rule in self._rows.values()
            if rule.active
            and rule.terms.months_min <= months <= rule.terms.months_max
            and rule.terms.rate_min_bp <= rate_bp <= rule.terms.rate_max_bp
        ]

    def record(self, fired: Sequence[str], at: int, told: Sequence[str]) -> None:
        for investor_id in fired:
            self._mark(investor_id, lambda r: attrs.evolve(r, last_fired_at=at, low_balance_told=False))
        for investor_id in told:
            self._mark(investor_id, lambda r: attrs.evolve(r, low_balance_told=True))

    def _mark(self, investor_id: str, change: Callable[[AutoInvestRule], AutoInvestRule]) -> None:
        stored = self._rows.get(investor_id)
        if stored is not None:
            put(self._rows, investor_id, change(stored), self._undo)
