"""Administrators in the bot: review queues with the documents themselves, accept or reject with a
reason, withdrawals and four-eyes approvals, the audit check, and polite refusals — core decides who
may do what."""

from __future__ import annotations

import asyncio
import hashlib

import pytest
from bot_harness import PHONE, BotHarness, TelegramUser, button_data, customer_of, play, sms

from p2pstock.bootstrap import App
from p2pstock.core.money import Money
from p2pstock.core.people.customers import KycStatus
from p2pstock.core.people.documents import CustomerDocument
from p2pstock.core.wallet.withdrawals import WithdrawalStatus
from sample_documents import jpeg, pdf, png

RESIDENT = "11010519491231002X"
FRONT = jpeg("front of the card")
BACK = png("back of the card")
PDF = pdf("bank statement")
REVIEWER, FINANCE, FINANCE_2, SUPPORT, RISK = 5001, 5002, 5003, 5004, 5005


@pytest.fixture
def admins(app: App) -> App:
    """The conftest's administrators, each linked to a Telegram account."""
    for admin_id, role, telegram in [
        ("reviewer-1", "reviewer", REVIEWER),
        ("finance-1", "finance", FINANCE),
        ("finance-2", "finance", FINANCE_2),
        ("support-1", "support", SUPPORT),
        ("risk-1", "risk_officer", RISK),
    ]:
        app.staff.enrol_by_operator(admin_id, [role], telegram_user_id=telegram)
    return app


def onboard(app: App, *, documents: bool = True) -> str:
    """A customer (Telegram 1001) who verified the phone, submitted an identity and uploaded both sides
    of the ID card; their id."""
    customer = app.customers.register(telegram_user_id=1001, language="zh")
    app.wallets.open(customer.id)
    app.customers.request_phone_code(customer.id, PHONE)
    app.dispatcher.dispatch_now()
    code = next(word for word in sms(app)[-1][1].replace("，", " ").split() if word.isdigit())
    app.customers.confirm_phone(customer.id, PHONE, code)
    app.customers.submit_identity(customer.id, "张三", RESIDENT)
    if documents:
        app.customers.upload_document(customer.id, "id_card_front", FRONT)
        app.customers.upload_document(customer.id, "id_card_back", BACK)
    return customer.id


def fund(app: App, customer_id: str, amount: str) -> None:
    app.wallets.confirm_deposit(customer_id, gateway="bank", transaction_id="T-1", amount=Money.parse(amount))


def documents_of(app: App, customer_id: str) -> dict[str, CustomerDocument]:
    """The customer's documents by kind."""
    return {d.kind.value: d for d in app.customers.documents(customer_id)}


def telegram_to(app: App, user_id: int) -> list[str]:
    """Texts queued in the outbox for a Telegram user."""
    return [n.text for n in app.office.read(lambda tx: tx.uow.outbox.of_recipient(str(user_id), 50))]


def as_admin(bot: BotHarness, telegram_id: int) -> TelegramUser:
    return bot.user(telegram_id, first_name="Admin", language_code="en")


def test_the_admin_menu_exists_only_for_administrators_and_offers_their_queues(admins: App) -> None:
    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(user.command("/admin"))
        await bot.send(as_admin(bot, REVIEWER).command("/admin"))
        await bot.send(as_admin(bot, FINANCE).command("/admin"))

    bot = play(admins, scenario)
    stranger, reviewer, finance = bot.request.of("sendMessage")
    assert stranger["text"].startswith("没有理解您的消息")
    assert reviewer["text"] == "Administration (reviewer-1):"
    assert button_data(reviewer) == [
        "a:menu:documents",
        "a:menu:identities",
        "a:menu:allocations",
        "a:menu:loans",
        "a:menu:approvals",
        "a:menu:stats",
        "a:menu:reserve",
        "a:menu:customers",
    ]
    assert button_data(finance) == [
        "a:menu:withdrawals",
        "a:menu:payments",
        "a:menu:allocations",
        "a:menu:capital",
        "a:menu:approvals",
        "a:menu:audit",
        "a:menu:stats",
        "a:menu:reserve",
        "a:menu:customers",
    ]
    assert admins.customers.by_telegram(REVIEWER) is None


