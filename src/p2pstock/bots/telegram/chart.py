"""The PNG chart of a stock fund allocation's total assets against its warning and liquidation lines.

The Telegram bot sends it to a customer or an administrator on request. ``render_chart`` is a pure
function of its arguments: the same points, lines, title and labels give the same bytes on the same
machine. Money stays in integer minor units (fen) throughout; only pixel geometry uses floats, and the
y-axis shows whole yuan (``¥1,050,000``). Trading days are spaced evenly, so weekends and holidays leave
no gaps; at most the last ``MAX_POINTS`` days are drawn.

Fonts: Chinese text needs a CJK-capable TrueType font. The first use looks for one under the usual font
folders (Noto Sans CJK, Source Han Sans, WenQuanYi, Droid Sans Fallback, AR PL, ...) and remembers the
answer. Without one it takes a common Latin font that has ``¥`` (DejaVu Sans, Liberation Sans, ...) and,
failing that, Pillow's default font. Characters the chosen font cannot draw are shown as ``?`` (``¥`` as
``CNY``), so a Chinese title never makes the chart fail.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import io
import itertools
import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Literal, TypeAlias

import attrs
from PIL import Image, ImageDraw, ImageFont

from p2pstock.core.allocation.statuses import DailyStatus
from p2pstock.core.errors import InvalidInput
from p2pstock.core.money import Money

WIDTH, HEIGHT = 800, 480
MAX_POINTS = 400

Colour: TypeAlias = tuple[int, int, int]
ASSETS_COLOUR: Colour = (31, 119, 180)  # blue
WARNING_COLOUR: Colour = (255, 127, 14)  # orange
LIQUIDATION_COLOUR: Colour = (214, 39, 40)  # red
_BACKGROUND: Colour = (255, 255, 255)
_TEXT: Colour = (33, 33, 33)
_AXIS: Colour = (120, 120, 120)
_GRID: Colour = (228, 228, 228)

_MAX_DATE_LABELS = 8
_MAX_MARKED_POINTS = 100  # beyond this the markers would merge into a thick line
_MARKER_RADIUS = 3.5
_SWATCH = 28

_Font: TypeAlias = ImageFont.FreeTypeFont | ImageFont.ImageFont
_Align: TypeAlias = Literal["left", "centre", "right"]

_FONT_ROOTS = ("/usr/share/fonts", "/usr/local/share/fonts", "/System/Library/Fonts", "/Library/Fonts")
_FONT_SUFFIXES = (".ttf", ".ttc", ".otf")
_CJK_HINTS = (
    "notosanscjk", "notosanssc", "sourcehansans", "wqy", "droidsansfallback", "notoserifcjk",
    "uming", "ukai", "pingfang", "hiragino", "stheiti", "simhei", "msyh",
)  # fmt: skip
_LATIN_NAMES = ("dejavusans.ttf", "liberationsans-regular.ttf", "notosans-regular.ttf", "arial.ttf")
_MISSING_GLYPH = "\uffff"  # a noncharacter: every font draws it with its "missing glyph" box
_SUBSTITUTES = {"¥": "CNY "}


@attrs.frozen
class ChartPoint:
    """An allocation's total assets at the close of one trading day."""

    day: datetime.date
    total_assets: int  # minor units (fen), >= 0


@attrs.frozen
class ChartLabels:
    """The words on the chart, in the reader's language."""

    assets: str = "Total assets"
    warning: str = "Warning line"
    liquidation: str = "Liquidation line"
    no_data: str = "No daily status yet"


@attrs.frozen
class _Frame:
    """Where the plot sits on the canvas and which amounts its bottom and top edges stand for."""

    low: int
    high: int
    left: int = 100
    top: int = 48
    right: int = WIDTH - 24
    bottom: int = HEIGHT - 72

    def y(self, minor: int) -> float:
        share = (minor - self.low) / (self.high - self.low)
        return self.bottom - share * (self.bottom - self.top)

    def x(self, index: int, count: int) -> float:
        if count == 1:
            return (self.left + self.right) / 2
        inset = 16
        return self.left + inset + index * (self.right - self.left - 2 * inset) / (count - 1)


