"""A daily status held as implausible, in words: shared by the administrators' "⚠️ Flagged statuses" list
(``allocation_flagged``) and the operators' command (``p2pstock allocation flagged``) — the allocation,
the day and revision, why it was held, the previous total assets against this day's with the move in per
cent, and for a profit mismatch what the day before plus the day's profit or loss would give."""

from __future__ import annotations

from datetime import date, tzinfo

from p2pstock.bots.telegram.platform_time import local_time
from p2pstock.bots.telegram.texts import text
from p2pstock.core.allocation.plausibility import move_bp, percent_text
from p2pstock.core.allocation.statuses import DailyStatus, Flag
from p2pstock.core.money import Money, format_minor


def held_lines(status: DailyStatus, lang: str, zone: tzinfo) -> list[str]:
    """The lines of ``status`` in ``lang``, its entry's time in ``zone``."""
    previous, figures = status.compared_with or 0, status.figures
    assets = figures.total_assets
    lines = [
        text(
            "flagged.head",
            lang,
            id=status.allocation_id,
            day=status.trade_date,
            revision=status.revision,
            flag=status.flag,
        ),
        text(
            "flagged.move",
            lang,
            previous=Money(previous),
            assets=Money(assets),
            move=percent_text(move_bp(previous, assets)),
        ),
    ]
    if status.flag is Flag.PNL_MISMATCH:
        pnl, expected = format_minor(figures.daily_pnl, signed=True), Money(previous + figures.daily_pnl)
        lines.append(text("flagged.pnl", lang, pnl=pnl, expected=expected))
    at = local_time(status.entered_at, zone)
    lines.append(text("flagged.entered", lang, source=status.source, by=status.entered_by, at=at))
    return lines


def subject(status: DailyStatus) -> str:
    """What a button names a held status by: ``<allocation id>:<YYYYMMDD>:<revision>``."""
    return f"{status.allocation_id}:{status.trade_date:%Y%m%d}:{status.revision}"


def named(subject: str) -> tuple[str, date, int] | None:
    """The allocation, day and revision a button's ``subject`` names, or ``None`` (not such a subject)."""
    allocation_id, _, rest = subject.partition(":")
    day, _, revision = rest.partition(":")
    try:
        return allocation_id, date(int(day[:4]), int(day[4:6]), int(day[6:8])), int(revision)
    except ValueError:
        return None
