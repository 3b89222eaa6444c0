"""Building the bot: an ``Application`` wired with the customer's (and administrators') handlers, the
persistence of conversation state and an error handler. Nothing touches the network until the
application is initialised (``getMe``) or run.

::

    application = build_application(BotServices.of(app, payments=payments), token)
    application.run_polling()          # or feed updates from a webhook: application.process_update(...)
"""

from __future__ import annotations

import contextlib
import logging
import traceback

from telegram import BotCommand, Chat, Update
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationHandlerStop, ContextTypes, TypeHandler
from telegram.request import BaseRequest

from p2pstock.bots.telegram import admin, commands, conversation
from p2pstock.bots.telegram.context import BotApplication, BotContext, query_of, say
from p2pstock.bots.telegram.persistence import UiStatePersistence
from p2pstock.bots.telegram.services import BotServices
from p2pstock.bots.telegram.texts import LANGUAGES, language_from_telegram, text

log = logging.getLogger(__name__)

TELEGRAM_API_URL = "https://api.telegram.org"


def build_application(
    services: BotServices,
    token: str,
    *,
    request: BaseRequest | None = None,
    persistence: bool = True,
    api_url: str = TELEGRAM_API_URL,
) -> BotApplication:
    """The bot for ``token`` calling ``services``. ``request`` replaces the HTTP client (tests pass one
    that never touches the network); ``persistence`` keeps conversation state in the platform storage;
    ``api_url`` is the Bot API server (Telegram's, or a self-hosted ``telegram-bot-api``)."""
    builder = (
        Application.builder()
        .token(token)
        .base_url(f"{api_url}/bot")
        .base_file_url(f"{api_url}/file/bot")
        .application_class(BotApplication, {"services": services})
        .context_types(ContextTypes(context=BotContext))
        .job_queue(None)
        .post_init(describe_commands)
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    else:
        logging.getLogger("httpx").setLevel(logging.WARNING)  # its INFO lines carry the token in the URL
    if persistence:
        builder = builder.persistence(UiStatePersistence(services.ui_state))
    application = builder.build()
    if not isinstance(application, BotApplication):
        raise TypeError("the application builder ignored the application class")
    application.add_handler(TypeHandler(Update, private_chats_only), group=-100)
    admin.install(application, persistent=persistence)
    conversation.install(application, persistent=persistence)
    conversation.install_catch_alls(application)
    application.add_error_handler(report_error)
    return application


async def private_chats_only(update: Update, context: BotContext) -> None:
    """The bot talks with one person at a time: anything from a group, a channel or without a user is
    dropped here (a button press in a group is answered, and nothing else)."""
    chat, user = update.effective_chat, update.effective_user
    if user is not None and chat is not None and chat.type == Chat.PRIVATE:
        return
    if update.callback_query is not None:
        with contextlib.suppress(TelegramError):
            await update.callback_query.answer()
    raise ApplicationHandlerStop


async def report_error(update: object, context: BotContext) -> None:
    """Log what failed (the update id and the traceback, with the token blanked out; never the
    update's content) and tell the user something went wrong."""
    error = context.error
    token = context.bot.token
    trace = "".join(traceback.format_exception(error)) if error is not None else "no exception"
    update_id = update.update_id if isinstance(update, Update) else None
    log.error("update %s failed: %s", update_id, trace.replace(token, "<token>") if token else trace)
    if not isinstance(update, Update) or update.effective_user is None:
        return
    lang = language_from_telegram(update.effective_user.language_code)
    try:
        await say(update, context, text("error.generic", lang))
    except TelegramError as failure:
        log.warning(
            "could not tell the user about the failure of update %s: %s", update_id, type(failure).__name__
        )
    if update.callback_query is not None:
        with contextlib.suppress(TelegramError):  # the handler may have answered it before it failed
            await query_of(update).answer()


async def describe_commands(application: Application) -> None:  # type: ignore[type-arg]
    """The command list in each language Telegram's apps show (the application's ``post_init``, run by
    ``run_polling``; ``p2pstock serve`` runs it after ``initialize``)."""
    for lang in LANGUAGES:
        menu = [BotCommand(name, description) for name, description in commands.menu(lang)]
        await application.bot.set_my_commands(menu, language_code=lang)
    await application.bot.set_my_commands(
        [BotCommand(name, description) for name, description in commands.menu("en")]
    )
