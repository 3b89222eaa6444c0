"""Administrators' review queues in the bot: documents (the image or PDF itself), identities, withdrawals
and four-eyes approvals, each item with accept and reject buttons (an acceptance is carried out at once, a
rejection once its reason is typed in ``admin.py``); and the platform as a whole: the audit trail's hash
chain checked, the statistics. Core checks every call's permission."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.error import BadRequest

from p2pstock.bots.telegram.admin_steps import END, Desk, deciding, rejecting
from p2pstock.bots.telegram.admin_views import Show, customer_label, decision, named, queue, when
from p2pstock.bots.telegram.context import BotContext, call, say, user_of
from p2pstock.bots.telegram.press import Press
from p2pstock.bots.telegram.product_cards import percent
from p2pstock.bots.telegram.texts import text
from p2pstock.core.audit import Fault
from p2pstock.core.lending.loans import LoanStatus
from p2pstock.core.lending.views import LendingFigures
from p2pstock.core.money import CNY, Money
from p2pstock.core.names import code_name, name_of
from p2pstock.core.notifications import mask
from p2pstock.core.people.customers import Customer, KycStatus
from p2pstock.core.people.documents import ContentType, CustomerDocument
from p2pstock.core.people.four_eyes import ApprovalRequest
from p2pstock.core.statistics import QUEUE_LIMIT, PlatformOverview
from p2pstock.core.wallet.withdrawals import Withdrawal

# -- the queues ---------------------------------------------------------------------------------------


async def _send_document(
    update: Update, context: BotContext, press: Press, pending: CustomerDocument
) -> None:
    """The document as the image or PDF itself, with accept/reject buttons."""
    lang, kyc = press.lang, context.services.kyc
    document, content = await call(kyc.document_content, pending.id, by=press.admin.id)
    markup, note = decision(lang, "doc", document.id)
    found = await call(context.services.customers.named, [document.customer_id], by=press.admin.id)
    owner = found.get(document.customer_id)
    said = {
        "id": document.id,
        "customer": customer_label(owner, document.customer_id, lang),
        "masked": owner.masked_id if owner and owner.masked_id else "—",
        "kind": document.kind,
        "uploaded": when(context, document.uploaded_at),
    }
    caption = text("admin.document", lang, **said) + note
    chat_id = user_of(update).id
    filename = f"{document.id}.{document.content_type.value.rsplit('/', 1)[1]}"
    if document.content_type is not ContentType.PDF:
        try:
            await context.bot.send_photo(chat_id, content, caption=caption, reply_markup=markup)
            return
        except BadRequest:  # a picture Telegram will not show as a photo (size, proportions): as a file
            pass
    await context.bot.send_document(chat_id, content, filename=filename, caption=caption, reply_markup=markup)


show_documents = queue(
    lambda context, _press: context.services.kyc.pending_documents, _send_document, verb="menu"
)
"""Each pending document, oldest first."""


async def _identity(context: BotContext, press: Press, customer: Customer) -> str:
    lang = press.lang
    return text(
        "admin.identity",
        lang,
        customer=customer.id,
        name=customer.real_name,
        masked=customer.resident_id.masked if customer.resident_id else "",
        phone=mask(customer.phone) if customer.phone else "",
    )


async def _withdrawal(context: BotContext, press: Press, request: Withdrawal) -> str:
    """A withdrawal with its customer's name and what their wallet holds once it is paid out."""
    customer = (await named(context, press, [request.customer_id]))[request.customer_id]
    balance = await call(context.services.wallets.balance, request.customer_id)
    return text(
        "admin.withdrawal",
        press.lang,
        id=request.id,
        customer=customer,
        amount=_money(context, request.amount),
        after=_money(context, balance.total.minor - request.amount),
        requested=when(context, request.requested_at),
    )


async def _approval(context: BotContext, press: Press, request: ApprovalRequest) -> str:
    """A waiting request, and what carrying it out would do (``admin.approval.then.<action>``)."""
    lang = press.lang
    then = await call(context.services.approvals.consequences, request.id, by=press.admin.id)
    shown = _request_text(context, request, lang)
    return f"{shown}\n{text(f'admin.approval.then.{request.action}', lang, **then)}" if then else shown


def _request_text(context: BotContext, request: ApprovalRequest, lang: str) -> str:
    return text(
        "admin.approval",
        lang,
        id=request.id,
        action=code_name("action", request.action, lang),
        target=request.target,
        amount=_money(context, request.amount) if request.amount is not None else "—",
        maker=request.maker_id,
        expires=when(context, request.expires_at),
    )


def _item(prefix: str, body: Callable[[BotContext, Press, Any], Awaitable[str]]) -> Show:
    """An item of a queue shown by ``body``, with its ``<prefix>_ok`` and ``<prefix>_no`` buttons."""

    async def show(update: Update, context: BotContext, press: Press, item: Any) -> None:
        markup, note = decision(press.lang, prefix, item.id)
        await say(update, context, await body(context, press, item) + note, markup)

    return show


show_identities = queue(
    lambda context, _press: context.services.kyc.identities_to_review, _item("id", _identity), verb="menu"
)
show_withdrawals = queue(
    lambda context, _press: context.services.wallets.withdrawal_queue, _item("wd", _withdrawal), verb="menu"
)
show_approvals = queue(
    lambda context, _press: context.services.approvals.pending, _item("ap", _approval), verb="menu"
)
"""The queues oldest first: submitted identities, pending withdrawals, requests this administrator could
decide."""


