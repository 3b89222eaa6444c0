"""A Bot API stand-in on a loopback port, for processes started by a test: ``serve`` or ``bot`` pointed at
it with ``P2PSTOCK_TELEGRAM_API_URL`` talks to it as to Telegram. It answers as ``LocalBotApi`` does and
keeps every call, in a thread of its own; ``getUpdates`` hands out the updates ``deliver`` queued (and,
with none waiting, answers an empty list after a moment, as a long poll would)."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
from typing import Any

from aiohttp import web

from p2pstock.bots.telegram.local_api import LocalBotApi


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class LoopbackBotApi:
    """``with LoopbackBotApi() as api:`` serves at ``api.url`` until the block ends."""

    def __init__(self) -> None:
        self.api = LocalBotApi()
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._lock = threading.Lock()
        self._ready = threading.Event()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._updates: list[dict[str, Any]] = []

    def deliver(self, update: dict[str, Any]) -> None:
        """``update`` handed to the bot at its next ``getUpdates``."""
        with self._lock:
            self._updates.append(update)

    @property
    def calls(self) -> list[tuple[str, dict[str, Any]]]:
        with self._lock:
            return list(self.api.calls)

    def texts_to(self, chat_id: int) -> list[str]:
        with self._lock:
            return [text for chat, text in self.api.texts() if chat == chat_id]

    def buttons(self) -> list[tuple[int, str, str]]:
        with self._lock:
            return self.api.buttons()

    async def _answer(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if request.content_type == "application/json":
            parameters = await request.json()
        else:
            parameters = {key: str(value) for key, value in (await request.post()).items()}
        if method == "getUpdates":
            return await self._updates_after(int(parameters.get("offset") or 0))
        with self._lock:
            self.api.calls.append((method, parameters))
            result = self.api._answer(method, parameters)
            if isinstance(result, dict) and "message_id" in result:
                self.api.message_ids.append((len(self.api.calls) - 1, int(result["message_id"])))
        return web.Response(text=json.dumps({"ok": True, "result": result}), content_type="application/json")

    async def _updates_after(self, offset: int) -> web.Response:
        with self._lock:
            self._updates = [update for update in self._updates if update["update_id"] >= offset]
            waiting = list(self._updates)
        if not waiting:
            await asyncio.sleep(0.2)
        return web.Response(text=json.dumps({"ok": True, "result": waiting}), content_type="application/json")

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._answer)
        runner = web.AppRunner(app, access_log=None)
        self._loop.run_until_complete(runner.setup())
        self._loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", self.port).start())
        self._ready.set()
        self._loop.run_forever()
        self._loop.run_until_complete(runner.cleanup())

    def __enter__(self) -> LoopbackBotApi:
        self._thread.start()
        self._ready.wait(10)
        return self

    def __exit__(self, *exc: object) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
