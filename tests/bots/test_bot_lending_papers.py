"""The lender's risk disclosure and the loan agreements in the bot: a first investment waits for ✅ under
the disclosure, which is recorded and then asks for the amount; /risk says when it was accepted;
/contracts sends each party the agreement's PDF, and refuses a file changed since it was issued."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest
from bot_harness import BotHarness, TelegramUser, button_data, play
from lending_bot_world import IRIS, IVAN, a_customer, confirm_button, the_platform
from test_bot_lending_customer import disbursed, last_message, listed

from agreement_sketch import ChangedFiles
from p2pstock.adapters.clock import ManualClock
from p2pstock.bootstrap import App
from p2pstock.bots.telegram.texts import text
from p2pstock.core.papers import LENDING_RISK

NINA = 2005


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_first_investment_shows_the_disclosure_and_goes_on_once_it_is_accepted(
    app: App, clock: ManualClock, lang: str
) -> None:
    the_platform(app, clock)
    a_customer(app, "nina", NINA, wallet=500_000, accepted=False, language=lang)
    loan = listed(app)
    seen: dict[str, object] = {}

    async def scenario(bot: BotHarness, bella: TelegramUser) -> None:
        nina = bot.user(NINA, language_code=lang)
        await bot.send(nina.presses(f"ln:inv:{loan.id}"))
        seen["disclosure"] = last_message(bot)
        await bot.send(nina.presses(f"ln:ack:{loan.id}"))
        seen["after"] = bot.request.texts()[-2:]
        await bot.send(nina.says("1,000"))
        await bot.send(nina.presses(confirm_button(bot)))

    play(app, scenario)
    disclosure = seen["disclosure"]
    assert isinstance(disclosure, dict)
    assert text(LENDING_RISK.key, lang) in str(disclosure["text"])
    assert button_data(disclosure) == [f"ln:ack:{loan.id}"]
    accepted, asked = seen["after"]  # type: ignore[misc]
    assert accepted.startswith("已记录" if lang == "zh" else "Recorded")
    assert asked == text("loan.invest.ask", lang, id=loan.id, low="¥50.00", high="¥5,000.00")
    known = app.papers.acknowledged("nina", LENDING_RISK)
    assert known is not None and known.version == 1
    assert [i.amount for i in app.lending.investments(loan.id)] == [100_000]


def test_no_investment_is_made_while_the_disclosure_is_not_accepted(app: App, clock: ManualClock) -> None:
    the_platform(app, clock)
    a_customer(app, "nina", NINA, wallet=500_000, accepted=False, language="zh")
    loan = listed(app)

    async def scenario(bot: BotHarness, bella: TelegramUser) -> None:
        nina = bot.user(NINA, language_code="zh")
        await bot.send(nina.presses(f"ln:inv:{loan.id}"))
        await bot.send(nina.says("1,000"))  # not an answer to anything: no amount was asked for

    play(app, scenario)
    assert app.lending.investments(loan.id) == []
    assert app.papers.acknowledged("nina", LENDING_RISK) is None


def test_risk_says_when_the_disclosure_was_accepted(app: App, clock: ManualClock) -> None:
    the_platform(app, clock)
    a_customer(app, "nina", NINA, wallet=0, accepted=False, language="zh")

    async def scenario(bot: BotHarness, bella: TelegramUser) -> None:
        nina = bot.user(NINA, language_code="zh")
        await bot.send(nina.command("/risk"))
        assert button_data(last_message(bot)) == ["ln:ack:-"]
        await bot.send(nina.presses("ln:ack:-"))
        await bot.send(nina.command("/risk"))

    texts = play(app, scenario).request.texts()
    assert texts[-2] == "已记录：您于 2026-03-02 10:00 接受《出借人风险揭示书》第 1 版。"
    assert texts[-1] == "您已于 2026-03-02 10:00 接受《出借人风险揭示书》第 1 版。"


def test_contracts_sends_the_agreement_to_the_borrower_and_each_lender(
    printed_agreements: App, clock: ManualClock
) -> None:
    app = printed_agreements
    the_platform(app, clock)
    loan = disbursed(app)
    listing: dict[str, object] = {}

    async def scenario(bot: BotHarness, bella: TelegramUser) -> None:
        await bot.send(bella.command("/contracts"))
        listing["bella"] = last_message(bot)
        await bot.send(bella.presses(f"ln:ct:{loan.id}"))
        for telegram in (IVAN, IRIS):
            await bot.send(bot.user(telegram, language_code="en").presses(f"ln:ct:{loan.id}"))

    bot = play(app, scenario)
    shown = listing["bella"]
    assert isinstance(shown, dict) and button_data(shown) == [f"ln:ct:{loan.id}"]
    sent = bot.request.of("sendDocument")
    assert len(sent) == 3
    for document in sent:
        filename, content = document["files"]["document"]
        assert filename == f"loan-agreement-{loan.id}.pdf"
        assert hashlib.sha256(content).hexdigest() == app.lending.get(loan.id).contract_hash
    assert sent[0]["caption"].startswith(f"Loan agreement {loan.id} (template loan-agreement@1), SHA-256 ")


def test_a_changed_agreement_is_refused_in_the_readers_language(
    printed_agreements: App, clock: ManualClock
) -> None:
    app = printed_agreements
    the_platform(app, clock)
    app.contracts.store = ChangedFiles()
    a_customer(app, "nina", NINA, wallet=0, language="zh")
    loan = disbursed(app)

    async def scenario(bot: BotHarness, bella: TelegramUser) -> None:
        await bot.send(bella.command("/contracts"))
        await bot.send(bella.presses(f"ln:ct:{loan.id}"))

    bot = play(app, scenario)
    assert bot.request.of("sendDocument") == []
    assert bot.request.texts()[-1] == text("refusal.contract_tampered", "en", of=loan.id)


def test_contracts_says_there_are_none_before_a_loan_is_disbursed(app: App, clock: ManualClock) -> None:
    the_platform(app, clock)
    a_customer(app, "nina", NINA, wallet=0, language="zh")

    async def scenario(bot: BotHarness, bella: TelegramUser) -> None:
        await bot.send(bot.user(NINA, language_code="zh").command("/contracts"))

    assert play(app, scenario).request.texts()[-1] == text("contract.none", "zh")


def test_a_buyer_gets_the_transfer_agreement_from_contracts(
    printed_agreements: App, clock: ManualClock
) -> None:
    app = printed_agreements
    the_platform(app, clock)
    a_customer(app, "nina", NINA, wallet=500_000, language="zh")
    loan = disbursed(app)
    clock.set(datetime(2026, 3, 17, 2, tzinfo=UTC))
    [ivan] = [i for i in app.lending.investments(loan.id) if i.investor_id == "ivan"]
    listing = app.debt_market.list_for_sale(
        ivan.id, seller_id="ivan", principal=100_000, premium_bp=0, request_id="sell-1"
    )
    purchase = app.debt_market.buy(listing.id, buyer_id="nina", principal=100_000, request_id="buy-1")
    listed_buttons: list[str] = []

    async def scenario(bot: BotHarness, bella: TelegramUser) -> None:
        nina = bot.user(NINA, language_code="zh")
        await bot.send(nina.command("/contracts"))
        listed_buttons.extend(button_data(last_message(bot)))
        await bot.send(nina.presses(f"ln:ctp:{purchase.id}"))

    bot = play(app, scenario)
    assert listed_buttons == [f"ln:ctp:{purchase.id}", f"ln:ct:{loan.id}"]
    [sent] = bot.request.of("sendDocument")
    filename, content = sent["files"]["document"]
    assert filename == f"transfer-agreement-{purchase.id}.pdf"
    assert hashlib.sha256(content).hexdigest() == purchase.contract_hash
    assert sent["caption"].startswith(f"债权转让协议 {purchase.id}，SHA-256 ")
