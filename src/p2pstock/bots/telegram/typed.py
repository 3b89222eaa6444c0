"""Steps that wait for what a customer sends — an amount, a name, a code typed; a contact shared; a file —
declared as data.

Every such step opens the same way: who sent it, what the step waits with (still there, still valid), the
message read into a value or refused with the reason (the step waits again), then what the value is for:
the next question, a preview kept pending under a token with its ✅ / ✖️ keyboard (confirming.py), or a
call. A module declares its steps as ``TypedStep``s; the conversation turns the list into its states::

    TypedStep(state, key, waiting, parse, then, reads=TEXT)
        message ──► waiting(typed) ──► parse(typed, waiting) ──► then(typed, waiting, value) ──► next state
                     (lost: told, END         (Again: told,
                      or a state to re-ask)    the state kept)
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Generic, NoReturn, ParamSpec, TypeVar

import attrs
from telegram import Message, Update
from telegram.ext import BaseHandler, ConversationHandler, MessageHandler, filters

from p2pstock.bots.telegram.context import (
    BotContext,
    Data,
    attempt,
    call,
    customer_of,
    handled,
    message_of,
    say,
)
from p2pstock.bots.telegram.errors import error_text
from p2pstock.bots.telegram.texts import text
from p2pstock.core.errors import P2PStockError
from p2pstock.core.money import Money, MoneyError
from p2pstock.core.people.customers import Customer

W = TypeVar("W")
T = TypeVar("T")
R = TypeVar("R")
P = ParamSpec("P")
END = ConversationHandler.END
TEXT = filters.TEXT & ~filters.COMMAND
"""What a typed step reads: text that is not a command."""


@attrs.frozen
class Typed:
    """A message a customer sent in a step that waits under ``key`` of their UI state."""

    update: Update
    context: BotContext
    customer: Customer
    key: str | None = None

    @property
    def lang(self) -> str:
        return self.customer.language

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
        """Say text ``key`` in the customer's language."""
        await self.say(text(key, self.lang, **values), markup)

    async def ended(self, key: str, markup: Any = None, **values: object) -> int:
        """Tell text ``key``: the last word of this step (the conversation's END)."""
        await self.tell(key, markup, **values)
        return END

    async def attempt(self, function: Callable[P, R], /, *args: P.args, **kwargs: P.kwargs) -> R:
        """``context.attempt`` for this customer: a refusal is told and the step ended."""
        return await attempt(self.update, self.context, self.lang, function, *args, **kwargs)

    async def again(self, function: Callable[P, R], /, *args: P.args, **kwargs: P.kwargs) -> R:
        """``call``; should core refuse, the refusal is told and the step waits again."""
        try:
            return await call(function, *args, **kwargs)
        except P2PStockError as error:
            await self.say(error_text(error, self.lang))
            handled(None)

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
    customer's language), or a core refusal. The customer is told, and the step waits again."""

    key: str = ""
    values: Mapping[str, object] = attrs.field(factory=dict)
    error: P2PStockError | None = None
    markup: Callable[[str], Any] | None = None

    async def tell(self, typed: Typed) -> None:
        lang = typed.lang
        told = error_text(self.error, lang) if self.error else text(self.key, lang, **self.values)
        await typed.say(told, self.markup(lang) if self.markup else None)


async def nothing(typed: Typed) -> None:
    """A step that waits with nothing."""


@attrs.frozen
class TypedStep(Generic[W, T]):
    """A step of the conversation that waits in ``state`` for a message that ``reads`` (text that is not a
    command unless told), with what is kept under ``key``: ``waiting`` reads that (or tells the customer
    it was lost and leaves the step), ``parse`` reads the message (or refuses it), ``then`` does what the
    value is for and answers the next state."""

    state: str
    key: str | None
    waiting: Callable[[Typed], Awaitable[W]]
    parse: Callable[[Typed, W], T | Again]
    then: Callable[[Typed, W, T], Awaitable[object]]
    reads: filters.BaseFilter = TEXT
    otherwise: Again | None = None
    """What any other message (not a command) is told while the step waits."""

    async def on_message(self, update: Update, context: BotContext) -> object:
        typed = Typed(update, context, await customer_of(update, context), self.key)
        waiting = await self.waiting(typed)
        value = self.parse(typed, waiting)
        if isinstance(value, Again):
            await value.tell(typed)
            return None
        return await self.then(typed, waiting, value)

    async def on_other(self, update: Update, context: BotContext) -> None:
        if self.otherwise is not None:
            await self.otherwise.tell(Typed(update, context, await customer_of(update, context)))


TypedSteps = tuple[TypedStep[Any, Any], ...]
"""A module's typed steps."""

Handler = BaseHandler[Update, BotContext, object]


def states(steps: TypedSteps) -> dict[object, list[Handler]]:
    """The conversation's states: in each, the messages its typed steps read, then what they tell any
    other message."""
    built: dict[object, list[Handler]] = {}
    new = filters.UpdateType.MESSAGE
    for step in steps:
        built.setdefault(step.state, []).append(MessageHandler(new & step.reads, step.on_message))
    for step in steps:
        if step.otherwise is not None:
            built[step.state].append(MessageHandler(new & ~filters.COMMAND, step.on_other))
    return built


def amount(typed: Typed, _: object = None) -> Money | Again:
    """The amount typed, in the wallet's currency."""
    try:
        return Money.parse(typed.text, typed.context.services.wallets.currency)
    except MoneyError as error:
        return Again(error=error)
