"""The glossary names every value a person reads once per language, and every text keeps to its words."""

from __future__ import annotations

import enum
import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest

import p2pstock.core
from p2pstock.bots.telegram.texts import TEXTS, text
from p2pstock.core.allocation.allocations import Status
from p2pstock.core.allocation.side_requests import Kind
from p2pstock.core.ledger import codes
from p2pstock.core.lending.views import BUCKETS
from p2pstock.core.names import (
    CODE_NAMES,
    CONCEPTS,
    ENUM_NAMES,
    LANGUAGES,
    SYNONYMS,
    code_name,
    enum_key,
    name_of,
)
from p2pstock.core.notifications import TEMPLATES, render
from p2pstock.core.people.permissions import DEFAULT_ROLES

UNREAD = {
    "ledger.accounts.AccountFlags",
    "ledger.transfers.TransferFlags",
    "ledger.results.TransferResult",
    "ledger.results.AccountResult",
    "ledger.entries.Side",
    "audit.Fault",
    "people.documents.ContentType",
}
"""Enums of core that no person reads: ledger results and flags, audit faults, content types."""


def core_enums() -> dict[str, type[enum.Enum]]:
    found: dict[str, type[enum.Enum]] = {}
    for module in pkgutil.walk_packages(p2pstock.core.__path__, "p2pstock.core."):
        for _, kind in inspect.getmembers(importlib.import_module(module.name), inspect.isclass):
            if issubclass(kind, enum.Enum) and kind.__module__ == module.name:
                found[enum_key(kind)] = kind
    return found


def every_text() -> list[tuple[str, str, str]]:
    """(where, language, text) of every bot text and notification template."""
    return [
        (f"{source} {key}", lang, versions[lang])
        for source, table in (("bot", TEXTS), ("template", TEMPLATES))
        for key, versions in table.items()
        for lang in LANGUAGES
    ]


def test_every_enum_a_person_reads_is_named_member_by_member_in_both_languages() -> None:
    enums = core_enums()
    assert set(ENUM_NAMES) == set(enums) - UNREAD
    for key, names in ENUM_NAMES.items():
        assert set(names) == {str(member.value) for member in enums[key]}, key
        assert all(zh and en for zh, en in names.values()), key


def test_a_member_is_shown_by_its_name_in_the_readers_language() -> None:
    assert name_of(Status.IN_PROGRESS, "zh") == "交易中"
    assert name_of(Status.IN_PROGRESS, "en") == "in progress"
    assert name_of(Kind.TERMINATION, "fr") == "终止配资"  # a language without names reads Chinese


def test_an_enum_the_glossary_does_not_know_is_shown_by_its_value() -> None:
    class Colour(enum.StrEnum):
        RED = "red"

    assert name_of(Colour.RED, "zh") == "red"


def test_every_ledger_code_overdue_bucket_and_shipped_role_has_a_name_of_its_own() -> None:
    ledger_codes = {value for name, value in vars(codes).items() if name.isupper() and isinstance(value, str)}
    assert ledger_codes <= set(CODE_NAMES["ledger"])
    assert {name for _, name in BUCKETS} | {"M3+"} <= set(CODE_NAMES["bucket"])
    assert set(DEFAULT_ROLES) == set(CODE_NAMES["role"])


def test_a_code_without_a_name_falls_back_to_its_prefix_then_its_family() -> None:
    assert code_name("ledger", "allocation.new_kind", "zh") == "配资"
    assert code_name("ledger", "plugin.bonus", "en") == "other"
    assert code_name("action", "plugin.action", "zh") == "plugin.action"


@pytest.mark.parametrize("backend", ["memory"])
def test_every_action_that_waits_for_a_second_administrator_has_a_name(app: object) -> None:
    actions = set(app.office.executors)  # type: ignore[attr-defined]
    assert actions <= set(CODE_NAMES["action"])


@pytest.mark.parametrize("concept", sorted(SYNONYMS))
def test_no_text_calls_a_concept_by_another_word(concept: str) -> None:
    offending = [
        f"{where} ({lang}): {found}"
        for where, lang, found in every_text()
        for word in SYNONYMS[concept]
        if word in found
    ]
    assert offending == [], f"say {CONCEPTS[concept]} instead"


def test_texts_and_notifications_show_an_enum_value_by_its_name() -> None:
    assert render("allocation.request_approved", "zh", id="a-1", kind=Kind.TERMINATION) == (
        "配资 a-1 的申请（终止配资）已批准。"
    )
    assert "in progress" in text("admin.alloc.card.head", "en", id="a-1", status=Status.IN_PROGRESS)


def test_the_glossary_imports_no_module_of_p2pstock() -> None:
    """The modules that define the enums render texts with it: importing them back would be a cycle."""
    source = Path(p2pstock.core.__file__).parent / "names.py"
    assert "import p2pstock" not in source.read_text(encoding="utf-8")
