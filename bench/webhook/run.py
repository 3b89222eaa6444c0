"""Webhook throughput: Telegram updates per second and latency through ``POST /telegram`` on loopback.

    .venv/bin/python bench/webhook/run.py [--updates 1000] [--concurrency 1,8] [--reps 3]
                                          [--backend sqlite|postgres|all] [--dir DIR]

Two servers run side by side in one process, each an aiohttp web server built by
``p2pstock.serving.web_app`` on its own database (a SQLite file in WAL mode with ``synchronous=FULL``, or a
PostgreSQL database of its own):

* ``bot``       — the real bot behind the webhook, answering through a local stand-in for the Bot API
                  (``LocalBotApi``): each update is a new customer's ``/start`` (registers them and
                  opens their wallet: write transactions with their audit records) or that customer
                  pressing the main menu's wallet button (reads the balance), each handled in its chat's
                  turn (on SQLite a lock of the machine; on PostgreSQL a lease taken and let go: two more
                  write transactions);
* ``framework`` — python-telegram-bot alone behind the same webhook: each update read into an ``Update``
                  and routed by a plain ``Application`` to a handler that answers as the bot does (a
                  button press answered, one message sent through ``LocalBotApi``), after one hand-off to
                  a worker thread as a service call makes — no platform work: the least any bot built on
                  this framework and server pays per update;
* ``baseline``  — the same web server whose webhook hands the update to a function that does nothing:
                  HTTP, the secret check and JSON decoding only.

A client on loopback keeps ``C`` requests in flight, for every ``C`` of ``--concurrency``; the levels and
sides take turns, ``--reps`` times, and every bot run starts on a fresh database. The figures are updates
per second (the median of the runs, and each run) and the p50 / p99 / max latency of all the runs' updates,
and the ratio bot ÷ baseline. After every bot run each ``/start`` must have registered exactly one
customer; otherwise the benchmark exits with status 1. The PostgreSQL databases are dropped afterwards, and
the data directory removed unless ``--dir`` named it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from importlib import metadata
from pathlib import Path
from typing import Any

import aiohttp
import sqlalchemy as sa
from aiohttp import web
from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from p2pstock import serving
from p2pstock.adapters.sql.database import create_engine
from p2pstock.adapters.sql.migrate import upgrade
from p2pstock.bootstrap import App, bootstrap
from p2pstock.bots.telegram.local_api import LocalBotApi
from p2pstock.bots.web import build_web_app
from p2pstock.config import Settings

SECRET = "bench-webhook-secret"
TOKEN = "4242:bench-token"
FIRST_USER = 700_000
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
WARM_UP = 20


BOT = {"id": 4242, "is_bot": True, "first_name": "p2pstock", "username": "p2pstock_bot"}


def update(n: int) -> dict[str, Any]:
    """Update ``n``: even ones are a new user's /start, odd ones that user pressing the main menu's wallet
    button (a callback query on the bot's welcome message)."""
    user = {"id": FIRST_USER + n // 2, "is_bot": False, "first_name": "U", "language_code": "en"}
    chat = {"id": user["id"], "type": "private"}
    if n % 2 == 0:
        message = {"message_id": n, "date": 1_772_400_000, "chat": chat, "from": user, "text": "/start"}
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": 6}]
        return {"update_id": n, "message": message}
    welcome = {"message_id": n, "date": 1_772_400_000, "chat": chat, "from": BOT, "text": "Welcome"}
    query = {"id": f"q{n}", "from": user, "chat_instance": f"c{n}", "data": "m:wallet", "message": welcome}
    return {"update_id": n, "callback_query": query}


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


class Databases:
    """Where each side's platform keeps its data: a fresh SQLite file, or a fresh PostgreSQL database
    (migrated here, dropped at the end)."""

    def __init__(self, backend: str, root: Path, pg_url: str) -> None:
        self.backend, self.root = backend, root
        self.pg = sa.engine.make_url(pg_url)
        self.admin = sa.create_engine(pg_url, isolation_level="AUTOCOMMIT") if backend == "postgres" else None
        self.created: list[str] = []

    def reachable(self) -> str | None:
        if self.admin is None:
            return None
        try:
            with self.admin.connect() as connection:
                connection.exec_driver_sql("SELECT 1")
        except Exception as error:  # any failure to connect means: no PostgreSQL run
            return f"{type(error).__name__}: {str(error).splitlines()[0]}"
        return None

    def url(self, tag: str) -> str | None:
        """A new, migrated database for ``tag`` (None: the embedded SQLite file in the data directory)."""
        if self.admin is None:
            return None
        name = f"p2pstock_bench_webhook_{os.getpid()}_{tag}"
        with self.admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        self.created.append(name)
        url = self.pg.set(database=name).render_as_string(hide_password=False)
        engine = create_engine(url)
        upgrade(engine)
        engine.dispose()
        return url

    def platform(self, tag: str) -> App:
        directory = self.root / f"{self.backend}-{tag}"
        directory.mkdir(parents=True, exist_ok=True)
        settings = Settings(
            database_url=self.url(tag) or f"sqlite:///{directory / 'bench.db'}",
            data_dir=directory,
            telegram_token=TOKEN,
            webhook_secret=SECRET,
            document_store="memory",
            allow_sandbox=True,  # the bot has a token, yet only the local Bot API hears it
        )
        return bootstrap(settings)

    def close(self) -> None:
        if self.admin is None:
            return
        with self.admin.connect() as connection:
            for name in self.created:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.admin.dispose()


Server = tuple[web.Application, Callable[[], Awaitable[None]]]
"""A web server to measure, and how to close what it holds afterwards."""


async def run_side(
    build: Callable[[], Awaitable[Server]], updates: int, in_flight: int
) -> tuple[float, list[float]]:
    """Updates per second and each update's latency through the server ``build`` makes."""
    server, close = await build()
    runner, url = await serve(server)
    await measure(url, WARM_UP, 4)  # warm up (first imports, connections)
    seconds, latencies = await measure(url, updates, in_flight)
    await runner.cleanup()
    await close()
    return updates / seconds, latencies


async def bot_side(app: App, updates: int, in_flight: int) -> tuple[float, list[float]]:
    """The real bot; afterwards every update must have been answered with one message, and every
    ``/start`` must have registered exactly one customer."""
    api = LocalBotApi()

    async def with_bot() -> Server:
        bot = serving.telegram_bot(app, request=api, persistence=True)
        await bot.initialize()
        serving.settle_in(app)  # as `p2pstock serve` does: its worker threads, the loaded objects frozen
        return serving.web_app(app, bot), bot.shutdown

    figures = await run_side(with_bot, updates, in_flight)
    answered = sum(method == "sendMessage" for method, _parameters in api.calls)
    if answered != updates + WARM_UP:
        raise InvariantBroken(f"{updates + WARM_UP} updates were answered with {answered} messages")
    starts = (max(updates, WARM_UP) + 1) // 2  # the warm-up's users are the first ones again
    registered = await asyncio.to_thread(
        lambda: sum(app.customers.by_telegram(FIRST_USER + k) is not None for k in range(starts))
    )
    if registered != starts:
        raise InvariantBroken(f"{starts} /start updates registered {registered} customers")
    return figures


async def baseline_side(app: App, updates: int, in_flight: int) -> tuple[float, list[float]]:
    """The same web server whose webhook does nothing with the update."""

    async def without_bot() -> Server:
        async def nothing(_update: dict[str, Any]) -> None:
            return None

        server = build_web_app(
            payments=app.payments, health=lambda: True, webhook_secret=SECRET, on_telegram_update=nothing
        )

        async def close() -> None:
            return None

        return server, close

    return await run_side(without_bot, updates, in_flight)


async def framework_side(app: App, updates: int, in_flight: int) -> tuple[float, list[float]]:
    """python-telegram-bot alone: the least a bot on this framework pays per update."""
    api = LocalBotApi()

    async def answer(update: Update, context: Any) -> None:
        if update.callback_query is not None:
            await update.callback_query.answer()
        await asyncio.to_thread(int)  # the one hand-off a service call makes
        await context.bot.send_message(chat_id=update.effective_chat.id, text="Welcome")

    async def with_framework() -> Server:
        application = Application.builder().token(TOKEN).request(api).updater(None).job_queue(None).build()
        application.add_handler(CommandHandler("start", answer))
        application.add_handler(CallbackQueryHandler(answer))
        await application.initialize()

        async def on_update(data: dict[str, Any]) -> None:
            await application.process_update(Update.de_json(data, application.bot))

        server = build_web_app(
            payments=app.payments, health=lambda: True, webhook_secret=SECRET, on_telegram_update=on_update
        )
        return server, application.shutdown

    figures = await run_side(with_framework, updates, in_flight)
    answered = sum(method == "sendMessage" for method, _parameters in api.calls)
    if answered != updates + WARM_UP:
        raise InvariantBroken(f"{updates + WARM_UP} updates were answered with {answered} messages")
    return figures


class InvariantBroken(Exception):
    pass


def percentile(ordered: list[float], fraction: float) -> float:
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))] * 1000


