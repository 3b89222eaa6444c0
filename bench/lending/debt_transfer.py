"""Debt transfer (债权转让): buyers racing for one sale, beside the same purchases made one after another.

    .venv/bin/python bench/lending/debt_transfer.py [--backend sqlite|postgres|all] [--buyers 200]
                                                    [--threads 8] [--reps 3] [--quick]

One disbursed ¥16,000 loan held by one investor, who lists all of it on 17 March (mid-period, 1 % off,
with the product's fee); ``--buyers`` verified customers with ¥1,000 each want ¥100 of it, so four fifths
of them fit. Each repetition runs both sides, each on its own fresh copy of the template database, in an
order that alternates:

* **race** — ``--threads`` worker threads (each holding a pooled connection before the clock starts) send
  one ``DebtMarket.buy`` per buyer, all at once: every purchase locks the loan, then the sale.
* **baseline** — the very same purchases, one after another on one thread.

Figures: wall time, purchases per second (attempted and accepted), the transactions run again after a
conflict, and race ÷ baseline. Checks after every run: the sale is sold to the fen and never beyond, the
stored purchases are exactly the accepted ones and their prices add up to the sale's, every buyer paid
exactly their purchase's price (and nothing if refused), the seller's holding is all sold, the ledger's
audit replays and the trial balance balances. A failed check ends the benchmark with exit status 1. The
backends and their templates are ``run.py``'s; see ``bench/README.md``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date

import attrs
import run
import setup

from p2pstock.bootstrap import App
from p2pstock.core.errors import InvalidInput, Refused
from p2pstock.core.lending.debt_transfer import ListingStatus, TransferPurchase
from p2pstock.core.money import Money
from p2pstock.core.papers import LENDING_RISK

SHARE = 10_000
"""¥100: what each buyer buys."""
WALLET = 100_000
"""¥1,000 in each buyer's wallet."""
PRODUCT = attrs.evolve(setup.PRODUCT, transfer_fee_bp=10, transfer_fee_cap_bp=100, transfer_price_bp=500)
"""The benchmark's product, sold on at 0.1 % a remaining installment (at most 1 %), up to 5 % off."""
LISTED = date(2026, 3, 17)


@dataclass
class Template:
    db: str
    listing_id: str
    seller: str
    buyers: list[str]
    principal: int
    seconds: float

    @property
    def fits(self) -> int:
        return self.principal // SHARE


def build(backend: run.Backend, buyers: int) -> Template:
    """Staff, product, borrower, seller, ``buyers`` funded customers, one disbursed loan and its sale."""
    started = time.perf_counter()
    with run.building(backend, "transfer") as (app, db):
        setup.platform(app)
        app.loan_products.define(PRODUCT, by=setup.ADMIN)
        names = setup.investors(app, buyers + 1, WALLET, batch=500)
        seller, buyer_ids = names[0], names[1:]
        principal = buyers * 4 // 5 * SHARE
        loan = setup.listed_loan(app, principal)
        app.wallets.confirm_deposit(seller, gateway="bank", transaction_id="seller", amount=Money(principal))
        app.papers.acknowledge(seller, LENDING_RISK)
        app.lending.invest(loan.id, investor_id=seller, amount=principal)
        app.lending.approve_full(loan.id, by=setup.RISK_OFFICER)
        app.office.clock.set(setup.shanghai(LISTED, 10))  # type: ignore[attr-defined]
        [holding] = app.lending.investments(loan.id)
        listing = app.debt_market.list_for_sale(
            holding.id, seller_id=seller, principal=principal, premium_bp=-100, request_id="bench-sale"
        )
        backend.analyze(db)
    return Template(db, listing.id, seller, buyer_ids, principal, time.perf_counter() - started)


@dataclass
class Side:
    timing: run.Timing = field(default_factory=run.Timing)
    conflicts: list[int] = field(default_factory=list)
    transfers: int = 0


def buy(app: App, listing_id: str, buyer: str) -> TransferPurchase | Exception:
    """One buyer's purchase; a refusal (the sale sold out) is an answer, not a failure."""
    try:
        return app.debt_market.buy(listing_id, buyer_id=buyer, principal=SHARE, request_id=f"bench-{buyer}")
    except (Refused, InvalidInput) as refused:
        return refused


def measure(backend: run.Backend, template: Template, workers: int, tag: str, into: Side) -> None:
    """Every buyer's purchase on ``workers`` threads, on a fresh copy of the template."""
    at = setup.shanghai(LISTED, 10, 5)
    side = tag.rstrip("0123456789")
    with run.copy_of(backend, template.db, tag, at) as (app, _engine):
        with ThreadPoolExecutor(workers) as pool:
            warm(app, pool, template.listing_id, workers)
            with run.counting_conflicts() as conflicts, run.timed(into.timing):
                answers = list(pool.map(lambda b: buy(app, template.listing_id, b), template.buyers))
        into.conflicts.append(conflicts.count)
        into.transfers = check(app, template, answers, side)


def warm(app: App, pool: ThreadPoolExecutor, listing_id: str, workers: int) -> None:
    """Every worker started and holding a pooled connection at once, before the clock starts."""
    together = threading.Barrier(workers)

    def hold(_: int) -> None:
        app.office.read(lambda tx: (tx.uow.transfer_listings.get(listing_id), together.wait(timeout=60)))

    list(pool.map(hold, range(workers)))


