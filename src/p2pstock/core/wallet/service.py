"""Wallet services on the ledger: deposits confirmed by gateways, withdrawals frozen then decided."""

from __future__ import annotations

import logging

import attrs

from p2pstock.core.backoffice import Backoffice, Command, Tx
from p2pstock.core.errors import (
    AlreadyDecided,
    DepositMismatch,
    IdempotencyConflict,
    InsufficientFunds,
    InvalidInput,
    LedgerRefused,
    NotFound,
    Refused,
    WithdrawalBlocked,
)
from p2pstock.core.ledger import chart, codes
from p2pstock.core.ledger.accounts import Account
from p2pstock.core.ledger.results import AccountOutcome, TransferOutcome, TransferResult
from p2pstock.core.ledger.service import Ledger
from p2pstock.core.ledger.transfers import Transfer
from p2pstock.core.money import Currency, Money
from p2pstock.core.people.four_eyes import ApprovalRequest
from p2pstock.core.people.permissions import Administrator, Permission
from p2pstock.core.ports import UnitOfWork
from p2pstock.core.transactions import in_transaction
from p2pstock.core.validation import check_id, check_reason
from p2pstock.core.wallet.withdrawals import Withdrawal, WithdrawalStatus

log = logging.getLogger(__name__)
R = TransferResult


@attrs.frozen
class WalletBalance:
    """What a customer sees: spendable, frozen, and both together."""

    customer_id: str
    available: Money
    frozen: Money

    @property
    def total(self) -> Money:
        return self.available + self.frozen

    def __str__(self) -> str:
        return f"available {self.available}, frozen {self.frozen}"


@attrs.frozen
class Deposit:
    """A credited deposit. ``duplicate`` is true when the gateway had confirmed it before."""

    transfer: Transfer
    duplicate: bool


@attrs.frozen
class WithdrawalPolicy:
    """Platform rules for withdrawals. ``refuse_while_allocation_frozen`` refuses any withdrawal while the
    customer has funds frozen in a stock fund allocation."""

    refuse_while_allocation_frozen: bool = False


def _office_of(wallets: Wallets) -> Backoffice:
    return Backoffice(wallets.ledger.uow_factory, wallets.ledger.clock)


APPROVE = "withdrawal.approve"


