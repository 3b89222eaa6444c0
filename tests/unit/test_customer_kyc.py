"""Tests of a customer's identity verification: which transitions each status allows, and what they keep."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import attrs
import pytest

from p2pstock.core.errors import InvalidInput, Refused
from p2pstock.core.people.customers import Customer, KycStatus
from p2pstock.core.people.resident_id import ResidentId

NUMBER = "11010519491231002X"
RESIDENT_ID = ResidentId.parse(NUMBER, today=date(2024, 6, 1))
PHONE = "+8613800138000"


def registered() -> Customer:
    return Customer.register("customer-1", telegram_user_id=42, language="en", at=1_700_000_000_000_000)


def in_status(status: KycStatus) -> Customer:
    """A customer brought to ``status`` through the allowed transitions."""
    customer = registered()
    if status is KycStatus.REGISTERED:
        return customer
    customer = customer.phone_verified(PHONE)
    if status is KycStatus.PHONE_VERIFIED:
        return customer
    customer = customer.submit_identity("张三", RESIDENT_ID)
    if status is KycStatus.IDENTITY_SUBMITTED:
        return customer
    if status is KycStatus.VERIFIED:
        return customer.verify()
    return customer.reject("the photo is blurred")


ACTIONS: dict[str, Callable[[Customer], Customer]] = {
    "phone_verified": lambda c: c.phone_verified("+8613900139000"),
    "submit_identity": lambda c: c.submit_identity("李四", RESIDENT_ID),
    "verify": lambda c: c.verify(),
    "reject": lambda c: c.reject("the name does not match"),
}

ALLOWED = {
    # (status, action) → the status afterwards; every pair missing here is refused
    (KycStatus.REGISTERED, "phone_verified"): KycStatus.PHONE_VERIFIED,
    (KycStatus.PHONE_VERIFIED, "phone_verified"): KycStatus.PHONE_VERIFIED,
    (KycStatus.PHONE_VERIFIED, "submit_identity"): KycStatus.IDENTITY_SUBMITTED,
    (KycStatus.REJECTED, "submit_identity"): KycStatus.IDENTITY_SUBMITTED,
    (KycStatus.IDENTITY_SUBMITTED, "verify"): KycStatus.VERIFIED,
    (KycStatus.IDENTITY_SUBMITTED, "reject"): KycStatus.REJECTED,
}
EVERY_PAIR = [(status, action) for status in KycStatus for action in ACTIONS]
REFUSED = [pair for pair in EVERY_PAIR if pair not in ALLOWED]


def test_a_registered_customer_has_proved_nothing_yet() -> None:
    customer = registered()
    assert customer.status is KycStatus.REGISTERED
    assert (customer.id, customer.telegram_user_id, customer.language) == ("customer-1", 42, "en")
    assert customer.created_at == 1_700_000_000_000_000
    assert (customer.phone, customer.real_name, customer.resident_id, customer.rejection_reason) == (
        "",
        "",
        None,
        "",
    )


def test_chinese_is_the_default_language_and_other_languages_are_refused() -> None:
    assert Customer.register("c", at=0).language == "zh"
    with pytest.raises(InvalidInput):
        Customer.register("c", language="fr", at=0)


def test_a_malformed_customer_id_is_refused() -> None:
    with pytest.raises(InvalidInput):
        Customer.register("no spaces allowed", at=0)


@pytest.mark.parametrize(("status", "action"), sorted(ALLOWED, key=str))
def test_an_allowed_transition_moves_to_the_next_status(status: KycStatus, action: str) -> None:
    before = in_status(status)
    after = ACTIONS[action](before)
    assert after.status is ALLOWED[status, action]
    assert before.status is status  # the original is unchanged
    assert (after.id, after.created_at) == (before.id, before.created_at)


@pytest.mark.parametrize(("status", "action"), REFUSED)
def test_a_transition_the_status_does_not_allow_is_refused(status: KycStatus, action: str) -> None:
    customer = in_status(status)
    with pytest.raises(Refused, match=status.value):
        ACTIONS[action](customer)


def test_the_table_covers_every_status_and_action() -> None:
    assert len(EVERY_PAIR) == len(ALLOWED) + len(REFUSED) == 20


def test_the_happy_path_ends_verified_with_everything_recorded() -> None:
    customer = in_status(KycStatus.VERIFIED)
    assert customer.status is KycStatus.VERIFIED
    assert customer.phone == PHONE
    assert customer.real_name == "张三"
    assert customer.resident_id == RESIDENT_ID


def test_a_rejected_customer_may_submit_again_and_the_reason_is_cleared() -> None:
    rejected = in_status(KycStatus.REJECTED)
    assert rejected.rejection_reason == "the photo is blurred"
    again = rejected.submit_identity("张 三", RESIDENT_ID)
    assert again.status is KycStatus.IDENTITY_SUBMITTED
    assert again.rejection_reason == ""
    assert again.real_name == "张 三"
    assert again.verify().status is KycStatus.VERIFIED


def test_a_verified_phone_number_can_be_changed() -> None:
    customer = in_status(KycStatus.PHONE_VERIFIED).phone_verified(" 139-0013-9000 ")
    assert customer.phone == "+8613900139000"


@pytest.mark.parametrize("phone", ["", "   ", "12ab5678", "123", "+1 415 555 0100", "12800138000"])
def test_a_malformed_phone_number_is_refused(phone: str) -> None:
    with pytest.raises(InvalidInput):
        registered().phone_verified(phone)


@pytest.mark.parametrize("name", ["", " ", "张", "  李  ", "x" * 51])
def test_a_real_name_must_have_2_to_50_characters_after_stripping(name: str) -> None:
    with pytest.raises(InvalidInput, match="2–50"):
        in_status(KycStatus.PHONE_VERIFIED).submit_identity(name, RESIDENT_ID)


@pytest.mark.parametrize("name", ["李四", " 李四 ", "x" * 50, "Zhang San"])
def test_a_real_name_is_stored_stripped(name: str) -> None:
    customer = in_status(KycStatus.PHONE_VERIFIED).submit_identity(name, RESIDENT_ID)
    assert customer.real_name == name.strip()


@pytest.mark.parametrize("reason", ["", "   ", "x" * 501])
def test_a_rejection_needs_a_reason_of_at_most_500_characters(reason: str) -> None:
    with pytest.raises(InvalidInput):
        in_status(KycStatus.IDENTITY_SUBMITTED).reject(reason)


def test_a_reason_of_500_characters_is_accepted() -> None:
    assert in_status(KycStatus.IDENTITY_SUBMITTED).reject("x" * 500).rejection_reason == "x" * 500


def test_refused_input_changes_nothing() -> None:
    customer = in_status(KycStatus.IDENTITY_SUBMITTED)
    with pytest.raises(InvalidInput):
        customer.reject("")
    assert customer.status is KycStatus.IDENTITY_SUBMITTED


@pytest.mark.parametrize("status", list(KycStatus))
def test_repr_of_a_customer_never_contains_the_full_resident_id(status: KycStatus) -> None:
    customer = in_status(status)
    assert NUMBER not in repr(customer)
    assert NUMBER not in str(customer)
    assert NUMBER not in repr(attrs.asdict(customer, recurse=False))


def test_a_customer_is_immutable() -> None:
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        registered().status = KycStatus.VERIFIED  # type: ignore[misc]
