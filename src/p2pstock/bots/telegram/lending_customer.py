"""A customer's lending buttons, ``ln:<verb>:<subject>``: the step each verb names, in the financing hall
(``lending_hall``), borrowing (``lending_borrowing``) or the customer's own loans and investments
(``lending_mine``), and ✅ / ✖️ under a confirmation of any of them (``lending_confirming``)."""

from __future__ import annotations

from telegram import Update

from p2pstock.bots.telegram import callbacks as cb
from p2pstock.bots.telegram import lending_borrowing as borrowing
from p2pstock.bots.telegram import lending_hall as hall
from p2pstock.bots.telegram import lending_mine as mine
from p2pstock.bots.telegram.context import BotContext
from p2pstock.bots.telegram.lending_confirming import confirmed, dropped
from p2pstock.bots.telegram.press import Press, Steps, customer_buttons, verb_and_subject
from p2pstock.bots.telegram.typed import TypedSteps

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

on_button = customer_buttons(cb.LoanStep, verb_and_subject, STEPS)
"""Any ``ln:`` button: the step of its verb (a typing step, ``END``, or ``None`` if outdated)."""

TYPED: TypedSteps = (*hall.TYPED, *borrowing.TYPED)
"""The investment's amount and the application's terms typed."""
