"""p2pstock: an integrated P2P lending and stock fund allocation (配资) platform library."""
