"""``p2pstock audit verify``: check the audit trail's hash chain."""

from __future__ import annotations

from p2pstock.bootstrap import App
from p2pstock.cli.common import Commands, on_app


def register(commands: Commands) -> None:
    audit = commands.add_parser("audit", help="the audit trail").add_subparsers(title="audit commands")
    audit.add_parser("verify", help="check the hash chain; report the first broken link").set_defaults(
        run=lambda _args: on_app(_verify)
    )


def _verify(app: App) -> int:
    check = app.audit.verify()
    if check.ok:
        print(f"audit trail intact: {check.checked} records")
        return 0
    where = f"record {check.first_broken}: {check.reason}"
    print(f"audit trail BROKEN at {where} ({check.checked} records before it hold)")
    return 1
