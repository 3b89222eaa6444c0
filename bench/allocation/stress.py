"""The stress view over 10,000 running allocations, each with a latest status, against a raw baseline.

    .venv/bin/python bench/allocation/stress.py [--backend sqlite|postgres|all] [--count N] [--reps N]

The template is built as ``run.py`` builds it (``setup.py``: started in batches, then a first day's
statement imported through the services: assets around ¥61,000, 80 % in shares, B = ¥50,000, CL = ¥53,000).
Measured, best of ``--reps``:

* library — ``Allocations.stress([-1000], by=risk officer)``: one shock (the CLI's call), and the bot's
  call (−5/−10/−20 % and the curve 0…−20 % by 1 %: 23 shocks over one read);
* baseline — the same SELECT text (``adapters.sql.allocations._EXPOSURES``) on a raw DB-API connection
  (sqlite3 / psycopg), then the same arithmetic in a plain loop over the rows (tuples, no objects, only
  the totals and the crossing ids), checked equal to the library's totals.

Target: the library's one-shock view under 1 s on SQLite. See ``bench/README.md``.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

import psycopg
import run
import setup

from p2pstock.adapters.clock import ManualClock
from p2pstock.adapters.sql.allocations import _EXPOSURES, _RISK_FUND
from p2pstock.core.allocation.stress import BOT_SHOCKS, CURVE_SHOCKS, StressView

BOT = sorted({*BOT_SHOCKS, *CURVE_SHOCKS}, reverse=True)


def raw_view(rows: Sequence[Sequence[Any]], shock_bp: int) -> tuple[int, int, int, int, int, int]:
    """(warning, liquidation, gap, from fund, shortfall, capital at risk) in a plain loop."""
    warning = liquidation = gap = fund = short = at_risk = 0
    for _id, _c, _s, b, wl, cl, unpaid, risk_fund, _day, assets, mv in rows:
        if assets is None:
            continue
        after = max(assets - mv + mv * (10_000 + shock_bp) // 10_000, 0)
        if after <= wl:
            warning += 1
        if after <= cl:
            liquidation += 1
            at_risk += b
        back = min(b, after)
        collected = min(unpaid, after - back)
        short_capital, short_fees = b - back, unpaid - collected
        fund_capital = min(risk_fund, short_capital)
        fund_fees = min(risk_fund - fund_capital, short_fees)
        gap += short_capital + short_fees
        fund += fund_capital + fund_fees
        short += short_capital + short_fees - fund_capital - fund_fees
    return warning, liquidation, gap, fund, short, at_risk


def totals(view: StressView) -> tuple[int, int, int, int, int, int]:
    return view.warning, view.liquidation, view.gap, view.from_fund, view.shortfall, view.capital_at_risk


def best(reps: int, work: Callable[[], object]) -> tuple[float, object]:
    times, result = [], None
    for _ in range(reps):
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    return min(times), result


def raw_reader(backend: run.Backend, db: str) -> Callable[[], list[Any]]:
    dialect = "postgresql" if backend.name == "postgres" else "sqlite"
    statement = _EXPOSURES.format(risk_fund=_RISK_FUND[dialect])
    if dialect == "sqlite":
        connection: Any = sqlite3.connect(db)
    else:
        url = backend.url.set(drivername="postgresql", database=db)  # type: ignore[union-attr]
        connection = psycopg.connect(url.render_as_string(hide_password=False), autocommit=True)
    return lambda: connection.execute(statement).fetchall()


def measure(backend: run.Backend, count: int, reps: int) -> None:
    print(f"  {backend.name}: building {count:,} allocations …", file=sys.stderr, flush=True)
    template = run.build_template(backend, count, "batched", 500)
    db = backend.fresh("stress")
    engine = backend.engine(db)
    app = run.open_app(engine, ManualClock(setup.shanghai(setup.MEASURED_DAY, 16)))
    officer = setup.RISK_OFFICER
    app.allocations.stress([0], by=officer)  # warm: connections, statements
    one_s, one = best(reps, lambda: app.allocations.stress([-1000], by=officer))
    bot_s, bot = best(reps, lambda: app.allocations.stress(BOT, by=officer))
    read = raw_reader(backend, db)
    read()
    raw_one_s, raw_one = best(reps, lambda: raw_view(read(), -1000))
    raw_bot_s, raw_bot = best(reps, lambda: [raw_view(rows, s) for rows in [read()] for s in BOT])
    if raw_one != totals(one.views[0]) or raw_bot != [totals(v) for v in bot.views]:  # type: ignore[attr-defined]
        raise run.InvariantBroken("the baseline's totals differ from the library's")
    view = one.views[0]  # type: ignore[attr-defined]
    print(f"\n{backend.title()}: {len(template.allocations):,} running allocations, each with a status")
    for v in (view, bot.at(-2000)):  # type: ignore[attr-defined]
        print(
            f"  at {v.shock_bp / 100:g}%: {v.warning:,} across WL, {v.liquidation:,} across CL, "
            f"shortfall {v.shortfall:,} fen, capital at risk {v.capital_at_risk:,} fen"
        )
    for name, lib, raw in (("1 shock", one_s, raw_one_s), (f"{len(BOT)} shocks (bot)", bot_s, raw_bot_s)):
        print(
            f"  {name:>16}: library {lib * 1000:7.1f} ms  baseline {raw * 1000:7.1f} ms  "
            f"ratio {lib / raw:.2f}"
        )
    target = "met" if backend.name != "sqlite" or one_s < 1.0 else "MISSED"
    if backend.name == "sqlite":
        print(f"  target (< 1 s on SQLite, one shock): {target}")
    engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=("sqlite", "postgres", "all"), default="all")
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--pg-url", default=os.environ.get("P2PSTOCK_BENCH_PG_URL", run.DEFAULT_PG_URL))
    parser.add_argument("--dir", default=None)
    parser.add_argument("--synchronous", default="FULL")
    args = parser.parse_args(argv)
    for backend in run.select_backends(args):
        try:
            measure(backend, args.count, args.reps)
        finally:
            backend.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
