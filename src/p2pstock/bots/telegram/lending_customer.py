"""A customer's lending buttons, ``ln:<verb>:<subject>``: the step each verb names, in the financing hall
(``lending_hall``), borrowing (``lending_borrowing``) or the customer's own loans and investments
(``lending_mine``), and ✅ / ✖️ under a confirmation of any of them (``lending_confirming``)."""

from __future__ import annotations

from p2pstock.bots.telegram import callbacks as cb
from p2pstock.bots.telegram import lending_auto as auto
from p2pstock.bots.telegram import lending_borrowing as borrowing
from p2pstock.bots.telegram import lending_hall as hall
from p2pstock.bots.telegram import lending_mine as mine
from p2pstock.bots.telegram import lending_papers as papers
from p2pstock.bots.telegram import lending_transfer as transfer
from p2pstock.bots.telegram.lending_confirming import confirming, dropped
from p2pstock.bots.telegram.press import Steps, customer_buttons, verb_and_subject
from p2pstock.bots.telegram.typed import TypedSteps

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
    "ok": confirming(
        hall.INVESTING,
        borrowing.APPLYING,
        mine.REPAYING,
        mine.REPAYING_EARLY,
        transfer.BUYING,
        transfer.SELLING,
    ),
    "drop": dropped,
    "auto": auto.on_auto,
    **transfer.STEPS,
    "ack": papers.accepting(hall.ask_amount),
    "ct": papers.send_contract,
    "ctp": papers.send_transfer_contract,
}

on_button = customer_buttons(cb.LoanStep, verb_and_subject, STEPS)
"""Any ``ln:`` button: the step of its verb (a typing step, ``END``, or ``None`` if outdated)."""

TYPED: TypedSteps = (*hall.TYPED, *borrowing.TYPED, *auto.TYPED, *transfer.TYPED)
"""The investment's amount and the application's terms typed; a debt transfer's principal and discount."""
