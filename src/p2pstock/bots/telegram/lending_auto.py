"""An investor's auto-invest rule (自动投标) in the bot: the rule in words with a button for each part, a part
typed (what cannot be read, or what core refuses, is told in the reader's language and asked again), the
repayment methods switched by buttons, pause and resume, delete (``lending_auto_card`` shows the rule).

::

    /autoinvest   the rule (or how to start one) ──ln:auto:ask.<part>──► the part typed ──► the rule again
                  ──ln:auto:methods──► a button per method, ln:auto:m.<method> switches it, ln:auto:show
                  ──ln:auto:pause / ln:auto:resume──► the rule, switched
                  ──ln:auto:delete──► ln:auto:drop ──► deleted
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

import attrs
from telegram import Update

from p2pstock.bots.telegram import callbacks as cb
from p2pstock.bots.telegram import lending_auto_card as card
from p2pstock.bots.telegram.context import (
    BotContext,
    attempt,
    call,
    edit,
    outdated,
    query_of,
    say,
    tell_error,
)
from p2pstock.bots.telegram.keyboards import button, keyboard
from p2pstock.bots.telegram.onboarding import unverified
from p2pstock.bots.telegram.press import Press, Step
from p2pstock.bots.telegram.texts import text
from p2pstock.bots.telegram.typed import END, Again, Typed, TypedStep, TypedSteps
from p2pstock.core.errors import P2PStockError
from p2pstock.core.lending.auto_invest import RuleTerms
from p2pstock.core.lending.schedules import Method
from p2pstock.core.money import Money, MoneyError
from p2pstock.core.names import name_of

AUTO = "auto_step"
"""Where the part being typed waits in the user's state: ``{"part": <name>}``."""
_PAIR = re.compile(r"\s*([^\s~–\-至到]+)\s*(?:[\s~–\-至到]+\s*([^\s~–\-至到]+))?\s*")


def _money(typed: Typed, *, zero: bool = False) -> int:
    return Money.parse(typed.text, typed.context.services.wallets.currency, allow_zero=zero).minor


def _pair(typed: Typed, read: Callable[[str], int], bad: str) -> tuple[int, int] | Again:
    """Two values (``3 12``, ``3-12``, ``3 至 12``; one stands for both), or why not."""
    found = _PAIR.fullmatch(typed.text)
    try:
        low = read(found[1]) if found else None
        high = read(found[2] or found[1]) if found else None
    except (MoneyError, ValueError):
        low = high = None
    return Again(bad) if low is None or high is None else (low, high)


def _months(word: str) -> int:
    if not word.isdecimal() or len(word) > 3:
        raise ValueError(word)
    return int(word)


def _basis_points(word: str) -> int:
    """A percentage typed with at most two decimals (``12.5``, ``12.5%``) in basis points."""
    return Money.parse(word.removesuffix("%").removesuffix("％"), allow_zero=True).minor


def _share(typed: Typed) -> int | Again:
    try:
        return _basis_points(typed.text.strip())
    except MoneyError:
        return Again("auto.bad.share")


def _codes(typed: Typed) -> tuple[str, ...]:
    words = re.split(r"[\s,，、]+", typed.text.strip().lower())
    return () if words in (["0"], ["*"], [""]) else tuple(words)


@attrs.frozen
class Part:
    """A part of the rule that is typed: how the message reads and how the value sets the terms."""

    name: str
    read: Callable[[Typed], Any]
    """The value, ``Again`` when it cannot be read (a ``MoneyError`` is told as such)."""
    sets: Callable[[RuleTerms, Any], RuleTerms]

    @property
    def state(self) -> str:
        return f"auto.{self.name}"

    async def waiting(self, typed: Typed) -> None:
        kept = typed.stored
        if not isinstance(kept, dict) or kept.get("part") != self.name:
            await typed.lost("loan.step.lost")

    def parse(self, typed: Typed, _: None) -> Any:
        return self.read(typed)

    async def then(self, typed: Typed, _: None, value: Any) -> object:
        """The rule with this part set (core refuses a value out of range: told, and asked again)."""
        auto, who = typed.context.services.auto_invest, typed.customer.id
        rule = await call(auto.rule, who)
        saved = await call(auto.save, who, self.sets(rule.terms if rule else RuleTerms(), value))
        return await card.show(typed.update, typed.context, typed.customer, saved)


PARTS: Mapping[str, Part] = MappingProxyType(
    {
        part.name: part
        for part in (
            Part("amount", _money, lambda t, v: attrs.evolve(t, amount=v, share_bp=0)),
            Part("share", _share, lambda t, v: attrs.evolve(t, share_bp=v, amount=0)),
            Part("keep", lambda typed: _money(typed, zero=True), lambda t, v: attrs.evolve(t, keep=v)),
            Part("cap", lambda typed: _money(typed, zero=True), lambda t, v: attrs.evolve(t, cap=v or None)),
            Part(
                "term",
                lambda typed: _pair(typed, _months, "auto.bad.term"),
                lambda t, v: attrs.evolve(t, months_min=v[0], months_max=v[1]),
            ),
            Part(
                "rate",
                lambda typed: _pair(typed, _basis_points, "auto.bad.rate"),
                lambda t, v: attrs.evolve(t, rate_min_bp=v[0], rate_max_bp=v[1]),
            ),
            Part("products", _codes, lambda t, v: attrs.evolve(t, products=v)),
        )
    }
)
TYPED: TypedSteps = tuple(TypedStep(p.state, AUTO, p.waiting, p.parse, p.then) for p in PARTS.values())
"""Each part of the rule typed."""


