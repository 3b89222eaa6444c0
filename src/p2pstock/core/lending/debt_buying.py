"""Buying a debt in the transfer market (债权转让): the buyer's part of a listing, its price from the buyer's
wallet to the seller's and the fee to the platform in one linked batch, the principal bought moved from the
seller's holding (``Investment.sold``) to a new holding of the buyer's; named by the buyer's request id."""

from __future__ import annotations

import attrs

from p2pstock.core.backoffice import Tx
from p2pstock.core.errors import IdempotencyConflict, Refused
from p2pstock.core.identifiers import record_id
from p2pstock.core.ledger import chart, codes
from p2pstock.core.ledger.service import wallet_short
from p2pstock.core.ledger.transfers import Transfer
from p2pstock.core.lending import debt_transfer as rules
from p2pstock.core.lending.debt_selling import listing_of, summary
from p2pstock.core.lending.debt_transfer import (
    TransferListing,
    TransferPurchase,
)
from p2pstock.core.lending.desk import LoanDesk
from p2pstock.core.lending.lenders import lender
from p2pstock.core.lending.loans import TRANSFER_PREFIX, Investment, InvestmentStatus, Loan
from p2pstock.core.money import Money


@attrs.frozen
class Purchase:
    listing_id: str
    buyer_id: str
    principal: int
    request_id: str


def purchase_id(buyer_id: str, request_id: str) -> str:
    return record_id("p", buyer_id, request_id, digits=15)


def bought_id(buyer_id: str, request_id: str) -> str:
    """The buyer's new holding: named by the purchase, apart from the ids of investments bid for."""
    return record_id("i", f"{TRANSFER_PREFIX}{buyer_id}", request_id, digits=15)


def buy(desk: LoanDesk, tx: Tx, asked: Purchase) -> TransferPurchase:
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
    loan = desk.load(tx, listing_of(tx, asked.listing_id).loan_id)  # the loan first: one step at a time
    listing = listing_of(tx, asked.listing_id, lock=True)
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
        purchase.buyer_id, "loan.transfer.buy", listing.id, before=summary(listing), after=summary(after)
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
