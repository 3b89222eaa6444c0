"""The stress view: every in-progress allocation against a market shock, and the platform's totals.

For a shock of ``s`` basis points (−1000 is −10 %) and each running allocation's latest status::

    market value after  MV′ = ⌊MV × (10 000 + s) / 10 000⌋       (rounded down: see ``shocked``)
    assets after        A′  = A − MV + MV′                       (A = MV + cash; the cash does not move)
    warning             A′ ≤ WL = B + w·D                        (the lines snapshotted on the allocation)
    liquidation         A′ ≤ CL = B + c·D
    gap (穿仓)           what A′ lacks of B + unpaid fees
    from the risk fund  what the customer's risk fund covers of the gap (capital first, then fees)
    shortfall           gap − from the risk fund: what the platform bears

The gap, the risk fund's part and the shortfall follow ``settlement.Split`` to the fen — a settlement at
A′ would book the same (B back to the pool first, then the unpaid fees; the risk fund covers what capital
then fees lack; the rest is a receivable or a platform loss, ``ShortfallPolicy``). At 10× leverage with
``c = 30 %`` the liquidation line is ``B + 0.3·D = 1.03·B`` of initial capital ``1.1·B``: a fully invested
account falls through it, and through B, with a single −10 % day.

Shocks apply to the whole market value: statuses carry no positions by board, so a per-board shock (ChiNext
±20 %) has nothing to apply to yet. An allocation without any status yet has no market value to shock; it
is counted apart (``without_status``) and left out of the figures. Money is in fen.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import NamedTuple

import attrs

from p2pstock.core.allocation.allocations import Allocation, Risk
from p2pstock.core.allocation.risk import next_risk
from p2pstock.core.allocation.statuses import DailyStatus
from p2pstock.core.errors import InvalidInput

BP = 10_000
"""Basis points in a whole (100 %)."""
SHOCK_MIN, SHOCK_MAX = -BP, BP
"""The shocks a stress view takes: −100 % (every share worth nothing) to +100 %."""
BOT_SHOCKS = (-500, -1000, -2000)
"""The shocks the risk officers' bot view shows."""
CURVE_SHOCKS = tuple(range(0, -2001, -100))
"""The shocks of the shortfall curve: 0 to −20 % by −1 %."""


class Exposure(NamedTuple):
    """What a stress view needs of a running allocation and its latest status (``None``: no status yet).
    A named tuple: storage builds one per running allocation, thousands at a time."""

    id: str
    customer_id: str
    sub_account: str | None
    allocated: int
    warning_line: int
    liquidation_line: int
    fees_unpaid: int
    risk_fund: int
    trade_date: date | None
    total_assets: int | None
    market_value: int | None

    @classmethod
    def of(cls, a: Allocation, latest: DailyStatus | None) -> Exposure:
        figures = None if latest is None else latest.figures
        return cls(
            a.id,
            a.customer_id,
            a.sub_account,
            a.allocated,
            a.warning_line,
            a.liquidation_line,
            a.fees_unpaid,
            a.risk_fund,
            None if latest is None else latest.trade_date,
            None if figures is None else figures.total_assets,
            None if figures is None else figures.market_value,
        )


@attrs.frozen
class Shocked:
    """One allocation after the shock."""

    id: str
    customer_id: str
    sub_account: str | None
    allocated: int
    assets_before: int
    assets_after: int
    risk: Risk
    """Where ``assets_after`` stands against the lines (``risk.next_risk`` from normal: at or below a line
    is across it)."""
    to_liquidation: int
    """A′ − CL: negative once across."""
    gap: int
    from_fund: int
    shortfall: int


@attrs.frozen
class StressView:
    """The platform under one shock."""

    shock_bp: int
    allocations: int
    """Running allocations with a status (the ones shocked)."""
    without_status: int
    warning: int
    """Allocations at or below their warning line after the shock (those below the liquidation line too)."""
    liquidation: int
    """Allocations at or below their liquidation line after the shock."""
    gap: int
    from_fund: int
    shortfall: int
    """What the platform bears: ``gap − from_fund``."""
    capital_at_risk: int
    """B of the allocations at or below their liquidation line."""
    crossing: tuple[Shocked, ...]
    """The allocations at or below their warning line, the worst first (largest shortfall, then largest
    gap, then furthest below the liquidation line)."""


def shocked(market_value: int, shock_bp: int) -> int:
    """The market value after a shock of ``shock_bp``, rounded down to the fen.

    Down, whatever the sign of the shock: against the platform, so that a stress figure never shows
    assets the account might not have — a line is crossed no later, and a shortfall is never smaller, than
    exact arithmetic would say (by less than a fen per allocation)."""
    return market_value * (BP + shock_bp) // BP


