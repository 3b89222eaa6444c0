"""The project keeps its promises to a new user: the README's commands, the layer rules, the example."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import p2pstock
from p2pstock.core.people.permissions import DEFAULT_ROLES, Permission

ROOT = Path(__file__).resolve().parents[1]
CORE = ROOT / "src" / "p2pstock" / "core"


def _readme_commands() -> list[str]:
    return re.findall(r"```sh\n(.+?)\n```", (ROOT / "README.md").read_text())


def test_the_readme_first_screen_has_exactly_two_setup_commands() -> None:
    first_screen = (ROOT / "README.md").read_text().split("\n## ")[0]
    commands = re.findall(r"```sh\n(.+?)\n```", first_screen)
    assert len(commands) == 2
    assert commands[0].endswith("p2pstock demo")


def test_ci_runs_the_readme_test_command() -> None:
    test_command = _readme_commands()[1]
    ci_lines = [line for line in (ROOT / ".ci" / "run").read_text().splitlines() if not line.startswith("#")]
    assert test_command in ci_lines


def _imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            roots.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module)
    return roots


def test_core_imports_only_the_standard_library_attrs_and_itself() -> None:
    allowed = set(sys.stdlib_module_names) | {"attrs"}
    offenders = {
        f"{path.relative_to(ROOT)}: {name}"
        for path in CORE.rglob("*.py")
        for name in _imported_roots(path)
        if name.split(".")[0] not in allowed and not name.startswith("p2pstock.core")
    }
    assert not offenders


def test_importing_the_package_does_not_load_storage_or_frontends() -> None:
    code = (
        "import sys, p2pstock; print([m for m in ('sqlalchemy', 'telegram', 'aiohttp') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
    assert "Ledger" in p2pstock.__all__


def test_the_embedding_example_runs_and_its_checks_pass(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "embed_wallet.py"), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "trial balance balanced: True | audit ok: True" in result.stdout
    assert "investor after deposit: available ¥5,000.00" in result.stdout


def test_the_kyc_example_takes_a_customer_to_verified(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "kyc_walkthrough.py"), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "phone verified: phone_verified" in result.stdout
    assert (
        "refused for now: the identity cannot be verified before these documents are accepted"
        in result.stdout
    )
    assert "final status: verified" in result.stdout
    assert "audit trail intact: True" in result.stdout


def test_the_readme_permission_table_matches_the_default_roles() -> None:
    rows = re.findall(r"^\| `([a-z_.]+)` \| [^|]+ \|(.+)\|$", (ROOT / "README.md").read_text(), re.MULTILINE)
    columns = ["super_admin", "reviewer", "risk_officer", "finance", "support"]
    table = {
        (permission, role)
        for permission, cells in rows
        for role, cell in zip(columns, cells.split("|"), strict=True)
        if cell.strip() == "✓"
    }
    assert {permission for permission, _ in rows} == {p.value for p in Permission}
    assert table == {(p.value, name) for name in columns for p in DEFAULT_ROLES[name].permissions}


def test_the_back_office_example_publishes_loads_and_funds_with_four_eyes(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "back_office.py"), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "published monthly version 1" in result.stdout
    assert "calendar: 2031 loaded, 6 closed weekdays, version 1" in result.stdout
    assert "the funding waits for a second administrator: approval-" in result.stdout
    assert "capital pool: ¥8,000,000.00" in result.stdout
