"""Building records without re-running their validators.

Validators guard what callers hand in. Records the ledger reads back from its own storage, or derives by
its own arithmetic from records already validated, skip them: on the hot path they cost more than the
database work. Nothing built from caller input may come through here.
"""

from __future__ import annotations

import operator
from typing import Any, TypeVar

import attrs

T = TypeVar("T")


@attrs.frozen
class _Shape:
    names: tuple[str, ...]
    values: operator.attrgetter[Any]
    """Every field's value of an instance, in field order."""
    positions: dict[str, int]
    plain: bool
    """Whether the class's ``__init__`` only stores what it is given, in field order (no validator,
    converter or ``__attrs_post_init__``): then it is the fastest way to build one."""


_SHAPES: dict[type, _Shape] = {}


def _shape(cls: type) -> _Shape:
    shape = _SHAPES.get(cls)
    if shape is None:
        fields = attrs.fields(cls)
        names = tuple(field.name for field in fields)
        plain = len(names) > 1 and not hasattr(cls, "__attrs_post_init__")  # one name: its value alone
        plain = plain and all(
            f.validator is None and f.converter is None and f.init and not f.kw_only for f in fields
        )
        positions = {name: i for i, name in enumerate(names)}
        shape = _SHAPES[cls] = _Shape(names, operator.attrgetter(*names), positions, plain)
    return shape


def build(cls: type[T], *values: Any) -> T:
    """An instance of the attrs class ``cls`` from every field's value, in field order."""
    names = _shape(cls).names
    if len(values) != len(names):
        raise TypeError(f"{cls.__name__} needs {len(names)} values, got {len(values)}")
    instance = object.__new__(cls)
    for name, value in zip(names, values, strict=True):
        object.__setattr__(instance, name, value)
    return instance


def evolve(instance: T, **changes: Any) -> T:
    """A copy of ``instance`` with ``changes`` applied."""
    cls = type(instance)
    shape = _shape(cls)
    if shape.plain:
        values = list(shape.values(instance))
        for name, value in changes.items():
            values[shape.positions[name]] = value
        return cls(*values)
    copy = object.__new__(cls)
    for name in shape.names:
        object.__setattr__(copy, name, changes[name] if name in changes else getattr(instance, name))
    return copy
