"""Administrators' queue of held payments in the bot: each deposit order its gateway paid with another
amount, with what the gateway reported and the buttons the order allows.

::

    a:menu:payments ──► held orders ──a:pay_cr|pay_rf:<order>──► the reason typed (admin.py) ──► asked:
                                                                  waits for a second administrator
                                    ──a:ap_ok|ap_no:<approval>──► (admin.py) the second administrator agrees
                                                                  (carried out) or rejects, saying why

An order with no resolution asked for has credit and refund buttons; one waiting for a second
administrator shows who asked for what and why, with approve/reject buttons for anyone but its maker.
Core checks the permission (``payment.resolve``), the order's state and the four eyes again on every call.
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

from p2pstock.bots.telegram import callbacks as cb
from p2pstock.bots.telegram.admin_steps import END, SHOWN, listed, when
from p2pstock.bots.telegram.context import BotContext, call, say
from p2pstock.bots.telegram.keyboards import button
from p2pstock.bots.telegram.press import Press
from p2pstock.bots.telegram.texts import text
from p2pstock.core.errors import InvalidInput
from p2pstock.core.names import name_of
from p2pstock.core.payment_resolution import OrderToResolve, shown
from p2pstock.core.payments import OrderStatus, PaymentOrder, Resolution
from p2pstock.core.people.four_eyes import ApprovalRequest
from p2pstock.core.people.permissions import Administrator

OUTCOMES = {"pay_cr": Resolution.CREDIT, "pay_rf": Resolution.REFUND}
"""The buttons that ask for a resolution (its reason is typed next)."""
VERBS = frozenset(OUTCOMES)
PROMPTS = {verb: f"admin.payment.ask_reason.{verb}" for verb in VERBS}
"""What each button asks for, instead of a rejection's reason."""


async def show_queue(update: Update, context: BotContext, press: Press) -> object:
    """The held orders, oldest first, each a card with its buttons."""
    admin, lang, payments = press.admin, press.lang, context.services.held_payments

    async def show(entry: OrderToResolve) -> None:
        await say(update, context, card(context, entry, lang), _buttons(entry, admin, lang))

    held = [] if payments is None else await call(payments.to_resolve, by=admin.id, limit=SHOWN + 1)
    await listed(update, context, lang, held, show)
    return END


def card(context: BotContext, entry: OrderToResolve, lang: str) -> str:
    order = entry.order
    lines = [
        text(
            "admin.payment.card",
            lang,
            id=order.id,
            customer=order.customer_id,
            provider=order.provider,
            transaction=order.transaction_id,
            asked=shown(order.amount, order.currency),
            paid=_paid(order),
            at=when(context, order.created_at),
        )
    ]
    if entry.waiting is not None and entry.asked is not None:
        request, asked = entry.waiting, entry.asked
        lines.append(
            text(
                "admin.payment.waiting",
                lang,
                outcome=asked,
                maker=request.maker_id,
                reason=entry.reason,
                approval=request.id,
            )
        )
    return "\n".join(lines)


def _buttons(entry: OrderToResolve, admin: Administrator, lang: str) -> InlineKeyboardMarkup | None:
    if entry.waiting is None:
        order = entry.order
        row = [
            button(text("admin.payment.credit", lang, paid=_paid(order)), cb.AdminAction("pay_cr", order.id)),
            button(text("admin.payment.refund", lang), cb.AdminAction("pay_rf", order.id)),
        ]
    elif entry.waiting.maker_id != admin.id:
        row = [
            button(text("admin.approve", lang), cb.AdminAction("ap_ok", entry.waiting.id)),
            button(text("admin.reject", lang), cb.AdminAction("ap_no", entry.waiting.id)),
        ]
    else:
        return None  # the maker waits for somebody else
    return InlineKeyboardMarkup([row])


async def resolve(
    context: BotContext, admin: Administrator, lang: str, action: cb.AdminAction, reason: str
) -> str:
    """The resolution a button asked for, now that its reason is typed; what to tell the administrator."""
    payments = context.services.held_payments
    outcome = OUTCOMES.get(action.verb)
    if payments is None or outcome is None:
        raise InvalidInput(f"unknown administrator action {action.verb}")
    done = await call(payments.resolve, action.subject, outcome, by=admin.id, reason=reason)
    if isinstance(done, ApprovalRequest):
        named = name_of(outcome, lang)
        return text("admin.payment.asked", lang, id=action.subject, outcome=named, approval=done.id)
    if done.status is OrderStatus.CREDITED:
        return text("admin.payment.credited", lang, id=done.id, paid=_paid(done))
    return text("admin.payment.refunded", lang, id=done.id)


def _paid(order: PaymentOrder) -> str:
    return shown(order.reported_amount or 0, order.reported_currency)
