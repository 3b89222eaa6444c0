"""A customer's first steps through the bot: /start, language, phone by SMS code, identity, documents,
and the verification status — end to end on the platform (memory, SQLite, PostgreSQL)."""

from __future__ import annotations

import asyncio
import hashlib

import pytest
from bot_harness import (
    PHONE,
    BotHarness,
    TelegramUser,
    button_data,
    code_texted,
    customer_of,
    play,
    sms,
    verify_phone,
)

from p2pstock.bootstrap import App
from p2pstock.core.people.customers import KycStatus
from p2pstock.core.people.documents import sha256_of
from p2pstock.core.people.resident_id import check_digit
from sample_documents import jpeg, pdf

RESIDENT = "11010519491231002X"
OTHER_RESIDENT = "11010519800101001" + check_digit("11010519800101001")
JPEG = jpeg("a photo of an ID card")
PDF = pdf("a scanned statement")

# -- /start and language ----------------------------------------------------------------------------


def test_start_registers_a_new_user_greets_them_in_their_apps_language_and_shows_the_menu(app: App) -> None:
    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(user.command("/start"))

    bot = play(app, scenario)
    customer = customer_of(app)
    assert (customer.language, customer.status) == ("zh", KycStatus.REGISTERED)
    [greeting] = bot.request.of("sendMessage")
    assert greeting["chat_id"] == 1001
    assert greeting["text"].startswith("欢迎使用 p2pstock，Li")
    assert "m:wallet" in button_data(greeting) and "m:language" in button_data(greeting)
    assert str(app.wallets.balance(customer.id)) == "available ¥0.00, frozen ¥0.00"


def test_the_greeting_names_the_platform_the_operator_set(app: App) -> None:
    app.office.brand = "鑫盛配资"

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(user.command("/start"))

    [greeting] = play(app, scenario).request.of("sendMessage")
    assert greeting["text"].startswith("欢迎使用 鑫盛配资，Li")


def test_a_user_whose_app_is_not_chinese_is_greeted_in_english(app: App) -> None:
    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(bot.user(2002, language_code="en-GB").command("/start"))
        await bot.send(bot.user(2003, language_code=None).command("/start"))

    bot = play(app, scenario)
    assert [text.split(",")[0] for text in bot.request.texts()] == ["Welcome to p2pstock"] * 2
    assert customer_of(app, 2002).language == customer_of(app, 2003).language == "en"


def test_start_twice_is_still_one_customer(app: App) -> None:
    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(user.command("/start"))
        await bot.send(user.command("/start"))

    play(app, scenario)
    first = customer_of(app)
    assert app.customers.register(telegram_user_id=1001).id == first.id


def test_the_language_chosen_is_stored_and_every_later_text_follows_it(app: App) -> None:
    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(user.command("/start"))
        await bot.send(user.presses("m:language"))
        assert button_data(bot.request.of("sendMessage")[-1]) == ["lang:zh", "lang:en"]
        await bot.send(user.presses("lang:en"))
        await bot.send(user.command("/wallet"))

    bot = play(app, scenario)
    assert customer_of(app).language == "en"
    [edited] = bot.request.of("editMessageText")
    assert edited["text"] == "Language set to English."
    assert bot.request.last_text().startswith("💰 Your wallet\nAvailable: ¥0.00")


# -- phone --------------------------------------------------------------------------------------------


def test_the_phone_is_verified_with_the_users_own_contact_and_the_code_texted_to_it(app: App) -> None:
    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(user.command("/start"))
        await bot.send(user.presses("m:phone"))
        ask = bot.request.of("sendMessage")[-1]
        assert ask["reply_markup"]["keyboard"][0][0]["request_contact"] is True
        await bot.send(user.shares_contact("8613812345678"))
        assert bot.request.last_text().startswith("验证码已发送至 ***5678，5 分钟内有效")
        await bot.send(user.says(await code_texted(app)))

    bot = play(app, scenario)
    customer = customer_of(app)
    assert (customer.status, customer.phone) == (KycStatus.PHONE_VERIFIED, PHONE)
    assert sms(app)[0][0] == PHONE
    assert bot.request.last_text() == "手机号 ***5678 已验证。"


def test_someone_elses_contact_is_refused_and_no_code_is_sent(app: App) -> None:
    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(user.command("/phone"))
        await bot.send(user.shares_contact("8613812345678", owner=5555))
        await bot.send(user.shares_contact("8613812345678", owner=None))
        await bot.send(user.says("13812345678"))
        await app.dispatcher.dispatch()

    bot = play(app, scenario)
    assert sms(app) == []
    assert bot.request.texts()[1:] == [
        "请分享您本人的手机号（使用下方按钮），不要转发他人的名片。",
        "请分享您本人的手机号（使用下方按钮），不要转发他人的名片。",
        "请使用下方按钮分享手机号，或发送 /cancel 取消。",
    ]
    assert customer_of(app).status is KycStatus.REGISTERED


