"""Stock fund allocations (配资) as embedders and the bot call them: one method per business step, each one
transaction. See ``applications``, ``review``, ``password``, ``monitoring``, ``fees``,
``customer_requests`` and ``settlement`` for the rules of each step."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import date
from functools import partial
from typing import TypeVar

import attrs

from p2pstock.core import opt_outs
from p2pstock.core.agreements import after_commit
from p2pstock.core.allocation import (
    applications,
    customer_requests,
    daily_report,
    fees,
    money_out,
    monitoring,
    renewals,
    review,
    settlement,
    status_review,
    stress,
    top_up_deadline,
)
from p2pstock.core.allocation import password as passwords
from p2pstock.core.allocation.allocations import Allocation, CallOutcome, Status
from p2pstock.core.allocation.desk import Desk
from p2pstock.core.allocation.monitoring import ImportReport
from p2pstock.core.allocation.password import PasswordDelivery
from p2pstock.core.allocation.ports import Event
from p2pstock.core.allocation.products import Component
from p2pstock.core.allocation.side_requests import Kind, SideRequest
from p2pstock.core.allocation.statuses import DailyStatus, Figures
from p2pstock.core.backoffice import Tx
from p2pstock.core.errors import InvalidInput, NotFound
from p2pstock.core.people.four_eyes import ApprovalRequest
from p2pstock.core.people.permissions import Permission

T = TypeVar("T")

VIEW = (
    Permission.ALLOCATION_REVIEW,
    Permission.ALLOCATION_DAILY_STATUS,
    Permission.ALLOCATION_SETTLE,
    Permission.ALLOCATION_ASSIGN_ACCOUNT,
)


@attrs.frozen
class Timeline:
    allocation: Allocation
    events: tuple[Event, ...]
    statuses: tuple[DailyStatus, ...]
    requests: tuple[SideRequest, ...]


@attrs.define
class Allocations:
    desk: Desk
    confirmed: Sequence[Callable[[str], object]] = ()
    """Called with the allocation's id once a confirmation commits (its agreement is issued)."""

    def __attrs_post_init__(self) -> None:
        self.desk.office.register(
            money_out.SETTLE,
            lambda tx, c, a: settlement.carry_out(self.desk, tx, c, a),
            lambda tx, waiting: settlement.preview(self.desk, tx, waiting),
        )

    def daily_report(self, customer_id: str) -> bool:
        """Whether the customer gets the daily report of their allocations (unless they switched it off)."""
        return opt_outs.wanted(self.desk.office, daily_report.QUIET, customer_id)

    def set_daily_report(self, customer_id: str, *, on: bool) -> bool:
        """Switch the customer's daily report on or off; whether it is on."""
        return opt_outs.switch(self.desk.office, daily_report.QUIET, customer_id, on=on)

    # -- customers ------------------------------------------------------------------------------------

    def apply(
        self,
        customer_id: str,
        *,
        product: str,
        deposit: int,
        leverage: int,
        term: int,
        request_id: str | None = None,
    ) -> Allocation:
        """Apply for an allocation. With ``request_id`` (the caller's idempotency key) applying again
        answers the allocation the first call made; the same key for another application is refused."""
        return self._run(
            lambda tx: applications.apply(
                self.desk,
                tx,
                customer_id,
                product,
                deposit=deposit,
                leverage=leverage,
                term=term,
                request_id=request_id,
            )
        )

    def pay(self, allocation_id: str, component: Component | str, *, customer_id: str) -> Allocation:
        part = _component(component)
        return self._run(lambda tx: applications.pay(self.desk, tx, allocation_id, part, customer_id))

    def cancel(self, allocation_id: str, *, customer_id: str) -> Allocation:
        return self._run(lambda tx: applications.cancel(self.desk, tx, allocation_id, customer_id))

    def reveal_password(self, allocation_id: str, *, customer_id: str) -> str:
        """The sub-account password, counted as shown at once (a caller that hands it over in the same
        step); a frontend that sends it uses ``password_to_send`` and ``password_sent``."""
        return self._run(lambda tx: passwords.reveal(self.desk, tx, allocation_id, customer_id))

    def password_to_send(self, allocation_id: str, *, customer_id: str) -> PasswordDelivery:
        """The sub-account password, held for one delivery (``PasswordOnItsWay`` while another is held);
        not counted as shown until ``password_sent``."""
        return self._run(lambda tx: passwords.to_send(self.desk, tx, allocation_id, customer_id))

    def password_sent(self, allocation_id: str, *, customer_id: str) -> Allocation:
        """The delivery was accepted: the password is shown, for good."""
        return self._run(lambda tx: passwords.sent(self.desk, tx, allocation_id, customer_id))

    def password_not_sent(self, allocation_id: str, *, customer_id: str, hold: str) -> None:
        """The delivery ``hold`` failed: the customer may ask for the password again at once."""
        self._run(lambda tx: passwords.not_sent(self.desk, tx, allocation_id, customer_id, hold))

    def ask(
        self, allocation_id: str, kind: Kind | str, *, customer_id: str, amount: int = 0, periods: int = 0
    ) -> SideRequest:
        what = Kind(kind)
        return self._run(
            lambda tx: customer_requests.ask(
                self.desk, tx, allocation_id, customer_id, kind=what, amount=amount, periods=periods
            )
        )

    def of_customer(self, customer_id: str) -> list[Allocation]:
        return self.desk.office.read(lambda tx: tx.uow.allocations.of_customer(customer_id))

    def get(self, allocation_id: str, *, customer_id: str) -> Allocation:
        found = self.desk.office.read(lambda tx: tx.uow.allocations.get(allocation_id))
        if found is None or found.customer_id != customer_id:
            raise NotFound(
                f"no allocation {allocation_id}", code="allocation_not_found", allocation=allocation_id
            )
        return found

    def timeline(
        self, allocation_id: str, *, customer_id: str | None = None, by: str | None = None
    ) -> Timeline:
        """Everything that happened to the allocation: for its customer, or an administrator following it."""

        def read(tx: Tx) -> Timeline:
            allocation = self.desk.load(tx, allocation_id, lock=False)
            if by is not None:
                tx.admin_any(by, VIEW)
            elif allocation.customer_id != customer_id:
                raise NotFound(
                    f"no allocation {allocation_id}", code="allocation_not_found", allocation=allocation_id
                )
            statuses = tx.uow.daily_statuses.history(allocation_id)
            stored = tx.uow.allocation_events.of_allocation(allocation_id)
            if by is None:  # the customer reads the statuses in effect (status_review)
                statuses = [s for s in statuses if s.in_effect]
                stored = [e for e in stored if e.kind not in status_review.REVIEW_EVENTS]
            return Timeline(
                allocation,
                tuple(
                    monitoring.timeline_events(
                        allocation, stored, statuses, zone=self.desk.timezone, customer=by is None
                    )
                ),
                tuple(statuses),
                tuple(tx.uow.side_requests.of_allocation(allocation_id)),
            )

        return self.desk.office.read(read)

    # -- administrators -------------------------------------------------------------------------------

    def record_call(
        self, allocation_id: str, *, by: str, outcome: CallOutcome | str, note: str = ""
    ) -> Allocation:
        said = CallOutcome(outcome)
        return self._run(
            lambda tx: review.record_call(self.desk, tx, allocation_id, by=by, outcome=said, note=note)
        )

    def confirm(self, allocation_id: str, *, by: str) -> Allocation:
        """Confirm the application (``review.confirm``), then issue its agreement: the allocation as it
        stands after both."""
        confirmed = self._run(lambda tx: review.confirm(self.desk, tx, allocation_id, by))
        after_commit(self.confirmed, confirmed.id)
        return self.desk.office.read(lambda tx: self.desk.load(tx, confirmed.id, lock=False))

    def reject(self, allocation_id: str, *, by: str, reason: str) -> Allocation:
        return self._run(lambda tx: review.reject(self.desk, tx, allocation_id, by, reason))

    def assign_account(self, allocation_id: str, *, by: str, sub_account: str, password: str) -> Allocation:
        return self._run(
            lambda tx: review.assign_and_start(
                self.desk, tx, allocation_id, by=by, sub_account=sub_account, password=password
            )
        )

    def record_status(self, allocation_id: str, day: date, figures: Figures, *, by: str) -> DailyStatus:
        return self._run(
            lambda tx: monitoring.record(self.desk, tx, allocation_id, day=day, figures=figures, by=by)
        )

    def import_statement(
        self, text: str | bytes, *, by: str, statement_id: str | None = None
    ) -> ImportReport:
        """Apply a statement of daily statuses, all rows or none: CSV text, or a file's bytes (CSV in UTF-8
        or GBK/GB18030, or an .xlsx workbook; see ``statement_files``). The statement is known by
        ``statement_id`` (the caller's) or else by its content: imported again it answers
        ``already_imported`` and stores nothing; the same id with other content is refused."""
        if not isinstance(text, str | bytes):
            raise InvalidInput("a statement is text", code="wrong_type")
        return self._run(lambda tx: monitoring.import_statement(self.desk, tx, text, by, statement_id))

    def flagged(self, *, by: str, limit: int = 50) -> list[DailyStatus]:
        """The daily statuses held as implausible, oldest first: each waits for a second administrator
        holding ``allocation.daily_status`` (``plausibility``, ``status_review``)."""
        return self.desk.office.read(lambda tx: status_review.held(tx, by, limit))

    def confirm_status(self, allocation_id: str, day: date, revision: int, *, by: str) -> DailyStatus:
        """Put a held status into effect (by another administrator than the one who entered it)."""
        _status_key(day, revision)
        return self._run(
            lambda tx: status_review.confirm(self.desk, tx, allocation_id, day=day, revision=revision, by=by)
        )

    def reject_status(
        self, allocation_id: str, day: date, revision: int, *, by: str, reason: str
    ) -> DailyStatus:
        """Keep a held status out of effect for good, saying why."""
        _status_key(day, revision)
        return self._run(
            lambda tx: status_review.reject(
                self.desk, tx, allocation_id, day=day, revision=revision, by=by, reason=reason
            )
        )

    def decide(self, request_id: str, *, by: str, approve: bool, reason: str = "") -> SideRequest:
        return self._run(
            lambda tx: customer_requests.decide(self.desk, tx, request_id, by, approve=approve, reason=reason)
        )

    def settle(self, allocation_id: str, *, final_assets: int, by: str) -> Allocation | ApprovalRequest:
        return self._run(lambda tx: settlement.settle(self.desk, tx, allocation_id, final_assets, by))

    def queue(self, statuses: list[Status], *, by: str, limit: int = 50) -> list[Allocation]:
        def read(tx: Tx) -> list[Allocation]:
            tx.admin_any(by, VIEW)
            return tx.uow.allocations.in_status(statuses, limit)

        return self.desk.office.read(read)

    def stress(self, shocks: Sequence[int], *, by: str) -> stress.StressReport:
        """Every running allocation against each market shock of ``shocks`` (basis points, −1000 is
        −10 %), from one read of their latest statuses; for risk officers (``dashboard.view``)."""
        for shock in shocks:
            stress.check_shock(shock)

        def read(tx: Tx) -> stress.StressReport:
            tx.admin(by, Permission.DASHBOARD_VIEW)
            return stress.report(tx.uow.allocations.exposures(), shocks, self.desk.shortfall.value)

        return self.desk.office.read(read)

    def pending_requests(self, *, by: str, limit: int = 50) -> list[SideRequest]:
        def read(tx: Tx) -> list[SideRequest]:
            tx.admin_any(by, VIEW)
            return tx.uow.side_requests.pending(limit)

        return self.desk.office.read(read)

    # -- jobs -----------------------------------------------------------------------------------------

    def expire_unpaid(self, *, limit: int = 1000) -> int:
        return self._run(lambda tx: applications.expire_unpaid(self.desk, tx, limit))

    def charge_fees(self, day: date) -> int:
        """Charge every fee due on or before ``day`` (not after today), a batch per transaction; how many
        allocations were charged."""
        today = self.desk.office.read(self.desk.today)
        if day > today:
            raise InvalidInput(
                f"fees cannot be charged ahead: {day} is after today ({today})",
                code="day_ahead",
                day=day,
                today=today,
            )
        total, after, more = 0, "", True
        while more:
            count, after, more = self._run(partial(fees.charge_fees, self.desk, day=day, after=after))
            total += count
        return total

    def tell_term_ends(self, day: date) -> int:
        """Each running allocation whose term ended by ``day`` renewed or made overdue at expiry, and each
        past its grace told, once (``renewals``); how many."""
        told, after = 0, ""
        while True:
            read, page_told, after = self._run(partial(renewals.end_terms, self.desk, day=day, after=after))
            told += page_told
            if read < renewals.BATCH:
                return told

    def expired(self, *, by: str) -> list[Allocation]:
        """The running allocations overdue at expiry (到期未续), the earliest to settle first (``renewals``),
        for administrators who may see allocations."""

        def read(tx: Tx) -> list[Allocation]:
            tx.admin_any(by, VIEW)
            return renewals.expired(tx)

        return self.desk.office.read(read)

    def mark_liquidation_due(self) -> int:
        """Each running allocation whose top-up deadline has come, still below the warning line, marked
        liquidation-due and told, once (``top_up_deadline``); how many."""
        marked, after = 0, ""
        while True:
            read, page_marked, after = self._run(partial(top_up_deadline.mark_missed, self.desk, after=after))
            marked += page_marked
            if read < top_up_deadline.BATCH:
                return marked

    def set_auto_renew(self, allocation_id: str, *, customer_id: str, on: bool) -> Allocation:
        """The customer's choice of renewing at the end of the term (``renewals``)."""
        return self._run(lambda tx: renewals.set_auto_renew(self.desk, tx, allocation_id, customer_id, on=on))

    def _run(self, work: Callable[[Tx], T]) -> T:
        return self.desk.office.run(work)


def _status_key(day: object, revision: object) -> None:
    if not isinstance(day, date) or isinstance(revision, bool) or not isinstance(revision, int):
        raise InvalidInput("a status is named by its day and its revision number", code="wrong_type")


def _component(value: Component | str) -> Component:
    try:
        return Component(value)
    except ValueError:
        raise InvalidInput(f"unknown payment component {value!r:.30}", code="unknown_component") from None


def event_data(event: Event) -> dict[str, object]:
    data: dict[str, object] = json.loads(event.data)
    return data