@attrs.define
class Wallets:
    """Customer wallets in one currency. Decisions on withdrawals are administrative actions checked by
    ``office`` (permission ``withdrawal.approve``; large approvals wait for a second administrator)."""

    ledger: Ledger
    policy: WithdrawalPolicy = WithdrawalPolicy()
    currency: Currency = attrs.field(factory=lambda: Currency.of("CNY"))
    office: Backoffice = attrs.field(default=attrs.Factory(_office_of, takes_self=True))

    def __attrs_post_init__(self) -> None:
        self.office.register(APPROVE, self._approve, self._after_approval)

    def open(self, customer_id: str) -> Account:
        """Open the customer's wallet (or return it if it is open)."""
        return _opened(self.ledger.create_accounts([chart.wallet(customer_id, self.currency.code)])[0])

    def open_in(self, tx: Tx, customer_id: str) -> Account:
        """``open`` inside a transaction the caller holds (a customer registered with their wallet)."""
        wallet = chart.wallet(customer_id, self.currency.code)
        return _opened(self.ledger.create_accounts_in(tx.uow.ledger, [wallet])[0])

    def balance(self, customer_id: str) -> WalletBalance:
        account = self.ledger.account(chart.wallet_id(customer_id, self.currency.code))
        return WalletBalance(customer_id, self._money(account.available), self._money(account.frozen))

    def confirm_deposit(
        self, customer_id: str, *, gateway: str, transaction_id: str, amount: Money
    ) -> Deposit:
        """Credit a deposit the gateway confirmed. The transfer id comes from the gateway's transaction id,
        so a repeated confirmation credits once; a repeat with another amount is refused and reported."""
        self._check_deposit(transaction_id, amount)
        outcome = self.office.run(
            lambda tx: self.credit_deposit(
                tx, customer_id, gateway=gateway, transaction_id=transaction_id, amount=amount
            )
        )
        return deposit_of(outcome, transaction_id)

    def credit_deposit(
        self, tx: Tx, customer_id: str, *, gateway: str, transaction_id: str, amount: Money
    ) -> TransferOutcome:
        """Credit a confirmed deposit inside the caller's transaction ``tx`` (a payment callback credits
        and marks its order in one transaction). The transfer id is ``deposit:{gateway}:{transaction_id}``,
        so crediting the same transaction again answers ``exists`` and moves nothing; the customer is told
        only when the transfer is created. ``deposit_of`` turns the outcome into a ``Deposit`` or an error.
        """
        self._check_deposit(transaction_id, amount)
        clearing = chart.gateway_clearing(gateway, self.currency.code)
        wallet = chart.wallet(customer_id, self.currency.code)
        transfer = Transfer.single(
            deposit_id(gateway, transaction_id),
            debit=clearing.id,
            credit=wallet.id,
            amount=amount.minor,
            code=codes.DEPOSIT,
            reference=f"{gateway}:{transaction_id}",
        )
        self.ledger.create_accounts_in(tx.uow.ledger, [clearing, wallet])
        outcome = self.ledger.apply_in(tx.uow.ledger, [transfer])[0]
        if outcome.result is R.CREATED:
            tx.tell(tx.uow.customers.get(customer_id), "deposit.credited", amount=amount)
        return outcome

    def request_withdrawal(self, customer_id: str, *, request_id: str, amount: Money) -> Withdrawal:
        """Freeze ``amount`` for a withdrawal. Only available funds can be withdrawn; repeating the same
        request returns it unchanged."""
        self._check_amount(amount)
        if len(check_id(request_id, "request id")) > 150:
            raise InvalidInput(
                "request id must be at most 150 characters", code="request_id_too_long", most=150
            )
        wallet = chart.wallet_id(customer_id, self.currency.code)
        transit = chart.withdrawals_in_transit(self.currency.code)

        def freeze(tx: Tx) -> Withdrawal | TransferResult:
            uow = tx.uow
            self.ledger.create_accounts_in(uow.ledger, [transit])
            uow.ledger.lock_accounts([wallet, transit.id])  # before reading anything a racing request writes
            known = uow.withdrawals.get(request_id)
            if known is not None:
                return _same_request(known, customer_id, amount)
            if self.policy.refuse_while_allocation_frozen and uow.ledger.open_holds(
                wallet, codes.ALLOCATION + "."
            ):
                raise WithdrawalBlocked("withdrawals are paused while funds are frozen in an allocation")
            request = Withdrawal(
                request_id, customer_id, amount.minor, self.currency.code, WithdrawalStatus.PENDING, tx.now
            )
            hold = Transfer.pending(
                request.hold_id,
                debit=wallet,
                credit=transit.id,
                amount=amount.minor,
                code=codes.WITHDRAWAL,
                reference=request.hold_id,
            )
            outcome = self.ledger.apply_in(uow.ledger, [hold])[0]
            if outcome.result is R.CREATED:
                uow.withdrawals.add(request)
                tx.audit(customer_id, "withdrawal.request", request.id, after=_state(request))
                tx.tell(uow.customers.get(customer_id), "withdrawal.requested", amount=amount)
                return request
            return outcome.result  # committed, so a failed id stays failed

        result = self.office.run(freeze)
        if isinstance(result, Withdrawal):
            return result
        raise _withdrawal_refusal(result, amount)

    def approve_withdrawal(self, withdrawal_id: str, *, by: str) -> Withdrawal | ApprovalRequest:
        """Post the frozen amount: the money leaves the wallet for the customer's bank account.

        ``by`` must hold ``withdrawal.approve``; from the four-eyes threshold on, the answer is the
        ``ApprovalRequest`` that waits for a second administrator, and the withdrawal stays pending."""

        def approve(tx: Tx) -> Withdrawal | ApprovalRequest:
            request = _request(tx.uow, withdrawal_id)
            if request.status is not WithdrawalStatus.PENDING:
                tx.admin(by, Permission.WITHDRAWAL_APPROVE)
                if request.status is WithdrawalStatus.APPROVED:
                    return request
                raise AlreadyDecided(
                    f"withdrawal {withdrawal_id} was already {request.status}",
                    code="withdrawal_decided",
                    withdrawal=withdrawal_id,
                )
            command = Command(APPROVE, Permission.WITHDRAWAL_APPROVE, request.id, amount=request.amount)
            return tx.act(by, command, Withdrawal)

        return self.office.run(approve)

    def reject_withdrawal(self, withdrawal_id: str, *, by: str, reason: str) -> Withdrawal:
        """Release the frozen amount back to the wallet; the customer is told ``reason``."""
        why = check_reason(reason)

        def reject(tx: Tx) -> Withdrawal:
            admin = tx.admin(by, Permission.WITHDRAWAL_APPROVE)
            return self._decide(tx, withdrawal_id, WithdrawalStatus.REJECTED, admin, why)

        return self.office.run(reject)

    def withdrawals(self, status: WithdrawalStatus | None = None, *, limit: int = 50) -> list[Withdrawal]:
        """Withdrawal requests, oldest first (the embedder's view; frontends use ``withdrawal_queue``)."""
        return in_transaction(
            self.ledger.uow_factory, lambda uow: uow.withdrawals.list(status, limit), readonly=True
        )

    def withdrawal_queue(self, *, by: str, limit: int = 50) -> list[Withdrawal]:
        """The pending requests, oldest first, for an administrator holding ``withdrawal.approve``."""

        def look(tx: Tx) -> list[Withdrawal]:
            tx.admin(by, Permission.WITHDRAWAL_APPROVE)
            return tx.uow.withdrawals.list(WithdrawalStatus.PENDING, limit)

        return self.office.read(look)

    def _after_approval(self, tx: Tx, waiting: ApprovalRequest) -> dict[str, object]:
        """What the customer's wallet holds once the withdrawal is paid out."""
        request = _request(tx.uow, waiting.target)
        wallet = chart.wallet_id(request.customer_id, request.currency)
        held = tx.uow.ledger.find_accounts([wallet]).get(wallet)
        posted = held.balances.posted if held else 0
        return {"after": Money(posted - request.amount, Currency.of(request.currency))}

    def _approve(self, tx: Tx, command: Command, admin: Administrator) -> Withdrawal:
        return self._decide(tx, command.target, WithdrawalStatus.APPROVED, admin, "")

    def _decide(
        self, tx: Tx, withdrawal_id: str, status: WithdrawalStatus, admin: Administrator, reason: str
    ) -> Withdrawal:
        request = _locked_request(tx.uow, withdrawal_id)
        if request.status is status:
            return request
        if request.status is not WithdrawalStatus.PENDING:
            raise AlreadyDecided(
                f"withdrawal {withdrawal_id} was already {request.status}",
                code="withdrawal_decided",
                withdrawal=withdrawal_id,
            )
        make = Transfer.post if status is WithdrawalStatus.APPROVED else Transfer.void
        transfer = make(request.decision_id(status), pending_id=request.hold_id)
        outcome = self.ledger.apply_in(tx.uow.ledger, [transfer])[0]
        if not outcome.ok:
            raise AlreadyDecided(
                f"withdrawal {withdrawal_id} cannot be {status}: {outcome.result}",
                code="withdrawal_decided",
                withdrawal=withdrawal_id,
            )
        decided = request.decide(status, at=tx.now, by=admin.id, reason=reason)
        if not tx.uow.withdrawals.decide(decided):
            raise AlreadyDecided(
                f"withdrawal {withdrawal_id} was decided concurrently",
                code="withdrawal_decided",
                withdrawal=withdrawal_id,
            )
        tx.audit(admin.id, f"withdrawal.{status}", decided.id, before=_state(request), after=_state(decided))
        amount = self._money(decided.amount)
        customer = tx.uow.customers.get(decided.customer_id)
        if status is WithdrawalStatus.APPROVED:
            tx.tell(customer, "withdrawal.approved", amount=amount)
        else:
            tx.tell(customer, "withdrawal.rejected", amount=amount, reason=reason)
        return decided

    def _check_deposit(self, transaction_id: str, amount: Money) -> None:
        self._check_amount(amount)
        if len(check_id(transaction_id, "transaction id")) > 120:
            raise InvalidInput(
                "transaction id must be at most 120 characters", code="transaction_id_too_long", most=120
            )

    def _check_amount(self, amount: Money) -> None:
        if not isinstance(amount, Money):
            raise InvalidInput(
                "amount must be Money (use Money.parse for what people type)", code="wrong_type"
            )
        if amount.currency != self.currency:
            raise InvalidInput(
                f"this wallet holds {self.currency.code}, not {amount.currency.code}",
                code="currency_not_accepted",
                currency=amount.currency.code,
                expected=self.currency.code,
            )
        if amount.minor <= 0:
            raise InvalidInput("amount must be positive", code="amount_not_positive")

    def _money(self, minor: int) -> Money:
        return Money(minor, self.currency)


