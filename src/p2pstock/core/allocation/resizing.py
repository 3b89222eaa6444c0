"""Expansion and reduction of a running allocation (扩大 / 缩小配资): what changing its deposit changes.

The customer asks to add ΔD to the deposit (an expansion) or to take ΔD out of it (a reduction). The
leverage L stays, so B changes by ΔB = ΔD × L, and the rest follows from the product, as it did when the
allocation was confirmed::

    D'  = D ± ΔD            within the product's deposit range, on its step (as an application's deposit)
    B'  = D' × L            ΔB drawn from the capital pool (expansion) or returned to it (reduction)
    WL' = B' + w·D'         the lines, snapshotted anew from the product's ratios
    CL' = B' + c·D'
    F'  = B' × rate(L)      the fee of every period charged after the change
    ΔRF = ΔB × risk share   frozen into the risk fund besides ΔD (expansion), or released from what is
                            left of it (reduction) — only on a product with a risk fund

A reduction takes ΔB + ΔD out of the trading sub-account. With A the latest status's total assets and C
its withdrawable cash, each less what has left the sub-account since that status (profit paid, an earlier
reduction), a reduction is allowed only while a status is known, the risk state is normal, and::

    ΔB + ΔD ≤ C                             the sub-account has the cash to give back, and
    (A − ΔB − ΔD) × 100 > WL' × (100 + 2)   what stays clears the NEW warning line with the recovery
                                            margin (``RECOVERY_PCT``: as a warning is left)

Neither kind is possible while fees are overdue, after a term that ended without renewal (it is to be
settled), or while prepaid periods are left or an extension waits — those periods were paid at the fee
before the change, so a bigger B would run on the smaller fee, and a refund of unused periods would be
at the fee after it. Nor while a daily status is held or a settlement waits (``money_out``). Every rule
is checked when the customer asks and again when an administrator approves (``resize_requests``).
"""

from __future__ import annotations

import attrs

from p2pstock.core.allocation.allocations import Allocation, Risk
from p2pstock.core.allocation.products import fee_of
from p2pstock.core.allocation.risk import recovery_line
from p2pstock.core.allocation.side_requests import Kind
from p2pstock.core.errors import InvalidInput, Refused
from p2pstock.core.money import Money
from p2pstock.core.validation import check_amount

RESIZES = frozenset({Kind.EXPANSION, Kind.REDUCTION})
"""The side requests that change the deposit, and with it B and the lines."""


@attrs.frozen
class Size:
    """What a resize changes of an allocation: D, B, the lines and the fee of a period."""

    deposit: int
    allocated: int
    warning_line: int
    liquidation_line: int
    fee_per_period: int

    @classmethod
    def of(cls, a: Allocation) -> Size:
        return cls(a.deposit, a.allocated, a.warning_line, a.liquidation_line, a.fee_per_period)

    def named(self, suffix: str = "") -> dict[str, int]:
        """The figures by name (``deposit``, ``allocated``, …, each with ``suffix``), for a timeline."""
        return {f"{name}{suffix}": value for name, value in attrs.asdict(self).items()}


@attrs.frozen
class Resize:
    """An expansion or a reduction of ``change`` (ΔD) worked out: the allocation's size before and after,
    and the risk fund it freezes more (expansion) or releases (reduction)."""

    kind: Kind
    change: int
    before: Size
    after: Size
    risk_fund: int

    @property
    def expands(self) -> bool:
        return self.kind is Kind.EXPANSION

    @property
    def capital(self) -> int:
        """ΔB: drawn from the capital pool (expansion) or returned to it (reduction)."""
        return abs(self.after.allocated - self.before.allocated)

    @property
    def frozen(self) -> int:
        """What an expansion freezes in the wallet while it waits: ΔD and ΔRF (0 for a reduction)."""
        return self.change + self.risk_fund if self.expands else 0

    @property
    def leaving(self) -> int:
        """What a reduction takes out of the trading sub-account: ΔB + ΔD (0 for an expansion)."""
        return 0 if self.expands else self.capital + self.change


def room(allocation: Allocation, kind: Kind) -> int:
    """The largest ΔD the product's deposit range allows ``kind`` on ``allocation`` (0: none)."""
    product = allocation.product
    if kind is Kind.EXPANSION:
        return max(product.deposit_max - allocation.deposit, 0)
    return max(allocation.deposit - product.deposit_min, 0)


