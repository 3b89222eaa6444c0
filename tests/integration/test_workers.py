"""Three ``p2pstock serve`` processes on one PostgreSQL database, two with the bot behind the webhook and
one without, all talking to a Bot API stand-in on a loopback port:

- each round of the scheduled jobs runs in one process only;
- a conversation begun through one process's webhook goes on through another's;
- the web worker without the bot leaves the Telegram notifications to the workers with it: none is
  tried, let alone failed, for want of a sender.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from telegram import Bot
from telegram_loopback import LoopbackBotApi, free_port

import p2pstock
from p2pstock.adapters.payments.sandbox import SandboxGateway
from p2pstock.bootstrap import bootstrap
from p2pstock.bots.telegram.local_api import LocalUser
from p2pstock.bots.telegram.texts import text
from p2pstock.config import Settings
from p2pstock.core.notifications import Channel, DeliveryStatus, render
from p2pstock.core.payments import OrderStatus

pytestmark = [pytest.mark.postgres, pytest.mark.own_database]  # three processes on it

TOKEN = "4242:loopback-token"
SECRET = "webhook-secret"
CUSTOMER = 7001
T = TypeVar("T")


class Worker:
    """One ``p2pstock serve`` process, its log (JSON lines) in a file."""

    def __init__(self, name: str, env: dict[str, str], log: Path) -> None:
        self.name, self.port, self.log = name, int(env["P2PSTOCK_WEB_PORT"]), log
        source = str(Path(p2pstock.__file__).parents[1])  # these sources, whatever is installed
        path = os.pathsep.join(filter(None, [source, os.environ.get("PYTHONPATH")]))
        with log.open("w") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "p2pstock.cli", "serve"],
                env={**env, "PYTHONPATH": path},
                stdout=subprocess.DEVNULL,
                stderr=out,
            )

    def post(self, path: str, body: bytes, headers: dict[str, str]) -> int:
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", body, headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - http on loopback
                return int(response.status)
        except urllib.error.HTTPError as error:
            return error.code

    def healthy(self) -> bool:
        try:
            health = f"http://127.0.0.1:{self.port}/healthz"
            with urllib.request.urlopen(health, timeout=5) as response:
                return response.status == 200
        except OSError:
            assert self.process.poll() is None, f"{self.name} stopped:\n{self.log.read_text()}"
            return False

    def records(self) -> list[dict[str, Any]]:
        lines = self.log.read_text().splitlines()
        return [json.loads(line) for line in lines if line.startswith("{")]

    def rounds(self) -> list[int]:
        """The rounds of scheduled jobs this process ran, from its log."""
        prefix, suffix = "round ", " of the scheduled jobs ran in this process"
        return [
            int(message[len(prefix) : message.index(suffix)])
            for message in (record["message"] for record in self.records())
            if message.startswith(prefix) and suffix in message
        ]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def eventually(what: str, check: Callable[[], T | None], seconds: float = 60) -> T:
    """``check()``'s first true answer, asked again until it comes (or fail, naming ``what``)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        answer = check()
        if answer:
            return answer
        time.sleep(0.1)
    pytest.fail(f"{what} did not happen within {seconds} s")


@pytest.fixture
def telegram() -> Iterator[LoopbackBotApi]:
    with LoopbackBotApi() as api:
        yield api


