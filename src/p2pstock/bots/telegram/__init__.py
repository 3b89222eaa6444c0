"""The Telegram bot: customers register, verify their phone, identity and documents, see their wallet
and fund activity, deposit and withdraw; administrators review and approve, read the platform
statistics and manage roles.

The bot calls core services only (handed over as ``BotServices``), off the event loop; its memory is
the conversation state, kept in the platform storage (``UiStatePersistence``). ``TelegramSender``
delivers the outbox's Telegram notifications.
"""

from p2pstock.bots.telegram.application import build_application
from p2pstock.bots.telegram.persistence import UiStatePersistence
from p2pstock.bots.telegram.sender import TelegramRejected, TelegramSender, TelegramUnavailable
from p2pstock.bots.telegram.services import BotServices, DepositLinks, OfficeUiStore, UiStore

__all__ = [
    "BotServices",
    "DepositLinks",
    "OfficeUiStore",
    "TelegramRejected",
    "TelegramSender",
    "TelegramUnavailable",
    "UiStatePersistence",
    "UiStore",
    "build_application",
]
