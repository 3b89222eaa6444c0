"""Telegram notifications from the outbox: ``TelegramSender`` maps the Bot API's answers to what the
dispatcher understands — sent, refused for good, or try again later."""

from __future__ import annotations

import asyncio

import pytest
from bot_harness import BAD_GATEWAY, CHAT_NOT_FOUND, FLOOD, FORBIDDEN, TOKEN, RecordingRequest
from telegram import Bot
from telegram.error import TimedOut

from p2pstock.bootstrap import App
from p2pstock.bots.telegram import TelegramRejected, TelegramSender, TelegramUnavailable
from p2pstock.core.dispatch import Dispatcher
from p2pstock.core.money import Money
from p2pstock.core.notifications import Channel, DeliveryStatus
from p2pstock.core.sms import DeliveryRejected, SmsUnavailable

TEXT = "您的验证码是 123456"


async def send(request: RecordingRequest, recipient: str = "1001") -> str:
    async with Bot(TOKEN, request=request, get_updates_request=request) as bot:
        return await TelegramSender(bot).send(recipient, TEXT)


def test_a_message_is_sent_to_the_user_id_as_plain_text_and_its_id_returned() -> None:
    request = RecordingRequest()
    message_id = asyncio.run(send(request))
    assert request.of("sendMessage") == [{"chat_id": 1001, "text": TEXT}]
    assert message_id == "9001"


@pytest.mark.parametrize("failure", [FORBIDDEN, CHAT_NOT_FOUND], ids=["blocked", "no chat"])
def test_a_refusal_for_good_is_delivery_rejected_without_the_text(
    failure: tuple[int, dict[str, object]],
) -> None:
    request = RecordingRequest()
    request.fail_next("sendMessage", failure)
    with pytest.raises(TelegramRejected) as caught:
        asyncio.run(send(request))
    assert isinstance(caught.value, DeliveryRejected)
    assert "123456" not in str(caught.value)
    assert caught.value.__cause__ is None


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # PTB's own message
def test_flood_control_is_retried_after_the_wait_telegram_asked_for() -> None:
    request = RecordingRequest()
    request.fail_next("sendMessage", FLOOD)
    with pytest.raises(TelegramUnavailable) as caught:
        asyncio.run(send(request))
    assert isinstance(caught.value, SmsUnavailable)
    assert not isinstance(caught.value, DeliveryRejected)
    assert caught.value.retry_after == 7


@pytest.mark.parametrize("failure", [BAD_GATEWAY, TimedOut()], ids=["bad gateway", "timed out"])
def test_network_trouble_is_retried(failure: object) -> None:
    request = RecordingRequest()
    request.fail_next("sendMessage", failure)  # type: ignore[arg-type]
    with pytest.raises(TelegramUnavailable) as caught:
        asyncio.run(send(request))
    assert caught.value.retry_after is None
    assert "123456" not in str(caught.value)


def test_a_recipient_that_is_not_a_user_id_is_rejected_without_calling_telegram() -> None:
    request = RecordingRequest()
    with pytest.raises(TelegramRejected):
        asyncio.run(send(request, "+8613812345678"))
    assert request.of("sendMessage") == []


def test_the_sender_hides_the_token_in_its_repr() -> None:
    assert TOKEN not in repr(TelegramSender(Bot(TOKEN)))


def test_the_dispatcher_delivers_through_the_sender_and_gives_up_on_a_blocked_user(app: App) -> None:
    alice = app.customers.register(telegram_user_id=1001)
    bob = app.customers.register(telegram_user_id=2002)
    for customer in (alice, bob):
        app.wallets.confirm_deposit(
            customer.id, gateway="bank", transaction_id=f"T-{customer.id}", amount=Money.parse("10")
        )
    request = RecordingRequest()

    async def deliver() -> None:
        async with Bot(TOKEN, request=request, get_updates_request=request) as bot:
            request.blocked_by.add(1001)  # alice
            dispatcher = Dispatcher(app.office, {Channel.TELEGRAM: TelegramSender(bot)})
            report = await dispatcher.dispatch()
            assert (report.sent, report.failed) == (1, 1)

    asyncio.run(deliver())
    assert sorted(p["chat_id"] for p in request.of("sendMessage")) == [1001, 2002]

    def last(recipient: str) -> DeliveryStatus:
        return app.office.read(lambda tx: tx.uow.outbox.of_recipient(recipient, 1))[0].status

    assert (last("1001"), last("2002")) == (DeliveryStatus.FAILED, DeliveryStatus.SENT)
