"""The end of the audit chain against its stored head and a head recorded elsewhere, and the keyed trail:
what someone with write access to the database can and cannot do unnoticed (see ``core/audit.py``)."""

from __future__ import annotations

import attrs
import pytest

from p2pstock.core.audit import (
    GENESIS_HASH,
    AuditKey,
    AuditRecord,
    ChainHead,
    Fault,
    canonical,
    verify,
)
from p2pstock.core.errors import InvalidInput

T0 = 1_700_000_000_000_000
KEY = AuditKey.from_text("k" * 40)


def chain_of(length: int, *, key: AuditKey | None = None, unsealed: int = 0) -> list[AuditRecord]:
    """A chain of ``length`` records; with ``key`` all but the first ``unsealed`` are sealed."""
    records: list[AuditRecord] = []
    previous: AuditRecord | None = None
    for index in range(length):
        previous = AuditRecord.append(
            previous,
            at=T0 + index,
            actor="admin-1",
            action="withdrawal.approve",
            target=f"withdrawal:W-{index}",
            after={"status": "approved", "amount": 10_000 + index},
            key=key if index >= unsealed else None,
        )
        records.append(previous)
    return records


def rehashed(records: list[AuditRecord], start: int, *, key: AuditKey | None = None) -> list[AuditRecord]:
    """The chain with record ``start`` (0-based) rewritten and everything after it re-hashed, as someone
    without ``key`` (or with it) would do it; the seals of the re-hashed records are kept as they were
    unless ``key`` is given."""
    result = records[:start]
    previous = result[-1] if result else None
    for index, record in enumerate(records[start:]):
        changed = attrs.evolve(record, after=canonical({"amount": 99_999_999})) if index == 0 else record
        linked = attrs.evolve(changed, previous_hash=previous.hash if previous else GENESIS_HASH)
        resealed = attrs.evolve(linked, hash=linked.expected_hash())
        if key is not None:
            resealed = attrs.evolve(resealed, seal=key.seal(resealed.hash))
        result.append(resealed)
        previous = resealed
    return result


# -- the stored head


def test_a_chain_that_ends_at_its_stored_head_verifies() -> None:
    records = chain_of(4)

    check = verify(records, stored_head=lambda: ChainHead.of(records[-1]))

    assert (check.ok, check.checked, check.head) == (True, 4, ChainHead(4, records[-1].hash))


def test_deleting_the_newest_records_is_caught_where_they_are_missing() -> None:
    records = chain_of(5)
    head = ChainHead.of(records[-1])

    check = verify(records[:3], stored_head=lambda: head)

    assert (check.ok, check.first_broken, check.checked, check.reason) == (False, 4, 3, Fault.MISSING)


def test_deleting_every_record_is_caught_against_the_stored_head() -> None:
    records = chain_of(2)

    check = verify([], stored_head=lambda: ChainHead.of(records[-1]))

    assert (check.ok, check.first_broken, check.reason) == (False, 1, Fault.MISSING)


def test_records_after_the_stored_head_mean_the_head_was_rewound() -> None:
    records = chain_of(5)

    check = verify(records, stored_head=lambda: ChainHead.of(records[2]))

    assert (check.ok, check.first_broken, check.checked, check.reason) == (False, 4, 3, Fault.BEYOND_HEAD)


def test_resealing_the_newest_record_is_caught_by_the_stored_head() -> None:
    records = chain_of(3)
    head = ChainHead.of(records[-1])

    check = verify(rehashed(records, 2), stored_head=lambda: head)

    assert (check.ok, check.first_broken, check.checked, check.reason) == (False, 3, 2, Fault.HEAD)


def test_deleting_the_newest_records_and_rewinding_the_stored_head_is_caught_only_by_a_recorded_head() -> (
    None
):
    records = chain_of(5)
    recorded = ChainHead.of(records[-1])  # what the operator kept after the last check
    kept = records[:3]
    rewound = ChainHead.of(kept[-1])

    assert verify(kept, key=None, stored_head=lambda: rewound).ok  # nothing in the database tells
    check = verify(kept, stored_head=lambda: rewound, recorded=recorded)
    assert (check.ok, check.first_broken, check.reason) == (False, 5, Fault.NOT_HELD)


def test_a_recorded_head_the_chain_has_grown_past_still_holds() -> None:
    records = chain_of(6)

    check = verify(records, stored_head=lambda: ChainHead.of(records[-1]), recorded=ChainHead.of(records[2]))

    assert (check.ok, check.checked) == (True, 6)


def test_a_recorded_head_whose_record_was_rehashed_is_not_held() -> None:
    records = chain_of(6)
    recorded = ChainHead.of(records[3])
    forged = rehashed(records, 1)

    check = verify(forged, stored_head=lambda: ChainHead.of(forged[-1]), recorded=recorded)

    assert (check.ok, check.first_broken, check.reason) == (False, 4, Fault.NOT_HELD)