def render_chart(
    points: Sequence[ChartPoint],
    *,
    warning_line: int,
    liquidation_line: int,
    title: str,
    labels: ChartLabels | None = None,
) -> bytes:
    """PNG bytes."""
    _check(points, warning_line, liquidation_line)
    kept = points[-MAX_POINTS:]
    texts = labels or ChartLabels()
    values = [point.total_assets for point in kept]
    ticks = _axis_ticks(min([*values, liquidation_line]), max([*values, warning_line]))
    frame = _Frame(low=ticks[0], high=ticks[-1])
    image = Image.new("RGB", (WIDTH, HEIGHT), _BACKGROUND)
    draw = ImageDraw.Draw(image)
    _draw_axes(draw, frame, ticks, [point.day for point in kept])
    _dashed(draw, frame.left, frame.right, frame.y(liquidation_line), LIQUIDATION_COLOUR)
    _dashed(draw, frame.left, frame.right, frame.y(warning_line), WARNING_COLOUR)
    if values:
        _draw_assets(draw, frame, values)
    else:
        _text(draw, (frame.left + frame.right) / 2, (frame.top + frame.bottom) / 2, texts.no_data, size=16)
    _text(draw, WIDTH / 2, 22, title, size=18)
    _draw_legend(draw, texts)
    return _png(image)


def _check(points: Sequence[ChartPoint], warning_line: int, liquidation_line: int) -> None:
    if warning_line < 0 or liquidation_line < 0:
        raise InvalidInput(
            f"the warning and liquidation lines must not be negative, got {_money(warning_line)} "
            f"and {_money(liquidation_line)}"
        )
    if liquidation_line > warning_line:
        raise InvalidInput(
            f"the liquidation line ({_money(liquidation_line)}) must not be above the warning line "
            f"({_money(warning_line)})"
        )
    for point in points:
        if point.total_assets < 0:
            shown = _money(point.total_assets)
            raise InvalidInput(f"total assets on {point.day} must not be negative, got {shown}")
    for earlier, later in itertools.pairwise(points):
        if later.day <= earlier.day:
            raise InvalidInput(
                f"trading days must be in strictly increasing order: {later.day} follows {earlier.day}"
            )


def _money(minor: int) -> str:
    return Money.of_minor(minor).format()