# -- the steps -----------------------------------------------------------------------------------------


async def show_rule(update: Update, context: BotContext, press: Press) -> object:
    """/autoinvest (or ↩️): the customer's rule, with a button for each thing they may do with it."""
    if update.callback_query is not None:
        await query_of(update).answer()
    if await unverified(update, context, press, "auto.verify_first"):
        return END
    rule = await call(context.services.auto_invest.rule, press.customer.id)
    return await card.show(update, context, press.customer, rule)


async def _ask_part(update: Update, context: BotContext, press: Press, name: str) -> object:
    """What the part ``name`` asks (the products offered named); the conversation waits for it."""
    context.user_state[AUTO] = {"part": name}
    shown: dict[str, object] = {}
    if name == "products":
        offered = await call(context.services.loan_products.offered)
        shown["offered"] = ", ".join(p.code for p in offered) or "—"
    await say(update, context, text(f"auto.ask.{name}", press.lang, **shown))
    return PARTS[name].state


async def _switch(update: Update, context: BotContext, press: Press, action: str) -> object:
    auto = context.services.auto_invest
    change = auto.pause if action == "pause" else auto.resume
    rule = await attempt(update, context, press.lang, change, press.customer.id)
    return await card.show(update, context, press.customer, rule)


async def _methods(update: Update, context: BotContext, press: Press, chosen: str) -> object:
    """A button per repayment method, ✅ on those the rule takes; ``chosen`` switches one first (core
    refuses to switch off the last one: told)."""
    auto, who, lang = context.services.auto_invest, press.customer.id, press.lang
    rule = await call(auto.rule, who)
    if rule is None or (chosen and chosen not in _METHODS):
        return await card.show(update, context, press.customer, rule)
    if chosen:
        method = _METHODS[chosen]
        methods = tuple(m for m in Method if (m in rule.terms.methods) != (m is method))
        try:
            rule = await call(auto.save, who, attrs.evolve(rule.terms, methods=methods))
        except P2PStockError as error:
            await tell_error(update, context, error, lang)
    rows = [[_method_button(m, m in rule.terms.methods, lang)] for m in Method]
    await edit(
        update, text("auto.methods.ask", lang), keyboard(*rows, [card.action_button("show", "back", lang)])
    )
    return END


_METHODS = {m.value: m for m in Method}


def _method_button(method: Method, taken: bool, lang: str) -> Any:
    label = f"{'✅' if taken else '⬜'} {name_of(method, lang)}"
    return button(label, cb.LoanStep("auto", f"m.{method.value}"))


async def _ask_delete(update: Update, context: BotContext, press: Press, _: str) -> object:
    rows = [
        card.action_button("drop", "delete_ok", press.lang),
        card.action_button("show", "back", press.lang),
    ]
    await edit(update, text("auto.delete.ask", press.lang), keyboard(rows))
    return END


async def _delete(update: Update, context: BotContext, press: Press, _: str) -> object:
    await call(context.services.auto_invest.delete, press.customer.id)  # a second tap finds none: the same
    await edit(update, text("auto.deleted", press.lang))
    return END


async def _back(update: Update, context: BotContext, press: Press, _: str) -> object:
    rule = await call(context.services.auto_invest.rule, press.customer.id)
    return await card.show(update, context, press.customer, rule)


Action = Callable[[Update, BotContext, Press, str], Any]
ACTIONS: Mapping[str, Action] = MappingProxyType(
    {
        "show": _back,
        "ask": lambda u, c, p, name: _ask_part(u, c, p, name) if name in PARTS else _back(u, c, p, ""),
        "methods": lambda u, c, p, _: _methods(u, c, p, ""),
        "m": _methods,
        "pause": lambda u, c, p, _: _switch(u, c, p, "pause"),
        "resume": lambda u, c, p, _: _switch(u, c, p, "resume"),
        "delete": _ask_delete,
        "drop": _delete,
    }
)
"""``ln:auto:<action>[.<argument>]`` → its step."""


async def on_auto(update: Update, context: BotContext, press: Press) -> object:
    """Any ``ln:auto:`` button: the step of its action (an unknown one is outdated and changes nothing)."""
    action, _, argument = press.subject.partition(".")
    if action not in ACTIONS:
        await outdated(update, press.lang)
        return None
    await query_of(update).answer()
    if await unverified(update, context, press, "auto.verify_first"):
        return END
    return await ACTIONS[action](update, context, press, argument)


MENU: Mapping[str, Step] = MappingProxyType({"autoinvest": show_rule})
"""The command of this module, for ``conversation.MENU``."""
