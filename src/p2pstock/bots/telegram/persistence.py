"""The bot's memory across restarts: which step each chat is in, kept as JSON in the platform storage.

``UiStatePersistence`` is a ``telegram.ext.BasePersistence`` over a ``UiStore`` (``uow.ui_state``).
It keeps only UI state — conversation states and the small ``user_data``/``chat_data``/``bot_data``
the handlers write (a half-typed step, statement page cursors) — never balances or records, which
live in the database's own tables. Keys::

    <prefix>user:<user id>        user_data of one user
    <prefix>chat:<chat id>        chat_data of one chat
    <prefix>bot                   bot_data
    <prefix>conv:<name>:<key>     the state of conversation ``name`` for ``key`` (a JSON list of ids)

The application hands changes over every ``update_interval`` seconds and when it shuts down; a value
equal to the one last written is not written again. Storage calls run off the event loop. Callback
data is not stored (the bot writes its own short button data, see callbacks.py).
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from telegram.ext import BasePersistence, PersistenceInput

from p2pstock.bots.telegram.services import UiStore

Data = dict[Any, Any]
ConversationKey = tuple[int | str, ...]
ConversationDict = dict[ConversationKey, object]
CDCData = tuple[list[tuple[str, float, dict[str, Any]]], dict[str, str]]
"""The shapes ``BasePersistence`` speaks in (as telegram.ext types them)."""


def _dump(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


class UiStatePersistence(BasePersistence[Data, Data, Data]):
    """``BasePersistence`` storing JSON through ``store`` under keys starting with ``prefix``."""

    def __init__(self, store: UiStore, *, prefix: str = "tg:", update_interval: float = 5) -> None:
        super().__init__(
            store_data=PersistenceInput(bot_data=True, chat_data=True, user_data=True, callback_data=False),
            update_interval=update_interval,
        )
        self.store = store
        self.prefix = prefix
        self._written: dict[str, str | None] = {}

    # -- reading, when the application starts ------------------------------------------------------

    async def get_user_data(self) -> dict[int, Data]:
        return await self._load_by_id("user:")

    async def get_chat_data(self) -> dict[int, Data]:
        return await self._load_by_id("chat:")

    async def get_bot_data(self) -> Data:
        key = f"{self.prefix}bot"
        value = await asyncio.to_thread(self.store.get, key)
        self._written[key] = value
        loaded = json.loads(value) if value is not None else {}
        return loaded if isinstance(loaded, dict) else {}

    async def get_callback_data(self) -> CDCData | None:
        return None

    async def get_conversations(self, name: str) -> ConversationDict:
        prefix = f"{self.prefix}conv:{name}:"
        rows = await asyncio.to_thread(self.store.items, prefix)
        conversations: ConversationDict = {}
        for key, value in rows.items():
            self._written[key] = value
            conversations[tuple(json.loads(key[len(prefix) :]))] = json.loads(value)
        return conversations

    async def _load_by_id(self, kind: str) -> dict[int, Data]:
        prefix = f"{self.prefix}{kind}"
        rows = await asyncio.to_thread(self.store.items, prefix)
        loaded: dict[int, Data] = {}
        for key, value in rows.items():
            self._written[key] = value
            data = json.loads(value)
            if isinstance(data, dict):
                loaded[int(key[len(prefix) :])] = data
        return loaded

    # -- writing, when the application hands changes over ------------------------------------------

    async def update_user_data(self, user_id: int, data: Data) -> None:
        await self._put(f"{self.prefix}user:{user_id}", _dump(data) if data else None)

    async def update_chat_data(self, chat_id: int, data: Data) -> None:
        await self._put(f"{self.prefix}chat:{chat_id}", _dump(data) if data else None)

    async def update_bot_data(self, data: Data) -> None:
        await self._put(f"{self.prefix}bot", _dump(data) if data else None)

    async def update_callback_data(self, data: CDCData) -> None:
        return None

    async def update_conversation(self, name: str, key: ConversationKey, new_state: object | None) -> None:
        row = f"{self.prefix}conv:{name}:{_dump(list(key))}"
        await self._put(row, None if new_state is None else _dump(new_state))

    async def drop_user_data(self, user_id: int) -> None:
        await self._put(f"{self.prefix}user:{user_id}", None)

    async def drop_chat_data(self, chat_id: int) -> None:
        await self._put(f"{self.prefix}chat:{chat_id}", None)

    async def refresh_user_data(self, user_id: int, user_data: Data) -> None:
        """Nothing: one bot process owns its chats' UI state, which it loaded at start."""

    async def refresh_chat_data(self, chat_id: int, chat_data: Data) -> None:
        """Nothing (see ``refresh_user_data``)."""

    async def refresh_bot_data(self, bot_data: Data) -> None:
        """Nothing (see ``refresh_user_data``)."""

    async def flush(self) -> None:
        """Nothing: every change is written when it is handed over."""

    async def _put(self, key: str, value: str | None) -> None:
        """Write ``value`` under ``key`` (``None`` deletes), unless it is what the storage holds already:
        what was loaded at start (the application loads everything it persists when it initialises)
        or written since; a key never seen is not stored."""
        if self._written.get(key) == value:
            return
        if value is None:
            await asyncio.to_thread(self.store.delete, key)
        else:
            await asyncio.to_thread(self.store.put, key, value)
        self._written[key] = value
