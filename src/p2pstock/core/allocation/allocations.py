"""An allocation (配资): what a customer applied for, what they paid, where it stands, and its lines.

Lifecycle (DESIGN §5)::

    applied ─pay─► partially_paid ─pay─► under_review ─call, confirm─► confirmed ─assign─► in_progress
       └───── cancel / deadline ─────┴──► cancelled       └── reject ──► rejected        settle ─┘
                                                                                        settled ◄┘

While in progress the allocation also has a risk state (normal, warning, liquidation) and may be overdue
on fees. Every amount is in minor units; ``B`` is ``allocated``, ``D`` is ``deposit``.
"""

from __future__ import annotations

import enum
import functools
import json
import operator
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any, NamedTuple, TypeVar

import attrs

from p2pstock.core.allocation.products import Component, Mode, Product
from p2pstock.core.allocation.products import from_json as product_from_json
from p2pstock.core.allocation.products import to_json as product_to_json
from p2pstock.core.errors import Refused


class Status(enum.StrEnum):
    APPLIED = "applied"
    PARTIALLY_PAID = "partially_paid"
    UNDER_REVIEW = "under_review"
    CONFIRMED = "confirmed"
    IN_PROGRESS = "in_progress"
    SETTLED = "settled"
    REJECTED = "rejected"
    CANCELLED = "cancelled"

    @property
    def awaiting_payment(self) -> bool:
        return self in (Status.APPLIED, Status.PARTIALLY_PAID)

    @property
    def closed(self) -> bool:
        return self in (Status.SETTLED, Status.REJECTED, Status.CANCELLED)


class Risk(enum.StrEnum):
    """Where the total assets stand against the lines (only while in progress)."""

    NORMAL = "normal"
    WARNING = "warning"
    LIQUIDATION = "liquidation"


class CallOutcome(enum.StrEnum):
    """What the phone confirmation with the customer gave."""

    CONFIRMED = "confirmed"
    NO_ANSWER = "no_answer"
    DECLINED = "declined"


@attrs.frozen
class Hold:
    """A ledger hold (pending transfer) freezing ``amount`` of the customer's wallet for the allocation."""

    transfer_id: str
    amount: int


def _outcome(value: str) -> CallOutcome:
    """``CallOutcome(value)``, at once for a member."""
    return value if type(value) is CallOutcome else CallOutcome(value)


@attrs.frozen
class PhoneCall:
    by: str
    at: int
    outcome: CallOutcome = attrs.field(converter=_outcome)
    note: str = ""


@attrs.frozen
class Settlement:
    """What a settlement did. ``payout`` may be negative (a shortfall, 穿仓): then ``from_risk_fund`` covered
    part of it and ``receivable`` (owed by the customer) or ``loss`` (borne by the platform) the rest."""

    final_assets: int
    payout: int
    fees_collected: int
    from_risk_fund: int
    receivable: int
    loss: int
    fees_waived: int
    refund: int
    by: str
    at: int


