"""Races on the people services with real threads: a double /start, two customers claiming one identity
number, and many requests for a code to one phone number. Storage decides; nobody gets two of anything."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from typing import TypeVar

from p2pstock.bootstrap import App
from p2pstock.core.errors import P2PStockError
from p2pstock.core.notifications import Channel

T = TypeVar("T")
THREADS = 6
NUMBER = "11010519491231002X"


def race(work: Callable[[int], T]) -> list[T | P2PStockError]:
    """``work(i)`` on ``THREADS`` threads released together; each answer or the p2pstock error it raised."""
    start = threading.Barrier(THREADS)
    answers: dict[int, T | P2PStockError] = {}

    def run(worker: int) -> None:
        start.wait(timeout=30)
        try:
            answers[worker] = work(worker)
        except P2PStockError as error:
            answers[worker] = error

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(answers) == THREADS, "a racer never finished"
    return [answers[i] for i in range(THREADS)]


def test_a_double_start_registers_one_customer(app: App) -> None:
    answers = race(lambda _: app.customers.register(telegram_user_id=777, language="en"))

    registered = app.customers.by_telegram(777)
    assert registered is not None
    assert {getattr(answer, "id", answer) for answer in answers} == {registered.id}


def test_one_identity_number_claimed_by_many_customers_goes_to_exactly_one(app: App) -> None:
    ids = []
    for n in range(THREADS):
        customer = app.customers.register(customer_id=f"c{n}")
        app.customers.request_phone_code(customer.id, f"+861380013800{n}")
        ids.append(customer.id)
    codes = sent_codes(app)
    for n, customer_id in enumerate(ids):
        app.customers.confirm_phone(customer_id, f"+861380013800{n}", codes[f"+861380013800{n}"])

    answers = race(lambda n: app.customers.submit_identity(ids[n], "张三", NUMBER))

    winners = [answer for answer in answers if not isinstance(answer, P2PStockError)]
    assert len(winners) == 1
    assert all("another account" in str(a) for a in answers if isinstance(a, P2PStockError))


def test_many_code_requests_for_one_number_send_one_code(app: App) -> None:
    customer = app.customers.register(customer_id="alice")

    answers = race(lambda _: app.customers.request_phone_code(customer.id, "+8613800138000"))

    assert sum(not isinstance(answer, P2PStockError) for answer in answers) == 1
    assert app.dispatcher.dispatch_now().sent == 1


def sent_codes(app: App) -> dict[str, str]:
    """Deliver the queued texts; each recipient's code."""
    app.dispatcher.dispatch_now()
    sms = app.dispatcher.senders[Channel.SMS]
    return {recipient: re.findall(r"\d{6}", text)[0] for recipient, text in sms.sent}  # type: ignore[attr-defined]