def _axis_ticks(low: int, high: int) -> list[int]:
    """4 to 6 evenly spaced whole-yuan amounts (minor units) spanning ``low``..``high`` with some padding."""
    pad = max((high - low) // 10, high // 50, 100)
    start, end = max(low - pad, 0), high + pad
    step = next(s for s in _round_steps() if -(-end // s) - start // s <= 5)
    first, last = start // step * step, -(-end // step) * step
    while (last - first) // step < 3:  # too few ticks: widen above, then below while above zero
        last += step
        if (last - first) // step < 3 and first >= step:
            first -= step
    return list(range(first, last + step, step))


def _round_steps() -> Iterator[int]:
    """¥1, ¥2, ¥5, ¥10, ¥20, ¥50, ... in minor units."""
    for power in itertools.count(2):
        for mantissa in (1, 2, 5):
            yield mantissa * 10**power


def _draw_axes(draw: ImageDraw.ImageDraw, frame: _Frame, ticks: list[int], days: list[datetime.date]) -> None:
    for tick in ticks:
        y = frame.y(tick)
        draw.line([(frame.left, y), (frame.right, y)], fill=_GRID, width=1)
        _text(draw, frame.left - 8, y, f"¥{tick // 100:,}", align="right")
    draw.line([(frame.left, frame.top), (frame.left, frame.bottom), (frame.right, frame.bottom)], fill=_AXIS)
    stride = -(-len(days) // _MAX_DATE_LABELS)
    for index in range(len(days) - 1, -1, -stride) if days else ():
        x = frame.x(index, len(days))
        draw.line([(x, frame.bottom), (x, frame.bottom + 4)], fill=_AXIS)
        _text(draw, x, frame.bottom + 16, f"{days[index]:%m-%d}")


def _draw_assets(draw: ImageDraw.ImageDraw, frame: _Frame, values: list[int]) -> None:
    count = len(values)
    line = [(frame.x(index, count), frame.y(value)) for index, value in enumerate(values)]
    if count > 1:
        draw.line(line, fill=ASSETS_COLOUR, width=2, joint="curve")
    if count <= _MAX_MARKED_POINTS:
        for x, y in line:
            _marker(draw, x, y)


def _draw_legend(draw: ImageDraw.ImageDraw, texts: ChartLabels) -> None:
    entries = [
        (texts.assets, ASSETS_COLOUR, False),
        (texts.warning, WARNING_COLOUR, True),
        (texts.liquidation, LIQUIDATION_COLOUR, True),
    ]
    font, gap, y = _font(12), 24, HEIGHT - 22
    widths = [_SWATCH + 6 + draw.textlength(_drawable(font, label), font=font) for label, _, _ in entries]
    x = (WIDTH - sum(widths) - gap * (len(entries) - 1)) / 2
    for (label, colour, dashed), width in zip(entries, widths, strict=True):
        if dashed:
            _dashed(draw, x, x + _SWATCH, y, colour)
        else:
            draw.line([(x, y), (x + _SWATCH, y)], fill=colour, width=2)
            _marker(draw, x + _SWATCH / 2, y)
        _text(draw, x + _SWATCH + 6, y, label, align="left")
        x += width + gap


def _dashed(draw: ImageDraw.ImageDraw, start: float, end: float, y: float, colour: Colour) -> None:
    x = start
    while x < end:
        draw.line([(x, y), (min(x + 8, end), y)], fill=colour, width=2)
        x += 13


def _marker(draw: ImageDraw.ImageDraw, x: float, y: float) -> None:
    r = _MARKER_RADIUS
    draw.ellipse([(x - r, y - r), (x + r, y + r)], fill=ASSETS_COLOUR)


def _text(
    draw: ImageDraw.ImageDraw, x: float, y: float, text: str, *, size: int = 12, align: _Align = "centre"
) -> None:
    """Draw ``text`` with its vertical middle at ``y``, its left edge, centre or right edge at ``x``."""
    font = _font(size)
    shown = _drawable(font, text)
    left, _, right, _ = draw.textbbox((0, 0), shown, font=font)
    _, top, _, bottom = draw.textbbox((0, 0), "Hg", font=font)  # one middle for every text in this font
    anchor = {"left": left, "centre": (left + right) / 2, "right": right}[align]
    draw.text((x - anchor, y - (top + bottom) / 2), shown, font=font, fill=_TEXT)


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


# Fonts ------------------------------------------------------------------------------------------------


@functools.cache
def _font(size: int) -> _Font:
    """The chart's font at ``size`` pixels: the system font found once, else Pillow's default."""
    path = _font_path()
    if path is not None:
        with contextlib.suppress(OSError):
            return _open_font(path, size)
    return ImageFont.load_default(size=size)


@functools.cache
def _font_path() -> Path | None:
    return _find_font(Path(root) for root in _FONT_ROOTS)


def _find_font(roots: Iterable[Path]) -> Path | None:
    """A CJK-capable font under ``roots``, else a Latin font that has ``¥``, else None."""
    files = sorted(_font_files(roots))
    cjk = (path for hint in _CJK_HINTS for path in files if hint in path.name.lower())
    latin = (path for name in _LATIN_NAMES for path in files if path.name.lower() == name)
    found = next((path for path in cjk if _file_draws(path, "中")), None)
    return found or next((path for path in latin if _file_draws(path, "¥")), None)


def _font_files(roots: Iterable[Path]) -> Iterator[Path]:
    for root in roots:
        for folder, _folders, names in os.walk(root):
            yield from (Path(folder, name) for name in names if name.lower().endswith(_FONT_SUFFIXES))


def _file_draws(path: Path, char: str) -> bool:
    try:
        font = _open_font(path, 16)
    except (OSError, ValueError):
        return False
    return _has_glyph(font, char)


def _open_font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    # Not ImageFont.truetype: when a file cannot be read, that quietly loads another of the same name.
    return ImageFont.FreeTypeFont(str(path), size)


def daily_points(statuses: Iterable[DailyStatus]) -> list[ChartPoint]:
    """One point per trading day of an allocation's statuses: the total assets of the day's latest revision
    (a correction replaces what it corrects)."""
    latest: dict[datetime.date, tuple[int, int]] = {}
    for status in statuses:
        known = latest.get(status.trade_date)
        if known is None or status.revision > known[0]:
            latest[status.trade_date] = (status.revision, status.figures.total_assets)
    return [ChartPoint(day, assets) for day, (_, assets) in sorted(latest.items())]


def draws(text: str) -> bool:
    """Whether the chart's font draws every character of ``text`` (Chinese needs a CJK font installed)."""
    return _drawable(_font(12), text) == text


def _drawable(font: _Font, text: str) -> str:
    """``text`` with what ``font`` cannot draw replaced: unprintables by spaces, missing glyphs by ``?``."""
    return "".join(_shown(font, char) for char in text)


def _shown(font: _Font, char: str) -> str:
    if not char.isprintable():
        return " "
    return char if _can_draw(font, char) else _SUBSTITUTES.get(char, "?")


@functools.lru_cache(maxsize=4096)
def _can_draw(font: _Font, char: str) -> bool:
    return _has_glyph(font, char)


def _has_glyph(font: _Font, char: str) -> bool:
    if char.isspace():
        return True
    if not isinstance(font, ImageFont.FreeTypeFont):
        return ord(char) < 256  # Pillow's bitmap font covers Latin-1 only
    return _glyph_pixels(font, char) != _glyph_pixels(font, _MISSING_GLYPH)


def _glyph_pixels(font: ImageFont.FreeTypeFont, char: str) -> bytes:
    side = int(font.size) * 2 + 4
    image = Image.new("L", (side, side))
    ImageDraw.Draw(image).text((2, 2), char, font=font, fill=255)
    return image.tobytes()
