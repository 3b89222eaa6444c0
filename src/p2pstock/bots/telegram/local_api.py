"""A local stand-in for the Telegram Bot API: answers the bot's calls as Telegram would and records them.

The demo drives the real bot application through it, and the webhook benchmark uses it so that only
p2pstock is measured. No network is touched: pass it as the bot's ``request``
(``build_application(services, token, request=LocalBotApi())``).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from telegram import Bot, Update
from telegram.request import BaseRequest, RequestData

MEDIA = MappingProxyType({"sendPhoto": "[photo]", "sendDocument": "[file]"})
"""How ``LocalBotApi.texts`` shows a photo or a file the bot sent (before its caption)."""
BOT_USER = {"id": 4242, "is_bot": True, "first_name": "p2pstock", "username": "p2pstock_bot"}
"""The bot's own account as ``getMe`` answers it."""


class LocalBotApi(BaseRequest):
    """Every call is recorded in ``calls`` as ``(method, parameters)``; files the bot downloads come from
    ``files`` (file id → bytes)."""

    def __init__(self, *, date: int = 1_772_400_000) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.files: dict[str, bytes] = {}
        self.message_ids: list[tuple[int, int]] = []
        """``(call index, message id)`` of every message a call sent or edited."""
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
        result = self._answer(name, parameters)
        if isinstance(result, dict) and "message_id" in result:
            self.message_ids.append((len(self.calls) - 1, int(result["message_id"])))
        return 200, json.dumps({"ok": True, "result": result}).encode()

    def texts(self, since: int = 0, media: Mapping[str, str] = MEDIA) -> list[tuple[int, str]]:
        """``(chat id, text)`` of every message the bot sent or edited, from call ``since`` on; a photo or a
        file shows as ``media`` names it (``[photo]`` or ``[file]``) before its caption."""
        shown = []
        for name, parameters in self.calls[since:]:
            chat = int(parameters.get("chat_id", 0))
            if name in ("sendMessage", "editMessageText") and "text" in parameters:
                shown.append((chat, str(parameters["text"])))
            elif name in media:
                shown.append((chat, f"{media[name]} {parameters.get('caption', '')}".rstrip()))
        return shown

    def buttons(self, since: int = 0) -> list[tuple[int, str, str]]:
        """``(message id, label, callback data)`` of every inline button the bot sent, from call ``since``."""
        found: list[tuple[int, str, str]] = []
        message_of = dict(self.message_ids)
        for index, (_name, parameters) in enumerate(self.calls):
            markup = parameters.get("reply_markup")
            keyboard = json.loads(markup) if isinstance(markup, str) else markup
            if index < since or not isinstance(keyboard, dict):
                continue
            message_id = message_of.get(index, 0)
            for row in keyboard.get("inline_keyboard", []):
                found.extend((message_id, b["text"], b["callback_data"]) for b in row if "callback_data" in b)
        return found

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


class LocalUser:
    """One Telegram user in a private chat with the bot: builds the updates their app would send."""

    def __init__(self, bot: Bot, user_id: int, first_name: str, *, language_code: str = "en") -> None:
        self.bot, self.id, self.first_name, self.language_code = bot, user_id, first_name, language_code
        self._ids = itertools.count(user_id * 1000)

    def _update(self, **content: Any) -> Update:
        update = Update.de_json({"update_id": next(self._ids), **content}, self.bot)
        if update is None:
            raise ValueError("not an update")
        return update

    def _user(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "is_bot": False,
            "first_name": self.first_name,
            "language_code": self.language_code,
        }

    def message(self, **fields: Any) -> Update:
        chat = {"id": self.id, "type": "private", "first_name": self.first_name}
        message = {"message_id": next(self._ids), "date": 1_772_400_000, "chat": chat, "from": self._user()}
        return self._update(message={**message, **fields})

    def command(self, line: str) -> Update:
        length = len(line.split(maxsplit=1)[0])
        return self.message(text=line, entities=[{"type": "bot_command", "offset": 0, "length": length}])

    def says(self, text: str) -> Update:
        return self.message(text=text)

    def shares_contact(self, phone: str) -> Update:
        return self.message(
            contact={"phone_number": phone, "first_name": self.first_name, "user_id": self.id}
        )

    def sends_photo(self, file_id: str, size: int) -> Update:
        photo = {
            "file_id": file_id,
            "file_unique_id": file_id,
            "width": 1280,
            "height": 853,
            "file_size": size,
        }
        return self.message(photo=[photo])

    def sends_document(self, file_id: str, size: int, mime_type: str, name: str) -> Update:
        document = {
            "file_id": file_id,
            "file_unique_id": file_id,
            "file_name": name,
            "mime_type": mime_type,
            "file_size": size,
        }
        return self.message(document=document)

    def presses(self, data: str, message_id: int) -> Update:
        chat = {"id": self.id, "type": "private"}
        message = {
            "message_id": message_id,
            "date": 1_772_400_000,
            "chat": chat,
            "from": BOT_USER,
            "text": "…",
        }
        query = {"id": str(next(self._ids)), "from": self._user(), "chat_instance": "1", "data": data}
        return self._update(callback_query={**query, "message": message})
