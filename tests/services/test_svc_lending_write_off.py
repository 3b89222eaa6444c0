"""Writing off a loan past M3 (核销) under four eyes — with and without a guarantee advance — the losses
booked to each investor and to the reserve, the refusals, and what the borrower pays afterwards split exactly
among those who lost; on memory, SQLite and PostgreSQL, the books balanced after every test."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from guarantee_world import GUARANTEED, disbursed, fund, hold_back, reserve, told
from lending_world import INVESTORS, assert_books_hold, available, credit, escrow, move_to, open_lending

from p2pstock.adapters.clock import ManualClock
from p2pstock.bootstrap import App
from p2pstock.core.errors import InvalidInput, Refused
from p2pstock.core.lending.loans import InvestmentStatus, Loan, LoanStatus
from p2pstock.core.money import Money
from p2pstock.core.people.four_eyes import ApprovalRequest, MakerCannotCheck
from p2pstock.core.people.permissions import PermissionDenied

PAST_M3 = date(2026, 7, 2)
"""91 days after the first installment fell due."""
REASON = "borrower unreachable for three months"


@pytest.fixture(autouse=True)
def platform(app: App, clock: ManualClock) -> Iterator[None]:
    open_lending(app, clock)
    yield
    assert_books_hold(app)


def unpaid(app: App) -> Loan:
    """The reference loan, Bella's money held back: nothing of it is repaid."""
    loan = disbursed(app)
    hold_back(app)
    return loan


def written_off(app: App, loan: Loan) -> Loan:
    request = app.guarantee.write_off(loan.id, by="risk-1", reason=REASON)
    assert isinstance(request, ApprovalRequest)
    app.approvals.approve(request.id, by="root")
    return app.lending.get(loan.id)


def losses(app: App, loan: Loan) -> dict[str, int]:
    return {i.investor_id: i.written_off for i in app.lending.investments(loan.id)}


def wallets(app: App) -> list[int]:
    return [available(app, investor) for investor in INVESTORS]


def gained(app: App, before: list[int]) -> list[int]:
    return [after - b for after, b in zip(wallets(app), before, strict=True)]


# -- writing off --------------------------------------------------------------------------------------------


def test_a_loan_past_m3_is_written_off_once_a_second_administrator_approves(
    app: App, clock: ManualClock
) -> None:
    loan = unpaid(app)
    move_to(clock, date(2026, 4, 3), 9)
    credit(app, "bella", 10_000, "bella-part")
    app.lending.repay(loan.id, customer_id="bella", request_id="part", amount=10_000)  # waits in escrow
    move_to(clock, PAST_M3, 10)
    request = app.guarantee.write_off(loan.id, by="risk-1", reason=REASON)
    assert isinstance(request, ApprovalRequest) and app.lending.get(loan.id).status is LoanStatus.REPAYING
    then = app.approvals.consequences(request.id, by="root")
    assert then == {
        "reason": REASON,
        "days": 91,
        "paid_out": Money(10_000),
        "investors": 3,
        "lost": Money(495_012),
        "reserve": Money(0),
    }
    before = wallets(app)

    app.approvals.approve(request.id, by="root")

    after = app.lending.get(loan.id)
    assert (after.status, after.reason) == (LoanStatus.WRITTEN_OFF, REASON) and after.written_off_at
    # what waited in the escrow (¥0.12 penalty, ¥50.00 interest, ¥49.88 principal) is paid out 5:3:2 first
    assert gained(app, before) == [6 + 2_250 + 2_494, 4 + 1_350 + 1_496, 2 + 900 + 998]
    assert losses(app, loan) == {"ivan": 247_506, "iris": 148_504, "igor": 99_002}
    assert {i.status for i in app.lending.investments(loan.id)} == {InvestmentStatus.WRITTEN_OFF}
    assert escrow(app, loan) == 0
    to_ivan = (
        f"Loan {loan.id} is written off: the ¥2,475.06 of principal you have not got back is booked as "
        "your loss. What the borrower repays later is shared with you in proportion."
    )
    assert to_ivan in told(app, 9001)
    assert any("the platform wrote it off" in t for t in told(app, 8001))


def test_after_a_guarantee_advance_the_reserve_loses_what_it_advanced_and_the_investors_the_rest(
    app: App, clock: ManualClock
) -> None:
    app.loan_products.define(GUARANTEED, by="root")
    loan = unpaid(app)
    fund(app, 100_000)
    move_to(clock, date(2026, 4, 6), 6)
    assert app.guarantee.advance_due(date(2026, 4, 6)) == 1
    held = reserve(app)
    move_to(clock, PAST_M3, 10)

    written_off(app, loan)

    assert losses(app, loan) == {"ivan": 237_250, "iris": 142_350, "igor": 94_900}
    assert reserve(app) == held  # its loss is what it advanced: already paid out
    [shown] = app.guarantee.figures(by="root")
    assert (shown.advanced, shown.outstanding, shown.written_off, shown.investors_written_off) == (
        30_500,
        0,
        30_500,
        474_500,
    )
    assert escrow(app, loan) == 0


def test_a_write_off_is_refused_before_m3_without_a_reason_and_to_a_reviewer(
    app: App, clock: ManualClock
) -> None:
    loan = unpaid(app)
    move_to(clock, date(2026, 7, 1), 10)  # 90 days: M3, not past it
    with pytest.raises(Refused) as early:
        app.guarantee.write_off(loan.id, by="risk-1", reason=REASON)
    assert early.value.code == "write_off_too_early" and early.value.values["days"] == 90
    move_to(clock, PAST_M3, 10)
    with pytest.raises(InvalidInput):
        app.guarantee.write_off(loan.id, by="risk-1", reason="  ")
    with pytest.raises(PermissionDenied):
        app.guarantee.write_off(loan.id, by="reviewer-1", reason=REASON)
    assert app.lending.get(loan.id).status is LoanStatus.REPAYING


