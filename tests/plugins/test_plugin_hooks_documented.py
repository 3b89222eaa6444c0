"""Every hook a plugin may implement is documented: in its specification and in the README."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

import p2pstock.plugin
from p2pstock.plugin import HOOK_NAMES, hookspecs

ROOT = Path(__file__).resolve().parents[2]


def _readme_plugin_section() -> str:
    readme = (ROOT / "README.md").read_text()
    match = re.search(r"^## Plugins\n(.*?)(?=^## )", readme, flags=re.MULTILINE | re.DOTALL)
    assert match, "the README has no Plugins section"
    return match.group(1)


def test_the_hooks_are_the_five_agreed_ones() -> None:
    assert set(HOOK_NAMES) == {
        "p2pstock_sms_providers",
        "p2pstock_payment_providers",
        "p2pstock_document_stores",
        "p2pstock_event",
        "p2pstock_permission_veto",
    }


def test_every_function_named_like_a_hook_is_a_specification() -> None:
    for name in HOOK_NAMES:
        assert getattr(getattr(hookspecs, name), "p2pstock_spec", None) is not None, name


@pytest.mark.parametrize("name", HOOK_NAMES)
def test_each_hook_says_when_it_is_called_its_arguments_and_what_to_return(name: str) -> None:
    doc = inspect.getdoc(getattr(hookspecs, name)) or ""
    assert "Called" in doc, f"{name} does not say when it is called"
    assert "Return" in doc, f"{name} does not say what to return"
    for argument in inspect.signature(getattr(hookspecs, name)).parameters:
        assert f"``{argument}``" in doc, f"{name} does not explain its argument {argument}"


@pytest.mark.parametrize("name", HOOK_NAMES)
def test_each_hook_is_in_the_readme_plugin_section(name: str) -> None:
    assert f"`{name}(" in _readme_plugin_section()


def test_the_hookspec_module_explains_how_to_write_a_plugin() -> None:
    doc = hookspecs.__doc__ or ""
    assert "@hookimpl" in doc
    assert "[project.entry-points.p2pstock]" in doc


def test_the_marker_for_plugins_is_exported_from_the_package() -> None:
    assert p2pstock.plugin.hookimpl is hookspecs.hookimpl
    assert p2pstock.plugin.hookimpl.project_name == "p2pstock"
