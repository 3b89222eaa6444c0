"""How the customer's handlers are wired: one persistent conversation for the steps that wait for
typing, and global handlers for the buttons that act on the spot. The state diagram is
``conversation.mmd`` beside this file; its states are the typed steps the modules declare (typed.py).

Order matters within the group: the conversation sees each update first (its entry points may be
re-entered from any step: a command, a menu button or an allocation button leaves a half-finished
step), then the buttons outside it, then the catch-alls (an unreadable button is answered as outdated; a
stray message gets the menu). Every ``al:`` button is an entry point (allocation_customer.py): those that
ask for an amount, a deposit or a number of periods enter the allocation states; an outdated one leaves
the state as it was. So is every ``ln:`` button (lending_customer.py), two of which enter the lending
states (an investment's amount, an application's terms).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Coroutine, Mapping
from types import MappingProxyType
from typing import Any

from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from p2pstock.bots.telegram import (
    allocation_apply,
    allocation_customer,
    allocation_detail,
    commands,
    customer,
    daily_report,
    fund_activity,
    funds,
    holdings_summary,
    lending_auto,
    lending_borrowing,
    lending_customer,
    lending_hall,
    lending_mine,
    lending_papers,
    lending_transfer,
    onboarding,
    typed,
)
from p2pstock.bots.telegram import callbacks as cb
from p2pstock.bots.telegram.context import BotApplication, BotContext, customer_of, query_of
from p2pstock.bots.telegram.press import Press, Step

NAME = "customer"
"""The conversation's name in the persisted UI state."""

Handler = BaseHandler[Update, BotContext, object]

MENU: Mapping[str, Step] = MappingProxyType(
    {
        "wallet": customer.show_wallet,
        "statement": fund_activity.show_statement,
        "deposit": funds.ask_deposit,
        "withdraw": funds.ask_withdrawal,
        "phone": onboarding.ask_phone,
        "identity": onboarding.ask_identity,
        "documents": onboarding.ask_document_kind,
        "status": customer.show_status,
        "language": customer.ask_language,
        "allocate": allocation_apply.show_rate_table,
        "allocations": allocation_detail.show_list,
        "hall": lending_hall.show_hall,
        "borrow": lending_borrowing.show_products,
        "loans": lending_mine.show_mine,
        "report": daily_report.show_report,
        "report_on": daily_report.report_on,
        "report_off": daily_report.report_off,
        **holdings_summary.MENU,
        **lending_auto.MENU,
        **lending_transfer.MENU,
        **lending_papers.MENU,
    }
)
"""Menu item → the step it opens (the same as the command of that name)."""


async def menu_choice(update: Update, context: BotContext) -> object:
    """A main-menu button: the step it names."""
    query = query_of(update)
    choice = cb.parse(query.data)
    if not isinstance(choice, cb.Menu):
        await customer.stale_button(update, context)
        return None
    await query.answer()
    press = Press.of_customer(await customer_of(update, context), choice.item)
    return await MENU[choice.item](update, context, press)


def command(step: Step) -> Callable[[Update, BotContext], Coroutine[Any, Any, object]]:
    """The command that opens menu item ``step``."""

    async def on_command(update: Update, context: BotContext) -> object:
        return await step(update, context, Press.of_customer(await customer_of(update, context), ""))

    return on_command


TYPED: typed.TypedSteps = (
    *onboarding.TYPED,
    *funds.TYPED,
    *allocation_customer.TYPED,
    *lending_customer.TYPED,
)
"""The steps that wait for what the customer sends (typed.py)."""


def conversation(*, persistent: bool = True) -> ConversationHandler[BotContext]:
    """The customer's conversation; persistent, a restart resumes each chat where it was."""
    entry_points: list[Handler] = [
        CommandHandler("start", customer.start),
        CommandHandler("menu", customer.menu),
        *(CommandHandler(name, command(step)) for name, step in MENU.items()),
        CallbackQueryHandler(menu_choice, pattern=cb.accepts(cb.Menu)),
        CallbackQueryHandler(onboarding.choose_document_kind, pattern=cb.accepts(cb.ChooseDocument)),
        # Every allocation button: those that ask for typing enter a state below, the others end any step.
        CallbackQueryHandler(allocation_customer.on_button, pattern=cb.accepts(cb.AllocationStep)),
        CallbackQueryHandler(lending_customer.on_button, pattern=cb.accepts(cb.LoanStep)),
    ]
    states = typed.states(TYPED)
    with warnings.catch_warnings():
        # Buttons are meant to move the one conversation of the chat (per user), not one per message.
        warnings.filterwarnings("ignore", "If 'per_message=False'", PTBUserWarning)
        return ConversationHandler(
            entry_points=entry_points,
            states=states,
            fallbacks=[CommandHandler("cancel", customer.cancel)],
            allow_reentry=True,
            name=NAME,
            persistent=persistent,
        )


def install(application: BotApplication, *, persistent: bool = True) -> None:
    """Add the customer's handlers to ``application`` (group 0)."""
    application.add_handler(conversation(persistent=persistent))
    for step, data in (
        (customer.choose_language, cb.ChooseLanguage),
        (fund_activity.turn_statement_page, cb.StatementPage),
        (funds.answer_withdrawal, cb.WithdrawalAnswer),
    ):
        application.add_handler(CallbackQueryHandler(step, pattern=cb.accepts(data)))
    application.add_handler(CommandHandler("cancel", customer.cancel))
    application.add_handler(CommandHandler("help", commands.show_help))


def install_catch_alls(application: BotApplication) -> None:
    """The last handlers of group 0: an unreadable button, a stray message."""
    application.add_handler(CallbackQueryHandler(customer.stale_button))
    application.add_handler(MessageHandler(filters.UpdateType.MESSAGE, customer.not_understood))
