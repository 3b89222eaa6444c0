"""The lender's risk disclosure and the loan agreements, for customers.

::

    /risk  the disclosure ──ln:ack:<loan id or ->──► accepted (recorded with its version and time), then the
           investment it was asked for goes on (💰 in the hall asks first when it was never accepted)
    /contracts  the customer's loans with an agreement ──ln:ct:<loan id>──► the agreement's PDF, checked
           against the hash recorded when it was issued
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from telegram import Update

from p2pstock.bots.telegram import callbacks as cb
from p2pstock.bots.telegram.context import BotContext, attempt, call, ended, query_of, user_of
from p2pstock.bots.telegram.keyboards import button, keyboard
from p2pstock.bots.telegram.platform_time import local_time
from p2pstock.bots.telegram.press import Press, Step
from p2pstock.bots.telegram.services import BotServices
from p2pstock.bots.telegram.texts import text
from p2pstock.core.lending.loans import Loan
from p2pstock.core.papers import LENDING_RISK, Acknowledgement

NO_LOAN = "-"
"""The subject of ✅ when no investment waits for it."""
LISTED_CONTRACTS = 20
"""The newest agreements /contracts offers."""


async def show_disclosure(update: Update, context: BotContext, press: Press) -> int:
    """/risk: the disclosure with ✅, or when the customer accepted it."""
    known = await call(context.services.papers.acknowledged, press.customer.id, LENDING_RISK)
    if known is not None:
        return await ended(update, context, _accepted("paper.accepted_before", known, context, press.lang))
    return await _offer(update, context, press.lang, NO_LOAN)


async def disclosure_first(update: Update, context: BotContext, press: Press, loan_id: str) -> bool:
    """Whether the customer must accept the disclosure before investing in ``loan_id`` (it is then shown)."""
    known = await call(context.services.papers.acknowledged, press.customer.id, LENDING_RISK)
    if known is not None:
        return False
    await _offer(update, context, press.lang, loan_id, first=True)
    return True


async def _offer(update: Update, context: BotContext, lang: str, loan_id: str, *, first: bool = False) -> int:
    shown = text(LENDING_RISK.key, lang)
    accept = keyboard([button(text("paper.accept.button", lang), cb.LoanStep("ack", loan_id))])
    return await ended(update, context, f"{text('paper.first', lang)}\n\n{shown}" if first else shown, accept)


def accepting(then: Step) -> Step:
    """✅: the acceptance recorded; then ``then`` (the investment it was asked for), if one was."""

    async def accept(update: Update, context: BotContext, press: Press) -> object:
        if press.subject == NO_LOAN:
            await query_of(update).answer()  # else ``then`` answers it
        who, lang = press.customer.id, press.lang
        known = await attempt(update, context, lang, context.services.papers.acknowledge, who, LENDING_RISK)
        await ended(update, context, _accepted("paper.accepted", known, context, lang))
        return None if press.subject == NO_LOAN else await then(update, context, press)

    return accept


def _accepted(key: str, known: Acknowledgement, context: BotContext, lang: str) -> str:
    at = local_time(known.at, context.services.ledger.timezone)
    return text(key, lang, at=at, version=known.version)


async def show_contracts(update: Update, context: BotContext, press: Press) -> int:
    """/contracts: a button for each of the customer's loans (borrowed or lent) with an agreement."""
    lang = press.lang
    loans = await call(_with_agreements, context.services, press.customer.id)
    if not loans:
        return await ended(update, context, text("contract.none", lang))
    rows = [[button(text("contract.button", lang, id=loan.id), cb.LoanStep("ct", loan.id))] for loan in loans]
    return await ended(update, context, text("contract.title", lang), keyboard(*rows))


def _with_agreements(services: BotServices, customer_id: str) -> list[Loan]:
    lending = services.lending
    lent = {i.loan_id for i in lending.investments_of(customer_id)}
    loans = [*lending.loans_of(customer_id), *(lending.get(loan_id) for loan_id in sorted(lent))]
    issued = [loan for loan in loans if loan.contract_hash]
    return sorted(issued, key=lambda loan: loan.disbursed_at or 0, reverse=True)[:LISTED_CONTRACTS]


async def send_contract(update: Update, context: BotContext, press: Press) -> object:
    """📄: the agreement's PDF, refused if the stored file no longer matches its hash."""
    await query_of(update).answer()
    lang, loan_id = press.lang, press.subject
    content = await attempt(
        update, context, lang, context.services.contracts.download, loan_id, customer_id=press.customer.id
    )
    loan = await call(context.services.lending.get, loan_id)
    caption = text(
        "contract.caption", lang, id=loan.id, template=loan.contract, digest=loan.contract_hash[:16]
    )
    await context.bot.send_document(
        user_of(update).id, content, filename=f"loan-agreement-{loan.id}.pdf", caption=caption
    )
    return None


MENU: Mapping[str, Step] = MappingProxyType({"risk": show_disclosure, "contracts": show_contracts})
"""The commands of this module, for ``conversation.MENU``."""
