"""Tests of the audit trail: a chain built by ``append`` verifies, and any tampering is found — against the
stored head and a head recorded elsewhere, and with the keyed trail's seals (what someone with write
access to the database can and cannot do unnoticed, see ``core/audit.py``)."""

from __future__ import annotations

import itertools

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from p2pstock.core.audit import (
    GENESIS_HASH,
    HASH_MISMATCH,
    PREVIOUS_MISMATCH,
    SEQUENCE_GAP,
    AuditKey,
    AuditRecord,
    ChainCheck,
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
            actor="admin-1" if index % 2 else "system",
            action="withdrawal.approve",
            target=f"withdrawal:W-{index}",
            before={"status": "pending", "amount": 10_000 + index},
            after={"status": "approved", "amount": 10_000 + index, "note": "已批准"},
            key=key if index >= unsealed else None,
        )
        records.append(previous)
    return records


def flip(text: str) -> str:
    """The same text with its last character changed (or one character added if empty)."""
    if not text:
        return "x"
    last = text[-1]
    return text[:-1] + ("1" if last == "0" else "0")


TAMPERINGS = {
    "seq": lambda r: attrs.evolve(r, seq=r.seq + 100),
    "at": lambda r: attrs.evolve(r, at=r.at + 1),
    "actor": lambda r: attrs.evolve(r, actor=r.actor + "x"),
    "action": lambda r: attrs.evolve(r, action="withdrawal.reject"),
    "target": lambda r: attrs.evolve(r, target=r.target + "0"),
    "before": lambda r: attrs.evolve(r, before=flip(r.before)),
    "after": lambda r: attrs.evolve(r, after=flip(r.after)),
    "previous_hash": lambda r: attrs.evolve(r, previous_hash=flip(r.previous_hash)),
    "hash": lambda r: attrs.evolve(r, hash=flip(r.hash)),
}


def test_a_chain_of_several_records_verifies() -> None:
    records = chain_of(5)
    assert [r.seq for r in records] == [1, 2, 3, 4, 5]
    assert records[0].previous_hash == GENESIS_HASH
    assert all(b.previous_hash == a.hash for a, b in itertools.pairwise(records))
    assert verify(records) == ChainCheck(ok=True, checked=5, head=ChainHead(5, records[-1].hash))


def test_an_empty_chain_verifies_with_nothing_checked() -> None:
    assert verify([]) == ChainCheck(ok=True, checked=0, head=ChainHead(0, GENESIS_HASH))


@pytest.mark.parametrize("field", sorted(TAMPERINGS))
@pytest.mark.parametrize("position", [0, 2, 4])
def test_tampering_with_any_field_of_any_record_is_caught_at_that_record(field: str, position: int) -> None:
    records = chain_of(5)
    records[position] = TAMPERINGS[field](records[position])
    check = verify(records)
    assert not check.ok
    assert check.first_broken == position + 1
    assert check.checked == position
    assert check.reason == HASH_MISMATCH


def test_deleting_a_record_in_the_middle_is_caught_where_it_is_missing() -> None:
    records = chain_of(5)
    del records[2]
    check = verify(records)
    assert (check.ok, check.first_broken, check.checked) == (False, 3, 2)
    assert check.reason in {SEQUENCE_GAP, PREVIOUS_MISMATCH}


def test_deleting_the_first_record_is_caught_at_seq_one() -> None:
    check = verify(chain_of(3)[1:])
    assert (check.ok, check.first_broken) == (False, 1)


def test_reordering_records_is_caught() -> None:
    records = chain_of(4)
    records[1], records[2] = records[2], records[1]
    check = verify(records)
    assert (check.ok, check.first_broken, check.reason) == (False, 2, SEQUENCE_GAP)


def test_renumbering_reordered_records_still_breaks_the_previous_hash() -> None:
    records = chain_of(4)
    swapped = [records[0], records[2], records[1], records[3]]
    resealed = []
    for seq, record in enumerate(swapped, start=1):
        moved = attrs.evolve(record, seq=seq)
        resealed.append(attrs.evolve(moved, hash=moved.expected_hash()))
    check = verify(resealed)
    assert (check.ok, check.first_broken, check.reason) == (False, 2, PREVIOUS_MISMATCH)


def test_recomputing_a_tampered_records_own_hash_is_caught_at_the_next_record() -> None:
    records = chain_of(5)
    tampered = attrs.evolve(records[2], after=canonical({"status": "approved", "amount": 99_999_999}))
    records[2] = attrs.evolve(tampered, hash=tampered.expected_hash())
    check = verify(records)
    assert (check.ok, check.first_broken, check.checked, check.reason) == (False, 4, 3, PREVIOUS_MISMATCH)


