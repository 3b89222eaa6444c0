"""Building records without re-running their validators.

Validators guard what callers hand in. Records a storage adapter reads back from what it stored, or that
core derives by its own arithmetic from records already validated, skip them: on the hot path they cost
more than the database work. Nothing built from caller input may come through here.
"""

from __future__ import annotations

import types
from collections.abc import Callable
from typing import Any, TypeVar

import attrs

T = TypeVar("T")


_NAMES: dict[type, tuple[str, ...]] = {}
_BUILDERS: dict[type, Callable[..., Any]] = {}


def _names(cls: type) -> tuple[str, ...]:
    names = _NAMES.get(cls)
    if names is None:
        names = _NAMES[cls] = tuple(field.name for field in attrs.fields(cls))
    return names


def build(cls: type[T], *values: Any) -> T:
    """An instance of the attrs class ``cls`` from every field's value, in field order."""
    builder = _BUILDERS.get(cls) or _builder(cls)
    if len(values) != len(_names(cls)):
        raise TypeError(f"{cls.__name__} needs {len(_names(cls))} values, got {len(values)}")
    return builder(*values)  # type: ignore[no-any-return]


def _builder(cls: type) -> Callable[..., Any]:
    """A function that sets every field of ``cls`` from its arguments, made once per class as attrs makes
    ``__init__``: one line a field, a slot set through its own descriptor (a loop over the names costs
    three times as much: a repayment builds two thousand transfers)."""
    names = _names(cls)
    scope: dict[str, Any] = {"new": object.__new__, "cls": cls}
    lines = [f"def build({', '.join(f'v{n}' for n in range(len(names)))}):", "    instance = new(cls)"]
    for n, name in enumerate(names):
        scope[f"set{n}"] = _setter(cls, name)
        lines.append(f"    set{n}(instance, v{n})")
    lines.append("    return instance")
    exec("\n".join(lines), scope)  # noqa: S102 - text made above from the class's field count only
    builder: Callable[..., Any] = scope["build"]
    _BUILDERS[cls] = builder
    return builder


def _setter(cls: type, name: str) -> Callable[[Any, Any], None]:
    slot = getattr(cls, name, None)
    if isinstance(slot, types.MemberDescriptorType):
        return slot.__set__
    return lambda instance, value: object.__setattr__(instance, name, value)


def evolve(instance: T, **changes: Any) -> T:
    """A copy of ``instance`` with ``changes`` applied."""
    cls = type(instance)
    copy = object.__new__(cls)
    for name in _names(cls):
        object.__setattr__(copy, name, changes[name] if name in changes else getattr(instance, name))
    return copy
