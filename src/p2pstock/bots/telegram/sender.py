"""Telegram messages from the outbox: the dispatcher's ``MessageSender`` for ``Channel.TELEGRAM``.

The recipient is the customer's Telegram user id as text. A refusal that retrying cannot cure (the user
blocked the bot, the chat does not exist) raises ``DeliveryRejected`` and the notification is given up;
flood control, timeouts and network trouble raise ``TelegramUnavailable``, which the dispatcher retries
(after the wait Telegram asked for, when it said). No error carries the message's text.
"""

from __future__ import annotations

import warnings
from datetime import timedelta

from telegram import Bot
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.warnings import PTBDeprecationWarning

from p2pstock.core.sms import DeliveryRejected, SmsUnavailable


class TelegramRejected(DeliveryRejected):
    """Telegram refused this message for good; it is not tried again."""


class TelegramUnavailable(SmsUnavailable):
    """Telegram could not take the message now; ``retry_after`` seconds when it said how long to wait."""


class TelegramSender:
    """Sends notification texts through ``bot`` (plain text, no markup)."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    def __repr__(self) -> str:
        return "TelegramSender()"  # the bot holds the token

    async def send(self, recipient: str, text: str) -> str:
        """Send ``text`` to the Telegram user ``recipient``; the message id Telegram gave it."""
        if not (recipient.isascii() and recipient.isdigit()):
            raise TelegramRejected("a Telegram recipient must be a user id")
        chat_id = int(recipient)
        try:
            message = await self.bot.send_message(chat_id=chat_id, text=text)
        except (Forbidden, BadRequest, ChatMigrated) as error:
            raise TelegramRejected(f"telegram refused the message ({type(error).__name__})") from None
        except RetryAfter as error:
            seconds = _seconds(error)
            raise TelegramUnavailable(f"telegram asked to wait {seconds} s", retry_after=seconds) from None
        except NetworkError as error:  # TimedOut included
            raise TelegramUnavailable(f"telegram unreachable ({type(error).__name__})") from None
        except TelegramError as error:
            raise TelegramUnavailable(f"telegram failed ({type(error).__name__})") from None
        return str(message.message_id)


def _seconds(error: RetryAfter) -> int:
    with warnings.catch_warnings():  # an int until PTB_TIMEDELTA is the default; either is read
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        wait = error.retry_after
    seconds = wait.total_seconds() if isinstance(wait, timedelta) else wait
    return max(1, int(seconds))
