"""``p2pstock demo``: the real bot application, driven through a customer and four administrators on the
embedded SQLite default, printed as a conversation.

The bot is the one ``p2pstock serve`` runs (real handlers, real ``Update`` objects); only the Telegram Bot
API is a local stand-in (``LocalBotApi``). Text messages go to the console SMS sender; the deposit is paid
on the sandbox gateway's page, served by the real web server on a loopback port, which calls back signed
like a real gateway. The customer then takes a stock fund allocation from the rate table to its
settlement, and borrows through P2P lending from two investors, repaying to the last installment.
"""

from __future__ import annotations

import asyncio
import io
import re
import socket
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import attrs
from aiohttp import web
from PIL import Image
from telegram import Update

from p2pstock import serving
from p2pstock.adapters.clock import ManualClock
from p2pstock.adapters.secret_box import generate_key
from p2pstock.bootstrap import App, bootstrap
from p2pstock.bots.telegram.context import BotApplication
from p2pstock.bots.telegram.local_api import LocalBotApi, LocalUser
from p2pstock.config import Settings
from p2pstock.core.money import Money
from p2pstock.core.notifications import Channel
from p2pstock.core.people.customers import Customer, KycStatus
from p2pstock.jobs import run_jobs

Say = Callable[[str], None]
CUSTOMER, REVIEWER, FINANCE, RISK, RISK_2, BOSS = 1001, 2001, 3001, 4001, 4002, 5001
REVIEWER_2, WANG, ZHANG = 2002, 1002, 1003
NAMES = {
    CUSTOMER: "Li Wei",
    REVIEWER: "reviewer",
    FINANCE: "finance",
    RISK: "risk",
    RISK_2: "risk-2",
    REVIEWER_2: "review-2",
    WANG: "Wang Fang",
    ZHANG: "Zhang Min",
    BOSS: "boss",
}
PRODUCTS = """\
[[allocation_product]]
code = "daily"
name = "按天配资"
mode = "daily"
deposit_min = "1,000"
deposit_max = "1,000,000"
deposit_step = "1,000"
term_min = 2
term_max = 30
rates = { 3 = "0.05%", 5 = "0.06%" }
risk_fund = "0.5%"

[[loan_product]]
code = "personal"
name = "个人信用借款"
amount_min = "1,000"
amount_max = "100,000"
months_min = 1
months_max = 12
rate_min = "6%"
rate_max = "24%"
methods = ["equal_installments", "bullet"]
bidding_days_max = 3
listing_fee = "2%"
interest_fee = "10%"
"""
"""The rate table's product and the loan product, as the operator writes them (``demo-products.toml``)."""


