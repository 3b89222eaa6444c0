"""Tests of the money type: strict parsing, formatting, arithmetic, rounding and exact splitting."""

from __future__ import annotations

import operator
import pickle
from decimal import ROUND_DOWN, ROUND_FLOOR, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from p2pstock.core.errors import InvalidInput, P2PStockError
from p2pstock.core.money import (
    CNY,
    EUR,
    HKD,
    JPY,
    MAX_MINOR,
    USD,
    Currency,
    Money,
    MoneyError,
    parse_minor,
    split_amount,
)

ALL_CURRENCIES = [CNY, USD, HKD, EUR, JPY]


def refusal(text: str, currency: Currency = CNY, **options: Any) -> MoneyError:
    """The MoneyError that parsing ``text`` raises."""
    with pytest.raises(MoneyError) as caught:
        Money.parse(text, currency, **options)
    return caught.value


# --------------------------------------------------------------------------- parsing: accepted


@pytest.mark.parametrize(
    ("text", "currency", "minor"),
    [
        ("1000", CNY, 100_000),
        ("1,000.50", CNY, 100_050),
        ("1000.5", CNY, 100_050),
        ("0.01", CNY, 1),
        ("0.5", CNY, 50),
        ("12,345,678.90", CNY, 1_234_567_890),
        ("¥1000", CNY, 100_000),
        ("￥1000", CNY, 100_000),
        ("¥ 1000", CNY, 100_000),
        ("1000元", CNY, 100_000),
        ("1000 元", CNY, 100_000),
        ("CNY 1000", CNY, 100_000),
        ("1000 CNY", CNY, 100_000),
        ("cny1000", CNY, 100_000),
        ("RMB 1000", CNY, 100_000),
        ("  1000  ", CNY, 100_000),
        ("\t1000\n", CNY, 100_000),
        ("\u30001000\u3000", CNY, 100_000),
        ("１，０００．５０", CNY, 100_050),
        ("１０００元", CNY, 100_000),
        ("￥１２．３", CNY, 1_230),
        ("$5", USD, 500),
        ("US$5.25", USD, 525),
        ("5 USD", USD, 500),
        ("HK$1,000", HKD, 100_000),
        ("HKD 7.80", HKD, 780),
        ("€9.99", EUR, 999),
        ("9.99 EUR", EUR, 999),
        ("JP¥1,000", JPY, 1_000),
        ("¥1000", JPY, 1_000),
        ("1000円", JPY, 1_000),
        ("1,000,000,000,000.00", CNY, MAX_MINOR),
    ],
)
def test_what_a_person_types_parses_to_exact_minor_units(text: str, currency: Currency, minor: int) -> None:
    assert Money.parse(text, currency) == Money(minor, currency)


def test_a_thousand_with_a_comma_and_fen_parses_to_fen() -> None:
    assert Money.parse("1,000.50").minor == 100_050


def test_parsing_defaults_to_yuan() -> None:
    assert Money.parse("1").currency == CNY


@pytest.mark.parametrize(
    ("text", "minor"),
    [("-3.20", -320), ("-¥3.20", -320), ("¥-3.20", -320), ("－３", -300), ("-1,000 元", -100_000)],
)
def test_a_negative_amount_parses_only_when_allowed(text: str, minor: int) -> None:
    assert Money.parse(text, allow_negative=True).minor == minor
    assert refusal(text).reason == "negative"


@pytest.mark.parametrize("text", ["0", "0.00", "¥0", "0元", "00"])
def test_zero_parses_only_when_allowed(text: str) -> None:
    assert Money.parse(text, allow_zero=True) == Money.zero()
    assert refusal(text).reason == "zero"


def test_zero_is_refused_with_a_not_zero_message_when_negatives_are_allowed() -> None:
    error = refusal("0", allow_negative=True)
    assert (error.reason, str(error)) == ("zero", "amount must not be zero")


def test_a_negative_zero_is_still_a_negative_sign() -> None:
    assert refusal("-0", allow_zero=True).reason == "negative"
    assert Money.parse("-0", allow_zero=True, allow_negative=True) == Money.zero()


def test_the_maximum_is_inclusive_and_one_fen_more_is_too_large() -> None:
    assert Money.parse("1,000,000,000,000.00").minor == MAX_MINOR
    error = refusal("1,000,000,000,000.01")
    assert (error.reason, str(error)) == ("too_large", "amount is too large (max 1,000,000,000,000.00)")


