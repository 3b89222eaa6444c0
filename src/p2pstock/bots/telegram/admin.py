"""Administrators in the bot: review queues (documents, identities, withdrawals), four-eyes approvals,
the audit check, platform statistics, role management (``admin_roles.py``), stock fund allocations
(``allocation_admin.py``) and held payments (``payments_admin.py``).

Who is an administrator is the platform's answer (``Staff.by_telegram``); to anyone else the admin
command and buttons do not exist (the customer's handlers answer them as unknown or outdated). What an
administrator may do is decided by core on every call: a refusal comes back as ``PermissionDenied``
and is told politely through the error table. Buttons name their subject by id; the service checks it
again. A rejection asks for its reason in a follow-up message (the state ``admin.reason`` of the admin
conversation, drawn in ``admin.mmd`` with the states of an appointment, of a role being defined and of
the allocations' typed steps), which any other command or button leaves.

The admin handlers run in a group before the customer's: what they handle stops there
(``ApplicationHandlerStop``); what they do not handle goes on to the customer's handlers.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.error import BadRequest
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
    admin_products,
    admin_roles,
    admin_steps,
    allocation_admin,
    lending_admin,
    payments_admin,
)
from p2pstock.bots.telegram import callbacks as cb
from p2pstock.bots.telegram.context import (
    BotApplication,
    BotContext,
    administrator_of,
    call,
    drop_buttons,
    handled,
    message_of,
    query_of,
    say,
    tell_error,
    user_of,
)
from p2pstock.bots.telegram.keyboards import button
from p2pstock.bots.telegram.press import Press
from p2pstock.bots.telegram.product_cards import percent
from p2pstock.bots.telegram.texts import language_from_telegram, text
from p2pstock.core.audit import Fault
from p2pstock.core.clock import from_micros
from p2pstock.core.errors import InvalidInput, P2PStockError
from p2pstock.core.lending.loans import LoanStatus
from p2pstock.core.lending.views import LendingFigures
from p2pstock.core.money import CNY, Money
from p2pstock.core.names import code_name, name_of
from p2pstock.core.notifications import mask
from p2pstock.core.people.customers import Customer, KycStatus
from p2pstock.core.people.documents import ContentType, CustomerDocument
from p2pstock.core.people.four_eyes import ApprovalRequest
from p2pstock.core.people.permissions import Administrator, Permission
from p2pstock.core.statistics import QUEUE_LIMIT, PlatformOverview
from p2pstock.core.wallet.withdrawals import Withdrawal

NAME = "admin"
REASON = "admin.reason"
END = ConversationHandler.END
GROUP = -1
"""The handler group of the administrators' handlers (before the customer's, group 0)."""
SHOWN = 5
"""Items of a queue shown at once."""

QUEUES: dict[str, Permission | frozenset[Permission] | None] = {
    "documents": Permission.DOCUMENT_REVIEW,
    "identities": Permission.KYC_REVIEW,
    "withdrawals": Permission.WITHDRAWAL_APPROVE,
    "payments": Permission.PAYMENT_RESOLVE,
    "allocations": allocation_admin.MENU_PERMISSIONS,
    "loans": lending_admin.MENU_PERMISSIONS,
    "products": Permission.PRODUCT_MANAGE,
    "capital": Permission.CAPITAL_MANAGE,
    "calendar": Permission.CALENDAR_MANAGE,
    "approvals": None,
    "audit": Permission.AUDIT_VIEW,
    "stats": Permission.STATS_VIEW,
    "roles": Permission.ROLE_MANAGE,
}
"""Menu entry → the permission that makes its button worth showing, or any one of a set (core checks
again on use)."""

REJECTIONS = (
    "doc_no",
    "id_no",
    "wd_no",
    "ap_no",
    *sorted(allocation_admin.REJECTIONS),
    *sorted(lending_admin.REJECTIONS),
    *sorted(payments_admin.VERBS),
)
BACK_OFFICE = (admin_products, admin_capital, admin_calendar)
"""The back-office modules: each a table of ``STEPS`` by button verb under one ``PERMISSION``, its typed
steps waiting under ``STEP`` in the user's state."""
PENDING = (
    "admin_rejection",
    admin_roles.APPOINTMENT,
    admin_roles.DRAFT,
    allocation_admin.STEP,
    *(module.STEP for module in BACK_OFFICE),
)
"""The user-state keys of a step waiting for a message, dropped when the administrator moves on."""


