"""Investors' auto-invest rules on SQLite and PostgreSQL: one row per investor.

``save`` writes only what the investor chose (the terms and whether the rule is active), over the version
it was read at; ``record`` writes only where rules stand in the queue, for many rules in one statement
(``= ANY`` of an array on PostgreSQL, ``IN`` lists on SQLite), and moves no version. Methods and product
codes are kept as comma-separated text.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from p2pstock.adapters.sql.repository import IN_CHUNK, Row, SqlRepository, refusing_duplicates, split_list
from p2pstock.adapters.sql.statements import positional
from p2pstock.core import trusted
from p2pstock.core.errors import TransientConflict
from p2pstock.core.lending.auto_invest import AutoInvestRule, RuleTerms
from p2pstock.core.lending.schedules import Method

_TERMS = (
    "amount",
    "share_bp",
    "keep",
    "months_min",
    "months_max",
    "rate_min_bp",
    "rate_max_bp",
    "methods",
    "products",
    "cap",
)
_CHOSEN = (*_TERMS, "active")
"""What ``save`` writes: the investor's choices."""
_COLUMNS = ("investor_id", *_CHOSEN, "created_at", "last_fired_at", "low_balance_told", "version")
_SELECT = f"SELECT {', '.join(_COLUMNS)} FROM auto_invest_rule"
_ADD = f"INSERT INTO auto_invest_rule ({', '.join(_COLUMNS)}) VALUES ({', '.join(':' + c for c in _COLUMNS)})"
_SAVE = (
    f"UPDATE auto_invest_rule SET {', '.join(f'{c} = :{c}' for c in _CHOSEN)}, version = :version "
    "WHERE investor_id = :investor_id AND version = :old_version"
)
_ADMITTING = (
    f"{_SELECT} WHERE active = :yes AND months_min <= :months AND months_max >= :months "
    "AND rate_min_bp <= :rate AND rate_max_bp >= :rate"
)
_FIRED = "UPDATE auto_invest_rule SET last_fired_at = ?, low_balance_told = ? WHERE investor_id {in_keys}"
_TOLD = "UPDATE auto_invest_rule SET low_balance_told = ? WHERE investor_id {in_keys}"
_METHODS = {method.value: method for method in Method}


def _row(rule: AutoInvestRule) -> dict[str, Any]:
    t = rule.terms
    return {
        "investor_id": rule.investor_id,
        "amount": t.amount,
        "share_bp": t.share_bp,
        "keep": t.keep,
        "months_min": t.months_min,
        "months_max": t.months_max,
        "rate_min_bp": t.rate_min_bp,
        "rate_max_bp": t.rate_max_bp,
        "methods": ",".join(m.value for m in t.methods),
        "products": ",".join(t.products),
        "cap": t.cap,
        "active": rule.active,
        "created_at": rule.created_at,
        "last_fired_at": rule.last_fired_at,
        "low_balance_told": rule.low_balance_told,
        "version": rule.version,
    }


def _rule(row: Row) -> AutoInvestRule:
    methods = tuple(_METHODS[m] for m in split_list(row[8]))
    terms = trusted.build(RuleTerms, *row[1:8], methods, tuple(split_list(row[9])), row[10])
    return trusted.build(
        AutoInvestRule, row[0], terms, row[12], bool(row[11]), row[13], bool(row[14]), row[15]
    )


class SqlAutoInvestRules(SqlRepository):
    def get(self, investor_id: str) -> AutoInvestRule | None:
        row = self._first(f"{_SELECT} WHERE investor_id = :id", {"id": investor_id})
        return None if row is None else _rule(row)

    def add(self, rule: AutoInvestRule) -> None:
        with refusing_duplicates(f"the auto-invest rule of {rule.investor_id}"):
            self._run(_ADD, _row(rule))

    def save(self, rule: AutoInvestRule) -> None:
        params = {**_row(rule), "old_version": rule.version - 1}
        if int(self._run(_SAVE, params).rowcount) != 1:
            raise TransientConflict(f"the auto-invest rule of {rule.investor_id} changed meanwhile")

    def remove(self, investor_id: str) -> bool:
        deleted = self._run("DELETE FROM auto_invest_rule WHERE investor_id = :id", {"id": investor_id})
        return int(deleted.rowcount) == 1

    def admitting(self, months: int, rate_bp: int) -> list[AutoInvestRule]:
        rows = self._rows(_ADMITTING, {"yes": True, "months": months, "rate": rate_bp})
        return [_rule(row) for row in rows]

    def record(self, fired: Sequence[str], at: int, told: Sequence[str]) -> None:
        self._update(_FIRED, fired, at, False)
        self._update(_TOLD, told, True)

    def _update(self, template: str, keys: Sequence[str], *before: object) -> None:
        """``template`` for every rule of ``keys`` (its ``{in_keys}`` as ``_in`` makes it)."""
        if not keys:
            return
        if self._postgresql:
            statement = positional(template.format(in_keys="= ANY(?)"), self._dialect)
            self._cursor.execute(statement, (*before, list(keys)), prepare=False)
            return
        for start in range(0, len(keys), IN_CHUNK):
            chunk = keys[start : start + IN_CHUNK]
            self._cursor.execute(
                template.format(in_keys=f"IN ({', '.join('?' * len(chunk))})"), (*before, *chunk)
            )
