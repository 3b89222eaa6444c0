"""``P2PSTOCK_CJK_FONT`` names the font file Chinese is drawn with; empty means: search the machine. A file
that is not there stops the start with the setting's name, never a chart quietly in English."""

from __future__ import annotations

from pathlib import Path

import pytest

from p2pstock.config import Settings
from p2pstock.core.errors import InvalidInput


@pytest.fixture
def font_file(tmp_path: Path) -> Path:
    path = tmp_path / "fonts" / "wqy-microhei.ttc"
    path.parent.mkdir()
    path.write_bytes(b"a font file")  # whether it draws Chinese is checked when the bot starts
    return path


def test_by_default_no_font_is_named_and_the_machine_is_searched() -> None:
    assert Settings().cjk_font is None
    assert Settings.from_env({}).cjk_font is None
    assert Settings.from_env({"P2PSTOCK_CJK_FONT": "  "}).cjk_font is None


def test_the_font_is_read_from_the_environment(font_file: Path) -> None:
    assert Settings.from_env({"P2PSTOCK_CJK_FONT": f" {font_file} "}).cjk_font == font_file


def test_the_font_is_read_from_the_settings_file(tmp_path: Path, font_file: Path) -> None:
    config = tmp_path / "p2pstock.toml"
    config.write_text(f'cjk_font = "{font_file}"\n')
    assert Settings.from_env({"P2PSTOCK_CONFIG": str(config)}).cjk_font == font_file


def test_a_font_given_in_code_may_be_a_path_or_a_text(font_file: Path) -> None:
    assert Settings(cjk_font=font_file).cjk_font == Settings(cjk_font=str(font_file)).cjk_font == font_file


@pytest.mark.parametrize("missing", ["/no/such/font.ttc", "."], ids=["no such file", "a folder"])
def test_a_named_font_that_is_not_a_file_is_refused_naming_the_setting(missing: str) -> None:
    with pytest.raises(InvalidInput, match=rf"P2PSTOCK_CJK_FONT names {missing}, which is not a file"):
        Settings.from_env({"P2PSTOCK_CJK_FONT": missing})
    with pytest.raises(InvalidInput, match="the README says how"):
        Settings(cjk_font=missing)