def test_the_maker_cannot_approve_their_own_write_off_and_asking_again_waits_in_the_same_request(
    app: App, clock: ManualClock
) -> None:
    loan = unpaid(app)
    move_to(clock, PAST_M3, 10)
    request = app.guarantee.write_off(loan.id, by="risk-1", reason=REASON)

    with pytest.raises(MakerCannotCheck):
        app.approvals.approve(request.id, by="risk-1")
    again = app.guarantee.write_off(loan.id, by="risk-1", reason=REASON)

    assert isinstance(again, ApprovalRequest) and again.id == request.id
    assert app.lending.get(loan.id).status is LoanStatus.REPAYING
    app.approvals.approve(request.id, by="root")
    assert app.guarantee.write_off(loan.id, by="root", reason=REASON).status is LoanStatus.WRITTEN_OFF  # type: ignore[union-attr]


def test_a_loan_repaid_meanwhile_is_not_written_off_when_approved(app: App, clock: ManualClock) -> None:
    loan = unpaid(app)
    move_to(clock, PAST_M3, 10)
    request = app.guarantee.write_off(loan.id, by="risk-1", reason=REASON)
    credit(app, "bella", 200_000, "bella-back")
    app.lending.repay(loan.id, customer_id="bella", request_id="catch-up")

    with pytest.raises(Refused) as refused:
        app.approvals.approve(request.id, by="root")

    assert refused.value.code == "write_off_too_early"
    assert app.lending.get(loan.id).status is LoanStatus.REPAYING


# -- recoveries ---------------------------------------------------------------------------------------------


def test_what_the_borrower_pays_later_is_split_exactly_among_the_investors_by_what_they_lost(
    app: App, clock: ManualClock
) -> None:
    loan = unpaid(app)
    move_to(clock, date(2026, 4, 3), 9)
    credit(app, "bella", 10_000, "bella-part")
    app.lending.repay(loan.id, customer_id="bella", request_id="part", amount=10_000)
    move_to(clock, PAST_M3, 10)
    written_off(app, loan)
    move_to(clock, date(2026, 8, 3), 10)
    credit(app, "bella", 100_000, "bella-found")
    before = wallets(app)

    app.lending.repay(loan.id, customer_id="bella", request_id="found", amount=100_000)

    assert gained(app, before) == [50_000, 30_000, 20_000]  # 247,506 : 148,504 : 99,002
    credit(app, "bella", 7_777, "bella-more")
    before = wallets(app)
    assert app.lending.collect_due(date(2026, 8, 3)) == 1  # the jobs take what she has, as for any loan
    assert gained(app, before) == [3_889, 2_333, 1_555]  # 197,506 : 118,504 : 79,002, a fen to Ivan
    assert available(app, "bella") == 0 and escrow(app, loan) == 0
    left = {i.investor_id: i.amount - i.principal_received - i.sold for i in app.lending.investments(loan.id)}
    assert left == {"ivan": 193_617, "iris": 116_171, "igor": 77_447}
    assert f"You repaid ¥1,000.00 on written-off loan {loan.id}; ¥3,950.12 is still owed." in told(app, 8001)


def test_a_recovery_after_a_guarantee_advance_is_shared_with_the_reserve_up_to_what_was_written_off(
    app: App, clock: ManualClock
) -> None:
    app.loan_products.define(GUARANTEED, by="root")
    loan = unpaid(app)
    fund(app, 100_000)
    move_to(clock, date(2026, 4, 6), 6)
    app.guarantee.advance_due(date(2026, 4, 6))
    move_to(clock, PAST_M3, 10)
    written_off(app, loan)
    credit(app, "bella", 600_000, "bella-rich")
    held, before = reserve(app), wallets(app)

    app.lending.repay(loan.id, customer_id="bella", request_id="r1", amount=100_000)

    # 237,250 : 142,350 : 94,900 : the reserve's 30,500 — the fen left over to the reserve's remainder
    assert gained(app, before) == [46_980, 28_188, 18_792]
    assert reserve(app) == held + 6_040
    first = app.lending.installments(loan.id)[0]
    assert (first.paid_interest, first.paid_principal, first.recovered) == (5_000, 1_040, 6_040)
    with pytest.raises(InvalidInput) as too_much:
        app.lending.repay(loan.id, customer_id="bella", request_id="r2", amount=405_001)
    assert too_much.value.code == "recovery_range"

    app.lending.repay(loan.id, customer_id="bella", request_id="r3")  # everything still owed

    assert gained(app, before) == [237_250, 142_350, 94_900]
    assert reserve(app) == held + 30_500
    [shown] = app.guarantee.figures(by="root")
    assert (shown.written_off, shown.investors_written_off, shown.recovered) == (0, 0, 30_500)
    assert available(app, "bella") == 600_000 - 505_000 and escrow(app, loan) == 0


def test_the_jobs_collect_a_running_loan_before_recovering_a_written_off_one(
    app: App, clock: ManualClock
) -> None:
    lost = unpaid(app)
    move_to(clock, PAST_M3, 10)
    written_off(app, lost)
    running = disbursed(app)  # a second loan of Bella's, its first installment due on 2 August
    app.wallets.request_withdrawal("bella", request_id="out-2", amount=app.wallets.balance("bella").available)
    [first, *_] = app.lending.installments(running.id)
    move_to(clock, first.due, 12)
    credit(app, "bella", first.principal + first.interest, "bella-august")

    assert app.lending.collect_due(first.due) == 1

    assert app.lending.installments(running.id)[0].settled_at is not None
    assert all(i.written_off == i.amount for i in app.lending.investments(lost.id))
    assert available(app, "bella") == 0
