"""What the command groups share: the type of the sub-parsers they add to, running a command on a freshly
built application that is closed again afterwards (a refusal printed as one line), reading a text file
and an amount in yuan."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from p2pstock.bootstrap import App, bootstrap
from p2pstock.core.errors import P2PStockError
from p2pstock.core.money import Money

if TYPE_CHECKING:
    Commands = argparse._SubParsersAction[argparse.ArgumentParser]
else:
    Commands = argparse._SubParsersAction
"""What ``add_subparsers`` answers: where a group adds its commands."""


def on_app(work: Callable[[App], int]) -> int:
    """``work`` on the configured application, answering its exit status; a p2pstock refusal is printed
    (``refused: …``) and answers 1. The application is closed either way."""
    app = bootstrap()
    try:
        return work(app)
    except P2PStockError as error:
        print(f"refused: {error}", file=sys.stderr)
        return 1
    finally:
        app.close()


def read_text(path: Path) -> str | None:
    """The UTF-8 text of ``path`` (a byte-order mark dropped); ``None`` once why not was printed."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        print(f"cannot read {path}: {error}", file=sys.stderr)
        return None


def yuan(text: str) -> Money:
    """An argument in yuan (``1,000,000.00``)."""
    try:
        return Money.parse(text)
    except P2PStockError as error:
        raise argparse.ArgumentTypeError(f"not an amount in yuan: {text!r} ({error})") from None
