"""The sub-account password of a running allocation, shown to its customer once.

It is sent with ``protect_content`` and kept out of the logs: PTB logs the parameters of every Bot API
call at DEBUG, so the send runs under a filter that blanks any record holding the password. It counts as
shown only once Telegram accepted the message (core's ``password_to_send`` / ``password_sent``): a send
Telegram refused is released at once, and a second press while it is on its way is told to wait.
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Iterator

from telegram import Update
from telegram.error import TelegramError

from p2pstock.bots.telegram.allocation_detail import show
from p2pstock.bots.telegram.context import BotContext, call, chat_id_of, ended, query_of, say, tell_error
from p2pstock.bots.telegram.press import Press
from p2pstock.bots.telegram.texts import text
from p2pstock.bots.telegram.typed import END
from p2pstock.core.allocation.password import PasswordOnItsWay
from p2pstock.core.errors import P2PStockError, Refused

log = logging.getLogger(__name__)
_SECRET_LOGGERS = ("telegram.Bot", "telegram.ext.ExtBot", "httpx", "httpcore")


async def password(update: Update, context: BotContext, press: Press) -> object:
    """The sub-account password, once: sent protected and never logged, counted as shown only once Telegram
    accepted the message (a refused send leaves it to be asked for again), then the advice to change it."""
    await query_of(update).answer()
    lang, customer_id = press.lang, press.customer.id
    allocations = context.services.allocations
    try:
        allocation = await call(allocations.get, press.subject, customer_id=customer_id)
        delivery = await call(allocations.password_to_send, press.subject, customer_id=customer_id)
    except PasswordOnItsWay:
        return await ended(update, context, text("alloc.password.on_its_way", lang))
    except Refused:
        return await ended(update, context, text("alloc.password.refused", lang))
    except P2PStockError as error:
        await tell_error(update, context, error, lang)
        return END
    shown = {"id": allocation.id, "sub_account": allocation.sub_account, "password": delivery.password}
    message = text("alloc.password.show", lang, **shown)
    try:
        with unlogged(delivery.password):
            await context.bot.send_message(chat_id=chat_id_of(update), text=message, protect_content=True)
    except TelegramError as error:
        log.warning("the password of allocation %s was not sent (%s)", allocation.id, type(error).__name__)
        await call(allocations.password_not_sent, allocation.id, customer_id=customer_id, hold=delivery.hold)
        with contextlib.suppress(TelegramError):  # the chat may refuse this too (the bot was blocked)
            await say(update, context, text("alloc.password.not_sent", lang))
        return END
    await call(allocations.password_sent, allocation.id, customer_id=customer_id)
    await say(update, context, text("alloc.password.keep_safe", lang))
    await show(update, context, press.customer, allocation.id)
    return END


@contextlib.contextmanager
def unlogged(secret: str) -> Iterator[None]:
    """While inside, a log record of the Bot API client that holds ``secret`` is logged without it."""
    blank = _Blank(secret)
    loggers = [logging.getLogger(name) for name in _SECRET_LOGGERS]
    for logger in loggers:
        logger.addFilter(blank)
    try:
        yield
    finally:
        for logger in loggers:
            logger.removeFilter(blank)


class _Blank(logging.Filter):
    """Blanks a record that shows the secret as it is, or escaped as ``repr`` or JSON would show it."""

    def __init__(self, secret: str) -> None:
        super().__init__()
        escaped = secret.replace("\\", "\\\\")
        forms = {
            secret,
            escaped,
            escaped.replace("'", "\\'"),
            escaped.replace('"', '\\"'),
            repr(secret)[1:-1],
            json.dumps(secret)[1:-1],
            json.dumps(secret, ensure_ascii=False)[1:-1],
        }
        self._forms = tuple(form for form in forms if form)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            shown = record.getMessage()
        except (TypeError, ValueError):
            shown = f"{record.msg} {record.args}"
        if any(form in shown for form in self._forms):
            record.msg, record.args = "[a message with a secret, not logged]", None
        return True
