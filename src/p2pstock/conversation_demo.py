"""``p2pstock demo``: the real bot application, driven through a customer and four administrators on the
embedded SQLite default, printed as a conversation in Chinese or English (``lang``).

The bot is the one ``p2pstock serve`` runs (real handlers, real ``Update`` objects); only the Telegram Bot
API is a local stand-in (``LocalBotApi``). Text messages go to the console SMS sender; the deposit is paid
on the sandbox gateway's page, served by the real web server on a loopback port, which calls back signed
like a real gateway. The customer then takes a stock fund allocation from the rate table to its
settlement, and borrows through P2P lending from two investors, repaying to the last installment.

Every person uses a Telegram app in the demo's language, so the bot answers in it; the narration, what
the people type and the final report come from ``LINES``. Buttons are pressed by the key of their text
(``bots.telegram.texts``) or the glossary's name of an enum member, so one walk serves both languages.
"""

from __future__ import annotations

import asyncio
import enum
import io
import re
import socket
import unicodedata
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from types import MappingProxyType

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
from p2pstock.bots.telegram.texts import text
from p2pstock.config import Settings
from p2pstock.core.money import Money
from p2pstock.core.names import name_of
from p2pstock.core.notifications import Channel
from p2pstock.core.people.customers import Customer, KycStatus
from p2pstock.core.people.documents import DocumentKind
from p2pstock.jobs import run_jobs

Say = Callable[[str], None]
Names = tuple[str, str]
"""A text in Chinese and in English."""

