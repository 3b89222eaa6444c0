"""Reading what the bot sent as its reader would: no English words in a Chinese conversation, no Chinese
in an English one.

Each message is read in the language of its reader at the time (the customer's, or the Telegram app's for
an administrator without one). In a Chinese message every run of Latin letters must
be something a Chinese reader meets as it is: an id or a number-like token (holding a digit or one of
``-_./@:#``, like ``a5cdee136b7a``, ``W-big``, ``/cancel``, ``https://…``), a word the user typed (a
reason, a name), or a name on the allow-list (``p2pstock``, ``Telegram``, the formula letters D, B, A, R).
An English message must hold no CJK character but in what a user typed or the name of a thing (a Chinese
product or person's name).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import attrs

CJK_RUN = re.compile(r"[\u3400-\u9fff\u3000-\u300f\u3012-\u303f\uff01-\uff5e]+")
"""Chinese characters and full-width punctuation (but 【】, which English texts use around a name too)."""
MASKED_NAME = re.compile(r"[\u3400-\u9fff]\*+")
TOKEN = re.compile(r"[^\s\u3400-\u9fff\u3000-\u303f\uff01-\uff5e]+")
WORD = re.compile(r"[A-Za-z]+")
ID_MARKS = re.compile(r"[0-9_./@:#-]")

ALLOWED = frozenset(
    {
        "p2pstock",
        "telegram",
        "sms",
        "id",
        "csv",
        "xlsx",
        "gbk",
        "pdf",
        "toml",
        "cny",
        "ok",
        "d",
        "b",
        "a",
        "l",
        "w",
        "c",
        "m",
        "r",
        "xshg",
        "xshe",
        "jpeg",
        "png",
        "mb",
        "sandbox",
        "note",
        "english",
        "language",
    }
)
"""Names a Chinese reader meets as they are (lower case): formats and units, the payment sandbox, the
statement's optional column, and the language chooser's label, which names each language in its own."""

ALLOWED_CJK = frozenset({"语言", "中文"})
"""What an English reader meets in Chinese: the language chooser names each language in its own."""


@attrs.frozen
class Problem:
    chat: int
    text: str
    words: tuple[str, ...]

    def __str__(self) -> str:
        return f"chat {self.chat}: {', '.join(self.words)!s} in {self.text!r}"


def foreign_words(text: str, lang: str, data: Sequence[str] = ()) -> list[str]:
    """The words in ``text`` that a reader of ``lang`` would not read as their own; ``data`` is what users
    typed and the names of things (products, people), which may come back in any language."""
    if lang == "zh":
        own = {word.lower() for line in data for word in WORD.findall(line)}
        return [word for word in _latin_words(text) if word.lower() not in ALLOWED | own]
    for line in sorted(data, key=len, reverse=True):
        text = text.replace(line, " ") if line else text
    return [run for run in CJK_RUN.findall(MASKED_NAME.sub(" ", text)) if run not in ALLOWED_CJK]


def _latin_words(text: str) -> list[str]:
    words: list[str] = []
    for token in TOKEN.findall(text):
        if ID_MARKS.search(token.strip(".,;:!?()（）")) or token.startswith("/"):
            continue
        words.extend(WORD.findall(token))
    return words


def problems(heard: Sequence[tuple[int, str, str]], data: Sequence[str] = ()) -> list[Problem]:
    """What the messages ``heard`` (chat, the language its reader reads, text) hold that the reader would
    not read as their own language."""
    found = [(chat, text, foreign_words(text, lang, data)) for chat, lang, text in heard]
    return [Problem(chat, text, tuple(words)) for chat, text, words in found if words]
