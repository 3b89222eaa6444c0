"""Reviewing allocations, for administrators: the phone call with the customer (its outcome pressed, a note
typed), the confirmation, a rejection with its reason; and the side requests of running allocations
(top-ups, extensions, profit withdrawals, terminations, expansions and reductions — with the figures
they would change), listed to be approved or rejected.

A rejection (``REJECTIONS``) asks for its reason through the admin conversation's reason step
(``admin.py``), which carries it out here."""

from __future__ import annotations

from telegram import Update

from p2pstock.bots.telegram import callbacks as cb
from p2pstock.bots.telegram.admin_steps import END, Kept, deciding, rejecting, typing, wait
from p2pstock.bots.telegram.admin_views import decision, named, queue, when
from p2pstock.bots.telegram.allocation_admin_card import STEP, allocation_in, send_card, timeline_of
from p2pstock.bots.telegram.allocation_resizing import request_lines
from p2pstock.bots.telegram.context import BotContext, call, say
from p2pstock.bots.telegram.press import Press
from p2pstock.bots.telegram.texts import text
from p2pstock.bots.telegram.typed import Typed, TypedSteps
from p2pstock.core.allocation.allocations import CallOutcome, Status
from p2pstock.core.allocation.resizing import RESIZES
from p2pstock.core.allocation.side_requests import SideRequest
from p2pstock.core.money import Money
from p2pstock.core.names import value_name

NOTE = "admin.alloc_note"
"""The typed step of a phone call's note."""
NO_NOTE = frozenset({"-", "—", "－"})


# -- the phone call and the decision ------------------------------------------------------------------


async def ask_note(update: Update, context: BotContext, press: Press) -> object:
    """A call outcome pressed (``<outcome>:<allocation id>``): its note is asked for."""
    outcome, allocation_id = press.subject.split(":", 1)
    await allocation_in(context, press, Status.UNDER_REVIEW, allocation_id)
    said = value_name(CallOutcome, outcome, press.lang)
    await say(update, context, text("admin.alloc.ask_note", press.lang, id=allocation_id, outcome=said))
    return wait(context, STEP, NOTE, allocation_id, outcome=outcome)


async def got_note(typed: Typed, kept: Kept, line: str) -> object:
    """The note of the phone call ("-" for none): the call is recorded, and the card shown again."""
    outcome, note = str(kept.get("outcome", "")), "" if line in NO_NOTE else line
    record = typed.context.services.allocations.record_call
    recorded = await call(record, typed.subject, by=typed.admin.id, outcome=outcome, note=note)
    timeline = await timeline_of(typed.context, typed, recorded.id)
    said = value_name(CallOutcome, outcome, typed.lang)
    await typed.tell("admin.alloc.call_recorded", id=recorded.id, outcome=said)
    await send_card(typed.update, typed.context, typed, timeline)
    return END


TYPED: TypedSteps = (typing(STEP, NOTE, got_note),)


@deciding
async def confirm(context: BotContext, press: Press) -> str:
    """✅ Confirm: the allocation's lines are set; next, its sub-account."""
    confirmed = await call(context.services.allocations.confirm, press.subject, by=press.admin.id)
    warning, liquidation = Money(confirmed.warning_line), Money(confirmed.liquidation_line)
    return text(
        "admin.alloc.confirmed", press.lang, id=confirmed.id, warning=warning, liquidation=liquidation
    )


REJECTIONS = {
    "al_no": rejecting(lambda c: c.services.allocations.reject, "admin.alloc.rejected"),
    "rq_no": rejecting(
        lambda c: c.services.allocations.decide,
        "admin.alloc.request_rejected",
        lambda _c, rq: {**_request(rq), "reason": rq.reason},
        approve=False,
    ),
}
"""Buttons asking for a reason through admin.py's reason step, then carried out here."""


# -- side requests ------------------------------------------------------------------------------------


async def _show_request(update: Update, context: BotContext, press: Press, request: SideRequest) -> None:
    """A pending side request, with approve/reject buttons and a way to its allocation's card."""
    lang = press.lang
    body = text(
        "admin.alloc.request",
        lang,
        id=request.id,
        kind=request.kind,
        allocation=request.allocation_id,
        customer=(await named(context, press, [request.customer_id]))[request.customer_id],
        amount=Money(request.amount) if request.amount else "—",
        periods=request.periods or "—",
        asked=when(context, request.requested_at),
    )
    if request.kind in RESIZES:  # what it would make of B, the lines and the fee
        allocation = (await timeline_of(context, press, request.allocation_id)).allocation
        body = "\n".join(filter(None, (body, request_lines(allocation, request, lang))))
    opened = text("admin.alloc.b.open", lang, id=request.allocation_id)
    buttons, note = decision(
        lang, "rq", request.id, (opened, cb.AdminAction("al_show", request.allocation_id))
    )
    await say(update, context, body + note, buttons)


show_requests = queue(
    lambda context, _press: context.services.allocations.pending_requests, _show_request, verb="al_q"
)
"""Each pending side request, oldest first."""


@deciding
async def approve_request(context: BotContext, press: Press) -> str:
    """✅ under a side request: approved (core checks whose kind it is to decide)."""
    request = await call(context.services.allocations.decide, press.subject, by=press.admin.id, approve=True)
    return text("admin.alloc.request_approved", press.lang, **_request(request))


def _request(request: SideRequest) -> dict[str, object]:
    return {"id": request.id, "kind": request.kind, "allocation": request.allocation_id}
