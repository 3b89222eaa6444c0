"""The allocation chart: total assets over trading days against the starting capital and the warning and
liquidation lines, in the reader's language.

Each picture is checked twice: its plan (what ``plan_chart`` says is drawn, element by element, with the
texts written) and its pixels (the PNG read back with Pillow at ``SCALE`` times the plan's coordinates).
The charts in Chinese need a CJK font on the machine (the ``cjk_font`` fixture); the English fallback is
checked with the font search pointed at folders without one.
"""

from __future__ import annotations

import datetime
import io
import itertools
import random
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PIL import Image, ImageFont

from p2pstock import fonts
from p2pstock.bots.telegram import chart, drawing
from p2pstock.bots.telegram.allocation_timeline import chart_words
from p2pstock.bots.telegram.chart import ChartLabels, ChartPoint, plan_chart, render_chart
from p2pstock.bots.telegram.drawing import SCALE, Area, Dot, Plan, Stroke, Words
from p2pstock.core.errors import InvalidInput

Pixel = tuple[int, int, int]
START = datetime.date(2026, 11, 3)  # a Tuesday
B_PLUS_STAKE, WARNING, LIQUIDATION = 60_000_000, 56_000_000, 54_000_000  # ¥600,000, ¥560,000, ¥540,000
WHITE: Pixel = (255, 255, 255)
DEJAVU = sorted(Path("/usr/share/fonts").glob("**/DejaVuSans.ttf"))


@pytest.fixture(autouse=True)
def _fonts_as_found() -> Iterator[None]:
    yield
    fonts.configure()


def yuan(amount: int) -> int:
    return amount * 100


def trading_days(count: int, start: datetime.date = START) -> list[datetime.date]:
    weekdays = (start + datetime.timedelta(days=n) for n in itertools.count())
    return list(itertools.islice((day for day in weekdays if day.weekday() < 5), count))


def series(values: list[int], start: datetime.date = START) -> list[ChartPoint]:
    return [
        ChartPoint(day, value) for day, value in zip(trading_days(len(values), start), values, strict=True)
    ]


RISING_22 = series([B_PLUS_STAKE + yuan(2_500) * n - yuan(4_000) * (n % 3) for n in range(22)])
"""22 trading days from 2026-11-03 to 2026-12-02, ending at ¥652,500 (a gain of ¥52,500)."""


def plan(
    points: list[ChartPoint], labels: ChartLabels | None = None, *, baseline: int | None = B_PLUS_STAKE
) -> Plan:
    return plan_chart(
        points,
        warning_line=WARNING,
        liquidation_line=LIQUIDATION,
        baseline=baseline,
        title="A-1",
        labels=labels,
    )


def render(
    points: list[ChartPoint], labels: ChartLabels | None = None, *, baseline: int | None = B_PLUS_STAKE
) -> Image.Image:
    png = render_chart(
        points,
        warning_line=WARNING,
        liquidation_line=LIQUIDATION,
        baseline=baseline,
        title="A-1",
        labels=labels,
    )
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    return image.convert("RGB")


def pixel(image: Image.Image, x: float, y: float) -> Pixel:
    """The painted pixel at logical (x, y)."""
    r, g, b = image.getpixel((round(x * SCALE), round(y * SCALE)))  # type: ignore[misc]
    return r, g, b


def stroke(of: Plan, role: str) -> Stroke:
    (line,) = [element for element in of.of(role) if isinstance(element, Stroke)]
    return line


def area(of: Plan, role: str) -> Area:
    (box,) = [element for element in of.of(role) if isinstance(element, Area)]
    return box


def words(of: Plan, role: str) -> list[Words]:
    return [element for element in of.of(role) if isinstance(element, Words)]


def level_y(of: Plan, role: str) -> float:
    """The height of a horizontal line across the plot."""
    line = stroke(of, role)
    (y,) = {y for _, y in line.points}
    return y


def colours_in(image: Image.Image, box: tuple[float, float, float, float]) -> set[Pixel]:
    left, top, right, bottom = (round(coordinate * SCALE) for coordinate in box)
    counted = image.crop((left, top, right, bottom)).getcolors(maxcolors=1 << 24) or []
    return {colour for _, colour in counted}  # type: ignore[misc]


