"""AES-GCM sealing of secrets at rest: round trips, tampering, wrong keys, key handling and rotation."""

from __future__ import annotations

import base64

import pytest

from p2pstock.adapters.secret_box import AesGcmBox, generate_key
from p2pstock.core.errors import InvalidInput

KEY = base64.urlsafe_b64encode(bytes(range(32))).decode("ascii")
OTHER_KEY = base64.urlsafe_b64encode(bytes(range(100, 132))).decode("ascii")


@pytest.fixture
def box() -> AesGcmBox:
    return AesGcmBox.from_key(KEY)


@pytest.mark.parametrize("secret", ["Tr4ding-pass!", "交易密码2026", "a", "x" * 200, "with spaces inside"])
def test_a_sealed_secret_opens_to_the_same_text(box: AesGcmBox, secret: str) -> None:
    sealed = box.seal(secret)

    assert box.open(sealed) == secret
    assert AesGcmBox.from_key(KEY).open(sealed) == secret


def test_sealing_the_same_secret_twice_gives_two_different_texts(box: AesGcmBox) -> None:
    first, second = box.seal("same password"), box.seal("same password")

    assert first != second
    assert box.open(first) == box.open(second) == "same password"


@pytest.mark.parametrize("secret", ["hunter2hunter2", "交易密码"])
def test_a_sealed_text_is_printable_versioned_and_does_not_contain_the_secret(
    box: AesGcmBox, secret: str
) -> None:
    sealed = box.seal(secret)

    assert sealed.startswith("v1.")
    assert sealed.isascii()
    assert sealed.isprintable()
    assert secret not in sealed
    assert base64.urlsafe_b64encode(secret.encode()).decode().rstrip("=") not in sealed


def test_a_box_with_another_key_refuses_to_open_the_text(box: AesGcmBox) -> None:
    sealed = box.seal("s3cret")

    with pytest.raises(InvalidInput, match="not sealed with the configured key"):
        AesGcmBox.from_key(OTHER_KEY).open(sealed)


def _flip_one_payload_byte(sealed: str, index: int) -> str:
    payload = bytearray(base64.urlsafe_b64decode(sealed[3:]))
    payload[index] ^= 0x01
    return "v1." + base64.urlsafe_b64encode(bytes(payload)).decode("ascii")


@pytest.mark.parametrize("index", [0, 11, 12, -1], ids=["nonce-start", "nonce-end", "ciphertext", "tag"])
def test_a_text_altered_anywhere_is_refused(box: AesGcmBox, index: int) -> None:
    tampered = _flip_one_payload_byte(box.seal("s3cret"), index)

    with pytest.raises(InvalidInput, match="not sealed with the configured key"):
        box.open(tampered)


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        "v1.",
        "v2." + "A" * 40,
        "v1.not base64 at all!",
        "v1.AAAA",
        "v1." + "A" * 3000,
        "v1.交易",
        "plain password",
    ],
)
def test_garbage_is_refused_as_not_sealed_by_this_box(box: AesGcmBox, garbage: str) -> None:
    with pytest.raises(InvalidInput, match="not sealed with the configured key"):
        box.open(garbage)


def test_a_text_sealed_with_the_version_prefix_swapped_is_refused(box: AesGcmBox) -> None:
    sealed = box.seal("s3cret")

    with pytest.raises(InvalidInput):
        box.open("v2." + sealed[3:])


