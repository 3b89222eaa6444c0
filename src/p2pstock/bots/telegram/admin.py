"""Administrators in the bot: the admin menu, and every administrator's button and typed reply reaching
its desk — review queues, audit check and statistics (``admin_review``), staff
(``staff_appointments``, ``staff_roles``), allocations (``allocation_admin``), loans (``lending_admin``),
held payments (``payments_admin``) and the back office (``admin_products``, ``admin_capital``,
``admin_calendar``). A rejection or a payment's resolution asks for its reason here (``admin.reason``).

Only an active administrator (``Staff.by_telegram``) gets past the entry points; anyone else's /admin and
buttons fall through to the customer's handlers (unknown, outdated). Core checks every call's permission
and its refusal is told through the error table. The handlers run in a group before the customer's: what
they handle stops there; any other command or button leaves a typed step (drawn in ``admin.mmd``).
"""

from __future__ import annotations

import warnings

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from p2pstock.bots.telegram import (
    admin_calendar,
    admin_capital,
    admin_customers,
    admin_dashboard,
    admin_products,
    admin_review,
    admin_stress,
    allocation_admin,
    customer,
    lending_admin,
    lending_guarantee,
    payments_admin,
    staff_appointments,
    staff_roles,
)
from p2pstock.bots.telegram import callbacks as cb
from p2pstock.bots.telegram.admin_steps import Desk, Kept, asking, on_button, typing
from p2pstock.bots.telegram.admin_views import page_of
from p2pstock.bots.telegram.context import (
    BotApplication,
    BotContext,
    administrator_of,
    call,
    handled,
    outdated,
    query_of,
    say,
    user_of,
)
from p2pstock.bots.telegram.keyboards import button
from p2pstock.bots.telegram.press import Press, Step
from p2pstock.bots.telegram.texts import language_from_telegram, text
from p2pstock.bots.telegram.typed import Typed, states
from p2pstock.core.people.permissions import Permission

NAME = "admin"
REASON = "admin.reason"
REJECTION = "admin_rejection"
"""The user-state key of the rejection waiting for its reason (``kept``: its verb)."""
END = ConversationHandler.END
GROUP = -1
"""The handler group of the administrators' handlers (before the customer's, group 0)."""

MENU: dict[str, tuple[Permission | frozenset[Permission] | None, Step]] = {
    "documents": (Permission.DOCUMENT_REVIEW, admin_review.show_documents),
    "identities": (Permission.KYC_REVIEW, admin_review.show_identities),
    "withdrawals": (Permission.WITHDRAWAL_APPROVE, admin_review.show_withdrawals),
    "payments": (Permission.PAYMENT_RESOLVE, payments_admin.show_queue),
    "allocations": (allocation_admin.MENU_PERMISSIONS, allocation_admin.show_menu),
    "loans": (lending_admin.MENU_PERMISSIONS, lending_admin.show_menu),
    "products": (Permission.PRODUCT_MANAGE, admin_products.show_menu),
    "capital": (Permission.CAPITAL_MANAGE, admin_capital.show_menu),
    "calendar": (Permission.CALENDAR_MANAGE, admin_calendar.show_menu),
    "stress": (Permission.DASHBOARD_VIEW, admin_stress.show_stress),
    "approvals": (None, admin_review.show_approvals),
    "audit": (Permission.AUDIT_VIEW, admin_review.check_audit),
    "stats": (Permission.STATS_VIEW, admin_review.show_statistics),
    "reserve": (lending_guarantee.MENU_PERMISSIONS, lending_guarantee.show_reserves),
    "dashboard": (Permission.DASHBOARD_VIEW, admin_dashboard.show_dashboard),
    "customers": (Permission.CUSTOMER_VIEW, admin_customers.ask_search),
    "roles": (Permission.ROLE_MANAGE, staff_appointments.show_staff),
}
"""Menu entry → the permission that makes its button worth showing, or any one of a set (core checks
again on use), and what it shows."""

DESKS = (
    admin_review.DESK,
    admin_customers.DESK,
    payments_admin.DESK,
    allocation_admin.DESK,
    lending_admin.DESK,
    staff_appointments.DESK,
    staff_roles.DESK,
    admin_products.DESK,
    admin_capital.DESK,
    admin_calendar.DESK,
    lending_guarantee.DESK,
)
REJECTIONS = {verb: rejection for desk in DESKS for verb, rejection in desk.rejections.items()}
"""The buttons that ask for a reason, and what is done with it once typed."""


async def got_reason(typed: Typed, kept: Kept, reason: str) -> object:
    """The reason asked for: the rejection (or resolution) is carried out."""
    message = await REJECTIONS[str(kept["verb"])].carry(typed.context, typed, reason)
    await typed.say(message)
    return END


