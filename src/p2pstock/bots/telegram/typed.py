"""Steps that wait for what a customer or an administrator sends — an amount, a name, a code, a line
typed; a contact shared; a photo or a file — declared as data, from which both conversations' states are
built (``states``).

Every such step opens the same way: who sent it, what the step waits with (still there, still valid), the
message read into a value or refused with the reason (the step waits again), then what the value is for:
the next question, a preview kept pending under a token with its ✅ / ✖️ keyboard (confirming.py), or a
call. A module declares its steps as ``TypedStep``s; the conversation turns the list into its states::

    TypedStep(state, key, waiting, parse, then, reads=TEXT)
        message ──► waiting(typed) ──► parse(typed, waiting) ──► then(typed, waiting, value) ──► next state
                     (lost: told, END         (Again, or core's refusal of the input: told, the state kept;
                      or a state to re-ask)    any other refusal: told, END)

A step is a customer's unless its ``sender`` says otherwise (an administrator's: admin_steps.typing).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Generic, NoReturn, TypeVar

import attrs
from telegram import Message, Update
from telegram.ext import BaseHandler, ConversationHandler, MessageHandler, filters

from p2pstock.bots.telegram.context import BotContext, Data, customer_of, handled, message_of, say
from p2pstock.bots.telegram.errors import error_text
from p2pstock.bots.telegram.press import Press
from p2pstock.bots.telegram.texts import text
from p2pstock.core.errors import InvalidInput, P2PStockError
from p2pstock.core.money import Money
from p2pstock.core.people.customers import Customer
from p2pstock.core.people.permissions import Administrator

W = TypeVar("W")
T = TypeVar("T")
END = ConversationHandler.END
TEXT = filters.TEXT & ~filters.COMMAND
"""What a typed step reads: text that is not a command."""


@attrs.frozen
class Typed(Press):
    """A message sent in a step that waits under ``key`` of the sender's UI state: a press by the customer
    or administrator who sent it, about the ``subject`` of what the step waits with (``waiting``)."""

    update: Update = attrs.field(kw_only=True)
    context: BotContext = attrs.field(kw_only=True)
    key: str | None = attrs.field(kw_only=True)

    @property
    def message(self) -> Message:
        return message_of(self.update)

    @property
    def text(self) -> str:
        return self.message.text or ""

    @property
    def token(self) -> int:
        """The id of the message typed: the token of what it completes."""
        return self.message.message_id

    @property
    def state(self) -> Data:
        return self.context.user_state

    @property
    def stored(self) -> object:
        """What the step waits with (None when it waits with nothing)."""
        return self.state.get(self.key) if self.key else None

    def forget(self) -> None:
        if self.key:
            self.state.pop(self.key, None)

    async def say(self, message: str, markup: Any = None) -> None:
        await say(self.update, self.context, message, markup)

    async def tell(self, key: str, markup: Any = None, **values: object) -> None:
        """Say text ``key`` in the sender's language."""
        await self.say(text(key, self.lang, **values), markup)

    async def ended(self, key: str, markup: Any = None, **values: object) -> int:
        """Tell text ``key``: the last word of this step (the conversation's END)."""
        await self.tell(key, markup, **values)
        return END

    async def lost(self, key: str, state: object = END, markup: Any = None, **values: object) -> NoReturn:
        """What the step waited with is gone: say so (text ``key``) and go to ``state``."""
        await self.tell(key, markup, **values)
        handled(state)

    async def to_confirm(self, step: Mapping[str, object], message: str, markup: Any) -> object:
        """Keep ``step`` pending under the key, named by this message's token; show it with ✅ / ✖️."""
        if self.key is None:
            raise TypeError("a step that keeps nothing has nothing to confirm")
        self.state[self.key] = {**step, "token": self.token}
        await self.say(message, markup)
        return END


@attrs.frozen
class Again:
    """Why what was sent cannot be taken: a text and its values (with the keyboard ``markup`` makes in the
    sender's language). The sender is told, and the step waits again."""

    key: str
    values: Mapping[str, object] = attrs.field(factory=dict)
    markup: Callable[[str], Any] | None = None

    async def tell(self, typed: Typed) -> None:
        await typed.tell(self.key, self.markup(typed.lang) if self.markup else None, **self.values)


