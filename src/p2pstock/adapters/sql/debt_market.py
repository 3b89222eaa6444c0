"""Debt transfer listings and purchases (债权转让) on SQLite and PostgreSQL: plain rows. A listing's
``save`` only lands on the version it was read at; a holding has at most one open listing (a partial
unique index), so a second one raises ``TransientConflict`` as a duplicate key does, and is retried."""

from __future__ import annotations

from typing import Any

import attrs

from p2pstock.adapters.sql.repository import Row, SqlRepository, refusing_duplicates
from p2pstock.core.errors import TransientConflict
from p2pstock.core.lending.debt_transfer import ListingStatus, TransferListing, TransferPurchase

_LISTING_COLUMNS = tuple(field.name for field in attrs.fields(TransferListing))
_LISTING = ", ".join(_LISTING_COLUMNS)
_SELECT_LISTING = f"SELECT {_LISTING} FROM transfer_listing"
_ADD_LISTING = (
    f"INSERT INTO transfer_listing ({_LISTING}) VALUES ({', '.join(':' + c for c in _LISTING_COLUMNS)})"
)
_SAVE_LISTING = (
    "UPDATE transfer_listing SET status = :status, sold = :sold, closed_at = :closed_at, version = :version "
    "WHERE id = :id AND version = :old_version"
)
"""What changes of a listing: its state, the principal sold, when it closed (its terms never change)."""
_OPEN = f"{_SELECT_LISTING} WHERE status = 'open'"
_OPEN_OF = f"{_OPEN} AND investment_id = :investment_id"
_OPEN_NOW = f"{_OPEN} AND expires_at > :now ORDER BY listed_at DESC, id LIMIT :limit OFFSET :offset"
_EXPIRING = f"{_OPEN} AND expires_at <= :now ORDER BY expires_at, id LIMIT :limit"
_OF_SELLER = f"{_SELECT_LISTING} WHERE seller_id = :seller_id ORDER BY listed_at DESC, id LIMIT :limit"

_PURCHASE_COLUMNS = tuple(field.name for field in attrs.fields(TransferPurchase))
_PURCHASE = ", ".join(_PURCHASE_COLUMNS)
_SELECT_PURCHASE = f"SELECT {_PURCHASE} FROM transfer_purchase"
_ADD_PURCHASE = (
    f"INSERT INTO transfer_purchase ({_PURCHASE}) VALUES ({', '.join(':' + c for c in _PURCHASE_COLUMNS)})"
)


def _listing_row(listing: TransferListing) -> dict[str, Any]:
    return {**attrs.asdict(listing), "status": listing.status.value}


def _listing(row: Row) -> TransferListing:
    fields = dict(zip(_LISTING_COLUMNS, row, strict=True))
    return TransferListing(**{**fields, "status": ListingStatus(fields["status"])})


class SqlTransferListings(SqlRepository):
    def get(self, listing_id: str, *, lock: bool = False) -> TransferListing | None:
        row = self._first(f"{_SELECT_LISTING} WHERE id = :id{self._for_update(lock)}", {"id": listing_id})
        return None if row is None else _listing(row)

    def add(self, listing: TransferListing) -> None:
        with refusing_duplicates(f"listing {listing.id} or an open listing of {listing.investment_id}"):
            self._run(_ADD_LISTING, _listing_row(listing))

    def save(self, listing: TransferListing) -> None:
        params = {**_listing_row(listing), "old_version": listing.version - 1}
        wanted = ("id", "status", "sold", "closed_at", "version", "old_version")
        if int(self._run(_SAVE_LISTING, {k: params[k] for k in wanted}).rowcount) != 1:
            raise TransientConflict(f"listing {listing.id} changed meanwhile")

    def open_of(self, investment_id: str) -> TransferListing | None:
        row = self._first(_OPEN_OF, {"investment_id": investment_id})
        return None if row is None else _listing(row)

    def open(self, now: int, offset: int, limit: int) -> list[TransferListing]:
        rows = self._rows(_OPEN_NOW, {"now": now, "offset": offset, "limit": limit})
        return [_listing(row) for row in rows]

    def of_seller(self, seller_id: str, limit: int) -> list[TransferListing]:
        return [_listing(row) for row in self._rows(_OF_SELLER, {"seller_id": seller_id, "limit": limit})]

    def expiring(self, now: int, limit: int) -> list[TransferListing]:
        return [_listing(row) for row in self._rows(_EXPIRING, {"now": now, "limit": limit})]


def _purchase(row: Row) -> TransferPurchase:
    return TransferPurchase(**dict(zip(_PURCHASE_COLUMNS, row, strict=True)))


_OF_PARTY = (
    f"SELECT * FROM ({_SELECT_PURCHASE} WHERE buyer_id = :customer_id "
    f"UNION {_SELECT_PURCHASE} WHERE seller_id = :customer_id) AS p ORDER BY at DESC, id LIMIT :limit"
)
_RECORD_CONTRACT = (
    "UPDATE transfer_purchase SET contract = :contract, contract_hash = :contract_hash "
    "WHERE id = :id AND contract_hash = ''"
)


class SqlTransferPurchases(SqlRepository):
    def get(self, purchase_id: str) -> TransferPurchase | None:
        row = self._first(f"{_SELECT_PURCHASE} WHERE id = :id", {"id": purchase_id})
        return None if row is None else _purchase(row)

    def add(self, purchase: TransferPurchase) -> None:
        with refusing_duplicates(f"purchase {purchase.id}"):
            self._run(_ADD_PURCHASE, attrs.asdict(purchase))

    def of_listing(self, listing_id: str) -> list[TransferPurchase]:
        statement = f"{_SELECT_PURCHASE} WHERE listing_id = :listing_id ORDER BY at, id"
        return [_purchase(row) for row in self._rows(statement, {"listing_id": listing_id})]

    def of_party(self, customer_id: str, limit: int) -> list[TransferPurchase]:
        rows = self._rows(_OF_PARTY, {"customer_id": customer_id, "limit": limit})
        return [_purchase(row) for row in rows]

    def without_contract(self, limit: int) -> list[TransferPurchase]:
        statement = f"{_SELECT_PURCHASE} WHERE contract_hash = '' ORDER BY at, id LIMIT :limit"
        return [_purchase(row) for row in self._rows(statement, {"limit": limit})]

    def record_contract(self, purchase_id: str, contract: str, contract_hash: str) -> bool:
        params = {"id": purchase_id, "contract": contract, "contract_hash": contract_hash}
        return int(self._run(_RECORD_CONTRACT, params).rowcount) == 1
