"""Embedding the wallet and the ledger with plain synchronous calls on a SQLite file.

python examples/embed_wallet.py [DIRECTORY]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from p2pstock import AccountFlags, Money, Transfer, TransferResult
from p2pstock.bootstrap import bootstrap
from p2pstock.config import Settings
from p2pstock.core.ledger import chart
from p2pstock.core.ledger.accounts import Account


def main(directory: Path) -> None:
    app = bootstrap(Settings(database_url=f"sqlite:///{directory / 'example.db'}"))
    wallets, ledger = app.wallets, app.ledger

    # Wallets and a deposit confirmed by a gateway (confirming it twice credits once).
    for customer in ("investor-1", "borrower-1"):
        wallets.open(customer)
    for _ in range(2):
        wallets.confirm_deposit(
            "investor-1", gateway="bank", transaction_id="T-1", amount=Money.parse("5,000")
        )
    print("investor after deposit:", wallets.balance("investor-1"))

    # The ledger directly: an escrow account, a freeze, a partial post that releases the rest.
    escrow = Account.open(
        "escrow:loan-7", code="loan_escrow", flags=AccountFlags.DEBITS_MUST_NOT_EXCEED_CREDITS
    )
    ledger.create_accounts([escrow])
    investor = chart.wallet_id("investor-1")
    hold = Transfer.pending(
        "bid:loan-7:1", debit=investor, credit=escrow.id, amount=300_000, code="investment"
    )
    print("freeze ¥3,000.00:", ledger.create_transfer(hold).result)
    print("investor while frozen:", wallets.balance("investor-1"))
    print(
        "post ¥2,000.00 of it:",
        ledger.create_transfer(Transfer.post("bid:loan-7:1:post", pending_id=hold.id, amount=200_000)).result,
    )

    # A linked batch: both transfers commit, or neither does.
    payout = [
        Transfer.single(
            "loan-7:fee", debit=escrow.id, credit=investor, amount=10_000, code="fee", linked=True
        ),
        Transfer.single(
            "loan-7:payout",
            debit=escrow.id,
            credit=chart.wallet_id("borrower-1"),
            amount=190_000,
            code="investment",
        ),
    ]
    print("linked payout:", ", ".join(o.result for o in ledger.create_transfers(payout)))
    too_much = [
        Transfer.single(
            "loan-7:top-up", debit=investor, credit=escrow.id, amount=100, code="investment", linked=True
        ),
        Transfer.single("loan-7:too-much", debit=escrow.id, credit=investor, amount=10**9, code="fee"),
    ]
    results = [o.result for o in ledger.create_transfers(too_much)]
    if results != [TransferResult.LINKED_EVENT_FAILED, TransferResult.EXCEEDS_CREDITS]:
        raise SystemExit(f"unexpected results: {results}")
    print("a chain with one failure changes nothing:", ", ".join(results))

    # Fund dynamics and checks.
    for entry in ledger.statement(investor).entries:
        print(f"  {entry.code:<11} {entry.kind:<8} available after {Money(entry.after.available)}")
    print("balances:", wallets.balance("investor-1"), "|", wallets.balance("borrower-1"))
    print("trial balance balanced:", ledger.trial_balance().balanced, "| audit ok:", ledger.audit().ok)
    app.close()


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="p2pstock-example-"))
    target.mkdir(parents=True, exist_ok=True)
    main(target)
