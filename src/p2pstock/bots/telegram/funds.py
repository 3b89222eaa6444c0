"""Money in and out: a deposit (amount → payment link) and a withdrawal (amount → confirm → frozen).

Amounts are read with ``Money.parse``. A withdrawal's idempotency key comes from the message the amount
was typed in (``tg-<user>-<message>``), and the confirm button names that message: tapping it twice,
or on two devices, asks the wallet for the same request, which it answers once.
"""

from __future__ import annotations

from telegram import Update

from p2pstock.bots.telegram import callbacks as cb
from p2pstock.bots.telegram import keyboards
from p2pstock.bots.telegram.confirming import pending, request_id
from p2pstock.bots.telegram.context import (
    BotContext,
    attempt,
    call,
    customer_of,
    edit,
    message_of,
    outdated,
    query_of,
    say,
    tell_error,
    typed_amount,
)
from p2pstock.bots.telegram.customer import END
from p2pstock.bots.telegram.texts import text
from p2pstock.core.errors import P2PStockError
from p2pstock.core.money import Money

DEPOSIT_AMOUNT = "deposit.amount"
WITHDRAWAL_AMOUNT = "withdrawal.amount"


async def ask_deposit(update: Update, context: BotContext) -> str | int:
    """Ask how much to deposit."""
    customer = await customer_of(update, context)
    lang = customer.language
    if context.services.payments is None:
        await say(update, context, text("deposit.unavailable", lang))
        return END
    await say(update, context, text("deposit.ask", lang))
    return DEPOSIT_AMOUNT


async def got_deposit_amount(update: Update, context: BotContext) -> str | int | None:
    """The amount: a payment order is opened and its link sent as a button."""
    customer = await customer_of(update, context)
    lang = customer.language
    payments = context.services.payments
    if payments is None:
        await say(update, context, text("deposit.unavailable", lang))
        return END
    amount = await typed_amount(update, context, lang)
    if amount is None:
        return None
    link = await attempt(update, context, lang, payments.start_deposit, customer.id, amount)
    await say(update, context, text("deposit.link", lang, amount=amount), keyboards.pay(lang, link.url))
    return END


async def ask_withdrawal(update: Update, context: BotContext) -> str | int:
    """Ask how much to withdraw, showing what is available."""
    customer = await customer_of(update, context)
    lang = customer.language
    balance = await attempt(update, context, lang, context.services.wallets.balance, customer.id)
    await say(update, context, text("withdraw.ask", lang, available=balance.available))
    return WITHDRAWAL_AMOUNT


async def got_withdrawal_amount(update: Update, context: BotContext) -> int | None:
    """The amount: kept as the pending withdrawal, to be confirmed with a button."""
    customer = await customer_of(update, context)
    lang = customer.language
    amount = await typed_amount(update, context, lang)
    if amount is None:
        return None
    message = message_of(update)
    token = message.message_id
    context.user_state["withdrawal"] = {
        "token": token,
        "request_id": request_id(update, token),
        "amount": amount.minor,
        "done": False,
    }
    await say(
        update,
        context,
        text("withdraw.confirm", lang, amount=amount),
        keyboards.confirm_withdrawal(lang, token),
    )
    return END


async def answer_withdrawal(update: Update, context: BotContext) -> None:
    """✅ or ✖️ under a pending withdrawal; a button of any other withdrawal is outdated."""
    query = query_of(update)
    choice = cb.parse(query.data)
    customer = await customer_of(update, context)
    lang = customer.language
    if (
        not isinstance(choice, cb.WithdrawalAnswer)
        or (waiting := pending(context, "withdrawal", choice.token)) is None
        or (waiting.get("done") and not choice.confirm)
    ):
        await outdated(update, lang)
        return
    await query.answer()
    if not choice.confirm:
        context.user_state.pop("withdrawal", None)
        await edit(update, text("withdraw.cancelled", lang))
        return
    wallets = context.services.wallets
    amount = Money(int(waiting["amount"]), wallets.currency)
    try:
        request = await call(
            wallets.request_withdrawal, customer.id, request_id=str(waiting["request_id"]), amount=amount
        )
    except P2PStockError as error:
        context.user_state.pop("withdrawal", None)
        await edit(update, text("withdraw.confirm", lang, amount=amount))
        await tell_error(update, context, error, lang)
        return
    waiting["done"] = True
    await edit(update, text("withdraw.requested", lang, amount=Money(request.amount, wallets.currency)))
