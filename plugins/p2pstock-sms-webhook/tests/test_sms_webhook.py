"""The webhook SMS plugin against a gateway served on 127.0.0.1: signed requests, mapped answers, and
discovery through its installed entry point.

No test talks to anything but a local server started inside it; the secret and the text never leak.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import importlib.metadata
import json
import socket
import time
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

import p2pstock_sms_webhook
from p2pstock.config import Settings
from p2pstock.core.errors import InvalidInput
from p2pstock.core.sms import SmsRejected, SmsSender, SmsUnavailable
from p2pstock.plugin import build_plugin_manager, sms_providers, sms_sender
from p2pstock_sms_webhook import WebhookSmsSender, verify, webhook_sender

SECRET = "whsec-test-very-secret"
PHONE = "+8613812345678"
TEXT = "Your p2pstock verification code is 493817."

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class Gateway:
    """What the in-house gateway saw: one dict per request, with its own verdict on the signature."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.seen: list[dict[str, Any]] = []

    async def receive(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        timestamp = request.headers.get("X-P2PStock-Timestamp", "")
        signature = request.headers.get("X-P2PStock-Signature", "")
        expected = hmac.new(SECRET.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
        self.seen.append(
            {
                "json": json.loads(body),
                "content_type": request.content_type,
                "timestamp": int(timestamp),
                "signature_ok": hmac.compare_digest(expected, signature),
            }
        )
        return await self.handler(request)


async def serving(gateway: Gateway, send: Callable[[str], Awaitable[str]]) -> str:
    app = web.Application()
    app.router.add_post("/sms", gateway.receive)
    async with TestServer(app, host="127.0.0.1") as server:
        return await send(str(server.make_url("/sms")))


def send_via(handler: Handler, *, timeout: float = 10.0) -> tuple[str, list[dict[str, Any]]]:
    """Serve ``handler`` as the gateway, send one message, return the id and what the gateway saw."""
    gateway = Gateway(handler)

    async def send(url: str) -> str:
        sender: SmsSender = WebhookSmsSender(url, SECRET, timeout=timeout)
        return await sender.send(PHONE, TEXT)

    return asyncio.run(serving(gateway, send)), gateway.seen


def raising(handler: Handler, error: type[Exception], *, timeout: float = 10.0) -> Any:
    with pytest.raises(error) as info:
        send_via(handler, timeout=timeout)
    assert SECRET not in str(info.value)
    assert TEXT not in str(info.value)
    return info.value


async def accepted(_request: web.Request) -> web.Response:
    return web.json_response({"id": "gw-7"})


# -- the request


def test_the_gateway_receives_the_json_and_a_signature_it_can_verify() -> None:
    before = int(time.time())
    message_id, seen = send_via(accepted)
    assert message_id == "gw-7"
    [request] = seen
    assert request["json"] == {"to": PHONE, "text": TEXT}
    assert request["content_type"] == "application/json"
    assert request["signature_ok"]
    assert before <= request["timestamp"] <= int(time.time())


def test_the_verify_helper_accepts_a_fresh_signature_and_refuses_tampering_and_replays() -> None:
    sender = WebhookSmsSender("http://127.0.0.1:1/sms", SECRET, clock=lambda: 1_795_509_015.7)
    body, headers = sender.signed(PHONE, TEXT)
    timestamp, signature = headers["X-P2PStock-Timestamp"], headers["X-P2PStock-Signature"]
    assert timestamp == "1795509015"
    assert verify(SECRET, timestamp, body, signature, now=1_795_509_030)
    assert not verify(SECRET, timestamp, body.replace(b"493817", b"000000"), signature, now=1_795_509_030)
    assert not verify("another-secret", timestamp, body, signature, now=1_795_509_030)
    assert not verify(SECRET, timestamp, body, signature, now=1_795_509_015 + 301)
    assert not verify(SECRET, "not-a-time", body, signature)


def test_a_numeric_id_is_returned_as_text() -> None:
    async def numbered(_request: web.Request) -> web.Response:
        return web.json_response({"id": 42}, status=202)

    assert send_via(numbered)[0] == "42"


# -- the answers


def test_a_refused_message_is_rejected_with_the_gateways_reason() -> None:
    async def bad_number(_request: web.Request) -> web.Response:
        return web.json_response({"error": "invalid phone number"}, status=422)

    error = raising(bad_number, SmsRejected)
    assert "invalid phone number" in str(error)


def test_a_refused_signature_is_rejected_without_the_secret() -> None:
    async def unauthorized(_request: web.Request) -> web.Response:
        return web.json_response({"error": f"bad secret {SECRET}"}, status=401)

    error = raising(unauthorized, SmsRejected)
    assert str(error) == "the SMS webhook refused our signature"


def test_a_reason_quoting_the_secret_is_not_repeated() -> None:
    async def echoing(_request: web.Request) -> web.Response:
        return web.json_response({"error": f"unknown key {SECRET}"}, status=400)

    error = raising(echoing, SmsRejected)
    assert str(error) == "the SMS webhook refused the message: HTTP 400"


def test_a_rate_limit_is_unavailable_with_its_retry_after() -> None:
    async def limited(_request: web.Request) -> web.Response:
        return web.json_response({"error": "slow down"}, status=429, headers={"Retry-After": "30"})

    error = raising(limited, SmsUnavailable)
    assert error.retry_after == 30


def test_a_rate_limit_without_seconds_is_unavailable_without_retry_after() -> None:
    async def limited(_request: web.Request) -> web.Response:
        return web.Response(status=429, headers={"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"})

    assert raising(limited, SmsUnavailable).retry_after is None


def test_a_server_error_is_unavailable_and_keeps_a_retry_after() -> None:
    async def down(_request: web.Request) -> web.Response:
        return web.Response(status=503, text="maintenance", headers={"Retry-After": "5"})

    assert raising(down, SmsUnavailable).retry_after == 5


def test_a_success_without_an_id_is_unavailable() -> None:
    async def no_id(_request: web.Request) -> web.Response:
        return web.json_response({"status": "queued"})

    raising(no_id, SmsUnavailable)


def test_a_redirect_is_not_followed() -> None:
    async def moved(_request: web.Request) -> web.Response:
        raise web.HTTPFound("http://127.0.0.1:1/elsewhere")

    error = raising(moved, SmsUnavailable)
    assert "HTTP 302" in str(error)


def test_a_timeout_is_unavailable() -> None:
    async def slow(_request: web.Request) -> web.Response:
        await asyncio.sleep(2)
        return web.json_response({"id": "too-late"})

    raising(slow, SmsUnavailable, timeout=0.2)


def test_a_refused_connection_is_unavailable() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sender = WebhookSmsSender(f"http://127.0.0.1:{port}/sms", SECRET, timeout=2)
    with pytest.raises(SmsUnavailable) as info:
        asyncio.run(sender.send(PHONE, TEXT))
    assert SECRET not in str(info.value)


# -- settings


def test_the_factory_reads_its_two_variables_from_the_environ_it_is_given() -> None:
    environ = {"P2PSTOCK_SMS_WEBHOOK_URL": "https://sms.internal/send", "P2PSTOCK_SMS_WEBHOOK_SECRET": SECRET}
    sender = webhook_sender(Settings(), environ)
    assert sender.url == "https://sms.internal/send"
    assert SECRET not in repr(sender)


def test_missing_variables_are_named_and_the_secret_never_shown() -> None:
    with pytest.raises(InvalidInput, match="P2PSTOCK_SMS_WEBHOOK_URL") as info:
        webhook_sender(Settings(), {"P2PSTOCK_SMS_WEBHOOK_SECRET": SECRET})
    assert SECRET not in str(info.value)
    with pytest.raises(InvalidInput, match="P2PSTOCK_SMS_WEBHOOK_SECRET"):
        webhook_sender(Settings(), {"P2PSTOCK_SMS_WEBHOOK_URL": "https://sms.internal/send"})


def test_only_http_and_https_addresses_are_accepted() -> None:
    environ = {"P2PSTOCK_SMS_WEBHOOK_URL": "ftp://sms.internal/send", "P2PSTOCK_SMS_WEBHOOK_SECRET": SECRET}
    with pytest.raises(InvalidInput, match="http:// or https://"):
        webhook_sender(Settings(), environ)


def test_the_repr_hides_the_secret_and_any_password_in_the_url() -> None:
    sender = WebhookSmsSender("https://user:url-password@sms.internal/send", SECRET)
    assert SECRET not in repr(sender)
    assert "url-password" not in repr(sender)
    assert "sms.internal" in repr(sender)


# -- discovery


def test_the_plugin_is_installed_under_the_p2pstock_entry_point_group() -> None:
    entry_points = {ep.name: ep.value for ep in importlib.metadata.entry_points(group="p2pstock")}
    assert entry_points.get("webhook") == "p2pstock_sms_webhook"


def test_the_plugin_manager_finds_the_installed_plugin_and_sends_through_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pm = build_plugin_manager(Settings())
    assert pm.get_plugin("webhook") is p2pstock_sms_webhook
    assert sms_providers(pm)["webhook"] is webhook_sender
    gateway = Gateway(accepted)

    async def send(url: str) -> str:
        monkeypatch.setenv("P2PSTOCK_SMS_WEBHOOK_URL", url)
        monkeypatch.setenv("P2PSTOCK_SMS_WEBHOOK_SECRET", SECRET)
        sender = sms_sender(pm, Settings(sms_provider="webhook"))
        assert isinstance(sender, WebhookSmsSender)
        return await sender.send(PHONE, TEXT)

    assert asyncio.run(serving(gateway, send)) == "gw-7"
    assert [(seen["json"], seen["signature_ok"]) for seen in gateway.seen] == [
        ({"to": PHONE, "text": TEXT}, True)
    ]


def test_a_disabled_plugin_disappears() -> None:
    pm = build_plugin_manager(Settings(disabled_plugins=("webhook",)))
    assert pm.get_plugin("webhook") is None
    assert pm.is_blocked("webhook")
    assert "webhook" not in sms_providers(pm)
    with pytest.raises(InvalidInput, match="unknown SMS provider 'webhook'"):
        sms_sender(pm, Settings(sms_provider="webhook", disabled_plugins=("webhook",)))


def test_the_environment_variable_disables_it_too() -> None:
    settings = Settings.from_env({"P2PSTOCK_DISABLED_PLUGINS": "webhook", "P2PSTOCK_SMS_PROVIDER": "webhook"})
    pm = build_plugin_manager(settings)
    assert "webhook" not in sms_providers(pm)
    assert sorted(sms_providers(pm)) == ["console", "http", "smtp"]
