"""The sub-account password handed out for sending: held for one delivery, counted as shown only once the
sender says it was delivered, released when the sending failed, and handed out once however many ask at
the same moment."""

from __future__ import annotations

import pytest
from allocation_world import SUB_ACCOUNT_PASSWORD, open_platform, running, verified_customer
from racing import at_once

from p2pstock.adapters.clock import ManualClock
from p2pstock.bootstrap import App
from p2pstock.core.allocation.password import HOLD_SECONDS, PasswordDelivery, PasswordOnItsWay
from p2pstock.core.errors import Refused


@pytest.fixture
def allocation(app: App) -> str:
    open_platform(app)
    verified_customer(app)
    verified_customer(app, "bob")
    return running(app).id


def shown(app: App, allocation: str) -> bool:
    return app.allocations.get(allocation, customer_id="alice").password_shown


def events(app: App, allocation: str) -> list[str]:
    return [event.kind for event in app.allocations.timeline(allocation, customer_id="alice").events]


def test_a_password_handed_out_for_sending_is_not_shown_until_the_sender_says_it_was_delivered(
    app: App, allocation: str
) -> None:
    delivery = app.allocations.password_to_send(allocation, customer_id="alice")

    assert (delivery.password, delivery.allocation_id, delivery.sub_account) == (
        SUB_ACCOUNT_PASSWORD,
        allocation,
        "HOMS-001",
    )
    assert SUB_ACCOUNT_PASSWORD not in repr(delivery)
    assert not shown(app, allocation)
    assert "password_shown" not in events(app, allocation)

    app.allocations.password_sent(allocation, customer_id="alice")

    assert shown(app, allocation)
    assert events(app, allocation).count("password_shown") == 1
    with pytest.raises(Refused, match="shown once already"):
        app.allocations.password_to_send(allocation, customer_id="alice")
    app.allocations.password_sent(allocation, customer_id="alice")  # said twice: nothing more happens
    assert events(app, allocation).count("password_shown") == 1


def test_a_failed_sending_releases_the_password_to_be_asked_for_again_at_once(
    app: App, allocation: str
) -> None:
    first = app.allocations.password_to_send(allocation, customer_id="alice")

    app.allocations.password_not_sent(allocation, customer_id="alice", hold=first.hold)

    assert not shown(app, allocation)
    again = app.allocations.password_to_send(allocation, customer_id="alice")
    assert again.password == SUB_ACCOUNT_PASSWORD
    assert again.hold != first.hold


def test_while_the_password_is_on_its_way_nobody_else_gets_it_until_the_hold_lapses(
    app: App, allocation: str, clock: ManualClock
) -> None:
    first = app.allocations.password_to_send(allocation, customer_id="alice")

    with pytest.raises(PasswordOnItsWay):
        app.allocations.password_to_send(allocation, customer_id="alice")
    with pytest.raises(PasswordOnItsWay):
        app.allocations.reveal_password(allocation, customer_id="alice")
    clock.advance(seconds=HOLD_SECONDS)  # the sender died without a word
    second = app.allocations.password_to_send(allocation, customer_id="alice")
    app.allocations.password_not_sent(allocation, customer_id="alice", hold=first.hold)  # too late

    with pytest.raises(PasswordOnItsWay):
        app.allocations.password_to_send(allocation, customer_id="alice")
    assert second.hold != first.hold


def test_another_customer_gets_no_password_and_cannot_touch_the_delivery(app: App, allocation: str) -> None:
    delivery = app.allocations.password_to_send(allocation, customer_id="alice")

    for attempt in (
        lambda: app.allocations.password_to_send(allocation, customer_id="bob"),
        lambda: app.allocations.password_sent(allocation, customer_id="bob"),
        lambda: app.allocations.password_not_sent(allocation, customer_id="bob", hold=delivery.hold),
    ):
        with pytest.raises(Refused, match="no password to show"):
            attempt()
    assert not shown(app, allocation)


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_eight_presses_at_once_hand_the_password_out_once(app: App, allocation: str) -> None:
    answers, errors = at_once(8, lambda _: app.allocations.password_to_send(allocation, customer_id="alice"))

    assert [type(answer) for answer in answers] == [PasswordDelivery]
    assert [type(error) for error in errors] == [PasswordOnItsWay] * 7
    assert not shown(app, allocation)