def _opened(outcome: AccountOutcome) -> Account:
    if outcome.account is None:
        raise Refused(
            f"account {outcome.id} exists with other settings: {outcome.result}",
            code="account_settings",
            account=outcome.id,
        )
    return outcome.account


def deposit_id(gateway: str, transaction_id: str) -> str:
    """The ledger transfer id of a deposit: one per gateway and gateway transaction."""
    return f"deposit:{gateway}:{transaction_id}"


def deposit_of(outcome: TransferOutcome, transaction_id: str) -> Deposit:
    """The ``Deposit`` a ``credit_deposit`` outcome stands for; ``DepositMismatch`` when the transaction
    was credited before with other details, ``LedgerRefused`` for any other failure."""
    if outcome.ok and outcome.transfer is not None:
        return Deposit(outcome.transfer, duplicate=outcome.result is R.EXISTS)
    if outcome.result.startswith("exists_with_different"):
        log.warning(
            "deposit %s confirmed again with different details (%s): refused", outcome.id, outcome.result
        )
        raise DepositMismatch(f"transaction {transaction_id} was already credited with other details")
    raise LedgerRefused(f"deposit {transaction_id} refused: {outcome.result}", outcome.result)


def _same_request(known: Withdrawal, customer_id: str, amount: Money) -> Withdrawal:
    if (known.customer_id, known.amount, known.currency) != (customer_id, amount.minor, amount.currency.code):
        raise IdempotencyConflict(
            f"request id {known.id} was used for another withdrawal", code="request_reused"
        )
    return known


