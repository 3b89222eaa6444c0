"""``p2pstock allocation stress --shock -10% --by ADMIN [--top N] [--lang zh|en]``: every running allocation
against a market shock, for operators — the platform's totals, then the allocations at or below a line,
the worst first (at most ``--top``), as a table in Chinese by default (``--lang en``: English).

The shock is in per cent of the market value, written ``-10%`` or ``-10`` (``-2.5%``: two decimals at most,
a whole basis point), from -100 to +100. A bare number between -1 and 1 (``-0.1``) is refused rather than
guessed: it reads as a fraction (-10 %) to some and as per cent (-0.1 %) to others — write ``-0.1%`` for a
tenth of a per cent. ``--shock -10%`` and ``--shock=-10%`` both work."""

from __future__ import annotations

import argparse
import re
from typing import Any

from p2pstock.bootstrap import App
from p2pstock.bots.telegram.stress_lines import heading, shock_text, totals
from p2pstock.bots.telegram.texts import DEFAULT_LANGUAGE, LANGUAGES, text
from p2pstock.cli.common import Commands, on_app
from p2pstock.cli.lending import table_lines
from p2pstock.core.allocation.stress import SHOCK_MAX, SHOCK_MIN, Shocked
from p2pstock.core.money import Money

COLUMNS = ("sub_account", "id", "before", "after", "line", "gap", "from_fund", "shortfall")
_SHOCK = re.compile(r"([+-]?)(\d{1,3})(?:\.(\d{1,2}))?(%?)")
_NEGATIVE_PERCENT = re.compile(r"-\d+(\.\d+)?%")


class _ShockParser(argparse.ArgumentParser):
    """Takes ``-10%`` as a value, not as an option (argparse knows ``-10`` only)."""

    def _parse_optional(self, arg_string: str) -> Any:
        if _NEGATIVE_PERCENT.fullmatch(arg_string):
            return None
        return super()._parse_optional(arg_string)


def shock(value: str) -> int:
    """A shock argument in basis points (``-10%`` → -1000)."""
    found = _SHOCK.fullmatch(value.strip())
    if found is None:
        raise argparse.ArgumentTypeError(
            f"not a shock: {value!r} (per cent, e.g. -10% or -10; at most two decimals)"
        )
    sign, whole, hundredths, percent = found.groups()
    bp = int(whole) * 100 + int((hundredths or "0").ljust(2, "0"))
    bp = -bp if sign == "-" else bp
    if not percent and 0 < abs(bp) < 100:
        raise argparse.ArgumentTypeError(
            f"ambiguous shock {value!r}: a shock is in per cent (-10 for -10%); write {value}% to mean "
            f"{value} per cent"
        )
    if not SHOCK_MIN <= bp <= SHOCK_MAX:
        raise argparse.ArgumentTypeError(f"shock {value!r} is outside -100% to +100%")
    return bp


def register(allocation: Commands) -> None:
    stress = allocation.add_parser(
        "stress", help="every running allocation against a market shock (per cent, e.g. -10%)"
    )
    stress.__class__ = _ShockParser
    stress.add_argument("--shock", type=shock, required=True, help="per cent of market value: -10% or -10")
    stress.add_argument("--by", required=True, help="an administrator holding dashboard.view")
    stress.add_argument("--top", type=_count, default=20, help="allocations listed at most (default 20)")
    stress.add_argument("--lang", choices=LANGUAGES, default=DEFAULT_LANGUAGE, help="zh (default) or en")
    stress.set_defaults(run=lambda a: on_app(lambda app: show(app, a.shock, a.by, a.top, a.lang)))


def _count(value: str) -> int:
    if not value.isdigit():
        raise argparse.ArgumentTypeError(f"not a count: {value!r}")
    return int(value)


def show(app: App, shock_bp: int, by: str, top: int, lang: str) -> int:
    report = app.allocations.stress([shock_bp], by=by)
    view = report.views[0]
    for words in (*heading(report, lang), *totals(view, report.bearer, lang)):
        print(words)
    if not view.allocations and not view.without_status:
        print(text("stress.empty", lang))
        return 0
    if not view.crossing:
        print(text("stress.none", lang))
        return 0
    print(text("stress.worst", lang, shock=shock_text(shock_bp), count=min(top, len(view.crossing))))
    rows = [[text(f"stress.table.{column}", lang) for column in COLUMNS]]
    rows += [_row(s, lang) for s in view.crossing[:top]]
    for words in table_lines(rows):
        print(words)
    if len(view.crossing) > top:
        print(text("stress.table.more", lang, count=len(view.crossing) - top))
    return 0


def _row(s: Shocked, lang: str) -> list[str]:
    amounts = (s.assets_before, s.assets_after)
    tail = (s.gap, s.from_fund, s.shortfall)
    line = text(f"stress.table.{s.risk.value}", lang)
    return [
        s.sub_account or "-",
        s.id,
        *(str(Money(a)) for a in amounts),
        line,
        *(str(Money(a)) for a in tail),
    ]
