"""What the wallet services need from storage besides the ledger."""

from __future__ import annotations

from typing import Protocol

from p2pstock.core.wallet.withdrawals import Withdrawal, WithdrawalStatus


class WithdrawalRepository(Protocol):
    def get(self, withdrawal_id: str) -> Withdrawal | None: ...
    def add(self, withdrawal: Withdrawal) -> None: ...
    def decide(self, withdrawal: Withdrawal) -> bool:
        """Store the decision if the stored request is still pending; False if it was decided already."""
        ...

    def list(self, status: WithdrawalStatus | None, limit: int) -> list[Withdrawal]: ...
