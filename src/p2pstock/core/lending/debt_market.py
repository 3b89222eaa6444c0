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

import logging
from collections.abc import Callable, Sequence
from datetime import date, datetime, time
from typing import TypeVar

import attrs

from p2pstock.core.backoffice import SYSTEM, Tx
from p2pstock.core.clock import to_micros
from p2pstock.core.errors import IdempotencyConflict, InvalidInput, NotFound, P2PStockError, Refused
from p2pstock.core.identifiers import record_id
from p2pstock.core.ledger import chart, codes
from p2pstock.core.ledger.service import wallet_short
from p2pstock.core.ledger.transfers import Transfer
from p2pstock.core.lending import debt_transfer as rules
from p2pstock.core.lending.debt_transfer import (
    ListingStatus,
    ListingView,
    Quote,
    TransferListing,
    TransferPurchase,
)
from p2pstock.core.lending.desk import LoanDesk
from p2pstock.core.lending.lenders import lender
from p2pstock.core.lending.loans import TRANSFER_PREFIX, Investment, InvestmentStatus, Loan
from p2pstock.core.money import Money

T = TypeVar("T")
log = logging.getLogger(__name__)
DAY = 86_400 * 1_000_000
"""A day in microseconds."""
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
            return _quote(self.desk, tx, what, who, principal=principal, premium_bp=premium_bp, lock=False)[0]

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
        asked = _Sale(investment_id, seller_id, principal, premium_bp, request_id)
        return self._run(lambda tx: _list(self.desk, tx, asked))

    def cancel(self, listing_id: str, *, seller_id: str) -> TransferListing:
        """Take an open listing back: what is unsold stays the seller's (cancelling again is harmless)."""
        return self._run(lambda tx: _cancel(self.desk, tx, listing_id, seller_id))

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
            listing = _listing(tx, listing_id)
            return ListingView(listing, self.desk.load(tx, listing.loan_id, lock=False))

        return self.desk.office.read(look)

    def buy(self, listing_id: str, *, buyer_id: str, principal: int, request_id: str) -> TransferPurchase:
        """Buy ``principal`` of the listing: its share of the price from the buyer's available balance."""
        asked = _Purchase(listing_id, buyer_id, principal, request_id)
        purchase = self._run(lambda tx: _buy(self.desk, tx, asked))
        for then in self.bought:
            try:
                then(purchase.id)
            except (P2PStockError, OSError) as error:
                log.warning("after purchase %s: %s: %s", purchase.id, type(error).__name__, error)
        return self.desk.office.read(lambda tx: tx.uow.transfer_purchases.get(purchase.id)) or purchase

    def purchases(self, listing_id: str) -> list[TransferPurchase]:
        return self.desk.office.read(lambda tx: tx.uow.transfer_purchases.of_listing(listing_id))

    # -- jobs -----------------------------------------------------------------------------------------

    def expire_due(self) -> int:
        """End the listings whose time is up (what is unsold stays the sellers'), a batch per
        transaction; how many."""
        total = 0
        while True:
            found, ended = self._run(lambda tx: _expire(self.desk, tx, BATCH))
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


# -- selling ----------------------------------------------------------------------------------------------


@attrs.frozen
class _Sale:
    investment_id: str
    seller_id: str
    principal: int
    premium_bp: int
    request_id: str | None


def _quote(
    desk: LoanDesk,
    tx: Tx,
    investment_id: str,
    seller_id: str,
    *,
    principal: int | None,
    premium_bp: int,
    lock: bool,
) -> tuple[Quote, Loan]:
    """The sale of ``principal`` (None: everything outstanding) of the seller's holding, priced today, and
    the holding's loan."""
    peek = rules.check_holding(tx.uow.investments.get(investment_id), seller_id)
    loan = desk.load(tx, peek.loan_id, lock=lock)  # the loan first: a payment may change the holding
    holding = rules.check_holding(tx.uow.investments.get(investment_id), seller_id)
    _refuse_a_second(tx, loan, investment_id)
    plan = tx.uow.installments.of_loan(loan.id)
    whole = holding.outstanding if principal is None else principal
    sale = rules.quote(loan, plan, holding, desk.today(tx), principal=whole, premium_bp=premium_bp)
    return sale, loan


def listing_id(seller_id: str, request_id: str | None) -> str:
    return record_id("t", seller_id, request_id, digits=15)


def _list(desk: LoanDesk, tx: Tx, asked: _Sale) -> TransferListing:
    new_id = listing_id(asked.seller_id, asked.request_id)
    known = tx.uow.transfer_listings.get(new_id)
    if known is not None:
        same = (known.investment_id, known.seller_id, known.principal, known.premium_bp)
        if same != (asked.investment_id, asked.seller_id, asked.principal, asked.premium_bp):
            raise IdempotencyConflict(
                f"request {asked.request_id} was used for another sale", code="request_reused"
            )
        return known
    who, what = asked.seller_id, asked.investment_id
    sale, loan = _quote(
        desk, tx, what, who, principal=asked.principal, premium_bp=asked.premium_bp, lock=True
    )
    _end_stale(tx, asked.investment_id)
    listing = TransferListing(
        new_id,
        loan.id,
        asked.investment_id,
        asked.seller_id,
        sale.principal,
        sale.accrued,
        sale.premium_bp,
        sale.price,
        sale.fee,
        sale.installments_left,
        loan.payments,
        tx.now,
        _expires(desk, loan, sale.next_due, tx.now),
    )
    tx.uow.transfer_listings.add(listing)
    tx.audit(asked.seller_id, "loan.transfer.list", listing.id, after=_summary(listing))
    return listing


