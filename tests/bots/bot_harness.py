"""Driving the Telegram bot without Telegram: a recording Bot API and updates shaped like the real ones.

``RecordingRequest`` is a ``telegram.request.BaseRequest`` that answers every Bot API call with canned
JSON (as Telegram would) and records the call; it can be told to fail the next call of a method.
``TelegramUser`` builds the updates one user's app would send. ``BotHarness`` builds the bot on a
platform the way production does (``build_application``), initialises it and feeds it updates through
``Application.process_update``; it collects any exception the bot raised (PTB only logs them) and
checks every button press was answered.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Awaitable, Callable, Collection, Iterator
from typing import Any

import attrs
import language_check
from telegram import Bot, Update
from telegram.error import TelegramError
from telegram.request import BaseRequest, RequestData

from p2pstock.bootstrap import App
from p2pstock.bots.telegram import BotServices, build_application
from p2pstock.bots.telegram.services import DepositLinks, UiStore
from p2pstock.bots.telegram.texts import language_from_telegram
from p2pstock.core.money import Money
from p2pstock.core.notifications import Channel
from p2pstock.core.payments import PaymentLink
from p2pstock.core.people.customers import Customer, KycStatus
from p2pstock.core.people.permissions import Administrator

TOKEN = "4242:AAsecret-test-token-never-logged"
BOT_USER = {
    "id": 4242,
    "is_bot": True,
    "first_name": "p2pstock",
    "username": "p2pstock_test_bot",
    "can_join_groups": False,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
DATE = 1_717_000_000
PHONE = "+8613812345678"


def _error(code: int, description: str, **parameters: object) -> tuple[int, dict[str, Any]]:
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return code, body


FORBIDDEN = _error(403, "Forbidden: bot was blocked by the user")
CHAT_NOT_FOUND = _error(400, "Bad Request: chat not found")
FLOOD = _error(429, "Too Many Requests: retry after 7", retry_after=7)
BAD_GATEWAY = _error(502, "Bad Gateway")


class RecordingRequest(BaseRequest):
    """A Bot API that never touches the network: canned answers, every call recorded."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.files: dict[str, bytes] = {}
        self.failures: dict[str, list[tuple[int, dict[str, Any]] | TelegramError]] = {}
        self.answered: list[str] = []
        self.blocked_by: set[int] = set()
        """Users who blocked the bot: sending to them is forbidden."""
        self._message_id = 9000

    @property
    def read_timeout(self) -> float | None:
        return 5.0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    def fail_next(self, method: str, failure: tuple[int, dict[str, Any]] | TelegramError) -> None:
        self.failures.setdefault(method, []).append(failure)

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
            path = url.split("/file/bot", 1)[1].split("/", 1)[1]
            self.calls.append(("download", {"path": path}))
            return 200, self.files[path.rsplit("/", 1)[-1]]
        name = url.rsplit("/", 1)[-1]
        parameters = dict(request_data.parameters) if request_data is not None else {}
        if request_data is not None and request_data.contains_files:
            parameters["files"] = {
                part: (upload[0], upload[1]) for part, upload in request_data.multipart_data.items()
            }
        self.calls.append((name, parameters))
        if name.startswith("send") and parameters.get("chat_id") in self.blocked_by:
            code, body = FORBIDDEN
            return code, json.dumps(body).encode()
        if self.failures.get(name):
            failure = self.failures[name].pop(0)
            if isinstance(failure, TelegramError):
                raise failure
            code, body = failure
            return code, json.dumps(body).encode()
        if name == "answerCallbackQuery":
            query_id = str(parameters["callback_query_id"])
            if query_id in self.answered:  # as Telegram does
                code, body = _error(400, "Bad Request: query is too old and response timeout expired")
                return code, json.dumps(body).encode()
            self.answered.append(query_id)
        return 200, json.dumps({"ok": True, "result": self._answer(name, parameters)}).encode()

    def _answer(self, name: str, parameters: dict[str, Any]) -> object:
        if name == "getMe":
            return BOT_USER
        if name in ("sendMessage", "sendPhoto", "sendDocument"):
            self._message_id += 1
            return self._message(self._message_id, parameters, name)
        if name in ("editMessageText", "editMessageReplyMarkup"):
            return self._message(int(parameters.get("message_id", 1)), parameters, name)
        if name == "getFile":
            file_id = str(parameters["file_id"])
            return {
                "file_id": file_id,
                "file_unique_id": f"u-{file_id}",
                "file_size": len(self.files[file_id]),
                "file_path": f"documents/{file_id}",
            }
        if name == "getUpdates":
            return []
        return True

    @staticmethod
    def _message(message_id: int, parameters: dict[str, Any], name: str) -> dict[str, Any]:
        chat_id = int(parameters.get("chat_id", 1))
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": DATE,
            "chat": {"id": chat_id, "type": "private"},
            "from": BOT_USER,
        }
        if "text" in parameters:
            message["text"] = parameters["text"]
        if name == "sendPhoto":
            message["photo"] = [{"file_id": "sent-photo", "file_unique_id": "sp", "width": 1, "height": 1}]
        if name == "sendDocument":
            message["document"] = {"file_id": "sent-document", "file_unique_id": "sd"}
        if "caption" in parameters:
            message["caption"] = parameters["caption"]
        return message

    # -- reading what the bot did --------------------------------------------------------------------

    def of(self, method: str) -> list[dict[str, Any]]:
        return [parameters for name, parameters in self.calls if name == method]

    def texts(self) -> list[str]:
        """Every text the bot sent or edited in, in order."""
        return [
            str(parameters["text"])
            for name, parameters in self.calls
            if name in ("sendMessage", "editMessageText") and "text" in parameters
        ]

    def last_text(self) -> str:
        return self.texts()[-1]

    def mark(self) -> int:
        return len(self.calls)

    def since(self, mark: int) -> list[tuple[str, dict[str, Any]]]:
        return self.calls[mark:]

    def texts_since(self, mark: int) -> list[str]:
        return [
            str(parameters["text"])
            for name, parameters in self.since(mark)
            if name in ("sendMessage", "editMessageText") and "text" in parameters
        ]