LANGUAGES = ("zh", "en")
TELEGRAM_APP = MappingProxyType({"zh": "zh-hans", "en": "en"})
"""The ``language_code`` a Telegram app in each language sends."""
CUSTOMER, REVIEWER, FINANCE, RISK, RISK_2, BOSS = 1001, 2001, 3001, 4001, 4002, 5001
REVIEWER_2, WANG, ZHANG = 2002, 1002, 1003
NAMES: Mapping[int, Names] = MappingProxyType(
    {
        CUSTOMER: ("李伟", "Li Wei"),
        REVIEWER: ("审核员", "reviewer"),
        FINANCE: ("财务", "finance"),
        RISK: ("风控", "risk"),
        RISK_2: ("风控二", "risk-2"),
        REVIEWER_2: ("审核员二", "review-2"),
        WANG: ("王芳", "Wang Fang"),
        ZHANG: ("张敏", "Zhang Min"),
        BOSS: ("超管", "boss"),
    }
)
"""Each person's Telegram name, as the transcript shows them."""
LINES: Mapping[str, Names] = MappingProxyType(
    {
        "title": (
            "p2pstock 演示：Telegram 机器人、一位客户和四位管理员，数据库 {url}（SQLite，WAL 模式，"
            "synchronous=FULL）\n",
            "p2pstock demo — the Telegram bot, a customer and four administrators, on {url} (SQLite, WAL, "
            "synchronous=FULL)\n",
        ),
        "step.0": (
            "0. 运营人员在服务器上用命令行登记三位管理员",
            "0. The operator enrols three administrators (p2pstock admin create …)",
        ),
        "step.back_office": (
            "\n   后台准备：超管把产品文件 demo-products.toml 发给机器人，财务为资金池注资",
            "\n   The back office: boss sends demo-products.toml to the bot; finance funds the capital pool",
        ),
        "step.1": (
            "\n1. 李伟注册，并用短信验证码验证手机号",
            "\n1. Li Wei registers and verifies the phone by SMS code",
        ),
        "step.2": ("\n2. 实名认证，上传身份证正反面", "\n2. Identity and both sides of the ID card"),
        "step.3": (
            "\n3. 审核员审核通过材料和实名信息",
            "\n3. The reviewer accepts the documents and verifies the identity",
        ),
        "step.4": ("\n4. 通过沙箱支付网关充值", "\n4. A deposit through the sandbox payment gateway"),
        "step.5": ("\n5. 提现，由财务审批", "\n5. A withdrawal, approved by finance"),
        "step.6": (
            "\n6. 按费率表申请股票配资；两位风控专员加入",
            "\n6. A stock fund allocation from the rate table; two risk officers join",
        ),
        "step.7": (
            "\n7. 审核员电话回访李伟并确认；财务分配交易子账户",
            "\n7. The reviewer phones Li Wei and confirms; finance assigns the trading sub-account",
        ),
        "step.8": (
            "\n8. 李伟开启自动续期，并申请扩大配资（保证金再加 ¥1,000）；审核员批准",
            "\n8. Li Wei turns automatic renewal on and asks to expand the allocation by ¥1,000 of deposit; "
            "the reviewer approves",
        ),
        "step.9": (
            "\n9. 收盘后：录入当日状态、扣收管理费；风控专员查看压力测试",
            "\n9. After the close: the day's status and the fees; the risk officer reads the stress view",
        ),
        "step.10": (
            "\n10. 到期日收盘后：自动续期一期；李伟申请终止，结算经第二位管理员复核",
            "\n10. After the close of the term's last day: it renews itself for a period; Li Wei asks to end "
            "it and a second administrator checks the settlement",
        ),
        "step.11": (
            "\n11. 按上面发布的借款产品做 P2P 借贷：第二位审核员加入，两位投资人已完成认证",
            "\n11. P2P lending under the loan product published above: a second reviewer, two verified "
            "investors",
        ),
        "step.12": (
            "\n12. 李伟上传房产证并申请借款；两位审核员先后审核，发布到理财大厅",
            "\n12. Li Wei uploads a house certificate and applies for a loan; two reviewers list it",
        ),
        "step.13": (
            "\n13. 两位投资人阅读并接受风险揭示书后在理财大厅投满；风控专员满标复审通过后放款，签发借款协议",
            "\n13. Two investors accept the risk disclosure and fill it from the financing hall; the risk "
            "officer approves it in full review and the loan agreement is issued",
        ),
        "step.14": ("\n14. 李伟在每期还款日还款", "\n14. Li Wei repays each installment on its due date"),
        "step.15": ("\n15. 最终状态", "\n15. Where things stand"),
        "bot": ("机器人", "bot"),
        "photo": ("[图片]", "[photo]"),
        "file": ("[文件]", "[file]"),
        "sms": ("短信", "sms"),
        "payer": ("付款人", "payer"),
        "sandbox": ("沙箱", "sandbox"),
        "to": ("{to}：{text}", "{to}: {text}"),
        "sms.to": ("发往 {phone}：{text}", "to {phone}: {text}"),
        "payer.pays": ("打开 {path}，点击支付", "opens {path} and presses Pay"),
        "sandbox.calls_back": (
            "带签名回调，服务器返回 {status}",
            "calls back signed; the web server answers {status}",
        ),
        "jobs": (
            "   $ p2pstock jobs run → 扣收管理费的配资：{count} 笔",
            "   $ p2pstock jobs run → allocations charged fees: {count}",
        ),
        "jobs.renewed": (
            "   $ p2pstock jobs run → 到期的配资（续期或告知）：{count} 笔",
            "   $ p2pstock jobs run → allocations whose term ended (renewed or told): {count}",
        ),
        "shares_contact": ("（分享联系人 {phone}）", "(shares the contact {phone})"),
        "sends_photo": ("（发送一张照片）", "(sends a photo)"),
        "sends_products": ("（发送 demo-products.toml）", "(sends demo-products.toml)"),
        "types_password": ("（输入密码，机器人读取后即删除）", "(types the password; the bot deletes it)"),
        "typed.seed": ("500,000 2026-03-seed", "500,000 seed"),
        "typed.call_note": ("客户清楚警戒线和平仓线", "knows the lines"),
        "typed.loan": ("5000 2 12 店面装修", "5000 2 12 shop renovation"),
        "report.customer": (
            "   {name}：{status}；钱包可用 {available}，冻结 {frozen}",
            "   {name}: {status}; wallet available {available}, frozen {frozen}",
        ),
        "report.loan": (
            "   借款 {id}：{status}，已还款 {payments} 次",
            "   loan {id}: {status}, {payments} repayments",
        ),
        "report.investor": ("   {name}：钱包可用 {available}", "   {name}: wallet available {available}"),
        "report.checks": (
            "   试算平衡：{trial}；账本核对：{ledger}；审计链 {records} 条记录：{chain}",
            "   trial balance {trial}; ledger audit {ledger}; audit trail of {records} records {chain}",
        ),
        "report.balanced": ("平衡", "balanced"),
        "report.unbalanced": ("不平衡", "NOT balanced"),
        "report.ok": ("正常", "ok"),
        "report.failed": ("有误", "FAILED"),
        "report.intact": ("完整", "intact"),
        "report.broken": ("已被篡改", "BROKEN"),
    }
)
"""The narration, what people type and the report: key → (Chinese, English), with ``{name}`` fields."""