def test_a_custom_maximum_is_in_minor_units() -> None:
    assert Money.parse("500", maximum=50_000).minor == 50_000
    error = refusal("500.01", maximum=50_000)
    assert (error.reason, str(error)) == ("too_large", "amount is too large (max 500.00)")


def test_the_maximum_bounds_the_size_of_negative_amounts_too() -> None:
    assert refusal("-501", allow_negative=True, maximum=50_000).reason == "too_large"


def test_a_negative_maximum_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="maximum"):
        Money.parse("1", maximum=-1)


@pytest.mark.parametrize("maximum", [1.5, True, "100"])
def test_a_maximum_that_is_not_an_int_is_a_type_error(maximum: Any) -> None:
    with pytest.raises(TypeError):
        Money.parse("1", maximum=maximum)


def test_parsing_something_other_than_text_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        Money.parse(1000)  # type: ignore[arg-type]


@given(st.text(alphabet="0123456789.,-¥元 ", max_size=12), st.booleans(), st.booleans())
def test_parse_minor_reads_and_refuses_exactly_as_money_parse(text: str, zero: bool, negative: bool) -> None:
    try:
        expected: int | str = Money.parse(text, allow_zero=zero, allow_negative=negative).minor
    except MoneyError as error:
        expected = str(error)
    try:
        found: int | str = parse_minor(text, allow_zero=zero, allow_negative=negative)
    except MoneyError as error:
        found = str(error)
    assert found == expected


def test_sixty_four_characters_are_read_and_sixty_five_are_too_long() -> None:
    assert Money.parse("1".ljust(64)).minor == 100
    error = refusal("1".ljust(65))
    assert (error.reason, str(error)) == ("too_long", "amount is too long (max 64 characters)")


# --------------------------------------------------------------------------- parsing: refused


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("\u3000", "empty"),
        ("1.005", "too_many_decimals"),
        ("1.500", "too_many_decimals"),
        ("0.001", "too_many_decimals"),
        ("1.", "not_a_number"),
        (".5", "not_a_number"),
        ("abc", "not_a_number"),
        ("¥", "not_a_number"),
        ("元", "not_a_number"),
        ("-", "not_a_number"),
        ("--5", "not_a_number"),
        ("-¥-5", "not_a_number"),
        ("- 5", "not_a_number"),
        ("+5", "not_a_number"),
        ("1 000", "not_a_number"),
        ("1.2.3", "not_a_number"),
        ("1,000,", "not_a_number"),
        (",100", "not_a_number"),
        ("1,,000", "not_a_number"),
        ("0x10", "not_a_number"),
        ("0X1F", "not_a_number"),
        ("NaN", "not_a_number"),
        ("nan", "not_a_number"),
        ("sNaN", "not_a_number"),
        ("inf", "not_a_number"),
        ("-inf", "not_a_number"),
        ("Infinity", "not_a_number"),
        ("1e3", "exponent"),
        ("1E3", "exponent"),
        ("1.5e-2", "exponent"),
        ("1e+3", "exponent"),
        ("１ｅ３", "exponent"),
        ("1_000", "unsupported_characters"),
        ("١٠٠", "unsupported_characters"),
        ("۱۰۰", "unsupported_characters"),
        ("१००", "unsupported_characters"),
        ("²", "unsupported_characters"),
        ("一千", "unsupported_characters"),
        ("1000块", "unsupported_characters"),
        ("1,00", "bad_grouping"),
        ("10,00.5", "bad_grouping"),
        ("1234,567", "bad_grouping"),
        ("1,0000", "bad_grouping"),
        ("0,100", "bad_grouping"),
        ("１，００", "bad_grouping"),
        ("$5", "currency_mismatch"),
        ("5 USD", "currency_mismatch"),
        ("HK$5", "currency_mismatch"),
        ("€5", "currency_mismatch"),
        ("JP¥5", "currency_mismatch"),
        ("5円", "currency_mismatch"),
        ("¥5 USD", "currency_mismatch"),
        ("0", "zero"),
        ("-1", "negative"),
        ("1000000000000.01", "too_large"),
        ("99999999999999999999", "too_large"),
    ],
)
def test_doubtful_input_is_refused_with_a_stable_reason(text: str, reason: str) -> None:
    assert refusal(text).reason == reason


