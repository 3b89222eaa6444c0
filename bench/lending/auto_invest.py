"""Auto-invest: 1,000 rules served into one listed loan, against the same 1,000 investments made by hand.

    .venv/bin/python bench/lending/auto_invest.py [--backend sqlite|postgres|all] [--rules 1000] [--reps 3]

One template database per backend holds the platform (``setup.platform``), ``--rules`` verified investors
with funded wallets who accepted the risk disclosure, each keeping a rule of ¥100 a loan, and one loan of
``--rules`` × ¥100 under a product whose auto share is the whole loan, listed but not served yet (as if the
process died between the listing and the run). Two sides run on their own copies of it:

* **auto-invest** — ``AutoInvest.run(loan)``: one transaction that locks the loan and the 1,000 wallets,
  asks bidding about each investor, freezes 1,000 holds, stores 1,000 investments, saves the loan (full)
  and the rules' places in the queue, and queues a message to each investor and the borrower.
* **by hand** (the baseline) — 1,000 ``Lending.invest`` calls of ¥100, one after another, one transaction
  each: the same investments, holds and loan, in the queue's order.

Checks after every run, outside the timing: the loan is full, funded exactly its amount by 1,000
investments adding up to it, each investor has exactly ¥100 frozen, auto-invest's investments are all
``auto`` and every rule fired; the ledger's audit replays and the trial balance balances. The figures are
the median (and best) of ``--reps`` runs a side, the sides taking turns; ``hand ÷ auto`` is the ratio of
the medians. A failed check ends the benchmark with exit status 1. See ``bench/README.md``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import attrs
import run as lending
import setup

from p2pstock.bootstrap import App
from p2pstock.core.backoffice import Tx
from p2pstock.core.lending import applications
from p2pstock.core.lending.auto_invest import AutoInvestRule, RuleTerms
from p2pstock.core.lending.loans import LoanStatus
from p2pstock.core.lending.schedules import Method

STAKE = 10_000
"""¥100: what each rule (and each hand bid) puts in the loan."""
PRODUCT = attrs.evolve(setup.PRODUCT, code="bench.auto", auto_share_bp=10_000)
"""The benchmark's product, but auto-invest may take the whole of a loan."""
BATCH = 500
WALLET = 100_000
"""¥1,000 in each investor's wallet."""


@attrs.frozen
class Template:
    db: str
    loan_id: str
    investors: list[str]
    seconds: float


def build(backend: lending.Backend, rules: int) -> Template:
    """The template: the platform, the investors and their rules, and the loan listed, not served."""
    started = time.perf_counter()
    with lending.building(backend, "auto") as (app, db):
        setup.platform(app)
        app.loan_products.define(PRODUCT, by=setup.ADMIN)
        investors = setup.investors(app, rules, WALLET, BATCH)
        for start in range(0, rules, BATCH):
            app.office.run(lambda tx, chunk=investors[start : start + BATCH]: _keep_rules(tx, chunk))
        loan_id = _listed_unserved(app, rules * STAKE)
        backend.analyze(db)
    return Template(db, loan_id, investors, time.perf_counter() - started)


def _keep_rules(tx: Tx, investors: list[str]) -> None:
    """Each investor (who accepted the risk disclosure, ``setup.investors``) keeps a rule of ``STAKE`` a loan,
    a microsecond apart."""
    terms = RuleTerms(amount=STAKE).check()
    for n, investor in enumerate(investors):
        tx.uow.auto_invest_rules.add(AutoInvestRule(investor, terms, tx.now + n))


def _listed_unserved(app: App, amount: int) -> str:
    document = app.customers.upload_document(setup.BORROWER, "house_certificate", setup.PNG)
    app.kyc.accept_document(document.id, by=setup.REVIEWERS[0])
    loan = app.lending.apply(
        setup.BORROWER,
        product=PRODUCT.code,
        amount=amount,
        months=setup.MONTHS,
        rate_bp=setup.RATE_BP,
        method=Method.EQUAL_INSTALLMENTS,
        purpose="shop renovation",
        documents=[document.id],
        bidding_days=3,
    )
    app.lending.first_review(loan.id, by=setup.REVIEWERS[0])
    desk, by = app.lending.desk, setup.REVIEWERS[1]
    app.office.run(lambda tx: applications.final_review(desk, tx, loan.id, by=by))
    return loan.id