# -- the menu -----------------------------------------------------------------------------------------


async def admin_menu(update: Update, context: BotContext) -> object:
    """/admin: the queues (and statistics, role management) this administrator's roles are for."""
    found = await administrator_of(update, context)
    if found is None:
        return None  # not an administrator: the customer's handlers answer it
    admin, lang = found
    _drop_pending(context)
    permissions = await call(context.services.staff.permissions, admin.id)
    queues = [name for name, needed in QUEUES.items() if _offered(needed, permissions)]
    if not permissions:
        await say(update, context, text("admin.no_queues", lang))
        handled(END)
    rows = [[button(text(f"admin.queue.{name}", lang), cb.AdminAction("menu", name))] for name in queues]
    await say(update, context, text("admin.menu", lang, admin=admin.id), InlineKeyboardMarkup(rows))
    handled(END)


async def admin_button(update: Update, context: BotContext) -> object:
    """Any administrator's button: a menu entry, an acceptance, a rejection (which asks for a reason),
    or a step of role management."""
    query = query_of(update)
    action = cb.parse(query.data)
    found = await administrator_of(update, context)
    if found is None or not isinstance(action, cb.AdminAction):
        return None  # the customer's catch-all answers it as outdated
    admin, lang = found
    appointment = context.user_state.get(admin_roles.APPOINTMENT)
    draft = context.user_state.get(admin_roles.DRAFT)
    waited = {module.STEP: context.user_state.get(module.STEP) for module in BACK_OFFICE}
    _drop_pending(context)
    if action.verb in admin_roles.VERBS:
        step = admin_roles.on_button(
            update, context, admin, lang, action, appointment=appointment, draft=draft
        )
        handled(await step)
    if action.verb in allocation_admin.VERBS:
        handled(await allocation_admin.on_button(update, context, admin, lang, action))
    if action.verb in lending_admin.VERBS:
        handled(await lending_admin.on_button(update, context, admin, lang, action))
    for module in BACK_OFFICE:
        if action.verb in module.STEPS:
            press = Press(admin, lang, action.subject, waited[module.STEP])
            steps, permission = module.STEPS, module.PERMISSION
            handled(
                await admin_steps.on_button(
                    update, context, press, action.verb, steps=steps, permission=permission
                )
            )
    await query.answer()
    if action.verb in REJECTIONS:
        context.user_state["admin_rejection"] = {"verb": action.verb, "subject": action.subject}
        await say(update, context, text(payments_admin.PROMPTS.get(action.verb, "admin.ask_reason"), lang))
        handled(REASON)
    try:
        if action.verb == "menu":
            await QUEUE_VIEWS[action.subject](update, context, admin, lang)
        else:
            message = await _accept(context, admin, lang, action)
            await drop_buttons(update)
            await say(update, context, message)
    except P2PStockError as error:
        await tell_error(update, context, error, lang)
    handled(END)


async def got_reason(update: Update, context: BotContext) -> object:
    """The reason for the rejection asked for: the rejection is made."""
    found = await administrator_of(update, context)
    pending = context.user_state.get("admin_rejection")
    if found is None or not isinstance(pending, dict):
        context.user_state.pop("admin_rejection", None)
        return END  # the customer's handlers take the message
    admin, lang = found
    reason = (message_of(update).text or "").strip()
    try:
        rejection = cb.AdminAction(str(pending["verb"]), str(pending["subject"]))
        message = await _reject(context, admin, lang, rejection, reason)
    except InvalidInput as error:
        await tell_error(update, context, error, lang)
        handled(REASON)
    except P2PStockError as error:
        context.user_state.pop("admin_rejection", None)
        await tell_error(update, context, error, lang)
        handled(END)
    context.user_state.pop("admin_rejection", None)
    await say(update, context, message)
    handled(END)


async def cancel_step(update: Update, context: BotContext) -> object:
    """/cancel while a reason, an appointment's detail or a role's detail is asked for: nothing is done."""
    _drop_pending(context)
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


# -- queues -------------------------------------------------------------------------------------------


async def show_documents(update: Update, context: BotContext, admin: Administrator, lang: str) -> None:
    """Each pending document as the image or PDF itself, with accept/reject buttons."""
    kyc = context.services.kyc
    documents = await call(kyc.pending_documents, by=admin.id, limit=SHOWN + 1)
    if not documents:
        await say(update, context, text("admin.empty", lang))
        return
    for document in documents[:SHOWN]:
        stored, content = await call(kyc.document_content, document.id, by=admin.id)
        await _send_document(update, context, stored, content, lang)
    await _more(update, context, lang, len(documents))


