"""Building records without re-running their validators.

Validators guard what callers hand in. Records read back from the platform's own storage, or derived by
its own arithmetic from records already validated (the ledger's transfers and accounts, an allocation
moved on by a fee period), skip them: on the hot path they cost more than the database work. Nothing
built from caller input may come through here.
"""

from __future__ import annotations

import inspect
import operator
import types
from collections.abc import Callable
from typing import Any, TypeVar

import attrs

T = TypeVar("T")

Setter = Callable[[Any, Any], None]


@attrs.frozen
class _Shape:
    names: tuple[str, ...]
    positions: dict[str, int]
    values: Callable[[Any], tuple[Any, ...]]
    """Every field's value of an instance, in field order."""
    setters: tuple[Setter, ...]
    """What stores each field's value on a new instance: its slot's own setter (a frozen class refuses
    ``setattr``), half the cost of ``object.__setattr__``."""
    plain: bool
    """Whether the class's ``__init__`` only stores what it is given, in field order (no validator,
    converter or ``__attrs_post_init__``): then it is the fastest way to build one of many fields."""


_SHAPES: dict[type, _Shape] = {}


def _shape(cls: type) -> _Shape:
    shape = _SHAPES.get(cls)
    if shape is None:
        fields = attrs.fields(cls)
        names = tuple(field.name for field in fields)
        getter = operator.attrgetter(*names)
        values = getter if len(names) > 1 else lambda instance: (getter(instance),)
        positions = {name: i for i, name in enumerate(names)}
        setters = tuple(_setter(cls, name) for name in names)
        plain = not hasattr(cls, "__attrs_post_init__") and all(
            f.validator is None and f.converter is None and f.init and not f.kw_only for f in fields
        )
        shape = _SHAPES[cls] = _Shape(names, positions, values, setters, plain)
    return shape


def _setter(cls: type, name: str) -> Setter:
    slot = inspect.getattr_static(cls, name, None)
    if isinstance(slot, types.MemberDescriptorType):
        return slot.__set__
    return lambda instance, value: object.__setattr__(instance, name, value)


def build(cls: type[T], *values: Any) -> T:
    """An instance of the attrs class ``cls`` from every field's value, in field order."""
    builder = _BUILDERS.get(cls) or _builder(cls)
    if len(values) != len(_shape(cls).names):
        raise TypeError(f"{cls.__name__} needs {len(_shape(cls).names)} values, got {len(values)}")
    return builder(*values)  # type: ignore[no-any-return]


_BUILDERS: dict[type, Callable[..., Any]] = {}


def _builder(cls: type) -> Callable[..., Any]:
    """A function that sets every field of ``cls`` from its arguments, made once per class as attrs makes
    ``__init__``: one line a field, a slot set through its own descriptor (a loop over the names costs
    three times as much: a repayment builds two thousand transfers)."""
    setters = _shape(cls).setters
    scope: dict[str, Any] = {"new": object.__new__, "cls": cls}
    lines = [f"def build({', '.join(f'v{n}' for n in range(len(setters)))}):", "    instance = new(cls)"]
    for n, store in enumerate(setters):
        scope[f"set{n}"] = store
        lines.append(f"    set{n}(instance, v{n})")
    lines.append("    return instance")
    exec("\n".join(lines), scope)  # noqa: S102 - text made above from the class's field count only
    builder: Callable[..., Any] = scope["build"]
    _BUILDERS[cls] = builder
    return builder


def evolve(instance: T, **changes: Any) -> T:
    """A copy of ``instance`` with ``changes`` applied."""
    shape = _shape(type(instance))
    values = list(shape.values(instance))
    for name, value in changes.items():
        values[shape.positions[name]] = value
    if shape.plain:
        return type(instance)(*values)
    copy = object.__new__(type(instance))
    for store, value in zip(shape.setters, values, strict=True):
        store(copy, value)
    return copy