@attrs.define
class Conversation:
    """Feeds updates to the bot and prints what each side said."""

    bot: BotApplication
    api: LocalBotApi
    app: App
    say: Say
    clock: ManualClock

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

    async def press(self, user: LocalUser, prefix: str) -> str:
        """Press the newest inline button whose data starts with ``prefix``; its data."""
        for message_id, text, data in reversed(self.api.buttons()):
            if data.startswith(prefix):
                await self.send(user, f"[{text}]", user.presses(data, message_id))
                return data
        raise LookupError(f"no button {prefix!r} for {NAMES[user.id]}")

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
        allow_sandbox=True,  # the demo's bot has a token, yet only the local Bot API hears it
        sms_provider="console",
        document_store="filesystem",
        encryption_key=generate_key(),
    )
    clock = ManualClock(datetime(2026, 3, 2, 1, 0, tzinfo=UTC))
    app = bootstrap(settings, clock=clock)
    api = LocalBotApi()
    bot = serving.telegram_bot(app, request=api)
    await bot.initialize()
    runner = web.AppRunner(serving.web_app(app, bot), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        where = f"{settings.safe_database_url} (SQLite, WAL, synchronous=FULL)"
        say(f"p2pstock demo — the Telegram bot, a customer and four administrators, on {where}\n")
        await _walk_through(Conversation(bot, api, app, say, clock), settings)
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
    say("0. The operator enrols three administrators (p2pstock admin create …)")
    enrolled = (
        ("boss", "super_admin", BOSS),
        ("reviewer-1", "reviewer", REVIEWER),
        ("finance-1", "finance", FINANCE),
    )
    for admin_id, role, telegram in enrolled:
        app.staff.enrol_by_operator(admin_id, [role], telegram_user_id=telegram)
        say(f"   $ p2pstock admin create {admin_id} --telegram-user-id {telegram} --role {role}")
    await _back_office(talk)
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
        talk.api.files[file_id] = photo(file_id)
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
    await _allocation(talk)
    await _lending(talk)


async def _back_office(talk: Conversation) -> None:
    """The super administrator publishes the products from a file and finance funds the capital pool, both
    from the bot's /admin."""
    bot, say = talk.bot.bot, talk.say
    boss, finance = LocalUser(bot, BOSS, NAMES[BOSS]), LocalUser(bot, FINANCE, NAMES[FINANCE])
    say("\n   The back office: boss sends demo-products.toml to the bot; finance funds the capital pool")
    for line in PRODUCTS.splitlines():
        say(f"   │ {line}")
    await talk.send(boss, "/admin", boss.command("/admin"))
    await talk.tap(boss, "🗂 Products")
    await talk.tap(boss, "📤 Send a product file (TOML)")
    talk.api.files["products"] = PRODUCTS.encode()
    upload = boss.sends_document(
        "products", len(talk.api.files["products"]), "application/toml", "demo-products.toml"
    )
    await talk.send(boss, "(sends demo-products.toml)", upload)
    await talk.tap(boss, "✅ Publish as new versions")
    await talk.send(finance, "/admin", finance.command("/admin"))
    await talk.tap(finance, "🏦 Capital pool")
    await talk.tap(finance, "➕ Fund")
    await talk.send(finance, "500,000 seed", finance.says("500,000 seed"))
    await talk.tap(finance, "✅ Confirm")


async def _allocation(talk: Conversation) -> None:
    """Li Wei takes a stock fund allocation from the rate table to its settlement."""
    app, say, bot = talk.app, talk.say, talk.bot.bot
    li, reviewer, finance, risk, risk_2 = (
        LocalUser(bot, uid, NAMES[uid]) for uid in (CUSTOMER, REVIEWER, FINANCE, RISK, RISK_2)
    )
    say("\n6. A stock fund allocation (配资) from the rate table; two risk officers join")
    for admin_id, telegram in (("risk-1", RISK), ("risk-2", RISK_2)):
        app.staff.enrol_by_operator(admin_id, ["risk_officer"], telegram_user_id=telegram)
        say(f"   $ p2pstock admin create {admin_id} --telegram-user-id {telegram} --role risk_officer")
    await _apply_and_pay(talk, li)
    say("\n7. The reviewer phones Li Wei and confirms; finance assigns the trading sub-account")
    await _review_and_assign(talk, reviewer, finance)
    await talk.send(li, "/allocations", li.command("/allocations"))
    await talk.press(li, "al:show:")
    await talk.press(li, "al:pw:")
    say("\n8. After the close: the day's status, the fees, a termination and a four-eyes settlement")
    talk.clock.set(datetime(2026, 3, 2, 8, 0, tzinfo=UTC))  # 16:00 in Shanghai
    await _follow_and_settle(talk, li, risk, risk_2)


async def _apply_and_pay(talk: Conversation, li: LocalUser) -> None:
    await talk.send(li, "/allocate", li.command("/allocate"))
    await talk.press(li, "al:prod:daily")
    await talk.press(li, "al:lev:5:")
    await talk.send(li, "1,000", li.says("1,000"))
    await talk.send(li, "5", li.says("5"))
    await talk.press(li, "al:apply:")
    await talk.press(li, "al:pay:deposit:")
    await talk.press(li, "al:pay:risk_fund:")


async def _review_and_assign(talk: Conversation, reviewer: LocalUser, finance: LocalUser) -> None:
    await talk.send(reviewer, "/admin", reviewer.command("/admin"))
    await talk.press(reviewer, "a:menu:allocations")
    await talk.press(reviewer, "a:al_q:review")
    await talk.press(reviewer, "a:al_show:")
    await talk.press(reviewer, "a:al_call:confirmed:")
    await talk.send(reviewer, "knows the lines", reviewer.says("knows the lines"))
    await talk.press(reviewer, "a:al_ok:")
    await talk.send(finance, "/admin", finance.command("/admin"))
    await talk.press(finance, "a:menu:allocations")
    await talk.press(finance, "a:al_q:confirmed")
    await talk.press(finance, "a:al_show:")
    await talk.press(finance, "a:al_assign:")
    await talk.send(finance, "HOMS-8801", finance.says("HOMS-8801"))
    await talk.send(finance, "(types the password; the bot deletes it)", finance.says("Hm-8801!pw"))


async def _follow_and_settle(talk: Conversation, li: LocalUser, risk: LocalUser, risk_2: LocalUser) -> None:
    await talk.send(risk, "/admin", risk.command("/admin"))
    await talk.press(risk, "a:menu:allocations")
    await talk.press(risk, "a:al_q:running")
    await talk.press(risk, "a:al_show:")
    await talk.press(risk, "a:al_status:")
    await talk.send(risk, "2026-03-02 6150 4920 1230", risk.says("2026-03-02 6150 4920 1230"))
    await talk.press(li, "al:chart:")
    jobs = await asyncio.to_thread(run_jobs, talk.app)
    talk.say(f"   $ p2pstock jobs run → allocations charged fees: {jobs.allocations_charged}")
    await talk.press(li, "al:end:")
    await talk.press(li, "al:ask:")
    await talk.press(risk, "a:al_q:requests")
    await talk.press(risk, "a:rq_ok:")
    await talk.press(risk, "a:al_settle:")
    await talk.send(risk, "6,150", risk.says("6,150"))
    await talk.send(risk_2, "/admin", risk_2.command("/admin"))
    await talk.press(risk_2, "a:menu:approvals")
    await talk.press(risk_2, "a:ap_ok:")
    await talk.press(li, "al:show:")


async def _lending(talk: Conversation) -> None:
    """Li Wei borrows ¥5,000 over two months from two investors and repays both installments."""
    app, say, bot = talk.app, talk.say, talk.bot.bot
    li, reviewer, reviewer_2, risk, wang, zhang = (
        LocalUser(bot, uid, NAMES[uid]) for uid in (CUSTOMER, REVIEWER, REVIEWER_2, RISK, WANG, ZHANG)
    )
    say("\n9. P2P lending under the loan product published above: a second reviewer, two verified investors")
    app.staff.enrol_by_operator("reviewer-2", ["reviewer"], telegram_user_id=REVIEWER_2)
    for customer_id, telegram in (("wang", WANG), ("zhang", ZHANG)):
        _verified_investor(app, customer_id, telegram)
    say("\n10. Li Wei uploads a house certificate and applies for a loan; two reviewers list it")
    await talk.send(li, "/documents", li.command("/documents"))
    await talk.tap(li, "House certificate")
    talk.api.files["house"] = photo("house")
    await talk.send(li, "(sends a photo)", li.sends_photo("house", len(talk.api.files["house"])))
    await talk.send(reviewer, "/admin", reviewer.command("/admin"))
    await talk.tap(reviewer, "📎 Documents to review")
    await talk.tap(reviewer, "✅ Accept")
    await talk.send(li, "/borrow", li.command("/borrow"))
    await talk.press(li, "ln:prod:personal")
    await talk.press(li, "ln:meth:equal_installments:")
    await talk.send(li, "5000 2 12 shop renovation", li.says("5000 2 12 shop renovation"))
    await talk.press(li, "ln:ok:")
    await talk.send(reviewer, "/admin", reviewer.command("/admin"))
    await talk.press(reviewer, "a:menu:loans")
    await talk.press(reviewer, "a:ln_q:applied")
    await talk.press(reviewer, "a:ln_first:")
    await talk.send(reviewer_2, "/admin", reviewer_2.command("/admin"))
    await talk.press(reviewer_2, "a:menu:loans")
    await talk.press(reviewer_2, "a:ln_q:reviewed")
    await talk.press(reviewer_2, "a:ln_final:")
    say("\n11. Two investors fill it from the financing hall; the risk officer approves it in full review")
    for investor, amount in ((wang, "3,000"), (zhang, "2,000")):
        await talk.send(investor, "/hall", investor.command("/hall"))
        await talk.press(investor, "ln:show:")
        await talk.press(investor, "ln:inv:")
        await talk.send(investor, amount, investor.says(amount))
        await talk.press(investor, "ln:ok:")
    await talk.send(risk, "/admin", risk.command("/admin"))
    await talk.press(risk, "a:menu:loans")
    await talk.press(risk, "a:ln_q:full")
    await talk.press(risk, "a:ln_full:")
    say("\n12. Li Wei repays each installment on its due date")
    for due in (datetime(2026, 4, 2, 2, tzinfo=UTC), datetime(2026, 5, 2, 2, tzinfo=UTC)):
        talk.clock.set(due)
        await talk.send(li, "/loans", li.command("/loans"))
        await talk.press(li, "ln:loan:")
        await talk.press(li, "ln:pay:")
        await talk.press(li, "ln:ok:")
    await talk.send(wang, "/loans", wang.command("/loans"))


def _verified_investor(app: App, customer_id: str, telegram: int) -> None:
    """An investor who went through registration, identity and a deposit as Li Wei did (not shown)."""
    customer = Customer(
        customer_id,
        telegram_user_id=telegram,
        language="en",
        phone=f"+86139{telegram:08d}",
        real_name="王芳" if customer_id == "wang" else "张敏",
        status=KycStatus.VERIFIED,
    )
    app.office.run(lambda tx: tx.uow.customers.add(customer))
    app.wallets.open(customer_id)
    app.wallets.confirm_deposit(
        customer_id, gateway="sandbox", transaction_id=f"seed-{customer_id}", amount=Money(300_000)
    )


async def _pay_on_the_sandbox_page(talk: Conversation, settings: Settings) -> None:
    """The payer opens the link from the bot's "Pay now" button and presses Pay on the sandbox's page."""
    url = _payment_url(talk.api)
    talk.say(f"  {'payer':>8} ▸ opens {url.removeprefix(settings.public_url)} and presses Pay")
    pressed = {"Origin": settings.public_url}  # what the browser says when the page's own form posts
    async with aiohttp.ClientSession() as session, session.post(url, headers=pressed) as response:
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
    say("\n13. Where things stand")
    say(f"   Li Wei: {customer.status.value}; wallet available {balance.available}, frozen {balance.frozen}")
    for loan in app.lending.loans_of(customer.id):
        say(f"   loan {loan.id}: {loan.status.value}, {loan.payments} repayments")
    for investor, telegram in (("wang", WANG), ("zhang", ZHANG)):
        say(f"   {NAMES[telegram]}: wallet available {app.wallets.balance(investor).available}")
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


def photo(label: str) -> bytes:
    """A small JPEG that decodes, as a phone would send it; ``label`` (in a comment) makes it its own."""
    out = io.BytesIO()
    Image.new("RGB", (64, 40), (180, 190, 200)).save(out, format="JPEG", comment=label.encode())
    return out.getvalue()
