"""The PNG chart of a stock fund allocation's total assets against its lines.

The Telegram bot sends it to a customer or an administrator on request. What it shows:

- the total assets of each trading day (the latest point ringed, its value tagged on the right);
- the starting capital (B + the customer's stake, what the daily report measures profit against) as a
  dashed baseline, and the profit or loss of the latest day against it in a corner (``+¥12,000`` /
  ``-¥3,500.50``), coloured by its sign — red up and green down in Chinese, as Chinese quotes are, and
  the other way round in English;
- the warning and liquidation lines, dashed, each with its value tagged on the right, the zone below the
  warning line shaded light orange and the zone below the liquidation line a stronger red;
- the trading days on the date axis, the first one shown with its year (and the first of each new year),
  and the period under the title;
- a single day as a bar from the starting capital to that day's assets, its value written by it.

``plan_chart`` is a pure function of its arguments that answers what is drawn (``drawing.Plan``, every
element with its role: "baseline", "warning", "liquidation", "last", "pnl", "date", ...); ``render_chart``
paints that plan. Money stays in integer minor units (fen) until it is written as text: whole yuan where
the fen are nought (``¥1,050,000``), else to the fen. Only pixel geometry uses floats. Trading days are
spaced evenly, so weekends and holidays leave no gaps; at most the last ``MAX_POINTS`` days are drawn.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Iterable, Iterator, Sequence

import attrs

from p2pstock.bots.telegram.drawing import (
    AXIS,
    GRID,
    MUTED,
    TEXT,
    WHITE,
    Area,
    Colour,
    Dot,
    Element,
    Plan,
    Stroke,
    Words,
    draws,
    paint,
    text_width,
)
from p2pstock.core.allocation.statuses import DailyStatus
from p2pstock.core.errors import InvalidInput
from p2pstock.core.money import format_minor

__all__ = [
    "ChartLabels",
    "ChartPoint",
    "amount_text",
    "daily_points",
    "date_labels",
    "draws",
    "plan_chart",
    "pnl_colour",
    "render_chart",
]

WIDTH, HEIGHT = 800, 480
"""The canvas in logical pixels (``drawing.SCALE`` times that painted)."""
MAX_POINTS = 400

ASSETS_COLOUR: Colour = (31, 119, 180)  # blue
BASELINE_COLOUR: Colour = (84, 98, 114)  # slate
WARNING_COLOUR: Colour = (240, 128, 16)  # orange
LIQUIDATION_COLOUR: Colour = (214, 39, 40)  # red
WARNING_ZONE: Colour = (255, 241, 224)  # light orange
LIQUIDATION_ZONE: Colour = (252, 222, 222)  # light red
RED: Colour = (214, 39, 40)
GREEN: Colour = (22, 140, 72)

MARKED_POINTS = 60
"""Up to this many days each day has a marker; beyond, the markers would merge into a thick line."""
_MAX_DATE_LABELS = 8
_TAG_SIZE, _TAG_HEIGHT, _TAG_PAD = 11, 18.0, 6.0
_BAR_HALF_WIDTH = 26.0


@attrs.frozen
class ChartPoint:
    """An allocation's total assets at the close of one trading day."""

    day: datetime.date
    total_assets: int  # minor units (fen), >= 0


@attrs.frozen
class ChartLabels:
    """The words on the chart in the reader's language, and how that language colours a gain."""

    assets: str = "Total assets"
    warning: str = "Warning line"
    liquidation: str = "Liquidation line"
    no_data: str = "No daily status yet"
    baseline: str = "Starting capital"
    pnl: str = "Profit/loss"
    gains_in_red: bool = False
    """Chinese quotes show a gain in red and a loss in green; English ones the other way round."""

    def words(self) -> tuple[str, ...]:
        return (self.assets, self.warning, self.liquidation, self.no_data, self.baseline, self.pnl)


@attrs.frozen
class _Level:
    """A horizontal line across the plot: its role, amount and colour."""

    role: str
    amount: int
    colour: Colour