def by_auto_invest(app: App, template: Template) -> None:
    app.auto_invest.run(template.loan_id)


def by_hand(app: App, template: Template) -> None:
    for investor in template.investors:
        app.lending.invest(template.loan_id, investor_id=investor, amount=STAKE)


SIDES = {"auto-invest": by_auto_invest, "by hand": by_hand}


def measure(backend: lending.Backend, template: Template, reps: int) -> dict[str, lending.Timing]:
    """Each side ``reps`` times on its own copy of the template, the sides taking turns."""
    timings = {side: lending.Timing() for side in SIDES}
    at = setup.shanghai(setup.START, 11)
    for rep in range(reps):
        order = list(SIDES) if rep % 2 == 0 else list(SIDES)[::-1]
        for side in order:
            tag = f"{side.replace(' ', '_').replace('-', '_')}_{rep}"
            with lending.copy_of(backend, template.db, tag, at) as (app, _):
                app.office.read(lambda tx: tx.uow.loans.get(template.loan_id))  # a connection open before
                with lending.timed(timings[side]):
                    SIDES[side](app, template)
                check(app, template, auto=side == "auto-invest")
    return timings


def check(app: App, template: Template, *, auto: bool) -> None:
    loan = app.lending.get(template.loan_id)
    investments = app.lending.investments(loan.id)
    if loan.status is not LoanStatus.FULL or loan.funded != loan.amount:
        raise lending.InvariantBroken(f"the loan is {loan.status} with {loan.funded} of {loan.amount}")
    if len(investments) != len(template.investors) or sum(i.amount for i in investments) != loan.amount:
        raise lending.InvariantBroken(f"{len(investments)} investments do not add up to the loan")
    if any(i.auto != auto for i in investments):
        raise lending.InvariantBroken("an investment is not of the side that made it")
    frozen = app.office.read(
        lambda tx: tx.uow.ledger.find_accounts([f"wallet:CNY:{i}" for i in template.investors])
    )
    if sorted(a.frozen for a in frozen.values()) != [STAKE] * len(template.investors):
        raise lending.InvariantBroken("an investor does not have exactly the stake frozen")
    fired = app.office.read(
        lambda tx: tx.uow.auto_invest_rules.admitting(loan.terms.months, loan.terms.rate_bp)
    )
    if auto and any(rule.last_fired_at is None for rule in fired):
        raise lending.InvariantBroken("a rule did not fire")
    lending.check_books(app, "auto-invest" if auto else "by hand")


def report(
    backend: lending.Backend, template: Template, timings: dict[str, lending.Timing], reps: int
) -> None:
    auto, hand, count = timings["auto-invest"], timings["by hand"], len(template.investors)
    loan = f"¥{count * STAKE // 100:,}"
    print(f"\n{backend.title()}")
    print(f"  setup (platform, {count:,} investors and rules, the loan listed): {template.seconds:.1f} s")
    print(f"  {count:,} investments of ¥{STAKE // 100} into one loan of {loan}, median (best) of {reps}:")
    for side, what in (
        ("auto-invest", "AutoInvest.run, 1 transaction"),
        ("by hand", f"{count:,} × Lending.invest"),
    ):
        timing = timings[side]
        each, cpu = timing.median / count * 1e6, lending.statistics.median(timing.cpu)
        figures = f"{timing.median:8.3f} s ({timing.best:.3f})  {each:6.0f} µs an investment  cpu {cpu:.2f} s"
        print(f"  {side:<12} {what:<32} {figures}")
    print(f"  by hand ÷ auto-invest (medians): {hand.median / auto.median:.1f}×")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgres", "all"), default="all")
    parser.add_argument("--rules", type=int, default=1_000)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--pg-url", default=os.environ.get("P2PSTOCK_BENCH_PG_URL", lending.DEFAULT_PG_URL))
    parser.add_argument("--dir", default=None, help="where the SQLite files go")
    parser.add_argument("--synchronous", choices=("FULL", "NORMAL", "OFF"), default="FULL")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    lending.print_environment()
    started = time.perf_counter()
    try:
        for backend in lending.select_backends(args):
            try:
                template = build(backend, args.rules)
                report(backend, template, measure(backend, template, args.reps), args.reps)
            finally:
                backend.close()
    except lending.InvariantBroken as broken:
        print(f"\nFAILED: {broken}", file=sys.stderr)
        return 1
    print(f"\nfinished in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
