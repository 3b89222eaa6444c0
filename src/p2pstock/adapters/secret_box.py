"""Secrets at rest (trading sub-account passwords) sealed with AES-256-GCM.

A sealed text reads ``v1.<urlsafe base64 of nonce + ciphertext + tag>``: a fresh 12-byte random nonce per
seal, so sealing the same secret twice gives two different texts, and the associated data
``p2pstock.secret.v1`` ties the text to this use. The key is 32 random bytes written in urlsafe base64
(``P2PSTOCK_ENCRYPTION_KEY``); make one with::

    python -c "from p2pstock.adapters.secret_box import generate_key; print(generate_key())"

Rotation: build the box with the new key and the old ones as ``previous``; it opens with the new key
first, then the old ones in order, and always seals with the new key. Keys never appear in ``repr`` nor
in any error message.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
from collections.abc import Iterable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from p2pstock.core.errors import InvalidInput

_VERSION = "v1."
_ASSOCIATED_DATA = b"p2pstock.secret.v1"
_KEY_BYTES = 32
_NONCE_BYTES = 12
_TAG_BYTES = 16
_MAX_SECRET_CHARS = 200
_MAX_SEALED_CHARS = 2048  # 200 characters of 4 UTF-8 bytes, sealed, fit in about 1,100
_KEY_TEXT = re.compile(r"[A-Za-z0-9_-]{43}=?")
_KEY_FORM = "32 bytes in urlsafe base64 (44 characters)"
_HOW_TO_MAKE_A_KEY = (
    'make one with: python -c "from p2pstock.adapters.secret_box import generate_key; print(generate_key())"'
)
_NOT_OURS = "this secret was not sealed with the configured key"


def generate_key() -> str:
    """A new random key: 32 bytes in urlsafe base64 (44 characters), fit for ``P2PSTOCK_ENCRYPTION_KEY``."""
    return base64.urlsafe_b64encode(AESGCM.generate_key(bit_length=256)).decode("ascii")


def _key_from_text(text: str, setting: str) -> bytes:
    """The 32 key bytes written in ``text``; the error names ``setting`` and never repeats the text."""
    cleaned = text.strip()
    if not cleaned:
        raise InvalidInput(f"{setting} is not set; {_HOW_TO_MAKE_A_KEY}")
    padded = cleaned.rstrip("=") + "="
    if _KEY_TEXT.fullmatch(cleaned) is None or not _is_canonical(padded):
        raise InvalidInput(f"{setting} must be {_KEY_FORM}; {_HOW_TO_MAKE_A_KEY}")
    return base64.urlsafe_b64decode(padded)


def _is_canonical(padded: str) -> bool:
    """Whether the 44-character ``padded`` is the one urlsafe base64 spelling of its bytes (no stray bits)."""
    return base64.urlsafe_b64encode(base64.urlsafe_b64decode(padded)).decode("ascii") == padded


def _check_secret(secret: str) -> None:
    if not isinstance(secret, str) or not 1 <= len(secret) <= _MAX_SECRET_CHARS:
        raise InvalidInput(f"a secret must be 1 to {_MAX_SECRET_CHARS} characters")
    if not secret.isprintable():
        raise InvalidInput("a secret must be printable text, without control characters or line breaks")


def _payload(sealed: str) -> bytes:
    """Nonce + ciphertext + tag from a sealed text, or ``InvalidInput`` when it cannot be one."""
    if not isinstance(sealed, str) or not sealed.startswith(_VERSION) or len(sealed) > _MAX_SEALED_CHARS:
        raise InvalidInput(_NOT_OURS)
    try:
        payload = base64.b64decode(sealed[len(_VERSION) :].encode("ascii"), altchars=b"-_", validate=True)
    except (UnicodeEncodeError, binascii.Error):
        raise InvalidInput(_NOT_OURS) from None
    if len(payload) <= _NONCE_BYTES + _TAG_BYTES:
        raise InvalidInput(_NOT_OURS)
    return payload


class AesGcmBox:
    """A :class:`~p2pstock.core.allocation.ports.SecretBox` on AES-256-GCM; seals with the current key,
    opens with the current key and then each previous one."""

    __slots__ = ("_ciphers",)

    def __init__(self, key: bytes, *, previous: Iterable[bytes] = ()) -> None:
        keys = (key, *previous)
        if any(len(k) != _KEY_BYTES for k in keys):
            raise InvalidInput(f"an encryption key must be {_KEY_BYTES} bytes")
        self._ciphers = tuple(AESGCM(k) for k in keys)

    @classmethod
    def from_key(cls, text: str, *, previous: str | Iterable[str] = ()) -> AesGcmBox:
        """The box for ``P2PSTOCK_ENCRYPTION_KEY`` = ``text``, also opening secrets sealed with the keys
        in ``previous`` (``P2PSTOCK_PREVIOUS_ENCRYPTION_KEYS``)."""
        olds = (previous,) if isinstance(previous, str) else tuple(previous)
        return cls(
            _key_from_text(text, "P2PSTOCK_ENCRYPTION_KEY"),
            previous=[
                _key_from_text(old, f"P2PSTOCK_PREVIOUS_ENCRYPTION_KEYS (key {number})")
                for number, old in enumerate(olds, start=1)
            ],
        )

    def __repr__(self) -> str:
        return f"AesGcmBox(key=<hidden>, previous_keys={len(self._ciphers) - 1})"

    def seal(self, secret: str) -> str:
        """``v1.`` and the urlsafe base64 of a fresh nonce and the secret encrypted with the current key."""
        _check_secret(secret)
        nonce = os.urandom(_NONCE_BYTES)
        ciphertext = self._ciphers[0].encrypt(nonce, secret.encode("utf-8"), _ASSOCIATED_DATA)
        return _VERSION + base64.urlsafe_b64encode(nonce + ciphertext).decode("ascii")

    def open(self, sealed: str) -> str:
        """The secret in ``sealed``; ``InvalidInput`` when no configured key sealed it or it was altered."""
        payload = _payload(sealed)
        nonce, ciphertext = payload[:_NONCE_BYTES], payload[_NONCE_BYTES:]
        for cipher in self._ciphers:
            try:
                plain = cipher.decrypt(nonce, ciphertext, _ASSOCIATED_DATA)
            except InvalidTag:
                continue
            try:
                return plain.decode("utf-8")
            except UnicodeDecodeError:
                break
        raise InvalidInput(_NOT_OURS)
