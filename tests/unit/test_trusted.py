"""Records built without their validators are the records their constructors make."""

from __future__ import annotations

import attrs
import pytest

from p2pstock.core import trusted
from p2pstock.core.ledger.transfers import Transfer, TransferFlags


@attrs.define(slots=False)
class Plain:
    name: str
    count: int = 0


def test_a_record_built_trusted_equals_the_one_its_constructor_makes() -> None:
    values = (
        "t1",
        "wallet:CNY:a",
        "wallet:CNY:b",
        100,
        "deposit",
        "CNY",
        TransferFlags.LINKED,
        "",
        0,
        "r",
        5,
        None,
    )

    assert trusted.build(Transfer, *values) == Transfer(*values)
    assert trusted.build(Plain, "x", 3) == Plain("x", 3)
    assert trusted.evolve(trusted.build(Plain, "x", 3), count=4) == Plain("x", 4)


def test_a_record_needs_every_fields_value() -> None:
    with pytest.raises(TypeError, match="Plain needs 2 values, got 1"):
        trusted.build(Plain, "x")
