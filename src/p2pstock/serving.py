"""The long-running processes: the bot by polling (``p2pstock bot``) and the web server with the bot behind
its webhook (``p2pstock serve``). Both deliver Telegram notifications through the bot and run the
scheduled jobs (``p2pstock.jobs``) every ``JOBS_EVERY_SECONDS``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from aiohttp import web
from telegram import Update

from p2pstock.adapters.payments.sandbox import SandboxGateway
from p2pstock.bootstrap import App
from p2pstock.bots.telegram import BotServices, build_application
from p2pstock.bots.telegram.context import BotApplication
from p2pstock.bots.telegram.sender import TelegramSender
from p2pstock.bots.web import BadUpdate, build_web_app
from p2pstock.core.errors import InvalidInput
from p2pstock.core.notifications import Channel
from p2pstock.jobs import run_jobs

log = logging.getLogger(__name__)
JOBS_EVERY_SECONDS = 60


def telegram_bot(app: App, **options: Any) -> BotApplication:
    """The bot on ``app``'s services; Telegram notifications from now on go through it."""
    if not app.settings.telegram_token:
        raise InvalidInput("set P2PSTOCK_TELEGRAM_TOKEN to the token @BotFather gave the bot")
    bot = build_application(
        BotServices.of(app, payments=app.payments), app.settings.telegram_token, **options
    )
    app.dispatcher.senders = {**app.dispatcher.senders, Channel.TELEGRAM: TelegramSender(bot.bot)}
    return bot


def database_ok(app: App) -> bool:
    """A quick round trip to the database."""
    app.office.read(lambda tx: tx.uow.audit.records(0, 1))
    return True


async def run_jobs_until(stop: asyncio.Event, app: App, every: float = JOBS_EVERY_SECONDS) -> None:
    """The scheduled jobs every ``every`` seconds until ``stop`` is set; a round in progress is finished,
    never cut off. A failed round is logged and tried again next time."""
    while not stop.is_set():
        try:
            await asyncio.to_thread(run_jobs, app)
        except Exception:
            log.exception("a round of scheduled jobs failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), every)


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


def server(app: App, **bot_options: Any) -> web.Application:
    """The web server with its lifecycle: on start-up the scheduled jobs begin and, with a bot token, the bot
    starts and registers its webhook ``{public_url}/telegram`` with the secret; on shutdown both stop."""
    if app.settings.telegram_token and not app.settings.webhook_secret:
        raise InvalidInput("set P2PSTOCK_WEBHOOK_SECRET: Telegram must prove each update comes from it")
    bot = telegram_bot(app, **bot_options) if app.settings.telegram_token else None
    site = web_app(app, bot)

    async def lifecycle(_site: web.Application) -> AsyncIterator[None]:
        stop = asyncio.Event()
        jobs = asyncio.create_task(run_jobs_until(stop, app))
        if bot is not None:
            await bot.initialize()
            await bot.start()
            await bot.bot.set_webhook(
                f"{app.settings.public_url}/telegram",
                secret_token=app.settings.webhook_secret,
                allowed_updates=Update.ALL_TYPES,
            )
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
    """The bot by long polling (development, or a host Telegram cannot reach), with the scheduled jobs."""
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
    bot.run_polling(allowed_updates=Update.ALL_TYPES, drop_pending_updates=False)


def _chain(first: Any, then: Any) -> Any:
    async def both(application: Any) -> None:
        if first is not None:
            await first(application)
        await then(application)

    return both
