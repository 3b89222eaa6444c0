"""Several bot processes on one storage: each update is handled in its chat's turn, on the state the
storage holds, so a conversation goes on in whichever process the next update reaches, and two updates of
one chat at once are handled one after the other. (Two applications in one event loop stand for two
processes here; ``tests/integration/test_workers.py`` runs real ``serve`` processes.)"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest
from bot_harness import BotHarness, customer_of, verify_phone

from p2pstock.bootstrap import App
from p2pstock.bots.telegram import OfficeUiStore, persistence
from p2pstock.bots.telegram.texts import text
from p2pstock.core.leases import Leases

Workers = Callable[[BotHarness, BotHarness], Awaitable[None]]


def on_two_workers(app: App, scenario: Workers) -> tuple[BotHarness, BotHarness]:
    """``scenario`` on two bots started together on ``app``'s storage (as two processes would be)."""

    async def main() -> tuple[BotHarness, BotHarness]:
        async with BotHarness(app) as one, BotHarness(app) as two:
            await scenario(one, two)
            one.check()
            two.check()
            return one, two

    return asyncio.run(main())


def test_a_conversation_begun_in_one_process_goes_on_in_another_and_back(app: App) -> None:
    async def scenario(one: BotHarness, two: BotHarness) -> None:
        user = one.user()
        await verify_phone(app, one, user)
        await one.send(user.command("/identity"))
        await two.send(user.says("张三"))  # the name step began in the first process
        assert two.request.last_text() == text("identity.ask_number", "zh")
        await one.send(user.says("11010519491231002X"))  # the number step, back in the first
        assert one.request.last_text().startswith("已提交实名信息：张三，身份证号 110")
        await two.send(user.says("你好"))  # the second knows the conversation ended
        assert two.request.last_text().startswith("没有理解您的消息")

    on_two_workers(app, scenario)
    assert customer_of(app).real_name == "张三"


@pytest.mark.parametrize("second", ["another process", "the same process"])
def test_two_updates_of_one_chat_at_once_are_handled_one_after_the_other(app: App, second: str) -> None:
    async def scenario(one: BotHarness, other: BotHarness) -> None:
        two = other if second == "another process" else one
        user = one.user()
        await verify_phone(app, one, user)
        await one.send(user.command("/identity"))
        one_mark, two_mark = one.request.mark(), two.request.mark()

        await asyncio.gather(one.send(user.says("张三")), two.send(user.says("李四")))
        if two is one:
            two_mark = one.request.mark()  # both replies are in the one request's calls

        replies = one.request.texts_since(one_mark) + two.request.texts_since(two_mark)
        # the first taken is the name; the second then comes to the number step, and is no number
        assert replies.count(text("identity.ask_number", "zh")) == 1
        assert len(replies) == 2

    on_two_workers(app, scenario)


def test_an_update_waits_for_the_chat_another_process_holds_and_is_given_up_if_it_never_comes(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(persistence, "TURN_WAIT_SECONDS", 0.2)
    other_process = OfficeUiStore(app.office, Leases(app.office, holder="another-process"))

    async def scenario(one: BotHarness, two: BotHarness) -> None:
        user = one.user()
        assert other_process.take_turn("tg:turn:1001", 60)
        mark = one.request.mark()

        with pytest.raises(persistence.ChatBusy):
            await one.send(user.command("/start"))
        assert one.request.texts_since(mark) == []

        other_process.end_turn("tg:turn:1001")
        await one.send(user.command("/start"))
        assert one.request.texts_since(mark) != []

    on_two_workers(app, scenario)