def line(key: str, lang: str, **values: object) -> str:
    """The line ``key`` of ``LINES`` in ``lang``, filled in."""
    zh, en = LINES[key]
    return (zh if lang == "zh" else en).format(**values)


def name(person: int, lang: str) -> str:
    """The Telegram name of ``person`` in a demo in ``lang``."""
    zh, en = NAMES[person]
    return zh if lang == "zh" else en


def _pad(label: str, width: int = 8) -> str:
    """``label`` right-aligned in ``width`` columns of a terminal (a Chinese character takes two)."""
    wide = sum(unicodedata.east_asian_width(char) in "WF" for char in label)
    return " " * max(0, width - len(label) - wide) + label


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
    """Feeds updates to the bot and prints what each side said, in ``lang``."""

    bot: BotApplication
    api: LocalBotApi
    app: App
    say: Say
    clock: ManualClock
    lang: str
    _users: dict[int, LocalUser] = attrs.field(factory=dict, init=False)

    def user(self, person: int) -> LocalUser:
        """``person``'s Telegram app, in the demo's language."""
        if person not in self._users:
            self._users[person] = LocalUser(
                self.bot.bot, person, name(person, self.lang), language_code=TELEGRAM_APP[self.lang]
            )
        return self._users[person]

    def narrate(self, key: str, **values: object) -> None:
        """Say the line ``key`` of ``LINES``."""
        self.say(self.line(key, **values))

    def line(self, key: str, **values: object) -> str:
        """The line ``key`` of ``LINES`` in the demo's language."""
        return line(key, self.lang, **values)

    def speaks(self, speaker: str, shown: str) -> None:
        """Say what ``speaker`` said or did, after their name."""
        self.say(f"  {_pad(speaker)} ▸ {shown}")

    async def send(self, user: LocalUser, shown: str, update: Update) -> None:
        self.speaks(user.first_name, shown)
        mark = len(self.api.calls)
        await self.bot.process_update(update)
        await self.deliver()
        self.print_bot(mark)

    async def types(self, user: LocalUser, typed: str) -> None:
        """``user`` types ``typed`` (as it is shown)."""
        await self.send(user, typed, user.says(typed))

    async def command(self, user: LocalUser, command: str) -> None:
        await self.send(user, command, user.command(command))

    async def tap(self, user: LocalUser, key: str | enum.Enum) -> None:
        """Press the newest inline button in ``user``'s chat that shows the bot text ``key``, or the name of
        the enum member ``key`` (a document kind)."""
        label = name_of(key, self.lang) if isinstance(key, enum.Enum) else text(key, self.lang)
        chats = {index for index, (_n, p) in enumerate(self.api.calls) if p.get("chat_id") == user.id}
        for message_id, shown, data in reversed(self.api.buttons(min(chats, default=0))):
            if shown == label:
                await self.send(user, f"[{label}]", user.presses(data, message_id))
                return
        raise LookupError(f"no button {label!r} in {user.first_name}'s chat")

    async def press(self, user: LocalUser, prefix: str) -> str:
        """Press the newest inline button whose data starts with ``prefix``; its data."""
        for message_id, shown, data in reversed(self.api.buttons()):
            if data.startswith(prefix):
                await self.send(user, f"[{shown}]", user.presses(data, message_id))
                return data
        raise LookupError(f"no button {prefix!r} for {user.first_name}")

    async def deliver(self) -> None:
        """The outbox, delivered now (SMS to the console, Telegram messages through the bot)."""
        await self.app.dispatcher.dispatch()

    def print_bot(self, since: int) -> None:
        """Every message the bot sent from call ``since`` on."""
        media = {"sendPhoto": self.line("photo"), "sendDocument": self.line("file")}
        for chat, said in self.api.texts(since, media):
            first, *rest = said.splitlines() or [""]
            to = name(chat, self.lang) if chat in NAMES else chat
            self.speaks(self.line("bot"), self.line("to", to=to, text=first))
            for more in rest:
                self.say(f"  {'':>8}   {more}")


