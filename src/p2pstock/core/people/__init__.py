"""People who use p2pstock: customers, their identity documents and their verification (KYC)."""
