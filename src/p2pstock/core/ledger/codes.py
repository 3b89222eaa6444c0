"""Transfer codes: the business type of each movement, which statistics group by."""

from __future__ import annotations

DEPOSIT = "deposit"
WITHDRAWAL = "withdrawal"
FEE = "fee"
INTEREST = "interest"
INVESTMENT = "investment"
REPAYMENT = "repayment"
ALLOCATION = "allocation"
"""Prefix of every allocation (配资) code; funds frozen under it are "frozen in an allocation"."""
ALLOCATION_DEPOSIT = "allocation.deposit"
ALLOCATION_RISK_FUND = "allocation.risk_fund"
ALLOCATION_FEE = "allocation.fee"