def run_conversation_demo(data_dir: Path, say: Say = print, lang: str = "zh") -> App:
    """Run the demo in ``lang`` (``zh`` or ``en``) on a fresh ``demo.db`` in ``data_dir``; the app is
    returned for inspection."""
    if lang not in LANGUAGES:
        raise ValueError(f"the demo speaks {' or '.join(LANGUAGES)}, not {lang!r}")
    return asyncio.run(_demo(data_dir, say, lang))


async def _demo(data_dir: Path, say: Say, lang: str) -> App:
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
        say(line("title", lang, url=settings.safe_database_url))
        await _walk_through(Conversation(bot, api, app, say, clock, lang), settings)
    finally:
        await runner.cleanup()
        await bot.shutdown()
    _report(app, say, lang)
    return app


async def _walk_through(talk: Conversation, settings: Settings) -> None:
    app, say = talk.app, talk.say
    li, reviewer, finance = (talk.user(person) for person in (CUSTOMER, REVIEWER, FINANCE))
    talk.narrate("step.0")
    enrolled = (
        ("boss", "super_admin", BOSS),
        ("reviewer-1", "reviewer", REVIEWER),
        ("finance-1", "finance", FINANCE),
    )
    for admin_id, role, telegram in enrolled:
        app.staff.enrol_by_operator(admin_id, [role], telegram_user_id=telegram)
        say(f"   $ p2pstock admin create {admin_id} --telegram-user-id {telegram} --role {role}")
    await _back_office(talk)
    talk.narrate("step.1")
    await talk.command(li, "/start")
    await talk.tap(li, "menu.phone")
    await talk.send(
        li, talk.line("shares_contact", phone="+86 138 0013 8000"), li.shares_contact("8613800138000")
    )
    await talk.types(li, _last_code(talk))
    talk.narrate("step.2")
    await talk.tap(li, "menu.identity")
    await talk.types(li, "李伟")
    await talk.types(li, "11010519491231002X")
    for side in (DocumentKind.ID_CARD_FRONT, DocumentKind.ID_CARD_BACK):
        await talk.tap(li, "menu.documents")
        await talk.tap(li, side)
        await _sends_photo(talk, li, f"photo-{len(talk.api.files)}")
    talk.narrate("step.3")
    for _ in range(2):
        await talk.command(reviewer, "/admin")
        await talk.tap(reviewer, "admin.queue.documents")
        await talk.tap(reviewer, "admin.accept")
    await talk.command(reviewer, "/admin")
    await talk.tap(reviewer, "admin.queue.identities")
    await talk.tap(reviewer, "admin.accept")
    talk.narrate("step.4")
    await talk.tap(li, "menu.deposit")
    await talk.types(li, "4,000")
    await _pay_on_the_sandbox_page(talk, settings)
    talk.narrate("step.5")
    await talk.command(li, "/menu")
    await talk.tap(li, "menu.withdraw")
    await talk.types(li, "500")
    await talk.tap(li, "withdraw.confirm_button")
    await talk.command(finance, "/admin")
    await talk.tap(finance, "admin.queue.withdrawals")
    await talk.tap(finance, "admin.accept")
    await talk.command(li, "/menu")
    await talk.tap(li, "menu.wallet")
    await _allocation(talk)
    await _lending(talk)


async def _sends_photo(talk: Conversation, user: LocalUser, file_id: str) -> None:
    talk.api.files[file_id] = photo(file_id)
    await talk.send(user, talk.line("sends_photo"), user.sends_photo(file_id, len(talk.api.files[file_id])))


