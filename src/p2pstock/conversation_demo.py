"""``p2pstock demo``: the real bot application, driven through a customer and two administrators on the
embedded SQLite default, printed as a conversation.

The bot is the one ``p2pstock serve`` runs (real handlers, real ``Update`` objects); only the Telegram Bot
API is a local stand-in (``LocalBotApi``). Text messages go to the console SMS sender; the deposit is paid
on the sandbox gateway's page, served by the real web server on a loopback port, which calls back signed
like a real gateway.
"""

from __future__ import annotations

import asyncio
import re
import socket
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import attrs
from aiohttp import web
from telegram import Update

from p2pstock import serving
from p2pstock.adapters.clock import ManualClock
from p2pstock.bootstrap import App, bootstrap
from p2pstock.bots.telegram.context import BotApplication
from p2pstock.bots.telegram.local_api import LocalBotApi, LocalUser
from p2pstock.config import Settings
from p2pstock.core.notifications import Channel

Say = Callable[[str], None]
CUSTOMER, REVIEWER, FINANCE = 1001, 2001, 3001
JPEG = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 8
NAMES = {CUSTOMER: "Li Wei", REVIEWER: "reviewer", FINANCE: "finance"}


@attrs.define
class Conversation:
    """Feeds updates to the bot and prints what each side said."""

    bot: BotApplication
    api: LocalBotApi
    app: App
    say: Say

    async def send(self, user: LocalUser, shown: str, update: Update) -> None:
        self.say(f"  {NAMES[user.id]:>8} ▸ {shown}")
        mark = len(self.api.calls)
        await self.bot.process_update(update)
        await self.deliver()
        for chat, text in self.api.texts(mark):
            self._print_bot(chat, text)

    async def tap(self, user: LocalUser, label: str) -> None:
        """Press the newest inline button labelled ``label`` in ``user``'s chat."""
        chats = {index for index, (_n, p) in enumerate(self.api.calls) if p.get("chat_id") == user.id}
        for message_id, text, data in reversed(self.api.buttons(min(chats, default=0))):
            if text == label:
                await self.send(user, f"[{label}]", user.presses(data, message_id))
                return
        raise LookupError(f"no button {label!r} in {NAMES[user.id]}'s chat")

    async def deliver(self) -> None:
        """The outbox, delivered now (SMS to the console, Telegram messages through the bot)."""
        await self.app.dispatcher.dispatch()

    def _print_bot(self, chat: int, text: str) -> None:
        first, *rest = text.splitlines() or [""]
        self.say(f"  {'bot':>8} ▸ {NAMES.get(chat, chat)}: {first}")
        for line in rest:
            self.say(f"  {'':>8}   {line}")


def run_conversation_demo(data_dir: Path, say: Say = print) -> App:
    """Run the demo on a fresh ``demo.db`` in ``data_dir``; the app is returned for inspection."""
    return asyncio.run(_demo(data_dir, say))


