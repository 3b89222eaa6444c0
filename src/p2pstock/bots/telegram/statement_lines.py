"""What each line of a customer's fund activity says: what the movement was for ("配资管理费 #a1 第 3 日",
"还款 借款 #l1 第 2 期") and what became of it, in the customer's language."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import attrs

from p2pstock.bots.telegram.services import BotServices
from p2pstock.bots.telegram.texts import text
from p2pstock.core.allocation.products import Mode
from p2pstock.core.clock import from_micros
from p2pstock.core.ledger import activity, chart, codes
from p2pstock.core.ledger.activity import Movement, Outcome
from p2pstock.core.ledger.service import Ledger
from p2pstock.core.money import Currency, Money, format_minor
from p2pstock.core.names import code_name, name_of

PAYMENTS = (codes.LOAN_REPAYMENT, codes.LOAN_PRINCIPAL, codes.LOAN_INTEREST, codes.LOAN_PENALTY)
"""The codes of a loan's payment, whose lines name the installments it was for."""


@attrs.frozen
class Known:
    """What the lines name beyond their movements: the mode of each of the customer's allocations (a fee
    period is a day or a month), and the installments (first, last) each loan payment's line was for, by
    the movement's ``seq``."""

    modes: Mapping[str, Mode] = attrs.field(factory=dict)
    installments: Mapping[int, tuple[int, int]] = attrs.field(factory=dict)


def known(services: BotServices, customer_id: str, movements: Sequence[Movement]) -> Known:
    """What ``movements`` (the customer's own) name: read once for all of them."""
    periods = any(m.code.startswith(codes.ALLOCATION) and activity.purpose(m).period for m in movements)
    allocations = services.allocations.of_customer(customer_id) if periods else []
    installments: dict[int, tuple[int, int]] = {}
    for loan_id in {m.reference for m in movements if m.code in PAYMENTS and m.reference}:
        settled = {i.number: i.settled_at for i in services.lending.installments(loan_id)}
        for m in (m for m in movements if m.code in PAYMENTS and m.reference == loan_id):
            purpose = activity.purpose(m)
            if purpose.advanced or purpose.write_off:  # names its installment itself, or none
                if purpose.advanced:
                    installments[m.seq] = (purpose.advanced, purpose.advanced)
                continue
            earlier = _earlier_payments(services.ledger, customer_id, m, settled)
            if paid := activity.paid_installments(m.timestamp, settled, earlier):
                installments[m.seq] = paid
    return Known({a.id: a.mode for a in allocations}, installments)


def _earlier_payments(
    ledger: Ledger, customer_id: str, m: Movement, settled: Mapping[int, int | None]
) -> list[int]:
    """When the customer's payments of the loan before ``m`` (a payment of it) were booked, from the last
    time installments were settled before it on (what ``activity.paid_installments`` needs); none for an
    investor's line, which only a payment that settled installments brings."""
    last = activity.last_settled(m.timestamp, settled)
    if m.code != codes.LOAN_REPAYMENT or last is None:
        return []
    span = {"start": from_micros(last), "end": from_micros(m.timestamp + 1)}
    read = ledger.activity(chart.wallet_id(customer_id), **span, before=m.seq, limit=1000)
    return [e.timestamp for e in read.movements if e.code == m.code and e.reference == m.reference]


def what(m: Movement, lang: str, named: Known | None = None) -> str:
    """What ``m`` was for: its code's name, and the allocation or loan it names, with the fee period or
    the installments where they are known."""
    purpose, name = activity.purpose(m), code_name("ledger", m.code, lang)
    if not purpose.of:
        said = name
    elif m.code.startswith(codes.ALLOCATION):
        key, n = _allocation_what(m.code, purpose, (named or Known()).modes.get(purpose.of))
        said = text(key, lang, what=name, id=purpose.of, n=n)
    else:
        said = _loan_what(name, purpose.of, (named or Known()).installments.get(m.seq), lang)
    if purpose.early:
        said = text("statement.what.early", lang, what=said)
    if purpose.advanced:
        said = text("statement.what.advanced", lang, what=said)
    if purpose.write_off:
        said = text("statement.what.write_off", lang, what=said)
    return said[:1].upper() + said[1:]


def _allocation_what(code: str, purpose: activity.Purpose, mode: Mode | None) -> tuple[str, int]:
    """The text that says an allocation's line, and the fee period it names (0: none)."""
    rest = "rest_" if code == codes.ALLOCATION_RISK_FUND else ""
    if purpose.arrears:
        return f"statement.what.{rest}arrears", 0
    if not purpose.period:
        return "statement.what.allocation", 0
    return f"statement.what.{rest}{'period' if mode is None else mode.value}", purpose.period


def _loan_what(name: str, loan_id: str, paid: tuple[int, int] | None, lang: str) -> str:
    if paid is None:
        return text("statement.what.loan", lang, what=name, id=loan_id)
    first, last = paid
    key = "statement.what.installment" if first == last else "statement.what.installments"
    return text(key, lang, what=name, id=loan_id, first=first, last=last)


def movement_line(m: Movement, currency: Currency, lang: str, named: Known | None = None) -> str:
    """One movement: the day, what it was for, the change, and where a hold stands."""
    return text(
        "statement.movement",
        lang,
        day=m.day,
        what=what(m, lang, named),
        change=format_minor(m.change, currency, signed=True),
        state=""
        if m.outcome is Outcome.DONE
        else text("statement.state", lang, state=state(m, currency, lang)),
    )


def state(m: Movement, currency: Currency, lang: str) -> str:
    """Where a movement stands, in words (a hold's amount and what was taken of it where that says more)."""
    held, taken = Money(m.held, currency), Money(m.taken, currency)
    if m.outcome is Outcome.PARTLY:
        return text("statement.partly", lang, held=held, taken=taken)
    if m.outcome in (Outcome.RELEASED, Outcome.EXPIRED):
        return text("statement.released", lang, held=held, state=name_of(m.outcome, lang))
    return name_of(m.outcome, lang)
