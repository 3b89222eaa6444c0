"""The audit trail: an append-only chain of records, each sealed by the hash of the one before.

::

    canonical       the one JSON text of a state: sorted keys, no spaces, no floats; "" for None
    AuditRecord     who did what to which thing, when, the state before and after, and two hashes
    GENESIS_HASH    the ``previous_hash`` of the first record (64 zeros)
    ChainCheck      the answer of ``verify``: how many records held, and where the chain broke
    verify          walks the records in order and stops at the first broken link

Only the rules live here; storing the records is an adapter's business. Changing any field of a
stored record changes its hash, and recomputing that hash breaks the link from the next record.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol

import attrs

from p2pstock.core.errors import InvalidInput
from p2pstock.core.validation import check_code, check_id

GENESIS_HASH = "0" * 64
"""The ``previous_hash`` of the first record of every chain."""

_HEX = frozenset("0123456789abcdef")

HASH_MISMATCH = "hash does not match the record"
PREVIOUS_MISMATCH = "previous hash does not match"
SEQUENCE_GAP = "sequence gap"


def _refuse_floats(value: object) -> None:
    if isinstance(value, float):
        raise InvalidInput("an audited state must not contain floats (money is counted in minor units)")
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise InvalidInput(f"an audited state must have text keys (got {key!r:.60})")
            _refuse_floats(item)
    elif isinstance(value, list | tuple):
        for item in value:
            _refuse_floats(item)


def _json(value: object) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def canonical(value: Mapping[str, object] | None) -> str:
    """The canonical JSON text of ``value``: sorted keys, no spaces, text unescaped; "" for None."""
    if value is None:
        return ""
    _refuse_floats(value)
    try:
        return _json(value)
    except (TypeError, ValueError) as error:
        raise InvalidInput(f"an audited state must be plain JSON ({error})") from None


def _check_positive(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidInput(f"{what} must be a positive integer (got {value!r:.20})")
    return value


def _check_micros(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidInput(f"an audit time must be non-negative microseconds (got {value!r:.20})")
    return value


def _check_hash(value: object, what: str) -> str:
    if not isinstance(value, str) or len(value) != 64 or not set(value) <= _HEX:
        raise InvalidInput(f"{what} must be 64 lowercase hex digits (got {value!r:.70})")
    return value


def _check_text(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise InvalidInput(f"{what} must be text (got {type(value).__name__})")
    return value


@attrs.frozen
class AuditRecord:
    """One entry of the trail; build it with ``append`` so that ``seq`` and ``hash`` are right."""

    seq: int = attrs.field(validator=lambda _i, _a, v: _check_positive(v, "an audit sequence number"))
    at: int = attrs.field(validator=lambda _i, _a, v: _check_micros(v))
    actor: str = attrs.field(validator=lambda _i, _a, v: check_id(v, "audit actor"))
    action: str = attrs.field(validator=lambda _i, _a, v: check_code(v, "audit action"))
    target: str = attrs.field(validator=lambda _i, _a, v: check_id(v, "audit target"))
    before: str = attrs.field(validator=lambda _i, _a, v: _check_text(v, "the state before"))
    after: str = attrs.field(validator=lambda _i, _a, v: _check_text(v, "the state after"))
    previous_hash: str = attrs.field(validator=lambda _i, _a, v: _check_hash(v, "the previous hash"))
    hash: str = attrs.field(validator=lambda _i, _a, v: _check_hash(v, "an audit hash"))

    @classmethod
    def append(
        cls,
        previous: AuditRecord | None,
        *,
        at: int,
        actor: str,
        action: str,
        target: str,
        before: Mapping[str, object] | None = None,
        after: Mapping[str, object] | None = None,
    ) -> AuditRecord:
        """The record that follows ``previous`` (or starts the chain when it is ``None``)."""
        seq = 1 if previous is None else previous.seq + 1
        previous_hash = GENESIS_HASH if previous is None else previous.hash
        before_text, after_text = canonical(before), canonical(after)
        fields = {
            "seq": seq,
            "at": at,
            "actor": actor,
            "action": action,
            "target": target,
            "before": before_text,
            "after": after_text,
            "previous_hash": previous_hash,
        }
        return cls(seq, at, actor, action, target, before_text, after_text, previous_hash, _seal(fields))

    def expected_hash(self) -> str:
        """The hash this record's fields (all but ``hash``) call for."""
        return _seal(attrs.asdict(self, filter=lambda attribute, _value: attribute.name != "hash"))


def _seal(fields: Mapping[str, object]) -> str:
    """The hash of a record's fields (all but ``hash``)."""
    return hashlib.sha256(_json(fields).encode("utf-8")).hexdigest()


@attrs.frozen
class ChainCheck:
    """The verdict on a chain: ``first_broken`` is the position (expected seq) of the first bad link."""

    ok: bool
    checked: int
    first_broken: int | None = None
    reason: str = ""

    @classmethod
    def intact(cls, checked: int) -> ChainCheck:
        """Every one of ``checked`` records holds."""
        return cls(ok=True, checked=checked)

    @classmethod
    def broken(cls, checked: int, at_seq: int, reason: str) -> ChainCheck:
        """``checked`` records held; the one expected at ``at_seq`` did not, for ``reason``."""
        return cls(ok=False, checked=checked, first_broken=at_seq, reason=reason)


def _fault(record: AuditRecord, seq: int, previous_hash: str) -> str:
    if record.expected_hash() != record.hash:
        return HASH_MISMATCH
    if record.seq != seq:
        return SEQUENCE_GAP
    if record.previous_hash != previous_hash:
        return PREVIOUS_MISMATCH
    return ""


def verify(records: Iterable[AuditRecord]) -> ChainCheck:
    """Walk ``records`` from the first; report the first record that breaks the chain, if any."""
    checked = 0
    previous_hash = GENESIS_HASH
    for record in records:
        fault = _fault(record, checked + 1, previous_hash)
        if fault:
            return ChainCheck.broken(checked, checked + 1, fault)
        checked += 1
        previous_hash = record.hash
    return ChainCheck.intact(checked)


class AuditLog(Protocol):
    """Where the trail is kept: appended to, never changed."""

    def head(self) -> AuditRecord | None:
        """The last record, read so that appends take turns (a lock held to the end of the transaction)."""
        ...

    def append(self, records: Sequence[AuditRecord]) -> None:
        """Store ``records``, which continue the chain from its head in order; otherwise the trail moved
        on meanwhile (``TransientConflict``)."""
        ...

    def records(self, after_seq: int, limit: int) -> list[AuditRecord]:
        """Up to ``limit`` records with ``seq`` above ``after_seq``, in order."""
        ...
