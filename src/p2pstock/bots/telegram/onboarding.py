"""Proving who a customer is: the phone by SMS code, the identity (real name, resident ID number) and
the documents, one step of the conversation each (states in conversation.py)."""

from __future__ import annotations

from telegram import ReplyKeyboardRemove, Update

from p2pstock.bots.telegram import callbacks as cb
from p2pstock.bots.telegram import keyboards
from p2pstock.bots.telegram.context import (
    BotContext,
    call,
    customer_of,
    message_of,
    outdated,
    query_of,
    say,
    tell_error,
    user_of,
)
from p2pstock.bots.telegram.customer import END
from p2pstock.bots.telegram.errors import error_text
from p2pstock.bots.telegram.texts import text
from p2pstock.bots.telegram.typed import Retype, Typed, TypedStep, nothing
from p2pstock.core.errors import InvalidInput, P2PStockError, UnsafeText
from p2pstock.core.names import name_of
from p2pstock.core.notifications import mask
from p2pstock.core.people.customers import KycStatus, check_real_name
from p2pstock.core.people.documents import MAX_DOCUMENT_BYTES, ContentType, DocumentKind
from p2pstock.core.people.phone_codes import (
    CodeAlreadyUsed,
    CodeExpired,
    TooManyAttempts,
    normalise_phone,
)

PHONE_CONTACT = "phone.contact"
PHONE_CODE = "phone.code"
IDENTITY_NAME = "identity.name"
IDENTITY_NUMBER = "identity.number"
DOCUMENT_FILE = "document.file"
PHONE = "phone"
REAL_NAME = "real_name"
"""What the code and the number wait with in the user's state."""

_MEGABYTES = MAX_DOCUMENT_BYTES // (1024 * 1024)
_ACCEPTED_TYPES = frozenset(content_type.value for content_type in ContentType)
_CODE_IS_DEAD = (CodeExpired, CodeAlreadyUsed, TooManyAttempts)


# -- phone --------------------------------------------------------------------------------------------


async def ask_phone(update: Update, context: BotContext) -> str | int:
    """Ask for the user's own number through the contact button."""
    customer = await customer_of(update, context)
    lang = customer.language
    if customer.status not in (KycStatus.REGISTERED, KycStatus.PHONE_VERIFIED):
        await say(update, context, text("phone.locked", lang))
        return END
    await say(update, context, text("phone.ask", lang), keyboards.share_contact(lang))
    return PHONE_CONTACT


async def got_contact(update: Update, context: BotContext) -> str | None:
    """A shared contact: only the user's own number is accepted; a code is texted to it."""
    customer = await customer_of(update, context)
    lang = customer.language
    contact = message_of(update).contact
    if contact is None or contact.user_id != user_of(update).id:
        await say(update, context, text("phone.not_own", lang), keyboards.share_contact(lang))
        return None
    digits = contact.phone_number.strip()
    try:  # Telegram gives the full international number, usually without the "+"
        phone = normalise_phone(digits if digits.startswith("+") else f"+{digits}")
    except InvalidInput:
        await say(update, context, text("phone.not_mainland", lang), ReplyKeyboardRemove())
        return None
    try:
        sent = await call(context.services.customers.request_phone_code, customer.id, phone)
    except P2PStockError as error:
        await tell_error(update, context, error, lang)
        return None
    context.user_state[PHONE] = phone
    minutes = context.services.customers.code_policy.expiry_seconds // 60 or 1
    await say(
        update,
        context,
        text("phone.code_sent", lang, phone=sent.phone, minutes=minutes),
        ReplyKeyboardRemove(),
    )
    return PHONE_CODE


async def not_a_contact(update: Update, context: BotContext) -> None:
    """Anything but the contact button while a number is awaited."""
    customer = await customer_of(update, context)
    await say(
        update,
        context,
        text("phone.use_button", customer.language),
        keyboards.share_contact(customer.language),
    )


async def _phone(typed: Typed) -> str:
    """The number the code was texted to; without it the number is asked again."""
    if not isinstance(phone := typed.stored, str):
        await typed.lost("phone.ask", PHONE_CONTACT, keyboards.share_contact(typed.lang))
    return phone


def _code(typed: Typed, _: str) -> str | Retype:
    policy = typed.context.services.customers.code_policy
    code = typed.text.strip()
    return code if policy.well_formed(code) else Retype("phone.code_format", {"length": policy.length})


async def _confirm_phone(typed: Typed, phone: str, code: str) -> object:
    """The code typed back: right → verified; wrong → attempts left; dead → ask for a new one."""
    lang = typed.lang
    try:
        verified = await call(typed.context.services.customers.confirm_phone, typed.customer.id, phone, code)
    except _CODE_IS_DEAD as error:
        typed.forget()
        await typed.say(error_text(error, lang))
        return END
    except P2PStockError as error:
        await typed.say(error_text(error, lang))
        return None
    typed.forget()
    await typed.say(text("phone.verified", lang, phone=mask(verified.phone)), keyboards.main_menu(lang))
    return END


