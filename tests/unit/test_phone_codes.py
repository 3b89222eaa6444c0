"""Phone codes expire, cool down, run out per hour and per day, allow few wrong tries and are kept hashed."""

from __future__ import annotations

from datetime import datetime, timedelta

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from p2pstock.adapters.clock import ManualClock
from p2pstock.core.errors import InvalidInput, Refused
from p2pstock.core.people.phone_codes import (
    CodeAlreadyUsed,
    CodeChallenge,
    CodeExpired,
    CodePolicy,
    ResendTooSoon,
    TooManyAttempts,
    TooManyCodes,
    normalise_phone,
)

PHONE = "+8613812345678"
POLICY = CodePolicy()
CODE = "482913"


def issue(clock: ManualClock, history: list[datetime] | None = None, code: str = CODE) -> CodeChallenge:
    challenge, plain = CodeChallenge.issue(
        PHONE,
        now=clock.now(),
        policy=POLICY,
        history=list(history or []),
        random_source=lambda _length: code,
    )
    assert plain == code
    return challenge


# --- issuing -----------------------------------------------------------------------------------------


def test_a_new_code_has_six_digits_and_lives_for_five_minutes() -> None:
    clock = ManualClock()
    challenge, code = CodeChallenge.issue(PHONE, now=clock.now(), policy=POLICY, history=[])
    assert len(code) == 6
    assert code.isdigit()
    assert challenge.phone == PHONE
    assert challenge.issued_at == clock.now()
    assert challenge.expires_at == clock.now() + timedelta(seconds=300)
    assert challenge.attempts == 0
    assert not challenge.used


def test_issue_normalises_the_phone_number() -> None:
    clock = ManualClock()
    challenge, _ = CodeChallenge.issue("138 1234 5678", now=clock.now(), policy=POLICY, history=[])
    assert challenge.phone == PHONE


def test_a_second_code_59_seconds_later_is_refused_with_the_seconds_left() -> None:
    clock = ManualClock()
    first = clock.now()
    clock.advance(seconds=59)
    with pytest.raises(ResendTooSoon) as refused:
        issue(clock, [first])
    assert refused.value.seconds_left == 1
    assert isinstance(refused.value, Refused)


def test_a_second_code_60_seconds_later_is_allowed() -> None:
    clock = ManualClock()
    first = clock.now()
    clock.advance(seconds=60)
    assert issue(clock, [first]).issued_at == clock.now()


def test_the_sixth_code_within_an_hour_is_refused() -> None:
    clock = ManualClock()
    history: list[datetime] = []
    for _ in range(5):
        issue(clock, history)
        history.append(clock.now())
        clock.advance(seconds=60)
    with pytest.raises(TooManyCodes) as refused:
        issue(clock, history)
    assert refused.value.window == "hour"


def test_the_hourly_limit_frees_up_an_hour_after_the_first_code() -> None:
    clock = ManualClock()
    first = clock.now()
    history = [first + timedelta(minutes=m) for m in range(5)]
    clock.set(first + timedelta(minutes=59, seconds=59))
    with pytest.raises(TooManyCodes):
        issue(clock, history)
    clock.set(first + timedelta(hours=1))
    issue(clock, history)


def test_the_eleventh_code_within_a_day_is_refused_even_when_spaced_to_respect_the_hour() -> None:
    clock = ManualClock()
    history: list[datetime] = []
    for _ in range(10):
        issue(clock, history)
        history.append(clock.now())
        clock.advance(minutes=15)
    with pytest.raises(TooManyCodes) as refused:
        issue(clock, history)
    assert refused.value.window == "day"


def test_the_daily_limit_frees_up_a_day_after_the_first_code() -> None:
    clock = ManualClock()
    first = clock.now()
    history = [first + timedelta(minutes=15 * n) for n in range(10)]
    clock.set(first + timedelta(days=1))
    issue(clock, history)