def check_shock(shock_bp: object) -> int:
    """``shock_bp`` if it is a whole number of basis points from ``SHOCK_MIN`` to ``SHOCK_MAX``."""
    if isinstance(shock_bp, bool) or not isinstance(shock_bp, int) or not SHOCK_MIN <= shock_bp <= SHOCK_MAX:
        raise InvalidInput(
            "a shock is a whole number of basis points from -10000 (-100 %) to 10000 (+100 %)",
            code="shock_invalid",
        )
    return shock_bp


def split(allocated: int, fees_unpaid: int, risk_fund: int, assets: int) -> tuple[int, int, int]:
    """(gap, from the risk fund, shortfall) of a settlement at ``assets``: ``settlement.Split``'s rule."""
    capital_back = min(allocated, assets)
    fees_collected = min(fees_unpaid, assets - capital_back)
    short_capital, short_fees = allocated - capital_back, fees_unpaid - fees_collected
    fund_capital = min(risk_fund, short_capital)
    fund_fees = min(risk_fund - fund_capital, short_fees)
    gap = short_capital + short_fees
    return gap, fund_capital + fund_fees, gap - fund_capital - fund_fees


def shock_one(e: Exposure, shock_bp: int) -> Shocked | None:
    """``e`` after the shock; ``None`` without a status."""
    if e.total_assets is None or e.market_value is None:
        return None
    after = max(e.total_assets - e.market_value + shocked(e.market_value, shock_bp), 0)
    gap, from_fund, shortfall = split(e.allocated, e.fees_unpaid, e.risk_fund, after)
    return Shocked(
        e.id,
        e.customer_id,
        e.sub_account,
        e.allocated,
        e.total_assets,
        after,
        next_risk(Risk.NORMAL, after, e.warning_line, e.liquidation_line),
        after - e.liquidation_line,
        gap,
        from_fund,
        shortfall,
    )


def _worst_first(s: Shocked) -> tuple[int, int, int, str]:
    return (-s.shortfall, -s.gap, s.to_liquidation, s.id)


def stress(exposures: Iterable[Exposure], shock_bp: int) -> StressView:
    """Every allocation of ``exposures`` under a shock of ``shock_bp`` basis points, and the totals. The
    sums are taken in one plain loop; a ``Shocked`` record is built only for an allocation across a line
    (the bot's curve asks for 21 shocks of 10,000 allocations)."""
    shock_bp = check_shock(shock_bp)
    done = without = gap = from_fund = shortfall = 0
    crossing: list[Shocked] = []
    for e in exposures:
        assets, market_value = e.total_assets, e.market_value
        if assets is None or market_value is None:
            without += 1
            continue
        done += 1
        after = max(assets - market_value + market_value * (BP + shock_bp) // BP, 0)  # ``shocked``
        if after < e.allocated + e.fees_unpaid:
            one = split(e.allocated, e.fees_unpaid, e.risk_fund, after)
            gap, from_fund, shortfall = gap + one[0], from_fund + one[1], shortfall + one[2]
        if after <= e.warning_line or after <= e.liquidation_line:
            crossing.append(shock_one(e, shock_bp))  # type: ignore[arg-type]  # it has a status
    crossing.sort(key=_worst_first)
    liquidating = [s for s in crossing if s.risk is Risk.LIQUIDATION]
    return StressView(
        shock_bp=shock_bp,
        allocations=done,
        without_status=without,
        warning=len(crossing),
        liquidation=len(liquidating),
        gap=gap,
        from_fund=from_fund,
        shortfall=shortfall,
        capital_at_risk=sum(s.allocated for s in liquidating),
        crossing=tuple(crossing),
    )


def stress_all(exposures: Sequence[Exposure], shocks: Sequence[int]) -> tuple[StressView, ...]:
    """``stress`` for each of ``shocks``, over the same exposures (read once)."""
    for shock in shocks:
        check_shock(shock)
    return tuple(stress(exposures, shock) for shock in shocks)


@attrs.frozen
class StressReport:
    """The stress views of one read of the running allocations, one per shock asked for."""

    views: tuple[StressView, ...]
    bearer: str
    """Who bears a shortfall at settlement: ``desk.ShortfallPolicy``'s value (``receivable``: the
    customer owes it; ``loss``: the platform books it as a loss)."""
    as_of: date | None
    """The latest trade day among the statuses read (``None``: none yet)."""

    def at(self, shock_bp: int) -> StressView:
        """The view of ``shock_bp`` (one of those asked for)."""
        return next(v for v in self.views if v.shock_bp == shock_bp)


def report(exposures: Sequence[Exposure], shocks: Sequence[int], bearer: str) -> StressReport:
    days = [e.trade_date for e in exposures if e.trade_date is not None]
    return StressReport(stress_all(exposures, shocks), bearer, max(days, default=None))
