"""A text holding a verification code keeps it readable in the outbox only while it waits to be sent: once
delivered, or given up, no readable code remains stored anywhere — not in the text, not in the reason a
provider gave, not in a log line."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import attrs
import pytest
import sqlalchemy as sa

from p2pstock.adapters.clock import ManualClock
from p2pstock.adapters.memory import MemoryUnitOfWorkFactory
from p2pstock.adapters.sql.uow import SqlUnitOfWorkFactory
from p2pstock.bootstrap import App
from p2pstock.core.dispatch import DispatchReport
from p2pstock.core.notifications import Channel, DeliveryStatus, Notification
from p2pstock.core.ports import UnitOfWorkFactory
from p2pstock.core.sms import SmsRejected, SmsUnavailable

PHONE = "+8613800138000"


def sent_code(app: App) -> str:
    """The code in the last text delivered."""
    _, text = app.dispatcher.senders[Channel.SMS].sent[-1]  # type: ignore[attr-defined]
    return next(word.strip(".，") for word in text.split() if word.strip(".，").isdigit())


def failing(app: App, *errors: BaseException) -> None:
    app.dispatcher.senders[Channel.SMS].fail_with.extend(errors)  # type: ignore[attr-defined]


def the_code_message(app: App) -> Notification:
    [message] = app.office.read(lambda tx: tx.uow.outbox.of_recipient(PHONE, 50))
    return message


def ask_for_code(app: App, language: str = "en") -> None:
    customer = app.customers.register(customer_id="alice", language=language)
    app.customers.request_phone_code(customer.id, PHONE)


def stored_text(uow_factory: UnitOfWorkFactory) -> Iterator[str]:
    """Every piece of text the storage holds, in every table."""
    if isinstance(uow_factory, MemoryUnitOfWorkFactory):
        yield repr(attrs.asdict(uow_factory.database, recurse=True))
        for notification in uow_factory.database.outbox.values():
            yield from (notification.text, notification.last_error, notification.secret)
        return
    assert isinstance(uow_factory, SqlUnitOfWorkFactory)
    engine = uow_factory.engine
    with engine.connect() as connection:
        for table in sa.inspect(engine).get_table_names():
            for row in connection.execute(sa.text(f'SELECT * FROM "{table}"')):
                yield from (str(value) for value in row if isinstance(value, str))


def test_a_delivered_code_leaves_no_readable_code_stored(app: App, uow_factory: UnitOfWorkFactory) -> None:
    ask_for_code(app)
    assert app.dispatcher.dispatch_now() == DispatchReport(sent=1)
    code = sent_code(app)

    message = the_code_message(app)

    assert message.status is DeliveryStatus.SENT
    assert message.text == "Your p2pstock verification code is ******. It expires in 5 minutes."
    assert [text for text in stored_text(uow_factory) if code in text] == []


def test_a_delivered_code_is_masked_in_chinese_too(app: App) -> None:
    ask_for_code(app, "zh")
    app.dispatcher.dispatch_now()

    assert the_code_message(app).text == "您的 p2pstock 验证码是 ******，5 分钟内有效。"


def test_the_code_stays_readable_only_while_the_message_waits_to_be_sent(
    app: App, clock: ManualClock
) -> None:
    ask_for_code(app)
    failing(app, SmsUnavailable("the SMS provider answered HTTP 503"))
    assert app.dispatcher.dispatch_now() == DispatchReport(retrying=1)
    waiting = the_code_message(app)
    clock.advance(seconds=31)

    assert app.dispatcher.dispatch_now() == DispatchReport(sent=1)

    assert sent_code(app) in waiting.text  # kept until it could be sent: the outbox loses nothing
    assert sent_code(app) not in the_code_message(app).text


def test_a_code_message_the_provider_rejects_keeps_no_code_not_even_in_the_reason_given(
    app: App, uow_factory: UnitOfWorkFactory, caplog: pytest.LogCaptureFixture
) -> None:
    ask_for_code(app)
    pending = the_code_message(app)
    echoed = pending.text  # a provider that quotes the message back in its refusal
    failing(app, SmsRejected(f"the SMS provider refused the message: {echoed}"))
    caplog.set_level(logging.DEBUG)

    assert app.dispatcher.dispatch_now() == DispatchReport(failed=1)

    code = pending.text.split(" is ")[1].split(".")[0]
    message = the_code_message(app)
    assert message.status is DeliveryStatus.FAILED
    assert code not in message.text and code not in message.last_error
    assert "verification code is ******" in message.last_error
    assert code not in caplog.text
    assert [text for text in stored_text(uow_factory) if code in text] == []


def test_a_code_message_given_up_after_its_last_attempt_keeps_no_code(
    app: App, uow_factory: UnitOfWorkFactory, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    ask_for_code(app)
    code = the_code_message(app).text.split(" is ")[1].split(".")[0]
    caplog.set_level(logging.DEBUG)
    for _ in range(app.dispatcher.policy.max_attempts):
        failing(app, SmsUnavailable(f"timed out sending {code}"))
        app.dispatcher.dispatch_now()
        clock.advance(hours=2)

    message = the_code_message(app)
    assert message.status is DeliveryStatus.FAILED
    assert code not in message.text and code not in message.last_error
    assert code not in caplog.text
    assert [text for text in stored_text(uow_factory) if code in text] == []


def test_a_message_without_a_code_is_kept_as_it_was_sent(app: App) -> None:
    ask_for_code(app)
    app.dispatcher.dispatch_now()
    app.customers.confirm_phone("alice", PHONE, sent_code(app))
    app.office.run(lambda tx: tx.notify(Channel.SMS, PHONE, "identity.verified", "en"))
    app.dispatcher.dispatch_now()

    texts = [n.text for n in app.office.read(lambda tx: tx.uow.outbox.of_recipient(PHONE, 50))]

    assert "Your identity has been verified." in texts
