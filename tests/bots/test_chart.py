"""The allocation chart: a PNG of total assets over trading days against the warning and liquidation lines.

The tests read the picture back with Pillow and look at pixel colours: blue for the assets, orange for the
warning line, red for the liquidation line, dark grey for text. The legend sits in the bottom 40 rows, so
the plot is examined above it.
"""

from __future__ import annotations

import datetime
import io
import itertools
import random
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image, ImageFont

from p2pstock.bots.telegram import chart
from p2pstock.bots.telegram.chart import ChartLabels, ChartPoint, render_chart
from p2pstock.core.errors import InvalidInput

Pixel = tuple[int, int, int]
WIDTH, HEIGHT = 800, 480
ABOVE_LEGEND = HEIGHT - 40
MONDAY = datetime.date(2024, 5, 6)
ZH = ChartLabels(assets="总资产", warning="警戒线", liquidation="平仓线", no_data="暂无每日状态")


def yuan(amount: int) -> int:
    return amount * 100


def days(count: int) -> list[datetime.date]:
    return [MONDAY + datetime.timedelta(days=offset) for offset in range(count)]


def flat(amount: int, count: int = 20) -> list[ChartPoint]:
    return [ChartPoint(day, amount) for day in days(count)]


def draw(
    points: list[ChartPoint],
    *,
    warning_line: int = yuan(1_000_000),
    liquidation_line: int = yuan(900_000),
    title: str = "Allocation A-1",
    labels: ChartLabels | None = None,
) -> bytes:
    return render_chart(
        points, warning_line=warning_line, liquidation_line=liquidation_line, title=title, labels=labels
    )


def rows_of(png: bytes) -> list[list[Pixel]]:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    data = image.tobytes()
    width, height = image.size
    pixels = [(data[i], data[i + 1], data[i + 2]) for i in range(0, len(data), 3)]
    return [pixels[row * width : (row + 1) * width] for row in range(height)]


def is_blue(p: Pixel) -> bool:
    return p[2] > 140 and p[0] < 90 and 80 < p[1] < 160


def is_orange(p: Pixel) -> bool:
    return p[0] > 200 and 90 < p[1] < 170 and p[2] < 80


def is_red(p: Pixel) -> bool:
    return p[0] > 180 and p[1] < 90 and p[2] < 90


def is_dark(p: Pixel) -> bool:
    return max(p) < 110 and max(p) - min(p) < 20


def line_rows(rows: list[list[Pixel]], colour: Callable[[Pixel], bool], minimum: int = 200) -> list[int]:
    """The rows above the legend holding a long horizontal stretch of ``colour``."""
    return [y for y, row in enumerate(rows[:ABOVE_LEGEND]) if sum(map(colour, row)) >= minimum]


def middle(rows: list[int]) -> float:
    assert rows, "the line is not drawn"
    return sum(rows) / len(rows)


def spots(rows: list[list[Pixel]], colour: Callable[[Pixel], bool]) -> list[tuple[int, int]]:
    return [(x, y) for y, row in enumerate(rows[:ABOVE_LEGEND]) for x, p in enumerate(row) if colour(p)]


def dark_pixels(rows: list[list[Pixel]], xs: range, ys: range) -> int:
    return sum(is_dark(rows[y][x]) for y in ys for x in xs)


def test_a_chart_is_a_png_of_the_promised_size_on_white() -> None:
    png = draw(flat(yuan(1_050_000)))
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    assert image.size == (800, 480)
    assert image.convert("RGB").getpixel((2, 2)) == (255, 255, 255)


@pytest.mark.parametrize(
    ("assets", "warning", "liquidation"),
    [(1_100_000, 1_000_000, 900_000), (1_200_000, 1_000_000, 950_000), (400_000, 300_000, 100_000)],
)
def test_the_lines_are_drawn_at_heights_in_proportion_to_their_amounts(
    assets: int, warning: int, liquidation: int
) -> None:
    png = draw(flat(yuan(assets)), warning_line=yuan(warning), liquidation_line=yuan(liquidation))
    rows = rows_of(png)
    blue, orange, red = (middle(line_rows(rows, colour)) for colour in (is_blue, is_orange, is_red))
    assert blue < orange < red  # higher amounts are higher up the picture
    measured = (orange - blue) / (red - orange)
    assert measured == pytest.approx((assets - warning) / (warning - liquidation), rel=0.05)


def test_falling_assets_are_drawn_falling_from_left_to_right() -> None:
    points = [ChartPoint(day, yuan(1_200_000 - 10_000 * n)) for n, day in enumerate(days(30))]
    blue = spots(rows_of(draw(points)), is_blue)
    left = [y for x, y in blue if x < 250]
    right = [y for x, y in blue if x > 650]
    assert left and right
    assert middle(left) < middle(right) - 100


def test_without_points_the_lines_and_the_no_data_text_are_drawn() -> None:
    rows = rows_of(draw([], warning_line=yuan(1_000_000), liquidation_line=yuan(950_000)))
    assert middle(line_rows(rows, is_orange)) < middle(line_rows(rows, is_red))
    assert spots(rows, is_blue) == []
    blank = rows_of(draw([], labels=ChartLabels(no_data="")))
    centre = (range(300, 580), range(205, 255))
    assert dark_pixels(rows, *centre) > 50
    assert dark_pixels(blank, *centre) == 0


