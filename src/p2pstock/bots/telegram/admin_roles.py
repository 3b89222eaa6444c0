"""Role management in the bot, for administrators holding ``role.manage``: the administrators with their
roles and the custom roles with their permissions, appointing an administrator, giving one a role or
taking it away, deactivating one, and defining a custom role.

Every change goes to ``Staff`` in the acting administrator's name: core checks ``role.manage`` and, by
the default four-eyes rules, answers an ``ApprovalRequest`` waiting for a second administrator (who
approves it in the approvals queue) instead of the changed ``Administrator`` or ``Role``. Asking again
while a request for the same administrator (or role) waits answers that request: when it holds another
change than the one asked for, the user is told to have it decided first. Before a button acts, the
bot reads the administrators through ``Staff.administrators(by=)`` (which core refuses without
``role.manage``) and the roles through ``Staff.roles()``: a button naming an administrator who is not
(or no longer) active, or a role that does not exist, is answered as outdated and does nothing.

Changing roles is a toggle: the roles are offered as buttons, those held ticked, and pressing one asks
for the administrator's roles with it added, or taken away (the last one is not: that is deactivating).

Appointing asks for the new administrator's id and Telegram user id in two messages (the states
``admin.appoint_id`` and ``admin.appoint_telegram``, drawn in ``admin.mmd``), then for the role with
buttons; the answers wait in the user's state (``admin_appoint``) until a role is chosen. Defining a
role asks for its name in a message (``admin.role_name``; a default role's name or a malformed one is
asked again), then for its permissions with toggle buttons (``admin.role_permissions``) and a "done"
button, then for an optional description (``admin.role_description``, or "skip"); the draft waits in
the user's state (``admin_role``). Any other administrator's button, command or /cancel drops what
waits.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Iterable
from typing import Any

import attrs
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import ConversationHandler

from p2pstock.bots.telegram import callbacks as cb
from p2pstock.bots.telegram.context import (
    BotContext,
    administrator_of,
    call,
    chunks,
    drop_buttons,
    handled,
    message_of,
    outdated,
    query_of,
    say,
    tell_error,
)
from p2pstock.bots.telegram.keyboards import button
from p2pstock.bots.telegram.texts import text
from p2pstock.core.errors import InvalidInput, P2PStockError
from p2pstock.core.names import code_name, name_of
from p2pstock.core.people.four_eyes import ApprovalRequest
from p2pstock.core.people.permissions import (
    DEFAULT_ROLES,
    MAX_ROLE_NAME,
    Administrator,
    Permission,
    Role,
    check_role_name,
)
from p2pstock.core.people.staff import check_admin_id
from p2pstock.core.validation import check_telegram_user_id

END = ConversationHandler.END
APPOINT_ID = "admin.appoint_id"
APPOINT_TELEGRAM = "admin.appoint_telegram"
APPOINTMENT = "admin_appoint"
"""The user-state key of the appointment being made: ``{"id": ..., "telegram": ...}`` as they are typed."""
ROLE_NAME = "admin.role_name"
ROLE_PERMISSIONS = "admin.role_permissions"
ROLE_DESCRIPTION = "admin.role_description"
DRAFT = "admin_role"
"""The user-state key of the role being defined: ``{"stage": "name"}``, then
``{"stage": "permissions" | "description", "name": ..., "permissions": [...]}``."""
DESCRIPTION_CHARS = 200
"""Longest description of a role (core's limit)."""
VERBS = frozenset(
    {
        "roles",
        "new_role",
        "ro_admin",
        "ro_set",
        "off_ask",
        "off_ok",
        "off_keep",
        "rd_perm",
        "rd_done",
        "rd_skip",
    }
)
"""The administrators' button verbs handled here."""
DRAFT_VERBS = frozenset({"rd_perm", "rd_done", "rd_skip"})
"""The buttons of the role being defined: one of them outdated leaves the draft as it was."""
LISTED = 50
"""Administrators offered as buttons at once (Telegram takes at most 100 buttons in a message)."""


class _Outdated(Exception):
    """The button names what is not (or no longer) there."""


@attrs.frozen
class _Staff:
    """What a role-management button is checked against: the administrators (read with the acting
    administrator's authority) and the roles."""

    admins: dict[str, Administrator]
    roles: dict[str, Role]

    def active(self, admin_id: str) -> Administrator:
        admin = self.admins.get(admin_id)
        if admin is None or not admin.active:
            raise _Outdated
        return admin

    def role(self, name: str) -> str:
        if name not in self.roles:
            raise _Outdated
        return name


@attrs.frozen
class _Draft:
    """The role being defined, once named: what is kept in the user's state between its steps."""

    name: str
    permissions: frozenset[Permission]
    stage: str
    """``permissions`` while they are being chosen, ``description`` once they are."""

    def state(self) -> dict[str, object]:
        return {
            "stage": self.stage,
            "name": self.name,
            "permissions": [permission.value for permission in _in_order(self.permissions)],
        }


def _draft(value: object, stage: str, name: str | None = None) -> _Draft:
    """The draft kept in the user's state, at ``stage`` (and named ``name``), else ``_Outdated``."""
    if not isinstance(value, dict) or value.get("stage") != stage:
        raise _Outdated
    named, chosen = value.get("name"), value.get("permissions")
    if not isinstance(named, str) or not isinstance(chosen, list) or (name is not None and named != name):
        raise _Outdated
    try:
        return _Draft(named, frozenset(Permission(item) for item in chosen), stage)
    except ValueError:
        raise _Outdated from None


# -- the list of administrators -----------------------------------------------------------------------


async def show_roles(update: Update, context: BotContext, admin: Administrator, lang: str) -> None:
    """Every administrator with their roles and whether they are active, and the custom roles with their
    permissions; what can be done about it."""
    admins = await call(context.services.staff.administrators, by=admin.id)
    roles = await call(context.services.staff.roles)
    lines = [text("admin.roles.title", lang)]
    lines += [
        text(
            "admin.roles.line",
            lang,
            admin=each.id,
            roles=_roles(each, lang),
            state=text("admin.roles.active" if each.active else "admin.roles.inactive", lang),
        )
        for each in sorted(admins, key=lambda a: a.id)
    ]
    custom = [role for name, role in sorted(roles.items()) if name not in DEFAULT_ROLES]
    if custom:
        lines.append(text("admin.roles.custom_title", lang))
    for role in custom:
        permissions = _permissions(role.permissions, lang)
        lines.append(text("admin.roles.custom_line", lang, role=role.name, permissions=permissions))
        if role.description:
            lines.append(text("admin.roles.custom_description", lang, description=role.description))
    steps = [
        [button(text(f"admin.roles.{step}", lang), cb.AdminAction("roles", step))] for step in cb.ROLE_STEPS
    ]
    *first, last = chunks(lines)
    for chunk in first:
        await say(update, context, chunk)
    await say(update, context, last, InlineKeyboardMarkup(steps))


# -- buttons ------------------------------------------------------------------------------------------


async def on_button(
    update: Update,
    context: BotContext,
    admin: Administrator,
    lang: str,
    action: cb.AdminAction,
    *,
    appointment: object,
    draft: object,
) -> object:
    """A role-management button (``VERBS``), answered here; the conversation's next state.
    ``appointment`` is what was typed for an appointment before the button was pressed, ``draft`` the
    role being defined."""
    query = query_of(update)
    try:
        staff = _Staff(
            {a.id: a for a in await call(context.services.staff.administrators, by=admin.id)},
            await call(context.services.staff.roles),
        )
        step = _checked(staff, action, appointment, draft)
    except _Outdated:
        await outdated(update, lang)
        return _resume(context, draft) if action.verb in DRAFT_VERBS else END
    except P2PStockError as error:
        await query.answer()
        await tell_error(update, context, error, lang)
        return END
    await query.answer()
    try:
        return await step(update, context, admin, lang)
    except P2PStockError as error:
        await tell_error(update, context, error, lang)
        return END


Step = Callable[[Update, BotContext, Administrator, str], Coroutine[Any, Any, object]]


def _checked(staff: _Staff, action: cb.AdminAction, appointment: object, draft: object) -> Step:
    """What ``action`` does, once what it names is found in ``staff`` or the draft (else ``_Outdated``)."""
    verb, subject = action.verb, action.subject
    if verb == "roles":
        if subject == "appoint":
            return _start_appointment
        return _start_definition if subject == "define" else _choose_admin(staff, subject)
    if verb == "new_role":
        new_id, telegram = _appointment(appointment)
        return _appoint(new_id, telegram, staff.role(subject))
    if verb == "ro_admin":
        return _choose_role(staff, staff.active(subject))
    if verb == "ro_set":
        role, admin_id = cb.role_and_admin(subject)
        return _toggle_role(staff.active(admin_id), staff.role(role))
    if verb == "off_ask":
        return _confirm_deactivation(staff.active(subject))
    if verb == "off_ok":
        return _deactivate(staff.active(subject))
    if verb == "off_keep":
        return _keep
    if verb == "rd_perm":
        return _toggle_permission(_draft(draft, "permissions"), _permission(subject))
    if verb == "rd_done":
        return _ask_description(_draft(draft, "permissions", subject))
    if verb == "rd_skip":
        return _define_skipping_description(_draft(draft, "description", subject))
    raise _Outdated


def _resume(context: BotContext, draft: object) -> object:
    """The role being defined, kept as it was when one of its own buttons is outdated (a double tap on
    "done", a button of the step before): the state of its step."""
    stage = draft.get("stage") if isinstance(draft, dict) else None
    state = {"name": ROLE_NAME, "permissions": ROLE_PERMISSIONS, "description": ROLE_DESCRIPTION}.get(
        str(stage)
    )
    if state is None:
        return END
    context.user_state[DRAFT] = draft
    return state


def _permission(value: str) -> Permission:
    try:
        return Permission(value)
    except ValueError:
        raise _Outdated from None


def _appointment(value: object) -> tuple[str, int]:
    """The id and Telegram user id typed for the appointment waiting for its role."""
    if not isinstance(value, dict):
        raise _Outdated
    new_id, telegram = value.get("id"), value.get("telegram")
    if not isinstance(new_id, str) or not isinstance(telegram, int):
        raise _Outdated
    return new_id, telegram


async def _start_appointment(update: Update, context: BotContext, admin: Administrator, lang: str) -> object:
    context.user_state[APPOINTMENT] = {}
    await say(update, context, text("admin.appoint.ask_id", lang))
    return APPOINT_ID


def _choose_admin(staff: _Staff, step: str) -> Step:
    """The active administrators as buttons: whose role to change, or whom to deactivate."""
    verb = "ro_admin" if step == "change" else "off_ask"
    active = [a for a in sorted(staff.admins.values(), key=lambda a: a.id) if a.active]

    async def choose(update: Update, context: BotContext, admin: Administrator, lang: str) -> object:
        choices = ((f"{a.id} ({_roles(a, lang)})", cb.AdminAction(verb, a.id)) for a in active)
        await _offer(update, context, lang, text(f"admin.{step}.choose_admin", lang), choices)
        return END

    return choose


def _choose_role(staff: _Staff, target: Administrator) -> Step:
    """The roles as buttons (the ones ``target`` holds ticked): the one to give ``target`` or take away."""

    async def choose(update: Update, context: BotContext, admin: Administrator, lang: str) -> object:
        choices = (
            (_ticked(name, name in target.roles, lang), cb.AdminAction("ro_set", f"{name}:{target.id}"))
            for name in sorted(staff.roles)
        )
        intro = text("admin.change.choose_role", lang, admin=target.id, roles=_roles(target, lang))
        await _offer(update, context, lang, intro, choices)
        return END

    return choose


def _appoint(new_id: str, telegram: int, role: str) -> Step:
    async def appoint(update: Update, context: BotContext, admin: Administrator, lang: str) -> object:
        staff = context.services.staff
        done = await call(staff.appoint, new_id, [role], by=admin.id, telegram_user_id=telegram)
        await _done(update, context, lang, done, "admin.appoint.done", roles=[role])
        return END

    return appoint


def _toggle_role(target: Administrator, role: str) -> Step:
    """Ask for ``target``'s roles with ``role`` added if missing, taken away if held (not the last)."""
    roles = sorted(target.roles ^ {role})

    async def toggle(update: Update, context: BotContext, admin: Administrator, lang: str) -> object:
        if not roles:
            await say(
                update, context, text("admin.change.last_role", lang, role=_role(role, lang), admin=target.id)
            )
            return END
        done = await call(context.services.staff.change_roles, target.id, roles, by=admin.id)
        await _done(update, context, lang, done, "admin.change.done", roles=roles)
        return END

    return toggle


def _confirm_deactivation(target: Administrator) -> Step:
    async def confirm(update: Update, context: BotContext, admin: Administrator, lang: str) -> object:
        markup = InlineKeyboardMarkup(
            [
                [
                    button(text("admin.deactivate.yes", lang), cb.AdminAction("off_ok", target.id)),
                    button(text("admin.deactivate.no", lang), cb.AdminAction("off_keep", target.id)),
                ]
            ]
        )
        message = text("admin.deactivate.confirm", lang, admin=target.id, roles=_roles(target, lang))
        await say(update, context, message, markup)
        return END

    return confirm


def _deactivate(target: Administrator) -> Step:
    async def deactivate(update: Update, context: BotContext, admin: Administrator, lang: str) -> object:
        done = await call(context.services.staff.deactivate, target.id, by=admin.id)
        await _done(update, context, lang, done, "admin.deactivate.done")
        return END

    return deactivate


async def _keep(update: Update, context: BotContext, admin: Administrator, lang: str) -> object:
    await drop_buttons(update)
    await say(update, context, text("cancelled", lang))
    return END


# -- defining a role ----------------------------------------------------------------------------------


async def _start_definition(update: Update, context: BotContext, admin: Administrator, lang: str) -> object:
    context.user_state[DRAFT] = {"stage": "name"}
    await say(update, context, text("admin.define.ask_name", lang, max=MAX_ROLE_NAME))
    return ROLE_NAME


def _toggle_permission(draft: _Draft, permission: Permission) -> Step:
    """Tick ``permission`` in the role being defined, or untick it; the buttons show the choice."""
    toggled = attrs.evolve(draft, permissions=draft.permissions ^ {permission})

    async def toggle(update: Update, context: BotContext, admin: Administrator, lang: str) -> object:
        context.user_state[DRAFT] = toggled.state()
        markup = _permission_buttons(toggled, lang)
        try:
            await query_of(update).edit_message_reply_markup(reply_markup=markup)
        except BadRequest as error:  # a message too old to edit: the buttons again, in a new one
            if "not modified" not in str(error).lower():
                await say(update, context, _choose_permissions(toggled, lang), markup)
        return ROLE_PERMISSIONS

    return toggle


def _ask_description(draft: _Draft) -> Step:
    """The permissions are chosen (at least one): next, the description, or skip it."""

    async def ask(update: Update, context: BotContext, admin: Administrator, lang: str) -> object:
        if not draft.permissions:
            context.user_state[DRAFT] = draft.state()
            await say(update, context, text("admin.define.no_permissions", lang))
            return ROLE_PERMISSIONS
        await drop_buttons(update)
        context.user_state[DRAFT] = attrs.evolve(draft, stage="description").state()
        skip = button(text("admin.define.skip", lang), cb.AdminAction("rd_skip", draft.name))
        message = text("admin.define.ask_description", lang, role=draft.name, max=DESCRIPTION_CHARS)
        await say(update, context, message, InlineKeyboardMarkup([[skip]]))
        return ROLE_DESCRIPTION

    return ask


def _define_skipping_description(draft: _Draft) -> Step:
    async def define(update: Update, context: BotContext, admin: Administrator, lang: str) -> object:
        await drop_buttons(update)
        await _define(update, context, admin, lang, draft=draft, description="")
        return END

    return define


async def _define(
    update: Update, context: BotContext, admin: Administrator, lang: str, *, draft: _Draft, description: str
) -> None:
    """Define the role: told as defined, or as waiting for a second administrator."""
    permissions = [permission.value for permission in _in_order(draft.permissions)]
    staff = context.services.staff
    done = await call(staff.define_role, draft.name, permissions, by=admin.id, description=description)
    if not isinstance(done, ApprovalRequest):
        message = text(
            "admin.define.done", lang, role=done.name, permissions=_permissions(done.permissions, lang)
        )
    elif done.carries(permissions=sorted(permissions), description=description):
        message = text("admin.define.waiting", lang, role=done.target, approval=done.id)
    else:
        message = text("admin.define.other_waiting", lang, role=done.target, approval=done.id)
    await say(update, context, message)


# -- the appointment's id and Telegram user id, typed ---------------------------------------------------


async def got_new_id(update: Update, context: BotContext) -> object:
    """The id of the administrator to appoint: next, their Telegram user id."""
    found = await administrator_of(update, context)
    if found is None or not isinstance(context.user_state.get(APPOINTMENT), dict):
        context.user_state.pop(APPOINTMENT, None)
        return END  # the customer's handlers take the message
    admin, lang = found
    try:
        new_id = check_admin_id((message_of(update).text or "").strip())
        admins = await call(context.services.staff.administrators, by=admin.id)
    except InvalidInput as error:
        await tell_error(update, context, error, lang)
        handled(APPOINT_ID)
    except P2PStockError as error:
        context.user_state.pop(APPOINTMENT, None)
        await tell_error(update, context, error, lang)
        handled(END)
    if any(a.id == new_id and a.active for a in admins):
        await say(update, context, text("admin.appoint.exists", lang, admin=new_id))
        handled(APPOINT_ID)
    context.user_state[APPOINTMENT] = {"id": new_id}
    await say(update, context, text("admin.appoint.ask_telegram", lang, admin=new_id))
    handled(APPOINT_TELEGRAM)


async def got_new_telegram(update: Update, context: BotContext) -> object:
    """The Telegram user id of the administrator to appoint: next, their role (buttons)."""
    found = await administrator_of(update, context)
    pending = context.user_state.get(APPOINTMENT)
    if found is None or not isinstance(pending, dict) or not isinstance(pending.get("id"), str):
        context.user_state.pop(APPOINTMENT, None)
        return END
    _admin, lang = found
    new_id, staff = str(pending["id"]), context.services.staff
    try:
        telegram = _telegram_user_id((message_of(update).text or "").strip())
        holder = await call(staff.by_telegram, telegram)
        roles = await call(staff.roles)
    except InvalidInput as error:
        await tell_error(update, context, error, lang)
        handled(APPOINT_TELEGRAM)
    except P2PStockError as error:
        context.user_state.pop(APPOINTMENT, None)
        await tell_error(update, context, error, lang)
        handled(END)
    if holder is not None and holder.id != new_id:
        await say(update, context, text("admin.appoint.telegram_taken", lang, admin=holder.id))
        handled(APPOINT_TELEGRAM)
    context.user_state[APPOINTMENT] = {"id": new_id, "telegram": telegram}
    choices = ((_role(name, lang), cb.AdminAction("new_role", name)) for name in sorted(roles))
    intro = text("admin.appoint.choose_role", lang, admin=new_id, telegram=telegram)
    await _offer(update, context, lang, intro, choices)
    handled(END)


def _telegram_user_id(typed: str) -> int:
    """A Telegram user id typed as ASCII digits (core checks its range)."""
    digits = typed.isascii() and typed.isdigit() and len(typed) <= 20
    return check_telegram_user_id(int(typed) if digits else typed)


# -- the role's name and description, typed -----------------------------------------------------------


async def got_role_name(update: Update, context: BotContext) -> object:
    """The name of the role to define: next, its permissions (toggle buttons)."""
    found = await administrator_of(update, context)
    pending = context.user_state.get(DRAFT)
    if found is None or not isinstance(pending, dict) or pending.get("stage") != "name":
        context.user_state.pop(DRAFT, None)
        return END  # the customer's handlers take the message
    admin, lang = found
    typed = (message_of(update).text or "").strip()
    try:
        name = check_role_name(typed)
    except InvalidInput:
        await say(update, context, text("admin.define.bad_name", lang, max=MAX_ROLE_NAME))
        handled(ROLE_NAME)
    if name in DEFAULT_ROLES:
        await say(update, context, text("admin.define.default_name", lang, role=name))
        handled(ROLE_NAME)
    staff = context.services.staff
    try:
        await call(staff.administrators, by=admin.id)  # still allowed to manage roles
        existing = (await call(staff.roles)).get(name)
    except P2PStockError as error:
        context.user_state.pop(DRAFT, None)
        await tell_error(update, context, error, lang)
        handled(END)
    draft = _Draft(name, existing.permissions if existing else frozenset(), "permissions")
    context.user_state[DRAFT] = draft.state()
    intro = _choose_permissions(draft, lang)
    if existing is not None:
        intro = text("admin.define.redefine", lang, role=name) + "\n" + intro
    await say(update, context, intro, _permission_buttons(draft, lang))
    handled(ROLE_PERMISSIONS)


async def use_buttons(update: Update, context: BotContext) -> object:
    """A message while the role's permissions are being chosen: they are chosen with the buttons."""
    found = await administrator_of(update, context)
    pending = context.user_state.get(DRAFT)
    if found is None or not isinstance(pending, dict) or pending.get("stage") != "permissions":
        context.user_state.pop(DRAFT, None)
        return END
    await say(update, context, text("admin.define.use_buttons", found[1]))
    handled(ROLE_PERMISSIONS)


async def got_role_description(update: Update, context: BotContext) -> object:
    """The description of the role to define: the role is defined (or waits for a second admin)."""
    found = await administrator_of(update, context)
    try:
        draft = _draft(context.user_state.get(DRAFT), "description")
    except _Outdated:
        draft = None
    if found is None or draft is None:
        context.user_state.pop(DRAFT, None)
        return END
    admin, lang = found
    description = (message_of(update).text or "").strip()
    if not description or len(description) > DESCRIPTION_CHARS:
        await say(update, context, text("admin.define.bad_description", lang, max=DESCRIPTION_CHARS))
        handled(ROLE_DESCRIPTION)
    context.user_state.pop(DRAFT, None)
    try:
        await _define(update, context, admin, lang, draft=draft, description=description)
    except P2PStockError as error:
        await tell_error(update, context, error, lang)
    handled(END)


# -- helpers ------------------------------------------------------------------------------------------


def _roles(admin: Administrator, lang: str) -> str:
    return ", ".join(sorted(_role(name, lang) for name in admin.roles)) or "—"


def _role(name: str, lang: str) -> str:
    """A role by its name in ``lang`` (a custom role by the name it was given)."""
    return code_name("role", name, lang)


def _ticked(name: str, held: bool, lang: str) -> str:
    return f"✓ {_role(name, lang)}" if held else _role(name, lang)


def _in_order(permissions: Iterable[Permission]) -> list[Permission]:
    """``permissions`` in the order ``Permission`` lists them."""
    chosen = frozenset(permissions)
    return [permission for permission in Permission if permission in chosen]


def _permissions(permissions: Iterable[Permission], lang: str) -> str:
    """A role's permissions, each by its label and code: ``Statistics (stats.view), …``."""
    named = (f"{name_of(p, lang)} ({p.value})" for p in _in_order(permissions))
    return ", ".join(named) or "—"


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


async def _offer(
    update: Update,
    context: BotContext,
    lang: str,
    intro: str,
    choices: Iterable[tuple[str, cb.AdminAction]],
) -> None:
    """``intro`` with one button per choice (at most ``LISTED``; a choice whose data does not fit in a
    button is left out, and said so)."""
    rows: list[list[InlineKeyboardButton]] = []
    left_out = 0
    for label, action in choices:
        try:
            choice = button(label, action)
        except ValueError:
            left_out += 1
            continue
        if len(rows) < LISTED:
            rows.append([choice])
        else:
            left_out += 1
    if not rows:
        await say(update, context, text("admin.empty", lang))
        return
    if left_out:
        intro += "\n" + text("admin.roles.left_out", lang, count=left_out)
    await say(update, context, intro, InlineKeyboardMarkup(rows))


async def _done(
    update: Update,
    context: BotContext,
    lang: str,
    done: Administrator | ApprovalRequest,
    key: str,
    **asked: object,
) -> None:
    """The change carried out, or the request it waits in for a second administrator (``asked``: what the
    request holds when it is the one for this change)."""
    await drop_buttons(update)
    if isinstance(done, ApprovalRequest):
        waiting = "admin.roles.waiting" if done.carries(**asked) else "admin.roles.other_waiting"
        await say(update, context, text(waiting, lang, admin=done.target, approval=done.id))
    else:
        await say(update, context, text(key, lang, admin=done.id, roles=_roles(done, lang)))
