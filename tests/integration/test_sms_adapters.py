"""The SMS senders against a small provider served on 127.0.0.1: answers map onto the right errors.

No test talks to anything but a local server started inside it; the api key and the text never leak.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from p2pstock.adapters.sms import ConsoleSmsSender, HttpSmsSender
from p2pstock.core.sms import SmsRejected, SmsSender, SmsUnavailable

KEY = "sk-test-very-secret-key"
PHONE = "+8613812345678"
TEXT = "Your p2pstock verification code is 493817."

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def send_via(handler: Handler, *, timeout: float = 10.0) -> tuple[str, list[dict[str, Any]]]:
    """Serve ``handler`` at ``POST /messages``, send one message, return the id and what the server saw."""
    seen: list[dict[str, Any]] = []

    async def recording(request: web.Request) -> web.StreamResponse:
        seen.append({"authorization": request.headers.get("Authorization"), "json": await request.json()})
        return await handler(request)

    async def main() -> str:
        app = web.Application()
        app.router.add_post("/messages", recording)
        async with TestServer(app, host="127.0.0.1") as server:
            sender = HttpSmsSender(str(server.make_url("")), KEY, timeout=timeout)
            return await sender.send(PHONE, TEXT)

    return asyncio.run(main()), seen


def raising(handler: Handler, error: type[Exception], *, timeout: float = 10.0) -> Any:
    with pytest.raises(error) as info:
        send_via(handler, timeout=timeout)
    assert KEY not in str(info.value)
    assert TEXT not in str(info.value)
    return info.value


def test_success_returns_the_id_and_sends_the_bearer_token_and_json() -> None:
    async def ok(_request: web.Request) -> web.Response:
        return web.json_response({"id": "msg-42"}, status=201)

    message_id, seen = send_via(ok)
    assert message_id == "msg-42"
    assert seen == [{"authorization": f"Bearer {KEY}", "json": {"to": PHONE, "text": TEXT}}]


def test_unprocessable_message_is_rejected_with_the_providers_error() -> None:
    async def bad_number(_request: web.Request) -> web.Response:
        return web.json_response({"error": "invalid phone number"}, status=422)

    error = raising(bad_number, SmsRejected)
    assert "invalid phone number" in str(error)


def test_a_long_provider_error_is_truncated() -> None:
    async def verbose(_request: web.Request) -> web.Response:
        return web.json_response({"error": "x" * 1000}, status=400)

    error = raising(verbose, SmsRejected)
    assert "x" * 200 in str(error)
    assert "x" * 201 not in str(error)


def test_bad_credentials_are_rejected_without_the_key() -> None:
    async def unauthorized(_request: web.Request) -> web.Response:
        return web.json_response({"error": f"bad key {KEY}"}, status=401)

    error = raising(unauthorized, SmsRejected)
    assert str(error) == "the SMS provider refused our credentials"


def test_rate_limit_is_unavailable_with_retry_after() -> None:
    async def limited(_request: web.Request) -> web.Response:
        return web.json_response({"error": "slow down"}, status=429, headers={"Retry-After": "30"})

    error = raising(limited, SmsUnavailable)
    assert error.retry_after == 30


def test_rate_limit_without_an_integer_retry_after() -> None:
    async def limited(_request: web.Request) -> web.Response:
        return web.Response(status=429, headers={"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"})

    error = raising(limited, SmsUnavailable)
    assert error.retry_after is None


def test_server_error_is_unavailable() -> None:
    async def down(_request: web.Request) -> web.Response:
        return web.Response(status=503, text="maintenance")

    error = raising(down, SmsUnavailable)
    assert error.retry_after is None


def test_success_without_an_id_is_unavailable() -> None:
    async def no_id(_request: web.Request) -> web.Response:
        return web.json_response({"status": "queued"})

    raising(no_id, SmsUnavailable)


def test_timeout_is_unavailable() -> None:
    async def slow(_request: web.Request) -> web.Response:
        await asyncio.sleep(2)
        return web.json_response({"id": "too-late"})

    raising(slow, SmsUnavailable, timeout=0.2)


def test_connection_refused_is_unavailable() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sender = HttpSmsSender(f"http://127.0.0.1:{port}", KEY, timeout=2)
    with pytest.raises(SmsUnavailable) as info:
        asyncio.run(sender.send(PHONE, TEXT))
    assert KEY not in str(info.value)


def test_repr_hides_the_key() -> None:
    sender = HttpSmsSender("http://127.0.0.1:1", KEY)
    assert KEY not in repr(sender)
    assert "127.0.0.1" in repr(sender)


def test_console_sender_logs_a_masked_number_and_never_the_text(caplog: pytest.LogCaptureFixture) -> None:
    console = ConsoleSmsSender()
    sender: SmsSender = console
    with caplog.at_level(logging.INFO, logger="p2pstock.adapters.sms"):
        first = asyncio.run(sender.send(PHONE, TEXT))
        second = asyncio.run(sender.send("+8613900001111", "hello"))
    assert (first, second) == ("console-1", "console-2")
    assert list(console.outbox) == [(PHONE, TEXT), ("+8613900001111", "hello")]
    messages = [record.getMessage() for record in caplog.records]
    assert f"SMS to ***5678: {len(TEXT)} characters" in messages
    assert all(TEXT not in m and "493817" not in m and PHONE not in m for m in messages)
    assert all(record.levelno == logging.INFO for record in caplog.records)


def test_console_sender_prints_nothing_and_keeps_only_the_last_messages_in_memory(
    capsys: pytest.CaptureFixture[str],
) -> None:
    console = ConsoleSmsSender()
    for n in range(ConsoleSmsSender.KEEP + 5):
        asyncio.run(console.send(PHONE, f"code {n:06}"))

    printed = capsys.readouterr()
    assert "code 0" not in printed.out + printed.err
    assert len(console.outbox) == ConsoleSmsSender.KEEP
    assert console.outbox[0] == (PHONE, "code 000005")
    assert console.outbox[-1] == (PHONE, f"code {ConsoleSmsSender.KEEP + 4:06}")
