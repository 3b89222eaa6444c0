"""Automatic renewal in the bot: 🔁 on a running allocation turns it on (⏹ off again), in the customer's
language, and an allocation overdue at expiry says by when it is to be settled."""

from __future__ import annotations

from datetime import date

import pytest
from bot_harness import BotHarness, TelegramUser, button_data, play
from test_bot_allocation_customer import platform, running, verified
from test_bot_lending_customer import last_message

from p2pstock.adapters.clock import ManualClock
from p2pstock.bootstrap import App
from p2pstock.bots.telegram.texts import text

__all__ = ["platform"]  # the fixture every test here uses


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_customer_turns_automatic_renewal_on_and_off(app: App, lang: str) -> None:
    verified(app, language=lang)
    allocation = running(app)
    seen: dict[str, object] = {}

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(user.presses(f"al:renew:on:{allocation.id}"))
        seen["on"] = last_message(bot)
        await bot.send(user.presses(f"al:renew:off:{allocation.id}"))
        seen["off"] = last_message(bot)

    play(app, scenario)
    on, off = seen["on"], seen["off"]
    assert isinstance(on, dict) and isinstance(off, dict)
    assert str(on["text"]).startswith(text("alloc.auto_renew.on", lang))
    assert text("alloc.detail.auto_renew", lang) in str(on["text"])
    assert f"al:renew:off:{allocation.id}" in button_data(on)
    assert str(off["text"]).startswith(text("alloc.auto_renew.off", lang))
    assert f"al:renew:on:{allocation.id}" in button_data(off)
    assert not app.allocations.get(allocation.id, customer_id="alice").auto_renew


def test_an_allocation_overdue_at_expiry_says_by_when_it_is_settled_in_chinese(
    app: App, clock: ManualClock
) -> None:
    verified(app, language="zh")
    allocation = running(app)  # five trading days from 5 January 2026
    clock.set(clock.now().replace(day=9, hour=8))  # 16:00 in Shanghai on the last day
    app.allocations.tell_term_ends(date(2026, 1, 9))

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(user.presses(f"al:show:{allocation.id}"))

    shown = last_message(play(app, scenario))
    expired = text("alloc.detail.expired", "zh", end="2026-01-09", settle_by="2026-01-13")  # two trading days
    assert expired in str(shown["text"])
    assert not any(data.startswith("al:renew") for data in button_data(shown))
