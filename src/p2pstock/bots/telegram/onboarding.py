"""Proving who a customer is: the phone by SMS code, the identity (real name, resident ID number) and
the documents, one step of the conversation each (states in conversation.py)."""

from __future__ import annotations

from telegram import ReplyKeyboardRemove, Update
from telegram.ext import filters

from p2pstock.bots.telegram import callbacks as cb
from p2pstock.bots.telegram import keyboards
from p2pstock.bots.telegram.context import BotContext, call, ended, query_of, say, user_of
from p2pstock.bots.telegram.errors import error_text
from p2pstock.bots.telegram.press import Press, customer_buttons
from p2pstock.bots.telegram.texts import file_size, text
from p2pstock.bots.telegram.typed import END, Again, Typed, TypedStep, TypedSteps, line, nothing
from p2pstock.core.errors import InvalidInput, P2PStockError, UnsafeText
from p2pstock.core.names import name_of
from p2pstock.core.notifications import mask
from p2pstock.core.people.customers import KycStatus, check_real_name
from p2pstock.core.people.documents import MAX_DOCUMENT_BYTES, ContentType, DocumentKind
from p2pstock.core.people.phone_codes import normalise_phone
from p2pstock.core.people.registration import WrongCode

PHONE_CONTACT = "phone.contact"
PHONE_CODE = "phone.code"
IDENTITY_NAME = "identity.name"
IDENTITY_NUMBER = "identity.number"
DOCUMENT_FILE = "document.file"
PHONE = "phone"
REAL_NAME = "real_name"
DOCUMENT_KIND = "document_kind"
"""What the code, the number and the document wait with in the user's state."""

_MEGABYTES = MAX_DOCUMENT_BYTES // (1024 * 1024)
_ACCEPTED_TYPES = frozenset(content_type.value for content_type in ContentType)
_FILES = filters.PHOTO | filters.Document.ALL
_USE_BUTTON = Again("phone.use_button", markup=keyboards.share_contact)


async def unverified(update: Update, context: BotContext, press: Press, key: str) -> bool:
    """Whether the customer who pressed is not verified yet: if so, told (text ``key``) with the steps that
    verify them, before a form that needs it asks its first question."""
    if press.customer.status is KycStatus.VERIFIED:
        return False
    await say(update, context, text(key, press.lang), verifying(press.lang))
    return True


def verifying(lang: str) -> object:
    """The buttons of the steps that verify a customer."""
    return keyboards.menu(lang, ("phone", "identity"), ("documents", "status"))


# -- phone --------------------------------------------------------------------------------------------


async def ask_phone(update: Update, context: BotContext, press: Press) -> str | int:
    """Ask for the user's own number through the contact button."""
    lang = press.lang
    if press.customer.status not in (KycStatus.REGISTERED, KycStatus.PHONE_VERIFIED):
        return await ended(update, context, text("phone.locked", lang))
    await say(update, context, text("phone.ask", lang), keyboards.share_contact(lang))
    return PHONE_CONTACT


def _own_phone(typed: Typed, _: None) -> str | Again:
    """The customer's own number, from a shared contact, if it is a mainland mobile number."""
    contact = typed.message.contact
    if contact is None or contact.user_id != user_of(typed.update).id:
        return Again("phone.not_own", markup=keyboards.share_contact)
    digits = contact.phone_number.strip()
    try:  # Telegram gives the full international number, usually without the "+"
        return normalise_phone(digits if digits.startswith("+") else f"+{digits}")
    except InvalidInput:
        return Again("phone.not_mainland", markup=lambda _: ReplyKeyboardRemove())


async def _send_code(typed: Typed, _: None, phone: str) -> object:
    """A code texted to the number, to be typed back."""
    customers = typed.context.services.customers
    try:
        sent = await call(customers.request_phone_code, typed.customer.id, phone)
    except P2PStockError as error:  # too soon, too many: told, and a code sent before can still be typed
        await typed.say(error_text(error, typed.lang))
        return None
    typed.state[PHONE] = phone
    minutes = customers.code_policy.expiry_seconds // 60 or 1
    await typed.tell("phone.code_sent", ReplyKeyboardRemove(), phone=sent.phone, minutes=minutes)
    return PHONE_CODE


async def _phone(typed: Typed) -> str:
    """The number the code was texted to; without it the number is asked again."""
    if not isinstance(phone := typed.stored, str):
        await typed.lost("phone.ask", PHONE_CONTACT, keyboards.share_contact(typed.lang))
    return phone


def _code(typed: Typed, _: str) -> str | Again:
    policy = typed.context.services.customers.code_policy
    code = typed.text.strip()
    return code if policy.well_formed(code) else Again("phone.code_format", {"length": policy.length})


async def _confirm_phone(typed: Typed, phone: str, code: str) -> object:
    """The code typed back: right → verified; wrong → attempts left; dead → ask for a new one."""
    lang = typed.lang
    try:
        verified = await call(typed.context.services.customers.confirm_phone, typed.customer.id, phone, code)
    except WrongCode as error:  # the code is asked again
        await typed.say(error_text(error, lang))
        return None
    return await typed.ended("phone.verified", keyboards.main_menu(lang), phone=mask(verified.phone))


