"""A local stand-in for the Telegram Bot API: answers the bot's calls as Telegram would and records them.

The demo drives the real bot application through it, and the webhook benchmark uses it so that only
p2pstock is measured. No network is touched: pass it as the bot's ``request``
(``build_application(services, token, request=LocalBotApi())``).
"""

from __future__ import annotations

import json
from typing import Any

from telegram.request import BaseRequest, RequestData

BOT_USER = {"id": 4242, "is_bot": True, "first_name": "p2pstock", "username": "p2pstock_bot"}
"""The bot's own account as ``getMe`` answers it."""

class LocalBotApi(BaseRequest):
    """Every call is recorded in ``calls`` as ``(method, parameters)``; files the bot downloads come from
    ``files`` (file id → bytes)."""

    def __init__(self, *, date: int = 1_772_400_000) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.files: dict[str, bytes] = {}
        self.date = date
        self._message_id = 1000

    @property
    def read_timeout(self) -> float | None:
        return 5.0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(  # noqa: PLR0917 - BaseRequest's signature
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        if "/file/bot" in url:
            return 200, self.files[url.rsplit("/", 1)[-1]]
        name = url.rsplit("/", 1)[-1]
        parameters = dict(request_data.parameters) if request_data is not None else {}
        self.calls.append((name, parameters))
        return 200, json.dumps({"ok": True, "result": self._answer(name, parameters)}).encode()

    def texts(self, since: int = 0) -> list[tuple[int, str]]:
        """``(chat id, text)`` of every message the bot sent or edited, from call ``since`` on."""
        return [
            (int(parameters.get("chat_id", 0)), str(parameters["text"]))
            for name, parameters in self.calls[since:]
            if name in ("sendMessage", "editMessageText") and "text" in parameters
        ]

    def _answer(self, name: str, parameters: dict[str, Any]) -> object:
        if name == "getMe":
            return BOT_USER
        if name.startswith("send") or name.startswith("edit"):
            if name.startswith("send"):
                self._message_id += 1
            message_id = int(parameters.get("message_id", self._message_id))
            chat = {"id": int(parameters.get("chat_id", 0)), "type": "private"}
            message: dict[str, Any] = {
                "message_id": message_id,
                "date": self.date,
                "chat": chat,
                "from": BOT_USER,
            }
            if "text" in parameters:
                message["text"] = parameters["text"]
            return message
        if name == "getFile":
            file_id = str(parameters["file_id"])
            return {"file_id": file_id, "file_unique_id": file_id, "file_path": f"documents/{file_id}"}
        if name == "getUpdates":
            return []
        return True  # answerCallbackQuery, setWebhook, setMyCommands, …
