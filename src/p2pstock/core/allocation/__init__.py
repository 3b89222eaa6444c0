"""Stock fund allocation (配资): products and their rate table, the trading calendar, allocations."""
