"""Exact money: integer minor units in one currency, strict parsing, formatting and exact splitting.

Amounts are never floats. ``Money.parse`` reads what a person types and refuses anything doubtful
with a ``MoneyError`` whose message is safe to show the customer and whose ``reason`` is a stable code.
"""

from __future__ import annotations

import decimal
import re
from collections.abc import Sequence
from decimal import Decimal

import attrs

from p2pstock.core.errors import InvalidInput

__all__ = [
    "CNY",
    "EUR",
    "HKD",
    "JPY",
    "MAX_INPUT_LENGTH",
    "MAX_MINOR",
    "USD",
    "Currency",
    "Money",
    "MoneyError",
    "parse_minor",
    "split_amount",
]

MAX_MINOR = 10**14
"""The default largest amount ``Money.parse`` accepts, in minor units (1,000,000,000,000.00 CNY)."""

MAX_INPUT_LENGTH = 64
"""The longest text ``Money.parse`` looks at."""


class MoneyError(InvalidInput):
    """An amount could not be parsed or combined; ``str(e)`` is safe to show a customer.

    ``reason`` is a short stable code (``"too_many_decimals"``, ``"negative"``, ...) for programs.
    """

    code = "money"

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason

    def __reduce__(self) -> tuple[type[MoneyError], tuple[str, str]]:
        return (type(self), (str(self), self.reason))


# --------------------------------------------------------------------------- currencies


