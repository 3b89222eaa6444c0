"""The scheduled work of a business date: what `p2pstock jobs run` does, and what the `bot` and `serve`
processes run on a schedule. Every job is idempotent: running the jobs twice for a date changes nothing
the second time.

- expire pending transfers whose timeout has passed (holds released)
- expire four-eyes requests nobody decided in time
- cancel allocation applications not paid by their deadline (everything paid is released)
- charge the allocation fees due on or before the business date (daily: each trading day; weekly: on the
  weekday; monthly: on the day of the month), from wallets, then risk funds; what neither covers makes the
  allocation overdue
- tell the customer and the risk officers, once, of each running allocation whose term has ended
- mark liquidation-due, once, each running allocation still below its warning line once the top-up
  deadline its warning set has come (the customer and the risk officers told; ``top_up_deadline``)
- serve the listed loans a crash left unserved to the investors' auto-invest rules (自动投标)
- fail the listed loans not fully funded by their bidding deadline (流标: every investment released)
- lending: work out penalty interest on overdue installments up to the business date, collect what has
  fallen due from the borrowers' available balances, remind borrowers of installments due within three
  days, and tell borrowers and the full reviewers of installments still unpaid after their due date
- lending: advance to the investors, from its product's guarantee reserve, each installment overdue more
  than the product's guarantee days (垫付; once each; a reserve too small is told to the full reviewers)
- lending: end the debt transfer listings whose time is up (what is unsold stays the seller's)
- lending: on the first run of a month, tell each investor once the summary of their holdings in the month
  just ended (``MonthlySummaries.send_due``)
- watch the trading calendar: a year it needs and nobody covers (this year; next year from 1 October) is
  told weekly to the administrators who keep it, a day the sources disagree about told once; both are
  printed every time
- deliver the notifications that are due (last, so that what the jobs queued goes out at once)
"""

from __future__ import annotations

from datetime import date

import attrs

from p2pstock.bootstrap import App
from p2pstock.core.allocation.calendar_watch import CalendarWatch, watch
from p2pstock.core.dispatch import DispatchReport
from p2pstock.core.errors import InvalidInput
from p2pstock.core.lending.monthly_summary import MonthlySummaries


@attrs.frozen
class JobsReport:
    business_date: date
    expired_holds: int
    expired_approvals: int
    cancelled_applications: int
    allocations_charged: int
    terms_ended: int
    liquidation_due: int
    loans_auto_invested: int
    loans_failed: int
    loans_collected: int
    installments_advanced: int
    installments_overdue: int
    reminders: int
    transfers_expired: int
    holdings_summaries: int
    contracts_issued: int
    allocation_agreements_issued: int
    calendar: CalendarWatch
    notifications: DispatchReport

    def lines(self) -> list[str]:
        n = self.notifications
        return [
            f"jobs for {self.business_date.isoformat()}",
            f"  pending transfers expired: {self.expired_holds}",
            f"  approval requests expired: {self.expired_approvals}",
            f"  unpaid allocation applications cancelled: {self.cancelled_applications}",
            f"  allocations charged fees: {self.allocations_charged}",
            f"  allocations whose term ended (renewed or told): {self.terms_ended}",
            f"  allocations past their top-up deadline (liquidation due): {self.liquidation_due}",
            f"  listed loans served to auto-invest rules late: {self.loans_auto_invested}",
            f"  loans not funded by their deadline (failed): {self.loans_failed}",
            f"  loans that repaid from the wallet: {self.loans_collected}",
            f"  overdue installments advanced by a guarantee reserve: {self.installments_advanced}",
            f"  installments newly overdue (told): {self.installments_overdue}",
            f"  repayment reminders: {self.reminders}",
            f"  debt transfer listings expired: {self.transfers_expired}",
            f"  investors told last month's holdings summary: {self.holdings_summaries}",
            f"  loan agreements issued late: {self.contracts_issued}",
            f"  allocation agreements issued late: {self.allocation_agreements_issued}",
            f"  notifications: {n.sent} sent, {n.retrying} to retry, {n.failed} given up",
            *(f"  {line}" for line in self.calendar.lines()),
        ]


def run_jobs(app: App, business_date: date | None = None, *, deliver: bool = True) -> JobsReport:
    """Run every job once. ``business_date`` defaults to today in the platform's time zone; it may not be
    later than today (fees and penalty interest are never charged ahead); a later one is refused before
    any job runs. ``deliver=False`` leaves the notifications to the caller's dispatcher (the long-running
    processes deliver on their event loop, through the bot they run)."""
    today = app.office.clock.now().astimezone(app.ledger.timezone).date()
    day = business_date or today
    if day > today:
        raise InvalidInput(f"the jobs cannot run ahead: {day} is after today ({today})")
    return JobsReport(
        business_date=day,
        expired_holds=app.ledger.expire_pending(),
        expired_approvals=app.approvals.expire_due(),
        cancelled_applications=app.allocations.expire_unpaid(),
        allocations_charged=app.allocations.charge_fees(day),
        terms_ended=app.allocations.tell_term_ends(day),
        liquidation_due=app.allocations.mark_liquidation_due(),
        loans_auto_invested=app.auto_invest.catch_up(),
        loans_failed=app.lending.fail_unfunded(),
        loans_collected=_collect(app, day),
        installments_advanced=app.guarantee.advance_due(day),
        installments_overdue=app.lending.tell_overdue(day),
        reminders=app.lending.remind(day),
        transfers_expired=app.debt_market.expire_due(),
        holdings_summaries=MonthlySummaries(app.lending.desk).send_due(day),
        contracts_issued=app.contracts.issue_missing(),
        allocation_agreements_issued=app.allocation_contracts.issue_missing(),
        calendar=watch(app.office, app.trading_days.sources, today),
        notifications=app.dispatcher.dispatch_now() if deliver else DispatchReport(),
    )


def _collect(app: App, day: date) -> int:
    """Penalty interest up to ``day`` first, so that what is collected includes it."""
    app.lending.accrue_penalties(day)
    return app.lending.collect_due(day)
