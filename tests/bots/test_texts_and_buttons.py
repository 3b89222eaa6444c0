"""The bot's texts (both languages, the same placeholders), its error table and its button data."""

from __future__ import annotations

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from p2pstock.bots.telegram import callbacks as cb
from p2pstock.bots.telegram import keyboards
from p2pstock.bots.telegram.errors import ERROR_TABLE, error_key, error_text
from p2pstock.bots.telegram.texts import LANGUAGES, TEXTS, language_from_telegram, placeholders, text
from p2pstock.core.errors import (
    AlreadyDecided,
    InsufficientFunds,
    InvalidInput,
    NotFound,
    P2PStockError,
    Refused,
    StorageError,
    TransientConflict,
)
from p2pstock.core.money import Money, MoneyError
from p2pstock.core.names import name_of
from p2pstock.core.payments import CannotCredit, ReportChanged, ResolutionWaiting
from p2pstock.core.people.documents import DocumentKind, DocumentRefused
from p2pstock.core.people.permissions import Permission, PermissionDenied
from p2pstock.core.people.phone_codes import CodeExpired, ResendTooSoon, TooManyCodes
from p2pstock.core.people.registration import WrongCode


@pytest.mark.parametrize("key", sorted(TEXTS))
def test_every_text_exists_in_both_languages_with_the_same_placeholders(key: str) -> None:
    versions = TEXTS[key]
    assert sorted(versions) == sorted(LANGUAGES)
    assert all(versions[lang].strip() for lang in LANGUAGES)
    assert placeholders(versions["zh"]) == placeholders(versions["en"])


def test_every_permission_has_a_label_for_its_toggle_button() -> None:
    for lang in LANGUAGES:
        labels = {name_of(permission, lang) for permission in Permission}
        assert len(labels) == len(Permission)
        assert not labels & {permission.value for permission in Permission}


def test_a_text_is_filled_in_and_an_unknown_language_reads_chinese() -> None:
    assert text("withdraw.confirm", "en", amount=Money.parse("12.5")) == "Withdraw ¥12.50?"
    assert text("withdraw.confirm", "fr", amount=Money.parse("12.5")) == "确认提现 ¥12.50？"


def test_what_a_user_typed_is_never_read_as_a_placeholder() -> None:
    assert (
        text("welcome", "en", name="{0}{name!r}", brand="p2pstock")
        == "Welcome to p2pstock, {0}{name!r}! What would you like to do?"
    )


@pytest.mark.parametrize(
    ("code", "language"),
    [
        ("zh", "zh"),
        ("zh-hans", "zh"),
        ("zh-TW", "zh"),
        ("ZH", "zh"),
        ("en", "en"),
        ("ru", "en"),
        (None, "en"),
    ],
)
def test_a_new_customer_starts_in_the_language_of_their_telegram_app(code: str | None, language: str) -> None:
    assert language_from_telegram(code) == language


def test_every_error_row_names_texts_that_exist() -> None:
    for row in ERROR_TABLE:
        if isinstance(row.key, str):
            assert row.key in TEXTS
    assert ERROR_TABLE[-1].kind is P2PStockError


@pytest.mark.parametrize(
    ("error", "zh", "en"),
    [
        (
            WrongCode(3),
            "验证码不正确，您还可以尝试 3 次。",
            "That code is not right. You have 3 attempts left.",
        ),
        (ResendTooSoon(42), "验证码刚刚发送过，请在 42 秒后再获取新的验证码。", None),
        (TooManyCodes("day"), "该号码今天获取验证码次数过多，请明天再试。", None),
        (TooManyCodes("hour"), "该号码在一小时内获取验证码次数过多，请稍后再试。", None),
        (CodeExpired(), "验证码已过期，请发送 /phone 获取新的验证码。", None),
        (MoneyError("x", "too_many_decimals"), "金额最多两位小数。", "An amount has at most two decimals."),
        (MoneyError("x", "something_new"), "金额无法识别，请重新输入：", None),
        (InsufficientFunds("x"), "可用余额不足。", "Your available balance is not enough."),
        (PermissionDenied(Permission.KYC_REVIEW, "x"), "抱歉，您没有权限执行此操作。", None),
        (AlreadyDecided("x"), "该申请已处理过。", None),
        (NotFound("no account wallet:CNY:c1"), "未找到相关记录。", None),
        (InvalidInput("the file is empty"), "输入有误，请检查后重试。", None),
        (Refused("no way"), "操作未能完成。", "That was refused."),
        (
            DocumentRefused("image", "the file is not a readable PNG image"),
            "这张图片无法打开（文件已损坏或并非真正的 JPEG/PNG 图片），未保存。请重新拍照或导出后发送。",
            "This picture cannot be opened (the file is damaged or not really a JPEG or PNG image), so it"
            " was not kept. Please take the photo again or export it anew, and send it.",
        ),
        (
            DocumentRefused("too_large", "x"),
            "文件过大，最大 10 MB。",
            "The file is too large; at most 10 MB.",
        ),
        (ResolutionWaiting("x"), "该订单已有另一项处理申请在等待复核，请先同意或驳回它。", None),
        (ReportChanged("x"), "申请之后支付渠道再次报告了该订单，请驳回原申请后重新申请。", None),
        (CannotCredit("x"), "渠道报告的币种与钱包不同，只能退款。", None),
        (TransientConflict("deadlock"), "系统繁忙，请稍后再试。", None),
        (StorageError("disk"), "系统繁忙，请稍后再试。", None),
        (P2PStockError("odd"), "抱歉，系统出了点问题，请稍后再试。", None),
    ],
)
def test_the_error_table_tells_each_error_in_both_languages(
    error: P2PStockError, zh: str, en: str | None
) -> None:
    assert error_text(error, "zh") == zh
    if en is not None:
        assert error_text(error, "en") == en
    assert error_key(error) in TEXTS


