"""A customer's stock fund allocations (配资) in the bot: every ``al:`` button, read into a ``Press`` and
handed to the step its verb names. Applying is in allocation_apply.py, the list and the detail card with
paying and cancelling in allocation_detail.py, the password in allocation_password.py, the chart and the
timeline in allocation_timeline.py, the side requests in allocation_requests.py.

Applying::

    📈 m:allocate, /allocate   rate table ──al:prod:<code>──► leverages ──al:lev:<L>:<code>──► deposit typed
    (before a first application the agreement and risk disclosure comes between: allocation_papers.py)
    ──► term typed ──► quote with al:apply:<token> / al:drop:<token> ──► allocations.apply ──► detail

A side request::

    al:top|ext|pro:<id> ──► amount or periods typed ──► confirm al:ask:<token> / al:drop:<token>
    al:end:<id> ──────────────────────────────────────► confirm al:ask:<token> / al:drop:<token>
    al:grow|shrink:<id> ──► deposit change typed ──► preview (allocation_resizing.py) ──► al:ask / al:drop

Every ``al:`` button is an entry point of the customer's conversation (conversation.py): it leaves a
half-finished step, and the buttons that ask for typing enter the states of allocation_press.py. The
pending application (``user_state["allocation_draft"]``) and side request (``user_state["allocation_ask"]``)
stay in the user's UI state; their confirm buttons name a token (the id of the message that completed
them), so a button of an earlier one is outdated.
"""

from __future__ import annotations

from p2pstock.bots.telegram import allocation_apply as apply
from p2pstock.bots.telegram import allocation_detail as detail
from p2pstock.bots.telegram import allocation_requests as requests
from p2pstock.bots.telegram import allocation_resizing as resizing
from p2pstock.bots.telegram import allocation_timeline
from p2pstock.bots.telegram import callbacks as cb
from p2pstock.bots.telegram.allocation_papers import DISCLOSURE, send_agreement
from p2pstock.bots.telegram.allocation_password import password
from p2pstock.bots.telegram.allocation_press import ASK, DRAFT
from p2pstock.bots.telegram.confirming import dropping
from p2pstock.bots.telegram.press import Steps, customer_buttons, verb_and_subject
from p2pstock.bots.telegram.typed import TypedSteps

ACTIONS: Steps = {
    "prod": apply.choose_product,
    "lev": apply.choose_leverage,
    "ack": DISCLOSURE.accepting(apply.choose_leverage),
    "apply": apply.apply,
    "drop": dropping((DRAFT, "applied"), (ASK, "done"), said="cancelled"),
    "list": detail.turn_list,
    "show": detail.show_detail,
    "pay": detail.pay,
    "cancel": detail.cancel,
    "pw": password,
    "chart": allocation_timeline.chart,
    "tl": allocation_timeline.show_timeline,
    "doc": send_agreement,
    "renew": detail.set_auto_renew,
    "top": requests.ask_top_up,
    "ext": requests.ask_extension,
    "pro": requests.ask_profit,
    "end": requests.ask_termination,
    "grow": resizing.ask_expansion,
    "shrink": resizing.ask_reduction,
    "ask": requests.send_request,
}
"""Verb → what its button does (every verb of ``callbacks.ALLOCATION_VERBS``); ✖️ under a quote or a side
request's confirmation forgets it."""

on_button = customer_buttons(cb.AllocationStep, verb_and_subject, ACTIONS)
"""Any ``al:`` button: the step of its verb. The next state of the conversation: a typing step, ``END``,
or ``None`` (unchanged) for a button that was outdated."""

TYPED: TypedSteps = (*apply.TYPED, *requests.TYPED, *resizing.TYPED)
"""The deposit and the term of an application, the amount or the periods of a side request typed."""