def _refuse_a_second(tx: Tx, loan: Loan, investment_id: str) -> None:
    """Refuse while another sale of the holding can be bought."""
    other = tx.uow.transfer_listings.open_of(investment_id)
    if other is not None and other.buyable(tx.now, loan):
        raise Refused(
            f"sale {other.id} of this holding is open", code="transfer_already_listed", listing=other.id
        )


def _end_stale(tx: Tx, investment_id: str) -> None:
    """End the holding's open sale that can no longer be bought (past its time, or priced before a
    payment of the loan), so that a new one can be listed."""
    other = tx.uow.transfer_listings.open_of(investment_id)
    if other is not None:
        _close(tx, other, ListingStatus.EXPIRED, SYSTEM)


def _expires(desk: LoanDesk, loan: Loan, due: date, now: int) -> int:
    """A listing's end: its product's listing days, but never into the days closed before ``due``."""
    closes = rules.closes_on(loan.product, due)
    midnight = datetime.combine(closes, time(), tzinfo=desk.ledger.timezone)
    return min(now + loan.product.transfer_listing_days * DAY, to_micros(midnight))


def _cancel(desk: LoanDesk, tx: Tx, listing_id_: str, seller_id: str) -> TransferListing:
    peek = _listing(tx, listing_id_)
    if peek.seller_id != seller_id:
        raise NotFound(f"no sale {listing_id_}", code="transfer_listing_not_found", listing=listing_id_)
    desk.load(tx, peek.loan_id)
    listing = _listing(tx, listing_id_, lock=True)
    if listing.status is ListingStatus.CANCELLED:
        return listing
    if listing.status is not ListingStatus.OPEN:
        raise Refused(
            f"sale {listing.id} is no longer open", code="transfer_listing_closed", listing=listing.id
        )
    return _close(tx, listing, ListingStatus.CANCELLED, seller_id)


def _close(tx: Tx, listing: TransferListing, status: ListingStatus, actor: str) -> TransferListing:
    closed = attrs.evolve(listing.closed(status, tx.now), version=listing.version + 1)
    tx.uow.transfer_listings.save(closed)
    tx.audit(
        actor, f"loan.transfer.{status.value}", listing.id, before=_summary(listing), after=_summary(closed)
    )
    return closed


def _expire(desk: LoanDesk, tx: Tx, limit: int) -> tuple[int, int]:
    """End up to ``limit`` listings whose time is up, each seller told: (listings found, ended)."""
    found, ended = tx.uow.transfer_listings.expiring(tx.now, limit), 0
    for candidate in found:
        loan = desk.load(tx, candidate.loan_id)
        listing = _listing(tx, candidate.id, lock=True)
        if listing.status is ListingStatus.OPEN and listing.expires_at <= tx.now:
            _close(tx, listing, ListingStatus.EXPIRED, SYSTEM)
            values = {"id": loan.id, "listing": listing.id, "left": Money(listing.left)}
            tx.tell(tx.uow.customers.get(listing.seller_id), "loan.transfer.expired", **values)
            ended += 1
    return len(found), ended


def _listing(tx: Tx, listing_id_: str, *, lock: bool = False) -> TransferListing:
    found = tx.uow.transfer_listings.get(listing_id_, lock=lock)
    if found is None:
        raise NotFound(f"no sale {listing_id_}", code="transfer_listing_not_found", listing=listing_id_)
    return found


def _summary(listing: TransferListing) -> dict[str, object]:
    """What the audit trail keeps of a listing."""
    return {
        "status": listing.status.value,
        "investment": listing.investment_id,
        "principal": listing.principal,
        "sold": listing.sold,
        "price": listing.price,
        "fee": listing.fee,
    }


# -- buying -----------------------------------------------------------------------------------------------


@attrs.frozen
class _Purchase:
    listing_id: str
    buyer_id: str
    principal: int
    request_id: str


def purchase_id(buyer_id: str, request_id: str) -> str:
    return record_id("p", buyer_id, request_id, digits=15)


def bought_id(buyer_id: str, request_id: str) -> str:
    """The buyer's new holding: named by the purchase, apart from the ids of investments bid for."""
    return record_id("i", f"{TRANSFER_PREFIX}{buyer_id}", request_id, digits=15)


