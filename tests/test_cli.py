"""The ``p2pstock`` command line: the demo, migrations and ledger maintenance."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from p2pstock.adapters.clock import ManualClock
from p2pstock.adapters.sql.database import create_engine
from p2pstock.adapters.sql.migrate import current_revision, head_revision
from p2pstock.bootstrap import bootstrap
from p2pstock.cli import main
from p2pstock.config import Settings
from p2pstock.core.ledger.transfers import Transfer
from p2pstock.core.money import Money
from services.allocation_world import open_platform, running, verified_customer


@pytest.fixture(autouse=True)
def _isolated_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name.startswith("P2PSTOCK_") and not name.startswith("P2PSTOCK_TEST"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("P2PSTOCK_DATA_DIR", str(tmp_path / "data"))


def test_the_demo_takes_a_customer_through_the_bot_to_a_deposit_a_withdrawal_an_allocation_and_a_loan(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "Li Wei ▸ /start" in out
    assert "bot ▸ Li Wei: Your phone number ***8000 is verified." in out
    assert "bot ▸ Li Wei: Your identity has been verified." in out
    assert "sandbox ▸ calls back signed; the web server answers 200" in out
    assert "bot ▸ Li Wei: Your deposit of ¥2,000.00 has been credited." in out
    assert "bot ▸ Li Wei: Your withdrawal of ¥500.00 has been approved." in out
    assert "bot ▸ Li Wei: Allocation" in out and "is fully paid and frozen; it awaits review." in out
    assert "bot ▸ Li Wei: The password of sub-account HOMS-8801" in out
    assert "$ p2pstock jobs run → allocations charged fees: 1" in out
    assert re.search(r"bot ▸ Li Wei: Allocation \w+ is settled; ¥1,150.00 was paid to your wallet.", out)
    assert re.search(
        r"bot ▸ Li Wei: Loan \w+ is listed in the financing hall; bidding closes 2026-03-05", out
    )
    assert "bot ▸ Li Wei: Loan" in out and "is disbursed: ¥4,900.00 is in your wallet." in out
    assert re.search(r"bot ▸ Wang Fang: ¥1,519.80 from loan \w+ is in your wallet.", out)
    assert re.search(r"bot ▸ Li Wei: Loan \w+ is repaid in full.", out)
    # ¥1,647 after the allocation; ¥4,900 lent (¥5,000 less the 2 % listing fee); ¥5,075.12 repaid
    assert "Li Wei: verified; wallet available ¥1,471.88, frozen ¥0.00" in out
    assert "Wang Fang: wallet available ¥3,040.57" in out and "Zhang Min: wallet available ¥3,027.04" in out
    assert re.search(r"trial balance balanced; ledger audit ok; audit trail of \d+ records intact", out)


def test_the_kernel_demo_prints_balances_a_statement_and_statistics(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["demo", "--kernel"]) == 0
    out = capsys.readouterr().out
    assert "alice  available ¥5,000.00, frozen ¥3,000.00" in out
    assert "bob    available ¥5,000.00, frozen ¥0.00" in out
    assert "Fund dynamics (资金动态)" in out
    assert re.search(r"2026-03-02  deposit +2 transfers +¥15,000.00", out)
    assert "Trial balance: balanced" in out
    assert "audit replay of 7 transfers: ok" in out


def test_the_demo_can_run_twice_on_the_same_directory(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--kernel"]) == 0
    first = capsys.readouterr().out
    assert main(["demo", "--kernel"]) == 0
    assert capsys.readouterr().out == first


def test_db_upgrade_creates_the_embedded_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "upgrade"]) == 0
    assert "is up to date" in capsys.readouterr().out
    engine = create_engine(f"sqlite:///{tmp_path / 'data' / 'p2pstock.db'}")
    assert current_revision(engine) == head_revision()
    engine.dispose()


@pytest.mark.postgres
def test_db_upgrade_migrates_a_postgresql_database(
    pg_admin: sa.Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = sa.engine.make_url(str(pg_admin.url)).set(database=f"p2pstock_cli_{os.getpid()}")
    with pg_admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{url.database}"')
    try:
        monkeypatch.setenv("P2PSTOCK_DATABASE_URL", url.render_as_string(hide_password=False))
        assert main(["db", "upgrade"]) == 0
        assert main(["db", "upgrade"]) == 0  # a second run changes nothing
        engine = create_engine(url.render_as_string(hide_password=False))
        assert current_revision(engine) == head_revision()
        engine.dispose()
    finally:
        with pg_admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)')


def test_ledger_audit_reports_a_sound_ledger(capsys: pytest.CaptureFixture[str]) -> None:
    app = bootstrap()
    app.wallets.open("c1")
    app.wallets.confirm_deposit("c1", gateway="bank", transaction_id="T1", amount=Money.parse("10"))
    app.close()
    assert main(["ledger", "audit"]) == 0
    assert "trial balance balanced" in capsys.readouterr().out


def test_ledger_audit_fails_when_stored_balances_were_tampered_with(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    app = bootstrap()
    app.wallets.open("c1")
    app.wallets.confirm_deposit("c1", gateway="bank", transaction_id="T1", amount=Money.parse("10"))
    app.close()
    engine = create_engine(Settings.from_env().effective_database_url)
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "UPDATE account SET credits_posted = credits_posted + 1 WHERE id = 'wallet:CNY:c1'"
        )
    engine.dispose()
    assert main(["ledger", "audit"]) == 1
    assert "problem: account wallet:CNY:c1" in capsys.readouterr().out


def test_ledger_expire_releases_holds_past_their_timeout(capsys: pytest.CaptureFixture[str]) -> None:
    an_hour_ago = datetime.now(UTC) - timedelta(hours=1)
    app = bootstrap(clock=ManualClock(an_hour_ago))
    app.wallets.open("c1")
    app.wallets.confirm_deposit("c1", gateway="bank", transaction_id="T1", amount=Money.parse("10"))
    hold = Transfer.pending(
        "h1",
        debit="wallet:CNY:c1",
        credit="platform:CNY:gateway_clearing:bank",
        amount=500,
        code="investment",
        timeout=1,
    )
    assert app.ledger.create_transfer(hold).ok
    app.close()
    assert main(["ledger", "expire"]) == 0
    assert capsys.readouterr().out.strip() == "1 pending transfers expired"
    app = bootstrap()
    assert app.wallets.balance("c1").frozen == Money.zero()
    assert app.ledger.lookup_transfer("expire:h1") is not None
    app.close()


def test_running_without_a_command_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "usage: p2pstock" in capsys.readouterr().out


def test_admin_create_enrols_the_first_super_administrator(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["admin", "create", "alice", "--telegram-user-id", "4242"]) == 0
    assert "administrator alice holds super_admin" in capsys.readouterr().out

    app = bootstrap()
    admin = app.staff.by_telegram(4242)
    records = app.audit.records(by="alice")
    app.close()
    assert admin is not None and admin.id == "alice"
    assert [(r.actor, r.action, r.target) for r in records] == [("operator", "admin.enrol", "alice")]


def test_admin_create_refuses_an_unknown_role(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["admin", "create", "bob", "--telegram-user-id", "7", "--role", "janitor"]) == 1
    assert "refused: unknown role: janitor" in capsys.readouterr().err


def test_jobs_run_twice_for_a_date_changes_nothing_the_second_time(
    capsys: pytest.CaptureFixture[str],
) -> None:
    clock = ManualClock(datetime(2026, 3, 2, 1, 0, tzinfo=UTC))
    app = bootstrap(clock=clock)
    app.wallets.open("c1")
    app.wallets.confirm_deposit("c1", gateway="bank", transaction_id="T1", amount=Money.parse("10"))
    app.ledger.transfer(
        Transfer.pending(
            "h1",
            debit="wallet:CNY:c1",
            credit="platform:CNY:gateway_clearing:bank",
            amount=100,
            code="fee",
            timeout=1,
        )
    )
    app.close()

    assert main(["jobs", "run", "--date", "2026-03-02"]) == 0
    first = capsys.readouterr().out
    assert main(["jobs", "run", "--date", "2026-03-02"]) == 0
    second = capsys.readouterr().out

    assert "jobs for 2026-03-02" in first
    assert "pending transfers expired: 1" in first
    assert "pending transfers expired: 0" in second
    assert "approval requests expired: 0" in second


def running_allocation(monkeypatch: pytest.MonkeyPatch) -> None:
    """A running allocation on sub-account HOMS-001 in the CLI's embedded database, started on 5 Jan 2026."""
    monkeypatch.setenv("P2PSTOCK_ENCRYPTION_KEY", "XqitpkaFRcLFh8L7qKmbTtzHmTn24l1feqK50pV0rgs=")
    app = bootstrap(clock=ManualClock(datetime(2026, 1, 5, 1, 30, tzinfo=UTC)))
    for admin_id, role in {"root": "super_admin", "reviewer-1": "reviewer", "finance-1": "finance"}.items():
        app.staff.enrol_by_operator(admin_id, [role])
    app.staff.enrol_by_operator("risk-1", ["risk_officer"])
    open_platform(app)
    verified_customer(app)
    running(app)
    app.close()


