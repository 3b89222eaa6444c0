"""The platform's trading calendar as administrators keep it (``calendar.manage``): the maintained holiday
sources, the years administrators load from the exchanges' annual notices (every load a new version; the
newest decides the year, the older ones are kept), and overrides of single days (an unexpected closure, a
dispute between sources decided). Every change is audited.

::

    TradingDays.calendar()                       the calendar as it stands now
    TradingDays.load_year(text, by=…)            a year's closures from the notice (closing_notice.py)
    TradingDays.year(2027)                       what the platform knows of a year (``YearView``)
    TradingDays.set_override(day, trades=…, …)   one day decided; ``clear_override`` undoes it
    TradingDays.watch(today)                     what ``p2pstock jobs run`` warns about (calendar_watch.py)

``by=None`` is the server's operator (the command line), audited as ``operator``; any other ``by`` is an
administrator who must hold ``calendar.manage``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import attrs

from p2pstock.core.allocation.calendar import (
    ClosedDays,
    Dispute,
    HolidaySource,
    TradingCalendar,
)
from p2pstock.core.allocation.closing_notice import ClosingNotice, NoticeUnreadable, read_notice
from p2pstock.core.allocation.ports import DayOverride, YearLoad
from p2pstock.core.backoffice import OPERATOR, Backoffice, Tx
from p2pstock.core.errors import InvalidInput
from p2pstock.core.people.permissions import Permission
from p2pstock.core.validation import check_reason, check_text

MAX_NOTE = 200
FIRST_YEAR, LAST_YEAR = 1990, 2100
"""The years a load may be for."""


def read_calendar(tx: Tx, sources: Sequence[HolidaySource]) -> TradingCalendar:
    """The calendar as stored: ``sources``, the newest load of every loaded year and the overrides."""
    loaded = {year: load.closed for year, load in tx.uow.calendar_years.latest().items()}
    overrides = {o.day: o.trades for o in tx.uow.calendar_overrides.all()}
    return TradingCalendar(ClosedDays(tuple(sources), loaded), overrides)


@attrs.frozen
class YearView:
    """What the platform knows of ``year``."""

    year: int
    known: bool
    closed: tuple[date, ...]
    """The weekdays closed as the calendar decides now, day overrides included."""
    opinions: tuple[tuple[str, frozenset[date] | None], ...]
    """Each source's closed weekdays (``None``: the source does not cover the year), then the
    administrators' newest load if there is one."""
    disputes: tuple[Dispute, ...]
    overrides: tuple[DayOverride, ...]
    loads: tuple[YearLoad, ...]
    """Every load of the year, oldest first."""
    trading_days: int | None
    """How many days of the year trade, when it is known."""

    def decided(self, dispute: Dispute) -> bool:
        """Whether an override decides ``dispute``'s day."""
        return any(o.day == dispute.day for o in self.overrides)


