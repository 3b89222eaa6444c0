"""The customer's daily report: after each day's status, a line per in-progress allocation — total assets
and the day's profit or loss (the broker's), the profit or loss against the start (B + D), how far the
assets are above the warning and liquidation lines (in ¥ and in per cent of the assets), the risk ratio —
sent as one bot digest per customer, unless they switched it off (``QUIET``). A correction of an earlier
day reports nothing."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from p2pstock.core import opt_outs
from p2pstock.core.allocation.allocations import Watch
from p2pstock.core.allocation.statuses import DailyStatus
from p2pstock.core.backoffice import Tx
from p2pstock.core.money import format_minor
from p2pstock.core.notifications import template_for

QUIET = "report.off:"
"""UI state key prefix (and the customer id) of a customer who switched the daily report off."""


def tell(tx: Tx, read: Sequence[tuple[Watch, DailyStatus]]) -> int:
    """Report each status of ``read`` for its allocation's newest day to its customer; how many messages
    were queued."""
    latest: dict[str, tuple[Watch, DailyStatus]] = {}
    for a, s in read:  # the newest day's last revision of each allocation, if it is its newest day
        seen = latest.get(a.id)
        if (seen is None or (s.trade_date, s.revision) > (seen[1].trade_date, seen[1].revision)) and (
            a.last_status_date is None or s.trade_date >= a.last_status_date
        ):
            latest[a.id] = (a, s)
    newest = list(latest.values())
    if not newest:
        return 0
    quiet = opt_outs.quiet(tx, QUIET)
    lines: dict[str, list[dict[str, str]]] = {}
    for allocation, status in newest:
        if allocation.customer_id not in quiet:
            lines.setdefault(allocation.customer_id, []).append(_values(allocation, status))
    customers = tx.uow.customers.many(sorted(lines)) if lines else {}
    return sum(tx.tell_digest(customers.get(c), DIGEST, _rendered(told)) for c, told in lines.items())


DIGEST, LINE = "allocation.daily_report", "allocation.report_line"


def _rendered(lines: list[dict[str, str]]) -> Callable[[str], list[str]]:
    """The lines in a language: the template checked once, filled with text (thousands a statement)."""

    def render(language: str) -> list[str]:
        template = template_for(LINE, language, frozenset(lines[0]))
        return [template.format_map(values) for values in lines]

    return render


def _values(a: Watch, s: DailyStatus) -> dict[str, str]:
    assets, start = s.figures.total_assets, a.allocated + a.stake
    return {
        "id": a.id,
        "day": s.trade_date.isoformat(),
        "assets": format_minor(assets),
        "daily": format_minor(s.figures.daily_pnl, signed=True),
        "pnl": format_minor(assets - start, signed=True),
        "start": format_minor(start),
        "to_warning": format_minor(assets - a.warning_line),
        "warning_pct": _percent(assets - a.warning_line, assets),
        "to_liquidation": format_minor(assets - a.liquidation_line),
        "liquidation_pct": _percent(assets - a.liquidation_line, assets),
        "ratio": _percent(s.ratio_bp, 10_000),
    }


def _percent(part: int, whole: int) -> str:
    """``part`` of ``whole`` in per cent to two places, rounded toward zero ("8.94 %"); "—" of nothing."""
    if whole <= 0:
        return "—"
    bp = abs(part) * 10_000 // whole
    return f"{'-' if part < 0 else ''}{bp // 100}.{bp % 100:02d} %"
