"""Daily statuses held as implausible, for administrators holding ``allocation.daily_status``: the
"⚠️ Flagged statuses" list of the allocations menu shows each held status — why, the previous total assets
against the day's, the move — with ✅ to put it into effect, ❌ to reject it (a reason is asked through the
admin conversation's reason step) and a way to its allocation's card. Core refuses the administrator who
entered or imported a status (``same_administrator``) and one decided meanwhile."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

from p2pstock.bots.telegram import callbacks as cb
from p2pstock.bots.telegram.admin_steps import Rejection, deciding
from p2pstock.bots.telegram.admin_views import queue
from p2pstock.bots.telegram.allocation_admin_card import risk_name
from p2pstock.bots.telegram.context import BotContext, call, say
from p2pstock.bots.telegram.flagged_lines import held_lines, named, subject
from p2pstock.bots.telegram.keyboards import fitting
from p2pstock.bots.telegram.press import Press
from p2pstock.bots.telegram.texts import text
from p2pstock.core.allocation.statuses import DailyStatus


async def _show(update: Update, context: BotContext, press: Press, status: DailyStatus) -> None:
    """A held status, with its ✅ and ❌ buttons and a way to its allocation's card."""
    lang, key = press.lang, subject(status)
    rows = fitting(
        [
            [
                (text("admin.alloc.b.flag_ok", lang), cb.AdminAction("sf_ok", key)),
                (text("admin.alloc.b.flag_no", lang), cb.AdminAction("sf_no", key)),
            ],
            [
                (
                    text("admin.alloc.b.open", lang, id=status.allocation_id),
                    cb.AdminAction("al_show", status.allocation_id),
                )
            ],
        ]
    )
    lines = held_lines(status, lang, context.services.ledger.timezone)
    if not rows:
        lines.append(text("admin.no_buttons", lang))
    await say(update, context, "\n".join(lines), InlineKeyboardMarkup(rows) if rows else None)


show_flagged = queue(
    lambda context, _press: context.services.allocations.flagged, _show, verb="al_q", empty="flagged.none"
)
"""Each held status, oldest first."""


@deciding
async def confirm(context: BotContext, press: Press) -> str:
    """✅ under a held status: it takes effect (its risk state told)."""
    key = named(press.subject)
    if key is None:
        return text("outdated", press.lang)
    allocation_id, day, revision = key
    confirm_status = context.services.allocations.confirm_status
    done = await call(confirm_status, allocation_id, day, revision, by=press.admin.id)
    before, after = risk_name(done.risk_before, press.lang), risk_name(done.risk_after, press.lang)
    told = {"id": allocation_id, "day": day, "revision": revision, "before": before, "after": after}
    return text("admin.alloc.flag_confirmed", press.lang, **told)


async def _reject(context: BotContext, press: Press, reason: str) -> str:
    key = named(press.subject)
    if key is None:
        return text("outdated", press.lang)
    allocation_id, day, revision = key
    reject_status = context.services.allocations.reject_status
    await call(reject_status, allocation_id, day, revision, by=press.admin.id, reason=reason)
    told = {"id": allocation_id, "day": day, "revision": revision, "reason": reason}
    return text("admin.alloc.flag_rejected", press.lang, **told)


REJECTIONS = {"sf_no": Rejection(_reject, prompt="admin.alloc.flag_ask_reason")}
"""❌ under a held status asks for its reason (admin.py's reason step), then rejects it here."""
