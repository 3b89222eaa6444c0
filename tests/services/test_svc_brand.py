"""Customers read the platform's own name, and every text message carries the signature its carrier
requires (【签名】), from the settings rather than a name written into the code."""

from __future__ import annotations

import pytest

from p2pstock.bootstrap import App
from p2pstock.config import Settings
from p2pstock.core.notifications import Channel

PHONE = "+8613800138000"


@pytest.fixture
def branded(app: App) -> App:
    app.office.brand = "鑫盛配资"
    app.office.sms_signature = "鑫盛"
    return app


def outbox(app: App, recipient: str) -> list[str]:
    return [n.text for n in app.office.read(lambda tx: tx.uow.outbox.of_recipient(recipient, 10))]


def test_a_verification_code_names_the_platform_and_starts_with_its_signature(branded: App) -> None:
    customer = branded.customers.register(customer_id="alice", language="zh")
    branded.customers.request_phone_code(customer.id, PHONE)
    [text] = outbox(branded, PHONE)
    assert text.startswith("【鑫盛】您的 鑫盛配资 验证码是 ")


def test_a_telegram_message_carries_no_sms_signature(branded: App) -> None:
    branded.office.run(
        lambda tx: tx.notify(Channel.TELEGRAM, "4242", "phone.code", "en", code="123456", minutes=5)
    )
    [text] = outbox(branded, "4242")
    assert text == "Your 鑫盛配资 verification code is 123456. It expires in 5 minutes."


def test_without_a_brand_or_signature_the_texts_read_as_before(app: App) -> None:
    customer = app.customers.register(customer_id="bob", language="en")
    app.customers.request_phone_code(customer.id, PHONE)
    [text] = outbox(app, PHONE)
    assert text.startswith("Your p2pstock verification code is ")


def test_the_settings_take_the_signature_with_or_without_its_brackets() -> None:
    settings = Settings.from_env({"P2PSTOCK_BRAND": " 鑫盛配资 ", "P2PSTOCK_SMS_SIGNATURE": "【鑫盛】"})
    assert (settings.brand, settings.sms_signature) == ("鑫盛配资", "鑫盛")
    assert Settings.from_env({"P2PSTOCK_SMS_SIGNATURE": "鑫盛"}).sms_signature == "鑫盛"
    assert Settings.from_env({}).brand == "p2pstock"
