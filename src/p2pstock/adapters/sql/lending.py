"""Loan products, loans, investments and installments on SQLite and PostgreSQL.

A product version and a loan are stored whole as JSON beside the columns their queries filter on; a loan's
``save`` only lands on the version it was read at, and its ``version`` column wins over the text. An
investment and an installment are plain rows, changed many at a time with one ``executemany``. A duplicate
key raises ``TransientConflict`` and a missing row ``NotFound``, as in memory.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import attrs

from p2pstock.adapters.sql.people import CUSTOMER_COLUMNS, customer_of
from p2pstock.adapters.sql.repository import Row, SqlRepository, placeholders, refusing_duplicates
from p2pstock.core import trusted
from p2pstock.core.errors import NotFound, TransientConflict
from p2pstock.core.lending import products
from p2pstock.core.lending.loans import (
    Investment,
    InvestmentStatus,
    Loan,
    LoanInstallment,
    LoanStatus,
    from_json,
    to_json,
)
from p2pstock.core.lending.ports import HallFilter, LoanCatalogEntry
from p2pstock.core.people.customers import Customer

# -- loan products

_PRODUCT = "data, defined_at, defined_by, offered"
_LATEST_PRODUCT = f"SELECT {_PRODUCT} FROM loan_product WHERE code = :code ORDER BY version DESC LIMIT 1"
_GET_PRODUCT = f"SELECT {_PRODUCT} FROM loan_product WHERE code = :code AND version = :version"
_ADD_PRODUCT = (
    "INSERT INTO loan_product (code, version, data, defined_at, defined_by, offered) "
    "VALUES (:code, :version, :data, :defined_at, :defined_by, :offered)"
)
_NEWEST = (
    f"SELECT {_PRODUCT} FROM loan_product p WHERE version = "
    "(SELECT max(version) FROM loan_product q WHERE q.code = p.code) ORDER BY code"
)


class SqlLoanProducts(SqlRepository):
    def latest(self, code: str, *, lock: bool = False) -> LoanCatalogEntry | None:
        row = self._first(_LATEST_PRODUCT + self._for_update(lock), {"code": code})
        return None if row is None else _entry(row)

    def get(self, code: str, version: int) -> LoanCatalogEntry | None:
        row = self._first(_GET_PRODUCT, {"code": code, "version": version})
        return None if row is None else _entry(row)

    def add(self, entry: LoanCatalogEntry) -> None:
        product = entry.product
        params = {
            "code": product.code,
            "version": product.version,
            "data": products.to_json(product),
            "defined_at": entry.defined_at,
            "defined_by": entry.defined_by,
            "offered": entry.offered,
        }
        with refusing_duplicates(f"loan product {product.code}@{product.version}"):
            self._run(_ADD_PRODUCT, params)

    def set_offered(self, code: str, version: int, offered: bool) -> None:
        self._change(
            "UPDATE loan_product SET offered = :offered WHERE code = :code AND version = :version",
            {"code": code, "version": version, "offered": offered},
            "loan product version",
        )

    def offered(self) -> list[LoanCatalogEntry]:
        return [entry for entry in self.newest() if entry.offered]

    def newest(self) -> list[LoanCatalogEntry]:
        return [_entry(row) for row in self._rows(_NEWEST, {})]


def _entry(row: Row) -> LoanCatalogEntry:
    return LoanCatalogEntry(products.from_json(row[0]), row[1], row[2], bool(row[3]))


# -- loans

_LOAN = (
    "id, borrower_id, status, created_at, listed_at, deadline, rate_bp, months, method, version, data, "
    "contract_due"
)
_SELECT_LOAN = "SELECT data, version FROM loan"
_ADD_LOAN = f"INSERT INTO loan ({_LOAN}) VALUES ({', '.join(':' + c.strip() for c in _LOAN.split(','))})"
_SAVE_LOAN = (
    "UPDATE loan SET "
    + ", ".join(f"{c.strip()} = :{c.strip()}" for c in _LOAN.split(",") if c.strip() != "id")
    + " WHERE id = :id AND version = :old_version"
)
_WITHOUT_CONTRACT = f"{_SELECT_LOAN} WHERE contract_due IS NOT NULL ORDER BY contract_due, id LIMIT :limit"
_OF_BORROWER = f"{_SELECT_LOAN} WHERE borrower_id = :borrower_id ORDER BY created_at DESC, id"
_BIDDING_CLOSED = (
    f"{_SELECT_LOAN} WHERE status = 'listed' AND deadline <= :now ORDER BY deadline, id LIMIT :limit"
)
_HALL_BOUNDS = (
    ("rate_min_bp", "rate_bp >="),
    ("rate_max_bp", "rate_bp <="),
    ("months_min", "months >="),
    ("months_max", "months <="),
)


def _loan_row(loan: Loan) -> dict[str, Any]:
    return {
        "id": loan.id,
        "borrower_id": loan.borrower_id,
        "status": loan.status.value,
        "created_at": loan.created_at,
        "listed_at": loan.listed_at,
        "deadline": loan.deadline,
        "rate_bp": loan.terms.rate_bp,
        "months": loan.terms.months,
        "method": loan.terms.method.value,
        "version": loan.version,
        "data": to_json(loan),
        "contract_due": None if loan.contract_hash else loan.disbursed_at,
    }


def _loan(row: Row) -> Loan:
    """A loan from a row of ``_SELECT_LOAN``: its text, with the version column over it."""
    loan = from_json(row[0])
    return loan if loan.version == row[1] else attrs.evolve(loan, version=row[1])


def _loans(rows: list[Row]) -> list[Loan]:
    return [_loan(row) for row in rows]


class SqlLoans(SqlRepository):
    def get(self, loan_id: str, *, lock: bool = False) -> Loan | None:
        row = self._first(f"{_SELECT_LOAN} WHERE id = :id{self._for_update(lock)}", {"id": loan_id})
        return None if row is None else _loan(row)

    def add(self, loan: Loan) -> None:
        with refusing_duplicates(f"loan {loan.id}"):
            self._run(_ADD_LOAN, _loan_row(loan))

    def save(self, loan: Loan) -> None:
        params = {**_loan_row(loan), "old_version": loan.version - 1}
        if int(self._run(_SAVE_LOAN, params).rowcount) != 1:
            raise TransientConflict(f"loan {loan.id} changed meanwhile")

    def listed(self, where: HallFilter, offset: int, limit: int) -> list[Loan]:
        conditions = ["status = 'listed'"]
        params: dict[str, Any] = {"offset": offset, "limit": limit}
        for name, test in _HALL_BOUNDS:
            bound = getattr(where, name)
            if bound is not None:
                conditions.append(f"{test} :{name}")
                params[name] = bound
        if where.method is not None:
            conditions.append("method = :method")
            params["method"] = where.method.value
        statement = (
            f"{_SELECT_LOAN} WHERE {' AND '.join(conditions)} "
            "ORDER BY listed_at DESC, id LIMIT :limit OFFSET :offset"
        )
        return _loans(self._rows(statement, params))

    def in_status(self, statuses: Sequence[LoanStatus], limit: int) -> list[Loan]:
        if not statuses:
            return []
        keys, params = placeholders("s", sorted({LoanStatus(s).value for s in statuses}))
        statement = f"{_SELECT_LOAN} WHERE status IN ({keys}) ORDER BY created_at, id LIMIT :limit"
        return _loans(self._rows(statement, {**params, "limit": limit}))

    def of_borrower(self, customer_id: str) -> list[Loan]:
        return _loans(self._rows(_OF_BORROWER, {"borrower_id": customer_id}))

    def bidding_closed(self, now: int, limit: int) -> list[Loan]:
        return _loans(self._rows(_BIDDING_CLOSED, {"now": now, "limit": limit}))

    def count_by_status(self) -> dict[str, int]:
        rows = self._rows("SELECT status, count(*) FROM loan GROUP BY status", {})
        return {str(status): int(count) for status, count in rows}

    def without_contract(self, limit: int) -> list[Loan]:
        return _loans(self._rows(_WITHOUT_CONTRACT, {"limit": limit}))


# -- investments

_INVESTMENT = (
    "id, loan_id, investor_id, amount, at, status, principal_received, interest_received, penalty_received, "
    "sold, written_off, origin"
)
_SELECT_INVESTMENT = f"SELECT {_INVESTMENT} FROM loan_investment"
_ADD_INVESTMENT = (
    f"INSERT INTO loan_investment ({_INVESTMENT}) "
    f"VALUES ({', '.join(':' + c.strip() for c in _INVESTMENT.split(','))})"
)
_SAVE_INVESTMENT = (
    "UPDATE loan_investment SET status = ?, principal_received = ?, interest_received = ?, penalty_received = ?, "
    "sold = ?, written_off = ? WHERE id = ?"
)
_SAVE_INVESTMENTS = (
    "UPDATE loan_investment AS i SET status = v.status, principal_received = v.principal, "
    "interest_received = v.interest, penalty_received = v.penalty, sold = v.sold, written_off = v.lost "
    "FROM unnest(%s::text[], %s::text[], %s::bigint[], %s::bigint[], %s::bigint[], %s::bigint[], "
    "%s::bigint[]) AS v(id, status, principal, interest, penalty, sold, lost) WHERE i.id = v.id"
)
"""What saving investments writes: their status, what they received, sold on and lost (an investment's
loan, investor, amount, time and origin never change). One statement for all of them on PostgreSQL, the rows as arrays (a
pipeline of one statement per row costs the client and the server more); one prepared statement stepped
through them on SQLite."""
_STATUSES = {status.value: status for status in InvestmentStatus}
_HOLDERS = (
    f"SELECT {', '.join('i.' + c.strip() for c in _INVESTMENT.split(','))}, "
    f"{', '.join('c.' + c.strip() for c in CUSTOMER_COLUMNS.split(','))} "
    "FROM loan_investment i LEFT JOIN customer c ON c.id = i.investor_id "
    "WHERE i.loan_id = :loan_id ORDER BY i.at, i.id"
)
_INVESTMENT_WIDTH = len(_INVESTMENT.split(","))


def _investment_row(investment: Investment) -> dict[str, Any]:
    return {**attrs.asdict(investment), "status": investment.status.value}


def _investment(row: Row) -> Investment:
    return trusted.build(Investment, *row[:5], _STATUSES[row[5]], *row[6:12])


def _saved(i: Investment) -> Row:
    return (
        i.status.value,
        i.principal_received,
        i.interest_received,
        i.penalty_received,
        i.sold,
        i.written_off,
        i.id,
    )


class SqlInvestments(SqlRepository):
    def get(self, investment_id: str) -> Investment | None:
        row = self._first(f"{_SELECT_INVESTMENT} WHERE id = :id", {"id": investment_id})
        return None if row is None else _investment(row)

    def add(self, investment: Investment) -> None:
        with refusing_duplicates(f"investment {investment.id}"):
            self._run(_ADD_INVESTMENT, _investment_row(investment))

    def save_all(self, investments: Sequence[Investment]) -> None:
        rows = [_saved(i) for i in {i.id: i for i in investments}.values()]  # the last of an id wins
        if not rows:
            return
        if self._postgresql:
            columns = [list(column) for column in zip(*rows, strict=True)]
            self._cursor.execute(_SAVE_INVESTMENTS, (columns[-1], *columns[:-1]), prepare=False)
        else:
            self._cursor.executemany(_SAVE_INVESTMENT, rows)
        if int(self._cursor.rowcount) != len(rows):
            raise NotFound("an investment saved is not stored")

    def of_loan(self, loan_id: str) -> list[Investment]:
        statement = f"{_SELECT_INVESTMENT} WHERE loan_id = :loan_id ORDER BY at, id"
        return [_investment(row) for row in self._rows(statement, {"loan_id": loan_id})]

    def holders(self, loan_id: str) -> list[tuple[Investment, Customer | None]]:
        rows = self._rows(_HOLDERS, {"loan_id": loan_id})
        width = _INVESTMENT_WIDTH
        return [
            (_investment(row[:width]), None if row[width] is None else customer_of(row[width:]))
            for row in rows
        ]

    def of_investor(self, investor_id: str) -> list[Investment]:
        statement = f"{_SELECT_INVESTMENT} WHERE investor_id = :investor_id ORDER BY at DESC, id"
        return [_investment(row) for row in self._rows(statement, {"investor_id": investor_id})]


# -- installments

_INSTALLMENT_COLUMNS = (
    "loan_id",
    "number",
    "due",
    "principal",
    "interest",
    "paid_principal",
    "paid_interest",
    "paid_penalty",
    "settled_at",
    "penalty",
    "overdue_fen_days",
    "penalty_through",
    "reminded",
    "overdue_told",
    "advanced_at",
    "advanced",
    "recovered",
)
_INSTALLMENT = ", ".join(_INSTALLMENT_COLUMNS)
_SELECT_INSTALLMENT = f"SELECT {_INSTALLMENT} FROM loan_installment"
_ADD_INSTALLMENT = (
    f"INSERT INTO loan_installment ({_INSTALLMENT}) "
    f"VALUES ({', '.join(':' + c for c in _INSTALLMENT_COLUMNS)})"
)
_SAVE_INSTALLMENT = (
    "UPDATE loan_installment SET "
    + ", ".join(f"{c} = :{c}" for c in _INSTALLMENT_COLUMNS[2:])
    + " WHERE loan_id = :loan_id AND number = :number"
)
_UNSETTLED = f"{_SELECT_INSTALLMENT} WHERE settled_at IS NULL AND "
_IN_ORDER = " ORDER BY due, loan_id, number LIMIT :limit"
_DUE_BY = f"{_UNSETTLED}due <= :day{_IN_ORDER}"
_TO_REMIND = f"{_UNSETTLED}reminded = :no AND due <= :day{_IN_ORDER}"
_OVERDUE_UNTOLD = f"{_UNSETTLED}overdue_told = :no AND due < :day{_IN_ORDER}"
_PENALTY_DUE = f"{_UNSETTLED}due < :day AND (penalty_through IS NULL OR penalty_through < :day){_IN_ORDER}"
_UNPAID = (
    "SELECT SUM(principal - paid_principal), SUM(CASE WHEN due < :day THEN principal - paid_principal ELSE 0 END) "
    "FROM loan_installment WHERE settled_at IS NULL"
)
_LOANS_DUE = (
    "SELECT DISTINCT loan_id FROM loan_installment WHERE settled_at IS NULL AND due <= :day "
    "AND loan_id > :after ORDER BY loan_id LIMIT :limit"
)


def _installment_row(installment: LoanInstallment) -> dict[str, Any]:
    through = installment.penalty_through
    return {
        **attrs.asdict(installment),
        "due": installment.due.isoformat(),
        "penalty_through": None if through is None else through.isoformat(),
    }


def _installment(row: Row) -> LoanInstallment:
    fields = dict(zip(_INSTALLMENT_COLUMNS, row, strict=True))
    through = fields["penalty_through"]
    return LoanInstallment(
        **{
            **fields,
            "due": date.fromisoformat(fields["due"]),
            "penalty_through": None if through is None else date.fromisoformat(through),
            "reminded": bool(fields["reminded"]),
            "overdue_told": bool(fields["overdue_told"]),
        }
    )


class SqlInstallments(SqlRepository):
    def add_all(self, installments: Sequence[LoanInstallment]) -> None:
        with refusing_duplicates("an installment of that loan and number"):
            self._executemany(_ADD_INSTALLMENT, [_installment_row(i) for i in installments])

    def save_all(self, installments: Sequence[LoanInstallment]) -> None:
        rows = [_installment_row(i) for i in installments]
        self._executemany(_SAVE_INSTALLMENT, rows)
        if rows and int(self._cursor.rowcount) != len(rows):
            raise NotFound("an installment saved is not stored")

    def of_loan(self, loan_id: str) -> list[LoanInstallment]:
        statement = f"{_SELECT_INSTALLMENT} WHERE loan_id = :loan_id ORDER BY number"
        return [_installment(row) for row in self._rows(statement, {"loan_id": loan_id})]

    def due_by(self, day: date, limit: int) -> list[LoanInstallment]:
        return self._find(_DUE_BY, day, limit)

    def loans_due(self, day: date, after: str, limit: int) -> list[str]:
        rows = self._rows(_LOANS_DUE, {"day": day.isoformat(), "after": after, "limit": limit})
        return [str(row[0]) for row in rows]

    def to_remind(self, until: date, limit: int) -> list[LoanInstallment]:
        return self._find(_TO_REMIND, until, limit, no=False)

    def overdue_untold(self, day: date, limit: int) -> list[LoanInstallment]:
        return self._find(_OVERDUE_UNTOLD, day, limit, no=False)

    def unpaid_principal(self, day: date) -> tuple[int, int]:
        row = self._rows(_UNPAID, {"day": day.isoformat()})[0]
        return int(row[0] or 0), int(row[1] or 0)

    def penalty_due(self, day: date, limit: int) -> list[LoanInstallment]:
        return self._find(_PENALTY_DUE, day, limit)

    def _find(self, statement: str, day: date, limit: int, **params: object) -> list[LoanInstallment]:
        rows = self._rows(statement, {"day": day.isoformat(), "limit": limit, **params})
        return [_installment(row) for row in rows]
