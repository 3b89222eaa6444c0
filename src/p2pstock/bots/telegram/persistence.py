"""The bot's memory: which step each chat is in, kept as JSON in the platform storage, shared by every bot
process on that storage.

``UiStatePersistence`` is a ``telegram.ext.BasePersistence`` over a ``UiStore`` (``uow.ui_state``).
It keeps only UI state — conversation states and the small ``user_data``/``chat_data``/``bot_data``
the handlers write (a half-typed step, statement page cursors) — never balances or records, which
live in the database's own tables. Keys::

    <prefix>user:<user id>        user_data of one user
    <prefix>chat:<chat id>        chat_data of one chat
    <prefix>bot                   bot_data
    <prefix>conv:<name>:<key>     the state of conversation ``name`` for ``key`` (a JSON list of ids)
    <prefix>turn:<chat id>        the chat's turn (``Leases.take_turn``: a lease, or on a SQLite file a lock
                                  of the machine; see ``p2pstock.core.leases``)

**Several processes.** python-telegram-bot reads the stored state once, when the application starts, and
keeps it in memory. So that a conversation begun in one process goes on in another, each update is
handled in its chat's turn (``turn``, which ``BotApplication.process_update`` enters): the process takes
the chat's turn (waiting while another process holds it) and reads the chat's state from the storage into
the application — the user's and the chat's data and the chat's state in each persistent conversation;
both in one hand-off to a worker thread —, handles the update and writes what changed back before it lets
the turn go. Two updates of one chat reaching two processes at once — or one process, which takes them in
turn with a lock of its own — are therefore handled one after the other, each on the state the other left.
A process that dies inside a turn frees the chat: at once on a SQLite file (the operating system lets its
lock go), else when its lease runs out (``TURN_SECONDS``).

A value equal to the one last read or written is not written again. Storage calls run off the event loop.
Callback data is not stored (the bot writes its own short button data, see callbacks.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator
from typing import Any

from telegram import Update
from telegram.ext import Application, BasePersistence, ConversationHandler, PersistenceInput
from telegram.ext._utils.trackingdict import TrackingDict

from p2pstock.bots.telegram.services import UiStore

Data = dict[Any, Any]
ConversationKey = tuple[int | str, ...]
ConversationDict = dict[ConversationKey, object]
CDCData = tuple[list[tuple[str, float, dict[str, Any]]], dict[str, str]]
"""The shapes ``BasePersistence`` speaks in (as telegram.ext types them)."""
States = dict[str, tuple[ConversationHandler, ConversationKey]]  # type: ignore[type-arg]
"""A chat's state in each persistent conversation: its row, the conversation and the chat's key there."""


TURN_SECONDS = 60
"""How long a chat's turn lasts where it is a lease: a process that died while handling an update frees the
chat after it."""
TURN_WAIT_SECONDS = 75
"""How long an update waits for its chat's turn before it is given up with ``ChatBusy`` (the webhook then
answers 500, and Telegram sends the update again later): longer than a turn, so that the turn of a process
that died always runs out while the next update of the chat waits."""
_TURN_POLL_SECONDS = 0.05


class ChatBusy(RuntimeError):
    """Another process held the chat's turn for longer than an update waits."""


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
        self._local: dict[str, tuple[asyncio.Lock, int]] = {}

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
        """Nothing: ``turn`` read the user's data before the update was handled."""

    async def refresh_chat_data(self, chat_id: int, chat_data: Data) -> None:
        """Nothing (see ``refresh_user_data``)."""

    async def refresh_bot_data(self, bot_data: Data) -> None:
        """Nothing: the bot keeps no bot_data."""

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

    # -- one update at a time per chat, across processes ------------------------------------------------

    @contextlib.asynccontextmanager
    async def turn(self, application: Application, update: Update) -> AsyncIterator[None]:  # type: ignore[type-arg]
        """Handle ``update`` (inside the ``with`` block) in its chat's turn, on the chat's stored state;
        what the handling changed is stored before the turn is let go."""
        chat, user = update.effective_chat, update.effective_user
        if chat is None or user is None:
            yield
            return
        key = f"{self.prefix}turn:{chat.id}"
        states = self._conversation_rows(application, update)
        keys = [f"{self.prefix}user:{user.id}", f"{self.prefix}chat:{chat.id}", *states]
        async with self._local_turn(key):  # the storage's turn is this process's: its updates take turns too
            rows = await self._wait_for_turn(key, keys)
            try:
                self._written.update({each: rows.get(each) for each in keys})
                _replace(application.user_data[user.id], rows.get(keys[0]))
                _replace(application.chat_data[chat.id], rows.get(keys[1]))
                _load_states(states, rows)
                yield
                await application.update_persistence()
            finally:
                await asyncio.to_thread(self.store.end_turn, key)

    @contextlib.asynccontextmanager
    async def _local_turn(self, key: str) -> AsyncIterator[None]:
        """One update of the chat ``key`` at a time in this process (a lock per chat, dropped when no
        update of that chat is in or waiting)."""
        lock, users = self._local.get(key, (asyncio.Lock(), 0))
        self._local[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._local[key]
            if users == 1:
                del self._local[key]
            else:
                self._local[key] = (lock, users - 1)

    async def _wait_for_turn(self, key: str, keys: list[str]) -> dict[str, str]:
        """The turn ``key`` taken, and the stored ones of ``keys`` (the chat's state) read in it."""
        deadline = time.monotonic() + TURN_WAIT_SECONDS
        while (rows := await asyncio.to_thread(self._take_and_read, key, keys)) is None:
            if time.monotonic() > deadline:
                raise ChatBusy(f"{key} stayed busy for {TURN_WAIT_SECONDS} s")
            await asyncio.sleep(_TURN_POLL_SECONDS)
        return rows

    def _take_and_read(self, key: str, keys: list[str]) -> dict[str, str] | None:
        """In a worker thread (one hand-off): the turn ``key`` if it is free, then ``keys`` read."""
        if not self.store.take_turn(key, TURN_SECONDS):
            return None
        try:
            return self.store.get_many(keys)
        except BaseException:
            self.store.end_turn(key)
            raise

    def _conversation_rows(self, application: Application, update: Update) -> States:  # type: ignore[type-arg]
        """The row of ``update``'s chat's state in each persistent conversation."""
        return {
            f"{self.prefix}conv:{handler.name}:{_dump(list(state_key))}": (handler, state_key)
            for handler in _persistent_conversations(application)
            for state_key in [handler._get_key(update)]
        }


def _persistent_conversations(application: Application) -> list[ConversationHandler]:  # type: ignore[type-arg]
    return [
        handler
        for handlers in application.handlers.values()
        for handler in handlers
        if isinstance(handler, ConversationHandler) and handler.persistent and handler.name
    ]


def _load_states(states: States, rows: dict[str, str]) -> None:
    """Each conversation's state for the chat made what ``rows`` hold, replacing what the application held
    in memory (another process may have moved the conversation on since)."""
    for row, (handler, state_key) in states.items():
        # PTB keeps each conversation's states in the handler's TrackingDict; set without marking them
        # changed (they are what the storage holds).
        conversations = handler._conversations
        if not isinstance(conversations, TrackingDict):
            raise TypeError("the conversation was not initialised with the persistence")
        if row in rows:
            conversations.update_no_track({state_key: json.loads(rows[row])})
        else:
            conversations.data.pop(state_key, None)  # UserDict: its dict, untracked


def _replace(data: Data, stored: str | None) -> None:
    """``data`` (the application's own dict for a user or a chat) made what ``stored`` holds."""
    loaded = json.loads(stored) if stored is not None else {}
    data.clear()
    data.update(loaded if isinstance(loaded, dict) else {})
