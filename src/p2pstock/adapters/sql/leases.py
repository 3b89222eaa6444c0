"""Leases on SQLite and PostgreSQL (see ``p2pstock.core.leases``).

A take is one conditional ``UPDATE``: on PostgreSQL a concurrent one waits for the first to commit, then
evaluates its condition again on the row the first wrote, and finds it taken. A lease never taken before
is an ``INSERT … ON CONFLICT DO NOTHING``: of two at once, one inserts and the other does nothing.
"""

from __future__ import annotations

from p2pstock.adapters.sql.repository import SqlRepository

_TAKE = (
    "UPDATE lease SET holder = :holder, expires_at = :until{set_round} "
    "WHERE name = :name AND (holder = :holder OR expires_at <= :now){for_round}"
)
_FIRST = (
    "INSERT INTO lease (name, holder, expires_at, round) VALUES (:name, :holder, :until, :round) "
    "ON CONFLICT (name) DO NOTHING"
)
_RELEASE = "UPDATE lease SET expires_at = 0 WHERE name = :name AND holder = :holder"


class SqlLeases(SqlRepository):
    def take(self, name: str, holder: str, now: int, until: int, round_: int | None = None) -> bool:
        params = {"name": name, "holder": holder, "now": now, "until": until, "round": round_ or 0}
        by_round = round_ is not None
        statement = _TAKE.format(
            set_round=", round = :round" if by_round else "",
            for_round=" AND round < :round" if by_round else "",
        )
        if int(self._run(statement, params).rowcount) == 1:
            return True
        return int(self._run(_FIRST, params).rowcount) == 1

    def release(self, name: str, holder: str) -> None:
        self._run(_RELEASE, {"name": name, "holder": holder})
