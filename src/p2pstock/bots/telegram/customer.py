"""Customers' views that need no typing: /start, the menu, language, wallet, fund activity and status."""

from __future__ import annotations

from telegram import ReplyKeyboardRemove, Update

from p2pstock.bots.telegram import callbacks as cb
from p2pstock.bots.telegram import keyboards
from p2pstock.bots.telegram.allocation_press import ASK, DRAFT
from p2pstock.bots.telegram.context import (
    BotContext,
    attempt,
    call,
    customer_of,
    edit,
    ended,
    outdated,
    query_of,
    say,
    user_of,
)
from p2pstock.bots.telegram.funds import WITHDRAWAL
from p2pstock.bots.telegram.lending_confirming import STEP
from p2pstock.bots.telegram.onboarding import DOCUMENT_KIND, PHONE, REAL_NAME
from p2pstock.bots.telegram.press import Press, customer_buttons
from p2pstock.bots.telegram.texts import language_from_telegram, text
from p2pstock.bots.telegram.typed import END
from p2pstock.core.names import name_of
from p2pstock.core.notifications import mask
from p2pstock.core.people.documents import CustomerDocument, ReviewStatus

PENDING = (PHONE, REAL_NAME, DOCUMENT_KIND, DRAFT, ASK, STEP, WITHDRAWAL)
"""What a half-finished step of the customer's waits with in the user's state (a number typed, an
application, a side request, a lending step or a withdrawal to confirm): forgotten by /start and /cancel,
so that a button of it is outdated after them."""


async def start(update: Update, context: BotContext) -> int:
    """Register (or find) the customer, open their wallet, greet them and show the menu."""
    customer = await customer_of(update, context, open_wallet=True)
    forget_steps(context)
    name, lang = user_of(update).first_name or "", customer.language
    welcome = text("welcome", lang, name=name, brand=context.services.brand)
    return await ended(update, context, welcome, keyboards.main_menu(lang))


async def menu(update: Update, context: BotContext) -> int:
    """Show the main menu."""
    lang = (await customer_of(update, context)).language
    return await ended(update, context, text("menu.title", lang), keyboards.main_menu(lang))


async def cancel(update: Update, context: BotContext) -> int:
    """Leave the step the chat is in."""
    customer = await customer_of(update, context)
    forget_steps(context)
    await say(update, context, text("cancelled", customer.language), ReplyKeyboardRemove())
    await menu(update, context)
    return END


async def not_understood(update: Update, context: BotContext) -> None:
    """A message outside any step: point to the menu."""
    lang = (await customer_of(update, context)).language
    await say(update, context, text("unknown_message", lang), keyboards.main_menu(lang))


async def stale_button(update: Update, context: BotContext) -> None:
    """Any button the bot cannot read (outdated or forged): answered as outdated, nothing else done."""
    user = update.effective_user
    lang = language_from_telegram(user.language_code if user else None)
    if user is not None:
        customer = await call(context.services.customers.by_telegram, user.id)
        lang = customer.language if customer else lang
    await outdated(update, lang)


# -- language -----------------------------------------------------------------------------------------


async def ask_language(update: Update, context: BotContext, press: Press) -> int:
    """Offer the two languages."""
    return await ended(update, context, text("language.choose", press.lang), keyboards.languages())


async def _set_language(update: Update, context: BotContext, press: Press) -> None:
    """Store the language chosen and show the menu in it."""
    await query_of(update).answer()
    customers = context.services.customers
    customer = await attempt(
        update, context, press.lang, customers.set_language, press.customer.id, press.subject
    )
    lang = customer.language
    await edit(update, text("language.set", lang))
    await say(update, context, text("menu.title", lang), keyboards.main_menu(lang))


choose_language = customer_buttons(cb.ChooseLanguage, lambda c: ("set", c.language), {"set": _set_language})


# -- wallet and fund activity ---------------------------------------------------------------------------


async def show_wallet(update: Update, context: BotContext, press: Press) -> int:
    """Available, frozen and total."""
    lang = press.lang
    balance = await attempt(update, context, lang, context.services.wallets.balance, press.customer.id)
    shown = {"available": balance.available, "frozen": balance.frozen, "total": balance.total}
    return await ended(update, context, text("wallet.show", lang, **shown), keyboards.wallet_actions(lang))


# -- verification status ----------------------------------------------------------------------------


async def show_status(update: Update, context: BotContext, press: Press) -> int:
    """Where the customer's verification stands, with each document's review."""
    customer, lang = press.customer, press.lang
    documents = await call(context.services.customers.documents, customer.id)
    lines = [text("status.title", lang, status=customer.status)]
    if customer.rejection_reason:
        lines.append(text("reason", lang, reason=customer.rejection_reason))
    if customer.phone:
        lines.append(text("status.phone", lang, phone=mask(customer.phone)))
    if customer.resident_id is not None:
        lines.append(
            text("status.identity", lang, name=customer.real_name, masked=customer.resident_id.masked)
        )
    lines.append(text("status.documents", lang) if documents else text("status.no_documents", lang))
    lines += [_document_line(document, lang) for document in documents]
    return await ended(update, context, "\n".join(lines), keyboards.main_menu(lang))


def _document_line(document: CustomerDocument, lang: str) -> str:
    kind = name_of(document.kind, lang)
    review = name_of(document.status, lang)
    if document.status is ReviewStatus.REJECTED:
        return text("status.document_rejected", lang, kind=kind, review=review, reason=document.reason)
    return text("status.document", lang, kind=kind, review=review)


def forget_steps(context: BotContext) -> None:
    """Forget every half-finished step of the customer's (``PENDING``)."""
    for key in PENDING:
        context.user_state.pop(key, None)
