"""Service tests of customers: registration, the language they read, phone verification by an SMS code,
the identity they submit and the documents they upload — and what each leaves in the audit trail."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest

from p2pstock.adapters.clock import ManualClock
from p2pstock.bootstrap import App
from p2pstock.core.audit import AuditRecord
from p2pstock.core.backoffice import Tx
from p2pstock.core.errors import InvalidInput, NotFound, Refused
from p2pstock.core.notifications import Channel, Notification
from p2pstock.core.people.customers import Customer, KycStatus
from p2pstock.core.people.documents import MAX_DOCUMENT_BYTES, ContentType, DocumentKind, ReviewStatus
from p2pstock.core.people.phone_codes import (
    HASH_ITERATIONS,
    CodeAlreadyUsed,
    CodeExpired,
    PhoneCodes,
    ResendTooSoon,
    TooManyAttempts,
    TooManyCodes,
    normalise_phone,
)
from p2pstock.core.people.registration import WrongCode
from p2pstock.core.people.resident_id import check_digit
from sample_documents import jpeg, pdf, png

PHONE = "+8613812345678"
LOCAL = "13812345678"
OTHER_PHONE = "+8613987654321"
RESIDENT = "11010519491231002X"
OTHER_RESIDENT = "11010519800101001" + check_digit("11010519800101001")
BORN_IN_2030 = "11010520300101001" + check_digit("11010520300101001")  # the clock stands in 2026

JPEG = jpeg("a photo of an ID card")
PNG = png("a scan of an ID card")
PDF = pdf("a bank statement")


# -- looking at what the services did


def sms(app: App) -> list[tuple[str, str]]:
    return app.dispatcher.senders[Channel.SMS].sent  # type: ignore[attr-defined,no-any-return]


def queued(app: App, recipient: str = PHONE) -> list[Notification]:
    """Everything in the outbox for ``recipient``, sent or not, newest first."""
    return app.office.read(lambda tx: tx.uow.outbox.of_recipient(recipient, 100))


def stored_codes(app: App, phone: str = PHONE) -> PhoneCodes | None:
    return app.office.read(lambda tx: tx.uow.phone_codes.get(phone))


def audit_records(app: App, after: int = 0) -> list[AuditRecord]:
    return app.office.read(lambda tx: tx.uow.audit.records(after, 10_000))


def last_seq(app: App) -> int:
    records = audit_records(app)
    return records[-1].seq if records else 0


def trail(app: App, after: int) -> list[tuple[str, str, str]]:
    """(actor, action, target) of the audit records after ``after``."""
    return [(r.actor, r.action, r.target) for r in audit_records(app, after)]


def registered_customers(app: App) -> list[Customer]:
    return app.office.read(lambda tx: tx.uow.customers.in_status(KycStatus.REGISTERED.value, 100))


# -- walking a customer along


def code_in(text: str) -> str:
    found = re.search(r"(?<!\d)\d{6}(?!\d)", text)
    assert found is not None, "the text holds no 6-digit code"
    return found.group()


def other_than(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def send_code(app: App, customer_id: str, phone: str = PHONE) -> str:
    """Ask for a code, let the dispatcher text it, and read it back from what was sent."""
    app.customers.request_phone_code(customer_id, phone)
    already = len(sms(app))
    app.dispatcher.dispatch_now()
    [text] = [text for recipient, text in sms(app)[already:] if recipient == normalise_phone(phone)]
    return code_in(text)


def with_phone(app: App, customer_id: str = "alice", phone: str = PHONE, language: str = "en") -> Customer:
    """A customer whose phone is verified."""
    app.customers.register(customer_id=customer_id, language=language)
    return app.customers.confirm_phone(customer_id, phone, send_code(app, customer_id, phone))


# -- registration


def test_a_new_customer_has_proved_nothing_yet_and_the_registration_is_audited(app: App) -> None:
    before = last_seq(app)

    customer = app.customers.register(telegram_user_id=4242)

    assert (customer.telegram_user_id, customer.language, customer.status) == (
        4242,
        "zh",
        KycStatus.REGISTERED,
    )
    assert (customer.phone, customer.real_name, customer.resident_id) == ("", "", None)
    assert app.customers.get(customer.id) == customer
    assert trail(app, before) == [(customer.id, "customer.register", customer.id)]


def test_a_telegram_user_registering_twice_gets_the_same_customer(app: App) -> None:
    first = app.customers.register(telegram_user_id=4242, language="en")
    before = last_seq(app)

    again = app.customers.register(telegram_user_id=4242, language="zh")

    assert again == first
    assert again.language == "en"
    assert app.customers.by_telegram(4242) == first
    assert registered_customers(app) == [first]
    assert trail(app, before) == []


def test_two_telegram_users_become_two_customers(app: App) -> None:
    one = app.customers.register(telegram_user_id=1)
    two = app.customers.register(telegram_user_id=2)

    assert one.id != two.id
    assert app.customers.by_telegram(2) == two
    assert app.customers.by_telegram(3) is None


def test_an_embedder_chooses_its_own_customer_ids(app: App) -> None:
    customer = app.customers.register(customer_id="shop-7.alice_01", language="en")
    before = last_seq(app)

    again = app.customers.register(customer_id="shop-7.alice_01")

    assert customer.id == "shop-7.alice_01"
    assert customer.telegram_user_id is None
    assert again == customer
    assert app.customers.get("shop-7.alice_01") == customer
    assert trail(app, before) == []


def test_an_unknown_customer_is_not_found(app: App) -> None:
    with pytest.raises(NotFound):
        app.customers.get("nobody")


@pytest.mark.parametrize("telegram_user_id", [0, -7, True, "4242", 42.0])
def test_a_bad_telegram_id_is_refused_and_nothing_is_stored(app: App, telegram_user_id: object) -> None:
    before = last_seq(app)

    with pytest.raises(InvalidInput):
        app.customers.register(telegram_user_id=telegram_user_id)  # type: ignore[arg-type]

    assert registered_customers(app) == []
    assert trail(app, before) == []


def test_a_telegram_id_too_large_for_any_account_is_refused_as_bad_input_on_every_storage(app: App) -> None:
    before = last_seq(app)

    with pytest.raises(InvalidInput):
        app.customers.register(telegram_user_id=2**63)

    assert registered_customers(app) == []
    assert trail(app, before) == []


@pytest.mark.parametrize("language", ["fr", "", "ZH", "zh-CN", None])
def test_a_language_we_have_no_texts_in_is_refused_and_nothing_is_stored(app: App, language: object) -> None:
    before = last_seq(app)

    with pytest.raises(InvalidInput):
        app.customers.register(telegram_user_id=4242, language=language)  # type: ignore[arg-type]

    assert app.customers.by_telegram(4242) is None
    assert trail(app, before) == []


@pytest.mark.parametrize("customer_id", ["with space", "shop:alice", "x" * 65, "アリス", "a/b", ""])
def test_a_bad_customer_id_is_refused_and_nothing_is_stored(app: App, customer_id: str) -> None:
    before = last_seq(app)

    with pytest.raises(InvalidInput):
        app.customers.register(customer_id=customer_id)

    assert registered_customers(app) == []
    assert trail(app, before) == []


def test_a_customer_may_switch_language_and_later_messages_follow(app: App) -> None:
    app.customers.register(customer_id="alice")
    before = last_seq(app)

    changed = app.customers.set_language("alice", "en")
    send_code(app, "alice")

    assert changed.language == "en"
    assert app.customers.get("alice").language == "en"
    assert sms(app)[-1][1].startswith("Your p2pstock verification code is")
    change = audit_records(app, before)[0]
    assert (change.actor, change.action, change.target) == ("alice", "customer.language", "alice")
    assert '"language":"zh"' in change.before
    assert '"language":"en"' in change.after


def test_setting_the_language_a_customer_already_reads_changes_nothing(app: App) -> None:
    app.customers.register(customer_id="alice", language="en")
    before = last_seq(app)

    assert app.customers.set_language("alice", "en").language == "en"
    assert trail(app, before) == []


def test_setting_an_unknown_language_is_refused_and_the_old_one_kept(app: App) -> None:
    app.customers.register(customer_id="alice", language="en")
    before = last_seq(app)

    with pytest.raises(InvalidInput):
        app.customers.set_language("alice", "fr")

    assert app.customers.get("alice").language == "en"
    assert trail(app, before) == []


def test_setting_the_language_of_an_unknown_customer_is_not_found(app: App) -> None:
    with pytest.raises(NotFound):
        app.customers.set_language("nobody", "en")


# -- phone verification: sending the code


def test_a_code_is_texted_in_the_customers_language_only_when_the_dispatcher_runs(
    app: App, clock: ManualClock
) -> None:
    app.customers.register(customer_id="alice", language="en")

    sent = app.customers.request_phone_code("alice", PHONE)

    assert sms(app) == []
    assert len(queued(app)) == 1
    assert (sent.phone, sent.expires_at) == ("***5678", clock.now() + timedelta(minutes=5))
    app.dispatcher.dispatch_now()
    [(recipient, text)] = sms(app)
    assert recipient == PHONE
    assert text.startswith("Your p2pstock verification code is")
    assert "5 minutes" in text
    assert re.fullmatch(r"\d{6}", code_in(text))


def test_a_chinese_reading_customer_gets_the_code_in_chinese(app: App) -> None:
    app.customers.register(customer_id="alice", language="zh")

    code = send_code(app, "alice")

    assert sms(app) == [(PHONE, f"您的 p2pstock 验证码是 {code}，5 分钟内有效。")]


def test_the_right_code_verifies_the_phone_in_its_normalised_form(app: App) -> None:
    app.customers.register(customer_id="alice", language="en")
    before = last_seq(app)

    code = send_code(app, "alice", "0086 138-1234-5678")
    verified = app.customers.confirm_phone("alice", "138 1234 5678", code)

    assert verified.status is KycStatus.PHONE_VERIFIED
    assert verified.phone == PHONE
    assert app.customers.get("alice") == verified
    assert sms(app)[0][0] == PHONE
    assert trail(app, before) == [
        ("alice", "phone.code_sent", "alice"),
        ("alice", "customer.phone_verified", "alice"),
    ]


@pytest.mark.parametrize("phone", ["12345", "23812345678", "+1 415 555 0100", "138123456789", ""])
def test_a_code_is_never_sent_to_something_that_is_not_a_mainland_mobile_number(app: App, phone: str) -> None:
    app.customers.register(customer_id="alice")
    before = last_seq(app)

    with pytest.raises(InvalidInput):
        app.customers.request_phone_code("alice", phone)

    assert app.dispatcher.dispatch_now().sent == 0
    assert trail(app, before) == []


def test_an_unknown_customer_cannot_ask_for_a_code(app: App) -> None:
    with pytest.raises(NotFound):
        app.customers.request_phone_code("nobody", PHONE)

    assert queued(app) == []
    assert stored_codes(app) is None


# -- phone verification: typing the code back


def test_a_wrong_code_is_refused_and_the_attempt_is_remembered(app: App) -> None:
    app.customers.register(customer_id="alice")
    code = send_code(app, "alice")

    with pytest.raises(WrongCode) as first:
        app.customers.confirm_phone("alice", PHONE, other_than(code))
    with pytest.raises(WrongCode) as second:
        app.customers.confirm_phone("alice", PHONE, "12a456")

    assert (first.value.attempts_left, second.value.attempts_left) == (4, 3)
    codes = stored_codes(app)
    assert codes is not None
    assert (codes.challenge.attempts, codes.challenge.used) == (2, False)
    assert app.customers.get("alice").status is KycStatus.REGISTERED
    assert app.customers.get("alice").phone == ""


def test_after_the_allowed_wrong_codes_even_the_right_one_is_refused(app: App) -> None:
    app.customers.register(customer_id="alice")
    code = send_code(app, "alice")
    left = []

    for _ in range(app.customers.code_policy.max_attempts):
        with pytest.raises(WrongCode) as wrong:
            app.customers.confirm_phone("alice", PHONE, other_than(code))
        left.append(wrong.value.attempts_left)
    with pytest.raises(TooManyAttempts):
        app.customers.confirm_phone("alice", PHONE, code)

    assert left == [4, 3, 2, 1, 0]
    assert app.customers.get("alice").status is KycStatus.REGISTERED


def test_a_fresh_code_works_after_the_attempts_ran_out(app: App, clock: ManualClock) -> None:
    app.customers.register(customer_id="alice")
    code = send_code(app, "alice")
    for _ in range(app.customers.code_policy.max_attempts):
        with pytest.raises(WrongCode):
            app.customers.confirm_phone("alice", PHONE, other_than(code))
    clock.advance(seconds=60)

    fresh = send_code(app, "alice")

    assert app.customers.confirm_phone("alice", PHONE, fresh).status is KycStatus.PHONE_VERIFIED


def test_a_code_still_works_a_second_before_it_expires(app: App, clock: ManualClock) -> None:
    app.customers.register(customer_id="alice")
    code = send_code(app, "alice")
    clock.advance(seconds=299)

    assert app.customers.confirm_phone("alice", PHONE, code).phone == PHONE


def test_an_expired_code_is_refused(app: App, clock: ManualClock) -> None:
    app.customers.register(customer_id="alice")
    code = send_code(app, "alice")
    clock.advance(seconds=301)
    before = last_seq(app)

    with pytest.raises(CodeExpired):
        app.customers.confirm_phone("alice", PHONE, code)

    assert app.customers.get("alice").status is KycStatus.REGISTERED
    assert trail(app, before) == []


def test_a_used_code_cannot_be_used_again(app: App) -> None:
    app.customers.register(customer_id="alice")
    code = send_code(app, "alice")
    app.customers.confirm_phone("alice", PHONE, code)
    before = last_seq(app)

    with pytest.raises(CodeAlreadyUsed):
        app.customers.confirm_phone("alice", PHONE, code)

    assert trail(app, before) == []


def test_confirming_a_number_no_code_was_sent_to_is_refused(app: App) -> None:
    app.customers.register(customer_id="alice")
    send_code(app, "alice", PHONE)

    with pytest.raises(Refused):
        app.customers.confirm_phone("alice", OTHER_PHONE, "123456")

    assert app.customers.get("alice").status is KycStatus.REGISTERED


def test_a_code_sent_for_one_customer_cannot_be_confirmed_by_another(app: App) -> None:
    app.customers.register(customer_id="alice")
    app.customers.register(customer_id="bob")
    code = send_code(app, "alice")

    with pytest.raises(Refused):
        app.customers.confirm_phone("bob", PHONE, code)

    assert app.customers.get("bob").status is KycStatus.REGISTERED
    codes = stored_codes(app)
    assert codes is not None
    assert (codes.customer_id, codes.challenge.attempts) == ("alice", 0)
    assert app.customers.confirm_phone("alice", PHONE, code).phone == PHONE


def test_a_number_verified_by_another_customer_is_refused(app: App, clock: ManualClock) -> None:
    with_phone(app, "alice")
    app.customers.register(customer_id="bob")
    clock.advance(seconds=60)
    before = last_seq(app)

    with pytest.raises(Refused):
        app.customers.request_phone_code("bob", "138 1234 5678")

    assert len(queued(app)) == 1  # alice's code only
    assert trail(app, before) == []
    assert app.customers.get("bob").phone == ""


def test_a_verified_customer_may_move_to_a_new_number(app: App, clock: ManualClock) -> None:
    with_phone(app, "alice")
    clock.advance(seconds=60)

    moved = app.customers.confirm_phone("alice", OTHER_PHONE, send_code(app, "alice", OTHER_PHONE))

    assert (moved.phone, moved.status) == (OTHER_PHONE, KycStatus.PHONE_VERIFIED)


# -- phone verification: how often codes may be sent


def test_asking_again_within_a_minute_is_refused_and_queues_nothing(app: App, clock: ManualClock) -> None:
    app.customers.register(customer_id="alice")
    app.customers.request_phone_code("alice", PHONE)
    clock.advance(seconds=59)

    with pytest.raises(ResendTooSoon) as raised:
        app.customers.request_phone_code("alice", PHONE)

    assert raised.value.seconds_left == 1
    assert len(queued(app)) == 1
    clock.advance(seconds=1)
    app.customers.request_phone_code("alice", PHONE)
    assert len(queued(app)) == 2


def test_a_number_receives_at_most_five_codes_an_hour(app: App, clock: ManualClock) -> None:
    app.customers.register(customer_id="alice")
    for _ in range(5):
        app.customers.request_phone_code("alice", PHONE)
        clock.advance(seconds=60)
    before = last_seq(app)

    with pytest.raises(TooManyCodes) as raised:
        app.customers.request_phone_code("alice", PHONE)
    clock.advance(seconds=3599 - 300)  # the first code is 3599 s old
    with pytest.raises(TooManyCodes):
        app.customers.request_phone_code("alice", PHONE)

    assert raised.value.window == "hour"
    assert len(queued(app)) == 5
    assert trail(app, before) == []
    clock.advance(seconds=1)  # now the first code is an hour old
    app.customers.request_phone_code("alice", PHONE)
    assert len(queued(app)) == 6


def test_a_number_receives_at_most_ten_codes_a_day(app: App, clock: ManualClock) -> None:
    app.customers.register(customer_id="alice")
    start = clock.now()
    for hour in range(2):
        clock.set(start + timedelta(hours=hour))
        for _ in range(5):
            app.customers.request_phone_code("alice", PHONE)
            clock.advance(seconds=60)
    clock.set(start + timedelta(hours=5))

    with pytest.raises(TooManyCodes) as raised:
        app.customers.request_phone_code("alice", PHONE)
    app.customers.request_phone_code("alice", OTHER_PHONE)  # the limits are per number

    assert raised.value.window == "day"
    assert len(queued(app)) == 10
    clock.set(start + timedelta(days=1))  # the first code is a day old
    app.customers.request_phone_code("alice", PHONE)
    assert len(queued(app)) == 11


# -- phone verification: nothing secret is kept


def test_the_stored_challenge_keeps_only_a_salted_hash_of_the_code(app: App) -> None:
    app.customers.register(customer_id="alice")
    code = send_code(app, "alice")
    with pytest.raises(WrongCode):
        app.customers.confirm_phone("alice", PHONE, other_than(code))

    codes = stored_codes(app)

    assert codes is not None
    challenge = codes.challenge
    assert (codes.phone, codes.customer_id) == (PHONE, "alice")
    assert len(bytes.fromhex(challenge.salt)) == 16
    expected = hashlib.pbkdf2_hmac("sha256", code.encode(), bytes.fromhex(challenge.salt), HASH_ITERATIONS)
    assert challenge.code_hash == expected.hex()
    alone = re.compile(rf"(?<![0-9]){code}(?![0-9])")
    for kept in [codes, app.customers.get("alice"), *audit_records(app), *queued(app)]:
        assert not alone.search(repr(kept)), kept


# -- identity


def test_an_identity_can_be_submitted_only_once_the_phone_is_verified(app: App) -> None:
    registered = app.customers.register(customer_id="alice")
    before = last_seq(app)

    with pytest.raises(Refused):
        app.customers.submit_identity("alice", "张三", RESIDENT)

    assert app.customers.get("alice") == registered
    assert trail(app, before) == []


def test_a_submitted_identity_waits_for_review(app: App) -> None:
    with_phone(app, "alice")
    before = last_seq(app)

    submitted = app.customers.submit_identity("alice", " 张三 ", RESIDENT)

    assert submitted.status is KycStatus.IDENTITY_SUBMITTED
    assert submitted.real_name == "张三"
    assert submitted.resident_id is not None
    assert submitted.resident_id.number == RESIDENT
    assert app.customers.get("alice") == submitted
    assert trail(app, before) == [("alice", "customer.identity_submitted", "alice")]


def test_a_lowercase_check_character_is_read_as_a_capital_x(app: App) -> None:
    with_phone(app, "alice")

    submitted = app.customers.submit_identity("alice", "张三", " 11010519491231002x ")

    assert submitted.resident_id is not None
    assert submitted.resident_id.number == RESIDENT


@pytest.mark.parametrize(
    "number",
    [
        "110105194912310021",  # the check character does not match
        BORN_IN_2030,  # born in the future
        "11010519491231002",  # 17 characters
        RESIDENT + "0",  # 19 characters
        "11010519490231002" + check_digit("11010519490231002"),  # 31 February
        "",
    ],
)
def test_a_bad_resident_id_is_refused_and_nothing_changes(app: App, number: str) -> None:
    verified = with_phone(app, "alice")
    before = last_seq(app)

    with pytest.raises(InvalidInput):
        app.customers.submit_identity("alice", "张三", number)

    assert app.customers.get("alice") == verified
    assert trail(app, before) == []


@pytest.mark.parametrize("name", ["", " ", "张", "x" * 51])
def test_a_real_name_of_the_wrong_length_is_refused(app: App, name: str) -> None:
    verified = with_phone(app, "alice")

    with pytest.raises(InvalidInput):
        app.customers.submit_identity("alice", name, RESIDENT)

    assert app.customers.get("alice") == verified


def test_a_resident_id_already_registered_to_another_customer_is_refused(app: App) -> None:
    with_phone(app, "alice", PHONE)
    app.customers.submit_identity("alice", "张三", RESIDENT)
    bob = with_phone(app, "bob", OTHER_PHONE)
    before = last_seq(app)

    with pytest.raises(Refused):
        app.customers.submit_identity("bob", "李四", RESIDENT)

    assert app.customers.get("bob") == bob
    assert trail(app, before) == []


def test_the_holder_of_a_resident_id_may_submit_it_again_after_a_rejection(app: App) -> None:
    with_phone(app, "alice", PHONE)
    app.customers.submit_identity("alice", "张三", RESIDENT)
    app.kyc.reject_identity("alice", by="reviewer-1", reason="the name does not match the ID card")
    with_phone(app, "bob", OTHER_PHONE)

    with pytest.raises(Refused):
        app.customers.submit_identity("bob", "李四", RESIDENT)
    again = app.customers.submit_identity("alice", "张三丰", RESIDENT)

    assert (again.status, again.real_name, again.rejection_reason) == (
        KycStatus.IDENTITY_SUBMITTED,
        "张三丰",
        "",
    )


def test_another_valid_resident_id_is_accepted_for_another_customer(app: App) -> None:
    with_phone(app, "alice", PHONE)
    with_phone(app, "bob", OTHER_PHONE)
    app.customers.submit_identity("alice", "张三", RESIDENT)

    bob = app.customers.submit_identity("bob", "李四", OTHER_RESIDENT)

    assert bob.resident_id is not None
    assert bob.resident_id.number == OTHER_RESIDENT


# -- documents


@pytest.mark.parametrize(
    ("content", "content_type"),
    [(JPEG, ContentType.JPEG), (PNG, ContentType.PNG), (PDF, ContentType.PDF)],
)
def test_a_jpeg_png_or_pdf_is_accepted_with_the_type_its_bytes_show(
    app: App, content: bytes, content_type: ContentType
) -> None:
    app.customers.register(customer_id="alice")
    before = last_seq(app)

    document = app.customers.upload_document("alice", "id_card_front", content)

    assert (document.customer_id, document.kind, document.content_type) == (
        "alice",
        DocumentKind.ID_CARD_FRONT,
        content_type,
    )
    assert (document.size, document.sha256) == (len(content), hashlib.sha256(content).hexdigest())
    assert document.status is ReviewStatus.PENDING
    assert app.customers.documents("alice") == [document]
    assert trail(app, before) == [("alice", "document.upload", document.id)]


def test_a_file_of_exactly_the_largest_size_is_accepted(app: App) -> None:
    app.customers.register(customer_id="alice")
    content = JPEG + b"\0" * (MAX_DOCUMENT_BYTES - len(JPEG))

    assert app.customers.upload_document("alice", "bank_statement", content).size == MAX_DOCUMENT_BYTES


@pytest.mark.parametrize(
    "content",
    [
        b"GIF89a not one of ours",
        b"",
        b"\xff\xd8",  # the start of a JPEG magic only
        b"PK\x03\x04 a zip file named id.jpg",
        JPEG + b"\0" * (MAX_DOCUMENT_BYTES + 1 - len(JPEG)),  # one byte over 10 MiB
    ],
    ids=["gif", "empty", "truncated-magic", "zip", "oversize"],
)
def test_any_other_file_is_refused_and_nothing_is_recorded(app: App, content: bytes) -> None:
    app.customers.register(customer_id="alice")
    before = last_seq(app)

    with pytest.raises(InvalidInput):
        app.customers.upload_document("alice", "id_card_front", content)

    assert app.customers.documents("alice") == []
    assert trail(app, before) == []


@pytest.mark.parametrize("kind", ["passport", "", "ID_CARD_FRONT"])
def test_an_unknown_document_kind_is_refused(app: App, kind: str) -> None:
    app.customers.register(customer_id="alice")

    with pytest.raises(InvalidInput):
        app.customers.upload_document("alice", kind, JPEG)

    assert app.customers.documents("alice") == []


def test_uploading_the_same_file_again_while_it_waits_returns_the_same_document(app: App) -> None:
    app.customers.register(customer_id="alice")
    first = app.customers.upload_document("alice", "id_card_front", JPEG)
    before = last_seq(app)

    again = app.customers.upload_document("alice", "id_card_front", JPEG)

    assert again == first
    assert app.customers.documents("alice") == [first]
    assert trail(app, before) == []


def test_the_same_file_for_another_kind_is_another_document(app: App, clock: ManualClock) -> None:
    app.customers.register(customer_id="alice")
    front = app.customers.upload_document("alice", "id_card_front", JPEG)
    clock.advance(seconds=1)

    other = app.customers.upload_document("alice", "other", JPEG)

    assert other.id != front.id
    assert other.sha256 == front.sha256
    assert app.customers.documents("alice") == [front, other]


def test_an_unknown_customer_cannot_upload(app: App) -> None:
    with pytest.raises(NotFound):
        app.customers.upload_document("nobody", "id_card_front", JPEG)

    assert app.customers.documents("nobody") == []


# -- the audit trail of a customer's own actions


def test_a_customers_own_actions_are_audited_under_their_id_without_full_numbers(app: App) -> None:
    before = last_seq(app)
    app.customers.register(customer_id="alice")
    app.customers.set_language("alice", "en")
    app.customers.confirm_phone("alice", PHONE, send_code(app, "alice"))
    app.customers.submit_identity("alice", "张三", RESIDENT)
    document = app.customers.upload_document("alice", "id_card_front", JPEG)

    records = audit_records(app, before)

    assert [(r.actor, r.action, r.target) for r in records] == [
        ("alice", "customer.register", "alice"),
        ("alice", "customer.language", "alice"),
        ("alice", "phone.code_sent", "alice"),
        ("alice", "customer.phone_verified", "alice"),
        ("alice", "customer.identity_submitted", "alice"),
        ("alice", "document.upload", document.id),
    ]
    kept = " ".join(r.before + " " + r.after for r in records)
    assert "***5678" in kept
    assert "110*************2X" in kept
    for secret in (PHONE, LOCAL, RESIDENT, RESIDENT[:-1]):
        assert secret not in kept
    assert app.audit.verify().ok


def test_a_wrong_code_leaves_a_trace_in_the_audit_trail(app: App) -> None:
    app.customers.register(customer_id="alice")
    code = send_code(app, "alice")
    before = last_seq(app)

    with pytest.raises(WrongCode):
        app.customers.confirm_phone("alice", PHONE, other_than(code))

    records = audit_records(app, before)
    assert [(r.actor, r.target) for r in records] == [("alice", "alice")]
    assert PHONE not in records[0].before + records[0].after


def test_a_newcomer_registered_with_their_wallet_has_both_and_a_failure_in_between_leaves_neither(
    app: App,
) -> None:
    customer = app.customers.register(telegram_user_id=501, language="en", also=app.wallets.open_in)
    assert app.wallets.balance(customer.id).available.minor == 0

    opened: list[str] = []

    def wallet_then_refused(tx: Tx, customer_id: str) -> None:
        app.wallets.open_in(tx, customer_id)
        opened.append(customer_id)
        raise Refused("something after the wallet failed")

    before = last_seq(app)
    with pytest.raises(Refused):
        app.customers.register(telegram_user_id=502, also=wallet_then_refused)
    assert app.customers.by_telegram(502) is None
    with pytest.raises(NotFound):
        app.wallets.balance(opened[0])  # the wallet opened in the transaction went with it
    assert trail(app, before) == []


def test_registering_again_with_a_wallet_keeps_the_customer_and_opens_the_wallet_they_lacked(
    app: App,
) -> None:
    first = app.customers.register(telegram_user_id=503)
    with pytest.raises(NotFound):
        app.wallets.balance(first.id)
    before = last_seq(app)

    again = app.customers.register(telegram_user_id=503, also=app.wallets.open_in)

    assert again == first
    assert app.wallets.balance(first.id).available.minor == 0
    assert trail(app, before) == []
