"""The audit trail: an append-only chain of records, each sealed by the hash of the one before.

::

    canonical       the one JSON text of a state: sorted keys, no spaces, no floats; "" for None
    AuditRecord     who did what to which thing, when, the state before and after, two hashes, and a
                    seal when the trail is keyed
    GENESIS_HASH    the ``previous_hash`` of the first record (64 zeros)
    ChainHead       the newest record's sequence number and hash (``12:ab…``): what storage keeps beside
                    the records, and what an operator records elsewhere
    AuditKey        the secret that seals records (HMAC-SHA256); never shown in a repr
    ChainCheck      the answer of ``verify``: how many records held, where the chain broke, and its head
    verify          walks the records in order and stops at the first broken link; then compares the end
                    with the stored head (and a head recorded elsewhere)

Only the rules live here; storing the records is an adapter's business. Changing any field of a
stored record changes its hash, and recomputing that hash breaks the link from the next record.

What someone with write access to the database can and cannot do unnoticed:

- change, insert, reorder or delete a record in the middle, leaving the rest: caught (its hash, or the
  link from the next record, no longer holds);
- delete the newest records: caught, the stored head names a record that is no longer there;
- delete the newest records **and** rewind the stored head to the last one kept: not caught by anything
  in the database. Only a head recorded elsewhere catches it — ``p2pstock audit verify`` prints the head
  for an operator to keep, and checks a head given back to it (``--head``); an event listener that ships
  each record's hash off the machine does the same continuously;
- rewrite any record and re-hash everything after it (with the head): an unkeyed chain cannot tell, since
  anyone can compute SHA-256. A **keyed** trail (``P2PSTOCK_AUDIT_KEY``) also seals each record with an
  HMAC of its hash under a key kept out of the database; a record rewritten without the key has no valid
  seal, and since each hash covers every record before it, the newest seal vouches for the whole trail.
  Stripping the seals is caught too: with a key, an unsealed record after a sealed one, or an unsealed
  newest record, breaks the check. What a key cannot stop is the truncation above, and anyone who holds
  the key can forge a trail.

Records written before the trail was keyed stay unsealed and keep verifying (the first sealed record
vouches for them); a chain walked without the key checks the hashes and counts the seals it could not
check. Changing the key makes every earlier seal fail: keep it.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Protocol

import attrs

from p2pstock.core import trusted
from p2pstock.core.errors import InvalidInput
from p2pstock.core.validation import check_code, check_id

GENESIS_HASH = "0" * 64
"""The ``previous_hash`` of the first record of every chain."""

_HEX = frozenset("0123456789abcdef")


class Fault(enum.StrEnum):
    """Why a chain check failed (the values are the English reasons; frontends tell them by name)."""

    HASH = "hash does not match the record"
    PREVIOUS = "previous hash does not match"
    GAP = "sequence gap"
    SEAL = "seal does not match the record (written without the audit key)"
    UNSEALED = "record is not sealed, though one before it is"
    UNSEALED_HEAD = (
        "the newest record is not sealed: the seals were stripped, or nothing was audited since the audit "
        "key was set"
    )
    MISSING = "the stored head names a later record: the newest records are missing"
    HEAD = "the stored head does not match the newest record"
    BEYOND_HEAD = "records follow the stored head: the head was rewound"
    NOT_HELD = "the trail does not hold the head recorded earlier"


HASH_MISMATCH = Fault.HASH
PREVIOUS_MISMATCH = Fault.PREVIOUS
SEQUENCE_GAP = Fault.GAP


_PLAIN = frozenset({str, int, bool, type(None)})
"""Types that are plain JSON as they are (looked up before anything else: most values are one of them)."""
_TEXT = frozenset({str})


def _refuse_floats(value: object) -> None:
    if type(value) in _PLAIN:
        return
    if (
        type(value) is dict
        and _PLAIN.issuperset(map(type, value.values()))
        and _TEXT.issuperset(map(type, value))
    ):
        return  # a flat state, as most are: checked without a step in Python per value
    if isinstance(value, float):
        raise InvalidInput(
            "an audited state must not contain floats (money is counted in minor units)",
            code="audit_malformed",
        )
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise InvalidInput(
                    f"an audited state must have text keys (got {key!r:.60})", code="audit_malformed"
                )
            if type(item) not in _PLAIN:
                _refuse_floats(item)
    elif isinstance(value, list | tuple):
        for item in value:
            _refuse_floats(item)


_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
"""``json.dumps`` with these settings, without building an encoder per call (it keeps no state)."""


def _json(value: object) -> str:
    return _ENCODER.encode(value)


def canonical(value: Mapping[str, object] | None) -> str:
    """The canonical JSON text of ``value``: sorted keys, no spaces, text unescaped; "" for None."""
    if value is None:
        return ""
    _refuse_floats(value)
    try:
        return _json(value)
    except (TypeError, ValueError) as error:
        raise InvalidInput(f"an audited state must be plain JSON ({error})", code="audit_malformed") from None


def _check_positive(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidInput(f"{what} must be a positive integer (got {value!r:.20})", code="audit_malformed")
    return value


def _check_micros(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidInput(
            f"an audit time must be non-negative microseconds (got {value!r:.20})", code="audit_malformed"
        )
    return value


def _check_hash(value: object, what: str) -> str:
    if not isinstance(value, str) or len(value) != 64 or not set(value) <= _HEX:
        raise InvalidInput(
            f"{what} must be 64 lowercase hex digits (got {value!r:.70})", code="audit_malformed"
        )
    return value


def _check_text(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise InvalidInput(f"{what} must be text (got {type(value).__name__})", code="audit_malformed")
    return value


def _check_seal(value: object) -> str:
    return "" if value == "" else _check_hash(value, "an audit seal")


@attrs.frozen
class ChainHead:
    """The newest record of a chain: its sequence number and hash, written ``12:ab…`` (``0:000…`` for an
    empty chain)."""

    seq: int
    hash: str

    def __str__(self) -> str:
        return f"{self.seq}:{self.hash}"

    @classmethod
    def parse(cls, text: str) -> ChainHead:
        """A head as ``str`` writes it; ``InvalidInput`` for anything else."""
        seq, _, hash_ = text.strip().partition(":")
        if not seq.isascii() or not seq.isdigit():
            raise InvalidInput(
                f"a head is SEQ:HASH, such as 12:{GENESIS_HASH[:8]}… (got {text!r:.80})",
                code="audit_head_format",
            )
        return cls(int(seq), _check_hash(hash_.lower(), "the head's hash"))

    @classmethod
    def of(cls, record: AuditRecord | None) -> ChainHead:
        """The head of a chain ending at ``record`` (the empty chain's for ``None``)."""
        return cls(0, GENESIS_HASH) if record is None else cls(record.seq, record.hash)


@attrs.frozen
class AuditKey:
    """The secret that seals audit records: a seal is the HMAC-SHA256 of a record's hash under it."""

    secret: bytes = attrs.field(repr=False)

    MIN_LENGTH = 32
    """Fewest characters of the key as configured (``secrets.token_urlsafe(32)`` makes 43)."""

    @classmethod
    def from_text(cls, text: str) -> AuditKey:
        """The key from its configured text (at least ``MIN_LENGTH`` characters)."""
        if not isinstance(text, str) or len(text.strip()) < cls.MIN_LENGTH:
            raise InvalidInput(
                f"the audit key must be at least {cls.MIN_LENGTH} characters; make one with "
                '`python -c "import secrets; print(secrets.token_urlsafe(32))"`',
                code="audit_key_short",
                least=cls.MIN_LENGTH,
            )
        return cls(text.strip().encode("utf-8"))

    def seal(self, record_hash: str) -> str:
        """The seal of the record whose hash is ``record_hash``."""
        return hmac.new(
            self.secret, b"p2pstock audit seal:" + record_hash.encode(), hashlib.sha256
        ).hexdigest()

    def holds(self, record: AuditRecord) -> bool:
        """Whether ``record``'s seal is the one this key makes for its hash."""
        return hmac.compare_digest(self.seal(record.hash), record.seal)


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
    seal: str = attrs.field(default="", validator=lambda _i, _a, v: _check_seal(v))
    """``AuditKey.seal(hash)`` when the trail is keyed, else empty; outside ``hash`` so that an unkeyed
    chain and a keyed one are hashed alike."""

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
        key: AuditKey | None = None,
    ) -> AuditRecord:
        """The record that follows ``previous`` (or starts the chain when it is ``None``), sealed with
        ``key`` when one is given."""
        _check_micros(at)
        check_id(actor, "audit actor")
        check_code(action, "audit action")
        check_id(target, "audit target")
        seq = 1 if previous is None else previous.seq + 1
        previous_hash = GENESIS_HASH if previous is None else previous.hash
        before_text = canonical(before)
        after_text = before_text if after is before else canonical(after)
        text = _hashed_text(
            seq=seq,
            at=at,
            actor=actor,
            action=action,
            target=target,
            before=before_text,
            after=after_text,
            previous_hash=previous_hash,
        )
        hash_ = hashlib.sha256(text.encode("utf-8")).hexdigest()
        seal = "" if key is None else key.seal(hash_)
        # The caller's fields are checked above; the rest is the chain's own arithmetic on a stored record.
        return trusted.build(
            cls, seq, at, actor, action, target, before_text, after_text, previous_hash, hash_, seal
        )

    def expected_hash(self) -> str:
        """The hash this record's fields (all but ``hash`` and ``seal``) call for."""
        return _hash(attrs.asdict(self, filter=lambda attribute, _value: attribute.name not in _UNHASHED))


