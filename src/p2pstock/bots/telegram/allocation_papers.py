"""The allocation agreement and risk disclosure, and the allocation agreement's PDF, for customers.

::

    al:lev:<L>:<code> ──(never accepted)──► the disclosure ──al:ack:<L>:<code>──► accepted (recorded with
        its version and time), then the application goes on with the leverage chosen
    📄 on a confirmed allocation ──al:doc:<id>──► the agreement's PDF, checked against the hash recorded when
        it was issued
"""

from __future__ import annotations

import hashlib

from telegram import Update

from p2pstock.bots.telegram import callbacks as cb
from p2pstock.bots.telegram.context import BotContext, attempt, query_of, user_of
from p2pstock.bots.telegram.disclosures import Disclosure
from p2pstock.bots.telegram.press import Press
from p2pstock.bots.telegram.texts import text
from p2pstock.core.allocation.agreement import ALLOCATION_AGREEMENT
from p2pstock.core.papers import ALLOCATION_RISK

DISCLOSURE = Disclosure(ALLOCATION_RISK, lambda choice: cb.AllocationStep("ack", choice))
"""✅ names the leverage and product the application was begun with."""


async def send_agreement(update: Update, context: BotContext, press: Press) -> object:
    """📄 of an allocation: its agreement's PDF, refused if the stored file no longer matches its hash."""
    await query_of(update).answer()
    lang, allocation_id = press.lang, press.subject
    download = context.services.allocation_contracts.download
    content = await attempt(update, context, lang, download, allocation_id, customer_id=press.customer.id)
    digest = hashlib.sha256(content).hexdigest()[:16]
    caption = text(
        "alloc.agreement.caption", lang, id=allocation_id, template=ALLOCATION_AGREEMENT.id, digest=digest
    )
    await context.bot.send_document(
        user_of(update).id, content, filename=f"allocation-agreement-{allocation_id}.pdf", caption=caption
    )
    return None