def test_a_number_outside_mainland_china_is_refused_politely(app: App) -> None:
    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(user.command("/phone"))
        await bot.send(user.shares_contact("447700900123"))

    bot = play(app, scenario)
    assert bot.request.last_text() == "目前仅支持中国大陆手机号。"


def test_a_wrong_code_shows_the_attempts_left_and_a_malformed_one_costs_no_attempt(app: App) -> None:
    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(user.command("/phone"))
        await bot.send(user.shares_contact("+8613812345678"))
        code = await code_texted(app)
        await bot.send(user.says("12ab"))
        wrong = "000000" if code != "000000" else "111111"
        await bot.send(user.says(wrong))
        await bot.send(user.says(wrong))
        await bot.send(user.says(code))

    bot = play(app, scenario)
    assert bot.request.texts()[-4:] == [
        "请输入短信中的 6 位数字验证码。如需新验证码，请发送 /phone。",
        "验证码不正确，您还可以尝试 4 次。",
        "验证码不正确，您还可以尝试 3 次。",
        "手机号 ***5678 已验证。",
    ]
    assert customer_of(app).status is KycStatus.PHONE_VERIFIED


def test_asking_for_another_code_too_soon_is_answered_with_the_wait(app: App) -> None:
    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(user.command("/phone"))
        await bot.send(user.shares_contact("8613812345678"))
        await bot.send(user.command("/phone"))
        await bot.send(user.shares_contact("8613812345678"))
        await app.dispatcher.dispatch()

    bot = play(app, scenario)
    assert bot.request.last_text() == "验证码刚刚发送过，请在 60 秒后再获取新的验证码。"
    assert len(sms(app)) == 1


# -- identity -----------------------------------------------------------------------------------------


def test_identity_is_submitted_and_the_id_number_is_never_shown_back_in_full(app: App) -> None:
    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await verify_phone(app, bot, user)
        await bot.send(user.presses("m:identity"))
        await bot.send(user.says("  张三 "))
        await bot.send(user.says("11010519491231002x"))

    bot = play(app, scenario)
    customer = customer_of(app)
    assert customer.status is KycStatus.IDENTITY_SUBMITTED
    assert customer.real_name == "张三"
    assert customer.resident_id is not None and customer.resident_id.number == RESIDENT
    assert bot.request.texts()[-3:-1] == ["请输入您的真实姓名：", "请输入您的 18 位居民身份证号码："]
    assert bot.request.last_text().startswith(
        f"已提交实名信息：张三，身份证号 {customer.resident_id.masked}。"
    )
    assert not any(RESIDENT[6:14] in text for text in bot.request.texts())


def test_a_name_with_a_hidden_character_is_refused_in_the_customers_language_and_not_kept(
    app: App,
) -> None:
    kept: list[object] = []

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await verify_phone(app, bot, user)
        await bot.send(user.command("/identity"))
        await bot.send(user.says("张\u202e三"))  # a right-to-left override
        kept.append(bot.application.user_data[user.id].get("real_name"))
        await bot.send(user.says("张\u200b三"))  # a zero-width space
        await bot.send(user.says("张三"))
        await bot.send(user.says(RESIDENT))

    bot = play(app, scenario)
    refusal = "输入中含有控制字符或不可见字符（如零宽字符、文字方向控制符），请删除后重新输入。"
    assert bot.request.texts()[-5:-1] == [
        "请输入您的真实姓名：",
        refusal,
        refusal,
        "请输入您的 18 位居民身份证号码：",
    ]
    assert kept == [None]
    assert customer_of(app).real_name == "张三"


def test_a_mistyped_id_number_is_asked_again_and_a_taken_one_is_refused(app: App) -> None:
    app.customers.register(customer_id="holder")
    app.customers.request_phone_code("holder", "+8613900001111")

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        holder_code = await code_texted(app)
        await asyncio.to_thread(app.customers.confirm_phone, "holder", "+8613900001111", holder_code)
        await asyncio.to_thread(app.customers.submit_identity, "holder", "李四", OTHER_RESIDENT)
        await verify_phone(app, bot, user)
        await bot.send(user.command("/identity"))
        await bot.send(user.says("张三"))
        await bot.send(user.says("110105194912310021"))
        assert bot.request.last_text().startswith("身份证号码有误：校验位不符")
        await bot.send(user.says(OTHER_RESIDENT))

    bot = play(app, scenario)
    assert bot.request.last_text() == "该身份证号码已被其他账户登记。"
    assert customer_of(app).status is KycStatus.PHONE_VERIFIED


def test_identity_before_the_phone_is_verified_points_to_the_phone_first(app: App) -> None:
    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(user.command("/identity"))
        await bot.send(user.says("张三"))

    bot = play(app, scenario)
    assert bot.request.texts()[0] == "请先验证手机号（/phone），再进行实名认证。"
    assert bot.request.texts()[1].startswith("没有理解您的消息")


# -- documents ----------------------------------------------------------------------------------------