def test_the_empty_chains_head_is_held_by_every_chain() -> None:
    assert verify(chain_of(2), recorded=ChainHead(0, GENESIS_HASH)).ok
    assert verify([], recorded=ChainHead(0, GENESIS_HASH)).ok


def test_a_head_is_written_seq_colon_hash_and_read_back() -> None:
    head = ChainHead.of(chain_of(3)[-1])

    assert str(head) == f"3:{head.hash}"
    assert ChainHead.parse(f" {head.seq}:{head.hash.upper()} ") == head


@pytest.mark.parametrize("text", ["", "3", "3:", "x:" + "a" * 64, "-1:" + "a" * 64, "3:" + "g" * 64, "3:abc"])
def test_a_head_that_is_not_seq_colon_hash_is_refused(text: str) -> None:
    with pytest.raises(InvalidInput):
        ChainHead.parse(text)


# -- the keyed trail


def test_a_keyed_chain_verifies_with_its_key_and_counts_its_seals() -> None:
    records = chain_of(4, key=KEY)

    check = verify(records, key=KEY, stored_head=lambda: ChainHead.of(records[-1]))

    assert (check.ok, check.checked, check.sealed) == (True, 4, 4)
    assert all(r.seal == KEY.seal(r.hash) for r in records)


def test_rewriting_and_rehashing_a_keyed_chain_without_the_key_is_caught_at_the_rewritten_record() -> None:
    forged = rehashed(chain_of(5, key=KEY), 2)  # the head rewritten too: it matches the forged chain

    check = verify(forged, key=KEY, stored_head=lambda: ChainHead.of(forged[-1]))

    assert (check.ok, check.first_broken, check.checked, check.reason) == (False, 3, 2, Fault.SEAL)


def test_a_rehashed_keyed_chain_passes_the_unkeyed_check() -> None:
    """Without the key only the hashes can be checked, and anyone can compute those."""
    forged = rehashed(chain_of(5, key=KEY), 2)

    check = verify(forged, stored_head=lambda: ChainHead.of(forged[-1]))

    assert (check.ok, check.sealed) == (True, 5)


def test_rewriting_an_unsealed_record_before_the_key_was_set_breaks_the_first_seal_after_it() -> None:
    forged = rehashed(chain_of(5, key=KEY, unsealed=3), 1)

    check = verify(forged, key=KEY, stored_head=lambda: ChainHead.of(forged[-1]))

    assert (check.ok, check.first_broken, check.reason) == (False, 4, Fault.SEAL)


def test_stripping_the_seals_of_the_newest_records_is_caught() -> None:
    records = chain_of(5, key=KEY)
    stripped = records[:2] + [attrs.evolve(r, seal="") for r in records[2:]]

    check = verify(stripped, key=KEY, stored_head=lambda: ChainHead.of(records[-1]))

    assert (check.ok, check.first_broken, check.reason) == (False, 3, Fault.UNSEALED)


def test_stripping_every_seal_is_caught_with_the_key_at_the_newest_record() -> None:
    records = [attrs.evolve(r, seal="") for r in chain_of(4, key=KEY)]

    check = verify(records, key=KEY, stored_head=lambda: ChainHead.of(records[-1]))

    assert (check.ok, check.first_broken, check.checked, check.reason) == (False, 4, 3, Fault.UNSEALED_HEAD)


def test_records_written_before_the_trail_was_keyed_still_verify_with_the_key() -> None:
    records = chain_of(6, key=KEY, unsealed=4)

    check = verify(records, key=KEY, stored_head=lambda: ChainHead.of(records[-1]))

    assert (check.ok, check.checked, check.sealed) == (True, 6, 2)


def test_an_unkeyed_chain_verifies_as_before_without_a_key() -> None:
    records = chain_of(3)

    assert verify(records, stored_head=lambda: ChainHead.of(records[-1])).ok
    assert all(r.seal == "" for r in records)


def test_another_key_fails_the_first_seal() -> None:
    records = chain_of(3, key=KEY)

    check = verify(records, key=AuditKey.from_text("o" * 40))

    assert (check.ok, check.first_broken, check.reason) == (False, 1, Fault.SEAL)


def test_a_forged_seal_is_caught() -> None:
    records = chain_of(3, key=KEY)
    records[1] = attrs.evolve(records[1], seal="0" * 64)

    check = verify(records, key=KEY)

    assert (check.ok, check.first_broken, check.reason) == (False, 2, Fault.SEAL)


def test_a_short_key_is_refused_and_no_key_appears_in_a_repr() -> None:
    with pytest.raises(InvalidInput, match="at least 32 characters"):
        AuditKey.from_text("short-key")
    secret = "s3cret-" * 6
    key = AuditKey.from_text(secret)

    assert secret not in repr(key)
    assert "s3cret" not in repr(key) and "s3cret" not in str(key)


def test_a_seal_is_64_hex_digits_or_nothing() -> None:
    record = chain_of(1, key=KEY)[0]

    with pytest.raises(InvalidInput):
        attrs.evolve(record, seal="not-a-seal")
