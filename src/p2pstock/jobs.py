"""The scheduled work of a business date: what `p2pstock jobs run` does, and what the `bot` and `serve`
processes run on a schedule. Every job is idempotent: running the jobs twice for a date changes nothing
the second time.

- expire pending transfers whose timeout has passed (holds released)
- expire four-eyes requests nobody decided in time
- deliver the notifications that are due
"""

from __future__ import annotations

from datetime import date

import attrs

from p2pstock.bootstrap import App
from p2pstock.core.dispatch import DispatchReport


@attrs.frozen
class JobsReport:
    business_date: date
    expired_holds: int
    expired_approvals: int
    notifications: DispatchReport

    def lines(self) -> list[str]:
        n = self.notifications
        return [
            f"jobs for {self.business_date.isoformat()}",
            f"  pending transfers expired: {self.expired_holds}",
            f"  approval requests expired: {self.expired_approvals}",
            f"  notifications: {n.sent} sent, {n.retrying} to retry, {n.failed} given up",
        ]


def run_jobs(app: App, business_date: date | None = None) -> JobsReport:
    """Run every job once. ``business_date`` defaults to today in the platform's time zone (the jobs of this
    issue act on what is due now; later jobs — fees, repayments — use the date)."""
    day = business_date or app.office.clock.now().astimezone(app.ledger.timezone).date()
    return JobsReport(
        business_date=day,
        expired_holds=app.ledger.expire_pending(),
        expired_approvals=app.approvals.expire_due(),
        notifications=app.dispatcher.dispatch_now(),
    )