@pytest.mark.parametrize(
    ("text", "currency", "reason"),
    [
        ("¥5", USD, "currency_mismatch"),
        ("5元", JPY, "currency_mismatch"),
        ("RMB 5", HKD, "currency_mismatch"),
        ("$5", HKD, "currency_mismatch"),
        ("1.5", JPY, "too_many_decimals"),
        ("1.0", JPY, "too_many_decimals"),
    ],
)
def test_markers_and_decimals_are_checked_against_the_requested_currency(
    text: str, currency: Currency, reason: str
) -> None:
    assert refusal(text, currency).reason == reason


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1.005", "amount has more than 2 decimal places"),
        ("0", "amount must be positive"),
        ("-5", "amount must not be negative"),
        ("abc", "not a number: 'abc'"),
        ("  abc  ", "not a number: 'abc'"),
        ("1e3", "exponent notation is not accepted"),
        ("", "amount is empty"),
        ("$5", "the amount must be in CNY"),
        ("1,00", "thousands separators must group exactly three digits"),
        ("١٠٠", "only the digits 0-9 are accepted"),
        ("1000块", "the amount contains unsupported characters"),
        ("1_000", "underscores are not accepted; use commas for thousands"),
    ],
)
def test_refusals_explain_themselves_in_plain_english(text: str, message: str) -> None:
    assert str(refusal(text)) == message


def test_a_currency_without_decimals_asks_for_a_whole_number() -> None:
    assert str(refusal("1.5", JPY)) == "amount must be a whole number"


def test_a_money_error_is_a_value_error_and_an_invalid_input() -> None:
    error = refusal("abc")
    assert isinstance(error, ValueError)
    assert isinstance(error, InvalidInput)
    assert isinstance(error, P2PStockError)


def test_a_money_error_survives_pickling_with_its_reason() -> None:
    copy = pickle.loads(pickle.dumps(MoneyError("amount must be positive", "zero")))  # noqa: S301
    assert (str(copy), copy.reason) == ("amount must be positive", "zero")


# --------------------------------------------------------------------------- construction and currencies


@pytest.mark.parametrize("minor", [1.0, 0.5, True, False, Decimal(1), "100", None])
def test_money_refuses_anything_but_an_int_number_of_minor_units(minor: Any) -> None:
    with pytest.raises(TypeError):
        Money(minor)


def test_money_refuses_a_currency_that_is_not_a_currency() -> None:
    with pytest.raises(TypeError):
        Money(1, "CNY")  # type: ignore[arg-type]


def test_money_is_immutable() -> None:
    money = Money(1)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        money.minor = 2  # type: ignore[misc]


def test_of_minor_and_zero_build_the_expected_amounts() -> None:
    assert Money.of_minor(250, USD) == Money(250, USD)
    assert Money.of_minor(250).currency == CNY
    assert Money.zero(JPY) == Money(0, JPY)


def test_the_same_number_in_two_currencies_is_not_equal() -> None:
    assert Money(100, CNY) != Money(100, USD)
    assert Money(100, CNY) == Money(100)
    assert hash(Money(100, CNY)) == hash(Money(100))


def test_money_is_never_equal_to_a_plain_number() -> None:
    hundred: object = 100
    nothing: object = 0
    assert Money(100) != hundred
    assert Money(0) != nothing


@pytest.mark.parametrize("currency", ALL_CURRENCIES)
def test_every_registered_currency_can_be_looked_up_by_code(currency: Currency) -> None:
    assert Currency.of(currency.code) is currency
    assert Currency.of(f" {currency.code.lower()} ") is currency


def test_an_unknown_currency_code_is_refused() -> None:
    with pytest.raises(MoneyError) as caught:
        Currency.of("XYZ")
    assert caught.value.reason == "unknown_currency"


def test_the_built_in_currencies_have_the_agreed_digits_and_symbols() -> None:
    assert [(c.code, c.minor_digits, c.symbol) for c in ALL_CURRENCIES] == [
        ("CNY", 2, "¥"),
        ("USD", 2, "$"),
        ("HKD", 2, "HK$"),
        ("EUR", 2, "€"),
        ("JPY", 0, "JP¥"),
    ]