def plan(allocation: Allocation, kind: Kind, change: int) -> Resize:
    """``kind`` (an expansion or a reduction) of ``change`` (ΔD) on ``allocation``: its new size; refused
    when the product's deposit range or step does not allow the new deposit."""
    check_amount(change, "deposit change")
    if change <= 0:
        raise InvalidInput("the deposit change must be positive", code="amount_not_positive")
    a, product = allocation, allocation.product
    most = room(a, kind)
    if not most:
        raise Refused(f"the deposit is at the product's limit for a {kind.value}", code="resize_at_limit")
    if change > most:
        raise InvalidInput(
            f"the deposit can change by at most {Money(most)}", code="resize_most", most=Money(most)
        )
    if change % product.deposit_step:
        step = Money(product.deposit_step)
        raise InvalidInput(f"the deposit must go up in steps of {step}", code="deposit_step", step=step)
    deposit = a.deposit + change if kind is Kind.EXPANSION else a.deposit - change
    quote = product.quote(deposit, a.leverage, product.term_min)
    after = Size(deposit, quote.allocated, quote.warning_line, quote.liquidation_line, quote.fee_per_period)
    share = fund_share(a, change)
    fund = share if kind is Kind.EXPANSION else min(share, a.risk_fund)
    return Resize(kind, change, Size.of(a), after, fund)


def fund_share(allocation: Allocation, change: int) -> int:
    """The risk fund's share of ΔB = ``change`` × L (0 on a product without a risk fund)."""
    ppm = allocation.product.risk_fund_ppm
    return fee_of(change * allocation.leverage, ppm) if ppm else 0


def check(allocation: Allocation, resize: Resize, *, extension_waits: bool = False) -> None:
    """Refuse ``resize`` unless ``allocation``'s state allows it now (the rules of the module's docstring);
    ``extension_waits``: an extension of the allocation is pending."""
    a = allocation
    if a.overdue:
        raise Refused(
            f"fees of {Money(a.fees_unpaid)} are overdue; pay them first",
            code="resize_overdue",
            amount=Money(a.fees_unpaid),
        )
    if a.settle_by is not None:
        raise Refused(
            f"the term ended on {a.expired_on} without renewal; it is to be settled",
            code="resize_expired",
            day=a.expired_on,
        )
    if a.prepaid_left or extension_waits:
        raise Refused(
            "prepaid periods are left or an extension waits; resize once they are used",
            code="resize_prepaid_left",
            periods=a.prepaid_left,
        )
    if not resize.expands:
        _check_reduction(a, resize)


def left_in_account(allocation: Allocation) -> tuple[int, int] | None:
    """The latest status's total assets and withdrawable cash, less what left the sub-account since
    (``None`` before the first status)."""
    a = allocation
    if a.last_assets is None:
        return None
    gone = a.withdrawn_since_status
    return a.last_assets - gone, a.last_withdrawable - gone


def clear_line(resize: Resize) -> int:
    """The new warning line with the recovery margin: what a reduction leaves in the sub-account must be
    above it (``(A − ΔB − ΔD) × 100 > WL' × 102``, in whole minor units)."""
    return recovery_line(resize.after.warning_line)


def clears(assets: int, resize: Resize) -> bool:
    """Whether ``assets`` less what the reduction takes out clear its new warning line with the margin."""
    return assets - resize.leaving > clear_line(resize)


def _check_reduction(a: Allocation, resize: Resize) -> None:
    known = left_in_account(a)
    if known is None:
        raise Refused("a reduction needs a daily status of the sub-account first", code="reduction_no_status")
    if a.risk is not Risk.NORMAL:
        raise Refused("a reduction needs the risk state to be normal", code="reduction_risk")
    assets, cash = known
    if resize.leaving > cash:
        raise Refused(
            f"the sub-account's withdrawable cash ({Money(cash)}) cannot give back {Money(resize.leaving)}",
            code="reduction_cash_short",
            cash=Money(max(cash, 0)),
            amount=Money(resize.leaving),
        )
    if not clears(assets, resize):
        line = Money(clear_line(resize))
        raise Refused(
            f"after the reduction the assets ({Money(assets - resize.leaving)}) would not clear {line}",
            code="reduction_not_clear",
            assets=Money(assets - resize.leaving),
            line=line,
        )