@attrs.frozen
class _Frame:
    """Where the plot sits on the canvas and which amounts its bottom and top edges stand for."""

    low: int
    high: int
    left: float
    right: float
    top: float = 76
    bottom: float = HEIGHT - 64

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
    baseline: int | None = None,
    title: str,
    labels: ChartLabels | None = None,
) -> bytes:
    """PNG bytes of ``plan_chart``."""
    plan = plan_chart(
        points,
        warning_line=warning_line,
        liquidation_line=liquidation_line,
        baseline=baseline,
        title=title,
        labels=labels,
    )
    return paint(plan)


def plan_chart(
    points: Sequence[ChartPoint],
    *,
    warning_line: int,
    liquidation_line: int,
    baseline: int | None = None,
    title: str,
    labels: ChartLabels | None = None,
) -> Plan:
    """What the chart of ``points`` (oldest first) draws, against the lines and the starting capital
    ``baseline`` (minor units; none: no baseline and no profit or loss)."""
    _check(points, warning_line, liquidation_line, baseline)
    kept = points[-MAX_POINTS:]
    words = labels or ChartLabels()
    levels = _levels(warning_line, liquidation_line, baseline)
    values = [point.total_assets for point in kept]
    amounts = [*values, *(level.amount for level in levels)]
    ticks = _axis_ticks(min(amounts), max(amounts))
    tags = [*levels, *([_Level("last", values[-1], ASSETS_COLOUR)] if values else [])]
    frame = _frame(ticks, tags)
    elements = [
        *_zones(frame, warning_line, liquidation_line),
        *_grid(frame, ticks),
        *_date_axis(frame, [point.day for point in kept]),
        *(_level_line(frame, level) for level in levels),
        *_assets(frame, values, baseline, words),
        *_tags(frame, tags),
        *_header(title, kept, baseline, words),
        *_legend(words, has_baseline=baseline is not None),
    ]
    return Plan(WIDTH, HEIGHT, tuple(elements))


def _check(
    points: Sequence[ChartPoint], warning_line: int, liquidation_line: int, baseline: int | None
) -> None:
    if min(warning_line, liquidation_line, 0 if baseline is None else baseline) < 0:
        shown = ", ".join(format_minor(amount) for amount in (warning_line, liquidation_line, baseline or 0))
        raise InvalidInput(
            f"the warning and liquidation lines and the starting capital must not be negative, got {shown}"
        )
    if liquidation_line > warning_line:
        raise InvalidInput(
            f"the liquidation line ({format_minor(liquidation_line)}) must not be above the warning line "
            f"({format_minor(warning_line)})"
        )
    for point in points:
        if point.total_assets < 0:
            shown = format_minor(point.total_assets)
            raise InvalidInput(f"total assets on {point.day} must not be negative, got {shown}")
    for earlier, later in itertools.pairwise(points):
        if later.day <= earlier.day:
            raise InvalidInput(
                f"trading days must be in strictly increasing order: {later.day} follows {earlier.day}"
            )


def amount_text(minor: int, *, signed: bool = False) -> str:
    """``¥1,050,000`` when the fen are nought, else ``¥1,050,000.50``; ``signed`` puts + before a gain."""
    return format_minor(minor, signed=signed).removesuffix(".00")


def _levels(warning_line: int, liquidation_line: int, baseline: int | None) -> list[_Level]:
    levels = [_Level("baseline", baseline, BASELINE_COLOUR)] if baseline is not None else []
    return [
        *levels,
        _Level("warning", warning_line, WARNING_COLOUR),
        _Level("liquidation", liquidation_line, LIQUIDATION_COLOUR),
    ]


def _frame(ticks: list[int], tags: list[_Level]) -> _Frame:
    """The plot between the tick labels on the left and the value tags on the right."""
    widest_tick = max(text_width(_tick_text(tick), 11) for tick in ticks)
    widest_tag = max(text_width(amount_text(tag.amount), _TAG_SIZE) for tag in tags) + 2 * _TAG_PAD
    return _Frame(low=ticks[0], high=ticks[-1], left=24 + widest_tick + 10, right=WIDTH - 16 - widest_tag - 8)


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


def _tick_text(tick: int) -> str:
    return f"¥{tick // 100:,}"


# -- the plot --------------------------------------------------------------------------------------------


