"""The stress view in words, shared by the risk officers' bot view (``admin_stress``) and the operators'
command (``p2pstock allocation stress``): a shock as per cent, a view's totals, an allocation's line."""

from __future__ import annotations

from p2pstock.bots.telegram.texts import text
from p2pstock.core.allocation.stress import Shocked, StressReport, StressView
from p2pstock.core.money import Money


def shock_text(shock_bp: int) -> str:
    """``-1000`` → ``-10%``, ``-250`` → ``-2.5%``, ``500`` → ``+5%``."""
    sign = "-" if shock_bp < 0 else "+" if shock_bp > 0 else ""
    whole, hundredths = divmod(abs(shock_bp), 100)
    return f"{sign}{whole}{f'.{hundredths:02d}'.rstrip('0') if hundredths else ''}%"


def heading(report: StressReport, lang: str) -> list[str]:
    day = report.as_of.isoformat() if report.as_of else text("stress.no_day", lang)
    return [text("stress.title", lang, day=day), text("stress.boards", lang)]


def totals(view: StressView, bearer: str, lang: str) -> list[str]:
    """The view's totals in ``lang``: a line, and one more for the allocations left out."""
    found = [
        text("stress.shock", lang, shock=shock_text(view.shock_bp))
        + (" " if lang == "en" else "")
        + text(
            "stress.totals",
            lang,
            allocations=view.allocations,
            warning=view.warning,
            liquidation=view.liquidation,
            at_risk=Money(view.capital_at_risk),
            gap=Money(view.gap),
            from_fund=Money(view.from_fund),
            shortfall=Money(view.shortfall),
            bearer=text(f"stress.bearer.{bearer}", lang),
        )
    ]
    if view.without_status:
        found.append(text("stress.without_status", lang, count=view.without_status))
    return found


def line(s: Shocked, lang: str) -> str:
    return text(
        "stress.line",
        lang,
        sub_account=s.sub_account or "-",
        id=s.id,
        before=Money(s.assets_before),
        after=Money(s.assets_after),
        risk=text(f"stress.risk.{s.risk.value}", lang),
        gap=Money(s.gap),
        shortfall=Money(s.shortfall),
    )
