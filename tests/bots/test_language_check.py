"""The reading of the bot's messages catches what the issue found a Chinese customer reading, and lets
ids, commands, amounts and names through."""

from __future__ import annotations

from language_check import foreign_words, problems


def test_the_english_a_chinese_customer_was_shown_is_caught() -> None:
    assert foreign_words("输入有误：the term must be between 1 months and 12 months", "zh") == [
        "the",
        "term",
        "must",
        "be",
        "between",
        "months",
        "and",
        "months",
    ]
    assert foreign_words("配资 a5cdee136b7a 的申请（termination）已批准", "zh") == ["termination"]
    assert foreign_words("待回款 ¥0.00（current）", "zh") == ["current"]


def test_ids_commands_amounts_formats_and_what_the_user_typed_pass_in_chinese() -> None:
    text = "提现 W-big 已提交，发送 /cancel 取消；pay-31678c10 ¥1,000.00，JPEG 或 PDF，原因：too soon"
    assert foreign_words(text, "zh", ["too soon"]) == []


def test_chinese_in_an_english_message_is_caught_but_names_and_masked_names_pass() -> None:
    assert foreign_words("Status: 交易中", "en") == ["交易中"]
    assert (
        foreign_words("Customer: alice 张三, borrower 王**, 【按天配资】", "en", ["张三", "按天配资"]) == []
    )


def test_each_message_is_read_in_the_language_of_its_reader() -> None:
    heard = [
        (1, "zh", "欢迎使用 p2pstock"),
        (2, "en", "Welcome to p2pstock"),
        (2, "en", "语言已设置为中文。"),
    ]
    assert [(p.chat, p.words) for p in problems(heard)] == [(2, ("语言已设置为中文。",))]