@attrs.frozen
class Allocation:
    id: str
    customer_id: str
    product: Product
    deposit: int
    leverage: int
    term: int
    allocated: int
    fee_per_period: int
    due: Mapping[Component, int]
    created_at: int
    deadline: int
    status: Status = Status.APPLIED
    holds: Mapping[Component, Hold] = attrs.field(factory=dict)
    calls: tuple[PhoneCall, ...] = ()
    warning_line: int = 0
    liquidation_line: int = 0
    sub_account: str | None = None
    sealed_password: str = attrs.field(default="", repr=False)
    password_shown: bool = False
    password_hold: str = ""
    """The delivery the password is handed out for, until ``password_hold_until`` (see ``password.py``)."""
    password_hold_until: int = 0
    start_date: date | None = None
    end_date: date | None = None
    next_fee_date: date | None = None
    periods_charged: int = 0
    prepaid_left: int = 0
    fees_paid: int = 0
    fees_unpaid: int = 0
    overdue: bool = False
    risk: Risk = Risk.NORMAL
    """The risk state after the latest status (its ``risk_after``; normal before the first): read from the
    statuses like ``LATEST``, never stored with the allocation."""
    top_up_holds: tuple[Hold, ...] = ()
    profit_withdrawn: int = 0
    last_status_date: date | None = None
    """The day of the latest status (by trade date, then revision). This and the next two are read from
    the latest stored status: storage fills them in and never stores them with the allocation."""
    last_assets: int | None = None
    """Total assets in the latest status."""
    last_withdrawable: int = 0
    """Withdrawable cash in the latest status (what a profit withdrawal can take at most)."""
    terminating: bool = False
    """A termination was approved: the allocation waits for its settlement."""
    withdrawn_since_status: int = 0
    """Profit paid out since the close of ``last_status_date`` (a correction of that day cannot free it
    again). Storage keeps it with the status day it was counted against: once a later day's status is
    stored it reads as 0."""
    term_end_told: bool = False
    """The customer and the risk officers were told that the term has ended."""
    confirmed_at: int = 0
    """When the allocation was confirmed (microseconds): the day and time its agreement was made."""
    contract: str = ""
    """The template its agreement was printed from (``allocation.agreement``), once issued."""
    contract_hash: str = ""
    """The SHA-256 of its agreement's PDF in the document store, once issued."""
    auto_renew: bool = False
    """The customer opted in to renewing at the end of the term, a period at a time (``renewals``)."""
    renewals: int = 0
    """Periods added by automatic renewal."""
    renewed_on: date | None = None
    """The business day of the latest automatic renewal."""
    expired_on: date | None = None
    """The last day of a term that ended without renewal (到期未续): it is to be settled by ``settle_by``."""
    settle_by: date | None = None
    grace_told: bool = False
    """The risk officers were told that ``settle_by`` passed with the allocation still running."""
    reason: str = ""
    settlement: Settlement | None = None
    version: int = 0
    rung: int = 0
    """Where the latest status left the allocation on its product's alert ladder (``ladder``: the deepest
    rung reached, 0 above them all); read from the statuses like ``risk``, never stored with it."""
    top_up_by: int | None = None
    """The top-up deadline (microseconds) the latest status carries: set when a status took the allocation
    into the warning, kept while it stays below the line, gone once it is normal again (``top_up_deadline``);
    read from the statuses like ``risk``."""
    top_up_met: int = 0
    """The deadline that approved top-ups met (they cover the gap to the warning line with its margin)."""
    top_up_missed: int = 0
    """The deadline that passed unmet: the jobs marked the allocation liquidation-due for it, once."""

    @property
    def mode(self) -> Mode:
        return self.product.mode

    @property
    def outstanding(self) -> dict[Component, int]:
        """Components still to pay, with their amounts (the make-up / 补缴 list)."""
        return {c: amount for c, amount in self.due.items() if c not in self.holds}

    @property
    def paid(self) -> int:
        return sum(hold.amount for hold in self.holds.values())

    @property
    def top_ups(self) -> int:
        return sum(hold.amount for hold in self.top_up_holds)

    @property
    def stake(self) -> int:
        """What the customer has in it at book: the deposit and the top-ups, less the profit withdrawn
        (with B, what a settlement books the market's result against)."""
        return self.deposit + self.top_ups - self.profit_withdrawn

    @property
    def risk_fund(self) -> int:
        """What is left of the risk fund reserve."""
        hold = self.holds.get(Component.RISK_FUND)
        return hold.amount if hold else 0

    @property
    def initial_capital(self) -> int:
        """T0 = B + D, what the trading sub-account starts with."""
        return self.allocated + self.deposit

    @property
    def running(self) -> bool:
        return self.status is Status.IN_PROGRESS

    @property
    def rung_lines(self) -> tuple[int, ...]:
        """The lines of its product's rungs above the warning line, highest first (``ladder``)."""
        return tuple(rung.line(self.warning_line) for rung in self.product.rungs)

    @property
    def top_up_due(self) -> int | None:
        """The top-up deadline still standing: neither met by top-ups nor passed and marked."""
        by = self.top_up_by
        return None if by is None or by in (self.top_up_met, self.top_up_missed) else by

    @property
    def liquidation_due(self) -> bool:
        """At the liquidation line, or past a top-up deadline that was not met (marked by the jobs)."""
        if not self.running:
            return False
        missed = self.top_up_by is not None and self.top_up_by == self.top_up_missed
        return missed or self.risk is Risk.LIQUIDATION

    def require(self, *statuses: Status) -> None:
        if self.status not in statuses:
            raise Refused(
                f"allocation {self.id} is {self.status.value}; this needs it to be {_names(statuses)}",
                code="allocation_status",
                allocation=self.id,
            )


LATEST = ("last_status_date", "last_assets", "last_withdrawable", "risk", "rung", "top_up_by")
"""What storage reads from an allocation's latest status in effect (one held as implausible, or rejected,
tells nothing: ``plausibility``), never from the allocation's own record."""