def labels_in(lang: str) -> ChartLabels:
    return chart_words("A-1", lang)[1]


# -- what the chart shows, in both languages -------------------------------------------------------------

EXPECTED = {
    "zh": ("累计盈亏 +¥52,500", "起始资金 ¥600,000", ["总资产", "起始资金", "警戒线", "平仓线"]),
    "en": (
        "Profit/loss +¥52,500",
        "Starting capital ¥600,000",
        ["Total assets", "Starting capital", "Warning line", "Liquidation line"],
    ),
}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_22_day_chart_writes_each_lines_value_the_last_value_the_profit_and_the_year(
    lang: str, cjk_font: Path
) -> None:
    drawn = plan(RISING_22, labels_in(lang))
    pnl, capital, legend = EXPECTED[lang]
    assert drawn.texts("baseline") == ["¥600,000", capital]  # tagged on its line, and under the profit
    assert drawn.texts("warning") == ["¥560,000"]
    assert drawn.texts("liquidation") == ["¥540,000"]
    assert drawn.texts("last") == ["¥652,500"]
    assert drawn.texts("pnl") == [pnl]
    assert drawn.texts("legend") == legend
    assert drawn.texts("period") == ["2026-11-03 – 2026-12-02"]
    assert drawn.texts("date")[0] == "2026-11-03"
    assert drawn.texts("date")[-1] == "12-02"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_22_day_chart_paints_the_baseline_and_the_lines_at_their_heights(lang: str, cjk_font: Path) -> None:
    labels = labels_in(lang)
    drawn, image = plan(RISING_22, labels), render(RISING_22, labels)
    baseline, warning, liquidation = (level_y(drawn, role) for role in ("baseline", "warning", "liquidation"))
    assert baseline < warning < liquidation  # more money is higher up
    assert (warning - baseline) / (liquidation - warning) == pytest.approx(40_000 / 20_000)
    for role, colour in [
        ("baseline", chart.BASELINE_COLOUR),
        ("warning", chart.WARNING_COLOUR),
        ("liquidation", chart.LIQUIDATION_COLOUR),
    ]:
        line = stroke(drawn, role)
        assert line.dashed
        (left, y), (right, _) = line.points
        assert pixel(image, left + drawing.DASH / 2, y) == colour  # on the first dash
        assert pixel(image, left + drawing.DASH + drawing.GAP / 2, y) != colour  # in the gap after it
        tag = area(drawn, role)
        assert tag.box[0] > right  # the value's tag is right of the plot, in the line's colour
        assert pixel(image, tag.box[0] + 2, (tag.box[1] + tag.box[3]) / 2) == colour


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_assets_are_a_blue_line_ending_in_a_ringed_point_with_its_value(
    lang: str, cjk_font: Path
) -> None:
    labels = labels_in(lang)
    drawn, image = plan(RISING_22, labels), render(RISING_22, labels)
    line = stroke(drawn, "assets")
    assert len(line.points) == 22
    assert [y for _, y in line.points][-1] < level_y(drawn, "baseline")  # above the starting capital
    (last,) = [dot for dot in drawn.of("last") if isinstance(dot, Dot)]
    assert last.centre == line.points[-1]
    assert last.ring == drawing.WHITE
    assert pixel(image, *last.centre) == chart.ASSETS_COLOUR
    assert len(drawn.of("marker")) == 21


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_zones_below_the_warning_and_the_liquidation_line_are_shaded(lang: str, cjk_font: Path) -> None:
    labels = labels_in(lang)
    drawn, image = plan(RISING_22, labels), render(RISING_22, labels)
    warning, liquidation = level_y(drawn, "warning"), level_y(drawn, "liquidation")
    orange, red = area(drawn, "warning_zone"), area(drawn, "liquidation_zone")
    assert (orange.box[1], orange.box[3]) == (warning, liquidation)
    assert red.box[1] == liquidation
    x = orange.box[0] + 5
    assert pixel(image, x, (warning + liquidation) / 2 + 4) == chart.WARNING_ZONE
    assert pixel(image, x, (liquidation + red.box[3]) / 2) == chart.LIQUIDATION_ZONE
    assert pixel(image, x, warning - 10) == WHITE  # nothing above the warning line


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_chinese_or_english_labels_are_written_with_a_font_that_draws_them(lang: str, cjk_font: Path) -> None:
    drawn, image = plan(RISING_22, labels_in(lang)), render(RISING_22, labels_in(lang))
    assert all(drawing.draws(text) for text in drawn.texts())  # not one "?" for a missing glyph
    for legend in words(drawn, "legend"):
        x, y = legend.at
        width = drawing.text_width(legend.text, legend.size)
        assert drawing.TEXT in colours_in(image, (x, y - 7, x + width, y + 7))