@pytest.mark.parametrize("secret", ["", "x" * 201, "line\nbreak", "tab\there", "nul\x00byte", "bell\x07"])
def test_empty_overlong_or_control_character_secrets_are_refused_without_echoing_them(
    box: AesGcmBox, secret: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        box.seal(secret)

    if secret:
        assert secret not in str(refused.value)


@pytest.mark.parametrize(
    "bad_key",
    [
        KEY[:-2],  # too short
        KEY + "AAAA",  # too long
        KEY.replace("A", "+").replace("B", "/"),  # standard, not urlsafe, alphabet
        "correct horse battery staple, a passphrase of 44",
        base64.urlsafe_b64encode(bytes(16)).decode("ascii"),  # an AES-128 key
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB=",  # trailing bits set: not canonical
    ],
)
def test_a_badly_formed_key_is_refused_naming_the_setting_without_echoing_it(bad_key: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        AesGcmBox.from_key(bad_key)

    message = str(refused.value)
    assert "P2PSTOCK_ENCRYPTION_KEY" in message
    assert "generate_key()" in message
    assert bad_key not in message
    assert refused.value.__cause__ is None


def test_a_missing_key_is_refused_saying_it_is_not_set() -> None:
    with pytest.raises(InvalidInput, match="P2PSTOCK_ENCRYPTION_KEY is not set"):
        AesGcmBox.from_key("   ")


def test_a_badly_formed_previous_key_is_refused_naming_its_setting_without_echoing_it() -> None:
    with pytest.raises(InvalidInput, match="P2PSTOCK_PREVIOUS_ENCRYPTION_KEYS") as refused:
        AesGcmBox.from_key(KEY, previous=(OTHER_KEY, "not-a-key-at-all"))

    assert "not-a-key-at-all" not in str(refused.value)
    assert KEY not in str(refused.value)


def test_a_key_without_its_padding_is_accepted_as_the_same_key() -> None:
    sealed = AesGcmBox.from_key(KEY).seal("s3cret")

    assert AesGcmBox.from_key(KEY.rstrip("=")).open(sealed) == "s3cret"
    assert AesGcmBox.from_key(f"  {KEY}\n").open(sealed) == "s3cret"


def test_the_key_never_appears_in_the_repr_or_str_of_the_box(box: AesGcmBox) -> None:
    rotated = AesGcmBox.from_key(KEY, previous=[OTHER_KEY])
    raw_key = bytes(range(32))

    for shown in (repr(box), str(box), repr(rotated), str(rotated)):
        assert KEY not in shown
        assert KEY.rstrip("=") not in shown
        assert OTHER_KEY not in shown
        assert repr(raw_key) not in shown
        assert raw_key.hex() not in shown
    assert "hidden" in repr(box)


def test_a_box_given_the_old_key_as_previous_opens_what_the_old_box_sealed() -> None:
    sealed_with_old = AesGcmBox.from_key(OTHER_KEY).seal("old password")
    rotated = AesGcmBox.from_key(KEY, previous=(OTHER_KEY,))

    assert rotated.open(sealed_with_old) == "old password"


def test_a_rotated_box_seals_with_the_new_key_only() -> None:
    rotated = AesGcmBox.from_key(KEY, previous=(OTHER_KEY,))
    sealed = rotated.seal("new password")

    assert AesGcmBox.from_key(KEY).open(sealed) == "new password"
    with pytest.raises(InvalidInput):
        AesGcmBox.from_key(OTHER_KEY).open(sealed)


def test_a_single_previous_key_may_be_given_as_plain_text() -> None:
    sealed_with_old = AesGcmBox.from_key(OTHER_KEY).seal("old password")

    assert AesGcmBox.from_key(KEY, previous=OTHER_KEY).open(sealed_with_old) == "old password"


def test_generate_key_gives_a_fresh_44_character_key_a_box_accepts() -> None:
    key, another = generate_key(), generate_key()
    box = AesGcmBox.from_key(key)

    assert len(key) == 44
    assert len(base64.urlsafe_b64decode(key)) == 32
    assert key != another
    assert box.open(box.seal("交易密码")) == "交易密码"
    with pytest.raises(InvalidInput):
        AesGcmBox.from_key(another).open(box.seal("交易密码"))


def test_a_raw_key_of_the_wrong_length_is_refused_without_showing_it() -> None:
    with pytest.raises(InvalidInput, match="32 bytes") as refused:
        AesGcmBox(b"sixteen byte key")

    assert "sixteen" not in str(refused.value)