@pytest.mark.parametrize(
    ("code", "digits", "symbol", "error"),
    [
        ("cny", 2, "¥", ValueError),
        ("CN", 2, "¥", ValueError),
        ("CNYY", 2, "¥", ValueError),
        ("CNY", -1, "¥", ValueError),
        ("CNY", 2.0, "¥", TypeError),
        ("CNY", True, "¥", TypeError),
        ("CNY", 2, "", ValueError),
        ("CNY", 2, "1¥", ValueError),
        ("CNY", 2, "¥ ", ValueError),
    ],
)
def test_a_malformed_currency_cannot_be_built(
    code: Any, digits: Any, symbol: Any, error: type[Exception]
) -> None:
    with pytest.raises(error):
        Currency(code, digits, symbol)


def test_a_currency_outside_the_registry_parses_its_own_code_and_symbol() -> None:
    pound = Currency("GBP", 2, "£")
    assert Money.parse("£1,000.50", pound) == Money(100_050, pound)
    assert Money.parse("12 GBP", pound) == Money(1_200, pound)
    assert Money(100_050, pound).format() == "£1,000.50"


# --------------------------------------------------------------------------- formatting


@pytest.mark.parametrize(
    ("money", "text"),
    [
        (Money(100_050), "¥1,000.50"),
        (Money(-320), "-¥3.20"),
        (Money(0), "¥0.00"),
        (Money(1), "¥0.01"),
        (Money(-5), "-¥0.05"),
        (Money(MAX_MINOR), "¥1,000,000,000,000.00"),
        (Money(123_456_789, USD), "$1,234,567.89"),
        (Money(780, HKD), "HK$7.80"),
        (Money(999, EUR), "€9.99"),
        (Money(1_000, JPY), "JP¥1,000"),
        (Money(-7, JPY), "-JP¥7"),
    ],
)
def test_amounts_format_with_symbol_and_grouping(money: Money, text: str) -> None:
    assert money.format() == text
    assert str(money) == text


@pytest.mark.parametrize(
    ("symbol", "grouping", "text"),
    [
        (True, True, "-¥1,234.50"),
        (False, True, "-1,234.50"),
        (True, False, "-¥1234.50"),
        (False, False, "-1234.50"),
    ],
)
def test_the_symbol_and_the_grouping_can_be_left_out(symbol: bool, grouping: bool, text: str) -> None:
    assert Money(-123_450).format(symbol=symbol, grouping=grouping) == text


@pytest.mark.parametrize(
    ("money", "text"),
    [
        (Money(100_050), "Money('1000.50', CNY)"),
        (Money(-5, USD), "Money('-0.05', USD)"),
        (Money(3, JPY), "Money('3', JPY)"),
    ],
)
def test_the_repr_shows_the_exact_amount_and_the_currency_code(money: Money, text: str) -> None:
    assert repr(money) == text


# --------------------------------------------------------------------------- decimals


@pytest.mark.parametrize(
    ("value", "half_up", "half_even"),
    [
        ("1.005", 101, 100),
        ("1.015", 102, 102),
        ("1.025", 103, 102),
        ("2.675", 268, 268),
        ("0.125", 13, 12),
        ("0.135", 14, 14),
        ("-1.005", -101, -100),
        ("-0.125", -13, -12),
        ("0.004", 0, 0),
        ("-0.005", -1, 0),
        ("1.00499999", 100, 100),
        ("3", 300, 300),
        ("1E+3", 100_000, 100_000),
    ],
)
def test_from_decimal_rounds_half_up_and_half_even_to_golden_values(
    value: str, half_up: int, half_even: int
) -> None:
    assert Money.from_decimal(Decimal(value), rounding=ROUND_HALF_UP).minor == half_up
    assert Money.from_decimal(Decimal(value), rounding=ROUND_HALF_EVEN).minor == half_even


@pytest.mark.parametrize(("value", "half_up", "half_even"), [("2.5", 3, 2), ("3.5", 4, 4), ("-2.5", -3, -2)])
def test_from_decimal_rounds_to_whole_yen_for_a_currency_without_decimals(
    value: str, half_up: int, half_even: int
) -> None:
    assert Money.from_decimal(Decimal(value), JPY, rounding=ROUND_HALF_UP) == Money(half_up, JPY)
    assert Money.from_decimal(Decimal(value), JPY, rounding=ROUND_HALF_EVEN) == Money(half_even, JPY)