class Watch(NamedTuple):
    """What a daily status needs of a running allocation — read without the rest of the record (a
    statement reads thousands at once) — and where its statuses stand: the day of the latest and the risk
    state after it. A named tuple: built for every row of a statement, in half the time of a frozen attrs
    instance."""

    id: str
    customer_id: str
    sub_account: str | None
    status: Status
    start_date: date | None
    warning_line: int
    liquidation_line: int
    allocated: int
    fees_unpaid: int
    last_status_date: date | None
    risk: Risk
    stake: int = 0
    """What the customer has in it at book (``Allocation.stake``)."""
    last_assets: int | None = None
    """Total assets in the latest status (in effect), what a new one is checked against."""
    move_pct: int = 30
    pnl_pct: int = 5
    """The product's ``implausible_move_pct`` and ``pnl_tolerance_pct`` (``plausibility``)."""
    rung: int = 0
    top_up_by: int | None = None
    """Where the latest status left it on the alert ladder, and the top-up deadline it carries."""
    rung_lines: tuple[int, ...] = ()
    """The lines of its product's rungs (``Allocation.rung_lines``)."""

    @classmethod
    def of(cls, a: Allocation) -> Watch:
        return cls(
            a.id,
            a.customer_id,
            a.sub_account,
            a.status,
            a.start_date,
            a.warning_line,
            a.liquidation_line,
            a.allocated,
            a.fees_unpaid,
            a.last_status_date,
            a.risk,
            a.stake,
            a.last_assets,
            a.product.implausible_move_pct,
            a.product.pnl_tolerance_pct,
            a.rung,
            a.top_up_by,
            a.rung_lines,
        )


def _names(statuses: tuple[Status, ...]) -> str:
    return " or ".join(s.value.replace("_", " ") for s in statuses)


_DATES = ("start_date", "end_date", "next_fee_date", "expired_on", "settle_by", "renewed_on")
_APART = frozenset({"withdrawn_since_status", "version", *LATEST})
"""Fields storage keeps beside the allocation's text (``from_json`` takes them as arguments)."""
_NESTED = frozenset({"product", "due", "holds", "calls", "top_up_holds", "settlement", "status", *_DATES})
_SCALARS = tuple(f.name for f in attrs.fields(Allocation) if f.name not in _NESTED | _APART)
_FIELDS = frozenset(f.name for f in attrs.fields(Allocation))


def to_json(allocation: Allocation) -> str:
    """The text an allocation is stored as; its product version travels with it, as the product's own
    text (encoded once per version)."""
    a = allocation
    fields: dict[str, object] = {name: getattr(a, name) for name in _SCALARS}
    fields |= {name: _day(getattr(a, name)) for name in _DATES}
    fields |= {
        "product": _product_text(a.product),
        "due": {c.value: amount for c, amount in a.due.items()},
        "holds": {c.value: [h.transfer_id, h.amount] for c, h in a.holds.items()},
        "calls": [[c.by, c.at, c.outcome.value, c.note] for c in a.calls],
        "top_up_holds": [[h.transfer_id, h.amount] for h in a.top_up_holds],
        "settlement": attrs.astuple(a.settlement) if a.settlement else None,
        "status": a.status.value,
    }
    return _TEXT.encode(fields)


def rewrite_json(text: str, before: Allocation, after: Allocation) -> str:
    """``to_json(after)`` from ``text``, the text ``before`` was read from: when no more than the fields a
    fee period changes (``_REWRITTEN``) differ, their values rewritten in ``text``; else ``after`` encoded
    afresh."""
    if _KEPT(before) != _KEPT(after):
        return to_json(after)
    pieces: list[str] = []
    done = 0
    for name, marker in _REWRITTEN:
        value = getattr(after, name)
        if value == getattr(before, name):
            continue
        start = text.find(marker, done) + len(marker)
        end = text.find(",", start)
        scalar = _SCALAR.get(type(value))
        if start < len(marker) or end < 0 or scalar is None:
            return to_json(after)
        pieces += (text[done:start], scalar(value))
        done = end
    return "".join((*pieces, text[done:]))


