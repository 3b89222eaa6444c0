"""The allocation agreement and risk disclosure, and the allocation agreement's PDF, in the bot: a first
application waits for ✅ under the disclosure, which is recorded and then asks for the deposit; 📄 on a
confirmed allocation sends its customer the agreement, and refuses a file changed since it was issued."""

from __future__ import annotations

import hashlib

import pytest
from bot_harness import BotHarness, TelegramUser, button_data, play
from test_bot_allocation_customer import platform, running, verified
from test_bot_lending_customer import last_message

from agreement_sketch import ChangedFiles
from p2pstock.bootstrap import App
from p2pstock.bots.telegram.texts import text
from p2pstock.core.papers import ALLOCATION_RISK

__all__ = ["platform"]  # the fixture every test here uses


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_first_application_shows_the_disclosure_and_goes_on_once_it_is_accepted(
    app: App, lang: str
) -> None:
    verified(app, language=lang, accepted=False)
    seen: dict[str, object] = {}

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(user.presses("al:lev:5:daily"))
        seen["disclosure"] = last_message(bot)
        await bot.send(user.presses("al:ack:5:daily"))
        seen["after"] = bot.request.texts()[-2:]

    play(app, scenario)
    disclosure = seen["disclosure"]
    assert isinstance(disclosure, dict)
    assert str(disclosure["text"]).startswith(text("paper.allocation_risk.first", lang))
    assert text(ALLOCATION_RISK.key, lang) in str(disclosure["text"])
    assert button_data(disclosure) == ["al:ack:5:daily"]
    accepted, asked = seen["after"]  # type: ignore[misc]
    assert accepted.startswith("已记录" if lang == "zh" else "Recorded")
    assert ("保证金" if lang == "zh" else "deposit") in asked
    known = app.papers.acknowledged("alice", ALLOCATION_RISK)
    assert known is not None and known.version == 1


def test_the_chinese_disclosure_has_no_english_sentence(app: App) -> None:
    shown = text(ALLOCATION_RISK.key, "zh") + text("paper.allocation_risk.first", "zh")

    assert not any(word in shown for word in ("the ", "The ", "allocation", "risk"))


def test_a_customer_who_accepted_before_goes_straight_to_the_deposit(app: App) -> None:
    verified(app)

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(user.presses("al:lev:5:daily"))

    bot = play(app, scenario)
    assert "deposit" in bot.request.last_text()
    assert text(ALLOCATION_RISK.key, "en") not in bot.request.texts()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_customer_downloads_the_agreement_of_a_confirmed_allocation(app: App, lang: str) -> None:
    verified(app, language=lang)
    allocation = running(app)

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(user.presses(f"al:doc:{allocation.id}"))

    bot = play(app, scenario)
    [sent] = bot.request.of("sendDocument")
    filename, content = sent["files"]["document"]
    assert filename == f"allocation-agreement-{allocation.id}.pdf"
    assert hashlib.sha256(content).hexdigest() == allocation.contract_hash
    caption = "配资协议 PZ-" if lang == "zh" else "Allocation agreement PZ-"
    assert sent["caption"].startswith(f"{caption}{allocation.id}")


def test_a_changed_agreement_file_is_refused_in_chinese(app: App) -> None:
    app.allocation_contracts.store = ChangedFiles()
    verified(app, language="zh")
    allocation = running(app)

    async def scenario(bot: BotHarness, user: TelegramUser) -> None:
        await bot.send(user.presses(f"al:doc:{allocation.id}"))

    bot = play(app, scenario)
    assert bot.request.of("sendDocument") == []
    assert "哈希不符" in bot.request.last_text()
