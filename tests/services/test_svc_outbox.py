"""Notifications leave through the outbox: written in the transaction of the change they report, sent by
the dispatcher afterwards, retried with backoff, and never sent for a change that was rolled back."""

from __future__ import annotations

import pytest

from p2pstock.adapters.clock import ManualClock
from p2pstock.bootstrap import App
from p2pstock.core.backoffice import Tx
from p2pstock.core.dispatch import Dispatcher, DispatchReport
from p2pstock.core.money import Money
from p2pstock.core.notifications import Channel, DeliveryStatus, Notification
from p2pstock.core.people.customers import Customer
from p2pstock.core.people.phone_codes import ResendTooSoon
from p2pstock.core.sms import SmsRejected, SmsUnavailable

PHONE = "+8613800138000"


def stored(app: App) -> list[Notification]:
    return app.office.read(lambda tx: tx.uow.outbox.of_recipient(PHONE, 50))


def sms(app: App) -> list[tuple[str, str]]:
    return app.dispatcher.senders[Channel.SMS].sent  # type: ignore[attr-defined,no-any-return]


def failing(app: App, *errors: BaseException) -> None:
    app.dispatcher.senders[Channel.SMS].fail_with.extend(errors)  # type: ignore[attr-defined]


def ask_for_code(app: App) -> None:
    customer = app.customers.register(customer_id="alice", language="en")
    app.customers.request_phone_code(customer.id, PHONE)


def test_a_notification_is_stored_with_the_change_and_sent_only_by_the_dispatcher(app: App) -> None:
    ask_for_code(app)

    assert [n.status for n in stored(app)] == [DeliveryStatus.PENDING]
    assert sms(app) == []
    assert app.dispatcher.dispatch_now() == DispatchReport(sent=1)
    assert [recipient for recipient, _ in sms(app)] == [PHONE]
    assert "Your p2pstock verification code is" in sms(app)[0][1]
    assert [n.status for n in stored(app)] == [DeliveryStatus.SENT]


def test_dispatching_again_sends_nothing_twice(app: App) -> None:
    ask_for_code(app)
    app.dispatcher.dispatch_now()

    assert app.dispatcher.dispatch_now() == DispatchReport()
    assert len(sms(app)) == 1


def test_a_refused_change_queues_nothing(app: App) -> None:
    ask_for_code(app)
    with pytest.raises(ResendTooSoon):
        app.customers.request_phone_code("alice", PHONE)

    assert len(stored(app)) == 1


def test_a_rolled_back_transaction_sends_nothing(app: App) -> None:
    class Boom(Exception):
        pass

    def notify_then_fail(tx: Tx) -> None:
        tx.notify(Channel.SMS, PHONE, "identity.verified", "en")
        raise Boom

    with pytest.raises(Boom):
        app.office.run(notify_then_fail)

    assert stored(app) == []
    assert app.dispatcher.dispatch_now() == DispatchReport()
    assert sms(app) == []


def test_an_unavailable_provider_is_tried_again_after_the_backoff(app: App, clock: ManualClock) -> None:
    ask_for_code(app)
    failing(app, SmsUnavailable("provider down"))

    assert app.dispatcher.dispatch_now() == DispatchReport(retrying=1)
    (waiting,) = stored(app)
    assert (waiting.attempts, waiting.last_error) == (1, "provider down")
    clock.advance(seconds=29)
    assert app.dispatcher.dispatch_now() == DispatchReport()
    clock.advance(seconds=1)
    assert app.dispatcher.dispatch_now() == DispatchReport(sent=1)
    assert len(sms(app)) == 1


def test_the_wait_a_provider_asks_for_is_honoured(app: App, clock: ManualClock) -> None:
    ask_for_code(app)
    failing(app, SmsUnavailable("slow down", retry_after=120))
    app.dispatcher.dispatch_now()

    clock.advance(seconds=119)
    assert app.dispatcher.dispatch_now() == DispatchReport()
    clock.advance(seconds=1)
    assert app.dispatcher.dispatch_now() == DispatchReport(sent=1)


def test_a_message_the_provider_rejects_is_given_up_at_once(app: App, clock: ManualClock) -> None:
    ask_for_code(app)
    failing(app, SmsRejected("invalid number"))

    assert app.dispatcher.dispatch_now() == DispatchReport(failed=1)
    clock.advance(hours=2)
    assert app.dispatcher.dispatch_now() == DispatchReport()
    assert [(n.status, n.last_error) for n in stored(app)] == [(DeliveryStatus.FAILED, "invalid number")]


