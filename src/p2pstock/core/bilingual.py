"""A text core sends a person, in Chinese and in English (the notification templates)."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType


def both(zh: str, en: str) -> Mapping[str, str]:
    """A template in Chinese and in English (language → text)."""
    return MappingProxyType({"zh": zh, "en": en})