def test_a_code_source_returning_a_malformed_code_is_a_programming_error() -> None:
    clock = ManualClock()
    with pytest.raises(ValueError, match="6 ASCII digits") as error:
        CodeChallenge.issue(
            PHONE, now=clock.now(), policy=POLICY, history=[], random_source=lambda _n: "12ab"
        )
    assert "12ab" not in str(error.value)


def test_naive_times_are_refused() -> None:
    with pytest.raises(InvalidInput, match="timezone-aware"):
        CodeChallenge.issue(PHONE, now=ManualClock().now().replace(tzinfo=None), policy=POLICY, history=[])


# --- checking ----------------------------------------------------------------------------------------


def test_the_right_code_matches_and_marks_the_challenge_used() -> None:
    clock = ManualClock()
    challenge = issue(clock)
    clock.advance(seconds=30)
    checked, ok = challenge.check(CODE, now=clock.now(), policy=POLICY)
    assert ok
    assert checked.used
    assert checked.attempts == 0


def test_a_code_is_used_only_once() -> None:
    clock = ManualClock()
    checked, _ = issue(clock).check(CODE, now=clock.now(), policy=POLICY)
    with pytest.raises(CodeAlreadyUsed):
        checked.check(CODE, now=clock.now(), policy=POLICY)


def test_a_code_is_accepted_at_299_seconds_and_expired_at_exactly_300() -> None:
    clock = ManualClock()
    challenge = issue(clock)
    clock.advance(seconds=299)
    assert challenge.check(CODE, now=clock.now(), policy=POLICY)[1]
    clock.advance(seconds=1)
    with pytest.raises(CodeExpired):
        challenge.check(CODE, now=clock.now(), policy=POLICY)


def test_a_wrong_code_counts_one_attempt_and_leaves_the_challenge_unused() -> None:
    clock = ManualClock()
    checked, ok = issue(clock).check("000000", now=clock.now(), policy=POLICY)
    assert not ok
    assert checked.attempts == 1
    assert not checked.used


@pytest.mark.parametrize("malformed", ["", "48291", "4829130", "48291a", "４８２９１３", " 482913", "48-291"])
def test_a_malformed_code_counts_as_a_wrong_attempt_without_an_error(malformed: str) -> None:
    clock = ManualClock()
    checked, ok = issue(clock).check(malformed, now=clock.now(), policy=POLICY)
    assert not ok
    assert checked.attempts == 1


def test_after_five_wrong_codes_the_sixth_attempt_is_refused_even_with_the_right_code() -> None:
    clock = ManualClock()
    challenge = issue(clock)
    for attempt in range(1, 6):
        challenge, ok = challenge.check("111111", now=clock.now(), policy=POLICY)
        assert not ok
        assert challenge.attempts == attempt
    with pytest.raises(TooManyAttempts):
        challenge.check(CODE, now=clock.now(), policy=POLICY)


def test_the_right_code_after_four_wrong_ones_still_matches() -> None:
    clock = ManualClock()
    challenge = issue(clock)
    for _ in range(4):
        challenge, _ok = challenge.check("111111", now=clock.now(), policy=POLICY)
    assert challenge.check(CODE, now=clock.now(), policy=POLICY)[1]


# --- secrecy -----------------------------------------------------------------------------------------


def test_the_code_is_stored_only_as_a_salted_hash_and_never_shown() -> None:
    clock = ManualClock()
    challenge = issue(clock)
    other = issue(clock)
    assert CODE not in challenge.code_hash
    assert challenge.salt != other.salt
    assert challenge.code_hash != other.code_hash
    for text in (repr(challenge), str(challenge)):
        assert CODE not in text
        assert challenge.code_hash not in text
        assert challenge.salt not in text


def test_no_refusal_message_mentions_the_code_or_its_hash() -> None:
    clock = ManualClock()
    challenge = issue(clock)
    messages = []
    dead = attrs.evolve(challenge, attempts=5)
    for case, refusal in (
        (attrs.evolve(challenge, used=True), CodeAlreadyUsed),
        (dead, TooManyAttempts),
    ):
        with pytest.raises(refusal) as error:
            case.check(CODE, now=clock.now(), policy=POLICY)
        messages.append(str(error.value))
    with pytest.raises(CodeExpired) as expired:
        challenge.check(CODE, now=clock.now() + timedelta(hours=1), policy=POLICY)
    messages.append(str(expired.value))
    for message in messages:
        assert CODE not in message
        assert challenge.code_hash not in message


