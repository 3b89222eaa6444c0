"""The platform's time as people read it: in its time zone (the ledger's), whatever the server's."""

from __future__ import annotations

from datetime import date, tzinfo

from p2pstock.bots.telegram.context import BotContext
from p2pstock.core.clock import from_micros


def local_time(micros: int, zone: tzinfo) -> str:
    """A moment to the minute in ``zone``: "2026-03-02 10:00"."""
    return f"{from_micros(micros).astimezone(zone):%Y-%m-%d %H:%M}"


def today(context: BotContext) -> date:
    """The platform's date now."""
    ledger = context.services.ledger
    return ledger.clock.now().astimezone(ledger.timezone).date()
