"""Text a person typed (names, reasons, notes, purposes, descriptions) is checked in one place,
``check_text``: characters that cannot be stored or shown as typed are refused with ``UnsafeText``, which
names the character; what is kept is the text without surrounding blanks."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from p2pstock.core.errors import InvalidInput, UnsafeText
from p2pstock.core.people.customers import check_real_name
from p2pstock.core.validation import check_reason, check_text

REFUSED = {
    "NUL": "\x00",
    "bell": "\x07",
    "escape": "\x1b",
    "delete": "\x7f",
    "C1 control": "\x85",
    "right-to-left override": "\u202e",
    "left-to-right override": "\u202d",
    "right-to-left isolate": "\u2067",
    "pop directional formatting": "\u202c",
    "right-to-left mark": "\u200f",
    "zero-width space": "\u200b",
    "zero-width joiner": "\u200d",
    "zero-width no-break space (BOM)": "\ufeff",
    "soft hyphen": "\u00ad",
    "Arabic letter mark": "\u061c",
    "tag character": "\U000e0041",
    "line separator": "\u2028",
    "paragraph separator": "\u2029",
    "lone high surrogate": "\ud800",
    "lone low surrogate": "\udfff",
}


@pytest.mark.parametrize("character", REFUSED.values(), ids=REFUSED.keys())
@pytest.mark.parametrize("where", ["start", "middle", "end"])
def test_a_character_that_cannot_be_shown_as_typed_is_refused_anywhere(character: str, where: str) -> None:
    typed = {"start": character + "张三", "middle": "张" + character + "三", "end": "张三" + character}[where]

    with pytest.raises(UnsafeText) as refused:
        check_text(typed, "the real name", 50)

    assert refused.value.what == "the real name"
    assert refused.value.character == f"U+{ord(character):04X}"
    assert f"U+{ord(character):04X}" in str(refused.value)


@pytest.mark.parametrize("character", ["\n", "\t", "\r"], ids=["newline", "tab", "carriage return"])
def test_line_breaks_and_tabs_are_refused_on_one_line_and_kept_in_text_of_several(character: str) -> None:
    with pytest.raises(UnsafeText):
        check_text(f"张{character}三", "the real name", 50)

    assert check_text(f"first{character}second", "note", 500, lines=True) == f"first{character}second"


@pytest.mark.parametrize(
    "typed",
    [
        "张三",
        "欧阳 娜娜",
        "阿依古丽·买买提",
        "Zhang San",
        "O'Brien-Smith",
        "Łukasz Żółć",
        "山田\u3000太郎",  # an ideographic space between the names
        "Мария",
        "कुमार",  # combining marks are letters' parts, not hidden characters
        "📈 ok",
    ],
)
def test_ordinary_text_in_any_script_is_accepted_as_typed(typed: str) -> None:
    assert check_text(typed, "the real name", 50) == typed


def test_blanks_around_the_text_are_dropped() -> None:
    assert check_text("  \u3000张三 \n", "note", 50, lines=True) == "张三"


def test_lengths_are_counted_without_the_blanks_around() -> None:
    assert check_text(" " * 10 + "x" * 5, "note", 5) == "xxxxx"
    with pytest.raises(InvalidInput, match="at most 5 characters"):
        check_text("x" * 6, "note", 5)


def test_something_that_is_not_text_is_refused() -> None:
    with pytest.raises(InvalidInput, match="must be text"):
        check_text(b"\xe5\xbc\xa0", "note", 50)


def test_a_real_name_is_two_to_fifty_characters_of_ordinary_text() -> None:
    assert check_real_name(" 张三 ") == "张三"
    with pytest.raises(InvalidInput, match="2–50"):
        check_real_name("张")
    with pytest.raises(InvalidInput, match="2–50"):
        check_real_name("张" * 51)
    with pytest.raises(UnsafeText):
        check_real_name("张\x00三")


def test_a_reason_is_required_and_may_run_over_several_lines() -> None:
    assert check_reason("blurred photo\nplease send it again") == "blurred photo\nplease send it again"
    with pytest.raises(InvalidInput, match="needs a reason"):
        check_reason(" \n ")
    with pytest.raises(UnsafeText):
        check_reason("looks fine\u202e")


@given(st.text(max_size=30))
def test_whatever_is_accepted_can_be_stored_as_utf8_and_holds_no_hidden_character(typed: str) -> None:
    try:
        kept = check_text(typed, "note", 30, lines=True)
    except InvalidInput:
        return
    kept.encode("utf-8")  # never a UnicodeEncodeError
    assert "\x00" not in kept
    assert not any(c in kept for c in REFUSED.values())
