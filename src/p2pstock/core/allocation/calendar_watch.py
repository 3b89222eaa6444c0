"""What the scheduled jobs watch in the trading calendar, so that it never silently runs out:

- a year the platform needs and nobody covers — this year always, next year from ``WARN_FROM`` (1 October)
  on — is told to the administrators who keep the calendar (``calendar.manage``: risk officers and super
  administrators) once a week, until a source or a load covers it;
- a day from today to the end of next year that the sources disagree about, and no override decides, is
  told to them once (again only if the opinions change).

``p2pstock jobs run`` prints both every time it runs (``CalendarWatch.lines``). Notices are marked once
told (``uow.notice_marks``), so several workers running the jobs tell each once.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import attrs

from p2pstock.core.allocation.calendar import ClosedDays, Dispute, HolidaySource
from p2pstock.core.allocation.trading_days import read_calendar
from p2pstock.core.backoffice import Backoffice, Tx
from p2pstock.core.people.permissions import Permission

WARN_FROM = (10, 1)
"""(month, day) from which next year's calendar is watched."""


@attrs.frozen
class CalendarWatch:
    """What the calendar lacks on ``day``: the unknown years it needs and the undecided disputes."""

    day: date
    unknown: tuple[int, ...]
    disputes: tuple[tuple[Dispute, bool], ...]
    """Each undecided dispute and whether it is treated as closed meanwhile."""
    told: int = 0
    """Notifications queued by this run."""

    def lines(self) -> list[str]:
        said = [
            f"calendar: {year} is not known to any source and not loaded; applications whose term runs "
            f"into it are refused — load it with `p2pstock calendar load FILE`"
            for year in self.unknown
        ]
        said += [
            f"calendar: the sources disagree about {d.day} (closed: {', '.join(d.closed_by)}; trading: "
            f"{', '.join(d.open_by)}); treated as {'closed' if closed else 'trading'} until "
            f"`p2pstock calendar override` decides it"
            for d, closed in self.disputes
        ]
        return said


def needed_years(day: date) -> list[int]:
    """The years the calendar must know on ``day``."""
    return [day.year, day.year + 1] if (day.month, day.day) >= WARN_FROM else [day.year]


def watch(office: Backoffice, sources: Sequence[HolidaySource], day: date) -> CalendarWatch:
    """Look at the calendar on ``day``; tell what was not told yet (a write only when there is some)."""
    found = office.read(lambda tx: _look(tx, sources, day))
    if not found.unknown and not found.disputes:
        return found
    return office.run(lambda tx: _tell(tx, _look(tx, sources, day)))


def _look(tx: Tx, sources: Sequence[HolidaySource], day: date) -> CalendarWatch:
    calendar = read_calendar(tx, sources)
    closed_days = calendar.source
    if not isinstance(closed_days, ClosedDays):
        raise TypeError("the platform's calendar reads from ClosedDays")
    years = needed_years(day)
    disputes = [
        (dispute, not calendar.is_trading_day(dispute.day))
        for year in years
        if calendar.known(year)
        for dispute in closed_days.disputes(year)
        if dispute.day >= day and dispute.day not in calendar.overrides
    ]
    unknown = tuple(year for year in years if not calendar.known(year))
    return CalendarWatch(day, unknown, tuple(disputes))


def _tell(tx: Tx, found: CalendarWatch) -> CalendarWatch:
    told = 0
    week = "{}-W{:02d}".format(*found.day.isocalendar()[:2])
    for year in found.unknown:
        if tx.uow.notice_marks.mark(f"calendar.unknown:{year}:{week}", tx.now):
            told += tx.tell_staff(Permission.CALENDAR_MANAGE, "calendar.unknown_year", year=year)
    for dispute, closed in found.disputes:
        key = f"calendar.dispute:{dispute.day}:{','.join(dispute.closed_by)}/{','.join(dispute.open_by)}"
        if tx.uow.notice_marks.mark(key[:200], tx.now):
            told += tx.tell_staff(
                Permission.CALENDAR_MANAGE,
                "calendar.dispute_closed" if closed else "calendar.dispute_trading",
                day=dispute.day.isoformat(),
                closed_by=", ".join(dispute.closed_by),
                open_by=", ".join(dispute.open_by),
            )
    return attrs.evolve(found, told=told)
