"""A customer's lending buttons, ``ln:<verb>:<subject>``: the step each verb names, in the financing hall
(``lending_hall``), borrowing (``lending_borrowing``) or the customer's own loans and investments
(``lending_mine``), and ✅ / ✖️ under a confirmation of any of them (``lending_confirming``)."""

from __future__ import annotations

from telegram import Update

from p2pstock.bots.telegram import callbacks as cb
from p2pstock.bots.telegram import lending_borrowing as borrowing
from p2pstock.bots.telegram import lending_hall as hall
from p2pstock.bots.telegram import lending_mine as mine
from p2pstock.bots.telegram.context import BotContext, customer_of, outdated, query_of
from p2pstock.bots.telegram.lending_confirming import confirmed, dropped
from p2pstock.bots.telegram.press import Press, Steps

CONFIRMATIONS = {c.kind: c for c in (hall.INVESTING, borrowing.APPLYING, mine.REPAYING, mine.REPAYING_EARLY)}
"""What ✅ carries out, by the kind of the step it confirms."""


async def _confirmed(update: Update, context: BotContext, press: Press) -> object:
    return await confirmed(update, context, press, CONFIRMATIONS)


STEPS: Steps = {
    "hall": hall.turn_hall,
    "show": hall.show_loan,
    "inv": hall.ask_amount,
    "prod": borrowing.choose_method,
    "meth": borrowing.ask_terms,
    "mine": mine.turn_mine,
    "loan": mine.show_own_loan,
    "pay": mine.ask_repay,
    "early": mine.ask_early,
    "wd": mine.withdraw,
    "ok": _confirmed,
    "drop": dropped,
}


async def on_button(update: Update, context: BotContext) -> object:
    """Any ``ln:`` button: the step of its verb (a typing step, ``END``, or ``None`` if outdated)."""
    step = cb.parse(query_of(update).data)
    customer = await customer_of(update, context)
    if not isinstance(step, cb.LoanStep) or step.verb not in STEPS:
        await outdated(update, customer.language)
        return None
    return await STEPS[step.verb](update, context, Press.of_customer(customer, step.subject))