def test_a_single_point_is_one_marker_in_the_middle() -> None:
    rows = rows_of(draw([ChartPoint(MONDAY, yuan(1_050_000))]))
    blue = spots(rows, is_blue)
    xs, ys = [x for x, _ in blue], [y for _, y in blue]
    assert blue
    assert max(xs) - min(xs) <= 10
    assert max(ys) - min(ys) <= 10
    assert 300 < min(xs) < 500
    assert max(ys) < middle(line_rows(rows, is_orange))


def test_a_chinese_title_and_chinese_labels_render() -> None:
    png = draw(flat(yuan(1_050_000)), title="配资 A-1", labels=ZH)
    assert Image.open(io.BytesIO(png)).size == (800, 480)
    assert dark_pixels(rows_of(png), range(300, 500), range(5, 40)) > 20


@pytest.mark.parametrize(
    "font",
    [lambda size: ImageFont.load_default(size=size), lambda size: ImageFont.load_default_imagefont()],
    ids=["Pillow's scalable default", "Pillow's bitmap font"],
)
def test_a_chart_still_renders_with_only_pillows_own_fonts(
    monkeypatch: pytest.MonkeyPatch, font: Callable[[int], ImageFont.FreeTypeFont | ImageFont.ImageFont]
) -> None:
    monkeypatch.setattr(chart, "_font", font)
    png = draw(flat(yuan(1_050_000)), title="配资 A-1 ¥ 📈", labels=ZH)
    assert dark_pixels(rows_of(png), range(300, 500), range(5, 40)) > 20
    assert draw([], title="配资", labels=ZH) != draw([], title="配资")


def test_characters_a_font_cannot_draw_are_replaced() -> None:
    scalable = ImageFont.load_default(size=14)  # Pillow's own Aileron: Latin only, no "¥"
    bitmap = ImageFont.load_default_imagefont()  # Latin-1 only
    assert chart._drawable(scalable, "配资 A-1 ¥5\n") == "?? A-1 CNY 5 "
    assert chart._drawable(bitmap, "配资 A-1 ¥5\t") == "?? A-1 ¥5 "


def test_the_font_search_survives_a_machine_without_fonts(tmp_path: Path) -> None:
    (tmp_path / "NotoSansCJK-Regular.ttc").write_bytes(b"not a font at all")
    (tmp_path / "DejaVuSans.ttf").write_bytes(b"")
    assert chart._find_font([tmp_path]) is None
    assert chart._find_font([tmp_path / "no such folder"]) is None


DEJAVU = sorted(Path("/usr/share/fonts").glob("**/DejaVuSans.ttf"))


@pytest.mark.skipif(not DEJAVU, reason="DejaVu Sans is not installed")
def test_the_font_search_checks_glyphs_not_just_names(tmp_path: Path) -> None:
    (tmp_path / "wqy-microhei.ttc").symlink_to(DEJAVU[0])  # named like a CJK font, draws no 中
    assert chart._find_font([tmp_path]) is None
    (tmp_path / "DejaVuSans.ttf").symlink_to(DEJAVU[0])
    assert chart._find_font([tmp_path]) == tmp_path / "DejaVuSans.ttf"


W, L = yuan(1_000_000), yuan(900_000)


@pytest.mark.parametrize(
    ("points", "warning", "liquidation", "message"),
    [
        (flat(-1, 3), W, L, "total assets on 2024-05-06 must not be negative"),
        ([], -100, -200, "lines must not be negative"),
        ([], W, -100, "lines must not be negative"),
        ([], L, W, r"liquidation line \(¥1,000,000.00\) must not be above the warning line \(¥900,000.00\)"),
        ([ChartPoint(MONDAY, 1), ChartPoint(MONDAY, 2)], W, L, "order: 2024-05-06 follows 2024-05-06"),
        ([ChartPoint(day, 1) for day in reversed(days(3))], W, L, "increasing order: 2024-05-07 follows"),
    ],
    ids=["negative assets", "negative lines", "negative liquidation", "lines swapped", "same day", "back"],
)
def test_invalid_input_is_refused(
    points: list[ChartPoint], warning: int, liquidation: int, message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        draw(points, warning_line=warning, liquidation_line=liquidation)


def test_the_same_input_gives_the_same_bytes() -> None:
    points = [ChartPoint(day, yuan(1_000_000 + 7_000 * (n % 5))) for n, day in enumerate(days(60))]
    assert draw(points, labels=ZH) == draw(points, labels=ZH)
    assert draw(points) != draw(points, title="Allocation A-2")


def test_a_thousand_points_are_accepted_and_only_the_last_400_drawn() -> None:
    points = [
        ChartPoint(day, yuan(5_000_000) if n < 600 else yuan(1_000_000 + 3_000 * (n % 9)))
        for n, day in enumerate(days(1000))
    ]
    assert draw(points) == draw(points[-400:])
    assert draw(points) != draw(points[-399:])


@pytest.mark.parametrize(("count", "labelled"), [(1, 1), (5, 5), (8, 8), (9, 5), (30, 8), (400, 8)])
def test_at_most_eight_trading_days_are_labelled(count: int, labelled: int) -> None:
    below_axis = rows_of(draw(flat(yuan(1_050_000), count)))[chart._Frame(low=0, high=1).bottom + 2]
    marks = [x for x, p in enumerate(below_axis) if p == chart._AXIS]
    starts = [x for x in marks if x - 1 not in marks]
    assert len(starts) == labelled


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
