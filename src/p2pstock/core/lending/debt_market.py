"""The debt transfer market (债权转让) as embedders and the bot call it: one method per business step, each
one transaction. See ``debt_transfer`` for the records, the prices and the rules.

Every step that changes a listing locks its loan first (``LoanDesk.load``), then the listing, so that a
purchase, a cancellation, an expiry and a repayment of the loan are applied one after another; the
listing is saved by version besides. A purchase moves the price from the buyer's wallet to the seller's
and the fee from the seller's wallet to the platform in one linked batch, moves the principal bought from
the seller's holding (``Investment.sold``) to a new holding of the buyer's (its origin ``transfer:<listing
id>``), and is named by the buyer's request id: asking again answers the first purchase.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

import attrs

from p2pstock.core.agreements import after_commit
from p2pstock.core.backoffice import Tx
from p2pstock.core.errors import InvalidInput
from p2pstock.core.lending.debt_buying import Purchase, buy
from p2pstock.core.lending.debt_selling import Sale, cancel, expire_due, list_sale, listing_of, quote_sale
from p2pstock.core.lending.debt_transfer import (
    ListingView,
    Quote,
    TransferListing,
    TransferPurchase,
)
from p2pstock.core.lending.desk import LoanDesk
from p2pstock.core.lending.loans import Loan

T = TypeVar("T")
BATCH = 100
MAX_PAGE = 50


@attrs.define
class DebtMarket:
    desk: LoanDesk
    bought: Sequence[Callable[[str], object]] = ()
    """Called with a purchase's id once it committed (its transfer agreement is issued so); a failure is
    logged and left to the jobs."""

    # -- sellers --------------------------------------------------------------------------------------

    def quote(
        self, investment_id: str, *, seller_id: str, principal: int | None = None, premium_bp: int = 0
    ) -> Quote:
        """What selling ``principal`` (default: all that is outstanding) of the holding today at
        ``premium_bp`` would come to; refused as listing it would be."""

        def look(tx: Tx) -> Quote:
            who, what = seller_id, investment_id
            return quote_sale(
                self.desk, tx, what, who, principal=principal, premium_bp=premium_bp, lock=False
            )[0]

        return self.desk.office.read(look)

    def list_for_sale(
        self,
        investment_id: str,
        *,
        seller_id: str,
        principal: int,
        premium_bp: int = 0,
        request_id: str | None = None,
    ) -> TransferListing:
        """List ``principal`` of the holding for sale at ``premium_bp`` of it (negative: a discount).
        With ``request_id`` (the caller's idempotency key) asking again answers the first listing."""
        asked = Sale(investment_id, seller_id, principal, premium_bp, request_id)
        return self._run(lambda tx: list_sale(self.desk, tx, asked))

    def cancel(self, listing_id: str, *, seller_id: str) -> TransferListing:
        """Take an open listing back: what is unsold stays the seller's (cancelling again is harmless)."""
        return self._run(lambda tx: cancel(self.desk, tx, listing_id, seller_id))

    def listings_of(self, seller_id: str, *, limit: int = MAX_PAGE) -> list[ListingView]:
        """The seller's listings with their loans, the newest first."""
        return self.desk.office.read(
            lambda tx: self._views(tx, tx.uow.transfer_listings.of_seller(seller_id, limit))
        )

    # -- buyers ---------------------------------------------------------------------------------------

    def hall(self, *, page: int = 0, size: int = 10) -> list[ListingView]:
        """A page of the listings that can be bought now, the newest first."""
        if not 1 <= size <= MAX_PAGE or page < 0:
            raise InvalidInput(
                f"a page holds 1 to {MAX_PAGE} loans and pages count from 0",
                code="page_invalid",
                most=MAX_PAGE,
            )

        def look(tx: Tx) -> list[ListingView]:
            found = self._views(tx, tx.uow.transfer_listings.open(tx.now, page * size, size))
            return [view for view in found if view.listing.buyable(tx.now, view.loan)]

        return self.desk.office.read(look)

    def get(self, listing_id: str) -> ListingView:
        def look(tx: Tx) -> ListingView:
            listing = listing_of(tx, listing_id)
            return ListingView(listing, self.desk.load(tx, listing.loan_id, lock=False))

        return self.desk.office.read(look)

    def buy(self, listing_id: str, *, buyer_id: str, principal: int, request_id: str) -> TransferPurchase:
        """Buy ``principal`` of the listing: its share of the price from the buyer's available balance."""
        asked = Purchase(listing_id, buyer_id, principal, request_id)
        purchase = self._run(lambda tx: buy(self.desk, tx, asked))
        after_commit(self.bought, purchase.id)
        if not self.bought:
            return purchase
        return self.desk.office.read(lambda tx: tx.uow.transfer_purchases.get(purchase.id)) or purchase

    def purchases(self, listing_id: str) -> list[TransferPurchase]:
        return self.desk.office.read(lambda tx: tx.uow.transfer_purchases.of_listing(listing_id))

    # -- jobs -----------------------------------------------------------------------------------------

    def expire_due(self) -> int:
        """End the listings whose time is up (what is unsold stays the sellers'), a batch per
        transaction; how many."""
        total = 0
        while True:
            found, ended = self._run(lambda tx: expire_due(self.desk, tx, BATCH))
            total += ended
            if found < BATCH:
                return total

    def _views(self, tx: Tx, listings: list[TransferListing]) -> list[ListingView]:
        loans: dict[str, Loan] = {}
        for listing in listings:
            if listing.loan_id not in loans:
                loans[listing.loan_id] = self.desk.load(tx, listing.loan_id, lock=False)
        return [ListingView(listing, loans[listing.loan_id]) for listing in listings]

    def _run(self, work: Callable[[Tx], T]) -> T:
        return self.desk.office.run(work)
