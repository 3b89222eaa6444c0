"""Selling a holding in the debt transfer market (债权转让): quoting and listing a sale, taking it back,
ending the sales whose time is up. Every step locks the holding's loan first, then the listing (saved by
version besides); see ``debt_transfer`` for the prices and the rules, ``debt_buying`` for the purchases."""

from __future__ import annotations

from datetime import date, datetime, time

import attrs

from p2pstock.core.backoffice import SYSTEM, Tx
from p2pstock.core.clock import to_micros
from p2pstock.core.errors import IdempotencyConflict, NotFound, Refused
from p2pstock.core.identifiers import record_id
from p2pstock.core.lending import debt_transfer as rules
from p2pstock.core.lending.debt_transfer import (
    ListingStatus,
    Quote,
    TransferListing,
)
from p2pstock.core.lending.desk import LoanDesk
from p2pstock.core.lending.loans import Loan
from p2pstock.core.money import Money

DAY = 86_400 * 1_000_000
"""A day in microseconds."""


@attrs.frozen
class Sale:
    investment_id: str
    seller_id: str
    principal: int
    premium_bp: int
    request_id: str | None


def quote_sale(
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


def list_sale(desk: LoanDesk, tx: Tx, asked: Sale) -> TransferListing:
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
    sale, loan = quote_sale(
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
    tx.audit(asked.seller_id, "loan.transfer.list", listing.id, after=summary(listing))
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
        close(tx, other, ListingStatus.EXPIRED, SYSTEM)


def _expires(desk: LoanDesk, loan: Loan, due: date, now: int) -> int:
    """A listing's end: its product's listing days, but never into the days closed before ``due``."""
    closes = rules.closes_on(loan.product, due)
    midnight = datetime.combine(closes, time(), tzinfo=desk.ledger.timezone)
    return min(now + loan.product.transfer_listing_days * DAY, to_micros(midnight))


def cancel(desk: LoanDesk, tx: Tx, listing_id_: str, seller_id: str) -> TransferListing:
    peek = listing_of(tx, listing_id_)
    if peek.seller_id != seller_id:
        raise NotFound(f"no sale {listing_id_}", code="transfer_listing_not_found", listing=listing_id_)
    desk.load(tx, peek.loan_id)
    listing = listing_of(tx, listing_id_, lock=True)
    if listing.status is ListingStatus.CANCELLED:
        return listing
    if listing.status is not ListingStatus.OPEN:
        raise Refused(
            f"sale {listing.id} is no longer open", code="transfer_listing_closed", listing=listing.id
        )
    return close(tx, listing, ListingStatus.CANCELLED, seller_id)


def close(tx: Tx, listing: TransferListing, status: ListingStatus, actor: str) -> TransferListing:
    closed = attrs.evolve(listing.closed(status, tx.now), version=listing.version + 1)
    tx.uow.transfer_listings.save(closed)
    tx.audit(
        actor, f"loan.transfer.{status.value}", listing.id, before=summary(listing), after=summary(closed)
    )
    return closed


def expire_due(desk: LoanDesk, tx: Tx, limit: int) -> tuple[int, int]:
    """End up to ``limit`` listings whose time is up, each seller told: (listings found, ended)."""
    found, ended = tx.uow.transfer_listings.expiring(tx.now, limit), 0
    for candidate in found:
        loan = desk.load(tx, candidate.loan_id)
        listing = listing_of(tx, candidate.id, lock=True)
        if listing.status is ListingStatus.OPEN and listing.expires_at <= tx.now:
            close(tx, listing, ListingStatus.EXPIRED, SYSTEM)
            values = {"id": loan.id, "listing": listing.id, "left": Money(listing.left)}
            tx.tell(tx.uow.customers.get(listing.seller_id), "loan.transfer.expired", **values)
            ended += 1
    return len(found), ended


def listing_of(tx: Tx, listing_id_: str, *, lock: bool = False) -> TransferListing:
    found = tx.uow.transfer_listings.get(listing_id_, lock=lock)
    if found is None:
        raise NotFound(f"no sale {listing_id_}", code="transfer_listing_not_found", listing=listing_id_)
    return found


def summary(listing: TransferListing) -> dict[str, object]:
    """What the audit trail keeps of a listing."""
    return {
        "status": listing.status.value,
        "investment": listing.investment_id,
        "principal": listing.principal,
        "sold": listing.sold,
        "price": listing.price,
        "fee": listing.fee,
    }