async def _back_office(talk: Conversation) -> None:
    """The super administrator publishes the products from a file and finance funds the capital pool, both
    from the bot's /admin."""
    boss, finance = talk.user(BOSS), talk.user(FINANCE)
    talk.narrate("step.back_office")
    for toml_line in PRODUCTS.splitlines():
        talk.say(f"   │ {toml_line}")
    await talk.command(boss, "/admin")
    await talk.tap(boss, "admin.queue.products")
    await talk.tap(boss, "admin.pd.upload")
    talk.api.files["products"] = PRODUCTS.encode()
    upload = boss.sends_document(
        "products", len(talk.api.files["products"]), "application/toml", "demo-products.toml"
    )
    await talk.send(boss, talk.line("sends_products"), upload)
    await talk.tap(boss, "admin.pd.publish")
    await talk.command(finance, "/admin")
    await talk.tap(finance, "admin.queue.capital")
    await talk.tap(finance, "admin.cap.fund")
    await talk.types(finance, talk.line("typed.seed"))
    await talk.tap(finance, "confirm.button")


async def _allocation(talk: Conversation) -> None:
    """Li Wei takes a stock fund allocation from the rate table to its settlement."""
    li, reviewer, finance, risk, risk_2 = (
        talk.user(person) for person in (CUSTOMER, REVIEWER, FINANCE, RISK, RISK_2)
    )
    talk.narrate("step.6")
    for admin_id, telegram in (("risk-1", RISK), ("risk-2", RISK_2)):
        talk.app.staff.enrol_by_operator(admin_id, ["risk_officer"], telegram_user_id=telegram)
        talk.say(f"   $ p2pstock admin create {admin_id} --telegram-user-id {telegram} --role risk_officer")
    await _apply_and_pay(talk, li)
    talk.narrate("step.7")
    await _review_and_assign(talk, reviewer, finance)
    await talk.command(li, "/allocations")
    await talk.press(li, "al:show:")
    await talk.press(li, "al:pw:")
    await talk.press(li, "al:doc:")  # the allocation agreement issued at confirmation
    talk.narrate("step.8")
    await _expand_and_renew(talk, li, reviewer)
    talk.narrate("step.9")
    talk.clock.set(datetime(2026, 3, 2, 8, 0, tzinfo=UTC))  # 16:00 in Shanghai
    await _follow_and_settle(talk, li, risk, risk_2)


async def _apply_and_pay(talk: Conversation, li: LocalUser) -> None:
    await talk.command(li, "/allocate")
    await talk.press(li, "al:prod:daily")
    await talk.press(li, "al:lev:5:")
    await talk.press(li, "al:ack:")  # the agreement and risk disclosure, before a first allocation
    await talk.types(li, "1,000")
    await talk.types(li, "2")
    await talk.press(li, "al:apply:")
    await talk.press(li, "al:pay:deposit:")
    await talk.press(li, "al:pay:risk_fund:")


async def _review_and_assign(talk: Conversation, reviewer: LocalUser, finance: LocalUser) -> None:
    await talk.command(reviewer, "/admin")
    await talk.press(reviewer, "a:menu:allocations")
    await talk.press(reviewer, "a:al_q:review")
    await talk.press(reviewer, "a:al_show:")
    await talk.press(reviewer, "a:al_call:confirmed:")
    await talk.types(reviewer, talk.line("typed.call_note"))
    await talk.press(reviewer, "a:al_ok:")
    await talk.command(finance, "/admin")
    await talk.press(finance, "a:menu:allocations")
    await talk.press(finance, "a:al_q:confirmed")
    await talk.press(finance, "a:al_show:")
    await talk.press(finance, "a:al_assign:")
    await talk.types(finance, "HOMS-8801")
    await talk.send(finance, talk.line("types_password"), finance.says("Hm-8801!pw"))