async def nothing(typed: Typed) -> None:
    """A step that waits with nothing."""


def line(typed: Typed, _: object = None) -> str:
    """The text typed, stripped."""
    return typed.text.strip()


class NotWaiting(Exception):
    """The message is not for this step (nothing waits for it, or not from this sender): what the step
    waited with is dropped, and the handlers of later groups take the message."""


By = tuple[Customer | Administrator, str] | None
"""Who sent a message and the language to answer in (``None``: no one a step is for)."""
Sender = Callable[[Update, BotContext], Awaitable[By]]


async def a_customer(update: Update, context: BotContext) -> tuple[Customer, str]:
    """The customer who sent it (registered the first time), in their language."""
    customer = await customer_of(update, context)
    return customer, customer.language


@attrs.frozen
class TypedStep(Generic[W, T]):
    """A step of the conversation that waits in ``state`` for a message that ``reads`` (text that is not a
    command unless told), with what is kept under ``key``: ``waiting`` reads that (or tells the sender it
    was lost and leaves the step), ``parse`` reads the message (or refuses it), ``then`` does what the
    value is for and answers the next state. A refusal core gives is told: invalid input is asked again,
    any other ends the step; a step that ends drops its key unless it left something else there."""

    state: str
    key: str | None
    waiting: Callable[[Typed], Awaitable[W]]
    parse: Callable[[Typed, W], T | Again]
    then: Callable[[Typed, W, T], Awaitable[object]] | None
    """``None``: the step reads no message (its answer is a button); any message is told ``otherwise``."""
    reads: filters.BaseFilter = TEXT
    otherwise: Again | None = None
    """What any other message (not a command) is told while the step waits."""
    sender: Sender = a_customer
    """Who the step is for: a customer unless told (``administrator_of``)."""

    async def on_message(self, update: Update, context: BotContext) -> object:
        if self.then is None:
            raise TypeError("a step that reads no message is given none")
        found = await self.sender(update, context)
        try:
            typed = self._typed(update, context, found)
            stored, waiting = typed.stored, await self.waiting(typed)
            value = self.parse(typed, waiting)
            if isinstance(value, Again):
                await value.tell(typed)
                handled(None)
            next_state = await self.then(typed, waiting, value)
        except NotWaiting:
            context.user_state.pop(self.key or "", None)
            return END
        except P2PStockError as error:
            await typed.say(error_text(error, typed.lang))
            next_state = self.state if isinstance(error, InvalidInput) else END
        if next_state == END and typed.stored is stored:
            typed.forget()
        handled(next_state)

    async def on_other(self, update: Update, context: BotContext) -> object:
        found = await self.sender(update, context)
        if found is None or self.otherwise is None:
            return END
        await self.otherwise.tell(self._typed(update, context, found))
        handled(None)

    def _typed(self, update: Update, context: BotContext, found: By) -> Typed:
        """The message as sent in this step; ``NotWaiting`` when not from anyone the step is for."""
        if found is None:
            raise NotWaiting
        stored = context.user_state.get(self.key) if self.key else None
        subject = str(stored.get("subject", "")) if isinstance(stored, dict) else ""
        return Typed(*found, subject, stored, update=update, context=context, key=self.key)


TypedSteps = tuple[TypedStep[Any, Any], ...]
"""A module's typed steps."""

Handler = BaseHandler[Update, BotContext, object]


def states(steps: TypedSteps) -> dict[object, list[Handler]]:
    """The conversation's states: in each, the messages its typed steps read, then what they tell any
    other message."""
    built: dict[object, list[Handler]] = {}
    new = filters.UpdateType.MESSAGE
    for step in steps:
        if step.then is not None:
            built.setdefault(step.state, []).append(MessageHandler(new & step.reads, step.on_message))
    for step in steps:
        if step.otherwise is not None:
            built.setdefault(step.state, []).append(MessageHandler(new & ~filters.COMMAND, step.on_other))
    return built


def amount(typed: Typed, _: object = None) -> Money:
    """The amount typed, in the wallet's currency (core's refusal of it is told, and it is asked again)."""
    return Money.parse(typed.text, typed.context.services.wallets.currency)
