"""Finding the fonts the charts and statements write with: a CJK font named in the settings or found under
the font folders (opened and checked to draw 中, not trusted by its name), a Latin one with ``¥``, and the
face of a collection to use."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from bot_harness import TOKEN
from PIL import ImageFont

from p2pstock import fonts, serving
from p2pstock.adapters.memory import MemoryUnitOfWorkFactory
from p2pstock.bootstrap import bootstrap
from p2pstock.config import Settings
from p2pstock.core.errors import InvalidInput

DEJAVU = sorted(Path("/usr/share/fonts").glob("**/DejaVuSans.ttf"))
needs_dejavu = pytest.mark.skipif(not DEJAVU, reason="DejaVu Sans is not installed")


@pytest.fixture(autouse=True)
def _fonts_as_found() -> Iterator[None]:
    yield
    fonts.configure()


def test_the_search_survives_folders_without_fonts_or_with_broken_ones(tmp_path: Path) -> None:
    (tmp_path / "NotoSansCJK-Regular.ttc").write_bytes(b"not a font at all")
    (tmp_path / "DejaVuSans.ttf").write_bytes(b"")
    assert fonts.find_cjk((tmp_path,)) is None
    assert fonts.find_latin((tmp_path,)) is None
    assert fonts.find_cjk((tmp_path / "no such folder",)) is None


@needs_dejavu
def test_the_search_checks_what_a_font_draws_not_its_name(tmp_path: Path) -> None:
    (tmp_path / "wqy-microhei.ttc").symlink_to(DEJAVU[0])  # named like a CJK font, draws no 中
    assert fonts.find_cjk((tmp_path,)) is None
    (tmp_path / "DejaVuSans.ttf").symlink_to(DEJAVU[0])
    assert fonts.find_latin((tmp_path,)) == tmp_path / "DejaVuSans.ttf"


def test_the_regular_weight_of_a_cjk_family_is_taken_before_the_others(
    tmp_path: Path, cjk_font: Path
) -> None:
    for name in ("NotoSansCJK-Black.ttc", "NotoSansCJK-Bold.ttc", "NotoSansCJK-Regular.ttc"):
        (tmp_path / name).symlink_to(cjk_font)
    assert fonts.find_cjk((tmp_path,)) == tmp_path / "NotoSansCJK-Regular.ttc"


def test_the_font_found_draws_chinese_at_the_face_it_names(cjk_font: Path) -> None:
    assert fonts.cjk_font() == cjk_font
    face = ImageFont.FreeTypeFont(str(cjk_font), 16, index=fonts.cjk_face())
    assert fonts.has_glyph(face, "中") and fonts.has_glyph(face, "资")


def test_a_collections_simplified_chinese_face_is_used(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    names = ["Noto Sans CJK JP", "Noto Sans CJK KR", "Noto Sans CJK SC", "Noto Sans CJK TC"]
    monkeypatch.setattr(fonts, "_families", lambda _path: iter(enumerate(names)))
    assert fonts.face_of(tmp_path / "NotoSansCJK-Regular.ttc") == 2
    assert fonts.face_of(tmp_path / "wqy-zenhei.ttc") == 2
    monkeypatch.setattr(fonts, "_families", lambda _path: iter(enumerate(["WenQuanYi Micro Hei", "Mono"])))
    assert fonts.face_of(tmp_path / "wqy-microhei.ttc") == 0
    assert fonts.face_of(tmp_path / "DroidSansFallbackFull.ttf") == 0  # one face, never looked into


def test_a_named_cjk_font_is_used_instead_of_searching(tmp_path: Path, cjk_font: Path) -> None:
    named = tmp_path / "my-font.ttc"
    named.symlink_to(cjk_font)
    fonts.configure(named, roots=[tmp_path / "empty"])
    assert fonts.cjk_font() == named
    fonts.configure(roots=[tmp_path / "empty"])
    assert fonts.cjk_font() is None


@needs_dejavu
def test_a_named_font_that_draws_no_chinese_is_refused(tmp_path: Path) -> None:
    junk = tmp_path / "junk.ttf"
    junk.write_bytes(b"junk")
    for named in (DEJAVU[0], junk):
        with pytest.raises(InvalidInput, match=r"cannot be opened as a font that draws Chinese \(中\)"):
            fonts.configure(named)


def test_the_bot_writes_chinese_with_the_font_the_settings_name(tmp_path: Path, cjk_font: Path) -> None:
    named = tmp_path / "named-cjk.ttc"
    named.symlink_to(cjk_font)
    settings = Settings(data_dir=tmp_path, telegram_token=TOKEN, allow_sandbox=True, cjk_font=str(named))
    app = bootstrap(settings, uow_factory=MemoryUnitOfWorkFactory())
    serving.telegram_bot(app)
    assert fonts.cjk_font() == named


@needs_dejavu
def test_a_bot_whose_settings_name_a_latin_font_as_cjk_does_not_start(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, telegram_token=TOKEN, allow_sandbox=True, cjk_font=DEJAVU[0])
    app = bootstrap(settings, uow_factory=MemoryUnitOfWorkFactory())
    with pytest.raises(InvalidInput, match=r"DejaVuSans\.ttf cannot be opened as a font that draws Chinese"):
        serving.telegram_bot(app)
