"""P2P lending: loan products, applications, the financing hall, bidding, schedules and repayment."""