def buttons(parameters: dict[str, Any]) -> list[dict[str, Any]]:
    """The inline buttons of a sent message, row after row."""
    markup = parameters.get("reply_markup") or {}
    if isinstance(markup, str):
        markup = json.loads(markup)
    return [button for row in markup.get("inline_keyboard", []) for button in row]


def button_data(parameters: dict[str, Any]) -> list[str]:
    return [button["callback_data"] for button in buttons(parameters) if "callback_data" in button]


@attrs.define
class Counter:
    value: int

    def next(self) -> int:
        self.value += 1
        return self.value


UPDATE_IDS = Counter(1000)
MESSAGE_IDS = Counter(100)


@attrs.define
class TelegramUser:
    """One Telegram user of the bot, in a private chat; builds the updates their app sends."""

    bot: Bot
    id: int = 1001
    first_name: str = "Li"
    language_code: str | None = "zh-hans"
    group: dict[str, Any] | None = None
    """The group chat this user writes in, instead of the private chat with the bot."""

    def in_group(self, chat_id: int = -100123) -> TelegramUser:
        return attrs.evolve(self, group={"id": chat_id, "type": "supergroup", "title": "friends"})

    def user(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.language_code is not None:
            data["language_code"] = self.language_code
        return data

    def chat(self) -> dict[str, Any]:
        if self.group is not None:
            return self.group
        return {"id": self.id, "type": "private", "first_name": self.first_name}

    def _update(self, **content: Any) -> Update:
        update = Update.de_json({"update_id": UPDATE_IDS.next(), **content}, self.bot)
        assert update is not None
        return update

    def message(self, **fields: Any) -> Update:
        message = {
            "message_id": MESSAGE_IDS.next(),
            "date": DATE,
            "chat": self.chat(),
            "from": self.user(),
            **fields,
        }
        return self._update(message=message)

    def command(self, line: str) -> Update:
        command = line.split(maxsplit=1)[0]
        return self.message(
            text=line, entities=[{"type": "bot_command", "offset": 0, "length": len(command)}]
        )

    def says(self, text: str) -> Update:
        return self.message(text=text)

    def shares_contact(self, phone: str, *, owner: int | None = -1) -> Update:
        contact: dict[str, Any] = {"phone_number": phone, "first_name": self.first_name}
        owner_id = self.id if owner == -1 else owner
        if owner_id is not None:
            contact["user_id"] = owner_id
        return self.message(contact=contact)

    def sends_photo(self, file_id: str, size: int) -> Update:
        photo = [
            {
                "file_id": f"{file_id}-small",
                "file_unique_id": "s",
                "width": 90,
                "height": 60,
                "file_size": 900,
            },
            {"file_id": file_id, "file_unique_id": "l", "width": 1280, "height": 853, "file_size": size},
        ]
        return self.message(photo=photo)

    def sends_document(self, file_id: str, size: int, mime_type: str, name: str = "scan.pdf") -> Update:
        document = {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_name": name,
            "mime_type": mime_type,
            "file_size": size,
        }
        return self.message(document=document)

    def presses(self, data: str, *, message_id: int = 9001, text: str = "…") -> Update:
        message = {
            "message_id": message_id,
            "date": DATE,
            "chat": self.chat(),
            "from": BOT_USER,
            "text": text,
        }
        query = {
            "id": f"cq{UPDATE_IDS.value + 1}",
            "from": self.user(),
            "chat_instance": f"ci{self.id}",
            "data": data,
            "message": message,
        }
        return self._update(callback_query=query)


class FakePayments:
    """A payment service that hands out links and remembers the deposits started."""

    def __init__(self) -> None:
        self.started: list[tuple[str, Money]] = []

    def start_deposit(self, customer_id: str, amount: Money) -> PaymentLink:
        self.started.append((customer_id, amount))
        order = f"order-{len(self.started)}"
        return PaymentLink(order, f"https://pay.example.com/{order}")


class DictUiStore:
    """A ``UiStore`` in a dict, counting writes."""

    def __init__(self) -> None:
        self.rows: dict[str, str] = {}
        self.writes = 0
        self.turns: set[str] = set()

    def get(self, key: str) -> str | None:
        return self.rows.get(key)

    def put(self, key: str, value: str) -> None:
        self.writes += 1
        self.rows[key] = value

    def delete(self, key: str) -> None:
        self.writes += 1
        self.rows.pop(key, None)

    def items(self, prefix: str) -> dict[str, str]:
        return {k: v for k, v in self.rows.items() if k.startswith(prefix)}

    def get_many(self, keys: Collection[str]) -> dict[str, str]:
        return {k: self.rows[k] for k in keys if k in self.rows}

    def take_turn(self, key: str, seconds: float) -> bool:
        if key in self.turns:
            return False
        self.turns.add(key)
        return True

    def end_turn(self, key: str) -> None:
        self.turns.discard(key)


class BotHarness:
    """The bot built on ``platform`` with a recording Bot API; use ``async with``."""

    def __init__(
        self,
        platform: Any,
        *,
        payments: DepositLinks | None = None,
        persistence: bool = True,
        services: BotServices | None = None,
        ui_state: UiStore | None = None,
    ) -> None:
        self.request = RecordingRequest()
        self.platform = platform
        self.services = services or BotServices.of(platform, payments=payments)
        if ui_state is not None:
            self.services = attrs.evolve(self.services, ui_state=ui_state)
        self.application = build_application(
            self.services, TOKEN, request=self.request, persistence=persistence
        )
        self.errors: list[BaseException] = []
        self.pressed: list[str] = []
        self.typed: list[str] = []
        """What users wrote (texts, captions, names, files' names): it may come back in any language."""
        self.heard: list[tuple[int, str, str]] = []
        """(chat, the language its reader reads, text) of everything a user read: messages, captions,
        button labels, toasts."""
        self._apps: dict[int, str | None] = {}
        self._names: list[str] = []
        self._pressers: dict[str, int] = {}

        async def collect(update: object, context: Any) -> None:
            if context.error is not None:
                self.errors.append(context.error)

        self.application.add_error_handler(collect)

    @property
    def bot(self) -> Bot:
        return self.application.bot

    def user(self, user_id: int = 1001, **fields: Any) -> TelegramUser:
        return TelegramUser(self.bot, user_id, **fields)

    async def __aenter__(self) -> BotHarness:
        await self.application.initialize()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.application.shutdown()

    async def send(self, update: Update) -> None:
        if update.callback_query is not None:
            self.pressed.append(update.callback_query.id)
            self._pressers[update.callback_query.id] = update.callback_query.from_user.id
        if update.effective_user is not None:
            self._apps[update.effective_user.id] = update.effective_user.language_code
            self.typed.append(update.effective_user.first_name)
        if update.message is not None:
            document = update.message.document
            self.typed += [update.message.text or "", update.message.caption or ""]
            self.typed.append(document.file_name or "" if document else "")
        if not self._names:  # the names things had before the scenario changed any
            self._names = await asyncio.to_thread(self.names)
        mark = self.request.mark()
        await self.application.process_update(update)
        self._hear(self.request.since(mark))

    def _hear(self, calls: list[tuple[str, dict[str, Any]]]) -> None:
        for _method, parameters in calls:
            chat = parameters.get("chat_id") or self._pressers.get(str(parameters.get("callback_query_id")))
            lang = self._reads(int(chat)) if chat is not None else None
            if lang is None:
                continue
            texts = [
                parameters.get("text"),
                parameters.get("caption"),
                *(b["text"] for b in buttons(parameters)),
            ]
            self.heard += [(int(chat), lang, text) for text in texts if isinstance(text, str)]

    def _reads(self, chat: int) -> str | None:
        """The language the user of private chat ``chat`` reads now (None for a group or a stranger)."""
        customer = self.platform.customers.by_telegram(chat) if chat > 0 else None
        if customer is not None:
            return customer.language
        return language_from_telegram(self._apps[chat]) if chat in self._apps else None

    def names(self) -> list[str]:
        """The names and codes of things, which users read as they were given: products (name, code),
        customers (id, real name), administrators and custom roles."""

        def read(tx: Any) -> list[str]:
            products = [*tx.uow.products.newest(), *tx.uow.loan_products.newest()]
            customers = [c for status in KycStatus for c in tx.uow.customers.in_status(status, 1000)]
            return [
                *(name for e in products for name in (e.product.name, e.product.code)),
                *(name for c in customers for name in (c.id, c.real_name)),
                *(admin.id for admin in tx.uow.staff.all()),
                *tx.uow.staff.custom_roles(),
            ]

        return self.platform.office.read(read)

    def check(self) -> None:
        """No exception escaped a handler, every button press was answered (Telegram refuses a second
        answer), and every message reads in its reader's language (``language_check``)."""
        assert self.errors == []
        assert sorted(self.request.answered) == sorted(self.pressed)
        data = [*self.typed, *self._names, *self.names()]
        foreign = [str(problem) for problem in language_check.problems(self.heard, data)]
        assert not foreign, "read in the wrong language:\n" + "\n".join(foreign)


Scenario = Callable[[BotHarness, TelegramUser], Awaitable[None]]


def play(app: App, scenario: Scenario, **harness: object) -> BotHarness:
    """Run ``scenario`` against a fresh bot for one user; check nothing escaped and every button press
    was answered."""

    async def main() -> BotHarness:
        async with BotHarness(app, **harness) as bot:  # type: ignore[arg-type]
            await scenario(bot, bot.user())
            bot.check()
            return bot

    return asyncio.run(main())


def sms(app: App) -> list[tuple[str, str]]:
    return list(app.dispatcher.senders[Channel.SMS].sent)  # type: ignore[attr-defined]


async def code_texted(app: App) -> str:
    await app.dispatcher.dispatch()
    [code] = re.findall(r"\b([0-9]{6})\b", sms(app)[-1][1])
    return code


async def verify_phone(app: App, bot: BotHarness, user: TelegramUser) -> None:
    await bot.send(user.command("/phone"))
    await bot.send(user.shares_contact(PHONE.removeprefix("+")))
    await bot.send(user.says(await code_texted(app)))


def customer_of(app: App, user_id: int = 1001) -> Customer:
    customer = app.customers.by_telegram(user_id)
    assert customer is not None
    return customer


def outgoing(request: RecordingRequest, since: int = 0) -> Iterator[str]:
    """The names of the Bot API methods called since ``since``."""
    return (name for name, _ in request.since(since))


# -- administrators -----------------------------------------------------------------------------------


def as_admin(bot: BotHarness, telegram_id: int, language: str = "en") -> TelegramUser:
    """An administrator's Telegram account, its app in ``language``."""
    return bot.user(telegram_id, first_name="Admin", language_code=language)


def staff_of(app: App, by: str = "root") -> dict[str, Administrator]:
    """Every administrator by id, as ``by`` (a super admin) reads them."""
    return {a.id: a for a in app.staff.administrators(by=by)}


def sent_since(bot: BotHarness, mark: int) -> list[dict[str, Any]]:
    return [parameters for name, parameters in bot.request.since(mark) if name == "sendMessage"]


def toasts(bot: BotHarness) -> list[object]:
    """What each button press was answered with (None: answered without a word)."""
    return [answer.get("text") for answer in bot.request.of("answerCallbackQuery")]


async def approve_in_queue(bot: BotHarness, checker: TelegramUser, approval_id: str) -> None:
    """A second administrator opens the approvals queue and approves ``approval_id`` from it."""
    mark = bot.request.mark()
    await bot.send(checker.presses("a:menu:approvals"))
    [listing] = [p for p in sent_since(bot, mark) if str(p["text"]).startswith(f"Approval {approval_id}")]
    assert button_data(listing) == [f"a:ap_ok:{approval_id}", f"a:ap_no:{approval_id}"]
    await bot.send(checker.presses(f"a:ap_ok:{approval_id}"))
    assert bot.request.last_text() == f"Approval {approval_id} approved; the action was carried out."
