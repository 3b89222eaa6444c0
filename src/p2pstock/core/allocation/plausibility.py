"""Implausible daily statuses: a figure a typo or a wrong statement row would make (¥580,000 typed for
¥58,000) is stored, but held for a second administrator before it moves anything.

A new status is compared with the status in effect before its day — before the first, with what the
sub-account holds at book, B + stake — and flagged (``statuses.Flag``) when:

- ``jump``: its total assets moved by more than the product's ``implausible_move_pct`` of those;
- ``pnl_mismatch``: the status before it is of the previous trading day, it gives the day's profit or loss
  (a statement without that column reads 0, which is not checked), and its total assets differ from the
  previous day's plus that profit or loss by more than the product's ``pnl_tolerance_pct`` of the
  previous day's assets (and by more than the rounding ``statuses.TOLERANCE``). The tolerance is there
  because money enters and leaves a sub-account without profit or loss — a margin top-up, a profit
  withdrawal between the two closes; a larger movement is what the second administrator confirms.

A product's 0 turns a check off. A flagged status is stored ``held`` and is not in effect: the allocation's
risk state, its latest assets and everything read from them (fees, profit withdrawals, the stress view,
the daily report) stay with the status in effect before it until a second administrator confirms it or
rejects it (``status_review``).
"""

from __future__ import annotations

from datetime import date

from p2pstock.core.allocation.calendar import CalendarUnknown, TradingCalendar
from p2pstock.core.allocation.statuses import TOLERANCE, Figures, Flag


def flag_of(figures: Figures, previous: int, *, day_before: bool, move_pct: int, pnl_pct: int) -> Flag | None:
    """Why ``figures`` are implausible after ``previous`` total assets (``day_before``: those were the
    previous trading day's), or ``None``."""
    assets = figures.total_assets
    if move_pct and abs(assets - previous) * 100 > move_pct * previous:
        return Flag.JUMP
    if pnl_pct and day_before and figures.daily_pnl:
        gap = abs(assets - previous - figures.daily_pnl)
        if gap > TOLERANCE and gap * 100 > pnl_pct * previous:
            return Flag.PNL_MISMATCH
    return None


def move_bp(previous: int, assets: int) -> int | None:
    """How far ``assets`` moved from ``previous``, in basis points (rounded toward zero); ``None`` from 0."""
    if previous <= 0:
        return None
    moved = abs(assets - previous) * 10_000 // previous
    return moved if assets >= previous else -moved


class Sessions(dict[date, date | None]):
    """The trading day after each day asked about (``None`` past the calendar), read once per day: a
    statement's rows mostly follow one day."""

    def __init__(self, calendar: TradingCalendar) -> None:
        super().__init__()
        self.calendar = calendar

    def __missing__(self, day: date) -> date | None:
        try:
            after: date | None = self.calendar.next_trading_day(day, inclusive=False)
        except CalendarUnknown:
            after = None
        self[day] = after
        return after

    def follows(self, earlier: date | None, day: date) -> bool:
        """Whether ``day`` is the trading day after ``earlier``."""
        return earlier is not None and self[earlier] == day


def percent_text(bp: int | None) -> str:
    """A move in basis points as people read it, signed (``+866.67 %``, ``-3.05 %``); "—" for none."""
    if bp is None:
        return "—"
    sign = "-" if bp < 0 else "+"
    return f"{sign}{abs(bp) // 100}.{abs(bp) % 100:02d} %"