Figures = dict[tuple[str, int], tuple[list[float], list[float]]]
"""(side, updates in flight) → the rate of each run and the latency of every update of all runs."""


async def run_backend(databases: Databases, args: Any) -> Figures:
    """Every level of ``--concurrency``, ``--reps`` times in turns (the order alternating), each bot run on
    a fresh database."""
    figures: Figures = {}
    baseline_app = databases.platform("baseline")
    try:
        for rep in range(args.reps):
            for in_flight in args.concurrency if rep % 2 == 0 else args.concurrency[::-1]:
                bot_app = databases.platform(f"bot{in_flight}r{rep}")
                sides = (
                    ("bot", bot_side, bot_app),
                    ("framework", framework_side, baseline_app),
                    ("baseline", baseline_side, baseline_app),
                )
                for side, run, app in sides:
                    rate, times = await run(app, args.updates, in_flight)
                    rates, latencies = figures.setdefault((side, in_flight), ([], []))
                    rates.append(rate)
                    latencies.extend(times)
                bot_app.close()
    finally:
        baseline_app.close()
    return figures


def report(backend: str, figures: Figures, args: Any) -> None:
    where = "SQLite (WAL, synchronous=FULL)" if backend == "sqlite" else "PostgreSQL"
    print(f"\n{where}: {args.updates} updates a run, {args.reps} runs per side and level, in turns")
    columns = f"{'updates/s':>12}{'(runs)':>20}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}"
    print(f"{'side':<10}{'in flight':>10}{columns}")
    for (side, in_flight), (rates, latencies) in sorted(
        figures.items(), key=lambda item: ("bot", "framework", "baseline").index(item[0][0])
    ):
        ordered = sorted(latencies)
        each = "/".join(f"{rate:.0f}" for rate in rates)
        print(
            f"{side:<10}{in_flight:>10}{statistics.median(rates):>12.0f}{each:>20}"
            f"{percentile(ordered, 0.5):>9.1f}{percentile(ordered, 0.99):>9.1f}{ordered[-1] * 1000:>9.1f}"
        )
    for in_flight in args.concurrency:
        bot, framework, baseline = (
            statistics.median(figures[(side, in_flight)][0]) for side in ("bot", "framework", "baseline")
        )
        print(
            f"ratio at {in_flight} in flight (updates/s, medians): bot ÷ baseline {bot / baseline:.3f}, "
            f"bot ÷ framework {bot / framework:.3f}"
        )
    runs = args.reps * len(args.concurrency)
    print(f"check: every update answered, every /start registered one customer ({runs} bot runs)")


