"""What every handler shares: the application that carries the services, the typed context, and small
helpers for the five steps of a handler (parse, call off the event loop, map errors, reply)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any, NoReturn, ParamSpec, TypeVar

from telegram import CallbackQuery, Message, Update, User
from telegram.error import BadRequest
from telegram.ext import Application, ApplicationHandlerStop, CallbackContext, ConversationHandler, ExtBot

from p2pstock.bots.telegram.errors import error_text
from p2pstock.bots.telegram.persistence import UiStatePersistence
from p2pstock.bots.telegram.services import BotServices
from p2pstock.bots.telegram.texts import language_from_telegram, text
from p2pstock.core.backoffice import CHAT_LANGUAGE
from p2pstock.core.errors import P2PStockError
from p2pstock.core.people.customers import Customer
from p2pstock.core.people.permissions import Administrator

P = ParamSpec("P")
T = TypeVar("T")
Data = dict[Any, Any]


class BotContext(CallbackContext[ExtBot[None], Data, Data, Data]):
    """The context handlers receive; ``services`` are the core services the bot was built with."""

    @property
    def services(self) -> BotServices:
        application = self.application
        if not isinstance(application, BotApplication):
            raise TypeError("the bot's handlers run only in an application built by build_application")
        return application.services

    @property
    def user_state(self) -> Data:
        """The UI state of the user behind the update (``user_data``; persisted as JSON)."""
        if self.user_data is None:
            raise ValueError("this update has no user")
        return self.user_data


class BotApplication(Application[ExtBot[None], BotContext, Data, Data, Data, None]):
    """An ``Application`` holding the bot's ``BotServices`` (built by ``ApplicationBuilder``)."""

    __slots__ = ("services",)

    def __init__(self, *, services: BotServices, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.services = services

    async def process_update(self, update: object) -> None:
        """Handle ``update``; with the state kept in the platform storage, in its chat's turn, on the
        chat's stored state (``UiStatePersistence.turn``), so that any of the bot's processes may take it."""
        persistence = self.persistence
        if isinstance(persistence, UiStatePersistence) and isinstance(update, Update):
            async with persistence.turn(self, update):
                await super().process_update(update)
        else:
            await super().process_update(update)


async def call(function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """A synchronous service call, run off the event loop."""
    return await asyncio.to_thread(function, *args, **kwargs)


async def attempt(
    update: Update,
    context: BotContext,
    lang: str,
    function: Callable[P, T],
    /,
    *args: P.args,
    **kwargs: P.kwargs,
) -> T:
    """``call``, and should core refuse, the refusal told to the user in ``lang`` and this step ended (the
    conversation's END): a handler reads as its way through, its one way out said once here."""
    try:
        return await call(function, *args, **kwargs)
    except P2PStockError as error:
        await tell_error(update, context, error, lang)
        handled(ConversationHandler.END)


def user_of(update: Update) -> User:
    user = update.effective_user
    if user is None:
        raise ValueError("this update has no user")
    return user


def chat_id_of(update: Update) -> int:
    chat = update.effective_chat
    return chat.id if chat is not None else user_of(update).id


def message_of(update: Update) -> Message:
    message = update.effective_message
    if message is None:
        raise ValueError("this update has no message")
    return message


def query_of(update: Update) -> CallbackQuery:
    query = update.callback_query
    if query is None:
        raise ValueError("this update is not a button press")
    return query


async def customer_of(update: Update, context: BotContext, *, open_wallet: bool = False) -> Customer:
    """The customer behind the update; a Telegram user seen for the first time is registered (in the
    language of their Telegram app) and gets a wallet; with ``open_wallet``, a known customer's wallet is
    opened too (if it is open, nothing changes). One hand-off to a worker thread."""
    user = user_of(update)
    language = language_from_telegram(user.language_code)
    return await call(_customer, context.services, user.id, language, open_wallet=open_wallet)


def _customer(services: BotServices, telegram_user_id: int, language: str, *, open_wallet: bool) -> Customer:
    customer = services.customers.by_telegram(telegram_user_id)
    if customer is None:  # registered with their wallet in one transaction
        wallet = services.wallets.open_in
        return services.customers.register(telegram_user_id=telegram_user_id, language=language, also=wallet)
    if open_wallet:
        services.wallets.open(customer.id)
    return customer


async def administrator_of(update: Update, context: BotContext) -> tuple[Administrator, str] | None:
    """The active administrator using this Telegram account and the language to answer in, or None (one
    hand-off to a worker thread)."""
    user = user_of(update)
    return await call(_administrator, context.services, user.id, language_from_telegram(user.language_code))


def _administrator(
    services: BotServices, user_id: int, app_language: str
) -> tuple[Administrator, str] | None:
    admin = services.staff.by_telegram(user_id)
    if admin is None or not admin.active:
        return None
    customer = services.customers.by_telegram(user_id)
    language = customer.language if customer else app_language
    key = f"{CHAT_LANGUAGE}{user_id}"  # staff notices follow the language the bot answers them in
    if services.ui_state.get(key) != language:
        services.ui_state.put(key, language)
    return admin, language


def handled(state: object = None) -> NoReturn:
    """Handled here: the handlers of later groups do not see this update; ``state`` is the next state of
    the conversation raising it."""
    raise ApplicationHandlerStop(state)


MESSAGE_CHARS = 3500
"""The longest message the bot writes from lines (Telegram takes 4,096 characters at most)."""


def chunks(lines: list[str]) -> list[str]:
    """``lines`` joined into messages of at most ``MESSAGE_CHARS`` characters (a line is never split)."""
    joined: list[str] = []
    for line in lines:
        if joined and len(joined[-1]) + 1 + len(line) <= MESSAGE_CHARS:
            joined[-1] += "\n" + line
        else:
            joined.append(line)
    return joined


async def say(update: Update, context: BotContext, message: str, markup: Any = None) -> Message:
    """Send ``message`` (plain text) to the update's chat."""
    return await context.bot.send_message(chat_id=chat_id_of(update), text=message, reply_markup=markup)


async def ended(update: Update, context: BotContext, message: str, markup: Any = None) -> int:
    """``say`` the last word of this step: the conversation's END."""
    await say(update, context, message, markup)
    return ConversationHandler.END


async def edit(update: Update, message: str, markup: Any = None) -> None:
    """Replace the text of the message whose button was pressed (a double tap changes nothing)."""
    try:
        await query_of(update).edit_message_text(text=message, reply_markup=markup)
    except BadRequest as error:
        if "not modified" not in str(error).lower():
            raise


async def drop_buttons(update: Update) -> None:
    """Take the buttons off the message whose button was pressed (a double tap finds them gone)."""
    with contextlib.suppress(BadRequest):
        await query_of(update).edit_message_reply_markup(reply_markup=None)


async def tell_error(update: Update, context: BotContext, error: P2PStockError, lang: str) -> None:
    """Tell the user what went wrong, through the one error table."""
    await say(update, context, error_text(error, lang))


async def outdated(update: Update, lang: str) -> None:
    """Answer a button press the bot cannot act on, and do nothing else."""
    await query_of(update).answer(text("outdated", lang))
