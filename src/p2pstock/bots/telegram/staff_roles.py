"""Staff roles in the bot, for administrators holding ``role.manage``: how roles and permissions read, and
defining a custom role — its name typed (``admin.role_name``), its permissions ticked with buttons
(``admin.role_permissions``), an optional description typed or skipped (``admin.role_description``); the
draft waits under ``DRAFT``. Another button, command or /cancel drops it; one of the draft's own buttons
that does not fit it (a double tap, a button of the step before) is outdated and keeps it. Core may answer
with an ``ApprovalRequest`` for a second administrator (four eyes) instead of the ``Role``.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs
from telegram import InlineKeyboardMarkup, Update
from telegram.error import BadRequest

from p2pstock.bots.telegram import callbacks as cb
from p2pstock.bots.telegram.admin_steps import END, Desk, Kept, Outdated, asking, deciding, typing, waited
from p2pstock.bots.telegram.context import BotContext, call, drop_buttons, query_of, say
from p2pstock.bots.telegram.keyboards import button
from p2pstock.bots.telegram.press import Press
from p2pstock.bots.telegram.texts import text
from p2pstock.bots.telegram.typed import Again, Typed
from p2pstock.core.errors import InvalidInput
from p2pstock.core.names import code_name, name_of
from p2pstock.core.people.four_eyes import ApprovalRequest
from p2pstock.core.people.permissions import (
    DEFAULT_ROLES,
    MAX_ROLE_NAME,
    Administrator,
    Permission,
    check_role_name,
)

ROLE_NAME = "admin.role_name"
ROLE_PERMISSIONS = "admin.role_permissions"
ROLE_DESCRIPTION = "admin.role_description"
DRAFT = "admin_role"
"""The user-state key of the role being defined: ``{"step": ROLE_NAME}``, then ``{"step": ROLE_PERMISSIONS
| ROLE_DESCRIPTION, "name": ..., "permissions": [...]}``."""
DESCRIPTION_CHARS = 200
"""Longest description of a role (core's limit)."""


# -- how roles read -----------------------------------------------------------------------------------


def role_name(name: str, lang: str) -> str:
    """A role by its name in ``lang`` (a custom role by the name it was given)."""
    return code_name("role", name, lang)


def roles_of(admin: Administrator, lang: str) -> str:
    """The roles ``admin`` holds, by name."""
    return ", ".join(sorted(role_name(name, lang) for name in admin.roles)) or "—"


def _in_order(permissions: Iterable[Permission]) -> list[Permission]:
    """``permissions`` in the order ``Permission`` lists them."""
    chosen = frozenset(permissions)
    return [permission for permission in Permission if permission in chosen]


def permissions_text(permissions: Iterable[Permission], lang: str) -> str:
    """A role's permissions, each by its label and code: ``Statistics (stats.view), …``."""
    named = (f"{name_of(p, lang)} ({p.value})" for p in _in_order(permissions))
    return ", ".join(named) or "—"


# -- the draft ----------------------------------------------------------------------------------------


@attrs.frozen
class _Draft:
    """The role being defined, once named: what is kept in the user's state between its steps."""

    name: str
    permissions: frozenset[Permission]
    step: str
    """``ROLE_PERMISSIONS`` while they are being chosen, ``ROLE_DESCRIPTION`` once they are."""

    def state(self) -> dict[str, object]:
        chosen = [permission.value for permission in _in_order(self.permissions)]
        return {"step": self.step, "name": self.name, "permissions": chosen}


def _read(value: object, step: str) -> _Draft | None:
    """The draft kept in the user's state, when it is at ``step``."""
    if not isinstance(value, dict) or value.get("step") != step:
        return None
    named, chosen = value.get("name"), value.get("permissions")
    if not isinstance(named, str) or not isinstance(chosen, list):
        return None
    try:
        return _Draft(named, frozenset(Permission(item) for item in chosen), step)
    except ValueError:
        return None


_STEPS = {"rd_perm": ROLE_PERMISSIONS, "rd_done": ROLE_PERMISSIONS, "rd_skip": ROLE_DESCRIPTION}
"""The step of the draft each of its buttons is for."""


def _draft(press: Press, verb: str) -> _Draft:
    """The draft the button ``verb`` is for — at its step, named as the button names it (``rd_perm``
    names a permission, one of ``Permission`` as ``cb.parse`` checked) — else ``Outdated``."""
    draft = _read(press.waiting, _STEPS[verb])
    if draft is None or (verb != "rd_perm" and draft.name != press.subject):
        raise Outdated
    return draft


async def _check(context: BotContext, press: Press, verb: str) -> Press:
    """A button that does not fit the draft is outdated, and the draft kept as it was, at its step."""
    try:
        _draft(press, verb)
    except Outdated:
        step = waited(press).get("step")
        if step not in {typed.state for typed in DESK.typed}:
            raise
        context.user_state[DRAFT] = press.waiting
        raise Outdated(step) from None
    return press


# -- the buttons --------------------------------------------------------------------------------------

start_definition = asking(DRAFT, ROLE_NAME, "admin.define.ask_name", max=MAX_ROLE_NAME)
"""``a:roles:define``: the role's name is asked for."""


async def _toggle_permission(update: Update, context: BotContext, press: Press) -> object:
    """Tick the permission in the role being defined, or untick it; the buttons show the choice."""
    draft = _draft(press, "rd_perm")
    toggled = attrs.evolve(draft, permissions=draft.permissions ^ {Permission(press.subject)})
    context.user_state[DRAFT] = toggled.state()
    markup = _permission_buttons(toggled, press.lang)
    try:
        await query_of(update).edit_message_reply_markup(reply_markup=markup)
    except BadRequest as error:  # a message too old to edit: the buttons again, in a new one
        if "not modified" not in str(error).lower():
            await say(update, context, _choose_permissions(toggled, press.lang), markup)
    return ROLE_PERMISSIONS


async def _ask_description(update: Update, context: BotContext, press: Press) -> object:
    """The permissions are chosen (at least one): next, the description, or skip it."""
    draft, lang = _draft(press, "rd_done"), press.lang
    if not draft.permissions:
        context.user_state[DRAFT] = draft.state()
        await say(update, context, text("admin.define.no_permissions", lang))
        return ROLE_PERMISSIONS
    await drop_buttons(update)
    context.user_state[DRAFT] = attrs.evolve(draft, step=ROLE_DESCRIPTION).state()
    skip = button(text("admin.define.skip", lang), cb.AdminAction("rd_skip", draft.name))
    message = text("admin.define.ask_description", lang, role=draft.name, max=DESCRIPTION_CHARS)
    await say(update, context, message, InlineKeyboardMarkup([[skip]]))
    return ROLE_DESCRIPTION


@deciding
async def _skip_description(context: BotContext, press: Press) -> str:
    return await _define(context, press, _draft(press, "rd_skip"), description="")


async def _define(context: BotContext, press: Press, draft: _Draft, *, description: str) -> str:
    """Define the role: what to tell — defined, or waiting for a second administrator."""
    admin, lang = press.admin, press.lang
    permissions = [permission.value for permission in _in_order(draft.permissions)]
    staff = context.services.staff
    done = await call(staff.define_role, draft.name, permissions, by=admin.id, description=description)
    if not isinstance(done, ApprovalRequest):
        named = permissions_text(done.permissions, lang)
        return text("admin.define.done", lang, role=done.name, permissions=named)
    told = done.carries(permissions=sorted(permissions), description=description)
    key = "admin.define.waiting" if told else "admin.define.other_waiting"
    return text(key, lang, role=done.target, approval=done.id)


# -- the role's name and description, typed -----------------------------------------------------------


def role_named(typed: Typed, _: Kept) -> str | Again:
    """The name typed for a role to define: a name a role may have, not a default role's."""
    try:
        name = check_role_name(typed.text.strip())
    except InvalidInput:
        return Again("admin.define.bad_name", {"max": MAX_ROLE_NAME})
    return Again("admin.define.default_name", {"role": name}) if name in DEFAULT_ROLES else name


async def got_role_name(typed: Typed, _: Kept, name: str) -> object:
    """The name of the role to define: next, its permissions (toggle buttons)."""
    lang, staff = typed.lang, typed.context.services.staff
    await call(staff.administrators, by=typed.admin.id)  # still allowed to manage roles
    existing = (await call(staff.roles)).get(name)
    draft = _Draft(name, existing.permissions if existing else frozenset(), ROLE_PERMISSIONS)
    typed.state[DRAFT] = draft.state()
    intro = _choose_permissions(draft, lang)
    if existing is not None:
        intro = text("admin.define.redefine", lang, role=name) + "\n" + intro
    await typed.say(intro, _permission_buttons(draft, lang))
    return ROLE_PERMISSIONS


def described(typed: Typed, _: Kept) -> str | Again:
    """A role's description: not empty, and not longer than ``DESCRIPTION_CHARS``."""
    description = typed.text.strip()
    if not description or len(description) > DESCRIPTION_CHARS:
        return Again("admin.define.bad_description", {"max": DESCRIPTION_CHARS})
    return description


async def got_role_description(typed: Typed, kept: Kept, description: str) -> object:
    """The description of the role to define: the role is defined (or waits for a second admin)."""
    draft = _read(kept, ROLE_DESCRIPTION)
    if draft is not None:
        await typed.say(await _define(typed.context, typed, draft, description=description))
    return END


def _choose_permissions(draft: _Draft, lang: str) -> str:
    return text("admin.define.choose_permissions", lang, role=draft.name)


def _permission_buttons(draft: _Draft, lang: str) -> InlineKeyboardMarkup:
    """Every permission as a toggle button, two in a row (the chosen ones ticked), then "done"."""
    toggles = [
        button(
            ("✓ " if permission in draft.permissions else "") + name_of(permission, lang),
            cb.AdminAction("rd_perm", permission.value),
        )
        for permission in Permission
    ]
    rows = [toggles[i : i + 2] for i in range(0, len(toggles), 2)]
    rows.append([button(text("admin.define.done_button", lang), cb.AdminAction("rd_done", draft.name))])
    return InlineKeyboardMarkup(rows)


DESK = Desk(
    {"rd_perm": _toggle_permission, "rd_done": _ask_description, "rd_skip": _skip_description},
    Permission.ROLE_MANAGE,
    _check,
    typed=(
        typing(DRAFT, ROLE_NAME, got_role_name, role_named),
        typing(DRAFT, ROLE_PERMISSIONS, otherwise=Again("admin.define.use_buttons")),  # chosen with buttons
        typing(DRAFT, ROLE_DESCRIPTION, got_role_description, described),
    ),
)
