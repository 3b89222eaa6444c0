"""Tests of the mainland China resident identity number: checksum, birth date, masking."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from p2pstock.core.errors import InvalidInput
from p2pstock.core.people.resident_id import ResidentId, check_digit

TODAY = date(2024, 6, 1)
PUBLISHED_EXAMPLE = "11010519491231002X"


def complete(first17: str) -> str:
    """The full number: ``first17`` followed by its check character."""
    return first17 + check_digit(first17)


def refusal(text: str, today: date = TODAY) -> str:
    """The message of the InvalidInput that parsing ``text`` raises."""
    with pytest.raises(InvalidInput) as caught:
        ResidentId.parse(text, today=today)
    return str(caught.value)


# --------------------------------------------------------------------------- accepted numbers

VALID = [
    # (number, birth date, sex)
    (PUBLISHED_EXAMPLE, date(1949, 12, 31), "female"),
    (complete("44030419900101001"), date(1990, 1, 1), "male"),
    (complete("31010120000229002"), date(2000, 2, 29), "female"),
    (complete("51010219000101003"), date(1900, 1, 1), "male"),
    (complete("65010220240601004"), TODAY, "female"),
    (complete("99999919991231999"), date(1999, 12, 31), "male"),
]


def test_the_published_example_has_check_character_x() -> None:
    assert check_digit(PUBLISHED_EXAMPLE[:17]) == "X"


@pytest.mark.parametrize(("number", "born", "sex"), VALID)
def test_a_valid_number_parses_with_its_birth_date_and_sex(number: str, born: date, sex: str) -> None:
    resident_id = ResidentId.parse(number, today=TODAY)
    assert resident_id.number == number
    assert resident_id.birth_date == born
    assert resident_id.sex == sex


@pytest.mark.parametrize(("number", "born", "sex"), VALID)
def test_surrounding_spaces_are_stripped(number: str, born: date, sex: str) -> None:
    assert ResidentId.parse(f"  {number}\t\n", today=TODAY).number == number


def test_a_lowercase_x_is_normalised_to_capital_x() -> None:
    assert ResidentId.parse(PUBLISHED_EXAMPLE.lower(), today=TODAY).number == PUBLISHED_EXAMPLE


def test_the_constructor_checks_the_number_too() -> None:
    assert ResidentId(PUBLISHED_EXAMPLE).birth_date == date(1949, 12, 31)
    with pytest.raises(InvalidInput):
        ResidentId(PUBLISHED_EXAMPLE[:17] + "1")


# --------------------------------------------------------------------------- refused numbers


@pytest.mark.parametrize("text", ["", "1101051949123100", "11010519491231002", "11010519491231002X0"])
def test_a_number_of_the_wrong_length_is_refused(text: str) -> None:
    assert "exactly 18 characters" in refusal(text)


@pytest.mark.parametrize(
    "text",
    [
        "A1010519491231002X",
        "1101051949123100XX",
        "11010519491231002Y",
        "110105 9491231002X",
        "１１0105194912310020",
    ],
)
def test_letters_or_other_characters_are_refused(text: str) -> None:
    assert len(text) == 18
    assert "17 digits followed by a digit or X" in refusal(text)


@pytest.mark.parametrize("wrong", list("0123456789"))
def test_every_wrong_check_character_is_refused(wrong: str) -> None:
    assert "check character does not match" in refusal(PUBLISHED_EXAMPLE[:17] + wrong)


@pytest.mark.parametrize(
    "birth", ["20230229", "20230230", "19900230", "19901301", "19900001", "19900100", "19900431"]
)
def test_a_birth_date_the_calendar_does_not_have_is_refused(birth: str) -> None:
    assert "not a real date" in refusal(complete(f"440304{birth}001"))


def test_a_birth_date_before_1900_is_refused() -> None:
    assert "before 1900-01-01" in refusal(complete("44030418991231001"))


@pytest.mark.parametrize("birth", [TODAY + timedelta(days=1), date(2099, 1, 1)])
def test_a_birth_date_in_the_future_is_refused(birth: date) -> None:
    assert "in the future" in refusal(complete(f"440304{birth:%Y%m%d}001"))


def test_a_birth_date_of_today_is_accepted_but_not_yesterday_s_today() -> None:
    number = complete(f"440304{TODAY:%Y%m%d}001")
    assert ResidentId.parse(number, today=TODAY).birth_date == TODAY
    assert "in the future" in refusal(number, today=TODAY - timedelta(days=1))


def test_a_region_starting_with_zero_is_refused() -> None:
    assert "region" in refusal(complete("04030419900101001"))


def test_check_digit_needs_exactly_17_digits() -> None:
    for bad in ["", "1234567890123456", "123456789012345678", "1234567890123456X"]:
        with pytest.raises(InvalidInput):
            check_digit(bad)


def test_an_error_message_never_contains_the_number() -> None:
    number = PUBLISHED_EXAMPLE[:17] + "0"
    assert number not in refusal(number)


# --------------------------------------------------------------------------- masking


@pytest.mark.parametrize(("number", "born", "sex"), VALID)
def test_repr_and_str_show_only_the_first_3_and_last_2_characters(number: str, born: date, sex: str) -> None:
    resident_id = ResidentId.parse(number, today=TODAY)
    expected = number[:3] + "*" * 13 + number[-2:]
    assert resident_id.masked == expected
    assert repr(resident_id) == f"ResidentId('{expected}')"
    assert number not in repr(resident_id)
    assert number not in str(resident_id)
    assert number[3:16] not in repr(resident_id)


# --------------------------------------------------------------------------- properties

births = st.dates(min_value=date(1900, 1, 1), max_value=TODAY)
regions = st.integers(min_value=100000, max_value=999999).map(str)
sequences = st.integers(min_value=0, max_value=999).map(lambda n: f"{n:03d}")


@st.composite
def first17s(draw: st.DrawFn) -> str:
    return f"{draw(regions)}{draw(births):%Y%m%d}{draw(sequences)}"


@given(first17s())
def test_any_17_digits_with_a_real_date_and_their_check_character_parse(first17: str) -> None:
    resident_id = ResidentId.parse(complete(first17), today=TODAY)
    assert resident_id.number == complete(first17)
    assert f"{resident_id.birth_date:%Y%m%d}" == first17[6:14]
    assert resident_id.sex == ("male" if int(first17[16]) % 2 else "female")
    assert resident_id.number not in repr(resident_id)


@given(first17s(), st.integers(min_value=0, max_value=17), st.integers(min_value=1, max_value=9))
def test_changing_any_single_digit_makes_the_checksum_fail(first17: str, position: int, shift: int) -> None:
    number = complete(first17)
    digit = 0 if number[position] == "X" else int(number[position])
    replacement = str((digit + shift) % 10)  # never the original: X becomes a digit, a digit another one
    changed = number[:position] + replacement + number[position + 1 :]
    assert changed != number
    assert "check character does not match" in refusal(changed)
