"""Role management in the bot, for administrators holding ``role.manage``: the administrators with their
roles, appointing one, changing one's role, deactivating one.

Every change goes to ``Staff`` in the acting administrator's name: core checks ``role.manage`` and, by
the default four-eyes rules, answers an ``ApprovalRequest`` waiting for a second administrator (who
approves it in the approvals queue) instead of the changed ``Administrator``. Before a button acts, the
bot reads the administrators through ``Staff.administrators(by=)`` (which core refuses without
``role.manage``) and the roles through ``Staff.roles()``: a button naming an administrator who is not
(or no longer) active, or a role that does not exist, is answered as outdated and does nothing.

Appointing asks for the new administrator's id and Telegram user id in two messages (the states
``admin.appoint_id`` and ``admin.appoint_telegram``, drawn in ``admin.mmd``), then for the role with
buttons; the answers wait in the user's state (``admin_appoint``) until a role is chosen, and any
other administrator's button drops them.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Iterable
from typing import Any

import attrs
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ConversationHandler

from p2pstock.bots.telegram import callbacks as cb
from p2pstock.bots.telegram.context import (
    BotContext,
    administrator_of,
    call,
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
from p2pstock.core.people.four_eyes import ApprovalRequest
from p2pstock.core.people.permissions import Administrator, Role
from p2pstock.core.people.staff import check_admin_id
from p2pstock.core.validation import check_telegram_user_id

END = ConversationHandler.END
APPOINT_ID = "admin.appoint_id"
APPOINT_TELEGRAM = "admin.appoint_telegram"
APPOINTMENT = "admin_appoint"
"""The user-state key of the appointment being made: ``{"id": ..., "telegram": ...}`` as they are typed."""
VERBS = frozenset({"roles", "new_role", "ro_admin", "ro_set", "off_ask", "off_ok", "off_keep"})
"""The administrators' button verbs handled here."""
LISTED = 50
"""Administrators offered as buttons at once (Telegram takes at most 100 buttons in a message)."""
MESSAGE_CHARS = 3500
"""A listing longer than this is sent in several messages (Telegram's limit is 4096)."""


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


# -- the list of administrators -----------------------------------------------------------------------


async def show_roles(update: Update, context: BotContext, admin: Administrator, lang: str) -> None:
    """Every administrator with their roles and whether they are active; what can be done about it."""
    admins = await call(context.services.staff.administrators, by=admin.id)
    lines = [text("admin.roles.title", lang)]
    lines += [
        text(
            "admin.roles.line",
            lang,
            admin=each.id,
            roles=_roles(each),
            state=text("admin.roles.active" if each.active else "admin.roles.inactive", lang),
        )
        for each in sorted(admins, key=lambda a: a.id)
    ]
    steps = [
        [button(text(f"admin.roles.{step}", lang), cb.AdminAction("roles", step))] for step in cb.ROLE_STEPS
    ]
    *first, last = _chunks(lines)
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
) -> object:
    """A role-management button (``VERBS``), answered here; the conversation's next state.
    ``appointment`` is what was typed for an appointment before the button was pressed."""
    query = query_of(update)
    try:
        staff = _Staff(
            {a.id: a for a in await call(context.services.staff.administrators, by=admin.id)},
            await call(context.services.staff.roles),
        )
        step = _checked(staff, action, appointment)
    except _Outdated:
        await outdated(update, lang)
        return END
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


def _checked(staff: _Staff, action: cb.AdminAction, appointment: object) -> Step:
    """What ``action`` does, once what it names is found in ``staff`` (else ``_Outdated``)."""
    verb, subject = action.verb, action.subject
    if verb == "roles":
        return _start_appointment if subject == "appoint" else _choose_admin(staff, subject)
    if verb == "new_role":
        new_id, telegram = _appointment(appointment)
        return _appoint(new_id, telegram, staff.role(subject))
    if verb == "ro_admin":
        return _choose_role(staff, staff.active(subject))
    if verb == "ro_set":
        role, admin_id = cb.role_and_admin(subject)
        return _change_roles(staff.active(admin_id), staff.role(role))
    if verb == "off_ask":
        return _confirm_deactivation(staff.active(subject))
    if verb == "off_ok":
        return _deactivate(staff.active(subject))
    if verb == "off_keep":
        return _keep
    raise _Outdated


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
        choices = ((f"{a.id} ({_roles(a)})", cb.AdminAction(verb, a.id)) for a in active)
        await _offer(update, context, lang, text(f"admin.{step}.choose_admin", lang), choices)
        return END

    return choose


def _choose_role(staff: _Staff, target: Administrator) -> Step:
    """The roles as buttons (the ones ``target`` holds ticked): the one ``target`` is to hold."""

    async def choose(update: Update, context: BotContext, admin: Administrator, lang: str) -> object:
        choices = (
            (f"✓ {name}" if name in target.roles else name, cb.AdminAction("ro_set", f"{name}:{target.id}"))
            for name in sorted(staff.roles)
        )
        intro = text("admin.change.choose_role", lang, admin=target.id, roles=_roles(target))
        await _offer(update, context, lang, intro, choices)
        return END

    return choose


def _appoint(new_id: str, telegram: int, role: str) -> Step:
    async def appoint(update: Update, context: BotContext, admin: Administrator, lang: str) -> object:
        staff = context.services.staff
        done = await call(staff.appoint, new_id, [role], by=admin.id, telegram_user_id=telegram)
        await _done(update, context, lang, done, "admin.appoint.done")
        return END

    return appoint


def _change_roles(target: Administrator, role: str) -> Step:
    async def change(update: Update, context: BotContext, admin: Administrator, lang: str) -> object:
        done = await call(context.services.staff.change_roles, target.id, [role], by=admin.id)
        await _done(update, context, lang, done, "admin.change.done")
        return END

    return change


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
        message = text("admin.deactivate.confirm", lang, admin=target.id, roles=_roles(target))
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
    choices = ((name, cb.AdminAction("new_role", name)) for name in sorted(roles))
    intro = text("admin.appoint.choose_role", lang, admin=new_id, telegram=telegram)
    await _offer(update, context, lang, intro, choices)
    handled(END)


def _telegram_user_id(typed: str) -> int:
    """A Telegram user id typed as ASCII digits (core checks its range)."""
    digits = typed.isascii() and typed.isdigit() and len(typed) <= 20
    return check_telegram_user_id(int(typed) if digits else typed)


# -- helpers ------------------------------------------------------------------------------------------


def _roles(admin: Administrator) -> str:
    return ", ".join(sorted(admin.roles)) or "—"


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
) -> None:
    """The change carried out, or the request it waits in for a second administrator."""
    await drop_buttons(update)
    if isinstance(done, ApprovalRequest):
        await say(update, context, text("admin.roles.waiting", lang, admin=done.target, approval=done.id))
    else:
        await say(update, context, text(key, lang, admin=done.id, roles=_roles(done)))


def _chunks(lines: list[str]) -> list[str]:
    """``lines`` joined into messages of at most ``MESSAGE_CHARS`` characters (a line is never split)."""
    chunks: list[str] = []
    for line in lines:
        if chunks and len(chunks[-1]) + 1 + len(line) <= MESSAGE_CHARS:
            chunks[-1] += "\n" + line
        else:
            chunks.append(line)
    return chunks