STATEMENT_HEADER = (
    "sub_account,trade_date,total_assets,market_value,cash_available,cash_frozen,cash_withdrawable,"
    "daily_pnl,floating_pnl,note\n"
)


def test_allocation_import_applies_a_statement_and_names_the_risk_changes(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    running_allocation(monkeypatch)
    statement = tmp_path / "statement.csv"
    statement.write_text(STATEMENT_HEADER + "HOMS-001,2026-01-05,54000.00,43200.00,10800.00,0,0,-6000,0,\n")

    assert main(["allocation", "import", str(statement), "--by", "risk-1"]) == 0

    out = capsys.readouterr().out
    assert "1 statuses imported" in out
    assert "normal → warning" in out


def test_allocation_import_of_a_bad_statement_names_each_bad_line_and_imports_nothing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    running_allocation(monkeypatch)
    statement = tmp_path / "statement.csv"
    statement.write_text(
        STATEMENT_HEADER
        + "HOMS-001,2026-01-05,54000.00,43200.00,10800.00,0,0,0,0,\n"
        + "HOMS-404,2026-01-05,54000.00,43200.00,10800.00,0,0,0,0,\n"
    )

    assert main(["allocation", "import", str(statement), "--by", "risk-1"]) == 1

    err = capsys.readouterr().err
    assert "line 3: no running allocation uses sub-account HOMS-404" in err
    assert "nothing imported: 1 bad rows" in err
    app = bootstrap()
    [allocation] = app.allocations.of_customer("alice")
    app.close()
    assert allocation.last_assets is None


def test_allocation_import_run_again_after_it_committed_stores_nothing_twice(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The first run committed and then its process died before it could say so: the operator runs it
    again."""
    running_allocation(monkeypatch)
    statement = tmp_path / "statement.csv"
    statement.write_text(STATEMENT_HEADER + "HOMS-001,2026-01-05,54000.00,43200.00,10800.00,0,0,-6000,0,\n")
    assert main(["allocation", "import", str(statement), "--by", "risk-1"]) == 0
    capsys.readouterr()

    assert main(["allocation", "import", str(statement), "--by", "risk-1"]) == 0

    out = capsys.readouterr().out
    assert re.fullmatch(
        r"already imported: statement sha256:[0-9a-f]{64} \(1 statuses\) by risk-1 "
        r"at \d{4}-\d\d-\d\d \d\d:\d\d; nothing stored again\n",
        out,
    )
    app = bootstrap()
    [allocation] = app.allocations.of_customer("alice")
    statuses = app.allocations.timeline(allocation.id, by="risk-1").statuses
    app.close()
    assert [(s.trade_date.isoformat(), s.revision) for s in statuses] == [("2026-01-05", 1)]


def test_allocation_import_with_an_id_refuses_other_content_under_that_id(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    running_allocation(monkeypatch)
    first, corrected = tmp_path / "first.csv", tmp_path / "corrected.csv"
    first.write_text(STATEMENT_HEADER + "HOMS-001,2026-01-05,54000.00,43200.00,10800.00,0,0,0,0,\n")
    corrected.write_text(STATEMENT_HEADER + "HOMS-001,2026-01-05,55000.00,44000.00,11000.00,0,0,0,0,\n")
    assert main(["allocation", "import", str(first), "--by", "risk-1", "--id", "HOMS-0105"]) == 0

    assert main(["allocation", "import", str(corrected), "--by", "risk-1", "--id", "HOMS-0105"]) == 1
    assert "refused: statement HOMS-0105 was imported with other content" in capsys.readouterr().err
    assert main(["allocation", "import", str(corrected), "--by", "risk-1", "--id", "HOMS-0105-fix"]) == 0
    assert "1 statuses imported" in capsys.readouterr().out


def test_jobs_run_refuses_a_business_date_in_the_future(capsys: pytest.CaptureFixture[str]) -> None:
    tomorrow = (datetime.now(UTC) + timedelta(days=2)).date().isoformat()

    assert main(["jobs", "run", "--date", tomorrow]) == 1
    assert "cannot run ahead" in capsys.readouterr().err
