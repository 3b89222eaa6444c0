"""P2P lending as embedders and the bot call it: one method per business step, each one transaction.
See ``applications`` (application and reviews), ``bidding`` (investing, full review, failed listings)
and ``hall`` (the financing hall) for the rules of each step."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import date
from functools import partial
from typing import TypeVar

import attrs

from p2pstock.core.agreements import after_commit
from p2pstock.core.backoffice import Tx
from p2pstock.core.errors import InvalidInput, NotFound, P2PStockError
from p2pstock.core.ledger import chart, codes
from p2pstock.core.lending import applications, bidding, hall, repaying, schedules, views
from p2pstock.core.lending.auto_investing import AutoInvest
from p2pstock.core.lending.desk import LoanDesk
from p2pstock.core.lending.hall import LoanPage
from p2pstock.core.lending.loans import Investment, Loan, LoanInstallment, LoanStatus
from p2pstock.core.lending.ports import HallFilter
from p2pstock.core.lending.products import LoanTerms
from p2pstock.core.lending.repaying import Payoff
from p2pstock.core.lending.schedules import Method
from p2pstock.core.lending.views import Holding, InstallmentView, LendingFigures
from p2pstock.core.people.permissions import Permission

T = TypeVar("T")
log = logging.getLogger(__name__)

VIEW = (Permission.LOAN_REVIEW, Permission.LOAN_FULL_REVIEW)
MAX_PAGE = 50
BATCH = 100
INCOME_CODES = codes.LOAN_FEE_INCOME
LEDGER_EPOCH = date(2000, 1, 1)
"""The first day the platform's income is summed from."""