def test_resealing_the_last_record_cannot_be_caught_by_the_chain_alone() -> None:
    records = chain_of(3)
    tampered = attrs.evolve(records[2], after="{}")
    records[2] = attrs.evolve(tampered, hash=tampered.expected_hash())
    assert verify(records).ok  # the head hash must be kept elsewhere to catch this


def test_canonical_json_does_not_depend_on_key_order() -> None:
    one = canonical({"b": 1, "a": {"y": [1, 2], "x": None}})
    other = canonical({"a": {"x": None, "y": [1, 2]}, "b": 1})
    assert one == other == '{"a":{"x":null,"y":[1,2]},"b":1}'


def test_canonical_json_of_nothing_is_empty_text() -> None:
    assert canonical(None) == ""
    assert AuditRecord.append(None, at=T0, actor="system", action="audit.start", target="system").before == ""


@pytest.mark.parametrize(
    "value",
    [{"amount": 1.5}, {"nested": {"amount": 0.0}}, {"list": [1, 2, 3.0]}, {"nan": float("nan")}],
)
def test_canonical_json_refuses_floats_anywhere(value: dict[str, object]) -> None:
    with pytest.raises(InvalidInput, match="float"):
        canonical(value)


def test_appending_a_state_with_a_float_is_refused() -> None:
    with pytest.raises(InvalidInput):
        AuditRecord.append(None, at=T0, actor="system", action="capital.adjust", target="x", after={"a": 0.1})


def test_canonical_json_refuses_values_json_cannot_hold() -> None:
    with pytest.raises(InvalidInput):
        canonical({"when": object()})


def test_chinese_text_survives_unescaped() -> None:
    record = AuditRecord.append(
        None, at=T0, actor="admin-1", action="kyc.review", target="customer:C-1", after={"姓名": "张三"}
    )
    assert record.after == '{"姓名":"张三"}'
    assert verify([record]).ok


def test_an_action_that_is_not_a_dotted_code_is_refused() -> None:
    with pytest.raises(InvalidInput):
        AuditRecord.append(None, at=T0, actor="system", action="Withdrawal Approve", target="withdrawal:W-1")


states = st.dictionaries(
    st.text(min_size=1, max_size=8),
    st.one_of(st.integers(), st.text(max_size=12), st.booleans(), st.none()),
    max_size=4,
)
steps = st.lists(
    st.tuples(st.integers(min_value=0, max_value=10**15), st.none() | states, states), min_size=1, max_size=8
)


def build(chain_steps: list[tuple[int, dict[str, object] | None, dict[str, object]]]) -> list[AuditRecord]:
    records: list[AuditRecord] = []
    previous: AuditRecord | None = None
    for at, before, after in chain_steps:
        previous = AuditRecord.append(
            previous, at=at, actor="system", action="audit.test", target="t:1", before=before, after=after
        )
        records.append(previous)
    return records


@given(steps)
def test_any_chain_built_by_append_verifies(
    chain_steps: list[tuple[int, dict[str, object] | None, dict[str, object]]],
) -> None:
    records = build(chain_steps)
    assert verify(records) == ChainCheck(ok=True, checked=len(records), head=ChainHead.of(records[-1]))


@given(states)
def test_one_state_given_as_before_and_after_is_both_and_verifies(state: dict[str, object]) -> None:
    record = AuditRecord.append(
        None, at=T0, actor="system", action="audit.test", target="t:1", before=state, after=state
    )
    assert record.before == record.after == canonical(state)
    assert record.expected_hash() == record.hash


@given(steps, st.data())
def test_flipping_any_character_of_any_after_breaks_the_chain_at_that_record(
    chain_steps: list[tuple[int, dict[str, object] | None, dict[str, object]]], data: st.DataObject
) -> None:
    records = build(chain_steps)
    position = data.draw(st.integers(min_value=0, max_value=len(records) - 1))
    after = records[position].after
    index = data.draw(st.integers(min_value=0, max_value=len(after) - 1))
    replacement = data.draw(st.characters().filter(lambda c: c != after[index]))
    records[position] = attrs.evolve(
        records[position], after=after[:index] + replacement + after[index + 1 :]
    )
    check = verify(records)
    assert (check.ok, check.first_broken, check.reason) == (False, position + 1, HASH_MISMATCH)


# -- the end of the chain, and the keyed trail


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