def test_a_reviewer_sees_each_document_itself_and_accepts_it_once_however_often_tapped(admins: App) -> None:
    customer_id = onboard(admins)
    admins.customers.upload_document(customer_id, "bank_statement", PDF)
    documents = documents_of(admins, customer_id)
    front, back, statement = (
        documents["id_card_front"],
        documents["id_card_back"],
        documents["bank_statement"],
    )

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        reviewer = as_admin(bot, REVIEWER)
        await bot.send(reviewer.presses("a:menu:documents"))
        await bot.send(reviewer.presses(f"a:doc_ok:{front.id}"))
        await bot.send(reviewer.presses(f"a:doc_ok:{front.id}"))

    bot = play(admins, scenario)
    photos = {p["caption"].splitlines()[0]: p for p in bot.request.of("sendPhoto")}
    assert sorted(photos) == sorted([f"Document {front.id}", f"Document {back.id}"])
    shown_front, shown_back = photos[f"Document {front.id}"], photos[f"Document {back.id}"]
    assert (shown_front["files"]["photo"][1], shown_back["files"]["photo"][1]) == (FRONT, BACK)
    masked = admins.customers.get(customer_id).resident_id.masked  # type: ignore[union-attr]
    assert shown_front["caption"].splitlines()[1:4] == [
        f"Customer: 张三 ({customer_id})",
        f"ID number: {masked}",
        "Kind: ID card (front)",
    ]
    assert RESIDENT not in shown_front["caption"]
    assert button_data(shown_front) == [f"a:doc_ok:{front.id}", f"a:doc_no:{front.id}"]
    [pdf] = bot.request.of("sendDocument")
    assert pdf["files"]["document"] == (f"{statement.id}.pdf", PDF)
    assert {k: d.status.value for k, d in documents_of(admins, customer_id).items()} == {
        "id_card_front": "accepted",
        "id_card_back": "pending",
        "bank_statement": "pending",
    }
    assert bot.request.texts() == [f"Document {front.id} accepted."] * 2
    assert len(bot.request.of("editMessageReplyMarkup")) == 2


def test_a_rejection_asks_for_the_reason_and_the_customer_is_told_it(admins: App) -> None:
    customer_id = onboard(admins)
    front = documents_of(admins, customer_id)["id_card_front"]

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        reviewer = as_admin(bot, REVIEWER)
        await bot.send(reviewer.presses(f"a:doc_no:{front.id}"))
        await bot.send(reviewer.says("   "))
        await bot.send(reviewer.says("照片模糊，请重新拍摄"))

    bot = play(admins, scenario)
    assert bot.request.texts() == [
        "Type the reason for the rejection (the customer or the maker will read it), or send /cancel:",
        "A rejection needs a reason.",
        f"Document {front.id} rejected: 照片模糊，请重新拍摄",
    ]
    rejected = documents_of(admins, customer_id)["id_card_front"]
    assert (rejected.status.value, rejected.reason) == ("rejected", "照片模糊，请重新拍摄")
    assert telegram_to(admins, 1001) == ["您上传的身份证正面未通过审核，原因：照片模糊，请重新拍摄。"]


def test_a_reason_with_a_hidden_character_is_refused_in_the_admins_language_and_asked_again(
    admins: App,
) -> None:
    customer_id = onboard(admins)
    front = documents_of(admins, customer_id)["id_card_front"]

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        reviewer = bot.user(REVIEWER, first_name="审核", language_code="zh-hans")
        await bot.send(reviewer.presses(f"a:doc_no:{front.id}"))
        await bot.send(reviewer.says("照片\u200b模糊"))
        assert documents_of(admins, customer_id)["id_card_front"].status.value == "pending"
        await bot.send(reviewer.says("照片模糊"))

    bot = play(admins, scenario)
    assert bot.request.texts()[1:] == [
        "输入中含有控制字符或不可见字符（如零宽字符、文字方向控制符），请删除后重新输入。",
        f"材料 {front.id} 已驳回：照片模糊",
    ]
    assert documents_of(admins, customer_id)["id_card_front"].reason == "照片模糊"


def test_cancel_or_another_command_leaves_the_reason_unasked_and_nothing_is_rejected(admins: App) -> None:
    customer_id = onboard(admins)
    front = documents_of(admins, customer_id)["id_card_front"]

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        reviewer = as_admin(bot, REVIEWER)
        await bot.send(reviewer.presses(f"a:doc_no:{front.id}"))
        await bot.send(reviewer.command("/cancel"))
        await bot.send(reviewer.says("oops"))
        await bot.send(reviewer.presses(f"a:doc_no:{front.id}"))
        await bot.send(reviewer.command("/wallet"))
        await bot.send(reviewer.says("not a reason"))

    bot = play(admins, scenario)
    texts = bot.request.texts()
    assert texts[1] == "Cancelled."
    assert texts[2].startswith("I did not understand")
    assert texts[4].startswith("💰 Your wallet")
    assert texts[5].startswith("I did not understand")
    assert documents_of(admins, customer_id)["id_card_front"].status.value == "pending"


