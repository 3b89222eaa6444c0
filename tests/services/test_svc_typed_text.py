"""Every service that stores what a person typed — a real name, a reason, a note, a loan's purpose, a role's
description, a ledger reference — refuses a control character (NUL among them: PostgreSQL cannot store
it), a text-direction override, a zero-width character and half a surrogate pair (which UTF-8 cannot hold)
with ``UnsafeText``, on every storage, and stores nothing; the same entry then takes ordinary text."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import attrs
import pytest
from allocation_world import confirmed, figures, open_platform, paid, running, verified_customer
from lending_world import applied, full, open_lending, qualification

from p2pstock.adapters.clock import ManualClock
from p2pstock.bootstrap import App
from p2pstock.core.allocation.allocations import CallOutcome
from p2pstock.core.errors import UnsafeText
from p2pstock.core.ledger.transfers import Transfer
from p2pstock.core.lending.schedules import Method
from p2pstock.core.money import Money
from p2pstock.core.people.customers import Customer, KycStatus
from sample_documents import jpeg

HIDDEN = {
    "NUL": "\x00",
    "bell": "\x07",
    "right-to-left override": "\u202e",
    "zero-width space": "\u200b",
    "lone surrogate": "\ud800",
}
STATEMENT_HEADER = (
    "sub_account,trade_date,total_assets,market_value,cash_available,cash_frozen,cash_withdrawable,"
    "daily_pnl,floating_pnl,note\n"
)

Act = Callable[[str], object]
"""Stores the typed text through one service call."""


def phone_verified(app: App, customer_id: str = "carol") -> None:
    customer = Customer(customer_id, language="en", phone="+8613900139000", status=KycStatus.PHONE_VERIFIED)
    app.office.run(lambda tx: tx.uow.customers.add(customer))


def real_name(app: App, clock: ManualClock) -> Act:
    phone_verified(app)
    return lambda typed: app.customers.submit_identity("carol", f"张{typed}三", "11010519491231002X")


def identity_rejection(app: App, clock: ManualClock) -> Act:
    phone_verified(app)
    app.customers.submit_identity("carol", "张三", "11010519491231002X")
    return lambda typed: app.kyc.reject_identity("carol", by="reviewer-1", reason=f"blurred{typed}")


def document_rejection(app: App, clock: ManualClock) -> Act:
    phone_verified(app)
    document = app.customers.upload_document("carol", "id_card_front", jpeg("front"))
    return lambda typed: app.kyc.reject_document(document.id, by="reviewer-1", reason=f"blurred{typed}")


def withdrawal_rejection(app: App, clock: ManualClock) -> Act:
    verified_customer(app)
    withdrawal = app.wallets.request_withdrawal("alice", request_id="W-1", amount=Money(10_000))
    return lambda typed: app.wallets.reject_withdrawal(withdrawal.id, by="finance-1", reason=f"no{typed}")


def approval_rejection(app: App, clock: ManualClock) -> Act:
    request = app.staff.change_roles("support-1", ["reviewer"], by="root")
    return lambda typed: app.approvals.reject(request.id, by="root-2", reason=f"not now{typed}")


def role_description(app: App, clock: ManualClock) -> Act:
    return lambda typed: app.staff.define_role(
        "auditor", ["audit.view"], by="root", description=f"reads{typed} the trail"
    )


def allocation_rejection(app: App, clock: ManualClock) -> Act:
    open_platform(app)
    verified_customer(app)
    allocation = paid(app)
    return lambda typed: app.allocations.reject(allocation.id, by="reviewer-1", reason=f"risky{typed}")


def phone_call_note(app: App, clock: ManualClock) -> Act:
    open_platform(app)
    verified_customer(app)
    allocation = paid(app)
    return lambda typed: app.allocations.record_call(
        allocation.id, by="reviewer-1", outcome=CallOutcome.CONFIRMED, note=f"wants 5×{typed}"
    )


def status_note(app: App, clock: ManualClock) -> Act:
    open_platform(app)
    verified_customer(app)
    allocation = running(app)
    noted = attrs.evolve(figures(5_800_000), note="")
    return lambda typed: app.allocations.record_status(
        allocation.id, date(2026, 1, 5), attrs.evolve(noted, note=f"close{typed}"), by="risk-1"
    )


def side_request_reason(app: App, clock: ManualClock) -> Act:
    open_platform(app)
    verified_customer(app)
    allocation = running(app)
    request = app.allocations.ask(allocation.id, "top_up", customer_id="alice", amount=100_000)
    return lambda typed: app.allocations.decide(request.id, by="root", approve=False, reason=f"no{typed}")


def calendar_override_reason(app: App, clock: ManualClock) -> Act:
    return lambda typed: app.trading_days.set_override(
        date(2026, 2, 2), trades=False, reason=f"typhoon{typed}", by="root"
    )


def loan_purpose(app: App, clock: ManualClock) -> Act:
    open_lending(app, clock)
    document = qualification(app)
    return lambda typed: app.lending.apply(
        "bella",
        product="personal",
        amount=500_000,
        months=18,
        rate_bp=1_200,
        method=Method.EQUAL_INSTALLMENTS,
        purpose=f"shop{typed}",
        documents=[document],
        bidding_days=3,
    )


def loan_review_note(app: App, clock: ManualClock) -> Act:
    open_lending(app, clock)
    loan = applied(app)
    return lambda typed: app.lending.first_review(loan.id, by="reviewer-1", note=f"ok{typed}")


def loan_rejection(app: App, clock: ManualClock) -> Act:
    open_lending(app, clock)
    loan = applied(app)
    return lambda typed: app.lending.reject(loan.id, by="reviewer-1", reason=f"no income{typed}")


def full_loan_refusal(app: App, clock: ManualClock) -> Act:
    open_lending(app, clock)
    loan = full(app)
    return lambda typed: app.lending.refuse_full(loan.id, by="risk-1", reason=f"fraud{typed}")


def full_loan_note(app: App, clock: ManualClock) -> Act:
    open_lending(app, clock)
    loan = full(app)
    return lambda typed: app.lending.approve_full(loan.id, by="risk-1", note=f"fine{typed}")


def final_review_note(app: App, clock: ManualClock) -> Act:
    open_lending(app, clock)
    loan = applied(app)
    app.lending.first_review(loan.id, by="reviewer-1")
    return lambda typed: app.lending.final_review(loan.id, by="reviewer-2", note=f"ok{typed}")


def sub_account_code(app: App, clock: ManualClock) -> Act:
    open_platform(app)
    verified_customer(app)
    allocation = confirmed(app)
    return lambda typed: app.allocations.assign_account(
        allocation.id, by="finance-1", sub_account=f"HOMS{typed}-1", password="Tr4de!pass"
    )


def ledger_reference(app: App, clock: ManualClock) -> Act:
    app.wallets.open("dave")
    app.wallets.confirm_deposit("dave", gateway="bank", transaction_id="T-9", amount=Money(10_000))

    def move(typed: str) -> object:
        transfer = Transfer.single(
            f"t-{len(typed)}",
            debit="wallet:CNY:dave",
            credit="platform:CNY:gateway_clearing:bank",
            amount=100,
            code="fee",
            reference=f"invoice{typed}",
        )
        return app.ledger.create_transfer(transfer)

    return move


ENTRIES: dict[str, Callable[[App, ManualClock], Act]] = {
    "real name": real_name,
    "identity rejection reason": identity_rejection,
    "document rejection reason": document_rejection,
    "withdrawal rejection reason": withdrawal_rejection,
    "approval rejection reason": approval_rejection,
    "role description": role_description,
    "allocation rejection reason": allocation_rejection,
    "phone call note": phone_call_note,
    "daily status note": status_note,
    "side request reason": side_request_reason,
    "calendar override reason": calendar_override_reason,
    "loan purpose": loan_purpose,
    "loan review note": loan_review_note,
    "final review note": final_review_note,
    "loan rejection reason": loan_rejection,
    "full-loan refusal reason": full_loan_refusal,
    "full-loan review note": full_loan_note,
    "sub-account code": sub_account_code,
    "ledger reference": ledger_reference,
}


def trail(app: App) -> int:
    return len(app.office.read(lambda tx: tx.uow.audit.records(0, 10_000)))


def queued(app: App) -> int:
    return len(app.office.read(lambda tx: tx.uow.outbox.due(tx.now + 10**12, 10_000)))


@pytest.mark.parametrize("entry", ENTRIES.values(), ids=ENTRIES.keys())
def test_typed_text_with_a_hidden_character_is_refused_and_nothing_is_stored(
    app: App, clock: ManualClock, entry: Callable[[App, ManualClock], Act]
) -> None:
    act = entry(app, clock)
    before = (trail(app), queued(app))

    for name, character in HIDDEN.items():
        with pytest.raises(UnsafeText) as refused:
            act(character)
        assert refused.value.character == f"U+{ord(character):04X}", name
        assert (trail(app), queued(app)) == before, name

    act("")  # the same entry takes ordinary text
    assert trail(app) > before[0] or entry is ledger_reference


def test_a_statement_note_with_a_hidden_character_is_a_bad_row_and_nothing_is_stored(app: App) -> None:
    open_platform(app)
    verified_customer(app)
    allocation = running(app, sub_account="S-1")
    row = "S-1,2026-01-05,58000.00,46400.00,11600.00,0.00,0.00,0.00,0.00,{note}\n"  # the usual shape

    for name, character in HIDDEN.items():
        report = app.allocations.import_statement(
            STATEMENT_HEADER + row.format(note=f"close{character}"), by="risk-1"
        )
        assert (report.applied, [e.line for e in report.errors]) == (0, [2]), name
        assert f"U+{ord(character):04X}" in report.errors[0].reason, name

    assert app.allocations.timeline(allocation.id, by="risk-1").statuses == ()
    assert app.allocations.import_statement(STATEMENT_HEADER + row.format(note="close"), by="risk-1").ok
