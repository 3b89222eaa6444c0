"""The investors' monthly summary of their holdings: once a month (in the platform's time zone), for the month
just ended, every investor who held principal in a loan at some time in it — received something, was owed
something, or both — gets one bot digest in their language: a line of totals (received in the month with
its principal, interest and penalty interest after the platform's fee, the fee, the principal outstanding
at the month's end, what is expected the next month), then a line per loan (what they invested, what it
brought in the month, what is outstanding, and the next installment expected, or how long it is overdue and
its bucket, or that it is repaid). A month without any payment still summarises what is outstanding: a
holding whose borrower paid nothing is the one its investor most needs to hear about. Figures are read as
``month_figures`` explains: the month's exactly from the ledger, what comes next as the loan stands when
the summary is made.

``send_due(day)`` (the scheduled jobs) summarises the month before ``day``'s on the first run of a month;
``send(month)`` (``p2pstock jobs holdings``) any month that has ended. Each investor is told a month once,
however often and by how many workers it runs, and whatever crashed halfway: the digest and a notice mark
(``holdings.summary:<month>:<investor>``, ``uow.notice_marks``) are written in the same transaction, and a
mark already there tells nothing more. Once every investor was gone through, the month is noted done
(``holdings.summarised:<month>`` in the UI state), so later runs of the month read nothing else.

An investor switches it off and on again with ``switch`` (``holdings.off:<customer>`` in the UI state, as the
daily report of allocations does); ``so_far`` is their summary of the current month up to today.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from functools import partial

import attrs

from p2pstock.core import opt_outs
from p2pstock.core.backoffice import Tx
from p2pstock.core.errors import InvalidInput
from p2pstock.core.lending.desk import LoanDesk
from p2pstock.core.lending.loans import Loan, LoanStatus
from p2pstock.core.lending.month_figures import HoldingMonth, Period, loan_holdings
from p2pstock.core.lending.repayments import Parts
from p2pstock.core.money import Money
from p2pstock.core.names import code_name
from p2pstock.core.notifications import render_values

QUIET = "holdings.off:"
"""UI state key prefix (and the customer id) of an investor who switched the monthly summary off."""
DONE = "holdings.summarised:"
"""UI state key prefix (and the month, ``2026-04``) of a month every investor was gone through for."""
MARK = "holdings.summary:"
"""Notice mark prefix (then ``<month>:<investor>``) of an investor told a month's summary."""
DIGEST = "loan.summary"
LOANS = 50
"""Loans read per transaction."""
INVESTORS = 200
"""Investors told per transaction."""
LENT = (LoanStatus.REPAYING, LoanStatus.REPAID)
_FIRST_READ = 10_000
"""Lent loans read at first; the storage lists them without pages, so a longer list is read again whole."""
UNKNOWN = "—"
"""Shown for a fee that is not known exactly."""


@attrs.frozen
class MonthSummary:
    """One investor's holdings over a month, ``first`` to ``last`` (the month so far, when it has not
    ended)."""

    first: date
    last: date
    holdings: tuple[HoldingMonth, ...]

    @property
    def received(self) -> Parts:
        return sum((h.received for h in self.holdings), Parts())

    @property
    def fee(self) -> int | None:
        fees = [h.fee for h in self.holdings]
        return None if None in fees else sum(f for f in fees if f is not None)

    @property
    def outstanding(self) -> int:
        return sum(h.outstanding for h in self.holdings)

    @property
    def expected_next_month(self) -> int:
        return sum(h.expected_next_month for h in self.holdings)

    def lines(self, language: str) -> list[str]:
        """The totals, then a line per loan, in ``language``."""
        told = [_total_line(self), *(_holding_line(h) for h in self.holdings)]
        return [render_values(key, language, _named(values, language)) for key, values in told]


@attrs.define
class MonthlySummaries:
    desk: LoanDesk

    def wanted(self, customer_id: str) -> bool:
        """Whether the investor gets the monthly summary (unless they switched it off)."""
        return opt_outs.wanted(self.desk.office, QUIET, customer_id)

    def switch(self, customer_id: str, *, on: bool) -> bool:
        """Switch the investor's monthly summary on or off; whether it is on."""
        return opt_outs.switch(self.desk.office, QUIET, customer_id, on=on)

    def so_far(self, investor_id: str) -> MonthSummary:
        """The investor's holdings this month, up to today."""

        def read(tx: Tx) -> MonthSummary:
            today = self.desk.today(tx)
            period = self._period(month_of(today), today, today)
            loan_ids = sorted({i.loan_id for i in tx.uow.investments.of_investor(investor_id)})
            loans = [self.desk.load(tx, loan_id, lock=False) for loan_id in loan_ids]
            found = [loan_holdings(tx, loan, period, investor_id).get(investor_id) for loan in loans]
            return MonthSummary(period.first, today, tuple(h for h in found if h is not None))

        return self.desk.office.read(read)

    def send_due(self, day: date) -> int:
        """The scheduled job: summarise the month before ``day``'s unless it is done; investors told."""
        month = month_of(month_of(day) - timedelta(days=1))
        if self.desk.office.read(partial(_done, month=month)):
            return 0
        return self.send(month)

    def send(self, month: date) -> int:
        """Tell every investor with holdings in ``month`` (an ended one) who was not told it yet, unless they
        switched it off; how many were told."""
        first, last = month_of(month), last_day(month)
        today = self.desk.office.read(self.desk.today)
        if last >= today:
            raise InvalidInput(
                f"{label(first)} has not ended: a month is summarised from its next day on",
                code="month_not_ended",
                month=label(first),
            )
        summaries = self._summaries(self._period(first, last, today))
        investors = sorted(summaries)
        told = 0
        for start in range(0, len(investors), INVESTORS):
            batch = {i: summaries[i] for i in investors[start : start + INVESTORS]}
            told += self.desk.office.run(partial(_tell, month=first, summaries=batch))
        self.desk.office.run(partial(_note_done, month=first))
        return told

    def _summaries(self, period: Period) -> dict[str, MonthSummary]:
        """Investor id → their summary over ``period``, every lent loan read (``LOANS`` a transaction)."""
        loans = [loan for loan in self.desk.office.read(_lent) if _lent_before(loan, period)]
        found: dict[str, list[HoldingMonth]] = {}
        for start in range(0, len(loans), LOANS):
            read = partial(_holdings, loans=loans[start : start + LOANS], period=period)
            for holdings in self.desk.office.read(read):
                for investor, holding in holdings.items():
                    found.setdefault(investor, []).append(holding)
        return {
            investor: MonthSummary(period.first, period.last, tuple(sorted(held, key=_by_loan)))
            for investor, held in found.items()
        }

    def _period(self, first: date, last: date, today: date) -> Period:
        after = last_day(first) + timedelta(days=1)
        days = self.desk.ledger.day_range(first, last)
        return Period(first, last, days, today, (after, last_day(after)))