_REWRITTEN = tuple(
    (name, f',"{name}":')
    for name in ("periods_charged", "prepaid_left", "fees_paid", "fees_unpaid", "overdue", "next_fee_date")
)
"""The fields a fee period changes, in the order of a text, where each one's value starts in it: a
top-level name, since a string's quotes are escaped. Their values hold no comma."""
_SCALAR: dict[type, Callable[[Any], str]] = {
    int: int.__repr__,
    bool: lambda value: "true" if value else "false",
    date: lambda value: f'"{value.isoformat()}"',
    type(None): lambda _value: "null",
}
"""How ``to_json`` writes a value of these types."""


_TEXT = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)
"""``json.dumps`` with these settings, without building an encoder per allocation (it keeps no state)."""


def from_json(text: str, *, risk: Risk | str, **apart: object) -> Allocation:
    """The allocation stored as ``text``, with the fields storage keeps apart from it: its ``risk`` (read
    from the latest status), and any of ``version``, ``withdrawn_since_status`` and ``LATEST``. Names that
    texts written by earlier versions hold and the allocation no longer has are left out."""
    rest, product = _apart_from_product(text)
    fields: dict[str, Any] = {_STORED[k]: v for k, v in json.loads(rest).items() if k in _STORED}
    fields.update(apart)
    fields["product"] = product or _product_of(fields["product"])
    fields["due"] = {_member(Component, k): v for k, v in fields["due"].items()}
    fields["holds"] = {_member(Component, k): Hold(*v) for k, v in fields["holds"].items()}
    fields["calls"] = tuple(_call(*c) for c in fields["calls"])
    fields["top_up_holds"] = tuple(Hold(*h) for h in fields["top_up_holds"])
    for name in _DATES:
        fields[name] = _date_of(fields[name]) if fields[name] else None
    fields["settlement"] = Settlement(*fields["settlement"]) if fields["settlement"] else None
    fields["status"], fields["risk"] = _member(Status, fields["status"]), _member(Risk, risk)
    return Allocation(**fields)


_PRODUCT_AT, _DUE_AT = ',"product":"', '","due":'
"""Where ``to_json`` puts the product's text: a string just before ``due``."""


def _apart_from_product(text: str) -> tuple[str, Product | None]:
    """``text`` without its product, and the product, when ``text`` holds it where ``to_json`` puts it;
    else ``text`` and ``None``. The product's string is looked up as it is stored, not decoded again: the
    allocations of a product version share it."""
    start = text.find(_PRODUCT_AT)
    end = text.find(_DUE_AT, start) if start >= 0 else -1
    if end < 0:
        return text, None
    try:
        product = _product_of_string(text[start + len(_PRODUCT_AT) : end])
    except ValueError:  # not the product's string alone: read the whole text
        return text, None
    return text[:start] + text[end + 1 :], product


_E = TypeVar("_E", bound=enum.Enum)
_MEMBERS: dict[type[enum.Enum], dict[object, enum.Enum]] = {
    kind: {member.value: member for member in kind} for kind in (Component, Status, Risk, CallOutcome)
}
"""Members by stored value (calling an enum class costs more than the rest of reading a member)."""
_STORED = {name: name for name in _FIELDS - _APART}
"""The names a text holds, each to the field's own name: keyword arguments whose names are the very
strings the class was built with are matched at once, others by comparing them with every name."""
_KEPT = operator.attrgetter(*sorted(_STORED.keys() - {name for name, _ in _REWRITTEN}))
"""The fields of a text that ``rewrite_json`` keeps as they are."""


def _member(kind: type[_E], value: object) -> _E:
    """The member of ``kind`` that ``value`` is or names (``kind(value)``, faster)."""
    member = _MEMBERS[kind].get(value)
    return kind(value) if member is None else member  # type: ignore[return-value]


def _call(by: str, at: int, outcome: str, note: str = "") -> PhoneCall:
    return PhoneCall(by, at, _member(CallOutcome, outcome), note)


@functools.lru_cache(maxsize=4096)
def _date_of(text: str) -> date:
    """A stored ISO day (many allocations share a few)."""
    return date.fromisoformat(text)


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


@functools.lru_cache(maxsize=256)
def _product_text(product: Product) -> str:
    return product_to_json(product)


@functools.lru_cache(maxsize=256)
def _product_of(text: str) -> Product:
    return product_from_json(text)


@functools.lru_cache(maxsize=256)
def _product_of_string(escaped: str) -> Product:
    """The product whose text is the JSON string ``"escaped"``; ``ValueError`` if that is not one JSON
    string."""
    text = json.loads(f'"{escaped}"')
    if not isinstance(text, str):
        raise ValueError("not a string")
    return _product_of(text)
