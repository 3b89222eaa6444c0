"""The trading calendar in the bot, for administrators holding ``calendar.manage`` (risk officers and
super administrators by default): the "📅 Trading calendar" entry of the admin menu.

- The entry shows this year and next (known or not, trading days, undecided disputes) with a button per
  year, one to load a year and one to decide a day.
- A year's button shows what the platform knows of it: the closures as ranges, each source's word, the
  disputes, the overrides and every load.
- Loading: the administrator sends the exchanges' notice as typed text or a .txt file
  (``admin.cal_notice``); the bot answers what it read — the year, its closures as ranges, how it differs
  from the sources — with a button that loads it (the text waits in the user's state until then); a
  notice with bad lines is answered line by line and another is waited for.
- Deciding a day (``admin.cal_day``): one line ``2027-02-12 休市 原因`` / ``2027-02-12 open reason``.

Core checks ``calendar.manage`` on every change and audits it.
"""

from __future__ import annotations

import contextlib
from datetime import date

from telegram import InlineKeyboardMarkup, Update

from p2pstock.bots.telegram import callbacks as cb
from p2pstock.bots.telegram.admin_steps import (
    TEXT_OR_FILE,
    Desk,
    Kept,
    asking,
    confirmed,
    problems_told,
    require,
    to_confirm,
    typed_or_sent,
    typing,
)
from p2pstock.bots.telegram.admin_views import when
from p2pstock.bots.telegram.context import BotContext, call, ended
from p2pstock.bots.telegram.keyboards import button
from p2pstock.bots.telegram.platform_time import today
from p2pstock.bots.telegram.press import Press
from p2pstock.bots.telegram.texts import text
from p2pstock.bots.telegram.typed import Again, Typed
from p2pstock.core.allocation.calendar import ADMINISTRATORS, closure_ranges
from p2pstock.core.allocation.closing_notice import ClosingNotice, NoticeProblem
from p2pstock.core.allocation.trading_days import YearView
from p2pstock.core.people.permissions import Permission
from p2pstock.core.validation import MAX_REASON

NOTICE = "admin.cal_notice"
DAY = "admin.cal_day"
STEP = "admin_calendar"
"""The user-state key of what the calendar waits for: ``{"step": NOTICE | DAY | "confirm", ...}`` (the
notice read, while its load waits for the button)."""
PERMISSION = Permission.CALENDAR_MANAGE


async def show_menu(update: Update, context: BotContext, press: Press) -> object:
    """This year and next, with their buttons."""
    lang = press.lang
    require(await call(context.services.staff.permissions, press.admin.id), PERMISSION)
    this_year = today(context).year
    years = [this_year, this_year + 1]
    views = [await call(context.services.trading_days.year, year) for year in years]
    lines = [text("admin.cal.menu", lang)] + [_summary(view, lang) for view in views]
    rows = [[button(str(year), cb.AdminAction("cal_year", str(year))) for year in years]]
    rows += [
        [button(text("admin.cal.load", lang), cb.AdminAction("cal_load", "-"))],
        [button(text("admin.cal.decide", lang), cb.AdminAction("cal_day", "-"))],
    ]
    return await ended(update, context, "\n".join(lines), InlineKeyboardMarkup(rows))


async def _show_year(update: Update, context: BotContext, press: Press) -> object:
    view = await call(context.services.trading_days.year, int(press.subject))
    return await ended(update, context, "\n".join(year_lines(context, view, press.lang)))


@confirmed
async def _load(context: BotContext, press: Press, waited: Kept) -> str:
    """The load button under a notice that was read: the notice waiting for it is loaded."""
    notice, year = str(waited["notice"]), int(waited["year"])
    load = await call(context.services.trading_days.load_year, notice, by=press.admin.id, year=year)
    return text("admin.cal.loaded", press.lang, year=load.year, version=load.version)


async def got_notice(typed: Typed, _: Kept, __: str) -> object:
    """A notice, typed or as a file: what it reads as, with the button that loads it."""
    lang, trading_days = typed.lang, typed.context.services.trading_days
    notice_text = await typed_or_sent(typed)
    notice = await call(trading_days.read_notice, notice_text)
    if not notice.ok or notice.year is None:
        await typed.say("\n".join(problem_lines(notice.problems, lang)))
        return NOTICE
    current = await call(trading_days.year, notice.year)
    preview = "\n".join(preview_lines(notice, current, lang))
    confirm = ("admin.cal.confirm_load", "cal_ok")
    return await to_confirm(typed, preview, confirm=confirm, year=notice.year, notice=notice_text)


async def got_day(typed: Typed, _: Kept, decided: tuple[date, bool, str]) -> object:
    """One line deciding a day: the override is set."""
    day, trades, reason = decided
    override = typed.context.services.trading_days.set_override
    entry = await call(override, day, trades=trades, reason=reason, by=typed.admin.id)
    state = text("admin.cal.trades" if entry.trades else "admin.cal.closed", typed.lang)
    return await typed.ended("admin.cal.decided", day=entry.day.isoformat(), state=state)