async def _send_document(
    update: Update, context: BotContext, document: CustomerDocument, content: bytes, lang: str
) -> None:
    caption = text(
        "admin.document",
        lang,
        id=document.id,
        customer=document.customer_id,
        kind=document.kind,
        uploaded=_when(context, document.uploaded_at),
    )
    markup = _decision(lang, "doc", document.id)
    if markup is None:
        caption += "\n" + text("admin.no_buttons", lang)
    chat_id = user_of(update).id
    filename = f"{document.id}.{document.content_type.value.rsplit('/', 1)[1]}"
    if document.content_type is not ContentType.PDF:
        try:
            await context.bot.send_photo(chat_id, content, caption=caption, reply_markup=markup)
            return
        except BadRequest:  # a picture Telegram will not show as a photo (size, proportions): as a file
            pass
    await context.bot.send_document(chat_id, content, filename=filename, caption=caption, reply_markup=markup)


async def show_identities(update: Update, context: BotContext, admin: Administrator, lang: str) -> None:
    """Each submitted identity, with verify/reject buttons."""
    customers = await call(context.services.kyc.identities_to_review, by=admin.id, limit=SHOWN + 1)
    if not customers:
        await say(update, context, text("admin.empty", lang))
        return
    for customer in customers[:SHOWN]:
        await _item(update, context, lang, _identity(customer, lang), ("id", customer.id))
    await _more(update, context, lang, len(customers))


def _identity(customer: Customer, lang: str) -> str:
    return text(
        "admin.identity",
        lang,
        customer=customer.id,
        name=customer.real_name,
        masked=customer.resident_id.masked if customer.resident_id else "",
        phone=mask(customer.phone) if customer.phone else "",
    )


async def show_withdrawals(update: Update, context: BotContext, admin: Administrator, lang: str) -> None:
    """Each pending withdrawal, oldest first, with approve/reject buttons."""
    requests = await call(context.services.wallets.withdrawal_queue, by=admin.id, limit=SHOWN + 1)
    if not requests:
        await say(update, context, text("admin.empty", lang))
        return
    for request in requests[:SHOWN]:
        await _item(update, context, lang, _withdrawal(context, request, lang), ("wd", request.id))
    await _more(update, context, lang, len(requests))


def _withdrawal(context: BotContext, request: Withdrawal, lang: str) -> str:
    return text(
        "admin.withdrawal",
        lang,
        id=request.id,
        customer=request.customer_id,
        amount=_money(context, request.amount),
        requested=_when(context, request.requested_at),
    )


async def show_approvals(update: Update, context: BotContext, admin: Administrator, lang: str) -> None:
    """Each request this administrator could decide as the second pair of eyes."""
    requests = await call(context.services.approvals.pending, by=admin.id, limit=SHOWN + 1)
    if not requests:
        await say(update, context, text("admin.empty", lang))
        return
    for request in requests[:SHOWN]:
        await _item(update, context, lang, _approval(context, request, lang), ("ap", request.id))
    await _more(update, context, lang, len(requests))


def _approval(context: BotContext, request: ApprovalRequest, lang: str) -> str:
    return text(
        "admin.approval",
        lang,
        id=request.id,
        action=code_name("action", request.action, lang),
        target=request.target,
        amount=_money(context, request.amount) if request.amount is not None else "—",
        maker=request.maker_id,
        expires=_when(context, request.expires_at),
    )


async def check_audit(update: Update, context: BotContext, admin: Administrator, lang: str) -> None:
    """Walk the audit trail's hash chain."""
    check = await call(context.services.audit.verify_as, by=admin.id)
    if check.ok:
        await say(update, context, text("admin.audit_ok", lang, checked=check.checked))
    else:
        reason = text(f"admin.audit.fault.{Fault(check.reason).name.lower()}", lang)
        message = text(
            "admin.audit_broken", lang, seq=check.first_broken, reason=reason, checked=check.checked
        )
        await say(update, context, message)


async def show_statistics(update: Update, context: BotContext, admin: Administrator, lang: str) -> None:
    """The platform at a glance: customers by status, what waits for review, money moved today."""
    overview = await call(context.services.statistics.overview, by=admin.id)
    figures = await call(context.services.lending.figures, by=admin.id)
    await say(update, context, f"{_statistics(overview, lang)}\n\n{_lending(figures, lang)}")


