"""Notification texts exist in every language, render exactly, and deliveries retry with backoff."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from p2pstock.core.errors import AlreadyDecided, InvalidInput
from p2pstock.core.notifications import (
    TEMPLATES,
    Channel,
    DeliveryStatus,
    Notification,
    RetryPolicy,
    placeholders,
    render,
)

LANGUAGES = ("zh", "en")
REQUIRED_KEYS = (
    "phone.code",
    "deposit.credited",
    "withdrawal.requested",
    "withdrawal.approved",
    "withdrawal.rejected",
    "identity.verified",
    "identity.rejected",
    "document.rejected",
)
NOW = 1_700_000_000_000_000
SECOND = 1_000_000
POLICY = RetryPolicy()
RECIPIENT = "+8613812345678"
TEXT = "您的 p2pstock 验证码是 482913，5 分钟内有效。"


def pending() -> Notification:
    return Notification.new("n-1", Channel.SMS, RECIPIENT, TEXT, now=NOW)


def fail_times(notification: Notification, times: int, policy: RetryPolicy = POLICY) -> Notification:
    for _ in range(times):
        notification = notification.failed(notification.next_attempt_at, "gateway timeout", policy)
    return notification


# ------------------------------------------------------------------ templates


def test_every_required_template_key_exists() -> None:
    assert set(REQUIRED_KEYS) <= set(TEMPLATES)


@pytest.mark.parametrize("key", sorted(set(TEMPLATES) | set(REQUIRED_KEYS)))
def test_every_template_key_exists_in_both_languages_with_the_same_placeholders(key: str) -> None:
    languages = TEMPLATES.get(key, {})
    assert set(LANGUAGES) <= set(languages), f"{key} lacks {set(LANGUAGES) - set(languages)}"
    fields = {language: placeholders(languages[language]) for language in LANGUAGES}
    assert fields["zh"] == fields["en"], key


def test_templates_hold_only_the_known_languages() -> None:
    for key, languages in TEMPLATES.items():
        assert set(languages) == set(LANGUAGES), key


def test_a_phone_code_renders_in_chinese() -> None:
    text = render("phone.code", "zh", code="482913", minutes=5)
    assert text == "您的 p2pstock 验证码是 482913，5 分钟内有效。"


def test_a_phone_code_renders_in_english() -> None:
    text = render("phone.code", "en", code="482913", minutes=5)
    assert text == "Your p2pstock verification code is 482913. It expires in 5 minutes."


def test_a_rejection_renders_every_value() -> None:
    text = render("withdrawal.rejected", "en", amount="¥1,000.00", reason="account frozen")
    assert text == "Your withdrawal of ¥1,000.00 was rejected: account frozen."


def test_a_template_without_placeholders_renders_as_is() -> None:
    assert render("identity.verified", "en") == "Your identity has been verified."


def test_an_unknown_language_falls_back_to_chinese() -> None:
    assert render("deposit.credited", "fr", amount="¥5.00") == render(
        "deposit.credited", "zh", amount="¥5.00"
    )


def test_an_unknown_key_is_refused() -> None:
    with pytest.raises(InvalidInput):
        render("no.such.template", "en")


def test_a_missing_value_is_refused() -> None:
    with pytest.raises(InvalidInput, match="minutes"):
        render("phone.code", "en", code="482913")


def test_an_extra_value_is_refused() -> None:
    with pytest.raises(InvalidInput, match="extra"):
        render("deposit.credited", "en", amount="¥5.00", extra="x")


# ------------------------------------------------------------------ delivery and retries


def test_a_new_notification_is_pending_and_due_at_once() -> None:
    notification = pending()
    assert notification.status is DeliveryStatus.PENDING
    assert notification.attempts == 0
    assert notification.due(NOW)


def test_failures_back_off_30_60_120_and_so_on_capped_at_an_hour() -> None:
    policy = RetryPolicy(max_attempts=20)
    notification = pending()
    delays = []
    for _ in range(10):
        failed = notification.failed(notification.next_attempt_at, "timeout", policy)
        delays.append((failed.next_attempt_at - notification.next_attempt_at) // SECOND)
        notification = failed
    assert delays == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]
    assert notification.status is DeliveryStatus.PENDING
    assert notification.attempts == 10
    assert notification.last_error == "timeout"


def test_a_notification_is_failed_after_max_attempts() -> None:
    almost = fail_times(pending(), POLICY.max_attempts - 1)
    assert almost.status is DeliveryStatus.PENDING
    given_up = fail_times(almost, 1)
    assert given_up.status is DeliveryStatus.FAILED
    assert given_up.attempts == POLICY.max_attempts
    assert not given_up.due(given_up.next_attempt_at + 10**9)


def test_a_failed_notification_cannot_be_tried_again() -> None:
    given_up = fail_times(pending(), POLICY.max_attempts)
    with pytest.raises(AlreadyDecided):
        given_up.sent(NOW)
    with pytest.raises(AlreadyDecided):
        given_up.failed(NOW, "again", POLICY)


def test_sent_is_final() -> None:
    sent = pending().sent(NOW + 1)
    assert sent.status is DeliveryStatus.SENT
    assert not sent.due(NOW + 10**9)
    with pytest.raises(AlreadyDecided):
        sent.failed(NOW + 2, "late", POLICY)
    with pytest.raises(AlreadyDecided):
        sent.sent(NOW + 2)


def test_a_retry_is_due_exactly_at_next_attempt_at() -> None:
    notification = fail_times(pending(), 1)
    assert notification.next_attempt_at == NOW + 30 * SECOND
    assert not notification.due(NOW + 30 * SECOND - 1)
    assert notification.due(NOW + 30 * SECOND)
    assert notification.due(NOW + 31 * SECOND)


def test_repr_hides_the_text_and_masks_the_recipient() -> None:
    shown = repr(pending())
    assert "482913" not in shown
    assert TEXT not in shown
    assert RECIPIENT not in shown
    assert "13812345678" not in shown
    assert "***5678" in shown


def test_a_short_recipient_is_masked_entirely() -> None:
    shown = repr(Notification.new("n-2", Channel.TELEGRAM, "1234", TEXT, now=NOW))
    assert "1234" not in shown


def test_a_retry_policy_must_be_positive() -> None:
    with pytest.raises(InvalidInput):
        RetryPolicy(max_attempts=0)


def coded() -> Notification:
    return Notification.new("n-3", Channel.SMS, RECIPIENT, TEXT, now=NOW, secret="482913")


def test_a_secret_is_masked_and_forgotten_once_the_text_is_sent() -> None:
    sent = coded().sent(NOW + SECOND)

    assert (sent.text, sent.secret) == (TEXT.replace("482913", "******"), "")
    assert "482913" not in repr(coded())


@pytest.mark.parametrize(
    "done",
    [
        lambda n: n.given_up(NOW, "refused: " + TEXT),
        lambda n: n.failed(NOW, "refused: " + TEXT, RetryPolicy(max_attempts=1)),
    ],
    ids=["given up", "out of attempts"],
)
def test_a_secret_is_masked_in_the_text_and_the_reason_once_the_text_is_given_up(
    done: Callable[[Notification], Notification],
) -> None:
    failed = done(coded())

    assert failed.status is DeliveryStatus.FAILED
    assert "482913" not in failed.text + failed.last_error + failed.secret


def test_a_secret_stays_while_the_text_waits_but_not_in_the_reason_kept() -> None:
    waiting = coded().failed(NOW, "timed out on 482913", RetryPolicy())

    assert (waiting.status, waiting.text, waiting.secret) == (DeliveryStatus.PENDING, TEXT, "482913")
    assert waiting.last_error == "timed out on ******"


def test_a_secret_that_is_not_in_the_text_is_refused() -> None:
    with pytest.raises(InvalidInput):
        Notification.new("n-4", Channel.SMS, RECIPIENT, TEXT, now=NOW, secret="000000")