# -- a single day ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_one_day_chart_is_a_bar_from_the_starting_capital_to_the_days_assets(
    lang: str, cjk_font: Path
) -> None:
    labels = labels_in(lang)
    one_day = series([yuan(612_345) + 50])
    drawn, image = plan(one_day, labels), render(one_day, labels)
    bar, assets = area(drawn, "bar"), drawn.of("last")[0]
    assert isinstance(assets, Dot)
    assert (bar.box[1], bar.box[3]) == (assets.centre[1], level_y(drawn, "baseline"))
    assert bar.outline == chart.pnl_colour(1, labels)  # a gain: red in Chinese, green in English
    assert pixel(image, bar.box[0] + 10, (bar.box[1] + bar.box[3]) / 2 + 3) == bar.colour
    assert drawn.texts("callout") == ["¥612,345.50"]
    assert drawn.texts("date") == ["2026-11-03"]
    assert drawn.texts("period") == ["2026-11-03"]
    assert drawn.texts("pnl") == [f"{labels.pnl} +¥12,345.50"]
    for role in ("baseline", "warning", "liquidation"):  # the lines still cross the whole plot
        (left, _), (right, _) = stroke(drawn, role).points
        assert right - left > 500


def test_a_loss_on_one_day_hangs_its_bar_from_the_starting_capital_with_the_value_below() -> None:
    drawn = plan(series([yuan(557_000)]), ChartLabels())
    bar, callout = area(drawn, "bar"), words(drawn, "callout")[0]
    assert bar.box[1] == level_y(drawn, "baseline")
    assert callout.at[1] > bar.box[3]
    assert bar.outline == chart.RED
    assert drawn.texts("pnl") == ["Profit/loss -¥43,000"]


def test_a_day_without_a_starting_capital_is_a_point_and_its_value() -> None:
    drawn = plan(series([yuan(612_000)]), baseline=None)
    assert drawn.of("bar") == drawn.of("baseline") == drawn.of("pnl") == []
    assert drawn.texts("callout") == ["¥612,000"]
    assert "Starting capital" not in drawn.texts("legend")


# -- the profit or loss ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "last", "shown", "colour"),
    [
        ("zh", yuan(652_500), "累计盈亏 +¥52,500", chart.RED),
        ("zh", yuan(570_000) + 1, "累计盈亏 -¥29,999.99", chart.GREEN),
        ("en", yuan(652_500), "Profit/loss +¥52,500", chart.GREEN),
        ("en", yuan(570_000) + 1, "Profit/loss -¥29,999.99", chart.RED),
        ("en", B_PLUS_STAKE, "Profit/loss ¥0", drawing.TEXT),
    ],
)
def test_the_profit_or_loss_is_coloured_as_the_readers_quotes_colour_it(
    lang: str, last: int, shown: str, colour: Pixel, cjk_font: Path
) -> None:
    points = [*RISING_22[:-1], ChartPoint(RISING_22[-1].day, last)]
    labels = labels_in(lang)
    (pnl,) = words(plan(points, labels), "pnl")
    assert (pnl.text, pnl.colour) == (shown, colour)
    x, y = pnl.at
    assert colour in colours_in(
        render(points, labels), (x - drawing.text_width(shown, pnl.size), y - 8, x, y + 8)
    )


# -- the date axis ---------------------------------------------------------------------------------------