def test_an_unexpected_error_is_retried_and_recorded_without_its_message(
    app: App, clock: ManualClock
) -> None:
    ask_for_code(app)
    failing(app, ConnectionResetError("secret detail 123456"))

    assert app.dispatcher.dispatch_now() == DispatchReport(retrying=1)
    assert stored(app)[0].last_error == "ConnectionResetError"


def test_a_notification_fails_for_good_after_the_last_attempt(app: App, clock: ManualClock) -> None:
    ask_for_code(app)
    attempts = app.dispatcher.policy.max_attempts
    failing(app, *(SmsUnavailable("down") for _ in range(attempts)))

    reports = []
    for _ in range(attempts):
        reports.append(app.dispatcher.dispatch_now())
        clock.advance(hours=2)

    assert reports == [DispatchReport(retrying=1)] * (attempts - 1) + [DispatchReport(failed=1)]
    assert stored(app)[0].status is DeliveryStatus.FAILED
    assert sms(app) == []


def test_a_dispatcher_without_a_sender_for_a_channel_leaves_its_notifications_to_one_that_has(
    app: App, clock: ManualClock
) -> None:
    ask_for_code(app)
    without_sms = Dispatcher(app.office, {Channel.TELEGRAM: app.dispatcher.senders[Channel.TELEGRAM]})

    for _ in range(app.dispatcher.policy.max_attempts + 1):  # as many rounds as would give it up
        assert without_sms.dispatch_now() == DispatchReport()
        clock.advance(hours=2)

    (waiting,) = stored(app)
    assert (waiting.status, waiting.attempts, waiting.last_error) == (DeliveryStatus.PENDING, 0, "")
    assert Dispatcher(app.office, {}).dispatch_now() == DispatchReport()
    assert app.dispatcher.dispatch_now() == DispatchReport(sent=1)


def test_a_claimed_notification_is_left_alone_by_another_dispatcher_until_the_lease_ends(
    app: App, clock: ManualClock
) -> None:
    ask_for_code(app)
    claimed = app.office.run(app.dispatcher._claim)  # a dispatcher that claimed and then died
    assert len(claimed) == 1

    assert app.dispatcher.dispatch_now() == DispatchReport()
    clock.advance(seconds=app.dispatcher.lease_seconds)
    assert app.dispatcher.dispatch_now() == DispatchReport(sent=1)


def test_texts_follow_the_customer_language(app: App) -> None:
    zh = app.customers.register(customer_id="zhang", language="zh")
    app.customers.request_phone_code(zh.id, "+8613900139000")
    app.dispatcher.dispatch_now()

    assert sms(app)[0][1].startswith("您的 p2pstock 验证码是 ")


def test_telling_each_of_many_queues_what_telling_them_one_by_one_does(app: App) -> None:
    people = [
        Customer("zh-bot", telegram_user_id=7001, language="zh"),
        Customer("en-bot", telegram_user_id=7002, language="en"),
        Customer("sms-only", phone=PHONE, language="en"),
        Customer("unreachable"),
        None,
    ]
    told = [
        (
            who,
            {
                "id": "L1",
                "amount": Money(8_885 + n % 2),
                "principal": Money(7_885),
                "interest": Money(1_000 + n % 2),
                "fee": Money(100),
            },
        )
        for n, who in enumerate(people * 2)
    ]

    def one_by_one(tx: Tx) -> list[tuple[str, str, str]]:
        queued = [tx.tell(who, "loan.received", **values) for who, values in told]
        return [(n.channel, n.recipient, n.text) for n in queued if n is not None]

    def each(tx: Tx) -> tuple[int, list[tuple[str, str, str]]]:
        count = tx.tell_each("loan.received", told)
        return count, [(n.channel, n.recipient, n.text) for n in tx._outgoing]

    expected = app.office.run(one_by_one)
    count, queued = app.office.run(each)

    assert queued == expected
    assert count == len(expected) == 6
    assert queued[1] == (
        Channel.TELEGRAM,
        "7002",
        "¥88.86 from loan L1 is in your wallet: principal ¥78.85, interest ¥10.01 (after the platform's fee "
        "of ¥1.00).",
    )
