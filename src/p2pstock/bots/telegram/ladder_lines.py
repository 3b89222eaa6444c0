"""What the graded alert ladder and the top-up deadline add to a running allocation's card
(``allocation_card``), just under its status, and to the administrators' running list.

- The customer reads the deadline standing (by when, and above what), or that it was met, or that it
  passed and the allocation is due for liquidation; and, while normal, the rung they stand at — the deepest
  reached of those the customer hears of (a rung for the risk officers alone stays theirs).
- The risk officers read the same of the deadline, and the whole ladder: each rung's line, cushion and
  audience, and where the allocation stands on it.
- The running list marks an allocation whose deadline passed (⛔ liquidation due).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from p2pstock.bots.telegram.texts import text
from p2pstock.core.allocation.allocations import Allocation, Risk
from p2pstock.core.allocation.risk import recovery_line
from p2pstock.core.allocation.top_up_deadline import shown
from p2pstock.core.money import Money

if TYPE_CHECKING:
    from p2pstock.bots.telegram.allocation_card import Reader

Line = tuple[str, Mapping[str, object]]
STAFF = "admin.alloc.card."


def ladder_lines(a: Allocation, r: Reader) -> Iterator[Line]:
    """The deadline's line and the ladder's, for ``r``."""
    if not a.running:
        return
    if a.top_up_by is not None:
        by = shown(a.top_up_by, r.zone)
        if a.top_up_by == a.top_up_missed:
            yield r.own("liquidation_due"), {"by": by}
        elif a.top_up_by == a.top_up_met:
            yield r.own("top_up_met"), {"by": by}
        else:
            yield r.own("top_up_by"), {"by": by, "target": Money(recovery_line(a.warning_line))}
    if r.staff:
        yield from _ladder(a, r.lang)
        return
    seen = _seen(a)
    if seen and a.risk is Risk.NORMAL:
        line = Money(a.product.rungs[seen - 1].line(a.warning_line))
        yield r.own("rung"), {"rung": seen, "line": line, "warning": Money(a.warning_line)}


def _seen(a: Allocation) -> int:
    """The deepest rung the allocation stands at that its customer hears of (0: none)."""
    rungs = a.product.rungs[: a.rung]
    return max((n for n, rung in enumerate(rungs, 1) if rung.audience.customer), default=0)


def _ladder(a: Allocation, lang: str) -> Iterator[Line]:
    if not a.product.rungs:
        return
    where = text(STAFF + "rung_at", lang, rung=a.rung) if a.rung else text(STAFF + "rung_above", lang)
    yield STAFF + "rungs", {"where": where}
    for number, rung in enumerate(a.product.rungs, 1):
        yield (
            STAFF + "rung",
            {
                "rung": number,
                "line": Money(rung.line(a.warning_line)),
                "cushion": percent(rung.cushion_bp),
                "audience": rung.audience,
                "own": text(STAFF + "rung_own", lang) if rung.own_message else "",
            },
        )


def percent(bp: int) -> str:
    """Basis points as a person writes a share: 500 → "5%", 1050 → "10.5%"."""
    whole, part = divmod(bp, 100)
    return f"{whole}.{part:02d}".rstrip("0").rstrip(".") + "%"


def ladder_mark(a: Allocation, lang: str) -> str:
    """What the running list adds to an allocation's risk: liquidation due, once its deadline passed (a
    deadline standing goes with the warning the list shows already)."""
    missed = a.top_up_by is not None and a.top_up_by == a.top_up_missed
    return text("admin.alloc.due_mark", lang) if missed else ""