@attrs.define
class TradingDays:
    office: Backoffice
    sources: tuple[HolidaySource, ...]

    def calendar(self) -> TradingCalendar:
        """The calendar as it stands now, loads and overrides included."""
        return self.office.read(lambda tx: read_calendar(tx, self.sources))

    def overrides(self) -> list[DayOverride]:
        return sorted(self.office.read(lambda tx: tx.uow.calendar_overrides.all()), key=lambda o: o.day)

    def read_notice(self, text: str, year: int | None = None) -> ClosingNotice:
        """What loading ``text`` would load (nothing is stored): for a preview."""
        return _notice(text, year)

    def load_year(self, text: str, *, by: str | None, year: int | None = None, note: str = "") -> YearLoad:
        """Load the closures of one year from the exchanges' notice as typed (``closing_notice.py``): a new
        version of the year, which decides it from now on. A notice with any bad line raises
        ``NoticeUnreadable`` naming each, and nothing is stored."""
        notice = _notice(text, year)
        if not notice.ok or notice.year is None:
            raise NoticeUnreadable(notice.problems)
        loaded_year, closed = notice.year, notice.closed
        told = check_text(note, "note", MAX_NOTE) if note else ""

        def load(tx: Tx) -> YearLoad:
            actor = _actor(tx, by)
            versions = tx.uow.calendar_years.versions(loaded_year)
            entry = YearLoad(loaded_year, len(versions) + 1, closed, told, actor, tx.now)
            tx.uow.calendar_years.add(entry)
            before = _load_state(versions[-1]) if versions else None
            tx.audit(actor, "calendar.load", str(loaded_year), before=before, after=_load_state(entry))
            return entry

        return self.office.run(load)

    def year(self, year: int) -> YearView:
        """What the platform knows of ``year``: each source's word, disputes, loads and overrides."""
        _check_year(year)

        def read(tx: Tx) -> YearView:
            calendar = read_calendar(tx, self.sources)
            closed_days = calendar.source
            if not isinstance(closed_days, ClosedDays):
                raise TypeError("the platform's calendar reads from ClosedDays")
            known = calendar.known(year)
            first, last = date(year, 1, 1), date(year, 12, 31)
            return YearView(
                year,
                known,
                tuple(_closed_weekdays(calendar, first, last)) if known else (),
                tuple(closed_days.opinions(year).items()),
                tuple(closed_days.disputes(year)),
                tuple(o for o in tx.uow.calendar_overrides.all() if o.day.year == year),
                tuple(tx.uow.calendar_years.versions(year)),
                len(calendar.trading_days(first, last)) if known else None,
            )

        return self.office.read(read)

    def set_override(self, day: date, *, trades: bool, reason: str, by: str | None) -> DayOverride:
        """Declare that ``day`` trades (or does not), saying why."""
        if not isinstance(day, date) or not isinstance(trades, bool):
            raise InvalidInput(
                "an override needs a date and whether the day trades", code="override_incomplete"
            )
        why = check_reason(reason)

        def override(tx: Tx) -> DayOverride:
            actor = _actor(tx, by)
            entry = DayOverride(day, trades, why, actor, tx.now)
            tx.uow.calendar_overrides.put(entry)
            tx.audit(actor, "calendar.override", day.isoformat(), after={"trades": trades, "reason": why})
            return entry

        return self.office.run(override)

    def clear_override(self, day: date, *, by: str | None) -> bool:
        """Let the sources and loads decide ``day`` again; False if it had no override."""

        def clear(tx: Tx) -> bool:
            actor = _actor(tx, by)
            removed = tx.uow.calendar_overrides.delete(day)
            if removed:
                tx.audit(actor, "calendar.clear", day.isoformat())
            return removed

        return self.office.run(clear)


def _notice(text: str, year: int | None) -> ClosingNotice:
    if not isinstance(text, str):
        raise InvalidInput("a notice is text", code="wrong_type")
    if year is not None:
        _check_year(year)
    notice = read_notice(text, year)
    if notice.ok and notice.year is not None:
        _check_year(notice.year)
    return notice


def _check_year(year: object) -> None:
    if isinstance(year, bool) or not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
        raise InvalidInput(
            f"a calendar year must be from {FIRST_YEAR} to {LAST_YEAR}",
            code="calendar_year_range",
            least=FIRST_YEAR,
            most=LAST_YEAR,
        )


def _actor(tx: Tx, by: str | None) -> str:
    """Who changes the calendar: the server's operator, or an administrator holding ``calendar.manage``."""
    return OPERATOR if by is None else tx.admin(by, Permission.CALENDAR_MANAGE).id


def _closed_weekdays(calendar: TradingCalendar, first: date, last: date) -> list[date]:
    trading = set(calendar.trading_days(first, last))
    return [
        d
        for d in (date.fromordinal(n) for n in range(first.toordinal(), last.toordinal() + 1))
        if d.weekday() < 5 and d not in trading
    ]


def _load_state(load: YearLoad) -> dict[str, object]:
    """What the audit trail keeps of a load."""
    return {
        "version": load.version,
        "closed": [day.isoformat() for day in sorted(load.closed)],
        "note": load.note,
    }
