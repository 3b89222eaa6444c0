"""``p2pstock bot``: the bot by long polling on the embedded SQLite default, against a Bot API stand-in on a
loopback port — it answers a newcomer, takes its rounds of the scheduled jobs, and stops on SIGINT."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest
from telegram import Bot
from telegram_loopback import LoopbackBotApi

import p2pstock
from p2pstock.bots.telegram.local_api import LocalUser
from p2pstock.bots.telegram.texts import text

TOKEN = "4242:loopback-token"
CUSTOMER = 7101
T = TypeVar("T")


def eventually(what: str, check: Callable[[], T | None], seconds: float = 60) -> T:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if answer := check():
            return answer
        time.sleep(0.1)
    pytest.fail(f"{what} did not happen within {seconds} s")


@pytest.mark.slow
def test_the_polling_bot_answers_a_newcomer_runs_its_jobs_and_stops_on_sigint(tmp_path: Path) -> None:
    log = tmp_path / "bot.log"
    source = str(Path(p2pstock.__file__).parents[1])
    with LoopbackBotApi() as telegram, log.open("w") as out:
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("P2PSTOCK_")},
            "PYTHONPATH": os.pathsep.join(filter(None, [source, os.environ.get("PYTHONPATH")])),
            "P2PSTOCK_DATA_DIR": str(tmp_path / "data"),
            "P2PSTOCK_TELEGRAM_TOKEN": TOKEN,
            "P2PSTOCK_TELEGRAM_API_URL": telegram.url,
            "P2PSTOCK_ALLOW_SANDBOX": "true",  # a test deployment: the bot has a token
            "P2PSTOCK_JOBS_EVERY_SECONDS": "1",
            "P2PSTOCK_LOG_FORMAT": "json",
        }
        bot = subprocess.Popen([sys.executable, "-m", "p2pstock.cli", "bot"], env=env, stderr=out)
        try:
            newcomer = LocalUser(Bot(TOKEN), CUSTOMER, "Li", language_code="zh")
            telegram.deliver(newcomer.command("/start").to_dict())

            welcome = eventually("the newcomer welcomed", lambda: telegram.texts_to(CUSTOMER))
            assert welcome == [text("welcome", "zh", name="Li", brand="p2pstock")]
            eventually("a round of the scheduled jobs", lambda: "scheduled jobs ran" in log.read_text())
        finally:
            bot.send_signal(signal.SIGINT)
            try:
                status = bot.wait(30)
            except subprocess.TimeoutExpired:
                bot.kill()
                status = bot.wait()

    assert status == 0, log.read_text()
    records = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    assert "database work runs in 2 worker threads" in [r["message"] for r in records]
    assert [r["message"] for r in records if r["level"] == "ERROR"] == []