def _lending(figures: LendingFigures, lang: str) -> str:
    loans = ", ".join(
        f"{name_of(LoanStatus(status), lang)} {count}"
        for status, count in sorted(figures.loans_by_status.items())
    )
    income = ", ".join(
        f"{_code(code, lang)} {Money(amount, CNY)}" for code, amount in sorted(figures.income.items())
    )
    return text(
        "admin.stats.lending",
        lang,
        outstanding=Money(figures.outstanding_principal, CNY),
        overdue=Money(figures.overdue_principal, CNY),
        ratio=percent(figures.overdue_ratio_bp),
        loans=loans or "0",
        income=income or "—",
    )


def _statistics(overview: PlatformOverview, lang: str) -> str:
    counts = dict(overview.customers)
    statuses = [
        text(
            "admin.stats.status",
            lang,
            status=status,
            count=counts.pop(status, 0),
        )
        for status in KycStatus
    ]
    statuses += [text("admin.stats.status", lang, status=name, count=n) for name, n in sorted(counts.items())]
    moved = [
        text(
            "admin.stats.moved",
            lang,
            code=_code(total.code, lang),
            count=total.count,
            amount=Money(total.debits, CNY),
        )
        for total in overview.moved
    ]
    return text(
        "admin.stats",
        lang,
        day=overview.day.isoformat(),
        customers=sum(overview.customers.values()),
        statuses="\n".join(statuses),
        documents=_counted(overview.documents_to_review),
        identities=_counted(overview.identities_to_review),
        withdrawals=_counted(overview.withdrawals_pending),
        pending=Money(overview.withdrawals_pending_amount, CNY),
        moved="\n".join(moved) or text("admin.stats.nothing_moved", lang),
    )


def _counted(found: int) -> str:
    """A queue's length; one counted up to ``QUEUE_LIMIT`` shows it was cut short."""
    return f"{found}+" if found >= QUEUE_LIMIT else str(found)


def _code(code: str, lang: str) -> str:
    """A transfer code by its name in ``lang``."""
    return code_name("ledger", code, lang)


QueueView = Callable[[Update, BotContext, Administrator, str], Coroutine[Any, Any, None]]
QUEUE_VIEWS: dict[str, QueueView] = {
    "documents": show_documents,
    "identities": show_identities,
    "withdrawals": show_withdrawals,
    "approvals": show_approvals,
    "audit": check_audit,
    "stats": show_statistics,
    "roles": admin_roles.show_roles,
    "allocations": allocation_admin.show_menu,
    "loans": lending_admin.show_menu,
    "products": admin_products.show_menu,
    "capital": admin_capital.show_menu,
    "calendar": admin_calendar.show_menu,
    "payments": payments_admin.show_queue,
}


# -- decisions ----------------------------------------------------------------------------------------


async def _accept(context: BotContext, admin: Administrator, lang: str, action: cb.AdminAction) -> str:
    """Carry out an acceptance; what to tell the administrator."""
    services, subject = context.services, action.subject
    if action.verb == "doc_ok":
        document = await call(services.kyc.accept_document, subject, by=admin.id)
        return text("admin.document_accepted", lang, id=document.id)
    if action.verb == "id_ok":
        customer = await call(services.kyc.verify_identity, subject, by=admin.id)
        return text("admin.identity_verified", lang, customer=customer.id)
    if action.verb == "wd_ok":
        decided = await call(services.wallets.approve_withdrawal, subject, by=admin.id)
        if isinstance(decided, ApprovalRequest):
            amount = _money(context, decided.amount or 0)
            return text("admin.withdrawal_waiting", lang, id=subject, amount=amount, approval=decided.id)
        return text("admin.withdrawal_approved", lang, id=decided.id, amount=_money(context, decided.amount))
    if action.verb == "ap_ok":
        approved = await call(services.approvals.approve, subject, by=admin.id)
        return text("admin.approval_approved", lang, id=approved.id)
    raise InvalidInput(f"unknown administrator action {action.verb}")