# -- decisions ----------------------------------------------------------------------------------------


@deciding
async def _accept_document(context: BotContext, press: Press) -> str:
    document = await call(context.services.kyc.accept_document, press.subject, by=press.admin.id)
    return text("admin.document_accepted", press.lang, id=document.id)


@deciding
async def _verify_identity(context: BotContext, press: Press) -> str:
    customer = await call(context.services.kyc.verify_identity, press.subject, by=press.admin.id)
    return text("admin.identity_verified", press.lang, customer=customer.id)


@deciding
async def _approve_withdrawal(context: BotContext, press: Press) -> str:
    decided = await call(context.services.wallets.approve_withdrawal, press.subject, by=press.admin.id)
    lang = press.lang
    if isinstance(decided, ApprovalRequest):
        amount = _money(context, decided.amount or 0)
        return text("admin.withdrawal_waiting", lang, id=press.subject, amount=amount, approval=decided.id)
    return text("admin.withdrawal_approved", lang, id=decided.id, amount=_money(context, decided.amount))


@deciding
async def _approve(context: BotContext, press: Press) -> str:
    approved = await call(context.services.approvals.approve, press.subject, by=press.admin.id)
    return text("admin.approval_approved", press.lang, id=approved.id)


DESK = Desk(
    {"doc_ok": _accept_document, "id_ok": _verify_identity, "wd_ok": _approve_withdrawal, "ap_ok": _approve},
    rejections={
        "doc_no": rejecting(lambda c: c.services.kyc.reject_document, "admin.document_rejected"),
        "id_no": rejecting(
            lambda c: c.services.kyc.reject_identity,
            "admin.identity_rejected",
            lambda _c, who: {"customer": who.id, "reason": who.rejection_reason},
        ),
        "wd_no": rejecting(
            lambda c: c.services.wallets.reject_withdrawal,
            "admin.withdrawal_rejected",
            lambda c, wd: {"id": wd.id, "amount": _money(c, wd.amount), "reason": wd.reason},
        ),
        "ap_no": rejecting(lambda c: c.services.approvals.reject, "admin.approval_rejected"),
    },
)
"""The queues' decisions: an acceptance carried out at once, a rejection once its reason is typed."""


def _money(context: BotContext, minor: int) -> Money:
    return Money(minor, context.services.wallets.currency)


# -- the platform as a whole --------------------------------------------------------------------------


async def check_audit(update: Update, context: BotContext, press: Press) -> object:
    """Walk the audit trail's hash chain."""
    lang = press.lang
    check = await call(context.services.audit.verify_as, by=press.admin.id)
    if check.ok:
        await say(update, context, text("admin.audit_ok", lang, checked=check.checked))
    else:
        reason = text(f"admin.audit.fault.{Fault(check.reason).name.lower()}", lang)
        message = text(
            "admin.audit_broken", lang, seq=check.first_broken, reason=reason, checked=check.checked
        )
        await say(update, context, message)
    return END


async def show_statistics(update: Update, context: BotContext, press: Press) -> object:
    """The platform at a glance: customers by status, what waits for review, money moved today."""
    overview = await call(context.services.statistics.overview, by=press.admin.id)
    figures = await call(context.services.lending.figures, by=press.admin.id)
    await say(update, context, f"{_statistics(overview, press.lang)}\n\n{_lending(figures, press.lang)}")
    return END


def _lending(figures: LendingFigures, lang: str) -> str:
    loans = ", ".join(
        f"{name_of(LoanStatus(status), lang)} {count}"
        for status, count in sorted(figures.loans_by_status.items())
    )
    income = ", ".join(
        f"{code_name('ledger', code, lang)} {Money(amount, CNY)}"
        for code, amount in sorted(figures.income.items())
    )
    return text(
        "admin.stats.lending",
        lang,
        outstanding=Money(figures.outstanding_principal, CNY),
        overdue=Money(figures.overdue_principal, CNY),
        ratio=percent(figures.overdue_ratio_bp),
        loans=loans or "0",
        income=income or "—",
    )


def _statistics(overview: PlatformOverview, lang: str) -> str:
    counts = dict(overview.customers)
    statuses = [
        text("admin.stats.status", lang, status=status, count=counts.pop(status, 0)) for status in KycStatus
    ]
    statuses += [text("admin.stats.status", lang, status=name, count=n) for name, n in sorted(counts.items())]
    moved = [
        text(
            "admin.stats.moved",
            lang,
            code=code_name("ledger", total.code, lang),
            count=total.count,
            amount=Money(total.debits, CNY),
        )
        for total in overview.moved
    ]
    return text(
        "admin.stats",
        lang,
        day=overview.day.isoformat(),
        customers=sum(overview.customers.values()),
        statuses="\n".join(statuses),
        documents=_counted(overview.documents_to_review),
        identities=_counted(overview.identities_to_review),
        withdrawals=_counted(overview.withdrawals_pending),
        pending=Money(overview.withdrawals_pending_amount, CNY),
        moved="\n".join(moved) or text("admin.stats.nothing_moved", lang),
    )


def _counted(found: int) -> str:
    """A queue's length; one counted up to ``QUEUE_LIMIT`` shows it was cut short."""
    return f"{found}+" if found >= QUEUE_LIMIT else str(found)