async def main(args: Any) -> int:
    base = Path(args.dir or tempfile.mkdtemp(prefix="p2pstock-bench-webhook-"))
    version = metadata.version("p2pstock")
    print(f"python {platform.python_version()}, p2pstock {version}, {os.cpu_count()} CPUs, data in {base}")
    try:
        for backend in ("sqlite", "postgres") if args.backend == "all" else (args.backend,):
            databases = Databases(backend, base, args.pg_url)
            problem = databases.reachable()
            if problem is not None:
                print(f"\nNOTE: PostgreSQL skipped, not reachable: {problem}")
                continue
            try:
                report(backend, await run_backend(databases, args), args)
            finally:
                databases.close()
    except InvariantBroken as broken:
        print(f"INVARIANT BROKEN: {broken}")
        return 1
    finally:
        if not args.dir:  # a directory of its own: nothing in it is needed afterwards
            shutil.rmtree(base, ignore_errors=True)
    return 0


def levels(text: str) -> list[int]:
    return [int(level) for level in text.split(",")]


if __name__ == "__main__":
    raw = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=raw)
    parser.add_argument("--updates", type=int, default=1000)
    parser.add_argument("--concurrency", type=levels, default=[1, 8], help="updates in flight (a list: 1,8)")
    parser.add_argument("--reps", type=int, default=3, help="runs per side and level, in turns")
    parser.add_argument("--backend", choices=("sqlite", "postgres", "all"), default="sqlite")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("P2PSTOCK_BENCH_PG_URL", DEFAULT_PG_URL),
        help="an account allowed to CREATE DATABASE (default: $P2PSTOCK_BENCH_PG_URL or %(default)s)",
    )
    parser.add_argument("--dir", default=None)
    sys.exit(asyncio.run(main(parser.parse_args())))