async def _reject(
    context: BotContext, admin: Administrator, lang: str, rejection: cb.AdminAction, reason: str
) -> str:
    """Carry out a rejection with its reason; what to tell the administrator."""
    services, verb, subject = context.services, rejection.verb, rejection.subject
    if verb in allocation_admin.REJECTIONS:
        return await allocation_admin.reject(context, admin, lang, rejection, reason)
    if verb in lending_admin.REJECTIONS:
        return await lending_admin.reject(context, admin, lang, rejection, reason)
    if verb in payments_admin.VERBS:
        return await payments_admin.resolve(context, admin, lang, rejection, reason)
    if verb == "doc_no":
        document = await call(services.kyc.reject_document, subject, by=admin.id, reason=reason)
        return text("admin.document_rejected", lang, id=document.id, reason=document.reason)
    if verb == "id_no":
        customer = await call(services.kyc.reject_identity, subject, by=admin.id, reason=reason)
        return text("admin.identity_rejected", lang, customer=customer.id, reason=customer.rejection_reason)
    if verb == "wd_no":
        request = await call(services.wallets.reject_withdrawal, subject, by=admin.id, reason=reason)
        amount = _money(context, request.amount)
        return text("admin.withdrawal_rejected", lang, id=request.id, amount=amount, reason=request.reason)
    if verb == "ap_no":
        rejected = await call(services.approvals.reject, subject, by=admin.id, reason=reason)
        return text("admin.approval_rejected", lang, id=rejected.id, reason=rejected.reason)
    raise InvalidInput(f"unknown administrator action {verb}")


# -- helpers ------------------------------------------------------------------------------------------


def _decision(lang: str, what: str, subject: str) -> InlineKeyboardMarkup | None:
    """Accept/reject buttons for ``subject``, or None when its id does not fit in button data."""
    yes = text("admin.approve" if what == "ap" else "admin.accept", lang)
    try:
        return InlineKeyboardMarkup(
            [
                [
                    button(yes, cb.AdminAction(f"{what}_ok", subject)),
                    button(text("admin.reject", lang), cb.AdminAction(f"{what}_no", subject)),
                ]
            ]
        )
    except ValueError:
        return None


async def _item(update: Update, context: BotContext, lang: str, body: str, decision: tuple[str, str]) -> None:
    """One item of a queue, with its decision buttons: ``decision`` is (``doc``/``id``/``wd``/``ap``, id)."""
    markup = _decision(lang, *decision)
    await say(update, context, body if markup else f"{body}\n{text('admin.no_buttons', lang)}", markup)


async def _more(update: Update, context: BotContext, lang: str, found: int) -> None:
    if found > SHOWN:
        await say(update, context, text("admin.more", lang, shown=SHOWN))


def _money(context: BotContext, minor: int) -> Money:
    return Money(minor, context.services.wallets.currency)


def _when(context: BotContext, micros: int) -> str:
    return from_micros(micros).astimezone(context.services.ledger.timezone).strftime("%Y-%m-%d %H:%M")


# -- wiring -------------------------------------------------------------------------------------------

Handler = BaseHandler[Update, BotContext, object]
_NEW_TEXT = filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND


def conversation(*, persistent: bool = True) -> ConversationHandler[BotContext]:
    """The administrators' conversation: menus and decisions, the reason a rejection waits for, the id
    and Telegram user id an appointment waits for, the name, permissions and description of a role
    being defined, and what the allocations' steps wait for (``allocation_admin.states``)."""
    entry_points: list[Handler] = [
        CommandHandler("admin", admin_menu),
        CallbackQueryHandler(admin_button, pattern=cb.accepts(cb.AdminAction)),
    ]
    with warnings.catch_warnings():
        # Buttons are meant to move the one conversation of the chat (per user), not one per message.
        warnings.filterwarnings("ignore", "If 'per_message=False'", PTBUserWarning)
        return ConversationHandler(
            entry_points=entry_points,
            states={
                REASON: [MessageHandler(_NEW_TEXT, got_reason)],
                admin_roles.APPOINT_ID: [MessageHandler(_NEW_TEXT, admin_roles.got_new_id)],
                admin_roles.APPOINT_TELEGRAM: [MessageHandler(_NEW_TEXT, admin_roles.got_new_telegram)],
                admin_roles.ROLE_NAME: [MessageHandler(_NEW_TEXT, admin_roles.got_role_name)],
                admin_roles.ROLE_PERMISSIONS: [MessageHandler(_NEW_TEXT, admin_roles.use_buttons)],
                admin_roles.ROLE_DESCRIPTION: [MessageHandler(_NEW_TEXT, admin_roles.got_role_description)],
                **allocation_admin.states(),
                **admin_products.states(),
                **admin_capital.states(),
                **admin_calendar.states(),
            },
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
