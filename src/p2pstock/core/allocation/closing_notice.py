"""Reading a year's exchange closures as administrators type them from the exchanges' annual notice
(上交所/深交所《关于 XXXX 年部分节假日休市安排的通知》): one closure a line, a day or a range.

::

    # 2027 年休市安排                       a comment (from # to the end of the line)
    2027-01-01                              a day: 2027-01-01, 2027/1/1, 2027.1.1, 2027年1月1日
    春节：2月5日（星期五）至2月11日（星期四）休市   a range; a label before ： or :, weekdays in brackets and
    2027-05-01 ~ 2027-05-05                 a trailing 休市 / closed are skipped; 至 到 ~ ～ — – .. to
    Dragon Boat Festival: 2027-06-09 to 2027-06-11

A day without its year (2月5日) takes the year of the notice: the one given, else the first full date.
Every date must fall in that one year; weekends inside a range are dropped (they never trade). Every
line is checked: one bad line and nothing is read, each bad line named with its number and why.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import attrs

from p2pstock.core.errors import InvalidInput

MAX_CLOSURE_DAYS = 15
"""The longest closure one line may name: exchange holidays last at most about ten days, so a longer
range is a typing error rather than a closure."""
MAX_LINES = 400

_COMMENT = re.compile(r"#.*$")
_BRACKETS = re.compile(r"[（(][^）)]*[）)]")
_LABEL = re.compile(r"^[^0-9:：]*[:：]")
_TRAILING = re.compile(r"(全天)?(休市|闭市|休假)|\bclosed\b", re.IGNORECASE)
_SEPARATOR = re.compile(r"\s*(?:至|到|~|～|—|–|－|\.\.|\bto\b|\s-\s)\s*", re.IGNORECASE)
_FULL = re.compile(r"(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*日?")
_SHORT = re.compile(r"(\d{1,2})\s*(?:月|[-/.])\s*(\d{1,2})\s*日?")


@attrs.frozen
class NoticeProblem:
    """Why line ``line`` (from 1) cannot be read: ``code`` names the reason, ``values`` what it shows."""

    line: int
    code: str
    text: str
    values: tuple[tuple[str, object], ...] = ()

    def __str__(self) -> str:
        return f"line {self.line}: {self.text}"


@attrs.frozen
class ClosingNotice:
    """The weekdays a notice closes in ``year`` (empty with ``problems`` when any line is bad)."""

    year: int | None
    closed: frozenset[date]
    problems: tuple[NoticeProblem, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems


class NoticeUnreadable(InvalidInput):
    """A notice with bad lines: ``problems`` names each; nothing was loaded."""

    code = "notice_unreadable"

    def __init__(self, problems: tuple[NoticeProblem, ...]) -> None:
        shown = "; ".join(str(problem) for problem in problems[:5])
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        super().__init__(f"the notice cannot be read: {shown}{more}")
        self.problems = problems


class _Bad(Exception):
    def __init__(self, code: str, text: str, **values: object) -> None:
        super().__init__(text)
        self.code, self.text, self.values = code, text, tuple(sorted(values.items()))


def read_notice(text: str, year: int | None = None) -> ClosingNotice:
    """The closures ``text`` lists; ``year`` is the notice's year when the dates do not say it."""
    lines = text.splitlines()
    if len(lines) > MAX_LINES:
        bad = NoticeProblem(MAX_LINES + 1, "too_long", f"a notice has at most {MAX_LINES} lines")
        return ClosingNotice(year, frozenset(), (bad,))
    year = year if year is not None else _first_year(lines)
    closed: set[date] = set()
    problems: list[NoticeProblem] = []
    for number, line in enumerate(lines, 1):
        try:
            closed.update(_closures(line, year))
        except _Bad as bad:
            problems.append(NoticeProblem(number, bad.code, bad.text, bad.values))
    if not problems and not closed:
        problems.append(NoticeProblem(max(len(lines), 1), "empty", "the notice names no closed weekday"))
    if problems:
        return ClosingNotice(year, frozenset(), tuple(problems))
    return ClosingNotice(year, frozenset(closed))


def _first_year(lines: list[str]) -> int | None:
    for line in lines:
        if found := _FULL.search(_COMMENT.sub("", line)):
            return int(found[1])
    return None


def _closures(line: str, year: int | None) -> list[date]:
    """The weekdays one line closes (none for a blank or comment line)."""
    body = _TRAILING.sub("", _BRACKETS.sub("", _COMMENT.sub("", line)))
    body = _LABEL.sub("", body).strip()
    if not body:
        return []
    parts = _SEPARATOR.split(body)
    if len(parts) > 2:
        raise _Bad("bad_range", f"one day or one range a line, not {body!r:.60}")
    first = _date(parts[0], year)
    last = _date(parts[-1], year) if len(parts) == 2 else first
    if last < first:
        raise _Bad("reversed", f"the range ends ({last}) before it starts ({first})", first=first, last=last)
    if (last - first).days + 1 > MAX_CLOSURE_DAYS:
        raise _Bad("too_long_range", f"a closure of more than {MAX_CLOSURE_DAYS} days", days=MAX_CLOSURE_DAYS)
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    return [day for day in days if day.weekday() < 5]


def _date(text: str, year: int | None) -> date:
    text = text.strip()
    if full := _FULL.fullmatch(text):
        found, month, day = int(full[1]), int(full[2]), int(full[3])
        if year is not None and found != year:
            raise _Bad("other_year", f"{text} is not in {year}: a notice covers one year", year=year)
    elif short := _SHORT.fullmatch(text):
        if year is None:
            raise _Bad("no_year", f"{text} has no year: write the first date in full (2027年1月1日)")
        found, month, day = year, int(short[1]), int(short[2])
    else:
        raise _Bad("bad_date", f"not a date: {text!r:.40}", given=text[:40])
    try:
        return date(found, month, day)
    except ValueError:
        raise _Bad("bad_date", f"not a date: {text!r:.40}", given=text[:40]) from None