_OPEN = {"open", "trades", "trading", "交易", "开市", "交易日"}
_CLOSED = {"closed", "close", "休市", "闭市", "休息"}


def read_day_line(typed: Typed, _: object = None) -> tuple[date, bool, str] | Again:
    """``2027-02-12 休市 原因`` → (the day, whether it trades, the reason)."""
    parts = typed.text.strip().split(maxsplit=2)
    if len(parts) == 3 and parts[1].lower() in _OPEN | _CLOSED and len(parts[2]) <= MAX_REASON:
        with contextlib.suppress(ValueError):
            return date.fromisoformat(parts[0]), parts[1].lower() in _OPEN, parts[2]
    return Again("admin.cal.day_format")


# -- what is shown ------------------------------------------------------------------------------------


def _summary(view: YearView, lang: str) -> str:
    if not view.known:
        return text("admin.cal.year_unknown", lang, year=view.year)
    open_disputes = sum(1 for dispute in view.disputes if not view.decided(dispute))
    key = "admin.cal.year_disputed" if open_disputes else "admin.cal.year_known"
    return text(key, lang, year=view.year, days=view.trading_days, disputes=open_disputes)


def year_lines(context: BotContext, view: YearView, lang: str) -> list[str]:
    """A year as administrators read it: closures, sources, disputes, overrides, loads."""
    lines = [_summary(view, lang)]
    if view.known:
        lines.append(text("admin.cal.closures", lang, ranges=ranges_text(view.closed)))
    for name, days in view.opinions:
        shown = _source(name, lang)
        if days is None:
            lines.append(text("admin.cal.source_silent", lang, source=shown))
        else:
            lines.append(text("admin.cal.source_says", lang, source=shown, count=len(days)))
    for dispute in view.disputes:
        key = "admin.cal.dispute_decided" if view.decided(dispute) else "admin.cal.dispute"
        closed_by, open_by = _sources(dispute.closed_by, lang), _sources(dispute.open_by, lang)
        lines.append(text(key, lang, day=dispute.day.isoformat(), closed_by=closed_by, open_by=open_by))
    for override in view.overrides:
        state = text("admin.cal.trades" if override.trades else "admin.cal.closed", lang)
        said = {"day": override.day.isoformat(), "reason": override.reason, "by": override.set_by}
        lines.append(text("admin.cal.override", lang, state=state, **said))
    for load in view.loads:
        at, closed = when(context, load.loaded_at), len(load.closed)
        said = {"by": load.loaded_by, "note": load.note or "—"}
        lines.append(text("admin.cal.load_line", lang, version=load.version, at=at, days=closed, **said))
    return lines


def preview_lines(notice: ClosingNotice, current: YearView, lang: str) -> list[str]:
    """What loading ``notice`` would do to ``current``."""
    lines = [
        text("admin.cal.read", lang, year=notice.year, count=len(notice.closed)),
        text("admin.cal.closures", lang, ranges=ranges_text(notice.closed)),
    ]
    sources = {name: days for name, days in current.opinions if days is not None and name != ADMINISTRATORS}
    for name, days in sources.items():
        extra, missing = sorted(notice.closed - days), sorted(days - notice.closed)
        if extra or missing:
            said = {"source": _source(name, lang), "extra": _days(extra), "missing": _days(missing)}
            lines.append(text("admin.cal.differs", lang, **said))
    if current.loads:
        lines.append(text("admin.cal.replaces", lang, version=current.loads[-1].version))
    return lines


def problem_lines(problems: tuple[NoticeProblem, ...], lang: str) -> list[str]:
    return problems_told(problems, _bad_line, lang, "admin.cal.unreadable", "file.send_again")


def _bad_line(problem: NoticeProblem, lang: str) -> str:
    reason = text(f"admin.cal.problem.{problem.code}", lang, **dict(problem.values))
    return text("admin.cal.bad_line", lang, line=problem.line, reason=reason)


def ranges_text(days: frozenset[date] | tuple[date, ...]) -> str:
    shown = [f"{a:%m-%d}" if a == b else f"{a:%m-%d}~{b:%m-%d}" for a, b in closure_ranges(days)]
    return ", ".join(shown) or "—"


def _days(days: list[date]) -> str:
    return ", ".join(day.isoformat() for day in days) or "—"


def _sources(names: tuple[str, ...], lang: str) -> str:
    return ", ".join(_source(name, lang) for name in names)


def _source(name: str, lang: str) -> str:
    return text("admin.cal.administrators", lang) if name == ADMINISTRATORS else name


# -- wiring -------------------------------------------------------------------------------------------

DESK = Desk(
    {
        "cal_year": _show_year,
        "cal_load": asking(STEP, NOTICE, "admin.cal.ask_notice"),
        "cal_ok": _load,
        "cal_day": asking(STEP, DAY, "admin.cal.ask_day"),
    },
    PERMISSION,
    typed=(typing(STEP, NOTICE, got_notice, reads=TEXT_OR_FILE), typing(STEP, DAY, got_day, read_day_line)),
)
