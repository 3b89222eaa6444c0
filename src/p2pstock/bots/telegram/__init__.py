"""The Telegram bot: customers register, verify their phone, identity and documents, see their wallet
and fund activity, deposit and withdraw, apply for and follow allocations, invest and borrow;
administrators review and approve, monitor and settle allocations, decide loans, run the back office and
manage roles.

The bot calls core services only (handed over as ``BotServices``), off the event loop; its memory is
the conversation state, kept in the platform storage (``UiStatePersistence``). ``TelegramSender``
delivers the outbox's Telegram notifications.

The kit every handler is written with:

- ``context``: the typed context, ``call`` / ``attempt`` (a service call off the event loop; a refusal
  told in the reader's language, by its code, through ``errors``), ``say`` / ``edit``, ``chunks``;
- ``press``: one ``Press`` per button (a customer or an administrator, their language, the subject) and
  one step signature ``(update, context, press)``; a module's buttons are a table verb → step;
- ``typed``: every step that waits for typing — a customer's or an administrator's — declared as data
  (``TypedStep``: state, key, parser, what follows), from which both conversations' states are built;
  ``admin_steps``: an administrator's desk (its buttons, permission and typed steps) and one dispatch;
  ``admin_views``: the queues, lines and decision buttons an administrator is shown;
- ``pages``: one pager for every list; ``platform_time``: times and dates in the platform's zone;
- ``confirming``: one pending confirmation per step, one in-flight guard, one request id for core, one
  ✅ / ✖️ keyboard;
- ``texts`` and the ``*_texts`` tables (``bilingual.both``): every text in Chinese and English; enum
  values by their names in ``core.names``.

Handlers by concept and audience: onboarding, customer (wallet, statement, language), funds;
allocation_apply / allocation_detail / allocation_requests / allocation_password / allocation_timeline
(the customer's allocations; the timeline and chart for customers and staff alike); lending_hall /
lending_borrowing / lending_mine; admin (the desks' menu and dispatch), admin_review (queues),
staff_roles / staff_appointments, allocation_admin / allocation_review / allocation_account /
allocation_monitoring, lending_admin, payments_admin, admin_calendar / admin_products / admin_capital.
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
