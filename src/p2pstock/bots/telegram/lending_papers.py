"""The lender's risk disclosure and the loan agreements, for customers.

::

    /risk  the disclosure ──ln:ack:<loan id or ->──► accepted (recorded with its version and time), then the
           investment it was asked for goes on (💰 in the hall asks first when it was never accepted)
    /contracts  the agreements the customer is a party to ──ln:ct:<loan id> / ln:ctp:<purchase id>──►
           the loan or transfer agreement's PDF, checked against the hash recorded when it was issued
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from types import MappingProxyType

from telegram import Update

from p2pstock.bots.telegram import callbacks as cb
from p2pstock.bots.telegram.context import BotContext, attempt, call, ended, query_of, user_of
from p2pstock.bots.telegram.disclosures import Disclosure
from p2pstock.bots.telegram.keyboards import button, keyboard
from p2pstock.bots.telegram.press import Press, Step
from p2pstock.bots.telegram.texts import text
from p2pstock.core.lending.contracts import LOAN, TRANSFER, AgreementRef
from p2pstock.core.papers import LENDING_RISK

VERBS = {LOAN: "ct", TRANSFER: "ctp"}
"""The button of each kind of agreement."""


DISCLOSURE = Disclosure(LENDING_RISK, lambda loan_id: cb.LoanStep("ack", loan_id))
"""The lender's risk disclosure: ✅ names the loan the investment was asked for in, or ``-``."""
show_disclosure = DISCLOSURE.show
"""/risk: the disclosure with ✅, or when the customer accepted it."""
disclosure_first = DISCLOSURE.first
"""Whether the customer must accept the disclosure before investing in a loan (it is then shown)."""
accepting = DISCLOSURE.accepting
"""✅: the acceptance recorded; then the investment it was asked for, if one was."""


async def show_contracts(update: Update, context: BotContext, press: Press) -> int:
    """/contracts: a button for each agreement the customer is a party to (a loan borrowed or lent, a debt
    sold or bought)."""
    lang = press.lang
    found = await call(context.services.contracts.of_customer, press.customer.id)
    if not found:
        return await ended(update, context, text("contract.none", lang))
    rows = [[button(_label(ref, lang), cb.LoanStep(VERBS[ref.kind], ref.id))] for ref in found]
    return await ended(update, context, text("contract.title", lang), keyboard(*rows))


def _label(ref: AgreementRef, lang: str) -> str:
    return text(f"contract.button.{ref.kind}", lang, id=ref.loan_id)


async def send_contract(update: Update, context: BotContext, press: Press) -> object:
    """📄 of a loan: its agreement's PDF, refused if the stored file no longer matches its hash."""
    await query_of(update).answer()
    lang, loan_id = press.lang, press.subject
    download = context.services.contracts.download
    content = await attempt(update, context, lang, download, loan_id, customer_id=press.customer.id)
    loan = await call(context.services.lending.get, loan_id)
    caption = text(
        "contract.caption", lang, id=loan.id, template=loan.contract, digest=loan.contract_hash[:16]
    )
    await _send(update, context, content, f"loan-agreement-{loan.id}.pdf", caption)
    return None


async def send_transfer_contract(update: Update, context: BotContext, press: Press) -> object:
    """📄 of a purchase: its transfer agreement's PDF, checked the same way."""
    await query_of(update).answer()
    lang, purchase_id, who = press.lang, press.subject, press.customer.id
    download = context.services.contracts.download_transfer
    content = await attempt(update, context, lang, download, purchase_id, customer_id=who)
    digest = hashlib.sha256(content).hexdigest()[:16]
    caption = text("contract.caption.transfer", lang, id=purchase_id, digest=digest)
    await _send(update, context, content, f"transfer-agreement-{purchase_id}.pdf", caption)
    return None


async def _send(update: Update, context: BotContext, content: bytes, filename: str, caption: str) -> None:
    await context.bot.send_document(user_of(update).id, content, filename=filename, caption=caption)


MENU: Mapping[str, Step] = MappingProxyType({"risk": show_disclosure, "contracts": show_contracts})
"""The commands of this module, for ``conversation.MENU``."""
