"""``p2pstock allocation flagged``: the daily statuses held as implausible, for operators — each with its
reason and figures, in Chinese by default or in English; none once a second administrator decided them;
an import saying how many it held."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bots.language_check import foreign_words
from p2pstock.adapters.clock import ManualClock
from p2pstock.bootstrap import bootstrap
from p2pstock.cli import main
from p2pstock.core.allocation.statuses import Figures
from test_cli import STATEMENT_HEADER, running_allocation

MONDAY = date(2026, 1, 5)


@pytest.fixture(autouse=True)
def a_typo_held(operator_shell: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """¥600,000 typed for ¥60,000 as the first status of an allocation that started with ¥60,000: held."""
    running_allocation(monkeypatch)
    app = bootstrap(clock=ManualClock(datetime(2026, 1, 5, 1, 30, tzinfo=UTC)))  # 09:30 in Shanghai
    try:
        [allocation] = app.allocations.of_customer("alice")
        app.allocations.record_status(allocation.id, MONDAY, Figures(60_000_000, 0, 60_000_000), by="risk-1")
        return allocation.id
    finally:
        app.close()


def test_the_list_reads_in_chinese_by_default(a_typo_held: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["allocation", "flagged", "--by", "root"]) == 0

    out = capsys.readouterr().out
    assert out.splitlines() == [
        "待复核日状态 1 项（暂不生效，须由录入人以外的管理员确认或驳回）：",
        "",
        f"⚠️ 配资 {a_typo_held}｜2026-01-05（第 1 版）｜单日变动过大",
        "总资产：前一状态 ¥60,000.00 → 本日 ¥600,000.00（+900.00 %）",
        "手工录入：risk-1，2026-01-05 09:30",
    ]
    assert foreign_words(out, "zh", data=[a_typo_held, "risk-1"]) == []


def test_the_list_in_english(a_typo_held: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["allocation", "flagged", "--by", "risk-1", "--lang", "en"]) == 0

    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("1 flagged statuses (not in effect until an administrator other than")
    assert lines[2:] == [
        f"⚠️ Allocation {a_typo_held} | 2026-01-05 (revision 1) | moved too far in a day",
        "Total assets: previous ¥60,000.00 → this day ¥600,000.00 (+900.00 %)",
        "typed in by risk-1 at 2026-01-05 09:30",
    ]


def test_nothing_is_listed_once_a_second_administrator_decided(
    a_typo_held: str, capsys: pytest.CaptureFixture[str]
) -> None:
    app = bootstrap()
    try:
        app.allocations.reject_status(a_typo_held, MONDAY, 1, by="root", reason="a zero too many")
    finally:
        app.close()

    assert main(["allocation", "flagged", "--by", "risk-1", "--lang", "en"]) == 0
    assert capsys.readouterr().out == "No status waits for a second administrator.\n"


def test_an_import_says_how_many_statuses_it_held(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    statement = tmp_path / "statement.csv"
    statement.write_text(STATEMENT_HEADER + "HOMS-001,2026-01-05,6000000.00,0,6000000.00,0,0,0,0,\n")

    assert main(["allocation", "import", str(statement), "--by", "root", "--lang", "en"]) == 0

    out = capsys.readouterr().out.splitlines()
    assert out == [
        "Statement imported: 1 rows applied.",
        "1 of them look implausible: stored, but not in effect until another administrator checks them "
        "(Flagged statuses).",
    ]


def test_only_administrators_entering_statuses_may_list_them(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["allocation", "flagged", "--by", "finance-1"]) == 1
    assert "refused: you are not allowed to record the daily status of allocations" in capsys.readouterr().err