def _state(request: Withdrawal) -> dict[str, object]:
    """What the audit trail keeps of a withdrawal."""
    return {
        "customer": request.customer_id,
        "amount": request.amount,
        "currency": request.currency,
        "status": request.status.value,
        "reason": request.reason,
    }


def _request(uow: UnitOfWork, withdrawal_id: str) -> Withdrawal:
    request = uow.withdrawals.get(check_id(withdrawal_id, "withdrawal id"))
    if request is None:
        raise NotFound(
            f"no withdrawal request {withdrawal_id}", code="withdrawal_not_found", withdrawal=withdrawal_id
        )
    return request


def _locked_request(uow: UnitOfWork, withdrawal_id: str) -> Withdrawal:
    """The request, read again after locking its wallet, so concurrent decisions take turns."""
    request = _request(uow, withdrawal_id)
    wallet = chart.wallet_id(request.customer_id, request.currency)
    uow.ledger.lock_accounts([wallet, chart.withdrawals_in_transit(request.currency).id])
    locked = uow.withdrawals.get(withdrawal_id)
    if locked is None:
        raise NotFound(
            f"no withdrawal request {withdrawal_id}", code="withdrawal_not_found", withdrawal=withdrawal_id
        )
    return locked


def _withdrawal_refusal(result: TransferResult, amount: Money) -> Exception:
    if result is R.EXCEEDS_CREDITS:
        return InsufficientFunds(f"available balance is less than {amount}")
    if result is R.DEBIT_ACCOUNT_NOT_FOUND:
        return NotFound("the customer has no wallet", code="wallet_not_found")
    if result is R.ID_ALREADY_FAILED:
        return Refused(
            "this withdrawal request failed before; make a new request", code="withdrawal_failed_before"
        )
    return LedgerRefused(f"withdrawal refused: {result}", result)