def _buy(desk: LoanDesk, tx: Tx, asked: _Purchase) -> TransferPurchase:
    new_id = purchase_id(asked.buyer_id, asked.request_id)
    known = tx.uow.transfer_purchases.get(new_id)
    if known is not None:
        if (known.listing_id, known.buyer_id, known.principal) != (
            asked.listing_id,
            asked.buyer_id,
            asked.principal,
        ):
            raise IdempotencyConflict(
                f"request {asked.request_id} was used for another purchase", code="request_reused"
            )
        return known
    loan = desk.load(tx, _listing(tx, asked.listing_id).loan_id)  # the loan first: one step at a time
    listing = _listing(tx, asked.listing_id, lock=True)
    _check_buyer(tx, loan, listing, asked.buyer_id)
    if not listing.buyable(tx.now, loan):
        raise Refused(
            f"sale {listing.id} is no longer open", code="transfer_listing_closed", listing=listing.id
        )
    rules.check_purchase(listing, asked.principal, loan.product.bid_step)
    seller = tx.uow.investments.get(listing.investment_id)
    if seller is None or seller.outstanding < asked.principal:
        raise Refused(
            f"sale {listing.id} is no longer open", code="transfer_listing_closed", listing=listing.id
        )
    price, fee = listing.part(asked.principal)
    purchase = TransferPurchase(
        new_id,
        listing.id,
        loan.id,
        listing.seller_id,
        asked.buyer_id,
        bought_id(asked.buyer_id, asked.request_id),
        asked.principal,
        price,
        fee,
        tx.now,
    )
    _book(desk, tx, purchase, seller, listing)
    _tell(tx, loan, purchase, listing.after_purchase(asked.principal, tx.now))
    return purchase


def _check_buyer(tx: Tx, loan: Loan, listing: TransferListing, buyer_id: str) -> None:
    if buyer_id == listing.seller_id:
        raise Refused("a seller cannot buy their own sale", code="transfer_own")
    if buyer_id == loan.borrower_id:
        raise Refused("a borrower cannot buy their own loan", code="transfer_borrower")
    lender(tx, buyer_id)


def _book(
    desk: LoanDesk, tx: Tx, purchase: TransferPurchase, seller: Investment, listing: TransferListing
) -> None:
    """The money, the two holdings, the purchase and the listing, all in the caller's transaction."""
    desk.ledger.create_accounts_in(tx.uow.ledger, [chart.wallet(purchase.buyer_id)])
    desk.move(tx, _payment(purchase), short=wallet_short(purchase.price))
    tx.uow.investments.save_all([attrs.evolve(seller, sold=seller.sold + purchase.principal)])
    origin = f"{TRANSFER_PREFIX}{listing.id}"
    tx.uow.investments.add(
        Investment(
            purchase.investment_id,
            purchase.loan_id,
            purchase.buyer_id,
            purchase.principal,
            purchase.at,
            InvestmentStatus.HOLDING,
            origin=origin,
        )
    )
    tx.uow.transfer_purchases.add(purchase)
    after = attrs.evolve(listing.after_purchase(purchase.principal, tx.now), version=listing.version + 1)
    tx.uow.transfer_listings.save(after)
    tx.audit(
        purchase.buyer_id, "loan.transfer.buy", listing.id, before=_summary(listing), after=_summary(after)
    )


def _payment(purchase: TransferPurchase) -> list[Transfer]:
    """The price from the buyer to the seller, and the fee from the seller to the platform: linked."""
    prefix, seller = f"transfer:{purchase.id}", chart.wallet_id(purchase.seller_id)
    moves = [
        Transfer.single(
            f"{prefix}:price",
            debit=chart.wallet_id(purchase.buyer_id),
            credit=seller,
            amount=purchase.price,
            code=codes.LOAN_TRANSFER,
            reference=purchase.loan_id,
            linked=purchase.fee > 0,
        )
    ]
    if purchase.fee:
        moves.append(
            Transfer.single(
                f"{prefix}:fee",
                debit=seller,
                credit=chart.fee_income().id,
                amount=purchase.fee,
                code=codes.LOAN_TRANSFER_FEE,
                reference=purchase.loan_id,
            )
        )
    return moves


def _tell(tx: Tx, loan: Loan, purchase: TransferPurchase, listing: TransferListing) -> None:
    """The seller is told what reached their wallet and what is still for sale; the buyer what they
    bought and when it first pays."""
    plan = tx.uow.installments.of_loan(loan.id)
    due = next((i.due for i in plan if not i.settled), None)
    money = {"id": loan.id, "principal": Money(purchase.principal), "price": Money(purchase.price)}
    sold = {**money, "fee": Money(purchase.fee), "proceeds": Money(purchase.price - purchase.fee)}
    seller = tx.uow.customers.get(purchase.seller_id)
    if listing.left:
        tx.tell(seller, "loan.transfer.sold", **sold, left=Money(listing.left))
    else:
        tx.tell(seller, "loan.transfer.sold_all", **sold)
    tx.tell(tx.uow.customers.get(purchase.buyer_id), "loan.transfer.bought", **money, due=str(due))