def _zones(frame: _Frame, warning_line: int, liquidation_line: int) -> Iterator[Area]:
    """Light orange between the warning and the liquidation line, light red below the liquidation line."""
    warning, liquidation = frame.y(warning_line), frame.y(liquidation_line)
    if liquidation > warning:
        yield Area("warning_zone", (frame.left, warning, frame.right, liquidation), WARNING_ZONE)
    if frame.bottom > liquidation:
        yield Area("liquidation_zone", (frame.left, liquidation, frame.right, frame.bottom), LIQUIDATION_ZONE)


def _grid(frame: _Frame, ticks: list[int]) -> Iterator[Element]:
    for tick in ticks:
        y = frame.y(tick)
        if tick != ticks[0]:
            yield Stroke("grid", ((frame.left, y), (frame.right, y)), GRID)
        yield Words("tick", (frame.left - 8, y), _tick_text(tick), size=11, colour=MUTED, align="right")
    yield Stroke("axis", ((frame.left, frame.bottom), (frame.right, frame.bottom)), AXIS)


def _date_axis(frame: _Frame, days: list[datetime.date]) -> Iterator[Element]:
    for index, label in date_labels(days):
        x = frame.x(index, len(days))
        yield Stroke("date", ((x, frame.bottom), (x, frame.bottom + 4)), AXIS)
        yield Words("date", (x, frame.bottom + 15), label, size=11, colour=MUTED)


