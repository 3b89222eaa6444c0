"""``p2pstock admin create``: the server's operator enrols an administrator (the first super admin)."""

from __future__ import annotations

import argparse

from p2pstock.bootstrap import App
from p2pstock.cli.common import Commands, on_app


def register(commands: Commands) -> None:
    admin = commands.add_parser("admin", help="administrators").add_subparsers(title="admin commands")
    create = admin.add_parser(
        "create", help="enrol an administrator as the server's operator (the first super admin, say)"
    )
    create.add_argument("admin_id", help="the administrator's id, e.g. alice")
    create.add_argument("--telegram-user-id", type=int, required=True, help="their Telegram user id")
    create.add_argument(
        "--role", action="append", dest="roles", help="a role to hold (repeatable; default super_admin)"
    )
    create.set_defaults(run=lambda args: on_app(lambda app: _create(app, args)))


def _create(app: App, args: argparse.Namespace) -> int:
    admin = app.staff.enrol_by_operator(
        args.admin_id, args.roles or ["super_admin"], telegram_user_id=args.telegram_user_id
    )
    print(f"administrator {admin.id} holds {', '.join(sorted(admin.roles))}")
    return 0
