"""``p2pstock ledger audit|expire``: ledger maintenance."""

from __future__ import annotations

from p2pstock.bootstrap import App
from p2pstock.cli.common import Commands, on_app


def register(commands: Commands) -> None:
    ledger = commands.add_parser("ledger", help="ledger maintenance").add_subparsers(title="ledger commands")
    ledger.add_parser("audit", help="replay every transfer and compare with stored balances").set_defaults(
        run=lambda _args: on_app(_audit)
    )
    ledger.add_parser("expire", help="expire pending transfers whose timeout passed").set_defaults(
        run=lambda _args: on_app(_expire)
    )


def _audit(app: App) -> int:
    report, trial = app.ledger.audit(), app.ledger.trial_balance()
    print(
        f"{report.accounts} accounts, {report.transfers} transfers, trial balance "
        f"{'balanced' if trial.balanced else 'NOT balanced'}"
    )
    for problem in report.problems:
        print(f"problem: {problem}")
    return 0 if report.ok and trial.balanced else 1


def _expire(app: App) -> int:
    print(f"{app.ledger.expire_pending()} pending transfers expired")
    return 0
