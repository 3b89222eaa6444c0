"""The kit the bot's charts are drawn with: a chart is planned as a ``Plan`` — the elements it draws, in
logical pixels, each with the role it plays ("warning", "legend", ...) — and ``paint`` turns a plan into
PNG bytes at ``SCALE`` times its size, sharp on a phone's screen. A test reads the plan to see what is
drawn and where, and the picture's pixels at ``SCALE`` times those places.

Text is drawn with the CJK font of ``fonts`` when the machine has one, else a Latin one that has ``¥``,
else Pillow's own font. Characters the font cannot draw are shown as ``?`` (``¥`` as ``CNY``), so a
Chinese title never makes a chart fail; ``draws`` tells beforehand whether a text would come out whole.
Only geometry uses floats; amounts reach a plan as text.
"""

from __future__ import annotations

import functools
import io
import itertools
import math
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Literal, TypeAlias

import attrs
from PIL import Image, ImageDraw, ImageFont

from p2pstock import fonts

SCALE = 2
"""Painted pixels per logical pixel."""

Colour: TypeAlias = tuple[int, int, int]
Point: TypeAlias = tuple[float, float]
Align: TypeAlias = Literal["left", "centre", "right"]
Font: TypeAlias = ImageFont.FreeTypeFont | ImageFont.ImageFont

BACKGROUND: Colour = (255, 255, 255)
TEXT: Colour = (33, 33, 33)
MUTED: Colour = (110, 110, 110)
AXIS: Colour = (150, 150, 150)
GRID: Colour = (232, 232, 232)
WHITE: Colour = (255, 255, 255)

DASH, GAP = 7.0, 4.0
"""A dashed line's dashes and the gaps between them, in logical pixels."""
_RING = 1.5
"""How wide a dot's ring is, in logical pixels."""
_SUBSTITUTES = {"¥": "CNY "}


@attrs.frozen
class Stroke:
    """A line through ``points``, solid or dashed."""

    role: str
    points: tuple[Point, ...]
    colour: Colour
    width: float = 1
    dashed: bool = False


@attrs.frozen
class Area:
    """A filled rectangle (left, top, right, bottom), its corners rounded by ``radius``."""

    role: str
    box: tuple[float, float, float, float]
    colour: Colour
    radius: float = 0
    outline: Colour | None = None


@attrs.frozen
class Dot:
    """A filled circle, with a ring around it when ``ring`` is given."""

    role: str
    centre: Point
    radius: float
    colour: Colour
    ring: Colour | None = None


@attrs.frozen
class Words:
    """A text whose vertical middle is at ``at``'s y and whose left edge, centre or right edge is at its x."""

    role: str
    at: Point
    text: str
    size: int = 12
    colour: Colour = TEXT
    align: Align = "centre"


Element: TypeAlias = Stroke | Area | Dot | Words


@attrs.frozen
class Plan:
    """What a chart draws, in the order it is painted, on ``width`` × ``height`` logical pixels."""

    width: int
    height: int
    elements: tuple[Element, ...]

    def of(self, role: str) -> list[Element]:
        """The elements playing ``role``."""
        return [element for element in self.elements if element.role == role]

    def texts(self, role: str | None = None) -> list[str]:
        """The texts drawn (in ``role`` only, when given)."""
        return [e.text for e in self.elements if isinstance(e, Words) and role in (None, e.role)]


def paint(plan: Plan) -> bytes:
    """The PNG of ``plan`` at ``SCALE`` times its size, on white."""
    image = Image.new("RGB", (plan.width * SCALE, plan.height * SCALE), BACKGROUND)
    draw = ImageDraw.Draw(image)
    for element in plan.elements:
        _paint(draw, element)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _paint(draw: ImageDraw.ImageDraw, element: Element) -> None:
    match element:
        case Stroke(dashed=True):
            for dash in _dashes(element.points):
                draw.line(_scaled(dash), fill=element.colour, width=_pixels(element.width))
        case Stroke():
            draw.line(
                _scaled(element.points), fill=element.colour, width=_pixels(element.width), joint="curve"
            )
        case Area():
            box = [coordinate * SCALE for coordinate in element.box]
            width = SCALE if element.outline else 0
            draw.rounded_rectangle(
                box, radius=element.radius * SCALE, fill=element.colour, outline=element.outline, width=width
            )
        case Dot():
            _paint_dot(draw, element)
        case Words():
            _paint_words(draw, element)