def test_a_photo_of_the_id_card_is_downloaded_stored_and_waits_for_review(app: App) -> None:
    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        bot.request.files["front-big"] = JPEG
        await bot.send(user.command("/documents"))
        kinds = button_data(bot.request.of("sendMessage")[-1])
        assert kinds == [
            "doc:id_card_front",
            "doc:id_card_back",
            "doc:house_certificate",
            "doc:bank_statement",
            "doc:other",
        ]
        await bot.send(user.presses("doc:id_card_front"))
        await bot.send(user.sends_photo("front-big", len(JPEG)))

    bot = play(app, scenario)
    [document] = app.customers.documents(customer_of(app).id)
    assert (document.kind.value, document.status.value) == ("id_card_front", "pending")
    assert document.sha256 == hashlib.sha256(JPEG).hexdigest()
    assert bot.request.of("getFile") == [{"file_id": "front-big"}]
    assert bot.request.of("download") == [{"path": "documents/front-big"}]
    assert bot.request.last_text().startswith("已收到身份证正面，等待审核。")


def test_a_pdf_is_accepted_and_other_files_are_refused_before_downloading(app: App) -> None:
    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        bot.request.files["statement"] = PDF
        await bot.send(user.presses("doc:bank_statement"))
        await bot.send(user.sends_document("archive", 300, "application/zip", "a.zip"))
        await bot.send(user.sends_document("huge", 11 * 1024 * 1024, "application/pdf"))
        await bot.send(user.says("here it comes"))
        await bot.send(user.sends_document("statement", len(PDF), "application/pdf"))

    bot = play(app, scenario)
    assert bot.request.texts()[1:4] == [
        "只接受 JPEG、PNG 或 PDF 文件。",
        "文件过大，最大 10 MB。",
        "请发送照片或文件，或发送 /cancel 取消。",
    ]
    assert bot.request.of("getFile") == [{"file_id": "statement"}]
    [document] = app.customers.documents(customer_of(app).id)
    assert (document.kind.value, document.content_type.value) == ("bank_statement", "application/pdf")


def test_a_file_whose_bytes_are_not_an_accepted_type_is_refused_by_the_store(app: App) -> None:
    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        bot.request.files["fake"] = b"MZ not really a pdf"
        await bot.send(user.presses("doc:other"))
        await bot.send(user.sends_document("fake", 19, "application/pdf"))

    bot = play(app, scenario)
    assert bot.request.last_text() == "只接受 JPEG、PNG 或 PDF 文件。"
    assert app.customers.documents(customer_of(app).id) == []


@pytest.mark.parametrize(
    ("language", "told"),
    [
        (
            "zh-hans",
            "这张图片无法打开（文件已损坏或并非真正的 JPEG/PNG 图片），未保存。请重新拍照或导出后发送。",
        ),
        (
            "en",
            "This picture cannot be opened (the file is damaged or not really a JPEG or PNG image), so it"
            " was not kept. Please take the photo again or export it anew, and send it.",
        ),
    ],
)
def test_a_file_that_starts_as_a_png_and_goes_on_as_html_is_refused_in_the_customers_language(
    app: App, language: str, told: str
) -> None:
    polyglot = b"\x89PNG\r\n\x1a\n<html><script>fetch('/steal')</script></html>"

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        customer = bot.user(language_code=language)
        bot.request.files["polyglot"] = polyglot
        await bot.send(customer.command("/start"))
        await bot.send(customer.presses("doc:id_card_front"))
        await bot.send(customer.sends_document("polyglot", len(polyglot), "image/png", "id.png"))

    bot = play(app, scenario)
    assert bot.request.last_text() == told
    assert app.customers.documents(customer_of(app).id) == []
    assert not app.customers.documents_store.exists(sha256_of(polyglot))


# -- status -------------------------------------------------------------------------------------------


def test_the_status_view_shows_the_verification_and_each_documents_review(app: App) -> None:
    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await verify_phone(app, bot, user)
        bot.request.files["front"] = JPEG
        await bot.send(user.presses("doc:id_card_front"))
        await bot.send(user.sends_photo("front", len(JPEG)))
        await bot.send(user.presses("m:status"))

    bot = play(app, scenario)
    assert bot.request.last_text() == "\n".join(
        [
            "认证状态：手机已验证，待实名认证",
            "手机号：***5678",
            "已上传材料：",
            "· 身份证正面：待审核",
        ]
    )


def test_cancel_leaves_the_step_and_the_next_message_is_not_taken_for_it(app: App) -> None:
    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await verify_phone(app, bot, user)
        await bot.send(user.command("/identity"))
        await bot.send(user.command("/cancel"))
        await bot.send(user.says("张三"))

    bot = play(app, scenario)
    assert bot.request.texts()[-4:-1] == ["请输入您的真实姓名：", "已取消。", "请选择您要办理的业务："]
    assert bot.request.last_text().startswith("没有理解您的消息")
    assert customer_of(app).real_name == ""
