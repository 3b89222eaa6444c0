"""The long-running processes: the bot by polling (``p2pstock bot``) and the web server with the bot behind
its webhook (``p2pstock serve``).

Any number of ``serve`` processes may share one PostgreSQL database (see the README's deployment
section):

- **the scheduled jobs** run once a round in one process: every ``P2PSTOCK_JOBS_EVERY_SECONDS`` each
  process wakes and asks for the ``jobs`` lease for that round (``p2pstock.core.leases``); the one that
  gets it runs the jobs, renewing the lease while they run, and the others skip the round;
- **notifications** are delivered by every process each round, each claiming only the channels it has a
  sender for (a process without a bot token leaves the Telegram messages to one with it);
- **the bot's conversation state** is read from the database and written back on each update, under the
  chat's turn (``p2pstock.bots.telegram.persistence``), so a conversation goes on in whichever process
  Telegram's next update reaches.

A start-up that cannot succeed — Telegram unreachable or refusing the token, a setting refused — raises
``CannotStart`` (or ``P2PStockError``), which the command line prints as one line.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gc
import logging
import time
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from aiohttp import web
from telegram import Update
from telegram.error import InvalidToken, TelegramError

from p2pstock import fonts
from p2pstock.adapters.payments.sandbox import SandboxGateway
from p2pstock.bootstrap import App
from p2pstock.bots.telegram import BotServices, build_application
from p2pstock.bots.telegram.context import BotApplication
from p2pstock.bots.telegram.sender import TelegramSender
from p2pstock.bots.web import BadUpdate, build_web_app
from p2pstock.core.errors import InvalidInput
from p2pstock.core.leases import Leases
from p2pstock.core.notifications import Channel
from p2pstock.jobs import JobsReport, run_jobs

log = logging.getLogger(__name__)

JOBS_LEASE = "jobs"
"""The lease whose holder runs the scheduled jobs."""
JOBS_LEASE_SECONDS = 60
"""How long the jobs' lease lasts without renewal: a process that died holding it is replaced after this;
a living holder renews it every third of it."""


class CannotStart(Exception):
    """The process cannot start; the message is one line, fit for the operator (no secret in it)."""


def telegram_bot(app: App, **options: Any) -> BotApplication:
    """The bot on ``app``'s services, talking to ``P2PSTOCK_TELEGRAM_API_URL``; Telegram notifications from
    now on go through it."""
    if not app.settings.telegram_token:
        raise InvalidInput("set P2PSTOCK_TELEGRAM_TOKEN to the token @BotFather gave the bot")
    options.setdefault("api_url", app.settings.telegram_api_url)
    fonts.configure(app.settings.cjk_font)
    if fonts.cjk_font() is None:
        log.warning(
            "no font that draws Chinese: charts fall back to English, and loan and transfer agreements wait "
            "(the jobs issue them once one is installed: apt-get install fonts-wqy-microhei)"
        )
    bot = build_application(
        BotServices.of(app, payments=app.payments), app.settings.telegram_token, **options
    )
    app.dispatcher.senders = {**app.dispatcher.senders, Channel.TELEGRAM: TelegramSender(bot.bot)}
    return bot


def database_ok(app: App) -> bool:
    """A quick round trip to the database."""
    app.office.read(lambda tx: tx.uow.audit.records(0, 1))
    return True


async def run_jobs_until(stop: asyncio.Event, app: App, every: float | None = None) -> None:
    """A round every ``every`` seconds (default ``P2PSTOCK_JOBS_EVERY_SECONDS``) until ``stop`` is set: the
    scheduled jobs when this process gets the round's lease, then this process's notifications. A round is
    named by the wall-clock second it starts at (a multiple of ``every``), so the processes sharing a
    database agree on them, and a later round always has a larger name, even after the interval was
    changed. A round in progress is finished, never cut off; a failed one is logged and the next one comes."""
    every = every or app.settings.jobs_every_seconds
    leases = Leases(app.office)
    while not stop.is_set():
        round_ = round_at(time.time(), every)
        try:
            await jobs_round(app, leases, round_)
        except Exception:
            log.exception("round %d of the scheduled jobs failed", round_)
        try:
            await app.dispatcher.dispatch()
        except Exception:
            log.exception("delivering notifications failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), max(round_ + every - time.time(), 0))


def round_at(now: float, every: float) -> int:
    """The round of the scheduled jobs that the wall-clock time ``now`` falls in: the second it starts at."""
    return int(now // every * every)


async def jobs_round(app: App, leases: Leases, round_: int) -> JobsReport | None:
    """The scheduled jobs of ``round_`` if this process gets the round's lease (renewed while they run);
    ``None`` when another process has it."""
    if not await asyncio.to_thread(leases.take, JOBS_LEASE, JOBS_LEASE_SECONDS, round_=round_):
        log.debug("round %d of the scheduled jobs is another process's", round_)
        return None
    own_thread = ThreadPoolExecutor(1, thread_name_prefix="p2pstock-jobs")
    work = asyncio.get_running_loop().run_in_executor(
        own_thread, functools.partial(run_jobs, app, deliver=False)
    )
    try:
        while not (await asyncio.wait({work}, timeout=JOBS_LEASE_SECONDS / 3))[0]:
            if not await asyncio.to_thread(leases.take, JOBS_LEASE, JOBS_LEASE_SECONDS):
                log.warning("round %d of the scheduled jobs outlasted its lease", round_)
        report = work.result()
    finally:
        own_thread.shutdown(wait=False)  # never on the event loop: a cancelled round lets the loop go on
        await asyncio.wait({work})  # the lease is held until the jobs have ended, however the round ends
        await asyncio.to_thread(leases.release, JOBS_LEASE)
    log.info("round %d of the scheduled jobs ran in this process: %s", round_, "; ".join(report.lines()[1:]))
    return report


def settle_in(app: App, loop: asyncio.AbstractEventLoop | None = None) -> None:
    """What a long-running process does on its event loop (default: the running one) before the first
    update: database work runs in the worker threads chosen for the database (``P2PSTOCK_WORKER_THREADS``;
    the scheduled jobs have a thread of their own), and the objects loaded so far (modules, handlers,
    settings) are moved out of the garbage collector's way, so that its full collections no longer walk
    them (pauses of 40–70 ms every few thousand updates before; bench/README.md)."""
    threads = app.settings.threads_for_work
    if threads is not None:
        executor = ThreadPoolExecutor(threads, thread_name_prefix="p2pstock-work")
        (loop or asyncio.get_running_loop()).set_default_executor(executor)
    log.info("database work runs in %s worker threads", threads or "Python's default number of")
    gc.collect()
    gc.freeze()


def web_app(app: App, bot: BotApplication | None) -> web.Application:
    """The web server on ``app``: payment callbacks, health, the sandbox page, and ``bot`` behind the
    webhook when given."""

    gateway = app.payments.gateways.get("sandbox")
    return build_web_app(
        payments=app.payments,
        health=lambda: database_ok(app),
        webhook_secret=app.settings.webhook_secret,
        on_telegram_update=None if bot is None else _updates_to(bot),
        sandbox=gateway if isinstance(gateway, SandboxGateway) else None,
    )


def _updates_to(bot: BotApplication) -> Any:
    async def on_update(data: dict[str, Any]) -> None:
        try:
            update = Update.de_json(data, bot.bot)
        except (KeyError, TypeError, ValueError, RecursionError) as error:
            log.warning("update %s could not be read: %s", data.get("update_id"), type(error).__name__)
            raise BadUpdate(type(error).__name__) from None
        await bot.process_update(update)

    return on_update


async def start_bot(bot: BotApplication, app: App, *, webhook: bool) -> None:
    """Initialise and start ``bot`` (``getMe``), register its command menu and, for ``webhook``, the
    webhook ``{public_url}/telegram`` with the secret. Telegram unreachable or refusing the token raises
    ``CannotStart``."""
    try:
        await bot.initialize()
        if webhook:
            await bot.start()
            await bot.bot.set_webhook(
                f"{app.settings.public_url}/telegram",
                secret_token=app.settings.webhook_secret,
                allowed_updates=Update.ALL_TYPES,
            )
        if bot.post_init is not None:
            await bot.post_init(bot)  # the command menu (describe_commands), as run_polling does
    except TelegramError as error:
        raise _cannot_start(error, app) from None


def server(app: App, **bot_options: Any) -> web.Application:
    """The web server with its lifecycle: on start-up, with a bot token, the bot starts, registers its
    command menu and its webhook ``{public_url}/telegram`` with the secret; the rounds of scheduled jobs
    and deliveries begin. On shutdown both stop."""
    if app.settings.telegram_token and not app.settings.webhook_secret:
        raise InvalidInput("set P2PSTOCK_WEBHOOK_SECRET: Telegram must prove each update comes from it")
    bot = telegram_bot(app, **bot_options) if app.settings.telegram_token else None
    site = web_app(app, bot)

    async def lifecycle(_site: web.Application) -> AsyncIterator[None]:
        stop = asyncio.Event()
        settle_in(app)
        if bot is not None:
            await start_bot(bot, app, webhook=True)
        jobs = asyncio.create_task(run_jobs_until(stop, app))
        yield
        stop.set()
        await jobs
        if bot is not None:
            await bot.stop()
            await bot.shutdown()

    site.cleanup_ctx.append(lifecycle)
    return site


def serve(app: App) -> None:
    """``p2pstock serve``: the web server on ``web_host:web_port`` until interrupted."""
    web.run_app(server(app), host=app.settings.web_host, port=app.settings.web_port, print=None)


def poll(app: App) -> None:
    """The bot by long polling (development, or a host Telegram cannot reach), with the rounds of jobs;
    python-telegram-bot stops it on SIGINT or SIGTERM."""
    bot = telegram_bot(app)
    stop = asyncio.Event()
    jobs: list[asyncio.Task[None]] = []

    async def start_jobs(_bot: Any) -> None:
        jobs.append(asyncio.create_task(run_jobs_until(stop, app)))

    async def stop_jobs(_bot: Any) -> None:
        stop.set()
        await asyncio.gather(*jobs)

    bot.post_init = _chain(bot.post_init, start_jobs)
    bot.post_shutdown = _chain(bot.post_shutdown, stop_jobs)
    loop = asyncio.new_event_loop()  # run_polling runs on the current loop: settled before it starts
    asyncio.set_event_loop(loop)
    settle_in(app, loop)
    try:
        bot.run_polling(allowed_updates=Update.ALL_TYPES, drop_pending_updates=False)
    except TelegramError as error:
        raise _cannot_start(error, app) from None


def _cannot_start(error: TelegramError, app: App) -> CannotStart:
    if isinstance(error, InvalidToken):
        return CannotStart("Telegram refused the bot token (P2PSTOCK_TELEGRAM_TOKEN)")
    reason = str(error).replace(app.settings.telegram_token, "<token>")
    return CannotStart(f"cannot reach Telegram's Bot API at {app.settings.telegram_api_url}: {reason}")


def _chain(first: Any, then: Any) -> Any:
    async def both(application: Any) -> None:
        if first is not None:
            await first(application)
        await then(application)

    return both
