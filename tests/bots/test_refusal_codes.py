"""Every error core makes carries a stable code, and the bot has a text for it in each language that names
exactly the values the raise site passes: no refusal reaches a reader as core's English."""

from __future__ import annotations

import ast
import importlib
import inspect
import re
import textwrap
from collections.abc import Iterator
from pathlib import Path

import attrs

import p2pstock.core
from p2pstock.bots.telegram.errors import ERROR_TABLE
from p2pstock.bots.telegram.texts import LANGUAGES, TEXTS, placeholders
from p2pstock.core.errors import (
    AlreadyDecided,
    IdempotencyConflict,
    InvalidInput,
    NotFound,
    P2PStockError,
    Refused,
)

CORE = Path(p2pstock.core.__file__).parent
FALLBACKS = (InvalidInput, NotFound, Refused, AlreadyDecided, IdempotencyConflict, P2PStockError)
"""The error table's generic rows: an error told by one of them would not say its reason."""


@attrs.frozen
class Site:
    """One place in core that makes a ``kind`` of error, with the code and the values it gives it."""

    where: str
    kind: type[P2PStockError]
    code: str | None
    values: frozenset[str]


def _modules() -> Iterator[tuple[Path, object]]:
    for path in sorted(CORE.rglob("*.py")):
        name = ".".join(path.relative_to(CORE.parent).with_suffix("").parts).removesuffix(".__init__")
        yield path, importlib.import_module(f"p2pstock.{name}")


def _sites() -> Iterator[Site]:
    for path, module in _modules():
        for node in ast.walk(ast.parse(path.read_text())):
            if _refuses_a_row(node):
                yield _row_site(path, node)  # type: ignore[arg-type]
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            kind = getattr(module, node.func.id, None)
            if inspect.isclass(kind) and issubclass(kind, P2PStockError):
                keywords = {k.arg: k.value for k in node.keywords if k.arg}
                code = keywords.pop("code", None)
                literal = code.value if isinstance(code, ast.Constant) else None
                where = f"{path.relative_to(CORE.parents[1])}:{node.lineno}"
                yield Site(where, kind, literal if code else None, frozenset(keywords))


def _refuses_a_row(node: ast.AST) -> bool:
    """``RowError.refused(line, reason, "code", **values)``: a statement's row refused with a code."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "refused"
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "RowError"
    )


def _row_site(path: Path, node: ast.Call) -> Site:
    code = node.args[2].value if len(node.args) > 2 and isinstance(node.args[2], ast.Constant) else None
    where = f"{path.relative_to(CORE.parents[1])}:{node.lineno}"
    return Site(where, InvalidInput, code, frozenset(k.arg for k in node.keywords if k.arg))


SITES = tuple(_sites())


def _own_init_values(kind: type[P2PStockError]) -> frozenset[str] | None:
    """The values a class with its own ``__init__`` hands to ``super().__init__`` (None without one)."""
    init = next((c.__dict__["__init__"] for c in kind.__mro__ if "__init__" in c.__dict__), None)
    if init is P2PStockError.__init__:
        return None
    for node in ast.walk(ast.parse(textwrap.dedent(inspect.getsource(init)))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "__init__"
        ):
            return frozenset(k.arg for k in node.keywords if k.arg and k.arg != "code")
    return frozenset()


def _told_by_a_row_of_its_own(kind: type[P2PStockError]) -> bool:
    row = next(row for row in ERROR_TABLE if issubclass(kind, row.kind))
    return row.kind not in FALLBACKS


def _problem(site: Site) -> str:
    """Why ``site`` would not be told in the reader's language ("" if it would)."""
    code = site.code or site.kind.code
    if not code:
        return "passes no code= and its class defines none"
    if not re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)*", code):
        return f"code {code!r} is not a snake_case literal"
    key = f"refusal.{code}"
    if key not in TEXTS:
        return "" if _told_by_a_row_of_its_own(site.kind) else f"{key} has no text"
    values = _own_init_values(site.kind)
    values = site.values if values is None else values
    for lang in LANGUAGES:
        if placeholders(TEXTS[key][lang]) != values:
            shown = sorted(placeholders(TEXTS[key][lang]))
            return f"passes {sorted(values)} but {key} ({lang}) shows {shown}"
    return ""


def test_core_makes_errors_in_many_places() -> None:
    assert len(SITES) > 300  # the scan finds them: a broken scan would pass everything below


def test_every_error_core_makes_has_a_code_told_in_each_language_with_its_values() -> None:
    offending = [f"{site.where} {site.kind.__name__}: {why}" for site in SITES if (why := _problem(site))]
    assert not offending, "errors the bot could not tell by their code:\n" + "\n".join(offending)


def test_every_class_with_a_code_of_its_own_is_told_by_its_text_or_its_row() -> None:
    kinds = {
        kind
        for _path, module in _modules()
        for kind in vars(module).values()
        if inspect.isclass(kind) and issubclass(kind, P2PStockError) and kind.__dict__.get("code")
    }
    untold = sorted(
        f"{kind.__name__} ({kind.code})"
        for kind in kinds
        if f"refusal.{kind.code}" not in TEXTS and not _told_by_a_row_of_its_own(kind)
    )
    assert not untold, "classes whose code has neither a text nor a row: " + ", ".join(untold)


def test_every_refusal_text_is_for_a_code_core_uses() -> None:
    codes = {site.code or site.kind.code for site in SITES}
    unused = sorted(key for key in TEXTS if key.startswith("refusal.") and key[8:] not in codes)
    assert not unused, "texts no error is raised with: " + ", ".join(unused)