async def _demo(data_dir: Path, say: Say) -> App:
    path = data_dir / "demo.db"
    for stale in (path, path.with_suffix(".db-wal"), path.with_suffix(".db-shm")):
        stale.unlink(missing_ok=True)
    port = _free_port()
    settings = Settings.from_env(
        database_url=f"sqlite:///{path}",
        data_dir=data_dir,
        telegram_token="4242:demo-token",  # noqa: S106 - the local Bot API accepts any token
        webhook_secret="demo-webhook-secret",  # noqa: S106 - a loopback-only server
        public_url=f"http://127.0.0.1:{port}",
        payment_provider="sandbox",
        sms_provider="console",
        document_store="filesystem",
    )
    app = bootstrap(settings, clock=ManualClock(datetime(2026, 3, 2, 1, 0, tzinfo=UTC)))
    api = LocalBotApi()
    bot = serving.telegram_bot(app, request=api)
    await bot.initialize()
    runner = web.AppRunner(serving.web_app(app, bot), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        where = f"{settings.safe_database_url} (SQLite, WAL, synchronous=FULL)"
        say(f"p2pstock demo — the Telegram bot, a customer and two administrators, on {where}\n")
        await _walk_through(Conversation(bot, api, app, say), settings)
    finally:
        await runner.cleanup()
        await bot.shutdown()
    _report(app, say)
    return app


async def _walk_through(talk: Conversation, settings: Settings) -> None:
    app, say = talk.app, talk.say
    li, reviewer, finance = (
        LocalUser(talk.bot.bot, uid, NAMES[uid]) for uid in (CUSTOMER, REVIEWER, FINANCE)
    )
    say("0. The operator enrols two administrators (p2pstock admin create …)")
    for admin_id, role, telegram in (("reviewer-1", "reviewer", REVIEWER), ("finance-1", "finance", FINANCE)):
        app.staff.enrol_by_operator(admin_id, [role], telegram_user_id=telegram)
        say(f"   $ p2pstock admin create {admin_id} --telegram-user-id {telegram} --role {role}")
    say("\n1. Li Wei registers and verifies the phone by SMS code")
    await talk.send(li, "/start", li.command("/start"))
    await talk.tap(li, "📱 Verify phone")
    await talk.send(li, "(shares the contact +86 138 0013 8000)", li.shares_contact("8613800138000"))
    code = _last_code(talk)
    await talk.send(li, code, li.says(code))
    say("\n2. Identity and both sides of the ID card")
    await talk.tap(li, "🪪 Identity")
    await talk.send(li, "李伟", li.says("李伟"))
    await talk.send(li, "11010519491231002X", li.says("11010519491231002X"))
    for side in ("ID card (front)", "ID card (back)"):
        await talk.tap(li, "📎 Documents")
        await talk.tap(li, side)
        file_id = f"photo-{len(talk.api.files)}"
        talk.api.files[file_id] = JPEG + file_id.encode()
        await talk.send(li, "(sends a photo)", li.sends_photo(file_id, len(talk.api.files[file_id])))
    say("\n3. The reviewer accepts the documents and verifies the identity")
    for _ in range(2):
        await talk.send(reviewer, "/admin", reviewer.command("/admin"))
        await talk.tap(reviewer, "📎 Documents to review")
        await talk.tap(reviewer, "✅ Accept")
    await talk.send(reviewer, "/admin", reviewer.command("/admin"))
    await talk.tap(reviewer, "🪪 Identities to review")
    await talk.tap(reviewer, "✅ Accept")
    say("\n4. A deposit through the sandbox payment gateway")
    await talk.tap(li, "➕ Deposit")
    await talk.send(li, "2,000", li.says("2,000"))
    await _pay_on_the_sandbox_page(talk, settings)
    say("\n5. A withdrawal, approved by finance")
    await talk.send(li, "/menu", li.command("/menu"))
    await talk.tap(li, "➖ Withdraw")
    await talk.send(li, "500", li.says("500"))
    await talk.tap(li, "✅ Confirm")
    await talk.send(finance, "/admin", finance.command("/admin"))
    await talk.tap(finance, "💸 Withdrawals to decide")
    await talk.tap(finance, "✅ Accept")
    await talk.send(li, "/menu", li.command("/menu"))
    await talk.tap(li, "💰 Wallet")


async def _pay_on_the_sandbox_page(talk: Conversation, settings: Settings) -> None:
    """The payer opens the link from the bot's "Pay now" button and presses Pay on the sandbox's page."""
    url = _payment_url(talk.api)
    talk.say(f"  {'payer':>8} ▸ opens {url.removeprefix(settings.public_url)} and presses Pay")
    async with aiohttp.ClientSession() as session, session.post(url) as response:
        talk.say(f"  {'sandbox':>8} ▸ calls back signed; the web server answers {response.status}")
    mark = len(talk.api.calls)
    await talk.deliver()
    for chat, text in talk.api.texts(mark):
        talk._print_bot(chat, text)


def _payment_url(api: LocalBotApi) -> str:
    for _name, parameters in reversed(api.calls):
        markup = parameters.get("reply_markup")
        if isinstance(markup, dict):
            for row in markup.get("inline_keyboard", []):
                for button in row:
                    if "url" in button:
                        return str(button["url"])
    raise LookupError("the bot sent no payment link")


def _last_code(talk: Conversation) -> str:
    sms = talk.app.dispatcher.senders[Channel.SMS]
    phone, text = sms.outbox[-1]  # type: ignore[attr-defined]
    talk.say(f"  {'sms':>8} ▸ to {phone[:3]}****{phone[-4:]}: {text}")
    found = re.search(r"\d{6}", text)
    if found is None:
        raise LookupError("no code was texted")
    return found.group()


def _report(app: App, say: Say) -> None:
    customer = app.customers.by_telegram(CUSTOMER)
    if customer is None:
        raise LookupError("the customer did not register")
    balance = app.wallets.balance(customer.id)
    say("\n6. Where things stand")
    say(f"   Li Wei: {customer.status.value}; wallet available {balance.available}, frozen {balance.frozen}")
    trial, check = app.ledger.trial_balance(), app.audit.verify()
    say(
        f"   trial balance {'balanced' if trial.balanced else 'NOT balanced'}; ledger audit "
        f"{'ok' if app.ledger.audit().ok else 'FAILED'}; audit trail of {check.checked} records "
        f"{'intact' if check.ok else 'BROKEN'}"
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
