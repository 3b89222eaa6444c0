"""The papers a customer accepts before doing business (``core.papers``), shown and accepted in the bot: the
lender's risk disclosure before a first investment (lending_papers.py) and the allocation agreement and risk
disclosure before a first application (allocation_papers.py).

A paper's texts are keyed by its name: ``paper.<name>.v<version>`` (the text itself), ``.first`` (said
above it when the business step it guards asked for it), ``.accepted`` and ``.accepted_before``. Its ✅
button names what the customer was doing, so that accepting goes straight on with it.
"""

from __future__ import annotations

from collections.abc import Callable

import attrs
from telegram import Update

from p2pstock.bots.telegram import callbacks as cb
from p2pstock.bots.telegram.context import BotContext, attempt, call, ended, query_of
from p2pstock.bots.telegram.keyboards import button, keyboard
from p2pstock.bots.telegram.platform_time import local_time
from p2pstock.bots.telegram.press import Press, Step
from p2pstock.bots.telegram.texts import text
from p2pstock.core.papers import Acknowledgement, Paper

NOTHING = "-"
"""The subject of ✅ when no business step waits for it."""


@attrs.frozen
class Disclosure:
    paper: Paper
    accept: Callable[[str], cb.Callback]
    """The callback data of ✅ for a subject: what waits for it, or ``NOTHING``."""

    async def show(self, update: Update, context: BotContext, press: Press) -> int:
        """The paper with ✅, or when the customer accepted it."""
        known = await call(context.services.papers.acknowledged, press.customer.id, self.paper)
        if known is not None:
            return await ended(update, context, self._accepted("accepted_before", known, context, press.lang))
        return await self._offer(update, context, press.lang, NOTHING)

    async def first(self, update: Update, context: BotContext, press: Press, subject: str) -> bool:
        """Whether the customer must accept the paper before the step on ``subject`` (it is then shown)."""
        known = await call(context.services.papers.acknowledged, press.customer.id, self.paper)
        if known is not None:
            return False
        said = f"{text(f'paper.{self.paper.name}.first', press.lang)}\n\n"
        await self._offer(update, context, press.lang, subject, said=said)
        return True

    def accepting(self, then: Step) -> Step:
        """✅: the acceptance recorded; then ``then`` (the step it was asked for), if one was."""
        paper = self.paper

        async def accept(update: Update, context: BotContext, press: Press) -> object:
            if press.subject == NOTHING:
                await query_of(update).answer()  # else ``then`` answers it
            who, lang = press.customer.id, press.lang
            known = await attempt(update, context, lang, context.services.papers.acknowledge, who, paper)
            await ended(update, context, self._accepted("accepted", known, context, lang))
            return None if press.subject == NOTHING else await then(update, context, press)

        return accept

    async def _offer(
        self, update: Update, context: BotContext, lang: str, subject: str, *, said: str = ""
    ) -> int:
        accept = keyboard([button(text("paper.accept.button", lang), self.accept(subject))])
        return await ended(update, context, said + text(self.paper.key, lang), accept)

    def _accepted(self, said: str, known: Acknowledgement, context: BotContext, lang: str) -> str:
        at = local_time(known.at, context.services.ledger.timezone)
        return text(f"paper.{self.paper.name}.{said}", lang, at=at, version=known.version)