def test_an_identity_is_verified_once_both_sides_of_the_card_are_accepted(admins: App) -> None:
    customer_id = onboard(admins)
    front, back = documents_of(admins, customer_id).values()

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        reviewer = as_admin(bot, REVIEWER)
        await bot.send(reviewer.presses("a:menu:identities"))
        await bot.send(reviewer.presses(f"a:id_ok:{customer_id}"))
        await asyncio.to_thread(admins.kyc.accept_document, front.id, by="reviewer-1")
        await asyncio.to_thread(admins.kyc.accept_document, back.id, by="reviewer-1")
        await bot.send(reviewer.presses(f"a:id_ok:{customer_id}"))

    bot = play(admins, scenario)
    listing, refused, verified = bot.request.texts()
    assert listing.splitlines() == [
        f"Identity of {customer_id}",
        "Name: 张三",
        f"ID number: {admins.customers.get(customer_id).resident_id.masked}",  # type: ignore[union-attr]
        "Phone: ***5678",
    ]
    assert RESIDENT not in listing
    assert refused == "The identity can be verified only once the documents are accepted."
    assert verified == f"The identity of {customer_id} is verified."
    assert admins.customers.get(customer_id).status is KycStatus.VERIFIED


def test_finance_approves_a_withdrawal_from_the_queue(admins: App) -> None:
    customer_id = onboard(admins, documents=False)
    fund(admins, customer_id, "1000")
    request = admins.wallets.request_withdrawal(
        customer_id, request_id="tg-1001-77", amount=Money.parse("300")
    )

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        finance = as_admin(bot, FINANCE)
        await bot.send(finance.presses("a:menu:withdrawals"))
        await bot.send(finance.presses(f"a:wd_ok:{request.id}"))
        await bot.send(finance.presses("a:menu:withdrawals"))

    bot = play(admins, scenario)
    listing = bot.request.of("sendMessage")[0]
    assert listing["text"].splitlines()[:4] == [
        "Withdrawal tg-1001-77",
        f"Customer: 张三 ({customer_id})",  # the name given at onboarding
        "Amount: ¥300.00",
        "Wallet after it: ¥700.00",
    ]
    assert button_data(listing) == ["a:wd_ok:tg-1001-77", "a:wd_no:tg-1001-77"]
    assert bot.request.texts()[1:] == ["Withdrawal tg-1001-77 (¥300.00) approved.", "Nothing is waiting."]
    assert admins.wallets.withdrawals()[0].status is WithdrawalStatus.APPROVED
    assert str(admins.wallets.balance(customer_id)) == "available ¥700.00, frozen ¥0.00"


def test_a_large_withdrawal_waits_for_a_second_administrator_who_approves_it(admins: App) -> None:
    customer_id = onboard(admins, documents=False)
    fund(admins, customer_id, "80000")
    request = admins.wallets.request_withdrawal(customer_id, request_id="W-big", amount=Money.parse("60000"))

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        maker, checker = as_admin(bot, FINANCE), as_admin(bot, FINANCE_2)
        await bot.send(maker.presses(f"a:wd_ok:{request.id}"))
        [approval] = await asyncio.to_thread(admins.approvals.pending, by="finance-2")
        await bot.send(maker.presses("a:menu:approvals"))
        await bot.send(maker.presses(f"a:ap_ok:{approval.id}"))
        await bot.send(checker.presses("a:menu:approvals"))
        assert button_data(bot.request.of("sendMessage")[-1]) == [
            f"a:ap_ok:{approval.id}",
            f"a:ap_no:{approval.id}",
        ]
        await bot.send(checker.presses(f"a:ap_ok:{approval.id}"))

    bot = play(admins, scenario)
    texts = bot.request.texts()
    assert texts[0].startswith("Withdrawal W-big (¥60,000.00) needs a second administrator: approval request")
    assert texts[1:3] == [
        "Nothing is waiting.",
        "You opened this request; another administrator has to decide it.",
    ]
    assert texts[3].splitlines()[1:4] == [
        "Action: approve a withdrawal",
        "Target: W-big",
        "Amount: ¥60,000.00",
    ]
    assert texts[3].splitlines()[-1] == "Once approved the wallet holds ¥20,000.00"
    assert texts[4].endswith("approved; the action was carried out.")
    assert admins.wallets.withdrawals()[0].status is WithdrawalStatus.APPROVED


