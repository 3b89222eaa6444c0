"""An investor's auto-invest rule as they see it in the bot: each part in words, what it invested lately,
and a button for each thing they may do with it (``lending_auto`` carries the buttons out)."""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from p2pstock.bots.telegram import callbacks as cb
from p2pstock.bots.telegram.context import BotContext, call, edit, say
from p2pstock.bots.telegram.keyboards import button, keyboard
from p2pstock.bots.telegram.product_cards import percent
from p2pstock.bots.telegram.texts import text
from p2pstock.bots.telegram.typed import END
from p2pstock.core.lending.auto_invest import AutoInvestRule
from p2pstock.core.lending.loans import Investment
from p2pstock.core.money import Money
from p2pstock.core.names import name_of
from p2pstock.core.people.customers import Customer


def rule_text(rule: AutoInvestRule, lang: str, recent: list[Investment]) -> str:
    """The rule a part a line, then the loans it invested in lately."""
    t = rule.terms
    stake = (
        text("auto.stake.amount", lang, amount=Money(t.amount))
        if t.amount
        else text("auto.stake.share", lang, share=percent(t.share_bp))
    )
    shown = {
        "state": text(f"auto.state.{'on' if rule.active else 'off'}", lang),
        "stake": stake,
        "keep": Money(t.keep),
        "cap": text("auto.cap.none", lang) if t.cap is None else Money(t.cap),
        "months_min": t.months_min,
        "months_max": t.months_max,
        "rate_min": percent(t.rate_min_bp),
        "rate_max": percent(t.rate_max_bp),
        "methods": ("、" if lang == "zh" else ", ").join(name_of(m, lang) for m in t.methods),
        "products": ", ".join(t.products) or text("auto.products.any", lang),
    }
    lines = [text("auto.rule", lang, **shown)]
    if recent:
        lines.append(text("auto.recent", lang))
        lines += [
            text("auto.recent.line", lang, id=i.loan_id, amount=Money(i.amount), status=i.status)
            for i in recent
        ]
    return "\n".join(lines)


def ask_button(part: str, lang: str) -> InlineKeyboardButton:
    """The button that asks for ``part`` of the rule to be typed."""
    return button(text(f"auto.button.{part}", lang), cb.LoanStep("auto", f"ask.{part}"))


def action_button(action: str, label: str, lang: str) -> InlineKeyboardButton:
    """The button ``ln:auto:<action>``, labelled ``auto.button.<label>``."""
    return button(text(f"auto.button.{label}", lang), cb.LoanStep("auto", action))


def rule_buttons(rule: AutoInvestRule | None, lang: str) -> InlineKeyboardMarkup | None:
    """Every part to set; once there is a rule, the methods, pause or resume, and delete too."""
    if rule is None:
        return keyboard([ask_button("amount", lang), ask_button("share", lang)])
    switch = ("pause", "pause") if rule.active else ("resume", "resume")
    return keyboard(
        [ask_button("amount", lang), ask_button("share", lang)],
        [ask_button("keep", lang), ask_button("cap", lang)],
        [ask_button("term", lang), ask_button("rate", lang)],
        [action_button("methods", "methods", lang), ask_button("products", lang)],
        [action_button(*switch, lang), action_button("delete", "delete", lang)],
    )


async def show(update: Update, context: BotContext, customer: Customer, rule: AutoInvestRule | None) -> int:
    """The rule (or how to start one), in the message of the button pressed or in a new one."""
    lang = customer.language
    recent = await call(context.services.auto_invest.recent, customer.id) if rule else []
    message = rule_text(rule, lang, recent) if rule else text("auto.none", lang)
    await _reply(update, context, message, rule_buttons(rule, lang))
    return END


async def _reply(update: Update, context: BotContext, message: str, markup: Any) -> None:
    if update.callback_query is None:  # a command, or a part typed
        await say(update, context, message, markup)
    else:
        await edit(update, message, markup)