async def _expand_and_renew(talk: Conversation, li: LocalUser, reviewer: LocalUser) -> None:
    """Li Wei turns automatic renewal on and doubles the allocation; the reviewer approves the expansion."""
    await talk.press(li, "al:renew:on:")
    await talk.press(li, "al:grow:")
    await talk.types(li, "1,000")
    await talk.press(li, "al:ask:")
    await talk.command(reviewer, "/admin")
    await talk.press(reviewer, "a:menu:allocations")
    await talk.press(reviewer, "a:al_q:requests")
    await talk.press(reviewer, "a:rq_ok:")


async def _follow_and_settle(talk: Conversation, li: LocalUser, risk: LocalUser, risk_2: LocalUser) -> None:
    await talk.command(risk, "/admin")
    await talk.press(risk, "a:menu:allocations")
    await talk.press(risk, "a:al_q:running")
    await talk.press(risk, "a:al_show:")
    await talk.press(risk, "a:al_status:")
    await talk.types(risk, "2026-03-02 12300 9840 2460")
    await talk.press(li, "al:chart:")
    mark = len(talk.api.calls)
    jobs = await asyncio.to_thread(run_jobs, talk.app)
    talk.narrate("jobs", count=jobs.allocations_charged)
    await talk.deliver()
    talk.print_bot(mark)  # the customer's fee digest
    await talk.command(li, "/statement")
    await talk.press(li, "sx:")
    await talk.press(li, "sp:")  # the same period as a PDF statement
    await talk.command(risk, "/admin")
    await talk.press(risk, "a:menu:dashboard")  # today's figures, then their chart
    await talk.press(risk, "a:menu:customers")
    await talk.types(risk, "8000")  # the end of Li's phone number
    await talk.press(risk, "a:cu_show:")
    await talk.press(risk, "a:menu:stress")  # every running allocation against a market fall
    talk.narrate("step.10")
    talk.clock.set(datetime(2026, 3, 3, 8, 0, tzinfo=UTC))  # the term's last day, after the close
    mark = len(talk.api.calls)
    jobs = await asyncio.to_thread(run_jobs, talk.app)
    talk.narrate("jobs.renewed", count=jobs.terms_ended)
    await talk.deliver()
    talk.print_bot(mark)  # the customer told of the renewal
    await talk.press(li, "al:end:")
    await talk.press(li, "al:ask:")
    await talk.press(risk, "a:al_q:requests")
    await talk.press(risk, "a:rq_ok:")
    await talk.press(risk, "a:al_settle:")
    await talk.types(risk, "12,300")
    await talk.command(risk_2, "/admin")
    await talk.press(risk_2, "a:menu:approvals")
    await talk.press(risk_2, "a:ap_ok:")
    await talk.press(li, "al:show:")


async def _lending(talk: Conversation) -> None:
    """Li Wei borrows ¥5,000 over two months from two investors and repays both installments."""
    li, reviewer, reviewer_2, risk, wang, zhang = (
        talk.user(person) for person in (CUSTOMER, REVIEWER, REVIEWER_2, RISK, WANG, ZHANG)
    )
    talk.narrate("step.11")
    talk.app.staff.enrol_by_operator("reviewer-2", ["reviewer"], telegram_user_id=REVIEWER_2)
    for customer_id, telegram in (("wang", WANG), ("zhang", ZHANG)):
        _verified_investor(talk.app, customer_id, telegram, talk.lang)
    talk.narrate("step.12")
    await talk.command(li, "/documents")
    await talk.tap(li, DocumentKind.HOUSE_CERTIFICATE)
    await _sends_photo(talk, li, "house")
    await talk.command(reviewer, "/admin")
    await talk.tap(reviewer, "admin.queue.documents")
    await talk.tap(reviewer, "admin.accept")
    await talk.command(li, "/borrow")
    await talk.press(li, "ln:prod:personal")
    await talk.press(li, "ln:meth:equal_installments:")
    await talk.types(li, talk.line("typed.loan"))
    await talk.press(li, "ln:ok:")
    await talk.command(reviewer, "/admin")
    await talk.press(reviewer, "a:menu:loans")
    await talk.press(reviewer, "a:ln_q:applied")
    await talk.press(reviewer, "a:ln_first:")
    await talk.command(reviewer_2, "/admin")
    await talk.press(reviewer_2, "a:menu:loans")
    await talk.press(reviewer_2, "a:ln_q:reviewed")
    await talk.press(reviewer_2, "a:ln_final:")
    talk.narrate("step.13")
    for investor, amount in ((wang, "3,000"), (zhang, "2,000")):
        await talk.command(investor, "/hall")
        await talk.press(investor, "ln:show:")
        await talk.press(investor, "ln:inv:")
        await talk.press(investor, "ln:ack:")  # the risk disclosure, before a first investment
        await talk.types(investor, amount)
        await talk.press(investor, "ln:ok:")
    await talk.command(risk, "/admin")
    await talk.press(risk, "a:menu:loans")
    await talk.press(risk, "a:ln_q:full")
    await talk.press(risk, "a:ln_full:")
    await talk.command(wang, "/contracts")
    await talk.press(wang, "ln:ct:")  # the loan agreement issued at disbursement
    talk.narrate("step.14")
    for due in (datetime(2026, 4, 2, 2, tzinfo=UTC), datetime(2026, 5, 2, 2, tzinfo=UTC)):
        talk.clock.set(due)
        await talk.command(li, "/loans")
        await talk.press(li, "ln:loan:")
        await talk.press(li, "ln:pay:")
        await talk.press(li, "ln:ok:")
    await talk.command(wang, "/loans")