def test_an_administrator_without_the_permission_is_refused_politely_and_nothing_changes(admins: App) -> None:
    customer_id = onboard(admins, documents=False)
    fund(admins, customer_id, "1000")
    request = admins.wallets.request_withdrawal(customer_id, request_id="W-1", amount=Money.parse("100"))

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        support = as_admin(bot, SUPPORT)
        await bot.send(support.command("/admin"))
        await bot.send(support.presses("a:menu:withdrawals"))
        await bot.send(support.presses(f"a:wd_ok:{request.id}"))
        await bot.send(support.presses(f"a:wd_no:{request.id}"))
        await bot.send(support.says("because I can"))
        await bot.send(support.presses("a:menu:audit"))

    bot = play(admins, scenario)
    menu = bot.request.of("sendMessage")[0]
    assert button_data(menu) == ["a:menu:approvals", "a:menu:stats", "a:menu:reserve", "a:menu:customers"]
    refusal = "Sorry, you are not allowed to do that."
    assert bot.request.texts()[1:] == [
        refusal,
        refusal,
        "Type the reason for the rejection (the customer or the maker will read it), or send /cancel:",
        refusal,
        refusal,
    ]
    assert admins.wallets.withdrawals()[0].status is WithdrawalStatus.PENDING


def test_the_audit_check_reports_an_intact_trail(admins: App) -> None:
    onboard(admins, documents=False)

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(as_admin(bot, RISK).presses("a:menu:audit"))

    bot = play(admins, scenario)
    checked = len(admins.office.read(lambda tx: tx.uow.audit.records(0, 1000)))
    assert bot.request.last_text() == f"The audit trail is intact: {checked} records checked."


def test_an_admin_button_pressed_by_a_customer_is_outdated_and_changes_nothing(admins: App) -> None:
    customer_id = onboard(admins)
    front = documents_of(admins, customer_id)["id_card_front"]

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(user.presses(f"a:doc_ok:{front.id}"))
        await bot.send(user.presses("a:menu:documents"))
        await bot.send(user.presses(f"a:doc_no:{front.id}"))
        await bot.send(user.says("bad"))

    bot = play(admins, scenario)
    assert [a.get("text") for a in bot.request.of("answerCallbackQuery")] == ["此按钮已失效。"] * 3
    assert bot.request.of("sendPhoto") == []
    assert documents_of(admins, customer_id)["id_card_front"].status.value == "pending"
    assert customer_of(admins).status is KycStatus.IDENTITY_SUBMITTED


def test_a_document_shown_to_the_reviewer_is_the_stored_one(admins: App) -> None:
    customer_id = onboard(admins)

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(as_admin(bot, REVIEWER).presses("a:menu:documents"))

    bot = play(admins, scenario)
    sent = {hashlib.sha256(p["files"]["photo"][1]).hexdigest() for p in bot.request.of("sendPhoto")}
    assert sent == {d.sha256 for d in admins.customers.documents(customer_id)}


def test_the_customer_hears_about_a_rejected_withdrawal_in_their_language(admins: App) -> None:
    customer_id = onboard(admins, documents=False)
    fund(admins, customer_id, "1000")
    admins.wallets.request_withdrawal(customer_id, request_id="W-2", amount=Money.parse("100"))

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        finance = as_admin(bot, FINANCE)
        await bot.send(finance.presses("a:wd_no:W-2"))
        await bot.send(finance.says("bank account closed"))

    bot = play(admins, scenario)
    assert bot.request.last_text() == "Withdrawal W-2 (¥100.00) rejected: bank account closed"
    assert str(admins.wallets.balance(customer_id)) == "available ¥1,000.00, frozen ¥0.00"
    assert "您的提现 ¥100.00 被拒绝，原因：bank account closed。" in telegram_to(admins, 1001)


def test_a_reason_asked_for_before_a_restart_is_still_awaited_after_it(admins: App) -> None:
    customer_id = onboard(admins)
    front = documents_of(admins, customer_id)["id_card_front"]

    async def before(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(as_admin(bot, REVIEWER).presses(f"a:doc_no:{front.id}"))

    async def after(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(as_admin(bot, REVIEWER).says("blurred"))

    play(admins, before)
    bot = play(admins, after)
    assert bot.request.last_text() == f"Document {front.id} rejected: blurred"
    assert documents_of(admins, customer_id)["id_card_front"].reason == "blurred"


@pytest.mark.parametrize("backend", ["memory"], indirect=True)
def test_a_broken_audit_trail_is_told_in_the_administrators_language(admins: App) -> None:
    onboard(admins, documents=False)
    admins.staff.enrol_by_operator("risk-zh", ["risk_officer"], telegram_user_id=5006)
    trail = admins.office.uow_factory.database.audit  # type: ignore[attr-defined]
    del trail[2]  # someone deleted record 3

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(bot.user(5006, first_name="风控", language_code="zh-hans").presses("a:menu:audit"))
        await bot.send(as_admin(bot, RISK).presses("a:menu:audit"))

    bot = play(admins, scenario)
    zh, en = bot.request.texts()[-2:]
    assert zh == "审计链在第 3 条记录处断开（序号不连续），此前 2 条完好。"
    assert en == "The audit trail is broken at record 3 (sequence gap); the 2 before it hold."
