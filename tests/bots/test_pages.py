"""The one pager of the customer's lists: the items of a page, whether another follows, the ◀ ▶ buttons on
the list's own button data, and the page a button names — with no item, one, a page full and one more."""

from __future__ import annotations

import pytest
from telegram import InlineKeyboardButton

from p2pstock.bots.telegram import callbacks as cb
from p2pstock.bots.telegram.keyboards import button
from p2pstock.bots.telegram.pages import LAST_PAGE, Page, page_and_what

SIZE = 3


def turns(page: Page[int], lang: str = "en") -> list[InlineKeyboardButton]:
    """The page's ◀ ▶ row: its only buttons, when no others are given."""
    markup = page.keyboard(lang, cb.StatementPage)
    return list(markup.inline_keyboard[0]) if markup else []


def data(page: Page[int]) -> list[str]:
    return [str(b.callback_data) for b in turns(page)]


@pytest.mark.parametrize(
    ("count", "items", "more"),
    [(0, [], False), (1, [0], False), (SIZE, [0, 1, 2], False), (SIZE + 1, [0, 1, 2], True)],
)
def test_the_first_page_holds_up_to_a_page_of_items_and_says_whether_more_follow(
    count: int, items: list[int], more: bool
) -> None:
    page = Page.of(range(count), 0, SIZE)
    assert (page.number, list(page.items), page.more) == (0, items, more)
    assert data(page) == (["st:1"] if more else [])


@pytest.mark.parametrize("count", [0, 1, SIZE, SIZE + 1])
def test_a_page_past_the_end_of_a_list_is_its_last(count: int) -> None:
    page = Page.of(range(count), 5, SIZE)
    last = 1 if count > SIZE else 0
    assert (page.number, list(page.items), page.more) == (last, list(range(count))[last * SIZE :], False)
    assert data(page) == (["st:0"] if last else [])


def test_the_second_page_of_one_more_than_a_page_has_the_last_item_and_only_a_way_back() -> None:
    page = Page.of(range(SIZE + 1), 1, SIZE)
    assert (list(page.items), page.more, data(page)) == ([SIZE], False, ["st:0"])
    middle = Page.of(range(3 * SIZE), 1, SIZE)
    assert (list(middle.items), middle.more, data(middle)) == ([3, 4, 5], True, ["st:0", "st:2"])
    assert [b.text for b in turns(middle, "zh")] == ["◀ 上一页", "下一页 ▶"]


def test_the_keyboard_puts_the_turns_between_the_rows_and_has_no_empty_row() -> None:
    row, after = [button("a", cb.Menu("wallet"))], [button("b", cb.Menu("status"))]
    lone = Page.of([1], 0, SIZE)
    assert lone.keyboard("en", cb.StatementPage) is None
    markup = lone.keyboard("en", cb.StatementPage, [row], [after])
    assert markup is not None
    assert [[b.callback_data for b in r] for r in markup.inline_keyboard] == [["m:wallet"], ["m:status"]]
    paged = Page.of(range(SIZE + 1), 0, SIZE).keyboard("en", cb.StatementPage, [row], [after])
    assert paged is not None
    assert [[b.callback_data for b in r] for r in paged.inline_keyboard] == [
        ["m:wallet"],
        ["st:1"],
        ["m:status"],
    ]


@pytest.mark.parametrize(
    ("subject", "named"),
    [
        ("0", (0, "")),
        ("12", (12, "")),
        (str(LAST_PAGE), (LAST_PAGE, "")),
        ("2:short", (2, "short")),
        ("0:", (0, "")),
        (str(LAST_PAGE + 1), None),
        ("-1", None),
        ("x", None),
        ("", None),
        ("1:long", None),
        ("1:short:2", None),
    ],
)
def test_a_page_button_names_a_page_within_bounds_and_only_what_the_list_knows(
    subject: str, named: tuple[int, str] | None
) -> None:
    assert page_and_what(subject, ("", "short")) == named