@attrs.define
class Lending:
    desk: LoanDesk
    disbursed: Sequence[Callable[[str], object]] = ()
    """Called with a loan's id once its disbursement committed (the loan agreement is issued so); a failure
    is logged and left to the jobs."""

    # -- borrowers ------------------------------------------------------------------------------------

    def apply(
        self,
        customer_id: str,
        *,
        product: str,
        amount: int,
        months: int,
        rate_bp: int,
        method: Method | str,
        purpose: str,
        documents: Sequence[str],
        bidding_days: int,
        min_bid: int | None = None,
        request_id: str | None = None,
    ) -> Loan:
        """Apply for a loan under ``product``. ``min_bid`` defaults to the product's; with ``request_id``
        (the caller's idempotency key) applying again answers the loan the first call made."""

        def apply(tx: Tx) -> Loan:
            entry = tx.uow.loan_products.latest(product)
            floor = entry.product.min_bid if entry else 0
            terms = LoanTerms(amount, months, rate_bp, _method(method), bidding_days, min_bid or floor)
            return applications.apply(
                self.desk,
                tx,
                customer_id,
                product,
                terms,
                purpose=purpose,
                documents=documents,
                request_id=request_id,
            )

        return self._run(apply)

    def withdraw(self, loan_id: str, *, customer_id: str) -> Loan:
        """Take back an application that is not listed yet."""
        return self._run(lambda tx: applications.withdraw(self.desk, tx, loan_id, customer_id))

    def loans_of(self, customer_id: str) -> list[Loan]:
        return self.desk.office.read(lambda tx: tx.uow.loans.of_borrower(customer_id))

    # -- investors ------------------------------------------------------------------------------------

    def hall(self, where: HallFilter | None = None, *, page: int = 0, size: int = 10) -> list[Loan]:
        """A page of the loans open for bidding, the newest listing first."""
        if not 1 <= size <= MAX_PAGE or page < 0:
            raise InvalidInput(
                f"a page holds 1 to {MAX_PAGE} loans and pages count from 0",
                code="page_invalid",
                most=MAX_PAGE,
            )
        return self.desk.office.read(lambda tx: tx.uow.loans.listed(where or HallFilter(), page * size, size))

    def loan_page(self, loan_id: str, *, amount: int | None = None) -> LoanPage:
        """A listed (or later) loan as investors see it, with the schedule ``amount`` would receive."""

        def page(tx: Tx) -> LoanPage:
            loan = self.desk.load(tx, loan_id, lock=False)
            if loan.listed_at is None:
                raise NotFound(
                    f"no loan {loan_id} in the financing hall", code="loan_not_in_hall", loan=loan_id
                )
            plan = hall.planned_schedule(loan, self.desk.today(tx))
            mine = schedules.share_schedule(plan, amount) if amount is not None else ()
            return LoanPage(loan, hall.borrower_facts(tx, loan), mine)

        return self.desk.office.read(page)

    def invest(
        self, loan_id: str, *, investor_id: str, amount: int, request_id: str | None = None
    ) -> Investment:
        """Invest ``amount`` in a listed loan, frozen from the available balance at once."""
        return self._run(
            lambda tx: bidding.invest(self.desk, tx, loan_id, investor_id, amount, request_id=request_id)
        )

    def investments_of(self, investor_id: str) -> list[Investment]:
        return self.desk.office.read(lambda tx: tx.uow.investments.of_investor(investor_id))

    def holdings(self, investor_id: str) -> list[Holding]:
        """Each of the investor's investments with its loan, what it received and what it can expect."""

        def look(tx: Tx) -> list[Holding]:
            found = []
            for investment in tx.uow.investments.of_investor(investor_id):
                loan = self.desk.load(tx, investment.loan_id, lock=False)
                plan = tx.uow.installments.of_loan(loan.id)
                expected = views.expected(investment, tx.uow.investments.of_loan(loan.id), plan)
                late = views.days_overdue(views.installment_views(loan, plan, self.desk.today(tx)))
                found.append(Holding(investment, loan, expected, late))
            return found

        return self.desk.office.read(look)

    # -- repayment ------------------------------------------------------------------------------------

    def repay(
        self,
        loan_id: str,
        *,
        customer_id: str,
        request_id: str,
        amount: int | None = None,
        expected: int | None = None,
        payments_seen: int | None = None,
    ) -> Loan:
        """Repay from the wallet: ``amount`` (default: everything due now, or else the next installment)
        goes to the oldest installment first — penalty, interest, principal. ``request_id`` (the caller's
        idempotency key) makes asking again harmless; ``expected``, what was shown as due, and
        ``payments_seen``, the loan's ``payments`` then, refuse the payment if the debt changed meanwhile
        (the jobs collected it, a day of penalty interest)."""
        asked = repaying.Request(customer_id, request_id, amount, expected, payments_seen)
        return self._run(lambda tx: repaying.repay(self.desk, tx, loan_id, asked))

    def payoff(self, loan_id: str, *, customer_id: str) -> Payoff:
        """What repaying the whole loan today would cost."""
        return self.desk.office.read(lambda tx: repaying.quote_payoff(self.desk, tx, loan_id, customer_id))

    def repay_early(
        self,
        loan_id: str,
        *,
        customer_id: str,
        request_id: str,
        expected: int | None = None,
        payments_seen: int | None = None,
    ) -> Loan:
        """Repay the whole loan today: interest to date and the product's early repayment fee; ``expected``
        (the payoff shown) and ``payments_seen`` refuse it if the debt changed meanwhile."""
        asked = repaying.Request(customer_id, request_id, expected=expected, payments_seen=payments_seen)
        return self._run(lambda tx: repaying.repay_early(self.desk, tx, loan_id, asked))

    def schedule(self, loan_id: str) -> list[InstallmentView]:
        """The loan's installments with what each owes today (penalty interest included) and its lateness."""

        def look(tx: Tx) -> list[InstallmentView]:
            loan = self.desk.load(tx, loan_id, lock=False)
            return views.installment_views(loan, tx.uow.installments.of_loan(loan.id), self.desk.today(tx))

        return self.desk.office.read(look)

    def figures(self, *, by: str) -> LendingFigures:
        """Loans by status, outstanding and overdue principal, and the fees taken (``stats.view``)."""

        def look(tx: Tx) -> LendingFigures:
            tx.admin(by, Permission.STATS_VIEW)
            day = self.desk.today(tx)
            outstanding, overdue = tx.uow.installments.unpaid_principal(day)
            return LendingFigures(day, tx.uow.loans.count_by_status(), outstanding, overdue, {})

        figures = self.desk.office.read(look)
        account = chart.fee_income().id
        totals = self.desk.ledger.statistics("month", start=LEDGER_EPOCH, end=figures.day, account_id=account)
        income: dict[str, int] = {}
        for total in totals:
            if total.code in INCOME_CODES:
                income[total.code] = income.get(total.code, 0) + total.credits - total.debits
        return attrs.evolve(figures, income=income)

    # -- both sides -----------------------------------------------------------------------------------

    def get(self, loan_id: str) -> Loan:
        return self.desk.office.read(lambda tx: self.desk.load(tx, loan_id, lock=False))

    def installments(self, loan_id: str) -> list[LoanInstallment]:
        return self.desk.office.read(lambda tx: tx.uow.installments.of_loan(loan_id))

    def investments(self, loan_id: str) -> list[Investment]:
        return self.desk.office.read(lambda tx: tx.uow.investments.of_loan(loan_id))

    # -- administrators -------------------------------------------------------------------------------

    def queue(self, statuses: Sequence[LoanStatus], *, by: str, limit: int = 20) -> list[Loan]:
        """Loans in ``statuses``, the oldest application first, for an administrator reviewing loans."""

        def queue(tx: Tx) -> list[Loan]:
            tx.admin_any(by, VIEW)
            return tx.uow.loans.in_status(list(statuses), limit)

        return self.desk.office.read(queue)

    def first_review(self, loan_id: str, *, by: str, note: str = "") -> Loan:
        return self._run(lambda tx: applications.first_review(self.desk, tx, loan_id, by=by, note=note))

    def final_review(self, loan_id: str, *, by: str, note: str = "") -> Loan:
        """Pass the final review: the loan is listed, then served to the investors' auto-invest rules in a
        transaction of its own (the jobs serve it should that fail); the loan as it then stands."""
        loan = self._run(lambda tx: applications.final_review(self.desk, tx, loan_id, by=by, note=note))
        return AutoInvest(self.desk).after_listing(loan)

    def reject(self, loan_id: str, *, by: str, reason: str) -> Loan:
        return self._run(lambda tx: applications.reject(self.desk, tx, loan_id, by=by, reason=reason))

    def approve_full(self, loan_id: str, *, by: str, note: str = "") -> Loan:
        """Pass the full review: disburse and create the schedule (then issue the loan agreement)."""
        loan = self._run(lambda tx: bidding.approve_full(self.desk, tx, loan_id, by=by, note=note))
        after_commit(self.disbursed, loan.id)
        return self.get(loan.id)

    def refuse_full(self, loan_id: str, *, by: str, reason: str) -> Loan:
        return self._run(lambda tx: bidding.refuse_full(self.desk, tx, loan_id, by=by, reason=reason))

    # -- jobs -----------------------------------------------------------------------------------------

    def fail_unfunded(self) -> int:
        """Fail every listed loan whose bidding deadline has passed (流标), a batch per transaction."""
        return self._drain(lambda tx: bidding.fail_unfunded(self.desk, tx, BATCH))

    def collect_due(self, day: date) -> int:
        """Take what fell due by ``day`` from the borrowers' wallets, as far as their balances go, one loan
        per transaction (a loan that cannot be collected now is left for the next run); how many loans
        paid something: the loans being repaid first, then recoveries on written-off loans (so that a
        borrower's balance goes to the loans still running before the ones already lost)."""
        self.desk.not_ahead(day)
        return sum(self._collect_all(day, recoveries) for recoveries in (False, True))

    def _collect_all(self, day: date, recoveries: bool) -> int:
        paid, after = 0, ""
        while True:
            ids = self.desk.office.read(partial(_loans_due, day=day, after=after))
            for loan_id in ids:
                paid += self._collect(loan_id, day, recoveries)
            if len(ids) < BATCH:
                return paid
            after = ids[-1]

    def _collect(self, loan_id: str, day: date, recoveries: bool) -> bool:
        try:
            return self._run(lambda tx: repaying.collect_one(self.desk, tx, loan_id, day, recoveries))
        except P2PStockError as error:
            log.warning("loan %s was not collected for %s: %s", loan_id, day, type(error).__name__)
            return False

    def accrue_penalties(self, day: date) -> int:
        """Work out penalty interest on overdue installments up to ``day``."""
        self.desk.not_ahead(day)
        return self._drain(lambda tx: repaying.accrue_penalties(self.desk, tx, day, BATCH))

    def remind(self, day: date) -> int:
        """Remind borrowers of installments falling due within the next days (once each)."""
        self.desk.not_ahead(day)
        told = 0
        while True:
            found, sent = self._run(lambda tx: repaying.remind(self.desk, tx, day, BATCH))
            told += sent
            if found < BATCH:
                return told

    def tell_overdue(self, day: date) -> int:
        """Tell borrowers and the full reviewers, once, of each installment unpaid after its due date."""
        self.desk.not_ahead(day)
        return self._drain(lambda tx: repaying.tell_overdue(self.desk, tx, day, BATCH))

    def _drain(self, step: Callable[[Tx], int]) -> int:
        """Run ``step`` until a batch comes back short (each batch one transaction)."""
        total = 0
        while True:
            done = self._run(step)
            total += done
            if done < BATCH:
                return total

    def _run(self, work: Callable[[Tx], T]) -> T:
        return self.desk.office.run(work)


def _loans_due(tx: Tx, *, day: date, after: str) -> list[str]:
    return tx.uow.installments.loans_due(day, after, BATCH)


def _method(value: Method | str) -> Method:
    try:
        return Method(value)
    except ValueError:
        raise InvalidInput(f"unknown repayment method {value!r:.30}", code="unknown_method") from None