# -- identity -----------------------------------------------------------------------------------------


async def ask_identity(update: Update, context: BotContext, press: Press) -> str | int:
    """Ask for the real name, when the customer's status lets them submit an identity."""
    lang = press.lang
    refusal = {
        KycStatus.REGISTERED: "identity.need_phone",
        KycStatus.IDENTITY_SUBMITTED: "identity.already_submitted",
        KycStatus.VERIFIED: "identity.already_verified",
    }.get(press.customer.status)
    if refusal is not None:
        return await ended(update, context, text(refusal, lang))
    await say(update, context, text("identity.ask_name", lang))
    return IDENTITY_NAME


def _name(typed: Typed, _: None) -> str | Again:
    try:
        return check_real_name(" ".join(typed.text.split()))
    except UnsafeText:  # told as core tells it: nothing hidden is kept, not even in the conversation's state
        raise
    except InvalidInput:
        return Again("identity.bad_name")


async def _ask_number(typed: Typed, _: None, name: str) -> object:
    """The real name, kept as UI state until the number follows."""
    typed.state[REAL_NAME] = name
    await typed.tell("identity.ask_number")
    return IDENTITY_NUMBER


async def _real_name(typed: Typed) -> str:
    if not isinstance(name := typed.stored, str):
        await typed.lost("identity.ask_name", IDENTITY_NAME)
    return name


async def _submit_identity(typed: Typed, name: str, number: str) -> object:
    """The resident ID number, submitted with the name; only its masked form is ever shown back."""
    lang, customers = typed.lang, typed.context.services.customers
    try:
        submitted = await call(customers.submit_identity, typed.customer.id, name, number)
    except InvalidInput as error:
        await typed.tell("identity.bad_number", detail=error_text(error, lang))
        return None
    masked = submitted.resident_id.masked if submitted.resident_id else ""
    return await typed.ended("identity.submitted", name=submitted.real_name, masked=masked)


# -- documents ----------------------------------------------------------------------------------------


async def ask_document_kind(update: Update, context: BotContext, press: Press) -> int:
    """Offer the kinds of document."""
    return await ended(
        update, context, text("documents.choose", press.lang), keyboards.document_kinds(press.lang)
    )


async def _wait_for_file(update: Update, context: BotContext, press: Press) -> str:
    """A kind was chosen: wait for its photo or file."""
    await query_of(update).answer()
    context.user_state[DOCUMENT_KIND] = press.subject
    kind = name_of(DocumentKind(press.subject), press.lang)
    await say(update, context, text("documents.send_file", press.lang, kind=kind, megabytes=_MEGABYTES))
    return DOCUMENT_FILE


choose_document_kind = customer_buttons(
    cb.ChooseDocument, lambda c: ("kind", c.kind.value), {"kind": _wait_for_file}
)


async def _kind(typed: Typed) -> DocumentKind:
    """The kind of document chosen; without it the kinds are offered again."""
    try:
        return DocumentKind(str(typed.stored))
    except ValueError:
        await typed.lost("documents.choose", END, keyboards.document_kinds(typed.lang))


def _file(typed: Typed, _: DocumentKind) -> str | Again:
    """The id of the photo or file sent, if the document store takes its type and size."""
    message = typed.message
    if message.photo:
        file_id, size = message.photo[-1].file_id, message.photo[-1].file_size
    elif message.document is None:
        return Again("documents.need_file")
    elif message.document.mime_type not in _ACCEPTED_TYPES:
        return Again("documents.wrong_type")
    else:
        file_id, size = message.document.file_id, message.document.file_size
    if size is not None and size > MAX_DOCUMENT_BYTES:
        return Again("file.too_big", {"size": file_size(MAX_DOCUMENT_BYTES)})
    return file_id


async def _upload(typed: Typed, kind: DocumentKind, file_id: str) -> object:
    """The file, downloaded through the Bot API and handed to the document store."""
    lang, context = typed.lang, typed.context
    content = bytes(await (await context.bot.get_file(file_id)).download_as_bytearray())
    await call(context.services.customers.upload_document, typed.customer.id, kind.value, content)
    return await typed.ended("documents.received", keyboards.document_kinds(lang), kind=name_of(kind, lang))


TYPED: TypedSteps = (
    TypedStep(PHONE_CONTACT, None, nothing, _own_phone, _send_code, filters.CONTACT, _USE_BUTTON),
    TypedStep(PHONE_CODE, None, nothing, _own_phone, _send_code, filters.CONTACT),
    TypedStep(PHONE_CODE, PHONE, _phone, _code, _confirm_phone),
    TypedStep(IDENTITY_NAME, None, nothing, _name, _ask_number),
    TypedStep(IDENTITY_NUMBER, REAL_NAME, _real_name, line, _submit_identity),
    TypedStep(DOCUMENT_FILE, DOCUMENT_KIND, _kind, _file, _upload, _FILES, Again("documents.need_file")),
)
"""The number shared (and shared again while the code is awaited), the code, the name, the resident ID
number and the document sent."""