def check(app: App, template: Template, answers: list[TransferPurchase | Exception], side: str) -> int:
    """The sale sold to the fen and never beyond, the purchases are the accepted ones, each buyer paid
    exactly their price; the ledger replays and balances."""
    accepted = {p.buyer_id: p for p in answers if isinstance(p, TransferPurchase)}
    view = app.debt_market.get(template.listing_id)
    listing = view.listing
    if (listing.status, listing.sold, len(accepted)) != (
        ListingStatus.SOLD,
        template.principal,
        template.fits,
    ):
        raise run.InvariantBroken(
            f"{side}: sale {listing.status.value}, {listing.sold} of {template.principal} sold, "
            f"{len(accepted)} purchases accepted ({template.fits} fit)"
        )
    stored = app.debt_market.purchases(template.listing_id)
    if sorted(p.id for p in stored) != sorted(p.id for p in accepted.values()):
        raise run.InvariantBroken(f"{side}: the stored purchases are not the accepted ones")
    if sum(p.price for p in stored) != listing.price or sum(p.fee for p in stored) != listing.fee:
        raise run.InvariantBroken(f"{side}: the purchases do not add up to the sale's price and fee")
    for buyer in template.buyers:
        paid = accepted[buyer].price if buyer in accepted else 0
        if app.wallets.balance(buyer).available.minor != WALLET - paid:
            raise run.InvariantBroken(f"{side}: {buyer} did not pay exactly {paid} fen")
    if any(i.outstanding for i in app.lending.investments(view.loan.id) if i.investor_id == template.seller):
        raise run.InvariantBroken(f"{side}: the seller still holds principal")
    return run.check_books(app, side)


def report(backend: run.Backend, template: Template, sides: dict[str, Side], threads: int) -> None:
    buyers, fits = len(template.buyers), template.fits
    print()
    print(backend.title())
    print(
        f"debt transfer: {buyers:,} buyers want ¥{SHARE // 100} each of a "
        f"¥{template.principal // 100:,} sale ({fits:,} fit); setup {template.seconds:.1f} s"
    )
    header = f"  {'side':<40} {'wall s':>15} {'purchases/s':>12} {'accepted/s':>11} {'retried':>10}"
    print(header)
    print("  " + "-" * (len(header) - 2))
    for name, label in (
        ("baseline", "baseline: one after another, 1 thread"),
        ("race", f"race: {threads} threads"),
    ):
        t = sides[name].timing
        shown = f"{t.median:.3f} ({t.best:.3f})"
        retried = ",".join(str(c) for c in sides[name].conflicts)
        print(
            f"  {label:<40} {shown:>15} {buyers / t.median:>12,.0f} {fits / t.median:>11,.0f} {retried:>10}"
        )
    ratio = sides["baseline"].timing.median / sides["race"].timing.median
    print(f"  race ÷ baseline (purchases/s, medians of {len(sides['race'].timing.wall)}): {ratio:.2f}×")
    cpu = {name: statistics.median(side.timing.cpu) for name, side in sides.items()}
    print(f"  client CPU s (median): baseline {cpu['baseline']:.3f}, race {cpu['race']:.3f}")
    print(
        f"  checks: sold to the fen and no more, purchases = accepted, each buyer paid exactly their price, "
        f"seller's holding all sold, audit ok ({sides['race'].transfers:,} transfers), books balanced"
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=("sqlite", "postgres", "all"), default="all")
    parser.add_argument("--buyers", type=int, default=200, help="buyers, one purchase each")
    parser.add_argument("--threads", type=int, default=8, help=f"racing threads (1–{run.MAX_THREADS})")
    parser.add_argument("--reps", type=int, default=3, help="repetitions, each side on a fresh copy")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 20 buyers, 1 repetition")
    parser.add_argument("--pg-url", default=os.environ.get("P2PSTOCK_BENCH_PG_URL", run.DEFAULT_PG_URL))
    parser.add_argument("--synchronous", choices=("FULL", "NORMAL", "OFF"), default="FULL")
    parser.add_argument("--dir", help="where the SQLite files go (default: the system's temporary directory)")
    args = parser.parse_args(argv)
    if args.quick:
        args.buyers, args.reps = 20, 1
    if args.buyers < 5 or args.reps < 1 or not 1 <= args.threads <= run.MAX_THREADS:
        parser.error(f"--buyers at least 5, --reps at least 1, --threads 1 to {run.MAX_THREADS}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    run.print_environment()
    started = time.perf_counter()
    try:
        for backend in run.select_backends(args):
            try:
                template = build(backend, args.buyers)
                sides = {"baseline": Side(), "race": Side()}
                for rep in range(args.reps):
                    order = ("baseline", "race") if rep % 2 == 0 else ("race", "baseline")
                    for side in order:
                        workers = args.threads if side == "race" else 1
                        measure(backend, template, workers, f"{side}{rep}", sides[side])
                    print(f"  {backend.name}: repetition {rep + 1} of {args.reps} done", file=sys.stderr)
                report(backend, template, sides, args.threads)
            finally:
                backend.close()
    except run.InvariantBroken as broken:
        print(f"\nFAILED: {broken}", file=sys.stderr)
        return 1
    print(f"\nfinished in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
