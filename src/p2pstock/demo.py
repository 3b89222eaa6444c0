"""A walk through the fund kernel on the embedded SQLite default, printed as it happens."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path

from p2pstock.adapters.clock import ManualClock
from p2pstock.bootstrap import App, bootstrap
from p2pstock.config import Settings
from p2pstock.core.clock import from_micros
from p2pstock.core.errors import P2PStockError
from p2pstock.core.ledger import chart, codes
from p2pstock.core.ledger.transfers import Transfer
from p2pstock.core.money import Money

Say = Callable[[str], None]


def run_demo(data_dir: Path, say: Say = print) -> App:
    """Run the demo on a fresh ``demo.db`` in ``data_dir`` and return the app for inspection."""
    path = data_dir / "demo.db"
    for stale in (path, path.with_suffix(".db-wal"), path.with_suffix(".db-shm")):
        stale.unlink(missing_ok=True)
    settings = Settings.from_env(database_url=f"sqlite:///{path}", data_dir=data_dir)
    clock = ManualClock(datetime(2026, 3, 2, 1, 0, tzinfo=UTC))
    app = bootstrap(settings, clock=clock)
    app.staff.enrol_by_operator("finance-1", ["finance"])
    say(
        f"p2pstock fund kernel demo — database {settings.safe_database_url} (SQLite, WAL, synchronous=FULL)\n"
    )
    _deposits(app, say)
    clock.advance(hours=2)
    _freeze(app, say)
    clock.advance(hours=1)
    _withdrawals(app, say)
    clock.advance(days=1)
    _report(app, say)
    return app


def _step(say: Say, text: str, action: Callable[[], object]) -> None:
    try:
        result = action()
    except P2PStockError as error:
        say(f"  ✗ {text}: refused — {error}")
    else:
        say(f"  ✓ {text}{': ' + str(result) if result is not None else ''}")


def _deposits(app: App, say: Say) -> None:
    w = app.wallets
    say("1. Wallets and deposits confirmed by the payment gateway")
    for customer in ("alice", "bob"):
        _step(say, f"open wallet for {customer}", partial(lambda c: w.open(c).id, customer))

    def deposit(customer: str, txn: str, amount: str) -> Callable[[], str]:
        def confirm() -> str:
            done = w.confirm_deposit(
                customer, gateway="sandbox", transaction_id=txn, amount=Money.parse(amount)
            )
            return "already credited, nothing changed" if done.duplicate else "credited"

        return confirm

    _step(say, "alice deposits ¥10,000.00 (txn T-1001)", deposit("alice", "T-1001", "10,000.00"))
    _step(say, "the gateway repeats T-1001", deposit("alice", "T-1001", "10,000.00"))
    _step(say, "the gateway repeats T-1001 with ¥100,000.00", deposit("alice", "T-1001", "100,000.00"))
    _step(say, "bob deposits 5000元 (txn T-1002)", deposit("bob", "T-1002", "5000元"))
    _step(say, "bob types an amount with three decimals", lambda: Money.parse("12.345"))
    say("")


def _freeze(app: App, say: Say) -> None:
    say("2. A freeze: alice's allocation deposit is held (a pending transfer)")
    margin = chart.allocation_margin()
    app.ledger.create_accounts([margin])
    hold = Transfer.pending(
        "allocation:A-1:deposit",
        debit=chart.wallet_id("alice"),
        credit=margin.id,
        amount=Money.parse("3,000").minor,
        code=codes.ALLOCATION_DEPOSIT,
        reference="allocation A-1",
    )
    _step(say, "freeze ¥3,000.00 of alice's wallet", lambda: app.ledger.create_transfer(hold).result)
    _step(say, "the same freeze again (a double tap)", lambda: app.ledger.create_transfer(hold).result)
    _step(say, "alice's wallet now", lambda: _balance_text(app, "alice"))
    say("")


def _withdrawals(app: App, say: Say) -> None:
    w = app.wallets
    say("3. Withdrawals: frozen on request, then approved or rejected")

    def request(customer: str, request_id: str, amount: str) -> Callable[[], str]:
        return lambda: (
            w.request_withdrawal(customer, request_id=request_id, amount=Money.parse(amount)).status
        )

    _step(say, "alice asks for ¥8,000.00 (only ¥7,000.00 is available)", request("alice", "W-1", "8000"))
    _step(say, "alice asks for ¥2,000.00", request("alice", "W-2", "2000"))
    _step(say, "finance approves W-2", lambda: w.approve_withdrawal("W-2", by="finance-1").status)
    _step(say, "bob asks for ¥1,000.00", request("bob", "W-3", "1000"))
    reason = "bank card unverified"
    _step(
        say, "finance rejects W-3", lambda: w.reject_withdrawal("W-3", by="finance-1", reason=reason).status
    )
    _step(
        say,
        "finance approves W-3 after rejecting it",
        lambda: w.approve_withdrawal("W-3", by="finance-1").status,
    )
    say("")


def _balance_text(app: App, customer: str) -> str:
    b = app.wallets.balance(customer)
    return f"available {b.available}, frozen {b.frozen}, total {b.total}"


def _report(app: App, say: Say) -> None:
    say("4. Balances")
    for customer in ("alice", "bob"):
        say(f"  {customer:<6} {_balance_text(app, customer)}")
    say("\n5. Fund dynamics (资金动态) of alice's wallet")
    columns = ("Δ available", "Δ frozen", "available", "frozen")
    say(f"  {'time (UTC)':<17} {'code':<19} {'kind':<8} " + " ".join(f"{c:>11}" for c in columns))
    for e in app.ledger.statement(chart.wallet_id("alice")).entries:
        when = from_micros(e.timestamp).strftime("%Y-%m-%d %H:%M")
        moves = (e.after.available - e.before.available, e.after.frozen - e.before.frozen)
        figures = " ".join(f"{_m(v):>11}" for v in (*moves, e.after.available, e.after.frozen))
        say(f"  {when:<17} {e.code:<19} {e.kind:<8} {figures}")
    say("\n6. Statistics: posted money by code and business day (Asia/Shanghai)")
    day = date(2026, 3, 2)
    for row in app.ledger.statistics("day", start=day, end=day):
        say(f"  {row.period}  {row.code:<12} {row.count:>3} transfers  {_m(row.credits):>12}")
    trial, audit = app.ledger.trial_balance(), app.ledger.audit()
    verdict = "balanced" if trial.balanced else "NOT BALANCED"
    say(f"\n7. Trial balance: {verdict} over {trial.accounts} accounts")
    say(f"   posted {_m(trial.totals.debits_posted)} on each side, pending {_m(trial.totals.debits_pending)}")
    problems = "; ".join(audit.problems)
    say(f"   audit replay of {audit.transfers} transfers: {'ok' if audit.ok else 'PROBLEMS: ' + problems}")


def _m(minor: int) -> str:
    return Money(minor).format()
