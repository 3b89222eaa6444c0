"""The ``p2pstock`` command line: the demo, migrations and ledger maintenance."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import socket
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

import p2pstock
from bots.language_check import foreign_words
from operator_environment import operator_environment
from p2pstock.adapters.clock import ManualClock
from p2pstock.adapters.sql.database import create_engine
from p2pstock.adapters.sql.migrate import current_revision, head_revision
from p2pstock.bootstrap import bootstrap
from p2pstock.cli import main
from p2pstock.config import Settings
from p2pstock.conversation_demo import LANGUAGES, NAMES
from p2pstock.core.ledger.transfers import Transfer
from p2pstock.core.money import Money
from services.allocation_world import open_platform, running, verified_customer

pytestmark = pytest.mark.usefixtures("operator_shell")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], str]:
    """``p2pstock demo --lang LANG``'s output, run once per language for the tests of this module."""
    runs: dict[str, str] = {}

    def run(lang: str) -> str:
        if lang not in runs:
            data = tmp_path_factory.mktemp(f"demo-{lang}")
            out = io.StringIO()
            with (
                pytest.MonkeyPatch.context() as monkeypatch,
                operator_environment(monkeypatch, data),
                contextlib.redirect_stdout(out),
            ):
                assert main(["demo", "--lang", lang]) == 0
            runs[lang] = out.getvalue()
        return runs[lang]

    return run


def test_the_demo_takes_a_customer_through_the_bot_to_a_deposit_a_withdrawal_an_allocation_and_a_loan(
    demo: Callable[[str], str],
) -> None:
    out = demo("en")
    assert "Li Wei ▸ /start" in out
    assert "boss ▸ (sends demo-products.toml)" in out  # the products come through the bot's back office
    assert "bot ▸ boss: Published:\n             · daily version 1\n             · personal version 1" in out
    assert "bot ▸ finance: Done; the pool holds ¥500,000.00." in out
    assert "bot ▸ Li Wei: Your phone number ***8000 is verified." in out
    assert "bot ▸ Li Wei: Your identity has been verified." in out
    assert "sandbox ▸ calls back signed; the web server answers 200" in out
    assert "bot ▸ Li Wei: Your deposit of ¥4,000.00 has been credited." in out
    assert "bot ▸ Li Wei: Your withdrawal of ¥500.00 has been approved." in out
    assert "bot ▸ Li Wei: Allocation" in out and "is fully paid and frozen; it awaits review." in out
    assert "bot ▸ Li Wei: The password of sub-account HOMS-8801" in out
    assert re.search(r"bot ▸ reviewer: Request \w+ \(expansion\) of \w+ approved.", out)
    assert "risk ▸ [🌪️ Stress view]" in out
    assert "$ p2pstock jobs run → allocations whose term ended (renewed or told): 1" in out
    assert re.search(r"bot ▸ Li Wei: Allocation \w+ renewed for one more period, to 2026-03-04", out)
    assert re.search(r"bot ▸ Li Wei: Allocation \w+ is settled; ¥2,300.00 was paid to your wallet.", out)
    assert re.search(
        r"bot ▸ Li Wei: Loan \w+ is listed in the financing hall; bidding closes 2026-03-06", out
    )
    assert "bot ▸ Li Wei: Loan" in out and "is disbursed: ¥4,900.00 is in your wallet." in out
    assert re.search(r"bot ▸ Wang Fang: ¥1,519.80 from loan \w+ is in your wallet.", out)
    assert re.search(r"bot ▸ Li Wei: Loan \w+ is repaid in full.", out)
    # ¥3,785 after the allocation (¥300 profit, ¥15 of fees); ¥4,900 lent (¥5,000 less the 2 % listing
    # fee); ¥5,075.12 repaid
    assert "Li Wei: verified; wallet available ¥3,609.88, frozen ¥0.00" in out
    assert "Wang Fang: wallet available ¥3,040.57" in out and "Zhang Min: wallet available ¥3,027.04" in out
    assert re.search(r"trial balance balanced; ledger audit ok; audit trail of \d+ records intact", out)