def test_from_decimal_honours_other_rounding_modes() -> None:
    assert Money.from_decimal(Decimal("1.999"), rounding=ROUND_DOWN).minor == 199
    assert Money.from_decimal(Decimal("-1.001"), rounding=ROUND_FLOOR).minor == -101


def test_from_decimal_is_exact_beyond_the_default_decimal_precision() -> None:
    value = Decimal("123456789012345678901234567890.125")
    assert Money.from_decimal(value, rounding=ROUND_HALF_UP).minor == 12345678901234567890123456789013
    assert Money.from_decimal(value, rounding=ROUND_HALF_EVEN).minor == 12345678901234567890123456789012


def test_from_decimal_requires_a_rounding_mode() -> None:
    with pytest.raises(TypeError):
        Money.from_decimal(Decimal("1.005"))  # type: ignore[call-arg]


def test_from_decimal_refuses_a_rounding_that_is_not_a_decimal_constant() -> None:
    with pytest.raises(ValueError, match="rounding"):
        Money.from_decimal(Decimal(1), rounding="nearest")


@pytest.mark.parametrize("value", ["NaN", "sNaN", "Infinity", "-Infinity"])
def test_from_decimal_refuses_values_that_are_not_numbers(value: str) -> None:
    with pytest.raises(MoneyError) as caught:
        Money.from_decimal(Decimal(value), rounding=ROUND_HALF_UP)
    assert caught.value.reason == "not_a_number"


def test_from_decimal_refuses_an_absurdly_large_value() -> None:
    with pytest.raises(MoneyError) as caught:
        Money.from_decimal(Decimal("1E+999999"), rounding=ROUND_HALF_UP)
    assert caught.value.reason == "too_large"


@pytest.mark.parametrize("value", [1.005, 1, "1.005"])
def test_from_decimal_takes_only_a_decimal(value: Any) -> None:
    with pytest.raises(TypeError):
        Money.from_decimal(value, rounding=ROUND_HALF_UP)


@pytest.mark.parametrize(
    ("money", "text"),
    [(Money(100_050), "1000.50"), (Money(-5), "-0.05"), (Money(0), "0.00"), (Money(7, JPY), "7")],
)
def test_to_decimal_gives_exact_major_units_with_the_currency_places(money: Money, text: str) -> None:
    assert str(money.to_decimal()) == text


# --------------------------------------------------------------------------- arithmetic


def test_amounts_in_one_currency_add_and_subtract_exactly() -> None:
    assert Money(10) + Money(20) == Money(30)
    assert Money(10) - Money(20) == Money(-10)
    assert Money(10, USD) + Money(5, USD) == Money(15, USD)


def test_negation_and_absolute_value_keep_the_currency() -> None:
    assert -Money(5, USD) == Money(-5, USD)
    assert abs(Money(-5, USD)) == Money(5, USD)
    assert abs(Money(5)) == Money(5)


def test_an_amount_multiplies_by_an_int_from_either_side() -> None:
    assert Money(250) * 3 == Money(750)
    assert 3 * Money(250) == Money(750)
    assert Money(250) * -2 == Money(-500)
    assert Money(250, JPY) * 0 == Money(0, JPY)


@pytest.mark.parametrize("factor", [1.5, 2.0, Decimal("1.5"), Decimal(2), True, "2", Money(2)])
def test_an_amount_refuses_to_multiply_by_anything_but_an_int(factor: Any) -> None:
    with pytest.raises(TypeError):
        Money(250) * factor
    with pytest.raises(TypeError):
        factor * Money(250)


@pytest.mark.parametrize("operation", ["add", "sub", "lt", "le", "gt", "ge"])
def test_combining_two_currencies_is_refused(operation: str) -> None:
    with pytest.raises(MoneyError) as caught:
        getattr(Money(1, CNY), f"__{operation}__")(Money(1, USD))
    assert caught.value.reason == "currency_mismatch"
    assert str(caught.value) == "cannot combine CNY and USD amounts"


