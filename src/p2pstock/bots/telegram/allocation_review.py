"""Reviewing allocations, for administrators: the phone call with the customer (its outcome pressed, a note
typed), the confirmation, a rejection with its reason; and the side requests of running allocations
(top-ups, extensions, profit withdrawals, terminations), listed to be approved or rejected.

A rejection (``REJECTIONS``) asks for its reason through the admin conversation's reason step
(``admin.py``), which calls ``reject`` here."""

from __future__ import annotations

from telegram import Update

from p2pstock.bots.telegram import allocation_admin_steps as kit
from p2pstock.bots.telegram import callbacks as cb
from p2pstock.bots.telegram.allocation_admin_card import send_card
from p2pstock.bots.telegram.context import BotContext, call, drop_buttons, message_of, say
from p2pstock.bots.telegram.press import Press
from p2pstock.bots.telegram.texts import text
from p2pstock.core.allocation.allocations import CallOutcome, Status
from p2pstock.core.allocation.side_requests import SideRequest
from p2pstock.core.money import Money
from p2pstock.core.names import value_name
from p2pstock.core.people.permissions import Administrator

REJECTIONS = frozenset({"al_no", "rq_no"})
"""Buttons asking for a reason through admin.py's reason step, then carried out by ``reject``."""
SHOWN = 5
"""Side requests shown at once, each in its own message with its buttons."""
NO_NOTE = frozenset({"-", "—", "－"})


# -- the phone call and the decision ------------------------------------------------------------------


async def ask_note(update: Update, context: BotContext, press: Press) -> object:
    """A call outcome pressed (``<outcome>:<allocation id>``): its note is asked for."""
    outcome, allocation_id = press.subject.split(":", 1)
    await kit.allocation_in(context, press, Status.UNDER_REVIEW, allocation_id)
    said = value_name(CallOutcome, outcome, press.lang)
    await say(update, context, text("admin.alloc.ask_note", press.lang, id=allocation_id, outcome=said))
    return kit.wait(context, kit.NOTE, allocation_id, outcome=outcome)


async def got_note(update: Update, context: BotContext, press: Press) -> object:
    """The note of the phone call ("-" for none): the call is recorded, and the card shown again."""
    typed = (message_of(update).text or "").strip()
    outcome = kit.waited(press, "outcome")
    allocations = context.services.allocations
    note = "" if typed in NO_NOTE else typed
    recorded = await call(
        allocations.record_call, press.subject, by=press.admin.id, outcome=outcome, note=note
    )
    timeline = await kit.timeline_of(context, press, recorded.id)
    said = value_name(CallOutcome, outcome, press.lang)
    await say(update, context, text("admin.alloc.call_recorded", press.lang, id=recorded.id, outcome=said))
    await send_card(update, context, press, timeline)
    return kit.END


async def confirm(update: Update, context: BotContext, press: Press) -> object:
    """✅ Confirm: the allocation's lines are set; next, its sub-account."""
    confirmed = await call(context.services.allocations.confirm, press.subject, by=press.admin.id)
    await drop_buttons(update)
    warning, liquidation = Money(confirmed.warning_line), Money(confirmed.liquidation_line)
    said = text(
        "admin.alloc.confirmed", press.lang, id=confirmed.id, warning=warning, liquidation=liquidation
    )
    await say(update, context, said)
    return kit.END


async def reject(
    context: BotContext, admin: Administrator, lang: str, rejection: cb.AdminAction, reason: str
) -> str:
    """Carry out a rejection (``REJECTIONS``) with its reason; what to tell the administrator."""
    allocations = context.services.allocations
    if rejection.verb == "al_no":
        rejected = await call(allocations.reject, rejection.subject, by=admin.id, reason=reason)
        return text("admin.alloc.rejected", lang, id=rejected.id, reason=rejected.reason)
    request = await call(allocations.decide, rejection.subject, by=admin.id, approve=False, reason=reason)
    return _decided("admin.alloc.request_rejected", request, lang, reason=request.reason)


# -- side requests ------------------------------------------------------------------------------------


async def show_requests(update: Update, context: BotContext, press: Press) -> object:
    """Each pending side request, oldest first, with approve/reject buttons and a way to its card."""
    lang = press.lang
    pending = context.services.allocations.pending_requests
    requests = await call(pending, by=press.admin.id, limit=SHOWN + 1)
    if not requests:
        await say(update, context, text("admin.empty", lang))
        return kit.END
    for request in requests[:SHOWN]:
        body = text(
            "admin.alloc.request",
            lang,
            id=request.id,
            kind=request.kind,
            allocation=request.allocation_id,
            customer=request.customer_id,
            amount=Money(request.amount) if request.amount else "—",
            periods=request.periods or "—",
            asked=kit.when(context, request.requested_at),
        )
        opened = text("admin.alloc.b.open", lang, id=request.allocation_id)
        buttons = kit.markup(
            [
                [
                    (text("admin.approve", lang), cb.AdminAction("rq_ok", request.id)),
                    (text("admin.reject", lang), cb.AdminAction("rq_no", request.id)),
                ],
                [(opened, cb.AdminAction("al_show", request.allocation_id))],
            ]
        )
        await say(update, context, body if buttons else f"{body}\n{text('admin.no_buttons', lang)}", buttons)
    if len(requests) > SHOWN:
        await say(update, context, text("admin.more", lang, shown=SHOWN))
    return kit.END


async def approve_request(update: Update, context: BotContext, press: Press) -> object:
    """✅ under a side request: approved (core checks whose kind it is to decide)."""
    decide = context.services.allocations.decide
    request = await call(decide, press.subject, by=press.admin.id, approve=True)
    await drop_buttons(update)
    await say(update, context, _decided("admin.alloc.request_approved", request, press.lang))
    return kit.END


def _decided(key: str, request: SideRequest, lang: str, **values: object) -> str:
    return text(key, lang, id=request.id, kind=request.kind, allocation=request.allocation_id, **values)