@pytest.fixture
def workers(pg_url: str, telegram: LoopbackBotApi, tmp_path: Path) -> Iterator[list[Worker]]:
    ports = [free_port() for _ in range(3)]
    base = {k: v for k, v in os.environ.items() if not k.startswith("P2PSTOCK_")}
    shared = {
        **base,
        "P2PSTOCK_DATABASE_URL": pg_url,
        "P2PSTOCK_DATA_DIR": str(tmp_path / "data"),
        "P2PSTOCK_PUBLIC_URL": f"http://127.0.0.1:{ports[0]}",
        "P2PSTOCK_PAYMENT_SECRET": "shared-sandbox-secret",
        "P2PSTOCK_JOBS_EVERY_SECONDS": "1",
        "P2PSTOCK_LOG_FORMAT": "json",
        "P2PSTOCK_LOG_LEVEL": "INFO",
    }
    bot = {
        "P2PSTOCK_TELEGRAM_TOKEN": TOKEN,
        "P2PSTOCK_WEBHOOK_SECRET": SECRET,
        "P2PSTOCK_TELEGRAM_API_URL": telegram.url,
        "P2PSTOCK_ALLOW_SANDBOX": "true",  # a test deployment: the bot has a token
    }
    started = [
        Worker("bot-1", {**shared, **bot, "P2PSTOCK_WEB_PORT": str(ports[0])}, tmp_path / "bot-1.log"),
        Worker("bot-2", {**shared, **bot, "P2PSTOCK_WEB_PORT": str(ports[1])}, tmp_path / "bot-2.log"),
        Worker("web", {**shared, "P2PSTOCK_WEB_PORT": str(ports[2])}, tmp_path / "web.log"),
    ]
    try:
        for worker in started:
            eventually(f"{worker.name} answering /healthz", worker.healthy)
        yield started
    finally:
        for worker in started:
            worker.stop()


def notice(key: str, lang: str, **values: object) -> str:
    """A notification's text as the outbox renders it."""
    return render(key, lang, **values)


def send(worker: Worker, update: dict[str, Any]) -> None:
    headers = {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET}
    assert worker.post("/telegram", json.dumps(update).encode(), headers) == 200


def test_three_workers_share_the_jobs_the_conversations_and_the_notifications(
    workers: list[Worker], telegram: LoopbackBotApi, pg_url: str
) -> None:
    bot_1, bot_2, web = workers
    customer = LocalUser(Bot(TOKEN), CUSTOMER, "Li", language_code="en")
    app = bootstrap(Settings(database_url=pg_url, payment_secret="shared-sandbox-secret"))
    try:
        # a conversation: the amount is asked for by one worker and answered through the other
        send(bot_1, customer.command("/deposit").to_dict())
        assert telegram.texts_to(CUSTOMER)[-1] == text("deposit.ask", "en")
        send(bot_2, customer.says("500").to_dict())
        assert telegram.texts_to(CUSTOMER)[-1] == text("deposit.link", "en", amount="¥500.00")
        found = app.customers.by_telegram(CUSTOMER)
        assert found is not None
        (order,) = app.payments.orders(found.id)
        assert (order.amount, order.status) == (50_000, OrderStatus.CREATED)

        # paid on the sandbox page of the worker without the bot; the bot workers tell the customer
        public_url = f"http://127.0.0.1:{bot_1.port}"
        page = SandboxGateway("shared-sandbox-secret", public_url).payment_link(order).url
        pay = page.removeprefix(public_url)
        assert web.post(pay, b"", {"Origin": public_url}) == 200  # after the redirect to the paid page
        credited = notice("deposit.credited", "en", amount="¥500.00")
        eventually("the customer told of the deposit", lambda: credited in telegram.texts_to(CUSTOMER))

        # rounds of the scheduled jobs
        eventually("five rounds of jobs", lambda: len({r for w in workers for r in w.rounds()}) >= 5)
        for worker in workers:
            worker.stop()
        telegrams = [
            n
            for n in app.office.read(lambda tx: tx.uow.outbox.of_recipient(str(CUSTOMER), 50))
            if n.channel is Channel.TELEGRAM
        ]
    finally:
        app.close()

    ran = Counter(r for worker in workers for r in worker.rounds())
    assert [r for r, times in ran.items() if times > 1] == []  # no round ran in two processes
    assert telegrams
    assert {(n.status, n.attempts, n.last_error) for n in telegrams} == {
        (DeliveryStatus.SENT, 0, "")
    }  # sent at the first try
    assert not [r for r in web.records() if "could not deliver" in r["message"]]
    assert not [r for w in workers for r in w.records() if r["level"] in ("ERROR", "CRITICAL")]