def _verified_investor(app: App, customer_id: str, telegram: int, lang: str) -> None:
    """An investor who went through registration, identity and a deposit as Li Wei did (not shown), in
    the demo's language."""
    customer = Customer(
        customer_id,
        telegram_user_id=telegram,
        language=lang,
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
    talk.speaks(talk.line("payer"), talk.line("payer.pays", path=url.removeprefix(settings.public_url)))
    pressed = {"Origin": settings.public_url}  # what the browser says when the page's own form posts
    async with aiohttp.ClientSession() as session, session.post(url, headers=pressed) as response:
        talk.speaks(talk.line("sandbox"), talk.line("sandbox.calls_back", status=response.status))
    mark = len(talk.api.calls)
    await talk.deliver()
    talk.print_bot(mark)


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
    phone, texted = sms.outbox[-1]  # type: ignore[attr-defined]
    talk.speaks(talk.line("sms"), talk.line("sms.to", phone=f"{phone[:3]}****{phone[-4:]}", text=texted))
    found = re.search(r"\d{6}", texted)
    if found is None:
        raise LookupError("no code was texted")
    return found.group()


def _report(app: App, say: Say, lang: str) -> None:
    customer = app.customers.by_telegram(CUSTOMER)
    if customer is None:
        raise LookupError("the customer did not register")
    balance = app.wallets.balance(customer.id)
    say(line("step.15", lang))
    status, available, frozen = name_of(customer.status, lang), balance.available, balance.frozen
    say(
        line(
            "report.customer",
            lang,
            name=name(CUSTOMER, lang),
            status=status,
            available=available,
            frozen=frozen,
        )
    )
    for loan in app.lending.loans_of(customer.id):
        say(line("report.loan", lang, id=loan.id, status=name_of(loan.status, lang), payments=loan.payments))
    for investor, telegram in (("wang", WANG), ("zhang", ZHANG)):
        available = app.wallets.balance(investor).available
        say(line("report.investor", lang, name=name(telegram, lang), available=available))
    trial, check = app.ledger.trial_balance(), app.audit.verify()
    verdicts = {
        "trial": "report.balanced" if trial.balanced else "report.unbalanced",
        "ledger": "report.ok" if app.ledger.audit().ok else "report.failed",
        "chain": "report.intact" if check.ok else "report.broken",
    }
    words = {part: line(key, lang) for part, key in verdicts.items()}
    say(line("report.checks", lang, records=check.checked, **words))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def photo(label: str) -> bytes:
    """A small JPEG that decodes, as a phone would send it; ``label`` (in a comment) makes it its own."""
    out = io.BytesIO()
    Image.new("RGB", (64, 40), (180, 190, 200)).save(out, format="JPEG", comment=label.encode())
    return out.getvalue()
