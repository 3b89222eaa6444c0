"""Building records without re-running their validators.

Validators guard what callers hand in. Records a storage adapter reads back from what it stored, or that
core derives by its own arithmetic from records already validated, skip them: on the hot path they cost
more than the database work. Nothing built from caller input may come through here.
"""

from __future__ import annotations

from typing import Any, TypeVar

import attrs

T = TypeVar("T")


_NAMES: dict[type, tuple[str, ...]] = {}


def _names(cls: type) -> tuple[str, ...]:
    names = _NAMES.get(cls)
    if names is None:
        names = _NAMES[cls] = tuple(field.name for field in attrs.fields(cls))
    return names


def build(cls: type[T], *values: Any) -> T:
    """An instance of the attrs class ``cls`` from every field's value, in field order."""
    names = _names(cls)
    if len(values) != len(names):
        raise TypeError(f"{cls.__name__} needs {len(names)} values, got {len(values)}")
    instance = object.__new__(cls)
    for name, value in zip(names, values, strict=True):
        object.__setattr__(instance, name, value)
    return instance


def evolve(instance: T, **changes: Any) -> T:
    """A copy of ``instance`` with ``changes`` applied."""
    cls = type(instance)
    copy = object.__new__(cls)
    for name in _names(cls):
        object.__setattr__(copy, name, changes[name] if name in changes else getattr(instance, name))
    return copy
