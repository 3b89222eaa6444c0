"""In-memory storage of debt transfer listings and purchases (债权转让)."""

from __future__ import annotations

import attrs

from p2pstock.adapters.memory_people import Undo, put
from p2pstock.core.errors import TransientConflict
from p2pstock.core.lending.debt_transfer import ListingStatus, TransferListing, TransferPurchase


@attrs.define
class DebtMarketTables:
    listings: dict[str, TransferListing] = attrs.Factory(dict)
    purchases: dict[str, TransferPurchase] = attrs.Factory(dict)


class MemoryTransferListings:
    def __init__(self, rows: dict[str, TransferListing], undo: Undo) -> None:
        self._rows, self._undo = rows, undo

    def get(self, listing_id: str, *, lock: bool = False) -> TransferListing | None:
        return self._rows.get(listing_id)

    def add(self, listing: TransferListing) -> None:
        if listing.id in self._rows:
            raise TransientConflict(f"listing {listing.id} exists")
        if listing.status is ListingStatus.OPEN and self.open_of(listing.investment_id) is not None:
            raise TransientConflict(f"investment {listing.investment_id} has an open listing")
        put(self._rows, listing.id, listing, self._undo)

    def save(self, listing: TransferListing) -> None:
        stored = self._rows.get(listing.id)
        if stored is None or stored.version + 1 != listing.version:
            raise TransientConflict(f"listing {listing.id} changed meanwhile")
        put(self._rows, listing.id, listing, self._undo)

    def open_of(self, investment_id: str) -> TransferListing | None:
        found = (
            listing
            for listing in self._rows.values()
            if listing.investment_id == investment_id and listing.status is ListingStatus.OPEN
        )
        return next(found, None)

    def open(self, now: int, offset: int, limit: int) -> list[TransferListing]:
        found = [
            listing
            for listing in self._rows.values()
            if listing.status is ListingStatus.OPEN and listing.expires_at > now
        ]
        found.sort(key=lambda listing: (-listing.listed_at, listing.id))
        return found[offset : offset + limit]

    def of_seller(self, seller_id: str, limit: int) -> list[TransferListing]:
        found = [listing for listing in self._rows.values() if listing.seller_id == seller_id]
        return sorted(found, key=lambda listing: (-listing.listed_at, listing.id))[:limit]

    def expiring(self, now: int, limit: int) -> list[TransferListing]:
        found = [
            listing
            for listing in self._rows.values()
            if listing.status is ListingStatus.OPEN and listing.expires_at <= now
        ]
        return sorted(found, key=lambda listing: (listing.expires_at, listing.id))[:limit]


class MemoryTransferPurchases:
    def __init__(self, rows: dict[str, TransferPurchase], undo: Undo) -> None:
        self._rows, self._undo = rows, undo

    def get(self, purchase_id: str) -> TransferPurchase | None:
        return self._rows.get(purchase_id)

    def add(self, purchase: TransferPurchase) -> None:
        if purchase.id in self._rows:
            raise TransientConflict(f"purchase {purchase.id} exists")
        put(self._rows, purchase.id, purchase, self._undo)

    def of_listing(self, listing_id: str) -> list[TransferPurchase]:
        found = [purchase for purchase in self._rows.values() if purchase.listing_id == listing_id]
        return sorted(found, key=lambda purchase: (purchase.at, purchase.id))

    def of_party(self, customer_id: str, limit: int) -> list[TransferPurchase]:
        found = [p for p in self._rows.values() if customer_id in (p.buyer_id, p.seller_id)]
        return sorted(found, key=lambda p: (-p.at, p.id))[:limit]

    def without_contract(self, limit: int) -> list[TransferPurchase]:
        found = [purchase for purchase in self._rows.values() if not purchase.contract_hash]
        return sorted(found, key=lambda purchase: (purchase.at, purchase.id))[:limit]

    def record_contract(self, purchase_id: str, contract: str, contract_hash: str) -> bool:
        purchase = self._rows.get(purchase_id)
        if purchase is None or purchase.contract_hash:
            return False
        issued = attrs.evolve(purchase, contract=contract, contract_hash=contract_hash)
        put(self._rows, purchase_id, issued, self._undo)
        return True
