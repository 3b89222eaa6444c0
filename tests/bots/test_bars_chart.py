"""The administrators' bar chart: a row per bar, its label on the left and its value beside the bar's end,
checked in its plan and in the painted pixels (``SCALE`` times the plan's coordinates)."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from PIL import Image

from p2pstock import fonts
from p2pstock.bots.telegram.bars_chart import BAR_COLOUR, Bar, plan_bars, render_bars, value_text
from p2pstock.bots.telegram.drawing import SCALE, Area, Plan, Words, draws

RED = (214, 39, 40)


@pytest.fixture(autouse=True)
def _fonts_as_found() -> Iterator[None]:
    yield
    fonts.configure()


def bars_of(plan: Plan) -> list[Area]:
    return [element for element in plan.of("bar") if isinstance(element, Area)]


def words_of(plan: Plan, role: str) -> list[Words]:
    return [element for element in plan.of(role) if isinstance(element, Words)]


def painted(png: bytes, x: float, y: float) -> tuple[int, int, int]:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    r, g, b = image.getpixel((round(x * SCALE), round(y * SCALE)))  # type: ignore[misc]
    return r, g, b


COUNTS = [Bar("registrations", 128), Bar("verified", 64), Bar("allocations", 0), Bar("withdrawals", 9, RED)]


def test_each_bar_is_a_row_with_its_label_its_bar_in_proportion_and_its_value_beside_it() -> None:
    plan = plan_bars("New today", COUNTS)
    assert plan.texts("title") == ["New today"]
    assert plan.texts("label") == ["registrations", "verified", "allocations", "withdrawals"]
    assert plan.texts("value") == ["128", "64", "0", "9"]
    registrations, verified, withdrawals = bars_of(plan)  # no bar is drawn for nought
    width = [bar.box[2] - bar.box[0] for bar in (registrations, verified, withdrawals)]
    assert width[1] / width[0] == pytest.approx(64 / 128)
    assert width[2] / width[0] == pytest.approx(9 / 128)
    values = words_of(plan, "value")
    assert all(
        value.at[0] > bar.box[2]
        for value, bar in zip([values[0], values[1], values[3]], bars_of(plan), strict=True)
    )
    assert values[2].at[0] == pytest.approx(registrations.box[0] + 6)  # nought is written at the zero line


def test_the_bars_are_painted_in_their_colours_and_rows_go_down_the_picture() -> None:
    plan, png = plan_bars("New today", COUNTS), render_bars("New today", COUNTS)
    registrations, verified, withdrawals = bars_of(plan)
    assert registrations.box[1] < verified.box[1] < withdrawals.box[1]
    middle = [((bar.box[0] + bar.box[2]) / 2, (bar.box[1] + bar.box[3]) / 2) for bar in bars_of(plan)]
    assert painted(png, *middle[0]) == BAR_COLOUR
    assert painted(png, *middle[2]) == RED
    assert Image.open(io.BytesIO(png)).size == (plan.width * SCALE, plan.height * SCALE)


def test_money_is_shown_in_whole_yuan_and_a_negative_bar_extends_left() -> None:
    flows = [Bar("deposits", 12_345_678), Bar("withdrawals", -4_500_050), Bar("fees", 149)]
    plan = plan_bars("Flows", flows, money=True)
    assert plan.texts("value") == ["¥123,457", "-¥45,001", "¥1"]
    deposits, withdrawals, _fees = bars_of(plan)
    assert withdrawals.box[2] == deposits.box[0]  # both start at the zero line
    (minus,) = [value for value in words_of(plan, "value") if value.text.startswith("-")]
    assert minus.at[0] < withdrawals.box[0] and minus.align == "right"


@pytest.mark.parametrize(
    ("value", "money", "shown"),
    [
        (0, False, "0"),
        (1234567, False, "1,234,567"),
        (0, True, "¥0"),
        (49, True, "¥0"),
        (-49, True, "¥0"),
        (50, True, "¥1"),
        (-150, True, "-¥2"),
        (100_000_00, True, "¥100,000"),
    ],
)
def test_a_value_is_a_grouped_count_or_whole_yuan_half_rounding_away_from_zero(
    value: int, money: bool, shown: str
) -> None:
    assert value_text(value, money=money) == shown


def test_an_empty_chart_is_just_its_title_and_a_long_label_is_cut() -> None:
    empty = plan_bars("Nothing yet", [])
    assert empty.texts() == ["Nothing yet"]
    assert empty.of("bar") == []
    long = plan_bars("Long", [Bar("an administrator's very long label " * 5, 3)])
    (label,) = long.texts("label")
    assert label.endswith("…") and len(label) < 100


def test_chinese_labels_are_drawn_with_the_cjk_font(cjk_font: object) -> None:
    plan = plan_bars("今日新增", [Bar("客户注册", 12)])
    assert plan.texts("label") == ["客户注册"]
    assert draws("今日新增客户注册")  # no "?" for a missing glyph
    png = render_bars("今日新增", [Bar("客户注册", 12)])
    (label,) = words_of(plan, "label")
    image = Image.open(io.BytesIO(png)).convert("RGB")
    x, y = label.at
    box = (round(x * SCALE), round((y - 6) * SCALE), round((x + 48) * SCALE), round((y + 6) * SCALE))
    dark = [colour for _, colour in image.crop(box).getcolors(1 << 24) or [] if max(colour) < 90]
    assert dark  # the characters are painted, not blank