def test_the_demo_speaks_chinese_by_default_from_the_narration_to_the_report(
    demo: Callable[[str], str],
) -> None:
    out = demo("zh")
    assert "1. 李伟注册，并用短信验证码验证手机号" in out
    assert "李伟 ▸ [📱 验证手机]" in out  # the buttons are pressed by their text keys
    assert "机器人 ▸ 李伟：手机号 ***8000 已验证。" in out
    assert "机器人 ▸ 财务：已完成，资金池可用：¥500,000.00" in out
    assert re.search(r"机器人 ▸ 李伟：配资 \w+ 已结算，返还 ¥2,300.00 至您的钱包。", out)
    assert "李伟：已完成认证；钱包可用 ¥3,609.88，冻结 ¥0.00" in out
    assert re.search(r"借款 \w+：已结清，已还款 2 次", out)
    assert re.search(r"试算平衡：平衡；账本核对：正常；审计链 \d+ 条记录：完整", out)


def test_the_demo_ends_with_the_same_figures_in_either_language(demo: Callable[[str], str]) -> None:
    figures = {lang: _figures(demo(lang).split("\n15. ")[-1]) for lang in LANGUAGES}
    assert figures["zh"] == figures["en"]
    assert figures["en"][:5] == ["¥3,609.88", "¥0.00", "2", "¥3,040.57", "¥3,027.04"]


def _figures(report: str) -> list[str]:
    """The amounts and counts of the demo's report (ids, which hold digits too, left out)."""
    return re.findall(r"¥[\d,]+\.\d\d|(?<![\w-])\d+(?![\w-])", report)


DEMO_DATA = (
    *(name for names in NAMES.values() for name in names),
    *("按天配资", "个人信用借款", "daily", "personal"),  # the products' names and codes
    "boss",  # an administrator's id
    "SQLite WAL synchronous=FULL",  # the database's name and settings in the demo's title
)
"""What the demo's people type and the names of things, which come back in any language."""


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_reader_of_the_demo_meets_only_their_language(demo: Callable[[str], str], lang: str) -> None:
    """Every line of the narration, of what people type and of what the bot says reads in the demo's
    language; the products file and the operator's commands are shown as typed."""
    typed = ("│", "$ p2pstock")
    read = [line for line in demo(lang).splitlines() if not line.strip().startswith(typed)]
    found = {line: words for line in read if (words := foreign_words(line, lang, DEMO_DATA))}
    assert found == {}
    assert len(read) > 400


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

    assert main(["allocation", "import", str(statement), "--by", "risk-1"]) == 0  # in Chinese by default

    out = capsys.readouterr().out.splitlines()
    assert out[:2] == ["对账单已导入：1 行已录入。", "风险状态变化："]
    assert out[2].endswith("🟢 正常 → 🟠 预警")


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

    assert main(["allocation", "import", str(statement), "--by", "risk-1", "--lang", "en"]) == 1

    err = capsys.readouterr().err
    assert "1 rows are wrong; nothing was applied:\n· line 3: " in err
    assert "HOMS-404" in err
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
        r"该对账单已于 \d{4}-\d\d-\d\d \d\d:\d\d 由 risk-1 导入（1 行），本次未重复录入。\n", out
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
    again = [
        "allocation",
        "import",
        str(corrected),
        "--by",
        "risk-1",
        "--id",
        "HOMS-0105-fix",
        "--lang",
        "en",
    ]
    assert main(again) == 0
    assert "Statement imported: 1 rows applied." in capsys.readouterr().out


def test_jobs_run_refuses_a_business_date_in_the_future(capsys: pytest.CaptureFixture[str]) -> None:
    tomorrow = (datetime.now(UTC) + timedelta(days=2)).date().isoformat()

    assert main(["jobs", "run", "--date", tomorrow]) == 1
    assert "cannot run ahead" in capsys.readouterr().err


NOTICE_2031 = (
    "# an example notice, not a published schedule\n元旦：2031年1月1日\n春节：1月22日至1月28日休市\n"
)


def test_calendar_load_makes_a_year_known_and_show_prints_its_closures_and_loads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    notice = tmp_path / "2031.txt"
    notice.write_text(NOTICE_2031, encoding="utf-8")
    assert main(["calendar", "show", "2031"]) == 0
    assert "2031: NOT known" in capsys.readouterr().out

    assert main(["calendar", "load", str(notice), "--note", "上交所 2031 年休市安排"]) == 0

    out = capsys.readouterr().out
    assert "2031 loaded (version 1): 6 closed weekdays" in out
    assert "closed weekdays: 2031-01-01, 2031-01-22 – 2031-01-28" in out
    assert re.search(r"load v1 by operator at [\d-]+ [\d:]+: 6 days — 上交所 2031 年休市安排", out)
    assert "chinesecalendar  does not cover it" in out


