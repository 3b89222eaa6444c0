"""A statement carries an identity (its content hash, or the caller's id): imported again — after an import
that committed just before its process died, or by two importers at once — it answers "already imported"
and stores nothing twice."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from allocation_world import assert_books_hold, open_platform, running, verified_customer
from racing import at_once

from p2pstock.bootstrap import App
from p2pstock.core.allocation.allocations import Allocation
from p2pstock.core.allocation.monitoring import ImportReport
from p2pstock.core.errors import IdempotencyConflict, InvalidInput
from p2pstock.core.people.permissions import PermissionDenied

HEADER = (
    "sub_account,trade_date,total_assets,market_value,cash_available,cash_frozen,cash_withdrawable,"
    "daily_pnl,floating_pnl,note\n"
)


@pytest.fixture(autouse=True)
def platform(app: App) -> Iterator[None]:
    open_platform(app)
    verified_customer(app)
    app.staff.enrol_by_operator("risk-1", ["risk_officer"], telegram_user_id=9001)
    app.staff.enrol_by_operator("risk-2", ["risk_officer"])
    yield
    assert_books_hold(app)


def line(sub_account: str, day: str, assets: int) -> str:
    cash = assets // 5
    return f"{sub_account},{day},{assets / 100:.2f},{(assets - cash) / 100:.2f},{cash / 100:.2f},0,0,0,0,\n"


def two_allocations(app: App) -> tuple[Allocation, Allocation]:
    return running(app, sub_account="S-1"), running(app, sub_account="S-2")


STATEMENT = HEADER + line("S-1", "2026-01-05", 5_800_000) + line("S-2", "2026-01-05", 5_400_000)


def stored(app: App, *allocations: Allocation) -> list[tuple[str, int]]:
    """(allocation, revision) of every status stored for ``allocations``."""
    return [
        (a.id, s.revision) for a in allocations for s in app.allocations.timeline(a.id, by="risk-1").statuses
    ]


def trail_length(app: App) -> int:
    return len(app.office.read(lambda tx: tx.uow.audit.records(0, 10_000)))


def queued(app: App) -> int:
    return len(app.office.read(lambda tx: tx.uow.outbox.due(tx.now + 10**12, 10_000)))


def test_importing_the_same_statement_again_answers_already_imported_and_stores_nothing(app: App) -> None:
    first, second = two_allocations(app)
    imported = app.allocations.import_statement(STATEMENT, by="risk-1")
    audited, told = trail_length(app), queued(app)

    again = app.allocations.import_statement(STATEMENT, by="risk-2")

    assert (imported.applied, imported.already_imported) == (2, False)
    assert (again.ok, again.applied, again.already_imported, again.changes) == (True, 0, True, ())
    assert again.statement == imported.statement
    assert imported.statement is not None
    assert (imported.statement.rows, imported.statement.imported_by) == (2, "risk-1")
    assert stored(app, first, second) == [(first.id, 1), (second.id, 1)]
    assert (trail_length(app), queued(app)) == (audited, told)


def test_a_statement_is_known_by_its_content_whatever_its_byte_order_mark_and_line_endings(app: App) -> None:
    first, second = two_allocations(app)
    app.allocations.import_statement(STATEMENT, by="risk-1")

    again = app.allocations.import_statement("\ufeff" + STATEMENT.replace("\n", "\r\n"), by="risk-1")

    assert again.already_imported
    assert stored(app, first, second) == [(first.id, 1), (second.id, 1)]


def test_a_changed_statement_is_another_statement_and_its_rows_are_corrections(app: App) -> None:
    first, second = two_allocations(app)
    app.allocations.import_statement(STATEMENT, by="risk-1")
    corrected = HEADER + line("S-1", "2026-01-05", 5_900_000)

    report = app.allocations.import_statement(corrected, by="risk-1")

    assert (report.applied, report.already_imported) == (1, False)
    assert stored(app, first, second) == [(first.id, 1), (first.id, 2), (second.id, 1)]


def test_a_callers_statement_id_names_the_statement(app: App) -> None:
    first, second = two_allocations(app)
    imported = app.allocations.import_statement(STATEMENT, by="risk-1", statement_id="BROKER-2026-01-05")

    again = app.allocations.import_statement(STATEMENT, by="risk-1", statement_id="BROKER-2026-01-05")
    same_content = app.allocations.import_statement(STATEMENT, by="risk-1", statement_id="BROKER-other")
    with pytest.raises(IdempotencyConflict, match="BROKER-2026-01-05"):
        app.allocations.import_statement(
            HEADER + line("S-1", "2026-01-05", 5_900_000), by="risk-1", statement_id="BROKER-2026-01-05"
        )

    assert imported.statement is not None and imported.statement.id == "BROKER-2026-01-05"
    assert again.already_imported and again.statement == imported.statement
    assert same_content.already_imported and same_content.statement == imported.statement
    assert stored(app, first, second) == [(first.id, 1), (second.id, 1)]


def test_a_malformed_statement_id_is_refused(app: App) -> None:
    two_allocations(app)

    with pytest.raises(InvalidInput):
        app.allocations.import_statement(STATEMENT, by="risk-1", statement_id="no spaces please")


def test_a_refused_statement_is_not_remembered(app: App) -> None:
    two_allocations(app)
    bad = STATEMENT + "S-404,2026-01-05,1.00,1.00,0,0,0,0,0,\n"

    refused = app.allocations.import_statement(bad, by="risk-1")
    again = app.allocations.import_statement(bad, by="risk-1")

    assert (refused.ok, again.ok, again.already_imported) == (False, False, False)
    assert app.allocations.import_statement(STATEMENT, by="risk-1").applied == 2


def test_only_administrators_entering_statuses_learn_a_statement_was_imported(app: App) -> None:
    two_allocations(app)
    app.allocations.import_statement(STATEMENT, by="risk-1")

    with pytest.raises(PermissionDenied):
        app.allocations.import_statement(STATEMENT, by="support-1")


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_two_imports_of_the_same_statement_at_once_store_it_once(app: App) -> None:
    first, second = two_allocations(app)

    def import_it(i: int) -> ImportReport:
        return app.allocations.import_statement(STATEMENT, by=f"risk-{i % 2 + 1}")

    answers, errors = at_once(4, import_it)

    assert errors == []
    reports = [a for a in answers if isinstance(a, ImportReport)]
    assert sorted((r.applied, r.already_imported) for r in reports) == [(0, True)] * 3 + [(2, False)]
    assert len({r.statement for r in reports}) == 1
    assert stored(app, first, second) == [(first.id, 1), (second.id, 1)]