def date_labels(days: Sequence[datetime.date]) -> list[tuple[int, str]]:
    """At most eight evenly spaced days, the latest always among them, as (index, text): the first one
    shown, and the first of each new year, with the year (``2026-11-03``), the others without (``11-04``)."""
    stride = -(-len(days) // _MAX_DATE_LABELS) if days else 1
    shown = sorted(range(len(days) - 1, -1, -stride))
    labels, year = [], None
    for index in shown:
        day = days[index]
        labels.append((index, day.isoformat() if day.year != year else f"{day:%m-%d}"))
        year = day.year
    return labels


def _level_line(frame: _Frame, level: _Level) -> Stroke:
    y = frame.y(level.amount)
    return Stroke(level.role, ((frame.left, y), (frame.right, y)), level.colour, width=1.5, dashed=True)


def _assets(frame: _Frame, values: list[int], baseline: int | None, words: ChartLabels) -> Iterator[Element]:
    count = len(values)
    if count == 0:
        middle = ((frame.left + frame.right) / 2, (frame.top + frame.bottom) / 2)
        yield Words("no_data", middle, words.no_data, size=16, colour=MUTED)
        return
    if count == 1:
        yield from _single_day(frame, values[0], baseline, words)
        return
    line = tuple((frame.x(index, count), frame.y(value)) for index, value in enumerate(values))
    yield Stroke("assets", line, ASSETS_COLOUR, width=2)
    if count <= MARKED_POINTS:
        yield from (Dot("marker", point, 2.5, ASSETS_COLOUR) for point in line[:-1])
    yield Dot("last", line[-1], 4, ASSETS_COLOUR, ring=WHITE)


def _single_day(frame: _Frame, value: int, baseline: int | None, words: ChartLabels) -> Iterator[Element]:
    """One day: a bar from the starting capital to the day's assets, coloured by the profit or loss, the
    day's point on it and its value written beyond the bar's end."""
    x, y = frame.x(0, 1), frame.y(value)
    gain = value - (value if baseline is None else baseline)
    if gain:
        colour = pnl_colour(gain, words)
        top, bottom = sorted((y, frame.y(value - gain)))
        box = (x - _BAR_HALF_WIDTH, top, x + _BAR_HALF_WIDTH, bottom)
        yield Area("bar", box, _tint(colour), radius=3, outline=colour)
    yield Dot("last", (x, y), 5, ASSETS_COLOUR, ring=WHITE)
    above = gain >= 0
    yield Words(
        "callout", (x, y - 16 if above else y + 16), amount_text(value), size=13, colour=ASSETS_COLOUR
    )


def pnl_colour(pnl: int, words: ChartLabels) -> Colour:
    """The colour of a profit or loss in the reader's convention; nothing is plain text."""
    if pnl == 0:
        return TEXT
    up, down = (RED, GREEN) if words.gains_in_red else (GREEN, RED)
    return up if pnl > 0 else down


def _tint(colour: Colour) -> Colour:
    """``colour`` washed three quarters towards white."""
    r, g, b = (channel + (255 - channel) * 3 // 4 for channel in colour)
    return r, g, b


def _tags(frame: _Frame, tags: list[_Level]) -> Iterator[Element]:
    """Each line's value and the latest value in a pill right of the plot at its height, moved apart
    where they would overlap."""
    ordered = sorted(tags, key=lambda tag: frame.y(tag.amount))
    places = _spread([frame.y(tag.amount) for tag in ordered], _TAG_HEIGHT + 2, frame.top, frame.bottom)
    left = frame.right + 8
    for tag, y in zip(ordered, places, strict=True):
        text = amount_text(tag.amount)
        right = left + text_width(text, _TAG_SIZE) + 2 * _TAG_PAD
        box = (left, y - _TAG_HEIGHT / 2, right, y + _TAG_HEIGHT / 2)
        yield Area(tag.role, box, tag.colour, radius=4)
        yield Words(tag.role, (left + _TAG_PAD, y), text, size=_TAG_SIZE, colour=WHITE, align="left")


def _spread(wanted: list[float], gap: float, low: float, high: float) -> list[float]:
    """``wanted`` heights (ascending) moved as little as it takes to be ``gap`` apart within low..high."""
    places: list[float] = []
    for y in wanted:
        places.append(max(y, places[-1] + gap) if places else max(y, low))
    limit = high
    for index in range(len(places) - 1, -1, -1):
        places[index] = min(places[index], limit)
        limit = places[index] - gap
    return places


# -- around the plot -------------------------------------------------------------------------------------


def _header(
    title: str, points: Sequence[ChartPoint], baseline: int | None, words: ChartLabels
) -> Iterator[Words]:
    """The title and the period on the left; the profit or loss and the starting capital on the right."""
    yield Words("title", (24, 26), title, size=17, align="left")
    if points:
        first, last = points[0].day.isoformat(), points[-1].day.isoformat()
        period = first if first == last else f"{first} – {last}"
        yield Words("period", (24, 50), period, size=12, colour=MUTED, align="left")
    if baseline is None:
        return
    if points:
        pnl = points[-1].total_assets - baseline
        shown = f"{words.pnl} {amount_text(pnl, signed=True)}"
        yield Words("pnl", (WIDTH - 24, 26), shown, size=16, colour=pnl_colour(pnl, words), align="right")
    capital = f"{words.baseline} {amount_text(baseline)}"
    yield Words("baseline", (WIDTH - 24, 50), capital, size=12, colour=MUTED, align="right")


def _legend(words: ChartLabels, *, has_baseline: bool) -> Iterator[Element]:
    entries = [
        (words.assets, ASSETS_COLOUR, False),
        *([(words.baseline, BASELINE_COLOUR, True)] if has_baseline else []),
        (words.warning, WARNING_COLOUR, True),
        (words.liquidation, LIQUIDATION_COLOUR, True),
    ]
    swatch, gap, size, y = 24.0, 22.0, 12, HEIGHT - 20.0
    widths = [swatch + 6 + text_width(label, size) for label, _, _ in entries]
    x = (WIDTH - sum(widths) - gap * (len(entries) - 1)) / 2
    for (label, colour, dashed), width in zip(entries, widths, strict=True):
        yield Stroke("legend", ((x, y), (x + swatch, y)), colour, width=1.5 if dashed else 2, dashed=dashed)
        if not dashed:
            yield Dot("legend", (x + swatch / 2, y), 3, colour)
        yield Words("legend", (x + swatch + 6, y), label, size=size, align="left")
        x += width + gap


def daily_points(statuses: Iterable[DailyStatus]) -> list[ChartPoint]:
    """One point per trading day of an allocation's statuses: the total assets of the day's latest revision
    (a correction replaces what it corrects)."""
    latest: dict[datetime.date, tuple[int, int]] = {}
    for status in statuses:
        if not status.in_effect:  # held for a second administrator, or rejected
            continue
        known = latest.get(status.trade_date)
        if known is None or status.revision > known[0]:
            latest[status.trade_date] = (status.revision, status.figures.total_assets)
    return [ChartPoint(day, assets) for day, (_, assets) in sorted(latest.items())]