# --- phone numbers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "13812345678",
        "+8613812345678",
        "+86 138 1234 5678",
        "0086-138-1234-5678",
        "138-1234-5678",
        "  138 1234 5678  ",
        "+86-13812345678",
    ],
)
def test_mainland_mobile_numbers_are_accepted_in_common_spellings(text: str) -> None:
    assert normalise_phone(text) == PHONE


@pytest.mark.parametrize("second", "3456789")
def test_every_mobile_second_digit_from_3_to_9_is_accepted(second: str) -> None:
    assert normalise_phone(f"1{second}012345678") == f"+861{second}012345678"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "1381234567",  # 10 digits
        "138123456789",  # 12 digits
        "12812345678",  # second digit 2
        "10812345678",  # second digit 0
        "23812345678",  # does not start with 1
        "+85213812345678",  # Hong Kong prefix
        "+1 138 1234 5678",
        "8613812345678",  # country code without + or 00
        "138.1234.5678",
        "(138) 1234 5678",
        "138１２３４５６７８",  # full-width digits
        "+86 +86 13812345678",
        "phone: 13812345678",
    ],
)
def test_anything_else_is_refused_as_invalid_input(text: str) -> None:
    with pytest.raises(InvalidInput, match="11 digits"):
        normalise_phone(text)


def test_a_challenge_refuses_a_phone_that_is_not_normalised() -> None:
    clock = ManualClock()
    challenge = issue(clock)
    with pytest.raises(InvalidInput):
        attrs.evolve(challenge, phone="13812345678")


# --- policy ------------------------------------------------------------------------------------------


def test_the_default_policy_matches_the_published_rules() -> None:
    policy = CodePolicy()
    assert policy == CodePolicy(
        length=6,
        expiry_seconds=300,
        resend_cooldown_seconds=60,
        max_codes_per_hour=5,
        max_codes_per_day=10,
        max_attempts=5,
    )


@pytest.mark.parametrize(
    "field",
    [
        "length",
        "expiry_seconds",
        "resend_cooldown_seconds",
        "max_codes_per_hour",
        "max_codes_per_day",
        "max_attempts",
    ],
)
@pytest.mark.parametrize("value", [0, -1, True, 1.5, "6"])
def test_every_policy_number_must_be_a_positive_integer(field: str, value: object) -> None:
    with pytest.raises(InvalidInput, match=field):
        CodePolicy(**{field: value})  # type: ignore[arg-type]


def test_a_custom_policy_changes_length_and_expiry() -> None:
    clock = ManualClock()
    policy = CodePolicy(length=4, expiry_seconds=60)
    challenge, code = CodeChallenge.issue(PHONE, now=clock.now(), policy=policy, history=[])
    assert len(code) == 4
    clock.advance(seconds=60)
    with pytest.raises(CodeExpired):
        challenge.check(code, now=clock.now(), policy=policy)


# --- property ----------------------------------------------------------------------------------------

six_digits = st.text(alphabet="0123456789", min_size=6, max_size=6)


@settings(max_examples=50, deadline=None)
@given(code=six_digits, other=six_digits, elapsed=st.integers(min_value=0, max_value=299_999_999))
def test_the_right_code_always_matches_within_expiry_and_any_other_never_does(
    code: str, other: str, elapsed: int
) -> None:
    clock = ManualClock()
    challenge = issue(clock, code=code)
    clock.advance(microseconds=elapsed)
    if other != code:
        wrong, ok = challenge.check(other, now=clock.now(), policy=POLICY)
        assert not ok
        assert wrong.attempts == 1
    right, ok = challenge.check(code, now=clock.now(), policy=POLICY)
    assert ok
    assert right.used