_UNHASHED = frozenset({"hash", "seal"})


def _hash(fields: Mapping[str, object]) -> str:
    """The hash of a record's fields (all but ``hash`` and ``seal``)."""
    return hashlib.sha256(_json(fields).encode("utf-8", "surrogatepass")).hexdigest()  # tampered text too


def _hashed_text(
    *, seq: int, at: int, actor: str, action: str, target: str, before: str, after: str, previous_hash: str
) -> str:
    """What ``_hash`` hashes of a new record's fields (two numbers, the rest text), written out: the names
    in order, each text as the encoder writes it, without its walk through a mapping."""
    s = _string
    return (
        f'{{"action":{s(action)},"actor":{s(actor)},"after":{s(after)},"at":{at:d},"before":{s(before)},'
        f'"previous_hash":{s(previous_hash)},"seq":{seq:d},"target":{s(target)}}}'
    )


_string: Callable[[str], str] = json.encoder.encode_basestring
"""A text as JSON, as ``_ENCODER`` writes it (``ensure_ascii=False``)."""


@attrs.frozen
class ChainCheck:
    """The verdict on a chain: ``first_broken`` is the position (expected seq) of the first bad link;
    ``head`` is the newest record that held and ``sealed`` how many of those that held carry a seal."""

    ok: bool
    checked: int
    first_broken: int | None = None
    reason: str = ""
    head: ChainHead = attrs.field(factory=lambda: ChainHead.of(None))
    sealed: int = 0


