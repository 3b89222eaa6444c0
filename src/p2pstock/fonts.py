"""The font files p2pstock draws and prints Chinese and Latin text with (the charts, PDF statements).

- ``cjk_font()``: a font that draws Chinese, or None when the machine has none. The one named at start-up
  (``configure(path)``, from ``P2PSTOCK_CJK_FONT``) or else the first found under the usual font folders
  (Noto Sans CJK, Source Han Sans, WenQuanYi, Droid Sans Fallback, AR PL, PingFang, ...), regular weights
  first. Install one on Debian or Ubuntu with ``apt-get install fonts-wqy-microhei`` (the README says more).
- ``latin_font()``: a common Latin font that has ``¥`` (DejaVu Sans, Liberation Sans, ...), or None.
- ``cjk_face()``: which face of ``cjk_font()`` to use. Both answers are paths to TrueType/OpenType files that
  Pillow's ``ImageFont.FreeTypeFont(path, size, index=face)`` and fpdf2's
  ``add_font(fname=path, collection_font_number=face)`` open. A plain ``.ttf``/``.otf`` has one face, 0. A
  ``.ttc``/``.otc`` collection holds several: the face is the first whose family is the Simplified Chinese
  one (``Noto Sans CJK SC`` is face 2 of Debian's ``NotoSansCJK-Regular.ttc``), else face 0 (``WenQuanYi
  Micro Hei`` in ``wqy-microhei.ttc``).

Every candidate file is opened and must draw 中 (a CJK font) or ¥ (a Latin one), so a file that is merely
named like one is passed over. A search is done once per set of folders and remembered; ``configure`` is
called once at start-up, before the bot answers anyone.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

import attrs
from PIL import Image, ImageDraw, ImageFont

from p2pstock.core.errors import InvalidInput

FONT_ROOTS: tuple[Path, ...] = tuple(
    Path(root)
    for root in ("/usr/share/fonts", "/usr/local/share/fonts", "/System/Library/Fonts", "/Library/Fonts")
)
"""Where fonts are searched when none is named."""
CJK_SAMPLE, LATIN_SAMPLE = "中", "¥"
"""What a CJK font and a Latin font must draw."""

_SUFFIXES = (".ttf", ".ttc", ".otf", ".otc")
_COLLECTIONS = (".ttc", ".otc")
_CJK_HINTS = (
    "notosanscjksc", "notosanssc", "sourcehansanssc", "notosanscjk", "sourcehansans", "wqy-microhei",
    "wqy-zenhei", "wqy", "droidsansfallback", "notoserifcjk", "uming", "ukai", "pingfang", "hiragino",
    "stheiti", "simhei", "msyh",
)  # fmt: skip
_LATIN_NAMES = ("dejavusans.ttf", "liberationsans-regular.ttf", "notosans-regular.ttf", "arial.ttf")
_OTHER_WEIGHTS = ("bold", "black", "heavy", "medium", "light", "thin", "semibold", "demi")
_MAX_FACES = 32
_MISSING = "\uffff"  # a noncharacter: every font draws it with its "missing glyph" box


@attrs.define
class _Setup:
    named: Path | None = None
    roots: tuple[Path, ...] = FONT_ROOTS


_SETUP = _Setup()


def configure(named: Path | str | None = None, *, roots: Iterable[Path | str] = FONT_ROOTS) -> None:
    """Use the CJK font file ``named`` (None or empty: search ``roots`` for one). A named file that cannot
    be opened as a font, or draws no Chinese, is refused: a chart in English for every customer would
    otherwise be the first sign."""
    chosen = Path(named) if named else None
    if chosen is not None and not draws_with(chosen, CJK_SAMPLE, face_of(chosen)):
        raise InvalidInput(f"the CJK font {chosen} cannot be opened as a font that draws Chinese (中)")
    _SETUP.named, _SETUP.roots = chosen, tuple(Path(root) for root in roots)


def cjk_font() -> Path | None:
    """The font file for Chinese text: the one configured, else the first found; None without one."""
    return _SETUP.named or find_cjk(_SETUP.roots)


def cjk_face() -> int:
    """The face of ``cjk_font()`` to use (0 unless it is a collection with a Simplified Chinese face)."""
    path = cjk_font()
    return 0 if path is None else face_of(path)


def latin_font() -> Path | None:
    """A Latin font file that draws ``¥`` under the search folders, or None."""
    return find_latin(_SETUP.roots)


@functools.cache
def find_cjk(roots: tuple[Path, ...]) -> Path | None:
    """The first font under ``roots`` named like a CJK font that draws 中, regular weights first."""
    files = sorted(_font_files(roots), key=_weight_then_name)
    named = (path for hint in _CJK_HINTS for path in files if hint in path.name.lower())
    return next((path for path in named if draws_with(path, CJK_SAMPLE, face_of(path))), None)


@functools.cache
def find_latin(roots: tuple[Path, ...]) -> Path | None:
    """The first of the common Latin fonts under ``roots`` that draws ``¥``."""
    files = sorted(_font_files(roots))
    named = (path for name in _LATIN_NAMES for path in files if path.name.lower() == name)
    return next((path for path in named if draws_with(path, LATIN_SAMPLE)), None)


@functools.cache
def face_of(path: Path) -> int:
    """The face of ``path`` to use: a collection's Simplified Chinese face if it has one, else 0."""
    if path.suffix.lower() not in _COLLECTIONS:
        return 0
    return next((index for index, family in _families(path) if family.endswith(" SC")), 0)


def draws_with(path: Path, text: str, face: int = 0) -> bool:
    """Whether face ``face`` of the font file ``path`` opens and draws every character of ``text``."""
    try:
        font = ImageFont.FreeTypeFont(str(path), 16, index=face)
    except (OSError, ValueError):
        return False
    return all(has_glyph(font, char) for char in text)


def has_glyph(font: ImageFont.FreeTypeFont, char: str) -> bool:
    """Whether ``font`` draws ``char`` as something other than its "missing glyph" box."""
    return char.isspace() or _glyph_pixels(font, char) != _glyph_pixels(font, _MISSING)


def _glyph_pixels(font: ImageFont.FreeTypeFont, char: str) -> bytes:
    side = int(font.size) * 2 + 4
    image = Image.new("L", (side, side))
    ImageDraw.Draw(image).text((2, 2), char, font=font, fill=255)
    return image.tobytes()


def _families(path: Path) -> Iterator[tuple[int, str]]:
    """(index, family name) of each face of a collection, until one cannot be opened."""
    for index in range(_MAX_FACES):
        try:
            family = ImageFont.FreeTypeFont(str(path), 16, index=index).getname()[0]
        except (OSError, ValueError):
            return
        yield index, family or ""


def _font_files(roots: Iterable[Path]) -> Iterator[Path]:
    for root in roots:
        for folder, _folders, names in os.walk(root):
            yield from (Path(folder, name) for name in names if name.lower().endswith(_SUFFIXES))


def _weight_then_name(path: Path) -> tuple[int, str]:
    """Regular weights first (``NotoSansCJK-Regular`` before ``NotoSansCJK-Black``), then by name."""
    name = path.name.lower()
    other = any(weight in name for weight in _OTHER_WEIGHTS) and "regular" not in name
    return int(other), str(path)
