"""A PNG of horizontal bars, one a row, for the administrators' dashboard: a count or an amount per name.

Each bar's label is on its left and its value beside its end — a count (``1,234``) or, with ``money``,
whole yuan (``¥1,234``, fen rounded half away from zero; the bars themselves are drawn to the fen). A
bar of nought is still a row with its label and ``0``; negative values extend left of the zero line. The
canvas grows with the rows. ``plan_bars`` answers what is drawn (``drawing.Plan``: roles "title",
"label", "bar", "value", "zero"); ``render_bars`` paints it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import attrs

from p2pstock.bots.telegram.drawing import (
    AXIS,
    TEXT,
    Area,
    Colour,
    Element,
    Plan,
    Stroke,
    Words,
    paint,
    text_width,
)

__all__ = ["BAR_COLOUR", "Bar", "Colour", "plan_bars", "render_bars"]

BAR_COLOUR: Colour = (31, 119, 180)
WIDTH = 800
_TOP, _ROW, _BOTTOM, _MARGIN = 56.0, 30.0, 18.0, 24.0
_BAR_HEIGHT = 18.0
_LABEL_SIZE = _VALUE_SIZE = 12
_MAX_LABEL_SHARE = 0.4
"""A label takes at most this share of the width; a longer one is cut with "…"."""


@attrs.frozen
class Bar:
    """One row: what it counts, its value (a count, or minor units when the chart is of money), its colour."""

    label: str
    value: int
    colour: Colour | None = None


def render_bars(title: str, bars: Sequence[Bar], *, money: bool = False) -> bytes:
    """PNG bytes of ``plan_bars``."""
    return paint(plan_bars(title, bars, money=money))


def plan_bars(title: str, bars: Sequence[Bar], *, money: bool = False) -> Plan:
    """The title, then a row per bar in the order given: label, bar, value."""
    values = [value_text(bar.value, money=money) for bar in bars]
    labels = [_fitted(bar.label) for bar in bars]
    label_width = max((text_width(label, _LABEL_SIZE) for label in labels), default=0.0)
    value_width = max((text_width(value, _VALUE_SIZE) for value in values), default=0.0)
    low = min([0, *(bar.value for bar in bars)])
    high = max([0, *(bar.value for bar in bars)])
    left = _MARGIN + label_width + 12 + (value_width + 8 if low < 0 else 0)
    right = WIDTH - _MARGIN - value_width - 8
    zero = left + (right - left) * -low / (high - low) if high > low else left
    elements: list[Element] = [Words("title", (_MARGIN, 26), title, size=17, align="left")]
    for row, (bar, label, value) in enumerate(zip(bars, labels, values, strict=True)):
        y = _TOP + _ROW * row + _ROW / 2
        end = zero + (right - left) * bar.value / (high - low) if high > low else zero
        elements += _row(y, bar, label, value, zero=zero, end=end)
    height = _TOP + _ROW * len(bars) + _BOTTOM
    if bars:
        elements.append(Stroke("zero", ((zero, _TOP), (zero, height - _BOTTOM)), AXIS))
    return Plan(WIDTH, round(height), tuple(elements))


def value_text(value: int, *, money: bool) -> str:
    """``1,234``, or for money whole yuan ``¥1,234`` / ``-¥1,234`` (half a yuan rounds away from zero)."""
    if not money:
        return f"{value:,}"
    yuan = (abs(value) + 50) // 100
    return f"{'-' if value < 0 and yuan else ''}¥{yuan:,}"


def _row(y: float, bar: Bar, label: str, value: str, *, zero: float, end: float) -> Iterator[Element]:
    yield Words("label", (_MARGIN, y), label, size=_LABEL_SIZE, align="left")
    if end != zero:
        box = (min(zero, end), y - _BAR_HEIGHT / 2, max(zero, end), y + _BAR_HEIGHT / 2)
        yield Area("bar", box, bar.colour or BAR_COLOUR, radius=2)
    if end < zero:
        yield Words("value", (end - 6, y), value, size=_VALUE_SIZE, colour=TEXT, align="right")
    else:
        yield Words("value", (end + 6, y), value, size=_VALUE_SIZE, colour=TEXT, align="left")


def _fitted(label: str) -> str:
    """``label``, cut with "…" to fit its share of the width."""
    room = WIDTH * _MAX_LABEL_SHARE
    if text_width(label, _LABEL_SIZE) <= room:
        return label
    while label and text_width(label + "…", _LABEL_SIZE) > room:
        label = label[:-1]
    return label + "…"
