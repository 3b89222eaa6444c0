"""Products as administrators write them: a TOML file of allocation products (the rate table) and loan
products, in the units people use — yuan, per cent, minutes — read into ``Product`` and ``LoanProduct``
exactly (no float ever), and written back the same way so a product can be taken out, edited and loaded
again. The bot's step-by-step definition reads each typed answer with the same ``Field``s.

::

    [[allocation_product]]
    code = "daily"
    name = "按天配资"
    mode = "daily"                       # daily (按天) | weekly (按周) | monthly (按月)
    deposit_min = "1,000"                # yuan, as text ("1,000.50", "¥1000") or whole yuan
    deposit_max = "1,000,000"
    deposit_step = "1,000"
    term_min = 2                         # trading days (daily), weeks (weekly) or months (monthly)
    term_max = 30
    rates = { 3 = "0.05%", 5 = "0.06%" } # leverage → fee per period, a share of B
    warning_ratio = "50%"                # of the deposit, above B (WL = B + w·D)
    liquidation_ratio = "30%"
    risk_fund = "0.5%"                   # of B
    prepaid_periods = 0
    payment_deadline_minutes = 120
    same_day_cutoff = "14:30"
    refund_policy = "none"               # none | unused_periods
    implausible_move = "30%"             # a status moving more in a day waits for a second administrator
    pnl_tolerance = "5%"                 # assets vs the day before + the day's P&L (0% turns a check off)
    trial = false                        # a free trial (免息体验): daily, ≤ 2 days, rates 0, once each
    expiry_grace_days = 2                # trading days to settle a term that ended without renewal
    rungs = [{ cushion = "5%", audience = "both", zh = "…", en = "…" }]
                                         # the alert ladder: lines above WL (WL × 1.05); audience customer,
                                         # risk_officers or both; a message in both languages, or none

    [[loan_product]]
    code = "personal"
    name = "个人信用借款"
    amount_min = "1,000"
    amount_max = "100,000"
    months_min = 1
    months_max = 12
    rate_min = "6%"                      # a year
    rate_max = "24%"
    methods = ["equal_installments", "bullet"]   # or 等额本息, 等额本金, 先息后本, 到期还本付息
    min_bid = "50"
    bid_step = "1"
    bidding_days_max = 3
    listing_fee = "2%"                   # of the loan, at disbursement
    interest_fee = "10%"                 # of investors' interest
    early_fee = "1%"                     # of the principal repaid early
    penalty_per_day = "0.05%"            # of overdue principal

Every problem is reported at once, each with where it is (``allocation_product[1].rates``), a ``code``
and the values its text shows; then nothing is read.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Mapping, Sequence
from datetime import time
from decimal import Decimal, InvalidOperation
from typing import Any

import attrs

from p2pstock.core.allocation.ladder import Rung
from p2pstock.core.allocation.products import LeverageRate, Mode, Product, RefundPolicy
from p2pstock.core.errors import InvalidInput, P2PStockError
from p2pstock.core.lending.products import LoanProduct
from p2pstock.core.lending.schedules import Method
from p2pstock.core.money import Money
from p2pstock.core.validation import check_text

MAX_PRODUCTS = 50
"""Products one file may hold."""


@attrs.frozen
class FileProblem:
    """What is wrong ``where`` in the file: ``code`` names it, ``values`` are what its text shows."""

    where: str
    code: str
    text: str
    values: tuple[tuple[str, object], ...] = ()

    def __str__(self) -> str:
        return f"{self.where}: {self.text}"


class CatalogUnreadable(InvalidInput):
    """A product file with problems (``problems``); nothing was read."""

    code = "catalog_unreadable"

    def __init__(self, problems: Sequence[FileProblem]) -> None:
        shown = "; ".join(str(p) for p in problems[:5])
        super().__init__(f"the product file cannot be read: {shown}")
        self.problems = tuple(problems)


@attrs.frozen
class CatalogFile:
    allocation_products: tuple[Product, ...]
    loan_products: tuple[LoanProduct, ...]


class _Bad(Exception):
    def __init__(self, code: str, text: str, **values: object) -> None:
        super().__init__(text)
        self.code, self.text, self.values = code, text, tuple(sorted(values.items()))


# -- reading one value ---------------------------------------------------------------------------------


MAX_NAME = 60
"""The longest product name (it heads the customers' rate table)."""


def _text(value: object) -> str:
    """A short line of text a person typed (a code, a name): one line, nothing hidden (``check_text``)."""
    if not isinstance(value, str) or not value.strip():
        raise _Bad("text", "must be text")
    try:
        return check_text(value, "the text", MAX_NAME, min_length=1)
    except InvalidInput as error:
        raise _Bad(
            "unsafe_text",
            f"must be one line of at most {MAX_NAME} visible characters ({error})",
            most=MAX_NAME,
        ) from None


def _whole(value: object) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise _Bad("whole", "must be a whole number above zero")
    return value


def _count(value: object) -> int:
    """A whole number that may be zero."""
    if value in (0, "0"):
        return 0
    return _whole(value)


def _yuan(value: object) -> int:
    if isinstance(value, float):
        raise _Bad("float", 'write an amount as text ("1,000.50") or whole yuan, never a decimal number')
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise _Bad("yuan", "must be an amount in yuan")
    try:
        return Money.parse(value).minor
    except P2PStockError as error:
        raise _Bad("yuan", f"must be an amount in yuan ({error})") from None


def _share(scale: int) -> Callable[[object], int]:
    """A per-cent figure (``"0.06%"``, ``"6"``) as an integer of ``scale`` parts per one per cent."""

    def read(value: object) -> int:
        if isinstance(value, float):
            raise _Bad("float", 'write a rate as text ("0.06%"), never a decimal number')
        text = str(value).strip().removesuffix("%").strip() if isinstance(value, str | int) else ""
        try:
            figure = Decimal(text) * scale
        except InvalidOperation:
            raise _Bad("percent", "must be a percentage such as 0.06%") from None
        if not figure.is_finite() or figure < 0 or figure != figure.to_integral_value():
            digits = len(str(scale)) - 1
            raise _Bad(
                "percent_precision", f"must be a percentage with at most {digits} decimals", digits=digits
            )
        return int(figure)

    return read


_PPM = _share(10_000)
"""Per cent → parts per million."""
_BP = _share(100)
"""Per cent → basis points."""
_PCT = _share(1)
"""Whole per cent."""


def _time(value: object) -> time:
    if isinstance(value, time):
        return value
    try:
        return time.fromisoformat(_text(value))
    except ValueError:
        raise _Bad("time", "must be a time of day such as 14:30") from None


_NAMES = {"按天": "daily", "按周": "weekly", "按月": "monthly", "等额本息": "equal_installments"}
_NAMES |= {
    "等额本金": "equal_principal",
    "先息后本": "interest_only",
    "到期还本付息": "bullet",
    "不退": "none",
    "退未用期": "unused_periods",
}


def _choice(kind: type[Mode] | type[RefundPolicy] | type[Method]) -> Callable[[object], object]:
    def read(value: object) -> object:
        name = _text(value)
        try:
            return kind(_NAMES.get(name, name.lower()))
        except ValueError:
            known = ", ".join(member.value for member in kind)
            raise _Bad("choice", f"must be one of {known}", known=known) from None

    return read


_METHOD = _choice(Method)
_FLAGS = {"true": True, "yes": True, "是": True, "false": False, "no": False, "否": False}


def _flag(value: object) -> bool:
    """``true`` or ``false`` (typed: yes / no, 是 / 否)."""
    if isinstance(value, bool):
        return value
    flag = _FLAGS.get(value.strip().lower()) if isinstance(value, str) else None
    if flag is None:
        raise _Bad("flag", "must be true or false")
    return flag


def _methods(value: object) -> tuple[object, ...]:
    items = re.split(r"[,，、\s]+", value.strip()) if isinstance(value, str) else value
    if not isinstance(items, list | tuple) or not items:
        raise _Bad("methods", "must list the repayment methods")
    return tuple(_METHOD(item) for item in items if item)


def _rates(value: object) -> tuple[LeverageRate, ...]:
    """``{3 = "0.05%", 5 = "0.06%"}``, or typed: ``3:0.05%, 5:0.06%``."""
    if isinstance(value, str):
        pairs = [re.split(r"\s*[:=×x]\s*", part.strip(), maxsplit=1) for part in re.split(r"[,，;；]", value)]
        value = {pair[0]: pair[1] for pair in pairs if len(pair) == 2}
    if not isinstance(value, Mapping) or not value:
        raise _Bad("rates", 'must give each leverage its rate: 3 = "0.05%", 5 = "0.06%"')
    try:
        return tuple(sorted((LeverageRate(_whole(lev), _PPM(rate)) for lev, rate in value.items()), key=_lev))
    except InvalidInput as error:
        raise _Bad("rates", f"must give each leverage its rate ({error})") from None


def _lev(rate: LeverageRate) -> int:
    return rate.leverage


_NO_RUNGS = frozenset({"none", "无", "0", "[]"})
_AUDIENCE_NAMES = {"客户": "customer", "风控": "risk_officers", "风控人员": "risk_officers", "全部": "both"}
_RUNG_KEYS = frozenset({"cushion", "audience", "zh", "en"})


def _rungs(value: object) -> tuple[Rung, ...]:
    """``[{ cushion = "5%", audience = "both", zh = "…", en = "…" }, …]``; typed: the same array, or
    ``5%:both, 10%:customer`` (no messages), or ``none``."""
    if isinstance(value, str):
        value = _typed_rungs(value.strip())
    if not isinstance(value, list) or not all(isinstance(rung, dict) for rung in value):
        raise _Bad("rungs", 'must list the rungs: [{ cushion = "5%", audience = "both" }]')
    try:
        return tuple(_rung(rung) for rung in value)
    except InvalidInput as error:
        raise _Bad(error.code or "rungs", str(error), **error.values) from None


def _typed_rungs(text: str) -> object:
    if text.lower() in _NO_RUNGS:
        return []
    if text.startswith("["):
        try:
            return tomllib.loads(f"rungs = {text}")["rungs"]
        except tomllib.TOMLDecodeError:
            raise _Bad("rungs", 'must list the rungs: [{ cushion = "5%", audience = "both" }]') from None
    pairs = [re.split(r"\s*[:=：]\s*", part.strip(), maxsplit=1) for part in re.split(r"[,，;；]", text)]
    return [{"cushion": pair[0], "audience": [*pair, "both"][1]} for pair in pairs if pair[0]]


def _rung(fields: dict[str, object]) -> Rung:
    unknown = sorted(set(fields) - _RUNG_KEYS)
    if unknown or "cushion" not in fields:
        raise _Bad("rungs", "a rung has a cushion, and may have an audience, zh and en")
    audience = fields.get("audience", "both")
    if isinstance(audience, str):
        audience = _AUDIENCE_NAMES.get(audience.strip(), audience.strip().lower())
    return Rung(_BP(fields["cushion"]), audience, fields.get("zh", ""), fields.get("en", ""))


def _rungs_text(rungs: tuple[Rung, ...]) -> str:
    return "[" + ", ".join(_rung_text(rung) for rung in rungs) + "]"


def _rung_text(rung: Rung) -> str:
    shown = [f"cushion = {_percent_text(100)(rung.cushion_bp)}", f"audience = {_quoted(rung.audience.value)}"]
    if rung.own_message:
        shown += [f"zh = {_quoted(rung.zh)}", f"en = {_quoted(rung.en)}"]
    return "{ " + ", ".join(shown) + " }"


def _rungs_typed(rungs: tuple[Rung, ...]) -> str:
    return _rungs_text(rungs) if rungs else "none"


# -- the fields of each kind ---------------------------------------------------------------------------


@attrs.frozen
class Field:
    """One entry of a product in the file: its ``key``, the product's ``attribute`` it fills, how a value
    is read, how it is written back, whether it may be left out (the product's default then), and how a
    value is shown for a person to type again (``typed``; default: as written, without quotes)."""

    key: str
    attribute: str
    read: Callable[[object], object]
    write: Callable[[Any], str]
    optional: bool = False
    typed: Callable[[Any], str] | None = None

    def show(self, value: object) -> str:
        """``value`` as a person types it (what ``read`` reads back as the same value)."""
        return self.typed(value) if self.typed is not None else self.write(value).strip('"')


def _quoted(value: object) -> str:
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _yuan_text(minor: int) -> str:
    return _quoted(Money(minor).format(symbol=False))


def _percent_text(scale: int) -> Callable[[int], str]:
    return lambda figure: _quoted(f"{(Decimal(figure) / scale).normalize():f}%")


def _rates_typed(rates: tuple[LeverageRate, ...]) -> str:
    return ", ".join(f"{r.leverage}:{_percent_text(10_000)(r.rate_ppm).strip(chr(34))}" for r in rates)


def _methods_typed(methods: tuple[Method, ...]) -> str:
    return ", ".join(method.value for method in methods)


def _rates_text(rates: tuple[LeverageRate, ...]) -> str:
    shown = ", ".join(f"{r.leverage} = {_percent_text(10_000)(r.rate_ppm)}" for r in rates)
    return "{ " + shown + " }"


ALLOCATION_FIELDS: tuple[Field, ...] = (
    Field("code", "code", _text, _quoted),
    Field("name", "name", _text, _quoted),
    Field("mode", "mode", _choice(Mode), lambda m: _quoted(m.value)),
    Field("deposit_min", "deposit_min", _yuan, _yuan_text),
    Field("deposit_max", "deposit_max", _yuan, _yuan_text),
    Field("deposit_step", "deposit_step", _yuan, _yuan_text),
    Field("term_min", "term_min", _whole, str),
    Field("term_max", "term_max", _whole, str),
    Field("rates", "rates", _rates, _rates_text, typed=_rates_typed),
    Field("warning_ratio", "warning_ratio_pct", _PCT, _percent_text(1), optional=True),
    Field("liquidation_ratio", "liquidation_ratio_pct", _PCT, _percent_text(1), optional=True),
    Field("risk_fund", "risk_fund_ppm", _PPM, _percent_text(10_000), optional=True),
    Field("prepaid_periods", "prepaid_periods", _count, str, optional=True),
    Field("payment_deadline_minutes", "payment_deadline_minutes", _whole, str, optional=True),
    Field("same_day_cutoff", "same_day_cutoff", _time, lambda t: _quoted(t.strftime("%H:%M")), optional=True),
    Field("refund_policy", "refund_policy", _choice(RefundPolicy), lambda p: _quoted(p.value), optional=True),
    Field("implausible_move", "implausible_move_pct", _PCT, _percent_text(1), optional=True),
    Field("pnl_tolerance", "pnl_tolerance_pct", _PCT, _percent_text(1), optional=True),
    Field("trial", "trial", _flag, lambda flag: "true" if flag else "false", optional=True),
    Field("expiry_grace_days", "expiry_grace_days", _count, str, optional=True),
    Field("rungs", "rungs", _rungs, _rungs_text, optional=True, typed=_rungs_typed),
)
LOAN_FIELDS: tuple[Field, ...] = (
    Field("code", "code", _text, _quoted),
    Field("name", "name", _text, _quoted),
    Field("amount_min", "amount_min", _yuan, _yuan_text),
    Field("amount_max", "amount_max", _yuan, _yuan_text),
    Field("months_min", "months_min", _whole, str),
    Field("months_max", "months_max", _whole, str),
    Field("rate_min", "rate_min_bp", _BP, _percent_text(100)),
    Field("rate_max", "rate_max_bp", _BP, _percent_text(100)),
    Field(
        "methods",
        "methods",
        _methods,
        lambda ms: "[" + ", ".join(_quoted(m.value) for m in ms) + "]",
        typed=_methods_typed,
    ),
    Field("min_bid", "min_bid", _yuan, _yuan_text, optional=True),
    Field("bid_step", "bid_step", _yuan, _yuan_text, optional=True),
    Field("bidding_days_max", "bidding_days_max", _whole, str, optional=True),
    Field("listing_fee", "listing_fee_bp", _BP, _percent_text(100), optional=True),
    Field("interest_fee", "interest_fee_bp", _BP, _percent_text(100), optional=True),
    Field("early_fee", "early_fee_bp", _BP, _percent_text(100), optional=True),
    Field("penalty_per_day", "penalty_bp_per_day", _BP, _percent_text(100), optional=True),
    Field("auto_invest_share", "auto_share_bp", _BP, _percent_text(100), optional=True),
    Field("transfer_fee_per_period", "transfer_fee_bp", _BP, _percent_text(100), optional=True),
    Field("transfer_fee_cap", "transfer_fee_cap_bp", _BP, _percent_text(100), optional=True),
    Field("transfer_price_range", "transfer_price_bp", _BP, _percent_text(100), optional=True),
    Field("transfer_closed_days", "transfer_closed_days", _count, str, optional=True),
    Field("transfer_listing_days", "transfer_listing_days", _whole, str, optional=True),
    Field("guarantee_days", "guarantee_days", _count, str, optional=True),
    Field("reserve_fee_share", "reserve_fee_bp", _BP, _percent_text(100), optional=True),
)
KINDS: dict[str, tuple[tuple[Field, ...], type[Product] | type[LoanProduct]]] = {
    "allocation_product": (ALLOCATION_FIELDS, Product),
    "loan_product": (LOAN_FIELDS, LoanProduct),
}
"""A table of the file → its fields and the product it makes."""


def read_field(field: Field, value: object, where: str) -> object:
    """One value read, or ``CatalogUnreadable`` naming it (what the bot's steps use)."""
    try:
        return field.read(value)
    except _Bad as bad:
        raise CatalogUnreadable([FileProblem(where, bad.code, bad.text, bad.values)]) from None


def build(kind: str, values: Mapping[str, object], where: str) -> Product | LoanProduct:
    """A product of ``kind`` from values already read (keys as in the file); its own rules checked."""
    fields, make = KINDS[kind]
    known: dict[str, Any] = {f.attribute: values[f.key] for f in fields if f.key in values}
    missing = [f.key for f in fields if not f.optional and f.key not in values]
    if missing:
        problems = [FileProblem(f"{where}.{key}", "missing", "is missing") for key in missing]
        raise CatalogUnreadable(problems)
    try:
        return make(version=1, **known)
    except InvalidInput as error:
        raise CatalogUnreadable(
            [FileProblem(where, error.code or "product", str(error), tuple(sorted(error.values.items())))]
        ) from None


# -- reading and writing a file ------------------------------------------------------------------------


def read_catalog(text: str) -> CatalogFile:
    """The products ``text`` defines (``CatalogUnreadable`` naming every problem)."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise CatalogUnreadable([FileProblem("file", "toml", f"is not TOML ({error})")]) from None
    problems = [
        FileProblem(kind, "unknown", "is not a kind of product") for kind in document if kind not in KINDS
    ]
    made: dict[str, list[Product | LoanProduct]] = {kind: [] for kind in KINDS}
    for kind in KINDS:
        entries = document.get(kind, [])
        if not isinstance(entries, list) or len(entries) > MAX_PRODUCTS:
            problems.append(
                FileProblem(kind, "entries", f"must be a list of at most {MAX_PRODUCTS} products")
            )
            continue
        for number, entry in enumerate(entries, 1):
            try:
                made[kind].append(_product(kind, entry, f"{kind}[{number}]"))
            except CatalogUnreadable as unreadable:
                problems += unreadable.problems
    codes = [(kind, p.code) for kind, products in made.items() for p in products]
    twice = sorted({found for found in codes if codes.count(found) > 1})
    problems += [FileProblem(f"{kind}.{code}", "twice", "is defined twice") for kind, code in twice]
    if not problems and not codes:
        problems.append(FileProblem("file", "empty", "defines no product"))
    if problems:
        raise CatalogUnreadable(problems)
    allocation = tuple(p for p in made["allocation_product"] if isinstance(p, Product))
    return CatalogFile(allocation, tuple(p for p in made["loan_product"] if isinstance(p, LoanProduct)))


def _product(kind: str, entry: object, where: str) -> Product | LoanProduct:
    fields, _make = KINDS[kind]
    if not isinstance(entry, dict):
        raise CatalogUnreadable([FileProblem(where, "entry", "must be a table of fields")])
    by_key = {f.key: f for f in fields}
    problems = [
        FileProblem(f"{where}.{key}", "unknown", "is not a field of this product")
        for key in entry
        if key not in by_key
    ]
    values: dict[str, object] = {}
    for key, raw in entry.items():
        if key in by_key:
            try:
                values[key] = by_key[key].read(raw)
            except _Bad as bad:
                problems.append(FileProblem(f"{where}.{key}", bad.code, bad.text, bad.values))
    if problems:
        raise CatalogUnreadable(problems)
    return build(kind, values, where)


def catalog_text(
    allocation_products: Sequence[Product] = (), loan_products: Sequence[LoanProduct] = ()
) -> str:
    """The TOML that reads back as these products (versions are the catalogue's, so they are left out)."""
    blocks = [_block("allocation_product", ALLOCATION_FIELDS, p) for p in allocation_products]
    blocks += [_block("loan_product", LOAN_FIELDS, p) for p in loan_products]
    return "\n".join(blocks)


def _block(kind: str, fields: tuple[Field, ...], product: object) -> str:
    lines = [f"[[{kind}]]"] + [f"{f.key} = {f.write(getattr(product, f.attribute))}" for f in fields]
    return "\n".join(lines) + "\n"