# -- the months --------------------------------------------------------------------------------------------


def month_of(day: date) -> date:
    """The first day of ``day``'s month (how a month is named here)."""
    return day.replace(day=1)


def last_day(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def label(month: date) -> str:
    """``2026-04``."""
    return f"{month:%Y-%m}"


def _done(tx: Tx, *, month: date) -> bool:
    return tx.uow.ui_state.get(DONE + label(month)) is not None


def _note_done(tx: Tx, *, month: date) -> None:
    tx.uow.ui_state.put(DONE + label(month), "done")


# -- reading ---------------------------------------------------------------------------------------------


def _lent(tx: Tx) -> list[Loan]:
    """Every loan that was disbursed (being repaid, or repaid): the storage lists them whole, at most a
    number at a time, so a list that filled the number is read again with a larger one."""
    most = _FIRST_READ
    while len(found := tx.uow.loans.in_status(LENT, most)) == most:
        most *= 4
    return found


def _lent_before(loan: Loan, period: Period) -> bool:
    return loan.disbursed_at is not None and loan.disbursed_at < period.days.end


def _holdings(tx: Tx, *, loans: Sequence[Loan], period: Period) -> list[dict[str, HoldingMonth]]:
    return [loan_holdings(tx, loan, period) for loan in loans]


def _by_loan(holding: HoldingMonth) -> str:
    return holding.loan_id


# -- telling ---------------------------------------------------------------------------------------------


def _tell(tx: Tx, *, month: date, summaries: Mapping[str, MonthSummary]) -> int:
    """Tell each investor of ``summaries`` their month, marked told in this transaction: not one who switched
    it off, does not use the bot, or was told it already. How many were told."""
    quiet = opt_outs.quiet(tx, QUIET)
    customers = tx.uow.customers.many(sorted(summaries))
    told = 0
    for investor, summary in summaries.items():
        customer = customers.get(investor)
        if investor in quiet or customer is None or customer.telegram_user_id is None:
            continue
        if tx.uow.notice_marks.mark(f"{MARK}{label(month)}:{investor}", tx.now):
            tx.tell_digest(customer, DIGEST, summary.lines)
            told += 1
    return told


Line = tuple[str, dict[str, object]]
"""A line of the summary: its template and values (an overdue bucket by its code, named in the reader's
language)."""


def _total_line(summary: MonthSummary) -> Line:
    after = last_day(summary.first) + timedelta(days=1)
    values = {
        **_parts(summary.received, summary.fee),
        "first": summary.first.isoformat(),
        "last": summary.last.isoformat(),
        "outstanding": Money(summary.outstanding),
        "next_month": label(after),
        "expected": Money(summary.expected_next_month),
    }
    return "loan.summary_total", values


def _holding_line(h: HoldingMonth) -> Line:
    values: dict[str, object] = {"id": h.loan_id, "invested": Money(h.invested), **_parts(h.received, h.fee)}
    if h.next_due is None:
        return "loan.summary_repaid", values
    values |= {
        "outstanding": Money(h.outstanding),
        "due": h.next_due.isoformat(),
        "amount": Money(h.next_amount),
    }
    if h.days_overdue:
        return "loan.summary_overdue", {**values, "days": h.days_overdue, "bucket": h.bucket}
    return "loan.summary_holding", values


def _parts(received: Parts, fee: int | None) -> dict[str, object]:
    return {
        "received": Money(received.total),
        "principal": Money(received.principal),
        "interest": Money(received.interest),
        "penalty": Money(received.penalty),
        "fee": UNKNOWN if fee is None else Money(fee),
    }


def _named(values: Mapping[str, object], language: str) -> Mapping[str, object]:
    if "bucket" not in values:
        return values
    return {**values, "bucket": code_name("bucket", str(values["bucket"]), language)}
