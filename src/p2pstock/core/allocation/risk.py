"""Risk of a running allocation: its total assets A against the warning line WL and the liquidation line CL.

Entering a state needs only the line: ``A ≤ WL`` is a warning, ``A ≤ CL`` a liquidation. Leaving one needs
a margin above the line (hysteresis, ``RECOVERY_PCT``): an allocation in warning returns to normal only once
``A > WL × 102 %``, so assets that hover around a line do not raise an alert every day. Alerts are sent on
a change of state only, which makes them once per crossing.

The rungs of a product's alert ladder (``ladder``), lines above WL, are reached the same way
(``next_rung``): at or below a line at once, out of it only with the margin above it.

The risk ratio is ``R = A / (B + unpaid fees)``, in basis points.
"""

from __future__ import annotations

import attrs

from p2pstock.core.allocation.allocations import Risk

RECOVERY_PCT = 2
"""How far above a line (per cent of the line) assets must climb to leave the state below it."""


@attrs.frozen
class RiskReading:
    """What one total-assets figure means for an allocation."""

    total_assets: int
    to_warning: int
    """A − WL: negative once the warning line is crossed."""
    to_liquidation: int
    """A − CL."""
    ratio_bp: int
    """R = A / (B + unpaid fees) in basis points (10,000 is 100 %)."""
    before: Risk
    after: Risk

    @property
    def changed(self) -> bool:
        return self.before is not self.after


def recovery_line(line: int) -> int:
    """``line`` with the recovery margin, in whole minor units: what assets must stand above to have left
    the state below it (a reduction, a profit withdrawal and a top-up deadline measure against it)."""
    return line * (100 + RECOVERY_PCT) // 100


def _above_with_margin(assets: int, line: int) -> bool:
    return assets * 100 > line * (100 + RECOVERY_PCT)


def next_risk(current: Risk, assets: int, warning_line: int, liquidation_line: int) -> Risk:
    """The risk state after a reading of ``assets``, with hysteresis on the way back up."""
    if assets <= liquidation_line:
        return Risk.LIQUIDATION
    if current is Risk.LIQUIDATION and not _above_with_margin(assets, liquidation_line):
        return Risk.LIQUIDATION
    if assets <= warning_line:
        return Risk.WARNING
    if current is Risk.NORMAL or _above_with_margin(assets, warning_line):
        return Risk.NORMAL
    return Risk.WARNING


def next_rung(current: int, assets: int, lines: tuple[int, ...]) -> int:
    """The rung an allocation stands at after a reading of ``assets`` (``lines`` highest first; 0 above
    them all): the deepest line reached, or the one it stood at if it has not cleared it with the margin."""
    reached = held = 0
    for line in lines:
        reached += assets <= line
        held += not _above_with_margin(assets, line)
    return max(reached, min(current, held))


def ratio_bp(assets: int, allocated: int, unpaid_fees: int) -> int:
    """R = A / (B + unpaid fees) in basis points, rounded down."""
    return assets * 10_000 // max(allocated + unpaid_fees, 1)


def read_risk(
    current: Risk, assets: int, *, warning_line: int, liquidation_line: int, allocated: int, unpaid_fees: int
) -> RiskReading:
    after = next_risk(current, assets, warning_line, liquidation_line)
    ratio = ratio_bp(assets, allocated, unpaid_fees)
    return RiskReading(assets, assets - warning_line, assets - liquidation_line, ratio, current, after)
