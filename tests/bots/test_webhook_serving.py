"""The bot behind the web server's webhook, as ``p2pstock serve`` wires it: Telegram's POST with the right
secret reaches the real bot, which answers through the Bot API; without the secret nothing reaches it."""

from __future__ import annotations

import json
from typing import Any

import attrs
import pytest
from aiohttp.test_utils import TestClient, TestServer
from bot_harness import TOKEN, RecordingRequest, TelegramUser
from telegram import Bot

from p2pstock import serving
from p2pstock.bootstrap import App
from p2pstock.bots.telegram.local_api import LocalBotApi
from p2pstock.core.errors import InvalidInput
from p2pstock.core.notifications import Channel

pytestmark = pytest.mark.anyio
SECRET = "webhook-secret-1"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def served(app: App) -> App:
    settings = attrs.evolve(app.settings, telegram_token=TOKEN, webhook_secret=SECRET)
    return attrs.evolve(app, settings=settings)


async def post_update(client: TestClient[Any, Any], update: dict[str, Any], secret: str | None) -> int:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    response = await client.post("/telegram", data=json.dumps(update), headers=headers)
    return response.status


async def test_a_start_through_the_webhook_registers_the_user_and_the_bot_answers(served: App) -> None:
    request = RecordingRequest()
    bot = serving.telegram_bot(served, request=request)
    await bot.initialize()
    user = TelegramUser(bot.bot, id=5005)
    async with TestClient(TestServer(serving.web_app(served, bot))) as client:
        assert await post_update(client, user.command("/start").to_dict(), None) == 403
        assert served.customers.by_telegram(5005) is None

        assert await post_update(client, user.command("/start").to_dict(), SECRET) == 200

    await bot.shutdown()
    assert served.customers.by_telegram(5005) is not None
    assert any(method == "sendMessage" and params.get("chat_id") == 5005 for method, params in request.calls)
    assert isinstance(served.dispatcher.senders[Channel.TELEGRAM], serving.TelegramSender)


async def test_the_health_check_answers_from_the_database(served: App) -> None:
    async with TestClient(TestServer(serving.web_app(served, None))) as client:
        response = await client.get("/healthz")
        assert (response.status, await response.json()) == (200, {"database": "ok"})
        assert await post_update(client, {"update_id": 1}, SECRET) == 404  # no bot behind this server


async def test_the_server_registers_the_webhook_with_its_secret_and_stops_the_bot_on_shutdown(
    served: App,
) -> None:
    api = LocalBotApi()
    async with TestClient(TestServer(serving.server(served, request=api))) as client:
        (webhook,) = [params for method, params in api.calls if method == "setWebhook"]
        assert webhook["url"] == f"{served.settings.public_url}/telegram"
        assert webhook["secret_token"] == SECRET
        menus = [params.get("language_code") for method, params in api.calls if method == "setMyCommands"]
        assert menus == ["zh", "en", None]  # the command menu, as the polling bot registers it
        user = TelegramUser(Bot(TOKEN), id=6006)
        assert await post_update(client, user.command("/start").to_dict(), SECRET) == 200

    assert served.customers.by_telegram(6006) is not None


async def test_an_update_the_bot_cannot_parse_is_a_bad_request_not_a_server_error(served: App) -> None:
    bot = serving.telegram_bot(served, request=RecordingRequest())
    await bot.initialize()
    unparseable = {"update_id": 9, "message": {"message_id": 1, "text": "/start"}}  # no date, no chat
    async with TestClient(TestServer(serving.web_app(served, bot))) as client:
        assert await post_update(client, unparseable, SECRET) == 400
    await bot.shutdown()


def test_a_bot_token_without_a_webhook_secret_is_refused(app: App) -> None:
    settings = attrs.evolve(app.settings, telegram_token=TOKEN, webhook_secret="")

    with pytest.raises(InvalidInput, match="P2PSTOCK_WEBHOOK_SECRET"):
        serving.server(attrs.evolve(app, settings=settings))