def test_calendar_load_of_a_bad_notice_names_each_bad_line_and_loads_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    notice = tmp_path / "2031.txt"
    notice.write_text("2031-01-01\n2031-02-30\nsoon\n", encoding="utf-8")

    assert main(["calendar", "load", str(notice)]) == 1

    err = capsys.readouterr().err
    assert "line 2: not a date: '2031-02-30'" in err and "line 3: not a date: 'soon'" in err
    assert "nothing loaded: 2 bad lines" in err
    assert main(["calendar", "show", "2031"]) == 0
    assert "NOT known" in capsys.readouterr().out


def test_calendar_override_is_refused_to_an_administrator_without_the_calendar_permission(
    capsys: pytest.CaptureFixture[str],
) -> None:
    app = bootstrap()
    app.staff.enrol_by_operator("finance-1", ["finance"])
    app.close()

    assert (
        main(["calendar", "override", "2026-09-16", "--closed", "--reason", "typhoon", "--by", "finance-1"])
        == 1
    )
    assert "refused: you are not allowed to manage the trading calendar" in capsys.readouterr().err
    assert main(["calendar", "override", "2026-09-16", "--closed", "--reason", "typhoon"]) == 0
    assert "2026-09-16 is closed (typhoon)" in capsys.readouterr().out
    assert main(["calendar", "show", "2026"]) == 0
    assert "override 2026-09-16: closed — typhoon (operator)" in capsys.readouterr().out


PRODUCTS = """\
[[allocation_product]]
code = "daily"
name = "按天配资"
mode = "daily"
deposit_min = "1,000"
deposit_max = "1,000,000"
deposit_step = "1,000"
term_min = 2
term_max = 30
rates = { 5 = "0.06%" }
"""


def enrolled(*admins: tuple[str, str]) -> None:
    app = bootstrap()
    for admin_id, role in admins:
        app.staff.enrol_by_operator(admin_id, [role])
    app.close()


def test_products_are_previewed_as_customers_see_them_then_published_listed_and_withdrawn(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    enrolled(("root", "super_admin"))
    products = tmp_path / "products.toml"
    products.write_text(PRODUCTS, encoding="utf-8")

    assert main(["product", "preview", str(products), "--lang", "zh"]) == 0
    assert "· 杠杆与费率：5 倍 0.06 %/交易日" in capsys.readouterr().out
    assert main(["product", "publish", str(products), "--by", "root"]) == 0
    assert capsys.readouterr().out == "allocation product daily@1: published\n"
    assert main(["product", "withdraw", "daily", "--by", "root"]) == 0
    assert main(["product", "list", "--by", "root"]) == 0
    assert "allocation  daily@1  按天配资  (withdrawn)" in capsys.readouterr().out


def test_a_product_file_with_problems_is_refused_line_by_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    enrolled(("root", "super_admin"))
    products = tmp_path / "products.toml"
    products.write_text(PRODUCTS.replace("term_max = 30", "term_max = 0"), encoding="utf-8")

    assert main(["product", "publish", str(products), "--by", "root"]) == 1

    err = capsys.readouterr().err
    assert "allocation_product[1].term_max: must be a whole number above zero" in err
    assert "nothing read: 1 problems" in err


def test_a_large_capital_movement_from_the_command_line_waits_for_a_second_administrator(
    capsys: pytest.CaptureFixture[str],
) -> None:
    enrolled(("finance-1", "finance"), ("finance-2", "finance"))

    assert main(["capital", "fund", "6,000,000", "--reference", "seed", "--by", "finance-1"]) == 0
    approval = re.search(r"approval (approval-\w+)", capsys.readouterr().out)
    assert approval is not None
    assert main(["approval", "approve", approval[1], "--by", "finance-1"]) == 1
    assert "cannot decide it" in capsys.readouterr().err
    assert main(["approval", "approve", approval[1], "--by", "finance-2"]) == 0
    assert main(["capital", "show", "--by", "finance-2"]) == 0
    assert "in the pool: ¥6,000,000.00" in capsys.readouterr().out


# -- starting up


def test_version_prints_the_installed_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])

    assert exit_.value.code == 0
    assert re.fullmatch(r"p2pstock \d+\.\d+\.\d+\S*\n", capsys.readouterr().out)