def test_the_first_day_shown_and_the_first_of_a_new_year_carry_the_year() -> None:
    days = trading_days(22, datetime.date(2026, 12, 21))
    assert chart.date_labels(days) == [
        (0, "2026-12-21"),
        (3, "12-24"),
        (6, "12-29"),
        (9, "2027-01-01"),
        (12, "01-06"),
        (15, "01-11"),
        (18, "01-14"),
        (21, "01-19"),
    ]


@pytest.mark.parametrize(("count", "labelled"), [(1, 1), (5, 5), (8, 8), (9, 5), (30, 8), (400, 8)])
def test_at_most_eight_trading_days_are_labelled_the_last_always(count: int, labelled: int) -> None:
    labels = chart.date_labels(trading_days(count))
    assert len(labels) == labelled
    assert labels[-1][0] == count - 1


# -- without data, and odd cases -------------------------------------------------------------------------


def test_without_points_the_lines_and_the_no_data_text_are_drawn_and_no_profit() -> None:
    drawn = plan([], ChartLabels())
    assert drawn.texts("no_data") == ["No daily status yet"]
    assert drawn.of("assets") == drawn.of("last") == drawn.of("pnl") == drawn.of("period") == []
    assert drawn.texts("baseline") == ["¥600,000", "Starting capital ¥600,000"]
    assert level_y(drawn, "warning") < level_y(drawn, "liquidation")


def test_tags_of_lines_close_together_are_moved_apart_not_stacked() -> None:
    close = plan_chart(
        series([yuan(560_100)] * 3),
        warning_line=yuan(560_000),
        liquidation_line=yuan(559_900),
        baseline=yuan(560_050),
        title="A-1",
    )
    boxes = sorted(area(close, role).box for role in ("baseline", "warning", "liquidation", "last"))
    assert all(upper[3] < lower[1] for upper, lower in itertools.pairwise(boxes))


def test_falling_assets_are_drawn_falling_from_left_to_right() -> None:
    falling = series([yuan(1_200_000 - 10_000 * n) for n in range(30)])
    line = stroke(plan(falling), "assets")
    assert all(a[0] < b[0] and a[1] < b[1] for a, b in itertools.pairwise(line.points))


def test_amounts_show_fen_only_when_there_are_some() -> None:
    assert chart.amount_text(yuan(1_050_000)) == "¥1,050,000"
    assert chart.amount_text(yuan(1_050_000) + 5) == "¥1,050,000.05"
    assert chart.amount_text(-yuan(3_500) - 50, signed=True) == "-¥3,500.50"
    assert chart.amount_text(yuan(12), signed=True) == "+¥12"


def test_a_chart_is_a_png_twice_the_plan_in_size_on_white() -> None:
    image = render(RISING_22)
    assert image.size == (chart.WIDTH * SCALE, chart.HEIGHT * SCALE) == (1600, 960)
    assert image.getpixel((2, 2)) == WHITE


W, L = yuan(1_000_000), yuan(900_000)