def _paint_dot(draw: ImageDraw.ImageDraw, dot: Dot) -> None:
    (x, y), r = _scaled([dot.centre])[0], dot.radius * SCALE
    if dot.ring is not None:
        outer = r + _RING * SCALE
        draw.ellipse([(x - outer, y - outer), (x + outer, y + outer)], fill=dot.ring)
    draw.ellipse([(x - r, y - r), (x + r, y + r)], fill=dot.colour)


def _paint_words(draw: ImageDraw.ImageDraw, words: Words) -> None:
    face = font(words.size)
    shown = drawable(face, words.text)
    left, _, right, _ = draw.textbbox((0, 0), shown, font=face)
    _, top, _, bottom = draw.textbbox((0, 0), "Hg", font=face)  # one middle for every text in a font
    anchor = {"left": left, "centre": (left + right) / 2, "right": right}[words.align]
    x, y = words.at[0] * SCALE, words.at[1] * SCALE
    draw.text((x - anchor, y - (top + bottom) / 2), shown, font=face, fill=words.colour)


def _scaled(points: Sequence[Point]) -> list[Point]:
    return [(x * SCALE, y * SCALE) for x, y in points]


def _pixels(width: float) -> int:
    return max(round(width * SCALE), 1)


def _dashes(points: Sequence[Point]) -> Iterator[tuple[Point, Point]]:
    """The dashes of a dashed line through ``points``, the pattern running on across its corners."""
    travelled = 0.0
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        length = math.hypot(x1 - x0, y1 - y0)
        at = 0.0
        while at < length:
            phase = travelled % (DASH + GAP)
            step = min((DASH if phase < DASH else DASH + GAP) - phase, length - at)
            if phase < DASH:
                yield _along(x0, y0, x1, y1, at / length), _along(x0, y0, x1, y1, (at + step) / length)
            at, travelled = at + step, travelled + step


def _along(x0: float, y0: float, x1: float, y1: float, share: float) -> Point:
    return x0 + (x1 - x0) * share, y0 + (y1 - y0) * share


# -- text ------------------------------------------------------------------------------------------------


def font(size: int) -> Font:
    """The charts' font at ``size`` logical pixels (painted at ``SCALE`` times that)."""
    return _font_at(_font_file(), size * SCALE)


def text_width(text: str, size: int) -> float:
    """How wide ``text`` is drawn at ``size``, in logical pixels."""
    face = font(size)
    return face.getlength(drawable(face, text)) / SCALE


def draws(text: str) -> bool:
    """Whether the charts' font draws every character of ``text`` (Chinese needs a CJK font installed)."""
    return drawable(font(12), text) == text


def drawable(face: Font, text: str) -> str:
    """``text`` with what ``face`` cannot draw replaced: unprintables by spaces, missing glyphs by ``?``."""
    return "".join(_shown(face, char) for char in text)


def _shown(face: Font, char: str) -> str:
    if not char.isprintable():
        return " "
    return char if _can_draw(face, char) else _SUBSTITUTES.get(char, "?")


@functools.lru_cache(maxsize=4096)
def _can_draw(face: Font, char: str) -> bool:
    if isinstance(face, ImageFont.FreeTypeFont):
        return fonts.has_glyph(face, char)
    return ord(char) < 256  # Pillow's bitmap font covers Latin-1 only


def _font_file() -> tuple[Path, int] | None:
    """The CJK font and its face, else a Latin font, else None."""
    cjk = fonts.cjk_font()
    if cjk is not None:
        return cjk, fonts.cjk_face()
    latin = fonts.latin_font()
    return None if latin is None else (latin, 0)


@functools.cache
def _font_at(file: tuple[Path, int] | None, pixels: int) -> Font:
    if file is not None:
        try:
            # Not ImageFont.truetype: when a file cannot be read, that quietly loads another of the same name.
            return ImageFont.FreeTypeFont(str(file[0]), pixels, index=file[1])
        except OSError:
            pass
    return ImageFont.load_default(size=pixels)
