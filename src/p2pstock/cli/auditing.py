"""``p2pstock audit verify``: check the audit trail's hash chain, its seals and its head.

The head it prints (``head: SEQ:HASH``) is for the operator to keep somewhere the database's users cannot
write; given back with ``--head``, the check fails unless the trail still holds it — the one way to catch
the newest records deleted together with the stored head rewound (see ``core/audit.py``).
"""

from __future__ import annotations

import argparse

from p2pstock.bootstrap import App
from p2pstock.cli.common import Commands, on_app
from p2pstock.core.audit import ChainCheck, ChainHead


def register(commands: Commands) -> None:
    audit = commands.add_parser("audit", help="the audit trail").add_subparsers(title="audit commands")
    verify = audit.add_parser(
        "verify", help="check the hash chain, its seals and its head; report the first broken link"
    )
    verify.add_argument(
        "--head", metavar="SEQ:HASH", help="a head printed by an earlier check: the trail must still hold it"
    )
    verify.set_defaults(run=_run)


def _run(args: argparse.Namespace) -> int:
    return on_app(lambda app: _verify(app, None if args.head is None else ChainHead.parse(args.head)))


def _verify(app: App, recorded: ChainHead | None) -> int:
    check = app.audit.verify(recorded=recorded)
    if not check.ok:
        where = f"record {check.first_broken}: {check.reason}"
        print(f"audit trail BROKEN at {where} ({check.checked} records before it hold)")
        return 1
    print(f"audit trail intact: {check.checked} records")
    print(f"head: {check.head}")
    print(_seals(check, keyed=app.office.audit_key is not None))
    if recorded is not None:
        print(f"the trail holds the head given ({str(recorded)[:10]}…)")
    return 0


def _seals(check: ChainCheck, *, keyed: bool) -> str:
    if keyed:
        first = check.checked - check.sealed + 1
        return (
            f"sealed with the audit key: records {first}–{check.checked}"
            if check.sealed
            else "no records yet"
        )
    if check.sealed:
        return f"{check.sealed} records sealed; the seals were not checked: no audit key is set"
    return "not sealed: no audit key is set (P2PSTOCK_AUDIT_KEY)"