@pytest.mark.parametrize(
    ("variable", "value", "said"),
    [
        ("P2PSTOCK_ALLOCATION_SHORTFALL", "bogus", "must be one of receivable, loss, not 'bogus'"),
        ("P2PSTOCK_WEB_PORT", "eighty", "must be a port number"),
        ("P2PSTOCK_LOG_FORMAT", "xml", "must be one of text, json"),
        ("P2PSTOCK_JOBS_EVERY_SECONDS", "0", "must be at least 1"),
    ],
)
def test_a_refused_setting_is_one_line_naming_it_and_nothing_runs(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], variable: str, value: str, said: str
) -> None:
    monkeypatch.setenv(variable, value)

    assert main(["jobs", "run"]) == 2

    err = capsys.readouterr().err
    assert err.startswith(f"cannot start: {variable} ")
    assert said in err
    assert err.count("\n") == 1


def run_cli(*args: str, env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """``p2pstock ARGS`` in a process of its own, with only ``env`` among the P2PSTOCK_ variables."""
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith("P2PSTOCK_") or k.startswith("P2PSTOCK_TEST")
    }
    source = str(Path(p2pstock.__file__).parents[1])  # these sources, whatever is installed
    path = os.pathsep.join(filter(None, [source, os.environ.get("PYTHONPATH")]))
    return subprocess.run(
        [sys.executable, "-m", "p2pstock.cli", *args],
        env={**clean, **env, "PYTHONPATH": path},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # nothing listens once the probe is closed


def test_serve_with_telegram_unreachable_says_so_in_one_line_and_exits(tmp_path: Path) -> None:
    token = "4242:never-shown-in-the-error"
    env = {
        "P2PSTOCK_DATA_DIR": str(tmp_path),
        "P2PSTOCK_TELEGRAM_TOKEN": token,
        "P2PSTOCK_WEBHOOK_SECRET": "s3cret",
        "P2PSTOCK_ALLOW_SANDBOX": "true",
        "P2PSTOCK_WEB_PORT": str(closed_port()),
        "P2PSTOCK_TELEGRAM_API_URL": f"http://127.0.0.1:{closed_port()}",
    }

    finished = run_cli("serve", env=env)

    assert finished.returncode == 1
    last = finished.stderr.strip().splitlines()[-1]
    assert last.startswith("cannot start: cannot reach Telegram's Bot API at http://127.0.0.1:")
    assert "Traceback" not in finished.stderr
    assert token not in finished.stderr


def test_serve_refuses_the_sandbox_beside_a_bot_token_in_one_line(tmp_path: Path) -> None:
    env = {
        "P2PSTOCK_DATA_DIR": str(tmp_path),
        "P2PSTOCK_TELEGRAM_TOKEN": "4242:real",
        "P2PSTOCK_WEBHOOK_SECRET": "s3cret",
    }

    finished = run_cli("serve", env=env)

    assert finished.returncode == 1
    assert (
        finished.stderr.strip()
        .splitlines()[-1]
        .startswith("cannot start: the sandbox payment gateway credits deposits with no money behind them")
    )
    assert "Traceback" not in finished.stderr


def test_log_lines_carry_a_timestamp_and_can_be_json(tmp_path: Path) -> None:
    env = {"P2PSTOCK_DATA_DIR": str(tmp_path)}
    run_cli("db", "upgrade", env=env)  # the migrations' lines quote their notes, over several lines

    text_lines = run_cli("ledger", "audit", env=env).stderr.splitlines()
    json_lines = run_cli("ledger", "audit", env={**env, "P2PSTOCK_LOG_FORMAT": "json"}).stderr.splitlines()

    stamp = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"
    assert text_lines and all(re.match(stamp + r" (INFO|WARNING) \S+: ", line) for line in text_lines)
    records = [json.loads(line) for line in json_lines]
    assert records and all(re.fullmatch(stamp, r["time"]) and r["level"] and r["logger"] for r in records)
    assert any("sandbox" in r["message"] and r["level"] == "WARNING" for r in records)
