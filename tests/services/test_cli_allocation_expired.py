"""``p2pstock allocation expired``: the running allocations whose term ended without renewal, the earliest
to settle first, in Chinese by default and in English, late ones said to be late."""

from __future__ import annotations

from datetime import date

import pytest
from allocation_world import move_to, open_platform, running, verified_customer

from p2pstock.adapters.clock import ManualClock
from p2pstock.bootstrap import App
from p2pstock.cli import allocation_expired
from p2pstock.core.people.permissions import PermissionDenied


@pytest.fixture
def backend() -> str:
    return "memory"  # the listing reads what the service answers; storage has its own tests


@pytest.fixture(autouse=True)
def platform(app: App) -> None:
    open_platform(app)
    verified_customer(app)


def test_nothing_overdue_at_expiry_is_said_in_chinese(app: App, capsys: pytest.CaptureFixture[str]) -> None:
    running(app)

    assert allocation_expired.show(app, "risk-1", "zh") == 0
    assert capsys.readouterr().out == "没有到期未续的配资。\n"


def test_an_allocation_overdue_at_expiry_is_listed_and_said_late_once_its_grace_passed(
    app: App, clock: ManualClock, capsys: pytest.CaptureFixture[str]
) -> None:
    allocation = running(app, term=2)  # 5 and 6 January 2026, to be settled by the 8th
    move_to(clock, date(2026, 1, 6))
    app.allocations.tell_term_ends(date(2026, 1, 6))

    allocation_expired.show(app, "risk-1", "en")
    move_to(clock, date(2026, 1, 9))
    allocation_expired.show(app, "risk-1", "zh")

    assert capsys.readouterr().out.splitlines() == [
        "1 allocations whose term ended without renewal (the earliest to settle first):",
        f"· {allocation.id} | customer alice | allocated ¥50,000.00 | ended 2026-01-06, to be settled by "
        "2026-01-08",
        "到期未续的配资 1 笔（最早须结算的在前）：",
        f"· {allocation.id}｜客户 alice｜配资资金 ¥50,000.00｜2026-01-06 到期，已超过结算期限 2026-01-08",
    ]


def test_a_customer_service_administrator_without_allocation_rights_is_refused(app: App) -> None:
    with pytest.raises(PermissionDenied):
        app.allocations.expired(by="support-1")
