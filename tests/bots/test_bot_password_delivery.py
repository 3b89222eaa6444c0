"""The sub-account password through the bot counts as shown only once Telegram accepted the message: a send
the Bot API refused leaves it to be read again; once sent it cannot be read twice; two presses at once send
it once."""

from __future__ import annotations

import asyncio

import pytest
from bot_harness import BAD_GATEWAY, BotHarness, TelegramUser, play

from p2pstock.bootstrap import App
from services.allocation_world import SUB_ACCOUNT_PASSWORD, open_platform, running, verified_customer

ALICE = 7001
"""Alice's Telegram account (``allocation_world.verified_customer``)."""
SHOWN = "⚠️ This password is shown only this once."
REFUSED = (
    "The password can be shown once, after the sub-account is assigned. If you lost it, ask support to reset"
    " it at the broker."
)


@pytest.fixture
def allocation(app: App) -> str:
    open_platform(app)
    verified_customer(app)
    return running(app).id


def password_sends(bot: BotHarness, since: int = 0) -> list[dict[str, object]]:
    """The Bot API calls that carried the password (accepted or not)."""
    return [
        parameters
        for name, parameters in bot.request.since(since)
        if name == "sendMessage" and SUB_ACCOUNT_PASSWORD in str(parameters.get("text", ""))
    ]


def shown(app: App, allocation: str) -> bool:
    return app.allocations.get(allocation, customer_id="alice").password_shown


def test_a_password_telegram_refused_to_send_is_not_counted_as_shown_and_can_be_read_afterwards(
    app: App, allocation: str
) -> None:
    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        alice = bot.user(ALICE, language_code="en")
        bot.request.fail_next("sendMessage", BAD_GATEWAY)
        await bot.send(alice.presses(f"al:pw:{allocation}"))
        assert len(password_sends(bot)) == 1  # tried, and refused by the Bot API
        assert bot.request.last_text() == (
            "The password could not be sent, so it does not count as shown. Tap “Show the password”"
            " again in a moment."
        )
        assert not await asyncio.to_thread(shown, app, allocation)

        mark = bot.request.mark()
        await bot.send(alice.presses(f"al:pw:{allocation}"))
        [sent] = password_sends(bot, mark)
        assert sent["protect_content"] is True
        assert any(text.startswith(SHOWN) for text in bot.request.texts_since(mark))

        mark = bot.request.mark()
        await bot.send(alice.presses(f"al:pw:{allocation}"))
        assert password_sends(bot, mark) == []
        assert bot.request.texts_since(mark) == [REFUSED]

    play(app, scenario)
    assert shown(app, allocation)
    timeline = app.allocations.timeline(allocation, customer_id="alice")
    assert [event.kind for event in timeline.events].count("password_shown") == 1


def test_a_customer_who_blocked_the_bot_has_not_been_shown_the_password(app: App, allocation: str) -> None:
    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        alice = bot.user(ALICE, language_code="en")
        bot.request.blocked_by.add(ALICE)
        await bot.send(alice.presses(f"al:pw:{allocation}"))

    bot = play(app, scenario)
    assert len(password_sends(bot)) == 1
    assert not shown(app, allocation)
    assert app.allocations.password_to_send(allocation, customer_id="alice").password == SUB_ACCOUNT_PASSWORD


def test_two_presses_at_once_send_the_password_once(app: App, allocation: str) -> None:
    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        alice = bot.user(ALICE, language_code="en")
        first, second = alice.presses(f"al:pw:{allocation}"), alice.presses(f"al:pw:{allocation}")
        await asyncio.gather(bot.send(first), bot.send(second))

    bot = play(app, scenario)
    assert len(password_sends(bot)) == 1
    texts = bot.request.texts()
    assert (
        texts.count("The password is on its way; look for it in this chat in a moment.")
        + texts.count(REFUSED)
        == 1
    )
    assert shown(app, allocation)