@pytest.mark.parametrize("other", [1, 1.0, Decimal(1), "1", None])
@pytest.mark.parametrize(
    "operation", [operator.add, operator.sub, operator.lt, operator.le, operator.gt, operator.ge]
)
def test_adding_or_comparing_a_plain_number_is_a_type_error(other: Any, operation: Any) -> None:
    with pytest.raises(TypeError):
        operation(Money(1), other)
    with pytest.raises(TypeError):
        operation(other, Money(1))


def test_amounts_in_one_currency_compare_by_value() -> None:
    small, large = Money(1), Money(2)
    assert small < large
    assert small <= large
    assert small <= Money(1)
    assert large > small
    assert large >= small
    assert large >= Money(2)
    assert not large < small
    assert not small > large
    assert sorted([Money(3), Money(-1), Money(2)]) == [Money(-1), Money(2), Money(3)]


@pytest.mark.parametrize(
    ("minor", "truthy", "zero", "positive", "negative"),
    [(0, False, True, False, False), (1, True, False, True, False), (-1, True, False, False, True)],
)
def test_the_sign_predicates_and_truthiness_follow_the_amount(
    minor: int, truthy: bool, zero: bool, positive: bool, negative: bool
) -> None:
    money = Money(minor)
    assert (bool(money), money.is_zero, money.is_positive, money.is_negative) == (
        truthy,
        zero,
        positive,
        negative,
    )


# --------------------------------------------------------------------------- splitting


@pytest.mark.parametrize(
    ("total", "weights", "parts"),
    [
        (100, [1, 1, 1], [34, 33, 33]),
        (1, [1, 1, 1], [1, 0, 0]),
        (2, [1, 1, 1], [1, 1, 0]),
        (100, [1, 2, 3, 4, 5, 6], [5, 9, 14, 19, 24, 29]),
        (10, [0, 1, 0, 1], [0, 5, 0, 5]),
        (5, [0, 1, 0, 1], [0, 3, 0, 2]),
        (7, [1], [7]),
        (0, [1, 2], [0, 0]),
        (-100, [1, 1, 1], [-34, -33, -33]),
        (-100, [1, 2, 3, 4, 5, 6], [-5, -9, -14, -19, -24, -29]),
        (1000, [3, 7], [300, 700]),
        (10, [1, 1, 4], [2, 2, 6]),
        (11, [1, 1, 4], [2, 2, 7]),
    ],
)
def test_split_amount_uses_largest_remainders_with_ties_to_the_lower_index(
    total: int, weights: list[int], parts: list[int]
) -> None:
    assert split_amount(total, weights) == parts


def test_split_amount_accepts_any_sequence_of_weights() -> None:
    assert split_amount(9, (1, 2)) == [3, 6]
    assert split_amount(9, range(1, 3)) == [3, 6]


@pytest.mark.parametrize("weights", [[], [0], [0, 0], [1, -1], [-1], [1, 1.5], [1, True], [1, "2"]])
def test_split_refuses_weights_that_cannot_share(weights: Any) -> None:
    with pytest.raises(MoneyError) as caught:
        split_amount(100, weights)
    assert caught.value.reason == "bad_weights"


@pytest.mark.parametrize("total", [1.0, True, Decimal(1)])
def test_split_amount_splits_only_an_int(total: Any) -> None:
    with pytest.raises(TypeError):
        split_amount(total, [1])


def test_an_amount_splits_into_amounts_of_its_currency() -> None:
    assert Money(100, USD).split([1, 3]) == [Money(25, USD), Money(75, USD)]


def test_splitting_evenly_gives_the_extra_fen_to_the_earlier_parts() -> None:
    assert Money(1_000).split_evenly(3) == [Money(334), Money(333), Money(333)]
    assert Money(1_001).split_evenly(3) == [Money(334), Money(334), Money(333)]
    assert Money(-1_001).split_evenly(3) == [Money(-334), Money(-334), Money(-333)]
    assert Money(5, JPY).split_evenly(1) == [Money(5, JPY)]
    assert Money(2).split_evenly(4) == [Money(1), Money(1), Money(0), Money(0)]


@pytest.mark.parametrize("n", [0, -1])
def test_splitting_into_no_parts_is_refused(n: int) -> None:
    with pytest.raises(MoneyError) as caught:
        Money(100).split_evenly(n)
    assert caught.value.reason == "bad_weights"


