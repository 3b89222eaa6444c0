"""Money in and out: a deposit (amount → payment link) and a withdrawal (amount → confirm → frozen).

Amounts are read with ``Money.parse``. A withdrawal's idempotency key comes from the message the amount
was typed in (``tg-<user>-<message>``), and the confirm button names that message: tapping it twice,
or on two devices, asks the wallet for the same request, which it answers once.
"""

from __future__ import annotations

from typing import Any

from telegram import Update

from p2pstock.bots.telegram import callbacks as cb
from p2pstock.bots.telegram import keyboards
from p2pstock.bots.telegram.confirming import ConfirmButtons, dropping, on_confirm, request_id
from p2pstock.bots.telegram.context import BotContext, attempt, call, edit, ended, say, tell_error
from p2pstock.bots.telegram.press import Press, customer_buttons
from p2pstock.bots.telegram.services import DepositLinks
from p2pstock.bots.telegram.texts import text
from p2pstock.bots.telegram.typed import Typed, TypedStep, TypedSteps, amount, nothing
from p2pstock.core.errors import P2PStockError
from p2pstock.core.money import Money

DEPOSIT_AMOUNT = "deposit.amount"
WITHDRAWAL_AMOUNT = "withdrawal.amount"
WITHDRAWAL = "withdrawal"
"""The withdrawal waiting for its ✅ in the user's state."""


async def ask_deposit(update: Update, context: BotContext, press: Press) -> str | int:
    """Ask how much to deposit."""
    lang = press.lang
    if context.services.payments is None:
        return await ended(update, context, text("deposit.unavailable", lang))
    await say(update, context, text("deposit.ask", lang))
    return DEPOSIT_AMOUNT


async def _payments(typed: Typed) -> DepositLinks:
    payments = typed.context.services.payments
    if payments is None:
        await typed.lost("deposit.unavailable")
    return payments


async def _deposit_link(typed: Typed, payments: DepositLinks, money: Money) -> object:
    """A payment order is opened and its link sent as a button."""
    link = await call(payments.start_deposit, typed.customer.id, money)
    return await typed.ended("deposit.link", keyboards.pay(typed.lang, link.url), amount=money)


async def ask_withdrawal(update: Update, context: BotContext, press: Press) -> str | int:
    """Ask how much to withdraw, showing what is available."""
    lang = press.lang
    balance = await attempt(update, context, lang, context.services.wallets.balance, press.customer.id)
    await say(update, context, text("withdraw.ask", lang, available=balance.available))
    return WITHDRAWAL_AMOUNT


def _answer(verb: str, token: str) -> cb.WithdrawalAnswer:
    """✅ (``ok``) or ✖️ (``drop``) under the withdrawal pending under ``token``."""
    return cb.WithdrawalAnswer(verb == "ok", int(token))


ANSWERS = ConfirmButtons(_answer)


def _read_answer(answer: cb.WithdrawalAnswer) -> tuple[str, str]:
    return "ok" if answer.confirm else "drop", str(answer.token)


async def _to_confirm(typed: Typed, _: None, money: Money) -> object:
    """The amount kept as the pending withdrawal, to be confirmed with a button; more than the available
    balance is asked again."""
    lang = typed.lang
    balance = await call(typed.context.services.wallets.balance, typed.customer.id)
    if money.minor > balance.available.minor:
        await typed.tell("withdraw.over_available", available=balance.available)
        return WITHDRAWAL_AMOUNT
    markup = ANSWERS.keyboard(lang, "ok", typed.token, "withdraw.confirm_button")
    step = {"amount": money.minor, "done": False}
    return await typed.to_confirm(step, text("withdraw.confirm", lang, amount=money), markup)


TYPED: TypedSteps = (
    TypedStep(DEPOSIT_AMOUNT, None, _payments, amount, _deposit_link),
    TypedStep(WITHDRAWAL_AMOUNT, WITHDRAWAL, nothing, amount, _to_confirm),
)
"""The amounts typed."""


async def _withdraw(update: Update, context: BotContext, press: Press, step: dict[str, Any]) -> None:
    """✅ under the pending withdrawal: the amount frozen and a withdrawal requested, once."""
    lang, wallets = press.lang, context.services.wallets
    money = Money(int(step["amount"]), wallets.currency)
    asked = request_id(update, step["token"])  # tg-<user>-<message the amount was typed in>
    try:
        request = await call(wallets.request_withdrawal, press.customer.id, request_id=asked, amount=money)
    except P2PStockError as error:
        context.user_state.pop(WITHDRAWAL, None)
        await edit(update, text("withdraw.confirm", lang, amount=money))
        await tell_error(update, context, error, lang)
        return
    step["done"] = True
    await edit(update, text("withdraw.requested", lang, amount=Money(request.amount, wallets.currency)))


answer_withdrawal = customer_buttons(
    cb.WithdrawalAnswer,
    _read_answer,
    {
        "ok": on_confirm(WITHDRAWAL, _withdraw),
        "drop": dropping((WITHDRAWAL, "done"), said="withdraw.cancelled"),
    },
)
"""✅ or ✖️ under a pending withdrawal; a button of any other withdrawal is outdated."""
