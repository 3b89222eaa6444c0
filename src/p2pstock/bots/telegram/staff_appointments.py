"""Administrators in the bot, for administrators holding ``role.manage``: the administrators with their
roles and the custom roles (the "🛡 Administrators and roles" entry); appointing one (id and Telegram user
id typed in ``admin.appoint_id`` and ``admin.appoint_telegram``, kept under ``APPOINTMENT``, then the role
chosen with buttons); giving one a role or taking it away (a toggle; the last role is not taken away:
that is deactivating); deactivating one. Defining a role: ``staff_roles.py``.

Before a button is answered the administrators (``Staff.administrators(by=)``, which core refuses without
``role.manage``) and the roles are read: a button naming an administrator not (or no longer) active, or
no role, is outdated. Core answers a change by the four-eyes rules with an ``ApprovalRequest`` for a
second administrator; one already waiting for another change is told to be decided first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import attrs
from telegram import InlineKeyboardMarkup, Update

from p2pstock.bots.telegram import callbacks as cb
from p2pstock.bots.telegram import staff_roles
from p2pstock.bots.telegram.admin_steps import END, Desk, Kept, Outdated, asking, deciding, typing, wait
from p2pstock.bots.telegram.admin_views import said
from p2pstock.bots.telegram.context import BotContext, call, drop_buttons, ended
from p2pstock.bots.telegram.keyboards import button, fitting
from p2pstock.bots.telegram.press import Press, Step
from p2pstock.bots.telegram.staff_roles import permissions_text, role_name, roles_of
from p2pstock.bots.telegram.texts import text
from p2pstock.bots.telegram.typed import Typed
from p2pstock.core.people.four_eyes import ApprovalRequest
from p2pstock.core.people.permissions import DEFAULT_ROLES, Administrator, Role
from p2pstock.core.people.staff import check_admin_id
from p2pstock.core.validation import check_telegram_user_id

APPOINT_ID = "admin.appoint_id"
APPOINT_TELEGRAM = "admin.appoint_telegram"
APPOINTMENT = "admin_appoint"
"""The user-state key of the appointment being made: ``{"step": APPOINT_ID}``, ``{"step":
APPOINT_TELEGRAM, "id"}``, then ``{"step": "role", "id", "telegram"}`` while its role is chosen."""
LISTED = 50
"""Administrators offered as buttons at once (Telegram takes at most 100 buttons in a message)."""


@attrs.frozen
class _Staff:
    """What a button is checked against, read before it is answered: the administrators (read with the
    acting administrator's authority), the roles, and the appointment waiting for its role."""

    admins: dict[str, Administrator]
    roles: dict[str, Role]
    appointment: object

    def active(self, admin_id: str) -> Administrator:
        admin = self.admins.get(admin_id)
        if admin is None or not admin.active:
            raise Outdated
        return admin

    def role(self, name: str) -> str:
        if name not in self.roles:
            raise Outdated
        return name

    def role_and_admin(self, subject: str) -> tuple[str, Administrator]:
        """The role and the administrator an ``ro_set`` button names."""
        name, admin_id = cb.role_and_admin(subject)
        return self.role(name), self.active(admin_id)

    def appointed(self, name: str) -> tuple[str, int, str]:
        """The id and Telegram user id typed for the appointment, and the role ``name`` it is to get."""
        value = self.appointment
        if not isinstance(value, dict) or value.get("step") != "role":
            raise Outdated
        new_id, telegram = value.get("id"), value.get("telegram")
        if not isinstance(new_id, str) or not isinstance(telegram, int):
            raise Outdated
        return new_id, telegram, self.role(name)


def _staff(press: Press) -> _Staff:
    if not isinstance(press.waiting, _Staff):
        raise TypeError("the staff is read before the press is answered")
    return press.waiting


_NAMED: dict[str, Callable[[_Staff, str], object]] = {
    "new_role": _Staff.appointed,
    "ro_admin": _Staff.active,
    "ro_set": _Staff.role_and_admin,
    "off_ask": _Staff.active,
    "off_ok": _Staff.active,
}
"""What each button names, found in the staff (else ``Outdated``)."""


async def _check(context: BotContext, press: Press, verb: str) -> Press:
    """The staff read for the press (its ``waiting``), and what the button names found in it."""
    admins = await call(context.services.staff.administrators, by=press.admin.id)
    roles = await call(context.services.staff.roles)
    staff = _Staff({a.id: a for a in admins}, roles, press.waiting)
    if verb in _NAMED:
        _NAMED[verb](staff, press.subject)
    return attrs.evolve(press, waiting=staff)


# -- the list of administrators -----------------------------------------------------------------------


async def show_staff(update: Update, context: BotContext, press: Press) -> object:
    """Every administrator with their roles and whether they are active, and the custom roles with their
    permissions; what can be done about it."""
    lang = press.lang
    admins = await call(context.services.staff.administrators, by=press.admin.id)
    roles = await call(context.services.staff.roles)
    lines = [text("admin.roles.title", lang)]
    for each in sorted(admins, key=lambda a: a.id):
        state = text("admin.roles.active" if each.active else "admin.roles.inactive", lang)
        lines.append(text("admin.roles.line", lang, admin=each.id, roles=roles_of(each, lang), state=state))
    custom = [role for name, role in sorted(roles.items()) if name not in DEFAULT_ROLES]
    if custom:
        lines.append(text("admin.roles.custom_title", lang))
    for role in custom:
        permissions = permissions_text(role.permissions, lang)
        lines.append(text("admin.roles.custom_line", lang, role=role.name, permissions=permissions))
        if role.description:
            lines.append(text("admin.roles.custom_description", lang, description=role.description))
    steps = [
        [button(text(f"admin.roles.{step}", lang), cb.AdminAction("roles", step))] for step in cb.ROLE_STEPS
    ]
    await said(update, context, lines, InlineKeyboardMarkup(steps))
    return END


# -- buttons ------------------------------------------------------------------------------------------


async def _choose_admin(update: Update, context: BotContext, press: Press) -> object:
    """The active administrators as buttons: whose role to change, or whom to deactivate."""
    verb, lang = "ro_admin" if press.subject == "change" else "off_ask", press.lang
    active = [a for a in sorted(_staff(press).admins.values(), key=lambda a: a.id) if a.active]
    choices = ((f"{a.id} ({roles_of(a, lang)})", cb.AdminAction(verb, a.id)) for a in active)
    return await _offer(update, context, lang, text(f"admin.{press.subject}.choose_admin", lang), choices)


_ROLE_STEPS: dict[str, Step] = {
    "appoint": asking(APPOINTMENT, APPOINT_ID, "admin.appoint.ask_id"),
    "change": _choose_admin,
    "deactivate": _choose_admin,
    "define": staff_roles.start_definition,
}


async def _choose_role(update: Update, context: BotContext, press: Press) -> object:
    """The roles as buttons (the ones the administrator holds ticked): the one to give or take away."""
    staff, lang = _staff(press), press.lang
    target = staff.active(press.subject)
    choices = (
        (
            f"✓ {role_name(name, lang)}" if name in target.roles else role_name(name, lang),
            cb.AdminAction("ro_set", f"{name}:{target.id}"),
        )
        for name in sorted(staff.roles)
    )
    intro = text("admin.change.choose_role", lang, admin=target.id, roles=roles_of(target, lang))
    return await _offer(update, context, lang, intro, choices)


@deciding
async def _appoint(context: BotContext, press: Press) -> str:
    new_id, telegram, role = _staff(press).appointed(press.subject)
    staff = context.services.staff
    done = await call(staff.appoint, new_id, [role], by=press.admin.id, telegram_user_id=telegram)
    return _done(press.lang, done, "admin.appoint.done", roles=[role])


async def _toggle_role(update: Update, context: BotContext, press: Press) -> object:
    """Ask for the administrator's roles with the role added if missing, taken away if held (not the
    last)."""
    role, target = _staff(press).role_and_admin(press.subject)
    roles, lang = sorted(target.roles ^ {role}), press.lang
    if not roles:
        message = text("admin.change.last_role", lang, role=role_name(role, lang), admin=target.id)
        return await ended(update, context, message)
    done = await call(context.services.staff.change_roles, target.id, roles, by=press.admin.id)
    await drop_buttons(update)
    return await ended(update, context, _done(lang, done, "admin.change.done", roles=roles))


async def _confirm_deactivation(update: Update, context: BotContext, press: Press) -> object:
    target, lang = _staff(press).active(press.subject), press.lang
    yes = button(text("admin.deactivate.yes", lang), cb.AdminAction("off_ok", target.id))
    no = button(text("admin.deactivate.no", lang), cb.AdminAction("off_keep", target.id))
    message = text("admin.deactivate.confirm", lang, admin=target.id, roles=roles_of(target, lang))
    return await ended(update, context, message, InlineKeyboardMarkup([[yes, no]]))


@deciding
async def _deactivate(context: BotContext, press: Press) -> str:
    target = _staff(press).active(press.subject)
    done = await call(context.services.staff.deactivate, target.id, by=press.admin.id)
    return _done(press.lang, done, "admin.deactivate.done")


@deciding
async def _keep(context: BotContext, press: Press) -> str:
    return text("cancelled", press.lang)


# -- the appointment's id and Telegram user id, typed ---------------------------------------------------


async def got_new_id(typed: Typed, _: Kept, line: str) -> object:
    """The id of the administrator to appoint: next, their Telegram user id."""
    new_id = check_admin_id(line)
    admins = await call(typed.context.services.staff.administrators, by=typed.admin.id)
    if any(a.id == new_id and a.active for a in admins):
        await typed.tell("admin.appoint.exists", admin=new_id)
        return APPOINT_ID
    await typed.tell("admin.appoint.ask_telegram", admin=new_id)
    return wait(typed.context, APPOINTMENT, APPOINT_TELEGRAM, "", id=new_id)


async def got_new_telegram(typed: Typed, kept: Kept, line: str) -> object:
    """The Telegram user id of the administrator to appoint: next, their role (buttons)."""
    new_id, staff, lang = kept.get("id"), typed.context.services.staff, typed.lang
    if not isinstance(new_id, str):
        return END
    telegram = _telegram_user_id(line)
    holder = await call(staff.by_telegram, telegram)
    roles = await call(staff.roles)
    if holder is not None and holder.id != new_id:
        await typed.tell("admin.appoint.telegram_taken", admin=holder.id)
        return APPOINT_TELEGRAM
    typed.state[APPOINTMENT] = {"step": "role", "id": new_id, "telegram": telegram}
    choices = ((role_name(name, lang), cb.AdminAction("new_role", name)) for name in sorted(roles))
    intro = text("admin.appoint.choose_role", lang, admin=new_id, telegram=telegram)
    return await _offer(typed.update, typed.context, lang, intro, choices)


def _telegram_user_id(typed: str) -> int:
    """A Telegram user id typed as ASCII digits (core checks its range)."""
    digits = typed.isascii() and typed.isdigit() and len(typed) <= 20
    return check_telegram_user_id(int(typed) if digits else typed)


# -- helpers ------------------------------------------------------------------------------------------


async def _offer(
    update: Update, context: BotContext, lang: str, intro: str, choices: Iterable[tuple[str, cb.AdminAction]]
) -> int:
    """``intro`` with one button per choice (at most ``LISTED``; a choice whose data does not fit in a
    button is left out, and said so). END."""
    offered = list(choices)
    rows = fitting([choice] for choice in offered)
    left_out = len(offered) - min(len(rows), LISTED)
    if not rows:
        return await ended(update, context, text("admin.empty", lang))
    if left_out:
        intro += "\n" + text("admin.roles.left_out", lang, count=left_out)
    return await ended(update, context, intro, InlineKeyboardMarkup(rows[:LISTED]))


def _done(lang: str, done: Administrator | ApprovalRequest, key: str, **asked: object) -> str:
    """The change carried out (text ``key``), or the request it waits in for a second administrator
    (``asked``: what the request holds when it is the one for this change)."""
    if isinstance(done, ApprovalRequest):
        told = "admin.roles.waiting" if done.carries(**asked) else "admin.roles.other_waiting"
        return text(told, lang, admin=done.target, approval=done.id)
    return text(key, lang, admin=done.id, roles=roles_of(done, lang))


DESK = Desk(
    {
        "roles": lambda update, context, press: _ROLE_STEPS[press.subject](update, context, press),
        "new_role": _appoint,
        "ro_admin": _choose_role,
        "ro_set": _toggle_role,
        "off_ask": _confirm_deactivation,
        "off_ok": _deactivate,
        "off_keep": _keep,
    },
    check=_check,
    typed=(
        typing(APPOINTMENT, APPOINT_ID, got_new_id),
        typing(APPOINTMENT, APPOINT_TELEGRAM, got_new_telegram),
    ),
)
