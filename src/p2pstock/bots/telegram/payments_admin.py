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

from collections.abc import Callable, Sequence

from telegram import InlineKeyboardMarkup, Update

from p2pstock.bots.telegram import callbacks as cb
from p2pstock.bots.telegram.admin_steps import Desk, Rejection
from p2pstock.bots.telegram.admin_views import decision, queue, when
from p2pstock.bots.telegram.context import BotContext, call, say
from p2pstock.bots.telegram.keyboards import markup
from p2pstock.bots.telegram.press import Press
from p2pstock.bots.telegram.texts import text
from p2pstock.core.errors import InvalidInput
from p2pstock.core.names import name_of
from p2pstock.core.payment_resolution import OrderToResolve, shown
from p2pstock.core.payments import OrderStatus, PaymentOrder, Resolution
from p2pstock.core.people.four_eyes import ApprovalRequest
from p2pstock.core.people.permissions import Administrator


async def _show(update: Update, context: BotContext, press: Press, entry: OrderToResolve) -> None:
    await say(update, context, card(context, entry, press.lang), _buttons(entry, press.admin, press.lang))


def _held(context: BotContext, _press: Press) -> Callable[..., Sequence[OrderToResolve]] | None:
    payments = context.services.held_payments
    return None if payments is None else payments.to_resolve


show_queue = queue(_held, _show, verb="menu")
"""The held orders, oldest first, each a card with its buttons."""


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
    order, credit = entry.order, text("admin.payment.credit", lang, paid=_paid(entry.order))
    if entry.waiting is None:
        refund = text("admin.payment.refund", lang)
        return markup(
            [[(credit, cb.AdminAction("pay_cr", order.id)), (refund, cb.AdminAction("pay_rf", order.id))]]
        )
    if entry.waiting.maker_id != admin.id:
        return decision(lang, "ap", entry.waiting.id)[0]
    return None  # the maker waits for somebody else


def _resolving(verb: str, outcome: Resolution) -> Rejection:
    """The button ``verb`` asking for ``outcome``: carried out once its reason is typed."""

    async def resolve(context: BotContext, press: Press, reason: str) -> str:
        payments, lang = context.services.held_payments, press.lang
        if payments is None:
            raise InvalidInput(f"unknown administrator action {verb}")
        done = await call(payments.resolve, press.subject, outcome, by=press.admin.id, reason=reason)
        if isinstance(done, ApprovalRequest):
            named = name_of(outcome, lang)
            return text("admin.payment.asked", lang, id=press.subject, outcome=named, approval=done.id)
        if done.status is OrderStatus.CREDITED:
            return text("admin.payment.credited", lang, id=done.id, paid=_paid(done))
        return text("admin.payment.refunded", lang, id=done.id)

    return Rejection(resolve, f"admin.payment.ask_reason.{verb}")


def _paid(order: PaymentOrder) -> str:
    return shown(order.reported_amount or 0, order.reported_currency)


DESK = Desk(
    {},
    rejections={
        "pay_cr": _resolving("pay_cr", Resolution.CREDIT),
        "pay_rf": _resolving("pay_rf", Resolution.REFUND),
    },
)
"""The buttons asking for a resolution, its reason typed next (``admin.py``)."""