# -- identity -----------------------------------------------------------------------------------------


async def ask_identity(update: Update, context: BotContext) -> str | int:
    """Ask for the real name, when the customer's status lets them submit an identity."""
    customer = await customer_of(update, context)
    lang = customer.language
    refusal = {
        KycStatus.REGISTERED: "identity.need_phone",
        KycStatus.IDENTITY_SUBMITTED: "identity.already_submitted",
        KycStatus.VERIFIED: "identity.already_verified",
    }.get(customer.status)
    if refusal is not None:
        await say(update, context, text(refusal, lang))
        return END
    await say(update, context, text("identity.ask_name", lang))
    return IDENTITY_NAME


def _name(typed: Typed, _: None) -> str | Retype:
    try:
        return check_real_name(" ".join(typed.text.split()))
    except UnsafeText as error:  # nothing hidden is kept, not even in the conversation's state
        return Retype(error=error)
    except InvalidInput:
        return Retype("identity.bad_name")


async def _ask_number(typed: Typed, _: None, name: str) -> object:
    """The real name, kept as UI state until the number follows."""
    typed.state[REAL_NAME] = name
    await typed.say(text("identity.ask_number", typed.lang))
    return IDENTITY_NUMBER


async def _real_name(typed: Typed) -> str:
    if not isinstance(name := typed.stored, str):
        await typed.lost("identity.ask_name", IDENTITY_NAME)
    return name


def _number(typed: Typed, _: str) -> str:
    return typed.text.strip()


async def _submit_identity(typed: Typed, name: str, number: str) -> object:
    """The resident ID number, submitted with the name; only its masked form is ever shown back."""
    lang, customers = typed.lang, typed.context.services.customers
    try:
        submitted = await call(customers.submit_identity, typed.customer.id, name, number)
    except InvalidInput as error:
        await typed.say(text("identity.bad_number", lang, detail=error_text(error, lang)))
        return None
    except P2PStockError as error:
        typed.forget()
        await typed.say(error_text(error, lang))
        return END
    typed.forget()
    masked = submitted.resident_id.masked if submitted.resident_id else ""
    await typed.say(text("identity.submitted", lang, name=submitted.real_name, masked=masked))
    return END


TYPED = (
    TypedStep(PHONE_CODE, PHONE, _phone, _code, _confirm_phone),
    TypedStep(IDENTITY_NAME, None, nothing, _name, _ask_number),
    TypedStep(IDENTITY_NUMBER, REAL_NAME, _real_name, _number, _submit_identity),
)
"""The code, the name and the number typed."""


# -- documents ----------------------------------------------------------------------------------------


async def ask_document_kind(update: Update, context: BotContext) -> int:
    """Offer the kinds of document."""
    customer = await customer_of(update, context)
    lang = customer.language
    await say(update, context, text("documents.choose", lang), keyboards.document_kinds(lang))
    return END


async def choose_document_kind(update: Update, context: BotContext) -> str | int | None:
    """A kind was chosen: wait for its photo or file."""
    query = query_of(update)
    choice = cb.parse(query.data)
    customer = await customer_of(update, context)
    lang = customer.language
    if not isinstance(choice, cb.ChooseDocument):
        await outdated(update, lang)
        return None
    await query.answer()
    context.user_state["document_kind"] = choice.kind.value
    kind = name_of(choice.kind, lang)
    await say(update, context, text("documents.send_file", lang, kind=kind, megabytes=_MEGABYTES))
    return DOCUMENT_FILE


async def got_document(update: Update, context: BotContext) -> str | int | None:
    """A photo or a file: downloaded through the Bot API and handed to the document store."""
    customer = await customer_of(update, context)
    lang = customer.language
    message = message_of(update)
    try:
        kind = DocumentKind(str(context.user_state.get("document_kind")))
    except ValueError:
        return await ask_document_kind(update, context)
    if message.photo:
        file_id, size = message.photo[-1].file_id, message.photo[-1].file_size
    elif message.document is not None:
        if message.document.mime_type not in _ACCEPTED_TYPES:
            await say(update, context, text("documents.wrong_type", lang))
            return None
        file_id, size = message.document.file_id, message.document.file_size
    else:
        await say(update, context, text("documents.need_file", lang))
        return None
    if size is not None and size > MAX_DOCUMENT_BYTES:
        await say(update, context, text("documents.too_large", lang, megabytes=_MEGABYTES))
        return None
    content = bytes(await (await context.bot.get_file(file_id)).download_as_bytearray())
    try:
        await call(context.services.customers.upload_document, customer.id, kind.value, content)
    except P2PStockError as error:
        await tell_error(update, context, error, lang)
        return None
    context.user_state.pop("document_kind", None)
    name = name_of(kind, lang)
    await say(update, context, text("documents.received", lang, kind=name), keyboards.document_kinds(lang))
    return END


async def not_a_document(update: Update, context: BotContext) -> None:
    """Anything but a photo or a file while a document is awaited."""
    customer = await customer_of(update, context)
    await say(update, context, text("documents.need_file", customer.language))