def _check_code(_instance: object, _attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not re.fullmatch(r"[A-Z]{3}", value):
        raise ValueError(f"a currency code is three upper-case letters, not {value!r}")


def _check_minor_digits(_instance: object, _attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("minor_digits must be an int")
    if not 0 <= value <= 8:
        raise ValueError("minor_digits must be between 0 and 8")


def _check_symbol(_instance: object, _attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not value:
        raise ValueError("a currency symbol is a non-empty string")
    if any(ch.isdigit() or ch.isspace() or ch in "+-.,_" for ch in value):
        raise ValueError(f"a currency symbol must not contain digits, spaces, signs or separators: {value!r}")


@attrs.frozen
class Currency:
    """A currency: ISO 4217 ``code``, number of ``minor_digits`` (2 for fen) and display ``symbol``."""

    code: str = attrs.field(validator=_check_code)
    minor_digits: int = attrs.field(validator=_check_minor_digits)
    symbol: str = attrs.field(validator=_check_symbol)

    @classmethod
    def of(cls, code: str) -> Currency:
        """The registered currency with this code (case and surrounding spaces are ignored)."""
        if not isinstance(code, str):
            raise TypeError("a currency code is a str")
        found = _REGISTRY.get(code.strip().upper())
        if found is None:
            raise MoneyError(f"unknown currency: {code.strip()[:16]!r}", "unknown_currency")
        return found


CNY = Currency("CNY", 2, "¥")
USD = Currency("USD", 2, "$")
HKD = Currency("HKD", 2, "HK$")
EUR = Currency("EUR", 2, "€")
JPY = Currency("JPY", 0, "JP¥")

_REGISTRY: dict[str, Currency] = {c.code: c for c in (CNY, USD, HKD, EUR, JPY)}

# Currency markers a person may type before or after the number, and the currencies each may mean.
_MARKERS: dict[str, frozenset[str]] = {
    "¥": frozenset({"CNY", "JPY"}),
    "￥": frozenset({"CNY", "JPY"}),
    "元": frozenset({"CNY"}),
    "RMB": frozenset({"CNY"}),
    "CNY": frozenset({"CNY"}),
    "$": frozenset({"USD"}),
    "US$": frozenset({"USD"}),
    "USD": frozenset({"USD"}),
    "HK$": frozenset({"HKD"}),
    "HKD": frozenset({"HKD"}),
    "€": frozenset({"EUR"}),
    "EUR": frozenset({"EUR"}),
    "JP¥": frozenset({"JPY"}),
    "円": frozenset({"JPY"}),
    "JPY": frozenset({"JPY"}),
}

# --------------------------------------------------------------------------- parsing helpers

# Full-width ASCII variants (U+FF01..U+FF5E) and the ideographic space map to plain ASCII.
_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_NUMBER = re.compile(r"(?P<whole>[0-9]+(?:,[0-9]+)*)(?:\.(?P<fraction>[0-9]+))?")
_EXPONENT = re.compile(r"[0-9.,]*[0-9][0-9.,]*[eE][+-]?[0-9]+")
_PLAIN = re.compile(r"(?P<sign>-?)(?P<whole>[0-9]{1,20})(?:\.(?P<fraction>[0-9]+))?")
"""The common shape (``-1234.5``, a statement's column): read without the marker and grouping checks."""


def _markers_for(currency: Currency) -> list[tuple[str, frozenset[str]]]:
    """Known markers plus the currency's own code and symbol, longest first."""
    table = dict(_MARKERS)
    for marker in (currency.code, currency.symbol.upper()):
        table[marker] = table.get(marker, frozenset()) | {currency.code}
    return sorted(table.items(), key=lambda item: -len(item[0]))


def _take_prefix(text: str, markers: list[tuple[str, frozenset[str]]]) -> tuple[str, frozenset[str] | None]:
    for marker, codes in markers:
        if text[: len(marker)].upper() == marker:
            return text[len(marker) :].lstrip(), codes
    return text, None


def _take_suffix(text: str, markers: list[tuple[str, frozenset[str]]]) -> tuple[str, frozenset[str] | None]:
    for marker, codes in markers:
        if len(text) >= len(marker) and text[-len(marker) :].upper() == marker:
            return text[: -len(marker)].rstrip(), codes
    return text, None


def _strip_sign_and_markers(text: str, currency: Currency) -> tuple[bool, str]:
    """Split ``-¥1,000元`` into (negative, ``1,000``), checking every marker against ``currency``."""
    markers = _markers_for(currency)
    negative = text.startswith("-")
    text, before = _take_prefix(text[1:] if negative else text, markers)
    if before is not None and not negative and text.startswith("-"):
        negative, text = True, text[1:]
    text, after = _take_suffix(text, markers)
    for codes in (before, after):
        if codes is not None and currency.code not in codes:
            raise MoneyError(f"the amount must be in {currency.code}", "currency_mismatch")
    return negative, text


def _check_characters(body: str) -> None:
    if not body.isascii():
        if any(ch.isdigit() and not ch.isascii() for ch in body):
            raise MoneyError("only the digits 0-9 are accepted", "unsupported_characters")
        raise MoneyError("the amount contains unsupported characters", "unsupported_characters")
    if "_" in body:
        raise MoneyError("underscores are not accepted; use commas for thousands", "unsupported_characters")
    if _EXPONENT.fullmatch(body):
        raise MoneyError("exponent notation is not accepted", "exponent")


def _check_grouping(whole: str) -> None:
    groups = whole.split(",")
    if len(groups) == 1:
        return
    first_ok = 1 <= len(groups[0]) <= 3 and not groups[0].startswith("0")
    if not first_ok or any(len(group) != 3 for group in groups[1:]):
        raise MoneyError("thousands separators must group exactly three digits", "bad_grouping")


def _to_minor(body: str, shown: str, minor_digits: int) -> int:
    """The magnitude of a plain ASCII number such as ``1,000.50`` in minor units."""
    _check_characters(body)
    match = _NUMBER.fullmatch(body)
    if match is None:
        raise MoneyError(f"not a number: {shown!r}", "not_a_number")
    whole: str = match["whole"]
    fraction: str = match["fraction"] or ""
    _check_grouping(whole)
    if len(fraction) > minor_digits:
        raise MoneyError(_decimals_message(minor_digits), "too_many_decimals")
    scale: int = 10**minor_digits
    return int(whole.replace(",", "")) * scale + int(fraction.ljust(minor_digits, "0") or "0")


def _plain_minor(whole: str, fraction: str, minor_digits: int) -> int:
    if len(fraction) > minor_digits:
        raise MoneyError(_decimals_message(minor_digits), "too_many_decimals")
    scale: int = 10**minor_digits
    return int(whole) * scale + int(fraction.ljust(minor_digits, "0") or "0")


def _decimals_message(minor_digits: int) -> str:
    if minor_digits == 0:
        return "amount must be a whole number"
    places = "place" if minor_digits == 1 else "places"
    return f"amount has more than {minor_digits} decimal {places}"


def _check_limits(minor: int, negative: bool, currency: Currency, rules: tuple[bool, bool, int]) -> None:
    allow_zero, allow_negative, maximum = rules
    if negative and not allow_negative:
        raise MoneyError("amount must not be negative", "negative")
    if minor == 0 and not allow_zero:
        message = "amount must not be zero" if allow_negative else "amount must be positive"
        raise MoneyError(message, "zero")
    if minor > maximum:
        limit = Money(maximum, currency).format(symbol=False)
        raise MoneyError(f"amount is too large (max {limit})", "too_large")


def _check_maximum(maximum: int | None) -> int:
    if maximum is None:
        return MAX_MINOR
    if isinstance(maximum, bool) or not isinstance(maximum, int):
        raise TypeError("maximum must be an int number of minor units")
    if maximum < 0:
        raise ValueError("maximum must not be negative")
    return maximum


def parse_minor(
    text: str,
    currency: Currency = CNY,
    *,
    allow_zero: bool = False,
    allow_negative: bool = False,
    maximum: int | None = None,
) -> int:
    """``Money.parse(...).minor`` without the ``Money``: for readers of many amounts, such as statements."""
    if not isinstance(text, str):
        raise TypeError("Money.parse reads a str")
    rules = (allow_zero, allow_negative, _check_maximum(maximum))
    if len(text) > MAX_INPUT_LENGTH:
        raise MoneyError(f"amount is too long (max {MAX_INPUT_LENGTH} characters)", "too_long")
    if plain := _PLAIN.fullmatch(text):
        minor = _plain_minor(plain["whole"], plain["fraction"] or "", currency.minor_digits)
        _check_limits(minor, bool(plain["sign"]), currency, rules)
        return -minor if plain["sign"] else minor
    shown = text.strip()
    normal = text.translate(_FULLWIDTH).strip()
    if not normal:
        raise MoneyError("amount is empty", "empty")
    negative, body = _strip_sign_and_markers(normal, currency)
    minor = _to_minor(body, shown, currency.minor_digits)
    _check_limits(minor, negative, currency, rules)
    return -minor if negative else minor


# --------------------------------------------------------------------------- money


def _check_money_minor(_instance: object, _attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"Money.minor must be an int number of minor units, not {type(value).__name__}")


_ROUNDINGS = frozenset(
    {
        decimal.ROUND_05UP,
        decimal.ROUND_CEILING,
        decimal.ROUND_DOWN,
        decimal.ROUND_FLOOR,
        decimal.ROUND_HALF_DOWN,
        decimal.ROUND_HALF_EVEN,
        decimal.ROUND_HALF_UP,
        decimal.ROUND_UP,
    }
)
_DECIMAL_MAX_ADJUSTED = 40  # from_decimal refuses values of 10**40 major units and more


@attrs.frozen(order=False)
class Money:
    """An exact amount: ``minor`` integer minor units (fen for CNY) of ``currency``."""

    minor: int = attrs.field(validator=_check_money_minor)
    currency: Currency = attrs.field(default=CNY, validator=attrs.validators.instance_of(Currency))

    # ----------------------------------------------------------------- constructors

    @classmethod
    def of_minor(cls, minor: int, currency: Currency = CNY) -> Money:
        """The amount of ``minor`` minor units of ``currency``."""
        return cls(minor, currency)

    @classmethod
    def zero(cls, currency: Currency = CNY) -> Money:
        """Nothing, in ``currency``."""
        return cls(0, currency)

    @classmethod
    def parse(
        cls,
        text: str,
        currency: Currency = CNY,
        *,
        allow_zero: bool = False,
        allow_negative: bool = False,
        maximum: int | None = None,
    ) -> Money:
        """Read an amount a person typed, such as ``1,000.50``, ``¥1000``, ``1000 元`` or ``１，０００``.

        Zero, negative amounts and amounts above ``maximum`` minor units (default ``MAX_MINOR``) are
        refused unless allowed. Every refusal is a ``MoneyError`` with a customer-safe message.
        """
        minor = parse_minor(
            text, currency, allow_zero=allow_zero, allow_negative=allow_negative, maximum=maximum
        )
        return cls(minor, currency)

    @classmethod
    def from_decimal(cls, value: Decimal, currency: Currency = CNY, *, rounding: str) -> Money:
        """Round ``value`` major units to the minor unit by ``rounding``, e.g. ``decimal.ROUND_HALF_UP``."""
        if not isinstance(value, Decimal):
            raise TypeError(f"from_decimal takes a Decimal, not {type(value).__name__}")
        if rounding not in _ROUNDINGS:
            raise ValueError(f"rounding must be a decimal module rounding constant, not {rounding!r}")
        if not value.is_finite():
            raise MoneyError(f"not a number: {str(value)!r}", "not_a_number")
        if value.adjusted() >= _DECIMAL_MAX_ADJUSTED:
            raise MoneyError("amount is too large", "too_large")
        return cls(_quantize_to_minor(value, currency.minor_digits, rounding), currency)

    # ----------------------------------------------------------------- conversions

    def to_decimal(self) -> Decimal:
        """The exact amount in major units, with ``minor_digits`` decimal places."""
        return Decimal(f"{self.minor}E-{self.currency.minor_digits}")

    def format(self, *, symbol: bool = True, grouping: bool = True) -> str:
        """Show the amount, e.g. ``¥1,000.50``, ``-¥3.20`` or ``JP¥1,000``."""
        return format_minor(self.minor, self.currency, symbol=symbol, grouping=grouping)

    def __str__(self) -> str:
        return self.format()

    def __repr__(self) -> str:
        return f"Money({self.format(symbol=False, grouping=False)!r}, {self.currency.code})"

    # ----------------------------------------------------------------- predicates

    @property
    def is_zero(self) -> bool:
        """True for exactly nothing."""
        return self.minor == 0

    @property
    def is_positive(self) -> bool:
        """True above zero."""
        return self.minor > 0

    @property
    def is_negative(self) -> bool:
        """True below zero."""
        return self.minor < 0

    def __bool__(self) -> bool:
        return self.minor != 0

    # ----------------------------------------------------------------- arithmetic

    def _same_currency(self, other: Money) -> None:
        if self.currency != other.currency:
            raise MoneyError(
                f"cannot combine {self.currency.code} and {other.currency.code} amounts", "currency_mismatch"
            )

    def __add__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other)
        return Money(self.minor + other.minor, self.currency)

    def __sub__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other)
        return Money(self.minor - other.minor, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.minor, self.currency)

    def __abs__(self) -> Money:
        return Money(abs(self.minor), self.currency)

    def __mul__(self, factor: int) -> Money:
        if isinstance(factor, bool) or not isinstance(factor, int):
            return NotImplemented
        return Money(self.minor * factor, self.currency)

    def __rmul__(self, factor: int) -> Money:
        return self.__mul__(factor)

    # ----------------------------------------------------------------- ordering

    def _key(self, other: Money) -> tuple[int, int]:
        self._same_currency(other)
        return self.minor, other.minor

    def __lt__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        mine, theirs = self._key(other)
        return mine < theirs

    def __le__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        mine, theirs = self._key(other)
        return mine <= theirs

    def __gt__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        mine, theirs = self._key(other)
        return mine > theirs

    def __ge__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        mine, theirs = self._key(other)
        return mine >= theirs

    # ----------------------------------------------------------------- splitting

    def split(self, weights: Sequence[int]) -> list[Money]:
        """Split exactly by non-negative integer ``weights``; the parts always add up to this amount."""
        return [Money(part, self.currency) for part in split_amount(self.minor, weights)]

    def split_evenly(self, n: int) -> list[Money]:
        """Split into ``n`` parts as equal as possible; earlier parts get the extra minor units."""
        if isinstance(n, bool) or not isinstance(n, int):
            raise TypeError("the number of parts must be an int")
        if n < 1:
            raise MoneyError("an amount can only be split into one or more parts", "bad_weights")
        return self.split([1] * n)


def _quantize_to_minor(value: Decimal, minor_digits: int, rounding: str) -> int:
    """``value`` rounded to ``minor_digits`` places, as an integer count of minor units (exact)."""
    sign, digits, exponent = value.as_tuple()
    if not isinstance(exponent, int):  # only NaN and infinity have a letter here
        raise MoneyError(f"not a number: {str(value)!r}", "not_a_number")
    precision = len(digits) + max(exponent, 0) + minor_digits + 2
    context = decimal.Context(prec=precision, rounding=rounding, traps=[decimal.InvalidOperation])
    quantized = value.quantize(Decimal(1).scaleb(-minor_digits), context=context)
    _sign, out_digits, _exponent = quantized.as_tuple()
    magnitude = int("".join(map(str, out_digits)))
    return -magnitude if sign else magnitude


def _check_weights(weights: Sequence[int]) -> list[int]:
    checked = list(weights)
    bad = any(isinstance(w, bool) or not isinstance(w, int) or w < 0 for w in checked)
    if not checked or bad or not any(checked):
        raise MoneyError(
            "split weights must be whole numbers, none negative and at least one positive", "bad_weights"
        )
    return checked


def split_amount(total: int, weights: Sequence[int]) -> list[int]:
    """Split the integer ``total`` in proportion to ``weights`` by the largest-remainder method.

    The parts add up to ``total`` exactly and each is within one unit of its exact share. Leftover
    units go to the largest remainders, ties to the lower index. A negative total is split by its
    absolute value and every part negated; a zero weight always gets zero.
    """
    if isinstance(total, bool) or not isinstance(total, int):
        raise TypeError("split_amount splits an int")
    checked = _check_weights(weights)
    magnitude, whole = abs(total), sum(checked)
    shares = [divmod(magnitude * weight, whole) for weight in checked]
    parts = [base for base, _ in shares]
    leftover = magnitude - sum(parts)
    by_remainder = sorted(range(len(checked)), key=lambda i: (-shares[i][1], i))
    for index in by_remainder[:leftover]:
        parts[index] += 1
    return [-part for part in parts] if total < 0 else parts


def format_minor(
    minor: int, currency: Currency = CNY, *, symbol: bool = True, grouping: bool = True, signed: bool = False
) -> str:
    """``Money(minor, currency).format(...)`` without making the ``Money`` (thousands of report lines);
    ``signed`` puts a + before a gain."""
    digits = currency.minor_digits
    whole, fraction = divmod(abs(minor), 10**digits)
    number = f"{whole:,}" if grouping else str(whole)
    if digits:
        number += f".{fraction:0{digits}d}"
    sign = "-" if minor < 0 else "+" if signed and minor > 0 else ""
    return f"{sign}{currency.symbol if symbol else ''}{number}"