@pytest.mark.parametrize("reason", DocumentRefused.REASONS)
def test_every_reason_a_document_is_refused_for_is_told_in_each_language_without_core_english(
    reason: str,
) -> None:
    error = DocumentRefused(reason, "core's own english words")

    assert error_key(error) in TEXTS
    for lang in LANGUAGES:
        assert "core's own english words" not in error_text(error, lang)


def test_money_typed_wrongly_is_explained_by_its_reason() -> None:
    for typed in ("12.345", "-3", "0", "1e5", "1,00", "abc", ""):
        with pytest.raises(MoneyError) as caught:
            Money.parse(typed)
        assert error_key(caught.value).startswith("money.")


# -- button data --------------------------------------------------------------------------------------

WRITTEN = [
    *(cb.Menu(item) for item in cb.MENU_ITEMS),
    cb.ChooseLanguage("zh"),
    cb.ChooseLanguage("en"),
    *(cb.ChooseDocument(kind) for kind in DocumentKind),
    cb.StatementPage(0),
    cb.StatementPage(9999),
    cb.WithdrawalAnswer(True, 1),
    cb.WithdrawalAnswer(False, 999_999_999_999_999),
    cb.AdminAction("doc_ok", "d0123456789abcde"),
    cb.AdminAction("menu", "withdrawals"),
    cb.AdminAction("wd_no", "tg-1001-42"),
    cb.AdminAction("menu", "stats"),
    cb.AdminAction("menu", "roles"),
    *(cb.AdminAction("roles", step) for step in cb.ROLE_STEPS),
    cb.AdminAction("new_role", "risk_officer"),
    cb.AdminAction("ro_admin", "finance-1"),
    cb.AdminAction("ro_set", "super_admin:ops@example.com"),
    cb.AdminAction("ro_set", "finance:a:b"),
    cb.AdminAction("off_ask", "reviewer-1"),
    cb.AdminAction("off_ok", "reviewer-1"),
    cb.AdminAction("off_keep", "reviewer-1"),
    *(cb.AdminAction("rd_perm", permission.value) for permission in Permission),
    cb.AdminAction("rd_done", "auditor"),
    cb.AdminAction("rd_done", "a" * 40),
    cb.AdminAction("rd_skip", "risk_auditor"),
    cb.AdminAction("menu", "payments"),
    cb.AdminAction("pay_cr", "pay-0123456789abcdef01234567"),
    cb.AdminAction("pay_rf", "pay-0123456789abcdef01234567"),
]


@pytest.mark.parametrize("callback", WRITTEN, ids=repr)
def test_button_data_reads_back_as_written_and_fits_telegrams_limit(callback: cb.Callback) -> None:
    data = cb.write(callback)
    assert len(data.encode()) <= 64
    assert cb.parse(data) == callback


@pytest.mark.parametrize(
    "callback",
    [
        cb.StatementPage(10_000),
        cb.StatementPage(-1),
        cb.Menu("admin"),
        cb.AdminAction("menu", "x" * 49),
        cb.AdminAction("roles", "everything"),
        cb.AdminAction("new_role", "Finance"),
        cb.AdminAction("ro_set", "finance"),
        cb.AdminAction("ro_set", "finance:" + "x" * 41),
        cb.AdminAction("off_ok", "ops/1"),
        cb.AdminAction("rd_perm", "everything"),
        cb.AdminAction("rd_perm", "stats.view:auditor"),
        cb.AdminAction("rd_done", "Auditor"),
        cb.AdminAction("rd_skip", "risk auditor"),
    ],
    ids=repr,
)
def test_a_button_the_parser_would_not_read_back_cannot_be_written(callback: cb.Callback) -> None:
    with pytest.raises(ValueError, match="cannot be written"):
        cb.write(callback)


@pytest.mark.parametrize(
    "data",
    [
        None,
        42,
        b"m:wallet",
        "M:wallet",
        "m:wallet\n",
        " m:wallet",
        "st:٣",
        "wd:y:00",
        "lang:",
        "doc:",
        "a:",
        "a:roles:",
        "a:roles:appoint:x",
        "a:new_role:risk__officer",
        "a:new_role:_finance",
        "a:ro_set::root",
        "a:ro_set:finance:",
        "a:ro_set:1:root",
        "a:off_ok:",
        "a:roles:define:x",
        "a:rd_perm:",
        "a:rd_perm:stats_view",
        "a:rd_perm:Stats.view",
        "a:rd_perm:stats.view.x",
        "a:rd_perm:stats.view:auditor",
        "a:rd_done:",
        "a:rd_done:risk__auditor",
        "a:rd_skip:_auditor",
    ],
)
def test_anything_not_written_by_the_bot_is_not_read(data: object) -> None:
    assert cb.parse(data) is None


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_menu_sent_again_and_again_goes_out_as_python_telegram_bot_writes_it_each_time(lang: str) -> None:
    menu = keyboards.main_menu(lang)
    written_by_the_framework = InlineKeyboardMarkup(menu.inline_keyboard).to_dict()

    first = menu.to_dict()
    first["inline_keyboard"][0][0]["text"] = "changed by whoever read it"

    assert menu.to_dict() == written_by_the_framework


def test_a_menu_refuses_a_button_whose_wire_form_would_be_shared_between_messages() -> None:
    with pytest.raises(ValueError, match="callback data only"):
        keyboards.Menu([[InlineKeyboardButton("site", url="https://example.com")]])
