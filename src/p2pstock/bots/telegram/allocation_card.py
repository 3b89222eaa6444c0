"""One allocation's facts, a line each, as its customer or an administrator reads them: what both read is
written once (money, term, lines, dates, fees, risk fund, settlement); each audience's own is added by
audience (the customer's what-to-pay; the staff's customer, phone calls, fee periods, pending requests)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, tzinfo

from p2pstock.bots.telegram.ladder_lines import ladder_lines
from p2pstock.bots.telegram.platform_time import local_time
from p2pstock.bots.telegram.product_cards import basis_points, per_period, term_unit
from p2pstock.bots.telegram.texts import text
from p2pstock.core.allocation.allocations import Allocation, CallOutcome, Status
from p2pstock.core.allocation.products import Component
from p2pstock.core.allocation.risk import read_risk
from p2pstock.core.allocation.service import Timeline
from p2pstock.core.allocation.side_requests import RequestStatus
from p2pstock.core.money import Money
from p2pstock.core.names import name_of, value_name

Line = tuple[str, Mapping[str, object]]
"""A line of the card: its text key and values."""
DETAIL, STAFF = "alloc.detail.", "admin.alloc.card."
"""The keys of the customer's wording (and of the facts both read alike), and of the staff's own."""


@dataclass(frozen=True)
class Reader:
    """Who reads the card, in ``lang``, times shown in ``zone``: the customer, or (with the allocation's
    ``timeline`` and the customer's name and masked phone, ``who``) an administrator."""

    lang: str
    zone: tzinfo
    timeline: Timeline | None = None
    who: tuple[str, str] = ("", "")

    @property
    def staff(self) -> bool:
        return self.timeline is not None

    def own(self, name: str) -> str:
        """The key of the reader's own wording of the fact ``name``."""
        return (STAFF if self.staff else DETAIL) + name


def card_lines(allocation: Allocation, reader: Reader) -> list[str]:
    """Everything ``reader`` may know of ``allocation``, a line each."""
    sections = (_head, ladder_lines, _money, _due, _calls, _account, _running, _closing)
    lines = (line for section in sections for line in section(allocation, reader))
    return [text(key, reader.lang, **values) for key, values in lines]


def day(value: date | None) -> str:
    return value.isoformat() if value is not None else "—"


def _head(a: Allocation, r: Reader) -> Iterator[Line]:
    """Which allocation, in which status (whose and of which product, to the staff); fees overdue and a
    termination awaiting its settlement."""
    if r.staff:
        yield STAFF + "head", {"id": a.id, "status": a.status}
        yield STAFF + "customer", {"customer": " ".join(filter(None, (a.customer_id, *r.who)))}
        product = f"{a.product.name} [{a.product.code}]"
        yield STAFF + "product", {"product": product, "version": a.product.version, "mode": a.mode}
    else:
        yield DETAIL + "title", {"id": a.id, "name": a.product.name, "mode": a.mode}
        yield DETAIL + "status", {"status": a.status}
    if a.product.trial:
        yield DETAIL + "trial", {}
    if a.running and not r.staff:
        yield DETAIL + "risk", {"risk": text(f"alloc.risk.{a.risk.value}", r.lang)}
    if a.overdue:
        yield DETAIL + "overdue", {"amount": Money(a.fees_unpaid)}
    if a.terminating and a.running:
        yield DETAIL + "terminating", {}
    if a.running and a.settle_by is not None:
        yield DETAIL + "expired", {"end": day(a.expired_on), "settle_by": day(a.settle_by)}
    elif a.auto_renew and a.status in (Status.CONFIRMED, Status.IN_PROGRESS):
        yield DETAIL + "auto_renew", {}


def _money(a: Allocation, r: Reader) -> Iterator[Line]:
    """D × leverage = B, the term and the fee of a period."""
    yield (
        r.own("funds"),
        {"deposit": Money(a.deposit), "leverage": a.leverage, "allocated": Money(a.allocated)},
    )
    unit, per, fee = term_unit(a.mode, r.lang), per_period(a.mode, r.lang), Money(a.fee_per_period)
    yield DETAIL + "term", {"term": a.term, "unit": unit, "fee": fee, "per": per}


def _due(a: Allocation, r: Reader) -> Iterator[Line]:
    """What is paid and what is still to pay: to the customer, by its deadline while it awaits payment; to
    the staff, on a line, with when it was applied for."""
    awaiting, deadline = a.status.awaiting_payment, local_time(a.deadline, r.zone)
    paid = {part: ("paid" if part in a.holds else "open", Money(due)) for part, due in a.due.items()}
    if r.staff:
        if awaiting:
            yield STAFF + "applied", {"applied": local_time(a.created_at, r.zone), "deadline": deadline}
        parts = [
            text(f"{STAFF}component_{state}", r.lang, component=part, amount=amount)
            for part, (state, amount) in paid.items()
        ]
        yield STAFF + "paid", {"components": _listed(parts, r.lang)}
    elif awaiting:
        yield DETAIL + "due_title", {"deadline": deadline}
        for part, (state, amount) in paid.items():
            yield f"{DETAIL}due_{state}", {"component": part, "amount": amount}
        yield DETAIL + "due_total", {"total": Money(sum(a.due.values())), "paid": Money(a.paid)}


def _calls(a: Allocation, r: Reader) -> Iterator[Line]:
    """The staff's: the phone calls with the customer, or that there was none yet under review."""
    if not r.staff or not (a.calls or a.status is Status.UNDER_REVIEW):
        return
    yield STAFF + ("calls" if a.calls else "no_calls"), {}
    for phone in a.calls:
        outcome, at = value_name(CallOutcome, phone.outcome, r.lang), local_time(phone.at, r.zone)
        note = f" — {phone.note}" if phone.note else ""
        yield STAFF + "call", {"when": at, "by": phone.by, "outcome": outcome, "note": note}


def _account(a: Allocation, r: Reader) -> Iterator[Line]:
    """The trading sub-account and its dates, and the warning and liquidation lines."""
    start, end = day(a.start_date), day(a.end_date)
    if r.staff and a.sub_account:
        yield STAFF + "account", {"sub_account": a.sub_account, "start": start, "end": end}
    if not r.staff and a.start_date is not None and a.end_date is not None:
        yield DETAIL + "dates", {"start": start, "end": end}
    if not r.staff and a.sub_account:
        yield DETAIL + "sub_account", {"sub_account": a.sub_account}
    if a.warning_line:
        yield DETAIL + "lines", {"warning": Money(a.warning_line), "liquidation": Money(a.liquidation_line)}


def _running(a: Allocation, r: Reader) -> Iterator[Line]:
    """Once trading started: the latest assets and risk, the fees, the risk fund, top-ups and profit."""
    if a.start_date is None:
        return
    yield from _latest(a, r)
    yield DETAIL + "fees", {"paid": Money(a.fees_paid), "unpaid": Money(a.fees_unpaid)}
    if r.staff:
        yield STAFF + "periods", {"charged": a.periods_charged, "prepaid": a.prepaid_left}
        if a.next_fee_date is not None and a.status is Status.IN_PROGRESS:
            yield STAFF + "next_fee", {"day": a.next_fee_date.isoformat()}
    if Component.RISK_FUND in a.due:
        yield DETAIL + "risk_fund", {"amount": Money(a.risk_fund)}
    yield DETAIL + "extras", {"top_ups": Money(a.top_ups), "profit": Money(a.profit_withdrawn)}


def _latest(a: Allocation, r: Reader) -> Iterator[Line]:
    """The latest total assets and risk ratio: to the customer as core reads them now; to the staff as the
    latest daily status recorded them, with the risk state."""
    assets, on = a.last_assets, a.last_status_date
    if r.timeline is None:
        if assets is not None and on is not None:
            yield DETAIL + "assets", {"assets": Money(assets), "day": on.isoformat()}
            if a.warning_line:
                yield DETAIL + "ratio", {"ratio": _ratio(a, assets)}
        return
    risk = text(f"admin.alloc.risk.{a.risk}", r.lang)
    if assets is None or on is None:
        yield STAFF + "no_status", {"risk": risk}
        return
    latest = [s for s in r.timeline.statuses if s.trade_date == on and s.in_effect]
    ratio = f"{basis_points(latest[-1].ratio_bp)}%" if latest else "—"
    yield (
        STAFF + "last_status",
        {"day": on.isoformat(), "assets": Money(assets), "ratio": ratio, "risk": risk},
    )


def _closing(a: Allocation, r: Reader) -> Iterator[Line]:
    """The staff's pending side requests; why it was rejected or cancelled; the settlement."""
    pending = [q for q in r.timeline.requests if q.status is RequestStatus.PENDING] if r.timeline else []
    if pending:
        kinds = [(name_of(q.kind, r.lang), q.amount) for q in pending]
        listed = [f"{kind} {Money(amount)}" if amount else kind for kind, amount in kinds]
        yield STAFF + "requests", {"requests": _listed(listed, r.lang)}
    if a.reason and (r.staff or a.status in (Status.REJECTED, Status.CANCELLED)):
        yield "reason", {"reason": a.reason}
    if (s := a.settlement) is None:
        return
    figures = {
        "final": s.final_assets,
        "payout": s.payout if r.staff else max(s.payout, 0),
        "fees": s.fees_collected,
        "from_fund": s.from_risk_fund,
        "refund": s.refund,
        "receivable": s.receivable,
        "loss": s.loss,
    }
    yield r.own("settlement"), {name: Money(minor) for name, minor in figures.items()}
    for owed in () if r.staff else ("receivable", "loss"):
        if figures[owed]:
            yield DETAIL + owed, {"amount": Money(figures[owed])}


def _listed(parts: list[str], lang: str) -> str:
    return text("admin.alloc.separator", lang).join(parts)


def _ratio(a: Allocation, assets: int) -> str:
    """R = A / (B + unpaid fees), as core reads it."""
    lines = {"warning_line": a.warning_line, "liquidation_line": a.liquidation_line}
    reading = read_risk(a.risk, assets, allocated=a.allocated, unpaid_fees=a.fees_unpaid, **lines)
    return basis_points(reading.ratio_bp)