ALL_DESKS = (
    Desk({"menu": lambda update, context, press: MENU[page_of(press.subject)[0]][1](update, context, press)}),
    Desk(
        {
            verb: asking(REJECTION, REASON, rejection.prompt, kept={"verb": verb})
            for verb, rejection in REJECTIONS.items()
        },
        typed=(typing(REJECTION, REASON, got_reason),),
    ),
    *DESKS,
)
"""Every desk this module dispatches to: the menu, the reasons, and the desks of ``DESKS``."""
BY_VERB = {verb: desk for desk in ALL_DESKS for verb in desk.steps}
PENDING = tuple(desk.waits for desk in ALL_DESKS if desk.waits is not None)
"""The user-state keys of a step waiting for a message, dropped when the administrator moves on."""


# -- the menu and the buttons -------------------------------------------------------------------------


async def admin_menu(update: Update, context: BotContext) -> object:
    """/admin: the queues (and statistics, role management) this administrator's roles are for."""
    found = await administrator_of(update, context)
    if found is None:
        return None  # not an administrator: the customer's handlers answer it
    admin, lang = found
    _drop_pending(context)
    permissions = await call(context.services.staff.permissions, admin.id)
    queues = [name for name, (needed, _view) in MENU.items() if _offered(needed, permissions)]
    if not permissions:
        await say(update, context, text("admin.no_queues", lang))
        handled(END)
    rows = [[button(text(f"admin.queue.{name}", lang), cb.AdminAction("menu", name))] for name in queues]
    await say(update, context, text("admin.menu", lang, admin=admin.id), InlineKeyboardMarkup(rows))
    handled(END)


async def admin_button(update: Update, context: BotContext) -> object:
    """Any administrator's button, to its desk: the press built with what the desk's typed step waited
    with (any step waiting is dropped), answered, and its step run."""
    action = cb.parse(query_of(update).data)
    found = await administrator_of(update, context)
    if found is None or not isinstance(action, cb.AdminAction):
        return None  # the customer's catch-all answers it as outdated
    admin, lang = found
    desk = BY_VERB.get(action.verb)
    waiting = context.user_state.get(desk.waits) if desk is not None and desk.waits else None
    _drop_pending(context)
    if desk is None:
        await outdated(update, lang)
        handled(END)
    handled(await on_button(update, context, desk, action.verb, Press(admin, lang, action.subject, waiting)))


async def cancel_step(update: Update, context: BotContext) -> object:
    """/cancel while a message is asked for: nothing is done, and no step of theirs as a customer (a
    withdrawal to confirm, say) stays to be confirmed either."""
    _drop_pending(context)
    customer.forget_steps(context)
    found = await administrator_of(update, context)
    lang = found[1] if found else language_from_telegram(user_of(update).language_code)
    await say(update, context, text("cancelled", lang))
    handled(END)


async def leave_step(update: Update, context: BotContext) -> object:
    """Another command or button while a message is asked for: nothing is done, and the update goes
    on."""
    _drop_pending(context)
    return END


def _offered(needed: Permission | frozenset[Permission] | None, held: frozenset[Permission]) -> bool:
    if needed is None:
        return True
    return needed in held if isinstance(needed, Permission) else not needed.isdisjoint(held)


def _drop_pending(context: BotContext) -> None:
    for key in PENDING:
        context.user_state.pop(key, None)


# -- wiring -------------------------------------------------------------------------------------------

Handler = BaseHandler[Update, BotContext, object]


def conversation(*, persistent: bool = True) -> ConversationHandler[BotContext]:
    """The administrators' conversation: /admin and every administrator's button, the desks' typed steps
    (typed.py, as the customer's), and what leaves them."""
    entry_points: list[Handler] = [
        CommandHandler("admin", admin_menu),
        CallbackQueryHandler(admin_button, pattern=cb.accepts(cb.AdminAction)),
    ]
    with warnings.catch_warnings():
        # Buttons are meant to move the one conversation of the chat (per user), not one per message.
        warnings.filterwarnings("ignore", "If 'per_message=False'", PTBUserWarning)
        return ConversationHandler(
            entry_points=entry_points,
            states=states(tuple(step for desk in ALL_DESKS for step in desk.typed)),
            fallbacks=[
                CommandHandler("cancel", cancel_step),
                MessageHandler(filters.COMMAND, leave_step),
                CallbackQueryHandler(leave_step),
            ],
            allow_reentry=True,
            name=NAME,
            persistent=persistent,
        )


def install(application: BotApplication, *, persistent: bool = True) -> None:
    """Add the administrators' handlers to ``application`` (group ``GROUP``)."""
    application.add_handler(conversation(persistent=persistent), group=GROUP)
