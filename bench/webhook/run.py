"""Webhook throughput: Telegram updates per second and latency through ``POST /telegram`` on loopback.

    .venv/bin/python bench/webhook/run.py [--updates N] [--concurrency C] [--dir DIR]

Two servers run side by side in one process, each an aiohttp web server built by
``p2pstock.serving.web_app`` on its own SQLite file (WAL, ``synchronous=FULL``):

* ``bot``       — the real bot behind the webhook, answering through a local stand-in for the Bot API
                  (``LocalBotApi``): each update is a customer's ``/start`` (registers them: one write
                  transaction with its audit record) or a press of the wallet button (reads the balance);
* ``baseline``  — the same web server whose webhook hands the update to a function that does nothing:
                  HTTP, the secret check and JSON decoding only.

A client on loopback keeps ``C`` requests in flight. The figures are updates per second and the p50 / p99
latency of each, and the ratio bot ÷ baseline. Afterwards every ``/start`` must have registered exactly one
customer; otherwise the benchmark exits with status 1.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from importlib import metadata
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from p2pstock import serving
from p2pstock.bootstrap import App, bootstrap
from p2pstock.bots.telegram.local_api import LocalBotApi
from p2pstock.bots.web import build_web_app
from p2pstock.config import Settings

SECRET = "bench-webhook-secret"
TOKEN = "4242:bench-token"
FIRST_USER = 700_000


def update(n: int) -> dict[str, Any]:
    """Update ``n``: even ones are a new user's /start, odd ones that user pressing the wallet button."""
    user = {"id": FIRST_USER + n // 2, "is_bot": False, "first_name": "U", "language_code": "en"}
    chat = {"id": user["id"], "type": "private"}
    if n % 2 == 0:
        message = {"message_id": n, "date": 1_772_400_000, "chat": chat, "from": user, "text": "/start"}
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": 6}]
        return {"update_id": n, "message": message}
    text = {"message_id": n, "date": 1_772_400_000, "chat": chat, "from": user, "text": "💰 Wallet"}
    return {"update_id": n, "message": text}


async def measure(url: str, updates: int, concurrency: int) -> tuple[float, list[float]]:
    """Send ``updates`` updates keeping ``concurrency`` in flight; seconds taken and each latency."""
    latencies: list[float] = []
    queue: asyncio.Queue[int] = asyncio.Queue()
    for n in range(updates):
        queue.put_nowait(n)
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"}

    async def worker(session: aiohttp.ClientSession) -> None:
        while not queue.empty():
            n = queue.get_nowait()
            body = json.dumps(update(n))
            started = time.perf_counter()
            async with session.post(url, data=body, headers=headers) as response:
                if response.status != 200:
                    raise SystemExit(f"update {n} answered {response.status}")
                await response.read()
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    async with aiohttp.ClientSession() as session:
        await asyncio.gather(*(worker(session) for _ in range(concurrency)))
    return time.perf_counter() - started, latencies


async def serve(server: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(server, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, f"http://127.0.0.1:{port}/telegram"


def platform_on(directory: Path) -> App:
    directory.mkdir(parents=True, exist_ok=True)
    settings = Settings(
        database_url=f"sqlite:///{directory / 'bench.db'}",
        data_dir=directory,
        telegram_token=TOKEN,
        webhook_secret=SECRET,
        document_store="memory",
        allow_sandbox=True,  # the bot has a token, yet only the local Bot API hears it
    )
    return bootstrap(settings)


Server = tuple[web.Application, Callable[[], Awaitable[None]]]
"""A web server to measure, and how to close what it holds afterwards."""


async def run_side(build: Callable[[], Awaitable[Server]], args: Any) -> dict[str, float]:
    server, close = await build()
    runner, url = await serve(server)
    await measure(url, 20, 4)  # warm up (first imports, connections)
    seconds, latencies = await measure(url, args.updates, args.concurrency)
    await runner.cleanup()
    await close()
    ordered = sorted(latencies)
    return {
        "rate": args.updates / seconds,
        "p50": statistics.median(ordered) * 1000,
        "p99": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000,
    }


async def main(args: Any) -> int:
    base = Path(args.dir or tempfile.mkdtemp(prefix="p2pstock-bench-webhook-"))
    bot_app = platform_on(base / "bot")
    baseline_app = platform_on(base / "baseline")

    async def with_bot() -> Server:
        bot = serving.telegram_bot(bot_app, request=LocalBotApi(), persistence=True)
        await bot.initialize()
        return serving.web_app(bot_app, bot), bot.shutdown

    async def without_bot() -> Server:
        async def nothing(_update: dict[str, Any]) -> None:
            return None

        server = build_web_app(
            payments=baseline_app.payments,
            health=lambda: True,
            webhook_secret=SECRET,
            on_telegram_update=nothing,
        )

        async def close() -> None:
            return None

        return server, close

    bot = await run_side(with_bot, args)
    baseline = await run_side(without_bot, args)
    starts = (max(args.updates, 20) + 1) // 2  # the warm-up's users are the first ones again
    registered = await asyncio.to_thread(
        lambda: sum(bot_app.customers.by_telegram(FIRST_USER + k) is not None for k in range(starts))
    )
    bot_app.close()
    baseline_app.close()

    version = metadata.version("p2pstock")
    print(f"python {platform.python_version()}, p2pstock {version}, {os.cpu_count()} CPUs")
    print(f"{args.updates} updates, {args.concurrency} in flight, SQLite (WAL, synchronous=FULL) in {base}")
    print(f"{'side':<10}{'updates/s':>12}{'p50 ms':>10}{'p99 ms':>10}")
    for name, figures in (("bot", bot), ("baseline", baseline)):
        print(f"{name:<10}{figures['rate']:>12.0f}{figures['p50']:>10.1f}{figures['p99']:>10.1f}")
    print(f"ratio bot ÷ baseline (updates/s): {bot['rate'] / baseline['rate']:.3f}")
    if registered != starts:
        print(f"INVARIANT BROKEN: {starts} /start updates registered {registered} customers")
        return 1
    print(f"check: every /start registered one customer ({registered})")
    return 0


if __name__ == "__main__":
    raw = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=raw)
    parser.add_argument("--updates", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--dir", default=None)
    sys.exit(asyncio.run(main(parser.parse_args())))