@pytest.mark.parametrize("n", [2.0, True, "2"])
def test_splitting_into_a_non_int_number_of_parts_is_a_type_error(n: Any) -> None:
    with pytest.raises(TypeError):
        Money(100).split_evenly(n)


# --------------------------------------------------------------------------- properties

totals = st.integers(min_value=-(10**18), max_value=10**18)
weight_lists = st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=20).filter(any)
currencies = st.sampled_from(ALL_CURRENCIES)


@given(totals, weight_lists)
def test_split_parts_always_add_up_to_the_whole(total: int, weights: list[int]) -> None:
    parts = split_amount(total, weights)
    assert len(parts) == len(weights)
    assert sum(parts) == total


@given(totals, weight_lists)
def test_each_split_part_is_within_one_unit_of_its_exact_share(total: int, weights: list[int]) -> None:
    whole = sum(weights)
    for part, weight in zip(split_amount(total, weights), weights, strict=True):
        assert abs(part * whole - total * weight) < whole  # |part - total*weight/whole| < 1, exactly


@given(totals, weight_lists)
def test_split_parts_carry_the_sign_of_the_whole_and_zero_weights_get_nothing(
    total: int, weights: list[int]
) -> None:
    for part, weight in zip(split_amount(total, weights), weights, strict=True):
        assert part * total >= 0
        if weight == 0:
            assert part == 0


@given(totals, weight_lists)
def test_splitting_a_negative_amount_mirrors_splitting_its_absolute_value(
    total: int, weights: list[int]
) -> None:
    assert split_amount(-total, weights) == [-part for part in split_amount(total, weights)]


@given(totals, st.integers(min_value=1, max_value=50))
def test_an_even_split_differs_by_at_most_one_unit_and_never_grows(total: int, n: int) -> None:
    parts = [part.minor for part in Money(total).split_evenly(n)]
    magnitudes = [abs(part) for part in parts]
    assert sum(parts) == total
    assert max(magnitudes) - min(magnitudes) <= 1
    assert magnitudes == sorted(magnitudes, reverse=True)


@given(st.integers(min_value=1, max_value=MAX_MINOR), currencies, st.booleans(), st.booleans())
def test_a_formatted_positive_amount_parses_back_to_itself(
    minor: int, currency: Currency, symbol: bool, grouping: bool
) -> None:
    money = Money(minor, currency)
    assert Money.parse(money.format(symbol=symbol, grouping=grouping), currency) == money


@given(st.integers(min_value=-MAX_MINOR, max_value=MAX_MINOR), currencies)
def test_a_formatted_amount_of_any_sign_parses_back_when_allowed(minor: int, currency: Currency) -> None:
    money = Money(minor, currency)
    assert Money.parse(str(money), currency, allow_zero=True, allow_negative=True) == money


@given(st.integers(min_value=1, max_value=MAX_MINOR), st.integers(min_value=1, max_value=7))
def test_an_extra_decimal_digit_is_always_refused(minor: int, digit: int) -> None:
    text = Money(minor).format(symbol=False) + str(digit)
    assert refusal(text).reason == "too_many_decimals"


@given(
    st.integers(min_value=-(10**20), max_value=10**20),
    currencies,
    st.sampled_from([ROUND_HALF_UP, ROUND_HALF_EVEN, ROUND_DOWN, ROUND_FLOOR]),
)
def test_to_decimal_and_from_decimal_round_trip_exactly(
    minor: int, currency: Currency, rounding: str
) -> None:
    money = Money(minor, currency)
    assert Money.from_decimal(money.to_decimal(), currency, rounding=rounding) == money


@given(st.integers(min_value=-(10**15), max_value=10**15), st.integers(min_value=-(10**15), max_value=10**15))
def test_addition_and_subtraction_are_exact_inverses(a: int, b: int) -> None:
    assert (Money(a) + Money(b)) - Money(b) == Money(a)
    assert (Money(a) < Money(b)) == (a < b)


@given(st.text(max_size=64))
def test_parsing_arbitrary_text_either_succeeds_within_the_rules_or_raises_a_money_error(text: str) -> None:
    try:
        money = Money.parse(text)
    except MoneyError as error:
        assert error.reason
    else:
        assert 0 < money.minor <= MAX_MINOR
        assert money.currency == CNY