def _fault(record: AuditRecord, seq: int, previous_hash: str) -> Fault | None:
    if record.expected_hash() != record.hash:
        return Fault.HASH
    if record.seq != seq:
        return Fault.GAP
    if record.previous_hash != previous_hash:
        return Fault.PREVIOUS
    return None


@attrs.define
class _Walk:
    """The records walked so far: how many held, the newest of them, how many were sealed, and whether the
    head recorded elsewhere was among them."""

    key: AuditKey | None
    recorded: ChainHead | None
    checked: int = 0
    head: ChainHead = attrs.field(factory=lambda: ChainHead.of(None))
    sealed: int = 0
    held_recorded: bool = False

    def __attrs_post_init__(self) -> None:
        self.held_recorded = self.recorded == self.head

    def take(self, record: AuditRecord) -> Fault | None:
        """Add ``record``, or say why it breaks the chain."""
        fault = _fault(record, self.checked + 1, self.head.hash) or self._seal_fault(record)
        if fault is not None:
            return fault
        self.checked, self.head = self.checked + 1, ChainHead.of(record)
        self.sealed += bool(record.seal)
        self.held_recorded = self.held_recorded or self.head == self.recorded
        return None

    def _seal_fault(self, record: AuditRecord) -> Fault | None:
        if not record.seal:
            return Fault.UNSEALED if self.sealed else None
        if self.key is not None and not self.key.holds(record):
            return Fault.SEAL
        return None

    def end_fault(self, stored: ChainHead | None) -> tuple[Fault, int] | None:
        """What is wrong with where the chain ends (and the position it names), if anything."""
        if self.key is not None and self.checked and not self.sealed:
            return Fault.UNSEALED_HEAD, self.checked
        if stored is not None and stored != self.head:
            if stored.seq > self.checked:
                return Fault.MISSING, self.checked + 1
            if stored.seq < self.checked:
                return Fault.BEYOND_HEAD, stored.seq + 1
            return Fault.HEAD, stored.seq
        if self.recorded is not None and not self.held_recorded:
            return Fault.NOT_HELD, self.recorded.seq
        return None

    def verdict(self, fault: tuple[Fault, int] | None) -> ChainCheck:
        if fault is None:
            return ChainCheck(ok=True, checked=self.checked, head=self.head, sealed=self.sealed)
        reason, at_seq = fault
        held = min(self.checked, max(at_seq - 1, 0))
        return ChainCheck(False, held, at_seq, reason, self.head, self.sealed)


def verify(
    records: Iterable[AuditRecord],
    *,
    key: AuditKey | None = None,
    stored_head: Callable[[], ChainHead] | None = None,
    recorded: ChainHead | None = None,
) -> ChainCheck:
    """Walk ``records`` from the first and report the first record that breaks the chain, if any.

    With ``key`` every seal is checked, and once seals start every later record, the newest above all,
    must carry one. Then the end of the chain is held against ``stored_head()`` (the head storage keeps,
    read after the last record) and against ``recorded`` (a head kept elsewhere, which the chain must
    still hold)."""
    walk = _Walk(key, recorded)
    for record in records:
        fault = walk.take(record)
        if fault is not None:
            return walk.verdict((fault, walk.checked + 1))
    return walk.verdict(walk.end_fault(None if stored_head is None else stored_head()))


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

    def stored_head(self) -> ChainHead:
        """The head as storage keeps it beside the records (the newest record's seq and hash), read
        without taking a turn."""
        ...
