"""``UiStatePersistence``: the bot's UI state as JSON through a ``UiStore``, written only when changed."""

from __future__ import annotations

import asyncio

from bot_harness import DictUiStore

from p2pstock.bootstrap import App
from p2pstock.bots.telegram import OfficeUiStore, UiStatePersistence


async def round_trip(store: object) -> None:
    first = UiStatePersistence(store)  # type: ignore[arg-type]
    await first.update_user_data(7, {"real_name": "张三", "statement": [0, 12]})
    await first.update_chat_data(7, {"note": "x"})
    await first.update_bot_data({"version": 1})
    await first.update_conversation("customer", (7, 7), "identity.number")
    await first.update_conversation("customer", (8, 8), "phone.code")
    await first.update_conversation("customer", (8, 8), None)

    second = UiStatePersistence(store)  # type: ignore[arg-type]
    assert await second.get_user_data() == {7: {"real_name": "张三", "statement": [0, 12]}}
    assert await second.get_chat_data() == {7: {"note": "x"}}
    assert await second.get_bot_data() == {"version": 1}
    assert await second.get_conversations("customer") == {(7, 7): "identity.number"}
    assert await second.get_conversations("admin") == {}
    assert await second.get_callback_data() is None

    await second.drop_user_data(7)
    await second.drop_chat_data(7)
    assert await UiStatePersistence(store).get_user_data() == {}  # type: ignore[arg-type]
    assert await UiStatePersistence(store).get_chat_data() == {}  # type: ignore[arg-type]


def test_ui_state_survives_a_new_persistence_on_the_same_storage(app: App) -> None:
    asyncio.run(round_trip(OfficeUiStore(app.office)))


def test_an_unchanged_value_is_not_written_again_and_an_empty_one_is_not_kept() -> None:
    store = DictUiStore()

    async def main() -> None:
        persistence = UiStatePersistence(store)
        await persistence.update_user_data(1, {"a": 1})
        await persistence.update_user_data(1, {"a": 1})
        await persistence.update_bot_data({})
        await persistence.update_user_data(2, {})
        assert store.writes == 1
        await persistence.update_user_data(1, {})
        assert store.rows == {}

    asyncio.run(main())


def test_a_prefix_keeps_two_bots_apart() -> None:
    store = DictUiStore()

    async def main() -> None:
        await UiStatePersistence(store, prefix="one:").update_user_data(1, {"a": 1})
        assert await UiStatePersistence(store, prefix="two:").get_user_data() == {}

    asyncio.run(main())
    assert list(store.rows) == ["one:user:1"]
