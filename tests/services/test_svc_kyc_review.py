"""Service tests of the administrators' side of KYC: who may review, documents accepted or rejected one by
one, identities verified only once both sides of the ID card are accepted, the customer told of each
decision in their language, the review queues, and the audit trail of it all."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from p2pstock.adapters.clock import ManualClock
from p2pstock.bootstrap import App
from p2pstock.core.audit import AuditRecord
from p2pstock.core.clock import to_micros
from p2pstock.core.errors import AlreadyDecided, InvalidInput, NotFound, Refused
from p2pstock.core.notifications import Channel
from p2pstock.core.people.customers import Customer, KycStatus
from p2pstock.core.people.documents import CustomerDocument, ReviewStatus
from p2pstock.core.people.four_eyes import ApprovalRequest
from p2pstock.core.people.permissions import PermissionDenied
from p2pstock.core.people.resident_id import check_digit
from sample_documents import jpeg, png

PHONE = "+8613812345678"
BOB_PHONE = "+8613987654321"
CAROL_PHONE = "+8615011112222"
RESIDENT = "11010519491231002X"
BOB_RESIDENT = "11010519800101001" + check_digit("11010519800101001")
CAROL_RESIDENT = "44030419900615002" + check_digit("44030419900615002")
ALICE_TELEGRAM = 1001

FRONT = jpeg("front of the ID card")
BACK = png("back of the ID card")
SHARPER_BACK = png("back of the ID card, in focus")

REVIEWERS = ["reviewer-1", "root"]
NOT_REVIEWERS = ["risk-1", "finance-1", "support-1", "nobody"]


# -- looking at what the services did


def telegram(app: App) -> list[tuple[str, str]]:
    return app.dispatcher.senders[Channel.TELEGRAM].sent  # type: ignore[attr-defined,no-any-return]


def sms(app: App) -> list[tuple[str, str]]:
    return app.dispatcher.senders[Channel.SMS].sent  # type: ignore[attr-defined,no-any-return]


def told(app: App) -> list[str]:
    """What alice was told on Telegram, once the dispatcher ran."""
    app.dispatcher.dispatch_now()
    return [text for recipient, text in telegram(app) if recipient == str(ALICE_TELEGRAM)]


def audit_records(app: App, after: int = 0) -> list[AuditRecord]:
    return app.office.read(lambda tx: tx.uow.audit.records(after, 10_000))


def last_seq(app: App) -> int:
    records = audit_records(app)
    return records[-1].seq if records else 0


def trail(app: App, after: int) -> list[tuple[str, str, str]]:
    """(actor, action, target) of the audit records after ``after``."""
    return [(r.actor, r.action, r.target) for r in audit_records(app, after)]


def document(app: App, document_id: str) -> CustomerDocument:
    found = app.office.read(lambda tx: tx.uow.documents.get(document_id))
    assert found is not None
    return found


# -- walking a customer along


def verified_phone(
    app: App, customer_id: str, phone: str, *, telegram_user_id: int | None = None, language: str = "en"
) -> Customer:
    app.customers.register(customer_id=customer_id, telegram_user_id=telegram_user_id, language=language)
    app.customers.request_phone_code(customer_id, phone)
    already = len(sms(app))
    app.dispatcher.dispatch_now()
    [text] = [text for recipient, text in sms(app)[already:] if recipient == phone]
    code = re.search(r"(?<!\d)\d{6}(?!\d)", text)
    assert code is not None
    return app.customers.confirm_phone(customer_id, phone, code.group())


def alice(app: App, *, language: str = "en") -> Customer:
    """Alice, on Telegram, has submitted her identity; nothing uploaded yet."""
    verified_phone(app, "alice", PHONE, telegram_user_id=ALICE_TELEGRAM, language=language)
    return app.customers.submit_identity("alice", "张三", RESIDENT)


def bob(app: App) -> Customer:
    """Bob, from an embedder (no Telegram), has submitted his identity."""
    verified_phone(app, "bob", BOB_PHONE)
    return app.customers.submit_identity("bob", "李四", BOB_RESIDENT)


def id_card(app: App, customer_id: str = "alice") -> tuple[CustomerDocument, CustomerDocument]:
    front = app.customers.upload_document(customer_id, "id_card_front", FRONT + customer_id.encode())
    back = app.customers.upload_document(customer_id, "id_card_back", BACK + customer_id.encode())
    return front, back


def accepted_id_card(app: App, customer_id: str = "alice") -> None:
    for side in id_card(app, customer_id):
        app.kyc.accept_document(side.id, by="reviewer-1")


# -- who may review


def review_actions(document_id: str) -> dict[str, Callable[[App, str], object]]:
    return {
        "pending_documents": lambda app, by: app.kyc.pending_documents(by=by),
        "document_content": lambda app, by: app.kyc.document_content(document_id, by=by),
        "accept_document": lambda app, by: app.kyc.accept_document(document_id, by=by),
        "reject_document": lambda app, by: app.kyc.reject_document(document_id, by=by, reason="blurry"),
        "identities_to_review": lambda app, by: app.kyc.identities_to_review(by=by),
        "verify_identity": lambda app, by: app.kyc.verify_identity("alice", by=by),
        "reject_identity": lambda app, by: app.kyc.reject_identity("alice", by=by, reason="wrong name"),
    }


@pytest.mark.parametrize("admin", NOT_REVIEWERS)
def test_only_reviewers_and_super_admins_may_review_and_a_refusal_changes_nothing(
    app: App, admin: str
) -> None:
    submitted = alice(app)
    front, _back = id_card(app)
    before = last_seq(app)

    for name, action in review_actions(front.id).items():
        with pytest.raises(PermissionDenied):
            action(app, admin)
            pytest.fail(f"{admin} was allowed to {name}")

    assert document(app, front.id) == front
    assert app.customers.get("alice") == submitted
    assert trail(app, before) == []
    assert told(app) == []


@pytest.mark.parametrize("admin", REVIEWERS)
def test_a_reviewer_or_a_super_admin_may_take_a_customer_through_review(app: App, admin: str) -> None:
    alice(app)
    front, back = id_card(app)

    assert {d.id for d in app.kyc.pending_documents(by=admin)} == {front.id, back.id}
    assert [c.id for c in app.kyc.identities_to_review(by=admin)] == ["alice"]
    app.kyc.accept_document(front.id, by=admin)
    app.kyc.accept_document(back.id, by=admin)
    assert app.kyc.verify_identity("alice", by=admin).status is KycStatus.VERIFIED


def test_a_deactivated_reviewer_may_no_longer_review(app: App) -> None:
    alice(app)
    front, _back = id_card(app)
    app.kyc.pending_documents(by="reviewer-2")
    request = app.staff.deactivate("reviewer-2", by="root")
    assert isinstance(request, ApprovalRequest)  # taking permissions away needs a second pair of eyes
    app.approvals.approve(request.id, by="root-2")

    with pytest.raises(PermissionDenied):
        app.kyc.accept_document(front.id, by="reviewer-2")

    assert document(app, front.id).status is ReviewStatus.PENDING


# -- documents


def test_a_reviewer_sees_what_was_uploaded(app: App) -> None:
    alice(app)
    front, _back = id_card(app)

    shown, content = app.kyc.document_content(front.id, by="reviewer-1")

    assert shown == front
    assert content == FRONT + b"alice"


@pytest.mark.parametrize("document_id", ["d0000000000000000", "../../etc/passwd", ""])
def test_an_unknown_document_is_not_found_or_refused(app: App, document_id: str) -> None:
    with pytest.raises((NotFound, InvalidInput)):
        app.kyc.document_content(document_id, by="reviewer-1")
    with pytest.raises((NotFound, InvalidInput)):
        app.kyc.accept_document(document_id, by="reviewer-1")


def test_accepting_a_document_records_who_accepted_it_and_when(app: App, clock: ManualClock) -> None:
    alice(app)
    front, _back = id_card(app)
    clock.advance(seconds=90)
    before = last_seq(app)

    accepted = app.kyc.accept_document(front.id, by="reviewer-1")

    assert (accepted.status, accepted.reviewed_by, accepted.reviewed_at, accepted.reason) == (
        ReviewStatus.ACCEPTED,
        "reviewer-1",
        to_micros(clock.now()),
        "",
    )
    assert document(app, front.id) == accepted
    assert trail(app, before) == [("reviewer-1", "document.accepted", front.id)]


def test_accepting_a_document_twice_is_harmless(app: App) -> None:
    alice(app)
    front, _back = id_card(app)
    first = app.kyc.accept_document(front.id, by="reviewer-1")
    before = last_seq(app)

    again = app.kyc.accept_document(front.id, by="reviewer-1")

    assert again == first
    assert trail(app, before) == []


def test_a_decided_document_cannot_be_decided_the_other_way(app: App) -> None:
    alice(app)
    front, _back = id_card(app)
    accepted = app.kyc.accept_document(front.id, by="reviewer-1")

    with pytest.raises(AlreadyDecided):
        app.kyc.reject_document(front.id, by="reviewer-2", reason="blurry")

    assert document(app, front.id) == accepted
    assert told(app) == []


@pytest.mark.parametrize("reason", ["", "   ", "x" * 501])
def test_rejecting_a_document_needs_a_reason(app: App, reason: str) -> None:
    alice(app)
    front, _back = id_card(app)
    before = last_seq(app)

    with pytest.raises(InvalidInput):
        app.kyc.reject_document(front.id, by="reviewer-1", reason=reason)

    assert document(app, front.id) == front
    assert trail(app, before) == []
    assert told(app) == []


def test_a_rejected_document_is_told_to_the_customer_with_its_kind_and_the_reason(app: App) -> None:
    alice(app, language="en")
    _front, back = id_card(app)
    before = last_seq(app)

    rejected = app.kyc.reject_document(back.id, by="reviewer-1", reason="  too blurry to read  ")

    assert (rejected.status, rejected.reviewed_by, rejected.reason) == (
        ReviewStatus.REJECTED,
        "reviewer-1",
        "too blurry to read",
    )
    assert telegram(app) == []  # nothing leaves before the dispatcher runs
    [message] = told(app)
    assert "ID card (back)" in message
    assert "too blurry to read" in message
    assert trail(app, before) == [("reviewer-1", "document.rejected", back.id)]


def test_a_chinese_reading_customer_is_told_of_a_rejected_document_in_chinese(app: App) -> None:
    alice(app, language="zh")
    front, _back = id_card(app)

    app.kyc.reject_document(front.id, by="reviewer-1", reason="照片不清楚")

    [message] = told(app)
    assert "身份证正面" in message
    assert "照片不清楚" in message
    assert "document" not in message


def test_rejecting_a_document_twice_tells_the_customer_once(app: App) -> None:
    alice(app)
    front, _back = id_card(app)
    first = app.kyc.reject_document(front.id, by="reviewer-1", reason="blurry")
    before = last_seq(app)

    again = app.kyc.reject_document(front.id, by="reviewer-1", reason="blurry")

    assert again == first
    assert len(told(app)) == 1
    assert trail(app, before) == []


def test_a_customer_without_telegram_is_told_by_sms(app: App) -> None:
    bob(app)
    front, _back = id_card(app, "bob")

    app.kyc.reject_document(front.id, by="reviewer-1", reason="the corner is cut off")
    app.dispatcher.dispatch_now()

    recipient, text = sms(app)[-1]
    assert recipient == BOB_PHONE
    assert "the corner is cut off" in text


def test_the_pending_documents_are_listed_oldest_first_until_decided(app: App, clock: ManualClock) -> None:
    alice(app)
    bob(app)
    alice_front = app.customers.upload_document("alice", "id_card_front", FRONT)
    clock.advance(seconds=1)
    bob_front = app.customers.upload_document("bob", "id_card_front", FRONT + b"bob")
    clock.advance(seconds=1)
    alice_back = app.customers.upload_document("alice", "id_card_back", BACK)

    queue = app.kyc.pending_documents(by="reviewer-1")
    first_two = app.kyc.pending_documents(by="reviewer-1", limit=2)
    app.kyc.accept_document(alice_front.id, by="reviewer-1")
    app.kyc.reject_document(alice_back.id, by="reviewer-2", reason="blurry")

    assert queue == [alice_front, bob_front, alice_back]
    assert first_two == [alice_front, bob_front]
    assert app.kyc.pending_documents(by="reviewer-1") == [bob_front]


# -- identities


def test_an_identity_is_verified_only_once_both_sides_of_the_id_card_are_accepted(
    app: App, clock: ManualClock
) -> None:
    submitted = alice(app)
    before = last_seq(app)

    def refused() -> None:
        with pytest.raises(Refused):
            app.kyc.verify_identity("alice", by="reviewer-1")
        assert app.customers.get("alice") == submitted

    refused()  # nothing uploaded
    front = app.customers.upload_document("alice", "id_card_front", FRONT)
    refused()  # the front waits for review
    app.kyc.accept_document(front.id, by="reviewer-1")
    refused()  # no back
    clock.advance(seconds=1)
    back = app.customers.upload_document("alice", "id_card_back", BACK)
    app.kyc.reject_document(back.id, by="reviewer-1", reason="blurry")
    refused()  # a rejected side does not count
    app.customers.upload_document("alice", "house_certificate", FRONT)
    refused()  # other documents do not stand in for it
    clock.advance(seconds=1)
    sharper = app.customers.upload_document("alice", "id_card_back", SHARPER_BACK)
    refused()  # the new upload waits for review
    app.kyc.accept_document(sharper.id, by="reviewer-1")

    verified = app.kyc.verify_identity("alice", by="reviewer-1")

    assert verified.status is KycStatus.VERIFIED
    assert app.customers.get("alice") == verified
    assert [action for _actor, action, _target in trail(app, before)].count("customer.verify") == 1


def test_the_same_back_uploaded_again_after_a_rejection_can_be_accepted(app: App) -> None:
    alice(app)
    front, back = id_card(app)
    app.kyc.accept_document(front.id, by="reviewer-1")
    app.kyc.reject_document(back.id, by="reviewer-1", reason="wrong side up")

    again = app.customers.upload_document("alice", "id_card_back", BACK + b"alice")
    app.kyc.accept_document(again.id, by="reviewer-2")

    assert again.id != back.id
    assert app.kyc.verify_identity("alice", by="reviewer-1").status is KycStatus.VERIFIED


def test_a_verified_identity_is_told_to_the_customer_and_audited(app: App) -> None:
    alice(app)
    accepted_id_card(app)
    before = last_seq(app)

    app.kyc.verify_identity("alice", by="reviewer-2")

    assert told(app) == ["Your identity has been verified."]
    assert trail(app, before) == [("reviewer-2", "customer.verify", "alice")]


def test_verifying_twice_is_harmless(app: App) -> None:
    alice(app)
    accepted_id_card(app)
    first = app.kyc.verify_identity("alice", by="reviewer-1")
    before = last_seq(app)

    again = app.kyc.verify_identity("alice", by="reviewer-2")

    assert again == first
    assert len(told(app)) == 1
    assert trail(app, before) == []


def test_an_identity_not_yet_submitted_cannot_be_verified(app: App) -> None:
    phone_only = verified_phone(app, "alice", PHONE, telegram_user_id=ALICE_TELEGRAM)
    accepted_id_card(app)

    with pytest.raises(Refused):
        app.kyc.verify_identity("alice", by="reviewer-1")

    assert app.customers.get("alice") == phone_only


def test_an_unknown_customer_cannot_be_verified_or_rejected(app: App) -> None:
    with pytest.raises(NotFound):
        app.kyc.verify_identity("nobody", by="reviewer-1")
    with pytest.raises(NotFound):
        app.kyc.reject_identity("nobody", by="reviewer-1", reason="no such person")


def test_a_rejected_identity_keeps_the_reason_and_the_customer_is_told(app: App) -> None:
    alice(app, language="zh")
    before = last_seq(app)

    rejected = app.kyc.reject_identity("alice", by="reviewer-1", reason=" 姓名与身份证不符 ")

    assert (rejected.status, rejected.rejection_reason) == (KycStatus.REJECTED, "姓名与身份证不符")
    assert app.customers.get("alice") == rejected
    [message] = told(app)
    assert "姓名与身份证不符" in message
    assert trail(app, before) == [("reviewer-1", "customer.reject", "alice")]


@pytest.mark.parametrize("reason", ["", "  "])
def test_rejecting_an_identity_needs_a_reason(app: App, reason: str) -> None:
    submitted = alice(app)

    with pytest.raises(InvalidInput):
        app.kyc.reject_identity("alice", by="reviewer-1", reason=reason)

    assert app.customers.get("alice") == submitted
    assert told(app) == []


def test_rejecting_an_identity_twice_for_the_same_reason_is_harmless(app: App) -> None:
    alice(app)
    first = app.kyc.reject_identity("alice", by="reviewer-1", reason="wrong name")
    before = last_seq(app)

    again = app.kyc.reject_identity("alice", by="reviewer-2", reason="wrong name")

    assert again == first
    assert len(told(app)) == 1
    assert trail(app, before) == []


def test_a_rejected_customer_may_submit_again_and_then_be_verified(app: App) -> None:
    alice(app)
    accepted_id_card(app)
    app.kyc.reject_identity("alice", by="reviewer-1", reason="the name is misspelt")
    assert app.kyc.identities_to_review(by="reviewer-1") == []
    assert told(app) == ["Your identity verification was rejected: the name is misspelt."]

    again = app.customers.submit_identity("alice", "张三丰", RESIDENT)

    assert (again.status, again.rejection_reason) == (KycStatus.IDENTITY_SUBMITTED, "")
    assert app.kyc.identities_to_review(by="reviewer-1") == [again]
    verified = app.kyc.verify_identity("alice", by="reviewer-2")
    assert (verified.status, verified.real_name) == (KycStatus.VERIFIED, "张三丰")
    assert told(app) == [
        "Your identity verification was rejected: the name is misspelt.",
        "Your identity has been verified.",
    ]


def test_the_identities_to_review_are_the_submitted_ones_oldest_first(app: App, clock: ManualClock) -> None:
    alice(app)
    clock.advance(seconds=1)
    bob(app)
    clock.advance(seconds=1)
    verified_phone(app, "carol", CAROL_PHONE)
    clock.advance(seconds=1)
    verified_phone(app, "dave", "+8618600001111")  # never submits

    carol = app.customers.submit_identity("carol", "王五", CAROL_RESIDENT)
    queue = [c.id for c in app.kyc.identities_to_review(by="reviewer-1")]
    first = [c.id for c in app.kyc.identities_to_review(by="reviewer-1", limit=1)]
    accepted_id_card(app, "alice")
    app.kyc.verify_identity("alice", by="reviewer-1")
    app.kyc.reject_identity("bob", by="reviewer-1", reason="photo does not match")

    assert queue == ["alice", "bob", "carol"]
    assert first == ["alice"]
    assert app.kyc.identities_to_review(by="reviewer-1") == [carol]


# -- the audit trail of the reviews


def test_every_review_is_audited_under_the_administrator_and_no_record_holds_a_full_number(
    app: App,
) -> None:
    start = last_seq(app)
    alice(app)
    front, back = id_card(app)
    before_review = last_seq(app)
    app.kyc.reject_document(back.id, by="reviewer-1", reason="blurry")
    sharper = app.customers.upload_document("alice", "id_card_back", SHARPER_BACK)
    app.kyc.accept_document(front.id, by="reviewer-2")
    app.kyc.accept_document(sharper.id, by="root")
    app.kyc.reject_identity("alice", by="reviewer-1", reason="wrong name")
    app.customers.submit_identity("alice", "张三丰", RESIDENT)
    app.kyc.verify_identity("alice", by="root")

    assert trail(app, before_review) == [
        ("reviewer-1", "document.rejected", back.id),
        ("alice", "document.upload", sharper.id),
        ("reviewer-2", "document.accepted", front.id),
        ("root", "document.accepted", sharper.id),
        ("reviewer-1", "customer.reject", "alice"),
        ("alice", "customer.identity_submitted", "alice"),
        ("root", "customer.verify", "alice"),
    ]
    records = audit_records(app, start)
    kept = " ".join(f"{r.before} {r.after}" for r in records)
    for secret in (PHONE, PHONE[3:], RESIDENT, RESIDENT[:-1], RESIDENT[:14]):
        assert secret not in kept
    verify = next(r for r in records if r.action == "customer.verify")
    assert '"status":"identity_submitted"' in verify.before
    assert '"status":"verified"' in verify.after
    assert app.audit.verify().ok


@pytest.mark.parametrize("by", ["reviewer-1", "finance-1", "support-1", "root"])
def test_any_administrator_may_name_the_customers_of_their_queues(app: App, by: str) -> None:
    alice(app)

    named = app.customers.named(["alice", "nobody-such", "alice"], by=by)

    assert list(named) == ["alice"]
    assert (named["alice"].real_name, named["alice"].masked_id) == ("张三", "110*************2X")


def test_a_customer_or_a_stranger_cannot_read_customers_names(app: App) -> None:
    alice(app)
    bob(app)

    for by in ("bob", "nobody"):
        with pytest.raises(PermissionDenied):
            app.customers.named(["alice"], by=by)