@pytest.mark.parametrize(
    ("points", "warning", "liquidation", "baseline", "message"),
    [
        (series([-1] * 3), W, L, None, "total assets on 2026-11-03 must not be negative"),
        ([], -100, -200, None, "must not be negative"),
        ([], W, -100, None, "must not be negative"),
        ([], W, L, -1, "starting capital must not be negative"),
        (
            [],
            L,
            W,
            None,
            r"liquidation line \(¥1,000,000.00\) must not be above the warning line \(¥900,000.00\)",
        ),
        ([ChartPoint(START, 1), ChartPoint(START, 2)], W, L, None, "order: 2026-11-03 follows 2026-11-03"),
        (series([1, 1, 1])[::-1], W, L, None, "increasing order: 2026-11-04 follows"),
    ],
    ids=[
        "negative assets",
        "negative lines",
        "negative liquidation",
        "negative capital",
        "swapped",
        "same",
        "back",
    ],
)
def test_invalid_input_is_refused(
    points: list[ChartPoint], warning: int, liquidation: int, baseline: int | None, message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        plan_chart(points, warning_line=warning, liquidation_line=liquidation, baseline=baseline, title="A-1")


def test_the_same_input_gives_the_same_bytes() -> None:
    def drawn(title: str) -> bytes:
        return render_chart(RISING_22, warning_line=WARNING, liquidation_line=LIQUIDATION, title=title)

    assert drawn("A-1") == drawn("A-1")
    assert drawn("A-1") != drawn("A-2")


def test_a_thousand_points_are_accepted_and_only_the_last_400_drawn() -> None:
    points = series([yuan(5_000_000) if n < 600 else yuan(1_000_000 + 3_000 * (n % 9)) for n in range(1000)])
    assert plan(points) == plan(points[-400:])
    assert plan(points) != plan(points[-399:])
    assert drawing.paint(plan(points)) == render_chart(
        points, warning_line=WARNING, liquidation_line=LIQUIDATION, baseline=B_PLUS_STAKE, title="A-1"
    )


def random_ranges(count: int) -> list[tuple[int, int]]:
    rng = random.Random(7)
    pairs = [(rng.randrange(10**10), rng.randrange(10**10)) for _ in range(count)]
    return [(min(pair), max(pair)) for pair in pairs]


RANGES = [(0, 0), (0, 100), (yuan(900_000), yuan(1_050_000)), (yuan(1_000_000), yuan(1_000_000)), (1, 10**15)]


@pytest.mark.parametrize(("low", "high"), RANGES + random_ranges(200))
def test_y_axis_ticks_are_four_to_six_round_whole_yuan_amounts_spanning_the_data(low: int, high: int) -> None:
    ticks = chart._axis_ticks(low, high)
    step = ticks[1] - ticks[0]
    assert 4 <= len(ticks) <= 6
    assert ticks[0] <= low and ticks[-1] > high
    assert ticks[0] >= 0
    assert all(b - a == step for a, b in itertools.pairwise(ticks))
    assert all(tick % step == 0 and tick % 100 == 0 for tick in ticks)
    assert str(step).rstrip("0") in {"1", "2", "5"}


# -- fonts: the English fallback -------------------------------------------------------------------------


def test_without_a_cjk_font_a_chinese_reader_gets_english_labels(tmp_path: Path) -> None:
    fonts.configure(roots=[tmp_path])  # a machine with no font at all
    title, labels = chart_words("A-1", "zh")
    assert (title, labels) == ("Allocation A-1: total assets", ChartLabels())
    image = render(RISING_22, labels)
    assert image.size == (1600, 960)


@pytest.mark.skipif(not DEJAVU, reason="DejaVu Sans is not installed")
def test_with_only_a_latin_font_the_english_labels_keep_their_yuan_signs(tmp_path: Path) -> None:
    (tmp_path / "DejaVuSans.ttf").symlink_to(DEJAVU[0])
    fonts.configure(roots=[tmp_path])
    assert chart_words("A-1", "zh")[1] == ChartLabels()
    assert drawing.draws("Profit/loss +¥52,500")
    assert not drawing.draws("累计盈亏")


@pytest.mark.parametrize(
    "font",
    [lambda size: ImageFont.load_default(size=size * SCALE), lambda size: ImageFont.load_default_imagefont()],
    ids=["Pillow's scalable default", "Pillow's bitmap font"],
)
def test_a_chart_still_renders_with_only_pillows_own_fonts(
    monkeypatch: pytest.MonkeyPatch, font: Callable[[int], drawing.Font]
) -> None:
    monkeypatch.setattr(drawing, "font", font)
    zh = ChartLabels(assets="总资产", baseline="起始资金", pnl="累计盈亏")
    image = render(RISING_22, zh)
    title = words(plan(RISING_22, zh), "title")[0]
    assert drawing.TEXT in colours_in(
        image, (title.at[0], title.at[1] - 8, title.at[0] + 30, title.at[1] + 8)
    )


def test_characters_a_font_cannot_draw_are_replaced() -> None:
    scalable = ImageFont.load_default(size=14)  # Pillow's own Aileron: Latin only, no "¥"
    bitmap = ImageFont.load_default_imagefont()  # Latin-1 only
    assert drawing.drawable(scalable, "配资 A-1 ¥5\n") == "?? A-1 CNY 5 "
    assert drawing.drawable(bitmap, "配资 A-1 ¥5\t") == "?? A-1 ¥5 "
