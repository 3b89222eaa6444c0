"""A text in the bot's two languages: what every table of texts (``*_texts.py``) is made of."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

Texts = Mapping[str, Mapping[str, str]]
"""Text key → language → text with ``{name}`` placeholders."""


def both(zh: str, en: str) -> Mapping[str, str]:
    """A text in Chinese and in English."""
    return MappingProxyType({"zh": zh, "en": en})
